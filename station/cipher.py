"""Encryption at rest (#13): a station's database encrypted with SQLCipher when the site turns it on.

SQLCipher (the ``sqlcipher3`` package, which ships SQLCipher 4 built in) encrypts every page of the
database file, its WAL and its backups with AES-256; the key is derived from a passphrase (PBKDF2,
256,000 rounds, a random salt in the file). The passphrase comes from the person at the laptop (the
window asks before the login; the terminal asks, or a script sets ``STATION_PASSPHRASE``) or from
the operating system's keyring (``keyring``: a staff laptop whose login holds it).

Once a station is unlocked in a process, its passphrase is kept here, in memory, for that database
file (``unlock``): every connection the program opens on it (the desks' worker threads, the WAL
checkpointer, the backups) is keyed the same way without the passphrase being handed around.
Nothing is ever written to disk but the encrypted file.

``station encrypt`` turns an existing plaintext station into an encrypted one (``sqlcipher_export``
into a new file, checked, swapped in atomically); ``station decrypt`` is the reverse.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from station.errors import DomainError

PLAIN_HEADER = b"SQLite format 3\x00"
ENV = "STATION_PASSPHRASE"  # for scripts; a person types it (see docs/security.md)
KEYRING_SERVICE = "vaccination-station"
MIN_LENGTH = 8
NO_KEY = ""  # open with SQLCipher's module but no key: a plaintext connection that can ATTACH ... KEY

try:  # SQLCipher 4 built into the wheel (Linux, Windows, macOS)
    from sqlcipher3 import dbapi2 as _sqlcipher
except ImportError:  # a program installed without it reads plaintext stations only
    _sqlcipher = None



def _either(name: str) -> tuple[type[Exception], ...]:
    """The exception class ``name`` of either driver (sqlcipher3's are its own classes, not sqlite3's)."""
    return (getattr(sqlite3, name),) + ((getattr(_sqlcipher, name),) if _sqlcipher else ())


Error = _either("Error")
DatabaseError = _either("DatabaseError")
OperationalError = _either("OperationalError")
IntegrityError = _either("IntegrityError")
ProgrammingError = _either("ProgrammingError")
InterfaceError = _either("InterfaceError")

_keys: dict[str, str] = {}  # resolved database path -> passphrase, for this process only


class CipherError(DomainError):
    pass


def available() -> bool:
    """Whether this program can open encrypted stations (``sqlcipher3`` installed)."""
    return _sqlcipher is not None


def version() -> str | None:
    """SQLCipher's version (e.g. ``4.6.1 community``), None without it."""
    if _sqlcipher is None:
        return None
    conn = _sqlcipher.connect(":memory:")
    try:
        row = conn.execute("PRAGMA cipher_version").fetchone()
        return row[0] if row else None
    finally:
        conn.close()


def _name(path: Path | str) -> str:
    return str(Path(path).resolve())


def is_encrypted(path: Path | str) -> bool:
    """The file is there, not empty, and does not start with SQLite's plaintext header (an encrypted
    file starts with its random salt)."""
    if str(path) == ":memory:":
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    # a header wiped to zeros is damage, not a salt (SQLCipher's salt is random)
    return len(head) == 16 and head != PLAIN_HEADER and head != bytes(16)


# --- the keys held by this process ------------------------------------------------------------------


def unlock(path: Path | str, passphrase: str) -> None:
    """Remember ``passphrase`` for the database at ``path`` in this process (after it was checked)."""
    _keys[_name(path)] = passphrase


def lock(path: Path | str) -> None:
    _keys.pop(_name(path), None)


def key_for(path: Path | str) -> str | None:
    """The passphrase this process holds for ``path`` (None: none; open as plaintext)."""
    if str(path) == ":memory:":
        return None
    return _keys.get(_name(path))


def known_keys() -> list[str]:
    """Every passphrase unlocked in this process (a backup on a USB stick is tried with them)."""
    return list(dict.fromkeys(_keys.values()))


# --- connections ----------------------------------------------------------------------------------


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def raw_connect(path: Path | str, key: str | None = None, **kwargs: Any) -> Any:
    """A DB-API connection on ``path``: sqlite3 when ``key`` is None, else SQLCipher keyed with it
    (``NO_KEY``: SQLCipher without a key). The key is checked: a wrong one raises
    ``CipherError('db_wrong_passphrase')``, never SQLite's "file is not a database"."""
    if key is None:
        return sqlite3.connect(str(path), **kwargs)
    if _sqlcipher is None:
        raise CipherError("cipher_missing")
    conn = _sqlcipher.connect(str(path), **kwargs)
    conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our message, not lines on stderr
    if key != NO_KEY:
        conn.execute(f"PRAGMA key = {_quote(key)}")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except _sqlcipher.DatabaseError:
            conn.close()
            raise CipherError("db_wrong_passphrase", path=str(path)) from None
    return conn


def attach(conn: Any, path: Path | str, alias: str) -> None:
    """ATTACH the station at ``path`` to ``conn`` (keyed when this process holds its passphrase)."""
    key = key_for(path)
    if key is None:
        conn.execute(f"ATTACH DATABASE ? AS {alias}", [str(path)])
    else:
        conn.execute(f"ATTACH DATABASE ? AS {alias} KEY ?", [str(path), key])


def driver_for(path: Path | str) -> str | None:
    """The key to open ``path`` with, or a clear refusal: an encrypted file this process holds no
    passphrase for (or cannot read at all without SQLCipher)."""
    key = key_for(path)
    if key is None and is_encrypted(path):
        if _sqlcipher is None:
            raise CipherError("db_encrypted_no_cipher", path=str(path))
        raise CipherError("db_encrypted", path=str(path))
    return key


def check_passphrase(path: Path | str, passphrase: str) -> None:
    """Raise ``db_wrong_passphrase`` unless ``passphrase`` opens the encrypted file at ``path``."""
    raw_connect(path, passphrase).close()


def new_passphrase(passphrase: str, again: str | None = None) -> str:
    """A passphrase chosen for a station: long enough, typed the same twice."""
    if len(passphrase) < MIN_LENGTH:
        raise CipherError("cipher_passphrase_short", min=MIN_LENGTH)
    if again is not None and again != passphrase:
        raise CipherError("cipher_passphrase_mismatch")
    return passphrase


# --- the operating system's keyring (optional) ----------------------------------------------------


def _keyring() -> Any:
    try:
        import keyring
    except ImportError:
        return None
    return keyring


def keyring_get(path: Path | str) -> str | None:
    """The passphrase the OS keyring holds for this station's file, None if none (or no keyring)."""
    kr = _keyring()
    if kr is None:
        return None
    try:
        return kr.get_password(KEYRING_SERVICE, _name(path))
    except Exception:  # no backend on this machine (a server), a locked keyring: ask instead
        return None


def keyring_set(path: Path | str, passphrase: str) -> None:
    kr = _keyring()
    if kr is None:
        raise CipherError("cipher_keyring_missing")
    try:
        kr.set_password(KEYRING_SERVICE, _name(path), passphrase)
    except Exception as exc:
        raise CipherError("cipher_keyring_failed", detail=str(exc)) from None


def keyring_forget(path: Path | str) -> None:
    kr = _keyring()
    if kr is None:
        return
    try:
        kr.delete_password(KEYRING_SERVICE, _name(path))
    except Exception:
        pass


def unlock_from_keyring_or_env(path: Path | str, *, env: bool = True) -> bool:
    """Unlock ``path`` with the keyring's passphrase or ``STATION_PASSPHRASE``; True when it is open
    to this process now (or needs no key). A wrong stored passphrase raises ``db_wrong_passphrase``."""
    if not is_encrypted(path) or key_for(path) is not None:
        return True
    if _sqlcipher is None:
        raise CipherError("db_encrypted_no_cipher", path=str(path))
    for candidate in (os.environ.get(ENV) if env else None, keyring_get(path)):
        if candidate:
            check_passphrase(path, candidate)
            unlock(path, candidate)
            return True
    return False


# --- turning it on and off ------------------------------------------------------------------------


def _side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + s) for s in ("-wal", "-shm")]


def _quiet_source(path: Path, key: str | None) -> tuple[Any, int]:
    """A connection on the station with its WAL folded in and nobody else writing; its event count."""
    conn = raw_connect(path, key, isolation_level=None, timeout=5)
    try:
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy and busy[0]:
            raise CipherError("cipher_station_busy", path=str(path))
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    except Error as exc:
        conn.close()
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise CipherError("cipher_station_busy", path=str(path)) from None
        raise CipherError("db_not_station", path=str(path), detail=str(exc)) from None
    except BaseException:
        conn.close()
        raise
    return conn, events


def _convert(path: Path, old_key: str | None, new_key: str | None) -> dict[str, Any]:
    from station import db as dbmod
    from station import private

    path = Path(path)
    if _sqlcipher is None:
        raise CipherError("cipher_missing")
    if not path.is_file():
        raise CipherError("db_missing", path=str(path))
    source, events = _quiet_source(path, old_key)
    source.close()
    part = path.with_name(path.name + ".converting")
    for stale in [part, *_side_files(part)]:
        stale.unlink(missing_ok=True)
    # SQLCipher's module on the source (keyed or not), the new file attached with its own key
    conn = raw_connect(path, old_key if old_key is not None else NO_KEY, isolation_level=None)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute("ATTACH DATABASE ? AS target KEY ?", [str(part), new_key or ""])
        private.file(part)
        conn.execute("SELECT sqlcipher_export('target')")
        conn.execute(f"PRAGMA target.application_id = {int(app_id)}")
        conn.execute(f"PRAGMA target.user_version = {int(user_version)}")
        conn.execute("DETACH DATABASE target")
    except Error as exc:
        part.unlink(missing_ok=True)
        raise CipherError("cipher_convert_failed", detail=str(exc)) from None
    finally:
        conn.close()
    try:
        _check_copy(part, new_key, events, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    with open(part, "rb+") as fh:
        os.fsync(fh.fileno())
    for side in _side_files(path):  # empty after the TRUNCATE checkpoint; the old key's, not the new file's
        side.unlink(missing_ok=True)
    os.replace(part, path)  # atomic: the station is the old file or the new one, never half of each
    private.database(path)
    lock(path)
    if new_key:
        unlock(path, new_key)
    dbmod.connect(path, create=False).conn.close()  # opens as a station again (WAL back on)
    return {"path": str(path), "events": events, "encrypted": bool(new_key)}


def _check_copy(part: Path, key: str | None, events: int, original: Path) -> None:
    """The converted copy passes quick_check, holds every event, and its tables are what replaying
    its log gives (the rebuild check)."""
    from station import db as dbmod
    from station import rebuild
    from station.store import Store

    conn = raw_connect(part, key if key else None, isolation_level=None)
    try:
        check = "; ".join(r[0] for r in conn.execute("PRAGMA quick_check").fetchall())
        copied = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    finally:
        conn.close()
    if check != "ok" or copied != events or app_id != dbmod.APP_ID:
        raise CipherError("cipher_copy_differs", events=events, copied=copied, detail=check[:200])
    if key:
        unlock(part, key)
    try:
        store = Store(dbmod.connect(part, create=False), "check", path=part)
        try:
            report = rebuild.check(store)
        finally:
            store.close()
    finally:
        lock(part)
    if not report.ok:
        raise CipherError("cipher_copy_differs", events=events, copied=copied,
                          detail=", ".join(d.table for d in report.diffs))


def encrypt(path: Path | str, passphrase: str) -> dict[str, Any]:
    """Turn the plaintext station at ``path`` into an encrypted one (the window must be closed)."""
    path = Path(path)
    if is_encrypted(path):
        raise CipherError("cipher_already_encrypted", path=str(path))
    new_passphrase(passphrase)
    return _convert(path, None, passphrase)


def decrypt(path: Path | str, passphrase: str) -> dict[str, Any]:
    """Turn the encrypted station at ``path`` back into a plaintext file (the admin, with the passphrase)."""
    path = Path(path)
    if not is_encrypted(path):
        raise CipherError("cipher_not_encrypted", path=str(path))
    check_passphrase(path, passphrase)
    result = _convert(path, passphrase, None)
    keyring_forget(path)
    return result


def plaintext_copies(data_dir: Path) -> list[Path]:
    """Backups and set-aside databases in the data folder still in plaintext (from before encryption)."""
    out = []
    for folder in ("backups", "replaced"):
        base = Path(data_dir) / folder
        if base.is_dir():
            out += [p for p in sorted(base.glob("*.sqlite3")) if not is_encrypted(p)]
    return out
