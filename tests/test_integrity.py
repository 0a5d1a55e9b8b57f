"""A damaged station file is never trusted (#13): refused on open before anything writes to it, found by
the full check at day close and before a backup, reported by ``rebuild --check`` as damage; a lost WAL
is noticed by the station's own mark. Real station files (a demo day, about 4,800 events), real
subprocesses."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from station import backup, demo, integrity
from station.errors import DomainError
from station.store import Store

DAY = date(2026, 11, 26)
SEEDS = range(6)


@pytest.fixture(scope="module")
def sound(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A station with a demo day (thousands of events), closed (its WAL folded in)."""
    data = tmp_path_factory.mktemp("sound")
    store = Store.open(data / "station.sqlite3", origin="st-demo")
    demo.load(store, DAY, seed=20210422)
    assert store.scalar("SELECT count(*) FROM events") > 3000
    store.close()
    return data / "station.sqlite3"


def damaged_copy(sound: Path, folder: Path, seed: int) -> Path:
    """The issue's damage: 4 KB of random bytes in the middle half of the file (table and index pages)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "station.sqlite3"
    shutil.copy(sound, path)
    rng = random.Random(seed)
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.seek(rng.randrange(size // 4, 3 * size // 4))
        fh.write(rng.randbytes(4096))
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def station(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "station.cli", "--lang", "en", "--data", str(data), *args],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_check_on_open_finds_random_damage(sound: Path, tmp_path: Path, seed: int) -> None:
    path = damaged_copy(sound, tmp_path, seed)
    conn = sqlite3.connect(path)
    try:
        check = integrity.quick(conn, path)
    finally:
        conn.close()
    assert not check.ok and check.kind == "quick" and check.detail


@pytest.mark.parametrize("seed", SEEDS)
def test_a_damaged_file_is_refused_and_never_written(sound: Path, tmp_path: Path, seed: int) -> None:
    path = damaged_copy(sound, tmp_path / "d", seed)
    before = sha(path)
    with pytest.raises(DomainError) as info:
        Store.open(path)
    assert info.value.code == "db_damaged"
    assert "restore" in info.value.message("en")
    assert sha(path) == before


@pytest.mark.parametrize("seed", [1, 3])
def test_the_cli_refuses_a_damaged_file_without_a_traceback(sound: Path, tmp_path: Path, seed: int) -> None:
    data = tmp_path / "d"
    path = damaged_copy(sound, data, seed)
    before = sha(path)
    for args in (["status"], ["staff", "add", "x1", "--name", "X", "--role", "signin", "--pin", "135790"],
                 ["rebuild", "--check"]):
        done = station(data, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "is damaged" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert sha(path) == before


def test_rebuild_check_reports_damage_found_on_the_way(sound: Path, tmp_path: Path) -> None:
    """A big file is checked in part on open: rebuild --check runs the full check before comparing."""
    path = damaged_copy(sound, tmp_path, 1)
    store = Store.open(tmp_path / "other.sqlite3")  # a sound store object, pointed at the damaged file
    store.close()
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    from sqlite_utils import Database

    from station import rebuild

    damaged = Store(Database(conn), "st-demo", path=path)
    with pytest.raises(DomainError) as info:
        rebuild.check(damaged)
    assert info.value.code == "db_damaged"
    conn.close()


def test_no_damaged_copy_replaces_a_sound_backup(sound: Path, tmp_path: Path) -> None:
    data = tmp_path / "d"
    data.mkdir()
    shutil.copy(sound, data / "station.sqlite3")
    good = backup.backup_station(data)
    assert all(r.ok for r in good)
    damaged_copy(sound, data, 3)
    results = backup.backup_station(data)
    assert [r.error for r in results] == ["backup_source_damaged"]
    kept = sorted((data / "backups").glob("station-*.sqlite3"))
    assert [str(p) for p in kept] == [good[0].file] and backup.verify(kept[0]).ok
    assert backup.last_results(data)[0]["error"] == "backup_source_damaged"


def test_the_day_is_not_closed_on_a_damaged_file(sound: Path, tmp_path: Path) -> None:
    from station import dayclose

    path = damaged_copy(sound, tmp_path, 3)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    from sqlite_utils import Database

    store = Store(Database(conn), "st-demo", path=path)
    before = sha(path)
    with pytest.raises(DomainError) as info:
        dayclose.close_offline(store, DAY, staff_id="admin1", export=None)
    assert info.value.code == "db_damaged"
    conn.close()
    assert sha(path) == before


def test_the_partial_check_on_open_of_a_big_file(sound: Path, tmp_path: Path) -> None:
    """Above the budget the check on open reads every table but the log, and the log's newest pages."""
    path = tmp_path / "station.sqlite3"
    shutil.copy(sound, path)
    conn = sqlite3.connect(path)
    try:
        check = integrity.quick(conn, path, budget=0)
        assert check.ok and check.kind == "partial"
    finally:
        conn.close()


# --- a WAL cut short -------------------------------------------------------------------------------

@pytest.mark.parametrize("wal", ["lost", "cut"])
def test_a_lost_wal_is_noticed_and_appends_wait_for_the_missing_events(tmp_path: Path, wal: str) -> None:
    from tests.conftest import add_staff

    live = tmp_path / "live"
    store = Store.open(live / "station.sqlite3", origin="st-a")
    store.conn.execute("PRAGMA wal_autocheckpoint=0")  # as the window runs: checkpoints on their own thread
    add_staff(store)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    held = store.scalar("SELECT max(seq) FROM events WHERE origin = 'st-a'")
    for n in range(5):
        store.append("Note", {"n": n})
    last = store.scalar("SELECT max(seq) FROM events WHERE origin = 'st-a'")
    assert integrity.read_mark(store.path) == ("st-a", last)
    # the folder copied as it is while the window runs, its -wal lost (a laptop's disk repaired, a copy)
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("station.sqlite3", "station.sqlite3.mark"):
        shutil.copy(live / name, copy / name)
    if wal == "cut":  # the WAL's header and first frames only: SQLite reads up to its last whole commit
        data = (live / "station.sqlite3-wal").read_bytes()
        (copy / "station.sqlite3-wal").write_bytes(data[: 32 + 2 * (4096 + 24) + 100])
    store.close()
    again = Store.open(copy / "station.sqlite3")
    try:
        now = again.scalar("SELECT max(seq) FROM events WHERE origin = 'st-a'")
        assert held <= now < last
        assert integrity.lost_events(again) == {"held": now, "mark": last, "missing": last - now}
        with pytest.raises(DomainError) as info:
            again.append("Note", {"n": 99})
        assert info.value.code == "db_events_lost"
        # the missing events come back (a pull from the hub): recording resumes
        source = Store.open(live / "station.sqlite3")
        missing = [e for e in source.events() if e.origin == "st-a" and e.seq > now]
        source.close()
        again.ingest(missing)
        assert again.append("Note", {"n": 100}).seq == last + 1
    finally:
        again.close()


def test_a_restored_backup_starts_its_mark_again(tmp_path: Path) -> None:
    data = tmp_path / "d"
    store = Store.open(data / "station.sqlite3", origin="st-b")
    store.append("Note", {"n": 1})
    store.close()
    [result] = backup.backup_station(data)
    store = Store.open(data / "station.sqlite3")
    store.append("Note", {"n": 2})
    store.close()
    backup.restore(data, Path(result.file))
    store = Store.open(data / "station.sqlite3")
    try:
        assert integrity.lost_events(store) is None
        assert store.append("Note", {"n": 3}).seq == 2
    finally:
        store.close()


def test_storage_errors_each_have_their_code(tmp_path: Path) -> None:
    path = tmp_path / "station.sqlite3"
    assert integrity.storage_error(sqlite3.OperationalError("database or disk is full"), path).code == "disk_full"
    assert integrity.storage_error(OSError(28, "No space left on device"), path).code == "disk_full"
    assert integrity.storage_error(
        sqlite3.OperationalError("attempt to write a readonly database"), path).code == "db_readonly"
    assert integrity.storage_error(sqlite3.OperationalError("database is locked"), path).code == "db_locked"
    assert integrity.storage_error(
        sqlite3.DatabaseError("database disk image is malformed"), path).code == "db_damaged"
    for code in ("db_damaged", "db_readonly", "db_locked", "db_io_error", "db_events_lost", "backup_source_damaged"):
        err = DomainError(code, path=str(path), detail="x", held=1, mark=2, missing=1)
        assert err.message("zh") != err.message("en") and "{" not in err.message("zh")


def test_the_mark_is_private_to_the_owner(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s" / "station.sqlite3")
    store.append("Note", {})
    store.close()
    assert os.stat(integrity.mark_path(tmp_path / "s" / "station.sqlite3")).st_mode & 0o077 == 0


def test_the_hub_holding_more_of_this_stations_events_stops_appends_until_the_pull(tmp_path: Path, clock) -> None:
    """An older backup restored (or a WAL lost with its mark file): the database ends before what the
    hub holds of this station. The first push asks the hub its mark, sees it, and raises the station's
    own mark: appends wait (``db_events_lost``) rather than give seqs the hub holds for other events;
    the pull brings them back, recording resumes, and hub and station agree event for event."""
    from station import signin
    from sync.client import engine
    from tests.conftest import add_staff, new_person, proven
    from tests.syncbed import Site

    site = Site(tmp_path, clock)
    try:
        desk = site.station("desk-r")
        add_staff(desk)
        data = desk.path.parent
        desk.close()
        [older] = backup.backup_station(data)
        desk = Store.open(data / "station.sqlite3", now=clock)
        site.stations["desk-r"] = desk
        signin.walk_in(desk, new_person(), staff_id=proven(desk, "sign1"))
        site.sync(desk)
        hub_mark = desk.scalar("SELECT max(seq) FROM events WHERE origin = 'desk-r'")
        desk.close()

        backup.restore(data, Path(older.file))  # the laptop put back to this morning's backup
        desk = Store.open(data / "station.sqlite3", now=clock)
        site.stations["desk-r"] = desk
        assert desk.scalar("SELECT max(seq) FROM events WHERE origin = 'desk-r'") < hub_mark

        worker = Store.open(data / "station.sqlite3", now=clock)  # the window's sync thread: its own connection
        syncer = engine.Syncer(worker)
        assert syncer.push() == 0
        with pytest.raises(DomainError) as info:
            signin.walk_in(desk, new_person(), staff_id=proven(desk, "sign1"))
        assert info.value.code == "db_events_lost"
        syncer.pull()  # its own events come back from the hub
        syncer.remote.close()
        worker.close()
        assert desk.scalar("SELECT max(seq) FROM events WHERE origin = 'desk-r'") == hub_mark
        signin.walk_in(desk, new_person(), staff_id=proven(desk, "sign1"))
        site.sync(desk)
        assert engine.status(desk)["rejected"] == []
        ours = [(e.seq, e.id) for e in desk.events() if e.origin == "desk-r"]
        held = [(e.seq, e.id) for _pos, e in site.hub_store.read(0, 10_000, site=None).events if e.origin == "desk-r"]
        assert ours == held and ours[-1][0] > hub_mark
    finally:
        site.close()
