"""Hybrid logical clock: wall time plus a counter, so event order survives skewed laptop clocks.

A stamp is a string that sorts in causal order: ``WWWWWWWWWWWWW.CCCCC.origin``
(13-digit milliseconds since the epoch, 5-digit counter, the origin as tie-break).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# The counter has five digits so that stamps sort as text (SQL compares them with ORDER BY hlc).
# When it would overflow, the stamp moves on by one millisecond instead.
MAX_COUNTER = 99_999


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

    def now(self) -> Stamp:
        with self._lock:
            physical = int(self._wall() * 1000)
            if physical > self._last_wall:
                self._last_wall, self._last_counter = physical, 0
            elif self._last_counter >= MAX_COUNTER:
                self._last_wall, self._last_counter = self._last_wall + 1, 0
            else:
                self._last_counter += 1
            return Stamp(self._last_wall, self._last_counter, self.origin)

    def observe(self, remote: Stamp) -> None:
        """Move past a stamp received from another node (sync)."""
        with self._lock:
            if (remote.wall_ms, remote.counter) > (self._last_wall, self._last_counter):
                self._last_wall, self._last_counter = remote.wall_ms, remote.counter
