"""The sync test bed: real servers (uvicorn on free loopback ports, TLS), real station files, real joins.

Not a test module. A ``Site`` is a hub plus the station laptops that joined it; ``district()`` adds
a district server the hub forwards to. ``digest(store)`` fingerprints every projected table, so
that "the nodes converged" is one comparison.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from station import bookings, stock
from station.db import PROJECTED_TABLES
from station.rebuild import check as rebuild_check
from station.store import Event, Store
from sync.client import engine
from sync.server.app import enroll
from sync.server.serve import Server, free_port
from sync.server.store import ServerStore, open_store
from tests.conftest import DAY, add_staff, new_person

ROOT = Path(__file__).resolve().parent.parent


def digest(store: Store) -> dict[str, str]:
    """sha256 per projected table, of its rows in a fixed order (rowids left out: arrival order differs)."""
    out = {}
    for table in PROJECTED_TABLES:
        cur = store.conn.execute(f"SELECT * FROM {table}")
        cols = [d[0] for d in cur.description]
        rows = sorted(json.dumps(dict(zip(cols, r, strict=True)), sort_keys=True, default=str) for r in cur)
        out[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return out


def event_keys(store: Store) -> list[tuple[str, int, str]]:
    return sorted(store.conn.execute("SELECT origin, seq, id FROM events").fetchall())


def server_events(server_store: ServerStore) -> list[Event]:
    out, after = [], 0
    while True:
        page = server_store.read(after, 1000, site=None)
        out += [e for _, e in page.events]
        if page.next == after:
            return out
        after = page.next


def materialize(server_store: ServerStore, path: Path) -> Store:
    """A station database built from everything a server holds: what the district 'sees'."""
    store = Store.open(path, origin="district-view")
    store.ingest(server_events(server_store))
    return store


def assert_converged(*stores: Store) -> None:
    """Every node holds the same events, exactly once, and the same tables; each passes rebuild --check."""
    first = stores[0]
    keys = event_keys(first)
    assert len(keys) == len({(o, s) for o, s, _ in keys})
    for other in stores[1:]:
        assert event_keys(other) == keys, (other.origin, len(event_keys(other)), len(keys))
    digests = [digest(s) for s in stores]
    for s, d in zip(stores[1:], digests[1:], strict=True):
        assert d == digests[0], (s.origin, {t for t in d if d[t] != digests[0][t]})
    for s in stores:
        report = rebuild_check(s)
        assert report.ok, (s.origin, report.diffs)


class Site:
    """A hub (in this process, or a subprocess that a test may SIGKILL) and the stations that joined it."""

    def __init__(
        self,
        tmp: Path,
        clock,
        *,
        name: str = "site1",
        hub_db: str | None = None,
        subprocess_hub: bool = False,
    ) -> None:
        self.tmp = tmp
        self.clock = clock
        self.name = name
        self.hub_db = hub_db or str(tmp / f"hub-{name}.sqlite3")
        self.stations: dict[str, Store] = {}
        self.proc: subprocess.Popen | None = None
        self.server: Server | None = None
        self.port = free_port()
        if subprocess_hub:
            self.hub_store = open_store(self.hub_db)  # codes are made through the file; the process serves it
            self.start_process()
        else:
            self.hub_store = open_store(self.hub_db)
            self.server = Server(self.hub_store, port=self.port, graceful_seconds=0.1).start()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    # --- a hub in its own process -------------------------------------------------------------------
    def start_process(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from sync.server import main; main()",
                "serve",
                "--db",
                self.hub_db,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-advertise",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(self.tmp / f"hub-{self.name}.log").open("ab"),  # a pipe nobody reads would fill and block
        )
        import httpx

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/health", verify=False, timeout=1)
                return
            except httpx.HTTPError:
                if self.proc.poll() is not None:
                    log = (self.tmp / f"hub-{self.name}.log").read_text(errors="replace")
                    raise RuntimeError(log[-2000:]) from None
                time.sleep(0.1)
        raise RuntimeError("hub process did not start")

    def kill_hub(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    # --- stations -----------------------------------------------------------------------------------
    def station(self, origin: str, *, join: bool = True, now=None) -> Store:
        store = Store.open(self.tmp / origin / "station.sqlite3", origin=origin, now=now or self.clock)
        self.stations[origin] = store
        if join:
            self.join(store)
        return store

    def code(self, role: str = "station", site: str | None = None) -> str:
        return enroll(self.hub_store, role=role, site=site or self.name)["code"]

    def join(self, store: Store) -> None:
        engine.join(store, self.url, self.code())

    def sync(self, *stores: Store, rounds: int = 2) -> None:
        """Push then pull on every station, twice over (what one station pushed, the others pull)."""
        stores = stores or tuple(self.stations.values())
        for _ in range(rounds):
            for s in stores:
                syncer = engine.Syncer(s)
                syncer.push()
                syncer.pull()
                syncer.remote.close()

    def close(self) -> None:
        for s in self.stations.values():
            s.close()
        if self.server:
            self.server.stop()
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.hub_store.close()


def first_morning(admin: Store, *, bookings_count: int = 3) -> list[str]:
    """What a new site does on its first morning on its admin laptop: staff, a delivery, bookings."""
    add_staff(admin)
    stock.receive(
        admin,
        staff_id="admin1",
        lot_no="LOT-A",
        product="sinopharm_bbibp",
        expiry=DAY + timedelta(days=90),
        vials=50,
    )
    return [
        bookings.add_booking(admin, new_person(name=f"接种者{i}"), DAY, "08:00-08:30", staff_id="admin1")
        for i in range(bookings_count)
    ]


def wire(event: Event) -> dict[str, Any]:
    from sync.protocol import encode_event

    return encode_event(event)
