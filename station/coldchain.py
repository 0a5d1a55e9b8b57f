"""The cold chain (冷链温度记录): fridge and cold-box readings, typed at the site's set times or
imported from a temperature logger's CSV export. A reading outside 2-8 °C (rules: stock.toml) is
an excursion: every lot with doses left held in that fridge then is put on hold (LotFlagged) until
the admin decides to use or quarantine it (LotDecided, with a reason). See docs/stock.md.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from station import staff as staffmod
from station import stock
from station.errors import DomainError
from station.store import Store

DECISIONS = ("use", "quarantine")
EXCURSION = "cold_excursion"

_TIME_HEADERS = (
    "时间",
    "日期时间",
    "记录时间",
    "采集时间",
    "time",
    "datetime",
    "date/time",
    "timestamp",
    "date time",
)
_DATE_HEADERS = ("日期", "date")
_TEMP_MARKERS = ("温度", "temp", "°c", "℃", "celsius", "(c)", "deg c")
_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
)
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def _permitted(store: Store, staff_id: str) -> None:
    # Whoever keeps the fridge types its temperature: a vaccinator at the desk or the admin.
    try:
        staffmod.require(store, staff_id, "open_vial")
    except DomainError:
        staffmod.require(store, staff_id, "receive_stock")


def readings(store: Store, fridge: str | None = None, day: date | None = None) -> list[dict[str, Any]]:
    """Readings in time order (``outside``: 1 for an excursion), of one fridge and/or day."""
    where, params = [], []
    if fridge:
        where.append("fridge = ?")
        params.append(fridge)
    if day:
        where.append("substr(at, 1, 10) = ?")
        params.append(day.isoformat())
    sql = "SELECT * FROM cold_readings" + (" WHERE " + " AND ".join(where) if where else "")
    return store.all(sql + " ORDER BY fridge, at, reading_id", params)


def due_times(store: Store, day: date, fridge: str | None = None) -> list[str]:
    """The site's set reading times (HH:MM) of ``day`` with no reading of the fridge within the
    hour from that time (for a reminder on screen)."""
    rules = stock.load_stock_rules()
    place = rules.fridge(fridge).id
    held = [datetime.fromisoformat(r["at"]) for r in readings(store, place, day)]
    due = []
    for hhmm in rules.reading_times:
        t = datetime.combine(day, time.fromisoformat(hhmm))
        if not any(0 <= (h.replace(tzinfo=None) - t).total_seconds() < 3600 for h in held):
            due.append(hhmm)
    return due


def record_reading(
    store: Store, *, staff_id: str, celsius: float, fridge: str | None = None, at: datetime | None = None
) -> dict[str, Any]:
    """Record one typed reading (ColdReadingsRecorded). Returns ``{"reading": row, "outside": bool,
    "flagged": [lot_no, ...]}``. Refusals: fridge_unknown, cold_reading_implausible, not_permitted."""
    if not -40.0 <= celsius <= 50.0:
        raise DomainError("cold_reading_implausible", celsius=celsius)
    with store.transaction():
        _permitted(store, staff_id)
        at = at or store.now()
        result = _record(store, staff_id, fridge, [(at, float(celsius))], "typed")
        row = store.one(
            "SELECT * FROM cold_readings WHERE fridge = ? AND at = ? ORDER BY reading_id DESC LIMIT 1",
            [result["fridge"], at.isoformat()],
        )
        return {"reading": row, "outside": bool(result["outside"]), "flagged": result["flagged"]}


def import_csv(store: Store, path: Path | str, *, staff_id: str, fridge: str | None = None) -> dict[str, Any]:
    """Import a temperature logger's CSV export into one fridge's readings. The whole file is read
    first: a broken file is refused with its line and reason and nothing is stored. Readings
    already held (same fridge and time) are skipped. Returns ``{"fridge", "read", "new",
    "outside", "flagged"}``. Refusals: cold_csv_unreadable, cold_csv_no_columns, cold_csv_invalid,
    cold_csv_empty, fridge_unknown, not_permitted."""
    rows = read_logger_csv(path)
    with store.transaction():
        _permitted(store, staff_id)
        tz = store.now().tzinfo
        stamped = [(t if t.tzinfo else t.replace(tzinfo=tz), c) for t, c in rows]
        result = _record(store, staff_id, fridge, stamped, "import")
        return {"read": len(rows), **result}


def _record(
    store: Store, staff_id: str, fridge: str | None, rows: list[tuple[datetime, float]], source: str
) -> dict[str, Any]:
    rules = stock.load_stock_rules()
    place = rules.fridge(fridge).id
    held = {r["at"] for r in readings(store, place)} if source == "import" else set()
    fresh = [(t.isoformat(), c) for t, c in rows if t.isoformat() not in held]
    outside = [(at, c) for at, c in fresh if not rules.min_c <= c <= rules.max_c]
    flagged: list[str] = []
    if fresh:
        store.append(
            "ColdReadingsRecorded",
            {
                "fridge": place,
                "source": source,
                "min_c": rules.min_c,
                "max_c": rules.max_c,
                "readings": [
                    {"at": at, "celsius": c, "outside": not rules.min_c <= c <= rules.max_c}
                    for at, c in fresh
                ],
            },
            staff_id=staff_id,
        )
    if outside:
        first_at = min(at for at, _ in outside)
        worst = max(outside, key=lambda r: abs(r[1] - (rules.min_c + rules.max_c) / 2))[1]
        default = rules.fridges[0].id
        for row in stock.lots(store):
            in_fridge = (row["fridge"] or default) == place
            received = store.scalar("SELECT min(at) FROM receipts WHERE lot_no = ?", [row["lot_no"]]) or ""
            if not in_fridge or row["status"] == stock.QUARANTINED or row["doses_left"] <= 0:
                continue
            if received and datetime.fromisoformat(received) > datetime.fromisoformat(first_at):
                continue  # arrived after the excursion began: not held through it
            store.append(
                "LotFlagged",
                {
                    "lot_no": row["lot_no"],
                    "reason": f"{EXCURSION} {place} {worst:g}°C {first_at[:16]}",
                    "fridge": place,
                    "celsius": worst,
                    "reading_at": first_at,
                    "at": store.now().isoformat(),
                },
                staff_id=staff_id,
            )
            flagged.append(row["lot_no"])
    return {"fridge": place, "new": len(fresh), "outside": len(outside), "flagged": flagged}


def lots_to_decide(store: Store) -> list[dict[str, Any]]:
    """Lots on hold after an excursion, waiting for the admin's decision."""
    return [row for row in stock.lots(store) if row["status"] == stock.HOLD]


def decide(store: Store, *, staff_id: str, lot_no: str, decision: str, reason: str) -> dict[str, Any]:
    """The admin's decision on a lot after an excursion (LotDecided): ``use`` it again or
    ``quarantine`` it (never used again); a reason is required. Returns the lot. Refusals:
    lot_unknown, decision_unknown, decision_reason_missing, lot_already_quarantined, not_permitted."""
    if decision not in DECISIONS:
        raise DomainError("decision_unknown", decision=decision)
    if not reason or not reason.strip():
        raise DomainError("decision_reason_missing")
    with store.transaction():
        staffmod.require(store, staff_id, "receive_stock")
        row = stock.lot(store, lot_no)
        if row is None:
            raise DomainError("lot_unknown", lot=lot_no.strip().upper())
        if row["status"] == stock.QUARANTINED:
            raise DomainError("lot_already_quarantined", lot=row["lot_no"])
        store.append(
            "LotDecided",
            {
                "lot_no": row["lot_no"],
                "decision": decision,
                "reason": reason.strip(),
                "at": store.now().isoformat(),
            },
            staff_id=staff_id,
        )
        result = stock.lot(store, row["lot_no"])
    assert result is not None
    return result


# --- the logger's CSV ------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError("cold_csv_unreadable", reason="encoding")


def _norm(cell: str) -> str:
    return cell.strip().strip('"').strip().lower()


def _find_columns(row: list[str]) -> tuple[int | None, int | None, int | None]:
    """(time column, date column when time is split, temperature column) of a header row."""
    cells = [_norm(c) for c in row]
    temp = next((i for i, c in enumerate(cells) if any(m in c for m in _TEMP_MARKERS)), None)
    when = next((i for i, c in enumerate(cells) if c in _TIME_HEADERS or c.startswith(_TIME_HEADERS)), None)
    day = next((i for i, c in enumerate(cells) if c in _DATE_HEADERS and i != when), None)
    if when is None and day is not None:
        when, day = day, None  # one "date" column holding date and time
    return when, day, temp


def _parse_time(text: str) -> datetime | None:
    text = " ".join(text.strip().split())
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def read_logger_csv(path: Path | str) -> list[tuple[datetime, float]]:
    """The (time, °C) readings of a logger's CSV export: a time column (or date + time columns)
    and a temperature column, found by their headers in Chinese or English (lines above the
    header, the logger's own notes, are skipped); UTF-8 or GBK; comma, semicolon or tab separated;
    a decimal comma is accepted. Refusals: cold_csv_unreadable, cold_csv_no_columns,
    cold_csv_invalid (with the line and reason), cold_csv_empty."""
    try:
        text = _decode(Path(path).read_bytes())
    except OSError as exc:
        raise DomainError("cold_csv_unreadable", reason=str(exc)) from None
    lines = text.splitlines()
    sample = "\n".join(lines[:20])
    delimiter = max((",", ";", "\t"), key=sample.count)
    try:  # newline="": a bare CR inside a line is csv's to judge, not a StringIO line end (fuzzing)
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise DomainError("cold_csv_unreadable", reason=f"CSV: {exc}") from None
    header_at = None
    for i, row in enumerate(rows):
        when, _, temp = _find_columns(row)
        if when is not None and temp is not None:
            header_at = i
            break
    if header_at is None:
        raise DomainError("cold_csv_no_columns")
    when, day, temp = _find_columns(rows[header_at])
    out: list[tuple[datetime, float]] = []
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not any(c.strip() for c in row):
            continue
        needed = max(i for i in (when, day, temp) if i is not None)
        if len(row) <= needed:
            raise DomainError("cold_csv_invalid", line=number, reason="columns")
        stamp = row[when].strip() if day is None else f"{row[day].strip()} {row[when].strip()}"
        moment = _parse_time(stamp)
        if moment is None:
            raise DomainError("cold_csv_invalid", line=number, reason=f"time {stamp!r}")
        value = row[temp].strip().replace("℃", "").replace("°C", "").replace("°c", "").strip()
        if not _NUMBER.match(value):
            raise DomainError("cold_csv_invalid", line=number, reason=f"temperature {row[temp].strip()!r}")
        out.append((moment, float(value.replace(",", "."))))
    if not out:
        raise DomainError("cold_csv_empty")
    return out
