"""Bad luck on the wire: every case ends with every event exactly once on every node."""

from __future__ import annotations

import time

import pytest

from station import bookings, prescreen, signin
from station.hlc import HybridClock
from sync.client import engine
from sync.client.remote import SyncError
from tests.conftest import DAY, new_person
from tests.domainkit import answers
from tests.faultproxy import FaultProxy
from tests.syncbed import Site, assert_converged, first_morning, wire

pytestmark = pytest.mark.usefixtures("fast_pins")


@pytest.fixture
def site(tmp_path, clock, store_url):
    """A hub on each backend: SQLite (a site hub) and PostgreSQL (a district's store)."""
    s = Site(tmp_path, clock, hub_db=store_url)
    yield s
    s.close()


def busy_morning(store, n: int) -> list[str]:
    """n walk-ins signed in on this laptop (a few events each)."""
    out = []
    for i in range(n):
        visit = signin.walk_in(store, new_person(name=f"到场{i}"), staff_id="sign1", desk="S1")
        out.append(visit["visit_id"])
    return out


def through(store, proxy: FaultProxy) -> None:
    engine.set_meta(store, {"sync.url": proxy.url})


def assert_hub_holds_exactly(site: Site, store) -> None:
    stats = site.hub_store.stats()
    assert stats["origins"].get(store.origin) == store.version_vector()[store.origin]
    assert site.hub_store.hwm(site=None)[store.origin] == store.version_vector()[store.origin]


def test_a_push_cut_mid_batch_resumes_without_loss_or_double(site):
    a = site.station("desk-a")
    first_morning(a, bookings_count=0)
    busy_morning(a, 600)
    assert a.version_vector()["desk-a"] > 1000  # more than one batch
    proxy = FaultProxy(site.port)
    try:
        through(a, proxy)
        proxy.set("cut_after", 150_000)  # inside the first batch's body
        with pytest.raises(SyncError) as info:
            engine.Syncer(a).push()
        assert info.value.retry
        assert proxy.cuts >= 1
        held = site.hub_store.stats()["events"]
        assert held < a.version_vector()["desk-a"]
        proxy.set("pass")
        engine.Syncer(a).push()
        assert_hub_holds_exactly(site, a)
        assert engine.status(a)["waiting"] == 0
    finally:
        proxy.close()


def test_an_answer_lost_after_the_hub_stored_the_batch_is_not_sent_twice(site):
    a = site.station("desk-a")
    first_morning(a, bookings_count=3)
    proxy = FaultProxy(site.port)
    try:
        through(a, proxy)
        syncer = engine.Syncer(a)
        syncer.remote.hwm()  # the handshake and a first answer pass
        proxy.set("drop_replies", 2_000)  # the push arrives, its answer is lost
        with pytest.raises(SyncError):
            syncer.push()
        assert site.hub_store.stats()["events"] == a.version_vector()["desk-a"]  # the hub has it all
        assert engine.status(a)["waiting"] > 0  # the desk does not know yet: no false success
        proxy.set("pass")
        engine.Syncer(a).push()
        assert engine.status(a)["waiting"] == 0
        assert_hub_holds_exactly(site, a)
    finally:
        proxy.close()


def test_a_replayed_batch_changes_nothing(site):
    a = site.station("desk-a")
    first_morning(a, bookings_count=2)
    batch = [wire(e) for e in a.events()]
    with engine.remote_for(a) as remote:
        first = remote.push(batch)
        again = remote.push(batch)
    assert first["accepted"] == len(batch) and first["duplicates"] == 0
    assert again["accepted"] == 0 and again["duplicates"] == len(batch) and again["rejected"] == []
    assert site.hub_store.stats()["events"] == len(batch)


def test_a_malformed_and_a_mismatched_event_inside_a_good_batch(site):
    a = site.station("desk-a")
    first_morning(a, bookings_count=2)
    events = [wire(e) for e in a.events()]
    with engine.remote_for(a) as remote:
        remote.push(events[:2])
        forged = {**events[1], "payload": {**events[1]["payload"], "name": "forged"}}
        garbage = {"id": "not-a-uuid", "origin": "desk-a", "seq": "x"}
        batch = [events[2], garbage, forged, *events[3:]]
        answer = remote.push(batch)
    errors = {r["index"]: r["error"] for r in answer["rejected"]}
    assert errors == {1: "malformed_event", 2: "event_mismatch"}
    assert all(r["reason"] for r in answer["rejected"])
    assert answer["accepted"] == len(events) - 2
    assert answer["hwm"]["desk-a"] == len(events)
    # the hub holds the true event 2, not the forged one
    b = site.station("desk-b")
    site.sync(b)
    assert_converged(a, b)


def test_laptop_clocks_hours_apart_still_converge(site):
    a = site.station("desk-a")
    visits = first_morning(a, bookings_count=3)
    b = site.station("desk-b")
    a.clock = HybridClock("desk-a", wall=lambda: time.time() + 5 * 3600)  # five hours fast
    b.clock = HybridClock("desk-b", wall=lambda: time.time() - 3 * 3600)  # three hours slow
    site.sync(a, b)
    for v in visits:
        signin.sign_in(a, v, staff_id="sign1", desk="S1")
    site.sync(a, b)
    for v in visits:  # the slow laptop acts after the fast one: its stamps still come after
        prescreen.screen(b, v, staff_id="pre1", answers=answers(), temperature=36.6)
    site.sync(a, b)
    assert [bookings.visit(a, v)["state"] for v in visits] == ["screened"] * 3
    assert_converged(a, b)
    assert b.scalar("SELECT count(*) FROM conflicts") == 0


def test_a_desk_offline_all_morning_reconnects_at_noon(site, clock):
    a = site.station("desk-a")
    first_morning(a, bookings_count=0)
    b = site.station("desk-b")
    site.sync(a, b)
    proxy = FaultProxy(site.port)
    try:
        through(a, proxy)
        proxy.set("refuse")
        for _hour in range(4):  # 08:00 to noon, cut off
            busy_morning(a, 25)
            clock.advance(hours=1)
            with pytest.raises(SyncError) as info:
                engine.Syncer(a).push()
            engine.record_failure(a, info.value)
        state = engine.status(a)
        assert (
            state["offline_since"] and state["waiting"] == a.version_vector()["desk-a"] - state["acked"] > 0
        )
        proxy.set("pass")
        site.sync(a, b)
        assert engine.status(a)["waiting"] == 0 and engine.status(a)["offline_since"] is None
        assert_converged(a, b)
        assert b.scalar("SELECT count(*) FROM visits WHERE day = ?", [DAY.isoformat()]) == 100
    finally:
        proxy.close()


def test_the_hub_killed_mid_push_and_restarted(tmp_path, clock, store_url):
    site = Site(tmp_path, clock, hub_db=store_url, subprocess_hub=True)
    try:
        a = site.station("desk-a")
        first_morning(a, bookings_count=0)
        busy_morning(a, 600)
        total = a.version_vector()["desk-a"]
        import threading

        errors: list[Exception] = []

        def push() -> None:
            try:
                engine.Syncer(a.__class__.open(a.path, create=False)).push()
            except SyncError as exc:
                errors.append(exc)

        t = threading.Thread(target=push)
        t.start()
        deadline = time.monotonic() + 20
        while site.hub_store.stats()["events"] == 0 and time.monotonic() < deadline:
            time.sleep(0.005)
        site.kill_hub()  # SIGKILL, mid-push
        t.join(30)
        held = site.hub_store.stats()["events"]
        assert errors and 0 < held < total, (held, total, errors)
        site.start_process()
        engine.Syncer(a).push()
        assert_hub_holds_exactly(site, a)
        b = site.station("desk-b")
        site.sync(b)
        assert_converged(a, b)
    finally:
        site.close()


def test_a_station_pulling_resumes_from_its_cursor_after_a_cut(site):
    a = site.station("desk-a")
    first_morning(a, bookings_count=0)
    busy_morning(a, 400)
    site.sync(a)
    b = site.station("desk-b")
    proxy = FaultProxy(site.port)
    try:
        through(b, proxy)
        proxy.set("drop_replies", 300)  # every answer is lost
        with pytest.raises(SyncError):
            engine.Syncer(b).pull()
        proxy.set("pass")
        assert engine.Syncer(b).pull() == a.version_vector()["desk-a"]
        assert engine.Syncer(b).pull() == 0
        assert_converged(a, b)
    finally:
        proxy.close()


def test_one_person_signed_in_on_two_desks_while_cut_off_is_a_conflict_not_a_loss(site):
    a = site.station("desk-a")
    visits = first_morning(a, bookings_count=1)
    b = site.station("desk-b")
    site.sync(a, b)
    signin.sign_in(a, visits[0], staff_id="sign1", desk="S1")
    signin.sign_in(b, visits[0], staff_id="sign1", desk="S2")
    site.sync(a, b)
    assert_converged(a, b)
    assert a.scalar("SELECT count(*) FROM events WHERE type = 'SignedIn'") == 2  # both kept
    assert a.scalar("SELECT count(*) FROM conflicts WHERE resolution IS NULL") == 1
    # the conflict does not block anything: later events still flow
    bookings.add_booking(a, new_person(name="后来"), DAY, None, staff_id="admin1")
    site.sync(a, b)
    assert_converged(a, b)


def test_the_background_worker_catches_up_by_itself_when_the_hub_returns(site):
    """No local write after the failure: the retry timer alone sends what waits (no stalled queue)."""
    from sync.client.worker import SyncWorker
    from sync.server.serve import Server

    a = site.station("desk-a")
    first_morning(a, bookings_count=2)
    port = site.port
    site.server.stop()  # the hub goes away before anything was sent
    worker = SyncWorker(a.path, live_wait=1.0, retry_every=0.5, max_backoff=0.5, timeout=2.0).start()
    try:
        deadline = time.monotonic() + 15
        while engine.status(a)["offline_since"] is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert engine.status(a)["offline_since"] and engine.status(a)["waiting"] > 0
        site.server = Server(site.hub_store, port=port, graceful_seconds=0.1).start()  # back, same address
        deadline = time.monotonic() + 15
        while engine.status(a)["waiting"] and time.monotonic() < deadline:
            time.sleep(0.05)
        state = engine.status(a)
        assert state["waiting"] == 0 and state["offline_since"] is None and state["last_error"] is None
        assert_hub_holds_exactly(site, a)
    finally:
        worker.stop()
