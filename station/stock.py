"""Vaccine stock by lot: received, opened, used (kept by triggers on the doses table), wasted."""

from __future__ import annotations

from datetime import date
from typing import Any

from station import staff as staffmod
from station.errors import DomainError
from station.rules import Rules, load_rules
from station.store import Store

_LOTS = """
SELECT l.*, l.doses_received - l.doses_wasted - l.doses_used AS doses_left
FROM lots l
"""


def lots(store: Store, product: str | None = None, *, usable_on: date | None = None) -> list[dict[str, Any]]:
    """Lots with their doses left, first expiry first; ``usable_on`` leaves out lots expired by then."""
    where, params = [], []
    if product:
        where.append("l.product = ?")
        params.append(product)
    if usable_on:
        where.append("l.expiry >= ?")
        params.append(usable_on.isoformat())
    sql = _LOTS + (" WHERE " + " AND ".join(where) if where else "")
    return store.all(sql + " ORDER BY l.product, l.expiry, l.lot_no", params)


def lot(store: Store, lot_no: str) -> dict[str, Any] | None:
    return store.one(_LOTS + " WHERE l.lot_no = ?", [lot_no])


def doses_left(store: Store, on: date | None = None) -> int:
    """Doses in stock that can still be given (unexpired lots on ``on``)."""
    cutoff = (on or store.now().date()).isoformat()
    return store.scalar(
        f"SELECT coalesce(sum(max(doses_left, 0)), 0) FROM ({_LOTS}) WHERE expiry >= ?", [cutoff]
    )


def usable_lot(store: Store, lot_no: str, product: str, on: date) -> dict[str, Any]:
    """The lot, if it may be used for ``product`` on ``on``; refuses otherwise."""
    row = lot(store, lot_no)
    if row is None:
        raise DomainError("lot_unknown", lot=lot_no)
    if row["product"] != product:
        raise DomainError("lot_wrong_product", lot=lot_no, lot_product=row["product"], product=product)
    if row["expiry"] < on.isoformat():
        raise DomainError("lot_expired", lot=lot_no, expiry=row["expiry"])
    if row["doses_left"] <= 0:
        raise DomainError("out_of_stock", lot=lot_no)
    return row


def suggest_lot(store: Store, product: str, on: date) -> dict[str, Any] | None:
    """First expiry, first out: the unexpired lot of ``product`` with doses left that expires soonest."""
    return next((row for row in lots(store, product, usable_on=on) if row["doses_left"] > 0), None)


def receive(
    store: Store,
    *,
    staff_id: str,
    lot_no: str,
    product: str,
    expiry: date,
    vials: int,
    doses_per_vial: int | None = None,
    rules: Rules | None = None,
) -> dict[str, Any]:
    rules = rules or load_rules()
    prod = rules.product(product)
    lot_no = lot_no.strip().upper()
    if not lot_no:
        raise DomainError("lot_missing")
    if vials <= 0:
        raise DomainError("vials_not_positive", vials=vials)
    with store.transaction():
        staffmod.require(store, staff_id, "receive_stock")
        held = lot(store, lot_no)
        if held and (held["product"] != product or held["expiry"] != expiry.isoformat()):
            raise DomainError("lot_mismatch", lot=lot_no, product=held["product"], expiry=held["expiry"])
        store.append(
            "StockReceived",
            {
                "lot_no": lot_no,
                "product": product,
                "expiry": expiry.isoformat(),
                "vials": vials,
                "doses_per_vial": doses_per_vial or prod.doses_per_vial,
                "at": store.now().isoformat(),
            },
            staff_id=staff_id,
        )
        result = lot(store, lot_no)
    assert result is not None
    return result


def waste(store: Store, *, staff_id: str, lot_no: str, doses: int, reason: str) -> dict[str, Any]:
    with store.transaction():
        staffmod.require(store, staff_id, "waste_dose")
        lot_no = lot_no.strip().upper()  # as receive() and inject() take it
        row = lot(store, lot_no)
        if row is None:
            raise DomainError("lot_unknown", lot=lot_no)
        if doses <= 0 or doses > row["doses_left"]:
            raise DomainError("waste_out_of_range", doses=doses, left=row["doses_left"])
        store.append(
            "DoseWasted",
            {"lot_no": lot_no, "doses": doses, "reason": reason, "at": store.now().isoformat()},
            staff_id=staff_id,
        )
        result = lot(store, lot_no)
    assert result is not None
    return result
