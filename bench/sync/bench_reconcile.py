"""Reconciliation with 1,000,000 events held: the station's side, the server's side, and the whole check.

Prints figures; asserts nothing but the answers (complete, then exactly the holes made). A site of
``--laptops`` laptops whose events (``--events`` in all, synthetic sign-ins of a realistic size) are
held by one station file and by a hub store, built once per size and kept in bench/out/ (the
PostgreSQL store is built in a fresh schema each run). Then, per backend:

  station   the station digests its own rows and sums them up per block (``local_blocks``);
  server    the store's summary of every origin (``sync.server.reconcile.summary``), in process, then
            over HTTPS;
  complete  ``reconcile()`` end to end against a real hub (TLS on loopback): two summaries (the hub,
            and its upstream question, answered "not linked"), nothing to narrow down; without the
            kept checksums of full blocks, while keeping them, and with them kept;
  holes     the same after three ranges were deleted from the server copy: the differing blocks
            listed, the missing ranges found exactly.

    .venv/bin/python bench/sync/bench_reconcile.py                          # 1,000,000 events, both backends
    .venv/bin/python bench/sync/bench_reconcile.py --events 100000 --backend sqlite
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchkit import hub_url  # noqa: E402  (bench/sync/, beside this file)

from station.store import Event, Store  # noqa: E402
from sync.client import engine  # noqa: E402
from sync.client import reconcile as client  # noqa: E402
from sync.server import reconcile as server  # noqa: E402
from sync.server.app import enroll  # noqa: E402
from sync.server.serve import Server  # noqa: E402
from sync.server.store import open_store  # noqa: E402

Store.trusts_named_staff = True  # this script plays its staff: their desk work without their PINs

OUT = Path(__file__).resolve().parents[1] / "out"
SITE = "recon"
BATCH = 1000
T0 = 1_764_115_200_000  # 2025-11-26 00:00 UTC, ms


def events(laptops: int, total: int):
    """Synthetic sign-ins, per laptop in seq order (about 420 bytes each in canonical form)."""
    per = total // laptops
    for n in range(laptops):
        origin = f"recon-{n}"
        for seq in range(1, per + 1):
            ms = T0 + seq * 2000 + n
            yield Event(
                id=str(uuid.UUID(int=(n << 64) | seq, version=4)),
                origin=origin,
                seq=seq,
                hlc=f"{ms:013d}.00000.{origin}",
                type="SignedIn",
                visit_id=str(uuid.UUID(int=(n << 80) | (seq << 8), version=4)),
                staff_id="sign1",
                payload={
                    "queue_no": seq % 1000,
                    "queue_prefix": "A",
                    "desk": "S1",
                    "method": "scan",
                    "at": f"2025-11-26T{8 + (seq // 1800) % 10:02d}:{(seq // 30) % 60:02d}:00+08:00",
                },
                recorded_at=f"2025-11-26T{8 + (seq // 1800) % 10:02d}:{(seq // 30) % 60:02d}:{seq % 60:02d}+08:00",
            )


def build_station(path: Path, laptops: int, total: int) -> None:
    """The station's file: its events table filled directly (the check reads the log only)."""
    if path.exists():
        return
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    store = Store.open(tmp, origin="recon-0")
    store.close()
    db = sqlite3.connect(tmp)
    cols = "id, origin, seq, hlc, type, visit_id, staff_id, payload, recorded_at"
    rows = (e.values() for e in events(laptops, total))
    db.execute("BEGIN")
    db.executemany(f"INSERT INTO events ({cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.execute("COMMIT")
    db.close()
    tmp.rename(path)


def fill_server(url: str, laptops: int, total: int) -> float:
    store = open_store(url)
    started = time.perf_counter()
    batch = []
    for e in events(laptops, total):
        batch.append(e)
        if len(batch) == BATCH:
            store.push(batch, site=SITE, allowed_origins=None)
            batch = []
    if batch:
        store.push(batch, site=SITE, allowed_origins=None)
    store.close()
    return time.perf_counter() - started


def timed(fn):
    started = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - started


def run(backend: str, folder: Path, station_file: Path, laptops: int, total: int) -> None:
    with hub_url(backend, folder) as url:
        cached = OUT / f"reconcile-{total}-hub.sqlite3"
        if backend == "sqlite" and cached.exists():
            shutil.copy(cached, url)
        else:
            print(f"[{backend}] filling the server store ... ", end="", flush=True)
            print(f"{fill_server(url, laptops, total):.1f} s")
            if backend == "sqlite":
                shutil.copy(url, cached)
        work = folder / f"station-{backend}.sqlite3"
        shutil.copy(station_file, work)
        store = open_store(url)
        hub = Server(store).start()
        station = Store.open(work)
        try:
            engine.join(station, hub.url, enroll(store, role="station", site=SITE)["code"])
            local = client.local_origins(station)
            held = sum(v["count"] for v in local.values())

            _, t_station = timed(
                lambda: {o: client.local_blocks(station, o, v["max_seq"]) for o, v in local.items()}
            )
            summary, t_server = timed(lambda: server.summary(store, site=SITE, origins=list(local)))
            again = [
                timed(lambda: server.summary(store, site=SITE, origins=list(local)))[1] for _ in range(3)
            ]
            size = len(json.dumps(summary))
            remote = engine.remote_for(station, timeout=120)
            _, t_http = timed(lambda: client.ask_summary(remote, list(local), upstream=False))
            remote.close()
            result, t_cold = timed(lambda: client.reconcile(station, keep=False, cache=False))
            assert result["complete"], result["missing"]
            _, t_first = timed(lambda: client.reconcile(station, keep=False))
            result, t_warm = timed(lambda: client.reconcile(station, keep=False))
            assert result["complete"], result["missing"]
            blocks = sum(len(v["blocks"]) for v in summary.values())
            print(f"[{backend}] {held:,} events held, {len(local)} laptops, {blocks} blocks")
            print(
                f"[{backend}]   station side, every row digested and summed up per block: {t_station:.2f} s"
            )
            print(
                f"[{backend}]   server side, summary of every origin in process: {t_server:.2f} s "
                f"(again: {', '.join(f'{t:.2f}' for t in again)} s; {size / 1024:.0f} KB of answer)"
            )
            print(f"[{backend}]   server side over HTTPS (GET /v1/reconcile): {t_http:.2f} s")
            print(f"[{backend}]   reconcile end to end, complete, nothing kept: {t_cold:.2f} s")
            print(f"[{backend}]   reconcile end to end, complete, keeping the full blocks: {t_first:.2f} s")
            print(f"[{backend}]   reconcile end to end, complete, full blocks kept: {t_warm:.2f} s")

            per = total // laptops
            holes = [
                ("recon-1", per // 3, per // 3 + 100),
                ("recon-1", per - 10, per),
                ("recon-2", per // 2, per // 2),
            ]
            store.execute(
                [
                    ("DELETE FROM events WHERE origin = ? AND seq BETWEEN ? AND ?", [o, a, b])
                    for o, a, b in holes
                ]
            )
            result, t_holes = timed(lambda: client.reconcile(station, keep=False))
            want: dict[str, list[list[int]]] = {}
            for o, a, b in holes:
                want.setdefault(o, []).append([a, b])
            assert result["missing"] == want, (result["missing"], want)
            print(
                f"[{backend}]   reconcile end to end, 3 holes found exactly:       {t_holes:.2f} s  {result['missing']}"
            )
        finally:
            station.close()
            hub.stop()
            store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--laptops", type=int, default=4)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    station_file = OUT / f"reconcile-{args.events}-station.sqlite3"
    started = time.perf_counter()
    build_station(station_file, args.laptops, args.events)
    print(f"station file: {station_file.name} ({time.perf_counter() - started:.1f} s to build or find)")
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    with tempfile.TemporaryDirectory(prefix="bench-reconcile-") as tmp:
        for backend in backends:
            run(backend, Path(tmp), station_file, args.laptops, args.events)


if __name__ == "__main__":
    main()
