"""Vaccine stock from the fridge to the arm: lots received (typed or by a scanned pack code), vials
opened at a desk, doses used (kept by triggers on the doses table), wasted, held or quarantined
after a cold-chain excursion, and counted at the end of the day. See docs/stock.md.

Every change is an event keyed by its lot (StockReceived, VialOpened, VialDiscarded, DoseWasted,
LotFlagged, LotDecided), so two laptops holding the same events hold the same tables. A vial's id
is made by the desk that opens it: two desks, even cut off from each other, never share a vial.
"""

from __future__ import annotations

import tomllib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from station import packcodes
from station import staff as staffmod
from station.errors import DomainError
from station.paths import resource_dir
from station.rules import Rules, load_rules
from station.store import Store

OK, HOLD, QUARANTINED = "ok", "hold", "quarantined"
DISCARD_REASONS = ("expired_after_opening", "broken", "contaminated", "other")
DEFAULT_OPEN_VIAL_HOURS = 6
DEFAULT_MARGIN = 20

_LOTS = """
SELECT l.*, l.doses_received - l.doses_wasted - l.doses_used AS doses_left,
       l.vials_received - l.vials_opened AS vials_unopened
FROM lots l
"""

_VIALS = """
SELECT v.*, v.doses - v.doses_used - v.doses_wasted AS doses_left FROM vials v
"""


# --- the stock rules (resources/rules/stock.toml) --------------------------------------------------


@dataclass(frozen=True)
class StockProduct:
    open_vial_hours: float = DEFAULT_OPEN_VIAL_HOURS
    trace_prefixes: tuple[str, ...] = ()
    gtins: tuple[str, ...] = ()
    carton_vials: int | None = None


@dataclass(frozen=True)
class Fridge:
    id: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class StockRules:
    margin_doses: int = DEFAULT_MARGIN
    min_c: float = 2.0
    max_c: float = 8.0
    reading_times: tuple[str, ...] = ()
    fridges: tuple[Fridge, ...] = (Fridge("fridge1", "冷藏箱1", "Fridge 1"),)
    products: dict[str, StockProduct] = field(default_factory=dict)

    def product(self, code: str) -> StockProduct:
        return self.products.get(code, StockProduct())

    def fridge(self, fridge_id: str | None) -> Fridge:
        """The named fridge (default: the first); DomainError fridge_unknown otherwise."""
        if not fridge_id:
            return self.fridges[0]
        for f in self.fridges:
            if f.id == fridge_id:
                return f
        raise DomainError("fridge_unknown", fridge=fridge_id, known=", ".join(f.id for f in self.fridges))

    def product_for(self, pack: packcodes.PackCode) -> str:
        """The site's product for a pack code; DomainError code_unknown_product when none."""
        for code, p in self.products.items():
            if pack.kind == packcodes.TRACE and pack.product_code in p.trace_prefixes:
                return code
            if pack.kind == packcodes.GS1 and pack.gtin in p.gtins:
                return code
        known = pack.product_code if pack.kind == packcodes.TRACE else pack.gtin
        raise DomainError("code_unknown_product", value=known or "-")


def load_stock_rules(folder: Path | None = None) -> StockRules:
    """stock.toml in ``folder`` (default: the bundled resources/rules, cached); products are
    checked against products.toml there. A broken file is DomainError rules_invalid."""
    if folder is None:
        return _default_stock_rules()
    return _load_stock_rules(Path(folder))


@lru_cache(maxsize=1)
def _default_stock_rules() -> StockRules:
    return _load_stock_rules(resource_dir() / "rules")


def _fail(detail: str) -> DomainError:
    return DomainError("rules_invalid", file="stock.toml", detail=detail)


def _load_stock_rules(folder: Path) -> StockRules:
    path = folder / "stock.toml"
    if not path.exists():
        return StockRules()  # a rules folder from before stock.toml: the defaults
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _fail(f"not valid TOML: {exc}") from None
    unknown = set(data) - {"stock", "cold_chain", "fridges", "products"}
    if unknown:
        raise _fail(f"unknown key(s) {', '.join(sorted(unknown))}")
    known_products = load_rules(folder).products if (folder / "products.toml").exists() else {}
    products = {}
    for code, p in (data.get("products") or {}).items():
        if known_products and code not in known_products:
            raise _fail(f"products.{code}: not a product of products.toml")
        extra = set(p) - {"open_vial_hours", "trace_prefixes", "gtins", "carton_vials"}
        if extra:
            raise _fail(f"products.{code}: unknown key(s) {', '.join(sorted(extra))}")
        prefixes = tuple(str(x) for x in p.get("trace_prefixes", []))
        if any(len(x) != 7 or not x.isdigit() for x in prefixes):
            raise _fail(f"products.{code}.trace_prefixes: 7 digits each")
        gtins = tuple(str(x) for x in p.get("gtins", []))
        for g in gtins:
            try:
                pack = packcodes.parse("01" + g)
            except DomainError:
                raise _fail(f"products.{code}.gtins: {g!r} is not a GTIN-14 with its check digit") from None
            if pack.gtin != g:
                raise _fail(f"products.{code}.gtins: {g!r} is not a GTIN-14")
        hours = p.get("open_vial_hours", DEFAULT_OPEN_VIAL_HOURS)
        if not isinstance(hours, int | float) or hours <= 0:
            raise _fail(f"products.{code}.open_vial_hours: a number of hours > 0")
        products[code] = StockProduct(float(hours), prefixes, gtins, p.get("carton_vials"))
    fridges = (
        tuple(
            Fridge(str(f["id"]), str(f.get("name_zh", f["id"])), str(f.get("name_en", f["id"])))
            for f in data.get("fridges") or []
        )
        or StockRules().fridges
    )
    cold = data.get("cold_chain") or {}
    min_c, max_c = float(cold.get("min_c", 2.0)), float(cold.get("max_c", 8.0))
    if min_c >= max_c:
        raise _fail("cold_chain: min_c must be below max_c")
    times = tuple(cold.get("reading_times", []))
    for t in times:
        try:
            datetime.strptime(t, "%H:%M")
        except (TypeError, ValueError):
            raise _fail(f"cold_chain.reading_times: {t!r} is not HH:MM") from None
    margin = (data.get("stock") or {}).get("margin_doses", DEFAULT_MARGIN)
    if not isinstance(margin, int) or margin < 0:
        raise _fail("stock.margin_doses: a whole number >= 0")
    return StockRules(margin, min_c, max_c, times, fridges, products)


# --- lots --------------------------------------------------------------------------------------------


def lots(store: Store, product: str | None = None, *, usable_on: date | None = None) -> list[dict[str, Any]]:
    """Lots with their doses left (``doses_left``) and unopened vials (``vials_unopened``), first
    expiry first; ``usable_on`` keeps only lots unexpired by then and not held or quarantined."""
    where, params = [], []
    if product:
        where.append("l.product = ?")
        params.append(product)
    if usable_on:
        where.append("l.expiry >= ? AND l.status = 'ok'")
        params.append(usable_on.isoformat())
    sql = _LOTS + (" WHERE " + " AND ".join(where) if where else "")
    return store.all(sql + " ORDER BY l.product, l.expiry, l.lot_no", params)


def lot(store: Store, lot_no: str) -> dict[str, Any] | None:
    """One lot with its figures, or None."""
    return store.one(_LOTS + " WHERE l.lot_no = ?", [lot_no.strip().upper()])


def doses_left(store: Store, on: date | None = None) -> int:
    """Doses in stock that can still be given on ``on``: unexpired lots, not held or quarantined."""
    cutoff = (on or store.now().date()).isoformat()
    return store.scalar(
        f"SELECT coalesce(sum(max(doses_left, 0)), 0) FROM ({_LOTS}) WHERE expiry >= ? AND status = 'ok'",
        [cutoff],
    )


def usable_lot(store: Store, lot_no: str, product: str, on: date) -> dict[str, Any]:
    """The lot, if it may be used for ``product`` on ``on``. Refusals: lot_unknown,
    lot_wrong_product, lot_expired, lot_quarantined, lot_on_hold, out_of_stock."""
    row = lot(store, lot_no)
    if row is None:
        raise DomainError("lot_unknown", lot=lot_no)
    if row["product"] != product:
        raise DomainError("lot_wrong_product", lot=row["lot_no"], lot_product=row["product"], product=product)
    _check_lot(row, on)
    return row


def _check_lot(row: dict[str, Any], on: date) -> None:
    if row["expiry"] < on.isoformat():
        raise DomainError("lot_expired", lot=row["lot_no"], expiry=row["expiry"])
    if row["status"] == QUARANTINED:
        raise DomainError("lot_quarantined", lot=row["lot_no"], reason=row["status_reason"] or "-")
    if row["status"] == HOLD:
        raise DomainError("lot_on_hold", lot=row["lot_no"], reason=row["status_reason"] or "-")
    if row["doses_left"] <= 0:
        raise DomainError("out_of_stock", lot=row["lot_no"])


def suggest_lot(store: Store, product: str, on: date) -> dict[str, Any] | None:
    """First expiry, first out: the usable lot of ``product`` with doses left that expires soonest."""
    return next((row for row in lots(store, product, usable_on=on) if row["doses_left"] > 0), None)


def read_code(
    text: str, *, rules: Rules | None = None, stock_rules: StockRules | None = None
) -> dict[str, Any]:
    """A scanned pack code as a receiving form would take it: the code's fields (see
    ``packcodes.PackCode``) plus ``product``, ``manufacturer`` and ``vials`` (a carton's vials) from
    the rules. Refusals: the code's malformations, code_unknown_product."""
    rules = rules or load_rules()
    stock_rules = stock_rules or load_stock_rules()
    pack = packcodes.parse(text)
    product = stock_rules.product_for(pack)
    prod = rules.product(product)
    return {
        **pack.as_dict(),
        "product": product,
        "manufacturer": prod.manufacturer_zh,
        "doses_per_vial": prod.doses_per_vial,
        "vials": stock_rules.product(product).carton_vials,
    }


def receive(
    store: Store,
    *,
    staff_id: str,
    lot_no: str | None = None,
    product: str | None = None,
    expiry: date | None = None,
    vials: int | None = None,
    doses_per_vial: int | None = None,
    manufacturer: str | None = None,
    delivery_note: str | None = None,
    code: str | None = None,
    fridge: str | None = None,
    rules: Rules | None = None,
    stock_rules: StockRules | None = None,
) -> dict[str, Any]:
    """Record a delivery of a lot (StockReceived) and return the lot. Typed fields, a scanned pack
    code (``code``: a 20-digit traceability code or a GS1 element string), or both: what the code
    says must agree with what is typed. A carton code is received once. Refusals: the code's
    malformations, code_unknown_product, code_wrong_product, code_lot_mismatch,
    code_expiry_mismatch, gs1_serial_missing, carton_already_received, lot_missing,
    product_missing, expiry_missing, vials_not_positive, lot_mismatch,
    fridge_unknown, product_unknown, not_permitted."""
    rules = rules or load_rules()
    stock_rules = stock_rules or load_stock_rules()
    carton = None
    if code:
        pack = packcodes.parse(code)
        from_code = stock_rules.product_for(pack)
        if product and product != from_code:
            raise DomainError("code_wrong_product", product=product, code_product=from_code)
        product = from_code
        if pack.kind == packcodes.GS1:
            if not pack.serial:
                raise DomainError("gs1_serial_missing")
            if lot_no and pack.lot_no and lot_no.strip().upper() != pack.lot_no:
                raise DomainError("code_lot_mismatch", lot=lot_no.strip().upper(), code_lot=pack.lot_no)
            if expiry and pack.expiry and expiry != pack.expiry:
                raise DomainError(
                    "code_expiry_mismatch", expiry=expiry.isoformat(), code_expiry=pack.expiry.isoformat()
                )
            lot_no = lot_no or pack.lot_no
            expiry = expiry or pack.expiry
        vials = vials or stock_rules.product(product).carton_vials
        carton = pack.key
    if not product:
        raise DomainError("product_missing")
    prod = rules.product(product)
    lot_no = (lot_no or "").strip().upper()
    if not lot_no:
        raise DomainError("lot_missing")
    if expiry is None:
        raise DomainError("expiry_missing")
    if not vials or vials <= 0:
        raise DomainError("vials_not_positive", vials=vials or 0)
    if doses_per_vial is not None and doses_per_vial <= 0:
        raise DomainError("doses_per_vial_not_positive", doses=doses_per_vial)
    place = stock_rules.fridge(fridge)
    with store.transaction():
        staffmod.require(store, staff_id, "receive_stock")
        if carton and store.scalar(
            "SELECT 1 FROM receipts WHERE carton_code = ? AND duplicate = 0 LIMIT 1", [carton]
        ):
            raise DomainError("carton_already_received", carton=carton, lot=lot_no)
        held = lot(store, lot_no)
        per_vial = doses_per_vial or (held["doses_per_vial"] if held else prod.doses_per_vial)
        if held and (
            held["product"] != product
            or held["expiry"] != expiry.isoformat()
            or held["doses_per_vial"] != per_vial
        ):
            raise DomainError("lot_mismatch", lot=lot_no, product=held["product"], expiry=held["expiry"])
        store.append(
            "StockReceived",
            {
                "lot_no": lot_no,
                "product": product,
                "manufacturer": (manufacturer or "").strip() or prod.manufacturer_zh,
                "expiry": expiry.isoformat(),
                "vials": vials,
                "doses_per_vial": per_vial,
                "delivery_note": (delivery_note or "").strip() or None,
                "carton_code": carton,
                "fridge": held["fridge"] if held and held["fridge"] else place.id,
                "at": store.now().isoformat(),
            },
            staff_id=staff_id,
        )
        result = lot(store, lot_no)
    assert result is not None
    return result


def receipts(store: Store, lot_no: str | None = None) -> list[dict[str, Any]]:
    """Deliveries in the order received (a carton received twice on two laptops: ``duplicate`` 1)."""
    where = " WHERE lot_no = ?" if lot_no else ""
    return store.all(
        f"SELECT * FROM receipts{where} ORDER BY hlc", [lot_no.strip().upper()] if lot_no else []
    )


def waste(store: Store, *, staff_id: str, lot_no: str, doses: int, reason: str) -> dict[str, Any]:
    """Doses of a lot wasted outside any vial at a desk (DoseWasted); returns the lot."""
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


# --- vials at the desk -------------------------------------------------------------------------------


def vial(store: Store, vial_id: str) -> dict[str, Any] | None:
    """One vial with ``doses_left``, or None."""
    return store.one(_VIALS + " WHERE v.vial_id = ?", [vial_id])


def desk_vials(store: Store, desk: str) -> list[dict[str, Any]]:
    """The desk's vials not discarded and with doses left, oldest first (``expired``: past its
    time after opening, to be discarded)."""
    now = store.now()
    rows = store.all(
        _VIALS
        + " WHERE v.desk = ? AND v.discarded_at IS NULL AND v.doses - v.doses_used - v.doses_wasted > 0"
        " ORDER BY v.opened_at, v.vial_id",
        [str(desk)],
    )
    for row in rows:
        row["expired"] = _vial_expired(row, now)
    return rows


def open_vial_at(
    store: Store, desk: str, product: str | None = None, lot_no: str | None = None
) -> dict[str, Any] | None:
    """The vial an injection at ``desk`` takes its dose from (of ``product`` / ``lot_no`` if given),
    or None. It may be ``expired`` (then the injection is refused until it is discarded)."""
    for row in desk_vials(store, desk):
        if product and row["product"] != product:
            continue
        if lot_no and row["lot_no"] != lot_no.strip().upper():
            continue
        return row
    return None


def _vial_expired(row: dict[str, Any], now: datetime) -> bool:
    return datetime.fromisoformat(row["expires_at"]) < now


def open_vial(
    store: Store,
    *,
    staff_id: str,
    desk: str,
    lot_no: str | None = None,
    scanned_code: str | None = None,
    rules: Rules | None = None,
    stock_rules: StockRules | None = None,
) -> dict[str, Any]:
    """Open a vial of a lot at a desk (VialOpened, with a new vial id made here) and return it.
    The lot comes from ``lot_no`` or from a scanned vial code (GS1: its lot must match). It expires
    ``open_vial_hours`` after opening (rules: stock.toml). A desk keeps one open vial per product:
    discard the open one first. Refusals: the code's malformations, code_unknown_product,
    code_wrong_product, lot_missing, lot_unknown, product_unknown, lot_expired,
    lot_quarantined, lot_on_hold, out_of_stock, vial_code_wrong_lot, vial_still_open, desk_missing,
    not_permitted."""
    rules = rules or load_rules()
    stock_rules = stock_rules or load_stock_rules()
    code_product = None
    if scanned_code:
        pack = packcodes.parse(scanned_code)
        code_product = stock_rules.product_for(pack)
        if pack.lot_no:
            if lot_no and lot_no.strip().upper() != pack.lot_no:
                raise DomainError("vial_code_wrong_lot", lot=lot_no.strip().upper(), code_lot=pack.lot_no)
            lot_no = lot_no or pack.lot_no
    with store.transaction():
        staffmod.require(store, staff_id, "open_vial")
        held = lot(store, lot_no) if lot_no else None
        if held and code_product and held["product"] != code_product:
            raise DomainError("code_wrong_product", product=held["product"], code_product=code_product)
        return _open(store, staff_id, desk, lot_no, scanned_code, rules, stock_rules)


def _open(
    store: Store,
    staff_id: str,
    desk: str | None,
    lot_no: str | None,
    scanned_code: str | None,
    rules: Rules,
    stock_rules: StockRules,
) -> dict[str, Any]:
    if not desk:
        raise DomainError("desk_missing")
    if not lot_no or not lot_no.strip():
        raise DomainError("lot_missing")
    row = lot(store, lot_no)
    if row is None:
        raise DomainError("lot_unknown", lot=lot_no.strip().upper())
    rules.product(row["product"])  # product_unknown: a lot of a product the site no longer gives
    now = store.now()
    _check_lot(row, now.date())
    if row["vials_unopened"] <= 0:
        raise DomainError("out_of_stock", lot=row["lot_no"])
    still = open_vial_at(store, str(desk), row["product"])
    if still:
        raise DomainError(
            "vial_still_open", vial=still["vial_id"], lot=still["lot_no"], left=still["doses_left"]
        )
    hours = stock_rules.product(row["product"]).open_vial_hours
    vial_id = f"V{now:%y%m%d}-{uuid.uuid4().hex[:10].upper()}"
    store.append(
        "VialOpened",
        {
            "vial_id": vial_id,
            "lot_no": row["lot_no"],
            "product": row["product"],
            "desk": str(desk),
            "doses": row["doses_per_vial"],
            "expires_at": (now + timedelta(hours=hours)).isoformat(),
            "scanned_code": scanned_code,
            "at": now.isoformat(),
        },
        staff_id=staff_id,
    )
    opened = vial(store, vial_id)
    assert opened is not None
    opened["expired"] = False
    return opened


def vial_for_dose(
    store: Store,
    *,
    staff_id: str,
    desk: str,
    product: str,
    lot_no: str | None,
    vial_id: str | None,
    on: date,
    rules: Rules | None = None,
    stock_rules: StockRules | None = None,
) -> dict[str, Any]:
    """The vial the next dose at ``desk`` comes from (inside the injection's transaction).

    ``vial_id`` given: that vial (this desk's, not discarded, in time, with a dose left). Otherwise
    the desk's open vial of the product (and of ``lot_no`` if given). With none open, a single-dose
    lot (``lot_no``, or first expiry first out) is opened here and now; a multi-dose vial must be
    opened by the nurse (open_vial). Refusals: vial_unknown, vial_other_desk, vial_discarded,
    vial_empty, vial_expired, vial_wrong_lot, no_open_vial, and the lot's (see usable_lot)."""
    rules = rules or load_rules()
    stock_rules = stock_rules or load_stock_rules()
    now = store.now()
    if vial_id:
        row = vial(store, vial_id)
        if row is None:
            raise DomainError("vial_unknown", vial=vial_id)
        if row["desk"] != str(desk):
            raise DomainError("vial_other_desk", vial=vial_id, desk=row["desk"])
        if row["discarded_at"]:
            raise DomainError("vial_discarded", vial=vial_id)
    else:
        row = open_vial_at(store, str(desk), product, lot_no)
    if row is not None:
        if lot_no and row["lot_no"] != lot_no.strip().upper():
            raise DomainError("vial_wrong_lot", vial=row["vial_id"], lot=lot_no.strip().upper())
        if row["doses_left"] <= 0:
            raise DomainError("vial_empty", vial=row["vial_id"])
        if _vial_expired(row, now):
            raise DomainError("vial_expired", vial=row["vial_id"], expires_at=row["expires_at"][:16])
        usable_lot(store, row["lot_no"], product, on)  # the lot itself: product, expiry, hold
        return row
    chosen = lot(store, lot_no) if lot_no else suggest_lot(store, product, on)
    if chosen is None:
        if lot_no:
            raise DomainError("lot_unknown", lot=lot_no.strip().upper())
        raise DomainError("no_stock_for_product", product=product)
    usable_lot(store, chosen["lot_no"], product, on)
    if chosen["doses_per_vial"] > 1:
        raise DomainError("no_open_vial", desk=str(desk), lot=chosen["lot_no"])
    return _open(store, staff_id, desk, chosen["lot_no"], None, rules, stock_rules)


def discard_vial(store: Store, *, staff_id: str, vial_id: str, reason: str, note: str = "") -> dict[str, Any]:
    """Discard a vial: its doses left are recorded as wasted with a reason (VialDiscarded);
    returns the vial. ``reason``: one of DISCARD_REASONS. Refusals: vial_unknown, vial_discarded,
    discard_reason_unknown, not_permitted."""
    if reason not in DISCARD_REASONS:
        raise DomainError("discard_reason_unknown", reason=reason, known=", ".join(DISCARD_REASONS))
    with store.transaction():
        staffmod.require(store, staff_id, "waste_dose")
        row = vial(store, vial_id)
        if row is None:
            raise DomainError("vial_unknown", vial=vial_id)
        if row["discarded_at"]:
            raise DomainError("vial_discarded", vial=vial_id)
        store.append(
            "VialDiscarded",
            {
                "vial_id": vial_id,
                "lot_no": row["lot_no"],
                "doses": max(row["doses_left"], 0),
                "reason": reason,
                "note": note,
                "at": store.now().isoformat(),
            },
            staff_id=staff_id,
        )
        result = vial(store, vial_id)
    assert result is not None
    return result


# --- counts and the day's warning ----------------------------------------------------------------


def _figures(row: dict[str, Any]) -> dict[str, int]:
    return {
        "received": row["doses_received"],
        "used": row["doses_used"],
        "wasted": row["doses_wasted"],
        "left": row["doses_received"] - row["doses_used"] - row["doses_wasted"],
    }


def summary(store: Store) -> dict[str, Any]:
    """Doses received, used, wasted and left: ``lots`` (a list: each lot's row and figures, plus
    ``open_vials`` and ``overdrawn``), ``products`` ({product: figures}) and ``total`` (figures). Figures are
    dicts with the keys received, used, wasted, left."""
    open_vials = {
        r["lot_no"]: r["n"]
        for r in store.all(
            "SELECT lot_no, count(*) AS n FROM vials WHERE discarded_at IS NULL "
            "AND doses - doses_used - doses_wasted > 0 GROUP BY lot_no"
        )
    }
    out_lots, products = [], {}
    total = dict.fromkeys(("received", "used", "wasted", "left"), 0)
    for row in lots(store):
        figures = _figures(row)
        out_lots.append(
            {
                "lot_no": row["lot_no"],
                "product": row["product"],
                "manufacturer": row["manufacturer"],
                "expiry": row["expiry"],
                "doses_per_vial": row["doses_per_vial"],
                "vials_received": row["vials_received"],
                "vials_opened": row["vials_opened"],
                "open_vials": open_vials.get(row["lot_no"], 0),
                "fridge": row["fridge"],
                "status": row["status"],
                "status_reason": row["status_reason"],
                # laptops cut off from each other opened more vials than the lot had, together
                "overdrawn": row["vials_opened"] > row["vials_received"] or figures["left"] < 0,
                **figures,
            }
        )
        per = products.setdefault(row["product"], dict.fromkeys(total, 0))
        for k, v in figures.items():
            per[k] += v
            total[k] += v
    return {"lots": out_lots, "products": products, "total": total}


def margin(stock_rules: StockRules | None = None, settings_margin: int | None = None) -> int:
    """The warning margin: the laptop's setting if set, else the site's rule."""
    if settings_margin is not None and settings_margin >= 0:
        return settings_margin
    return (stock_rules or load_stock_rules()).margin_doses


def stock_warning(store: Store, day: date, margin_doses: int | None = None) -> dict[str, Any]:
    """Doses left for the rest of ``day`` against the bookings left for it: ``doses_left``
    (usable on ``day``), ``bookings_left`` (booked, signed in or screened, not yet injected),
    ``margin`` and ``short`` (True when doses_left < bookings_left + margin)."""
    margin_doses = margin(None, margin_doses)
    left = doses_left(store, day)
    waiting = store.scalar(
        "SELECT count(*) FROM visits WHERE day = ? AND state IN ('booked', 'signed_in', 'screened')",
        [day.isoformat()],
    )
    return {
        "day": day.isoformat(),
        "doses_left": left,
        "bookings_left": waiting,
        "margin": margin_doses,
        "short": left < waiting + margin_doses,
    }


def count_sheet(store: Store) -> list[dict[str, Any]]:
    """What the end-of-day count expects per lot: received - used - wasted = ``expected_doses``,
    and the vials that should be in the fridge (``expected_vials``: unopened) and open at desks."""
    out = []
    for row in summary(store)["lots"]:
        out.append(
            {
                "lot_no": row["lot_no"],
                "product": row["product"],
                "expected_doses": row["left"],
                "expected_vials": row["vials_received"] - row["vials_opened"],
                "open_vials": row["open_vials"],
            }
        )
    return out


def count_stock(
    store: Store, *, staff_id: str, counts: list[dict[str, Any]], day: date | None = None
) -> list[dict[str, Any]]:
    """Record the end-of-day count (one StockCounted event per lot counted). ``counts``: dicts
    with ``lot_no``, ``vials`` and ``doses`` (counted by hand, open vials' doses included) and
    ``reason`` (required when the doses differ from the expected). Returns the rows recorded, each
    with ``expected_doses`` and ``difference`` (counted - expected). Refusals: lot_unknown,
    count_negative, count_reason_missing, not_permitted."""
    with store.transaction():
        staffmod.require(store, staff_id, "receive_stock")
        day = day or store.now().date()
        planned = []
        for item in counts:
            row = lot(store, str(item["lot_no"]))
            if row is None:
                raise DomainError("lot_unknown", lot=str(item["lot_no"]).strip().upper())
            vials, doses = int(item["vials"]), int(item["doses"])
            if vials < 0 or doses < 0:
                raise DomainError("count_negative", lot=row["lot_no"])
            expected = _figures(row)["left"]
            reason = (item.get("reason") or "").strip() or None
            if doses != expected and not reason:
                raise DomainError("count_reason_missing", lot=row["lot_no"], expected=expected, counted=doses)
            planned.append((row["lot_no"], vials, doses, expected, reason))
        events = []
        for lot_no, vials, doses, expected, reason in planned:
            events.append(
                store.append(
                    "StockCounted",
                    {
                        "day": day.isoformat(),
                        "lot_no": lot_no,
                        "expected_doses": expected,
                        "counted_vials": vials,
                        "counted_doses": doses,
                        "difference": doses - expected,
                        "reason": reason,
                        "at": store.now().isoformat(),
                    },
                    staff_id=staff_id,
                )
            )
        return [store.one("SELECT * FROM stock_counts WHERE event_id = ?", [e.id]) or {} for e in events]


def counts_of_day(store: Store, day: date) -> list[dict[str, Any]]:
    """The stock counts recorded for ``day``, in the order recorded (for the day report)."""
    return store.all(
        "SELECT c.* FROM stock_counts c JOIN events e ON e.id = c.event_id WHERE c.day = ? ORDER BY e.hlc",
        [day.isoformat()],
    )
