"""The cost of encryption at rest (#13): the same station plaintext and SQLCipher-encrypted.

Prints figures; asserts nothing. A plaintext station of demo days (--events, default 100,000) is
built once in bench/out/, copied, and the copy encrypted with ``station encrypt``'s code (timed: the
conversion, its event count and rebuild check included). Then on both, as the desk runs them:
  open      Store.open (the key's derivation: PBKDF2, 256,000 rounds, once per connection)
  append    --appends SignedIn events through Store.append, each its own transaction, synchronous=FULL,
            the WAL checkpointed in the background as the window does
  rebuild   station/rebuild.py's replay of the whole log and comparison with the live tables

    .venv/bin/python bench/bench_cipher.py
    .venv/bin/python bench/bench_cipher.py --events 20000 --appends 2000
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from station import bookings, cipher, demo, rebuild
from station.identity import make_resident_id
from station.store import Store

OUT = Path(__file__).parent / "out"
FIRST_DAY = date(2026, 3, 2)
PASS = "bench passphrase for the station"


def build(path: Path, events: int) -> None:
    Store.trusts_named_staff = True  # the demo plays its staff, as in bench_core.py
    store = Store.open(path, origin="bench")
    have = store.scalar("SELECT count(*) FROM events")
    day = FIRST_DAY + timedelta(days=store.scalar("SELECT count(DISTINCT day) FROM visits"))
    while have < events:
        demo.load(store, day, seed=day.toordinal())
        have = store.scalar("SELECT count(*) FROM events")
        day += timedelta(days=1)
        print(f"\r  building: {have:,} events ({day})", end="", flush=True)
    print()
    store.close()


def bench_open(path: Path, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        Store.open(path, create=False).close()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def bench_append(path: Path, n: int) -> float:
    store = Store.open(path, create=False)
    store.start_checkpointer()
    day = date.fromisoformat(store.scalar("SELECT max(day) FROM visits")) + timedelta(days=1)
    rng = random.Random(7)
    visit_ids = []
    with store.transaction():
        while len(visit_ids) < n:
            birth = date(1960 + rng.randint(0, 40), rng.randint(1, 12), rng.randint(1, 28))
            person = bookings.person_record(name="测试", id_number=make_resident_id("110105", birth,
                                            rng.randint(1, 999)), today=day)
            if not bookings.visit_on(store, person["person_id"], day):
                visit_ids.append(bookings.add_booking(store, person, day, "08:00-08:30", staff_id="admin"))
    at = store.now().replace(year=day.year, month=day.month, day=day.day).isoformat()
    t = time.perf_counter()
    for number, visit_id in enumerate(visit_ids, start=10_001):
        store.append("SignedIn", {"queue_no": number, "desk": "1", "method": "typed", "at": at},
                     visit_id=visit_id, staff_id="qd01")
    seconds = time.perf_counter() - t
    store.close()
    return n / seconds


def bench_rebuild(path: Path) -> tuple[int, float, bool]:
    store = Store.open(path, create=False)
    try:
        report = rebuild.check(store)
    finally:
        store.close()
    return report.events, report.events_per_second, report.ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--appends", type=int, default=10_000)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    base = OUT / f"cipher-{args.events}.sqlite3"
    print(f"encryption at rest: SQLCipher {cipher.version()}, station of {args.events:,}+ events")
    build(base, args.events)
    plain, encrypted = OUT / "cipher-plain.sqlite3", OUT / "cipher-encrypted.sqlite3"
    for p in (plain, encrypted):
        for side in (p, p.with_name(p.name + "-wal"), p.with_name(p.name + "-shm")):
            side.unlink(missing_ok=True)
        shutil.copyfile(base, p)
    t = time.perf_counter()
    done = cipher.encrypt(encrypted, PASS)
    print(f"  station encrypt: {done['events']:,} events converted and checked in {time.perf_counter() - t:.1f} s; "
          f"file {plain.stat().st_size / 1e6:.0f} MB plaintext, {encrypted.stat().st_size / 1e6:.0f} MB encrypted")
    rows = {}
    for label, path in (("plaintext", plain), ("encrypted", encrypted)):
        opened = bench_open(path)
        rate = bench_append(path, args.appends)
        events, replay_rate, ok = bench_rebuild(path)
        rows[label] = (opened, rate, replay_rate)
        print(f"  {label:9}  open {opened:6.1f} ms   append {rate:7,.0f} events/s ({args.appends:,} appends)   "
              f"rebuild {replay_rate:8,.0f} events/s ({events:,} events, {'same tables' if ok else 'DIFFERS'})")
    (po, pa, pr), (eo, ea, er) = rows["plaintext"], rows["encrypted"]
    print(f"  cost of encryption: open +{eo - po:.0f} ms; an append takes {pa / ea:.2f}x the time, "
          f"a rebuild {pr / er:.2f}x")


if __name__ == "__main__":
    main()
