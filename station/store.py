"""The event log and its projection: every change is an event, appended and applied in one transaction."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from station import cipher
from station import db as dbmod
from station.errors import DomainError
from station.hlc import CEILING_MS, HybridClock, Stamp, wall_problem


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
        return dict(zip(EVENT_COLUMNS, self.values(), strict=True))

    def values(self) -> tuple[Any, ...]:
        """The event as its ``events`` row holds it (EVENT_COLUMNS order, the payload as canonical JSON)."""
        return (
            self.id,
            self.origin,
            self.seq,
            self.hlc,
            self.type,
            self.visit_id,
            self.staff_id,
            _canonical(self.payload),
            self.recorded_at,
        )


@dataclass
class IngestReport:
    """What ``Store.ingest_report`` did with a batch: new events taken, events already held, and the
    events refused with their code (``event_mismatch``, ``event_gap``, ``event_future``)."""

    new: int = 0
    duplicates: int = 0
    rejected: list[tuple[Event, str]] = field(default_factory=list)
    # the laptops whose events are held back behind one stamped too far ahead (``event_future``;
    # the ones after it are ``event_held``): origin -> {seq, stamp, hours, top}; kept in the meta
    # table (``clock.held``, ``Store.held_back()``) for the admin's Sync tab
    held_back: dict[str, dict[str, Any]] = field(default_factory=dict)


EVENT_COLUMNS = ("id", "origin", "seq", "hlc", "type", "visit_id", "staff_id", "payload", "recorded_at")
_SEQ = EVENT_COLUMNS.index("seq")
_INSERT = f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"
# One encoder for every payload (json.dumps with options builds a new one per call): sorted keys,
# no spaces, UTF-8 as is, the same text on every node.
_canonical = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
# how far this laptop's clock ran ahead of the hub's at the last sync round, in ms, when more than the
# margin (written by sync/client/engine.py, read by Store.clock_check)
CLOCK_AHEAD_KEY = "sync.clock_ahead_ms"
_RESERVED_META = frozenset({"origin", "created_at"})
_INGEST_CACHE_KIB = 65536  # the page cache of a store that ingests (sync): 64 MB at most
_INGEST_CHECKPOINT_PAGES = 10_000  # its automatic WAL checkpoint (SQLite's default is 1,000 pages)
CLOCK_MARGIN_HOURS = 24  # an event stamped further ahead of the local clock is refused (settings.py)


def local_now() -> datetime:
    return datetime.now().astimezone().replace(microsecond=0)


class Store:
    """One station's database: the log, the tables projected from it, and who this node is."""

    # Whether a bare staff id may do desk work without a Session (station/staff.py ``require``):
    # only the demo while it generates its day, and the test bed. The window, the terminal
    # commands and the servers never set it: they act with the Session of a PIN proven at login.
    trusts_named_staff = False
    # How far ahead of the local clock an ingested event may be stamped (settings ``clock_margin_hours``).
    clock_margin_hours: float = CLOCK_MARGIN_HOURS

    def __init__(
        self,
        db: Database,
        origin: str,
        *,
        now: Callable[[], datetime] = local_now,
        path: Path | None = None,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self.conn = db.conn
        self.origin = origin
        self.now = now
        self.path = path
        last = self.conn.execute("SELECT max(hlc) FROM events").fetchone()[0]
        # The log's order comes from the real clock; ``now`` is the domain's clock (desks, tests, the demo).
        self.clock = HybridClock(origin, wall=wall, last=Stamp.parse(last) if last else None)
        self._depth = 0
        self._checkpointer: tuple[threading.Thread, threading.Event] | None = None
        self.listeners: list[Callable[[Event], None]] = []
        self.before_append: list[Callable[[], None]] = []  # checks that may refuse an append (integrity)

    # --- opening -------------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        origin: str | None = None,
        create: bool = True,
        now: Callable[[], datetime] = local_now,
        wall: Callable[[], float] = time.time,
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
        store = cls(database, origin, now=now, path=Path(path) if str(path) != ":memory:" else None, wall=wall)
        if store.path is not None:
            from station.settings import clock_margin_hours

            store.clock_margin_hours = clock_margin_hours(store.path.parent)
        from station import integrity

        integrity.watch(store)  # this station's own newest seq kept beside the file (a lost WAL is seen)
        return store

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
            conn = cipher.raw_connect(path, cipher.key_for(path), timeout=1, check_same_thread=False)
            try:
                while not stop.wait(every):
                    try:
                        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    except cipher.Error:  # busy or locked: the next round tries again
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
        self.refuse_wrong_clock()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except cipher.DatabaseError as exc:
            raise _storage_error(exc, self.path) from exc
        self._depth = 1
        self._pending: list[Event] = []
        try:
            yield self
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                try:
                    self.conn.execute("ROLLBACK")
                except cipher.Error:  # SQLite rolled back by itself (a full disk, an I/O error)
                    pass
            self._pending = []
            if isinstance(exc, cipher.OperationalError) or type(exc) in cipher.DatabaseError:
                # a full disk, a read-only file, a lock, a damaged page: not a constraint of the domain
                raise _storage_error(exc, self.path) from exc
            raise
        finally:
            self._depth = 0
        pending, self._pending = self._pending, []
        for event in pending:
            for listener in list(self.listeners):
                listener(event)

    # --- the clock -----------------------------------------------------------------------------
    def clock_check(self, *, deep: bool = True) -> tuple[str, dict[str, Any]] | None:
        """What is wrong with this laptop's clock, as a message code and its values, or None.

        ``clock_too_early`` / ``clock_too_late``: the wall clock (or the domain's ``now``) is before
        2020 or past 2200; recording is refused until it is set right. ``clock_behind_log``: the
        clock is more than the margin behind the newest event in the log (set back, or the log took
        a stamp from a laptop ahead): recording works, stamps follow the log, but the admin should
        look at the clock first. The window shows it as a banner, ``station status`` prints it.
        ``deep=False``: the bounds only (no query; every write transaction checks them).
        """
        wall, now = self.clock.wall_ms(), self.now()
        for ms, shown in ((wall, None), (int(now.timestamp() * 1000), now)):
            problem = wall_problem(ms)
            if problem:
                when = shown.strftime("%Y-%m-%d %H:%M") if shown else _utc(ms)
                return problem, {"clock": when}
        last = self.scalar("SELECT max(hlc) FROM events") if deep else None
        if last:
            newest = Stamp.parse(last).wall_ms
            if newest - wall > self.clock_margin_hours * 3_600_000:
                return "clock_behind_log", {"clock": _utc(wall), "newest": _utc(newest)}
        # measured by the sync client against the hub's answers (sync/client/engine.py _note_clock)
        ahead = self.scalar("SELECT value FROM meta WHERE key = ?", [CLOCK_AHEAD_KEY]) if deep else None
        if ahead:
            return "clock_ahead_of_hub", {"clock": _utc(wall), "hours": round(int(ahead) / 3_600_000)}
        return None

    def held_back(self) -> dict[str, dict[str, Any]]:
        """The laptops whose events ingest holds back (``IngestReport.held_back``): origin ->
        {seq: the event stamped too far ahead, stamp, hours: how far ahead, top: the last seq seen}."""
        return json.loads(self.scalar("SELECT value FROM meta WHERE key = 'clock.held'") or "{}")

    def refuse_wrong_clock(self) -> None:
        """Refuse to write with a clock before 2020 or past 2200 (``clock_too_early`` /
        ``clock_too_late``), before any check of the step itself: a nurse must not record a day as
        1970-01-01, nor a walk-in be refused as "born in the future" by a reset laptop (#13)."""
        problem = self.clock_check(deep=False)
        if problem:
            raise DomainError(problem[0], **problem[1])

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

        recorded_at = self.now()
        with self.transaction():
            for check in self.before_append:
                check()
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
                recorded_at=recorded_at.isoformat(),
            )
            self._insert(event)
            apply(self.conn, event)
            self._pending.append(event)
        return event

    def ingest(self, events: Iterable[Event], *, meta: Mapping[str, str | None] | None = None) -> int:
        """Take events from another node (sync or an export file); idempotent by (origin, seq).

        Returns the number of new events. Events already held are skipped; an event whose
        (origin, seq) is held (or comes earlier in the batch) as another event, by id or by content,
        is refused (``event_mismatch``): the log is immutable; a batch that would leave a gap in an
        origin's seq is refused (``event_gap``). Refused means nothing of the batch is taken. The
        whole batch is checked first (per origin, in seq order), then applied in HLC order; an event
        older than one already applied to the same rows (a visit, a staff member, a lot, a day) has
        those rows re-projected in HLC order, so every node ends with the same tables.
        """
        report = self._ingest(events, strict=True, meta=meta)
        return report.new

    def ingest_report(
        self,
        events: Iterable[Event],
        *,
        meta: Mapping[str, str | None] | None = None,
        before_commit: Callable[[IngestReport], None] | None = None,
    ) -> IngestReport:
        """Like ``ingest``, but bad events do not stop the batch: every good event is applied (one
        transaction) and the bad ones are reported with their code (``event_mismatch``,
        ``event_gap``; the events after a gap in the same origin are gaps too).

        ``meta`` keys are written to the ``meta`` table in the same transaction (None deletes a key),
        and ``before_commit`` is called with the report inside it too, so a sync client's cursor
        moves only with the commit that applied the events.
        """
        return self._ingest(events, strict=False, meta=meta, before_commit=before_commit)

    def _ingest(
        self,
        events: Iterable[Event],
        *,
        strict: bool,
        meta: Mapping[str, str | None] | None = None,
        before_commit: Callable[[IngestReport], None] | None = None,
    ) -> IngestReport:
        from station.projector import apply, later_applied, reproject, rows_key

        if meta and _RESERVED_META & set(meta):
            raise ValueError(f"meta keys {sorted(_RESERVED_META & set(meta))} belong to the station")
        self._tune_for_ingest()
        with self.transaction():
            report, fresh, refusals = self._sort_out(events)
            if strict and refusals:
                raise refusals[0]
            # Only an event stamped before the newest one held can be late: the batch itself is
            # applied in HLC order, so nothing of it stamped later than an event is applied before it.
            newest = self.conn.execute("SELECT max(hlc) FROM events").fetchone()[0] or ""
            fresh.sort(key=lambda pair: pair[0].hlc)
            for event, values in fresh:
                self._insert_values(values)
                if event.hlc <= newest:
                    rows = rows_key(event)
                    if rows and later_applied(self.conn, event, rows):
                        reproject(self.conn, rows)
                        continue
                apply(self.conn, event)
            if fresh:
                self.clock.observe(Stamp.parse(fresh[-1][0].hlc))  # the newest stamp moves the clock
                self._pending.extend(event for event, _ in fresh)
            for key, value in (meta or {}).items():
                if value is None:
                    self.conn.execute("DELETE FROM meta WHERE key = ?", [key])
                else:
                    self.conn.execute(
                        "INSERT INTO meta (key, value) VALUES (?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        [key, str(value)],
                    )
            if before_commit is not None:
                before_commit(report)
        return report

    def _tune_for_ingest(self) -> None:
        """A batch of 1,000 events touches ~3,000 pages (random ids in every index). SQLite's default
        page cache holds 500: raise it (only pages in use take memory). And checkpoint every 10,000
        WAL pages, not every 1,000: each batch's commit would otherwise copy all its pages into the
        database file, where one checkpoint every few batches copies a page touched by each of them
        once. A connection whose checkpoints run elsewhere (``start_checkpointer``, 0) is left alone."""
        size, page = (self.conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("cache_size", "page_size"))
        if (-size if size < 0 else size * page // 1024) < _INGEST_CACHE_KIB:
            self.conn.execute(f"PRAGMA cache_size = -{_INGEST_CACHE_KIB}")
        if 0 < self.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] < _INGEST_CHECKPOINT_PAGES:
            self.conn.execute(f"PRAGMA wal_autocheckpoint = {_INGEST_CHECKPOINT_PAGES}")

    def _sort_out(
        self, events: Iterable[Event]
    ) -> tuple[IngestReport, list[tuple[Event, tuple[Any, ...]]], list[DomainError]]:
        """Check a batch against the log, per origin in seq order: what is new (with the row to
        insert), what is held already, what is refused (the report's list, and as errors)."""
        report = IngestReport()
        report.held_back = json.loads(self.scalar("SELECT value FROM meta WHERE key = 'clock.held'") or "{}")
        before = json.dumps(report.held_back, sort_keys=True)
        # An event stamped further ahead of the local clock than the margin is refused (#13): one
        # laptop with a wrong date would otherwise move every later stamp on every node to its year.
        wall = self.clock.wall_ms()
        limit = min(wall + int(self.clock_margin_hours * 3_600_000), CEILING_MS)
        fresh: list[tuple[Event, tuple[Any, ...]]] = []
        refusals: list[DomainError] = []
        by_origin: dict[str, list[Event]] = {}
        for event in events:
            by_origin.setdefault(event.origin, []).append(event)
        for origin in sorted(by_origin):
            batch = sorted(by_origin[origin], key=attrgetter("seq"))  # stable: first given, first taken
            top = (
                self.conn.execute("SELECT max(seq) FROM events WHERE origin = ?", [origin]).fetchone()[0] or 0
            )
            held: dict[int, tuple[Any, ...]] = {}
            asked = sorted({e.seq for e in batch if e.seq <= top})
            if asked:
                rows = self.conn.execute(
                    f"SELECT {', '.join(EVENT_COLUMNS)} FROM events "
                    "WHERE origin = ? AND seq IN (SELECT value FROM json_each(?))",
                    [origin, json.dumps(asked)],
                )
                held = {row[_SEQ]: tuple(row) for row in rows}
            expected = top + 1
            for event in batch:
                values = event.values()
                same = held.get(event.seq)
                if same is not None:
                    if same == values:
                        report.duplicates += 1
                        continue
                    error = DomainError("event_mismatch", origin=origin, seq=event.seq)
                elif event.seq == expected and _stamp_ms(event.hlc) > limit:
                    ahead = (_stamp_ms(event.hlc) - wall) / 3_600_000
                    error = DomainError(
                        "event_future",
                        origin=origin,
                        seq=event.seq,
                        hours=f"{ahead:.0f}",
                        stamp=_utc(_stamp_ms(event.hlc)),
                    )
                    hold = report.held_back.setdefault(origin, {"seq": event.seq, "top": event.seq})
                    hold.update(seq=event.seq, stamp=error.facts["stamp"], hours=error.facts["hours"])
                elif event.seq > expected and (hold := report.held_back.get(origin)) and hold["seq"] == expected:
                    # behind an event from the future: held back, not a gap (a sync client would
                    # otherwise read the whole log again, and again)
                    hold["top"] = max(hold["top"], event.seq)
                    error = DomainError("event_held", origin=origin, seq=event.seq, held=hold["seq"])
                elif event.seq == expected:
                    expected += 1
                    held[event.seq] = values  # a second copy later in the batch is a duplicate
                    report.held_back.pop(origin, None)  # its clock came within the margin: taken
                    fresh.append((event, values))
                    report.new += 1
                    continue
                else:  # past a gap (and everything after it in this origin), or a seq that cannot be
                    error = DomainError("event_gap", origin=origin, seq=event.seq, expected=expected)
                report.rejected.append((event, error.code))
                refusals.append(error)
        if json.dumps(report.held_back, sort_keys=True) != before:
            self.conn.execute(
                "INSERT INTO meta (key, value) VALUES ('clock.held', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [json.dumps(report.held_back, ensure_ascii=False)],
            )
        return report, fresh, refusals

    def _insert(self, event: Event) -> None:
        self._insert_values(event.values())

    def _insert_values(self, values: tuple[Any, ...]) -> None:
        try:
            self.conn.execute(_INSERT, values)
        except cipher.OperationalError as exc:
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


def _stamp_ms(hlc: str) -> int:
    try:
        return Stamp.parse(hlc).wall_ms
    except (ValueError, AttributeError):
        return 0  # not a stamp: left to the checks that always met it


def _utc(ms: int) -> str:
    try:
        return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (OverflowError, OSError, ValueError):
        return str(ms)


def _storage_error(exc: sqlite3.DatabaseError, path: Path | None = None) -> DomainError:
    """Disk full, read-only, locked, damaged: each its own message code (station/integrity.py)."""
    from station import integrity

    return integrity.storage_error(exc, path)
