"""The site's daily checklist (每日检查, #15): disinfection of each area, staff temperatures, code
checks, the one-metre line, the emergency kit, the fridge temperature.

The items are data (resources/rules/checklist.toml; a station's own copy in
``<data folder>/rules/checklist.toml`` replaces it). Ticking an item is an event
(ChecklistItemTicked {day, item, note, at}; ChecklistItemUnticked {day, item, at}) projected into
the ``checklist`` table: who ticked what and when. The checklist blocks nothing: it is recorded,
shown as a reminder line on the desks after the opening time, and reported in the day report.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from station import staff as staffmod
from station.errors import DomainError
from station.paths import resource_dir
from station.store import Store

FILE_NAME = "checklist.toml"
NOTE_MAX = 200
_ID = re.compile(r"^[a-z0-9_]{1,40}$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class Item:
    id: str
    label_zh: str
    label_en: str

    def label(self, lang: str = "zh") -> str:
        return self.label_en if lang.startswith("en") else self.label_zh


def checklist_path(data_dir: Path | None = None) -> Path:
    """The checklist file in force: the station's own copy in its data folder, else the bundled one."""
    if data_dir is not None:
        own = Path(data_dir) / "rules" / FILE_NAME
        if own.exists():
            return own
    return resource_dir() / "rules" / FILE_NAME


def load_items(data_dir: Path | None = None) -> tuple[Item, ...]:
    """The checklist's items in order. A broken file is DomainError rules_invalid (file, detail)."""
    path = checklist_path(data_dir)

    def fail(detail: str) -> DomainError:
        return DomainError("rules_invalid", file=str(path), detail=detail)

    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise fail(str(exc)) from exc
    rows = data.get("items")
    if not isinstance(rows, list) or not rows:
        raise fail("[[items]] missing")
    items: list[Item] = []
    for i, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            raise fail(f"items #{i} is not a table")
        values = [row.get(k) for k in ("id", "label_zh", "label_en")]
        if not all(isinstance(v, str) and v.strip() for v in values):
            raise fail(f"items #{i}: id, label_zh and label_en are required text")
        item_id, zh, en = (v.strip() for v in values)
        if not _ID.match(item_id):
            raise fail(f"items #{i}: id {item_id!r} (lower-case letters, digits, _)")
        if any(it.id == item_id for it in items):
            raise fail(f"items #{i}: id {item_id!r} twice")
        items.append(Item(item_id, zh, en))
    return tuple(items)


def _check_staff(store: Store, staff_id: str | None) -> None:
    """Anyone on the site's staff ticks the checklist (the cleaner of an area is often not the admin),
    proven by their PIN like every other act."""
    member = staffmod.get(store, staff_id) if staff_id else None
    if member is None:
        raise DomainError("staff_unknown", staff=staff_id or "-")
    if not member.active:
        raise DomainError("staff_disabled", staff=staff_id)
    if not isinstance(staff_id, staffmod.Session) and not store.trusts_named_staff:
        raise DomainError("session_required", staff=str(staff_id), action="checklist")


def _item(items: tuple[Item, ...], item: str) -> Item:
    found = next((it for it in items if it.id == item), None)
    if found is None:
        raise DomainError("checklist_item_unknown", item=item)
    return found


def tick(
    store: Store,
    *,
    staff_id: str,
    item: str,
    day: date | None = None,
    note: str = "",
    items: tuple[Item, ...] | None = None,
) -> dict[str, Any]:
    """Tick one item of ``day`` (default today) with an optional note; returns its row. Ticking it
    again records the new tick (who and when) in place of the old. Refusals: checklist_item_unknown,
    checklist_note_too_long, staff_unknown, staff_disabled, session_required."""
    items = items if items is not None else load_items()
    _item(items, item)
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        raise DomainError("checklist_note_too_long", max=NOTE_MAX)
    with store.transaction():
        _check_staff(store, staff_id)
        day = day or store.now().date()
        payload = {"day": day.isoformat(), "item": item, "note": note, "at": store.now().isoformat()}
        store.append("ChecklistItemTicked", payload, staff_id=staff_id)
        return store.one("SELECT * FROM checklist WHERE day = ? AND item = ?", [day.isoformat(), item]) or {}


def untick(
    store: Store, *, staff_id: str, item: str, day: date | None = None, items: tuple[Item, ...] | None = None
) -> None:
    """Take back a tick of ``day`` (a mistake); the log keeps both. Nothing happens when not ticked."""
    items = items if items is not None else load_items()
    _item(items, item)
    with store.transaction():
        _check_staff(store, staff_id)
        day = day or store.now().date()
        if store.one("SELECT 1 AS x FROM checklist WHERE day = ? AND item = ?", [day.isoformat(), item]):
            payload = {"day": day.isoformat(), "item": item, "at": store.now().isoformat()}
            store.append("ChecklistItemUnticked", payload, staff_id=staff_id)


def day_checklist(
    store: Store, day: date, items: tuple[Item, ...] | None = None, lang: str = "zh"
) -> list[dict[str, Any]]:
    """Every item of ``day`` in the file's order: ``item``, ``label``, ``done``, and when done
    ``staff_id``, ``staff_name``, ``at``, ``note``. Ticks of items no longer in the file follow."""
    items = items if items is not None else load_items()
    held = {
        r["item"]: r
        for r in store.all(
            """SELECT c.*, s.name AS staff_name FROM checklist c LEFT JOIN staff s ON s.staff_id = c.staff_id
               WHERE c.day = ? ORDER BY c.at""",
            [day.isoformat()],
        )
    }
    out = []
    for it in items:
        row = held.pop(it.id, None)
        out.append(_row(it.id, it.label(lang), row))
    for item_id, row in held.items():
        out.append(_row(item_id, item_id, row))
    return out


def _row(item_id: str, label: str, row: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "item": item_id,
        "label": label,
        "done": row is not None,
        "staff_id": row["staff_id"] if row else None,
        "staff_name": (row["staff_name"] or row["staff_id"]) if row else None,
        "at": row["at"] if row else None,
        "note": row["note"] if row else "",
    }


def missing(store: Store, day: date, items: tuple[Item, ...] | None = None, lang: str = "zh") -> list[str]:
    """Labels of the items of ``day`` not ticked yet."""
    return [r["label"] for r in day_checklist(store, day, items, lang) if not r["done"] and r["item"]]


def opening_time(setting: str, site_rules: dict[str, Any] | None = None) -> time:
    """The opening time: the station's setting ``opening_time`` (HH:MM), else the site's
    ``day_start`` rule (site.toml), else 07:30."""
    for value in (setting, (site_rules or {}).get("day_start", "")):
        if isinstance(value, str) and _HHMM.match(value.strip()):
            return time.fromisoformat(value.strip())
    return time(7, 30)


def reminder(
    store: Store, now: datetime, opening: time, items: tuple[Item, ...] | None = None, lang: str = "zh"
) -> list[str]:
    """The items still missing when ``now`` is at or past the opening time on its day; [] before
    the opening or when all are ticked (the desks then show no reminder)."""
    if now.time() < opening:
        return []
    return missing(store, now.date(), items, lang)
