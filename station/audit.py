"""The audit trail (#13): who did what on a day, read from the event log; `station audit`.

Every event recorded that day (by its ``recorded_at``), in log (HLC) order: time, laptop (origin),
staff id and name, the action in the user's language, the visit's queue number and person (name
and a masked ID number, as the ledger does), a one-line summary; corrections and voids name their
target and reason, and the records they touched are marked. Logins, failed logins and lockouts are
listed with the staff id they were for. The terminal command asks for an admin's PIN: it shows
personal data.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from station.identity import mask_id
from station.messages import render
from station.signin import format_queue_no
from station.store import EVENT_COLUMNS, Event, Store

_SUMMARY_KEYS: dict[str, tuple[str, ...]] = {
    "BookingAdded": ("source", "slot", "product"),
    "SignedIn": ("desk", "method"),
    "Screened": ("outcome", "temperature", "reasons"),
    "BookingCancelled": ("reason",),
    "Injected": ("product", "lot_no", "dose_number", "body_site", "desk"),
    "ObservationStarted": ("seat", "minutes"),
    "AdverseEventReported": ("category", "severity", "handling", "notes"),
    "Released": ("override_reason", "outcome"),
    "StockReceived": ("lot_no", "vials"),
    "VialOpened": ("lot_no", "vial_id"),
    "VialDiscarded": ("lot_no", "reason"),
    "DoseWasted": ("lot_no", "doses", "reason"),
    "LotFlagged": ("lot_no", "reason"),
    "LotDecided": ("lot_no", "decision"),
    "ColdReadingsRecorded": ("fridge", "source"),
    "StaffAdded": ("staff_id", "roles"),
    "StaffChanged": ("staff_id", "active", "roles"),
    "LoginFailed": ("staff_id", "failures"),
    "LoginSucceeded": ("staff_id",),
    "StaffLockedOut": ("staff_id", "until"),
    "DayClosed": ("day",),
    "ConflictResolved": ("resolution",),
    "Called": ("desk",),
    "CallOutcomeRecorded": ("outcome",),
    "StockCounted": ("lot_no", "counted_doses", "difference"),
}


def action_name(event_type: str, lang: str) -> str:
    text = render(f"audit_action_{event_type}", lang)
    return event_type if text.startswith("audit_action_") else text


def _summary(event: Event) -> str:
    p = event.payload
    if event.type == "RecordCorrected":
        before = p.get("before") or {}
        return "; ".join(f"{k}: {before.get(k)!s} → {v!s}" for k, v in sorted(p.get("fields", {}).items()))
    if event.type == "RecordVoided":
        return ""
    parts = []
    for key in _SUMMARY_KEYS.get(event.type, ()):
        value = p.get(key)
        if value in (None, "", [], {}):
            continue
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        parts.append(f"{key}={value}")
    return " ".join(parts)


def _visits(store: Store, visit_ids: set[str]) -> dict[str, dict[str, str]]:
    """Queue number, name and masked ID per visit: the tables first, the log for a voided visit."""
    out: dict[str, dict[str, str]] = {}
    for visit_id in visit_ids:
        row = store.one(
            """SELECT v.queue_prefix, v.queue_no, p.name, p.id_number FROM visits v
               JOIN people p ON p.person_id = v.person_id WHERE v.visit_id = ?""",
            [visit_id],
        )
        if row is None:
            row = {"queue_prefix": None, "queue_no": None, "name": "", "id_number": ""}
            for type_, payload in store.conn.execute(
                "SELECT type, payload FROM events WHERE visit_id = ? AND type IN ('BookingAdded', 'SignedIn') "
                "ORDER BY hlc",
                [visit_id],
            ):
                p = json.loads(payload)
                if type_ == "BookingAdded":
                    row.update(name=p["person"].get("name", ""), id_number=p["person"].get("id_number", ""))
                else:
                    row.update(queue_prefix=p.get("queue_prefix") or "A", queue_no=p.get("queue_no"))
        out[visit_id] = {
            "queue": format_queue_no(row["queue_prefix"], row["queue_no"]),
            "name": row["name"] or "",
            "id_masked": mask_id(row["id_number"]) if row["id_number"] else "",
        }
    return out


def day_trail(
    store: Store,
    day: date,
    *,
    staff: str | None = None,
    types: set[str] | None = None,
    lang: str = "zh",
) -> list[dict[str, Any]]:
    """The day's audit trail as plain data (the CLI, --json and the admin page's audit view)."""
    rows = store.conn.execute(
        "SELECT * FROM events WHERE substr(recorded_at, 1, 10) = ? ORDER BY hlc", [day.isoformat()]
    )
    cols = [d[0] for d in rows.description]
    events = [Event.from_row(dict(zip(cols, r, strict=True))) for r in rows.fetchall()]
    names = dict(store.conn.execute("SELECT staff_id, name FROM staff").fetchall())
    touched: dict[str, list[Event]] = {}
    for row in store.conn.execute(
        f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE type IN ('RecordCorrected', 'RecordVoided') "
        "ORDER BY hlc"
    ).fetchall():
        fix = Event.from_row(row)
        touched.setdefault(fix.payload["target"], []).append(fix)
    visits = _visits(store, {e.visit_id for e in events if e.visit_id})
    out: list[dict[str, Any]] = []
    for event in events:
        who = event.staff_id or (
            event.payload.get("staff_id") if event.type.startswith(("Login", "StaffLocked")) else None
        )
        if staff and who != staff:
            continue
        if types and event.type not in types:
            continue
        visit = visits.get(event.visit_id or "", {})
        entry: dict[str, Any] = {
            "event_id": event.id,
            "time": event.recorded_at[11:19],
            "recorded_at": event.recorded_at,
            "origin": event.origin,
            "staff_id": who or "",
            "staff_name": names.get(who, "") if who else "",
            "type": event.type,
            "action": action_name(event.type, lang),
            "visit_id": event.visit_id,
            "queue": visit.get("queue", ""),
            "person": visit.get("name", ""),
            "id_masked": visit.get("id_masked", ""),
            "summary": _summary(event),
            "corrected_by": [f.id for f in touched.get(event.id, []) if f.type == "RecordCorrected"],
            "voided_by": [f.id for f in touched.get(event.id, []) if f.type == "RecordVoided"],
        }
        if event.type in ("RecordCorrected", "RecordVoided"):
            target = store.one("SELECT * FROM events WHERE id = ?", [event.payload["target"]])
            entry["target"] = {
                "event_id": event.payload["target"],
                "type": event.payload.get("target_type"),
                "action": action_name(event.payload.get("target_type", ""), lang),
                "time": target["recorded_at"][11:19] if target else "",
                "staff_id": target["staff_id"] if target else "",
            }
            entry["reason"] = event.payload.get("reason", "")
        out.append(entry)
    return out


def format_line(entry: dict[str, Any], lang: str) -> str:
    staff = f"{entry['staff_id']} {entry['staff_name']}".strip() or "-"
    action = entry["action"]
    if entry["voided_by"]:
        action += render("audit_voided_marker", lang)
    elif entry["corrected_by"]:
        action += render("audit_corrected_marker", lang)
    person = f"{entry['person']} {entry['id_masked']}".strip()
    line = (
        f"{entry['time']}  {entry['origin']:<10}  {staff:<18}  {action:<16}  {entry['queue'] or '-':<6}  "
        f"{person or '-'}  {entry['summary']}"
    ).rstrip()
    if "target" in entry:
        t = entry["target"]
        line += "\n          " + render(
            "audit_target",
            lang,
            time=t["time"],
            action=t["action"],
            staff=t["staff_id"] or "-",
            reason=entry["reason"],
        )
    return line
