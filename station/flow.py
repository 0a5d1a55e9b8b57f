"""The visit's path as a state machine: booked -> signed_in -> screened -> injected -> observing -> released.

``turned_away`` and ``cancelled`` are ends. The commands check a step here before they append an
event (and raise a DomainError with a stable code); the projector uses the same table when it
applies events, and marks a visit ``conflict`` when events from different laptops contradict.
"""

from __future__ import annotations

from station.errors import DomainError

BOOKED = "booked"
SIGNED_IN = "signed_in"
SCREENED = "screened"
TURNED_AWAY = "turned_away"
CANCELLED = "cancelled"
INJECTED = "injected"
OBSERVING = "observing"
RELEASED = "released"

STATES = (BOOKED, SIGNED_IN, SCREENED, TURNED_AWAY, CANCELLED, INJECTED, OBSERVING, RELEASED)
ORDER = {s: i for i, s in enumerate((BOOKED, SIGNED_IN, SCREENED, INJECTED, OBSERVING, RELEASED))}

# event type -> states it may start from
ALLOWED_FROM: dict[str, frozenset[str]] = {
    "SignedIn": frozenset({BOOKED}),
    "Screened": frozenset({SIGNED_IN}),
    "BookingCancelled": frozenset({BOOKED, SIGNED_IN, SCREENED, TURNED_AWAY}),
    "Injected": frozenset({SCREENED}),
    "ObservationStarted": frozenset({INJECTED}),
    "AdverseEventReported": frozenset({INJECTED, OBSERVING, RELEASED}),
    "Released": frozenset({OBSERVING}),
    # the injection desk calling a screened person, or finding them absent: no change of state
    "Called": frozenset({SCREENED}),
    "CallMissed": frozenset({SCREENED}),
}

# What each step says in each state it may not start from: one row per event type, a code per state.
_B, _S, _SC, _T, _C, _I, _O, _R = STATES
REFUSALS: dict[str, dict[str, str]] = {
    "SignedIn": {
        _S: "already_signed_in",
        _SC: "already_signed_in",
        _T: "visit_turned_away",
        _C: "booking_cancelled",
        _I: "already_signed_in",
        _O: "already_signed_in",
        _R: "already_signed_in",
    },
    "Screened": {
        _B: "not_signed_in",
        _SC: "already_screened",
        _T: "visit_turned_away",
        _C: "booking_cancelled",
        _I: "already_screened",
        _O: "already_screened",
        _R: "already_screened",
    },
    "BookingCancelled": {
        _C: "already_cancelled",
        _I: "already_injected",
        _O: "already_injected",
        _R: "already_injected",
    },
    "Injected": {
        _B: "not_signed_in",
        _S: "not_screened",
        _T: "visit_turned_away",
        _C: "booking_cancelled",
        _I: "already_injected",
        _O: "already_injected",
        _R: "already_injected",
    },
    "ObservationStarted": {
        _B: "not_injected",
        _S: "not_injected",
        _SC: "not_injected",
        _T: "visit_turned_away",
        _C: "booking_cancelled",
        _O: "already_observing",
        _R: "already_released",
    },
    "AdverseEventReported": {
        _B: "not_injected",
        _S: "not_injected",
        _SC: "not_injected",
        _T: "not_injected",
        _C: "not_injected",
    },
    "Released": {
        _B: "not_injected",
        _S: "not_injected",
        _SC: "not_injected",
        _T: "visit_turned_away",
        _C: "booking_cancelled",
        _I: "not_observing",
        _R: "already_released",
    },
}
# Calling someone to the injection desk is refused exactly as injecting them would be.
REFUSALS["Called"] = REFUSALS["CallMissed"] = REFUSALS["Injected"]
for _type, _codes in REFUSALS.items():  # the two tables must agree: every state is allowed or refused
    if set(_codes) | ALLOWED_FROM[_type] != set(STATES) or set(_codes) & ALLOWED_FROM[_type]:
        raise RuntimeError(f"flow tables disagree on {_type}")


def refusal(event_type: str, state: str) -> str | None:
    """The code refusing ``event_type`` in ``state``, or None when the step is allowed."""
    return REFUSALS[event_type].get(state)


def check_step(event_type: str, state: str, visit_id: str) -> None:
    code = refusal(event_type, state)
    if code:
        raise DomainError(code, visit=visit_id, state=state)


def next_state(event_type: str, state: str, payload: dict) -> str:
    if event_type == "SignedIn":
        return SIGNED_IN
    if event_type == "Screened":
        return SCREENED if payload["outcome"] == "pass" else TURNED_AWAY
    if event_type == "BookingCancelled":
        return CANCELLED
    if event_type == "Injected":
        return INJECTED
    if event_type == "ObservationStarted":
        return OBSERVING
    if event_type == "Released":
        return RELEASED
    return state
