"""Conflicts: records from different laptops that contradict each other, put before the site admin.

Nothing is dropped: the events stay in the log. Resolving records who decided what, and clears
the visit's flag once none of its conflicts is open.
"""

from __future__ import annotations

import json
from typing import Any

from station import staff as staffmod
from station.errors import DomainError
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
