"""Helpers shared by the domain-layer tests: drive a real visit through the real commands.

Not a test module (pytest collects ``test_*.py`` only). Every helper goes through the same
command functions the GUI and CLI call; nothing writes to the tables directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from station import flow, inject, observe, prescreen, signin
from station.errors import DomainError
from station.messages import catalogue
from station.rules import load_rules
from station.store import Store
from tests.conftest import proven

RULES = load_rules()
YESNO = tuple(q.id for q in RULES.questions if q.kind == "yesno")
OK_TEMP = 36.6
LOT = "LOT-A"
DESK = "3"


def answers(*yes: str) -> dict[str, bool]:
    """Every yes/no question answered no, except the ones named."""
    unknown = set(yes) - set(YESNO)
    assert not unknown, unknown
    return {q: q in yes for q in YESNO}


@contextmanager
def refused(code: str, **facts: Any) -> Iterator[pytest.ExceptionInfo[DomainError]]:
    """Expect a DomainError with exactly ``code`` (which must be in the message catalogue)."""
    assert code in catalogue(), f"{code!r} is not in the message catalogue"
    with pytest.raises(DomainError) as info:
        yield info
    assert info.value.code == code, (info.value.code, info.value.facts)
    for key, value in facts.items():
        assert info.value.facts.get(key) == value, (key, info.value.facts)


def snapshot(store: Store, visit_id: str | None = None) -> dict[str, Any]:
    """Everything a refused command must leave as it was."""
    snap: dict[str, Any] = {
        "events": store.scalar("SELECT count(*) FROM events"),
        "last_event": store.scalar("SELECT max(pos) FROM events"),
    }
    for table in ("visits", "screenings", "doses", "observations", "aefi", "lots", "staff", "conflicts"):
        snap[table] = store.all(f"SELECT * FROM {table} ORDER BY rowid")
    if visit_id:
        snap["visit"] = store.one("SELECT * FROM visits WHERE visit_id = ?", [visit_id])
    return snap


def last_event(store: Store) -> dict[str, Any]:
    row = store.one("SELECT * FROM events ORDER BY pos DESC LIMIT 1")
    assert row is not None
    return row


def state(store: Store, visit_id: str) -> str:
    return store.scalar("SELECT state FROM visits WHERE visit_id = ?", [visit_id])


# --- the steps, each through its command, with the staff member whose role does it -------------


def do_sign_in(store: Store, visit_id: str, clock=None) -> Any:
    return signin.sign_in(store, visit_id, staff_id="sign1", desk="S1")


def do_screen(store: Store, visit_id: str, clock=None, **kw: Any) -> Any:
    kw.setdefault("answers", answers())
    kw.setdefault("temperature", OK_TEMP)
    return prescreen.screen(store, visit_id, staff_id="pre1", **kw)


def do_turn_away(store: Store, visit_id: str, clock=None) -> Any:
    return prescreen.screen(store, visit_id, staff_id="pre1", answers=answers(), temperature=38.5)


def do_cancel(store: Store, visit_id: str, clock=None) -> Any:
    return prescreen.cancel_booking(store, visit_id, staff_id=proven(store, "pre1"), reason="person asked")


def do_inject(store: Store, visit_id: str, clock=None, **kw: Any) -> Any:
    kw.setdefault("lot_no", LOT)
    kw.setdefault("desk", DESK)
    return inject.inject(store, visit_id, staff_id="vac1", **kw)


def do_observe(store: Store, visit_id: str, clock=None, **kw: Any) -> Any:
    return observe.start_observation(store, visit_id, staff_id="obs1", **kw)


def do_aefi(store: Store, visit_id: str, clock=None, **kw: Any) -> Any:
    kw.setdefault("category", "fever")
    kw.setdefault("severity", "mild")
    kw.setdefault("handling", "observed")
    return observe.report_aefi(store, visit_id, staff_id="obs1", **kw)


def do_release(store: Store, visit_id: str, clock=None) -> Any:
    if clock is not None:  # the time is up, so only the flow can refuse
        clock.advance(minutes=30)
    return observe.release(store, visit_id, staff_id="obs1")


def do_call(store: Store, visit_id: str, clock=None) -> Any:
    return inject.recall(store, visit_id, staff_id="vac1", desk="1")


def do_absent(store: Store, visit_id: str, clock=None) -> Any:
    return inject.mark_absent(store, visit_id, staff_id="vac1", desk="1")


STEPS = {
    "SignedIn": do_sign_in,
    "Screened": do_screen,
    "BookingCancelled": do_cancel,
    "Injected": do_inject,
    "ObservationStarted": do_observe,
    "AdverseEventReported": do_aefi,
    "Released": do_release,
    "Called": do_call,
    "CallMissed": do_absent,
}

# How to bring a booked visit into each state: the commands in order.
PATHS: dict[str, tuple] = {
    flow.BOOKED: (),
    flow.SIGNED_IN: (do_sign_in,),
    flow.SCREENED: (do_sign_in, do_screen),
    flow.TURNED_AWAY: (do_sign_in, do_turn_away),
    flow.CANCELLED: (do_cancel,),
    flow.INJECTED: (do_sign_in, do_screen, do_inject),
    flow.OBSERVING: (do_sign_in, do_screen, do_inject, do_observe),
    flow.RELEASED: (do_sign_in, do_screen, do_inject, do_observe, do_release),
}
assert set(PATHS) == set(flow.STATES)
assert set(STEPS) == set(flow.ALLOWED_FROM)


def drive(store: Store, clock, visit_id: str, target: str) -> str:
    """Take a booked visit to ``target`` through the real commands; returns the visit id."""
    for step in PATHS[target]:
        step(store, visit_id, clock)
    assert state(store, visit_id) == target
    return visit_id
