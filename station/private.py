"""Personal data at rest is the owner's only: the station's folders 0700, its files 0600 (#13).

The records hold names, ID numbers and phones; a laptop is shared by its staff's accounts and by
whoever else logs in to it. SQLite creates its files with the process's umask (usually 0644) and
makes the WAL and shared-memory files with the database file's own mode, so the database is made
private as soon as it exists, before its WAL; folders and files made before this rule are tightened
when the station opens them. On Windows the mode bits mean little (the user profile's ACLs protect
the data folder there), so nothing is changed.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600
ACTIVE = os.name == "posix"


def folder(path: Path) -> Path:
    """Make ``path`` (and missing parents) a folder only its owner can enter; tighten it if it was
    made before. A folder of another user, or one that cannot be changed, is left as it is."""
    path.mkdir(parents=True, exist_ok=True)
    if _shared(path):
        return path  # /tmp, a home or the root: the station's files inside are private instead
    _tighten(path, FOLDER_MODE)
    return path


def _shared(path: Path) -> bool:
    """A folder that is not the station's own to close: sticky (/tmp), a home folder, a root."""
    try:
        resolved = path.resolve()
        sticky = bool(resolved.stat().st_mode & stat.S_ISVTX)
    except OSError:
        return True
    return sticky or resolved == resolved.parent or resolved == Path.home().resolve()


def file(path: Path) -> Path:
    """``path``, readable and writable by its owner only (when it exists and is ours)."""
    _tighten(path, FILE_MODE)
    return path


def database(path: Path) -> None:
    """The database file and its WAL and shared-memory files, owner only."""
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        _tighten(p, FILE_MODE)


def _tighten(path: Path, mode: int) -> None:
    if not ACTIVE:
        return
    try:
        st = path.stat()
    except OSError:
        return
    if st.st_uid != os.getuid() or stat.S_IMODE(st.st_mode) & 0o077 == 0:
        return
    try:
        os.chmod(path, stat.S_IMODE(st.st_mode) & mode)
    except OSError:
        pass  # a file system without modes (a FAT USB stick): nothing more to do
