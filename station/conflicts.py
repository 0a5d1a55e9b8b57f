"""Conflicts: records from different laptops that contradict each other, put before the site admin.

Nothing is dropped: the events stay in the log. Resolving records who decided what, and clears
the visit's flag once none of its conflicts is open.
"""

from __future__ import annotations

import json
from typing import Any

from station import staff as staffmod
from station.errors import DomainError
from station.signin import format_queue_no
from station.store import Store


def open_conflicts(store: Store) -> list[dict[str, Any]]:
    rows = store.all(
        """SELECT c.*, e.type, e.origin, e.staff_id AS by_staff, e.hlc, v.queue_no, v.day, v.state,
                  p.name, p.id_number
           FROM conflicts c JOIN events e ON e.id = c.event_id
           LEFT JOIN visits v ON v.visit_id = c.visit_id LEFT JOIN people p ON p.person_id = v.person_id
           WHERE c.resolution IS NULL ORDER BY e.hlc"""
    )
    for row in rows:
        row["detail"] = json.loads(row["detail"])
    return rows


def resolve(store: Store, conflict_event_id: str, *, staff_id: str, resolution: str) -> None:
    resolution = resolution.strip()
    if not resolution:
        raise DomainError("resolution_missing")
    with store.transaction():
        staffmod.require(store, staff_id, "resolve_conflict")
        row = store.one("SELECT visit_id, resolution FROM conflicts WHERE event_id = ?", [conflict_event_id])
        if row is None:
            raise DomainError("conflict_unknown", conflict=conflict_event_id)
        if row["resolution"] is not None:
            raise DomainError("conflict_already_resolved", conflict=conflict_event_id)
        store.append(
            "ConflictResolved",
            {"conflict_event_id": conflict_event_id, "resolution": resolution, "at": store.now().isoformat()},
            visit_id=row["visit_id"],
            staff_id=staff_id,
        )


# What each kind of record says that matters when two of them contradict each other.
_FACTS: dict[str, tuple[str, ...]] = {
    "BookingAdded": ("day", "slot", "booking_no", "product", "source"),
    "SignedIn": ("queue_no",),
    "Screened": ("outcome", "temperature", "reasons"),
    "BookingCancelled": ("reason",),
    "Injected": ("product", "lot_no", "dose_number", "desk"),
    "ObservationStarted": ("seat", "minutes"),
    "AdverseEventReported": ("category", "severity", "handling", "extend_minutes"),
    "Released": (),
    "StaffAdded": ("staff_id", "name", "roles"),
}

# Event types that move a visit along the flow: the record a state conflict contradicts is one of them.
_FLOW_TYPES = (
    "BookingAdded",
    "SignedIn",
    "Screened",
    "BookingCancelled",
    "Injected",
    "ObservationStarted",
    "Released",
)

_RECORD_SQL = """SELECT e.id AS event_id, e.type, e.origin, e.hlc, e.visit_id, e.staff_id, e.payload,
                        s.name AS staff_name, v.queue_no, v.queue_prefix, p.name
                 FROM events e LEFT JOIN staff s ON s.staff_id = e.staff_id
                 LEFT JOIN visits v ON v.visit_id = e.visit_id LEFT JOIN people p ON p.person_id = v.person_id"""


def _record(row: dict[str, Any]) -> dict[str, Any]:
    payload = json.loads(row.pop("payload"))
    facts = {k: payload[k] for k in _FACTS.get(row["type"], ()) if payload.get(k) not in (None, "", [])}
    if row["type"] == "SignedIn":
        facts["queue_no"] = format_queue_no(payload.get("queue_prefix"), payload["queue_no"])
    return {**row, "at": payload.get("at"), "facts": facts}


def both_sides(store: Store, conflict_event_id: str) -> dict[str, Any]:
    """The conflicting record and the record it contradicts, for the admin to compare side by side:
    each with what it says, when, on which laptop (origin) and by whom. ``other`` is None when the
    record contradicts nothing held here (a step on a visit this laptop never saw booked)."""
    row = store.one("SELECT code, detail, visit_id FROM conflicts WHERE event_id = ?", [conflict_event_id])
    if row is None:
        raise DomainError("conflict_unknown", conflict=conflict_event_id)
    this = store.one(f"{_RECORD_SQL} WHERE e.id = ?", [conflict_event_id])
    assert this is not None  # a conflict is always about an event held here
    detail = json.loads(row["detail"])
    code = row["code"]
    other: dict[str, Any] | None = None
    if code in ("duplicate_booking", "duplicate_queue_no") and detail.get("other_visit"):
        kind = "BookingAdded" if code == "duplicate_booking" else "SignedIn"
        other = store.one(
            f"{_RECORD_SQL} WHERE e.visit_id = ? AND e.type = ? ORDER BY e.hlc LIMIT 1",
            [detail["other_visit"], kind],
        )
    elif code == "duplicate_staff":
        other = store.one(
            f"""{_RECORD_SQL} WHERE e.type = 'StaffAdded' AND e.id != ?
                AND json_extract(e.payload, '$.staff_id') = ? ORDER BY e.hlc LIMIT 1""",
            [conflict_event_id, detail.get("staff_id")],
        )
    elif code == "released_during_reaction":
        other = store.one(
            f"""{_RECORD_SQL} WHERE e.visit_id = ? AND e.type = 'AdverseEventReported'
                ORDER BY e.hlc DESC LIMIT 1""",
            [row["visit_id"]],
        )
    elif row["visit_id"]:
        # The same step recorded twice (two injections), else the step that put the visit where this
        # record could not follow (a release, then a reaction reported on another laptop).
        other = store.one(
            f"{_RECORD_SQL} WHERE e.visit_id = ? AND e.id != ? AND e.type = ? ORDER BY e.hlc LIMIT 1",
            [row["visit_id"], conflict_event_id, this["type"]],
        )
        if other is None:
            marks = ", ".join("?" * len(_FLOW_TYPES))
            other = store.one(
                f"""{_RECORD_SQL} WHERE e.visit_id = ? AND e.id != ? AND e.type IN ({marks})
                    ORDER BY e.hlc DESC LIMIT 1""",
                [row["visit_id"], conflict_event_id, *_FLOW_TYPES],
            )
    return {
        "code": code,
        "detail": detail,
        "this": _record(this),
        "other": _record(other) if other else None,
    }
