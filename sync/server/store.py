"""What the server keeps, behind one small interface: SQLite (a hub, one file) or PostgreSQL (a district).

Both implementations pass the same tests (tests/test_sync_store.py). Every method is safe to call
from several threads at once (the app runs them in a thread pool).
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from station.store import Event
from sync.protocol import Rejected


@dataclass(frozen=True)
class Credential:
    """Who is calling: a station (pushes its own origin), a hub (its site's origins) or a district (all)."""

    token_id: str  # a short public id of the credential (for listing and revoking)
    role: str  # "station" | "hub" | "district"
    site: str | None  # None for a district credential: it reads every site
    station: str | None  # the origin of a station credential; the hub's own name for a hub
    created_at: str
    revoked_at: str | None = None


@dataclass
class PushResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    hwm: dict[str, int] = field(default_factory=dict)  # contiguous high-water mark per origin of the batch


@dataclass(frozen=True)
class Page:
    events: list[tuple[int, Event]]  # (server position, event), in position order
    next: int  # the cursor to ask from next time: the position of the last event read
    head: int  # the highest position the server holds (of any site)


class ServerStore(ABC):
    """The server's log (events by server position) plus enrollment codes, credentials, small state."""

    server_id: str  # a UUID made when the store is created; pinned by the stations that join
    # an event stamped further ahead of this server's clock is refused (``event_future``): a laptop
    # with a wrong date must not put its years-ahead stamps into every desk's log (#13). None: no
    # check (a server whose own clock cannot be trusted); ``station-server serve --clock-margin-hours``
    clock_margin_hours: float | None = 24
    wall_ms: Callable[[], int] = staticmethod(lambda: time.time_ns() // 1_000_000)

    # --- the log ------------------------------------------------------------------------------
    def future_check(self) -> tuple[int, int] | None:
        """(this server's wall time, the margin), both in ms, for ``plan_push``; None: not checked."""
        if self.clock_margin_hours is None:
            return None
        return self.wall_ms(), int(self.clock_margin_hours * 3_600_000)

    @abstractmethod
    def push(self, events: list[Event], *, site: str, allowed_origins: set[str] | None) -> PushResult:
        """Store a batch in ONE transaction, each event checked on its own.

        Idempotent by (origin, seq): an event already held with the same digest counts as a
        duplicate; held with another digest is rejected ``event_mismatch``; a seq that is not the
        origin's next (after what is held and what this batch added) is rejected ``event_gap``; an
        origin bound to another site is rejected ``origin_other_site``; an origin not in
        ``allowed_origins`` (when given) is rejected ``origin_not_allowed``; one stamped more than
        ``clock_margin_hours`` ahead of this server's clock is rejected ``event_future`` (and the
        origin's later events of the batch ``event_gap``, until its clock is put right). Rejected events are
        never stored and never roll back the good ones. New origins are bound to ``site``.
        ``hwm`` gives, for every origin in the batch, the highest seq now held (0 when none).
        """

    @abstractmethod
    def read(self, after: int, limit: int, *, site: str | None) -> Page:
        """Events with position > after, in position order, at most ``limit``; only ``site``'s
        events unless site is None. ``next`` is the last position returned (``after`` if none)."""

    @abstractmethod
    def hwm(self, *, site: str | None) -> dict[str, int]:
        """Highest seq held per origin (of ``site``, or of all when None)."""

    @abstractmethod
    def head(self) -> int:
        """The highest position held (0 when empty)."""

    @abstractmethod
    def events_after(self, hwm: dict[str, int], limit: int) -> list[Event]:
        """For forwarding upstream: events whose seq is above ``hwm`` for their origin (0 when the
        origin is absent), ordered by (origin, seq), at most ``limit``."""

    @abstractmethod
    def stats(self) -> dict[str, Any]:
        """{"events": total, "origins": {origin: count}, "types": {type: count}, "sites": {site: count},
        "server_id": ..., "head": ...}"""

    # --- enrollment and credentials ----------------------------------------------------------
    @abstractmethod
    def add_code(self, code_hash: str, *, role: str, site: str | None, expires_at: str) -> None:
        """Keep a one-time enrollment code (its hash only)."""

    @abstractmethod
    def redeem(
        self, code_hash: str, *, station: str, token_hash: str, token_id: str, now: str
    ) -> Credential | None:
        """Trade a live, unused, unexpired code for a credential, in one transaction; None when
        the code is unknown, used or expired. A station credential for an origin that already has a
        live credential in another site, or whose events are bound to another site, is refused (None is not enough there: raise
        ProtocolError("station_id_taken", ...))."""

    @abstractmethod
    def credential(self, token_hash: str) -> Credential | None:
        """The live (not revoked) credential with this token hash."""

    @abstractmethod
    def credentials(self) -> list[Credential]:
        """Every credential, revoked ones too."""

    @abstractmethod
    def revoke(self, token_id: str, *, now: str) -> bool:
        """Revoke a credential; False when unknown or already revoked."""

    # --- small state (the server's own keys, the upstream link and its checkpoint) ------------
    @abstractmethod
    def get_meta(self, key: str) -> str | None: ...

    @abstractmethod
    def set_meta(self, key: str, value: str | None) -> None: ...

    # --- plain SQL, for the parts that keep tables of their own (keys, viewers, reconciliation) --
    @abstractmethod
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Rows of one read, in one transaction. ``?`` marks a parameter on either database."""

    @abstractmethod
    def execute(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> list[int]:
        """Run writes in one transaction (all or none); the number of rows each touched.

        SQL common to SQLite and PostgreSQL only (``ON CONFLICT ... DO UPDATE`` is fine; ``INSERT OR
        REPLACE`` is not); ``?`` marks a parameter."""

    @abstractmethod
    def close(self) -> None: ...


def open_store(url: str) -> ServerStore:
    """A store from ``--db``: a file path (SQLite) or ``postgresql://...`` (PostgreSQL)."""
    if url.startswith(("postgresql://", "postgres://")):
        from sync.server.pgstore import PostgresStore

        return PostgresStore(url)
    from sync.server.sqlitestore import SqliteStore

    return SqliteStore(url)
