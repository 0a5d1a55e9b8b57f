"""Databases written by earlier releases open, upgrade and still hold the same records.

Each release adds its own file here (`station-<version>.sqlite3`, a small demo day written by that
version) and never changes an older one; a migration that cannot upgrade one of them fails here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from station import db as dbmod
from station import rebuild, signin
from station.status import day_status
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
        status = day_status(store)
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
