"""One scan per code: the same text seen again within a few seconds is the same scan.

A code held in front of the camera is seen in every frame; it counts once, and counts again only
after it has been out of sight for ``window`` seconds (the window runs from the last sighting).
"""

from __future__ import annotations

import time
from collections.abc import Callable

DEFAULT_WINDOW = 3.0


class Debouncer:
    def __init__(self, window: float = DEFAULT_WINDOW, clock: Callable[[], float] = time.monotonic) -> None:
        if window < 0:
            raise ValueError("window must be >= 0")
        self.window = window
        self.clock = clock
        self._last: dict[str, float] = {}

    def accept(self, text: str) -> bool:
        """True when ``text`` is a new scan; False when it is the one seen within the window."""
        now = self.clock()
        # forget codes out of sight for longer than the window (keeps the dict small on a long day)
        if len(self._last) > 64:
            self._last = {t: at for t, at in self._last.items() if now - at <= self.window}
        last = self._last.get(text)
        self._last[text] = now
        return last is None or now - last > self.window

    def reset(self) -> None:
        """Forget everything (the desk moved on to the next person, say)."""
        self._last.clear()
