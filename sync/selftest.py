"""The self-test's sync check (``station --self-test``): a hub on a loopback port, two laptops joined to
it, an event recorded on one and pulled by the other, through the real client and server (TLS, pin).

Registered in the entry-point group ``vaccination_station.selftest``; everything lives in ``work``.
"""

from __future__ import annotations

import time
from pathlib import Path

from station import staff as staffmod
from station.errors import DomainError
from station.messages import render
from station.store import Store


def exchange(work: Path, lang: str = "zh") -> str:
    from sync.client import engine
    from sync.server.app import enroll
    from sync.server.serve import Server, free_port
    from sync.server.store import open_store

    folder = work / "sync"
    folder.mkdir(parents=True, exist_ok=True)
    hub = open_store(str(folder / "hub.sqlite3"))
    server = Server(hub, host="127.0.0.1", port=free_port(), graceful_seconds=0.1).start()
    desks: list[Store] = []
    try:
        start = time.perf_counter()
        for name in ("selftest-a", "selftest-b"):
            desk = Store.open(folder / name / "station.sqlite3", origin=name)
            desks.append(desk)
            engine.join(desk, server.url, enroll(hub, role="station", site="selftest")["code"])
        a, b = desks
        staffmod.add(a, "selftest", "Self-test", ["admin"], "123456", by="selftest")
        for desk in (a, b):
            syncer = engine.Syncer(desk)
            try:
                syncer.push()
                syncer.pull()
            finally:
                syncer.remote.close()
        if not b.scalar("SELECT count(*) FROM events WHERE origin = ?", [a.origin]):
            raise DomainError("selftest_sync_missing")
        ms = f"{(time.perf_counter() - start) * 1000:.0f}"
        return render("selftest_sync_ok", lang, url=server.url, ms=ms)
    finally:
        for desk in desks:
            desk.close()
        server.stop()
        hub.close()
