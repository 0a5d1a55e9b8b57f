"""Backups of a station's database: SQLite's online backup API (never a file copy of a live database),
each copy checked, the last K kept, the results in a small JSON index beside them.

A backup reads one snapshot: the event count is taken in the same read transaction as the copy, so a
desk that keeps recording during the backup changes neither. The copy is written as ``*.part``,
checked (``PRAGMA quick_check``, the station's marker, its event count equal to the source's at that
moment), switched to a single-file journal (a USB stick carries one file) and only then renamed.

Where: the data folder's ``backups/`` and the ``backup_dir`` setting (a USB stick), or ``--to DIR``.
When: every ``backup_minutes`` while the window runs (ui/backup_panel.py), at day close
(``station.dayclose``), before a migration (``station.db``), and ``station backup``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sqlite3
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from station import cipher, private
from station.errors import DomainError

DB_NAME = "station.sqlite3"
FOLDER = "backups"
REPLACED = "replaced"
INDEX = "backups.json"
INDEX_KEEP = 200  # index entries kept (failures included)
log = logging.getLogger("station.backup")
_ROTATED = re.compile(r"^station-(\d{8}-\d{6})-(\d+)\.sqlite3$")  # periodic, manual, day close


@dataclass
class BackupResult:
    file: str
    folder: str
    at: str
    reason: str
    ok: bool
    error: str | None = None  # a message code (backup_* in resources/messages/backup.toml)
    detail: str = ""
    events: int | None = None  # in the copy
    source_events: int | None = None  # in the source, in the same snapshot
    quick_check: str | None = None
    bytes: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Verdict:
    ok: bool
    error: str | None = None
    facts: dict[str, Any] | None = None
    events: int | None = None
    key: str | None = field(default=None, repr=False)  # the passphrase that opened an encrypted backup


# --- the index -------------------------------------------------------------------------------------


def read_index(folder: Path) -> list[dict[str, Any]]:
    """The folder's recorded backups, oldest first (an unreadable index reads as empty)."""
    try:
        data = json.loads((folder / INDEX).read_text(encoding="utf-8"))
        return [e for e in data.get("backups", []) if isinstance(e, dict)]
    except (OSError, ValueError, AttributeError):
        return []


def _record(folder: Path, result: BackupResult) -> None:
    entries = read_index(folder) + [result.as_dict()]
    entries = entries[-INDEX_KEEP:]
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".backups-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"backups": entries}, fh, ensure_ascii=False, indent=1)
    os.replace(tmp, folder / INDEX)


def last_results(data_dir: Path, count: int = 10) -> list[dict[str, Any]]:
    """The newest results recorded in the data folder's index (every target's), newest first."""
    return list(reversed(read_index(data_dir / FOLDER)[-count:]))


# --- one backup ------------------------------------------------------------------------------------


def _name(folder: Path, at: datetime, prefix: str) -> Path:
    """``station-20261203-101500-042.sqlite3`` (milliseconds last): names sort in the order taken."""
    n = at.microsecond // 1000
    while True:
        path = folder / f"{prefix}-{at:%Y%m%d-%H%M%S}-{n:03d}.sqlite3"
        if not path.exists() and not path.with_name(path.name + ".part").exists():
            return path
        n += 1


def _folder_ready(folder: Path) -> bool:
    """Make the folder when its parent is there (a USB stick's drive); False when the stick is not."""
    if folder.is_dir():
        private.folder(folder)
        return True
    if not folder.parent.is_dir():
        return False
    try:
        private.folder(folder)
    except OSError:
        return False
    return True


def backup_connection(
    source: sqlite3.Connection,
    folder: Path,
    *,
    reason: str = "manual",
    keep: int | None = 10,
    prefix: str = "station",
    record: bool = True,
    check_source: bool = True,
) -> BackupResult:
    """Back ``source`` up into ``folder`` (a connection with no transaction open) and check the copy.

    The source is checked first (``PRAGMA integrity_check``): a damaged database is never copied, so
    it never takes the place of a sound backup (rotation only follows a good copy). An encrypted
    station's copy is encrypted with the same passphrase (SQLCipher's backup runs between two
    connections keyed alike); a plaintext station's copy is plaintext."""
    from station import integrity
    from station.db import APP_ID

    start = time.perf_counter()
    at = datetime.now().astimezone()
    result = BackupResult(file="", folder=str(folder), at=at.isoformat(timespec="seconds"), reason=reason,
                          ok=False)
    if not _folder_ready(folder):
        result.error, result.detail = "backup_folder_unavailable", str(folder)
        return result
    for stale in folder.glob("*.sqlite3.part"):  # a backup cut short (the laptop switched off at the wall)
        try:
            if time.time() - stale.stat().st_mtime > 600:
                stale.unlink()
        except OSError:
            pass
    final = _name(folder, at, prefix)
    part = final.with_name(final.name + ".part")
    result.file = str(final)
    copy = None
    try:
        if check_source:
            checked = integrity.full(source)
            if not checked.ok:
                result.error, result.detail = "backup_source_damaged", checked.detail
                raise _Refused
        source.execute("BEGIN")  # one read snapshot for the count and the copy
        try:
            result.source_events = source.execute("SELECT count(*) FROM events").fetchone()[0]
            copy = cipher.raw_connect(part, _source_key(source), isolation_level=None)
            private.file(part)  # people's records: the owner's only, on a USB stick too
            source.backup(copy)
        finally:
            source.execute("COMMIT")
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        result.quick_check = "; ".join(r[0] for r in copy.execute("PRAGMA quick_check").fetchall())
        result.events = copy.execute("SELECT count(*) FROM events").fetchone()[0]
        app_id = copy.execute("PRAGMA application_id").fetchone()[0]
        copy.close()
        copy = None
        if result.quick_check != "ok":
            result.error, result.detail = "backup_quick_check", result.quick_check
        elif app_id != APP_ID:
            result.error = "backup_not_station"
        elif result.events != result.source_events:
            result.error = "backup_count_differs"
        else:
            with open(part, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(part, final)
            result.ok = True
            result.bytes = final.stat().st_size
    except _Refused:
        pass
    except (*cipher.Error, OSError, DomainError) as exc:
        result.error, result.detail = "backup_failed", f"{type(exc).__name__}: {exc}"
    finally:
        if copy is not None:
            copy.close()
        if not result.ok:
            part.unlink(missing_ok=True)
    result.seconds = round(time.perf_counter() - start, 3)
    if result.ok and keep:
        rotate(folder, keep)
    if record:
        try:
            _record(folder, result)
        except OSError:
            pass
    return result


class _Refused(Exception):
    """The source failed its check: no copy is made."""


def _source_key(source: Any) -> str | None:
    """The passphrase this process unlocked ``source``'s file with (None: a plaintext station)."""
    if isinstance(source, sqlite3.Connection):
        return None
    for _seq, name, file in source.execute("PRAGMA database_list").fetchall():
        if name == "main" and file:
            return cipher.key_for(file)
    return None


def backup_file(path: Path, folder: Path, **kwargs: Any) -> BackupResult:
    """Back the station database at ``path`` up into ``folder`` (online: another process may be writing)."""
    source = cipher.raw_connect(path, cipher.driver_for(path), isolation_level=None, timeout=30)
    try:
        return backup_connection(source, folder, **kwargs)
    finally:
        source.close()


def _check_file(path: Path) -> str | None:
    """The full check of the station's database (read-only); the problems found, None when sound."""
    from station import integrity

    try:
        conn = cipher.raw_connect(f"file:{path}?mode=ro", cipher.driver_for(path), uri=True, timeout=30)
    except (*cipher.Error, DomainError) as exc:
        return str(exc)
    try:
        check = integrity.full(conn)
    finally:
        conn.close()
    return None if check.ok else check.detail


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete the oldest regular backups beyond ``keep`` (pre-upgrade copies are never deleted here)."""
    def order(p: Path) -> tuple[str, int]:
        m = _ROTATED.match(p.name)
        return (m.group(1), int(m.group(2))) if m else ("", 0)

    files = sorted((p for p in folder.iterdir() if _ROTATED.match(p.name)), key=order)
    gone = files[: max(0, len(files) - keep)]
    for p in gone:
        p.unlink(missing_ok=True)
    return gone


def targets(data_dir: Path, backup_dir: str = "", to: Path | None = None) -> list[Path]:
    if to is not None:
        return [Path(to)]
    out = [data_dir / FOLDER]
    if backup_dir.strip():
        out.append(Path(backup_dir.strip()).expanduser())
    return out


def backup_station(
    data_dir: Path,
    *,
    settings: Any = None,
    to: Path | None = None,
    reason: str = "manual",
    check_source: bool = True,
) -> list[BackupResult]:
    """Back the station in ``data_dir`` up to each target folder; each result is recorded in that
    folder's index and in the data folder's (which the admin page shows)."""
    if settings is None:
        from station.settings import Settings

        settings = Settings.load(data_dir)
    path = data_dir / DB_NAME
    if not path.is_file():
        raise DomainError("db_missing", path=str(path))
    results = []
    damage = _check_file(path) if check_source else None  # once for every target
    for folder in targets(data_dir, settings.backup_dir, to):
        if damage is not None:  # never a damaged copy: the sound backups there stay as they are
            result = BackupResult(file="", folder=str(folder), reason=reason, ok=False,
                                  at=datetime.now().astimezone().isoformat(timespec="seconds"),
                                  error="backup_source_damaged", detail=damage)
            if _folder_ready(folder):
                _record(folder, result)
        else:
            result = backup_file(path, folder, reason=reason, keep=settings.backup_keep, check_source=False)
        results.append(result)
        home = data_dir / FOLDER
        try:
            same = folder.resolve() == home.resolve()
        except OSError:
            same = False
        if not same:
            try:
                home.mkdir(parents=True, exist_ok=True)
                _record(home, result)
            except OSError:
                pass
    return results


def at_day_close(store: Any, *, checked: bool = False) -> list[BackupResult]:
    """The backup after a day is closed, to every target; a failure is recorded, never raised (the day
    is closed whatever the USB stick does)."""
    if getattr(store, "path", None) is None or getattr(store, "_depth", 0):
        return []  # in memory, or inside a caller's transaction (the closing is not committed yet)
    try:
        return backup_station(Path(store.path).parent, reason="day_close", check_source=not checked)
    except Exception:
        log.exception("backup at day close failed")
        return []


def due(data_dir: Path, minutes: int, now: float | None = None) -> bool:
    """A periodic backup is due: ``minutes`` since the last good one in the data folder (0: never)."""
    if minutes <= 0:
        return False
    good = [e for e in read_index(data_dir / FOLDER) if e.get("ok")]
    if not good:
        return True
    try:
        last = datetime.fromisoformat(good[-1]["at"]).timestamp()
    except (KeyError, ValueError):
        return True
    return (now if now is not None else time.time()) - last >= minutes * 60


# --- checking and restoring ------------------------------------------------------------------------


def _backup_key(path: Path, key: str | None) -> str | None:
    """The passphrase of an encrypted backup: ``key``, else one this process holds that opens it."""
    if not cipher.is_encrypted(path):
        return None
    if not cipher.available():
        raise DomainError("db_encrypted_no_cipher", path=str(path))
    candidates = [key] if key else cipher.known_keys()
    if not candidates:
        raise DomainError("backup_encrypted", path=str(path))
    for candidate in candidates:
        try:
            cipher.check_passphrase(path, candidate)
            return candidate
        except DomainError:
            continue
    raise DomainError("db_wrong_passphrase", path=str(path))


def verify(path: Path, key: str | None = None) -> Verdict:
    """Whether ``path`` is a sound station backup: a SQLite file passing quick_check, marked as a
    station database, from this release or an older one, holding the events its index recorded.
    An encrypted backup is opened with ``key`` or a passphrase this process holds."""
    from station import db as dbmod

    path = Path(path)
    if not path.is_file():
        return Verdict(False, "backup_missing", {"path": str(path)})
    try:
        key = _backup_key(path, key)
    except DomainError as exc:
        return Verdict(False, exc.code, dict(exc.facts))
    try:
        conn = cipher.raw_connect(f"file:{path}?mode=ro", key, uri=True)
        try:
            check = "; ".join(r[0] for r in conn.execute("PRAGMA quick_check").fetchall())
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            events = conn.execute("SELECT count(*) FROM events").fetchone()[0] if "events" in tables else None
            applied = (
                {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
                                            [dbmod.MIGRATION_SET])}
                if "_sqlite_migrations" in tables
                else set()
            )
        finally:
            conn.close()
    except cipher.Error as exc:
        return Verdict(False, "backup_not_sqlite", {"path": str(path), "detail": str(exc)})
    if check != "ok":
        return Verdict(False, "backup_quick_check", {"path": str(path), "detail": check[:200]})
    if app_id != dbmod.APP_ID or events is None:
        return Verdict(False, "backup_not_station", {"path": str(path)})
    newer = sorted(applied - {m.name for m in dbmod.migrations._migrations})
    if newer:
        return Verdict(False, "db_too_new", {"path": str(path), "migration": newer[-1]})
    recorded = next((e for e in reversed(read_index(path.parent)) if Path(e.get("file", "")).name == path.name),
                    None)
    if recorded and recorded.get("ok") and recorded.get("events") not in (None, events):
        return Verdict(
            False, "backup_count_differs", {"path": str(path), "events": events, "recorded": recorded["events"]}
        )
    return Verdict(True, None, {"path": str(path), "events": events}, events, key)


def set_aside(target: Path, prefix: str, sides: tuple[str, ...] = ("-wal", "-shm")) -> Path | None:
    """Move the database ``target`` (with its side files ``sides``) into ``replaced/`` beside it, byte
    for byte, never deleting it; where it went, or None when there was none."""
    if not target.exists():
        return None
    aside = target.parent / REPLACED
    aside.mkdir(parents=True, exist_ok=True)
    moved = _name(aside, datetime.now().astimezone(), prefix)
    for suffix in sides:
        side = target.with_name(target.name + suffix)
        if side.exists():
            shutil.move(str(side), str(moved) + suffix)
    shutil.move(str(target), str(moved))
    return moved


def restore(data_dir: Path, file: Path, key: str | None = None) -> dict[str, Any]:
    """Put the backup ``file`` in place of the station's database (the window must be closed).

    An unsound backup is refused with its reason and nothing changes; the database replaced is moved
    into ``replaced/`` (with its WAL), never deleted."""
    verdict = verify(file, key)
    if not verdict.ok:
        raise DomainError(verdict.error or "backup_unsound", **(verdict.facts or {}))
    target = data_dir / DB_NAME
    moved = None
    if target.exists():
        try:  # fold the WAL into the file, so the copy set aside is whole by itself
            conn = cipher.raw_connect(target, cipher.driver_for(target), timeout=10)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
        except (*cipher.Error, DomainError):
            pass  # a damaged database: set aside as it is, with its -wal and -shm
        moved = set_aside(target, "station-replaced")
    part = target.with_name(target.name + ".restoring")
    src = cipher.raw_connect(f"file:{Path(file).resolve()}?mode=ro", verdict.key, uri=True)
    dst = cipher.raw_connect(part, verdict.key, isolation_level=None)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
    finally:
        dst.close()
        src.close()
    os.replace(part, target)
    if verdict.key:  # the station is now the backup's: encrypted with its passphrase
        cipher.unlock(target, verdict.key)
    else:
        cipher.lock(target)
    from station import integrity

    integrity.reset_mark(target)  # its own events are what the backup holds now
    return {"restored": str(file), "events": verdict.events, "replaced": str(moved) if moved else None,
            "path": str(target)}
