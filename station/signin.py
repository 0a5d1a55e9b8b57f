"""Step 1, sign-in: find the booking (or register a walk-in) and hand out the next queue number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from station import bookings, flow
from station import staff as staffmod
from station.errors import DomainError
from station.identity import normalize_id
from station.store import Store


@dataclass(frozen=True)
class Found:
    person: dict[str, Any]
    visit: dict[str, Any] | None  # today's live visit, None when the person has no booking today


def find(store: Store, id_number: str, day: date, id_type: str = "resident_id") -> Found | None:
    """Who is this ID number, and are they booked for ``day``? None when the person is unknown."""
    number = normalize_id(id_number) if id_type == "resident_id" else id_number.strip().upper()
    person = bookings.find_person(store, number, id_type)
    if person is None:
        return None
    return Found(person, bookings.visit_on(store, person["person_id"], day))


def _next_queue_no(store: Store, day: str) -> int:
    return store.scalar("SELECT coalesce(max(queue_no), 0) + 1 FROM visits WHERE day = ?", [day])


def sign_in(
    store: Store, visit_id: str, *, staff_id: str, desk: str | None = None, method: str = "typed"
) -> dict[str, Any]:
    """Sign a booked visit in and give it the day's next queue number."""
    with store.transaction():
        staffmod.require(store, staff_id, "sign_in")
        visit = bookings.visit(store, visit_id)
        flow.check_step("SignedIn", visit["state"], visit_id)
        today = store.now().date().isoformat()
        if visit["day"] != today:
            raise DomainError("booking_other_day", day=visit["day"], today=today)
        store.append(
            "SignedIn",
            {
                "queue_no": _next_queue_no(store, visit["day"]),
                "desk": desk,
                "method": method,
                "at": store.now().isoformat(),
            },
            visit_id=visit_id,
            staff_id=staff_id,
        )
        return bookings.visit(store, visit_id)


def walk_in(
    store: Store,
    person: dict[str, Any],
    *,
    staff_id: str,
    desk: str | None = None,
    method: str = "typed",
    product: str | None = None,
) -> dict[str, Any]:
    """Sign in a person without a booking: the booking is created and signed in as one step."""
    with store.transaction():
        staffmod.require(store, staff_id, "sign_in")
        day = store.now().date()
        visit_id = bookings.add_booking(
            store, person, day, None, staff_id=staff_id, source="walk_in", product=product
        )
        return sign_in(store, visit_id, staff_id=staff_id, desk=desk, method=method)
