"""`station rebuild --check`: replaying the log gives the live tables; tampering is found and named."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import time
from pathlib import Path

import pytest

from station import db as dbmod
from station import demo, rebuild
from station.store import Store

from .conftest import DAY


@pytest.fixture(scope="module")
def small_day_file(tmp_path_factory) -> Path:
    """A small demo day stopped at 10:00, built once; each test gets its own copy."""
    path = tmp_path_factory.mktemp("small") / "station.sqlite3"
    s = Store.open(path, origin="rb-1")
    demo.load(s, DAY, bookings_total=120, until=time(10, 0))
    s.close()  # the last connection: the WAL is checkpointed into the file
    return path


@pytest.fixture
def small_day(small_day_file, tmp_path, clock) -> Store:
    path = tmp_path / "station.sqlite3"
    shutil.copyfile(small_day_file, path)
    s = Store.open(path, now=clock)
    yield s
    s.close()


def _live_counts(s: Store) -> dict[str, int]:
    return {t: s.scalar(f"SELECT count(*) FROM {t}") for t in dbmod.PROJECTED_TABLES}


def test_a_whole_small_day_rebuilds_identically(tmp_path, clock):
    s = Store.open(tmp_path / "station.sqlite3", origin="rb-2", now=clock)
    try:
        demo.load(s, DAY, bookings_total=120)
        report = rebuild.check(s)
        assert report.ok and report.diffs == []
        assert report.events == s.scalar("SELECT count(*) FROM events") > 120 * 5
        assert report.tables == _live_counts(s)
        assert report.tables["visits"] == 120 and report.tables["doses"] > 100
        assert report.events_per_second > 0
    finally:
        s.close()


def test_a_day_stopped_part_way_rebuilds_identically(small_day):
    states = {r["state"] for r in small_day.all("SELECT DISTINCT state FROM visits")}
    assert {"booked", "signed_in", "observing", "released"} <= states  # people left at several steps
    report = rebuild.check(small_day)
    assert report.ok, [(d.table, d.missing, d.extra) for d in report.diffs]
    assert report.tables == _live_counts(small_day)


def test_check_changes_nothing(small_day):
    before = {t: small_day.all(f"SELECT * FROM {t}") for t in (*dbmod.PROJECTED_TABLES, "events")}
    rebuild.check(small_day)
    assert {t: small_day.all(f"SELECT * FROM {t}") for t in before} == before


def _tamper_visit(s: Store) -> dict:
    visit_id = s.scalar("SELECT visit_id FROM visits WHERE state = 'observing' LIMIT 1")
    s.conn.execute("UPDATE visits SET state = 'released' WHERE visit_id = ?", [visit_id])
    return {"visits": (1, 1)}


def _tamper_dose(s: Store) -> dict:
    s.conn.execute(
        "DELETE FROM doses WHERE event_id = (SELECT max(event_id) FROM doses WHERE source = 'here')"
    )
    # the lot's and the vial's doses_used follow the doses table (triggers), so those rows differ too
    return {"doses": (1, 0), "lots": (1, 1), "vials": (1, 1)}


def _tamper_people(s: Store) -> dict:
    s.conn.execute(
        "INSERT INTO people (person_id, id_type, id_number, name) VALUES ('stray', 'passport', 'E1234567', '路人')"
    )
    return {"people": (0, 1)}


def _tamper_all(s: Store) -> dict:
    return {**_tamper_visit(s), **_tamper_dose(s), **_tamper_people(s)}


@pytest.mark.parametrize("tamper", [_tamper_visit, _tamper_dose, _tamper_people, _tamper_all])
def test_tampering_is_found_and_named(small_day, tamper):
    expected = tamper(small_day)
    report = rebuild.check(small_day)
    assert not report.ok
    found = {d.table: (d.missing, d.extra) for d in report.diffs}
    assert found == expected
    for d in report.diffs:
        assert d.examples and all(isinstance(r, dict) for r in d.examples)
    people = next((d for d in report.diffs if d.table == "people"), None)
    if people:
        assert any(r["person_id"] == "stray" for r in people.examples)


# --- the command ------------------------------------------------------------------------------


def _station(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    return subprocess.run(
        [sys.executable, "-m", "station.cli", "--data", str(data), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_cli_rebuild_check_ok_then_tampered(tmp_path, small_day_file):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(small_day_file, data / "station.sqlite3")

    out = _station(data, "--lang", "en", "rebuild", "--check")
    assert out.returncode == 0, out.stderr
    assert "Every table matches the log" in out.stdout
    assert "Replayed" in out.stdout

    out = _station(data, "rebuild", "--check")  # Chinese by default
    assert out.returncode == 0 and "全部表与记录一致" in out.stdout

    conn = sqlite3.connect(data / "station.sqlite3")
    conn.execute("UPDATE visits SET reason = 'edited by hand' WHERE rowid = 1")
    conn.execute("DELETE FROM doses WHERE rowid = (SELECT min(rowid) FROM doses)")
    conn.commit()
    conn.close()

    out = _station(data, "--lang", "en", "rebuild", "--check")
    assert out.returncode == 1, (out.stdout, out.stderr)
    assert "Table visits differs: 1 rows only in the replay, 1 rows only in the live table" in out.stdout
    assert "Table doses differs: 1 rows only in the replay, 0 rows only in the live table" in out.stdout
    assert "edited by hand" in out.stdout  # the example rows are shown
    assert "Every table matches" not in out.stdout
    assert "Traceback" not in out.stderr

    out = _station(data, "rebuild", "--check")
    assert out.returncode == 1 and "表 visits 不一致" in out.stdout


def test_cli_rebuild_without_a_database_creates_none(tmp_path):
    data = tmp_path / "empty"
    out = _station(data, "--lang", "en", "rebuild", "--check")
    assert out.returncode == 2
    assert "No station database" in out.stderr and "Traceback" not in out.stderr
    assert not (data / "station.sqlite3").exists()


def test_cli_rebuild_requires_check(tmp_path):
    out = _station(tmp_path, "rebuild")
    assert out.returncode == 2 and "--check" in out.stderr
