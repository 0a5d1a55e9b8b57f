"""The wire form without encoding an event twice (sync/protocol.py): the canonical forms put together
from a payload's canonical text, the checks of ``decode_wire`` against the step-by-step reference, the
batches, the stores' pages as canonical texts and the push that reuses the app's digests.

Each fast path is compared with the plain definition it replaces: ``canonical(encode_event(e))``,
``page_checksum``, the checks of ``decode_event`` as they were written (``reference_decode`` below).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station.store import EVENT_COLUMNS, Event
from sync import protocol
from sync.protocol import (
    MAX_EVENT_BYTES,
    WIRE_FIELDS,
    ProtocolError,
    canonical,
    decode_event,
    decode_wire,
    encode_event,
)
from sync.server.sqlcommon import prepare, prepared_from_wire, text_page

SETTINGS = settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))


# --- the reference: decode_event's checks as they were written (one after the other) ----------------
def reference_decode(data: Any) -> Event:
    def need(cond: bool, reason: str) -> None:
        if not cond:
            raise ProtocolError("malformed_event", reason)

    def is_uuid(text: str) -> bool:
        try:
            uuid.UUID(text)
        except ValueError:
            return False
        return len(text) == 36

    try:
        need(isinstance(data, dict), "an event must be a JSON object")
        missing = [f for f in WIRE_FIELDS if f not in data]
        need(not missing, f"missing fields: {', '.join(missing)}")
        extra = sorted(set(data) - set(WIRE_FIELDS))
        need(not extra, f"unknown fields: {', '.join(extra)}")
        need(isinstance(data["id"], str) and is_uuid(data["id"]), "id must be a UUID")
        origin = data["origin"]
        need(
            isinstance(origin, str) and protocol.ORIGIN_RE.fullmatch(origin) is not None,
            "origin must be a station id",
        )
        seq = data["seq"]
        need(type(seq) is int and 1 <= seq < 2**62, "seq must be a positive integer")
        need(
            isinstance(data["hlc"], str) and protocol.HLC_RE.fullmatch(data["hlc"]) is not None,
            "hlc is not a stamp",
        )
        need(
            isinstance(data["type"], str) and protocol.TYPE_RE.fullmatch(data["type"]) is not None,
            "type is not a name",
        )
        for f in ("visit_id", "staff_id"):
            need(
                data[f] is None or (isinstance(data[f], str) and len(data[f]) <= 128),
                f"{f} must be text or null",
            )
        need(isinstance(data["payload"], dict), "payload must be a JSON object")
        need(len(canonical(data["payload"])) <= MAX_EVENT_BYTES, "payload too large")
        need(
            isinstance(data["recorded_at"], str) and len(data["recorded_at"]) <= 64,
            "recorded_at must be text",
        )
        for f in ("visit_id", "staff_id", "recorded_at"):
            if data[f] is not None:
                need("\x00" not in data[f], f"{f} holds a NUL character")
                data[f].encode()
        return Event(**{f: data[f] for f in WIRE_FIELDS})
    except UnicodeEncodeError:
        raise ProtocolError("malformed_event", "text is not valid Unicode (a lone surrogate)") from None


def outcome(fn, data: Any) -> tuple[str, Any]:
    try:
        return "ok", fn(data)
    except ProtocolError as exc:
        return exc.code, exc.reason


# --- strategies ----------------------------------------------------------------------------------------
awkward_text = st.text(max_size=10) | st.text(
    st.sampled_from(['"', "\\", "\x00", "\x1f", "\x7f", "\u2028", "\ud800", "\udfff", "张", "😀", "a", ","]),
    max_size=6,
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | awkward_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(awkward_text, inner, max_size=3),
    max_leaves=8,
)
payloads = st.dictionaries(
    awkward_text | st.sampled_from(["payload", "recorded_at", "seq", "hlc"]), json_values, max_size=5
)


def good_event(**changes: Any) -> dict[str, Any]:
    event = {
        "id": "3f2c1a9e-0b7d-4c1e-9a55-1d2b3c4d5e6f",
        "origin": "desk-a",
        "seq": 17,
        "hlc": "1764115200000.00001.desk-a",
        "type": "SignedIn",
        "visit_id": "v-1",
        "staff_id": "sign1",
        "payload": {"name": "张三", "n": 1},
        "recorded_at": "2026-11-26T08:00:00+08:00",
    }
    event.update(changes)
    return event


odd_ids = st.sampled_from(
    [
        "3F2C1A9E-0B7D-4C1E-9A55-1D2B3C4D5E6F",
        "urn:" + "0" * 32,
        " " + "0" * 31 + "----",
        "٣" * 32 + "----",
        "0" * 32 + "----",
        "{" + "0" * 32 + "}--",
        "3f2c1a9e-0b7d-4c1e-9a55-1d2b3c4d5e6",
        "3f2c1a9e0b7d4c1e9a551d2b3c4d5e6f",
        "",
    ]
)
field_values = {
    "id": odd_ids | awkward_text,
    "origin": st.sampled_from(["desk-a", "x" * 32, "x" * 33, "", "a b", "张"]) | awkward_text,
    "seq": st.sampled_from([1, 0, -1, 2**62 - 1, 2**62, True, 1.0, "1", None]),
    "hlc": st.sampled_from(
        ["1764115200000.00001.desk-a", "1764115200000.00001.", "١٧٦٤١١٥٢٠٠٠٠٠.00001.d", "x"]
    )
    | awkward_text,
    "type": st.sampled_from(["SignedIn", "S", "signedIn", "X" * 41, "Sign In"]) | awkward_text,
    "visit_id": st.none() | awkward_text | st.sampled_from(["v" * 128, "v" * 129]) | st.integers(),
    "staff_id": st.none() | awkward_text | st.sampled_from(["s" * 128, "s" * 129]) | st.integers(),
    "payload": payloads | st.sampled_from([[], None, "{}", {"big": "x" * MAX_EVENT_BYTES}]),
    "recorded_at": awkward_text | st.sampled_from(["r" * 64, "r" * 65]) | st.none(),
}


@st.composite
def wire_events(draw) -> Any:
    """Mostly near-good events: some fields replaced by awkward values, sometimes one missing or one extra."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.none() | st.integers() | st.lists(st.integers(), max_size=2) | awkward_text)
    event = good_event()
    for f in draw(st.lists(st.sampled_from(WIRE_FIELDS), max_size=4, unique=True)):
        event[f] = draw(field_values[f])
    if kind == 1:
        del event[draw(st.sampled_from(WIRE_FIELDS))]
    if kind == 2:
        event[draw(awkward_text)] = 1
    return event


# --- canonical forms ------------------------------------------------------------------------------------
def test_the_splice_is_checked_against_the_protocol_at_import():
    assert protocol._SPLICE_OK


@SETTINGS
@given(
    payload=payloads,
    visit_id=st.none() | awkward_text,
    staff_id=st.none() | awkward_text,
    recorded_at=awkward_text,
    seq=st.integers(min_value=1, max_value=2**62 - 1),
)
def test_event_text_is_the_canonical_form(payload, visit_id, staff_id, recorded_at, seq):
    event = Event(
        id=str(uuid.uuid4()),
        origin="desk-a",
        seq=seq,
        hlc="1764115200000.00001.desk-a",
        type="SignedIn",
        visit_id=visit_id,
        staff_id=staff_id,
        payload=payload,
        recorded_at=recorded_at,
    )
    try:
        plain = canonical(encode_event(event))
    except UnicodeEncodeError:
        with pytest.raises(UnicodeEncodeError):
            protocol.event_text(event)
        return
    assert protocol.event_text(event) == plain
    assert protocol.event_digest(event) == hashlib.sha256(plain).hexdigest()
    # from a stored row: the payload as its canonical text (Event.values, the server's payload column)
    row = event.values()
    assert protocol.row_text(row) == plain
    assert json.loads(plain) == json.loads(json.dumps(encode_event(event)))


def test_canonical_is_json_dumps_with_the_protocols_options():
    value = {"b": [1.5, 1e300, -0.0, 2**70, '张\x00\u2028\\"'], "a": {"z": None, "y": True}}
    assert (
        canonical(value)
        == json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    )


def test_events_that_are_not_plain_take_the_plain_way():
    odd = Event(
        id="i",
        origin="o",
        seq=True,
        hlc=5,
        type="T",
        visit_id=None,
        staff_id=None,
        payload={},
        recorded_at="",
    )
    assert protocol.event_text(odd) == canonical(encode_event(odd))
    row = ("i", "o", 1, "h", "T", None, None, {"a": 1}, "r")  # a payload that is not text
    assert protocol.row_text(row) == canonical(dict(zip(WIRE_FIELDS, row, strict=True)))


def test_page_checksum_is_over_the_canonical_forms_each_followed_by_a_newline():
    events = [
        Event(str(uuid.uuid4()), "o", i, f"{i:013d}.00000.o", "SignedIn", None, "s", {"i": i}, "r")
        for i in range(1, 4)
    ]
    h = hashlib.sha256()
    for e in events:
        h.update(canonical(encode_event(e)) + b"\n")
    assert protocol.page_checksum(events) == h.hexdigest()
    assert protocol.texts_checksum([protocol.event_text(e) for e in events]) == h.hexdigest()
    assert protocol.page_checksum([]) == hashlib.sha256().hexdigest() == protocol.texts_checksum([])


# --- the checks --------------------------------------------------------------------------------------------
@SETTINGS
@given(data=wire_events())
def test_decode_wire_refuses_what_the_reference_refuses_with_the_same_reason(data):
    expected = outcome(reference_decode, data)
    got = outcome(decode_wire, data)
    if expected[0] != "ok":
        assert got == expected
        assert outcome(decode_event, data) == expected
        return
    assert got[0] == "ok", got
    wire = got[1]
    assert wire.event == expected[1] == decode_event(data)
    assert wire.text == canonical(encode_event(wire.event))
    assert wire.payload == canonical(wire.event.payload).decode()


@pytest.mark.parametrize(
    "changes, reason",
    [
        ({"payload": {"name": "\ud800"}}, "text is not valid Unicode (a lone surrogate)"),
        ({"visit_id": "v-\udfff"}, "text is not valid Unicode (a lone surrogate)"),
        ({"recorded_at": "2026\ud83d"}, "text is not valid Unicode (a lone surrogate)"),
        ({"staff_id": "sign\x00"}, "staff_id holds a NUL character"),
        ({"visit_id": "v\x00", "staff_id": "\ud800"}, "visit_id holds a NUL character"),
        ({"visit_id": "\ud800", "staff_id": "\x00"}, "text is not valid Unicode (a lone surrogate)"),
        ({"payload": {"name": "\ud800"}, "recorded_at": 5}, "text is not valid Unicode (a lone surrogate)"),
        ({"payload": {"x": "y" * MAX_EVENT_BYTES}}, "payload too large"),
        ({"id": "urn:" + "0" * 32}, None),  # uuid.UUID reads it: it was accepted, it still is
        ({"id": "3F2C1A9E-0B7D-4C1E-9A55-1D2B3C4D5E6F"}, None),
        ({"id": "3f2c1a9e0b7d4c1e9a551d2b3c4d5e6f"}, "id must be a UUID"),
        ({"seq": True}, "seq must be a positive integer"),
        ({"seq": 2**62}, "seq must be a positive integer"),
    ],
)
def test_decode_wire_names_the_first_thing_wrong(changes, reason):
    data = good_event(**changes)
    assert outcome(reference_decode, data)[1 if reason else 0] == (reason or "ok")
    if reason is None:
        wire = decode_wire(data)
        assert wire.text == canonical(encode_event(wire.event))
        return
    with pytest.raises(ProtocolError) as caught:
        decode_wire(data)
    assert (caught.value.code, caught.value.reason) == ("malformed_event", reason)


def test_a_payload_at_the_limit_is_taken():
    filler = "x" * (MAX_EVENT_BYTES - len(canonical({"x": ""})))
    wire = decode_wire(good_event(payload={"x": filler}))
    assert len(wire.payload.encode()) == MAX_EVENT_BYTES
    with pytest.raises(ProtocolError, match="payload too large"):
        decode_wire(good_event(payload={"x": filler + "张"}))


# --- batches -----------------------------------------------------------------------------------------------
def reference_batches(sizes: list[int], max_events: int, max_bytes: int) -> list[list[int]]:
    """protocol.batches as it was written, on indexes of events of these sizes."""
    out, batch, size = [], [], 0
    for i, n in enumerate(sizes):
        n += 1
        if batch and (len(batch) >= max_events or size + n > max_bytes):
            out.append(batch)
            batch, size = [], 0
        batch.append(i)
        size += n
    if batch:
        out.append(batch)
    return out


@SETTINGS
@given(
    sizes=st.lists(st.integers(1, 400), max_size=60),
    max_events=st.integers(1, 8),
    max_bytes=st.integers(1, 1200),
)
def test_batch_bounds_split_as_batches_did(sizes, max_events, max_bytes):
    bounds = list(protocol.batch_bounds(sizes, max_events=max_events, max_bytes=max_bytes))
    assert [list(range(a, b)) for a, b in bounds] == reference_batches(sizes, max_events, max_bytes)


def test_batches_give_the_wire_form_of_each_event():
    events = [
        Event(str(uuid.uuid4()), "o", i, f"{i:013d}.00000.o", "SignedIn", None, "s", {"i": "张" * i}, "r")
        for i in range(1, 30)
    ]
    got = list(protocol.batches(events, max_events=4, max_bytes=400))
    assert [w for batch in got for w in batch] == [encode_event(e) for e in events]
    sizes = [len(canonical(encode_event(e))) for e in events]
    expected = reference_batches(sizes, 4, 400)
    assert [len(b) for b in got] == [len(b) for b in expected]


# --- the stores: pages as canonical texts, pushes given the app's digests ------------------------------------
def ev(origin: str, seq: int, **payload: Any) -> Event:
    return Event(
        id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{origin}/{seq}")),
        origin=origin,
        seq=seq,
        hlc=f"{1764115200000 + seq:013d}.{seq % 100000:05d}.{origin}",
        type="SignedIn",
        visit_id=f"visit-{seq}",
        staff_id=None if seq % 2 else 'sign "1"',
        payload={
            "n": seq,
            "name": "张三\u2028",
            "nested": {"b": [1, 2.5e-7, None, 2**70], "a": True},
            **payload,
        },
        recorded_at="2026-11-26T08:00:00+08:00",
    )


def test_read_texts_is_read_in_canonical_form(server_store):
    server_store.push([ev("a", i) for i in range(1, 6)], site="s1", allowed_origins=None)
    server_store.push([ev("b", i) for i in range(1, 4)], site="s2", allowed_origins=None)
    for site in ("s1", "s2", None):
        for after, limit in ((0, 100), (2, 3), (100, 5)):
            page = server_store.read(after, limit, site=site)
            texts = server_store.read_texts(after, limit, site=site)
            assert texts.positions == [p for p, _ in page.events]
            assert texts.texts == [canonical(encode_event(e)) for _, e in page.events]
            assert (texts.next, texts.head) == (page.next, page.head)


def test_the_database_puts_pages_together_and_as_the_encoder_would(server_store):
    """Both stores let their database render the canonical forms (their quoting matched the encoder's
    on the sample rows when they opened); awkward text comes out as Python puts it together."""
    assert server_store._text_sql is not None
    texts = ['"', "\\", "\x01\x1f\x7f", "\n\r\t\b\f", "\u2028\u2029", "😀张", "", "/<>&'"]
    events = [
        replace(ev("w", i + 1), visit_id=t, staff_id=t[::-1] or None, recorded_at=f"r{t}", payload={"t": t})
        for i, t in enumerate(texts)
    ]
    assert server_store.push(events, site="s1", allowed_origins=None).accepted == len(events)
    page = server_store.read_texts(0, 100, site="s1")
    assert page.texts == [canonical(encode_event(e)) for e in events]
    # the same page put together in Python (a database whose quoting differs)
    sql, server_store._text_sql = server_store._text_sql, None
    try:
        assert server_store.read_texts(0, 100, site="s1") == page
    finally:
        server_store._text_sql = sql


def test_a_push_given_the_apps_digests_stores_what_a_plain_push_stores(server_store):
    events = [ev("a", i) for i in range(1, 5)]
    wires = [decode_wire(encode_event(e)) for e in events]
    assert prepared_from_wire(wires) == prepare(events)
    result = server_store.push(
        [w.event for w in wires], site="s1", allowed_origins=None, prepared=prepared_from_wire(wires)
    )
    assert result.accepted == 4
    # the digests kept are the protocol's: the same events again are duplicates, others mismatches
    again = server_store.push(events, site="s1", allowed_origins=None)
    assert (again.accepted, again.duplicates, again.rejected) == (0, 4, [])
    changed = server_store.push([replace(events[0], payload={"n": 0})], site="s1", allowed_origins=None)
    assert [r.error for r in changed.rejected] == ["event_mismatch"]
    with pytest.raises(ValueError):
        server_store.push(events, site="s1", allowed_origins=None, prepared=[])


def test_text_page_splices_the_stored_payload_text():
    e = ev("a", 3)
    row = (42, *e.values())
    page = text_page([row], 0, 50)
    assert (page.positions, page.next, page.head) == ([42], 42, 50)
    assert page.texts == [canonical(encode_event(e))]
    assert text_page([], 7, 9).next == 7


def test_a_desk_sends_the_canonical_form_of_its_events_as_sqlite_puts_it_together(store):
    """The station keeps each payload as canonical JSON text: SQLite puts each event's JSON together
    from its row, and it is the event's canonical form, awkward text and all."""
    from sync.client.engine import own_events_after, own_texts_after

    # a type no desk records (the projection notes it as a conflict): any payload goes
    store.append("WireTest", {"name": '张三 "q"\u2028', "n": [1.5, 2**70, None], "z": {"b": 1, "a": "\\"}})
    for i, text in enumerate(['"', "\\", "\x00", "\x01\x1f\x7f", "\n\r\t\b\f", "\u2028\u2029", "😀张", ""]):
        store.append("WireTest", {"i": i}, visit_id=text, staff_id=f"s{text}")
    texts = own_texts_after(store, 0, 1000)
    events = own_events_after(store, 0, 1000)
    assert len(texts) == len(events) > 9
    assert [seq for seq, _ in texts] == [e.seq for e in events]
    assert [text for _, text in texts] == [canonical(encode_event(e)) for e in events]
    assert own_texts_after(store, events[-2].seq, 5) == texts[-1:]
    assert EVENT_COLUMNS == WIRE_FIELDS


@SETTINGS
@given(text=st.text(max_size=20))
def test_sqlite_quotes_text_as_the_canonical_encoder_does(text):
    import sqlite3
    from json.encoder import encode_basestring

    conn = sqlite3.connect(":memory:")
    try:
        text.encode()
    except UnicodeEncodeError:
        return  # no SQLite text holds it
    assert conn.execute("SELECT json_quote(?)", [text]).fetchone()[0] == encode_basestring(text)
