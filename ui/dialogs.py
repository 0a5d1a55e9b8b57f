"""First-run set-up and staff login."""

from __future__ import annotations

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
    QSpinBox,
    QVBoxLayout,
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


class FirstRunDialog(QDialog):
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
        self.admin_pin = QLineEdit()
        self.admin_pin.setEchoMode(QLineEdit.EchoMode.Password)
        if need_admin:
            form.addRow(label(self.tr("First administrator of this site"), "title"))
            form.addRow(self.tr("Staff id"), self.admin_id)
            form.addRow(self.tr("Name"), self.admin_name)
            form.addRow(self.tr("PIN (4-12 digits)"), self.admin_pin)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr("Welcome. Set up this laptop for the vaccination point."), "title"))
        layout.addLayout(form)
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

    def accept(self) -> None:
        """Check, name the station, create the first admin, fill the settings; stay open on a problem."""
        problem = self.validate()
        if problem:
            self.banner.show_message(problem, "error")
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
                    by=staffmod.cli_actor(),
                )
                self.need_admin = False
        except DomainError as exc:
            self.banner.show_message(self.hub.message(exc), "error")
            return
        s = self.settings
        s.site_name = self.site.text().strip()
        s.station_id = self.hub.store.origin
        s.desk = self.desk.text().strip() or "1"
        s.idle_lock_minutes = self.idle.value()
        s.desk_roles = [r for r, b in self.roles.items() if b.isChecked()]
        self.hub.set_idle_minutes(s.idle_lock_minutes)
        super().accept()


class LoginDialog(QDialog):
    def __init__(self, hub: StationHub, reason: str = "") -> None:
        super().__init__()
        self.hub = hub
        self.setWindowTitle(self.tr("Staff login"))
        self.banner = Banner()
        if reason:
            self.banner.show_message(reason, "info")
        self.staff_id = QLineEdit()
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.returnPressed.connect(self.accept)
        self.staff_id.returnPressed.connect(self.pin.setFocus)
        form = QFormLayout()
        form.addRow(self.tr("Staff id"), self.staff_id)
        form.addRow(self.tr("PIN"), self.pin)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label(hub.settings.site_name, "title"))
        layout.addLayout(form)
        layout.addWidget(self.banner)
        layout.addWidget(buttons)
        self.staff_id.setFocus()

    def accept(self) -> None:
        try:
            self.hub.login(self.staff_id.text(), self.pin.text())
        except DomainError as exc:
            self.banner.show_message(self.hub.message(exc), "error")
            self.pin.clear()
            self.pin.setFocus()
            return
        super().accept()
