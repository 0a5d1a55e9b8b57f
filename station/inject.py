"""Step 3, inject: call the next screened person in queue order, record product, lot, dose and desk."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from station import bookings, flow, history, signin, stock
from station import staff as staffmod
from station.errors import DomainError
from station.rules import Rules, load_rules
from station.store import Store

DEFAULT_BODY_SITE = "left_deltoid"


CALL_HOLD_MINUTES = 10  # a person called by another desk is left to that desk for this long


def queue(store: Store, day: date) -> list[dict[str, Any]]:
    """Screened people waiting for the injection, in queue order (sign-in order, see
    ``signin.QUEUE_ORDER``); people called and found absent go behind everyone missed fewer times."""
    return store.all(
        f"""SELECT v.*, p.name, p.id_number, p.id_type FROM visits v JOIN people p USING (person_id)
            WHERE v.day = ? AND v.state = 'screened' ORDER BY v.missed, {signin.QUEUE_ORDER}""",
        [day.isoformat()],
    )


def next_up(store: Store, day: date) -> dict[str, Any] | None:
    waiting = queue(store, day)
    return waiting[0] if waiting else None


def called_at_desk(store: Store, desk: str, day: date) -> dict[str, Any] | None:
    """The person this desk has called and not yet injected or marked absent."""
    return store.one(
        """SELECT v.*, p.name, p.id_number, p.id_type FROM visits v JOIN people p USING (person_id)
           WHERE v.day = ? AND v.state = 'screened' AND v.called_desk = ? ORDER BY v.called_at LIMIT 1""",
        [day.isoformat(), str(desk)],
    )


def call_next(store: Store, *, staff_id: str, desk: str) -> dict[str, Any] | None:
    """Call the next person in queue order to this desk. No skipping: while this desk has someone
    called, it gets the same person back (inject them, or mark them absent). None when nobody waits."""
    with store.transaction():
        staffmod.require(store, staff_id, "inject")
        now = store.now()
        day = now.date()
        current = called_at_desk(store, desk, day)
        if current:
            return current
        hold = (now - timedelta(minutes=CALL_HOLD_MINUTES)).isoformat()
        for visit in queue(store, day):
            taken_elsewhere = (
                visit["called_desk"] not in (None, str(desk)) and (visit["called_at"] or "") > hold
            )
            if not taken_elsewhere:
                store.append(
                    "Called",
                    {"desk": str(desk), "at": now.isoformat()},
                    visit_id=visit["visit_id"],
                    staff_id=staff_id,
                )
                return called_at_desk(store, desk, day)
        return None


def recall(store: Store, visit_id: str, *, staff_id: str, desk: str) -> dict[str, Any]:
    """Call the same person again (they did not hear)."""
    return bookings.record_step(
        store, visit_id, "Called", {"desk": str(desk)}, staff_id=staff_id, permission="inject"
    )


def mark_absent(store: Store, visit_id: str, *, staff_id: str, desk: str) -> dict[str, Any]:
    """The called person is not there: they go to the back of the queue, and the desk calls the next."""
    return bookings.record_step(
        store, visit_id, "CallMissed", {"desk": str(desk)}, staff_id=staff_id, permission="inject"
    )


def plan(
    store: Store, visit_id: str, rules: Rules | None = None, *, desk: str | None = None
) -> dict[str, Any]:
    """What this visit should get: product, dose number, and the lot to use: with ``desk``, the lot
    of the desk's open vial of the product (``vial``: that vial, or None), else first expiry, first
    out. ``vial`` may be ``expired`` (discard it before injecting)."""
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
    vial = stock.open_vial_at(store, str(desk), product) if desk else None
    return {
        "visit": visit,
        "product": product,
        "dose_number": due.dose_number,
        "is_booster": due.is_booster,
        "lot": stock.lot(store, vial["lot_no"]) if vial else stock.suggest_lot(store, product, day),
        "vial": vial,
    }


def inject(
    store: Store,
    visit_id: str,
    *,
    staff_id: str,
    lot_no: str | None = None,
    desk: str | None,
    product: str | None = None,
    dose_number: int | None = None,
    body_site: str = DEFAULT_BODY_SITE,
    vial_id: str | None = None,
    rules: Rules | None = None,
) -> dict[str, Any]:
    """Record a dose given, taken from a vial open at the desk. Checks the step, the lot (product,
    expiry, hold, stock), the vial (this desk's, in time, a dose left) and the dose rules.

    The vial: ``vial_id``, else the desk's open vial of the product (of ``lot_no`` if given).
    With none open, a single-dose vial of ``lot_no`` (or the first-expiry lot) is opened in the
    same step; a multi-dose vial must be opened first (stock.open_vial: ``no_open_vial``).
    The dose row (doses table) carries ``vial_id``."""
    rules = rules or load_rules()
    with store.transaction():
        staffmod.require(store, staff_id, "inject")
        visit = bookings.visit(store, visit_id)
        flow.check_step("Injected", visit["state"], visit_id)
        if not desk:
            raise DomainError("desk_missing")
        planned = plan(store, visit_id, rules)
        product = product or planned["product"]
        day = date.fromisoformat(visit["day"])
        lot_no = lot_no.strip().upper() if lot_no and lot_no.strip() else None
        if lot_no:
            stock.usable_lot(store, lot_no, product, day)
        dose_number = dose_number or planned["dose_number"]
        person = store.one("SELECT birth_date FROM people WHERE person_id = ?", [visit["person_id"]])
        birth = date.fromisoformat(person["birth_date"]) if person and person["birth_date"] else None
        warnings = rules.check_dose(
            history.past_doses(store, visit["person_id"]), product, dose_number, day, birth
        )
        vial = stock.vial_for_dose(
            store,
            staff_id=staff_id,
            desk=str(desk),
            product=product,
            lot_no=lot_no,
            vial_id=vial_id,
            on=day,
            rules=rules,
        )
        event = store.append(
            "Injected",
            {
                "product": product,
                "lot_no": vial["lot_no"],
                "vial_id": vial["vial_id"],
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
