"""Station core benchmarks: append + apply latency, lookup by ID number, ingest and rebuild throughput.

Prints figures; asserts nothing. The database is built once from demo days (about 5,900 events a
day) and kept in bench/out/ for the next run (each run adds a bench day and the ingested days).

    .venv/bin/python bench/bench_core.py                 # 1,000,000 events
    .venv/bin/python bench/bench_core.py --events 100000
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from station import bookings, demo, rebuild, signin
from station.identity import make_resident_id
from station.store import Event, Store

Store.trusts_named_staff = True  # this script plays its staff: their desk work without their PINs

OUT = Path(__file__).resolve().parent / "out"
FIRST_DAY = date(2025, 1, 1)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def build(path: Path, events: int) -> Store:
    store = Store.open(path, origin="bench")
    have = store.scalar("SELECT count(*) FROM events")
    day = FIRST_DAY + timedelta(days=store.scalar("SELECT count(DISTINCT day) FROM visits"))
    started = time.perf_counter()
    while have < events:
        demo.load(store, day, seed=day.toordinal())
        have = store.scalar("SELECT count(*) FROM events")
        day += timedelta(days=1)
        print(f"\r  building: {have:,} events ({day})", end="", flush=True)
    if time.perf_counter() - started > 1:
        print(f"\n  built in {time.perf_counter() - started:.0f} s")
    return store


def bench_append(store: Store, n: int) -> None:
    """Each sign-in is its own transaction with synchronous=FULL, as at a desk.

    The bare row appends SignedIn events straight to the log, each with a queue number of its own
    (numbers no desk gives that day): with one number for all, every append after the first would
    measure the duplicate-queue-number conflict instead."""
    day = store.scalar("SELECT max(day) FROM visits")
    bench_day = date.fromisoformat(day) + timedelta(days=1)
    rng = random.Random(7)
    with store.transaction():
        visit_ids = []
        for _ in range(n):
            birth = date(1960 + rng.randint(0, 40), rng.randint(1, 12), rng.randint(1, 28))
            person = bookings.person_record(
                name="测试", id_number=make_resident_id("110105", birth, rng.randint(1, 999)), today=bench_day
            )
            if bookings.visit_on(store, person["person_id"], bench_day):
                continue
            visit_ids.append(bookings.add_booking(store, person, bench_day, "08:00-08:30", staff_id="admin"))
    real_now = store.now
    store.now = lambda: real_now().replace(year=bench_day.year, month=bench_day.month, day=bench_day.day)
    command, bare = [], []
    try:
        for visit_id in visit_ids[: len(visit_ids) // 2]:
            t = time.perf_counter()
            signin.sign_in(store, visit_id, staff_id="qd01", desk="1")
            command.append((time.perf_counter() - t) * 1000)
        for number, visit_id in enumerate(visit_ids[len(visit_ids) // 2 :], start=10_001):
            t = time.perf_counter()
            store.append(
                "SignedIn",
                {"queue_no": number, "desk": "1", "method": "typed", "at": store.now().isoformat()},
                visit_id=visit_id,
                staff_id="qd01",
            )
            bare.append((time.perf_counter() - t) * 1000)
    finally:
        store.now = real_now
    conflicts = store.scalar(
        "SELECT count(*) FROM conflicts c JOIN visits v ON v.visit_id = c.visit_id WHERE v.day = ?",
        [bench_day.isoformat()],
    )
    print(
        f"  append+apply (bare SignedIn), n={len(bare)}: p50 {pct(bare, 0.5):.2f} ms  p99 {pct(bare, 0.99):.2f} ms"
        f"  (conflicts recorded: {conflicts})"
    )
    print(
        f"  sign-in command (checks + append + apply), n={len(command)}: "
        f"p50 {pct(command, 0.5):.2f} ms  p99 {pct(command, 0.99):.2f} ms"
    )


def bench_lookup(store: Store, n: int) -> None:
    numbers = [
        r[0] for r in store.conn.execute("SELECT id_number FROM people ORDER BY random() LIMIT ?", [n])
    ]
    times = []
    for number in numbers:
        t = time.perf_counter()
        found = bookings.find_person(store, number)
        times.append((time.perf_counter() - t) * 1000)
        assert found
    print(
        f"  lookup by ID number, n={len(times)}: median {statistics.median(times):.3f} ms  p99 {pct(times, 0.99):.3f} ms"
    )


def bench_ingest(store: Store, days: int, batch: int = 1000) -> None:
    """Events of another origin arriving by sync: ``days`` demo days recorded at a peer station,
    ingested here in batches of ``batch`` (one transaction each), as a pull applies them."""
    peer = Store.open(":memory:", origin=f"peer-{uuid.uuid4().hex[:8]}")  # a new laptop each run
    try:
        # the peer knows the site's staff (the first events of the log), as a synced laptop does
        staff = [e for e in store.events(limit=100) if e.origin == store.origin]
        first_other = next((i for i, e in enumerate(staff) if not e.type.startswith("Staff")), len(staff))
        peer.ingest(staff[:first_other])
        day = date.fromisoformat(store.scalar("SELECT max(day) FROM visits")) + timedelta(days=1)
        for i in range(days):
            demo.load(peer, day + timedelta(days=i), seed=(day + timedelta(days=i)).toordinal())
        events: list[Event] = [e for e in peer.events() if e.origin == peer.origin]
    finally:
        peer.close()
    before = store.scalar("SELECT count(*) FROM events")
    times = []
    started = time.perf_counter()
    for i in range(0, len(events), batch):
        t = time.perf_counter()
        store.ingest(events[i : i + batch])
        times.append((time.perf_counter() - t) * 1000)
    seconds = time.perf_counter() - started
    taken = store.scalar("SELECT count(*) FROM events") - before
    print(
        f"  ingest from another origin, {taken:,} events in batches of {batch:,}: {seconds:.1f} s "
        f"= {taken / seconds:,.0f} events/s; per batch p50 {pct(times, 0.5):.0f} ms  p99 {pct(times, 0.99):.0f} ms"
    )


def bench_rebuild(store: Store) -> None:
    report = rebuild.check(store)
    print(
        f"  rebuild --check: {report.events:,} events replayed in {report.seconds:.1f} s "
        f"= {report.events_per_second:,.0f} events/s; tables match: {report.ok}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--ingest-days", type=int, default=2, help="demo days of a peer to ingest")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"core-{args.events}.sqlite3"
    print(f"station core benchmark on {path.name}")
    store = build(path, args.events)
    print(
        f"  events in database: {store.scalar('SELECT count(*) FROM events'):,}; "
        f"people: {store.scalar('SELECT count(*) FROM people'):,}; file {path.stat().st_size / 1e6:.0f} MB"
    )
    bench_lookup(store, 10_000)
    store.start_checkpointer()  # as the desk window runs it: checkpoints off the commit path
    bench_append(store, args.appends)
    bench_ingest(store, args.ingest_days)
    store.stop_checkpointer()
    bench_rebuild(store)
    store.close()


if __name__ == "__main__":
    main()
