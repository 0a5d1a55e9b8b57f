"""The end-of-day file at the district: keys registered at enrollment, `station-server import` on
SQLite and PostgreSQL (``store_url``), twice, after sync, and every refused file storing nothing."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from nacl.public import PrivateKey
from nacl.signing import SigningKey

from station import keys
from station.settings import Settings
from station.store import Store
from sync.client import engine
from sync.client.remote import SyncError
from sync.server import dayimport
from sync.server.store import open_store
from tests.conftest import DAY
from tests.domainkit import refused
from tests.syncbed import Site, assert_converged, materialize
from tests.test_export import (
    DAY2,
    edit_manifest,
    export,
    fingerprint_of,
    folder_of,
    fresh_day,
    fresh_day_two,
    laptop,
    members,
    resign,
    run_station,
    tamper_events,
    truncate,
)


def server(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    return subprocess.run(
        [sys.executable, "-c", "from sync.server import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def held(server_store) -> tuple[int, list[tuple]]:
    """What a refused file must leave as it was: the events held and the keys registered."""
    return server_store.stats()["events"], server_store.query("SELECT * FROM station_keys ORDER BY station")


def test_a_fresh_site_file_to_a_server_that_never_saw_it_twice(tmp_path, clock, server_store):
    a = laptop(tmp_path, clock, "desk-a")
    fresh_day(a, clock, people=2)
    data = export(a)
    with refused("export_untrusted", station="desk-a"):
        dayimport.import_file(server_store, data)
    assert held(server_store) == (0, [])
    first = dayimport.import_file(server_store, data, trust=fingerprint_of(a))
    n = len(a.events())
    assert (first.new, first.held, first.trusted, first.site) == (n, 0, "trusted", "site1")
    assert server_store.hwm(site="site1") == {"desk-a": n}
    (row,) = server_store.query("SELECT station, site, public_key, source FROM station_keys")
    assert row == ("desk-a", "site1", keys.public_b64(keys.station_key(folder_of(a))), "trusted")
    before = held(server_store)
    again = dayimport.import_file(server_store, data)  # the key is registered now
    assert (again.new, again.held, again.trusted) == (0, n, "known")
    assert held(server_store) == before
    view = materialize(server_store, tmp_path / "view.sqlite3")
    assert_converged(a, view)
    view.close()


def test_a_joined_station_is_known_by_its_key_and_a_file_after_sync_changes_nothing(
    tmp_path, clock, store_url
):
    site = Site(tmp_path, clock, hub_db=store_url)
    try:
        a = site.station("desk-a")
        Settings(site_name="site1").save(folder_of(a))
        (row,) = site.hub_store.query("SELECT station, site, public_key, source FROM station_keys")
        assert row == ("desk-a", "site1", keys.public_b64(keys.station_key(folder_of(a))), "join")
        fresh_day(a, clock)
        site.sync(a)
        before = held(site.hub_store)
        result = dayimport.import_file(site.hub_store, export(a))  # no --trust: registered at its join
        assert (result.new, result.held, result.trusted) == (0, len(a.events()), "known")
        assert held(site.hub_store) == before
        # the events of a day the hub never saw by sync, by file, then sync finds nothing to send
        clock.advance(days=1)
        fresh_day_two(a, clock)
        result = dayimport.import_file(site.hub_store, export(a, DAY2))
        assert result.new > 0
        assert engine.Syncer(a).push() == 0
    finally:
        site.close()


def test_a_join_with_another_key_for_a_registered_station_id_is_refused(tmp_path, clock):
    site = Site(tmp_path, clock)
    try:
        site.station("desk-a")
        impostor = Store.open(tmp_path / "elsewhere" / "station.sqlite3", origin="desk-a", now=clock)
        code = site.code()
        with pytest.raises(SyncError) as info:
            engine.join(impostor, site.url, code)
        assert info.value.code == "station_key_taken"
        assert engine.load_link(impostor) is None
        # the code was not spent on it, and the first key stayed
        other = site.station("desk-b", join=False)
        engine.join(other, site.url, code)
        keys_held = dict(site.hub_store.query("SELECT station, public_key FROM station_keys"))
        assert keys_held["desk-a"] == keys.public_b64(keys.station_key(folder_of(site.stations["desk-a"])))
        # the same laptop joining again (a new code) keeps its key and is welcome
        engine.join(site.stations["desk-a"], site.url, site.code())
        impostor.close()
    finally:
        site.close()


@pytest.fixture
def registered(tmp_path, clock, server_store):
    """desk-a's first day imported at the server (its key registered); its second day not yet."""
    a = laptop(tmp_path, clock, "desk-a")
    fresh_day(a, clock)
    dayimport.import_file(server_store, export(a), trust=fingerprint_of(a))
    clock.advance(days=1)
    fresh_day_two(a, clock)
    yield a, server_store, export(a, DAY2)
    a.close()


CASES = {
    "tampered byte in events": (tamper_events, "export_tampered"),
    "edited manifest": (edit_manifest, "export_bad_signature"),
    "truncated": (truncate, "export_damaged"),
    "re-signed by another key": (
        lambda d: resign(members(d), SigningKey.generate()),
        "export_signer_changed",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_refused_file_stores_nothing_at_the_server(registered, case):
    a, server_store, good = registered
    spoil, code = CASES[case]
    before = held(server_store)
    with refused(code):
        dayimport.import_file(server_store, spoil(good), trust=fingerprint_of(a))
    assert held(server_store) == before
    assert dayimport.import_file(server_store, good).new > 0


def test_a_file_of_another_site_is_refused_at_the_server(tmp_path, clock, registered):
    a, server_store, good = registered
    before = held(server_store)
    # desk-a is registered in site1: its file saying site2 is refused
    with refused("export_wrong_site", site="site2", here="site1"):
        dayimport.import_file(server_store, export(a, DAY2, site="site2"))
    # a new station of site2 whose file carries site1's origin: bound to another site
    x = laptop(tmp_path, clock, "desk-x", site="site2")
    x.ingest(a.events())
    with refused("export_origin_other_site", origin="desk-a", bound="site1"):
        dayimport.import_file(server_store, export(x, None), trust=fingerprint_of(x))
    assert held(server_store) == before
    x.close()


def test_a_missing_earlier_day_is_named_at_the_server(tmp_path, clock, server_store):
    a = laptop(tmp_path, clock, "desk-a")
    fresh_day(a, clock)
    day1 = a.scalar("SELECT max(seq) FROM events")
    clock.advance(days=1)
    fresh_day_two(a, clock)
    fp = fingerprint_of(a)
    with refused("export_gap", origin="desk-a", held=0, first=day1 + 1, before=DAY.isoformat()):
        dayimport.import_file(server_store, export(a, DAY2), trust=fp)
    assert held(server_store) == (0, [])
    assert dayimport.import_file(server_store, export(a, None), trust=fp).new == len(a.events())
    assert dayimport.import_file(server_store, export(a, DAY2)).new == 0


def test_sealed_files_at_the_server(tmp_path, clock, server_store):
    a = laptop(tmp_path, clock, "desk-a")
    fresh_day(a, clock)
    district = PrivateKey.generate()
    sealed = export(a, seal_to=base64.b64encode(bytes(district.public_key)).decode())
    fp = fingerprint_of(a)
    with refused("export_sealed_no_key"):
        dayimport.import_file(server_store, sealed, trust=fp)
    with refused("export_sealed_other_key"):
        dayimport.import_file(server_store, sealed, district_key=PrivateKey.generate(), trust=fp)
    assert held(server_store) == (0, [])
    result = dayimport.import_file(server_store, sealed, district_key=district, trust=fp)
    assert result.new == len(a.events())


def test_the_demo_day_through_the_commands_to_a_server(tmp_path, store_url):
    """`station demo`, `station export`, `station-server district-key` and `import`, as typed."""
    data = tmp_path / "demo"
    assert run_station("init", "--station-id", "desk-demo", data=data).returncode == 0
    assert run_station("demo", "--day", DAY.isoformat(), data=data).returncode == 0
    key_file = tmp_path / "district.key"
    made = server("district-key", "--out", str(key_file))
    assert made.returncode == 0, made.stderr
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    public = next(line for line in made.stdout.splitlines() if line.endswith("="))
    assert server("district-key", "--out", str(key_file)).returncode == 2  # never over an existing key
    settings = Settings.load(data)
    settings.district_public_key = public
    settings.save(data)
    file = tmp_path / "demo.vaxday"
    out = run_station("export", "--day", DAY.isoformat(), "--out", str(file), "--site", "街道一", data=data)
    assert out.returncode == 0, out.stderr
    fp = json.loads(run_station("key", "--json", data=data).stdout)["fingerprint"]
    out = server("import", str(file), "--db", store_url, "--trust", fp, "--lang", "en")
    assert out.returncode == 2 and "--key" in out.stderr and "Traceback" not in out.stderr
    out = server("import", str(file), "--db", store_url, "--key", str(key_file), "--trust", fp, "--json")
    assert out.returncode == 0, out.stderr
    first = json.loads(out.stdout)
    store = Store.open(data / "station.sqlite3")
    try:
        n = store.scalar("SELECT count(*) FROM events")
        assert first["ok"] and first["new"] == n and first["site"] == "街道一"
        out = server("import", str(file), "--db", store_url, "--key", str(key_file))
        assert out.returncode == 0 and "新增 0 条" in out.stdout and f"已有 {n} 条" in out.stdout
        server_store = open_store(store_url)
        try:
            view = materialize(server_store, tmp_path / "view.sqlite3")
            assert_converged(store, view)
            from station.status import day_status

            assert day_status(view, DAY) == day_status(store, DAY)
            view.close()
        finally:
            server_store.close()
    finally:
        store.close()
    spoiled = tmp_path / "spoiled.vaxday"
    spoiled.write_bytes(Path(file).read_bytes()[:-100])
    out = server("import", str(spoiled), "--db", store_url, "--key", str(key_file), "--json")
    assert out.returncode == 2 and json.loads(out.stdout.splitlines()[0])["error"] == "export_damaged"
    # the same day to another laptop of the site: a file without the seal (once: no server in it)
    if store_url.startswith("postgres"):
        return
    plain = tmp_path / "plain.vaxday"
    args = ("export", "--day", DAY.isoformat(), "--out", str(plain), "--no-seal", "--site", "街道一")
    assert run_station(*args, data=data).returncode == 0
    other = tmp_path / "other"
    assert run_station("init", "--station-id", "desk-other", data=other).returncode == 0
    Settings(site_name="街道一", station_id="desk-other", desk_roles=["admin"]).save(other)
    out = run_station("import-day", str(file), "--trust", fp, data=other, lang="en")
    assert out.returncode == 2 and "--no-seal" in out.stderr  # the sealed one is the district's
    out = run_station("import-day", str(plain), "--trust", fp, data=other, lang="en")
    assert out.returncode == 0 and f"{first['new']} new" in out.stdout, out.stderr
    a, b = Store.open(data / "station.sqlite3"), Store.open(other / "station.sqlite3")
    try:
        assert_converged(a, b)
    finally:
        a.close()
        b.close()


def test_a_join_with_a_malformed_key_is_a_bad_request_and_spends_no_code(tmp_path, clock):
    site = Site(tmp_path, clock)
    try:
        a = site.station("desk-a", join=False)
        code = site.code()
        with pytest.raises(SyncError) as info:
            engine.redeem(site.url, code, "desk-a", public_key="not-a-key")
        assert (info.value.code, info.value.status) == ("bad_request", 400)
        engine.join(a, site.url, code)
        assert site.hub_store.query("SELECT station, source FROM station_keys") == [("desk-a", "join")]
    finally:
        site.close()
