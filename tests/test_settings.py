"""A station is its folder: its settings live beside its database."""

from __future__ import annotations

import json
import logging
import shutil

import pytest

from station.settings import DESK_ROLES, FILE_NAME, SEATS_RANGE, SLIP_SIZES, Settings


def test_two_stations_on_one_machine_keep_their_own_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("STATION_CONFIG", str(tmp_path / "config"))
    monkeypatch.setenv("STATION_DATA", str(tmp_path / "default"))
    a, b = tmp_path / "a", tmp_path / "b"
    Settings(site_name="街道接种点", station_id="desk-a", desk_roles=["signin"]).save(a)
    Settings(site_name="街道接种点", station_id="desk-b", desk_roles=["prescreen"]).save(b)
    assert (a / FILE_NAME).exists() and (b / FILE_NAME).exists()
    assert Settings.load(a).station_id == "desk-a" and Settings.load(b).station_id == "desk-b"
    assert not (tmp_path / "config").exists()  # nothing written to the shared config folder
    # a copied folder is the same station
    shutil.copytree(a, tmp_path / "copy")
    assert Settings.load(tmp_path / "copy").station_id == "desk-a"
    # a new folder is a new station: set-up is asked for
    assert not Settings.load(tmp_path / "new").configured


def test_the_default_folder_adopts_the_settings_an_older_release_kept_in_the_config_folder(
    tmp_path, monkeypatch
):
    config, data = tmp_path / "config", tmp_path / "data"
    monkeypatch.setenv("STATION_CONFIG", str(config))
    monkeypatch.setenv("STATION_DATA", str(data))
    Settings(site_name="旧版", station_id="desk-old", desk_roles=["admin"]).save(config)
    adopted = Settings.load()
    assert adopted.station_id == "desk-old" and adopted.configured
    adopted.save()
    assert Settings.load(data).station_id == "desk-old"
    # another folder does not take the old laptop-wide file
    assert not Settings.load(tmp_path / "other").configured


# --- a settings file is outside input: the wrong shape loads as defaults, with a warning -----------

WRONG_SHAPES = [
    "[]",
    "null",
    '"text"',
    "5",
    '{"desk_roles": 5}',
    '{"desk_roles": [5, "signin", null]}',
    '{"seats": "many", "idle_lock_minutes": -3, "camera": ["0"], "health_hosts": {"a": 1}}',
    '{"slip_size": "a0", "queue_prefix": 7, "stock_margin_doses": true, "desk": 2}',
    '{"seats": 1e999}',
    "[" * 100_000 + "]" * 100_000,
    "{not json",
]


@pytest.mark.parametrize("text", WRONG_SHAPES, ids=range(len(WRONG_SHAPES)))
def test_a_settings_file_of_the_wrong_shape_loads_with_a_warning(tmp_path, caplog, text):
    (tmp_path / FILE_NAME).write_text(text, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="station.settings"):
        settings = Settings.load(tmp_path)
    assert settings.load_problems and caplog.records
    assert all(r in DESK_ROLES for r in settings.desk_roles)
    assert isinstance(settings.seats, int) and SEATS_RANGE[0] <= settings.seats <= SEATS_RANGE[1]
    assert settings.slip_size in SLIP_SIZES
    assert settings.camera is None or isinstance(settings.camera, str)
    settings.save(tmp_path)  # and what it saves loads cleanly
    assert Settings.load(tmp_path).load_problems == []


def test_a_wrong_field_is_fixed_and_the_others_kept(tmp_path):
    (tmp_path / FILE_NAME).write_text(
        json.dumps({"site_name": "街道", "desk_roles": ["signin", 5], "desk": 2, "seats": "x"}),
        encoding="utf-8",
    )
    s = Settings.load(tmp_path)
    assert (s.site_name, s.desk_roles, s.desk, s.seats) == ("街道", ["signin"], "2", Settings().seats)
    assert len(s.load_problems) == 3


@pytest.mark.parametrize("text", ["[]", '{"desk_roles": 5}'])
def test_station_commands_start_with_a_settings_file_of_the_wrong_shape(tmp_path, text):
    """`station slip` read settings.json and stopped with a traceback on these."""
    from tests.test_cli import run

    assert run("init", data=tmp_path).returncode == 0
    (tmp_path / FILE_NAME).write_text(text, encoding="utf-8")
    out = run("--lang", "en", "slip", "A1", "--out", str(tmp_path / "s.pdf"), data=tmp_path)
    assert "Traceback" not in out.stderr and out.returncode == 2, out.stderr
    assert "No such visit" in out.stderr
