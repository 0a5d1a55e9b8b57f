"""Unexpected errors in the window: a short reference number, the traceback in the log, a dialog, and the
window goes on.

An exception escaping a slot (or a worker thread) reaches ``sys.excepthook`` (``threading.excepthook``);
Qt's event loop carries on after it. What the desks recorded before is already committed: every step
is one transaction, so an error rolls its own step back and leaves the rest alone.
"""

from __future__ import annotations

import logging
import secrets
import sys
import threading
from collections.abc import Callable
from typing import Any

from station import logs
from station.messages import render
from ui.qt import QApplication, QMessageBox, QObject, Qt, QWidget, Signal

log = logging.getLogger("ui.errors")


def new_reference() -> str:
    """Six characters that staff can read out over the phone (``7F3A2C``), to find the log lines."""
    return secrets.token_hex(3).upper()


class ErrorDialog(QMessageBox):
    """The message with its reference; opened window-modal (``open()``), never blocking the event loop."""

    def __init__(self, reference: str, lang: str = "zh", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reference = reference
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(render("error_dialog_title", lang))
        self.setText(render("log_error_reference", lang, ref=reference))
        self.setStandardButtons(QMessageBox.StandardButton.Ok)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)


class ErrorReporter(QObject):
    """Logs an unexpected error with a reference and shows it (from any thread: the signal is queued)."""

    error_did_occur = Signal(str)

    def __init__(
        self, lang: str = "zh", parent_widget: Callable[[], QWidget | None] | None = None, show: bool = True
    ) -> None:
        super().__init__()
        self.lang = lang
        self.parent_widget = parent_widget or QApplication.activeWindow
        self.show = show
        self.references: list[str] = []
        self.dialog: ErrorDialog | None = None
        self._previous: tuple[Any, Any] | None = None
        self.error_did_occur.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def report(self, exc_type: type[BaseException], exc: BaseException, tb: Any, where: str = "window") -> str:
        ref = new_reference()
        log.error("unexpected error ref=%s in %s", ref, where, exc_info=(exc_type, exc, tb))
        self.references.append(ref)
        self.error_did_occur.emit(ref)
        return ref

    def _show(self, ref: str) -> None:
        if not self.show:
            return
        if self.dialog is not None and self.dialog.isVisible():  # one dialog, however many errors follow
            self.dialog.reference += f", {ref}"
            self.dialog.setText(render("log_error_reference", self.lang, ref=self.dialog.reference))
            return
        self.dialog = ErrorDialog(ref, self.lang, self.parent_widget())
        self.dialog.destroyed.connect(lambda *_: setattr(self, "dialog", None))
        self.dialog.open()

    # --- hooks --------------------------------------------------------------------------------------
    def install(self) -> ErrorReporter:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook
        return self

    def uninstall(self) -> None:
        if self._previous:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None

    def _excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: Any) -> None:
        if issubclass(exc_type, KeyboardInterrupt):  # Ctrl-C in the terminal still ends the program
            sys.__excepthook__(exc_type, exc, tb)
            return
        self.report(exc_type, exc, tb)

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread else "thread"
        self.report(args.exc_type, args.exc_value, args.exc_traceback, where=name)


def install_error_handling(hub: Any) -> ErrorReporter:
    """The window's log file (station id; the staff id follows logins) and the error hooks."""
    logs.setup(station=hub.store.origin)
    hub.staff_did_change.connect(lambda *_: logs.set_staff(hub.staff_id))
    logs.set_staff(hub.staff_id)
    log.info("window started (station %s)", hub.store.origin)
    return ErrorReporter(hub.lang).install()
