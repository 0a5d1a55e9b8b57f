"""The visit's state machine (station/flow.py) as the real commands use it.

Every state is reached through the commands, and every step is tried from every state: an
allowed step appends exactly one event and moves the visit; a refused one raises the code in
``flow.REFUSALS`` and leaves the log and the tables exactly as they were.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import timedelta

import pytest

from station import bookings, flow, signin
from station.identity import make_resident_id
from station.messages import catalogue
from station.store import Store
from tests.conftest import DAY, new_person
from tests.domainkit import (
    PATHS,
    STEPS,
    do_sign_in,
    drive,
    refused,
    snapshot,
    state,
)

pytestmark = pytest.mark.usefixtures("fast_pins")  # cheap PIN hashing, see conftest

# Where each allowed step leads, written out by hand (the design's arrows), so the test does not
# only restate flow.next_state.
EXPECTED_MOVES = {
    ("SignedIn", flow.BOOKED): flow.SIGNED_IN,
    ("Screened", flow.SIGNED_IN): flow.SCREENED,  # a passing screen
    ("BookingCancelled", flow.BOOKED): flow.CANCELLED,
    ("BookingCancelled", flow.SIGNED_IN): flow.CANCELLED,
    ("BookingCancelled", flow.SCREENED): flow.CANCELLED,
    ("BookingCancelled", flow.TURNED_AWAY): flow.CANCELLED,
    ("Injected", flow.SCREENED): flow.INJECTED,
    ("ObservationStarted", flow.INJECTED): flow.OBSERVING,
    ("AdverseEventReported", flow.INJECTED): flow.INJECTED,
    ("AdverseEventReported", flow.OBSERVING): flow.OBSERVING,
    ("AdverseEventReported", flow.RELEASED): flow.RELEASED,
    ("Released", flow.OBSERVING): flow.RELEASED,
    ("Called", flow.SCREENED): flow.SCREENED,  # the injection desk calls: no change of state
    ("CallMissed", flow.SCREENED): flow.SCREENED,
}

PAIRS = [(start, step) for start in flow.STATES for step in flow.ALLOWED_FROM]


def test_tables_cover_every_pair_once():
    allowed = {(step, s) for step, states in flow.ALLOWED_FROM.items() for s in states}
    assert allowed == set(EXPECTED_MOVES)
    assert len(PAIRS) == 8 * 9
    for step, codes in flow.REFUSALS.items():
        for s in flow.STATES:
            assert (s in codes) != (s in flow.ALLOWED_FROM[step]), (step, s)


def test_every_refusal_code_is_in_the_catalogue():
    codes = {code for row in flow.REFUSALS.values() for code in row.values()}
    assert codes - set(catalogue()) == set()


def test_design_rules_hold_in_the_table():
    # a person cannot be injected without a passed pre-screen; a visit cannot be signed in twice
    assert flow.ALLOWED_FROM["Injected"] == {flow.SCREENED}
    assert flow.ALLOWED_FROM["SignedIn"] == {flow.BOOKED}
    # ends stay ends: nothing moves a visit out of turned_away or cancelled except a cancel
    for step, states in flow.ALLOWED_FROM.items():
        if step != "BookingCancelled":
            assert flow.TURNED_AWAY not in states
        assert flow.CANCELLED not in states


def flow_events(store: Store) -> int:
    """Events of the flow's steps (stock events such as a vial opened are not steps)."""
    types = sorted(flow.ALLOWED_FROM)
    return store.scalar(f"SELECT count(*) FROM events WHERE type IN ({','.join('?' * len(types))})", types)


def vials_opened(store: Store) -> int:
    return store.scalar("SELECT count(*) FROM events WHERE type = 'VialOpened'")


def last_flow_event(store: Store) -> dict:
    types = sorted(flow.ALLOWED_FROM)
    marks = ",".join("?" * len(types))
    return store.one(f"SELECT * FROM events WHERE type IN ({marks}) ORDER BY pos DESC LIMIT 1", types)


@pytest.mark.parametrize(("start", "step"), PAIRS, ids=[f"{s}-{t}" for s, t in PAIRS])
def test_step_from_state(store, clock, booked, start, step):
    drive(store, clock, booked, start)
    before = snapshot(store, booked)
    flow_before, vials_before = flow_events(store), vials_opened(store)
    if start in flow.ALLOWED_FROM[step]:
        STEPS[step](store, booked, clock)
        assert flow_events(store) == flow_before + 1
        # an injection may also open the desk's vial (a single-dose vial opens in the same step)
        opened = vials_opened(store) - vials_before
        assert opened == 0 or (step == "Injected" and opened == 1)
        assert store.scalar("SELECT count(*) FROM events") == before["events"] + 1 + opened
        event = last_flow_event(store)
        assert (event["type"], event["visit_id"]) == (step, booked)
        expected = flow.next_state(step, start, json.loads(event["payload"]))
        assert expected == EXPECTED_MOVES[(step, start)]
        assert state(store, booked) == expected
        assert store.scalar("SELECT conflict FROM visits WHERE visit_id = ?", [booked]) == 0
    else:
        code = flow.REFUSALS[step][start]
        with refused(code, visit=booked, state=start):
            STEPS[step](store, booked, clock)
        assert snapshot(store, booked) == before


@pytest.mark.parametrize("target", list(PATHS))
def test_each_path_appends_one_event_per_step(store, clock, booked, target):
    before = flow_events(store)
    drive(store, clock, booked, target)
    types = [
        r["type"]
        for r in store.all("SELECT type FROM events WHERE pos > 0 ORDER BY pos")
        if r["type"] in flow.ALLOWED_FROM
    ]
    assert flow_events(store) == before + len(PATHS[target])
    assert types[len(types) - len(PATHS[target]) :] == [
        {
            "do_sign_in": "SignedIn",
            "do_screen": "Screened",
            "do_turn_away": "Screened",
            "do_cancel": "BookingCancelled",
            "do_inject": "Injected",
            "do_observe": "ObservationStarted",
            "do_release": "Released",
        }[f.__name__]
        for f in PATHS[target]
    ]


def test_unknown_visit_is_refused(store):
    before = snapshot(store)
    with refused("visit_unknown"):
        signin.sign_in(store, "no-such-visit", staff_id="sign1")
    assert snapshot(store) == before


# --- walk-ins --------------------------------------------------------------------------------


def test_walk_in_books_and_signs_in_in_one_step(store):
    person = new_person("李四")
    before = store.scalar("SELECT count(*) FROM events")
    visit = signin.walk_in(store, person, staff_id="sign1", desk="S2", method="scan")
    assert visit["state"] == flow.SIGNED_IN
    assert visit["source"] == "walk_in"
    assert visit["day"] == DAY.isoformat()
    assert visit["slot"] is None
    assert visit["queue_no"] == 1
    assert visit["person_id"] == person["person_id"]
    new = store.all("SELECT type, visit_id, staff_id FROM events WHERE pos > ? ORDER BY pos", [before])
    assert new == [
        {"type": "BookingAdded", "visit_id": visit["visit_id"], "staff_id": "sign1"},
        {"type": "SignedIn", "visit_id": visit["visit_id"], "staff_id": "sign1"},
    ]
    assert store.one("SELECT name FROM people WHERE person_id = ?", [person["person_id"]]) == {"name": "李四"}


def test_walk_in_twice_the_same_day_is_refused(store):
    person = new_person()
    first = signin.walk_in(store, person, staff_id="sign1")
    before = snapshot(store)
    with refused("already_booked", visit=first["visit_id"], day=DAY.isoformat()):
        signin.walk_in(store, person, staff_id="sign1")
    assert snapshot(store) == before


def test_walk_in_of_a_person_booked_today_is_refused(store, booked):
    person_id = bookings.visit(store, booked)["person_id"]
    person = store.one("SELECT * FROM people WHERE person_id = ?", [person_id])
    before = snapshot(store)
    with refused("already_booked", visit=booked):
        signin.walk_in(store, person, staff_id="sign1")
    assert snapshot(store) == before


def test_walk_in_after_a_cancelled_booking_is_allowed(store, clock, booked):
    drive(store, clock, booked, flow.CANCELLED)
    person_id = bookings.visit(store, booked)["person_id"]
    person = store.one("SELECT * FROM people WHERE person_id = ?", [person_id])
    visit = signin.walk_in(store, person, staff_id="sign1")
    assert visit["visit_id"] != booked
    assert visit["state"] == flow.SIGNED_IN
    assert state(store, booked) == flow.CANCELLED


def test_walk_in_is_atomic_when_the_sign_in_fails(store, monkeypatch):
    def broken(*a, **kw):
        raise RuntimeError("disk pulled out")

    monkeypatch.setattr(signin, "_next_queue_no", broken)
    before = snapshot(store)
    with pytest.raises(RuntimeError):
        signin.walk_in(store, new_person(), staff_id="sign1")
    assert snapshot(store) == before
    assert store.scalar("SELECT count(*) FROM people") == len(before["visits"])


def test_walk_in_by_non_signin_staff_books_nothing(store):
    before = snapshot(store)
    with refused("not_permitted"):
        signin.walk_in(store, new_person(), staff_id="pre1")
    assert snapshot(store) == before


# --- queue numbers ----------------------------------------------------------------------------


def test_queue_numbers_follow_sign_in_order(store):
    visits = [
        bookings.add_booking(store, new_person(), DAY, "08:00-08:30", staff_id="admin1") for _ in range(3)
    ]
    order = [visits[2], visits[0], visits[1]]
    got = [signin.sign_in(store, v, staff_id="sign1")["queue_no"] for v in order]
    assert got == [1, 2, 3]
    walk = signin.walk_in(store, new_person(), staff_id="sign1")
    assert walk["queue_no"] == 4
    for v, n in zip(order, [1, 2, 3], strict=True):
        assert bookings.visit(store, v)["queue_no"] == n


def test_booked_but_not_signed_in_has_no_queue_number(store, booked):
    assert bookings.visit(store, booked)["queue_no"] is None


def test_queue_numbers_restart_each_day(store, clock):
    today = bookings.add_booking(store, new_person(), DAY, None, staff_id="admin1")
    tomorrow = bookings.add_booking(store, new_person(), DAY + timedelta(days=1), None, staff_id="admin1")
    tomorrow2 = bookings.add_booking(store, new_person(), DAY + timedelta(days=1), None, staff_id="admin1")
    assert signin.sign_in(store, today, staff_id="sign1")["queue_no"] == 1
    clock.advance(days=1)
    assert signin.sign_in(store, tomorrow2, staff_id="sign1")["queue_no"] == 1
    assert signin.sign_in(store, tomorrow, staff_id="sign1")["queue_no"] == 2


def test_refused_sign_in_uses_no_queue_number(store, clock, booked):
    other = bookings.add_booking(store, new_person(), DAY, None, staff_id="admin1")
    do_sign_in(store, booked)
    with refused("already_signed_in"):
        do_sign_in(store, booked)
    assert signin.sign_in(store, other, staff_id="sign1")["queue_no"] == 2


# --- the booking's day ------------------------------------------------------------------------


@pytest.mark.parametrize("offset", [1, -1, 30])
def test_booking_for_another_day_cannot_be_signed_in(store, offset):
    day = DAY + timedelta(days=offset)
    visit_id = bookings.add_booking(store, new_person(), day, "09:00-09:30", staff_id="admin1")
    before = snapshot(store, visit_id)
    with refused("booking_other_day", day=day.isoformat(), today=DAY.isoformat()):
        signin.sign_in(store, visit_id, staff_id="sign1")
    assert snapshot(store, visit_id) == before
    assert state(store, visit_id) == flow.BOOKED


def test_tomorrows_booking_signs_in_tomorrow(store, clock):
    visit_id = bookings.add_booking(store, new_person(), DAY + timedelta(days=1), None, staff_id="admin1")
    clock.advance(days=1)
    assert signin.sign_in(store, visit_id, staff_id="sign1")["state"] == flow.SIGNED_IN


# --- find by ID number -----------------------------------------------------------------------


def _id_ending_in_x() -> str:
    for seq in range(1, 1000):
        number = make_resident_id("110105", DAY.replace(year=1985), seq)
        if number.endswith("X"):
            return number
    raise AssertionError("no seq gives an X check character")


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.fixture
def x_person(store):
    number = _id_ending_in_x()
    person = bookings.person_record(name="王五", id_number=number, phone="13812345678", today=DAY)
    visit_id = bookings.add_booking(store, person, DAY, "10:00-10:30", staff_id="admin1")
    return number, person, visit_id


@pytest.mark.parametrize(
    "typed",
    [
        lambda n: n,
        lambda n: n.lower(),
        lambda n: f"  {n.lower()}\t",
        _full_width,
        lambda n: _full_width(n.lower()),
    ],
    ids=["as-is", "lowercase-x", "spaces", "full-width", "full-width-lowercase"],
)
def test_find_by_id_number_normalises(store, x_person, typed):
    number, person, visit_id = x_person
    text = typed(number)
    if typed is _full_width:
        assert text != number and unicodedata.normalize("NFKC", text) == number
    found = signin.find(store, text, DAY)
    assert found is not None
    assert found.person["person_id"] == person["person_id"]
    assert found.person["id_number"] == number
    assert found.visit is not None and found.visit["visit_id"] == visit_id


def test_find_unknown_person_is_none(store, x_person):
    assert signin.find(store, make_resident_id("110105", DAY.replace(year=1970), 7), DAY) is None


def test_find_known_person_without_a_visit_that_day(store, x_person):
    number, person, _ = x_person
    found = signin.find(store, number, DAY + timedelta(days=1))
    assert found is not None and found.person["person_id"] == person["person_id"]
    assert found.visit is None


def test_find_skips_a_cancelled_booking(store, clock, x_person):
    number, _, visit_id = x_person
    drive(store, clock, visit_id, flow.CANCELLED)
    found = signin.find(store, number, DAY)
    assert found is not None and found.visit is None


def test_find_then_sign_in(store, x_person):
    number, _, visit_id = x_person
    found = signin.find(store, number.lower(), DAY)
    assert found is not None and found.visit is not None
    visit = signin.sign_in(store, found.visit["visit_id"], staff_id="sign1")
    assert visit["visit_id"] == visit_id and visit["state"] == flow.SIGNED_IN
    assert signin.find(store, number, DAY).visit["state"] == flow.SIGNED_IN


def test_find_passport_by_upper_cased_number(store):
    person = bookings.person_record(name="Ann Lee", id_number="E12345678", id_type="passport", today=DAY)
    visit_id = bookings.add_booking(store, person, DAY, None, staff_id="admin1")
    found = signin.find(store, " e12345678 ", DAY, id_type="passport")
    assert found is not None and found.visit["visit_id"] == visit_id
    assert signin.find(store, "E12345678", DAY) is None  # not a resident ID
