"""Dose reminder lists (智能外呼): people whose next dose falls due in a date window, and those whose
dose is due already or overdue, for an automatic outbound-call system; and the call outcomes it
sends back (reached, no answer, refused, booked), recorded as ``CallOutcomeRecorded`` events and
shown on the next list. The file layout is in docs/reminders.md.

The next dose comes from the product rules (resources/rules/products.toml through
``Rules.next_dose``) applied to every dose held for the person: given here or declared at pre-screen.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from station import pdf as pdfmod
from station.coverage import _cell, header_key, read_table
from station.errors import DomainError
from station.identity import mask_id
from station.ledger import dose_label, formula_like, write_csv
from station.rules import PastDose, Rules, load_rules
from station.store import Store

STATUSES = ("due", "open", "overdue")
STATUS_LABELS = {"due": "到期", "open": "已到期未种", "overdue": "逾期"}
OUTCOMES = ("reached", "no_answer", "refused", "booked")
OUTCOME_LABELS = {"reached": "已接通", "no_answer": "无人接听", "refused": "拒绝", "booked": "已预约"}
OUTCOME_ALIASES = {
    **{o: o for o in OUTCOMES},
    **{label: code for code, label in OUTCOME_LABELS.items()},
    "接通": "reached",
    "未接通": "no_answer",
    "未接": "no_answer",
    "no answer": "no_answer",
    "拒接": "refused",
    "预约": "booked",
}

# The call system's columns, in this order (docs/reminders.md): key, Chinese header, width.
COLUMNS: list[tuple[str, str, float]] = [
    ("task_id", "任务编号", 40),
    ("phone", "电话号码", 14),
    ("name", "姓名", 12),
    ("product", "疫苗名称", 36),
    ("dose_due", "应种剂次", 10),
    ("earliest", "最早接种日期", 13),
    ("latest", "最迟建议日期", 13),
    ("status", "状态", 11),
    ("days_overdue", "逾期天数", 9),
    ("last_outcome", "上次外呼结果", 12),
    ("last_called_at", "上次外呼时间", 17),
    ("booked_for", "已预约日期", 12),
    ("id_masked", "身份证号（脱敏）", 21),
    ("unit", "工作单位", 22),
]
OUTCOME_FILE_HEADERS = {
    "task_id": {"taskid", "任务编号", "任务id", "编号"},
    "outcome": {"outcome", "result", "外呼结果", "结果", "呼叫结果"},
    "called_at": {"calledat", "time", "外呼时间", "呼叫时间", "时间"},
    "note": {"note", "备注", "remark"},
}


@dataclass(frozen=True)
class Reminder:
    task_id: str  # "<person_id>/<dose number>": what the call system sends back
    person_id: str
    name: str
    phone: str
    id_masked: str
    unit: str
    product: str
    product_name: str
    dose_number: int
    dose_due: str
    is_booster: bool
    earliest: date
    latest: date | None
    status: str
    days_overdue: int
    last_outcome: str  # a code of OUTCOMES, or ""
    last_called_at: str
    booked_for: str

    def row(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "phone": self.phone,
            "name": self.name,
            "product": self.product_name,
            "dose_due": self.dose_due,
            "earliest": self.earliest.isoformat(),
            "latest": self.latest.isoformat() if self.latest else "",
            "status": STATUS_LABELS[self.status],
            "days_overdue": self.days_overdue,
            "last_outcome": OUTCOME_LABELS.get(self.last_outcome, ""),
            "last_called_at": self.last_called_at,
            "booked_for": self.booked_for,
            "id_masked": self.id_masked,
            "unit": self.unit,
        }


def status_of(earliest: date, latest: date | None, start: date, end: date) -> str | None:
    """due: the earliest date falls in the window; open: it fell before and the latest recommended
    date (if any) is not past yet; overdue: the latest recommended date passed before the window."""
    if earliest > end:
        return None
    if earliest >= start:
        return "due"
    if latest is not None and latest < start:
        return "overdue"
    return "open"


def due_list(store: Store, start: date, end: date, rules: Rules | None = None) -> list[Reminder]:
    """Everyone whose next dose is due by ``end``: due in the window, open, or overdue."""
    if end < start:
        raise DomainError("reminders_window_invalid", start=start.isoformat(), end=end.isoformat())
    rules = rules or load_rules()
    histories: dict[str, list[tuple[str, int, str]]] = {}
    for person_id, product, number, day in store.conn.execute(
        "SELECT person_id, product, dose_number, day FROM doses"
    ):
        histories.setdefault(person_id, []).append((product, number, day))
    # People vaccinated together share a history (the same doses on the same days): the rules are
    # asked once per distinct history, not once per person (8 s to 1 s over 1,000,000 events).
    answers: dict[tuple[tuple[str, int, str], ...], tuple[Any, str] | None] = {}
    found: list[tuple[str, Any]] = []
    for person_id, doses in histories.items():
        key = tuple(sorted(doses))
        if key not in answers:
            answers[key] = _next(rules, key, start, end)
        if answers[key] is not None:
            found.append((person_id, answers[key]))
    if not found:
        return []
    ids = json.dumps([p for p, _ in found])
    wanted = {p for p, _ in found}
    people = {
        r[0]: r[1:]
        for r in store.conn.execute("SELECT person_id, name, phone, unit, id_number FROM people")
        if r[0] in wanted
    }
    booked = dict(
        store.conn.execute(
            """SELECT person_id, min(day) FROM visits WHERE state = 'booked' AND day >= ?
               AND person_id IN (SELECT value FROM json_each(?)) GROUP BY person_id""",
            [start.isoformat(), ids],
        )
    )
    outcomes = last_outcomes(store, ids)
    labels: dict[tuple[str, int], str] = {}
    out = []
    for person_id, (nxt, status) in found:
        name, phone, unit, id_number = people[person_id]
        last = outcomes.get((person_id, nxt.dose_number)) or outcomes.get((person_id, None))
        product = rules.products[nxt.product]
        out.append(
            Reminder(
                task_id=f"{person_id}/{nxt.dose_number}",
                person_id=person_id,
                name=name,
                phone=phone or "",
                id_masked=mask_id(id_number),
                unit=unit or "",
                product=nxt.product,
                product_name=product.name_zh,
                dose_number=nxt.dose_number,
                dose_due=labels.get((nxt.product, nxt.dose_number))
                or labels.setdefault(
                    (nxt.product, nxt.dose_number), dose_label(rules, nxt.product, nxt.dose_number)
                ),
                is_booster=nxt.is_booster,
                earliest=nxt.earliest,
                latest=nxt.latest_recommended,
                status=status,
                days_overdue=(start - nxt.latest_recommended).days if status == "overdue" else 0,
                last_outcome=last[0] if last else "",
                last_called_at=last[1] if last else "",
                booked_for=booked.get(person_id, ""),
            )
        )
    out.sort(key=lambda r: (r.earliest, r.name, r.task_id))
    return out


def _next(
    rules: Rules, doses: tuple[tuple[str, int, str], ...], start: date, end: date
) -> tuple[Any, str] | None:
    """The next dose of a history and its status in the window, or None (complete, not due yet)."""
    try:
        nxt = rules.next_dose([PastDose(p, n, date.fromisoformat(d)) for p, n, d in doses])
    except DomainError:  # a history the rules cannot continue (an unknown product): no reminder
        return None
    if nxt.complete or nxt.earliest is None:
        return None
    status = status_of(nxt.earliest, nxt.latest_recommended, start, end)
    return (nxt, status) if status else None


def last_outcomes(store: Store, person_ids_json: str) -> dict[tuple[str, int | None], tuple[str, str]]:
    """The latest call outcome (by HLC) per person and dose: (outcome, called at)."""
    out: dict[tuple[str, int | None], tuple[str, str]] = {}
    for person_id, number, outcome, called_at in store.conn.execute(
        """SELECT person_id, dose_number, outcome, coalesce(called_at, '') FROM call_outcomes
           WHERE person_id IN (SELECT value FROM json_each(?)) ORDER BY hlc""",
        [person_ids_json],
    ):
        out[(person_id, number)] = (outcome, called_at)
    return out


# --- files out ----------------------------------------------------------------------------------


def headers(lang: str) -> list[str]:
    return [key if lang == "en" else zh for key, zh, _ in COLUMNS]


def build(items: list[Reminder], fmt: str, header_lang: str = "zh") -> bytes:
    rows = [[r.row()[key] for key, _, _ in COLUMNS] for r in items]
    if fmt == "csv":
        return write_csv(rows, headers(header_lang))
    # write-only mode: a district's list can hold 100,000 people (the normal mode took 100 s)
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("外呼名单")
    ws.freeze_panes = "A2"
    for col, (_, _, width) in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    bold = Font(bold=True)

    def cell(value: Any, font: Font | None = None) -> Any:
        c = WriteOnlyCell(ws, value)
        if formula_like(value):
            c.data_type = "s"
            c.quotePrefix = True
        if font is not None:
            c.font = font
        return c

    ws.append([cell(h, bold) for h in headers(header_lang)])
    for values in rows:
        ws.append([cell(v) if formula_like(v) else v for v in values])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_list(
    store: Store, start: date, end: date, out: Path, *, header_lang: str = "zh", rules: Rules | None = None
) -> dict[str, Any]:
    """Write the list to ``out`` (.csv or .xlsx by its suffix); returns the counts per status."""
    suffix = Path(out).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise DomainError("reminders_format", path=str(out))
    items = due_list(store, start, end, rules)
    pdfmod.write_atomic(Path(out), build(items, suffix[1:], header_lang), error_code="report_write_failed")
    counts = {s: sum(r.status == s for r in items) for s in STATUSES}
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "path": str(out),
        "people": len(items),
        **counts,
    }


# --- call outcomes back in ----------------------------------------------------------------------


@dataclass
class OutcomesCheck:
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)  # {"line", "code", "value"}

    @property
    def ok(self) -> bool:
        return not self.errors


def _called_at(text: str) -> str | None:
    text = text.strip().replace("/", "-")
    if not text:
        return ""
    for candidate in (text, text.replace(" ", "T")):
        try:
            return datetime.fromisoformat(candidate).isoformat(timespec="minutes")
        except ValueError:
            continue
    return None


def read_outcomes(store: Store, path: Path) -> OutcomesCheck:
    """Check a call system's result file: task id, outcome, call time (optional), note (optional)."""
    rows = read_table(path)
    check = OutcomesCheck()
    if not rows:
        raise DomainError("outcomes_no_header", file=Path(path).name)
    keys = [header_key(c) for c in rows[0]]
    cols: dict[str, int] = {}
    for field_name, aliases in OUTCOME_FILE_HEADERS.items():
        wanted = {header_key(a) for a in aliases}
        for i, k in enumerate(keys):
            if k in wanted:
                cols[field_name] = i
                break
    if "task_id" not in cols or "outcome" not in cols:
        raise DomainError("outcomes_no_header", file=Path(path).name)
    known = {
        r[0]
        for r in store.conn.execute("SELECT person_id FROM people")  # a few hundred thousand at most
    }

    def get(cells: list[str], name: str) -> str:
        i = cols.get(name)
        return cells[i] if i is not None and i < len(cells) else ""

    for line, row in enumerate(rows[1:], 2):
        cells = [_cell(c) for c in row]
        if not any(cells):
            continue
        task = get(cells, "task_id")
        person_id, _, number = task.partition("/")
        if not number.isdigit() or person_id not in known:
            check.errors.append({"line": line, "code": "outcome_task_unknown", "value": task})
            continue
        raw = get(cells, "outcome")
        outcome = OUTCOME_ALIASES.get(raw.lower() if raw.isascii() else raw)
        if outcome is None:
            check.errors.append({"line": line, "code": "outcome_unknown", "value": raw})
            continue
        called = _called_at(get(cells, "called_at"))
        if called is None:
            check.errors.append(
                {"line": line, "code": "outcome_time_invalid", "value": get(cells, "called_at")}
            )
            continue
        check.outcomes.append(
            {
                "person_id": person_id,
                "dose_number": int(number),
                "outcome": outcome,
                "called_at": called or None,
                "note": get(cells, "note") or None,
            }
        )
    return check


def record_outcomes(store: Store, outcomes: list[dict[str, Any]], *, staff_id: str) -> dict[str, int]:
    """One ``CallOutcomeRecorded`` event per outcome not held already (the same file twice adds nothing)."""
    new = held = 0
    with store.transaction():
        for o in outcomes:
            same = store.scalar(
                """SELECT 1 FROM call_outcomes WHERE person_id = ? AND dose_number IS ? AND outcome = ?
                   AND called_at IS ? AND note IS ? LIMIT 1""",
                [o["person_id"], o["dose_number"], o["outcome"], o["called_at"], o["note"]],
            )
            if same:
                held += 1
                continue
            store.append("CallOutcomeRecorded", {**o, "at": store.now().isoformat()}, staff_id=staff_id)
            new += 1
    return {"new": new, "held": held}
