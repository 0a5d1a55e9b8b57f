"""The sync protocol, in one place: paths, limits, the wire form of an event, checks and checksums.

Both ends import this module: the client (``sync/client``) and the server (``sync/server``). The
prose description is ``docs/sync-protocol.md``; a change here is a change there.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from station.store import Event

VERSION = 1
PREFIX = "/v1"

MAX_BATCH_EVENTS = 1000  # a push carries at most this many events...
MAX_BATCH_BYTES = 1_000_000  # ...and the client stops adding events at about this many bytes
MAX_BODY_BYTES = 4_000_000  # the server refuses a request body larger than this (413)
MAX_EVENT_BYTES = 64_000  # one event's payload, encoded
MAX_PAGE = 1000  # a pull page holds at most this many events
MAX_WAIT_SECONDS = 30  # the longest a pull may wait for new events (long-poll)

ROLES = ("station", "hub", "district")

ORIGIN_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
SITE_RE = re.compile(r"[A-Za-z0-9_\-.\u4e00-\u9fff]{1,64}")
TYPE_RE = re.compile(r"[A-Z][A-Za-z]{1,39}")
HLC_RE = re.compile(r"\d{13}\.\d{5}\.[A-Za-z0-9_-]{1,32}")
WIRE_FIELDS = ("id", "origin", "seq", "hlc", "type", "visit_id", "staff_id", "payload", "recorded_at")


class ProtocolError(Exception):
    """A request or an event that breaks the protocol: a stable code and a reason in English."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason

    def as_dict(self) -> dict[str, str]:
        return {"error": self.code, "reason": self.reason}


def canonical(value: Any) -> bytes:
    """The one JSON encoding that digests and checksums are computed over."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def encode_event(event: Event) -> dict[str, Any]:
    return {f: getattr(event, f) for f in WIRE_FIELDS}


def event_digest(event: Event) -> str:
    """sha256 of the event's canonical form: two events with one (origin, seq) match when this matches."""
    return hashlib.sha256(canonical(encode_event(event))).hexdigest()


def page_checksum(events: list[Event]) -> str:
    """sha256 over the events of a page in order; the client recomputes it from what it received."""
    h = hashlib.sha256()
    for event in events:
        h.update(canonical(encode_event(event)))
        h.update(b"\n")
    return h.hexdigest()


def _need(cond: bool, reason: str) -> None:
    if not cond:
        raise ProtocolError("malformed_event", reason)


def decode_event(data: Any) -> Event:
    """Check one event in wire form and build it; ProtocolError("malformed_event") says what is wrong.

    Text must be storable on every node: valid Unicode throughout (JSON may carry lone surrogates,
    ``"\\ud800"``, which no digest can encode) and no NUL in the free-text columns (PostgreSQL refuses
    it; inside the payload a NUL is escaped JSON and fine)."""
    try:
        return _decode_event(data)
    except UnicodeEncodeError:
        raise ProtocolError("malformed_event", "text is not valid Unicode (a lone surrogate)") from None


def _decode_event(data: Any) -> Event:
    _need(isinstance(data, dict), "an event must be a JSON object")
    missing = [f for f in WIRE_FIELDS if f not in data]
    _need(not missing, f"missing fields: {', '.join(missing)}")
    extra = sorted(set(data) - set(WIRE_FIELDS))
    _need(not extra, f"unknown fields: {', '.join(extra)}")
    _need(isinstance(data["id"], str) and _is_uuid(data["id"]), "id must be a UUID")
    origin = data["origin"]
    _need(isinstance(origin, str) and ORIGIN_RE.fullmatch(origin) is not None, "origin must be a station id")
    seq = data["seq"]
    _need(type(seq) is int and 1 <= seq < 2**62, "seq must be a positive integer")
    _need(isinstance(data["hlc"], str) and HLC_RE.fullmatch(data["hlc"]) is not None, "hlc is not a stamp")
    _need(isinstance(data["type"], str) and TYPE_RE.fullmatch(data["type"]) is not None, "type is not a name")
    for f in ("visit_id", "staff_id"):
        _need(
            data[f] is None or (isinstance(data[f], str) and len(data[f]) <= 128), f"{f} must be text or null"
        )
    _need(isinstance(data["payload"], dict), "payload must be a JSON object")
    _need(len(canonical(data["payload"])) <= MAX_EVENT_BYTES, "payload too large")
    _need(isinstance(data["recorded_at"], str) and len(data["recorded_at"]) <= 64, "recorded_at must be text")
    for f in ("visit_id", "staff_id", "recorded_at"):
        if data[f] is not None:
            _need("\x00" not in data[f], f"{f} holds a NUL character")
            data[f].encode()  # a lone surrogate raises UnicodeEncodeError
    return Event(**{f: data[f] for f in WIRE_FIELDS})


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return len(text) == 36


@dataclass(frozen=True)
class Rejected:
    """One event of a push that was not stored, and why (``malformed_event``, ``event_mismatch``...)."""

    index: int
    origin: str | None
    seq: int | None
    error: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "origin": self.origin,
            "seq": self.seq,
            "error": self.error,
            "reason": self.reason,
        }


def batches(events: list[Event], *, max_events: int = MAX_BATCH_EVENTS, max_bytes: int = MAX_BATCH_BYTES):
    """Split events into push batches of at most ``max_events`` events and about ``max_bytes`` bytes."""
    batch: list[dict[str, Any]] = []
    size = 0
    for event in events:
        wire = encode_event(event)
        n = len(canonical(wire)) + 1
        if batch and (len(batch) >= max_events or size + n > max_bytes):
            yield batch
            batch, size = [], 0
        batch.append(wire)
        size += n
    if batch:
        yield batch
