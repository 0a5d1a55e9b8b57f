"""Pre-screen outcomes through prescreen.screen with the real rules in resources/rules."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from station import bookings, flow, inject, prescreen
from station.errors import DomainError
from station.rules import PastDose
from tests.conftest import DAY, new_person, proven
from tests.domainkit import RULES, answers, do_inject, do_screen, do_sign_in, drive, refused, snapshot, state

pytestmark = pytest.mark.usefixtures("fast_pins")  # cheap PIN hashing, see conftest

BBIBP = "sinopharm_bbibp"


@pytest.fixture
def signed_in(store, booked) -> str:
    do_sign_in(store, booked)
    return booked


def _visit(store, visit_id):
    return bookings.visit(store, visit_id)


def _screening(store, visit_id):
    row = store.one("SELECT * FROM screenings WHERE visit_id = ?", [visit_id])
    assert row is not None
    return {**row, "reasons": json.loads(row["reasons"]), "notes": json.loads(row["notes"])}


def _signed_in_person(store, **person_kw) -> str:
    visit_id = bookings.add_booking(store, new_person(**person_kw), DAY, None, staff_id="admin1")
    do_sign_in(store, visit_id)
    return visit_id


def test_rules_are_the_shipped_ones():
    assert RULES.fever_threshold_c == 37.3
    assert RULES.observation_minutes == 30
    assert RULES.site["default_product"] == BBIBP


def test_all_clear_passes(store, signed_in):
    result = do_screen(store, signed_in, temperature=36.5)
    assert (result.outcome, result.reasons, result.notes) == ("pass", (), ())
    visit = _visit(store, signed_in)
    assert visit["state"] == flow.SCREENED and visit["reason"] is None and visit["turned_away_at"] is None
    row = _screening(store, signed_in)
    assert row["outcome"] == "pass" and row["temperature"] == 36.5 and row["staff_id"] == "pre1"
    assert json.loads(row["answers"]) == answers()


def test_fever_at_the_threshold_turns_away(store, signed_in):
    result = do_screen(store, signed_in, temperature=37.3)
    assert result.outcome == "defer" and result.reasons == ("fever",)
    visit = _visit(store, signed_in)
    assert visit["state"] == flow.TURNED_AWAY
    assert visit["reason"] == "fever"
    assert visit["turned_away_at"] is not None
    assert _screening(store, signed_in)["reasons"] == ["fever"]


def test_just_below_the_threshold_passes(store, signed_in):
    assert do_screen(store, signed_in, temperature=37.2).outcome == "pass"
    assert state(store, signed_in) == flow.SCREENED


@pytest.mark.parametrize(
    "question", [q.id for q in RULES.questions if q.kind == "yesno" and q.answer_outcome == "refuse"]
)
def test_yes_to_a_refuse_question_turns_away(store, signed_in, question):
    result = do_screen(store, signed_in, answers=answers(question))
    assert result.outcome == "refuse"
    assert result.reasons == (question,)
    visit = _visit(store, signed_in)
    assert (visit["state"], visit["reason"]) == (flow.TURNED_AWAY, question)


@pytest.mark.parametrize(
    "question", [q.id for q in RULES.questions if q.kind == "yesno" and q.answer_outcome == "defer"]
)
def test_yes_to_a_defer_question_turns_away(store, signed_in, question):
    result = do_screen(store, signed_in, answers=answers(question))
    assert (result.outcome, result.reasons) == ("defer", (question,))
    assert state(store, signed_in) == flow.TURNED_AWAY


@pytest.mark.parametrize("question", ["allergy_history", "breastfeeding", "immunocompromised"])
def test_yes_to_a_pass_question_passes(store, signed_in, question):
    result = do_screen(store, signed_in, answers=answers(question))
    assert result.outcome == "pass" and result.reasons == ()
    assert state(store, signed_in) == flow.SCREENED


def test_allergy_history_passes_with_a_note(store, signed_in):
    result = do_screen(store, signed_in, answers=answers("allergy_history"))
    assert result.notes == ("allergy_history_note",)
    assert _screening(store, signed_in)["notes"] == ["allergy_history_note"]


def test_worst_outcome_wins(store, signed_in):
    result = do_screen(
        store,
        signed_in,
        temperature=38.0,
        answers=answers("acute_illness", "neuro_disease", "allergy_history"),
    )
    assert result.outcome == "refuse"
    assert result.reasons == ("fever", "acute_illness", "neuro_disease")  # in question order
    assert result.notes == ("allergy_history_note",)
    row = _screening(store, signed_in)
    assert row["outcome"] == "refuse" and row["reasons"] == ["fever", "acute_illness", "neuro_disease"]
    assert state(store, signed_in) == flow.TURNED_AWAY


def test_two_defers_stay_defer(store, signed_in):
    result = do_screen(store, signed_in, temperature=37.5, answers=answers("pregnancy"))
    assert (result.outcome, result.reasons) == ("defer", ("fever", "pregnancy"))


# --- the dose history -------------------------------------------------------------------------


def test_declared_first_dose_ten_days_ago_is_too_early(store, signed_in):
    declared = [PastDose(BBIBP, 1, DAY - timedelta(days=10))]
    result = do_screen(store, signed_in, declared_doses=declared)
    assert (result.outcome, result.reasons) == ("defer", ("too_early_for_dose",))
    visit = _visit(store, signed_in)
    assert (visit["state"], visit["reason"]) == (flow.TURNED_AWAY, "too_early_for_dose")


def test_declared_first_dose_twenty_days_ago_is_still_too_early(store, signed_in):
    result = do_screen(store, signed_in, declared_doses=[PastDose(BBIBP, 1, DAY - timedelta(days=20))])
    assert result.outcome == "defer" and "too_early_for_dose" in result.reasons


def test_declared_first_dose_21_days_ago_passes_and_dose_2_is_given(store, signed_in):
    first = DAY - timedelta(days=21)
    result = do_screen(store, signed_in, declared_doses=[PastDose(BBIBP, 1, first)])
    assert (result.outcome, result.reasons) == ("pass", ())
    assert state(store, signed_in) == flow.SCREENED
    declared = store.all("SELECT * FROM doses WHERE visit_id = ? AND source = 'declared'", [signed_in])
    assert [(d["product"], d["dose_number"], d["day"]) for d in declared] == [(BBIBP, 1, first.isoformat())]
    plan = inject.plan(store, signed_in)
    assert (plan["product"], plan["dose_number"], plan["is_booster"]) == (BBIBP, 2, False)
    assert plan["lot"]["lot_no"] == "LOT-A"
    dose = do_inject(store, signed_in)
    assert (dose["dose_number"], dose["product"], dose["source"]) == (2, BBIBP, "here")
    payload = json.loads(
        store.scalar("SELECT payload FROM events WHERE type = 'Injected' AND visit_id = ?", [signed_in])
    )
    assert payload["dose_number"] == 2


def test_declared_complete_series_and_booster_is_refused(store, signed_in):
    declared = [
        PastDose(BBIBP, 1, DAY - timedelta(days=400)),
        PastDose(BBIBP, 2, DAY - timedelta(days=370)),
        PastDose(BBIBP, 3, DAY - timedelta(days=190)),
    ]
    result = do_screen(store, signed_in, declared_doses=declared)
    assert (result.outcome, result.reasons) == ("refuse", ("series_complete",))


def test_declared_primary_series_six_months_ago_gives_a_booster(store, signed_in):
    declared = [PastDose(BBIBP, 1, DAY - timedelta(days=221)), PastDose(BBIBP, 2, DAY - timedelta(days=200))]
    assert do_screen(store, signed_in, declared_doses=declared).outcome == "pass"
    plan = inject.plan(store, signed_in)
    assert (plan["dose_number"], plan["is_booster"]) == (3, True)
    assert do_inject(store, signed_in)["dose_number"] == 3


def test_dose_too_early_and_fever_both_reported(store, signed_in):
    result = do_screen(
        store, signed_in, temperature=37.8, declared_doses=[PastDose(BBIBP, 1, DAY - timedelta(days=3))]
    )
    assert result.outcome == "defer"
    assert result.reasons == ("fever", "too_early_for_dose")


def test_person_aged_two_is_not_eligible(store):
    visit_id = _signed_in_person(store, birth=date(DAY.year - 2, 1, 15))
    result = do_screen(store, visit_id)
    assert (result.outcome, result.reasons) == ("refuse", ("age_not_eligible",))
    visit = _visit(store, visit_id)
    assert (visit["state"], visit["reason"]) == (flow.TURNED_AWAY, "age_not_eligible")


def test_person_aged_three_is_eligible(store):
    visit_id = _signed_in_person(store, birth=date(DAY.year - 3, 1, 15))
    assert do_screen(store, visit_id).outcome == "pass"


def test_age_counts_the_birthday(store):
    # turns 3 tomorrow: still 2 today
    visit_id = _signed_in_person(store, birth=DAY.replace(year=DAY.year - 3) + timedelta(days=1))
    assert do_screen(store, visit_id).reasons == ("age_not_eligible",)


def test_product_with_a_higher_minimum_age(store):
    visit_id = _signed_in_person(store, birth=date(DAY.year - 10, 1, 15))
    result = do_screen(store, visit_id, product="cansino_ad5")
    assert (result.outcome, result.reasons) == ("refuse", ("age_not_eligible",))


# --- the doctor's reason ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "outcome"),
    [
        ("declined_by_person", "defer"),
        ("no_id_document", "defer"),
        ("other", "defer"),
        ("age_not_eligible", "refuse"),
    ],
)
def test_reason_picked_by_the_doctor_forces_at_least_its_outcome(store, signed_in, reason, outcome):
    result = do_screen(store, signed_in, turn_away_reason=reason)
    assert (result.outcome, result.reasons) == (outcome, (reason,))
    visit = _visit(store, signed_in)
    assert (visit["state"], visit["reason"]) == (flow.TURNED_AWAY, reason)


def test_picked_defer_reason_does_not_soften_a_refusal(store, signed_in):
    result = do_screen(store, signed_in, answers=answers("neuro_disease"), turn_away_reason="other")
    assert (result.outcome, result.reasons) == ("refuse", ("neuro_disease", "other"))


def test_every_reason_in_the_rules_is_at_least_defer(store):
    assert all(r.outcome in ("defer", "refuse") for r in RULES.reasons.values())


@pytest.mark.parametrize("reason", ["nope", "FEVER", "fever "])
def test_unknown_reason_is_refused_and_nothing_recorded(store, signed_in, reason):
    before = snapshot(store, signed_in)
    with refused("reason_unknown", reason=reason):
        do_screen(store, signed_in, turn_away_reason=reason)
    assert snapshot(store, signed_in) == before


@pytest.mark.parametrize("reason", ["", None])
def test_no_reason_picked_leaves_the_outcome_alone(store, signed_in, reason):
    assert do_screen(store, signed_in, turn_away_reason=reason).outcome == "pass"
    assert state(store, signed_in) == flow.SCREENED


# --- incomplete or implausible input ---------------------------------------------------------


def test_missing_temperature_is_refused(store, signed_in):
    before = snapshot(store, signed_in)
    with refused("screening_incomplete", question="temperature"):
        do_screen(store, signed_in, temperature=None)
    assert snapshot(store, signed_in) == before


def test_unanswered_question_is_refused(store, signed_in):
    partial = answers()
    del partial["pregnancy"]
    before = snapshot(store, signed_in)
    with refused("screening_incomplete", question="pregnancy"):
        do_screen(store, signed_in, answers=partial)
    assert snapshot(store, signed_in) == before


@pytest.mark.parametrize("temperature", [34.9, 42.6, 373.0])
def test_implausible_temperature_is_refused(store, signed_in, temperature):
    before = snapshot(store, signed_in)
    with refused("temperature_implausible"):
        do_screen(store, signed_in, temperature=temperature)
    assert snapshot(store, signed_in) == before


def test_unknown_question_is_refused(store, signed_in):
    with refused("screening_unknown_question", question="smoker"):
        do_screen(store, signed_in, answers={**answers(), "smoker": True})


def test_unknown_product_is_refused(store, signed_in):
    before = snapshot(store, signed_in)
    with refused("product_unknown"):
        do_screen(store, signed_in, product="snake_oil")
    assert snapshot(store, signed_in) == before


# --- cancelling ------------------------------------------------------------------------------


def test_cancel_after_turned_away_is_allowed(store, clock, booked):
    drive(store, clock, booked, flow.TURNED_AWAY)
    visit = prescreen.cancel_booking(
        store, booked, staff_id=proven(store, "pre1"), reason="will come back next week"
    )
    assert visit["state"] == flow.CANCELLED
    assert visit["reason"] == "will come back next week"
    assert visit["cancelled_at"] is not None


def test_cancel_twice_is_refused(store, booked):
    prescreen.cancel_booking(store, booked, staff_id=proven(store, "pre1"), reason="x")
    before = snapshot(store, booked)
    with refused("already_cancelled"):
        prescreen.cancel_booking(store, booked, staff_id=proven(store, "pre1"), reason="x")
    assert snapshot(store, booked) == before


def test_cancel_after_injection_is_refused(store, clock, booked):
    drive(store, clock, booked, flow.INJECTED)
    with refused("already_injected"):
        prescreen.cancel_booking(store, booked, staff_id=proven(store, "pre1"), reason="x")


def test_turn_away_for_a_picked_reason_needs_no_questionnaire(store, clock, booked):
    from station import bookings as _bookings
    from tests.domainkit import do_sign_in

    do_sign_in(store, booked)
    result = prescreen.screen(
        store, booked, staff_id="pre1", answers={}, temperature=None, turn_away_reason="declined_by_person"
    )
    assert result.outcome == "defer" and result.reasons == ("declined_by_person",)
    assert _bookings.visit(store, booked)["state"] == "turned_away"


def test_a_pass_still_needs_the_whole_questionnaire(store, clock, booked):
    from tests.domainkit import do_sign_in, refused

    do_sign_in(store, booked)
    with refused("screening_incomplete"):
        prescreen.screen(store, booked, staff_id="pre1", answers={}, temperature=36.5)


# --- the temperature as typed ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "reading"),
    [
        ("36.5", 36.5),
        ("365", 36.5),  # a thermometer's three digits without the point
        ("373", 37.3),  # a fever, never 37.0
        ("37", 37.0),
        (" 36.6 ", 36.6),
        ("36,6", 36.6),
        ("３６.５", 36.5),  # full-width digits from a Chinese input method
        ("42.5", 42.5),
        ("35", 35.0),
        ("", None),  # not measured
        ("  ", None),
    ],
)
def test_temperature_as_typed(typed, reading):
    assert prescreen.parse_temperature(typed, RULES) == reading


@pytest.mark.parametrize("typed", ["999", "9", "99", "99.9", "34.9", "42.6", "4", "3650"])
def test_a_temperature_out_of_range_is_refused_with_the_range(typed):
    with pytest.raises(DomainError) as caught:
        prescreen.parse_temperature(typed, RULES)
    assert caught.value.code == "temperature_implausible"
    assert caught.value.facts["min"] == RULES.temperature_min_c
    assert caught.value.facts["max"] == RULES.temperature_max_c
    assert caught.value.facts["temperature"] == typed.strip()  # what was typed, never a changed number


@pytest.mark.parametrize("typed", ["36.55", "abc", "36..5", "36.5.1", "-36", "3 6"])
def test_what_is_not_a_reading_is_refused(typed):
    with pytest.raises(DomainError) as caught:
        prescreen.parse_temperature(typed, RULES)
    assert caught.value.code == "temperature_unreadable"
    assert caught.value.facts["text"] == typed.strip()
    assert (caught.value.facts["min"], caught.value.facts["max"]) == (35.0, 42.5)
