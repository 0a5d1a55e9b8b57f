"""The end-of-day file of a 1,000-person day (`station demo`, 1,005 bookings): its size, and the time
to build it, to verify it (open, signature, sha256, every line, the manifest's counts), and to
import it on another laptop and at a server (SQLite; PostgreSQL too with --pg URL). Target: under
2 s each. Each figure is the median of --runs runs (a fresh receiver each time).

Prints figures; asserts nothing.

    .venv/bin/python bench/bench_export.py
    .venv/bin/python bench/bench_export.py --pg postgresql://station_test@127.0.0.1:54329/station_test
"""

from __future__ import annotations

import argparse
import base64
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from nacl.public import PrivateKey

from station import dayfile, demo, keys
from station.settings import Settings
from station.store import Store
from sync.server import dayimport
from sync.server.store import open_store

DAY = date(2026, 11, 26)


def timed(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def fresh_pg(url: str) -> str:
    import uuid

    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def drop_pg(url: str) -> None:
    import psycopg

    base, _, opts = url.partition("options=-csearch_path%3D")
    with psycopg.connect(base.rstrip("?&"), autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {opts} CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=1005)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg", metavar="URL", help="also import at a PostgreSQL server store")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-export-"))
    folder = tmp / "desk-a"
    store = Store.open(folder / "station.sqlite3", origin="desk-a")
    Settings(site_name="site1", station_id="desk-a", desk_roles=["admin"]).save(folder)
    t = time.perf_counter()
    summary = demo.load(store, DAY, bookings_total=args.bookings)
    print(f"demo day: {summary.bookings} bookings, {summary.events} events ({time.perf_counter() - t:.1f} s)")
    key = keys.station_key(folder)
    district = PrivateKey.generate()
    district_b64 = base64.b64encode(bytes(district.public_key)).decode()

    def build(seal: bool = False) -> bytes:
        return dayfile.build(
            store, day=DAY, site="site1", signing_key=key, seal_to=district_b64 if seal else None
        ).data

    secs, data = timed(build, args.runs)
    unpacked = dayfile.read(data).manifest["events"]["bytes"]
    print(f"file: {len(data):,} bytes ({len(data) / 1024:.0f} KB; events unpacked {unpacked:,} bytes)")
    print(f"build: {secs * 1000:.0f} ms")
    secs_sealed, sealed = timed(lambda: build(True), args.runs)
    print(f"build, sealed to the district: {secs_sealed * 1000:.0f} ms ({len(sealed):,} bytes)")
    secs, _ = timed(lambda: dayfile.read(data), args.runs)
    print(f"verify (open, signature, sha256, {summary.events} lines, counts): {secs * 1000:.0f} ms")
    secs, _ = timed(lambda: dayfile.read(sealed, district_key=district, where="server"), args.runs)
    print(f"verify a sealed file (unseal first): {secs * 1000:.0f} ms")

    fp = keys.fingerprint(key)
    n = [0]

    def laptop_import() -> int:
        n[0] += 1
        other = tmp / f"laptop-{n[0]}"
        receiver = Store.open(other / "station.sqlite3", origin=f"desk-b{n[0]}")
        Settings(site_name="site1").save(other)
        try:
            return dayfile.import_into(receiver, dayfile.read(data), folder=other, trust=fp).new
        finally:
            receiver.close()

    secs, new = timed(laptop_import, args.runs)
    print(f"import on another laptop (verify + ingest, {new} new): {secs * 1000:.0f} ms")

    def server_import(url: str) -> int:
        server = open_store(url)
        try:
            return dayimport.import_file(server, sealed, district_key=district, trust=fp).new
        finally:
            server.close()

    def sqlite_import() -> int:
        n[0] += 1
        return server_import(str(tmp / f"server-{n[0]}.sqlite3"))

    secs, new = timed(sqlite_import, args.runs)
    print(f"import at a server, SQLite (unseal + verify + push, {new} new): {secs * 1000:.0f} ms")
    server = open_store(str(tmp / "again.sqlite3"))
    dayimport.import_file(server, sealed, district_key=district, trust=fp)
    secs, _ = timed(lambda: dayimport.import_file(server, sealed, district_key=district), args.runs)
    server.close()
    print(f"import again, SQLite (all {summary.events} already held): {secs * 1000:.0f} ms")
    if args.pg:
        urls: list[str] = []

        def pg_import() -> int:
            urls.append(fresh_pg(args.pg))
            return server_import(urls[-1])

        try:
            secs, new = timed(pg_import, args.runs)
            print(f"import at a server, PostgreSQL ({new} new): {secs * 1000:.0f} ms")
        finally:
            for url in urls:
                drop_pg(url)
    store.close()


if __name__ == "__main__":
    main()
