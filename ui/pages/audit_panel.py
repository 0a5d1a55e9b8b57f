"""Corrections in the window (#13): the "Correct…" dialog the desks and the admin open on a record,
and the admin's audit view (the day's trail from station/audit.py, filterable by staff and type)."""

from __future__ import annotations

from typing import Any

from station import audit, corrections
from station.errors import DomainError
from station.store import Event
from ui.qt import (
    QAbstractItemView,
    QComboBox,
    QCoreApplication,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import Banner, button, label

KEY_ROLE = Qt.ItemDataRole.UserRole


class CorrectDialog(QDialog):
    """Correct the fields of one record, or void it; a reason is required either way."""

    def __init__(self, hub, target: Event, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.target = target
        self.setWindowTitle(self.tr("Correct a record"))
        self.setMinimumWidth(560)
        self.banner = Banner()
        self.fields: dict[str, QLineEdit | QComboBox] = {}
        self.before = corrections.current_values(hub.store, target)
        form = QFormLayout()
        for name in corrections.CORRECTABLE.get(target.type, ()):
            old = self.before.get(name)
            choices = self.choices(name)
            if choices:  # codes shown as words: a body site, a handling
                box = QComboBox()
                for code, text in choices.items():
                    box.addItem(text, code)
                if box.findData(old) < 0 and old is not None:
                    box.addItem(str(old), old)
                box.setCurrentIndex(max(0, box.findData(old)))
            else:
                box = QLineEdit("" if old is None else str(old))
            box.setObjectName(f"field_{name}")
            self.fields[name] = box
            form.addRow(self.field_label(name), box)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(self.tr("Why (required)"))
        form.addRow(self.tr("Reason"), self.reason)
        self.reason.textChanged.connect(lambda _t: self.banner.clear_message())
        self.correct_button = button(self.tr("Save correction (Enter)"), "primary")
        self.correct_button.setObjectName("save_correction")
        self.correct_button.setEnabled(bool(self.fields))
        self.void_button = button(self.tr("Void this record"), "danger")
        self.void_button.setObjectName("void_record")
        self.void_button.setEnabled(target.type in corrections.VOIDABLE)
        self.correct_button.clicked.connect(self.save)
        self.void_button.clicked.connect(self.void)
        cancel = button(self.tr("Cancel (Esc)"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.correct_button, 2)
        buttons.addWidget(self.void_button, 1)
        buttons.addWidget(cancel, 1)
        layout = QVBoxLayout(self)
        when = target.recorded_at[11:16]
        layout.addWidget(
            label(
                self.tr("{action} at {time}").format(
                    action=audit.action_name(target.type, hub.lang), time=when
                ),
                "title",
            )
        )
        layout.addWidget(
            label(
                self.tr("The record stays as it was; the correction is recorded with your name and reason."),
                wrap=True,
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        (next(iter(self.fields.values())) if self.fields else self.reason).setFocus()

    def field_label(self, name: str) -> str:
        return {
            "name": self.tr("Name"),
            "phone": self.tr("Phone"),
            "unit": self.tr("Unit"),
            "temperature": self.tr("Temperature (°C)"),
            "body_site": self.tr("Body site"),
            "lot_no": self.tr("Lot"),
            "dose_number": self.tr("Dose number"),
            "notes": self.tr("Description"),
            "handling": self.tr("Handling"),
        }.get(name, name)

    def choices(self, name: str) -> dict[str, str]:
        if name == "body_site":
            return {
                "left_deltoid": self.tr("Left upper arm (deltoid)"),
                "right_deltoid": self.tr("Right upper arm (deltoid)"),
            }
        if name == "handling":
            return {
                "observed": self.tr("Observed"),
                "treated_on_site": self.tr("Treated on site"),
                "transferred_to_hospital": self.tr("Handed over to hospital"),
            }
        return {}

    def changed(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, box in self.fields.items():
            if isinstance(box, QComboBox):
                if box.currentData() != self.before.get(name):
                    out[name] = box.currentData()
                continue
            text = box.text().strip()
            old = self.before.get(name)
            if text == ("" if old is None else str(old)):
                continue
            if name == "dose_number":
                out[name] = int(text) if text.isdigit() else text
            else:
                out[name] = text
        return out

    def _window(self) -> int:
        return int(
            getattr(self.hub.settings, "correction_window_minutes", corrections.DEFAULT_WINDOW_MINUTES)
        )

    def save(self) -> None:
        try:
            self.hub.run(
                corrections.correct, self.target.id, self.changed(), reason=self.reason.text(),
                window_minutes=self._window(),
            )  # fmt: skip
        except DomainError as exc:
            self.banner.show_message(self.hub.message(exc), "error")
            return
        self.accept()

    def void(self) -> None:
        try:
            self.hub.run(
                corrections.void, self.target.id, reason=self.reason.text(), window_minutes=self._window()
            )
        except DomainError as exc:
            self.banner.show_message(self.hub.message(exc), "error")
            return
        self.accept()


def open_last_own(page, types: tuple[str, ...]) -> CorrectDialog | None:
    """A desk's "Correct…": the logged-in member's latest record of ``types``; None when there is none."""
    target = corrections.last_own(page.hub.store, page.hub.staff_id or "", types)
    if target is None:
        page.banner.show_message(
            QCoreApplication.translate("CorrectDialog", "Nothing of yours to correct yet"), "warn"
        )
        return None
    dialog = CorrectDialog(page.hub, target, page)
    dialog.accepted.connect(page.refresh)
    dialog.open()
    return dialog


class AuditPanel(QDialog):
    """The day's audit trail for the admin: who did what, corrections against their targets."""

    def __init__(self, hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.setWindowTitle(self.tr("Audit trail"))
        self.resize(1280, 640)
        self.banner = Banner()
        self.staff_filter = QComboBox()
        self.staff_filter.setObjectName("audit_staff")
        self.type_filter = QComboBox()
        self.type_filter.setObjectName("audit_type")
        self.staff_filter.currentIndexChanged.connect(self.refresh)
        self.type_filter.currentIndexChanged.connect(self.refresh)
        headers = [
            self.tr("Time"),
            self.tr("Laptop"),
            self.tr("Staff"),
            self.tr("Action"),
            self.tr("Queue no."),
            self.tr("Person"),
            self.tr("Details"),
        ]
        self.table = QTableWidget(0, len(headers))
        self.table.setObjectName("audit_table")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.correct_button = button(self.tr("Correct or void…"), "primary")
        self.correct_button.setObjectName("audit_correct")
        self.correct_button.clicked.connect(self.correct_selected)
        close = button(self.tr("Close (Esc)"))
        close.clicked.connect(self.reject)
        top = QHBoxLayout()
        self.title = label("", "title")
        top.addWidget(self.title, 2)
        top.addWidget(label(self.tr("Staff")))
        top.addWidget(self.staff_filter, 1)
        top.addWidget(label(self.tr("Action")))
        top.addWidget(self.type_filter, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.correct_button, 2)
        bottom.addStretch(3)
        bottom.addWidget(close, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.banner)
        layout.addLayout(bottom)
        self.entries: list[dict[str, Any]] = []
        self._fill_filters()
        self.refresh()

    def _fill_filters(self) -> None:
        trail = audit.day_trail(self.hub.store, self.hub.today(), lang=self.hub.lang)
        self.staff_filter.blockSignals(True)
        self.type_filter.blockSignals(True)
        self.staff_filter.addItem(self.tr("Everyone"), "")
        for staff_id, name in sorted({(e["staff_id"], e["staff_name"]) for e in trail if e["staff_id"]}):
            self.staff_filter.addItem(f"{staff_id} {name}".strip(), staff_id)
        self.type_filter.addItem(self.tr("All actions"), "")
        for type_ in sorted({e["type"] for e in trail}):
            self.type_filter.addItem(audit.action_name(type_, self.hub.lang), type_)
        self.staff_filter.blockSignals(False)
        self.type_filter.blockSignals(False)

    def refresh(self) -> None:
        day = self.hub.today()
        self.title.setText(self.tr("Audit trail, {day}").format(day=day.isoformat()))
        staff = self.staff_filter.currentData() or None
        type_ = self.type_filter.currentData() or None
        self.entries = audit.day_trail(
            self.hub.store, day, staff=staff, types={type_} if type_ else None, lang=self.hub.lang
        )
        self.table.setRowCount(len(self.entries))
        for i, e in enumerate(self.entries):
            action = e["action"]
            if e["voided_by"]:
                action += self.tr(" (voided)")
            elif e["corrected_by"]:
                action += self.tr(" (corrected)")
            details = e["summary"]
            if "target" in e:
                t = e["target"]
                facts = {"action": t["action"], "time": t["time"], "staff": t["staff_id"] or "-",
                         "summary": e["summary"], "reason": e["reason"]}
                details = (  # a void changes no field: nothing between the target and the reason
                    self.tr("{action} at {time} by {staff}: {summary} — reason: {reason}")
                    if e["summary"]
                    else self.tr("{action} at {time} by {staff} — reason: {reason}")
                ).format(**facts)  # fmt: skip
            cells = [
                e["time"],
                e["origin"],
                f"{e['staff_id']} {e['staff_name']}".strip(),
                action,
                e["queue"],
                f"{e['person']} {e['id_masked']}".strip(),
                details,
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j == 0:
                    item.setData(KEY_ROLE, e["event_id"])
                self.table.setItem(i, j, item)

    def select_event(self, event_id: str) -> bool:
        for i, e in enumerate(self.entries):
            if e["event_id"] == event_id:
                self.table.selectRow(i)
                return True
        return False

    def correct_selected(self) -> CorrectDialog | None:
        row = self.table.currentRow()
        if row < 0:
            self.banner.show_message(self.tr("Choose a record in the table first"), "warn")
            return None
        event_id = self.table.item(row, 0).data(KEY_ROLE)
        target = corrections.target_event(self.hub.store, event_id)
        if target.type not in corrections.CORRECTABLE and target.type not in corrections.VOIDABLE:
            self.banner.show_message(self.tr("This kind of record cannot be corrected"), "warn")
            return None
        self.dialog = CorrectDialog(self.hub, target, self)
        self.dialog.accepted.connect(self.refresh)
        self.dialog.open()
        return self.dialog
