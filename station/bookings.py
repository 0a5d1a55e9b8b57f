"""Bookings and people: add one, import a checked file, find a person by ID number."""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Callable
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
    # "+day": look the person up by visits_person (a person has a handful of visits); without it
    # SQLite picks the day's index and scans every visit of the day, which made an import of a
    # day's bookings slow down with every row (2,000 rows: 0.35 s for the first 500, 1 s for the last)
    return store.one(
        "SELECT * FROM visits WHERE person_id = ? AND +day = ? AND state != 'cancelled' ORDER BY booked_at LIMIT 1",
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


IMPORT_CHUNK = 500  # rows per transaction at most...
IMPORT_CHUNK_SECONDS = 0.1  # ...and a transaction ends after this long, whatever its rows
# Between chunks the import steps aside this long. A desk waiting for the lock sleeps in SQLite's
# busy handler (1, 2, 5, 10, 15, 20, 25, 25 ms... then 50 and 100 ms); without the pause the
# import's next BEGIN won the lock again and again and a desk waited over a second (bench/bench_import.py).
# A waiter is at most ~0.1 s in, sleeping at most 25 ms at a time, so 30 ms lets it through.
IMPORT_PAUSE = 0.03
VISIT_IDS_KEPT = 10_000  # the summary lists the visits of a small import; a big one only counts them


@dataclass
class ImportSummary:
    imported: int = 0
    already_booked: int = 0
    rejected: int = 0
    visit_ids: list[str] = field(default_factory=list)  # the first VISIT_IDS_KEPT visits made
    chunks: int = 0


def import_rows(
    store: Store,
    check: Any,
    *,
    staff_id: str,
    skip_bad: bool = False,
    chunk: int = IMPORT_CHUNK,
    on_chunk: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import a checked bookings file (``importer.read_bookings``), ``chunk`` rows per transaction.

    With any bad row nothing is imported unless ``skip_bad`` (the whole file was checked before).
    Each chunk (at most ``chunk`` rows and IMPORT_CHUNK_SECONDS) commits on its own and the import
    then steps aside for IMPORT_PAUSE, so the desks recording beside a large import wait a fraction
    of a second at most, never the whole file; rows are read a chunk at a time, so memory stays bounded.
    A row whose person is already booked that day was imported before and is counted, not added
    again, so a file is imported twice safely, and an import cut off half way (power, a crash) is
    finished by importing the same file again. ``on_chunk(rows_done)`` is called after each commit.
    """
    if check.errors and not skip_bad:
        raise DomainError("import_has_errors", count=len(check.errors))
    summary = ImportSummary(rejected=len(check.errors))
    staffmod.require(store, staff_id, "import_bookings")
    rows = iter(check.rows)
    done = 0
    while batch := list(itertools.islice(rows, chunk)):
        at = 0
        while at < len(batch):
            with store.transaction():
                staffmod.require(store, staff_id, "import_bookings")  # disabled meanwhile: the rest stops
                end = time.monotonic() + IMPORT_CHUNK_SECONDS
                while at < len(batch) and time.monotonic() < end:  # at least one row: end is ahead
                    _import_row(store, batch[at], staff_id, summary)
                    at += 1
            done_now = done + at
            summary.chunks += 1
            if on_chunk is not None:
                on_chunk(done_now)
            if not store.conn.in_transaction:  # inside a caller's transaction nobody else gets in anyway
                time.sleep(IMPORT_PAUSE)
        done += len(batch)
    return summary


def _import_row(store: Store, row: Any, staff_id: str, summary: ImportSummary) -> None:
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
        return
    visit_id = add_booking(
        store,
        person,
        row.day,
        row.slot,
        staff_id=staff_id,
        source="import",
        booking_no=row.booking_no,
        product=row.product,
    )
    if len(summary.visit_ids) < VISIT_IDS_KEPT:
        summary.visit_ids.append(visit_id)
    summary.imported += 1
