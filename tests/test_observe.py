"""Observation after the injection: seats, the countdown, release, and adverse events (AEFI)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from station import bookings, flow, observe
from tests.conftest import DAY, new_person
from tests.domainkit import answers, do_inject, do_screen, do_sign_in, drive, refused, snapshot, state

pytestmark = pytest.mark.usefixtures("fast_pins")  # cheap PIN hashing, see conftest


def _injected(store, **screen_kw) -> str:
    visit_id = bookings.add_booking(store, new_person(), DAY, None, staff_id="admin1")
    do_sign_in(store, visit_id)
    do_screen(store, visit_id, **screen_kw)
    do_inject(store, visit_id)
    return visit_id


def _observation(store, visit_id):
    return store.one("SELECT * FROM observations WHERE visit_id = ?", [visit_id])


@pytest.fixture
def watching(store) -> str:
    visit_id = _injected(store)
    observe.start_observation(store, visit_id, staff_id="obs1")
    return visit_id


def _at(clock, minutes: int) -> str:
    return (clock.t + timedelta(minutes=minutes)).isoformat()


# --- seats ---------------------------------------------------------------------------------


def test_observation_starts_with_30_minutes(store, clock):
    visit_id = _injected(store)
    obs = observe.start_observation(store, visit_id, staff_id="obs1")
    assert (obs["seat"], obs["minutes"]) == (1, 30)
    assert obs["started_at"] == clock.t.isoformat()
    assert obs["until"] == _at(clock, 30)
    assert state(store, visit_id) == flow.OBSERVING


def test_vaccinator_may_seat_the_person(store):
    visit_id = _injected(store)
    assert observe.start_observation(store, visit_id, staff_id="vac1")["seat"] == 1


def test_seats_lowest_free_first_and_freed_on_release(store, clock):
    people = [_injected(store) for _ in range(4)]
    seats = [observe.start_observation(store, v, staff_id="obs1")["seat"] for v in people[:3]]
    assert seats == [1, 2, 3]
    assert observe.taken_seats(store) == {1, 2, 3}
    clock.advance(minutes=30)
    observe.release(store, people[1], staff_id="obs1")
    assert observe.taken_seats(store) == {1, 3}
    assert observe.free_seat(store) == 2
    assert observe.start_observation(store, people[3], staff_id="obs1")["seat"] == 2


def test_chosen_seat(store):
    visit_id = _injected(store)
    assert observe.start_observation(store, visit_id, staff_id="obs1", seat=7)["seat"] == 7
    assert observe.free_seat(store) == 1


def test_seat_taken(store, watching):
    other = _injected(store)
    before = snapshot(store, other)
    with refused("seat_taken", seat=1):
        observe.start_observation(store, other, staff_id="obs1", seat=1)
    assert snapshot(store, other) == before
    assert state(store, other) == flow.INJECTED


@pytest.mark.parametrize("seat", [0, -1, 101])
def test_seat_out_of_range(store, seat):
    visit_id = _injected(store)
    before = snapshot(store, visit_id)
    with refused("seat_out_of_range", seat=seat, seats=100):
        observe.start_observation(store, visit_id, staff_id="obs1", seat=seat)
    assert snapshot(store, visit_id) == before


def test_full_room_still_starts_observation_standing(store):
    first, second = _injected(store), _injected(store)
    assert observe.start_observation(store, first, staff_id="obs1", seats=1)["seat"] == 1
    obs = observe.start_observation(store, second, staff_id="obs1", seats=1)
    assert obs["seat"] is None and state(store, second) == flow.OBSERVING


def test_observing_lists_soonest_release_first(store, clock):
    a = _injected(store)
    observe.start_observation(store, a, staff_id="obs1", minutes=60)
    clock.advance(minutes=5)
    b = _injected(store)
    observe.start_observation(store, b, staff_id="obs1")
    rows = observe.observing(store, DAY.isoformat())
    assert [r["visit_id"] for r in rows] == [b, a]
    assert observe.observing(store, (DAY + timedelta(days=1)).isoformat()) == []


# --- release ------------------------------------------------------------------------------


@pytest.mark.parametrize(("after", "left"), [(0, 30), (10, 20), (29, 1), (29.5, 1)])
def test_release_before_time_is_refused(store, clock, watching, after, left):
    clock.advance(minutes=after)
    before = snapshot(store, watching)
    with refused("observation_not_finished", minutes=left, until="08:30"):
        observe.release(store, watching, staff_id="obs1")
    assert snapshot(store, watching) == before
    assert state(store, watching) == flow.OBSERVING


def test_minutes_left_rounds_up_and_stops_at_zero(watching, store, clock):
    obs = _observation(store, watching)
    assert observe.minutes_left(obs, clock.t) == 30
    assert observe.minutes_left(obs, clock.t + timedelta(seconds=1)) == 30
    assert observe.minutes_left(obs, clock.t + timedelta(minutes=29, seconds=59)) == 1
    assert observe.minutes_left(obs, clock.t + timedelta(minutes=45)) == 0


@pytest.mark.parametrize("after", [30, 31, 120])
def test_released_after_30_minutes(store, clock, watching, after):
    clock.advance(minutes=after)
    visit = observe.release(store, watching, staff_id="obs1")
    assert visit["state"] == flow.RELEASED and visit["released_at"] == clock.t.isoformat()
    obs = _observation(store, watching)
    assert (obs["released_by"], obs["override_reason"]) == ("obs1", None)
    payload = json.loads(store.scalar("SELECT payload FROM events WHERE type = 'Released'"))
    assert payload["minutes_left"] == 0 and payload["override_reason"] is None


def test_release_twice_is_refused(store, clock, watching):
    clock.advance(minutes=30)
    observe.release(store, watching, staff_id="obs1")
    with refused("already_released"):
        observe.release(store, watching, staff_id="obs1")


def test_early_release_with_a_reason_is_recorded(store, clock, watching):
    clock.advance(minutes=12)
    visit = observe.release(
        store, watching, staff_id="obs1", override_reason="  sent to hospital by the doctor "
    )
    assert visit["state"] == flow.RELEASED
    obs = _observation(store, watching)
    assert obs["override_reason"] == "sent to hospital by the doctor"
    assert obs["released_by"] == "obs1"
    payload = json.loads(store.scalar("SELECT payload FROM events WHERE type = 'Released'"))
    assert payload["minutes_left"] == 18


def test_reason_after_the_time_is_up_is_not_an_override(store, clock, watching):
    clock.advance(minutes=31)
    observe.release(store, watching, staff_id="obs1", override_reason="no need")
    assert _observation(store, watching)["override_reason"] is None


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_blank_override_reason_does_not_release_early(store, clock, watching, reason):
    clock.advance(minutes=5)
    with refused("observation_not_finished", minutes=25):
        observe.release(store, watching, staff_id="obs1", override_reason=reason)


def test_vaccinator_cannot_release_even_early_with_a_reason(store, clock, watching):
    clock.advance(minutes=5)
    before = snapshot(store, watching)
    with refused("not_permitted", staff="vac1"):
        observe.release(store, watching, staff_id="vac1", override_reason="busy")
    assert snapshot(store, watching) == before


def test_release_of_an_injected_person_not_seated_is_refused(store):
    visit_id = _injected(store)
    with refused("not_observing"):
        observe.release(store, visit_id, staff_id="obs1")


# --- longer observation --------------------------------------------------------------------


def test_allergy_history_gives_60_minutes(store, clock):
    visit_id = _injected(store, answers=answers("allergy_history"))
    obs = observe.start_observation(store, visit_id, staff_id="obs1")
    assert obs["minutes"] == 60 and obs["until"] == _at(clock, 60)
    clock.advance(minutes=30)
    with refused("observation_not_finished", minutes=30, until="09:00"):
        observe.release(store, visit_id, staff_id="obs1")
    clock.advance(minutes=30)
    assert observe.release(store, visit_id, staff_id="obs1")["state"] == flow.RELEASED


def test_other_pass_notes_keep_30_minutes(store):
    visit_id = _injected(store, answers=answers("immunocompromised"))
    assert observe.start_observation(store, visit_id, staff_id="obs1")["minutes"] == 30


def test_doctor_may_choose_the_minutes(store, clock):
    visit_id = _injected(store)
    obs = observe.start_observation(store, visit_id, staff_id="obs1", minutes=45)
    assert obs["minutes"] == 45 and obs["until"] == _at(clock, 45)


# --- adverse events -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "severity", "handling", "serious"),
    [
        ("fever", "mild", "observed", False),
        ("local_pain", "moderate", "treated_on_site", False),
        ("allergic_rash", "moderate", "treated_on_site", False),
        ("anaphylaxis", "mild", "observed", True),
        ("anaphylaxis", "severe", "transferred_to_hospital", True),
        ("headache", "severe", "observed", True),
        ("vasovagal_syncope", "mild", "transferred_to_hospital", True),
    ],
)
def test_aefi_recorded_with_serious_flag(store, clock, watching, category, severity, handling, serious):
    clock.advance(minutes=10)
    onset = clock.t - timedelta(minutes=2)
    row = observe.report_aefi(
        store,
        watching,
        staff_id="obs1",
        category=category,
        severity=severity,
        handling=handling,
        onset_at=onset,
        notes="  pale, sweating ",
    )
    assert (row["category"], row["severity"], row["handling"]) == (category, severity, handling)
    assert row["serious"] == int(serious)
    assert row["visit_id"] == watching and row["staff_id"] == "obs1"
    assert row["onset_at"] == onset.isoformat() and row["at"] == clock.t.isoformat()
    assert row["notes"] == "pale, sweating"
    payload = json.loads(store.scalar("SELECT payload FROM events WHERE type = 'AdverseEventReported'"))
    assert payload["kind"] == observe.AEFI_CATEGORIES[category]
    assert payload["serious"] is serious
    # handed over to hospital ends the observation; any other handling keeps it going
    handed_over = handling == "transferred_to_hospital"
    assert state(store, watching) == (flow.RELEASED if handed_over else flow.OBSERVING)


def test_aefi_extends_observation(store, clock, watching):
    assert _observation(store, watching)["until"] == _at(clock, 30)
    start = clock.t
    clock.advance(minutes=20)
    observe.report_aefi(
        store, watching, staff_id="obs1", category="nausea", severity="mild", handling="observed"
    )
    # 30 minutes added to the end of the observation (08:30), not counted from the report (08:20)
    assert _observation(store, watching)["until"] == (start + timedelta(minutes=60)).isoformat()
    clock.advance(minutes=30)  # the original 30 minutes are up, the extension is not
    with refused("observation_not_finished", minutes=10, until="09:00"):
        observe.release(store, watching, staff_id="obs1")
    clock.advance(minutes=10)
    assert observe.release(store, watching, staff_id="obs1")["state"] == flow.RELEASED


def test_an_early_report_extends_the_observation(store, clock, watching):
    """Reported 2 minutes after seating: "extend by 30" used to end at 08:32, before 08:30+30."""
    start = clock.t
    clock.advance(minutes=2)
    observe.report_aefi(
        store, watching, staff_id="obs1", category="fatigue", severity="mild", handling="observed"
    )
    assert _observation(store, watching)["until"] == (start + timedelta(minutes=60)).isoformat()


def test_a_short_extension_still_adds_to_the_end(store, clock, watching):
    observe.report_aefi(
        store,
        watching,
        staff_id="obs1",
        category="fatigue",
        severity="mild",
        handling="observed",
        extend_minutes=5,
    )
    assert _observation(store, watching)["until"] == _at(clock, 35)


def test_a_second_reaction_adds_to_the_extended_end(store, clock, watching):
    start = clock.t
    clock.advance(minutes=10)
    observe.report_aefi(
        store, watching, staff_id="obs1", category="fever", severity="mild", handling="observed"
    )
    clock.advance(minutes=10)
    observe.report_aefi(
        store,
        watching,
        staff_id="obs1",
        category="headache",
        severity="mild",
        handling="observed",
        extend_minutes=15,
    )
    assert _observation(store, watching)["until"] == (start + timedelta(minutes=75)).isoformat()


def test_a_reaction_after_the_end_extends_from_the_report(store, clock, watching):
    """Still in the room 10 minutes after their time was up: 30 more minutes from now, not from 08:30."""
    clock.advance(minutes=40)
    observe.report_aefi(
        store, watching, staff_id="obs1", category="fever", severity="mild", handling="observed"
    )
    assert _observation(store, watching)["until"] == _at(clock, 30)


def test_no_extension_leaves_the_end(store, clock, watching):
    clock.advance(minutes=10)
    observe.report_aefi(
        store,
        watching,
        staff_id="obs1",
        category="fever",
        severity="mild",
        handling="observed",
        extend_minutes=0,
    )
    assert _observation(store, watching)["until"] == _at(clock, 20)


def test_aefi_extension_by_the_chosen_minutes(store, clock, watching):
    start = clock.t
    clock.advance(minutes=25)
    observe.report_aefi(
        store,
        watching,
        staff_id="vac1",
        category="allergic_rash",
        severity="moderate",
        handling="treated_on_site",
        extend_minutes=60,
    )
    assert _observation(store, watching)["until"] == (start + timedelta(minutes=90)).isoformat()


def test_aefi_before_seating_and_after_release(store, clock):
    visit_id = _injected(store)
    observe.report_aefi(
        store,
        visit_id,
        staff_id="vac1",
        category="vasovagal_syncope",
        severity="moderate",
        handling="treated_on_site",
    )
    assert state(store, visit_id) == flow.INJECTED
    observe.start_observation(store, visit_id, staff_id="obs1")
    clock.advance(minutes=60)  # 30 minutes of observation and the reaction's 30 added
    observe.release(store, visit_id, staff_id="obs1")
    observe.report_aefi(
        store, visit_id, staff_id="obs1", category="fever", severity="mild", handling="observed"
    )
    assert state(store, visit_id) == flow.RELEASED
    assert store.scalar("SELECT count(*) FROM aefi WHERE visit_id = ?", [visit_id]) == 2
    assert observe.observing(store) == []


def test_aefi_before_injection_is_refused(store, clock, booked):
    drive(store, clock, booked, flow.SCREENED)
    with refused("not_injected"):
        observe.report_aefi(
            store, booked, staff_id="obs1", category="fever", severity="mild", handling="observed"
        )


def test_aefi_count_in_the_observation_list(store, watching):
    observe.report_aefi(
        store, watching, staff_id="obs1", category="fever", severity="mild", handling="observed"
    )
    observe.report_aefi(
        store, watching, staff_id="obs1", category="headache", severity="mild", handling="observed"
    )
    (row,) = observe.observing(store)
    assert row["aefi_count"] == 2


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("category", "sneezing", "aefi_category_unknown"),
        ("category", "Fever", "aefi_category_unknown"),
        ("severity", "deadly", "aefi_severity_unknown"),
        ("severity", "", "aefi_severity_unknown"),
        ("handling", "ignored", "aefi_handling_unknown"),
        ("handling", "transferred", "aefi_handling_unknown"),
    ],
)
def test_bad_aefi_codes_are_refused(store, watching, field, value, code):
    kw = {"category": "fever", "severity": "mild", "handling": "observed", field: value}
    before = snapshot(store, watching)
    with refused(code, **{field: value}):
        observe.report_aefi(store, watching, staff_id="obs1", **kw)
    assert snapshot(store, watching) == before


def test_is_serious():
    assert observe.is_serious("anaphylaxis", "mild", "observed")
    assert observe.is_serious("fever", "severe", "observed")
    assert observe.is_serious("fever", "mild", "transferred_to_hospital")
    assert not observe.is_serious("allergic_rash", "moderate", "treated_on_site")


def test_observation_times_are_aware(store, watching):
    obs = _observation(store, watching)
    assert datetime.fromisoformat(obs["until"]).utcoffset() == timedelta(hours=8)


def test_a_seat_left_taken_yesterday_is_free_today(store, clock, watching):
    # yesterday's person was never released (the exit desk missed them): their chair is free today
    clock.advance(days=1)
    assert state(store, watching) == flow.OBSERVING
    today = bookings.add_booking(store, new_person(), DAY + timedelta(days=1), None, staff_id="admin1")
    do_sign_in(store, today)
    do_screen(store, today)
    do_inject(store, today)
    assert observe.start_observation(store, today, staff_id="obs1")["seat"] == 1


def test_reaction_before_seating_extends_the_observation(store, clock, booked):
    from tests.domainkit import drive

    drive(store, clock, booked, "injected")
    observe.report_aefi(
        store,
        booked,
        staff_id="obs1",
        category="vasovagal_syncope",
        severity="mild",
        handling="treated_on_site",
        extend_minutes=60,
    )
    clock.advance(minutes=5)
    obs = observe.start_observation(store, booked, staff_id="obs1")
    # the 60 minutes are added to the 30 of the observation that starts at seating
    assert datetime.fromisoformat(obs["until"]) == clock() + timedelta(minutes=90)


def test_reaction_checks_onset_and_extension(store, clock, booked):
    from tests.domainkit import drive, refused

    drive(store, clock, booked, "observing")
    with refused("aefi_onset_in_future"):
        observe.report_aefi(
            store,
            booked,
            staff_id="obs1",
            category="fever",
            severity="mild",
            handling="observed",
            onset_at=clock() + timedelta(hours=1),
        )
    with refused("observation_minutes_invalid"):
        observe.report_aefi(
            store,
            booked,
            staff_id="obs1",
            category="fever",
            severity="mild",
            handling="observed",
            extend_minutes=100000,
        )


# --- handed over to hospital ------------------------------------------------------------------


def _hand_over(store, visit_id, **kw):
    kw.setdefault("category", "anaphylaxis")
    kw.setdefault("severity", "severe")
    return observe.report_aefi(store, visit_id, staff_id="obs1", handling="transferred_to_hospital", **kw)


def test_handover_to_hospital_ends_the_observation(store, clock, watching):
    from station.status import day_status

    clock.advance(minutes=5)
    _hand_over(store, watching)
    assert state(store, watching) == flow.RELEASED
    assert observe.observing(store) == []
    assert observe.taken_seats(store, DAY.isoformat()) == set()  # the chair is free again
    ended = json.loads(store.scalar("SELECT payload FROM events WHERE type = 'Released'"))
    assert ended["outcome"] == "transferred_to_hospital" and ended["minutes_left"] == 25
    assert ended["override_reason"] is None
    assert _observation(store, watching)["released_at"] == clock.t.isoformat()
    counts = day_status(store, DAY)
    assert (counts["observing"], counts["transferred"], counts["released"]) == (0, 1, 0)
    assert observe.outcome(store, watching) == "transferred_to_hospital"


def test_handover_while_waiting_for_a_seat_ends_it_too(store, clock):
    from station.status import day_status

    visit_id = _injected(store)
    _hand_over(store, visit_id, category="vasovagal_syncope", severity="moderate")
    assert state(store, visit_id) == flow.RELEASED
    assert _observation(store, visit_id)["seat"] is None  # never took a chair
    counts = day_status(store, DAY)
    assert (counts["waiting"]["observe"], counts["observing"], counts["transferred"]) == (0, 0, 1)


def test_a_reaction_treated_on_site_keeps_observing(store, clock, watching):
    from station.status import day_status

    observe.report_aefi(
        store,
        watching,
        staff_id="obs1",
        category="anaphylaxis",
        severity="severe",
        handling="treated_on_site",
    )
    assert state(store, watching) == flow.OBSERVING
    assert day_status(store, DAY)["transferred"] == 0
    assert observe.outcome(store, watching) is None


def test_released_people_count_as_released_not_transferred(store, clock, watching):
    from station.status import day_status

    clock.advance(minutes=30)
    observe.release(store, watching, staff_id="obs1")
    counts = day_status(store, DAY)
    assert (counts["released"], counts["transferred"]) == (1, 0)
    assert observe.outcome(store, watching) == "released"


def test_a_vaccinator_may_hand_over(store, clock, watching):
    """The person who saw the reaction records it; the handover needs no early-release right."""
    observe.report_aefi(
        store,
        watching,
        staff_id="vac1",
        category="anaphylaxis",
        severity="severe",
        handling="transferred_to_hospital",
    )
    assert state(store, watching) == flow.RELEASED
