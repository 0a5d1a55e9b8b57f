"""The reports' numbers as plain data (dicts, lists, str and int: JSON as it is).

``day_figures(store, day)`` is the day report (the evening dispatch): what the PDF prints, what
`station report --json` prints and what the admin page can show. ``outlook_figures(store, start,
days)`` is the morning brief. Both read the projected tables, never the raw events.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from station import checklist, conflicts, signin, stock
from station import staff as staffmod
from station.rules import Rules, load_rules
from station.store import Store

HALF_HOUR = 30
# A visit still at one of these steps at the end of its day is in the flow (not a no-show).
IN_FLOW = ("signed_in", "screened", "injected", "observing")
WAITING = ("booked", "signed_in", "screened")  # still to be vaccinated: what the outlook counts


def _hhmm(at: str | None) -> str | None:
    """The local time of day an ISO stamp was recorded at ("2026-11-26T08:03:12+08:00" -> "08:03")."""
    return at[11:16] if at and len(at) >= 16 else None


def _bin(hhmm: str) -> int:
    """Minutes since midnight of the half hour ``hhmm`` falls in."""
    h, m = int(hhmm[:2]), int(hhmm[3:5])
    return h * 60 + (m // HALF_HOUR) * HALF_HOUR


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _slot_start(slot: str | None) -> str | None:
    """ "08:00-08:30" -> "08:00"; None when the slot is not HH:MM-HH:MM."""
    if not slot or len(slot) < 5:
        return None
    try:
        time.fromisoformat(slot[:5])
    except ValueError:
        return None
    return slot[:5]


def dose_key(product: str, dose_number: int, rules: Rules) -> str:
    """ "1", "2", "3"... for a dose of the primary series, "booster" after it."""
    p = rules.products.get(product)
    if p is not None and dose_number > p.primary_doses:
        return "booster"
    return str(dose_number)


def _dose_order(key: str) -> tuple[int, str]:
    return (10**6, key) if key == "booster" else (int(key), key)


# --- the day report ------------------------------------------------------------------------------


def day_figures(store: Store, day: date, *, site: str = "", rules: Rules | None = None) -> dict[str, Any]:
    """Everything the day report shows for ``day``, as plain data (see docs/reports.md)."""
    rules = rules or load_rules()
    d = day.isoformat()
    visits = store.all(
        """SELECT v.visit_id, v.state, v.slot, v.source, v.queue_no, v.queue_prefix, v.reason,
                  v.signed_in_at, v.screened_at, v.turned_away_at, v.cancelled_at, v.injected_at,
                  v.released_at, p.unit
           FROM visits v JOIN people p USING (person_id) WHERE v.day = ?""",
        [d],
    )
    doses = store.all(
        """SELECT d.visit_id, d.product, d.lot_no, d.dose_number, d.desk, d.vaccinator, d.at, s.name
           FROM doses d LEFT JOIN staff s ON s.staff_id = d.vaccinator
           WHERE d.day = ? AND d.source = 'here'""",
        [d],
    )
    aefi = store.all(
        """SELECT a.*, v.queue_no, v.queue_prefix FROM aefi a JOIN visits v USING (visit_id)
           WHERE v.day = ? ORDER BY a.at""",
        [d],
    )
    vaccinated_visits = {r["visit_id"] for r in doses if r["visit_id"]}
    totals = {
        "booked": len(visits),
        "walk_ins": sum(v["source"] == "walk_in" for v in visits),
        "signed_in": sum(v["signed_in_at"] is not None for v in visits),
        "screened": sum(v["screened_at"] is not None for v in visits),
        "vaccinated": len(vaccinated_visits),
        "doses": len(doses),
        "turned_away": sum(v["turned_away_at"] is not None for v in visits),
        "cancelled": sum(v["cancelled_at"] is not None for v in visits),
        "no_shows": sum(v["state"] == "booked" for v in visits),
        "in_progress": sum(v["state"] in IN_FLOW for v in visits),
        "released": sum(v["released_at"] is not None for v in visits),
        "reactions": len(aefi),
        "serious_reactions": sum(bool(a["serious"]) for a in aefi),
    }
    return {
        "day": d,
        "site": site,
        "generated_at": store.now().isoformat(timespec="seconds"),
        "totals": totals,
        "turned_away": _turned_away(visits, rules),
        "doses_by_number": _by_dose(doses, rules),
        "products": _by_product(doses),
        "desks": _by_desk(doses),
        "vaccinators": _by_vaccinator(doses),
        "units": _by_unit(visits, vaccinated_visits),
        "reactions": _reactions(aefi),
        "stock": _stock(store, day, doses),
        "conflicts": _conflicts(store, d),
        "checklist": _checklist(store, day),
        "half_hours": _half_hours(visits, doses, rules),
    }


def _turned_away(visits: list[dict[str, Any]], rules: Rules) -> list[dict[str, Any]]:
    counts = Counter(v["reason"] or "other" for v in visits if v["turned_away_at"] is not None)
    return [
        {
            "reason": reason,
            "outcome": rules.reasons[reason].outcome if reason in rules.reasons else "defer",
            "count": n,
        }
        for reason, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def _by_dose(doses: list[dict[str, Any]], rules: Rules) -> list[dict[str, Any]]:
    counts = Counter(dose_key(r["product"], r["dose_number"], rules) for r in doses)
    return [{"dose": k, "count": counts[k]} for k in sorted(counts, key=_dose_order)]


def _by_product(doses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for r in doses:
        per[r["product"]][str(r["dose_number"])] += 1
    return [
        {"product": p, "doses": sum(c.values()), "by_dose_number": dict(sorted(c.items()))}
        for p, c in sorted(per.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    ]


def _desk_order(desk: str | None) -> tuple[int, str]:
    desk = desk or ""
    return (int(desk), desk) if desk.isdigit() else (10**6, desk)


def _by_desk(doses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    per: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in doses:
        per[r["desk"] or "-"].append(r)
    out = []
    for desk in sorted(per, key=_desk_order):
        times = sorted(_hhmm(r["at"]) or "" for r in per[desk])
        out.append(
            {
                "desk": desk,
                "doses": len(per[desk]),
                "vaccinators": len({r["vaccinator"] for r in per[desk]}),
                "first": times[0] or None,
                "last": times[-1] or None,
            }
        )
    return out


def _by_vaccinator(doses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    per: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in doses:
        per[r["vaccinator"] or "-"].append(r)
    return [
        {
            "staff_id": sid,
            "name": rows[0]["name"] or sid,
            "doses": len(rows),
            "desks": sorted({r["desk"] or "-" for r in rows}, key=_desk_order),
        }
        for sid, rows in sorted(per.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]


def _by_unit(visits: list[dict[str, Any]], vaccinated: set[str]) -> list[dict[str, Any]]:
    per: dict[str, dict[str, Any]] = {}
    for v in visits:
        unit = (v["unit"] or "").strip()
        row = per.setdefault(
            unit,
            {
                "unit": unit or None,
                "booked": 0,
                "signed_in": 0,
                "vaccinated": 0,
                "turned_away": 0,
                "no_shows": 0,
            },
        )
        row["booked"] += 1
        row["signed_in"] += v["signed_in_at"] is not None
        row["vaccinated"] += v["visit_id"] in vaccinated
        row["turned_away"] += v["turned_away_at"] is not None
        row["no_shows"] += v["state"] == "booked"
    # the most people first; "no unit" last, whatever its size
    return sorted(per.values(), key=lambda r: (r["unit"] is None, -r["booked"], r["unit"] or ""))


def _reactions(aefi: list[dict[str, Any]]) -> dict[str, Any]:
    from station.observe import AEFI_CATEGORIES, SEVERITIES

    per: dict[str, Counter[str]] = defaultdict(Counter)
    for a in aefi:
        per[a["category"]][a["severity"]] += 1
    by_category = [
        {
            "category": cat,
            "kind": AEFI_CATEGORIES.get(cat, "rare"),
            **{s: per[cat][s] for s in SEVERITIES},
            "total": sum(per[cat].values()),
        }
        for cat in sorted(per, key=lambda c: (-sum(per[c].values()), c))
    ]
    return {
        "total": len(aefi),
        "serious": sum(bool(a["serious"]) for a in aefi),
        "by_severity": {s: sum(per[c][s] for c in per) for s in SEVERITIES},
        "by_category": by_category,
        "cases": [
            {
                "at": _hhmm(a["at"]),
                "onset": _hhmm(a["onset_at"]),
                "queue": signin.queue_label(a),
                "category": a["category"],
                "severity": a["severity"],
                "handling": a["handling"],
                "serious": bool(a["serious"]),
            }
            for a in aefi
        ],
    }


def _stock(store: Store, day: date, doses: list[dict[str, Any]]) -> dict[str, Any]:
    """The lots the site held that day: received by its end, and with doses left, used that day or
    counted that day (a lot emptied before and a delivery of a later day are left out). The figures
    are the lots' figures now; ``used_today`` and the count are the day's."""
    summary = stock.summary(store)
    used_today = Counter(r["lot_no"] for r in doses)
    counted: dict[str, dict[str, Any]] = {}
    for row in stock.counts_of_day(store, day):  # the last count of a lot that day stands
        counted[row["lot_no"]] = row
    received_by = {
        r["lot_no"]: r["first"]
        for r in store.all("SELECT lot_no, min(substr(at, 1, 10)) AS first FROM receipts GROUP BY lot_no")
    }
    lots = []
    for row in summary["lots"]:
        lot_no = row["lot_no"]
        if received_by.get(lot_no, "") > day.isoformat():
            continue
        if row["left"] <= 0 and not used_today.get(lot_no) and lot_no not in counted:
            continue
        count = counted.get(lot_no)
        lots.append(
            {
                "lot_no": lot_no,
                "product": row["product"],
                "expiry": row["expiry"],
                "status": row["status"],
                "received": row["received"],
                "used_today": used_today.get(lot_no, 0),
                "used": row["used"],
                "wasted": row["wasted"],
                "left": row["left"],
                "counted": count["counted_doses"] if count else None,
                "difference": count["difference"] if count else None,
                "count_reason": count["reason"] if count else None,
                "overdrawn": row["overdrawn"],
            }
        )
    total: dict[str, int | None] = {
        k: sum(r[k] for r in lots) for k in ("received", "used_today", "used", "wasted", "left")
    }
    total["counted"] = sum(c["counted_doses"] for c in counted.values()) if counted else None
    total["difference"] = sum(c["difference"] for c in counted.values()) if counted else None
    return {"lots": lots, "total": total, "counted": bool(counted)}


def _conflicts(store: Store, d: str) -> list[dict[str, Any]]:
    """Open conflicts of the day's visits, and those about no visit (stock, staff)."""
    rows = signin.add_queue_prefix(store, conflicts.open_conflicts(store))
    out = []
    for c in rows:
        if c["visit_id"] and c["day"] != d:
            continue
        out.append(
            {
                "event_id": c["event_id"],
                "code": c["code"],
                "type": c["type"],
                "detail": {k: v for k, v in c["detail"].items() if k not in ("code", "lang")},
                "queue": signin.queue_label(c),
                "name": c["name"] or "",
                "origin": c["origin"],
                "at": _hlc_clock(c["hlc"]),
            }
        )
    return out


def _hlc_clock(hlc: str) -> str:
    """The wall time (HH:MM, local) an HLC stamp was taken at."""
    try:
        return datetime.fromtimestamp(int(hlc.split(".")[0]) / 1000).astimezone().strftime("%H:%M")
    except (ValueError, OSError):
        return ""


def _half_hours(
    visits: list[dict[str, Any]], doses: list[dict[str, Any]], rules: Rules
) -> list[dict[str, Any]]:
    booked: Counter[int] = Counter()
    for v in visits:
        start = _slot_start(v["slot"])
        if start:
            booked[_bin(start)] += 1
    arrived = Counter(_bin(t) for t in (_hhmm(v["signed_in_at"]) for v in visits) if t)
    injected = Counter(_bin(t) for t in (_hhmm(r["at"]) for r in doses) if t)
    # Who left the queue between sign-in and the injection desk without a dose: turned away, cancelled.
    left_queue = Counter(
        _bin(t)
        for t in (_hhmm(v["turned_away_at"] or v["cancelled_at"]) for v in visits if v["signed_in_at"])
        if t
    )
    site = rules.site or {}
    marks = set(booked) | set(arrived) | set(injected)
    for key in ("day_start", "day_end"):
        try:
            marks.add(_bin(str(site[key])))
        except (KeyError, ValueError):
            pass
    if not booked and not arrived and not injected:
        return []
    first, last = min(marks), max(marks)
    if (
        site.get("day_end")
        and _bin(str(site["day_end"])) == last
        and not (booked[last] or arrived[last] or injected[last])
    ):
        last -= HALF_HOUR  # the closing time ends the last half hour; it does not start one
    out, waiting = [], 0
    for m in range(first, last + HALF_HOUR, HALF_HOUR):
        before = waiting
        waiting = max(waiting + arrived[m] - injected[m] - left_queue[m], 0)
        out.append(
            {
                "start": _clock(m),
                "end": _clock(m + HALF_HOUR),
                "booked": booked[m],
                "signed_in": arrived[m],
                "injected": injected[m],
                "waiting_end": waiting,
                "over_booked": booked[m] > injected[m] and waiting - before >= _growth(booked[m]),
            }
        )
    return out


def _growth(booked: int) -> int:
    """How much the queue must grow over a half hour to call its slot over-booked: a tenth of the
    slot's bookings, at least 5 people (a queue that grows by two or three is noise)."""
    return max(5, -(-booked // 10))


# --- the morning brief / outlook -----------------------------------------------------------------


def outlook_figures(
    store: Store, start: date, days: int = 3, *, site: str = "", rules: Rules | None = None
) -> dict[str, Any]:
    """Bookings per slot and per unit for ``days`` days from ``start``, doses needed against doses in
    stock per product (a shortage marked), and the staff on duty by role."""
    rules = rules or load_rules()
    default_product = str((rules.site or {}).get("default_product") or rules.default_product or "")
    out_days = []
    needed_by_day: list[Counter[str]] = []
    for i in range(days):
        d = (start + timedelta(days=i)).isoformat()
        rows = store.all(
            """SELECT v.slot, v.state, v.product, p.unit FROM visits v JOIN people p USING (person_id)
               WHERE v.day = ?""",
            [d],
        )
        live = [r for r in rows if r["state"] != "cancelled"]
        slots = Counter(r["slot"] or "-" for r in live)
        units = Counter((r["unit"] or "").strip() for r in live)
        needed = Counter(r["product"] or default_product for r in rows if r["state"] in WAITING)
        needed_by_day.append(needed)
        out_days.append(
            {
                "day": d,
                "bookings": len(live),
                "cancelled": len(rows) - len(live),
                "done": sum(r["state"] not in WAITING and r["state"] != "cancelled" for r in rows),
                "to_come": sum(needed.values()),
                "slots": [{"slot": s, "booked": slots[s]} for s in sorted(slots)],
                "units": [
                    {"unit": u or None, "booked": n}
                    for u, n in sorted(units.items(), key=lambda kv: (kv[0] == "", -kv[1], kv[0]))
                ],
                "needed": dict(sorted(needed.items())),
            }
        )
    products = sorted({p for n in needed_by_day for p in n} | {r["product"] for r in stock.lots(store)})
    stock_rows = []
    for product in products:
        in_stock, needed, left_after, short = [], [], [], []
        used = 0
        for i in range(days):
            on = start + timedelta(days=i)
            usable = sum(max(r["doses_left"], 0) for r in stock.lots(store, product, usable_on=on))
            need = needed_by_day[i].get(product, 0)
            used += need
            in_stock.append(usable)
            needed.append(need)
            left_after.append(usable - used)
            short.append(usable - used < 0)
        stock_rows.append(
            {
                "product": product,
                "in_stock": in_stock,
                "needed": needed,
                "left_after": left_after,
                "short": short,
                "short_on": next((out_days[i]["day"] for i in range(days) if short[i]), None),
            }
        )
    staff_by_role: dict[str, list[dict[str, str]]] = {r: [] for r in staffmod.ROLES}
    for member in staffmod.list_staff(store):
        if not member.active:
            continue
        for role in member.roles:
            if role in staff_by_role:
                staff_by_role[role].append({"staff_id": member.staff_id, "name": member.name})
    return {
        "from": start.isoformat(),
        "days": out_days,
        "site": site,
        "generated_at": store.now().isoformat(timespec="seconds"),
        "stock": stock_rows,
        "staff": [
            {"role": role, "staff": sorted(members, key=lambda m: m["staff_id"])}
            for role, members in staff_by_role.items()
        ],
    }


def as_json(figures: dict[str, Any]) -> str:
    return json.dumps(figures, ensure_ascii=False, indent=2)


def _checklist(store: Store, day: date) -> list[dict[str, Any]]:
    """The day's checklist (每日检查): every item of the station's checklist, ticked or not, with who
    ticked it, when and the note; both labels, so the report picks its language."""
    try:
        items = checklist.load_items(store.path.parent if store.path else None)
    except Exception:  # a broken checklist file must not stop the day report: the ticks still show
        items = ()
    labels = {it.id: it for it in items}
    out = []
    for row in checklist.day_checklist(store, day, items):
        it = labels.get(row["item"])
        out.append(
            {
                **row,
                "label_zh": it.label_zh if it else row["item"],
                "label_en": it.label_en if it else row["item"],
                "at": (row["at"] or "")[11:16],
            }
        )
    return out
