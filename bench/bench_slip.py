"""Observation slip build time: the first slip (loading the bundled CJK font included), then the median
and p95 over 200 builds of each paper size. Target: <= 30 ms per slip once the font is loaded.

Prints figures; asserts nothing.

    .venv/bin/python bench/bench_slip.py
    .venv/bin/python bench/bench_slip.py --builds 500
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, datetime, timedelta, timezone

T0 = time.perf_counter()
from station import slips  # noqa: E402  (the import of reportlab is part of the first slip's cost)

IMPORT_MS = (time.perf_counter() - T0) * 1000
CST = timezone(timedelta(hours=8))


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def sample(i: int = 0) -> slips.SlipData:
    """A realistic slip: first dose of BBIBP, with the next dose due."""
    injected = datetime(2026, 11, 26, 9, 54, tzinfo=CST) + timedelta(minutes=i % 300)
    start = injected + timedelta(minutes=1)
    return slips.SlipData(
        visit_id=f"d3736b65-7cc6-4326-9783-{i:012d}",
        day=date(2026, 11, 26),
        site="朝阳区XX街道临时接种点",
        queue_no=1 + i % 1005,
        name="龚强杰",
        id_masked="110108********307X",
        product="sinopharm_bbibp",
        product_zh="新冠病毒灭活疫苗（Vero细胞）北京生物",
        product_en="Sinopharm BBIBP-CorV (inactivated, Vero cell)",
        manufacturer_zh="北京生物制品研究所",
        manufacturer_en="Beijing Institute of Biological Products (Sinopharm)",
        lot_no="20261126A017",
        dose_number=1,
        is_booster=False,
        dose_label_zh="第一剂次",
        dose_label_en="1st dose",
        desk="6",
        injected_at=injected,
        seat=1 + i % 100,
        observe_from=start,
        observe_until=start + timedelta(minutes=30),
        minutes=30,
        emergency_phone="010-12345678",
        next_due=slips.NextDue(2, False, "第二剂次", "2nd dose", date(2026, 12, 17), date(2027, 1, 21)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builds", type=int, default=200)
    args = parser.parse_args()

    started = time.perf_counter()
    first = slips.build_slip(sample(), "80mm")
    first_ms = (time.perf_counter() - started) * 1000
    print(f"import station.slips (reportlab): {IMPORT_MS:6.1f} ms")
    print(f"first slip, font loading included: {first_ms:6.1f} ms  ({len(first) / 1024:.0f} KiB)")
    print("(wall time; cpu = this process's CPU time, which other load on the machine does not inflate)")
    for size in slips.SIZES:
        wall, cpu = [], []
        for i in range(args.builds):
            data = sample(i)
            t, c = time.perf_counter(), time.process_time()
            slips.build_slip(data, size)
            cpu.append((time.process_time() - c) * 1000)
            wall.append((time.perf_counter() - t) * 1000)
        print(
            f"{size:>5}: median {statistics.median(wall):5.1f} ms   p95 {pct(wall, 0.95):5.1f} ms"
            f"   max {max(wall):5.1f} ms   cpu median {statistics.median(cpu):5.1f} ms"
            f"   over {args.builds} builds (target <= 30 ms)"
        )


if __name__ == "__main__":
    main()
