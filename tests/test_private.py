"""Personal data at rest is the owner's only (#13): the station's folder 0700, its database, WAL,
backups and written files 0600, also for a folder and a database made before the rule."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from station import backup, private
from station.store import Store

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
ROOT = Path(__file__).resolve().parent.parent


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_station_is_readable_by_its_owner_only(tmp_path):
    data = tmp_path / "site"
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    out = subprocess.run(
        [sys.executable, "-m", "station.cli", "--data", str(data), "init", "--station-id", "d1"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    store = Store.open(data / "station.sqlite3", create=False)
    try:
        store.conn.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")  # the WAL has pages now
        assert mode(data) == 0o700
        for name in ("station.sqlite3", "station.sqlite3-wal", "station.sqlite3-shm"):
            assert mode(data / name) == 0o600, name
    finally:
        store.close()


def test_a_station_made_before_the_rule_is_tightened_when_opened(tmp_path):
    data = tmp_path / "old"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    Store.open(data / "station.sqlite3", origin="d1").close()
    os.chmod(data, 0o755)
    os.chmod(data / "station.sqlite3", 0o644)
    Store.open(data / "station.sqlite3", create=False).close()
    assert (mode(data), mode(data / "station.sqlite3")) == (0o700, 0o600)


def test_backups_are_private_on_the_second_folder_too(tmp_path):
    store = Store.open(tmp_path / "site" / "station.sqlite3", origin="d1")
    stick = tmp_path / "usb"
    stick.mkdir(mode=0o755)
    try:
        result = backup.backup_connection(store.conn, stick / "backups", keep=3, record=False)
        assert result.ok, result
        assert mode(stick / "backups") == 0o700 and mode(Path(result.file)) == 0o600
    finally:
        store.close()


def test_another_users_or_a_tight_file_is_left_as_it_is(tmp_path):
    f = tmp_path / "f"
    f.write_text("x")
    os.chmod(f, 0o400)
    private.file(f)
    assert mode(f) == 0o400  # already tighter than the rule: not widened


def test_a_shared_folder_is_never_closed(tmp_path):
    """A station put straight into /tmp (or a home folder) must not take the folder from others."""
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)  # as /tmp
    Store.open(shared / "station.sqlite3", origin="d1").close()
    assert mode(shared) == 0o1777
    assert mode(shared / "station.sqlite3") == 0o600


def test_an_empty_database_file_is_an_error_not_a_new_station(tmp_path):
    """A zero-length station.sqlite3 used to become a new station with a new id, silently (#13)."""
    from station.db import StationFileError

    data = tmp_path / "site"
    data.mkdir()
    (data / "station.sqlite3").write_bytes(b"")
    with pytest.raises(StationFileError) as refused:
        Store.open(data / "station.sqlite3", origin="d1")
    assert refused.value.code == "db_empty"
    assert (data / "station.sqlite3").stat().st_size == 0  # nothing written into it
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    out = subprocess.run(
        [sys.executable, "-m", "station.cli", "--data", str(data), "status"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert out.returncode != 0 and "空的" in out.stderr and "Traceback" not in out.stderr
