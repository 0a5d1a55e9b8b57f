"""The admin's Settings tab: what a site would otherwise change by editing settings.json.

Each value is checked as it is typed (``station.settings.check_setting``): a bad one is marked with
its reason and Save waits, saying why. Save writes the file atomically (``hub.save_settings``) and
applies at once: the idle lock's timer, the header, the pages (``hub.refresh``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from station.errors import DomainError
from station.settings import check_setting
from ui.hub import StationHub
from ui.qt import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPrinterInfo,
    QScrollArea,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import Banner, button, label

TYPED = (
    "seats",
    "idle_lock_minutes",
    "queue_prefix",
    "emergency_phone",
    "stock_margin_doses",
    "call_volume",
    "call_repeat",
    "opening_time",
    "booking_url",
    "correction_window_minutes",
    "clock_margin_hours",
)
CHOSEN = ("printer", "slip_size", "health_code_rule")
FIELD_STYLE = 'QLineEdit[invalid="true"] { border: 2px solid #cf222e; background: #ffebe9; }'


class SettingsPanel(QWidget):
    def __init__(self, hub: StationHub, banner: Banner, go_to_sync: Callable[[], Any]) -> None:
        super().__init__()
        self.hub = hub
        self.banner = banner
        self.setStyleSheet(FIELD_STYLE)
        self.fields: dict[str, QLineEdit] = {}
        self.reasons: dict[str, QLabel] = {}
        self.problems: dict[str, str] = {}

        desk = QGroupBox(self.tr("Desks"))
        desk_form = QFormLayout(desk)
        self._typed(
            desk_form, "queue_prefix", self.tr("Sign-in queue letter"), self.tr("A to Z: A001, A002...")
        )
        self.health_code_rule = QComboBox()
        self.health_code_rule.addItem(
            self.tr("A green health code is required (or a recorded reason)"), "green_required"
        )
        self.health_code_rule.addItem(self.tr("Health codes are not checked"), "not_checked")
        desk_form.addRow(self.tr("Health code at sign-in"), self.health_code_rule)
        self._typed(desk_form, "seats", self.tr("Observation seats"), "1-2000")
        self._typed(desk_form, "idle_lock_minutes", self.tr("Lock when idle after (minutes)"), "1-120")
        self._typed(
            desk_form,
            "stock_margin_doses",
            self.tr("Low-stock margin (doses)"),
            self.tr("empty: the site's rule"),
        )

        slips = QGroupBox(self.tr("Observation slips"))
        slip_form = QFormLayout(slips)
        self.printer = QComboBox()
        self.printer.setMinimumContentsLength(24)
        slip_form.addRow(self.tr("Printer"), self.printer)
        self.slip_size = QComboBox()
        self.slip_size.addItem(self.tr("80 mm receipt roll"), "80mm")
        self.slip_size.addItem(self.tr("A6 sheet"), "a6")
        slip_form.addRow(self.tr("Slip paper"), self.slip_size)
        self._typed(slip_form, "emergency_phone", self.tr("Emergency phone (on the slip)"), "120")

        calling = QGroupBox(self.tr("Calling screen"))
        call_form = QFormLayout(calling)
        self._typed(call_form, "call_volume", self.tr("Call volume (%)"), self.tr("0-100; 0: silent"))
        self._typed(call_form, "call_repeat", self.tr("Times each call is spoken"), "1-5")
        self.voice_line = label(wrap=True)  # whether this laptop has a voice for the calling screen
        call_form.addRow(self.voice_line)

        day = QGroupBox(self.tr("The site's day"))
        day_form = QFormLayout(day)
        self._typed(
            day_form, "opening_time", self.tr("Opening time (daily checklist due)"),
            self.tr("HH:MM; empty: the site's rule"),
        )
        self._typed(
            day_form, "booking_url", self.tr("On-line booking page (QR on the signs)"),
            self.tr("https://...; empty: no QR"),
        )
        self._typed(
            day_form, "correction_window_minutes", self.tr("Staff may correct their own records for (minutes)"),
            self.tr("0-1440; after it only the admin"),
        )
        self._typed(
            day_form, "clock_margin_hours", self.tr("Refuse records stamped ahead of this clock by (hours)"),
            "1-8784",
        )

        link = QGroupBox(self.tr("Hub or server"))
        link_row = QHBoxLayout(link)
        self.hub_line = label(wrap=True)
        self.sync_button = button(self.tr("Join or change on the Sync tab"))
        self.sync_button.clicked.connect(go_to_sync)
        link_row.addWidget(self.hub_line, 1)
        link_row.addWidget(self.sync_button)

        self.save_button = button(self.tr("Save and apply"), "primary")
        self.save_button.clicked.connect(self.save)
        self.save_reason = label(wrap=True)
        self.save_reason.setStyleSheet("color: #a40e26;")
        self.undo_button = button(self.tr("Undo changes"))
        self.undo_button.clicked.connect(self.load)
        actions = QHBoxLayout()
        actions.addWidget(self.save_button)
        actions.addWidget(self.undo_button)
        actions.addWidget(self.save_reason, 1)

        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(desk)
        left.addWidget(day)
        left.addStretch(1)
        columns.addLayout(left, 1)
        right = QVBoxLayout()
        right.addWidget(slips)
        right.addWidget(calling)
        right.addWidget(link)
        right.addStretch(1)
        columns.addLayout(right, 1)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addLayout(columns)
        inner_layout.addStretch(1)
        scroll = QScrollArea()  # the buttons stay in view below it on a short screen
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll, 1)
        outer.addLayout(actions)
        for combo in (self.printer, self.slip_size, self.health_code_rule):
            combo.currentIndexChanged.connect(lambda _i: self._update_save())
        self.load()

    def _typed(self, form: QFormLayout, name: str, caption: str, hint: str) -> None:
        edit = QLineEdit()
        edit.setPlaceholderText(hint)
        edit.setProperty("invalid", False)
        edit.textChanged.connect(lambda _t, name=name: self.check(name))
        reason = label(wrap=True)
        reason.setStyleSheet("color: #a40e26; font-size: 15px;")
        reason.hide()
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addWidget(edit)
        box.addWidget(reason)
        form.addRow(caption, box)
        self.fields[name] = edit
        self.reasons[name] = reason

    # --- reading ---------------------------------------------------------------------------------------
    def load(self) -> None:
        """Show the settings in force (and forget unsaved edits)."""
        s = self.hub.settings
        values = {
            "seats": str(s.seats),
            "idle_lock_minutes": str(s.idle_lock_minutes),
            "queue_prefix": s.queue_prefix,
            "emergency_phone": s.emergency_phone,
            "stock_margin_doses": "" if s.stock_margin_doses is None else str(s.stock_margin_doses),
            "call_volume": str(s.call_volume),
            "call_repeat": str(s.call_repeat),
            "opening_time": s.opening_time,
            "booking_url": s.booking_url,
            "correction_window_minutes": str(s.correction_window_minutes),
            "clock_margin_hours": str(s.clock_margin_hours),
        }
        for name, edit in self.fields.items():
            edit.blockSignals(True)
            edit.setText(values[name])
            edit.blockSignals(False)
            self.check(name, update=False)
        self._fill_printers(s.printer or "")
        self.slip_size.setCurrentIndex(max(0, self.slip_size.findData(s.slip_size)))
        self.health_code_rule.setCurrentIndex(max(0, self.health_code_rule.findData(s.health_code_rule)))
        self.refresh_hub_line()
        self.refresh_voice_line()
        self._update_save()

    def _fill_printers(self, chosen: str) -> None:
        self.printer.blockSignals(True)
        self.printer.clear()
        self.printer.addItem(self.tr("The system's default printer"), "")
        for name in QPrinterInfo.availablePrinterNames():
            self.printer.addItem(name, name)
        if chosen and self.printer.findData(chosen) < 0:  # kept, not silently dropped
            self.printer.addItem(self.tr("{name} (not found on this laptop)").format(name=chosen), chosen)
        self.printer.setCurrentIndex(max(0, self.printer.findData(chosen)))
        self.printer.blockSignals(False)

    def refresh_hub_line(self) -> None:
        try:
            url = self.hub.sync_status().get("url")
        except Exception:  # the sync part missing on this install: the tab still works
            url = None
        self.hub_line.setText(
            self.tr("Joined to {url}").format(url=url)
            if url
            else self.tr("Not joined: this laptop works alone")
        )

    def refresh_voice_line(self) -> None:
        """The calling screen's voice on this laptop (ui/speech.py), or why there is none."""
        from ui.speech import voice_status

        ok, what = voice_status(self.hub.lang)
        if ok:
            self.voice_line.setText(self.tr("Call voice: {engine}").format(engine=what))
            self.voice_line.setStyleSheet("")
        else:
            self.voice_line.setText(self.tr("Call voice not available: {reason}").format(reason=what))
            self.voice_line.setStyleSheet("color: #7d4e00;")

    # --- checking as typed ----------------------------------------------------------------------------
    def check(self, name: str, update: bool = True) -> Any:
        edit, reason = self.fields[name], self.reasons[name]
        try:
            value = check_setting(name, edit.text())
        except DomainError as exc:
            self.problems[name] = self.hub.message(exc)
            value = None
        else:
            self.problems.pop(name, None)
        bad = name in self.problems
        reason.setText(self.problems.get(name, ""))
        reason.setVisible(bad)
        if edit.property("invalid") is not bad:
            edit.setProperty("invalid", bad)
            edit.style().unpolish(edit)
            edit.style().polish(edit)
        if update:
            self._update_save()
        return value

    def values(self) -> dict[str, Any]:
        """What the screen holds now, checked (only called when nothing is marked)."""
        out = {name: check_setting(name, edit.text()) for name, edit in self.fields.items()}
        out["printer"] = check_setting("printer", self.printer.currentData() or "")
        out["slip_size"] = check_setting("slip_size", self.slip_size.currentData())
        out["health_code_rule"] = check_setting("health_code_rule", self.health_code_rule.currentData())
        return out

    def changed(self) -> bool:
        return any(getattr(self.hub.settings, k) != v for k, v in self.values().items())

    def _update_save(self) -> None:
        if self.problems:
            self.save_button.setEnabled(False)
            self.undo_button.setEnabled(True)
            self.save_reason.setText(
                self.tr("Not saved: correct the marked values first. {reasons}").format(
                    reasons=" ".join(self.problems.values())
                )
            )
            return
        changed = self.changed()
        self.save_button.setEnabled(changed)
        self.undo_button.setEnabled(changed)
        self.save_reason.setText("")

    # --- saving ---------------------------------------------------------------------------------------
    def save(self) -> None:
        if self.problems or not self.hub.may("manage_staff"):
            return
        s = self.hub.settings
        for key, value in self.values().items():
            setattr(s, key, value)
        saved = self.hub.save_settings()  # atomically: a temp file renamed over settings.json
        self.hub.set_idle_minutes(s.idle_lock_minutes)
        self.hub.store.clock_margin_hours = s.clock_margin_hours  # the next ingest (sync) uses it
        self.hub.refresh()  # the header, the pages: they read the settings when they refresh
        self.load()
        self.banner.show_message(
            self.tr("Settings saved and in force")
            if saved
            else self.tr("Settings in force for this run (this station has no settings file)"),
            "ok",
        )
