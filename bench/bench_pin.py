"""PIN hash cost (#13): argon2id as the program runs it, other argon2id costs, and scrypt N=16384 as before.

Prints figures; asserts nothing. Per setting: the time of one check (median, min, max of --runs),
the memory it takes, and what that means for someone holding a copy of the database: the time to try
every 4-digit and every 6-digit PIN against one hash on one core of this machine (the hash is
memory-hard: a GPU gains far less on argon2id than on scrypt at 16 MiB). Then a login at a desk as the
station runs it: a known id and an unknown id (checked against the dummy hash) take the same time.

    .venv/bin/python bench/bench_pin.py
    .venv/bin/python bench/bench_pin.py --runs 9
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from argon2 import PasswordHasher

from station import staff as staffmod
from station.errors import DomainError
from station.store import Store

PIN = "2468"


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm up (allocations, the first page faults)
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def line(label: str, times: list[float], memory: str) -> None:
    med = statistics.median(times)
    four = 10_000 * med
    six = 1_000_000 * med
    print(
        f"{label:<34} {med * 1000:7.0f} ms  (min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})"
        f"  {memory:>8}  all 4-digit PINs {four / 60:7.0f} min  6-digit {six / 86400:6.1f} days"
    )


def argon2_case(time_cost: int, memory_kib: int, parallelism: int, runs: int) -> list[float]:
    ph = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
    stored = ph.hash(PIN)
    return timed(lambda: ph.verify(stored, PIN), runs)


def scrypt_case(runs: int) -> list[float]:
    salt = os.urandom(16)
    return timed(lambda: hashlib.scrypt(PIN.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32), runs)


def login_case(runs: int) -> tuple[list[float], list[float]]:
    """A login through the station (the program's own cost): a known id, then an unknown one."""
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "station.sqlite3", origin="bench")
        try:
            staffmod.add(store, "boss", "Boss", ["admin"], PIN, by=None)

            def unknown() -> None:
                try:
                    staffmod.login(store, "ghost", PIN)
                except DomainError:
                    pass

            known = timed(lambda: staffmod.login(store, "boss", PIN), runs)
            return known, timed(unknown, runs)
        finally:
            store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    chosen = staffmod._ARGON2
    print(f"cores: {os.cpu_count()}, load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'setting':<34} {'check':>7}")
    t, m, p = chosen["time_cost"], chosen["memory_cost"], chosen["parallelism"]
    line(
        f"argon2id t={t} m={m // 1024}MiB p={p} (in use)", argon2_case(t, m, p, args.runs), f"{m // 1024} MiB"
    )
    for t2, m2 in ((2, 64 * 1024), (2, 128 * 1024), (3, 128 * 1024)):
        line(f"argon2id t={t2} m={m2 // 1024}MiB p=1", argon2_case(t2, m2, 1, args.runs), f"{m2 // 1024} MiB")
    line("scrypt N=16384 r=8 p=1 (before)", scrypt_case(args.runs), "16 MiB")
    known, unknown = login_case(args.runs)
    print(
        f"login at a desk: known id {statistics.median(known) * 1000:.0f} ms, "
        f"unknown id {statistics.median(unknown) * 1000:.0f} ms (the dummy hash; before: 0.02 ms)"
    )


if __name__ == "__main__":
    main()
