"""The event log and its projection: every change is an event, appended and applied in one transaction."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from station import db as dbmod
from station.errors import DomainError
from station.hlc import HybridClock, Stamp


@dataclass(frozen=True)
class Event:
    id: str
    origin: str
    seq: int
    hlc: str
    type: str
    visit_id: str | None
    staff_id: str | None
    payload: dict[str, Any] = field(default_factory=dict)
    recorded_at: str = ""

    @classmethod
    def from_row(cls, row: dict[str, Any] | sqlite3.Row | tuple) -> Event:
        if isinstance(row, tuple):
            row = dict(zip(EVENT_COLUMNS, row, strict=True))
        data = dict(row)
        data.pop("pos", None)
        payload = data["payload"]
        data["payload"] = json.loads(payload) if isinstance(payload, str) else payload
        return cls(**data)

    def as_row(self) -> dict[str, Any]:
        row = self.__dict__.copy()
        row["payload"] = json.dumps(self.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return row


EVENT_COLUMNS = ("id", "origin", "seq", "hlc", "type", "visit_id", "staff_id", "payload", "recorded_at")
_INSERT = f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"


def local_now() -> datetime:
    return datetime.now().astimezone().replace(microsecond=0)


class Store:
    """One station's database: the log, the tables projected from it, and who this node is."""

    def __init__(
        self,
        db: Database,
        origin: str,
        *,
        now: Callable[[], datetime] = local_now,
        path: Path | None = None,
    ) -> None:
        self.db = db
        self.conn = db.conn
        self.origin = origin
        self.now = now
        self.path = path
        last = self.conn.execute("SELECT max(hlc) FROM events").fetchone()[0]
        # The log's order comes from the real clock; ``now`` is the domain's clock (desks, tests, the demo).
        self.clock = HybridClock(origin, last=Stamp.parse(last) if last else None)
        self._depth = 0
        self._checkpointer: tuple[threading.Thread, threading.Event] | None = None
        self.listeners: list[Callable[[Event], None]] = []

    # --- opening -------------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        origin: str | None = None,
        create: bool = True,
        now: Callable[[], datetime] = local_now,
    ) -> Store:
        database = dbmod.connect(path, create=create)
        stored = database.conn.execute("SELECT value FROM meta WHERE key='origin'").fetchone()
        if stored is None:
            origin = origin or f"st-{uuid.uuid4().hex[:8]}"
            with database.atomic():
                database.execute("INSERT INTO meta (key, value) VALUES ('origin', ?)", [origin])
                database.execute(
                    "INSERT INTO meta (key, value) VALUES ('created_at', ?)", [now().isoformat()]
                )
        else:
            origin = stored[0]
        return cls(database, origin, now=now, path=Path(path) if str(path) != ":memory:" else None)

    def close(self) -> None:
        self.stop_checkpointer()
        self.conn.close()

    def start_checkpointer(self, every: float = 5.0) -> None:
        """Copy the WAL into the database file from a background thread, not inside a desk's commit.

        SQLite's automatic checkpoint runs in whichever commit crosses 1,000 WAL pages, which made
        every few hundredth append take 4-5 ms instead of 0.3 ms (bench/bench_core.py). A PASSIVE
        checkpoint on its own connection never blocks the writer; a busy one is simply retried.
        """
        if self.path is None or self._checkpointer is not None:
            return
        self.conn.execute("PRAGMA wal_autocheckpoint=0")
        stop = threading.Event()
        path = str(self.path)

        def run() -> None:
            conn = sqlite3.connect(path, timeout=1, check_same_thread=False)
            try:
                while not stop.wait(every):
                    try:
                        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    except sqlite3.Error:  # busy or locked: the next round tries again
                        continue
            finally:
                conn.close()

        thread = threading.Thread(target=run, name="station-wal-checkpoint", daemon=True)
        thread.start()
        self._checkpointer = (thread, stop)

    def stop_checkpointer(self) -> None:
        if self._checkpointer is None:
            return
        thread, stop = self._checkpointer
        stop.set()
        thread.join(timeout=5)
        self._checkpointer = None
        self.conn.execute("PRAGMA wal_autocheckpoint=1000")

    def set_origin(self, origin: str) -> None:
        """Name this station (first-run set-up). Only while it has recorded nothing under its old name:
        an origin is part of every event's identity and never changes after."""
        origin = origin.strip()
        if not origin or origin == self.origin:
            return
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", origin):
            raise DomainError("station_id_invalid", station=origin)
        with self.transaction():
            if self.scalar("SELECT 1 FROM events WHERE origin = ? LIMIT 1", [self.origin]):
                raise DomainError("station_id_fixed", station=self.origin)
            self.conn.execute("UPDATE meta SET value = ? WHERE key = 'origin'", [origin])
        self.origin = origin
        self.clock.origin = origin

    # --- transactions --------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """One write transaction (BEGIN IMMEDIATE); nested calls join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _storage_error(exc) from exc
        self._depth = 1
        self._pending: list[Event] = []
        try:
            yield self
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self._pending = []
            if isinstance(exc, sqlite3.OperationalError):
                raise _storage_error(exc) from exc
            raise
        finally:
            self._depth = 0
        pending, self._pending = self._pending, []
        for event in pending:
            for listener in list(self.listeners):
                listener(event)

    # --- the log -------------------------------------------------------------------------------
    def append(
        self,
        type: str,
        payload: dict[str, Any],
        *,
        visit_id: str | None = None,
        staff_id: str | None = None,
    ) -> Event:
        """Append one event of this origin and apply it to the tables, atomically."""
        from station.projector import apply

        with self.transaction():
            seq = self.conn.execute(
                "SELECT coalesce(max(seq), 0) + 1 FROM events WHERE origin = ?", [self.origin]
            ).fetchone()[0]
            # Another Store on the same file (the window and a terminal command) has its own clock:
            # stay ahead of whatever is in the log, so log order, seq order and HLC order agree.
            last = self.conn.execute("SELECT max(hlc) FROM events").fetchone()[0]
            if last:
                self.clock.observe(Stamp.parse(last))
            event = Event(
                id=str(uuid.uuid4()),
                origin=self.origin,
                seq=seq,
                hlc=str(self.clock.now()),
                type=type,
                visit_id=visit_id,
                staff_id=staff_id,
                payload=payload,
                recorded_at=self.now().isoformat(),
            )
            self._insert(event)
            apply(self.conn, event)
            self._pending.append(event)
        return event

    def ingest(self, events: Iterable[Event]) -> int:
        """Take events from another node (sync or an export file); idempotent by (origin, seq).

        Returns the number of new events. Events already held are skipped; an event whose
        (origin, seq) is held under a different id is refused: the log is immutable. The whole
        batch is checked first (per origin, in seq order), then applied in HLC order; an event
        older than one already applied to the same rows (a visit, a staff member, a lot, a day)
        has those rows re-projected in HLC order, so every node ends with the same tables.
        """
        from station.projector import apply, later_applied, reproject, rows_key

        fresh: list[Event] = []
        with self.transaction():
            taken: dict[tuple[str, int], str] = {}
            expected: dict[str, int] = {}
            for event in sorted(events, key=lambda e: (e.origin, e.seq)):
                key = (event.origin, event.seq)
                held = self.conn.execute(
                    "SELECT id FROM events WHERE origin = ? AND seq = ?", [event.origin, event.seq]
                ).fetchone()
                held_id = held[0] if held else taken.get(key)
                if held_id is not None:
                    if held_id != event.id:
                        raise DomainError("event_mismatch", origin=event.origin, seq=event.seq)
                    continue
                if event.origin not in expected:
                    expected[event.origin] = self.conn.execute(
                        "SELECT coalesce(max(seq), 0) + 1 FROM events WHERE origin = ?", [event.origin]
                    ).fetchone()[0]
                if event.seq != expected[event.origin]:
                    raise DomainError(
                        "event_gap", origin=event.origin, seq=event.seq, expected=expected[event.origin]
                    )
                expected[event.origin] += 1
                taken[key] = event.id
                fresh.append(event)
            for event in sorted(fresh, key=lambda e: e.hlc):
                self.clock.observe(Stamp.parse(event.hlc))
                self._insert(event)
                rows = rows_key(event)
                if rows and later_applied(self.conn, event, rows):
                    reproject(self.conn, rows)
                else:
                    apply(self.conn, event)
                self._pending.append(event)
        return len(fresh)

    def _insert(self, event: Event) -> None:
        row = event.as_row()
        try:
            self.conn.execute(_INSERT, [row[c] for c in EVENT_COLUMNS])
        except sqlite3.OperationalError as exc:
            raise _storage_error(exc) from exc

    def events(self, *, after_pos: int = 0, limit: int | None = None) -> list[Event]:
        sql = f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE pos > ? ORDER BY pos"
        params: list[Any] = [after_pos]
        if limit:
            sql += " LIMIT ?"
            params.append(limit)
        return [Event.from_row(r) for r in self.conn.execute(sql, params)]

    def version_vector(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT origin, max(seq) FROM events GROUP BY origin").fetchall())

    # --- small helpers for the command modules -----------------------------------------------
    def one(self, sql: str, params: Iterable[Any] = ()) -> dict[str, Any] | None:
        cur = self.conn.execute(sql, list(params))
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def all(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        cur = self.conn.execute(sql, list(params))
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        row = self.conn.execute(sql, list(params)).fetchone()
        return row[0] if row else None


def _storage_error(exc: sqlite3.OperationalError) -> DomainError:
    text = str(exc).lower()
    if "full" in text:
        return DomainError("disk_full")
    if "locked" in text or "busy" in text:
        return DomainError("db_busy")
    return DomainError("db_error", detail=str(exc))
