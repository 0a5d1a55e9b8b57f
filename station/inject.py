"""Step 3, inject: call the next screened person in queue order, record product, lot, dose and desk."""

from __future__ import annotations

from datetime import date
from typing import Any

from station import bookings, flow, history, stock
from station import staff as staffmod
from station.errors import DomainError
from station.rules import Rules, load_rules
from station.store import Store

DEFAULT_BODY_SITE = "left_deltoid"


def queue(store: Store, day: date) -> list[dict[str, Any]]:
    """Screened people waiting for the injection, in queue-number order (no skipping)."""
    return store.all(
        """SELECT v.*, p.name, p.id_number, p.id_type FROM visits v JOIN people p USING (person_id)
           WHERE v.day = ? AND v.state = 'screened' ORDER BY v.queue_no""",
        [day.isoformat()],
    )


def next_up(store: Store, day: date) -> dict[str, Any] | None:
    waiting = queue(store, day)
    return waiting[0] if waiting else None


def plan(store: Store, visit_id: str, rules: Rules | None = None) -> dict[str, Any]:
    """What this visit should get: product, dose number, and the lot to use (first expiry, first out)."""
    rules = rules or load_rules()
    visit = bookings.visit(store, visit_id)
    screening = store.one(
        "SELECT * FROM screenings WHERE visit_id = ? AND outcome = 'pass' ORDER BY at DESC LIMIT 1",
        [visit_id],
    )
    product = visit["product"] or rules.site.get("default_product")
    if screening:
        product = (
            store.scalar(
                "SELECT json_extract(payload, '$.product') FROM events WHERE id = ?", [screening["event_id"]]
            )
            or product
        )
    due = rules.next_dose(history.past_doses(store, visit["person_id"]), product)
    day = date.fromisoformat(visit["day"])
    return {
        "visit": visit,
        "product": product,
        "dose_number": due.dose_number,
        "is_booster": due.is_booster,
        "lot": stock.suggest_lot(store, product, day),
    }


def inject(
    store: Store,
    visit_id: str,
    *,
    staff_id: str,
    lot_no: str,
    desk: str | None,
    product: str | None = None,
    dose_number: int | None = None,
    body_site: str = DEFAULT_BODY_SITE,
    rules: Rules | None = None,
) -> dict[str, Any]:
    """Record a dose given. Checks the step, the lot (product, expiry, stock) and the dose rules."""
    rules = rules or load_rules()
    with store.transaction():
        staffmod.require(store, staff_id, "inject")
        visit = bookings.visit(store, visit_id)
        flow.check_step("Injected", visit["state"], visit_id)
        planned = plan(store, visit_id, rules)
        product = product or planned["product"]
        day = date.fromisoformat(visit["day"])
        lot = stock.usable_lot(store, lot_no.strip().upper(), product, day)
        dose_number = dose_number or planned["dose_number"]
        person = store.one("SELECT birth_date FROM people WHERE person_id = ?", [visit["person_id"]])
        birth = date.fromisoformat(person["birth_date"]) if person and person["birth_date"] else None
        warnings = rules.check_dose(
            history.past_doses(store, visit["person_id"]), product, dose_number, day, birth
        )
        if not desk:
            raise DomainError("desk_missing")
        event = store.append(
            "Injected",
            {
                "product": product,
                "lot_no": lot["lot_no"],
                "dose_number": dose_number,
                "desk": str(desk),
                "body_site": body_site,
                "warnings": warnings,
                "at": store.now().isoformat(),
            },
            visit_id=visit_id,
            staff_id=staff_id,
        )
        return store.one("SELECT * FROM doses WHERE event_id = ?", [event.id]) or {}
