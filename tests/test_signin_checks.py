"""Sign-in's own checks in the domain: the site's health-code rule and the age warning (issue #11)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from station import bookings, rebuild, signin
from station.errors import DomainError
from station.messages import render
from station.rules import load_rules
from tests.conftest import DAY, new_person

pytestmark = pytest.mark.usefixtures("fast_pins")


def signed_in_payload(store, visit_id: str) -> dict:
    row = store.one("SELECT payload FROM events WHERE type = 'SignedIn' AND visit_id = ?", [visit_id])
    return json.loads(row["payload"])


# --- the health-code rule -------------------------------------------------------------------------


def test_green_required_refuses_a_sign_in_without_a_green_code_or_a_reason(store, booked):
    events = store.scalar("SELECT count(*) FROM events")
    with pytest.raises(DomainError) as info:
        signin.sign_in(store, booked, staff_id="sign1", health_code_rule="green_required")
    assert info.value.code == "health_code_required"
    assert "绿码" in info.value.message("zh") and "reason" in info.value.message("en")
    with pytest.raises(DomainError):  # blanks are no reason
        signin.sign_in(
            store, booked, staff_id="sign1", health_code_rule="green_required", health_code_reason="  "
        )
    assert store.scalar("SELECT count(*) FROM events") == events
    assert bookings.visit(store, booked)["state"] == "booked"


def test_green_required_with_a_green_code_records_it(store, booked):
    signin.sign_in(store, booked, staff_id="sign1", health_code_rule="green_required", health_code="green")
    payload = signed_in_payload(store, booked)
    assert payload["health_code"] == "green" and "health_code_reason" not in payload
    assert signin.health_check(store, booked) == {"health_code": "green", "reason": None}


def test_green_required_with_a_reason_records_the_reason(store, booked):
    signin.sign_in(
        store, booked, staff_id="sign1", health_code_rule="green_required", health_code_reason="no_smartphone"
    )
    payload = signed_in_payload(store, booked)
    assert payload["health_code"] == "not_seen" and payload["health_code_reason"] == "no_smartphone"
    assert signin.health_check(store, booked) == {"health_code": "not_seen", "reason": "no_smartphone"}
    assert rebuild.check(store).ok


def test_a_typed_reason_is_kept_as_typed(store):
    visit = signin.walk_in(
        store,
        new_person(name="赵六"),
        staff_id="sign1",
        health_code_rule="green_required",
        health_code_reason=" 纸质证明已核验（社区开具） ",
    )
    assert signin.health_check(store, visit["visit_id"])["reason"] == "纸质证明已核验（社区开具）"


def test_a_walk_in_without_code_or_reason_books_nothing(store):
    person = new_person(name="钱七")
    with pytest.raises(DomainError) as info:
        signin.walk_in(store, person, staff_id="sign1", health_code_rule="green_required")
    assert info.value.code == "health_code_required"
    assert signin.find(store, person["id_number"], DAY) is None  # the booking went with the refusal


def test_not_checked_signs_in_as_before(store, booked):
    signin.sign_in(store, booked, staff_id="sign1", health_code_rule="not_checked")
    assert "health_code" not in signed_in_payload(store, booked)
    assert signin.health_check(store, booked) == {"health_code": None, "reason": None}


def test_an_unknown_rule_is_refused(store, booked):
    with pytest.raises(ValueError):
        signin.sign_in(store, booked, staff_id="sign1", health_code_rule="sometimes")


# --- age ------------------------------------------------------------------------------------------


def test_no_product_fits_a_two_year_old():
    rules = load_rules()
    warning = signin.age_warning(rules, date(2024, 10, 1), DAY)
    assert warning is not None and warning.code == "age_no_product_young"
    assert warning.facts == {"age": 2, "min_age": 3}
    assert "2 周岁" in warning.message("zh") and "3" in warning.message("zh")
    assert signin.age_warning(rules, "2024-10-01", DAY) is not None  # as the people table holds it


def test_an_adult_and_a_person_without_birth_date_get_no_warning():
    rules = load_rules()
    assert signin.age_warning(rules, date(1990, 5, 17), DAY) is None
    assert signin.age_warning(rules, date(2023, 11, 26), DAY) is None  # 3 today
    assert signin.age_warning(rules, None, DAY) is None  # a passport: no birth date to go by


def test_too_old_for_every_product():
    rules = load_rules()
    capped = {code: replace(p, age_max=59) for code, p in rules.products.items()}
    old = replace(rules, products=capped)
    warning = signin.age_warning(old, date(1950, 1, 1), DAY)
    assert warning is not None and warning.code == "age_no_product" and warning.facts["age"] == 76


def test_the_new_messages_exist_in_both_languages():
    for code in ("health_code_required", "age_no_product_young", "age_no_product"):
        assert render(code, "zh") != code and render(code, "en") != code
