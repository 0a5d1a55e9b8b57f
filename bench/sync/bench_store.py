"""Server store benchmark: push rate into SQLite and PostgreSQL.

Prints figures; asserts nothing. For each backend, on an empty store:
  - one pusher: 100,000 events in 1,000-event batches (one origin),
  - 20 pushers at once, each its own origin, 100,000 events in all (1,000-event batches),
  - the same 100,000 pushed again (all duplicates: the digest comparison path),
  - reading the log back in 1,000-event pages.
The events are built before the clock starts; a push's time includes the digests, the checks and
the commit (SQLite synchronous=FULL; PostgreSQL with the server's own settings).

    .venv/bin/python bench/sync/bench_store.py                     # both backends (PostgreSQL: STATION_TEST_PG)
    .venv/bin/python bench/sync/bench_store.py --backend sqlite --events 20000
    eval "$(bash scripts/postgres.sh)"                             # a local PostgreSQL for it
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from station.store import Event, Store  # noqa: E402
from sync.server.store import ServerStore, open_store  # noqa: E402

Store.trusts_named_staff = True  # this script plays its staff: their desk work without their PINs

PRODUCTS = ("sinopharm_bbibp", "sinovac_coronavac", "zifivax")


def make_events(origin: str, first: int, count: int) -> list[Event]:
    """Injected events about the size of a real one (~400 bytes on the wire)."""
    out = []
    for seq in range(first, first + count):
        out.append(
            Event(
                id=str(uuid.uuid4()),
                origin=origin,
                seq=seq,
                hlc=f"{1764115200000 + seq * 7:013d}.{seq % 100:05d}.{origin}",
                type="Injected",
                visit_id=str(uuid.uuid4()),
                staff_id="vac1",
                payload={
                    "product": PRODUCTS[seq % 3],
                    "lot_no": f"LOT-{seq % 17:03d}",
                    "dose_no": 1 + seq % 3,
                    "injection_site": "left_deltoid",
                    "desk": "inject-2",
                    "vial_id": str(uuid.uuid4()),
                    "person_name": "张三",
                },
                recorded_at="2026-11-26T08:00:00+08:00",
            )
        )
    return out


def batches(events: list[Event], size: int) -> list[list[Event]]:
    return [events[i : i + size] for i in range(0, len(events), size)]


@contextmanager
def store_for(backend: str, pg_url: str | None) -> Iterator[ServerStore]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
            store = open_store(os.path.join(folder, "server.sqlite3"))
            try:
                yield store
            finally:
                store.close()
        return
    import psycopg
    from psycopg import sql

    from tests.pgfixtures import with_search_path

    assert pg_url
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        store = open_store(with_search_path(pg_url, schema))
        try:
            yield store
        finally:
            store.close()
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


def pushing(store: ServerStore, work: list[list[list[Event]]], expect: str) -> tuple[float, list[float]]:
    """Push each thread's batches (one thread per list); the wall time and every batch's latency."""
    latencies: list[float] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(len(work) + 1)

    def run(mine: list[list[Event]]) -> None:
        try:
            start.wait()
            for batch in mine:
                t = time.perf_counter()
                result = store.push(batch, site="bench", allowed_origins=None)
                took = time.perf_counter() - t
                got = result.accepted if expect == "accepted" else result.duplicates
                if got != len(batch) or result.rejected:
                    raise AssertionError(f"{expect}: {got} of {len(batch)}, rejected {result.rejected[:2]}")
                with lock:
                    latencies.append(took)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(mine,)) for mine in work]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if failures:
        raise failures[0]
    return wall, latencies


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def report(label: str, events: int, wall: float, latencies: list[float] | None = None) -> None:
    line = f"  {label:<44} {events:>8,} events {wall:7.2f} s {events / wall:>10,.0f} events/s"
    if latencies:
        line += (
            f"   batch p50 {pct(latencies, 0.5) * 1000:6.1f} ms  p95 {pct(latencies, 0.95) * 1000:6.1f} ms"
        )
    print(line, flush=True)


def timed(fn: Callable[[], int]) -> tuple[float, int]:
    t = time.perf_counter()
    n = fn()
    return time.perf_counter() - t, n


def bench(backend: str, pg_url: str | None, events: int, size: int, threads: int) -> None:
    print(f"{backend}:", flush=True)
    one = make_events("bench-one", 1, events)
    per = events // threads
    many = [make_events(f"bench-{i:02d}", 1, per) for i in range(threads)]

    with store_for(backend, pg_url) as store:
        wall, lat = pushing(store, [batches(one, size)], "accepted")
        report(f"1 pusher, {size:,}-event batches", events, wall, lat)
        wall, lat = pushing(store, [batches(one, size)], "duplicates")
        report("1 pusher, the same again (duplicates)", events, wall, lat)

        def read_all() -> int:
            after, n = 0, 0
            while page := store.read(after, 1000, site="bench").events:
                n += len(page)
                after = page[-1][0]
            return n

        wall, n = timed(read_all)
        report("read back, 1,000-event pages", n, wall)

    with store_for(backend, pg_url) as store:
        wall, lat = pushing(store, [batches(mine, size) for mine in many], "accepted")
        report(f"{threads} pushers at once, own origins", per * threads, wall, lat)
        head = store.head()
        stats = store.stats()
        assert stats["events"] == per * threads, stats["events"]
        print(
            f"  (head {head:,}: {'contiguous' if head == per * threads else 'holes from rolled-back pushes'})"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", default="sqlite,postgres", help="sqlite, postgres or both (comma-separated)")
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=20)
    ap.add_argument(
        "--pg", default=os.environ.get("STATION_TEST_PG"), help="PostgreSQL URL (STATION_TEST_PG)"
    )
    args = ap.parse_args()
    for backend in args.backend.split(","):
        if backend == "postgres" and not args.pg:
            print('postgres: skipped (no --pg and no STATION_TEST_PG; eval "$(bash scripts/postgres.sh)")')
            continue
        bench(backend, args.pg, args.events, args.batch, args.threads)


if __name__ == "__main__":
    main()
