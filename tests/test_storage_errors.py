"""Storage errors say what they are (#13): a full disk, a read-only folder, a lock held by another
program, each its own message code, no traceback, nothing recorded lost, recording resumes when space
returns. On a small real filesystem (tmpfs), through the real ``station`` command."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from station import db as dbmod
from station.errors import DomainError
from station.store import Store


def _can_mount() -> str | None:
    if os.geteuid() != 0:
        return "needs root to mount a small tmpfs (the CI's user is not root)"
    if not shutil.which("mount") or not shutil.which("umount"):
        return "no mount command"
    return None


SKIP = _can_mount()
needs_tmpfs = pytest.mark.skipif(SKIP is not None, reason=SKIP or "")


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "4m") -> Iterator[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def station(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "station.cli", "--lang", "en", "--data", str(data), *args],
                          capture_output=True, text=True, timeout=120)


def fill(folder: Path) -> Path:
    """Write a filler file until the disk says it is full."""
    filler = folder / "filler.bin"
    with filler.open("wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    with contextlib.suppress(OSError):
        filler.open("ab").write(b"\0" * 4096)
    return filler


def events(path: Path) -> list[tuple]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT origin, seq, id FROM events ORDER BY pos").fetchall()
    finally:
        conn.close()


@needs_tmpfs
def test_disk_full_refuses_then_recording_resumes(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        data = disk / "station"
        assert station(data, "init", "--station-id", "st-full").returncode == 0
        first = station(data, "staff", "add", "adm1", "--name", "Admin", "--role", "admin", "--pin", "246802")
        assert first.returncode == 0, first.stderr
        before = events(data / "station.sqlite3")
        filler = fill(disk)
        for n in range(3):
            done = station(data, "staff", "add", f"s{n}", "--name", "S", "--role", "signin", "--pin", "135791",
                           "--admin", "adm1", "--admin-pin", "246802")
            assert done.returncode == 2, (done.stdout, done.stderr)
            assert "disk is full" in done.stderr and "Traceback" not in done.stderr, done.stderr
        filler.unlink()
        assert events(data / "station.sqlite3") == before  # nothing recorded before is lost
        again = station(data, "staff", "add", "s9", "--name", "S", "--role", "signin", "--pin", "135791",
                        "--admin", "adm1", "--admin-pin", "246802")
        assert again.returncode == 0, again.stderr
        after = events(data / "station.sqlite3")
        assert after[: len(before)] == before and len(after) > len(before)


@needs_tmpfs
def test_init_on_a_full_disk_says_so_and_leaves_no_empty_file(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "1m") as disk:
        (disk / "station").mkdir()
        filler = fill(disk)
        done = station(disk / "station", "init")
        assert done.returncode == 2, (done.stdout, done.stderr)
        assert "disk is full" in done.stderr and "Traceback" not in done.stderr, done.stderr
        assert not (disk / "station" / "station.sqlite3").exists()  # not a "db_empty" station next time
        filler.unlink()
        assert station(disk / "station", "init").returncode == 0


@needs_tmpfs
def test_a_read_only_folder_is_not_called_damaged(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        data = disk / "station"
        assert station(data, "init").returncode == 0
        assert station(data, "staff", "add", "adm1", "--name", "A", "--role", "admin",
                       "--pin", "246802").returncode == 0
        before = events(data / "station.sqlite3")
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        assert station(data, "status").returncode == 0  # reading still works
        done = station(data, "staff", "add", "s1", "--name", "S", "--role", "signin", "--pin", "135791",
                       "--admin", "adm1", "--admin-pin", "246802")
        assert done.returncode == 2, (done.stdout, done.stderr)
        assert "read-only" in done.stderr and "damaged" not in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
        subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
        assert events(data / "station.sqlite3") == before


def test_a_lock_held_beyond_the_timeout_says_who_to_ask(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dbmod, "BUSY_SECONDS", 0.2)
    store = Store.open(tmp_path / "station.sqlite3")
    other = sqlite3.connect(tmp_path / "station.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program writing and not letting go
    try:
        with pytest.raises(DomainError) as info:
            store.append("Note", {})
        assert info.value.code == "db_locked" and "another program" in info.value.message("en")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.append("Note", {}).seq == 1
    store.close()
