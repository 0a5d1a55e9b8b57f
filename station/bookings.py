"""Bookings and people: add one, import a checked file, find a person by ID number."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from station import flow
from station import staff as staffmod
from station.errors import DomainError
from station.identity import parse_document, parse_mobile, parse_resident_id
from station.store import Store

_PERSON_NS = uuid.UUID("6f1c3a52-93a4-4c3e-9d0e-5b7a1f0c2e11")


def person_id_for(id_type: str, id_number: str) -> str:
    """The same document gives the same person id on every laptop, so offline walk-ins merge."""
    return str(uuid.uuid5(_PERSON_NS, f"{id_type}:{id_number}"))


def person_record(
    *,
    name: str,
    id_number: str,
    id_type: str = "resident_id",
    phone: str | None = None,
    unit: str | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Validate a person's details and return the record that goes into a booking event."""
    name = (name or "").strip()
    if not name:
        raise DomainError("name_missing")
    id_type, number = parse_document(id_type, id_number, today)
    birth_date = sex = None
    if id_type == "resident_id":
        rid = parse_resident_id(number, today)
        birth_date, sex = rid.birth_date.isoformat(), rid.sex
    return {
        "person_id": person_id_for(id_type, number),
        "id_type": id_type,
        "id_number": number,
        "name": name,
        "phone": parse_mobile(phone) if phone else None,
        "unit": (unit or "").strip() or None,
        "birth_date": birth_date,
        "sex": sex,
    }


def find_person(store: Store, id_number: str, id_type: str = "resident_id") -> dict[str, Any] | None:
    return store.one("SELECT * FROM people WHERE id_type = ? AND id_number = ?", [id_type, id_number])


def visit(store: Store, visit_id: str) -> dict[str, Any]:
    row = store.one("SELECT * FROM visits WHERE visit_id = ?", [visit_id])
    if row is None:
        raise DomainError("visit_unknown", visit=visit_id)
    return row


def record_step(
    store: Store, visit_id: str, event_type: str, payload: dict[str, Any], *, staff_id: str, permission: str
) -> dict[str, Any]:
    """The shape every simple step of the flow has: who may, whether the visit may take this step
    now, then the event (stamped with the station's time). Returns the visit as it is after."""
    with store.transaction():
        staffmod.require(store, staff_id, permission)
        flow.check_step(event_type, visit(store, visit_id)["state"], visit_id)
        store.append(
            event_type, {**payload, "at": store.now().isoformat()}, visit_id=visit_id, staff_id=staff_id
        )
        return visit(store, visit_id)


def visit_on(store: Store, person_id: str, day: date) -> dict[str, Any] | None:
    """The person's live (not cancelled) visit on ``day``, if any."""
    return store.one(
        "SELECT * FROM visits WHERE person_id = ? AND day = ? AND state != 'cancelled' ORDER BY booked_at LIMIT 1",
        [person_id, day.isoformat()],
    )


def add_booking(
    store: Store,
    person: dict[str, Any],
    day: date,
    slot: str | None,
    *,
    staff_id: str,
    source: str = "import",
    booking_no: str | None = None,
    product: str | None = None,
) -> str:
    """Append one booking (a visit in state ``booked``); refuses a second live booking for the same day."""
    with store.transaction():
        staffmod.require(store, staff_id, "sign_in" if source == "walk_in" else "import_bookings")
        held = visit_on(store, person["person_id"], day)
        if held:
            raise DomainError("already_booked", day=day.isoformat(), visit=held["visit_id"])
        visit_id = str(uuid.uuid4())
        store.append(
            "BookingAdded",
            {
                "person": person,
                "day": day.isoformat(),
                "slot": slot,
                "booking_no": booking_no,
                "product": product,
                "source": source,
                "at": store.now().isoformat(),
            },
            visit_id=visit_id,
            staff_id=staff_id,
        )
    return visit_id


@dataclass
class ImportSummary:
    imported: int = 0
    already_booked: int = 0
    rejected: int = 0
    visit_ids: list[str] = field(default_factory=list)


def import_rows(store: Store, check: Any, *, staff_id: str, skip_bad: bool = False) -> ImportSummary:
    """Import a checked bookings file (``importer.read_bookings``) in one transaction.

    All or nothing: with any bad row nothing is imported unless ``skip_bad``. A row whose person is
    already booked that day was imported before and is counted, not added again, so a file can be
    imported twice safely.
    """
    if check.errors and not skip_bad:
        raise DomainError("import_has_errors", count=len(check.errors))
    summary = ImportSummary(rejected=len(check.errors))
    with store.transaction():
        staffmod.require(store, staff_id, "import_bookings")
        for row in check.rows:
            person = {
                "person_id": person_id_for(row.id_type, row.id_number),
                "id_type": row.id_type,
                "id_number": row.id_number,
                "name": row.name,
                "phone": row.phone or None,
                "unit": row.unit or None,
                "birth_date": row.birth_date.isoformat() if row.birth_date else None,
                "sex": row.sex,
            }
            if visit_on(store, person["person_id"], row.day):
                summary.already_booked += 1
                continue
            summary.visit_ids.append(
                add_booking(
                    store,
                    person,
                    row.day,
                    row.slot,
                    staff_id=staff_id,
                    source="import",
                    booking_no=row.booking_no,
                    product=row.product,
                )
            )
            summary.imported += 1
    return summary
