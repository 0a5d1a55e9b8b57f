"""What every page shares: the station's store, this laptop's settings, the rules, who is logged in.

Pages never talk to each other. They act through the domain and listen to ``records_did_change``,
which fires after every local write and when another process or laptop changed the database
(``PRAGMA data_version`` polled once a second: a cheap check that reads no rows).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from station import staff as staffmod
from station.errors import DomainError
from station.rules import Rules, load_rules
from station.settings import Settings
from station.store import Event, Store
from ui.qt import QObject, QTimer, Signal

T = TypeVar("T")


class StationHub(QObject):
    records_did_change = Signal()
    staff_did_change = Signal()
    idle_did_lock = Signal()  # the idle timer locked the window
    did_lock = Signal(str)  # the window locked: "idle" (the timer) or "manual" (F12, the lock button)
    sync_did_change = Signal()
    hub_will_close = Signal()  # the store closes next: pages and the header stop their timers

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        lang: str = "zh",
        rules: Rules | None = None,
        poll_ms: int = 1000,
    ) -> None:
        super().__init__()
        self.store = store
        self.settings = settings
        self.lang = "en" if lang.startswith("en") else "zh"
        self.rules = rules or load_rules()
        self.staff: staffmod.Session | None = None  # proven by the PIN at login (#13)
        # set by ui/app.py run(): writes the settings file (tests leave it None: nothing written)
        self.settings_saver: Callable[[], Any] | None = None
        self._dirty = False
        self.closed = False
        self.sync_worker = None  # sync.client.worker.SyncWorker once this station has joined a hub
        self.sync_options: dict[str, Any] = {}
        store.listeners.append(self._on_event)
        self._data_version = self._read_data_version()
        self._poll = QTimer(self)
        self._poll.setInterval(poll_ms)
        self._poll.timeout.connect(self._check_outside_changes)
        self._poll.start()
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(lambda: self.lock("idle"))
        self.set_idle_minutes(settings.idle_lock_minutes)

    # --- time and identity -------------------------------------------------------------------
    def now(self) -> datetime:
        return self.store.now()

    def today(self) -> date:
        return self.store.now().date()

    @property
    def staff_id(self) -> str | None:
        return self.staff.staff_id if self.staff else None

    def may(self, permission: str) -> bool:
        return bool(self.staff and self.staff.may(permission))

    def login(self, staff_id: str, pin: str) -> staffmod.Session:
        self.staff = staffmod.login(self.store, staff_id.strip(), pin)
        self.staff_did_change.emit()
        self.touch()
        return self.staff

    def logout(self) -> None:
        self.staff = None
        self.staff_did_change.emit()

    # --- idle lock ---------------------------------------------------------------------------
    def set_idle_minutes(self, minutes: int) -> None:
        self._idle.setInterval(max(1, int(minutes)) * 60_000)
        self.touch()

    def touch(self) -> None:
        """A key or click happened: restart the idle countdown."""
        if self.staff:
            self._idle.start()

    def lock(self, reason: str = "idle") -> None:
        """Log out now: ``reason`` is "idle" (the idle timer) or "manual" (F12), for what the window says."""
        if self.staff:
            self.staff = None
            self._idle.stop()
            self.staff_did_change.emit()
            if reason == "idle":
                self.idle_did_lock.emit()
            self.did_lock.emit(reason)

    # --- acting ------------------------------------------------------------------------------
    def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call a domain command as the logged-in staff member; DomainError propagates to the page."""
        if self.staff is None:
            raise DomainError("login_required")
        self.touch()
        result = fn(self.store, *args, staff_id=self.staff, **kwargs)  # the Session, not a bare id
        self._flush()
        return result

    def save_settings(self) -> bool:
        """Keep a change of ``settings`` (the camera chosen, say); False when this hub has no file."""
        if self.settings_saver is None:
            return False
        self.settings_saver()
        return True

    def message(self, error: DomainError) -> str:
        return error.message(self.lang)

    # --- sync --------------------------------------------------------------------------------
    def start_sync(self) -> bool:
        """Sync in the background when this station has joined a hub; True when running."""
        from sync.client.engine import load_link
        from sync.client.worker import SyncWorker

        if self.sync_worker is not None:
            return True
        if self.store.path is None or load_link(self.store) is None:
            return False
        self.sync_worker = SyncWorker(self.store.path, **self.sync_options).start()
        self.sync_did_change.emit()
        return True

    def stop_sync(self) -> None:
        if self.sync_worker is not None:
            self.sync_worker.stop()
            self.sync_worker = None

    def sync_status(self) -> dict[str, Any]:
        from sync.client.engine import status

        state = status(self.store)
        worker = self.sync_worker
        state["running"] = worker is not None
        if worker is not None and worker.last_ok and worker.last_ok > (state["last_ok"] or ""):
            if not state["offline_since"] or worker.last_ok > state["offline_since"]:
                state["last_ok"] = worker.last_ok
        return state

    # --- change notification -----------------------------------------------------------------
    def _on_event(self, event: Event) -> None:
        self._dirty = True
        if self.sync_worker is not None and event.origin == self.store.origin:
            self.sync_worker.wake()  # push right after each local write

    def _flush(self) -> None:
        if self._dirty:
            self._dirty = False
            self._data_version = self._read_data_version()
            self.records_did_change.emit()

    def _read_data_version(self) -> int:
        return self.store.conn.execute("PRAGMA data_version").fetchone()[0]

    def _check_outside_changes(self) -> None:
        version = self._read_data_version()
        if version != self._data_version or self._dirty:
            self._data_version = version
            self._dirty = False
            self.records_did_change.emit()

    def close(self) -> None:
        """Stop watching the database (before the store is closed)."""
        self.closed = True
        self.hub_will_close.emit()
        self._poll.stop()
        self._idle.stop()
        self.stop_sync()
        self.staff = None
        if self._on_event in self.store.listeners:
            self.store.listeners.remove(self._on_event)

    def refresh(self) -> None:
        """Tell every page to re-read (used after settings change, and by tests)."""
        self.records_did_change.emit()
