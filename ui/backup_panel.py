"""Backups in the window: the timer (every ``backup_minutes``) and the admin page's panel (the last
backups, each with its check, and "Back up now").

The backup itself is ``station.backup`` (SQLite's online backup API), run on a thread of its own: the
desk keeps recording meanwhile. Results come back to the UI thread by a queued signal.
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from station import backup
from station.messages import render
from ui.qt import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QObject,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

CHECK_EVERY_MS = 60_000  # the timer looks once a minute whether a backup is due


class Backups(QObject):
    """Runs one backup at a time off the UI thread; ``backup_did_finish`` carries the results (dicts)."""

    backup_did_finish = Signal(object)
    backup_will_start = Signal()

    def __init__(self, data_dir: Path, settings: Any) -> None:
        super().__init__()
        self.data_dir = Path(data_dir)
        self.settings = settings
        self._lock = threading.Lock()
        self.thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def run(self, reason: str = "manual") -> bool:
        """Start a backup; False when one is already running."""
        if not self._lock.acquire(blocking=False):
            return False
        self.backup_will_start.emit()

        def work() -> None:
            try:
                results = [r.as_dict() for r in backup.backup_station(self.data_dir, settings=self.settings,
                                                                      reason=reason)]
            except Exception as exc:  # the database missing or unreadable: shown, never raised
                results = [{"ok": False, "error": "backup_failed", "detail": str(exc), "reason": reason,
                            "at": datetime.now().astimezone().isoformat(timespec="seconds"), "folder": "",
                            "file": ""}]
            finally:
                self._lock.release()
            self.backup_did_finish.emit(results)

        self.thread = threading.Thread(target=work, name="station-backup", daemon=True)
        self.thread.start()
        return True

    def wait(self, timeout: float = 30) -> None:
        if self.thread is not None:
            self.thread.join(timeout)


class BackupTimer(QObject):
    """Takes a backup when ``backup_minutes`` have passed since the last good one (0: never)."""

    def __init__(self, backups: Backups, every_ms: int = CHECK_EVERY_MS) -> None:
        super().__init__()
        self.backups = backups
        self.timer = QTimer(self)
        self.timer.setInterval(every_ms)
        self.timer.timeout.connect(self.tick)

    @classmethod
    def for_hub(cls, hub: Any) -> BackupTimer:
        """The window's timer, on the hub's station and settings (kept on ``hub.backups``)."""
        hub.backups = getattr(hub, "backups", None) or Backups(Path(hub.store.path).parent, hub.settings)
        timer = cls(hub.backups)
        timer.start()
        return timer

    def start(self) -> BackupTimer:
        self.timer.start()
        return self

    def stop(self) -> None:
        self.timer.stop()

    def tick(self) -> bool:
        minutes = self.backups.settings.backup_minutes
        if self.backups.running or not backup.due(self.backups.data_dir, minutes):
            return False
        return self.backups.run("timer")


class BackupPanel(QWidget):
    """The admin page's tab: the plan, the last backups with their check, "Back up now"."""

    COLUMNS = ("time", "folder", "events", "check", "reason")

    def __init__(self, backups: Backups, lang: str = "zh", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backups = backups
        self.lang = lang
        self.plan = QLabel()
        self.plan.setWordWrap(True)
        self.last = QLabel()
        self.last.setWordWrap(True)
        self.button = QPushButton(render("backup_panel_now", lang))
        self.button.clicked.connect(self.back_up_now)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([render(f"backup_panel_col_{c}", lang) for c in self.COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        top = QHBoxLayout()
        top.addWidget(self.last, 1)
        top.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.plan)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        backups.backup_will_start.connect(self._started)
        backups.backup_did_finish.connect(self._finished)
        self.refresh()

    @classmethod
    def for_hub(cls, hub: Any, parent: QWidget | None = None) -> BackupPanel:
        backups = getattr(hub, "backups", None) or Backups(Path(hub.store.path).parent, hub.settings)
        hub.backups = backups
        return cls(backups, hub.lang, parent)

    @classmethod
    def add_to(cls, tabs: Any, hub: Any) -> BackupPanel:
        """The admin page's tab, titled with its Alt+N (the next tab's number)."""
        panel = cls.for_hub(hub, tabs)
        tabs.addTab(panel, f"{render('backup_panel_title', hub.lang)} (Alt+{tabs.count() + 1})")
        return panel

    def back_up_now(self) -> None:
        self.backups.run("manual")

    def _started(self) -> None:
        self.button.setEnabled(False)
        self.button.setText(render("backup_panel_running", self.lang))

    def _finished(self, _results: list[dict[str, Any]]) -> None:
        self.button.setEnabled(True)
        self.button.setText(render("backup_panel_now", self.lang))
        self.refresh()

    def _reason_text(self, entry: dict[str, Any]) -> str:
        code = entry.get("error") or "backup_failed"
        return render(code, self.lang, detail=entry.get("detail") or "-", path=entry.get("file") or "-")

    def refresh(self) -> None:
        s = self.backups.settings
        folders = ", ".join(str(p) for p in backup.targets(self.backups.data_dir, s.backup_dir))
        code = "backup_panel_plan" if s.backup_minutes > 0 else "backup_panel_plan_off"
        self.plan.setText(render(code, self.lang, minutes=s.backup_minutes, keep=s.backup_keep, folders=folders))
        entries = backup.last_results(self.backups.data_dir, 20)
        if not entries:
            self.last.setText(render("backup_panel_none", self.lang))
        elif entries[0].get("ok"):
            self.last.setText(render("backup_panel_last_ok", self.lang, at=_when(entries[0]),
                                     events=entries[0].get("events")))
        else:
            self.last.setText(render("backup_panel_last_failed", self.lang, at=_when(entries[0]),
                                     reason=self._reason_text(entries[0])))
        self.table.setRowCount(len(entries))
        for row, e in enumerate(entries):
            check = render("backup_panel_check_ok", self.lang) if e.get("ok") else self._reason_text(e)
            reason = render(f"backup_reason_{e.get('reason')}", self.lang)
            cells = (_when(e), e.get("folder", ""), "" if e.get("events") is None else str(e["events"]), check,
                     reason)
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))


def _when(entry: dict[str, Any]) -> str:
    try:
        return f"{datetime.fromisoformat(entry['at']):%m-%d %H:%M:%S}"
    except (KeyError, ValueError):
        return "-"
