"""Corrections and voids (#13): new events with a reason, never an edit; the window; the admin after it;
what each void means for the flow and stock; rebuild and sync in any order give the same tables."""

from __future__ import annotations

import json

import pytest

from station import corrections, ledger, signin, stock
from station.reports.figures import day_figures
from station.store import Event

from .conftest import DAY, new_person, proven
from .domainkit import do_aefi, do_inject, do_observe, do_screen, do_sign_in, refused, state
from .test_store import Wall, assert_rebuilds, assert_same_tables, missing, open_station, seed_staff_and_stock


def event_of(store, visit_id, type_) -> Event:
    row = store.one(
        "SELECT * FROM events WHERE visit_id = ? AND type = ? ORDER BY pos DESC LIMIT 1", [visit_id, type_]
    )
    return Event.from_row(row)


def injected_visit(store, booked):
    do_sign_in(store, booked)
    do_screen(store, booked)
    do_inject(store, booked)
    return event_of(store, booked, "Injected")


def used(store, lot="LOT-A"):
    return store.scalar("SELECT doses_used FROM lots WHERE lot_no = ?", [lot])


# --- corrections ----------------------------------------------------------------------------------


def test_the_author_corrects_the_body_site_within_the_window(store, booked, clock):
    target = injected_visit(store, booked)
    clock.advance(minutes=10)
    fix = corrections.correct(
        store, target.id, {"body_site": "right_deltoid"}, reason="wrong arm", staff_id="vac1"
    )
    assert fix.type == "RecordCorrected" and fix.visit_id == booked
    assert fix.payload["before"] != {"body_site": "right_deltoid"}
    assert store.scalar("SELECT body_site FROM doses WHERE event_id = ?", [target.id]) == "right_deltoid"
    # the original event is untouched
    held = store.one("SELECT payload FROM events WHERE id = ?", [target.id])
    assert json.loads(held["payload"]) == target.payload
    assert_rebuilds(store)


def test_a_lot_typed_wrong_moves_the_dose_between_lots(store, booked):
    stock.receive(
        store,
        staff_id="admin1",
        lot_no="LOT-B",
        product="sinopharm_bbibp",
        expiry=DAY.replace(year=2027),
        vials=5,
    )
    target = injected_visit(store, booked)
    assert (used(store, "LOT-A"), used(store, "LOT-B")) == (1, 0)
    corrections.correct(
        store, target.id, {"lot_no": "LOT-B", "dose_number": 2}, reason="typo", staff_id="vac1"
    )
    assert (used(store, "LOT-A"), used(store, "LOT-B")) == (0, 1)
    assert store.one("SELECT lot_no, dose_number FROM doses WHERE event_id = ?", [target.id]) == {
        "lot_no": "LOT-B",
        "dose_number": 2,
    }
    with refused("correction_lot_unknown"):
        corrections.correct(store, target.id, {"lot_no": "NOPE"}, reason="typo", staff_id="vac1")
    assert_rebuilds(store)


def test_temperature_name_and_reaction_corrections(store, booked):
    do_sign_in(store, booked)
    do_screen(store, booked, temperature=36.6)
    screened = event_of(store, booked, "Screened")
    corrections.correct(store, screened.id, {"temperature": "36.9"}, reason="misread", staff_id="pre1")
    assert store.scalar("SELECT temperature FROM screenings WHERE event_id = ?", [screened.id]) == 36.9
    booking = event_of(store, booked, "BookingAdded")
    corrections.correct(
        store, booking.id, {"name": "李四", "phone": "13900000000"}, reason="typo", staff_id=proven(store)
    )
    person = store.one(
        "SELECT p.name, p.phone FROM people p JOIN visits v USING (person_id) WHERE visit_id = ?", [booked]
    )
    assert person == {"name": "李四", "phone": "13900000000"}
    do_inject(store, booked)
    do_observe(store, booked)
    do_aefi(store, booked, notes="rash")
    report = event_of(store, booked, "AdverseEventReported")
    corrections.correct(
        store,
        report.id,
        {"notes": "rash on the left arm", "handling": "treated_on_site"},
        reason="more detail",
        staff_id="obs1",
    )
    assert store.one("SELECT notes, handling FROM aefi WHERE visit_id = ?", [booked]) == {
        "notes": "rash on the left arm",
        "handling": "treated_on_site",
    }
    assert_rebuilds(store)


def test_refusals(store, booked, clock):
    target = injected_visit(store, booked)
    with refused("correction_reason_required"):
        corrections.correct(store, target.id, {"body_site": "x"}, reason="  ", staff_id="vac1")
    with refused("correction_field_not_allowed"):
        corrections.correct(store, target.id, {"product": "x"}, reason="r", staff_id="vac1")
    with refused("correction_nothing_changed"):
        corrections.correct(
            store, target.id, {"body_site": target.payload["body_site"]}, reason="r", staff_id="vac1"
        )
    with refused("correction_target_unknown"):
        corrections.correct(store, "no-such-id", {"body_site": "x"}, reason="r", staff_id="vac1")
    with refused("correction_type_not_allowed"):
        corrections.correct(
            store, event_of(store, booked, "SignedIn").id, {"desk": "2"}, reason="r", staff_id="sign1"
        )
    with refused("correction_not_author"):  # another vaccinator
        corrections.correct(store, target.id, {"body_site": "x"}, reason="r", staff_id="pre1")
    with refused("void_too_late", state="injected"):  # the person was injected: sign-in stays
        corrections.void(store, event_of(store, booked, "SignedIn").id, reason="r", staff_id="sign1")


def test_the_window_then_only_the_admin_with_a_session(store, booked, clock):
    target = injected_visit(store, booked)
    clock.advance(minutes=31)
    with refused("correction_window_passed", minutes=30):
        corrections.correct(store, target.id, {"body_site": "x"}, reason="r", staff_id="vac1")
    with refused("session_required"):  # naming the admin's id is not enough
        corrections.correct(store, target.id, {"body_site": "x"}, reason="r", staff_id="admin1")
    fix = corrections.correct(store, target.id, {"body_site": "x"}, reason="r", staff_id=proven(store))
    assert fix.payload["as"] == "admin"
    # a longer window set by the site lets the author in
    corrections.correct(store, target.id, {"body_site": "y"}, reason="r", staff_id="vac1", window_minutes=60)


# --- voids ----------------------------------------------------------------------------------------


def test_voiding_an_injection_gives_the_dose_back_and_returns_the_visit_to_screened(store, booked):
    target = injected_visit(store, booked)
    do_observe(store, booked)
    assert used(store) == 1
    corrections.void(store, target.id, reason="recorded on the wrong person", staff_id="vac1")
    assert used(store) == 0
    assert state(store, booked) == "screened"
    assert store.scalar("SELECT count(*) FROM doses WHERE visit_id = ?", [booked]) == 0
    assert store.scalar("SELECT count(*) FROM observations WHERE visit_id = ?", [booked]) == 0
    with refused("correction_target_voided"):
        corrections.void(store, target.id, reason="again", staff_id="vac1")
    do_inject(store, booked)  # recorded again, on the right visit
    assert state(store, booked) == "injected" and used(store) == 1
    assert_rebuilds(store)


def test_an_injection_with_a_reaction_is_not_voided_before_the_reaction(store, booked):
    target = injected_visit(store, booked)
    do_observe(store, booked)
    do_aefi(store, booked)
    with refused("void_injection_with_reaction"):
        corrections.void(store, target.id, reason="r", staff_id="vac1")
    corrections.void(
        store, event_of(store, booked, "AdverseEventReported").id, reason="wrong person", staff_id="obs1"
    )
    assert store.scalar("SELECT count(*) FROM aefi WHERE visit_id = ?", [booked]) == 0
    corrections.void(store, target.id, reason="r", staff_id="vac1")
    assert state(store, booked) == "screened"
    assert_rebuilds(store)


def test_voiding_a_duplicate_walk_in_removes_the_visit(store):
    first = signin.walk_in(store, new_person("王五"), staff_id="sign1")
    twin = signin.walk_in(store, new_person("王五"), staff_id="sign1")  # typed twice, another ID number
    booking = event_of(store, twin["visit_id"], "BookingAdded")
    corrections.void(store, booking.id, reason="created twice", staff_id="sign1")
    assert store.scalar("SELECT count(*) FROM visits WHERE visit_id = ?", [twin["visit_id"]]) == 0
    assert store.scalar("SELECT count(*) FROM visits WHERE day = ?", [DAY.isoformat()]) == 1
    assert store.scalar("SELECT state FROM visits WHERE visit_id = ?", [first["visit_id"]]) == "signed_in"
    assert_rebuilds(store)


def test_voiding_a_sign_in_and_a_screening_step_back(store, booked):
    do_sign_in(store, booked)
    do_screen(store, booked)
    corrections.void(store, event_of(store, booked, "Screened").id, reason="wrong person", staff_id="pre1")
    assert state(store, booked) == "signed_in"
    assert store.scalar("SELECT count(*) FROM screenings WHERE visit_id = ?", [booked]) == 0
    corrections.void(store, event_of(store, booked, "SignedIn").id, reason="wrong booking", staff_id="sign1")
    assert store.one("SELECT state, queue_no FROM visits WHERE visit_id = ?", [booked]) == {
        "state": "booked",
        "queue_no": None,
    }
    do_sign_in(store, booked)
    assert state(store, booked) == "signed_in"
    assert_rebuilds(store)


# --- reports --------------------------------------------------------------------------------------


def test_the_day_report_and_ledger_count_corrected_values_and_leave_out_voided_records(store, tmp_path):
    a = signin.walk_in(store, new_person("甲"), staff_id="sign1")["visit_id"]
    b = signin.walk_in(store, new_person("乙"), staff_id="sign1")["visit_id"]
    for v in (a, b):
        do_screen(store, v)
        do_inject(store, v)
    before = day_figures(store, DAY)
    corrections.void(store, event_of(store, b, "Injected").id, reason="wrong visit", staff_id="vac1")
    corrections.correct(
        store, event_of(store, a, "Injected").id, {"dose_number": 2}, reason="typo", staff_id="vac1"
    )
    after = day_figures(store, DAY)
    assert json.dumps(before, default=str) != json.dumps(after, default=str)
    out = tmp_path / "ledger.xlsx"
    ledger.write_ledger(store, DAY, out)
    from openpyxl import load_workbook

    sheet = load_workbook(out).worksheets[0]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    text = json.dumps(cells, ensure_ascii=False, default=str)
    assert "甲" in text and "乙" not in text  # voided injection: not vaccinated
    headers = cells[0]
    dose_col = next(i for i, h in enumerate(headers) if h and "剂次" in str(h))
    row_a = next(r for r in cells if "甲" in json.dumps(r, ensure_ascii=False, default=str))
    assert str(row_a[dose_col]).strip() in ("2", "第2剂")


# --- sync in any order ------------------------------------------------------------------------------


@pytest.fixture
def pair(tmp_path, clock):
    wa, wb = Wall(1_800_000_000.0), Wall(1_800_000_000.0)
    a = open_station(tmp_path / "a.sqlite3", "desk-a", clock, wa)
    b = open_station(tmp_path / "b.sqlite3", "desk-b", clock, wb)
    seed_staff_and_stock(a)
    b.ingest(a.events())
    yield a, b
    a.close()
    b.close()


@pytest.mark.parametrize("order", ["target_first", "correction_first"])
def test_two_laptops_get_the_same_tables_in_either_order(pair, tmp_path, clock, order):
    a, b = pair
    c = open_station(tmp_path / "c.sqlite3", "desk-c", clock, Wall(1_800_000_000.0))
    c.ingest(a.events())
    visit = signin.walk_in(a, new_person("丙"), staff_id="sign1")["visit_id"]
    do_screen(a, visit)
    do_inject(a, visit)
    twin = signin.walk_in(a, new_person("丁"), staff_id="sign1")["visit_id"]
    b.ingest(missing(b, a))  # the admin's laptop hears of them, then corrects and voids
    clock.advance(minutes=45)
    admin = proven(b)
    corrections.correct(
        b, event_of(b, visit, "Injected").id, {"body_site": "right_deltoid"}, reason="r", staff_id=admin
    )
    corrections.void(b, event_of(b, twin, "BookingAdded").id, reason="created twice", staff_id=admin)
    from_a, from_b = (
        missing(c, a),
        [e for e in b.events() if e.origin == "desk-b" and e.seq > c.version_vector().get("desk-b", 0)],
    )
    if order == "target_first":
        c.ingest(from_a)
        c.ingest(from_b)
    else:
        c.ingest(from_b)  # the corrections before the records they correct
        c.ingest(from_a)
    a.ingest(missing(a, b))
    assert_same_tables(a, b)
    assert_same_tables(a, c)
    assert c.scalar("SELECT body_site FROM doses WHERE visit_id = ?", [visit]) == "right_deltoid"
    assert c.scalar("SELECT count(*) FROM visits WHERE visit_id = ?", [twin]) == 0
    assert_rebuilds(a, b, c)
    c.close()


def test_a_void_that_arrives_after_another_laptop_moved_the_person_on_is_a_conflict(pair, clock):
    a, b = pair
    visit = signin.walk_in(a, new_person("戊"), staff_id="sign1")["visit_id"]
    b.ingest(missing(b, a))
    corrections.void(b, event_of(b, visit, "SignedIn").id, reason="wrong booking", staff_id="sign1")
    do_screen(a, visit)  # meanwhile laptop A screened the person (later by HLC than the void? either way)
    a.ingest(missing(a, b))
    b.ingest(missing(b, a))
    assert_same_tables(a, b)
    assert_rebuilds(a, b)
    codes = {r["code"] for r in a.all("SELECT code FROM conflicts WHERE visit_id = ?", [visit])}
    assert codes & {"void_too_late", "not_signed_in"}, codes  # whichever came second is the conflict
