"""Desk-to-desk latency over loopback: a walk-in signed in on desk A, until desk B's tables show it.

Prints figures; asserts nothing. A hub (the real Server: uvicorn, TLS, the pinned certificate) and
two stations joined to it, each with a running SyncWorker (pusher woken by the write, puller holding
a long-poll open), as two desk windows run them. Each sample:

  1. desk A signs in a walk-in (``signin.walk_in``: BookingAdded + SignedIn, one commit);
  2. the clock starts when the command has committed, and A's worker is woken (``worker.wake()``,
     what the window does after every write);
  3. the clock stops when desk B's ``visits`` row for that visit reads ``signed_in``, polled every
     2 ms on a connection of its own to B's file.

Samples are spaced by ``--gap`` seconds (jittered), so that the hub's per-credential rate limit
(50 requests/s) is not what is measured. The first ``--warmup`` samples (connections, TLS
handshakes) are left out of the figures.

    .venv/bin/python bench/sync/bench_latency.py                       # N=200, SQLite hub
    .venv/bin/python bench/sync/bench_latency.py -n 50 --backend both  # PostgreSQL: STATION_TEST_PG
"""

from __future__ import annotations

import argparse
import logging
import random
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchkit import hub_url, pct  # noqa: E402  (bench/sync/, beside this file)

from station import bookings, signin  # noqa: E402
from station import staff as staffmod  # noqa: E402
from station.identity import make_resident_id  # noqa: E402
from station.store import Store  # noqa: E402
from sync.client.worker import SyncWorker  # noqa: E402
from tests.conftest import CST, DAY, Clock  # noqa: E402
from tests.syncbed import Site, first_morning  # noqa: E402

Store.trusts_named_staff = True  # this script plays its staff: their desk work without their PINs

TARGET_P95 = 1.0
POLL = 0.002


def person(n: int) -> dict:
    """The n-th walk-in: a distinct resident ID (birth date and sequence vary with n)."""
    birth = date(1950 + n % 50, 1 + n // 50 % 12, 1 + n // 600 % 28)
    number = make_resident_id("110105", birth, 1 + n % 997)
    return bookings.person_record(name=f"到场{n}", id_number=number, phone="13812345678", today=DAY)


def wait_visible(reader: sqlite3.Connection, visit_id: str, deadline: float) -> bool:
    while time.perf_counter() < deadline:
        row = reader.execute("SELECT state FROM visits WHERE visit_id = ?", (visit_id,)).fetchone()
        if row is not None and row[0] == "signed_in":
            return True
        time.sleep(POLL)
    return False


def run(kind: str, samples: int, warmup: int, gap: float, seed: int) -> dict:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp, hub_url(kind, Path(tmp)) as url:
        site = Site(Path(tmp), Clock(datetime.combine(DAY, dtime(8, 0), CST)), hub_db=url)
        workers: list[SyncWorker] = []
        try:
            a = site.station("desk-a")
            b = site.station("desk-b")
            first_morning(a, bookings_count=0)  # staff and a lot, on A
            site.sync(a, b)
            for store in (a, b):
                workers.append(SyncWorker(store.path, live_wait=20.0, retry_every=30.0).start())
            worker_a = workers[0]
            # desk B's tables, read on a connection of their own, as the window reads them
            reader = sqlite3.connect(str(b.path), isolation_level=None)
            time.sleep(0.5)  # both pullers are waiting in their long-poll
            figures: list[float] = []
            misses = 0
            for i in range(warmup + samples):
                visit = signin.walk_in(a, person(seed * 10_000 + i), staff_id="sign1", desk="S1")
                t0 = time.perf_counter()
                worker_a.wake()
                if wait_visible(reader, visit["visit_id"], t0 + 30):
                    if i >= warmup:
                        figures.append(time.perf_counter() - t0)
                else:
                    misses += 1
                time.sleep(gap * (0.5 + rng.random()))
            reader.close()
            return {
                "backend": kind,
                "samples": len(figures),
                "misses": misses,
                "p50": pct(figures, 0.50),
                "p95": pct(figures, 0.95),
                "max": max(figures),
                "mean": sum(figures) / len(figures),
                "pushes": worker_a.rounds["push"],
                "pulls_b": workers[1].rounds["pull"],
            }
        finally:
            for w in workers:
                w.stop(timeout=2)
            logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)  # kept-alive long-polls at shutdown
            site.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--samples", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--gap", type=float, default=0.1, help="mean seconds between samples (default 0.1)")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    staffmod._SCRYPT = {"n": 2**4, "r": 8, "p": 1}  # cheap PIN hashes for the set-up's staff only
    kinds = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    print(
        f"desk-to-desk latency: walk-in on A -> signed_in in B's tables; N={args.samples}, TLS hub on loopback"
    )
    for kind in kinds:
        r = run(kind, args.samples, args.warmup, args.gap, args.seed)
        verdict = "ok" if r["p95"] < TARGET_P95 and not r["misses"] else "OVER TARGET"
        print(
            f"  {kind:8s} hub: p50 {r['p50'] * 1000:6.1f} ms  p95 {r['p95'] * 1000:6.1f} ms  "
            f"max {r['max'] * 1000:6.1f} ms  mean {r['mean'] * 1000:6.1f} ms  "
            f"(n={r['samples']}, missed {r['misses']}; target p95 < {TARGET_P95:.0f} s: {verdict})"
        )


if __name__ == "__main__":
    main()
