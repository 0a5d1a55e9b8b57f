"""Step 2, pre-screen: temperature, contraindication questions and dose history; pass or turn away."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import Any

from station import bookings, flow, history
from station import staff as staffmod
from station.errors import DomainError
from station.identity import age_on
from station.rules import PastDose, Rules, ScreeningResult, load_rules
from station.store import Store

_RANK = {"pass": 0, "defer": 1, "refuse": 2}
# A reading as a thermometer shows it: 36, 36.5 (or 36,5), or its three digits typed without the point.
_READING = re.compile(r"(\d+)([.,](\d)?)?")


def parse_temperature(text: str, rules: Rules) -> float | None:
    """The temperature typed at the pre-screen desk, in °C; None when blank (not measured).

    "373" is 37.3 (three digits without the point), never 37.0. Anything else is refused, never
    changed: ``temperature_unreadable`` for what is not a reading ("36.55", "abc"), and
    ``temperature_implausible`` with the valid range for a reading outside it ("999", "4")."""
    typed = unicodedata.normalize("NFKC", text).strip()  # full-width digits from an input method
    if not typed:
        return None
    limits = {"min": rules.temperature_min_c, "max": rules.temperature_max_c}
    match = _READING.fullmatch(typed)
    if match is None:
        raise DomainError("temperature_unreadable", text=typed, **limits)
    whole, point, tenth = match.groups()
    if len(whole) == 3 and not point:
        value = int(whole) / 10
    else:
        value = int(whole) + int(tenth or 0) / 10
    if not rules.temperature_min_c <= value <= rules.temperature_max_c:
        raise DomainError("temperature_implausible", temperature=typed, **limits)
    return round(value, 1)


def dose_check(
    rules: Rules, person: dict[str, Any], past: list[PastDose], product: str, day: date
) -> tuple[str, str | None]:
    """What the dose history and age say for ``product`` on ``day``: (outcome, reason code or None)."""
    prod = rules.product(product)
    if person.get("birth_date"):
        age = age_on(date.fromisoformat(person["birth_date"]), day)
        if age < prod.age_min or (prod.age_max is not None and age > prod.age_max):
            return "refuse", "age_not_eligible"
    due = rules.next_dose(past, product)
    if due.complete:
        return "refuse", "series_complete"
    if due.earliest and due.earliest > day:
        return "defer", "too_early_for_dose"
    return "pass", None


def screen(
    store: Store,
    visit_id: str,
    *,
    staff_id: str,
    answers: dict[str, bool],
    temperature: float | None,
    declared_doses: Iterable[PastDose] = (),
    product: str | None = None,
    turn_away_reason: str | None = None,
    rules: Rules | None = None,
) -> ScreeningResult:
    """Record the pre-screen. The outcome is the worst of the questionnaire, the dose check and the
    reason the doctor picked (if any), so a pass cannot be recorded over a contraindication."""
    rules = rules or load_rules()
    with store.transaction():
        staffmod.require(store, staff_id, "screen")
        visit = bookings.visit(store, visit_id)
        flow.check_step("Screened", visit["state"], visit_id)
        person = store.one("SELECT * FROM people WHERE person_id = ?", [visit["person_id"]])
        assert person is not None
        declared = list(declared_doses)
        past = history.past_doses(store, visit["person_id"]) + declared
        product = product or visit["product"] or rules.site.get("default_product")
        try:
            result = rules.assess(answers, temperature)
        except DomainError as exc:
            # A person turned away for a reason of their own (declined, no ID document) need not
            # answer the whole questionnaire first.
            if exc.code != "screening_incomplete" or not turn_away_reason:
                raise
            result = ScreeningResult("pass", (), ())
        outcome, reasons = result.outcome, list(result.reasons)
        dose_outcome, dose_reason = dose_check(rules, person, past, product, date.fromisoformat(visit["day"]))
        if dose_reason:
            reasons.append(dose_reason)
            outcome = max(outcome, dose_outcome, key=_RANK.__getitem__)
        if turn_away_reason:
            reason = rules.reasons.get(turn_away_reason)
            if reason is None:
                raise DomainError("reason_unknown", reason=turn_away_reason)
            reasons.append(turn_away_reason)
            outcome = max(outcome, reason.outcome, key=_RANK.__getitem__)
        store.append(
            "Screened",
            {
                "outcome": outcome,
                "reasons": reasons,
                "notes": list(result.notes),
                "temperature": temperature,
                "answers": answers,
                "product": product,
                "declared_doses": [
                    {"product": d.product, "dose_number": d.dose_number, "day": d.day.isoformat()}
                    for d in declared
                ],
                "at": store.now().isoformat(),
            },
            visit_id=visit_id,
            staff_id=staff_id,
        )
    return ScreeningResult(outcome, tuple(reasons), result.notes)


def cancel_booking(store: Store, visit_id: str, *, staff_id: str, reason: str) -> dict[str, Any]:
    """Cancel a booking (pre-screen staff only, as the pilot site asked)."""
    return bookings.record_step(
        store,
        visit_id,
        "BookingCancelled",
        {"reason": reason},
        staff_id=staff_id,
        permission="cancel_booking",
    )
