"""Hybrid logical clock: wall time plus a counter, so event order survives skewed laptop clocks.

A stamp is a string that sorts in causal order: ``WWWWWWWWWWWWW.CCCCC.origin``
(13-digit milliseconds since the epoch, 5-digit counter, the origin as tie-break).

Thirteen digits of milliseconds last until 2286-11-20 (10**13 ms); a stamp past it would gain a
digit and sort before every other. So the clock has bounds (#13): a wall clock before ``FLOOR_MS``
(2020-01-01, a laptop reset to 1970) or past ``CEILING_MS`` (2200-01-01) is a wrong clock and issues
no stamp, and a remote stamp past the ceiling is never observed. Every stamp ever issued therefore
keeps 13 digits and the format on disk never changes (no migration).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from station.errors import DomainError

# The counter has five digits so that stamps sort as text (SQL compares them with ORDER BY hlc).
# When it would overflow, the stamp moves on by one millisecond instead.
MAX_COUNTER = 99_999
FLOOR_MS = int(datetime(2020, 1, 1, tzinfo=UTC).timestamp() * 1000)  # before the program existed
CEILING_MS = int(datetime(2200, 1, 1, tzinfo=UTC).timestamp() * 1000)  # far below 10**13 (2286)


def wall_problem(wall_ms: int) -> str | None:
    """``clock_too_early`` / ``clock_too_late`` when a wall clock cannot be right, else None."""
    if wall_ms < FLOOR_MS:
        return "clock_too_early"
    if wall_ms >= CEILING_MS:
        return "clock_too_late"
    return None


def _iso(wall_ms: int) -> str:
    try:
        return datetime.fromtimestamp(wall_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (OverflowError, OSError, ValueError):
        return str(wall_ms)


@dataclass(frozen=True, order=True)
class Stamp:
    wall_ms: int
    counter: int
    origin: str

    def __str__(self) -> str:
        return f"{self.wall_ms:013d}.{self.counter:05d}.{self.origin}"

    @classmethod
    def parse(cls, text: str) -> Stamp:
        wall, counter, origin = text.split(".", 2)
        return cls(int(wall), int(counter), origin)


class HybridClock:
    """Issues stamps that never go backwards and stay ahead of every stamp seen."""

    def __init__(self, origin: str, wall: Callable[[], float] = time.time, last: Stamp | None = None) -> None:
        self.origin = origin
        self._wall = wall
        self._last_wall = last.wall_ms if last else 0
        self._last_counter = last.counter if last else 0
        self._lock = threading.Lock()

    def wall_ms(self) -> int:
        """The local wall clock in milliseconds (what the next stamp starts from)."""
        return int(self._wall() * 1000)

    def now(self) -> Stamp:
        """The next stamp. A wall clock past the ceiling issues none (``clock_too_late``): a stamp
        past 2286 would sort before all others for ever. The floor (a clock at 1970) is the
        ``Store``'s check before it writes: stamps from 1970 still sort, they only mislead."""
        with self._lock:
            physical = int(self._wall() * 1000)
            if physical >= CEILING_MS:
                raise DomainError("clock_too_late", clock=_iso(physical))
            if physical > self._last_wall:
                self._last_wall, self._last_counter = physical, 0
            elif self._last_counter >= MAX_COUNTER:
                self._last_wall, self._last_counter = self._last_wall + 1, 0
            else:
                self._last_counter += 1
            if self._last_wall >= CEILING_MS:  # only a log already past the ceiling can lead here
                raise DomainError("clock_too_late", clock=_iso(self._last_wall))
            return Stamp(self._last_wall, self._last_counter, self.origin)

    def observe(self, remote: Stamp) -> None:
        """Move past a stamp received from another node (sync). A stamp past the ceiling is not
        followed (ingest refuses such an event before it gets here; this is the last guard)."""
        if remote.wall_ms >= CEILING_MS:
            return
        with self._lock:
            if (remote.wall_ms, remote.counter) > (self._last_wall, self._last_counter):
                self._last_wall, self._last_counter = remote.wall_ms, remote.counter
