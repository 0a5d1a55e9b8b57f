"""Day report build time for a 1,000-person demo day (target: under 1 s), and the outlook's.

Loads the demo day (1,005 bookings) and two booked days after it into a temporary station, then
times: the figures alone (`day_figures`), the PDF from the figures, and both together, the first
build (the CJK font loaded and parsed) apart from the median of the next ones. Prints figures;
asserts nothing. With --screenshots DIR it also writes the PDFs and renders them to PNG at 80 dpi
with pdftoppm (docs/screenshots/report_day_p1.png ..., report_outlook.png).

    .venv/bin/python bench/bench_reports.py
    .venv/bin/python bench/bench_reports.py --runs 10 --screenshots docs/screenshots
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import date, timedelta
from datetime import time as dtime
from pathlib import Path

from station import bookings, demo
from station.identity import make_resident_id
from station.reports.dayreport import build_day_report
from station.reports.figures import day_figures, outlook_figures
from station.reports.outlook import build_outlook
from station.store import Store

Store.trusts_named_staff = True  # this script plays its staff: their desk work without their PINs

DAY = date(2026, 11, 26)
SITE = "朝阳区某街道临时接种点"


def load(folder: Path) -> Store:
    store = Store.open(folder / "station.sqlite3", origin="bench-1")
    started = time.perf_counter()
    demo.load(store, DAY)
    demo.load(store, DAY + timedelta(days=1), bookings_total=900, until=dtime(6, 0), seed=7)
    demo.load(store, DAY + timedelta(days=2), bookings_total=700, until=dtime(6, 0), seed=8)
    # a works unit booked for CoronaVac on the third day: more than the two deliveries hold
    for i in range(400):
        person = bookings.person_record(
            name=f"职工{i:03d}",
            id_number=make_resident_id("370102", date(1980, 1, 1) + timedelta(days=i), 5),
            unit="顺丰速运站点",
            today=DAY,
        )
        bookings.add_booking(
            store,
            person,
            DAY + timedelta(days=2),
            "09:00-09:30",
            staff_id="admin",
            product="sinovac_coronavac",
        )
    print(
        f"demo loaded: {store.scalar('SELECT count(*) FROM events')} events in {time.perf_counter() - started:.1f} s"
    )
    return store


def timed(fn, runs: int) -> tuple[float, float, object]:
    t0 = time.perf_counter()
    result = fn()
    first = time.perf_counter() - t0
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return first, statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--screenshots", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = load(Path(tmp))
        try:
            first, med, figures = timed(lambda: day_figures(store, DAY, site=SITE), args.runs)
            print(f"day_figures:               first {first * 1000:7.0f} ms, median {med * 1000:7.0f} ms")
            first, med, data = timed(lambda: build_day_report(figures, "zh"), args.runs)  # type: ignore[arg-type]
            print(f"day report PDF (zh):       first {first * 1000:7.0f} ms, median {med * 1000:7.0f} ms, "
                  f"{len(data) / 1024:.0f} KB")  # type: ignore[arg-type]  # fmt: skip
            first, med, _ = timed(
                lambda: build_day_report(day_figures(store, DAY, site=SITE), "zh"), args.runs
            )
            print(f"day report, figures + PDF: first {first * 1000:7.0f} ms, median {med * 1000:7.0f} ms "
                  "(target < 1000 ms)")  # fmt: skip
            first, med, _ = timed(
                lambda: build_day_report(day_figures(store, DAY, site=SITE), "en"), args.runs
            )
            print(f"day report in English:     first {first * 1000:7.0f} ms, median {med * 1000:7.0f} ms")
            first, med, outlook = timed(
                lambda: build_outlook(outlook_figures(store, DAY, 3, site=SITE), "zh"), args.runs
            )
            print(f"outlook, 3 days:           first {first * 1000:7.0f} ms, median {med * 1000:7.0f} ms")
            if args.screenshots:
                shoot(args.screenshots, data, outlook, Path(tmp))  # type: ignore[arg-type]
        finally:
            store.close()


def shoot(folder: Path, day_pdf: bytes, outlook_pdf: bytes, tmp: Path) -> None:
    """Render the PDFs' pages to PNG (80 dpi) as docs/screenshots/report_day_pN.png, report_outlook*.png."""
    if not shutil.which("pdftoppm"):
        print("pdftoppm not found: no screenshots")
        return
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in (("report_day", day_pdf), ("report_outlook", outlook_pdf)):
        pdf = tmp / f"{name}.pdf"
        pdf.write_bytes(data)
        subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(tmp / name)], check=True)
        pages = sorted(tmp.glob(f"{name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        for n, page in enumerate(pages, 1):
            target = folder / (f"{name}_p{n}.png" if name == "report_day" or n > 1 else f"{name}.png")
            shutil.move(page, target)
            print(f"wrote {target}")


if __name__ == "__main__":
    main()
