"""What the two SQL stores (SQLite and PostgreSQL) share: the per-event checks of a push, the schema's
shape, small conversions. Each store reads and writes its own database; the decisions are made here,
once, so that both answer a batch the same way.
"""

from __future__ import annotations

import hashlib
import json
from abc import abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from station.hlc import Stamp
from station.store import Event
from sync import protocol
from sync.protocol import WIRE_FIELDS, Rejected, Wire, _event_text_and_payload, canonical, row_text
from sync.server.store import Credential, PushResult, ServerStore

SCHEMA_VERSION = 2

# Columns of the events table as the stores write them (pos is assigned by the database).
EVENT_INSERT_COLUMNS = (
    "origin",
    "seq",
    "id",
    "hlc",
    "type",
    "visit_id",
    "staff_id",
    "payload",
    "recorded_at",
    "site",
    "digest",
)
# Columns read back to build (pos, Event).
EVENT_READ_COLUMNS = "pos, id, origin, seq, hlc, type, visit_id, staff_id, payload, recorded_at"
CREDENTIAL_COLUMNS = "token_id, role, site, station, created_at, revoked_at"


def event_from_row(row: tuple) -> tuple[int, Event]:
    pos, id_, origin, seq, hlc, type_, visit_id, staff_id, payload, recorded_at = row
    return pos, Event(
        id=id_,
        origin=origin,
        seq=seq,
        hlc=hlc,
        type=type_,
        visit_id=visit_id,
        staff_id=staff_id,
        payload=payload_from_db(payload),
        recorded_at=recorded_at,
    )


def payload_from_db(text: str) -> dict[str, Any]:
    return json.loads(text)


def credential_from_row(row: tuple) -> Credential:
    token_id, role, site, station, created_at, revoked_at = row
    return Credential(
        token_id=token_id, role=role, site=site, station=station, created_at=created_at, revoked_at=revoked_at
    )


def pushed_at() -> str:
    """The time a push is stored, UTC to the second (``origins.last_push_at``: the live view's last sync)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def is_expired(expires_at: str, now: str) -> bool:
    """True when ``now`` is at or past ``expires_at`` (ISO 8601 text; compared as instants when both
    parse with the same awareness, as text otherwise)."""
    try:
        a, b = datetime.fromisoformat(expires_at), datetime.fromisoformat(now)
        if (a.tzinfo is None) == (b.tzinfo is None):
            return b >= a
    except ValueError:
        pass
    return now >= expires_at


@dataclass
class PushPlan:
    """A batch checked against what the store holds: what to insert, what to bind, what to answer."""

    result: PushResult
    rows: list[tuple] = field(default_factory=list)  # for the events table, EVENT_INSERT_COLUMNS order
    tops: dict[str, int] = field(default_factory=dict)  # origin -> highest seq after the batch (changed only)
    new_origins: set[str] = field(default_factory=set)  # origins to bind to the pushing site


def resent(
    events: Iterable[Event], bound: dict[str, tuple[str, int]], *, site: str, allowed_origins: set[str] | None
) -> dict[str, list[int]]:
    """Per origin, the held seqs that this batch sends again: the only digests a push has to read."""
    out: dict[str, list[int]] = {}
    for e in events:
        b = bound.get(e.origin)
        if b is None or b[0] != site or (allowed_origins is not None and e.origin not in allowed_origins):
            continue
        if type(e.seq) is int and 1 <= e.seq <= b[1]:
            out.setdefault(e.origin, []).append(e.seq)
    return out


def prepare(events: list[Event]) -> list[tuple[str, str]]:
    """Each event's digest and canonical payload text: the costly part of a push, done before the
    store locks anything. One JSON encoding per event (its payload's): ``protocol.event_text``.
    The app has both already (``protocol.decode_wire``) and passes them to ``push(prepared=...)``."""
    out = []
    for e in events:
        text, payload = _event_text_and_payload(e)
        out.append((hashlib.sha256(text).hexdigest(), payload))
    return out


def prepared_from_wire(wires: Iterable[Wire]) -> list[tuple[str, str]]:
    """``prepare`` of events checked by ``protocol.decode_wire``, from the texts it made."""
    return [(hashlib.sha256(w.text).hexdigest(), w.payload) for w in wires]


_SPLICE_OK = protocol._SPLICE_OK  # the canonical forms are put together, not encoded twice


class SqlStore(ServerStore):
    """What both SQL stores add to ``ServerStore`` for the app: a push given each event's digest and
    payload text (``prepared``, from the app's checks), and pages read as the pull answer sends them."""

    @abstractmethod
    def push(
        self,
        events: list[Event],
        *,
        site: str,
        allowed_origins: set[str] | None,
        prepared: list[tuple[str, str]] | None = None,
    ) -> PushResult:
        """``ServerStore.push``; ``prepared``: ``prepare(events)`` when the caller has it."""

    @abstractmethod
    def read_texts(self, after: int, limit: int, *, site: str | None) -> TextPage:
        """``read``, each event as its canonical form (the pull answer's text; nothing decoded)."""


@dataclass(frozen=True)
class TextPage:
    """A page of the log as the pull answer sends it: each event's position and canonical form."""

    positions: list[int]
    texts: list[bytes]
    next: int  # the position of the last event read (``after`` when none)
    head: int


def text_page(rows: list[tuple], after: int, head: int) -> TextPage:
    """A page from rows of ``EVENT_READ_COLUMNS``: the payload column holds the canonical text that
    ``prepare`` made, spliced into each event's canonical form as it is (nothing decoded)."""
    positions = [row[0] for row in rows]
    texts = [row_text(row[1:]) for row in rows]
    return TextPage(positions, texts, positions[-1] if positions else after, head)


def canonical_text_sql(quote: Callable[[str], str], number: Callable[[str], str]) -> str:
    """An SQL expression for an event's canonical form from its columns, the database doing
    ``protocol.row_text``: the keys in canonical order, ``quote(column)`` for JSON text or null,
    ``number(column)`` for the seq, the payload column (canonical text, from ``prepare``) as it is.
    A store uses it only once ``SAMPLE_ROWS`` have come out as ``row_text`` makes them."""
    parts = []
    for f in sorted(WIRE_FIELDS):
        value = "payload" if f == "payload" else number(f) if f == "seq" else quote(f)
        parts.append(f"""'{"," if parts else "{"}"{f}":' || {value}""")
    return " || ".join(parts) + " || '}'"


# Awkward but storable events (every store keeps them) as rows: what a database's JSON quoting must
# render as the canonical encoder does before a store lets the database put pages together.
SAMPLE_ROWS: list[tuple[Any, ...]] = [
    (
        "3f2c1a9e-0b7d-4c1e-9a55-1d2b3c4d5e6f",
        "desk-a",
        2**62 - 1,
        "1764115200000.00001.desk-a",
        "SignedIn",
        None,
        'q"b\\s/\x01\x08\t\n\x0b\x0c\r\x1f\x7f\x80\u2028\u2029张😀',
        canonical({"a": ["张", 1.5, None, {"b": "\u0000\n"}], "z": 2**70}).decode(),
        "2026-11-26T08:00:00+08:00",
    ),
    ("0", "o", 1, "h", "T", "", None, "{}", ""),
]


def text_sql_matches(rows: list[Any]) -> bool:
    """True when a database's rendering of ``SAMPLE_ROWS`` (as text or UTF-8 bytes) is ``row_text``'s."""
    got = [r.encode() if isinstance(r, str) else bytes(r) for r in rows]
    return got == [row_text(row) for row in SAMPLE_ROWS]


def _ahead_hours(hlc: str, check: tuple[int, int] | None) -> int | None:
    """How many hours ahead of the server's clock the stamp ``hlc`` is, when more than the margin
    (``check``: the server's wall time and the margin, in ms); None: within it, or not checked."""
    if check is None:
        return None
    now, margin = check
    try:
        wall = Stamp.parse(hlc).wall_ms
    except (ValueError, AttributeError, TypeError):
        return None  # a malformed stamp is the wire check's to refuse
    return round((wall - now) / 3_600_000) if wall > now + margin else None


def plan_push(
    events: list[Event],
    prepared: list[tuple[str, str]],
    *,
    site: str,
    allowed_origins: set[str] | None,
    bound: dict[str, tuple[str, int]],
    held: dict[tuple[str, int], str],
    future: tuple[int, int] | None = None,
) -> PushPlan:
    """Check each event on its own (see ``ServerStore.push``).

    ``future``: (the server's wall time, the margin) in ms; an event stamped further ahead is refused
    ``event_future``.

    ``prepared``: ``prepare(events)``; ``bound``: for the batch's origins that the store knows,
    (site, highest seq held); ``held``: the digests of the held events that the batch sends again
    (``resent``).
    """
    result = PushResult()
    plan = PushPlan(result)
    tops = {origin: top for origin, (_site, top) in bound.items()}
    added: dict[tuple[str, int], str] = {}  # digests of the events this batch adds

    def reject(i: int, e: Event, error: str, reason: str) -> None:
        result.rejected.append(Rejected(i, e.origin, e.seq, error, reason))

    for i, e in enumerate(events):
        origin, seq = e.origin, e.seq
        if allowed_origins is not None and origin not in allowed_origins:
            reject(i, e, "origin_not_allowed", f"this credential may not push events of origin {origin!r}")
            continue
        b = bound.get(origin)
        if b is not None and b[0] != site:
            reject(i, e, "origin_other_site", f"origin {origin!r} belongs to another site")
            continue
        if type(seq) is not int or seq < 1:
            reject(i, e, "malformed_event", "seq must be a positive integer")
            continue
        digest, payload = prepared[i]
        top = tops.get(origin, 0)
        if seq <= top:
            have = added.get((origin, seq)) or held.get((origin, seq))
            if have == digest:
                result.duplicates += 1
            else:
                reject(i, e, "event_mismatch", f"{origin}/{seq} is held with other content")
            continue
        if seq != top + 1:
            reject(i, e, "event_gap", f"{origin}/{seq} does not follow {top}: the next is {top + 1}")
            continue
        ahead = _ahead_hours(e.hlc, future)
        if ahead is not None:
            reject(i, e, "event_future", f"{origin}/{seq} is stamped {ahead} hours ahead of the server's clock "
                   "(that laptop's date is probably wrong); its later events wait behind it")
            continue
        tops[origin] = seq
        added[(origin, seq)] = digest
        plan.rows.append(
            (
                origin,
                seq,
                e.id,
                e.hlc,
                e.type,
                e.visit_id,
                e.staff_id,
                payload,
                e.recorded_at,
                site,
                digest,
            )
        )
        if b is None:
            plan.new_origins.add(origin)
    result.accepted = len(plan.rows)
    plan.tops = {o: t for o, t in tops.items() if t != bound.get(o, (None, 0))[1]}
    for e in events:
        if e.origin not in result.hwm:
            result.hwm[e.origin] = tops.get(e.origin, 0)
    return plan
