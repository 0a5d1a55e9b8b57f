"""Reconciliation and closing the day, on real hubs, a real district, real station files.

"The district holds everything this laptop recorded" is checked from the rows each server holds (a
range deleted behind a server's back is found exactly), through a hub to its upstream (asked live;
when out of reach, only the forwarder's last acknowledgement, and not complete), and it decides
whether a day may be closed as synced.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from station import dayclose, signin
from station.errors import DomainError
from sync.client import engine
from sync.client.reconcile import BLOCK, describe, reconcile
from sync.client.remote import Remote
from sync.server.app import enroll
from sync.server.forward import Forwarder
from sync.server.serve import Server
from sync.server.store import open_store
from tests.conftest import DAY, PIN
from tests.syncbed import Site, first_morning

pytestmark = pytest.mark.usefixtures("fast_pins")


@pytest.fixture
def site(tmp_path, clock, store_url):
    s = Site(tmp_path, clock, hub_db=store_url)
    yield s
    s.close()


def run(*args: str, data: Path, lang: str = "en") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    cmd = [sys.executable, "-m", "station.cli", "--data", str(data), "--lang", lang, *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=180)


def own_range(store) -> list[int]:
    return [1, store.version_vector()[store.origin]]


def test_complete_after_a_sync_and_the_json_keys(site, tmp_path):
    admin = site.station("desk-admin")
    visits = first_morning(admin)
    other = site.station("desk-qd")
    site.sync(admin, other)
    signin.sign_in(other, visits[0], staff_id="sign1", desk="S1")
    site.sync(admin, other)

    result = reconcile(admin)
    assert result["complete"] is True
    assert result["missing"] == {}
    assert result["target"] == "server" and result["confirmed"] is True
    # both laptops' records, as held here, each checked
    assert set(result["local"]) == {"desk-admin", "desk-qd"}
    newest = admin.conn.execute("SELECT max(recorded_at) FROM events").fetchone()[0]
    assert result["held_until"] == newest

    # the command, from a terminal, in JSON: the keys, exit 0
    done = run("reconcile", "--json", data=tmp_path / "desk-admin")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["complete"] is True and answer["missing"] == {}
    assert {"complete", "missing", "checked_at", "held_until"} <= set(answer)
    text = run("reconcile", data=tmp_path / "desk-admin")
    assert text.returncode == 0 and "holds everything recorded here up to" in text.stdout


def test_a_range_deleted_from_the_server_copy_is_found_exactly(site, tmp_path):
    admin = site.station("desk-admin")
    for v in first_morning(admin, bookings_count=600):  # more than one block of seqs
        signin.sign_in(admin, v, staff_id="sign1", desk="S1")
    site.sync(admin)
    top = admin.version_vector()["desk-admin"]
    assert top > BLOCK + 100
    assert reconcile(admin)["complete"] is True
    # the full block's checksum is kept here (its rows never change); the partial one is not
    kept = json.loads(engine.meta(admin, "reconcile.blocks"))
    assert set(kept["desk-admin"]) == {"0"}

    # behind the server's back: two holes, one of them across a block's edge; its marks still say all
    site.hub_store.execute(
        [
            ("DELETE FROM events WHERE origin = ? AND seq BETWEEN ? AND ?", ["desk-admin", 500, 520]),
            ("DELETE FROM events WHERE origin = ? AND seq BETWEEN ? AND ?", ["desk-admin", 1020, 1030]),
            ("DELETE FROM events WHERE origin = ? AND seq = ?", ["desk-admin", top]),
        ]
    )
    assert site.hub_store.hwm(site=None)["desk-admin"] == top
    result = reconcile(admin)
    assert result["complete"] is False
    assert result["missing"] == {"desk-admin": [[500, 520], [1020, 1030], [top, top]]}
    assert result["missing_events"] == 21 + 11 + 1
    # everything recorded before seq 500 is held
    before = admin.conn.execute(
        "SELECT max(recorded_at) FROM events WHERE recorded_at < "
        "(SELECT recorded_at FROM events WHERE origin = 'desk-admin' AND seq = 500)"
    ).fetchone()[0]
    assert result["held_until"] == before

    lines = describe(result, "en")
    assert any("desk-admin: seq 500-520, 1020-1030" in line for line in lines), lines
    done = run("reconcile", "--json", data=tmp_path / "desk-admin")
    assert done.returncode == 1
    assert json.loads(done.stdout)["missing"] == {"desk-admin": [[500, 520], [1020, 1030], [top, top]]}


def test_a_wrong_kept_checksum_here_cannot_hide_nor_invent_a_hole(site):
    admin = site.station("desk-admin")
    for v in first_morning(admin, bookings_count=600):
        signin.sign_in(admin, v, staff_id="sign1", desk="S1")
    site.sync(admin)
    engine.set_meta(admin, {"reconcile.blocks": json.dumps({"desk-admin": {"0": "0" * 64}})})
    assert reconcile(admin)["complete"] is True  # the block differs, its seqs are compared one by one
    site.hub_store.execute([("DELETE FROM events WHERE origin = ? AND seq = ?", ["desk-admin", 7])])
    engine.set_meta(admin, {"reconcile.blocks": json.dumps({"desk-admin": {"0": "1" * 64}})})
    assert reconcile(admin)["missing"] == {"desk-admin": [[7, 7]]}
    assert reconcile(admin, cache=False)["missing"] == {"desk-admin": [[7, 7]]}


def test_a_changed_copy_on_the_server_is_reported_apart(site):
    admin = site.station("desk-admin")
    first_morning(admin)
    site.sync(admin)
    site.hub_store.execute(
        [("UPDATE events SET digest = ? WHERE origin = ? AND seq = ?", ["0" * 64, "desk-admin", 3])]
    )
    result = reconcile(admin)
    assert result["complete"] is False
    assert result["missing"] == {} and result["differ"] == {"desk-admin": [[3, 3]]}


def test_events_not_pushed_while_the_hub_was_down_are_listed(tmp_path, clock):
    site = Site(tmp_path, clock, subprocess_hub=True)
    try:
        admin = site.station("desk-admin")
        visits = first_morning(admin)
        site.sync(admin)
        pushed = admin.version_vector()["desk-admin"]
        site.kill_hub()
        for v in visits:
            signin.sign_in(admin, v, staff_id="sign1", desk="S1")
        top = admin.version_vector()["desk-admin"]
        site.start_process()  # back, but the desk has not pushed yet
        result = reconcile(admin)
        assert result["complete"] is False
        assert result["missing"] == {"desk-admin": [[pushed + 1, top]]}
        site.sync(admin)
        assert reconcile(admin)["complete"] is True
    finally:
        site.close()


@pytest.fixture
def district(tmp_path, store_url):
    """A district server (SQLite and PostgreSQL) that the site's hub (SQLite) joined as a hub."""
    store = open_store(store_url)
    server = Server(store).start()
    yield store, server
    server.stop()
    store.close()


def linked_site(tmp_path, clock, district_store, district_server) -> Site:
    site = Site(tmp_path, clock)
    link = engine.redeem(
        district_server.url, enroll(district_store, role="hub", site="site1")["code"], "hub-1"
    )
    for k in ("url", "token", "cert", "server_id"):
        site.hub_store.set_meta(f"upstream.{k}", link[k])
    return site


def forward(site: Site) -> None:
    forwarder = Forwarder(site.hub_store)
    try:
        forwarder.round()
    finally:
        forwarder.stop()


def test_through_a_hub_the_district_is_asked_live(tmp_path, clock, district):
    district_store, district_server = district
    site = linked_site(tmp_path, clock, district_store, district_server)
    try:
        admin = site.station("desk-admin")
        first_morning(admin)
        site.sync(admin)
        top = admin.version_vector()["desk-admin"]

        # the hub holds everything, the district nothing yet
        result = reconcile(admin)
        assert [lv["level"] for lv in result["levels"]] == ["server", "upstream"]
        assert result["levels"][0]["complete"] is True
        assert result["target"] == "upstream" and result["complete"] is False
        assert result["missing"] == {"desk-admin": [[1, top]]}
        lines = describe(result, "en")
        assert lines[0].startswith("The hub holds everything recorded here")

        forward(site)
        result = reconcile(admin)
        assert result["complete"] is True and result["confirmed"] is True
        assert result["levels"][1]["server_id"] == district_store.server_id

        # a hole in the district's copy is found through the hub, while the hub is whole
        district_store.execute([("DELETE FROM events WHERE origin = ? AND seq IN (2, 3)", ["desk-admin"])])
        result = reconcile(admin)
        assert result["levels"][0]["complete"] is True
        assert result["complete"] is False and result["missing"] == {"desk-admin": [[2, 3]]}
    finally:
        site.close()


def test_through_a_hub_whose_district_is_out_of_reach(tmp_path, clock, district):
    district_store, district_server = district
    site = linked_site(tmp_path, clock, district_store, district_server)
    try:
        admin = site.station("desk-admin")
        visits = first_morning(admin)
        site.sync(admin)
        forward(site)
        acked = admin.version_vector()["desk-admin"]
        assert reconcile(admin)["complete"] is True
        district_server.stop()

        # the district out of reach: not complete, but what it last acknowledged, and when
        result = reconcile(admin)
        assert result["complete"] is False and result["confirmed"] is False
        up = result["levels"][1]
        assert up["reachable"] is False and up["acknowledged_at"]
        assert result["missing"] == {}
        assert result["held_until"] == admin.conn.execute("SELECT max(recorded_at) FROM events").fetchone()[0]
        assert "acknowledged everything up to" in " ".join(describe(result, "en"))

        # new records reach the hub only: above the acknowledged mark, not confirmed
        signin.sign_in(admin, visits[0], staff_id="sign1", desk="S1")
        site.sync(admin)
        result = reconcile(admin)
        assert result["levels"][0]["complete"] is True
        assert result["missing"] == {"desk-admin": [[acked + 1, admin.version_vector()["desk-admin"]]]}
    finally:
        site.close()


def test_a_district_never_reached_has_not_confirmed(tmp_path, clock, district):
    district_store, district_server = district
    site = linked_site(tmp_path, clock, district_store, district_server)
    try:
        district_server.stop()
        admin = site.station("desk-admin")
        first_morning(admin)
        site.sync(admin)
        result = reconcile(admin)
        assert result["levels"][0]["complete"] is True  # the hub holds everything
        assert result["complete"] is False and result["confirmed"] is False
        assert result["levels"][1]["acknowledged_at"] is None
        assert result["missing"] == {"desk-admin": [own_range(admin)]}
        lines = describe(result, "en")
        assert (
            lines[0].startswith("The hub holds everything") and "The district has not confirmed" in lines[1]
        )
    finally:
        site.close()


def test_through_a_hub_another_sites_laptop_learns_nothing_of_this_site(tmp_path, clock, district):
    district_store, district_server = district
    site = linked_site(tmp_path, clock, district_store, district_server)
    try:
        a = site.station("desk-a")
        first_morning(a)
        site.sync(a)
        forward(site)
        from station.store import Store

        b = Store.open(tmp_path / "b" / "station.sqlite3", origin="desk-b", now=clock)
        engine.join(b, site.url, site.code(site="site2"))
        link = engine.load_link(b)
        with Remote(site.url, token=link["token"], cert_pem=link["cert"]) as r:
            params = {"origin": "desk-a", "upstream": "true"}
            assert r._call("GET", "/v1/reconcile", params=params)["origins"] == {}
            listed = r._call("GET", "/v1/reconcile/blocks", params={**params, "number": 0})
            assert listed["blocks"] == {"0": []}
        # desk-a's own question is answered in full
        link = engine.load_link(a)
        with Remote(site.url, token=link["token"], cert_pem=link["cert"]) as r:
            params = {"origin": "desk-a", "upstream": "true"}
            assert set(r._call("GET", "/v1/reconcile", params=params)["origins"]) == {"desk-a"}
        b.close()
    finally:
        site.close()


def test_a_hub_without_upstream_answers_for_itself(site):
    admin = site.station("desk-admin")
    first_morning(admin)
    site.sync(admin)
    with Remote(
        site.url, token=engine.load_link(admin)["token"], cert_pem=engine.load_link(admin)["cert"]
    ) as r:
        answer = r._call("GET", "/v1/reconcile", params={"upstream": "true"})
    assert answer["upstream"]["linked"] is False and answer["origins"] == {}
    assert reconcile(admin)["target"] == "server"


def test_a_station_sees_only_its_sites_origins(site, tmp_path, clock):
    a = site.station("desk-a")
    first_morning(a)
    site.sync(a)
    # another site's laptop on the same server
    from station.store import Store

    b = Store.open(tmp_path / "b" / "station.sqlite3", origin="desk-b", now=clock)
    engine.join(b, site.url, site.code(site="site2"))
    first_morning(b)
    engine.Syncer(b).push()
    link = engine.load_link(a)
    with Remote(site.url, token=link["token"], cert_pem=link["cert"]) as r:
        answer = r._call("GET", "/v1/reconcile")
        assert set(answer["origins"]) == {"desk-a"}
        blocks = r._call("GET", "/v1/reconcile/blocks", params={"origin": "desk-b", "number": 0})
        assert blocks["blocks"] == {"0": []}
    # a district credential sees every site's laptops
    district = engine.redeem(site.url, site.code(role="district"), "district-1")
    with Remote(site.url, token=district["token"], cert_pem=district["cert"]) as r:
        answer = r._call("GET", "/v1/reconcile")
        assert set(answer["origins"]) == {"desk-a", "desk-b"}
        assert answer["origins"]["desk-b"]["count"] == b.version_vector()["desk-b"]
        blocks = r._call("GET", "/v1/reconcile/blocks", params={"origin": "desk-b", "number": 0})
        assert len(blocks["blocks"]["0"]) == b.version_vector()["desk-b"]
    b.close()


# --- closing the day ------------------------------------------------------------------------------------
def test_close_day_refused_while_incomplete_and_allowed_after_sync(site, tmp_path):
    admin = site.station("desk-admin")
    visits = first_morning(admin)
    site.sync(admin)
    signin.sign_in(admin, visits[0], staff_id="sign1", desk="S1")  # not pushed yet

    result = reconcile(admin)
    with pytest.raises(DomainError) as refused:
        dayclose.close_synced(admin, DAY, staff_id="admin1", reconciliation=result)
    assert refused.value.code == "day_not_reconciled"
    # only who may close the day
    with pytest.raises(DomainError) as not_admin:
        dayclose.close_synced(admin, DAY, staff_id="sign1", reconciliation=result)
    assert not_admin.value.code == "not_permitted"

    done = run(
        "close-day", "--day", DAY.isoformat(), "--staff", "admin1", "--pin", PIN, data=tmp_path / "desk-admin"
    )
    assert done.returncode == 1 and "cannot be closed as synced" in done.stderr
    assert dayclose.closings(admin, DAY) == []

    site.sync(admin)
    done = run(
        "close-day",
        "--day",
        DAY.isoformat(),
        "--staff",
        "admin1",
        "--pin",
        PIN,
        "--json",
        data=tmp_path / "desk-admin",
    )
    assert done.returncode == 0, done.stderr
    closed = dayclose.closings(admin, DAY)
    assert len(closed) == 1 and closed[0]["mode"] == "synced" and closed[0]["staff_id"] == "admin1"
    assert closed[0]["server_id"] == site.hub_store.server_id
    assert (
        admin.conn.execute("SELECT closed_by FROM days WHERE day = ?", [DAY.isoformat()]).fetchone()[0]
        == "admin1"
    )
    # a second time: refused; the closing itself syncs like any record
    again = run(
        "close-day", "--day", DAY.isoformat(), "--staff", "admin1", "--pin", PIN, data=tmp_path / "desk-admin"
    )
    assert again.returncode == 2 and "already closed" in again.stderr
    site.sync(admin)
    assert reconcile(admin)["complete"] is True


def test_a_stale_reconciliation_does_not_close_the_day(site):
    admin = site.station("desk-admin")
    visits = first_morning(admin)
    site.sync(admin)
    result = reconcile(admin)
    assert result["complete"]
    signin.sign_in(admin, visits[0], staff_id="sign1", desk="S1")
    with pytest.raises(DomainError) as stale:
        dayclose.close_synced(admin, DAY, staff_id="admin1", reconciliation=result)
    assert stale.value.code == "day_reconcile_stale"


def export(data: Path, out: Path) -> subprocess.CompletedProcess:
    return run("export", "--day", DAY.isoformat(), "--out", str(out), "--site", "site1", data=data)


def first_day(data: Path, clock) -> None:
    from station.store import Store

    store = Store.open(data / "station.sqlite3", now=clock)
    try:
        first_morning(store)
    finally:
        store.close()


def test_close_day_offline_with_the_export_file(tmp_path, clock):
    from station.store import Store

    desk = Store.open(tmp_path / "desk" / "station.sqlite3", origin="desk-alone", now=clock)
    first_morning(desk)
    desk.close()
    data = tmp_path / "desk"
    # not joined: as synced it cannot be closed
    refused = run("close-day", "--day", DAY.isoformat(), "--staff", "admin1", "--pin", PIN, data=data)
    assert refused.returncode != 0
    no_file = run(
        "close-day", "--day", DAY.isoformat(), "--staff", "admin1", "--pin", PIN, "--offline", data=data
    )
    assert no_file.returncode == 2 and "needs the day's export file" in no_file.stderr
    bad_pin = run(
        "close-day", "--day", DAY.isoformat(), "--staff", "admin1", "--pin", "0000", "--offline", data=data
    )
    assert bad_pin.returncode == 2

    def close_with(path: Path) -> subprocess.CompletedProcess:
        return run(
            "close-day",
            "--day",
            DAY.isoformat(),
            "--staff",
            "admin1",
            "--pin",
            PIN,
            "--offline",
            "--export",
            str(path),
            "--json",
            data=data,
        )

    # not a day file, another laptop's file, a file older than the day's records: each refused
    junk = tmp_path / "junk.vsday"
    junk.write_bytes(b"not the day's records")
    assert close_with(junk).returncode == 2
    other = tmp_path / "other"
    assert run("init", "--station-id", "desk-other", data=other).returncode == 0
    first_day(other, clock)
    theirs = tmp_path / "theirs.vsday"
    assert export(other, theirs).returncode == 0
    refused = close_with(theirs)
    assert refused.returncode == 2 and "another laptop (desk-other)" in refused.stderr
    early = tmp_path / "early.vsday"
    assert export(data, early).returncode == 0
    desk = Store.open(data / "station.sqlite3", now=clock)
    signin.sign_in(
        desk, desk.one("SELECT visit_id FROM visits LIMIT 1")["visit_id"], staff_id="sign1", desk="S1"
    )
    desk.close()
    late = close_with(early)
    # the sign-in, and the logins above (a wrong PIN and the good login after it, the re-hash of the
    # tests' cheap PIN hash: #13) recorded by the terminal on the real clock between the day's events
    assert late.returncode == 2 and "lacks 4 of this laptop's records" in late.stderr

    exported = tmp_path / "day.vsday"
    assert export(data, exported).returncode == 0
    done = close_with(exported)
    assert done.returncode == 0, done.stderr
    import hashlib

    payload = json.loads(done.stdout)
    assert payload["mode"] == "offline" and payload["export_sealed"] is False
    assert payload["export_sha256"] == hashlib.sha256(exported.read_bytes()).hexdigest()
    assert (
        payload["export_events"]
        == Store.open(data / "station.sqlite3").scalar("SELECT count(*) FROM events") - 1
    )
    desk = Store.open(data / "station.sqlite3", now=clock)
    try:
        assert dayclose.closings(desk, DAY)[0]["export_sha256"] == payload["export_sha256"]
    finally:
        desk.close()


def test_a_demo_day_from_the_terminal_reconciled_and_closed(tmp_path, clock):
    """`station demo` on a laptop joined from the terminal: sync, reconcile, close the day; then a hole."""
    site = Site(tmp_path, clock)
    try:
        data = tmp_path / "trainer"
        assert run("init", "--station-id", "desk-trainer", data=data).returncode == 0
        day = "2026-11-26"
        loaded = run("demo", "--day", day, "--bookings", "120", data=data)
        assert loaded.returncode == 0, loaded.stderr
        assert run("sync", "join", site.url, site.code(), data=data).returncode == 0
        before = run("reconcile", "--json", data=data)
        assert before.returncode == 1  # nothing pushed yet: everything missing
        assert json.loads(before.stdout)["missing"]["desk-trainer"][0][0] == 1
        assert run("sync", "run", "--once", data=data).returncode == 0
        done = run("reconcile", "--json", data=data)
        assert done.returncode == 0, done.stdout + done.stderr
        assert json.loads(done.stdout)["complete"] is True
        closed = run("close-day", "--day", day, "--staff", "admin", "--pin", "1234", data=data, lang="zh")
        assert closed.returncode == 0, closed.stderr
        assert "已日结" in closed.stdout
        # the closing record reached the hub too, and a hole made there is named in Chinese
        assert run("sync", "run", "--once", data=data).returncode == 0
        site.hub_store.execute([("DELETE FROM events WHERE origin = ? AND seq = ?", ["desk-trainer", 42])])
        hole = run("reconcile", data=data, lang="zh")
        assert hole.returncode == 1
        assert "desk-trainer：序号 42（1 条）" in hole.stdout
    finally:
        site.close()
