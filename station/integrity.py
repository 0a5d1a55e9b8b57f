"""A damaged station file is never trusted; a storage failure says what it is.

- ``on_open``: the check a station runs each time it opens its database, before anything is written.
  SQLite's ``PRAGMA quick_check`` reads every page (it catches random damage anywhere: a torn copy,
  a failing disk); it costs about 1.5-3 ms per MB on a warm cache, so a file up to ``OPEN_FULL_BYTES`` is
  checked whole on every start. A bigger file (months of records) gets ``quick_check`` on the tables
  that do not grow with the people seen, and the newest rows of the log and the visits read through;
  its full check runs at day close and before every backup (bench/bench_integrity.py, docs/security.md
  "Damaged files and storage errors").
- ``full``: ``PRAGMA integrity_check`` (day close, before a backup).
- ``storage_error``: an sqlite3 / OS error as a DomainError with its own message code: the disk is
  full, the folder or file is read-only, another program holds the database, the file is damaged.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from station import cipher
from station.errors import DomainError

OPEN_FULL_BYTES = 128 * 2**20  # files up to this size get the whole quick_check on open
TAIL_ROWS = 2000  # the log's newest rows read on open when the file is bigger
# Tables that grow with the people seen (above the budget they are left to the full check at day close
# and before each backup; the log's and the visits' newest rows are read on open all the same).
BIG_TABLES = ("events", "people", "visits", "screenings", "doses", "observations", "aefi", "conflicts",
              "receipts", "vials", "cold_readings", "stock_counts", "call_outcomes")
TAILS = ("events", "visits")
DAMAGE_CODES = ("db_damaged", "db_not_station", "db_empty")
LOW_SPACE_BYTES = 1 * 2**20  # "no space" when less than this is free where the file lives


@dataclass
class Check:
    ok: bool
    kind: str  # "quick" (whole file), "partial" (tables but the log, the log's tail), "full"
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def detail(self) -> str:
        """The first problems SQLite named, on one line (``On tree page 437 cell 4: Rowid 9721 out of order``)."""
        lines = [" ".join(line.split()) for p in self.problems for line in p.splitlines()]
        lines = [line for line in lines if line and not line.startswith("*** in database")]
        text = "; ".join(lines[:2]) + ("; ..." if len(lines) > 2 else "")
        return text if len(text) <= 200 else text[:199] + "…"


def _pragma(conn: sqlite3.Connection, sql: str) -> list[str]:
    rows = [str(r[0]) for r in conn.execute(sql).fetchall()]
    return [] if rows == ["ok"] else rows


def _run(conn: sqlite3.Connection, kind: str, steps: list[str]) -> Check:
    start = time.perf_counter()
    problems: list[str] = []
    try:
        for sql in steps:
            problems += _pragma(conn, sql)
            if problems:
                break
    except cipher.DatabaseError as exc:  # "database disk image is malformed" before any answer
        problems.append(str(exc))
    return Check(not problems, kind, problems, time.perf_counter() - start)


def _file_bytes(path: Path | None) -> int:
    if path is None:
        return 0
    total = 0
    for p in (path, path.with_name(path.name + "-wal")):
        try:
            total += p.stat().st_size
        except OSError:
            pass
    return total


def quick(conn: sqlite3.Connection, path: Path | None = None, *, budget: int = OPEN_FULL_BYTES) -> Check:
    """The check on open: the whole ``quick_check`` for a file up to ``budget`` bytes; else every
    table that does not grow with the people seen (with its indexes) and the newest ``TAIL_ROWS`` rows of
    the log and the visits read through."""
    if path is None:
        try:
            name = conn.execute("PRAGMA database_list").fetchone()[2]
            path = Path(name) if name else None
        except cipher.DatabaseError:
            path = None
    if _file_bytes(path) <= budget:
        return _run(conn, "quick", ["PRAGMA quick_check"])
    start = time.perf_counter()
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    except cipher.DatabaseError as exc:
        return Check(False, "partial", [str(exc)], time.perf_counter() - start)
    steps = [f"PRAGMA quick_check('{t}')" for t in tables if t not in BIG_TABLES and "'" not in t]
    check = _run(conn, "partial", steps)
    for table in TAILS:
        if not check.ok or table not in tables:
            continue
        try:  # the pages written last (the log grows at its end): every column of the newest rows read
            conn.execute(f"SELECT * FROM {table} ORDER BY rowid DESC LIMIT {TAIL_ROWS}").fetchall()
        except cipher.DatabaseError as exc:
            check = Check(False, "partial", [str(exc)])
    check.seconds = time.perf_counter() - start
    return check


def full(conn: sqlite3.Connection) -> Check:
    """``PRAGMA integrity_check``: every page, every index entry against its row (day close, backups)."""
    return _run(conn, "full", ["PRAGMA integrity_check"])


def require_sound(conn: sqlite3.Connection, path: Path | str | None, check: Check | None = None) -> Check:
    """Raise ``db_damaged`` unless the full check passes (day close, before a backup)."""
    check = check or full(conn)
    if not check.ok:
        raise DomainError("db_damaged", path=str(path or "-"), detail=check.detail)
    return check


# --- storage errors --------------------------------------------------------------------------------

_FULL = ("database or disk is full", "no space left")
_READONLY = ("readonly database", "read-only", "read only", "unable to open database", "permission denied")
_BUSY = ("database is locked", "database is busy", "database table is locked")
_DAMAGED = ("malformed", "file is not a database", "disk image", "corrupt")


def _no_space(path: Path | None) -> bool:
    if path is None:
        return False
    try:
        return shutil.disk_usage(path.parent if path.suffix else path).free < LOW_SPACE_BYTES
    except OSError:
        return False


def _read_only(path: Path | None) -> bool:
    if path is None:
        return False
    folder = path.parent
    try:
        if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            return True
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def storage_error(exc: BaseException, path: Path | str | None = None) -> DomainError:
    """What went wrong with the station's file, as a message code staff can act on."""
    path = Path(path) if path not in (None, ":memory:") else None
    where = str(path) if path is not None else "-"
    text = str(exc).lower()
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return DomainError("disk_full", path=where)
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return DomainError("db_readonly", path=where)
        return DomainError("db_io_error", path=where, detail=str(exc))
    if any(s in text for s in _FULL):
        return DomainError("disk_full", path=where)
    if any(s in text for s in _BUSY):
        return DomainError("db_locked", path=where)
    if any(s in text for s in _DAMAGED):
        return DomainError("db_damaged", path=where, detail=str(exc))
    if "disk i/o error" in text or "unable to open" in text or "readonly" in text:
        # SQLite says "disk I/O error" for a write the disk refused: say which refusal it was
        if _no_space(path):
            return DomainError("disk_full", path=where)
        if _read_only(path) or any(s in text for s in _READONLY):
            return DomainError("db_readonly", path=where)
        return DomainError("db_io_error", path=where, detail=str(exc))
    if any(s in text for s in _READONLY):
        return DomainError("db_readonly", path=where)
    return DomainError("db_error", detail=str(exc))


def is_storage_error(exc: BaseException) -> bool:
    """An error of the storage (not a constraint the domain broke): the ones ``storage_error`` names."""
    if isinstance(exc, (*cipher.IntegrityError, *cipher.ProgrammingError, *cipher.InterfaceError)):
        return False
    if isinstance(exc, cipher.DatabaseError):
        return True
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES,
                                                      errno.EIO)


# --- the station's own high-water mark, beside the database ----------------------------------------
# A WAL cut short (a copy that left ``-wal`` behind or took half of it, a disk repair) loses the last
# commits without a word: SQLite reads the log up to its last whole frame. The station keeps its own
# newest seq in a small file beside the database (``station.sqlite3.mark``), written after each of its
# commits; a database whose own events end before that mark has lost records. Appending then would
# give those seqs again to other events (which the hub refuses for ever): appends are refused
# (``db_events_lost``) until the missing events are back (a sync pulls this station's own events from
# the hub) or a backup is restored (station restore: the mark starts again from the restored file).

MARK_SUFFIX = ".mark"


def mark_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + MARK_SUFFIX)


def read_mark(db_path: Path) -> tuple[str, int] | None:
    """(origin, seq) from the mark file; None when absent or unreadable (an older station, a copy)."""
    try:
        origin, seq = mark_path(db_path).read_text(encoding="ascii").split()[:2]
        return origin, int(seq)
    except (OSError, ValueError):
        return None


def write_mark(db_path: Path, origin: str, seq: int) -> None:
    """Raise the mark to ``seq`` (never lower it: two programs on one station each write theirs)."""
    held = read_mark(db_path)
    if held and held[0] == origin and held[1] >= seq:
        return
    _put_mark(db_path, origin, seq)


def _put_mark(db_path: Path, origin: str, seq: int) -> None:
    path = mark_path(db_path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            line = f"{origin} {seq}\n".ljust(64).encode("ascii")  # one small write in place: never torn
            os.pwrite(fd, line, 0)
        finally:
            os.close(fd)
    except OSError:
        pass  # a full disk: the database refuses the next commit by itself


def reset_mark(db_path: Path) -> None:
    """Forget the mark (a backup restored: its own events are what it holds now)."""
    mark_path(db_path).unlink(missing_ok=True)


def own_seq(conn: sqlite3.Connection, origin: str) -> int:
    return int(conn.execute("SELECT coalesce(max(seq), 0) FROM events WHERE origin = ?", [origin]).fetchone()[0])


def lost_events(store: object) -> dict[str, int] | None:
    """``{"held": n, "mark": m, "missing": m - n}`` when this station's own events end before its mark."""
    path = getattr(store, "path", None)
    if path is None:
        return None
    mark = read_mark(Path(path))
    if mark is None or mark[0] != store.origin:  # type: ignore[attr-defined]
        return None
    held = own_seq(store.conn, store.origin)  # type: ignore[attr-defined]
    if held >= mark[1]:
        return None
    return {"held": held, "mark": mark[1], "missing": mark[1] - held}


def hub_holds(store: object, seq: int) -> bool:
    """The hub holds this station's events up to ``seq``: when that is past what the database holds
    (a WAL lost with its mark file, an older backup restored), raise the mark to it, so that no new
    event takes a seq the hub already holds for another (refused there for ever); the next pull
    brings them back and recording resumes. True when events were found missing."""
    path = getattr(store, "path", None)
    if path is None:
        return False
    held = own_seq(store.conn, store.origin)  # type: ignore[attr-defined]
    if seq <= held:
        return False
    write_mark(Path(path), store.origin, seq)  # type: ignore[attr-defined]
    return True


def watch(store: object) -> None:
    """Keep the mark after each commit of this station's own events, and refuse appends while its own
    events end before the mark (``db_events_lost``). Events are lost only before an open (a WAL cut
    while the program was not running it): checked at open, then again only while some are missing."""
    path = getattr(store, "path", None)
    if path is None:
        return
    path = Path(path)
    origin = store.origin  # type: ignore[attr-defined]
    state = {"lost": lost_events(store) is not None, "written": 0}
    if read_mark(path) is None:  # an older station: its mark starts now
        held = own_seq(store.conn, origin)  # type: ignore[attr-defined]
        if held:
            write_mark(path, origin, held)

    def after_commit(event: object) -> None:
        seq = event.seq  # type: ignore[attr-defined]
        if event.origin == store.origin and seq > state["written"]:  # type: ignore[attr-defined]
            _put_mark(path, event.origin, seq)  # type: ignore[attr-defined]
            state["written"] = seq

    def before_append() -> None:
        # the mark may have been raised since the open by another connection on this file (the sync
        # thread learning from the hub that it holds more of this station's events): read each time,
        # one 64-byte file and one indexed max(seq), a few tens of microseconds beside an append's fsync
        mark = read_mark(path)
        if not state["lost"] and (mark is None or mark[0] != origin or mark[1] <= state["written"]):
            return
        lost = lost_events(store)
        state["lost"] = lost is not None
        if lost:
            raise DomainError("db_events_lost", path=str(path), **lost)

    store.listeners.append(after_commit)  # type: ignore[attr-defined]
    store.before_append.append(before_append)  # type: ignore[attr-defined]
