"""Small widgets the pages share: the message banner, the code input, the person card, big buttons."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from station.identity import age_on, mask_id, mask_phone
from ui.qt import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QLabel,
    QLineEdit,
    QPushButton,
    QShortcut,
    Qt,
    QTableWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)

STYLE = """
QWidget { font-size: 17px; }
QPushButton { min-height: 44px; padding: 4px 14px; border-radius: 6px; border: 1px solid #9aa5b1;
              background: #f5f7fa; }
QPushButton:focus { border: 2px solid #1f6feb; }
QPushButton:disabled { color: #9aa5b1; }
QPushButton[role="primary"] { background: #1f883d; color: white; font-weight: bold; border: none; }
QPushButton[role="danger"] { background: #cf222e; color: white; font-weight: bold; border: none; }
QPushButton[role="warn"] { background: #bf8700; color: white; font-weight: bold; border: none; }
QPushButton[role="primary"]:disabled, QPushButton[role="danger"]:disabled, QPushButton[role="warn"]:disabled
    { background: #d0d7de; color: #6e7781; }
QLineEdit, QComboBox, QDoubleSpinBox, QSpinBox { min-height: 38px; font-size: 19px; }
QLabel[role="title"] { font-size: 22px; font-weight: bold; }
QLabel[role="queue"] { font-size: 96px; font-weight: bold; color: #1f6feb; }
QLabel[role="big"] { font-size: 28px; font-weight: bold; }
QFrame[role="card"] { background: white; border: 1px solid #d0d7de; border-radius: 8px; }
QTableWidget { font-size: 17px; }
QHeaderView::section { font-size: 15px; padding: 4px; }
"""


def button(
    text: str, role: str = "", shortcut: str | None = None, parent: QWidget | None = None
) -> QPushButton:
    b = QPushButton(text, parent)
    if role:
        b.setProperty("role", role)
    if shortcut:
        b.setShortcut(QKeySequence(shortcut))
        b.setToolTip(shortcut)
    return b


def label(text: str = "", role: str = "", wrap: bool = False) -> QLabel:
    lab = QLabel(text)
    if role:
        lab.setProperty("role", role)
    lab.setWordWrap(wrap)
    return lab


class Banner(QLabel):
    """One line that tells the person at the desk what just happened, in colour."""

    COLORS = {
        "ok": ("#dafbe1", "#116329"),
        "error": ("#ffebe9", "#a40e26"),
        "info": ("#ddf4ff", "#0a3069"),
        "warn": ("#fff8c5", "#7d4e00"),
    }

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setMinimumHeight(46)
        self.kind = ""
        self.clear_message()

    def show_message(self, text: str, kind: str = "info") -> None:
        bg, fg = self.COLORS[kind]
        self.kind = kind
        self.setText(text)
        self.setStyleSheet(
            f"background:{bg}; color:{fg}; font-size:20px; font-weight:bold; padding:8px; border-radius:6px;"
        )

    def clear_message(self) -> None:
        self.kind = ""
        self.setText("")
        self.setStyleSheet("padding:8px;")


class CodeInput(QLineEdit):
    """Takes a USB scanner gun (types fast, ends with Enter), a typed ID number, or a camera's text."""

    code_submitted = Signal(str)

    def __init__(self, placeholder: str = "") -> None:
        super().__init__()
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.setMinimumHeight(52)
        self.setStyleSheet("font-size: 24px;")
        self.returnPressed.connect(self._submit)

    def _submit(self) -> None:
        text = self.text().strip()
        if text:
            self.code_submitted.emit(text)

    def submit(self, text: str) -> None:
        """Feed a code from elsewhere (the camera) as if it had been typed."""
        self.setText(text)
        self._submit()


class PersonCard(QFrame):
    """Name, masked ID, age, phone: enough to recognise the person, no more on screen."""

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        self.name = label(role="big")
        self.details = label(wrap=True)
        self.extra = label(wrap=True)
        for w in (self.name, self.details, self.extra):
            layout.addWidget(w)
        self.clear()

    def clear(self) -> None:
        self.name.setText("")
        self.details.setText("")
        self.extra.setText("")

    def show_person(self, person: dict[str, Any], today: date, extra: str = "") -> None:
        self.name.setText(person["name"])  # the desk checks the name against the ID card
        parts = [mask_id(person["id_number"])]
        if person.get("birth_date"):
            age = age_on(date.fromisoformat(person["birth_date"]), today)
            parts.append(self.tr("{age} years").format(age=age))
        if person.get("sex"):
            parts.append(self.tr("male") if person["sex"] == "M" else self.tr("female"))
        if person.get("phone"):
            parts.append(mask_phone(person["phone"]))
        self.details.setText("　".join(parts))
        self.extra.setText(extra)


@contextmanager
def fixed_columns(table: QTableWidget) -> Iterator[None]:
    """Fill a table without re-measuring its ResizeToContents columns after every cell (quadratic:
    a 60-row table took 400 ms), then size them once."""
    header = table.horizontalHeader()
    modes = [header.sectionResizeMode(i) for i in range(header.count())]
    for i, mode in enumerate(modes):
        if mode == QHeaderView.ResizeMode.ResizeToContents:
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
    try:
        yield
    finally:
        for i, mode in enumerate(modes):
            header.setSectionResizeMode(i, mode)


def product_name(rules: Any, code: str | None, lang: str) -> str:
    """A vaccine product's full name in the UI language (the code itself when unknown)."""
    prod = rules.products.get(code or "")
    if prod is None:
        return code or "—"
    return prod.name_zh if lang == "zh" else prod.name_en


def product_short(rules: Any, code: str | None, lang: str) -> str:
    """A name short enough for a table cell: the maker's short name in Chinese, the brand in English."""
    prod = rules.products.get(code or "")
    if prod is None:
        return code or ""
    if lang == "zh":
        return prod.name_zh.rsplit("）", 1)[-1].strip() or prod.name_zh
    return prod.name_en.split(" (", 1)[0]


def shortcut(widget: QWidget, keys: str, slot: Any) -> QShortcut:
    sc = QShortcut(QKeySequence(keys), widget)
    sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    sc.activated.connect(slot)
    return sc


def hline() -> QFrame:
    f = QFrame()
    f.setFrameShape(QFrame.Shape.HLine)
    return f


__all__ = [
    "Banner",
    "CodeInput",
    "PersonCard",
    "STYLE",
    "button",
    "label",
    "shortcut",
    "hline",
    "QHBoxLayout",
]
