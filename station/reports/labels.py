"""Words on the reports, in Chinese and English: fixed texts, and the labels of the codes the figures
carry (turn-away reasons and products from the rule files, reactions as on the slip)."""

from __future__ import annotations

from station.rules import Rules, load_rules
from station.slips import AEFI_LABELS, HANDLING_LABELS, SEVERITY_LABELS

LANGS = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    # the day report
    "day_title": ("接种点日报（晚调度）", "Day report (evening dispatch)"),
    "site": ("接种点", "Site"),
    "day": ("日期", "Day"),
    "generated": ("生成时间", "Generated"),
    "page": ("第 {page} 页", "Page {page}"),
    "totals": ("当日总数", "The day in numbers"),
    "booked": ("预约", "Booked"),
    "walk_ins": ("其中现场登记", "of which walk-ins"),
    "signed_in": ("签到", "Signed in"),
    "screened": ("预检", "Screened"),
    "vaccinated": ("接种人数", "Vaccinated (people)"),
    "doses": ("接种剂次", "Doses given"),
    "turned_away": ("劝返", "Turned away"),
    "cancelled": ("取消预约", "Cancelled"),
    "no_shows": ("未到", "No-shows"),
    "in_progress": ("尚在流程中", "Still in the flow"),
    "released": ("留观结束离开", "Released after observation"),
    "reactions": ("疑似异常反应", "Suspected reactions"),
    "serious": ("其中严重", "of which serious"),
    "turned_away_by_reason": ("劝返原因", "Turned away, by reason"),
    "reason": ("原因", "Reason"),
    "outcome": ("处理", "Outcome"),
    "outcome_defer": ("暂缓接种", "defer"),
    "outcome_refuse": ("不予接种", "refuse"),
    "count": ("人数", "People"),
    "by_dose": ("按剂次", "By dose number"),
    "dose": ("剂次", "Dose"),
    "booster": ("加强针", "Booster"),
    "dose_n": ("第{n}剂次", "Dose {n}"),
    "by_product": ("按疫苗", "By product"),
    "product": ("疫苗", "Product"),
    "manufacturer": ("生产企业", "Manufacturer"),
    "by_desk": ("按接种台", "By injection desk"),
    "desk": ("接种台", "Desk"),
    "first": ("首针", "First"),
    "last": ("末针", "Last"),
    "by_vaccinator": ("按接种员", "By vaccinator"),
    "vaccinator": ("接种员", "Vaccinator"),
    "staff_id": ("工号", "Staff id"),
    "by_unit": ("按单位", "By unit"),
    "unit": ("单位", "Unit"),
    "no_unit": ("（未填单位）", "(no unit)"),
    "reactions_title": ("疑似预防接种异常反应", "Suspected adverse events following immunization"),
    "category": ("反应", "Reaction"),
    "kind": ("分类", "Class"),
    "kind_common": ("一般反应", "common"),
    "kind_rare": ("异常反应", "rare"),
    "mild": ("轻度", "Mild"),
    "moderate": ("中度", "Moderate"),
    "severe": ("重度", "Severe"),
    "total": ("合计", "Total"),
    "none": ("无", "None"),
    "time": ("时间", "Time"),
    "queue": ("序号", "Queue"),
    "onset": ("发生", "Onset"),
    "serious_case": ("严重", "Serious"),
    "severity": ("程度", "Severity"),
    "handling": ("处置", "Handling"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "stock_title": ("疫苗库存（按批号）与日终盘点", "Stock per lot and the end-of-day count"),
    "lot": ("批号", "Lot"),
    "expiry": ("有效期", "Expiry"),
    "status": ("状态", "Status"),
    "status_ok": ("正常", "ok"),
    "status_hold": ("暂停使用", "on hold"),
    "status_quarantined": ("已隔离", "quarantined"),
    "received": ("入库", "Received"),
    "used_today": ("当日使用", "Used today"),
    "used": ("累计使用", "Used"),
    "wasted": ("报损", "Wasted"),
    "left": ("结存", "Left"),
    "counted": ("盘点", "Counted"),
    "difference": ("差异", "Diff."),
    "not_counted": ("未盘点", "not counted"),
    "stock_not_counted": (
        "当日尚未盘点：请在下班前完成日终盘点。",
        "No end-of-day count recorded yet: count the stock before closing.",
    ),
    "conflicts_title": ("未处理的冲突", "Open conflicts"),
    "checklist_title": ("每日检查", "Daily checklist"),
    "checklist_item": ("检查项目", "Item"),
    "checklist_by": ("检查人", "Checked by"),
    "checklist_note": ("备注", "Note"),
    "checklist_not_done": ("未完成", "Not done"),
    "checklist_missing": ("未完成 {n} 项：{items}", "{n} not done: {items}"),
    "checklist_all_done": ("全部完成", "All done"),
    "conflict": ("冲突", "Conflict"),
    "person": ("姓名", "Person"),
    "laptop": ("电脑", "Laptop"),
    "half_hours_title": (
        "每半小时：预约、到达（签到）与接种",
        "Per half hour: booked, arrivals (sign-ins), injections",
    ),
    "slot": ("时段", "Slot"),
    "arrivals": ("到达", "Arrivals"),
    "injections": ("接种", "Injections"),
    "waiting_end": ("时段末排队", "Queue at end"),
    "over_booked": ("放号过多", "over-booked"),
    "over_booked_note": (
        "“放号过多”：该时段预约多于当时完成的接种，且时段结束时排队人数比开始时多，建议少放号。"
        "预约按时段开始时间计入。",
        "'Over-booked': more bookings than the injections done in that half hour, and the queue was "
        "longer at its end than at its start: give that slot fewer bookings. Bookings count at their "
        "slot's start.",
    ),
    "chart_title": ("每半小时人数", "People per half hour"),
    # the outlook
    "outlook_title": ("早会商：未来{days}天接种计划", "Morning brief: the next {days} days"),
    "outlook_from": ("起始日期", "From"),
    "bookings": ("预约人数", "Bookings"),
    "bookings_day": ("{day} 预约", "{day}: bookings"),
    "per_slot": ("按时段", "Per slot"),
    "per_unit": ("按单位", "Per unit"),
    "stock_vs_needed": ("疫苗需求与库存（按疫苗）", "Doses needed against doses in stock, per product"),
    "in_stock": ("可用库存", "In stock"),
    "needed": ("需用", "Needed"),
    "needed_total": ("累计需用", "Needed so far"),
    "left_after": ("余量", "Left after"),
    "shortage": ("短缺", "SHORT"),
    "enough": ("充足", "enough"),
    "stock_note": (
        "需用 = 当日尚未接种、劝返或取消的预约（未指定疫苗的按默认疫苗计）；可用库存 = 当日未过期、"
        "未暂停或隔离的批号的剩余剂次；现场登记不在其中。",
        "Needed = the day's bookings not yet vaccinated, turned away or cancelled (a booking without a "
        "product counts as the default product); in stock = doses left in lots unexpired that day and "
        "neither on hold nor quarantined; walk-ins are not included.",
    ),
    "staff_title": ("在岗人员（按岗位）", "Staff on duty, by role"),
    "role": ("岗位", "Role"),
    "people": ("人员", "Staff"),
    "role_signin": ("签到", "Sign-in"),
    "role_prescreen": ("预检", "Pre-screen"),
    "role_vaccinator": ("接种", "Vaccinator"),
    "role_observer": ("留观", "Observer"),
    "role_admin": ("管理员", "Admin"),
    "no_bookings": ("暂无预约", "No bookings yet"),
}


def text(key: str, lang: str, **facts: object) -> str:
    zh, en = TEXT[key]
    template = zh if lang == "zh" else en
    return template.format(**facts) if facts else template


def _pick(pair: tuple[str, str] | None, code: str, lang: str) -> str:
    if pair is None:
        return code
    return pair[0] if lang == "zh" else pair[1]


def reason_label(code: str | None, lang: str, rules: Rules | None = None) -> str:
    if not code:
        return text("none", lang)
    reason = (rules or load_rules()).reasons.get(code)
    return _pick((reason.label_zh, reason.label_en) if reason else None, code, lang)


def product_label(code: str | None, lang: str, rules: Rules | None = None) -> str:
    if not code:
        return "-"
    product = (rules or load_rules()).products.get(code)
    return _pick((product.name_zh, product.name_en) if product else None, code, lang)


def manufacturer_label(code: str | None, lang: str, rules: Rules | None = None) -> str:
    product = (rules or load_rules()).products.get(code or "")
    return _pick((product.manufacturer_zh, product.manufacturer_en) if product else None, "-", lang)


def aefi_label(category: str, lang: str) -> str:
    return _pick(AEFI_LABELS.get(category), category, lang)


def severity_label(severity: str, lang: str) -> str:
    return _pick(SEVERITY_LABELS.get(severity), severity, lang)


def handling_label(handling: str, lang: str) -> str:
    return _pick(HANDLING_LABELS.get(handling), handling, lang)


def dose_label(key: str, lang: str) -> str:
    """``key`` as the figures carry it: "1", "2", "3" ... or "booster"."""
    if key == "booster":
        return text("booster", lang)
    n = "一二三四五六七八九"[int(key) - 1] if lang == "zh" and 1 <= int(key) <= 9 else key
    return text("dose_n", lang, n=n)


def unit_label(unit: str | None, lang: str) -> str:
    return unit if unit else text("no_unit", lang)
