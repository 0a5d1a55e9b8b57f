"""The injection desk: queue order, lot checks, stock, and what a dose records."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from station import bookings, flow, inject, signin, stock
from tests.conftest import DAY, new_person
from tests.domainkit import (
    LOT,
    answers,
    do_inject,
    do_screen,
    do_sign_in,
    drive,
    refused,
    snapshot,
    state,
)

pytestmark = pytest.mark.usefixtures("fast_pins")  # cheap PIN hashing, see conftest


BBIBP = "sinopharm_bbibp"
CORONAVAC = "sinovac_coronavac"


@pytest.fixture
def screened(store, clock, booked) -> str:
    return drive(store, clock, booked, flow.SCREENED)


def _screened_visit(store) -> str:
    visit_id = bookings.add_booking(store, new_person(), DAY, None, staff_id="admin1")
    do_sign_in(store, visit_id)
    do_screen(store, visit_id)
    return visit_id


def _receive(store, lot_no, *, days, vials=10, product=BBIBP):
    return stock.receive(
        store,
        staff_id="admin1",
        lot_no=lot_no,
        product=product,
        expiry=DAY + timedelta(days=days),
        vials=vials,
    )


def test_injection_records_the_dose(store, screened):
    dose = inject.inject(store, screened, staff_id="vac1", lot_no="LOT-A", desk=2, body_site="right_deltoid")
    assert dose["visit_id"] == screened
    assert (dose["product"], dose["lot_no"], dose["dose_number"]) == (BBIBP, "LOT-A", 1)
    assert (dose["desk"], dose["vaccinator"], dose["body_site"]) == ("2", "vac1", "right_deltoid")
    assert dose["source"] == "here" and dose["day"] == DAY.isoformat()
    visit = bookings.visit(store, screened)
    assert visit["state"] == flow.INJECTED and visit["injected_at"] is not None
    payload = json.loads(store.scalar("SELECT payload FROM events WHERE type = 'Injected'"))
    assert payload["warnings"] == [] and payload["desk"] == "2"


def test_default_body_site(store, screened):
    assert do_inject(store, screened)["body_site"] == inject.DEFAULT_BODY_SITE


def test_lot_number_is_normalised(store, screened):
    assert do_inject(store, screened, lot_no="  lot-a ")["lot_no"] == "LOT-A"


def test_stock_goes_down_by_one_per_injection(store):
    start = stock.lot(store, LOT)["doses_left"]
    assert start == 50
    for n in range(1, 4):
        do_inject(store, _screened_visit(store))
        assert stock.lot(store, LOT)["doses_left"] == start - n
    assert stock.doses_left(store, DAY) == start - 3


def test_refused_injection_uses_no_stock(store, screened):
    with refused("desk_missing"):
        do_inject(store, screened, desk=None)
    assert stock.lot(store, LOT)["doses_left"] == 50


# --- lot refusals ------------------------------------------------------------------------------


def _refused_injection(store, visit_id, code, **kw):
    before = snapshot(store, visit_id)
    with refused(code) as info:
        do_inject(store, visit_id, **kw)
    assert snapshot(store, visit_id) == before
    assert state(store, visit_id) == flow.SCREENED
    return info.value


def test_unknown_lot(store, screened):
    err = _refused_injection(store, screened, "lot_unknown", lot_no="LOT-Z")
    assert err.facts["lot"] == "LOT-Z"


def test_expired_lot(store, screened):
    _receive(store, "LOT-OLD", days=-1)
    err = _refused_injection(store, screened, "lot_expired", lot_no="LOT-OLD")
    assert err.facts["expiry"] == (DAY - timedelta(days=1)).isoformat()


def test_lot_expiring_today_may_still_be_used(store, screened):
    _receive(store, "LOT-TODAY", days=0)
    assert do_inject(store, screened, lot_no="LOT-TODAY")["lot_no"] == "LOT-TODAY"


def test_lot_of_another_product(store, screened):
    _receive(store, "LOT-S", days=60, product=CORONAVAC)
    err = _refused_injection(store, screened, "lot_wrong_product", lot_no="LOT-S")
    assert (err.facts["lot_product"], err.facts["product"]) == (CORONAVAC, BBIBP)


def test_product_chosen_at_the_desk_must_match_the_lot(store, screened):
    _refused_injection(store, screened, "lot_wrong_product", lot_no=LOT, product=CORONAVAC)


def test_out_of_stock(store):
    _receive(store, "LOT-ONE", days=30, vials=1)
    first, second = _screened_visit(store), _screened_visit(store)
    do_inject(store, first, lot_no="LOT-ONE")
    assert stock.lot(store, "LOT-ONE")["doses_left"] == 0
    _refused_injection(store, second, "out_of_stock", lot_no="LOT-ONE")
    assert do_inject(store, second, lot_no=LOT)["lot_no"] == LOT


def test_wasted_doses_count_against_stock(store, screened):
    _receive(store, "LOT-TWO", days=30, vials=2)
    stock.waste(store, staff_id="vac1", lot_no="LOT-TWO", doses=2, reason="vial dropped")
    _refused_injection(store, screened, "out_of_stock", lot_no="LOT-TWO")


def test_desk_missing(store, screened):
    for desk in (None, ""):
        _refused_injection(store, screened, "desk_missing", desk=desk)


def test_wrong_dose_number_is_refused(store, screened):
    _refused_injection(store, screened, "dose_number_wrong", dose_number=2)


def test_not_screened_cannot_be_injected(store, clock, booked):
    drive(store, clock, booked, flow.SIGNED_IN)
    with refused("not_screened"):
        do_inject(store, booked)
    assert stock.lot(store, LOT)["doses_left"] == 50


def test_turned_away_cannot_be_injected(store, clock, booked):
    drive(store, clock, booked, flow.TURNED_AWAY)
    with refused("visit_turned_away"):
        do_inject(store, booked)


# --- which lot -------------------------------------------------------------------------------


def test_suggest_lot_is_first_expiry_first_out(store):
    _receive(store, "LOT-LATE", days=200)
    _receive(store, "LOT-SOON", days=10, vials=1)
    _receive(store, "LOT-GONE", days=-1)
    _receive(store, "LOT-CV", days=5, product=CORONAVAC)
    assert stock.suggest_lot(store, BBIBP, DAY)["lot_no"] == "LOT-SOON"
    assert stock.suggest_lot(store, CORONAVAC, DAY)["lot_no"] == "LOT-CV"
    visit_id = _screened_visit(store)
    assert inject.plan(store, visit_id)["lot"]["lot_no"] == "LOT-SOON"
    do_inject(store, visit_id, lot_no="LOT-SOON")
    # LOT-SOON used up: the next to expire (LOT-A, 90 days) comes next, never the expired one
    assert stock.suggest_lot(store, BBIBP, DAY)["lot_no"] == LOT
    assert stock.suggest_lot(store, BBIBP, DAY + timedelta(days=91))["lot_no"] == "LOT-LATE"
    assert stock.suggest_lot(store, BBIBP, DAY + timedelta(days=201)) is None


def test_suggest_lot_none_for_a_product_without_stock(store):
    assert stock.suggest_lot(store, "cansino_ad5", DAY) is None


def test_plan_for_a_first_dose(store, screened):
    plan = inject.plan(store, screened)
    assert (plan["product"], plan["dose_number"], plan["is_booster"]) == (BBIBP, 1, False)
    assert plan["visit"]["visit_id"] == screened


def test_plan_follows_the_product_chosen_at_pre_screen(store, booked):
    _receive(store, "LOT-CV", days=60, product=CORONAVAC)
    do_sign_in(store, booked)
    do_screen(store, booked, product=CORONAVAC)
    plan = inject.plan(store, booked)
    assert plan["product"] == CORONAVAC and plan["lot"]["lot_no"] == "LOT-CV"
    assert do_inject(store, booked, lot_no="LOT-CV")["product"] == CORONAVAC


# --- the queue -------------------------------------------------------------------------------


def test_queue_and_next_up_follow_queue_numbers(store, clock):
    visits = [bookings.add_booking(store, new_person(), DAY, None, staff_id="admin1") for _ in range(5)]
    a, b, c, d, e = visits
    for v in visits:
        do_sign_in(store, v)  # queue numbers 1..5 in this order
    assert inject.queue(store, DAY) == [] and inject.next_up(store, DAY) is None
    do_screen(store, c)
    do_screen(store, a)
    assert do_screen(store, b, temperature=38.2).outcome == "defer"  # turned away
    do_screen(store, e)
    # d signed in but not screened yet
    waiting = inject.queue(store, DAY)
    assert [w["visit_id"] for w in waiting] == [a, c, e]
    assert [w["queue_no"] for w in waiting] == [1, 3, 5]
    assert all(w["name"] and w["id_number"] for w in waiting)
    assert inject.next_up(store, DAY)["visit_id"] == a
    do_inject(store, a)
    assert inject.next_up(store, DAY)["visit_id"] == c
    do_screen(store, d)
    assert [w["visit_id"] for w in inject.queue(store, DAY)] == [c, d, e]


def test_queue_is_per_day(store, clock, screened):
    assert [w["visit_id"] for w in inject.queue(store, DAY)] == [screened]
    assert inject.queue(store, DAY + timedelta(days=1)) == []


def test_walk_in_joins_the_injection_queue(store, screened):
    walk = signin.walk_in(store, new_person(), staff_id="sign1")
    do_screen(store, walk["visit_id"], answers=answers())
    assert [w["visit_id"] for w in inject.queue(store, DAY)] == [screened, walk["visit_id"]]


def test_waste_takes_the_lot_number_as_inject_does(store):
    _receive(store, "LOT-W", days=30, vials=3)
    assert stock.waste(store, staff_id="vac1", lot_no=" lot-w ", doses=1, reason="dropped")["doses_left"] == 2
    with refused("waste_out_of_range", doses=3, left=2):
        stock.waste(store, staff_id="vac1", lot_no="LOT-W", doses=3, reason="dropped")
    with refused("lot_unknown"):
        stock.waste(store, staff_id="vac1", lot_no="LOT-NONE", doses=1, reason="dropped")


# --- calling people to the desk --------------------------------------------------------------


def _queue_of(store, n: int) -> list[str]:
    return [_screened_visit(store) for _ in range(n)]


def test_call_next_follows_queue_order_and_never_skips(store, clock):
    first, second, third = _queue_of(store, 3)
    called = inject.call_next(store, staff_id="vac1", desk="1")
    assert called["visit_id"] == first
    # asking again before injecting gives the same person back: no skipping ahead
    assert inject.call_next(store, staff_id="vac1", desk="1")["visit_id"] == first
    # another desk gets the next person, not the one desk 1 is holding
    assert inject.call_next(store, staff_id="vac1", desk="2")["visit_id"] == second
    do_inject(store, first)
    assert inject.call_next(store, staff_id="vac1", desk="1")["visit_id"] == third
    assert inject.call_next(store, staff_id="vac1", desk="3") is None


def test_absent_person_goes_to_the_back_and_is_called_again_later(store, clock):
    first, second = _queue_of(store, 2)
    inject.call_next(store, staff_id="vac1", desk="1")
    inject.mark_absent(store, first, staff_id="vac1", desk="1")
    assert [v["visit_id"] for v in inject.queue(store, DAY)] == [second, first]
    assert inject.call_next(store, staff_id="vac1", desk="1")["visit_id"] == second
    do_inject(store, second)
    back = inject.call_next(store, staff_id="vac1", desk="1")
    assert back["visit_id"] == first and back["missed"] == 1


def test_a_call_held_by_another_desk_expires(store, clock):
    first, second = _queue_of(store, 2)
    inject.call_next(store, staff_id="vac1", desk="1")
    assert inject.call_next(store, staff_id="vac1", desk="2")["visit_id"] == second
    do_inject(store, second)
    clock.advance(minutes=inject.CALL_HOLD_MINUTES + 1)
    assert inject.call_next(store, staff_id="vac1", desk="2")["visit_id"] == first


def test_calling_needs_a_vaccinator_and_a_screened_visit(store, clock, booked):
    with refused("not_permitted"):
        inject.call_next(store, staff_id="pre1", desk="1")
    with refused("not_signed_in"):
        inject.recall(store, booked, staff_id="vac1", desk="1")
    with refused("not_signed_in"):
        inject.mark_absent(store, booked, staff_id="vac1", desk="1")


def test_calls_survive_a_rebuild(store, clock):
    from station import rebuild

    first, _ = _queue_of(store, 2)
    inject.call_next(store, staff_id="vac1", desk="1")
    inject.mark_absent(store, first, staff_id="vac1", desk="1")
    inject.call_next(store, staff_id="vac1", desk="1")
    assert rebuild.check(store).ok
