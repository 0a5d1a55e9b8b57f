"""The conflicts desk's domain part: each kind of conflict shows the two records side by side
(what, when, which laptop, who), on both laptops alike, and a resolution is an event that syncs."""

from __future__ import annotations

import pytest

from station import bookings, conflicts, inject, observe, rebuild, signin

from .conftest import DAY
from .domainkit import do_aefi, do_observe
from .test_store import Wall, missing, new_person, open_station, seed_staff_and_stock, to_screened


@pytest.fixture
def pair(tmp_path, clock):
    """Two laptops A and B that shared A's staff and stock, then went their own ways."""
    wa, wb = Wall(1_800_000_000.0), Wall(1_800_000_000.0)
    a = open_station(tmp_path / "a.sqlite3", "desk-a", clock, wa)
    b = open_station(tmp_path / "b.sqlite3", "desk-b", clock, wb)
    seed_staff_and_stock(a)
    b.ingest(a.events())
    yield a, b, wa, wb
    a.close()
    b.close()


def exchange(a, b) -> None:
    a.ingest(missing(a, b))
    b.ingest(missing(b, a))


def only_conflict(s) -> dict:
    (c,) = conflicts.open_conflicts(s)
    return conflicts.both_sides(s, c["event_id"])


def test_two_injections_for_one_visit(pair, clock):
    a, b, wa, wb = pair
    v = bookings.add_booking(a, new_person("李四"), DAY, "08:00-08:30", staff_id="admin1")
    to_screened(a, v)
    b.ingest(missing(b, a))
    wb.t += 10  # B's injection is the later one
    inject.inject(a, v, staff_id="vac1", lot_no="LOT-A", desk="1")
    inject.inject(b, v, staff_id="vac1", lot_no="LOT-A", desk="4")
    exchange(a, b)
    for s in (a, b):
        sides = only_conflict(s)
        assert sides["code"] == "already_injected"
        this, other = sides["this"], sides["other"]
        assert (this["type"], this["origin"], this["facts"]["desk"]) == ("Injected", "desk-b", "4")
        assert (other["type"], other["origin"], other["facts"]["desk"]) == ("Injected", "desk-a", "1")
        assert this["staff_id"] == other["staff_id"] == "vac1" and this["staff_name"] == "Staff vac1"
        assert this["name"] == other["name"] == "李四"
        assert this["facts"]["lot_no"] == "LOT-A" and this["at"] and other["at"]
    assert only_conflict(a) == only_conflict(b)


def test_a_person_booked_twice_and_the_same_queue_number(pair, clock):
    a, b, wa, wb = pair
    person = new_person("王五")
    wb.t += 5
    va = signin.walk_in(a, person, staff_id="sign1")["visit_id"]
    vb = signin.walk_in(b, {**person, "phone": "13900001111"}, staff_id="sign1")["visit_id"]
    exchange(a, b)
    for s in (a, b):
        found = {c["code"]: conflicts.both_sides(s, c["event_id"]) for c in conflicts.open_conflicts(s)}
        assert set(found) == {"duplicate_booking", "duplicate_queue_no"}
        booked = found["duplicate_booking"]
        assert (booked["this"]["type"], booked["this"]["visit_id"], booked["this"]["origin"]) == (
            "BookingAdded",
            vb,
            "desk-b",
        )
        assert (booked["other"]["visit_id"], booked["other"]["origin"]) == (va, "desk-a")
        queued = found["duplicate_queue_no"]
        assert queued["this"]["type"] == queued["other"]["type"] == "SignedIn"
        assert queued["this"]["facts"]["queue_no"] == queued["other"]["facts"]["queue_no"] == "A001"
        assert (queued["this"]["visit_id"], queued["other"]["visit_id"]) == (vb, va)


def test_a_release_on_one_laptop_and_a_reaction_on_another(pair, clock):
    a, b, wa, wb = pair
    v = bookings.add_booking(a, new_person(), DAY, "08:00-08:30", staff_id="admin1")
    to_screened(a, v)
    inject.inject(a, v, staff_id="vac1", lot_no="LOT-A", desk="1")
    do_observe(a, v)
    b.ingest(missing(b, a))
    clock.advance(minutes=31)
    observe.release(a, v, staff_id="obs1")
    wb.t += 30  # the reaction is recorded after the release, at the other observation desk
    do_aefi(b, v, category="allergic_rash", severity="mild", handling="treated_on_site")
    exchange(a, b)
    for s in (a, b):
        sides = only_conflict(s)
        assert sides["this"]["type"] == "AdverseEventReported" and sides["this"]["origin"] == "desk-b"
        assert sides["this"]["facts"]["category"] == "allergic_rash"
        assert sides["other"]["type"] == "Released" and sides["other"]["origin"] == "desk-a"
        assert rebuild.check(s).ok  # replaying the log in HLC order finds the same conflict


def test_resolving_is_an_event_that_clears_the_conflict_on_the_other_laptop(pair, clock):
    a, b, wa, wb = pair
    v = bookings.add_booking(a, new_person(), DAY, "08:00-08:30", staff_id="admin1")
    to_screened(a, v)
    b.ingest(missing(b, a))
    inject.inject(a, v, staff_id="vac1", lot_no="LOT-A", desk="1")
    inject.inject(b, v, staff_id="vac1", lot_no="LOT-A", desk="4")
    exchange(a, b)
    (c,) = conflicts.open_conflicts(a)
    conflicts.resolve(a, c["event_id"], staff_id="admin1", resolution="4号台重复录入，实际只接种一次")
    assert conflicts.open_conflicts(a) == []
    b.ingest(missing(b, a))
    assert conflicts.open_conflicts(b) == []
    assert bookings.visit(b, v)["conflict"] == 0
    assert b.scalar("SELECT resolution FROM conflicts") == "4号台重复录入，实际只接种一次"


def test_an_unknown_conflict_is_refused(pair):
    a, *_ = pair
    with pytest.raises(Exception) as info:
        conflicts.both_sides(a, "no-such-event")
    assert info.value.code == "conflict_unknown"


def test_a_reaction_recorded_first_then_a_release_elsewhere_that_did_not_know(pair, clock):
    """The other order: B reports a reaction, A (cut off) releases later without knowing of it."""
    a, b, wa, wb = pair
    v = bookings.add_booking(a, new_person(), DAY, "08:00-08:30", staff_id="admin1")
    to_screened(a, v)
    inject.inject(a, v, staff_id="vac1", lot_no="LOT-A", desk="1")
    do_observe(a, v)
    b.ingest(missing(b, a))
    do_aefi(b, v, extend_minutes=0)
    clock.advance(minutes=31)
    wa.t += 30
    observe.release(a, v, staff_id="obs1")
    exchange(a, b)
    for s in (a, b):
        sides = only_conflict(s)
        assert sides["code"] == "released_during_reaction"
        assert sides["this"]["type"] == "Released" and sides["this"]["origin"] == "desk-a"
        assert sides["other"]["type"] == "AdverseEventReported" and sides["other"]["origin"] == "desk-b"
        assert rebuild.check(s).ok


def test_a_late_reaction_reported_where_the_release_was_known_is_no_conflict(pair, clock):
    a, b, wa, wb = pair
    v = bookings.add_booking(a, new_person(), DAY, "08:00-08:30", staff_id="admin1")
    to_screened(a, v)
    inject.inject(a, v, staff_id="vac1", lot_no="LOT-A", desk="1")
    do_observe(a, v)
    clock.advance(minutes=31)
    observe.release(a, v, staff_id="obs1")
    b.ingest(missing(b, a))
    do_aefi(b, v)  # the person came back with a rash: B knew they had left
    exchange(a, b)
    assert conflicts.open_conflicts(a) == conflicts.open_conflicts(b) == []
