"""Server ingest rate: 20 stations pushing at once through the real HTTP server, on SQLite and PostgreSQL.

Prints figures; asserts nothing. The hub runs as a server process of its own (``station-server
serve``, TLS on loopback), as at a site; 20 threads in this process are 20 stations, each with its
own origin and its own credential (made in the hub's store as ``/v1/join`` makes them: the join
endpoint's rate limit, ten at once per address, is not what is measured here). Each station
pushes ``--events`` events (default 5,000) in 1,000-event batches over its own kept-alive TLS
connection (``Remote.push``'s request: POST /v1/events); all start together.

The events are real ones: a demo day's log (``station.demo``, built once into bench/out/), given
each station's origin, seq, stamp and a fresh id. The request bodies are encoded before the clock
starts, so that the 20 client threads (which share one interpreter) load the machine as little as
possible; the server does all its work (TLS, parsing, validation, checks, digests, commit).

Figures: events/s over the whole run (first request sent to last answer), each batch's push
latency (p50, p95, max), and the CPU seconds the server process used (so a run on a busy machine
can still be compared: events per server CPU-second).

    .venv/bin/python bench/sync/bench_ingest_rate.py                        # both backends
    .venv/bin/python bench/sync/bench_ingest_rate.py --backend sqlite --stations 5 --events 2000
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import httpx  # noqa: E402
from benchkit import hub_url, pct  # noqa: E402  (bench/sync/, beside this file)

from station import demo  # noqa: E402
from station.store import Event, Store  # noqa: E402
from sync import protocol  # noqa: E402
from sync.client.remote import Remote  # noqa: E402
from sync.server.app import hash_secret, utcnow  # noqa: E402
from sync.server.serve import ensure_certificate, free_port  # noqa: E402
from sync.server.store import open_store  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench" / "out"
SITE = "ingest"




def templates(count: int) -> list[Event]:
    """Real events to copy: demo days' logs, built once into bench/out/."""
    OUT.mkdir(exist_ok=True)
    store = Store.open(OUT / "sync-ingest-template.sqlite3", origin="template")
    try:
        day = date(2025, 3, 1)
        while store.scalar("SELECT count(*) FROM events") < count:
            demo.load(store, day, seed=day.toordinal())
            day += timedelta(days=1)
        return store.events(limit=count)
    finally:
        store.close()


def station_events(k: int, template: list[Event]) -> list[Event]:
    """The template log as station k recorded it: its origin, gap-free seq, its stamps, new ids."""
    origin = f"ingest-{k:02d}"
    rng = random.Random(k)
    out = []
    for seq, e in enumerate(template, 1):
        wall, counter, _ = e.hlc.split(".", 2)
        out.append(
            replace(
                e,
                id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                origin=origin,
                seq=seq,
                hlc=f"{wall}.{counter}.{origin}",
            )
        )
    return out


class HubProcess:
    """``station-server serve`` in a process of its own, on a free loopback port, with TLS."""

    def __init__(self, url: str) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from sync.server import main; main()",
                "serve",
                "--db",
                url,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-advertise",
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.errors: list[str] = []
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{self.url}/health", verify=False, timeout=1)
                break
            except httpx.HTTPError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the hub did not start: {self.proc.stderr.read().decode()}") from None
                time.sleep(0.1)
        threading.Thread(target=self._drain, daemon=True).start()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def _drain(self) -> None:
        for raw in self.proc.stderr:
            self.errors.append(raw.decode(errors="replace").rstrip())

    def cpu_seconds(self) -> float:
        """utime + stime of the server process, from /proc."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def run(kind: str, stations: int, per_station: int, batch: int, template: list[Event]) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp, hub_url(kind, Path(tmp)) as url:
        store = open_store(url)
        cert, _key = ensure_certificate(store)  # made here, served by the hub process
        tokens = {}
        for k in range(stations):
            origin = f"ingest-{k:02d}"
            token = secrets.token_urlsafe(32)
            code = secrets.token_hex(8)
            store.add_code(
                hash_secret(code), role="station", site=SITE, expires_at="2999-01-01T00:00:00+00:00"
            )
            store.redeem(
                hash_secret(code),
                station=origin,
                token_hash=hash_secret(token),
                token_id=secrets.token_hex(4),
                now=utcnow(),
            )
            tokens[origin] = token
        server_id = store.server_id
        # the request bodies, encoded before the clock starts
        bodies: dict[str, list[tuple[int, bytes]]] = {}
        for k in range(stations):
            events = station_events(k, template[:per_station])
            bodies[events[0].origin] = [
                (len(b), json.dumps({"events": b}, ensure_ascii=False).encode())
                for b in protocol.batches(events, max_events=batch)
            ]
        hub = HubProcess(url)
        try:
            latencies: list[float] = []
            failures: list[str] = []
            lock = threading.Lock()
            ready = threading.Barrier(stations + 1)
            ends: list[float] = []

            def station(origin: str) -> None:
                remote = Remote(
                    hub.url, token=tokens[origin], cert_pem=cert, server_id=server_id, timeout=120
                )
                try:
                    remote.hwm()  # connect and hand-shake before the start
                    ready.wait()
                    for n, body in bodies[origin]:
                        t0 = time.perf_counter()
                        r = remote.http.post(
                            "/v1/events", content=body, headers={"Content-Type": "application/json"}
                        )
                        dt = time.perf_counter() - t0
                        answer = r.json() if r.status_code == 200 else {}
                        with lock:
                            latencies.append(dt)
                            if r.status_code != 200 or answer.get("accepted") != n:
                                failures.append(
                                    f"{origin}: HTTP {r.status_code} {str(answer or r.text)[:200]}"
                                )
                finally:
                    with lock:
                        ends.append(time.perf_counter())
                    remote.close()

            threads = [threading.Thread(target=station, args=(o,), daemon=True) for o in bodies]
            for t in threads:
                t.start()
            ready.wait()
            cpu0 = hub.cpu_seconds()
            t0 = time.perf_counter()
            for t in threads:
                t.join()
            seconds = max(ends) - t0
            cpu = hub.cpu_seconds() - cpu0
            held = store.stats()["events"]
        finally:
            hub.stop()
            store.close()
        total = sum(n for b in bodies.values() for n, _ in b)
        return {
            "backend": kind,
            "events": total,
            "held": held,
            "seconds": seconds,
            "rate": total / seconds,
            "batches": len(latencies),
            "p50": pct(latencies, 0.5),
            "p95": pct(latencies, 0.95),
            "max": max(latencies),
            "cpu": cpu,
            "failures": failures,
            "hub_errors": [e for e in hub.errors if e.strip() and not e.startswith("station-server ")],
        }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--stations", type=int, default=20)
    parser.add_argument("--events", type=int, default=5000, help="events per station (default 5,000)")
    parser.add_argument("--batch", type=int, default=1000, help="events per push (default 1,000)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    template = templates(args.events)
    kinds = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    print(
        f"server ingest: {args.stations} stations at once x {args.events:,} events in {args.batch:,}-event "
        f"batches, hub process with TLS on loopback"
    )
    for kind in kinds:
        r = run(kind, args.stations, args.events, args.batch, template)
        print(
            f"  {kind:8s}: {r['events']:,} events in {r['seconds']:.2f} s = {r['rate']:8,.0f} events/s; "
            f"push latency per batch p50 {r['p50'] * 1000:.0f} ms, p95 {r['p95'] * 1000:.0f} ms, "
            f"max {r['max'] * 1000:.0f} ms ({r['batches']} batches); server CPU {r['cpu']:.1f} s "
            f"= {r['events'] / max(r['cpu'], 1e-9):,.0f} events per CPU-second; hub holds {r['held']:,}"
        )
        for f in r["failures"][:5]:
            print(f"    FAILED: {f}")
        for e in r["hub_errors"][:10]:
            print(f"    hub: {e}")


if __name__ == "__main__":
    main()
