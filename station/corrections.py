"""Corrections (#13): a record made in error is corrected or voided by a new event, never edited.

``RecordCorrected`` names the target event and the fields it corrects (only those that make sense
for the target's type, ``CORRECTABLE``); ``RecordVoided`` names the target event and takes it back
(``VOIDABLE``, with the flow state each void needs). Both carry a required reason and the target's
visit id as their own, so they are re-projected with the visit's other events in HLC order (sync in
any order gives the same tables; ``rebuild --check`` holds). The projector applies them
(station/projector.py); the original event stays in the log untouched.

Who may: the author of the target within the correction window (setting
``correction_window_minutes``, 30 by default), or an admin with a proven Session (permission
``correct_records``, in ``PROVEN_ONLY``) at any time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from station import flow
from station import staff as staffmod
from station.errors import DomainError
from station.store import Event, Store

DEFAULT_WINDOW_MINUTES = 30

# The fields a correction may change, per target type.
CORRECTABLE: dict[str, tuple[str, ...]] = {
    "BookingAdded": ("name", "phone", "unit"),
    "Screened": ("temperature",),
    "Injected": ("body_site", "lot_no", "dose_number"),
    "AdverseEventReported": ("notes", "handling"),
}
# The states a visit must be in for a void of each type (a void that makes no sense is refused).
VOIDABLE: dict[str, tuple[str, ...]] = {
    "BookingAdded": (flow.BOOKED, flow.SIGNED_IN),  # a duplicate booking or walk-in, nothing done yet
    "SignedIn": (flow.SIGNED_IN,),  # the wrong person signed in, not screened yet
    "Screened": (flow.SCREENED, flow.TURNED_AWAY),  # screened the wrong person, not injected yet
    "Injected": (flow.INJECTED, flow.OBSERVING),  # recorded on the wrong visit: the dose goes back
    "AdverseEventReported": tuple(flow.STATES),  # reported on the wrong person
}
REASON_MAX = 500


def target_event(store: Store, target_id: str) -> Event:
    row = store.one("SELECT * FROM events WHERE id = ?", [target_id])
    if row is None:
        raise DomainError("correction_target_unknown", target=target_id)
    return Event.from_row(row)


def voided(store: Store, target: Event) -> bool:
    return bool(
        store.scalar(
            "SELECT 1 FROM events WHERE visit_id IS ? AND type = 'RecordVoided' "
            "AND json_extract(payload, '$.target') = ? LIMIT 1",
            [target.visit_id, target.id],
        )
    )


def current_values(store: Store, target: Event) -> dict[str, Any]:
    """The target's correctable fields as the tables hold them now (corrections applied)."""
    p = target.payload
    if target.type == "BookingAdded":
        row = store.one(
            "SELECT name, phone, unit FROM people WHERE person_id = ?", [p["person"]["person_id"]]
        )
        return row or {k: p["person"].get(k) for k in CORRECTABLE["BookingAdded"]}
    if target.type == "Screened":
        row = store.one("SELECT temperature FROM screenings WHERE event_id = ?", [target.id])
        return row or {"temperature": p.get("temperature")}
    if target.type == "Injected":
        row = store.one("SELECT body_site, lot_no, dose_number FROM doses WHERE event_id = ?", [target.id])
        return row or {k: p.get(k) for k in CORRECTABLE["Injected"]}
    if target.type == "AdverseEventReported":
        row = store.one("SELECT notes, handling FROM aefi WHERE aefi_id = ?", [p["aefi_id"]])
        return row or {k: p.get(k) for k in CORRECTABLE["AdverseEventReported"]}
    return {}


def may_correct(store: Store, target: Event, staff_id: str | None, window_minutes: int) -> str:
    """Why ``staff_id`` may touch ``target``: "author" (in the window) or "admin"; DomainError otherwise."""
    member = staffmod.get(store, staff_id) if staff_id else None
    if member is None:
        raise DomainError("staff_unknown", staff=staff_id or "-")
    if not member.active:
        raise DomainError("staff_disabled", staff=staff_id)
    made = datetime.fromisoformat(target.recorded_at)
    in_window = store.now() - made <= timedelta(minutes=window_minutes)
    if str(staff_id) == target.staff_id and in_window:
        # as every desk step: a login's Session (a bare id only where the store trusts named staff,
        # the rule on main since "Every permission needs a Session"; a store without it: allowed)
        if not isinstance(staff_id, staffmod.Session) and not getattr(store, "trusts_named_staff", True):
            raise DomainError("session_required", staff=str(staff_id), action="correct_records")
        return "author"
    if member.may("correct_records"):
        staffmod.require(store, staff_id, "correct_records")  # a Session: PROVEN_ONLY
        return "admin"
    if str(staff_id) == target.staff_id:
        raise DomainError("correction_window_passed", minutes=window_minutes)
    raise DomainError("correction_not_author", staff=str(staff_id))


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("correction_reason_required")
    if len(reason) > REASON_MAX:
        raise DomainError("correction_reason_too_long", max=REASON_MAX)
    return reason


def _check_fields(store: Store, target: Event, fields: dict[str, Any]) -> dict[str, Any]:
    allowed = CORRECTABLE.get(target.type)
    if not allowed:
        raise DomainError("correction_type_not_allowed", type=target.type)
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise DomainError("correction_field_not_allowed", field=unknown[0], type=target.type)
    now = current_values(store, target)
    changed = {k: v for k, v in fields.items() if v != now.get(k)}
    if not changed:
        raise DomainError("correction_nothing_changed")
    out: dict[str, Any] = {}
    for key, value in changed.items():
        if key == "name":
            value = " ".join(str(value or "").split())
            if not value:
                raise DomainError("correction_value_invalid", field=key)
        elif key in ("phone", "unit", "notes", "body_site"):
            value = " ".join(str(value or "").split())
            if key == "body_site" and not value:
                raise DomainError("correction_value_invalid", field=key)
        elif key == "temperature":
            from station.prescreen import parse_temperature
            from station.rules import load_rules

            value = parse_temperature(str(value), load_rules())
            if value is None:
                raise DomainError("correction_value_invalid", field=key)
        elif key == "dose_number":
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10:
                raise DomainError("correction_value_invalid", field=key)
        elif key == "handling":
            from station.observe import HANDLINGS

            if value not in HANDLINGS:
                raise DomainError("aefi_handling_unknown", handling=value)
        elif key == "lot_no":
            lot = store.one("SELECT product FROM lots WHERE lot_no = ?", [value])
            if lot is None:
                raise DomainError("correction_lot_unknown", lot=value)
            if lot["product"] != target.payload.get("product"):
                raise DomainError("correction_lot_product", lot=value)
        out[key] = value
    return out


def correct(
    store: Store,
    target_id: str,
    fields: dict[str, Any],
    *,
    reason: str,
    staff_id: str,
    window_minutes: int = DEFAULT_WINDOW_MINUTES,
) -> Event:
    """Record a ``RecordCorrected`` of ``target_id`` changing ``fields`` (see CORRECTABLE)."""
    reason = _reason(reason)
    with store.transaction():
        target = target_event(store, target_id)
        if target.type not in CORRECTABLE:
            raise DomainError("correction_type_not_allowed", type=target.type)
        if voided(store, target):
            raise DomainError("correction_target_voided")
        how = may_correct(store, target, staff_id, window_minutes)
        changed = _check_fields(store, target, dict(fields))
        before = {k: current_values(store, target).get(k) for k in changed}
        return store.append(
            "RecordCorrected",
            {
                "target": target.id,
                "target_type": target.type,
                "fields": changed,
                "before": before,
                "reason": reason,
                "as": how,
                "at": store.now().isoformat(),
            },
            visit_id=target.visit_id,
            staff_id=str(staff_id),
        )


def void(
    store: Store,
    target_id: str,
    *,
    reason: str,
    staff_id: str,
    window_minutes: int = DEFAULT_WINDOW_MINUTES,
) -> Event:
    """Record a ``RecordVoided`` of ``target_id``: the record is taken back (see VOIDABLE)."""
    reason = _reason(reason)
    with store.transaction():
        target = target_event(store, target_id)
        states = VOIDABLE.get(target.type)
        if states is None:
            raise DomainError("void_type_not_allowed", type=target.type)
        if voided(store, target):
            raise DomainError("correction_target_voided")
        how = may_correct(store, target, staff_id, window_minutes)
        state = store.scalar("SELECT state FROM visits WHERE visit_id = ?", [target.visit_id])
        if state is None:
            raise DomainError("correction_target_unknown", target=target.id)
        if state not in states:
            raise DomainError("void_too_late", type=target.type, state=state)
        if target.type == "Injected":
            if store.scalar("SELECT 1 FROM aefi WHERE visit_id = ? LIMIT 1", [target.visit_id]):
                raise DomainError("void_injection_with_reaction")
            if not store.scalar("SELECT 1 FROM doses WHERE event_id = ?", [target.id]):
                raise DomainError("void_too_late", type=target.type, state=state)
        if target.type == "AdverseEventReported" and not store.scalar(
            "SELECT 1 FROM aefi WHERE aefi_id = ?", [target.payload["aefi_id"]]
        ):
            raise DomainError("correction_target_voided")
        return store.append(
            "RecordVoided",
            {
                "target": target.id,
                "target_type": target.type,
                "reason": reason,
                "as": how,
                "at": store.now().isoformat(),
            },
            visit_id=target.visit_id,
            staff_id=str(staff_id),
        )


def last_own(store: Store, staff_id: str, types: tuple[str, ...]) -> Event | None:
    """The staff member's latest record of one of ``types`` not voided (what a desk's "Correct…" opens)."""
    marks = ", ".join("?" * len(types))
    for row in store.all(
        f"SELECT * FROM events WHERE staff_id = ? AND type IN ({marks}) ORDER BY pos DESC LIMIT 5",
        [str(staff_id), *types],
    ):
        event = Event.from_row(row)
        if not voided(store, event):
            return event
    return None
