"""Bookings import: memory for a big file, and how long a desk waits while a large import runs.

    .venv/bin/python bench/bench_import.py [--read-rows 1000000] [--import-rows 20000]

1. Reads and checks a CSV of --read-rows bookings (streamed; good rows kept in a temporary file)
   in a child process and prints its peak memory (VmHWM from /proc) and the time taken.
2. Imports --import-rows bookings (500 rows or 0.1 s a transaction, then a 30 ms pause) while a desk on its own connection signs
   people in, one every 20 ms; prints the desk's waits (p50, p99, max) and whether it was ever
   refused as busy, and the import's longest chunk. The same with everything in one transaction
   (chunk = the whole file, as before #13) for comparison.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from station import bookings, importer, signin  # noqa: E402
from station import staff as staffmod  # noqa: E402
from station.errors import DomainError  # noqa: E402
from station.identity import make_resident_id  # noqa: E402
from station.store import Store  # noqa: E402

Store.trusts_named_staff = True  # this script plays its staff: their desk work without their PINs

DAY = date(2026, 11, 26)
HEADER = ["姓名", "身份证号", "手机号", "工作单位", "预约日期", "预约时段"]


def write_csv(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(n):
            # 420 birth dates x 999 sequence numbers x 3 regions: every row its own person
            birth = date(1940 + i % 60, 1 + i % 12, 1 + i % 28)
            region = ("110105", "310104", "440305")[i // 419_580 % 3]
            number = make_resident_id(region, birth, i // 420 % 999 + 1)
            w.writerow([f"人{i}", number, f"138{i % 10**8:08d}", "街道", DAY.isoformat(), "08:00-09:00"])
    return path


def peak_read(path: Path) -> None:
    """Child process: read and check ``path``, print seconds, rows and VmHWM."""
    start = time.perf_counter()
    check = importer.read_bookings(path, DAY - timedelta(days=1))
    took = time.perf_counter() - start
    n = sum(1 for _ in check.rows)  # and walk them all back, as an import does
    hwm = next(
        line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM")
    )
    print(f"{len(check.rows)} {n} {len(check.errors)} {took:.1f} {hwm.split()[1]}")


def waits(path: Path, rows: int, chunk: int) -> None:
    folder = Path(tempfile.mkdtemp())
    now = datetime(2026, 11, 26, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    store = Store.open(folder / "station.sqlite3", origin="bench", now=lambda: now)
    staffmod.add(store, "admin1", "A", ["admin"], "2468", by="admin1")
    staffmod.add(store, "sign1", "S", ["signin"], "2468", by="admin1")
    walkins = []
    for i in range(2000):
        person = bookings.person_record(name=f"客{i}", id_number=make_resident_id("310104", date(1970, 1, 1 + i % 28), i % 999 + 1), phone="13900000000")  # fmt: skip
        try:
            walkins.append(bookings.add_booking(store, person, DAY, None, staff_id="admin1"))
        except DomainError:
            pass
    check = importer.read_bookings(path, DAY - timedelta(days=1))
    desk = Store.open(store.path, create=False, now=lambda: now)
    stop = threading.Event()
    lat: list[float] = []
    busy = 0

    def sign() -> None:
        nonlocal busy
        for visit_id in walkins:
            if stop.is_set():
                return
            t = time.perf_counter()
            try:
                signin.sign_in(desk, visit_id, staff_id="sign1", desk="1", method="typed")
            except DomainError as exc:
                busy += exc.code == "db_busy"
            lat.append((time.perf_counter() - t) * 1000)
            time.sleep(0.02)

    chunks: list[float] = []
    last = [time.perf_counter()]

    def on_chunk(done: int) -> None:
        t = time.perf_counter()
        chunks.append(t - last[0])
        last[0] = t

    whole = chunk >= rows  # "before #13": the whole file in one transaction, no pause
    saved = bookings.IMPORT_CHUNK_SECONDS, bookings.IMPORT_PAUSE
    if whole:
        bookings.IMPORT_CHUNK_SECONDS, bookings.IMPORT_PAUSE = float("inf"), 0.0
    th = threading.Thread(target=sign)
    th.start()
    start = time.perf_counter()
    summary = bookings.import_rows(store, check, staff_id="admin1", chunk=chunk, on_chunk=on_chunk)
    took = time.perf_counter() - start
    bookings.IMPORT_CHUNK_SECONDS, bookings.IMPORT_PAUSE = saved
    stop.set()
    th.join()
    lat.sort()
    q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) > 2 else [0] * 99
    print(
        f"  chunk {chunk:>6}: import {summary.imported:,} rows in {took:.1f} s ({summary.imported / took:,.0f}/s), "
        f"longest chunk {max(chunks):.2f} s; desk: {len(lat)} sign-ins during it, wait p50 {q[49]:.1f} ms, "
        f"p99 {q[98]:.1f} ms, max {lat[-1] if lat else 0:.0f} ms, refused busy {busy}"
    )
    desk.close()
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--read-rows", type=int, default=1_000_000)
    ap.add_argument("--import-rows", type=int, default=20_000)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        peak_read(Path(args.child))
        return
    tmp = Path(tempfile.mkdtemp())
    if args.read_rows:
        big = write_csv(tmp / "big.csv", args.read_rows)
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(big)], capture_output=True, text=True, check=True
        )
        good, walked, bad, took, hwm = out.stdout.split()
        print(f"read and check {int(good) + int(bad):,} rows ({big.stat().st_size / 2**20:.0f} MB CSV): {took} s, "
              f"peak memory (VmHWM) {int(hwm) / 1024:.0f} MB; {int(walked):,} rows read back")  # fmt: skip
        big.unlink()
    if args.import_rows:
        path = write_csv(tmp / "import.csv", args.import_rows)
        print(f"import of {args.import_rows:,} rows beside a desk signing people in:")
        waits(path, args.import_rows, bookings.IMPORT_CHUNK)
        waits(path, args.import_rows, args.import_rows)


if __name__ == "__main__":
    main()
