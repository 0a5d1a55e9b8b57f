"""Bulk sync: one station pushes ~100,000 events to a hub, a fresh station pulls them all into its tables.

Prints figures; asserts nothing. The station is built once from demo days (``station.demo``, about
5,900 events a day, every one through the desks' commands) and kept in bench/out/ for the next run;
each run works on a copy. For each hub backend (a SQLite file, a PostgreSQL schema):

  push  ``Syncer.push()`` from the built station, joined to a fresh hub (real Server, TLS on
        loopback): 1,000-event batches, each checked and stored by the hub in one transaction;
  pull  ``Syncer.pull()`` into a fresh, empty station joined to the same hub: 1,000-event pages,
        each applied through the projection (``Store.ingest_report``) in one transaction.

Then (not timed) the two stations are compared: same events, same tables (tests.syncbed.digest).

``--breakdown`` adds where the time went, measured by wrapping the steps (client encode, the HTTP
round trips, the server's decode and store, the client's ingest); ``--profile`` adds cProfile's
top functions for the client thread and for the server (its event loop and its worker threads).

    .venv/bin/python bench/sync/bench_bulk.py                              # 100,000 events, both backends
    .venv/bin/python bench/sync/bench_bulk.py --events 20000 --backend sqlite --breakdown
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import logging
import pstats
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchkit import hub_url  # noqa: E402  (bench/sync/, beside this file)

from station import demo  # noqa: E402
from station.store import Store  # noqa: E402
from sync import protocol  # noqa: E402
from sync.client import engine  # noqa: E402
from sync.client.remote import Remote  # noqa: E402
from sync.server.app import enroll  # noqa: E402
from sync.server.serve import Server  # noqa: E402
from sync.server.store import open_store  # noqa: E402
from tests.syncbed import digest  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "out"
FIRST_DAY = date(2025, 1, 1)
TARGET_SECONDS = 5.0
SITE = "bulk"



def build(events: int) -> Path:
    """The source station (origin bulk-a) with at least ``events`` events, built once into bench/out/."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"sync-bulk-{events}.sqlite3"
    store = Store.open(path, origin="bulk-a")
    try:
        have = store.scalar("SELECT count(*) FROM events")
        day = FIRST_DAY + timedelta(days=store.scalar("SELECT count(DISTINCT day) FROM visits"))
        started = time.perf_counter()
        while have < events:
            demo.load(store, day, seed=day.toordinal())
            have = store.scalar("SELECT count(*) FROM events")
            day += timedelta(days=1)
            print(f"\r  building the source station: {have:,} events ({day})", end="", flush=True)
        if time.perf_counter() - started > 1:
            print(f"\n  built in {time.perf_counter() - started:.0f} s")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    return path


# --- where the time goes ---------------------------------------------------------------------------
class Breakdown:
    """Seconds spent in wrapped functions, by label (wrapping is undone by ``restore``)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._undo: list[Callable[[], None]] = []

    def wrap(self, owner: Any, name: str, label: str | Callable[[], str]) -> None:
        original = getattr(owner, name)
        had_own = name in vars(owner) if not isinstance(owner, type) else True

        @functools.wraps(original)
        def timed(*args: Any, **kw: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return original(*args, **kw)
            finally:
                key = label() if callable(label) else label
                self.seconds[key] += time.perf_counter() - t0
                self.calls[key] += 1

        setattr(owner, name, timed)
        self._undo.append(
            (lambda: setattr(owner, name, original)) if had_own else (lambda: delattr(owner, name))
        )

    def restore(self) -> None:
        for undo in reversed(self._undo):
            undo()
        self._undo.clear()

    def report(self, total: float, rows: list[tuple[str, str]]) -> list[str]:
        out = []
        for label, text in rows:
            if label in self.seconds:
                s = self.seconds[label]
                out.append(
                    f"      {text:58s} {s:7.2f} s  {100 * s / total:5.1f}%  ({self.calls[label]} calls)"
                )
        return out


def side() -> str:
    return "client" if threading.current_thread() is threading.main_thread() else "server"


class ThreadProfiles:
    """cProfile for the client (main thread) and for the server's threads, merged per side."""

    def __init__(self, server: Server) -> None:
        self.client = cProfile.Profile()
        self.server_parts: list[cProfile.Profile] = []
        self.server = server
        self._lock = threading.Lock()
        self._loop_profile = cProfile.Profile()

    def start(self) -> None:
        # the server's event loop thread (request parsing, TLS, JSON, the async handlers)
        loop = self._server_loop()
        done = threading.Event()

        def enable() -> None:
            self._loop_profile.enable()
            done.set()

        loop.call_soon_threadsafe(enable)
        done.wait(5)
        self.client.enable()

    def stop(self) -> None:
        self.client.disable()
        loop = self._server_loop()
        done = threading.Event()

        def disable() -> None:
            self._loop_profile.disable()
            done.set()

        loop.call_soon_threadsafe(disable)
        done.wait(5)

    def run_in_worker(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap a store method: each call (in the server's thread pool) under a profiler of its own."""

        @functools.wraps(fn)
        def profiled(*args: Any, **kw: Any) -> Any:
            if threading.current_thread() is threading.main_thread():
                return fn(*args, **kw)
            prof = cProfile.Profile()
            try:
                return prof.runcall(fn, *args, **kw)
            finally:
                with self._lock:
                    self.server_parts.append(prof)

        return profiled

    def _server_loop(self):
        import asyncio

        for task_loop in (getattr(self.server.uvicorn, "_loop", None),):
            if task_loop is not None:
                return task_loop
        # uvicorn keeps no reference: find the loop through the serving thread's frames
        frame = sys._current_frames()[self.server._thread.ident]
        while frame is not None:
            for value in frame.f_locals.values():
                if isinstance(value, asyncio.AbstractEventLoop):
                    return value
            frame = frame.f_back
        raise RuntimeError("the server's event loop was not found")

    def report(self, top: int) -> list[str]:
        out = []
        for name, profiles in (
            ("client (main thread)", [self.client]),
            ("server (event loop + store calls)", [self._loop_profile, *self.server_parts]),
        ):
            buf = io.StringIO()
            stats = pstats.Stats(profiles[0], stream=buf)
            for p in profiles[1:]:
                stats.add(p)
            by_part: dict[str, float] = defaultdict(float)
            for (filename, _line, func), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
                by_part[component(filename, func)] += tt
            busy = sum(t for part, t in by_part.items() if not part.startswith("waiting"))
            out.append(f"    --- cProfile, {name}: own time by component (profiler overhead included) ---")
            for part, t in sorted(by_part.items(), key=lambda kv: -kv[1]):
                share = f"{100 * t / busy:5.1f}% of busy" if not part.startswith("waiting") else " " * 13
                out.append(f"      {part:52s} {t:7.2f} s  {share}")
            if top:
                stats.sort_stats("tottime").print_stats(top)
                out.append(f"    --- cProfile, {name}: top {top} functions by own time ---")
                lines = buf.getvalue().splitlines()
                start = next((i for i, line in enumerate(lines) if line.strip().startswith("ncalls")), 0)
                out += ["    " + line for line in lines[start:] if line.strip()]
        return out


COMPONENTS = [  # (substring of the file or function, component); the first that matches
    ("method 'poll' of 'select.epoll", "waiting: server idle (epoll)"),
    ("method 'read' of '_ssl._SSLSocket", "waiting: client reads the answer (+ TLS decrypt)"),
    ("_ssl.", "TLS and sockets"),
    ("_socket.", "TLS and sockets"),
    ("/json/", "JSON encode/decode (stdlib json)"),
    ("sync/protocol.py", "sync.protocol (checks, wire form, checksum)"),
    ("uuid.py", "sync.protocol (checks, wire form, checksum)"),
    ("re.Pattern", "sync.protocol (checks, wire form, checksum)"),
    ("sync/server/sqlcommon.py", "server store: checks and digests (sqlcommon)"),
    ("sync/server/sqlitestore.py", "server store: SQLite (Python side)"),
    ("sync/server/pgstore.py", "server store: PostgreSQL (Python side)"),
    ("sqlite3.", "SQLite (statements, commit)"),
    ("~", "Python builtins (getattr, isinstance, len...)"),
    ("psycopg", "PostgreSQL client (psycopg, waits included)"),
    ("station/projector.py", "station projection (Python side)"),
    ("station/store.py", "station store (Python side)"),
    ("sync/client/", "sync client (engine, remote)"),
    ("sync/server/app.py", "server app handlers"),
    ("hashlib", "sha256"),
    ("pydantic", "pydantic (request/answer models)"),
]
HTTP_STACK = (
    "starlette",
    "fastapi",
    "uvicorn",
    "h11",
    "httpx",
    "httpcore",
    "anyio",
    "asyncio",
    "ssl.py",
    "selectors",
    "socket.py",
)


def component(filename: str, func: str) -> str:
    where = f"{filename} {func}"
    for key, part in COMPONENTS:
        if key in where:
            return part
    if any(k in filename for k in HTTP_STACK):
        return "HTTP stack (httpx / uvicorn / starlette / fastapi / asyncio)"
    return "other"


class TimedConn:
    """Stands in for a station's connection: the time of each SQL statement (by its text) it runs."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.stats: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        t0 = time.perf_counter()
        try:
            return self._conn.execute(sql, *args)
        finally:
            s = self.stats[" ".join(sql.split())[:150]]
            s[0] += 1
            s[1] += time.perf_counter() - t0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def report(self, total: float, top: int) -> list[str]:
        out = [f"    the station's SQL during the pull, by time (of {total:.2f} s wall):"]
        for sql, (n, t) in sorted(self.stats.items(), key=lambda kv: -kv[1][1])[:top]:
            out.append(f"      {t:6.2f} s {100 * t / total:5.1f}% {n:8,d}x  {sql}")
        return out


# --- one backend -------------------------------------------------------------------------------------
def join(store: Store, server: Server, hub) -> None:
    engine.join(store, server.url, enroll(hub, role="station", site=SITE)["code"])


def run(kind: str, source: Path, breakdown: bool, profile: bool, sql: bool, top: int) -> list[str]:
    lines = []
    with tempfile.TemporaryDirectory(prefix="bench-bulk-") as tmp, hub_url(kind, Path(tmp)) as url:
        tmp = Path(tmp)
        shutil.copy(source, tmp / "a.sqlite3")
        a = Store.open(tmp / "a.sqlite3", create=False)
        b = Store.open(tmp / "b.sqlite3", origin="bulk-b")
        hub = open_store(url)
        server = Server(hub, graceful_seconds=0.1).start()
        try:
            join(a, server, hub)
            join(b, server, hub)
            total = a.scalar("SELECT count(*) FROM events")
            for way in ("push", "pull"):
                store = a if way == "push" else b
                bd = Breakdown() if breakdown else None
                prof = ThreadProfiles(server) if profile else None
                if bd:
                    bd.wrap(Remote, "push" if way == "push" else "pull", "client.http")
                    bd.wrap(protocol, "decode_event", lambda: f"{side()}.decode")
                    bd.wrap(hub, "push" if way == "push" else "read", "server.store")
                    if way == "push":
                        bd.wrap(engine, "own_events_after", "client.read_log")
                        bd.wrap(protocol, "encode_event", lambda: f"{side()}.encode")
                    else:
                        bd.wrap(Store, "ingest_report", "client.ingest")
                        bd.wrap(protocol, "page_checksum", lambda: f"{side()}.checksum")
                        bd.wrap(protocol, "encode_event", lambda: f"{side()}.encode")
                if prof:
                    for name in ("push", "read", "credential"):
                        setattr(hub, name, prof.run_in_worker(getattr(hub, name)))
                    prof.start()
                timed = TimedConn(b.conn) if sql and way == "pull" else None
                if timed:
                    b.conn = timed
                syncer = engine.Syncer(store)
                t0 = time.perf_counter()
                n = syncer.push() if way == "push" else syncer.pull()
                seconds = time.perf_counter() - t0
                syncer.remote.close()
                if timed:
                    b.conn = timed._conn
                if prof:
                    prof.stop()
                    for name in ("push", "read", "credential"):
                        delattr(hub, name)
                if bd:
                    bd.restore()
                verdict = "ok" if seconds < TARGET_SECONDS else "OVER TARGET"
                lines.append(
                    f"  {kind:8s} {way}: {n:,} events in {seconds:6.2f} s = {n / seconds:8,.0f} events/s"
                    f"   (target < {TARGET_SECONDS:.0f} s: {verdict})"
                )
                print(lines[-1], flush=True)
                if bd:
                    out = [
                        f"    breakdown of the {way} ({seconds:.2f} s wall; server parts run beside the client's wait):"
                    ]
                    if way == "push":
                        rows = [
                            ("client.read_log", "client: read own events from the log (own_events_after)"),
                            ("client.encode", "client: wire form (encode_event, in batches())"),
                            ("client.http", "client: Remote.push round trips (all that follows)"),
                            ("server.decode", "  server: decode_event (checks, in the async handler)"),
                            ("server.store", "  server: store.push (digests, checks, insert, commit)"),
                        ]
                    else:
                        rows = [
                            ("client.http", "client: Remote.pull (round trip + decode + checksum)"),
                            ("server.store", "  server: store.read (select the page)"),
                            ("server.encode", "  server: encode_event (wire form of the page)"),
                            ("server.checksum", "  server: page_checksum"),
                            ("client.decode", "  client: decode_event (checks each event)"),
                            ("client.checksum", "  client: page_checksum (recomputed)"),
                            (
                                "client.ingest",
                                "client: Store.ingest_report (checks, insert, projection, commit)",
                            ),
                        ]
                    out += bd.report(seconds, rows)
                    for line in out:
                        print(line)
                    lines += out
                if timed:
                    out = timed.report(seconds, top or 15)
                    for line in out:
                        print(line)
                    lines += out
                if prof:
                    out = prof.report(top)
                    for line in out:
                        print(line)
                    lines += out
            # not timed: the two stations hold the same events and the same tables
            same_events = b.scalar("SELECT count(*) FROM events") == total
            same_tables = digest(a) == digest(b)
            line = f"  {kind:8s} check: events {'same' if same_events else 'DIFFER'}, tables {'same' if same_tables else 'DIFFER'}"
            print(line)
            lines.append(line)
        finally:
            logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)
            server.stop()
            hub.close()
            a.close()
            b.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--events", type=int, default=100_000, help="events in the source station (default 100,000)"
    )
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--breakdown", action="store_true", help="time each step (wrappers; adds a little)")
    parser.add_argument("--profile", action="store_true", help="cProfile the client and the server")
    parser.add_argument("--sql", action="store_true", help="time the pulling station's SQL statements")
    parser.add_argument("--top", type=int, default=15, help="functions (statements) listed per profile")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    source = build(args.events)
    kinds = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    with _open(source) as s:
        print(
            f"bulk sync of {s.scalar('SELECT count(*) FROM events'):,} events (source {source.name}), TLS hub on loopback"
        )
    for kind in kinds:
        run(kind, source, args.breakdown, args.profile, args.sql, args.top)


@contextmanager
def _open(path: Path) -> Iterator[Store]:
    store = Store.open(path, create=False)
    try:
        yield store
    finally:
        store.close()


if __name__ == "__main__":
    main()
