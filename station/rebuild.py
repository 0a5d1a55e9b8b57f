"""Replay the event log into a fresh database and compare every projected table with the live one."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from station import cipher, integrity
from station import db as dbmod
from station.projector import apply
from station.store import EVENT_COLUMNS, Event, Store

_BATCH = 5000


@dataclass
class TableDiff:
    table: str
    missing: int  # rows the replay has that the live table lacks
    extra: int  # rows the live table has that the replay does not
    examples: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RebuildReport:
    events: int
    seconds: float
    diffs: list[TableDiff]
    tables: dict[str, int]

    @property
    def ok(self) -> bool:
        return not self.diffs

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else float("inf")


def replay(store: Store) -> Store:
    """A new in-memory station holding the same events, projected from scratch in HLC order."""
    # an encrypted station's replay runs on SQLCipher's module (unkeyed, in memory) so that compare()
    # can attach the live file with its key
    key = cipher.NO_KEY if store.path is not None and cipher.key_for(store.path) else None
    fresh = Store(dbmod.connect(":memory:", key=key), store.origin, now=store.now)
    conn = fresh.conn
    conn.execute("PRAGMA synchronous=OFF")
    cur = store.conn.cursor()
    cur.execute(f"SELECT {', '.join(EVENT_COLUMNS)} FROM events ORDER BY hlc")
    insert = f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"
    conn.execute("BEGIN")
    while rows := cur.fetchmany(_BATCH):
        conn.executemany(insert, rows)
        for row in rows:
            apply(conn, Event.from_row(row))
    conn.execute("COMMIT")
    return fresh


def _columns(conn: Any, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def compare(live: Store, rebuilt: Store, examples: int = 3) -> list[TableDiff]:
    conn = rebuilt.conn
    diffs = []
    if live.path is None:
        raise ValueError("compare() needs a station stored in a file")
    cipher.attach(conn, live.path, "live")
    try:
        for table in dbmod.PROJECTED_TABLES:
            cols = ", ".join(_columns(conn, table))
            missing_sql = f"SELECT {cols} FROM main.{table} EXCEPT SELECT {cols} FROM live.{table}"
            extra_sql = f"SELECT {cols} FROM live.{table} EXCEPT SELECT {cols} FROM main.{table}"
            missing = conn.execute(f"SELECT count(*) FROM ({missing_sql})").fetchone()[0]
            extra = conn.execute(f"SELECT count(*) FROM ({extra_sql})").fetchone()[0]
            if missing or extra:
                names = _columns(conn, table)
                rows = (
                    conn.execute(f"{extra_sql} LIMIT ?", [examples]).fetchall()
                    + conn.execute(f"{missing_sql} LIMIT ?", [examples]).fetchall()
                )
                diffs.append(
                    TableDiff(table, missing, extra, [dict(zip(names, r, strict=True)) for r in rows])
                )
    finally:
        conn.execute("DETACH DATABASE live")
    return diffs


def check(store: Store) -> RebuildReport:
    """Replay and compare; a damaged database is reported as damage (``db_damaged``), not as tables
    that differ or match: SQLite's full check runs first, and a page found damaged on the way too."""
    try:
        if store.path is not None:
            integrity.require_sound(store.conn, store.path)
        return _check(store)
    except cipher.DatabaseError as exc:
        if not integrity.is_storage_error(exc):
            raise
        raise integrity.storage_error(exc, store.path) from None


def _check(store: Store) -> RebuildReport:
    start = time.perf_counter()
    rebuilt = replay(store)
    seconds = time.perf_counter() - start
    try:
        diffs = compare(store, rebuilt)
        tables = {t: rebuilt.scalar(f"SELECT count(*) FROM {t}") for t in dbmod.PROJECTED_TABLES}
        events = rebuilt.scalar("SELECT count(*) FROM events")
    finally:
        rebuilt.close()
    return RebuildReport(events, seconds, diffs, tables)
