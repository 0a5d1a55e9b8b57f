"""The server store on one SQLite file: a site hub's log, enrollment codes and credentials.

One connection behind a lock (WAL, ``synchronous=FULL``): every method takes the lock, so calls
from the app's thread pool run one at a time. A push is one ``BEGIN IMMEDIATE`` transaction, and
with a single writer positions are committed in the order they are assigned, so a reader paging by
position never skips an event that commits later with a lower number.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from station.store import Event
from sync.protocol import WIRE_FIELDS, ProtocolError
from sync.server.sqlcommon import (
    CREDENTIAL_COLUMNS,
    EVENT_INSERT_COLUMNS,
    EVENT_READ_COLUMNS,
    SAMPLE_ROWS,
    SCHEMA_VERSION,
    SqlStore,
    TextPage,
    canonical_text_sql,
    credential_from_row,
    event_from_row,
    is_expired,
    plan_push,
    prepare,
    pushed_at,
    resent,
    text_page,
    text_sql_matches,
)
from sync.server.store import Credential, Page, PushResult

# Numbered migrations: MIGRATIONS[n - 1] takes the schema from version n - 1 to n.
MIGRATIONS = [
    """
    CREATE TABLE events (
        pos INTEGER PRIMARY KEY,
        origin TEXT NOT NULL,
        seq INTEGER NOT NULL,
        id TEXT NOT NULL,
        hlc TEXT NOT NULL,
        type TEXT NOT NULL,
        visit_id TEXT,
        staff_id TEXT,
        payload TEXT NOT NULL,      -- canonical JSON (sync.protocol.canonical)
        recorded_at TEXT NOT NULL,
        site TEXT NOT NULL,
        digest TEXT NOT NULL,       -- sync.protocol.event_digest
        UNIQUE (origin, seq)
    );
    CREATE INDEX events_site_pos ON events (site, pos);
    -- every origin the server holds events of, the site it is bound to, its highest seq held
    CREATE TABLE origins (origin TEXT PRIMARY KEY, site TEXT NOT NULL, hwm INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE codes (
        code_hash TEXT PRIMARY KEY, role TEXT NOT NULL, site TEXT, expires_at TEXT NOT NULL, used_at TEXT
    );
    CREATE TABLE credentials (
        token_id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        site TEXT,
        station TEXT,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE INDEX credentials_station ON credentials (station);
    """,
    # 2: station keys (signed end-of-day files), when each origin last reached this server (the live
    # view's "last sync per laptop"), and the live view's viewer accounts (a site's or the district's).
    """
    CREATE TABLE station_keys (
        station TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        public_key TEXT NOT NULL,   -- Ed25519, base64 of the 32 raw bytes
        registered_at TEXT NOT NULL,
        source TEXT NOT NULL        -- how it came: 'join', 'event' or 'trusted' (an operator's fingerprint)
    );
    ALTER TABLE origins ADD COLUMN last_push_at TEXT;
    CREATE TABLE viewers (
        name TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        site TEXT,                  -- NULL: a district viewer, who sees every site
        created_at TEXT NOT NULL,
        disabled_at TEXT
    );
    """,
]
assert len(MIGRATIONS) == SCHEMA_VERSION

_INSERT_EVENT = f"INSERT INTO events ({', '.join(EVENT_INSERT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_INSERT_COLUMNS))})"


class SqliteStore(SqlStore):
    def __init__(self, path: str | os.PathLike[str]) -> None:
        path = os.fspath(path)
        if path.startswith("sqlite:///"):
            path = path[len("sqlite:///") :]
        self.path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = sqlite3.connect(
            path, check_same_thread=False, isolation_level=None, timeout=30
        )
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._migrate()
            server_id = self.get_meta("server_id")
            self._text_sql = self._check_text_sql()
        except BaseException:
            self.close()
            raise
        assert server_id is not None
        self.server_id = server_id

    # --- plumbing ----------------------------------------------------------------------------------
    @contextmanager
    def _tx(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        """The connection, under the lock, inside one transaction (committed unless an error escapes)."""
        with self._lock:
            db = self._conn
            if db is None:
                raise RuntimeError("the store is closed")
            db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _migrate(self) -> None:
        with self._tx(write=True) as db:
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path}: schema version {version} is newer than this program's ({SCHEMA_VERSION})"
                )
            for n in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _statements(MIGRATIONS[n - 1]):
                    db.execute(statement)
            if version != SCHEMA_VERSION:
                db.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
            db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('server_id', ?)", (str(uuid.uuid4()),)
            )

    # --- the log ------------------------------------------------------------------------------------
    def push(
        self,
        events: list[Event],
        *,
        site: str,
        allowed_origins: set[str] | None,
        prepared: list[tuple[str, str]] | None = None,
    ) -> PushResult:
        """``ServerStore.push``; ``prepared``: the events' ``prepare(events)`` when the caller has it
        (the app, from ``protocol.decode_wire``), else it is computed here."""
        origins = list(dict.fromkeys(e.origin for e in events))
        if prepared is None:
            prepared = prepare(events)
        elif len(prepared) != len(events):
            raise ValueError("prepared does not match events")
        with self._tx(write=True) as db:
            bound: dict[str, tuple[str, int]] = {}
            if origins:
                rows = db.execute(
                    "SELECT origin, site, hwm FROM origins WHERE origin IN (SELECT value FROM json_each(?))",
                    (json.dumps(origins),),
                )
                bound = {origin: (s, hwm) for origin, s, hwm in rows}
            held: dict[tuple[str, int], str] = {}
            for origin, seqs in resent(events, bound, site=site, allowed_origins=allowed_origins).items():
                rows = db.execute(
                    "SELECT seq, digest FROM events WHERE origin = ? AND seq IN (SELECT value FROM json_each(?))",
                    (origin, json.dumps(seqs)),
                )
                held.update(((origin, seq), digest) for seq, digest in rows)
            plan = plan_push(
                events, prepared, site=site, allowed_origins=allowed_origins, bound=bound, held=held,
                future=self.future_check(),
            )
            if plan.rows:
                db.executemany(_INSERT_EVENT, plan.rows)
            if plan.tops:
                db.executemany(
                    "INSERT INTO origins (origin, site, hwm, last_push_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (origin) DO UPDATE SET hwm = excluded.hwm, last_push_at = excluded.last_push_at",
                    [(origin, site, top, pushed_at()) for origin, top in plan.tops.items()],
                )
        return plan.result

    def read(self, after: int, limit: int, *, site: str | None) -> Page:
        rows, head = self._read_rows(after, limit, site)
        events = [event_from_row(row) for row in rows]
        return Page(events=events, next=events[-1][0] if events else after, head=head)

    def read_texts(self, after: int, limit: int, *, site: str | None) -> TextPage:
        """``read``, each event as its canonical form (the pull answer's text; nothing decoded),
        put together by SQLite (json_quote) once it has shown it renders text as the encoder does."""
        if self._text_sql is None:
            rows, head = self._read_rows(after, limit, site)
            return text_page(rows, after, head)
        rows, head = self._read_rows(after, limit, site, columns=f"pos, {self._text_sql}")
        positions = [pos for pos, _ in rows]
        return TextPage(positions, [text for _, text in rows], positions[-1] if rows else after, head)

    def _check_text_sql(self) -> str | None:
        """The SQL that gives an event's canonical form (UTF-8) from its row, when SQLite renders
        ``SAMPLE_ROWS`` as the protocol does (else None: pages are put together in Python)."""
        expr = "CAST(" + canonical_text_sql(lambda c: f"json_quote({c})", lambda c: c) + " AS BLOB)"
        sample = ", ".join(f"? AS {c}" for c in WIRE_FIELDS)
        try:
            with self._tx() as db:
                got = [
                    db.execute(f"SELECT {expr} FROM (SELECT {sample})", row).fetchone()[0]
                    for row in SAMPLE_ROWS
                ]
        except sqlite3.Error:
            return None
        return expr if text_sql_matches(got) else None

    def _read_rows(
        self, after: int, limit: int, site: str | None, columns: str = EVENT_READ_COLUMNS
    ) -> tuple[list[tuple], int]:
        limit = max(0, limit)
        with self._tx() as db:
            if site is None:
                rows = db.execute(
                    f"SELECT {columns} FROM events WHERE pos > ? ORDER BY pos LIMIT ?",
                    (after, limit),
                ).fetchall()
            else:
                rows = db.execute(
                    f"SELECT {columns} FROM events WHERE site = ? AND pos > ? ORDER BY pos LIMIT ?",
                    (site, after, limit),
                ).fetchall()
            head = db.execute("SELECT coalesce(max(pos), 0) FROM events").fetchone()[0]
        return rows, head

    def hwm(self, *, site: str | None) -> dict[str, int]:
        with self._tx() as db:
            if site is None:
                rows = db.execute("SELECT origin, hwm FROM origins ORDER BY origin").fetchall()
            else:
                rows = db.execute(
                    "SELECT origin, hwm FROM origins WHERE site = ? ORDER BY origin", (site,)
                ).fetchall()
        return dict(rows)

    def head(self) -> int:
        with self._tx() as db:
            return db.execute("SELECT coalesce(max(pos), 0) FROM events").fetchone()[0]

    def events_after(self, hwm: dict[str, int], limit: int) -> list[Event]:
        out: list[Event] = []
        with self._tx() as db:
            for origin, top in sorted(db.execute("SELECT origin, hwm FROM origins").fetchall()):
                if len(out) >= limit:
                    break
                since = hwm.get(origin, 0)
                if top <= since:
                    continue
                rows = db.execute(
                    f"SELECT {EVENT_READ_COLUMNS} FROM events WHERE origin = ? AND seq > ? ORDER BY seq LIMIT ?",
                    (origin, since, limit - len(out)),
                )
                out.extend(event_from_row(row)[1] for row in rows)
        return out

    def stats(self) -> dict[str, Any]:
        with self._tx() as db:
            types = dict(db.execute("SELECT type, count(*) FROM events GROUP BY type ORDER BY type"))
            # an origin's events are seq 1..hwm (push refuses gaps): no need to count them
            origins = dict(db.execute("SELECT origin, hwm FROM origins WHERE hwm > 0 ORDER BY origin"))
            sites = dict(
                db.execute("SELECT site, sum(hwm) FROM origins WHERE hwm > 0 GROUP BY site ORDER BY site")
            )
            head = db.execute("SELECT coalesce(max(pos), 0) FROM events").fetchone()[0]
        return {
            "events": sum(types.values()),
            "origins": origins,
            "types": types,
            "sites": sites,
            "server_id": self.server_id,
            "head": head,
        }

    # --- enrollment and credentials ---------------------------------------------------------------
    def add_code(self, code_hash: str, *, role: str, site: str | None, expires_at: str) -> None:
        with self._tx(write=True) as db:
            db.execute(
                "INSERT INTO codes (code_hash, role, site, expires_at) VALUES (?, ?, ?, ?)",
                (code_hash, role, site, expires_at),
            )

    def redeem(
        self, code_hash: str, *, station: str, token_hash: str, token_id: str, now: str
    ) -> Credential | None:
        with self._tx(write=True) as db:
            row = db.execute(
                "SELECT role, site, expires_at, used_at FROM codes WHERE code_hash = ?", (code_hash,)
            ).fetchone()
            if row is None:
                return None
            role, site, expires_at, used_at = row
            if used_at is not None or is_expired(expires_at, now):
                return None
            if role == "station":
                taken = db.execute(
                    "SELECT site FROM credentials WHERE role = 'station' AND station = ? AND revoked_at IS NULL "
                    "AND site IS NOT ? UNION ALL SELECT site FROM origins WHERE origin = ? AND site IS NOT ?",
                    (station, site, station, site),
                ).fetchone()
                if taken is not None:
                    raise ProtocolError(
                        "station_id_taken", f"station {station!r} is enrolled in another site"
                    )
            db.execute("UPDATE codes SET used_at = ? WHERE code_hash = ?", (now, code_hash))
            db.execute(
                "INSERT INTO credentials (token_id, token_hash, role, site, station, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (token_id, token_hash, role, site, station, now),
            )
        return Credential(token_id=token_id, role=role, site=site, station=station, created_at=now)

    def credential(self, token_hash: str) -> Credential | None:
        with self._tx() as db:
            row = db.execute(
                f"SELECT {CREDENTIAL_COLUMNS} FROM credentials WHERE token_hash = ? AND revoked_at IS NULL",
                (token_hash,),
            ).fetchone()
        return credential_from_row(row) if row else None

    def credentials(self) -> list[Credential]:
        with self._tx() as db:
            rows = db.execute(
                f"SELECT {CREDENTIAL_COLUMNS} FROM credentials ORDER BY created_at, token_id"
            ).fetchall()
        return [credential_from_row(row) for row in rows]

    def revoke(self, token_id: str, *, now: str) -> bool:
        with self._tx(write=True) as db:
            cur = db.execute(
                "UPDATE credentials SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL",
                (now, token_id),
            )
            return cur.rowcount == 1

    # --- small state ------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self._tx() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str | None) -> None:
        with self._tx(write=True) as db:
            if value is None:
                db.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self._tx() as db:
            return db.execute(sql, tuple(params)).fetchall()

    def execute(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> list[int]:
        with self._tx(write=True) as db:
            return [db.execute(sql, tuple(params)).rowcount for sql, params in statements]

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _statements(script: str) -> list[str]:
    """Split a migration into statements (no semicolons inside them in our scripts)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
