"""The desk window: the header over one tab per desk role this laptop serves."""

from __future__ import annotations

import importlib

from station.settings import DESK_ROLES
from ui.dialogs import LoginDialog
from ui.header import Header
from ui.hub import StationHub
from ui.pages.base import Page
from ui.qt import QApplication, QEvent, QMainWindow, QObject, Qt, QTabWidget, QVBoxLayout, QWidget
from ui.widgets import STYLE, button, shortcut

PAGES = {
    "signin": "ui.pages.signin:SignInPage",
    "prescreen": "ui.pages.prescreen:PreScreenPage",
    "inject": "ui.pages.inject:InjectPage",
    "observe": "ui.pages.observe:ObservePage",
    "admin": "ui.pages.admin:AdminPage",
}


def page_class(role: str) -> type[Page]:
    module, name = PAGES[role].split(":")
    return getattr(importlib.import_module(module), name)


class MainWindow(QMainWindow):
    def __init__(self, hub: StationHub, *, ask_login: bool = True, camera: str | None = None) -> None:
        """``camera``: the sign-in page's camera for this run (``station --camera``), else the setting."""
        super().__init__()
        self.hub = hub
        self.ask_login = ask_login
        self.setWindowTitle(self.tr("Vaccination Station — {site}").format(site=hub.settings.site_name))
        self.setStyleSheet(STYLE)
        self.header = Header(hub)
        self.tabs = QTabWidget()
        self.pages: dict[str, Page] = {}
        for role in DESK_ROLES:
            if role in hub.settings.desk_roles:
                with_camera = role in ("signin", "observe")  # the code at sign-in, the slip at the exit
                page = page_class(role)(hub, camera=camera) if with_camera else page_class(role)(hub)
                self.pages[role] = page
                self.tabs.addTab(page, page.title())
        self.lock_button = button(self.tr("Lock (F12)"), shortcut="F12")
        self.lock_button.clicked.connect(hub.lock)
        self.lock_button.setStyleSheet("min-height: 28px; padding: 2px 10px;")
        self.header.top.addWidget(self.lock_button)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        for i in range(min(9, self.tabs.count())):
            shortcut(self, f"Ctrl+{i + 1}", lambda i=i: self.tabs.setCurrentIndex(i))
        hub.idle_did_lock.connect(self.on_locked)
        self._activity = _ActivityFilter(hub)
        QApplication.instance().installEventFilter(self._activity)
        self.resize(1366, 768)

    TITLE_BAR = 40  # what a window manager's frame adds above the window, at most

    def show_fitted(self) -> None:
        """Show the window, maximised when its 1366x768 and a title bar do not fit the screen's work
        area (a laptop's 768 pixels less a taskbar): a 768-pixel window ran off the bottom there,
        the observation page's last row of buttons with it."""
        area = self.screen().availableGeometry()
        if self.width() > area.width() or self.height() + self.TITLE_BAR > area.height():
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        self.show()

    def closeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        QApplication.instance().removeEventFilter(self._activity)
        super().closeEvent(event)

    def on_locked(self) -> None:
        if self.ask_login:
            LoginDialog(self.hub, self.tr("Locked after being idle: log in again")).exec()


class _ActivityFilter(QObject):
    """Any key or click restarts the idle-lock countdown."""

    def __init__(self, hub: StationHub) -> None:
        super().__init__()
        self.hub = hub

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress):
            self.hub.touch()
        return False
