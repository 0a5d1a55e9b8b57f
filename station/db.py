"""The station's SQLite file: opened through sqlite-utils, WAL, synchronous=FULL, foreign keys on.

Schema changes are numbered migrations (sqlite-utils ``Migrations``), applied on open and
recorded in ``_sqlite_migrations``. A migration is never edited once released: add the next one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from station import cipher, integrity, private
from station.errors import DomainError

APP_ID = 0x56535431  # "VST1": marks a station database in the SQLite header
MIGRATION_SET = "station"
BUSY_SECONDS = 10  # a lock held longer by another program: db_locked

migrations = Migrations(MIGRATION_SET)

SCHEMA_0001 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE events (
    pos INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    origin TEXT NOT NULL,
    seq INTEGER NOT NULL,
    hlc TEXT NOT NULL,
    type TEXT NOT NULL,
    visit_id TEXT,
    staff_id TEXT,
    payload TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (origin, seq)
);
CREATE INDEX events_visit ON events(visit_id);
CREATE INDEX events_hlc ON events(hlc);
CREATE TABLE people (
    person_id TEXT PRIMARY KEY,
    id_type TEXT NOT NULL,
    id_number TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT,
    unit TEXT,
    birth_date TEXT,
    sex TEXT,
    UNIQUE (id_type, id_number)
);
CREATE TABLE visits (
    visit_id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(person_id),
    day TEXT NOT NULL,
    slot TEXT,
    booking_no TEXT,
    product TEXT,
    source TEXT NOT NULL,
    state TEXT NOT NULL,
    queue_no INTEGER,
    booked_at TEXT,
    signed_in_at TEXT,
    screened_at TEXT,
    turned_away_at TEXT,
    cancelled_at TEXT,
    injected_at TEXT,
    observing_at TEXT,
    released_at TEXT,
    reason TEXT,
    called_desk TEXT,
    called_at TEXT,
    missed INTEGER NOT NULL DEFAULT 0,
    conflict INTEGER NOT NULL DEFAULT 0,
    last_hlc TEXT
);
CREATE INDEX visits_day_state ON visits(day, state);
CREATE INDEX visits_day_queue ON visits(day, queue_no);
CREATE INDEX visits_person ON visits(person_id);
CREATE INDEX visits_state ON visits(state);
CREATE TABLE screenings (
    event_id TEXT PRIMARY KEY,
    visit_id TEXT NOT NULL REFERENCES visits(visit_id),
    outcome TEXT NOT NULL,
    temperature REAL,
    answers TEXT NOT NULL,
    reasons TEXT NOT NULL,
    notes TEXT NOT NULL,
    staff_id TEXT,
    at TEXT NOT NULL
);
CREATE INDEX screenings_visit ON screenings(visit_id);
CREATE TABLE doses (
    event_id TEXT PRIMARY KEY,
    visit_id TEXT REFERENCES visits(visit_id),
    person_id TEXT NOT NULL REFERENCES people(person_id),
    product TEXT NOT NULL,
    lot_no TEXT,
    dose_number INTEGER NOT NULL,
    desk TEXT,
    vaccinator TEXT,
    body_site TEXT,
    source TEXT NOT NULL,
    day TEXT NOT NULL,
    at TEXT
);
CREATE INDEX doses_person ON doses(person_id);
CREATE INDEX doses_day ON doses(day);
CREATE INDEX doses_lot ON doses(lot_no, source);
CREATE INDEX doses_visit ON doses(visit_id);
CREATE TABLE observations (
    visit_id TEXT PRIMARY KEY REFERENCES visits(visit_id),
    seat INTEGER,
    minutes INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    until TEXT NOT NULL,
    released_at TEXT,
    released_by TEXT,
    override_reason TEXT
);
CREATE TABLE aefi (
    aefi_id TEXT PRIMARY KEY,
    visit_id TEXT NOT NULL REFERENCES visits(visit_id),
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    serious INTEGER NOT NULL,
    onset_at TEXT,
    handling TEXT NOT NULL,
    extend_minutes INTEGER NOT NULL DEFAULT 0,
    notes TEXT NOT NULL,
    staff_id TEXT,
    at TEXT NOT NULL
);
CREATE TABLE lots (
    lot_no TEXT PRIMARY KEY,
    product TEXT NOT NULL,
    expiry TEXT NOT NULL,
    doses_per_vial INTEGER NOT NULL,
    vials_received INTEGER NOT NULL DEFAULT 0,
    vials_opened INTEGER NOT NULL DEFAULT 0,
    doses_received INTEGER NOT NULL DEFAULT 0,
    doses_wasted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE staff (
    staff_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    roles TEXT NOT NULL,
    pin_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    added_at TEXT NOT NULL
);
CREATE TABLE conflicts (
    event_id TEXT PRIMARY KEY,
    visit_id TEXT,
    code TEXT NOT NULL,
    detail TEXT NOT NULL,
    resolved_by TEXT,
    resolution TEXT
);
CREATE INDEX aefi_visit ON aefi(visit_id);
CREATE INDEX conflicts_visit ON conflicts(visit_id);
CREATE TABLE days (day TEXT PRIMARY KEY, closed_at TEXT, closed_by TEXT);
"""


@migrations(name="0001_initial")
def _m0001(db: Database) -> None:
    _run_script(db, SCHEMA_0001)


# Doses used per lot, kept by triggers on the doses table: counting them per lot on every lookup
# grew with the number of lots (10 ms per injection after a few months of deliveries), and triggers
# stay right however a visit's doses are re-projected (a row deleted is a dose given back).
SCHEMA_0002 = """
ALTER TABLE lots ADD COLUMN doses_used INTEGER NOT NULL DEFAULT 0;
UPDATE lots SET doses_used = (SELECT count(*) FROM doses d WHERE d.lot_no = lots.lot_no AND d.source = 'here');
CREATE TRIGGER doses_used_up AFTER INSERT ON doses WHEN new.source = 'here' AND new.lot_no IS NOT NULL
BEGIN UPDATE lots SET doses_used = doses_used + 1 WHERE lot_no = new.lot_no; END;
CREATE TRIGGER doses_used_down AFTER DELETE ON doses WHEN old.source = 'here' AND old.lot_no IS NOT NULL
BEGIN UPDATE lots SET doses_used = doses_used - 1 WHERE lot_no = old.lot_no; END
"""


@migrations(name="0002_lot_counters")
def _m0002(db: Database) -> None:
    for statement in SCHEMA_0002.split(";\n"):
        if statement.strip():
            db.execute(statement)


# A letter per sign-in desk (A001, B001): two desks cut off from each other no longer hand out the
# same number. Visits and duplicate-number conflicts from before were all desk "A"; the conflict's
# detail names the number as shown (its message reads "{queue_no}"), as the projector now writes it.
SCHEMA_0003 = """
ALTER TABLE visits ADD COLUMN queue_prefix TEXT;
UPDATE visits SET queue_prefix = 'A' WHERE queue_no IS NOT NULL;
CREATE INDEX visits_day_prefix_queue ON visits(day, queue_prefix, queue_no);
UPDATE conflicts SET detail = json_set(detail, '$.queue_no', printf('A%03d', json_extract(detail, '$.queue_no')))
 WHERE code = 'duplicate_queue_no' AND json_type(detail, '$.queue_no') = 'integer'
"""


@migrations(name="0003_queue_prefix")
def _m0003(db: Database) -> None:
    for statement in SCHEMA_0003.split(";\n"):
        if statement.strip():
            db.execute(statement)


# Vaccine stock from the fridge to the arm (issue #10): each receipt (its delivery note and scanned
# carton code: a carton is received once), vials opened at a desk (each with its own id, made by the
# desk that opens it, so two desks never share one), the dose's vial, a lot's cold-chain status,
# fridge readings and end-of-day counts. Lots from before had no fridge: the first one.
SCHEMA_0004 = """
ALTER TABLE lots ADD COLUMN manufacturer TEXT;
ALTER TABLE lots ADD COLUMN fridge TEXT;
ALTER TABLE lots ADD COLUMN status TEXT NOT NULL DEFAULT 'ok';
ALTER TABLE lots ADD COLUMN status_reason TEXT;
ALTER TABLE doses ADD COLUMN vial_id TEXT;
CREATE INDEX doses_vial ON doses(vial_id);
CREATE TABLE receipts (
    event_id TEXT PRIMARY KEY,
    lot_no TEXT NOT NULL,
    hlc TEXT NOT NULL,
    carton_code TEXT,
    delivery_note TEXT,
    vials INTEGER NOT NULL,
    doses INTEGER NOT NULL,
    fridge TEXT,
    staff_id TEXT,
    at TEXT NOT NULL,
    duplicate INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX receipts_lot ON receipts(lot_no);
CREATE INDEX receipts_carton ON receipts(carton_code);
CREATE TABLE vials (
    vial_id TEXT PRIMARY KEY,
    lot_no TEXT NOT NULL,
    product TEXT NOT NULL,
    desk TEXT NOT NULL,
    doses INTEGER NOT NULL,
    opened_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    opened_by TEXT,
    scanned_code TEXT,
    doses_used INTEGER NOT NULL DEFAULT 0,
    doses_wasted INTEGER NOT NULL DEFAULT 0,
    discarded_at TEXT,
    discard_reason TEXT
);
CREATE INDEX vials_lot ON vials(lot_no);
CREATE INDEX vials_desk ON vials(desk, discarded_at);
CREATE TRIGGER vial_doses_up AFTER INSERT ON doses WHEN new.vial_id IS NOT NULL
BEGIN UPDATE vials SET doses_used = doses_used + 1 WHERE vial_id = new.vial_id; END;
CREATE TRIGGER vial_doses_down AFTER DELETE ON doses WHEN old.vial_id IS NOT NULL
BEGIN UPDATE vials SET doses_used = doses_used - 1 WHERE vial_id = old.vial_id; END;
CREATE TABLE cold_readings (
    reading_id TEXT PRIMARY KEY,
    fridge TEXT NOT NULL,
    at TEXT NOT NULL,
    celsius REAL NOT NULL,
    outside INTEGER NOT NULL,
    source TEXT NOT NULL,
    staff_id TEXT
);
CREATE INDEX cold_readings_fridge ON cold_readings(fridge, at);
CREATE TABLE stock_counts (
    event_id TEXT PRIMARY KEY,
    day TEXT NOT NULL,
    lot_no TEXT NOT NULL,
    expected_doses INTEGER NOT NULL,
    counted_vials INTEGER NOT NULL,
    counted_doses INTEGER NOT NULL,
    difference INTEGER NOT NULL,
    reason TEXT,
    staff_id TEXT,
    at TEXT NOT NULL
);
CREATE INDEX stock_counts_day ON stock_counts(day)
"""


@migrations(name="0004_stock")
def _m0004(db: Database) -> None:
    for statement in SCHEMA_0004.split(";\n"):
        if statement.strip():
            db.execute(statement)
    # a receipt row for each delivery recorded before receipts had their own table
    db.execute(
        """INSERT INTO receipts (event_id, lot_no, hlc, vials, doses, staff_id, at)
           SELECT id, json_extract(payload, '$.lot_no'), hlc, json_extract(payload, '$.vials'),
                  json_extract(payload, '$.vials') * json_extract(payload, '$.doses_per_vial'),
                  staff_id, json_extract(payload, '$.at')
           FROM events WHERE type = 'StockReceived'"""
    )


# Reports (issue #12): units with their headcounts (for coverage) and the outcomes of reminder calls,
# both projected from events so they sync like every other record. A unit's headcount is the one of
# its latest import by HLC (kept in ``hlc``), whatever order the imports arrive in.
SCHEMA_0005 = """
CREATE TABLE units (
    unit TEXT PRIMARY KEY,
    headcount INTEGER NOT NULL,
    hlc TEXT NOT NULL,
    event_id TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE call_outcomes (
    outcome_id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL,
    dose_number INTEGER,
    outcome TEXT NOT NULL,
    called_at TEXT,
    note TEXT,
    hlc TEXT NOT NULL,
    staff_id TEXT,
    at TEXT NOT NULL
);
CREATE INDEX call_outcomes_person ON call_outcomes(person_id, dose_number, hlc)
"""


@migrations(name="0005_registers")
def _m0005(db: Database) -> None:
    for statement in SCHEMA_0005.split(";\n"):
        if statement.strip():
            db.execute(statement)


# PIN lockout (#13): the streak of wrong PINs, the lock's end and how many locks a member has had,
# projected from LoginFailed / StaffLockedOut / LoginSucceeded (see station/staff.py).
SCHEMA_0006 = """
ALTER TABLE staff ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN locked_until TEXT;
ALTER TABLE staff ADD COLUMN lockouts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN last_failed_at TEXT
"""


@migrations(name="0006_staff_logins")
def _m0006(db: Database) -> None:
    _run_script(db, SCHEMA_0006)


# The day's site checklist (#15): one row per day and item while it is ticked, projected from
# ChecklistItemTicked / ChecklistItemUnticked (see station/checklist.py).
SCHEMA_0007 = """
CREATE TABLE checklist (
    day TEXT NOT NULL,
    item TEXT NOT NULL,
    staff_id TEXT,
    at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    event_id TEXT NOT NULL,
    PRIMARY KEY (day, item)
)
"""


@migrations(name="0007_checklist")
def _m0007(db: Database) -> None:
    _run_script(db, SCHEMA_0007)


def _run_script(db: Database, script: str) -> None:
    # executescript() would COMMIT the migration's transaction first: run statement by statement.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


# Tables rebuilt from the event log (everything but the log, meta and the migration record).
PROJECTED_TABLES = (
    "people",
    "visits",
    "screenings",
    "doses",
    "observations",
    "aefi",
    "lots",
    "staff",
    "conflicts",
    "days",
    "receipts",
    "vials",
    "cold_readings",
    "stock_counts",
    "units",
    "call_outcomes",
    "checklist",
)


class StationFileError(DomainError):
    pass


def _empty(path: Path) -> bool:
    """A zero-length database file with no WAL content either (a new WAL database writes its header
    to the main file at once, so a station's file is never empty)."""
    wal = path.with_name(path.name + "-wal")
    try:
        return path.stat().st_size == 0 and (not wal.exists() or wal.stat().st_size == 0)
    except OSError:
        return False


def connect(path: Path | str, *, create: bool = True, key: str | None = None) -> Database:
    """Open (or create) a station database and bring its schema up to date.

    ``key``: the SQLCipher passphrase (station/cipher.py); by default the one this process unlocked
    the file with, none for a plaintext station. An encrypted file without it is refused clearly."""
    path = Path(path) if str(path) != ":memory:" else path
    if key is None:
        try:
            key = cipher.driver_for(path)
        except DomainError as exc:  # encrypted, and no passphrase held for it (or no SQLCipher here)
            raise StationFileError(exc.code, **exc.facts) from None
    if isinstance(path, Path):
        if not path.exists():
            if not create:
                raise StationFileError("db_missing", path=str(path))
            _storage(private.folder, path.parent, path=path)
        elif path.is_dir():
            raise StationFileError("db_not_station", path=str(path))
        elif _empty(path):  # a station's file emptied (a copy cut short, a disk error): not a new station
            raise StationFileError("db_empty", path=str(path))
        else:
            _storage(private.folder, path.parent, path=path)  # a folder made before the rule: tightened now
    try:
        conn = cipher.raw_connect(path, key, isolation_level=None, check_same_thread=False, timeout=BUSY_SECONDS)
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if isinstance(path, Path):
            private.database(path)  # before the WAL exists: SQLite gives it the database's mode
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except cipher.DatabaseError as exc:
        raise _open_error(exc, path) from None
    except OSError as exc:
        raise integrity.storage_error(exc, path) from None
    if tables and app_id != APP_ID:
        conn.close()
        raise StationFileError("db_not_station", path=str(path), detail="application_id")
    if tables and isinstance(path, Path):
        _check_on_open(conn, path)  # before anything is written: a damaged file is never changed
    try:
        return _prepare(conn, path, tables)
    except cipher.DatabaseError as exc:  # a full disk, a read-only folder, a lock held too long
        conn.close()
        if not tables and isinstance(path, Path):  # a station that could not be made: leave no empty file
            for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                p.unlink(missing_ok=True)
        raise integrity.storage_error(exc, path) from None


def _storage(fn: Any, *args: Any, path: Path) -> Any:
    try:
        return fn(*args)
    except OSError as exc:
        raise integrity.storage_error(exc, path) from None


def _open_error(exc: sqlite3.DatabaseError, path: Path | str) -> DomainError:
    text = str(exc).lower()
    if "not a database" in text or "encrypted" in text:  # another program's file (or not SQLite at all)
        return StationFileError("db_not_station", path=str(path), detail=str(exc))
    error = integrity.storage_error(exc, path)
    if error.code == "db_error":
        return StationFileError("db_not_station", path=str(path), detail=str(exc))
    return error


def _check_on_open(conn: sqlite3.Connection, path: Path) -> None:
    """The check on open (station/integrity.py): a damaged file is refused before anything writes to it."""
    check = integrity.quick(conn, path)
    if not check.ok:
        conn.close()
        raise StationFileError("db_damaged", path=str(path), detail=check.detail)


def _prepare(conn: sqlite3.Connection, path: Path | str, tables: set[str]) -> Database:
    if str(path) != ":memory:":
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    db = Database(conn, recursive_triggers=False, execute_plugins=False)
    known = {m.name for m in migrations._migrations}
    if "_sqlite_migrations" in tables:
        applied = {
            r[0]
            for r in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
            )
        }
        newer = sorted(applied - known)
        if newer:
            conn.close()
            raise StationFileError("db_too_new", path=str(path), migration=newer[-1])
    if not tables:
        conn.execute(f"PRAGMA application_id={APP_ID}")
    elif isinstance(path, Path) and known - applied_names(conn, tables):
        _backup_before_migrating(conn, path)
    migrations.apply(db)
    return db


def applied_names(conn: sqlite3.Connection, tables: set[str]) -> set[str]:
    if "_sqlite_migrations" not in tables:
        return set()
    rows = conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET])
    return {r[0] for r in rows}


def _backup_before_migrating(conn: sqlite3.Connection, path: Path) -> None:
    """An older release's database is copied (checked) into ``backups/`` beside it before it is changed;
    when the copy fails, nothing is migrated."""
    from station import backup

    result = backup.backup_connection(conn, path.parent / backup.FOLDER, reason="before_migration",
                                      keep=None, prefix="pre-upgrade")
    if not result.ok:
        conn.close()
        raise StationFileError("db_backup_before_migration_failed", path=str(path),
                               detail=f"{result.error}: {result.detail}")


def schema_version(db: Database) -> list[str]:
    return [m.name for m in migrations.applied(db)]
