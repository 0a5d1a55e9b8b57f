"""A station is its folder: its settings live beside its database."""

from __future__ import annotations

import shutil

from station.settings import FILE_NAME, Settings


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
