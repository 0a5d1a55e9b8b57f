"""Units (单位) with their headcounts, and coverage per unit (接种率): "the sector reached 38%".

``read_units`` checks a CSV or XLSX file of units and headcounts (bad rows with line and reason);
``import_units`` records the good ones as one ``UnitsImported`` event (so headcounts sync like every
other record; a unit's headcount is that of its latest import). ``coverage`` counts, per unit, the
people vaccinated: at least a first dose, the full primary course, a booster; each as a share of
the headcount. A person's unit is the one their booking gave (``people.unit``). Doses given here and
doses declared at pre-screen both count: coverage is about people, wherever they got the dose.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from station.errors import DomainError
from station.rules import Rules, load_rules
from station.store import Store

UNIT_HEADERS = {"unit", "单位", "工作单位", "单位名称", "业户", "业户名称", "行业", "name"}
HEADCOUNT_HEADERS = {"headcount", "人数", "职工人数", "总人数", "应种人数", "员工人数", "count"}
NO_UNIT = ""  # people without a unit: one row of their own, no headcount


def header_key(text: Any) -> str:
    s = unicodedata.normalize("NFKC", str(text or "")).strip().lower().lstrip("\ufeff")
    return re.sub(r"[\s_\-*]", "", s)


def read_table(path: Path) -> list[list[Any]]:
    """Every row of a CSV (UTF-8, UTF-8 with BOM or GB18030; comma, tab or semicolon) or XLSX file."""
    from station import importer

    return list(importer.read_table(path))  # the bookings reader: its limits and encodings


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


@dataclass
class UnitsCheck:
    units: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)  # {"line", "code", "value"}

    @property
    def ok(self) -> bool:
        return not self.errors


def read_units(path: Path) -> UnitsCheck:
    """Check a units file: a header row naming the unit and headcount columns, then one unit a row."""
    rows = read_table(path)
    check = UnitsCheck()
    header_at = None
    for i, row in enumerate(rows[:10]):
        keys = [header_key(c) for c in row]
        if any(k in {header_key(h) for h in UNIT_HEADERS} for k in keys) and any(
            k in {header_key(h) for h in HEADCOUNT_HEADERS} for k in keys
        ):
            header_at = i
            break
    if header_at is None:
        raise DomainError("units_no_header", file=Path(path).name)
    keys = [header_key(c) for c in rows[header_at]]
    unit_col = next(i for i, k in enumerate(keys) if k in {header_key(h) for h in UNIT_HEADERS})
    count_col = next(i for i, k in enumerate(keys) if k in {header_key(h) for h in HEADCOUNT_HEADERS})
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[header_at + 1 :], header_at + 2):
        cells = [_cell(c) for c in row]
        if not any(cells):
            continue
        unit = cells[unit_col] if unit_col < len(cells) else ""
        raw = cells[count_col] if count_col < len(cells) else ""
        if not unit:
            check.errors.append({"line": line, "code": "unit_missing", "value": raw})
            continue
        if not re.fullmatch(r"\d{1,7}", raw.replace(",", "")) or int(raw.replace(",", "")) <= 0:
            check.errors.append({"line": line, "code": "headcount_invalid", "value": raw, "unit": unit})
            continue
        if unit in seen:
            check.errors.append({"line": line, "code": "unit_duplicate", "value": unit, "first": seen[unit]})
            continue
        seen[unit] = line
        check.units.append({"unit": unit, "headcount": int(raw.replace(",", ""))})
    return check


def import_units(store: Store, units: list[dict[str, Any]], *, staff_id: str, source: str = "") -> int:
    """Record the units' headcounts (one event); returns how many units it names."""
    if not units:
        return 0
    store.append(
        "UnitsImported",
        {"units": units, "source": source, "at": store.now().isoformat()},
        staff_id=staff_id,
    )
    return len(units)


# --- coverage ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitCoverage:
    unit: str  # "" for people without a unit
    headcount: int | None
    first_dose: int  # people with at least one dose
    full_course: int  # people whose primary series is complete
    booster: int  # people with a booster after the primary series
    share_first: float | None  # first_dose / headcount (None without a headcount)
    share_full: float | None
    share_booster: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "headcount": self.headcount,
            "first_dose": self.first_dose,
            "full_course": self.full_course,
            "booster": self.booster,
            "share_first": self.share_first,
            "share_full": self.share_full,
            "share_booster": self.share_booster,
        }


def _share(n: int, headcount: int | None) -> float | None:
    return round(n / headcount, 4) if headcount else None


def person_progress(doses: list[tuple[str, int]], rules: Rules) -> tuple[bool, bool]:
    """(full primary course, booster) for one person's doses (product, dose number)."""
    numbers = {n for _, n in doses}
    first_product = min(doses, key=lambda d: d[1])[0]
    product = rules.products.get(first_product)
    primary = product.primary_doses if product else 1
    top = max(numbers)
    return top >= primary, top > primary


def coverage(store: Store, day: date | None = None, rules: Rules | None = None) -> list[UnitCoverage]:
    """Per unit, the people vaccinated up to the end of ``day`` (default: every dose held), sorted by
    share of at least one dose (units without a headcount after them, by people; people without a
    unit last)."""
    rules = rules or load_rules()
    sql = """SELECT coalesce(p.unit, ''), d.person_id, d.product, d.dose_number
             FROM doses d JOIN people p USING (person_id)"""
    params: list[Any] = []
    if day is not None:
        sql += " WHERE d.day <= ?"
        params.append(day.isoformat())
    people: dict[str, tuple[str, list[tuple[str, int]]]] = {}
    for unit, person_id, product, number in store.conn.execute(sql, params):
        people.setdefault(person_id, (unit, []))[1].append((product, number))
    counts: dict[str, list[int]] = {}
    for unit, doses in people.values():
        full, booster = person_progress(doses, rules)
        c = counts.setdefault(unit, [0, 0, 0])
        c[0] += 1
        c[1] += full
        c[2] += booster
    headcounts = dict(store.conn.execute("SELECT unit, headcount FROM units"))
    out = []
    for unit in set(counts) | set(headcounts):
        first, full, booster = counts.get(unit, [0, 0, 0])
        hc = headcounts.get(unit)
        out.append(
            UnitCoverage(
                unit, hc, first, full, booster, _share(first, hc), _share(full, hc), _share(booster, hc)
            )
        )
    out.sort(
        key=lambda u: (
            u.unit == NO_UNIT,
            u.share_first is None,
            -(u.share_first or 0),
            -u.first_dose,
            u.unit,
        )
    )
    return out


def totals(rows: list[UnitCoverage]) -> dict[str, Any]:
    """All people, and the units with a headcount on their own (their shares against their headcounts)."""
    counted = [r for r in rows if r.headcount]
    hc = sum(r.headcount or 0 for r in counted)
    first = sum(r.first_dose for r in counted)
    full = sum(r.full_course for r in counted)
    booster = sum(r.booster for r in counted)
    return {
        "people_first_dose": sum(r.first_dose for r in rows),
        "people_full_course": sum(r.full_course for r in rows),
        "people_booster": sum(r.booster for r in rows),
        "units_with_headcount": len(counted),
        "headcount": hc,
        "first_dose": first,
        "full_course": full,
        "booster": booster,
        "share_first": _share(first, hc),
        "share_full": _share(full, hc),
        "share_booster": _share(booster, hc),
    }
