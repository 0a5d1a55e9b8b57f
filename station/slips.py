"""The observation slip (留观单): the paper each person gets after the injection.

``slip_data`` gathers what the slip carries from the records, ``build_slip`` lays it out as a PDF
(80 mm receipt paper or A6) with the bundled CJK font embedded, ``save_slip`` keeps a copy in the
day's folder and ``write_slip_file`` is `station slip`. See docs/slips.md.

The slip is the person's own paper: it carries their full name and their MASKED ID number, and a
QR code ``VSX1|<visit_id>`` that the exit scan reads to release them.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm

from station import bookings, history, signin, textsafe
from station import pdf as pdfmod
from station.errors import DomainError
from station.identity import mask_id
from station.rules import Rules, load_rules
from station.settings import Settings
from station.store import Store

SIZES = ("80mm", "a6")
LANGS = ("zh", "en")
EXIT_QR_PREFIX = "VSX1|"
SLIPS_FOLDER = "slips"

AEFI_LABELS: dict[str, tuple[str, str]] = {
    "fever": ("发热", "fever"),
    "local_redness": ("局部红晕", "redness at the injection site"),
    "local_swelling": ("局部肿胀", "swelling at the injection site"),
    "induration": ("局部硬结", "hard lump (induration)"),
    "local_pain": ("局部疼痛", "pain at the injection site"),
    "headache": ("头痛", "headache"),
    "fatigue": ("乏力", "fatigue"),
    "nausea": ("恶心", "nausea"),
    "allergic_rash": ("过敏性皮疹", "allergic rash"),
    "anaphylaxis": ("过敏性休克", "anaphylaxis"),
    "vasovagal_syncope": ("晕厥（血管迷走神经性）", "fainting (vasovagal syncope)"),
    "other": ("其他反应", "other reaction"),
}
SEVERITY_LABELS = {"mild": ("轻度", "mild"), "moderate": ("中度", "moderate"), "severe": ("重度", "severe")}
HANDLING_LABELS = {
    "observed": ("留观", "observed"),
    "treated_on_site": ("现场处置", "treated on site"),
    "transferred_to_hospital": ("已转诊医院", "transferred to hospital"),
}


# --- what the slip carries -----------------------------------------------------------------------


@dataclass(frozen=True)
class NextDue:
    """The next dose of the person's series (after this one)."""

    dose_number: int
    is_booster: bool
    label_zh: str
    label_en: str
    earliest: date | None
    latest_recommended: date | None


@dataclass(frozen=True)
class AefiNote:
    """An adverse event recorded during this observation (printed discreetly)."""

    category: str
    severity: str
    handling: str
    serious: bool

    def text(self, lang: str) -> str:
        i = 0 if lang == "zh" else 1
        cat = AEFI_LABELS.get(self.category, (self.category, self.category))[i]
        sev = SEVERITY_LABELS.get(self.severity, (self.severity, self.severity))[i]
        han = HANDLING_LABELS.get(self.handling, (self.handling, self.handling))[i]
        return f"{cat}（{sev}，{han}）" if lang == "zh" else f"{cat} ({sev}, {han})"


@dataclass(frozen=True)
class SlipData:
    visit_id: str
    day: date
    site: str
    queue_no: int | None
    name: str  # the full name: the slip is the person's own paper
    id_masked: str  # never the full number
    product: str  # product code
    product_zh: str
    product_en: str
    manufacturer_zh: str
    manufacturer_en: str
    lot_no: str
    dose_number: int
    is_booster: bool
    dose_label_zh: str  # "第二剂次", "加强针"
    dose_label_en: str
    desk: str
    injected_at: datetime
    seat: int | None
    observe_from: datetime
    observe_until: datetime
    minutes: int
    emergency_phone: str
    next_due: NextDue | None  # None when the series is complete
    aefi: tuple[AefiNote, ...] = field(default_factory=tuple)
    queue_prefix: str = signin.DEFAULT_PREFIX  # the sign-in desk's letter: "A" of A023

    @property
    def exit_payload(self) -> str:
        return exit_payload(self.visit_id)

    @property
    def until_hhmm(self) -> str:
        return f"{self.observe_until:%H:%M}"

    @property
    def queue_text(self) -> str:
        return signin.format_queue_no(self.queue_prefix, self.queue_no) or "—"


def exit_payload(visit_id: str) -> str:
    """The exit QR's text: ``VSX1|<visit_id>`` (version 1 of the station's exit code)."""
    return f"{EXIT_QR_PREFIX}{visit_id}"


def parse_exit_payload(text: str) -> str | None:
    """The visit id in an exit QR's text, or None when the text is not an exit code."""
    text = (text or "").strip()
    if not text.startswith(EXIT_QR_PREFIX):
        return None
    visit_id = text[len(EXIT_QR_PREFIX) :].strip()
    return visit_id or None


def _dose_labels(rules: Rules, product: str, number: int, booster: bool) -> tuple[str, str]:
    if booster:
        return "加强针", "Booster"
    try:
        rule = rules.product(product).dose_rule(number)
        return rule.label_zh, rule.label_en
    except (DomainError, IndexError):
        return f"第{number}剂次", f"Dose {number}"


def _primary_doses(rules: Rules, product: str) -> int | None:
    try:
        return rules.product(product).primary_doses
    except DomainError:
        return None


def slip_data(store: Store, visit_id: str, settings: Settings, rules: Rules | None = None) -> SlipData:
    """Everything the slip of ``visit_id`` prints. Refuses ``visit_unknown`` for no such visit and
    ``slip_not_injected`` before the injection and the start of observation."""
    rules = rules or load_rules()
    visit = bookings.visit(store, visit_id)
    # The dose given here on this visit (doses declared at its pre-screen carry the visit id too).
    dose = store.one(
        "SELECT * FROM doses WHERE visit_id = ? AND source = 'here' ORDER BY at DESC LIMIT 1", [visit_id]
    )
    obs = store.one("SELECT * FROM observations WHERE visit_id = ?", [visit_id])
    if dose is None or obs is None:
        raise DomainError("slip_not_injected", visit=visit_id, state=visit["state"])
    person = store.one("SELECT * FROM people WHERE person_id = ?", [visit["person_id"]]) or {}

    code = dose["product"]
    try:
        product = rules.product(code)
        names = (product.name_zh, product.name_en, product.manufacturer_zh, product.manufacturer_en)
    except DomainError:  # a product since removed from the rules: print its code
        names = (code, code, "", "")
    primary = _primary_doses(rules, code)
    number = int(dose["dose_number"])
    booster = primary is not None and number > primary
    label_zh, label_en = _dose_labels(rules, code, number, booster)

    # The history as it stood with this dose: later doses (a reprint much later) do not count.
    past = [d for d in history.past_doses(store, visit["person_id"]) if d.day.isoformat() <= dose["day"]]
    next_due: NextDue | None = None
    try:
        nxt = rules.next_dose(past)
    except DomainError:  # a history the rules cannot continue: the slip still prints, without it
        nxt = None
    if nxt is not None and not nxt.complete:
        n_zh, n_en = _dose_labels(rules, nxt.product, nxt.dose_number, nxt.is_booster)
        next_due = NextDue(nxt.dose_number, nxt.is_booster, n_zh, n_en, nxt.earliest, nxt.latest_recommended)

    start = datetime.fromisoformat(obs["started_at"])
    until = datetime.fromisoformat(obs["until"])
    aefi = tuple(
        AefiNote(r["category"], r["severity"], r["handling"], bool(r["serious"]))
        for r in store.all("SELECT * FROM aefi WHERE visit_id = ? ORDER BY at", [visit_id])
    )
    return SlipData(
        visit_id=visit_id,
        day=date.fromisoformat(visit["day"]),
        site=settings.site_name.strip(),
        queue_no=visit["queue_no"],
        queue_prefix=visit["queue_prefix"] or signin.DEFAULT_PREFIX,
        name=(person.get("name") or "").strip(),
        id_masked=mask_id(person.get("id_number") or ""),
        product=code,
        product_zh=names[0],
        product_en=names[1],
        manufacturer_zh=names[2],
        manufacturer_en=names[3],
        lot_no=dose["lot_no"] or "",
        dose_number=number,
        is_booster=booster,
        dose_label_zh=label_zh,
        dose_label_en=label_en,
        desk=str(dose["desk"] or ""),
        injected_at=datetime.fromisoformat(dose["at"]),
        seat=obs["seat"],
        observe_from=start,
        observe_until=until,
        minutes=max(0, math.ceil((until - start).total_seconds() / 60)),
        emergency_phone=settings.emergency_phone.strip(),
        next_due=next_due,
        aefi=aefi,
    )


# --- the words on the paper ----------------------------------------------------------------------

TEXTS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "新冠病毒疫苗接种 留观单",
        "queue": "排队号",
        "name": "姓名",
        "id": "证件号",
        "vaccine": "疫苗",
        "maker": "生产企业",
        "lot": "批号",
        "dose": "剂次",
        "desk": "接种台",
        "time": "接种时间",
        "seat": "留观座位",
        "until": "留观至 {until}",
        "stay": "请在留观区留观 {minutes} 分钟，时间未到请勿离开",
        "aefi": "留观期间记录：{items}",
        "unwell": "如感不适请立即告知工作人员，离开后出现高热等不适请及时就医。",
        "phone": "紧急联系电话：{phone}",
        "next": "下一剂次：{label}\n{earliest} 起可接种",
        "next_latest": "，建议 {latest} 前完成",
        "next_any": "下一剂次：{label}",
        "qr": "离开时请在出口出示此码",
        "no_seat": "—",
    },
    "en": {
        "title": "COVID-19 vaccination: observation slip",
        "queue": "Queue No.",
        "name": "Name",
        "id": "ID No.",
        "vaccine": "Vaccine",
        "maker": "Maker",
        "lot": "Lot",
        "dose": "Dose",
        "desk": "Desk",
        "time": "Injected",
        "seat": "Seat",
        "until": "Stay until {until}",
        "stay": "Please stay {minutes} minutes in the observation area; do not leave earlier",
        "aefi": "Noted during observation: {items}",
        "unwell": "If you feel unwell, tell the staff at once. After leaving, see a doctor promptly "
        "if you have a high fever or feel unwell.",
        "phone": "Emergency phone: {phone}",
        "next": "Next: {label}\nfrom {earliest}",
        "next_latest": ", recommended by {latest}",
        "next_any": "Next: {label}",
        "qr": "Show this code at the exit",
        "no_seat": "—",
    },
}


def _lang(lang: str) -> str:
    return "en" if (lang or "zh").lower().startswith("en") else "zh"


def next_due_text(data: SlipData, lang: str = "zh") -> str | None:
    """The next-dose line, or None when the series is complete."""
    due = data.next_due
    if due is None:
        return None
    t = TEXTS[_lang(lang)]
    label = due.label_zh if _lang(lang) == "zh" else due.label_en
    if due.earliest is None:
        return t["next_any"].format(label=label)
    text = t["next"].format(label=label, earliest=due.earliest.isoformat())
    if due.latest_recommended is not None:
        text += t["next_latest"].format(latest=due.latest_recommended.isoformat())
    return text


# --- layout --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Paper:
    width: float  # points
    height: float | None  # None: as long as the content (receipt roll)
    margin_x: float
    margin_y: float
    qr: float  # side of the QR square, quiet zone included
    wide: bool  # A6: paired fields and the QR beside the advice
    scale: float = 1.0  # type size; a fixed page shrinks it when the content would not fit


PAPERS = {
    # 80 mm rolls print about 72 mm wide: 4 mm margins keep everything on the printable band.
    "80mm": _Paper(80 * mm, None, 4 * mm, 4 * mm, 34 * mm, wide=False),
    "a6": _Paper(105 * mm, 148 * mm, 7 * mm, 6 * mm, 32 * mm, wide=True, scale=1.1),
}


class _Flow:
    """Lays content out top-down; records drawing operations with y measured from the top."""

    def __init__(self, paper: _Paper, scale: float) -> None:
        self.paper = paper
        self.s = scale
        self.left = paper.margin_x
        self.width = paper.width - 2 * paper.margin_x
        self.y = paper.margin_y
        self.ops: list[tuple[Any, ...]] = []

    def gap(self, points: float) -> None:
        self.y += points * self.s

    def lines(
        self,
        text: str,
        size: float,
        *,
        x: float | None = None,
        width: float | None = None,
        bold: bool = False,
        align: str = "left",
        leading: float = 1.3,
        top: float | None = None,
    ) -> float:
        """Wrapped text starting at ``top`` (default: the cursor); returns the bottom. Does not move
        the cursor when ``top`` is given."""
        size *= self.s
        x = self.left if x is None else x
        width = self.width if width is None else width
        y = self.y if top is None else top
        anchor = {"left": x, "center": x + width / 2, "right": x + width}[align]
        for line in pdfmod.wrap(text, size, width):
            y += size * leading
            self.ops.append(("text", anchor, y - size * 0.28 * leading, line, size, bold, align))
        if top is None:
            self.y = y
        return y

    def field(self, label: str, value: str, *, x: float | None = None, width: float | None = None) -> float:
        """``label  value`` with the value wrapped beside the label; returns the bottom."""
        x = self.left if x is None else x
        width = self.width if width is None else width
        label_w = (15 if not self.paper.wide else 16) * mm * self.s
        top = self.y
        self.lines(label, 8.5, x=x, width=label_w, top=top + 0.6 * self.s, leading=1.4)
        return self.lines(value, 10, x=x + label_w, width=width - label_w, top=top, leading=1.3)

    def rule(self, weight: float = 0.6, dash: bool = False) -> None:
        self.gap(3)
        self.ops.append(("line", self.left, self.y, self.left + self.width, weight, dash))
        self.gap(3)


def _layout(data: SlipData, paper: _Paper, lang: str, scale: float) -> tuple[list[tuple[Any, ...]], float]:
    t = TEXTS[lang]
    zh = lang == "zh"
    f = _Flow(paper, scale)
    s = scale

    # Site and title.
    if data.site:
        f.lines(data.site, 12, bold=True, align="center", leading=1.25)
    f.lines(t["title"], 9, align="center")
    f.rule(0.8)

    # The big queue number on the left, the person on the right.
    top = f.y
    col = (24 if not paper.wide else 28) * mm * s
    f.lines(t["queue"], 8, width=col, align="center", top=top)
    big = min(30.0, (col - 2 * mm * s) / s / pdfmod.text_width(data.queue_text, 1))  # A1005 fits too
    qbottom = f.lines(
        data.queue_text, big, width=col, bold=True, align="center", top=top + 9 * s, leading=1.1
    )
    px = f.left + col + 3 * mm * s
    pw = f.width - col - 3 * mm * s
    y = f.lines(t["name"], 8, x=px, width=pw, top=top)
    y = f.lines(data.name or "—", 14, x=px, width=pw, bold=True, top=y, leading=1.25)
    y = f.lines(t["id"], 8, x=px, width=pw, top=y + 1 * s)
    y = f.lines(data.id_masked or "—", 10.5, x=px, width=pw, top=y)
    f.y = max(qbottom, y)
    f.ops.append(("vline", f.left + col + 1.5 * mm * s, top + 2 * s, f.y, 0.4))
    f.rule(0.4)

    # The injection.
    product = data.product_zh if zh else data.product_en
    maker = data.manufacturer_zh if zh else data.manufacturer_en
    dose = data.dose_label_zh if zh else data.dose_label_en
    when = f"{data.injected_at:%Y-%m-%d %H:%M}"
    seat = str(data.seat) if data.seat is not None else t["no_seat"]
    f.y = f.field(t["vaccine"], product) + 1.5 * s
    if maker:
        f.y = f.field(t["maker"], maker) + 1.5 * s
    pairs = [(t["lot"], data.lot_no), (t["dose"], dose), (t["desk"], data.desk), (t["seat"], seat)]
    if paper.wide:
        split = f.width * 0.55  # lot numbers are longer than dose labels and seats
        for (l1, v1), (l2, v2) in zip(pairs[::2], pairs[1::2], strict=True):
            top = f.y
            b1 = f.field(l1, v1, width=split - 2 * mm)
            f.y = top
            b2 = f.field(l2, v2, x=f.left + split, width=f.width - split)
            f.y = max(b1, b2) + 1.5 * s
        f.y = f.field(t["time"], when) + 1.5 * s
    else:
        for label, value in pairs[:3] + [(t["time"], when), pairs[3]]:
            f.y = f.field(label, value) + 1.5 * s

    # Observe until: the line people look at.
    f.gap(4)
    box_top = f.y
    f.gap(3)
    f.lines(
        t["until"].format(until=data.until_hhmm), 24 if zh else 20, bold=True, align="center", leading=1.2
    )
    f.gap(1)
    f.lines(
        t["stay"].format(minutes=data.minutes), 8.5, align="center", x=f.left + 3 * mm, width=f.width - 6 * mm
    )
    f.gap(4)
    f.ops.append(("box", f.left, box_top, f.width, f.y - box_top, 1.2))
    f.gap(4)

    if data.aefi:
        joiner = "；" if zh else "; "
        f.lines(t["aefi"].format(items=joiner.join(a.text(lang) for a in data.aefi)), 9)
        f.gap(2)

    # What to do if unwell, the phone, the next dose; the exit QR.
    advice: list[tuple[str, float, bool]] = [(t["unwell"], 9, False)]
    if data.emergency_phone:
        advice.append((t["phone"].format(phone=data.emergency_phone), 10, True))
    nxt = next_due_text(data, lang)
    if nxt:
        advice.append((nxt, 9.5, True))
    qr = paper.qr * max(1.0, s)  # never smaller than scannable from paper
    if paper.wide:
        top = f.y
        tw = f.width - qr - 2 * mm
        y = top
        for text, size, bold in advice:
            y = f.lines(text, size, width=tw, bold=bold, top=y) + 2 * s
        qx = f.left + f.width - qr
        f.ops.append(("qr", qx + 0, top, qr, data.exit_payload))
        cap = f.lines(t["qr"], 7.5, x=qx - 4 * mm, width=qr + 8 * mm, align="center", top=top + qr)
        f.y = max(y, cap)
    else:
        for text, size, bold in advice:
            f.lines(text, size, bold=bold)
            f.gap(2)
        f.gap(1)
        f.ops.append(("qr", f.left + (f.width - qr) / 2, f.y, qr, data.exit_payload))
        f.y += qr
        f.lines(t["qr"], 8, align="center")
    f.y += paper.margin_y
    return f.ops, f.y


def _render(ops: list[tuple[Any, ...]], width: float, height: float, title: str) -> bytes:
    with pdfmod.build_lock:  # reportlab's font subsetting is not thread-safe
        return _render_locked(ops, width, height, title)


def _render_locked(ops: list[tuple[Any, ...]], width: float, height: float, title: str) -> bytes:
    buf = io.BytesIO()
    c = pdfmod.new_canvas(buf, width, height, title=title)
    c.setStrokeGray(0)
    c.setFillGray(0)
    for op in ops:
        kind = op[0]
        if kind == "text":
            _, x, y, text, size, bold, align = op
            pdfmod.draw_text(c, x, height - y, text, size, bold=bold, align=align)
        elif kind == "line":
            _, x1, y, x2, weight, dash = op
            c.setLineWidth(weight)
            c.setDash(2, 2) if dash else c.setDash()
            c.line(x1, height - y, x2, height - y)
        elif kind == "vline":
            _, x, y1, y2, weight = op
            c.setLineWidth(weight)
            c.setDash()
            c.line(x, height - y1, x, height - y2)
        elif kind == "box":
            _, x, y, w, h, weight = op
            c.setLineWidth(weight)
            c.setDash()
            c.roundRect(x, height - y - h, w, h, 2 * mm, stroke=1, fill=0)
        elif kind == "qr":
            _, x, y, side, payload = op
            pdfmod.draw_qr(c, x, height - y - side, side, payload)
    c.showPage()
    c.save()
    return buf.getvalue()


def build_slip(data: SlipData, size: str = "80mm", lang: str = "zh") -> bytes:
    """The slip as a one-page PDF: ``80mm`` receipt paper (80 mm wide, as long as the content) or
    ``a6`` (105 x 148 mm; the type shrinks a little when very long names would not fit)."""
    paper = PAPERS.get(size)
    if paper is None:
        raise DomainError("slip_size_unknown", size=size, sizes=", ".join(SIZES))
    lang = _lang(lang)
    title = f"留观单 {data.queue_text}" if lang == "zh" else f"Observation slip {data.queue_text}"
    scale = paper.scale
    while True:
        ops, needed = _layout(data, paper, lang, scale)
        if paper.height is None or needed <= paper.height or scale <= 0.6:
            break
        scale -= 0.05
    return _render(ops, paper.width, paper.height or needed, title)


# --- files ---------------------------------------------------------------------------------------


def slip_path(data_dir: Path, data: SlipData) -> Path:
    """``<data>/slips/<YYYY-MM-DD>/<letter><queue, 4 digits>-<visit_id[:8]>.pdf`` (A0023-...: four
    digits, so a day's files list in queue order)."""
    queue = f"{data.queue_prefix}{data.queue_no:04d}" if data.queue_no is not None else "0000"
    return Path(data_dir) / SLIPS_FOLDER / data.day.isoformat() / f"{queue}-{data.visit_id[:8]}.pdf"


def save_slip(
    source: SlipData | Store,
    data_dir: Path | None = None,
    *,
    visit_id: str | None = None,
    settings: Settings | None = None,
    rules: Rules | None = None,
    size: str = "80mm",
    lang: str = "zh",
    pdf: bytes | None = None,
) -> Path:
    """Keep a copy of a slip in the day's folder (see ``slip_path``), atomically; returns the path.

    ``source`` is the SlipData, or the Store with ``visit_id`` and ``settings`` (``data_dir`` then
    defaults to the folder of the store's database). Pass ``pdf`` (the bytes just printed) to save
    exactly those instead of building again. A full disk or an unwritable folder is DomainError
    ``slip_write_failed`` with the path.
    """
    if isinstance(source, Store):
        if visit_id is None or settings is None:
            raise TypeError("save_slip(store, ...) needs visit_id and settings")
        data = slip_data(source, visit_id, settings, rules)
        if data_dir is None:
            if source.path is None:
                raise TypeError("save_slip: data_dir is needed for an in-memory store")
            data_dir = source.path.parent
    else:
        data = source
        if data_dir is None:
            raise TypeError("save_slip(data, ...) needs data_dir")
    content = pdf if pdf is not None else build_slip(data, size, lang)
    return pdfmod.write_atomic(slip_path(data_dir, data), content, error_code="slip_write_failed")


def resolve_visit(store: Store, ref: str, day: date | None = None) -> str:
    """A visit id from what staff type or scan: the visit id itself, the exit QR text
    (``VSX1|<visit_id>``), or the queue number of ``day`` (default: today on the store's clock):
    "A023", or plain digits "23" for desk A (see ``signin.parse_queue_no``)."""
    ref = (ref or "").strip()
    try:
        ref.encode("utf-8")
    except UnicodeEncodeError:  # bytes that were no text (a terminal's \xff reaches us as a surrogate)
        raise DomainError("visit_unknown", visit=textsafe.terminal(ref)) from None
    ref = parse_exit_payload(ref) or ref
    number = signin.parse_queue_no(ref)
    if number is not None:
        day = day or store.now().date()
        row = signin.find_by_queue_no(store, day, ref)
        if row is None:
            raise DomainError("visit_unknown", visit=f"{day.isoformat()} {signin.format_queue_no(*number)}")
        return row["visit_id"]
    bookings.visit(store, ref)  # visit_unknown when there is no such visit
    return ref


def write_slip_file(
    store: Store,
    visit_id: str,
    out: Path,
    size: str = "80mm",
    settings: Settings | None = None,
    *,
    lang: str = "zh",
    rules: Rules | None = None,
    day: date | None = None,
) -> Path:
    """`station slip VISIT_ID --out FILE.pdf [--size 80mm|a6]`: write the slip to ``out``.

    ``visit_id`` may also be the exit QR's text or the day's queue number ("A023" or "23"; ``day`` defaults
    to today). Returns the path written.
    """
    if size not in SIZES:
        raise DomainError("slip_size_unknown", size=size, sizes=", ".join(SIZES))
    settings = settings or Settings.load()
    data = slip_data(store, resolve_visit(store, visit_id, day), settings, rules)
    return pdfmod.write_atomic(Path(out), build_slip(data, size, lang), error_code="slip_write_failed")
