"""Vials at the desk: opening, consuming, expiry after opening, wastage, every guard, two desks on
one lot, the low-stock warning, the counts and the end-of-day stock count."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from station import bookings, coldchain, inject, rebuild, stock
from tests.conftest import DAY, new_person
from tests.domainkit import do_screen, do_sign_in, last_event, refused, snapshot

pytestmark = pytest.mark.usefixtures("fast_pins")

BBIBP = "sinopharm_bbibp"
CORONAVAC = "sinovac_coronavac"
MULTI = "M2"  # a lot of BBIBP in 2-dose vials (open_vial_hours = 1 in stock.toml)


def _screened(store) -> str:
    visit_id = bookings.add_booking(store, new_person(), DAY, None, staff_id="admin1")
    do_sign_in(store, visit_id)
    do_screen(store, visit_id)
    return visit_id


def _receive(store, lot_no, *, vials=10, per_vial=None, product=BBIBP, days=90):
    return stock.receive(
        store, staff_id="admin1", lot_no=lot_no, product=product, expiry=DAY + timedelta(days=days),
        vials=vials, doses_per_vial=per_vial,
    )  # fmt: skip


def _inject(store, visit_id, desk="1", **kw):
    return inject.inject(store, visit_id, staff_id="vac1", desk=desk, **kw)


# --- single-dose vials -------------------------------------------------------------------------------


def test_a_single_dose_vial_is_opened_and_used_in_the_injection(store):
    visit = _screened(store)
    dose = _inject(store, visit, lot_no="LOT-A")
    injected = last_event(store)
    payload = json.loads(injected["payload"])
    assert payload["vial_id"] == dose["vial_id"] and dose["vial_id"].startswith("V")
    opened = store.one("SELECT * FROM events WHERE type = 'VialOpened'")
    assert json.loads(opened["payload"])["vial_id"] == dose["vial_id"]
    vial = stock.vial(store, dose["vial_id"])
    assert (vial["desk"], vial["lot_no"], vial["doses"], vial["doses_used"], vial["doses_left"]) == (
        "1",
        "LOT-A",
        1,
        1,
        0,
    )
    assert stock.desk_vials(store, "1") == []  # used up: nothing open at the desk
    lot = stock.lot(store, "LOT-A")
    assert (lot["vials_opened"], lot["doses_used"], lot["doses_left"]) == (1, 1, 49)


def test_the_lot_is_chosen_first_expiry_first_when_none_is_given(store):
    _receive(store, "SOON", days=10)
    dose = _inject(store, _screened(store), lot_no=None)
    assert dose["lot_no"] == "SOON"


# --- multi-dose vials --------------------------------------------------------------------------------


def test_a_multi_dose_vial_must_be_opened_then_gives_its_doses(store, clock):
    _receive(store, MULTI, vials=3, per_vial=2)
    first, second, third = (_screened(store) for _ in range(3))
    before = snapshot(store, first)
    with refused("no_open_vial", lot=MULTI):
        _inject(store, first, lot_no=MULTI)
    assert snapshot(store, first) == before
    vial = stock.open_vial(store, staff_id="vac1", desk="1", lot_no=MULTI)
    assert (vial["doses"], vial["doses_left"], vial["expired"]) == (2, 2, False)
    assert vial["expires_at"] == (clock() + timedelta(hours=1)).isoformat()
    assert stock.open_vial_at(store, "1", BBIBP)["vial_id"] == vial["vial_id"]
    assert _inject(store, first, lot_no=MULTI)["vial_id"] == vial["vial_id"]
    assert _inject(store, second)["vial_id"] == vial["vial_id"]  # the desk's open vial, no lot named
    assert stock.vial(store, vial["vial_id"])["doses_left"] == 0
    with refused("no_open_vial"):
        _inject(store, third, lot_no=MULTI)  # used up: the nurse opens the next one


def test_a_vial_past_its_time_is_refused_then_discarded_as_wasted(store, clock):
    _receive(store, MULTI, vials=3, per_vial=2)
    vial = stock.open_vial(store, staff_id="vac1", desk="1", lot_no=MULTI)
    _inject(store, _screened(store), lot_no=MULTI)
    clock.advance(hours=1, minutes=1)
    late = _screened(store)
    with refused("vial_expired", vial=vial["vial_id"]):
        _inject(store, late, lot_no=MULTI)
    assert stock.desk_vials(store, "1")[0]["expired"] is True
    with refused("vial_still_open"):
        stock.open_vial(store, staff_id="vac1", desk="1", lot_no=MULTI)  # discard it first
    gone = stock.discard_vial(store, staff_id="vac1", vial_id=vial["vial_id"], reason="expired_after_opening")
    assert (gone["doses_wasted"], gone["doses_left"], gone["discard_reason"]) == (
        1,
        0,
        "expired_after_opening",
    )
    lot = stock.lot(store, MULTI)
    assert (lot["doses_received"], lot["doses_used"], lot["doses_wasted"], lot["doses_left"]) == (6, 1, 1, 4)
    with refused("vial_discarded"):
        stock.discard_vial(store, staff_id="vac1", vial_id=vial["vial_id"], reason="broken")
    stock.open_vial(store, staff_id="vac1", desk="1", lot_no=MULTI)
    assert _inject(store, late, lot_no=MULTI)["lot_no"] == MULTI


def test_a_broken_vial_is_wasted_whole_with_its_reason(store):
    _receive(store, MULTI, vials=3, per_vial=2)
    vial = stock.open_vial(store, staff_id="vac1", desk="2", lot_no=MULTI)
    with refused("discard_reason_unknown"):
        stock.discard_vial(store, staff_id="vac1", vial_id=vial["vial_id"], reason="dropped")
    stock.discard_vial(store, staff_id="vac1", vial_id=vial["vial_id"], reason="broken", note="掉地上")
    event = json.loads(last_event(store)["payload"])
    assert (event["doses"], event["reason"], event["note"]) == (2, "broken", "掉地上")
    with refused("vial_unknown"):
        stock.discard_vial(store, staff_id="vac1", vial_id="V-nope", reason="broken")


# --- guards ------------------------------------------------------------------------------------------


def test_an_expired_lot_cannot_be_opened_nor_used(store):
    _receive(store, "OLD", days=-1)
    with refused("lot_expired", lot="OLD"):
        stock.open_vial(store, staff_id="vac1", desk="1", lot_no="OLD")
    with refused("lot_expired", lot="OLD"):
        _inject(store, _screened(store), lot_no="OLD")


def test_a_lot_of_another_product_cannot_be_used(store):
    _receive(store, "CV1", product=CORONAVAC)
    with refused("lot_wrong_product", lot="CV1"):
        _inject(store, _screened(store), lot_no="CV1", product=BBIBP)


def test_an_open_vial_of_another_lot_is_not_used_for_a_named_lot(store):
    _receive(store, MULTI, vials=3, per_vial=2)
    _receive(store, "M3", vials=3, per_vial=2)
    stock.open_vial(store, staff_id="vac1", desk="1", lot_no=MULTI)
    with refused("no_open_vial", lot="M3"):
        _inject(store, _screened(store), lot_no="M3")


def test_an_empty_lot_cannot_be_opened_nor_used(store):
    _receive(store, "ONE", vials=1)
    _inject(store, _screened(store), lot_no="ONE")
    with refused("out_of_stock", lot="ONE"):
        stock.open_vial(store, staff_id="vac1", desk="2", lot_no="ONE")
    with refused("out_of_stock", lot="ONE"):
        _inject(store, _screened(store), lot_no="ONE")


def test_a_lot_on_hold_or_quarantined_cannot_be_used(store, clock):
    coldchain.record_reading(store, staff_id="vac1", celsius=11.0)
    assert stock.lot(store, "LOT-A")["status"] == "hold"
    visit = _screened(store)
    with refused("lot_on_hold", lot="LOT-A"):
        _inject(store, visit, lot_no="LOT-A")
    with refused("lot_on_hold"):
        stock.open_vial(store, staff_id="vac1", desk="1", lot_no="LOT-A")
    assert stock.suggest_lot(store, BBIBP, DAY) is None and stock.doses_left(store, DAY) == 0
    coldchain.decide(store, staff_id="admin1", lot_no="LOT-A", decision="quarantine", reason="超温4小时")
    with refused("lot_quarantined", lot="LOT-A"):
        _inject(store, visit, lot_no="LOT-A")


def test_a_vial_belongs_to_its_desk(store):
    _receive(store, MULTI, vials=3, per_vial=2)
    vial = stock.open_vial(store, staff_id="vac1", desk="1", lot_no=MULTI)
    with refused("vial_other_desk", vial=vial["vial_id"]):
        _inject(store, _screened(store), desk="2", vial_id=vial["vial_id"])
    with refused("vial_unknown"):
        _inject(store, _screened(store), desk="2", vial_id="V-none")


def test_a_vial_scanned_of_another_lot_is_refused(store):
    from station.packcodes import gs1_hri

    _receive(store, MULTI, vials=3, per_vial=2)
    code = gs1_hri("06903561000011", "OTHER", DAY + timedelta(days=90), "7")
    with refused("vial_code_wrong_lot"):
        stock.open_vial(store, staff_id="vac1", desk="1", lot_no=MULTI, scanned_code=code)
    with refused("code_wrong_product"):  # a CoronaVac vial's code for a BBIBP lot
        stock.open_vial(store, staff_id="vac1", desk="1", lot_no=MULTI, scanned_code="81601010000000421234")
    vial = stock.open_vial(
        store, staff_id="vac1", desk="1", scanned_code=gs1_hri("06903561000011", MULTI, DAY, "8")
    )
    assert vial["lot_no"] == MULTI and vial["scanned_code"].endswith("(21)8")


def test_only_vaccinators_open_vials(store):
    with refused("not_permitted"):
        stock.open_vial(store, staff_id="pre1", desk="1", lot_no="LOT-A")


# --- two desks ---------------------------------------------------------------------------------------


def test_two_desks_on_one_lot_never_share_a_vial(store):
    _receive(store, MULTI, vials=4, per_vial=2)
    one = stock.open_vial(store, staff_id="vac1", desk="1", lot_no=MULTI)
    two = stock.open_vial(store, staff_id="vac1", desk="2", lot_no=MULTI)
    assert one["vial_id"] != two["vial_id"]
    doses = [_inject(store, _screened(store), desk=d, lot_no=MULTI) for d in ("1", "2", "2", "1")]
    assert [d["vial_id"] for d in doses] == [one["vial_id"], two["vial_id"], two["vial_id"], one["vial_id"]]
    lot = stock.lot(store, MULTI)
    assert (lot["vials_opened"], lot["doses_used"], lot["doses_left"]) == (2, 4, 4)
    assert rebuild.check(store).ok


# --- counts, warning, stock count --------------------------------------------------------------------


def test_summary_per_lot_per_product_and_in_total(store):
    _receive(store, MULTI, vials=3, per_vial=2)
    _receive(store, "CV1", product=CORONAVAC, vials=5)
    _inject(store, _screened(store), lot_no="LOT-A")
    vial = stock.open_vial(store, staff_id="vac1", desk="2", lot_no=MULTI)
    _inject(store, _screened(store), desk="2", lot_no=MULTI)
    stock.discard_vial(store, staff_id="vac1", vial_id=vial["vial_id"], reason="contaminated")
    figures = stock.summary(store)
    by_lot = {r["lot_no"]: (r["received"], r["used"], r["wasted"], r["left"]) for r in figures["lots"]}
    assert by_lot == {"LOT-A": (50, 1, 0, 49), MULTI: (6, 1, 1, 4), "CV1": (5, 0, 0, 5)}
    assert figures["products"][BBIBP] == {"received": 56, "used": 2, "wasted": 1, "left": 53}
    assert figures["total"] == {"received": 61, "used": 2, "wasted": 1, "left": 58}


def test_the_warning_compares_doses_left_with_bookings_left_and_the_margin(store):
    for _ in range(3):
        bookings.add_booking(store, new_person(), DAY, None, staff_id="admin1")
    warning = stock.stock_warning(store, DAY, 0)
    assert (warning["doses_left"], warning["bookings_left"], warning["short"]) == (50, 3, False)
    assert stock.stock_warning(store, DAY, 47)["short"] is False
    assert stock.stock_warning(store, DAY, 48)["short"] is True
    assert stock.stock_warning(store, DAY)["margin"] == 20  # the site's rule


def test_the_stock_count_records_differences_with_their_reason(store, clock):
    _inject(store, _screened(store), lot_no="LOT-A")
    sheet = {r["lot_no"]: r for r in stock.count_sheet(store)}
    assert (sheet["LOT-A"]["expected_doses"], sheet["LOT-A"]["expected_vials"]) == (49, 49)
    before = snapshot(store)
    with refused("count_reason_missing", expected=49, counted=48):
        stock.count_stock(store, staff_id="admin1", counts=[{"lot_no": "LOT-A", "vials": 48, "doses": 48}])
    with refused("count_negative"):
        stock.count_stock(store, staff_id="admin1", counts=[{"lot_no": "LOT-A", "vials": -1, "doses": 49}])
    with refused("not_permitted"):
        stock.count_stock(store, staff_id="vac1", counts=[{"lot_no": "LOT-A", "vials": 49, "doses": 49}])
    assert snapshot(store) == before
    rows = stock.count_stock(
        store,
        staff_id="admin1",
        counts=[{"lot_no": "LOT-A", "vials": 48, "doses": 48, "reason": "一支破损未登记"}],
    )
    assert (rows[0]["expected_doses"], rows[0]["counted_doses"], rows[0]["difference"]) == (49, 48, -1)
    assert [r["reason"] for r in stock.counts_of_day(store, DAY)] == ["一支破损未登记"]
    assert rebuild.check(store).ok


def test_the_plan_for_a_desk_names_its_open_vial_and_that_vial_s_lot(store):
    _receive(store, "SOON", days=10, vials=3, per_vial=2)  # first expiry, first out would pick it
    _receive(store, MULTI, vials=3, per_vial=2)
    visit = _screened(store)
    assert inject.plan(store, visit)["lot"]["lot_no"] == "SOON" and inject.plan(store, visit)["vial"] is None
    vial = stock.open_vial(store, staff_id="vac1", desk="4", lot_no=MULTI)
    planned = inject.plan(store, visit, desk="4")
    assert (planned["lot"]["lot_no"], planned["vial"]["vial_id"]) == (MULTI, vial["vial_id"])
    assert inject.plan(store, visit, desk="5")["lot"]["lot_no"] == "SOON"
    assert _inject(store, visit, desk="4", lot_no=planned["lot"]["lot_no"])["vial_id"] == vial["vial_id"]
