"""Reaction case reports: the case report card (疑似预防接种异常反应个案报告卡) of each suspected
adverse event following immunization, as an A4 PDF filled from the records, and the district's CSV
with one row per case. A serious case (anaphylaxis, severe, or sent to hospital) is flagged for the
investigation that must start within 48 hours of the report. See docs/registers.md.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from station import pdf as pdfmod
from station.ledger import (
    AEFI_LABELS,
    HANDLING_LABELS,
    KIND_LABELS,
    SEVERITY_LABELS,
    dose_label,
    manufacturer,
    product_name,
    write_csv,
)
from station.observe import AEFI_CATEGORIES
from station.rules import Rules, load_rules
from station.store import Store

INVESTIGATION_HOURS = 48
SEX_LABELS = {"M": "男", "F": "女"}
BODY_SITES = {"left_deltoid": "左上臂三角肌", "right_deltoid": "右上臂三角肌"}

CSV_COLUMNS: list[tuple[str, str]] = [
    ("case_no", "编码"),
    ("name", "姓名"),
    ("sex", "性别"),
    ("birth_date", "出生日期"),
    ("id_number", "身份证号"),
    ("phone", "联系电话"),
    ("unit", "工作单位"),
    ("product_name", "疫苗名称"),
    ("manufacturer", "生产企业"),
    ("lot_no", "疫苗批号"),
    ("dose_number", "接种剂次"),
    ("route", "接种途径"),
    ("body_site", "接种部位"),
    ("vaccinated_at", "接种时间"),
    ("onset_at", "发生时间"),
    ("reported_at", "报告时间"),
    ("symptom", "主要临床表现"),
    ("kind", "反应分类"),
    ("severity", "严重程度"),
    ("handling", "处置"),
    ("outcome", "转归"),
    ("serious", "是否严重"),
    ("investigate_by", "调查截止时间"),
    ("reporter", "报告人"),
    ("site", "报告单位"),
    ("notes", "备注"),
]


@dataclass(frozen=True)
class Case:
    aefi_id: str
    case_no: str
    name: str
    sex: str
    birth_date: str
    id_number: str
    phone: str
    unit: str
    product: str
    product_name: str
    manufacturer: str
    lot_no: str
    dose_number: int | None
    dose_label: str
    route: str
    body_site: str
    vaccinated_at: str
    onset_at: str
    reported_at: str
    category: str
    symptom: str
    kind: str
    severity: str
    handling: str
    outcome: str
    serious: bool
    investigate_by: str  # "" unless serious: the report's time plus 48 hours
    reporter: str
    site: str
    desk: str
    notes: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _minute(at: str | None) -> str:
    return datetime.fromisoformat(at).strftime("%Y-%m-%d %H:%M") if at else ""


def _outcome(handling: str, state: str) -> str:
    """The card's 转归 as the records show it: the site sees the person until they leave."""
    if handling == "transferred_to_hospital":
        return "已转诊医院，转归待随访"
    if state == "released":
        return "好转，已离开接种点"
    return "留观处置中"


def cases(store: Store, day: date, *, site: str = "", rules: Rules | None = None) -> list[Case]:
    """Every suspected reaction of visits on ``day``, in the order reported, numbered per day."""
    rules = rules or load_rules()
    rows = store.all(
        """SELECT a.aefi_id, a.category, a.severity, a.handling, a.serious, a.onset_at, a.at, a.notes,
                  coalesce(st.name, a.staff_id) AS reporter, v.state, p.name, p.sex, p.birth_date, p.id_number,
                  p.phone, p.unit, coalesce(d.product, v.product) AS product, d.lot_no, d.dose_number,
                  d.body_site, d.at AS vaccinated_at, d.desk, l.manufacturer
           FROM aefi a JOIN visits v USING (visit_id) JOIN people p USING (person_id)
           LEFT JOIN doses d ON d.visit_id = a.visit_id AND d.source = 'here'
           LEFT JOIN lots l ON l.lot_no = d.lot_no
           LEFT JOIN staff st ON st.staff_id = a.staff_id
           WHERE v.day = ? GROUP BY a.aefi_id ORDER BY a.at, a.aefi_id""",
        [day.isoformat()],
    )
    out = []
    for n, r in enumerate(rows, 1):
        product = r["product"] or ""
        p = rules.products.get(product)
        serious = bool(r["serious"])
        symptom = AEFI_LABELS.get(r["category"], r["category"])
        out.append(
            Case(
                aefi_id=r["aefi_id"],
                case_no=f"AEFI-{day:%Y%m%d}-{n:03d}",
                name=r["name"],
                sex=SEX_LABELS.get(r["sex"] or "", ""),
                birth_date=r["birth_date"] or "",
                id_number=r["id_number"],
                phone=r["phone"] or "",
                unit=r["unit"] or "",
                product=product,
                product_name=product_name(rules, product),
                manufacturer=manufacturer(rules, product, r["manufacturer"]) if product else "",
                lot_no=r["lot_no"] or "",
                dose_number=r["dose_number"],
                dose_label=dose_label(rules, product, r["dose_number"]) if r["dose_number"] else "",
                route=p.route_zh if p else "",
                body_site=BODY_SITES.get(r["body_site"] or "", r["body_site"] or ""),
                vaccinated_at=_minute(r["vaccinated_at"]),
                onset_at=_minute(r["onset_at"]),
                reported_at=_minute(r["at"]),
                category=r["category"],
                symptom=symptom,
                kind=KIND_LABELS.get(AEFI_CATEGORIES.get(r["category"], ""), ""),
                severity=SEVERITY_LABELS.get(r["severity"], r["severity"]),
                handling=HANDLING_LABELS.get(r["handling"], r["handling"]),
                outcome=_outcome(r["handling"], r["state"]),
                serious=serious,
                investigate_by=_minute(
                    (datetime.fromisoformat(r["at"]) + timedelta(hours=INVESTIGATION_HOURS)).isoformat()
                )
                if serious
                else "",
                reporter=r["reporter"] or "",
                site=site,
                desk=r["desk"] or "",
                notes=r["notes"] or "",
            )
        )
    return out


def district_csv(items: list[Case]) -> bytes:
    """One row per case, the columns of CSV_COLUMNS (Chinese headers), UTF-8 with BOM."""
    rows = []
    for case in items:
        d = case.as_dict()
        d["serious"] = "是" if case.serious else "否"
        d["dose_number"] = case.dose_number if case.dose_number is not None else ""
        rows.append([d[key] for key, _ in CSV_COLUMNS])
    return write_csv(rows, [label for _, label in CSV_COLUMNS])


# --- the card -----------------------------------------------------------------------------------

_W, _H = A4
_MARGIN = 18 * mm
_LABEL_W = 30 * mm
_ROW_H = 9 * mm
_SIZE = 10.5


def build_card(case: Case) -> bytes:
    with pdfmod.build_lock:  # reportlab's font subsetting is not thread-safe
        return _build_card(case)


def _build_card(case: Case) -> bytes:
    buf = io.BytesIO()
    c = pdfmod.new_canvas(buf, _W, _H, title=f"疑似预防接种异常反应个案报告卡 {case.case_no}")
    x0, x1 = _MARGIN, _W - _MARGIN
    y = _H - _MARGIN - 6 * mm
    pdfmod.draw_text(c, _W / 2, y, "疑似预防接种异常反应个案报告卡", 17, bold=True, align="center")
    y -= 8 * mm
    pdfmod.draw_text(c, x0, y, f"编码：{case.case_no}", 10)
    pdfmod.draw_text(c, x1, y, f"报告单位：{case.site or '—'}", 10, align="right")
    y -= 4 * mm
    if case.serious:
        c.saveState()
        c.setFillColorRGB(0.8, 0.1, 0.1)
        c.rect(x0, y - 10 * mm, x1 - x0, 9 * mm, stroke=0, fill=1)
        c.setFillColorRGB(1, 1, 1)
        c.setStrokeColorRGB(1, 1, 1)  # the fake bold strokes the outlines too
        pdfmod.draw_text(
            c, _W / 2, y - 7 * mm,
            f"严重病例：须在{INVESTIGATION_HOURS}小时内开展调查（截止 {case.investigate_by}）",
            12, bold=True, align="center",
        )  # fmt: skip
        c.restoreState()
        y -= 12 * mm
    sections: list[tuple[str, list[list[tuple[str, str]]]]] = [
        (
            "一、受种者基本情况",
            [
                [("姓名", case.name), ("性别", case.sex)],
                [("出生日期", case.birth_date), ("身份证号", case.id_number)],
                [("联系电话", case.phone), ("工作单位", case.unit)],
            ],
        ),
        (
            "二、疫苗接种情况",
            [
                [("疫苗名称", case.product_name)],
                [("生产企业", case.manufacturer), ("疫苗批号", case.lot_no)],
                [("接种剂次", case.dose_label), ("接种途径", case.route)],
                [("接种部位", case.body_site), ("接种台", case.desk)],
                [("接种时间", case.vaccinated_at), ("报告时间", case.reported_at)],
            ],
        ),
        (
            "三、异常反应情况",
            [
                [("发生时间", case.onset_at), ("反应分类", case.kind)],
                [("主要临床表现", case.symptom + (f"；{case.notes}" if case.notes else ""))],
                [("严重程度", case.severity), ("是否严重", "是" if case.serious else "否")],
                [("处置", case.handling), ("转归", case.outcome)],
                [
                    (
                        "调查时限",
                        f"{INVESTIGATION_HOURS}小时内，截止 {case.investigate_by}" if case.serious else "—",
                    )
                ],
            ],
        ),
        ("四、报告", [[("报告人", case.reporter), ("报告日期", case.reported_at[:10])]]),
    ]
    c.setLineWidth(0.6)
    for heading, rows in sections:
        y -= 8 * mm
        pdfmod.draw_text(c, x0, y + 2 * mm, heading, 12, bold=True)
        for row in rows:
            cell_w = (x1 - x0) / len(row)
            value_w = cell_w - _LABEL_W - 4 * mm
            lines_per = [pdfmod.wrap(value or "—", _SIZE, value_w) for _, value in row]
            height = max(_ROW_H, max(len(lines) for lines in lines_per) * _SIZE * 1.35 + 4 * mm)
            top = y
            y -= height
            for i, ((label, _), lines) in enumerate(zip(row, lines_per, strict=True)):
                left = x0 + i * cell_w
                c.rect(left, y, _LABEL_W, height, stroke=1, fill=0)
                c.rect(left + _LABEL_W, y, cell_w - _LABEL_W, height, stroke=1, fill=0)
                pdfmod.draw_text(c, left + 2 * mm, top - 6 * mm, label, _SIZE, bold=True)
                for k, line in enumerate(lines):
                    pdfmod.draw_text(
                        c, left + _LABEL_W + 2 * mm, top - 6 * mm - k * _SIZE * 1.35, line, _SIZE
                    )
        y -= 2 * mm
    pdfmod.draw_text(c, x0, _MARGIN, f"由接种点记录生成（Vaccination Station），记录编号 {case.aefi_id}", 8)
    c.showPage()
    c.save()
    return buf.getvalue()


def write_reports(
    store: Store, day: date, out_dir: Path, *, site: str = "", rules: Rules | None = None
) -> dict[str, Any]:
    """The day's cards (``<case_no>.pdf``) and the district CSV (``AEFI-<day>.csv``) in ``out_dir``."""
    out_dir = Path(out_dir)
    items = cases(store, day, site=site, rules=rules)
    cards = []
    for case in items:
        path = out_dir / f"{case.case_no}.pdf"
        pdfmod.write_atomic(path, build_card(case), error_code="report_write_failed")
        cards.append(str(path))
    csv_path = out_dir / f"AEFI-{day:%Y%m%d}.csv"
    pdfmod.write_atomic(csv_path, district_csv(items), error_code="report_write_failed")
    return {
        "day": day.isoformat(),
        "cases": len(items),
        "serious": sum(c.serious for c in items),
        "cards": cards,
        "csv": str(csv_path),
        "investigate": [
            {"case_no": c.case_no, "name": c.name, "by": c.investigate_by} for c in items if c.serious
        ],
    }
