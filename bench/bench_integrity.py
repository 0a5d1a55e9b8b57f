"""Integrity checks: what each costs on a large station file.

Prints figures; asserts nothing. The database is built from demo days (as bench/bench_core.py does,
about 5,900 events a day) and kept in bench/out/ for the next run. Measured: the check a station
runs every time it opens its database (``station.integrity.quick``), SQLite's ``PRAGMA quick_check``
and the full ``PRAGMA integrity_check`` (day close, before a backup), each on a warm page cache
(the file read once before) as on a laptop that has just used it.

    .venv/bin/python bench/bench_integrity.py                 # 1,000,000 events
    .venv/bin/python bench/bench_integrity.py --events 100000
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_core import OUT, build  # noqa: E402

from station import integrity  # noqa: E402


def timed(label: str, fn, repeat: int = 3) -> float:
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    print(f"  {label:<44} {best * 1000:>10.1f} ms   -> {str(result)[:60]}")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"core-{args.events}.sqlite3"
    print(f"integrity benchmark on {path.name}")
    store = build(path, args.events)
    events = store.scalar("SELECT count(*) FROM events")
    store.close()
    size = path.stat().st_size
    print(f"  events: {events:,}; file {size / 1e6:.0f} MB")
    path.read_bytes()  # warm the page cache, as on a laptop that used the file a moment ago

    conn = sqlite3.connect(str(path))
    try:
        timed("on open: integrity.quick (above 128 MB)", lambda: integrity.quick(conn).ok, args.repeat)
        timed("PRAGMA quick_check", lambda: conn.execute("PRAGMA quick_check").fetchone()[0], args.repeat)
        timed("PRAGMA integrity_check (day close, backup)",
              lambda: conn.execute("PRAGMA integrity_check").fetchone()[0], 1)
    finally:
        conn.close()


if __name__ == "__main__":
    main()
