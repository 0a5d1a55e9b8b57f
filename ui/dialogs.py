"""First-run set-up, staff login, and getting back in with the recovery code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from station import staff as staffmod
from station.errors import DomainError
from station.settings import DESK_ROLES
from ui.hub import StationHub
from ui.qt import (
    QCheckBox,
    QCoreApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import Banner, label


def role_label(role: str) -> str:
    return {
        "signin": QCoreApplication.translate("Roles", "Sign-in"),
        "prescreen": QCoreApplication.translate("Roles", "Pre-screen"),
        "inject": QCoreApplication.translate("Roles", "Injection"),
        "observe": QCoreApplication.translate("Roles", "Observation"),
        "admin": QCoreApplication.translate("Roles", "Site admin"),
    }[role]


class FormDialog(QDialog):
    """A dialog of fields where Enter in a field does that field's one thing (the next field, or
    OK in the last). A line edit passes Enter on to its dialog, whose OK took it too: the set-up
    dialog refused the first admin's PIN with "the two PINs differ" before "PIN again" was typed,
    and the login box tried the staff id with no PIN."""

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(self.focusWidget(), QLineEdit):
            return  # the field's returnPressed has acted
        super().keyPressEvent(event)


def enter_moves_on(*fields: QLineEdit, last: Callable[[], Any] | None = None) -> None:
    """Enter in each of ``fields`` but the last moves to the next one; in the last it does ``last``."""
    for edit, nxt in zip(fields, fields[1:], strict=False):
        edit.returnPressed.connect(nxt.setFocus)
    if last is not None:
        fields[-1].returnPressed.connect(last)


def pin_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(12)
    return edit


class RecoveryCodeBox(QWidget):
    """The admin recovery code, shown once, large, with the box ticked when it is written down."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr("Recovery code of this site's administrators"), "title"))
        self.code_label = label(role="big")
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setStyleSheet(
            "font-size: 34px; font-weight: bold; font-family: monospace; letter-spacing: 2px;"
            "background: #fff8c5; border: 2px dashed #bf8700; padding: 12px;"
        )
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.code_label)
        layout.addWidget(
            label(
                self.tr(
                    "Write it down or print it now and keep it locked away from this laptop: it is shown "
                    'only this once. When an administrator forgets the PIN, "Forgot PIN?" in the login box '
                    "takes this code and sets a new PIN; the code is then used up and a new one is shown."
                ),
                wrap=True,
            )
        )
        self.written_down = QCheckBox(self.tr("I have written down the recovery code"))
        self.written_down.setStyleSheet(
            "QCheckBox { min-height: 36px; font-weight: bold; } QCheckBox::indicator { width: 24px; height: 24px; }"
        )
        layout.addWidget(self.written_down)
        layout.addStretch(1)

    def show_code(self, code: str) -> None:
        self.code_label.setText(code)
        self.written_down.setChecked(False)


class FirstRunDialog(FormDialog):
    """Site name, this laptop's station id, the desk roles it serves (and the first admin on a new site)."""

    def __init__(self, hub: StationHub) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("Set up this laptop"))
        self.hub = hub
        self.settings = settings = hub.settings
        self.need_admin = need_admin = not hub.store.scalar("SELECT count(*) FROM staff")
        origin = hub.store.origin
        self.banner = Banner()
        form = QFormLayout()
        self.site = QLineEdit(settings.site_name)
        self.station_id = QLineEdit(settings.station_id or origin)
        self.desk = QLineEdit(settings.desk)
        self.idle = QSpinBox()
        self.idle.setRange(1, 120)
        self.idle.setValue(settings.idle_lock_minutes)
        self.idle.setSuffix(self.tr(" min"))
        form.addRow(self.tr("Site name"), self.site)
        form.addRow(self.tr("Station id"), self.station_id)
        form.addRow(self.tr("Desk number"), self.desk)
        form.addRow(self.tr("Lock when idle after"), self.idle)
        self.roles: dict[str, QCheckBox] = {}
        for role in DESK_ROLES:
            box = QCheckBox(role_label(role))
            box.setChecked(role in settings.desk_roles or not settings.desk_roles)
            self.roles[role] = box
            form.addRow("" if role != DESK_ROLES[0] else self.tr("Desks on this laptop"), box)
        self.admin_id = QLineEdit("admin")
        self.admin_name = QLineEdit()
        self.admin_pin = pin_edit()
        self.admin_pin2 = pin_edit()
        admin_fields = (self.admin_id, self.admin_name, self.admin_pin, self.admin_pin2) if need_admin else ()
        enter_moves_on(self.site, self.station_id, self.desk, *admin_fields, last=self.accept)
        if need_admin:
            form.addRow(label(self.tr("First administrator of this site"), "title"))
            form.addRow(self.tr("Staff id"), self.admin_id)
            form.addRow(self.tr("Name"), self.admin_name)
            form.addRow(self.tr("PIN (4-12 digits)"), self.admin_pin)
            form.addRow(self.tr("PIN again"), self.admin_pin2)
        self.recovery_code = ""  # shown once, after the first admin is created
        self.code_box = RecoveryCodeBox()
        self.code_label = self.code_box.code_label
        self.written_down = self.code_box.written_down
        self.buttons = buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.written_down.toggled.connect(lambda on: self.ok_button.setEnabled(on or not self.recovery_code))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        setup = QWidget()
        setup_layout = QVBoxLayout(setup)
        setup_layout.setContentsMargins(0, 0, 0, 0)
        setup_layout.addWidget(
            label(self.tr("Welcome. Set up this laptop for the vaccination point."), "title")
        )
        setup_layout.addLayout(form)
        self.stages = QStackedWidget()
        self.stages.addWidget(setup)
        self.stages.addWidget(self.code_box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stages)
        layout.addWidget(self.banner)
        layout.addWidget(buttons)

    def validate(self) -> str | None:
        if not self.site.text().strip():
            return self.tr("Enter the site name")
        if not self.station_id.text().strip():
            return self.tr("Enter this laptop's station id")
        if not any(b.isChecked() for b in self.roles.values()):
            return self.tr("Choose at least one desk")
        return None

    def _refuse_pin(self, text: str) -> None:
        """A refused PIN leaves both boxes empty: typing on after it would make another PIN."""
        self.banner.show_message(text, "error")
        self.admin_pin.clear()
        self.admin_pin2.clear()
        self.admin_pin.setFocus()

    def reject(self) -> None:
        if self.recovery_code:  # the admin exists: the code must not go unseen
            self.banner.show_message(self.tr("Write down the recovery code first, then tick the box"), "warn")
            return
        super().reject()

    def accept(self) -> None:
        """Check, name the station, create the first admin and show the recovery code, fill the
        settings; stay open on a problem."""
        if self.recovery_code:
            if not self.written_down.isChecked():
                self.banner.show_message(
                    self.tr("Write down the recovery code first, then tick the box"), "warn"
                )
                return
            self._finish()
            return
        problem = self.validate()
        if problem:
            self.banner.show_message(problem, "error")
            return
        if self.need_admin and self.admin_pin.text() != self.admin_pin2.text():
            self._refuse_pin(self.tr("The two PINs differ: type the PIN again"))
            return
        try:
            self.hub.store.set_origin(self.station_id.text())
            if self.need_admin:
                staffmod.add(
                    self.hub.store,
                    self.admin_id.text().strip(),
                    self.admin_name.text(),
                    ["admin"],
                    self.admin_pin.text(),
                    by=None,  # the station's first member: recorded as added by themself
                )
                self.need_admin = False
                self.recovery_code = staffmod.new_recovery_code(self.hub.store)
        except DomainError as exc:
            if exc.code == "pin_too_weak":
                self._refuse_pin(self.hub.message(exc))
            else:
                self.banner.show_message(self.hub.message(exc), "error")
            return
        self.admin_pin.clear()
        self.admin_pin2.clear()
        if self.recovery_code:
            self.code_box.show_code(self.recovery_code)
            self.stages.setCurrentWidget(self.code_box)
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).hide()
            self.ok_button.setEnabled(False)
            self.banner.show_message(self.tr("The first administrator is set up"), "ok")
            self.written_down.setFocus()
            return
        self._finish()

    def _finish(self) -> None:
        s = self.settings
        s.site_name = self.site.text().strip()
        s.station_id = self.hub.store.origin
        s.desk = self.desk.text().strip() or "1"
        s.idle_lock_minutes = self.idle.value()
        s.desk_roles = [r for r, b in self.roles.items() if b.isChecked()]
        self.hub.set_idle_minutes(s.idle_lock_minutes)
        super().accept()


class LoginDialog(FormDialog):
    def __init__(self, hub: StationHub, reason: str = "") -> None:
        super().__init__()
        self.hub = hub
        self.setWindowTitle(self.tr("Staff login"))
        self.banner = Banner()
        if reason:
            self.banner.show_message(reason, "info")
        self.staff_id = QLineEdit()
        self.pin = pin_edit()
        enter_moves_on(self.staff_id, self.pin, last=self.accept)
        form = QFormLayout()
        form.addRow(self.tr("Staff id"), self.staff_id)
        form.addRow(self.tr("PIN"), self.pin)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.forgot_button = QPushButton(self.tr("Forgot PIN? (admin recovery code)"))
        self.forgot_button.setAutoDefault(False)
        self.forgot_button.setStyleSheet(
            "min-height: 30px; border: none; color: #0969da; text-decoration: underline;"
        )
        self.forgot_button.clicked.connect(self.forgot_pin)
        layout = QVBoxLayout(self)
        layout.addWidget(label(hub.settings.site_name, "title"))
        layout.addLayout(form)
        layout.addWidget(self.banner)
        layout.addWidget(self.forgot_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(buttons)
        self.staff_id.setFocus()

    def forgot_pin(self) -> None:
        """An admin who forgot the PIN: the recovery code sets a new one, then they are logged in."""
        dialog = RecoveryDialog(self.hub, self.staff_id.text().strip())
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.member is None:
            self.pin.setFocus()
            return
        try:
            self.hub.login(dialog.member.staff_id, dialog.new_pin)
        except DomainError as exc:
            self.banner.show_message(self.hub.message(exc), "error")
            return
        super().accept()

    def accept(self) -> None:
        try:
            self.hub.login(self.staff_id.text(), self.pin.text())
        except DomainError as exc:
            self.banner.show_message(self.hub.message(exc), "error")
            self.pin.clear()
            self.pin.setFocus()
            return
        super().accept()


class RecoveryDialog(FormDialog):
    """Admin staff id, the recovery code written down at set-up, a new PIN twice; then the next code."""

    def __init__(self, hub: StationHub, staff_id: str = "") -> None:
        super().__init__()
        self.hub = hub
        self.member: staffmod.Staff | None = None
        self.new_pin = ""
        self.recovery_code = ""
        self.setWindowTitle(self.tr("Forgot PIN: recovery code"))
        self.banner = Banner()
        self.staff_id = QLineEdit(staff_id)
        self.code = QLineEdit()
        self.code.setPlaceholderText("ABCD-EFGH-JKLM-NPQR")
        self.pin = pin_edit()
        self.pin2 = pin_edit()
        enter_moves_on(self.staff_id, self.code, self.pin, self.pin2, last=self.accept)
        form = QFormLayout()
        form.addRow(self.tr("Administrator's staff id"), self.staff_id)
        form.addRow(self.tr("Recovery code"), self.code)
        form.addRow(self.tr("New PIN (4-12 digits)"), self.pin)
        form.addRow(self.tr("PIN again"), self.pin2)
        ask = QWidget()
        ask_layout = QVBoxLayout(ask)
        ask_layout.setContentsMargins(0, 0, 0, 0)
        ask_layout.addWidget(
            label(
                self.tr(
                    "The recovery code was shown when this site was set up, to be written down and kept. "
                    "It sets a new PIN for an administrator; it is then used up and a new one is shown."
                ),
                wrap=True,
            )
        )
        ask_layout.addLayout(form)
        self.code_box = RecoveryCodeBox()
        self.code_label = self.code_box.code_label
        self.written_down = self.code_box.written_down
        self.stages = QStackedWidget()
        self.stages.addWidget(ask)
        self.stages.addWidget(self.code_box)
        self.buttons = buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Set the new PIN"))
        self.written_down.toggled.connect(self.ok_button.setEnabled)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stages)
        layout.addWidget(self.banner)
        layout.addWidget(buttons)
        (self.code if staff_id else self.staff_id).setFocus()

    def reject(self) -> None:
        if self.recovery_code:  # the old code is spent: the new one must not go unseen
            self.banner.show_message(self.tr("Write down the recovery code first, then tick the box"), "warn")
            return
        super().reject()

    def accept(self) -> None:
        if self.recovery_code:
            if self.written_down.isChecked():
                super().accept()
            return
        if self.pin.text() != self.pin2.text():
            self._refuse(self.tr("The two PINs differ: type the PIN again"), self.pin)
            return
        try:
            member, code = staffmod.recover(
                self.hub.store, self.staff_id.text(), self.code.text(), self.pin.text()
            )
        except DomainError as exc:
            self._refuse(self.hub.message(exc), self.code if exc.code == "recovery_code_wrong" else self.pin)
            return
        self.member, self.new_pin, self.recovery_code = member, self.pin.text(), code
        self.hub.refresh()
        self.pin.clear()
        self.pin2.clear()
        self.code_box.show_code(code)
        self.stages.setCurrentWidget(self.code_box)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).hide()
        self.ok_button.setText(self.tr("Log in"))
        self.ok_button.setEnabled(False)
        self.banner.show_message(
            self.tr(
                "New PIN set for {name}. The old recovery code is used up: write down this new one"
            ).format(name=member.name),
            "ok",
        )
        self.written_down.setFocus()

    def _refuse(self, text: str, focus: QLineEdit) -> None:
        """Refused: the PINs (and a wrong code) are cleared, so nothing typed next joins them."""
        self.banner.show_message(text, "error")
        self.pin.clear()
        self.pin2.clear()
        if focus is self.code:
            self.code.selectAll()
        focus.setFocus()
