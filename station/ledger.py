"""The day's ledger (接种人员信息台账) as XLSX: people vaccinated, people turned away, reactions.

Read from the projected tables (doses, visits, people, screenings, aefi, lots, staff). Chinese
headers, a frozen header row, column widths and a total row on each sheet. Every text cell that a
spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return) is written as text with Excel's quote prefix, so a name like ``=HYPERLINK(...)`` stays a
name; ``safe_csv_cell`` is the same rule for the CSV files (a leading single quote, as OWASP's
CSV-injection guidance says). See docs/registers.md.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from station import pdf as pdfmod
from station import textsafe
from station.observe import AEFI_CATEGORIES
from station.rules import Rules, load_rules
from station.store import Store

AEFI_LABELS: dict[str, str] = {
    "fever": "发热",
    "local_redness": "局部红晕",
    "local_swelling": "局部肿胀",
    "induration": "局部硬结",
    "local_pain": "局部疼痛",
    "headache": "头痛",
    "fatigue": "乏力",
    "nausea": "恶心",
    "allergic_rash": "过敏性皮疹",
    "anaphylaxis": "过敏性休克",
    "vasovagal_syncope": "晕厥（血管迷走神经性）",
    "other": "其他反应",
}
KIND_LABELS = {"common": "一般反应", "rare": "异常反应"}
SEVERITY_LABELS = {"mild": "轻度", "moderate": "中度", "severe": "重度"}
HANDLING_LABELS = {"observed": "留观", "treated_on_site": "现场处置", "transferred_to_hospital": "转诊医院"}
OUTCOME_LABELS = {"pass": "通过", "defer": "暂缓接种", "refuse": "不予接种"}


formula_like = textsafe.is_formula  # one rule for every spreadsheet and CSV the station writes


def safe_csv_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula (``textsafe.cell``: a leading single quote
    before = + - @ tab CR); None is an empty cell."""
    return "" if value is None else textsafe.cell(value)


def write_csv(rows: Iterable[Sequence[Any]], header: Sequence[str]) -> bytes:
    """CSV bytes in UTF-8 with a BOM (Excel opens Chinese text right), every cell made safe."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow([safe_csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_csv_cell(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")


def dose_label(rules: Rules, product: str, number: int) -> str:
    try:
        p = rules.product(product)
    except Exception:
        return f"第{number}剂次"
    if number > p.primary_doses:
        return "加强针"
    return p.dose_rule(number).label_zh


def product_name(rules: Rules, product: str | None) -> str:
    if product is None:
        return ""
    p = rules.products.get(product)
    return p.name_zh if p else product


def manufacturer(rules: Rules, product: str, lot_manufacturer: str | None) -> str:
    if lot_manufacturer:
        return lot_manufacturer
    p = rules.products.get(product)
    return p.manufacturer_zh if p else ""


def _hhmm(at: str | None) -> str:
    if not at:
        return ""
    return datetime.fromisoformat(at).strftime("%Y-%m-%d %H:%M")


# --- the rows -----------------------------------------------------------------------------------


@dataclass
class Sheet:
    title: str
    headers: list[str]
    widths: list[float]
    rows: list[list[Any]] = field(default_factory=list)
    total: list[Any] = field(default_factory=list)


def vaccinated(store: Store, day: date, rules: Rules | None = None) -> Sheet:
    """Doses given here on ``day``, in the order given."""
    rules = rules or load_rules()
    sheet = Sheet(
        "接种人员",
        ["序号", "姓名", "身份证号", "手机号", "工作单位", "疫苗名称", "生产企业", "批号", "剂次",
         "剂次名称", "接种时间", "接种台", "接种人员"],
        [6, 12, 21, 14, 22, 36, 30, 16, 6, 10, 18, 8, 14],
    )  # fmt: skip
    rows = store.conn.execute(
        """SELECT p.name, p.id_number, p.phone, p.unit, d.product, l.manufacturer, d.lot_no, d.dose_number,
                  d.at, d.desk, coalesce(s.name, d.vaccinator)
           FROM doses d JOIN people p USING (person_id)
           LEFT JOIN lots l ON l.lot_no = d.lot_no
           LEFT JOIN staff s ON s.staff_id = d.vaccinator
           WHERE d.source = 'here' AND d.day = ? ORDER BY d.at, d.event_id""",
        [day.isoformat()],
    ).fetchall()
    for i, (name, id_no, phone, unit, product, maker, lot, number, at, desk, vaccinator) in enumerate(
        rows, 1
    ):
        sheet.rows.append(
            [i, name, id_no, phone or "", unit or "", product_name(rules, product),
             manufacturer(rules, product, maker), lot or "", number, dose_label(rules, product, number),
             _hhmm(at), desk or "", vaccinator or ""]
        )  # fmt: skip
    sheet.total = ["合计", f"{len(rows)} 人"]
    return sheet


def turned_away(store: Store, day: date, rules: Rules | None = None) -> Sheet:
    """People turned away at pre-screen on ``day`` (暂缓 or 不予接种), with every reason."""
    rules = rules or load_rules()
    sheet = Sheet(
        "劝返人员",
        ["序号", "姓名", "身份证号", "手机号", "工作单位", "预约时段", "预检时间", "结论", "劝返原因", "体温",
         "预检医生"],
        [6, 12, 21, 14, 22, 13, 18, 10, 44, 7, 14],
    )  # fmt: skip
    rows = store.conn.execute(
        """SELECT p.name, p.id_number, p.phone, p.unit, v.slot, v.turned_away_at, s.outcome, s.reasons,
                  s.temperature, coalesce(st.name, s.staff_id)
           FROM visits v JOIN people p USING (person_id)
           LEFT JOIN screenings s ON s.visit_id = v.visit_id AND s.outcome != 'pass'
           LEFT JOIN staff st ON st.staff_id = s.staff_id
           WHERE v.day = ? AND v.state = 'turned_away'
           GROUP BY v.visit_id ORDER BY v.turned_away_at, v.visit_id""",
        [day.isoformat()],
    ).fetchall()
    for i, (name, id_no, phone, unit, slot, at, outcome, reasons, temp, doctor) in enumerate(rows, 1):
        labels = [rules.reasons[r].label_zh if r in rules.reasons else r for r in json.loads(reasons or "[]")]
        sheet.rows.append(
            [i, name, id_no, phone or "", unit or "", slot or "", _hhmm(at), OUTCOME_LABELS.get(outcome, outcome or ""),
             "；".join(labels), temp if temp is not None else "", doctor or ""]
        )  # fmt: skip
    sheet.total = ["合计", f"{len(rows)} 人"]
    return sheet


def reactions(store: Store, day: date, rules: Rules | None = None) -> Sheet:
    """Suspected adverse events recorded for visits of ``day``."""
    rules = rules or load_rules()
    sheet = Sheet(
        "疑似异常反应",
        ["序号", "姓名", "身份证号", "手机号", "疫苗名称", "批号", "剂次", "接种时间", "发生时间", "反应名称",
         "反应分类", "严重程度", "处置", "严重病例", "备注", "报告人"],
        [6, 12, 21, 14, 36, 16, 6, 18, 18, 20, 10, 9, 11, 9, 30, 14],
    )  # fmt: skip
    rows = store.conn.execute(
        """SELECT p.name, p.id_number, p.phone, d.product, d.lot_no, d.dose_number, d.at, a.onset_at,
                  a.category, a.severity, a.handling, a.serious, a.notes, coalesce(st.name, a.staff_id)
           FROM aefi a JOIN visits v USING (visit_id) JOIN people p USING (person_id)
           LEFT JOIN doses d ON d.visit_id = a.visit_id AND d.source = 'here'
           LEFT JOIN staff st ON st.staff_id = a.staff_id
           WHERE v.day = ? GROUP BY a.aefi_id ORDER BY a.at, a.aefi_id""",
        [day.isoformat()],
    ).fetchall()
    serious = 0
    for i, row in enumerate(rows, 1):
        name, id_no, phone, product, lot, number, at, onset, cat, sev, handling, is_serious, notes, by = row
        serious += bool(is_serious)
        sheet.rows.append(
            [i, name, id_no, phone or "", product_name(rules, product), lot or "", number or "", _hhmm(at),
             _hhmm(onset), AEFI_LABELS.get(cat, cat), KIND_LABELS.get(AEFI_CATEGORIES.get(cat, ""), ""),
             SEVERITY_LABELS.get(sev, sev), HANDLING_LABELS.get(handling, handling), "是" if is_serious else "否",
             notes or "", by or ""]
        )  # fmt: skip
    sheet.total = [
        "合计",
        f"{len(rows)} 例",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        f"严重 {serious} 例",
    ]
    return sheet


def sheets(store: Store, day: date, rules: Rules | None = None) -> list[Sheet]:
    rules = rules or load_rules()
    return [vaccinated(store, day, rules), turned_away(store, day, rules), reactions(store, day, rules)]


# --- the workbook -------------------------------------------------------------------------------


def put(ws: Any, row: int, col: int, value: Any) -> Any:
    """Write one cell; text that looks like a formula is kept as text (type 's', quote prefix)."""
    cell = ws.cell(row=row, column=col, value=value)
    if formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def write_sheet(ws: Any, sheet: Sheet, *, title_line: str | None = None) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    ws.title = sheet.title
    for col, header in enumerate(sheet.headers, 1):
        cell = put(ws, 1, col, header)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for r, values in enumerate(sheet.rows, 2):
        for col, value in enumerate(values, 1):
            put(ws, r, col, value)
    if sheet.total:
        r = len(sheet.rows) + 2
        for col, value in enumerate(sheet.total, 1):
            if value != "":
                put(ws, r, col, value).font = bold
    for col, width in enumerate(sheet.widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    if sheet.rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.headers))}{len(sheet.rows) + 1}"


def build_ledger(store: Store, day: date, rules: Rules | None = None) -> tuple[bytes, dict[str, int]]:
    """The workbook's bytes and the number of rows on each sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    built = sheets(store, day, rules)
    for i, sheet in enumerate(built):
        write_sheet(wb.active if i == 0 else wb.create_sheet(), sheet)
    wb.properties.title = f"接种人员信息台账 {day.isoformat()}"
    wb.properties.creator = "Vaccination Station"
    buf = io.BytesIO()
    wb.save(buf)
    names = ("vaccinated", "turned_away", "reactions")
    return buf.getvalue(), {name: len(sheet.rows) for name, sheet in zip(names, built, strict=True)}


def write_ledger(store: Store, day: date, out: Path, rules: Rules | None = None) -> dict[str, Any]:
    """Write the ledger of ``day`` to ``out`` (atomically); returns the rows per sheet."""
    data, counts = build_ledger(store, day, rules)
    pdfmod.write_atomic(Path(out), data, error_code="report_write_failed")
    return {"day": day.isoformat(), "path": str(out), **counts}
