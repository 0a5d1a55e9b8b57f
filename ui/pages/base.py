"""What every desk page has: the hub, a banner for messages, and a refresh on every change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from station import staff as staffmod
from station.errors import DomainError
from ui.hub import StationHub
from ui.qt import QCoreApplication, QEvent, QLabel, Qt, QTimer, QWidget
from ui.widgets import Banner, CodeInput


def staff_role_label(role: str) -> str:
    return {
        "signin": QCoreApplication.translate("Roles", "Sign-in"),
        "prescreen": QCoreApplication.translate("Roles", "Pre-screen"),
        "vaccinator": QCoreApplication.translate("Roles", "Vaccinator"),
        "observer": QCoreApplication.translate("Roles", "Observation"),
        "admin": QCoreApplication.translate("Roles", "Site admin"),
    }.get(role, role)


class Unavailable(QLabel):
    """Covers a page the logged-in person has no role for, saying why (a greyed page says nothing)."""

    def __init__(self, page: QWidget) -> None:
        super().__init__(page)
        self.setObjectName("unavailable")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # colours set outright: the page under it is disabled, and this label with it
        self.setStyleSheet(
            "QLabel#unavailable { background: #f6f8fa; color: #24292f; font-size: 24px; padding: 60px; }"
        )
        self.hide()


class Page(QWidget):
    role = ""  # the desk role this page serves (settings.desk_roles)
    permission = ""  # what the logged-in staff needs to act here

    def __init__(self, hub: StationHub) -> None:
        super().__init__()
        self.hub = hub
        self.banner = Banner()
        self.unavailable = Unavailable(self)
        hub.staff_did_change.connect(self._show_whose)
        hub.records_did_change.connect(self.refresh)
        hub.staff_did_change.connect(self.refresh)
        hub.hub_will_close.connect(self._stop_timers)

    def _stop_timers(self) -> None:
        """The station is closing: no countdown may read a closed database afterwards."""
        for timer in self.findChildren(QTimer):
            timer.stop()

    def title(self) -> str:
        raise NotImplementedError

    def refresh(self) -> None:
        """Re-read what the page shows from the database."""

    def scan_input(self) -> QWidget | None:
        """The box the next code is scanned or typed into (a scanner gun types where the focus is):
        focused after login and when this tab is opened. By default the page's first CodeInput."""
        return self.findChild(CodeInput)

    def focus_scan_input(self) -> bool:
        """Put the keyboard focus where the next code goes; False when this page has no such box."""
        target = self.scan_input()
        if target is None or not target.isEnabled() or not self.hub.may(self.permission):
            return False
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def usable(self) -> bool:
        """The logged-in person may work at this page."""
        return self.hub.may(self.permission)

    def _show_whose(self) -> None:
        """Logged in without this page's role: the page says so, and whose desk it is."""
        staff = self.hub.staff
        if staff is None or self.usable():
            self.unavailable.hide()
            return
        roles = [r for r, perms in staffmod.PERMISSIONS.items() if self.permission in perms]
        sep = "、" if self.hub.lang == "zh" else ", "
        self.unavailable.setText(
            self.tr(
                "{page} is for {roles} staff.\n\nYou are logged in as {name} ({id}): {yours}.\n\n"
                "Lock the window (F12) and let {roles} staff log in here, or use your own tab."
            ).format(
                page=self.title(),
                roles=sep.join(staff_role_label(r) for r in roles),
                name=staff.name,
                id=staff.staff_id,
                yours=sep.join(staff_role_label(r) for r in staff.roles),
            )
        )
        self.unavailable.setGeometry(self.rect())
        self.unavailable.show()
        self.unavailable.raise_()

    def resizeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.unavailable.setGeometry(self.rect())

    def act(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a domain command; a refusal is shown in the banner (translated) and returns None."""
        try:
            return self.hub.run(fn, *args, **kwargs)
        except DomainError as exc:
            self.banner.show_message(self.hub.message(exc), "error")
            return None
