"""Step 4, observe: a seat and a countdown after the injection, adverse reactions, release at the exit."""

from __future__ import annotations

import json
import math
import uuid
from datetime import datetime, timedelta
from typing import Any

from station import bookings, flow
from station import staff as staffmod
from station.errors import DomainError
from station.rules import Rules, ScreeningResult, load_rules
from station.store import Store

DEFAULT_SEATS = 100
MAX_MINUTES = 240  # an observation (or a reaction's extension) longer than 4 hours is a typo

# China's AEFI surveillance: common reactions and rare (adverse) reactions.
AEFI_CATEGORIES: dict[str, str] = {
    "fever": "common",
    "local_redness": "common",
    "local_swelling": "common",
    "induration": "common",
    "local_pain": "common",
    "headache": "common",
    "fatigue": "common",
    "nausea": "common",
    "allergic_rash": "rare",
    "anaphylaxis": "rare",
    "vasovagal_syncope": "rare",
    "other": "rare",
}
SEVERITIES = ("mild", "moderate", "severe")
HANDLINGS = ("observed", "treated_on_site", "transferred_to_hospital")
HANDED_OVER = "transferred_to_hospital"  # ends the observation (report_aefi)


def observing(store: Store, day: str | None = None) -> list[dict[str, Any]]:
    """People under observation now, soonest release first."""
    sql = """SELECT o.*, v.queue_no, v.day, v.conflict, p.name, p.id_number, p.id_type,
                    (SELECT count(*) FROM aefi a WHERE a.visit_id = v.visit_id) AS aefi_count
             FROM observations o JOIN visits v USING (visit_id) JOIN people p USING (person_id)
             WHERE v.state = 'observing'"""
    params: list[Any] = []
    if day:
        sql += " AND v.day = ?"
        params.append(day)
    return store.all(sql + " ORDER BY o.until, v.queue_no", params)


def taken_seats(store: Store, day: str | None = None) -> set[int]:
    """Seats held by people under observation (on ``day``, default today: a visit left observing
    on an earlier day, never released, does not hold a chair today)."""
    day = day or store.now().date().isoformat()
    return {
        r[0]
        for r in store.conn.execute(
            """SELECT o.seat FROM observations o JOIN visits v USING (visit_id)
               WHERE v.state = 'observing' AND o.seat IS NOT NULL AND v.day = ?""",
            [day],
        )
    }


def free_seat(store: Store, seats: int = DEFAULT_SEATS, day: str | None = None) -> int | None:
    """The lowest free seat; None when the room is full (observation still starts, standing)."""
    taken = taken_seats(store, day)
    return next((s for s in range(1, seats + 1) if s not in taken), None)


def start_observation(
    store: Store,
    visit_id: str,
    *,
    staff_id: str,
    seat: int | None = None,
    minutes: int | None = None,
    seats: int = DEFAULT_SEATS,
    rules: Rules | None = None,
) -> dict[str, Any]:
    rules = rules or load_rules()
    with store.transaction():
        staffmod.require(store, staff_id, "start_observation")
        visit = bookings.visit(store, visit_id)
        flow.check_step("ObservationStarted", visit["state"], visit_id)
        if seat is None:
            seat = free_seat(store, seats, visit["day"])
        elif not 1 <= seat <= seats:
            raise DomainError("seat_out_of_range", seat=seat, seats=seats)
        elif seat in taken_seats(store, visit["day"]):
            raise DomainError("seat_taken", seat=seat)
        if minutes is None:
            minutes = rules.observation_minutes_for(_screening_result(store, visit_id))
        elif not 1 <= minutes <= MAX_MINUTES:
            raise DomainError("observation_minutes_invalid", minutes=minutes)
        store.append(
            "ObservationStarted",
            {"seat": seat, "minutes": int(minutes), "at": store.now().isoformat()},
            visit_id=visit_id,
            staff_id=staff_id,
        )
        return store.one("SELECT * FROM observations WHERE visit_id = ?", [visit_id]) or {}


def _screening_result(store: Store, visit_id: str) -> ScreeningResult:
    row = store.one("SELECT * FROM screenings WHERE visit_id = ? ORDER BY at DESC LIMIT 1", [visit_id])
    if row is None:
        return ScreeningResult("pass", (), ())
    return ScreeningResult(row["outcome"], tuple(json.loads(row["reasons"])), tuple(json.loads(row["notes"])))


def minutes_left(observation: dict[str, Any], now: datetime) -> int:
    """Whole minutes until release, rounded up (0 when the person may leave)."""
    seconds = (datetime.fromisoformat(observation["until"]) - now).total_seconds()
    return max(0, math.ceil(seconds / 60))


def release(
    store: Store, visit_id: str, *, staff_id: str, override_reason: str | None = None
) -> dict[str, Any]:
    """Let the person leave; before their time only an observer may, with a reason that is recorded."""
    with store.transaction():
        staffmod.require(store, staff_id, "release")
        visit = bookings.visit(store, visit_id)
        flow.check_step("Released", visit["state"], visit_id)
        obs = store.one("SELECT * FROM observations WHERE visit_id = ?", [visit_id])
        assert obs is not None
        left = minutes_left(obs, store.now())
        override = (override_reason or "").strip() or None
        if left > 0:
            if not override:
                raise DomainError("observation_not_finished", minutes=left, until=obs["until"][11:16])
            staffmod.require(store, staff_id, "release_early")
        store.append(
            "Released",
            {
                "at": store.now().isoformat(),
                "override_reason": override if left > 0 else None,
                "minutes_left": left,
                # the reactions this laptop knew of: one reported elsewhere, unseen, is a conflict
                "reactions_seen": store.scalar("SELECT count(*) FROM aefi WHERE visit_id = ?", [visit_id]),
            },
            visit_id=visit_id,
            staff_id=staff_id,
        )
        return bookings.visit(store, visit_id)


def is_serious(category: str, severity: str, handling: str) -> bool:
    return category == "anaphylaxis" or severity == "severe" or handling == "transferred_to_hospital"


def report_aefi(
    store: Store,
    visit_id: str,
    *,
    staff_id: str,
    category: str,
    severity: str,
    handling: str,
    onset_at: datetime | None = None,
    notes: str = "",
    extend_minutes: int = 30,
) -> dict[str, Any]:
    """Record a suspected adverse event following immunization; it extends the observation.

    Handed over to hospital (``transferred_to_hospital``) ends the observation with that outcome:
    the person leaves the list, the seat and the countdown (a ``Released`` event whose
    ``outcome`` says so, recorded in the same transaction; one waiting for a seat is first
    recorded as observed standing, so the visit goes the usual way)."""
    if category not in AEFI_CATEGORIES:
        raise DomainError("aefi_category_unknown", category=category)
    if severity not in SEVERITIES:
        raise DomainError("aefi_severity_unknown", severity=severity)
    if handling not in HANDLINGS:
        raise DomainError("aefi_handling_unknown", handling=handling)
    if not 0 <= int(extend_minutes) <= MAX_MINUTES:
        raise DomainError("observation_minutes_invalid", minutes=extend_minutes)
    if onset_at is not None and onset_at > store.now() + timedelta(minutes=1):
        raise DomainError("aefi_onset_in_future", onset=onset_at.strftime("%H:%M"))
    with store.transaction():
        staffmod.require(store, staff_id, "report_aefi")
        visit = bookings.visit(store, visit_id)
        flow.check_step("AdverseEventReported", visit["state"], visit_id)
        handed_over = handling == HANDED_OVER and visit["state"] in (flow.INJECTED, flow.OBSERVING)
        if handed_over:
            extend_minutes = 0  # the observation ends here: nothing to extend
        aefi_id = str(uuid.uuid4())
        store.append(
            "AdverseEventReported",
            {
                "aefi_id": aefi_id,
                "category": category,
                "kind": AEFI_CATEGORIES[category],
                "severity": severity,
                "handling": handling,
                "serious": is_serious(category, severity, handling),
                "onset_at": (onset_at or store.now()).isoformat(),
                "notes": notes.strip(),
                "extend_minutes": extend_minutes,
                "at": store.now().isoformat(),
                # where this laptop saw the person: "observing" here but released elsewhere is a conflict
                "seen_state": visit["state"],
            },
            visit_id=visit_id,
            staff_id=staff_id,
        )
        if handed_over:
            _hand_over(store, visit, staff_id)
        return store.one("SELECT * FROM aefi WHERE aefi_id = ?", [aefi_id]) or {}


def _hand_over(store: Store, visit: dict[str, Any], staff_id: str) -> None:
    """End the observation of a person handed over to hospital (inside report_aefi's transaction)."""
    visit_id = visit["visit_id"]
    now = store.now().isoformat()
    if visit["state"] == flow.INJECTED:  # taken away before they sat down
        store.append(
            "ObservationStarted",
            {"seat": None, "minutes": 0, "at": now},
            visit_id=visit_id,
            staff_id=staff_id,
        )
    obs = store.one("SELECT * FROM observations WHERE visit_id = ?", [visit_id])
    assert obs is not None
    store.append(
        "Released",
        {
            "at": now,
            "outcome": HANDED_OVER,
            "override_reason": None,
            "minutes_left": minutes_left(obs, store.now()),
            "reactions_seen": store.scalar("SELECT count(*) FROM aefi WHERE visit_id = ?", [visit_id]),
        },
        visit_id=visit_id,
        staff_id=staff_id,
    )


def outcome(store: Store, visit_id: str) -> str | None:
    """How an observation ended: "released" (left at the exit), "transferred_to_hospital", or None
    while it goes on (or never started)."""
    visit = bookings.visit(store, visit_id)
    if visit["state"] != flow.RELEASED:
        return None
    handed = store.scalar(
        "SELECT count(*) FROM aefi WHERE visit_id = ? AND handling = ?", [visit_id, HANDED_OVER]
    )
    return HANDED_OVER if handed else "released"
