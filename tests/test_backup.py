"""Backups: online (the desk may be recording), checked, rotated, recorded; restore refuses an unsound one
and keeps the database it replaces."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from station import backup, bookings, rebuild
from station.cli import cli
from station.errors import DomainError
from station.settings import Settings
from station.store import Store
from tests.conftest import DAY, new_person

pytestmark = pytest.mark.usefixtures("fast_pins")


def _events(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        conn.close()


def _book(store: Store, n: int = 1) -> None:
    for _ in range(n):
        bookings.add_booking(store, new_person(), DAY, "08:00-08:30", staff_id="admin1")


def test_a_backup_is_checked_and_recorded(store, tmp_path):
    _book(store, 3)
    [result] = backup.backup_station(tmp_path, settings=Settings())
    assert result.ok, result
    path = Path(result.file)
    assert path.parent == tmp_path / "backups" and path.name.startswith("station-")
    assert result.quick_check == "ok" and result.events == result.source_events == _events(path)
    assert not path.with_name(path.name + "-wal").exists()  # one self-contained file
    index = json.loads((tmp_path / "backups" / "backups.json").read_text(encoding="utf-8"))["backups"]
    assert index[-1]["file"] == str(path) and index[-1]["ok"] and index[-1]["events"] == result.events
    assert backup.verify(path).ok
    assert backup.last_results(tmp_path)[0]["file"] == str(path)


def test_the_last_k_are_kept_in_order(store, tmp_path):
    files = []
    for _ in range(5):
        _book(store)
        [r] = backup.backup_station(tmp_path, settings=Settings(backup_keep=3))
        files.append(Path(r.file))
    kept = sorted(p for p in (tmp_path / "backups").glob("station-*.sqlite3"))
    assert set(kept) == set(files[-3:])  # the newest three, also within the same second ("-2", "-3")
    assert _events(files[-1]) == store.scalar("SELECT count(*) FROM events")


def test_the_second_folder_gets_a_copy_and_a_missing_stick_is_recorded(store, tmp_path):
    stick = tmp_path / "usb"
    stick.mkdir()
    results = backup.backup_station(tmp_path, settings=Settings(backup_dir=str(stick / "station-backups")))
    assert [r.ok for r in results] == [True, True]
    assert list((stick / "station-backups").glob("station-*.sqlite3"))
    assert backup.read_index(stick / "station-backups")[-1]["ok"]
    gone = tmp_path / "no-such-drive" / "backups"
    results = backup.backup_station(tmp_path, settings=Settings(backup_dir=str(gone)))
    assert results[0].ok and not results[1].ok and results[1].error == "backup_folder_unavailable"
    home = backup.last_results(tmp_path)
    assert home[0]["folder"] == str(gone) and not home[0]["ok"]


def test_a_backup_taken_while_the_window_records_is_sound_and_consistent(store, tmp_path, monkeypatch):
    _book(store, 200)
    writer = Store.open(store.path, now=store.now)  # the window: another connection, appending
    stop = threading.Event()
    written = []

    def record():
        while not stop.is_set():
            _book(writer)
            written.append(1)

    thread = threading.Thread(target=record)
    thread.start()
    try:
        while len(written) < 5:
            time.sleep(0.01)
        results = [backup.backup_file(store.path, tmp_path / "backups", reason="timer") for _ in range(3)]
        while len(written) < 15:
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join()
        writer.close()
    for r in results:
        assert r.ok, r
        assert r.events == r.source_events == _events(Path(r.file))
        copy = Store.open(r.file, create=False)
        try:
            assert rebuild.check(copy).ok  # whole events with their projections: one snapshot
            seqs = [s for (s,) in copy.conn.execute("SELECT seq FROM events WHERE origin = ? ORDER BY seq",
                                                     [copy.origin])]
            assert seqs == list(range(1, len(seqs) + 1))
        finally:
            copy.close()
    assert store.scalar("SELECT count(*) FROM events") > max(r.events for r in results)


def test_restore_puts_the_backup_back_and_keeps_the_replaced_database(store, tmp_path):
    _book(store, 2)
    [r] = backup.backup_station(tmp_path, settings=Settings())
    _book(store, 3)
    after = store.scalar("SELECT count(*) FROM events")
    store.close()
    done = backup.restore(tmp_path, Path(r.file))
    assert _events(tmp_path / "station.sqlite3") == r.events == done["events"]
    replaced = Path(done["replaced"])
    assert replaced.parent == tmp_path / "replaced" and _events(replaced) == after
    reopened = Store.open(tmp_path / "station.sqlite3", create=False)
    try:
        assert reopened.origin == "test-a" and rebuild.check(reopened).ok
    finally:
        reopened.close()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other_sqlite", "count"])
def test_restore_refuses_an_unsound_backup_and_changes_nothing(store, tmp_path, damage):
    _book(store, 2)
    [r] = backup.backup_station(tmp_path, settings=Settings())
    bad = Path(r.file)
    if damage == "garbage":
        bad.write_bytes(b"not a database at all" * 100)
    elif damage == "truncated":
        data = bad.read_bytes()
        bad.write_bytes(data[: len(data) // 2])
    elif damage == "other_sqlite":
        bad.unlink()
        conn = sqlite3.connect(bad)
        conn.execute("CREATE TABLE t (x)")
        conn.close()
    else:  # the copy holds other events than the index recorded for it
        conn = sqlite3.connect(bad)
        conn.execute("DELETE FROM events WHERE pos = (SELECT max(pos) FROM events)")
        conn.commit()
        conn.close()
    before = store.scalar("SELECT count(*) FROM events")
    with pytest.raises(DomainError) as refused:
        backup.restore(tmp_path, bad)
    # (garbage: not SQLite's header, so possibly an encrypted backup, #13; its message says both)
    assert refused.value.code in {"backup_not_sqlite", "backup_quick_check", "backup_not_station",
                                  "backup_count_differs", "backup_encrypted"}
    assert "{" not in refused.value.message("zh") and "{" not in refused.value.message("en")
    assert store.scalar("SELECT count(*) FROM events") == before
    assert not (tmp_path / "replaced").exists()


def test_the_backup_and_restore_commands(store, tmp_path):
    _book(store)
    store.close()
    runner = CliRunner()
    out = tmp_path / "stick"
    done = runner.invoke(cli, ["--data", str(tmp_path), "--lang", "en", "backup", "--to", str(out)])
    assert done.exit_code == 0, done.output
    assert "Backed up:" in done.output and "checked" in done.output
    [file] = out.glob("station-*.sqlite3")
    assert not list((tmp_path / "backups").glob("*.sqlite3"))  # --to: that folder only (its index notes it)
    done = runner.invoke(cli, ["--data", str(tmp_path), "restore", str(file)])
    assert done.exit_code == 0, done.output
    assert "已由" in done.output and "replaced" in done.output
    file.write_bytes(b"x" * 4096)
    refused = runner.invoke(cli, ["--data", str(tmp_path), "--lang", "en", "restore", str(file)])
    assert refused.exit_code == 2 and "Restore refused:" in refused.output


def test_a_day_close_backup_and_the_timer_s_due_check(store, tmp_path):
    assert backup.due(tmp_path, 30)
    [r] = backup.at_day_close(store)
    assert r.ok and r.reason == "day_close"
    assert not backup.due(tmp_path, 30)
    assert backup.due(tmp_path, 30, now=time.time() + 31 * 60)
    assert not backup.due(tmp_path, 0)


def test_backup_settings_are_checked(tmp_path):
    (tmp_path / "settings.json").write_text(
        json.dumps({"backup_minutes": -5, "backup_keep": 0, "backup_dir": "  /media/usb  "}), encoding="utf-8"
    )
    s = Settings.load(tmp_path)
    assert (s.backup_minutes, s.backup_keep, s.backup_dir) == (30, 10, "/media/usb")


def test_a_backup_cut_short_is_cleared_later(store, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    stale = folder / "station-20261203-080000-001.sqlite3.part"
    stale.write_bytes(b"half a copy")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    [r] = backup.backup_station(tmp_path, settings=Settings())
    assert r.ok and not stale.exists()
