"""The desk window: the header over one tab per desk role this laptop serves."""

from __future__ import annotations

import importlib

from station.settings import DESK_ROLES
from ui.dialogs import LoginDialog
from ui.header import Header
from ui.hub import StationHub
from ui.pages.base import Page
from ui.qt import (
    QApplication,
    QEvent,
    QMainWindow,
    QObject,
    QSizePolicy,
    QStackedWidget,
    Qt,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import STYLE, button, label, shortcut

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


class LockCover(QWidget):
    """What a locked window shows: the site and "locked", nothing of the desks behind the login box."""

    def __init__(self, site: str) -> None:
        super().__init__()
        self.setObjectName("lock_cover")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("QWidget#lock_cover { background: #24292f; } QLabel { color: white; }")
        self.site = label(site, "title")
        self.reason = label(wrap=True)
        self.reason.setStyleSheet("color: white; font-size: 28px; font-weight: bold;")
        self.login_button = button(self.tr("Log in (Enter)"), "primary")
        self.login_button.setMinimumWidth(260)
        for w in (self.site, self.reason):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.site)
        layout.addWidget(self.reason)
        layout.addSpacing(24)
        layout.addWidget(self.login_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)


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
        self.lock_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # never where a scanned code would go
        self.lock_button.clicked.connect(lambda: hub.lock("manual"))
        self.lock_button.setStyleSheet("min-height: 28px; padding: 2px 10px;")
        self.header.top.addWidget(self.lock_button)
        desk = QWidget()
        layout = QVBoxLayout(desk)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        self.desk = desk
        self.cover = LockCover(hub.settings.site_name)
        self.cover.login_button.clicked.connect(lambda: self.ask_for_login(""))
        shortcut(self.cover, "Return", lambda: self.ask_for_login(""))
        shortcut(self.cover, "Enter", lambda: self.ask_for_login(""))
        # while locked only the cover is in the window: the desks are not painted behind the login box
        self.stack = QStackedWidget()
        self.stack.addWidget(desk)
        self.stack.addWidget(self.cover)
        self.setCentralWidget(self.stack)
        for i in range(min(9, self.tabs.count())):
            shortcut(self, f"Ctrl+{i + 1}", lambda i=i: self.tabs.setCurrentIndex(i))
        self.tabs.currentChanged.connect(self._on_tab)
        self._size_to_shown_page()
        hub.did_lock.connect(self.on_locked)
        self._activity = _ActivityFilter(hub)
        QApplication.instance().installEventFilter(self._activity)
        self.resize(1366, 768)
        if hub.staff is None:
            self.cover.reason.setText(self.tr("Not logged in"))
            self.stack.setCurrentWidget(self.cover)
        else:
            self.after_login()

    @property
    def locked(self) -> bool:
        return self.stack.currentWidget() is self.cover

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

    def showEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if not self.locked:  # once shown: a focus given while hidden may not have taken
            QTimer.singleShot(0, self.focus_scan_input)

    # --- lock and login ----------------------------------------------------------------------
    def on_locked(self, reason: str) -> None:
        text = (
            self.tr("Locked after being idle: log in again")
            if reason == "idle"
            else self.tr("Locked: log in to go on")
        )
        self.cover.reason.setText(text)
        self.stack.setCurrentWidget(self.cover)
        self.cover.login_button.setFocus()
        if self.ask_login:
            self.ask_for_login(text)

    def ask_for_login(self, reason: str) -> None:
        """The login box over the cover; the window opens again only for someone logged in."""
        if self.hub.staff is None and (
            not self.ask_login or LoginDialog(self.hub, reason).exec() != LoginDialog.DialogCode.Accepted
        ):
            self.cover.login_button.setFocus()
            return
        self.unlock()

    def unlock(self) -> None:
        if self.hub.staff is None:
            return
        self.stack.setCurrentWidget(self.desk)
        self.after_login()

    def after_login(self) -> None:
        """Open the desk of the person who logged in (an admin without a desk role: the admin page,
        told why the desks are not theirs), and put the focus where their next code is scanned."""
        for page in self.pages.values():
            page._show_whose()
        usable = [role for role, page in self.pages.items() if page.usable()]
        desks = [role for role in usable if role != "admin"]
        current = self.tabs.currentWidget()
        if not (isinstance(current, Page) and current.usable() and current.role != "admin" and desks):
            target = desks[0] if desks else usable[0] if usable else None
            if target is not None:
                self.tabs.setCurrentWidget(self.pages[target])
            if not desks and "admin" in usable and len(self.pages) > 1:
                self.pages["admin"].banner.show_message(
                    self.tr(
                        "You have no desk role: the desk tabs are for their own staff. Here: the site admin's work."
                    ),
                    "info",
                )
        self.focus_scan_input()

    def focus_scan_input(self) -> None:
        page = self.tabs.currentWidget()
        if isinstance(page, Page) and not self.locked and not page.focus_scan_input():
            # a page not for this person is disabled and takes no focus: the tab bar keeps Ctrl+n working
            (page if page.isEnabled() else self.tabs.tabBar()).setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_tab(self, _index: int) -> None:
        self._size_to_shown_page()
        if not self.locked:
            self.focus_scan_input()

    def _size_to_shown_page(self) -> None:
        """Only the page shown counts for the window's least size: a tab stack takes the tallest of
        all its pages, so the admin page behind a desk (its stock note for desk staff), with the
        header's low-stock line, pushed the desk's buttons off a 700-pixel screen."""
        shown = self.tabs.currentWidget()
        for page in self.pages.values():
            policy = QSizePolicy.Policy.Preferred if page is shown else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)


class _ActivityFilter(QObject):
    """Any key or click restarts the idle-lock countdown."""

    def __init__(self, hub: StationHub) -> None:
        super().__init__()
        self.hub = hub

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress):
            self.hub.touch()
        return False
