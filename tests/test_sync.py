"""A site works as one: desks and a hub (and the district) on real servers, real files, real TLS."""

from __future__ import annotations

import pytest

from station import bookings, inject, prescreen, signin
from station.errors import DomainError
from sync.client import engine
from sync.client.remote import Remote, SyncError
from sync.server.app import enroll
from sync.server.serve import Server
from sync.server.store import open_store
from tests.domainkit import answers
from tests.syncbed import Site, assert_converged, first_morning, materialize, wire

pytestmark = pytest.mark.usefixtures("fast_pins")


@pytest.fixture
def site(tmp_path, clock, store_url):
    """A hub on each backend: SQLite (a site hub) and PostgreSQL (a district's store)."""
    s = Site(tmp_path, clock, hub_db=store_url)
    yield s
    s.close()


def test_a_new_site_first_morning_three_desks_and_a_hub(site, tmp_path):
    """From nothing: the admin laptop sets up, three desks join, one person walks sign-in ->
    pre-screen -> injection across three laptops; every node ends with the same tables."""
    admin = site.station("desk-admin")
    visits = first_morning(admin)
    desk_in, desk_pre, desk_inj = (site.station(n) for n in ("desk-qd", "desk-yj", "desk-jz"))
    site.sync(admin, desk_in, desk_pre, desk_inj)

    # the sign-in laptop finds the booking made on the admin laptop
    person = bookings.visit(desk_in, visits[0])
    signed = signin.sign_in(desk_in, person["visit_id"], staff_id="sign1", desk="S1")
    assert signed["state"] == "signed_in"
    # before sync the pre-screen laptop does not know yet; after one round it does
    assert bookings.visit(desk_pre, visits[0])["state"] == "booked"
    site.sync(desk_in, desk_pre, rounds=1)
    assert bookings.visit(desk_pre, visits[0])["state"] == "signed_in"
    # and it cannot sign the same person in a second time
    with pytest.raises(DomainError):
        signin.sign_in(desk_pre, visits[0], staff_id="sign1", desk="S2")

    prescreen.screen(desk_pre, visits[0], staff_id="pre1", answers=answers(), temperature=36.5)
    site.sync(desk_pre, desk_inj, rounds=1)
    inject.inject(desk_inj, visits[0], staff_id="vac1", lot_no="LOT-A", desk="3")
    site.sync()
    assert bookings.visit(admin, visits[0])["state"] == "injected"
    assert_converged(admin, desk_in, desk_pre, desk_inj)
    assert engine.status(desk_inj)["waiting"] == 0


def test_the_hub_forwards_to_the_district_and_the_district_sees_the_same_tables(site, tmp_path, clock):
    district_store = open_store(str(tmp_path / "district.sqlite3"))
    district = Server(district_store).start()
    try:
        # the hub joins the district as a hub of its site, then forwards
        link = engine.redeem(
            district.url, enroll(district_store, role="hub", site="site1")["code"], "hub-site1"
        )
        for k in ("url", "token", "cert", "server_id"):
            site.hub_store.set_meta(f"upstream.{k}", link[k])
        from sync.server.forward import Forwarder

        admin = site.station("desk-admin")
        visits = first_morning(admin)
        signin.sign_in(admin, visits[0], staff_id="sign1", desk="S1")
        site.sync()
        forwarder = Forwarder(site.hub_store)
        try:
            marks = forwarder.round()
        finally:
            forwarder.stop()
        assert marks == {"desk-admin": admin.version_vector()["desk-admin"]}
        view = materialize(district_store, tmp_path / "district-view.sqlite3")
        assert_converged(admin, view)
        view.close()
    finally:
        district.stop()
        district_store.close()


def test_joined_with_records_already_held_pushes_them(site, clock):
    """A morning worked offline before the hub was up: joining later sends all of it."""
    early = site.station("desk-early", join=False)
    visits = first_morning(early, bookings_count=5)
    for v in visits:
        signin.sign_in(early, v, staff_id="sign1", desk="S1")
    assert engine.status(early)["joined"] is False
    site.join(early)
    other = site.station("desk-other")
    site.sync(early, other)
    assert_converged(early, other)


def test_a_station_cannot_push_another_origins_events_nor_read_another_site(site, tmp_path, clock):
    a = site.station("desk-a")
    first_morning(a)
    site.sync(a)
    # a laptop of another site, enrolled on the same server
    other = site.station("desk-b", join=False)
    engine.join(other, site.url, site.code(site="site2"))
    first_morning(other, bookings_count=1)
    # pushing desk-a's events with desk-b's credential is refused, event by event
    with engine.remote_for(other) as remote:
        answer = remote.push([wire(e) for e in a.events()[:3]])
        assert "desk-a" not in answer["hwm"]  # another site's count is not told
        assert site.hub_store.hwm(site=None)["desk-a"] == len(a.events())  # unchanged
        assert [r["error"] for r in answer["rejected"]] == ["origin_not_allowed"] * 3
        # reading: only site2's events come back
        page = remote.pull(0)
        assert {e.origin for e in page.events} <= {"desk-b"}
    site.sync(other)
    assert {o for (o,) in other.conn.execute("SELECT DISTINCT origin FROM events")} == {"desk-b"}


def test_no_credential_a_bad_credential_and_a_revoked_one_are_refused(site):
    a = site.station("desk-a")
    with Remote(site.url, cert_pem=engine.load_link(a)["cert"]) as anonymous:
        assert anonymous.health()["status"] == "ok"  # the one open door
        with pytest.raises(SyncError) as info:
            anonymous.pull(0)
        assert info.value.code == "unauthorized" and info.value.status == 401
    link = engine.load_link(a)
    site.hub_store.revoke(link["token_id"], now="2026-11-26T09:00:00+00:00")
    with pytest.raises(SyncError) as info:
        engine.Syncer(a).push()
    assert info.value.code == "unauthorized"


def test_an_enrollment_code_works_once(site):
    code = site.code()
    a = site.station("desk-a", join=False)
    engine.join(a, site.url, code)
    b = site.station("desk-b", join=False)
    with pytest.raises(SyncError) as info:
        engine.join(b, site.url, code)
    assert info.value.code == "bad_code"
    assert engine.load_link(b) is None


def test_a_rogue_hub_at_the_joined_address_is_refused(site, tmp_path, clock):
    """Another server (its own certificate) answering at the address the desk pinned."""
    a = site.station("desk-a")
    first_morning(a, bookings_count=1)
    port = site.port
    site.server.stop()
    rogue_store = open_store(str(tmp_path / "rogue.sqlite3"))
    rogue = Server(rogue_store, port=port).start()
    try:
        with pytest.raises(SyncError) as info:
            engine.Syncer(a).push()
        assert info.value.code == "hub_changed"
        assert rogue_store.stats()["events"] == 0
    finally:
        rogue.stop()
        rogue_store.close()
        site.server = None


def test_the_enrollment_qr_carries_the_fingerprint_and_a_wrong_one_is_refused(site):
    from sync import tls
    from sync.server.cli import join_text

    a = site.station("desk-a", join=False)
    wrong = join_text(site.code(), "0" * 64, site.url)
    with pytest.raises(SyncError) as info:
        engine.join(a, None, wrong)
    assert info.value.code == "hub_changed"
    right = join_text(site.code(), tls.fingerprint(site.server.cert_pem), site.url)
    link = engine.join(a, None, right)
    assert link["site"] == "site1"


def test_a_demo_day_on_a_joined_laptop_reaches_every_desk(site, clock):
    """A training site: `station demo` on one joined laptop gives every desk the day."""
    from station import demo

    trainer = site.station("desk-trainer")
    summary = demo.load(trainer, clock().date(), bookings_total=40, until=None, seed=7)
    desks = [site.station(n) for n in ("desk-1", "desk-2")]
    site.sync(trainer, *desks)
    assert summary.bookings == 40
    assert_converged(trainer, *desks)
    assert desks[1].scalar("SELECT count(*) FROM visits") == 40
