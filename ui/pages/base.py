"""What every desk page has: the hub, a banner for messages, and a refresh on every change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from station.errors import DomainError
from ui.hub import StationHub
from ui.qt import QTimer, QWidget
from ui.widgets import Banner


class Page(QWidget):
    role = ""  # the desk role this page serves (settings.desk_roles)
    permission = ""  # what the logged-in staff needs to act here

    def __init__(self, hub: StationHub) -> None:
        super().__init__()
        self.hub = hub
        self.banner = Banner()
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

    def act(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a domain command; a refusal is shown in the banner (translated) and returns None."""
        try:
            return self.hub.run(fn, *args, **kwargs)
        except DomainError as exc:
            self.banner.show_message(self.hub.message(exc), "error")
            return None
