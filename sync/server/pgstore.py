"""The server store on PostgreSQL (a district server), with psycopg 3.

Connections come from a small pool of our own (``psycopg_pool`` is not a dependency), each in a
transaction per call (autocommit off). The schema lives in the first schema of the connection's
``search_path`` (``public`` unless the URL says ``?options=-csearch_path%3D...``, as the tests do).

Positions in order: a push takes one transaction-level advisory lock (one key per schema) before
it reads anything, so pushes run one at a time and commit in the order their positions were drawn.
PostgreSQL makes a transaction visible before it releases its locks, so by the time the next push
draws a position every lower position is visible: a reader paging by ``pos > cursor`` never skips a
lower position that commits later. The same lock serialises pushes per origin. A rolled-back push
leaves a hole in the positions (a sequence is not transactional); readers step over it. The
digests and payload texts are computed before the lock is taken; under it run only the reads of
the batch's origins (and of the digests of events sent again), the checks, one COPY and the commit
(about 25,000 events/s on a 2-core laptop, far above a district's rate: bench/sync/bench_store.py).
Reads take no lock.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg

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

MIGRATIONS = [
    """
    CREATE TABLE events (
        pos BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        origin TEXT NOT NULL,
        seq BIGINT NOT NULL,
        id TEXT NOT NULL,
        hlc TEXT NOT NULL,
        type TEXT NOT NULL,
        visit_id TEXT,
        staff_id TEXT,
        payload TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        site TEXT NOT NULL,
        digest TEXT NOT NULL,
        UNIQUE (origin, seq)
    );
    CREATE INDEX events_site_pos ON events (site, pos);
    CREATE TABLE origins (origin TEXT PRIMARY KEY, site TEXT NOT NULL, hwm BIGINT NOT NULL DEFAULT 0);
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

_COPY_EVENTS = f"COPY events ({', '.join(EVENT_INSERT_COLUMNS)}) FROM STDIN"


class _Pool:
    """At most ``size`` connections, handed out one per caller; broken ones are dropped."""

    def __init__(self, url: str, size: int) -> None:
        self.url = url
        self.size = size
        self._idle: list[psycopg.Connection] = []
        self._count = 0
        self._closed = False
        self._cv = threading.Condition()

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        conn = self._get()
        try:
            yield conn
        finally:
            self._put(conn)

    def _get(self) -> psycopg.Connection:
        with self._cv:
            while True:
                if self._closed:
                    raise RuntimeError("the store is closed")
                if self._idle:
                    return self._idle.pop()
                if self._count < self.size:
                    self._count += 1
                    break
                self._cv.wait()
        try:
            return psycopg.connect(self.url, autocommit=False)
        except BaseException:
            with self._cv:
                self._count -= 1
                self._cv.notify()
            raise

    def _put(self, conn: psycopg.Connection) -> None:
        with self._cv:
            if conn.closed or conn.broken or self._closed:
                conn.close()
                self._count -= 1
            else:
                self._idle.append(conn)
            self._cv.notify()

    def close(self) -> None:
        with self._cv:
            self._closed = True
            for conn in self._idle:
                conn.close()
            self._count -= len(self._idle)
            self._idle.clear()
            self._cv.notify_all()


class PostgresStore(SqlStore):
    def __init__(self, url: str, *, pool_size: int = 16) -> None:
        self.url = url
        self._pool = _Pool(url, pool_size)
        try:
            with self._tx() as cur:
                cur.execute("SELECT current_schema()")
                schema = cur.fetchone()[0]
                if schema is None:
                    raise RuntimeError(f"{_safe(url)}: no schema of the search_path exists")
            self.schema = schema
            # One advisory-lock key per schema: pushes into one store wait for each other, not for others'.
            self._push_key = f"station-sync push {schema}"
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
    def _tx(self) -> Iterator[psycopg.Cursor]:
        """A cursor inside one transaction: committed when the block ends, rolled back on an error."""
        with self._pool.connection() as conn:
            try:
                with conn.cursor() as cur:
                    yield cur
                conn.commit()
            except BaseException:
                if not conn.closed and not conn.broken:
                    conn.rollback()
                raise

    def _migrate(self) -> None:
        with self._tx() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"station-sync schema {self.schema}",))
            cur.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            cur.execute("SELECT value FROM meta WHERE key = 'schema_version'")
            row = cur.fetchone()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{_safe(self.url)}: schema version {version} is newer than this program's ({SCHEMA_VERSION})"
                )
            for n in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _statements(MIGRATIONS[n - 1]):
                    cur.execute(statement)
            if version != SCHEMA_VERSION:
                cur.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', %s) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (str(SCHEMA_VERSION),),
                )
            cur.execute(
                "INSERT INTO meta (key, value) VALUES ('server_id', %s) ON CONFLICT (key) DO NOTHING",
                (str(uuid.uuid4()),),
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
        with self._tx() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self._push_key,))
            cur.execute("SELECT origin, site, hwm FROM origins WHERE origin = ANY(%s)", (origins,))
            bound = {origin: (s, hwm) for origin, s, hwm in cur.fetchall()}
            held: dict[tuple[str, int], str] = {}
            for origin, seqs in resent(events, bound, site=site, allowed_origins=allowed_origins).items():
                # the range lets the (origin, seq) index bound the scan whatever the planner's estimates
                cur.execute(
                    "SELECT seq, digest FROM events WHERE origin = %s AND seq BETWEEN %s AND %s "
                    "AND seq = ANY(%s::bigint[])",
                    (origin, min(seqs), max(seqs), seqs),
                )
                held.update(((origin, seq), digest) for seq, digest in cur.fetchall())
            plan = plan_push(
                events, prepared, site=site, allowed_origins=allowed_origins, bound=bound, held=held,
                future=self.future_check(),
            )
            if plan.rows:
                with cur.copy(_COPY_EVENTS) as copy:
                    for row in plan.rows:
                        copy.write_row(row)
            if plan.tops:
                cur.executemany(
                    "INSERT INTO origins (origin, site, hwm, last_push_at) VALUES (%s, %s, %s, %s) "
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
        put together by PostgreSQL (to_json) once it has shown it renders text as the encoder does."""
        if self._text_sql is None:
            rows, head = self._read_rows(after, limit, site)
            return text_page(rows, after, head)
        rows, head = self._read_rows(after, limit, site, columns=f"pos, {self._text_sql}")
        positions = [pos for pos, _ in rows]
        return TextPage(
            positions, [text.encode() for _, text in rows], positions[-1] if rows else after, head
        )

    def _check_text_sql(self) -> str | None:
        """The SQL that gives an event's canonical form from its row, when PostgreSQL renders
        ``SAMPLE_ROWS`` as the protocol does (else None: pages are put together in Python)."""
        expr = canonical_text_sql(lambda c: f"coalesce(to_json({c})::text, 'null')", lambda c: f"{c}::text")
        sample = ", ".join(f"%s::{'bigint' if c == 'seq' else 'text'} AS {c}" for c in WIRE_FIELDS)
        try:
            with self._tx() as cur:
                got = []
                for row in SAMPLE_ROWS:
                    cur.execute(f"SELECT {expr} FROM (SELECT {sample}) AS e", row)
                    got.append(cur.fetchone()[0])
        except psycopg.Error:
            return None
        return expr if text_sql_matches(got) else None

    def _read_rows(
        self, after: int, limit: int, site: str | None, columns: str = EVENT_READ_COLUMNS
    ) -> tuple[list[tuple], int]:
        limit = max(0, limit)
        with self._tx() as cur:
            if site is None:
                cur.execute(
                    f"SELECT {columns} FROM events WHERE pos > %s ORDER BY pos LIMIT %s",
                    (after, limit),
                )
            else:
                # The (site, pos) index in order, stopping at the limit. Estimating few rows after a
                # recent position (statistics lag the inserts), the planner would rather take every
                # row of the site after it by a bitmap scan and sort them: each page of a long pull
                # read the rest of the log (the reads of a 100,000-event pull: 2.1 s, 0.8 s so).
                cur.execute("SET LOCAL enable_bitmapscan = off")
                cur.execute(
                    f"SELECT {columns} FROM events WHERE site = %s AND pos > %s ORDER BY pos LIMIT %s",
                    (site, after, limit),
                )
            rows = cur.fetchall()
            # read after the page (a statement's snapshot is newer): head >= every position returned
            cur.execute("SELECT coalesce(max(pos), 0) FROM events")
            head = cur.fetchone()[0]
        return rows, head

    def hwm(self, *, site: str | None) -> dict[str, int]:
        with self._tx() as cur:
            if site is None:
                cur.execute('SELECT origin, hwm FROM origins ORDER BY origin COLLATE "C"')
            else:
                cur.execute(
                    'SELECT origin, hwm FROM origins WHERE site = %s ORDER BY origin COLLATE "C"', (site,)
                )
            return dict(cur.fetchall())

    def head(self) -> int:
        with self._tx() as cur:
            cur.execute("SELECT coalesce(max(pos), 0) FROM events")
            return cur.fetchone()[0]

    def events_after(self, hwm: dict[str, int], limit: int) -> list[Event]:
        out: list[Event] = []
        with self._tx() as cur:
            cur.execute("SELECT origin, hwm FROM origins")
            for origin, top in sorted(cur.fetchall()):
                if len(out) >= limit:
                    break
                since = hwm.get(origin, 0)
                if top <= since:
                    continue
                cur.execute(
                    f"SELECT {EVENT_READ_COLUMNS} FROM events WHERE origin = %s AND seq > %s ORDER BY seq LIMIT %s",
                    (origin, since, limit - len(out)),
                )
                out.extend(event_from_row(row)[1] for row in cur.fetchall())
        return out

    def stats(self) -> dict[str, Any]:
        with self._tx() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # one snapshot for all the counts
            cur.execute("SELECT type, count(*) FROM events GROUP BY type")
            types = dict(sorted(cur.fetchall()))
            # an origin's events are seq 1..hwm (push refuses gaps): no need to count them
            cur.execute("SELECT origin, hwm FROM origins WHERE hwm > 0")
            origins = dict(sorted(cur.fetchall()))
            cur.execute("SELECT site, sum(hwm)::bigint FROM origins WHERE hwm > 0 GROUP BY site")
            sites = dict(sorted(cur.fetchall()))
            cur.execute("SELECT coalesce(max(pos), 0) FROM events")
            head = cur.fetchone()[0]
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
        with self._tx() as cur:
            cur.execute(
                "INSERT INTO codes (code_hash, role, site, expires_at) VALUES (%s, %s, %s, %s)",
                (code_hash, role, site, expires_at),
            )

    def redeem(
        self, code_hash: str, *, station: str, token_hash: str, token_id: str, now: str
    ) -> Credential | None:
        with self._tx() as cur:
            # enrollments one at a time: two sites cannot both take one station id
            cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"station-sync enroll {self.schema}",))
            cur.execute(
                "SELECT role, site, expires_at, used_at FROM codes WHERE code_hash = %s FOR UPDATE",
                (code_hash,),
            )
            row = cur.fetchone()
            if row is None:
                return None
            role, site, expires_at, used_at = row
            if used_at is not None or is_expired(expires_at, now):
                return None
            if role == "station":
                cur.execute(
                    "SELECT 1 FROM credentials WHERE role = 'station' AND station = %s AND revoked_at IS NULL "
                    "AND site IS DISTINCT FROM %s "
                    "UNION ALL SELECT 1 FROM origins WHERE origin = %s AND site IS DISTINCT FROM %s",
                    (station, site, station, site),
                )
                if cur.fetchone() is not None:
                    raise ProtocolError(
                        "station_id_taken", f"station {station!r} is enrolled in another site"
                    )
            cur.execute("UPDATE codes SET used_at = %s WHERE code_hash = %s", (now, code_hash))
            cur.execute(
                "INSERT INTO credentials (token_id, token_hash, role, site, station, created_at) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                (token_id, token_hash, role, site, station, now),
            )
        return Credential(token_id=token_id, role=role, site=site, station=station, created_at=now)

    def credential(self, token_hash: str) -> Credential | None:
        with self._tx() as cur:
            cur.execute(
                f"SELECT {CREDENTIAL_COLUMNS} FROM credentials WHERE token_hash = %s AND revoked_at IS NULL",
                (token_hash,),
            )
            row = cur.fetchone()
        return credential_from_row(row) if row else None

    def credentials(self) -> list[Credential]:
        with self._tx() as cur:
            cur.execute(
                f'SELECT {CREDENTIAL_COLUMNS} FROM credentials ORDER BY created_at, token_id COLLATE "C"'
            )
            rows = cur.fetchall()
        return [credential_from_row(row) for row in rows]

    def revoke(self, token_id: str, *, now: str) -> bool:
        with self._tx() as cur:
            cur.execute(
                "UPDATE credentials SET revoked_at = %s WHERE token_id = %s AND revoked_at IS NULL",
                (now, token_id),
            )
            return cur.rowcount == 1

    # --- small state ------------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self._tx() as cur:
            cur.execute(_marks(sql), tuple(params))
            return cur.fetchall() if cur.description else []

    def execute(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> list[int]:
        with self._tx() as cur:
            counts = []
            for sql, params in statements:
                cur.execute(_marks(sql), tuple(params))
                counts.append(cur.rowcount)
            return counts

    def get_meta(self, key: str) -> str | None:
        with self._tx() as cur:
            cur.execute("SELECT value FROM meta WHERE key = %s", (key,))
            row = cur.fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str | None) -> None:
        with self._tx() as cur:
            if value is None:
                cur.execute("DELETE FROM meta WHERE key = %s", (key,))
            else:
                cur.execute(
                    "INSERT INTO meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

    def close(self) -> None:
        self._pool.close()


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://..."
    info.pop("password", None)
    return psycopg.conninfo.make_conninfo(**info)


def _marks(sql: str) -> str:
    """``?`` parameters (the stores' common form) as psycopg's ``%s``; a literal ``%`` doubled."""
    return sql.replace("%", "%%").replace("?", "%s")
