"""Databases written by earlier releases open, upgrade and still hold the same records.

Each release adds its own file here (`station-<version>.sqlite3`, a small demo day written by that
version) and never changes an older one; a migration that cannot upgrade one of them fails here.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from station import backup, rebuild, signin
from station import db as dbmod
from station.cli import cli
from station.status import day_status, latest_day
from station.store import Store

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("station-*.sqlite3"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_an_old_database_opens_upgrades_and_replays(fixture, tmp_path):
    path = tmp_path / "station.sqlite3"
    shutil.copy(fixture, path)
    store = Store.open(path)
    try:
        assert dbmod.schema_version(store.db) == [m.name for m in dbmod.migrations._migrations]
        assert store.origin.startswith("fixture-")
        status = day_status(store, latest_day(store))  # the fixture's day, not today (#13)
        assert status["bookings"] == 40 and status["injected"] > 0
        assert 0 < status["released"] <= status["injected"]
        assert rebuild.check(store).ok
    finally:
        store.close()


def test_there_is_a_fixture_of_the_first_release():
    assert any(p.name == "station-0.1.0.sqlite3" for p in FIXTURES)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_queue_numbers_given_before_desk_letters_are_desk_a(fixture, tmp_path):
    path = tmp_path / "station.sqlite3"
    shutil.copy(fixture, path)
    store = Store.open(path)
    try:
        numbered = store.all("SELECT * FROM visits WHERE queue_no IS NOT NULL")
        assert numbered and {v["queue_prefix"] for v in numbered} == {"A"}
        assert (
            store.scalar("SELECT count(*) FROM visits WHERE queue_no IS NULL AND queue_prefix IS NOT NULL")
            == 0
        )
        first = min(numbered, key=lambda v: (v["day"], v["queue_no"]))
        assert signin.queue_label(first) == f"A{first['queue_no']:03d}"
        if fixture.name == "station-0.1.0.sqlite3":  # written before the payload had a letter
            assert (
                store.scalar("""SELECT count(*) FROM events WHERE type = 'SignedIn'
                                   AND json_extract(payload, '$.queue_prefix') IS NOT NULL""")
                == 0
            )
        assert rebuild.check(store).ok
    finally:
        store.close()


# --- a backup before migrating; a newer release's database refused -----------------------------------

OLDEST = Path(__file__).parent / "fixtures" / "station-0.1.0.sqlite3"


def _migrations_in(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY name")]
    finally:
        conn.close()


def test_an_old_database_is_backed_up_before_it_is_migrated(tmp_path):
    path = tmp_path / "station.sqlite3"
    shutil.copy(OLDEST, path)
    old_events = sqlite3.connect(path).execute("SELECT count(*) FROM events").fetchone()[0]
    store = Store.open(path)
    store.close()
    [copy] = (tmp_path / "backups").glob("pre-upgrade-*.sqlite3")
    assert _migrations_in(copy) == ["0001_initial"]  # the database as it was, before any change
    verdict = backup.verify(copy)
    assert verdict.ok and verdict.events == old_events
    entry = backup.read_index(tmp_path / "backups")[-1]
    assert entry["reason"] == "before_migration" and entry["ok"]
    Store.open(path).close()  # up to date now: no second copy
    assert len(list((tmp_path / "backups").glob("*.sqlite3"))) == 1


def test_when_the_backup_before_migrating_fails_nothing_is_migrated(tmp_path, monkeypatch):
    path = tmp_path / "station.sqlite3"
    shutil.copy(OLDEST, path)
    failed = backup.BackupResult(file="", folder="x", at="", reason="before_migration", ok=False,
                                 error="backup_failed", detail="disk full")
    monkeypatch.setattr(backup, "backup_connection", lambda *a, **k: failed)
    with pytest.raises(dbmod.StationFileError) as refused:
        Store.open(path)
    assert refused.value.code == "db_backup_before_migration_failed"
    assert "disk full" in refused.value.message("en")
    assert _migrations_in(path) == ["0001_initial"]


def test_a_database_from_a_newer_release_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "station.sqlite3"
    Store.open(path, origin="future-1").close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('station', '0099_future', '')"
    )
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(dbmod.StationFileError) as refused:
        Store.open(path)
    assert refused.value.code == "db_too_new"
    assert "更新版本" in refused.value.message("zh") and "0099_future" in refused.value.message("zh")
    assert "newer version" in refused.value.message("en")
    assert path.read_bytes() == before and not (tmp_path / "backups").exists()
    result = CliRunner().invoke(cli, ["--data", str(tmp_path), "--lang", "en", "status"])
    assert result.exit_code == 2 and "newer version of the program (0099_future)" in result.output
