"""The sync protocol, in one place: paths, limits, the wire form of an event, checks and checksums.

Both ends import this module: the client (``sync/client``) and the server (``sync/server``). The
prose description is ``docs/sync-protocol.md``; a change here is a change there.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import operator
import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any, NamedTuple

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


# One encoder for every canonical text (json.dumps with options builds a new one per call).
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def canonical(value: Any) -> bytes:
    """The one JSON encoding that digests and checksums are computed over."""
    return _encode(value).encode()


def encode_event(event: Event) -> dict[str, Any]:
    return {f: getattr(event, f) for f in WIRE_FIELDS}


def event_text(event: Event) -> bytes:
    """``canonical(encode_event(event))``: the event's canonical form, with one JSON encoding (its payload's)."""
    return _event_text_and_payload(event)[0]


def event_digest(event: Event) -> str:
    """sha256 of the event's canonical form: two events with one (origin, seq) match when this matches."""
    return hashlib.sha256(event_text(event)).hexdigest()


def page_checksum(events: list[Event]) -> str:
    """sha256 over the events of a page in order; the client recomputes it from what it received."""
    return texts_checksum([event_text(e) for e in events])


def texts_checksum(texts: Sequence[bytes]) -> str:
    """``page_checksum`` of events given as their canonical forms: each followed by a newline."""
    if not texts:
        return hashlib.sha256().hexdigest()
    return hashlib.sha256(b"\n".join(texts) + b"\n").hexdigest()


# --- canonical forms without encoding an event twice -----------------------------------------------------
# The canonical form of an event is {"hlc":..,"id":..,"origin":..,"payload":P,"recorded_at":..,"seq":..,
# "staff_id":..,"type":..,"visit_id":..} (keys sorted) with P the payload's canonical text. When every
# field but the payload is text (or null, or the int seq), the form can be put together from P and the
# fields, each quoted as the encoder quotes text: P is encoded once (or not at all, when it is read from
# a store that keeps it as canonical text) and nothing is decoded. Anything else takes the plain way.
def _splice(
    id: str,
    origin: str,
    seq: int,
    hlc: str,
    type: str,
    visit_id: str | None,
    staff_id: str | None,
    payload: str,
    recorded_at: str,
) -> str:
    return "".join(
        (
            '{"hlc":',
            encode_basestring(hlc),
            ',"id":',
            encode_basestring(id),
            ',"origin":',
            encode_basestring(origin),
            ',"payload":',
            payload,
            ',"recorded_at":',
            encode_basestring(recorded_at),
            ',"seq":',
            int.__repr__(seq),
            ',"staff_id":',
            "null" if staff_id is None else encode_basestring(staff_id),
            ',"type":',
            encode_basestring(type),
            ',"visit_id":',
            "null" if visit_id is None else encode_basestring(visit_id),
            "}",
        )
    )


def _plain(values: Sequence[Any]) -> bool:
    """True when ``values`` (WIRE_FIELDS order, payload aside) are what ``_splice`` puts together as the
    encoder would: text, text or null for visit_id and staff_id, an int (not a bool) for seq."""
    id_, origin, seq, hlc, type_, visit_id, staff_id, _payload, recorded_at = values
    return (
        type(id_) is str
        and type(origin) is str
        and type(seq) is int
        and type(hlc) is str
        and type(type_) is str
        and (visit_id is None or type(visit_id) is str)
        and (staff_id is None or type(staff_id) is str)
        and type(recorded_at) is str
    )


def _event_text_and_payload(event: Event) -> tuple[bytes, str]:
    """(the event's canonical form, its payload's canonical text), the payload encoded once."""
    values = [getattr(event, f) for f in WIRE_FIELDS]
    if _SPLICE_OK and _plain(values):
        payload = _encode(event.payload)
        values[7] = payload
        return _splice(*values).encode(), payload
    return canonical(encode_event(event)), _encode(event.payload)


def row_text(row: Sequence[Any]) -> bytes:
    """The canonical form of an event from a stored row: its fields in WIRE_FIELDS order with the payload
    as the canonical JSON text a store keeps (``sync.protocol.canonical``, ``Store.values``). The payload
    text is taken as it is, neither decoded nor checked: a row that is not as a store writes it (a payload
    that is not canonical text) gives a text that is not the event's canonical form."""
    if _SPLICE_OK and _plain(row) and type(row[7]) is str:
        return _splice(*row).encode()
    data = dict(zip(WIRE_FIELDS, row, strict=True))
    data["payload"] = json.loads(data["payload"]) if isinstance(data["payload"], str) else data["payload"]
    return canonical(data)


def _splice_matches_protocol() -> bool:
    sample = Event(
        id="00000000-0000-4000-8000-000000000000",
        origin="o",
        seq=7,
        hlc="1764115200000.00001.o",
        type="SignedIn",
        visit_id=None,
        staff_id='a"b\\c\n\u2028张\x00\x7f',
        payload={
            "z": 1.5e300,
            "a": ["张三", {"recorded_at": ',"recorded_at":'}],
            "payload": None,
            "n": 2**70,
        },
        recorded_at="2026-11-26T08:00:00+08:00",
    )
    values = [getattr(sample, f) for f in WIRE_FIELDS]
    values[7] = _encode(sample.payload)
    return _splice(*values).encode() == canonical(encode_event(sample))


_SPLICE_OK = (
    WIRE_FIELDS == ("id", "origin", "seq", "hlc", "type", "visit_id", "staff_id", "payload", "recorded_at")
    and _splice_matches_protocol()
)


def _need(cond: bool, reason: str) -> None:
    if not cond:
        raise ProtocolError("malformed_event", reason)


class Wire(NamedTuple):
    """An event checked and built from its wire form, with the texts the stores and checksums need."""

    event: Event
    text: bytes  # its canonical form: canonical(encode_event(event))
    payload: str  # its payload's canonical text: canonical(event.payload).decode()


def decode_event(data: Any) -> Event:
    """Check one event in wire form and build it; ProtocolError("malformed_event") says what is wrong.

    Text must be storable on every node: valid Unicode throughout (JSON may carry lone surrogates,
    ``"\\ud800"``, which no digest can encode) and no NUL in the free-text columns (PostgreSQL refuses
    it; inside the payload a NUL is escaped JSON and fine)."""
    return decode_wire(data).event


def decode_wire(data: Any) -> Wire:
    """``decode_event`` (the same checks, the same reasons), and the event's canonical form and its
    payload's canonical text, from one JSON encoding of the payload."""
    try:
        return _decode_wire(data)
    except UnicodeEncodeError:
        raise ProtocolError("malformed_event", "text is not valid Unicode (a lone surrogate)") from None


_WIRE_KEYS = frozenset(WIRE_FIELDS)
_fields_of = operator.itemgetter(*WIRE_FIELDS)


def _decode_wire(data: Any) -> Wire:
    # The usual event passes every check at once here: the checks of _decode_checked on exact types,
    # the payload's and the text's aside. Anything else is checked step by step there, which finds the
    # first thing wrong and names it.
    if type(data) is not dict or data.keys() != _WIRE_KEYS:
        return _decode_checked(data)
    id_, origin, seq, hlc, type_, visit_id, staff_id, payload, recorded_at = _fields_of(data)
    if not (
        type(id_) is str
        and _UUID_RE.fullmatch(id_) is not None
        and type(origin) is str
        and ORIGIN_RE.fullmatch(origin) is not None
        and type(seq) is int
        and 1 <= seq < 2**62
        and type(hlc) is str
        and HLC_RE.fullmatch(hlc) is not None
        and type(type_) is str
        and TYPE_RE.fullmatch(type_) is not None
        and (visit_id is None or (type(visit_id) is str and len(visit_id) <= 128 and "\x00" not in visit_id))
        and (staff_id is None or (type(staff_id) is str and len(staff_id) <= 128 and "\x00" not in staff_id))
        and type(payload) is dict
        and type(recorded_at) is str
        and len(recorded_at) <= 64
        and "\x00" not in recorded_at
        and _SPLICE_OK
    ):
        return _decode_checked(data)
    payload_text = _encode(payload)
    # as in _decode_checked: a lone surrogate in the payload raises here, then one in the text fields
    # raises below (every other check has passed), each UnicodeEncodeError naming the same reason
    _need(len(payload_text.encode()) <= MAX_EVENT_BYTES, "payload too large")
    # id, origin, hlc and type are as their patterns say: nothing in them to escape
    text = (
        f'{{"hlc":"{hlc}","id":"{id_}","origin":"{origin}","payload":{payload_text}'
        f',"recorded_at":{encode_basestring(recorded_at)},"seq":{seq}'
        f',"staff_id":{"null" if staff_id is None else encode_basestring(staff_id)}'
        f',"type":"{type_}","visit_id":{"null" if visit_id is None else encode_basestring(visit_id)}}}'
    ).encode()
    return Wire(_event_from_fields(data), text, payload_text)


def _decode_checked(data: Any) -> Wire:
    _need(isinstance(data, dict), "an event must be a JSON object")
    missing = [f for f in WIRE_FIELDS if f not in data]
    _need(not missing, f"missing fields: {', '.join(missing)}")
    extra = sorted(set(data) - _WIRE_KEYS)
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
    payload_text = _encode(data["payload"])
    _need(len(payload_text.encode()) <= MAX_EVENT_BYTES, "payload too large")
    _need(isinstance(data["recorded_at"], str) and len(data["recorded_at"]) <= 64, "recorded_at must be text")
    for f in ("visit_id", "staff_id", "recorded_at"):
        if data[f] is not None:
            _need("\x00" not in data[f], f"{f} holds a NUL character")
            data[f].encode()  # a lone surrogate raises UnicodeEncodeError
    event = Event(**{f: data[f] for f in WIRE_FIELDS})
    text, _ = _event_text_and_payload(event)
    return Wire(event, text, payload_text)


def _event_from_fields(data: dict[str, Any]) -> Event:
    """``Event(**data)`` for a dict of exactly the event's fields, without the frozen dataclass's
    ``__init__`` (nine ``object.__setattr__`` calls, a quarter of a pulled event's checks): the
    instance's ``__dict__`` is filled in one step. Used only while ``_FAST_EVENT`` has found that this
    gives what ``Event(**data)`` gives (no slots, no ``__post_init__``, the same attributes)."""
    if not _FAST_EVENT:
        return Event(**data)
    event = _new(Event)
    event.__dict__.update(data)
    return event


_new = object.__new__


def _fast_event_ok() -> bool:
    if "__slots__" in vars(Event) or hasattr(Event, "__post_init__"):
        return False
    if tuple(f.name for f in dataclasses.fields(Event)) != WIRE_FIELDS:
        return False
    data = {f: f"x{i}" for i, f in enumerate(WIRE_FIELDS)}
    made, built = _new(Event), Event(**data)
    made.__dict__.update(data)
    return made == built and vars(made) == vars(built) and repr(made) == repr(built)


_FAST_EVENT = _fast_event_ok()


_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _is_uuid(text: str) -> bool:
    """36 characters that ``uuid.UUID`` reads: the usual form by a regex, any other by ``uuid.UUID``."""
    if len(text) != 36:
        return False
    if _UUID_RE.fullmatch(text) is not None:
        return True
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


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
    events = list(events)
    for start, stop in batch_bounds(
        [len(event_text(e)) for e in events], max_events=max_events, max_bytes=max_bytes
    ):
        yield [encode_event(e) for e in events[start:stop]]


def batch_bounds(
    sizes: Sequence[int], *, max_events: int = MAX_BATCH_EVENTS, max_bytes: int = MAX_BATCH_BYTES
) -> Iterator[tuple[int, int]]:
    """Push batches as (start, stop) slices of events of these encoded sizes: at most ``max_events``
    events and about ``max_bytes`` bytes (each event's size and a separator), never empty."""
    start, size = 0, 0
    for i, n in enumerate(sizes):
        n += 1
        if i > start and (i - start >= max_events or size + n > max_bytes):
            yield start, i
            start, size = i, 0
        size += n
    if start < len(sizes):
        yield start, len(sizes)
