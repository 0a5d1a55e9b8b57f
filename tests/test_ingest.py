"""Store.ingest_report (sync's non-strict ingest) and the fast path of ingest: bad events are reported
instead of refusing the batch, a checkpoint commits with the events, and events that cannot be late
skip the late check without changing what the tables hold."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta

import pytest

from station import bookings, prescreen, projector, signin, stock
from station import staff as staffmod
from station.errors import DomainError
from station.store import Event, IngestReport, Store

from .conftest import DAY, PIN, new_person, proven
from .test_store import (
    Wall,
    assert_rebuilds,
    assert_same_tables,
    missing,
    open_station,
    screen_pass,
    seed_staff_and_stock,
    tables,
    to_screened,
)

pytestmark = pytest.mark.usefixtures("fast_pins")


@pytest.fixture
def pair(tmp_path, clock):
    """Two laptops A and B that shared A's staff and stock, then went their own ways."""
    wa, wb = Wall(1_800_000_000.0), Wall(1_800_000_000.0)
    a = open_station(tmp_path / "a.sqlite3", "desk-a", clock, wa)
    b = open_station(tmp_path / "b.sqlite3", "desk-b", clock, wb)
    seed_staff_and_stock(a)
    b.ingest(a.events())
    yield a, b, wa, wb
    a.close()
    b.close()


@pytest.fixture
def late_checks(monkeypatch):
    """The events ingest asked ``later_applied`` about."""
    asked: list[str] = []
    real = projector.later_applied

    def counting(conn, event, key):
        asked.append(event.id)
        return real(conn, event, key)

    monkeypatch.setattr(projector, "later_applied", counting)
    return asked


def _book(s: Store, n: int) -> list[str]:
    return [bookings.add_booking(s, new_person(), DAY, "08:00-08:30", staff_id="admin1") for _ in range(n)]


# --- ingest_report: bad events reported, good ones applied ------------------------------------------


def test_a_clean_batch_is_all_new_and_then_all_duplicates(pair):
    a, b, wa, wb = pair
    _book(a, 2)
    batch = missing(b, a)
    report = b.ingest_report(batch)
    assert report == IngestReport(new=len(batch), duplicates=0, rejected=[])
    assert_same_tables(a, b)
    again = b.ingest_report(batch + batch)
    assert again == IngestReport(new=0, duplicates=2 * len(batch), rejected=[])
    # within one batch, the second copy of a new event is a duplicate too
    (v,) = _book(a, 1)
    signin.sign_in(a, v, staff_id="sign1")
    batch = missing(b, a)
    assert b.ingest_report(batch + batch) == IngestReport(new=2, duplicates=2, rejected=[])
    assert_same_tables(a, b)


def test_same_id_other_content_is_a_mismatch_in_both_modes(pair):
    """The whole event is compared, not only its id: a held (origin, seq) with the same id but another
    payload is a forgery or a corruption, never a duplicate."""
    a, b, wa, wb = pair
    (v,) = _book(a, 1)
    signin.sign_in(a, v, staff_id="sign1")
    booking, signed = missing(b, a)
    assert b.ingest([booking]) == 1
    before = tables(b)
    changed = dataclasses.replace(booking, payload={**booking.payload, "slot": "09:00-09:30"})
    with pytest.raises(DomainError) as info:
        b.ingest([changed, signed])
    assert info.value.code == "event_mismatch" and info.value.facts == {
        "origin": "desk-a",
        "seq": booking.seq,
    }
    assert tables(b) == before
    report = b.ingest_report([changed, signed])
    assert report == IngestReport(new=1, duplicates=0, rejected=[(changed, "event_mismatch")])
    for field, value in [
        ("hlc", signed.hlc),
        ("recorded_at", "2020-01-01T00:00:00+08:00"),
        ("staff_id", "x"),
    ]:
        other = dataclasses.replace(booking, **{field: value})
        assert b.ingest_report([other]) == IngestReport(
            new=0, duplicates=0, rejected=[(other, "event_mismatch")]
        )
    assert_same_tables(a, b)
    # an identical copy, built afresh (payload keys in another order), is a duplicate
    copy = dataclasses.replace(booking, payload=dict(reversed(list(booking.payload.items()))))
    assert b.ingest_report([copy]) == IngestReport(new=0, duplicates=1, rejected=[])


def test_two_events_for_one_seq_in_a_batch_first_is_taken(pair):
    a, b, wa, wb = pair
    _book(a, 1)
    (booking,) = missing(b, a)
    other = dataclasses.replace(booking, id=str(uuid.uuid4()))
    report = b.ingest_report([booking, other])
    assert report.new == 1 and report.rejected == [(other, "event_mismatch")]
    assert b.scalar("SELECT id FROM events WHERE origin = 'desk-a' AND seq = ?", [booking.seq]) == booking.id


def test_a_gap_rejects_that_origin_from_there_on_and_takes_the_rest(pair, tmp_path, clock):
    a, b, wa, wb = pair
    _book(b, 2)
    events_a = a.events()
    events_b = [e for e in b.events() if e.origin == "desk-b"]
    c = open_station(tmp_path / "c.sqlite3", "desk-c", clock)
    c.clock_margin_hours = 24 * 366 * 5  # its wall is not the pair's (2027): take their stamps (#13)
    try:
        head, hole, *tail = events_a
        report = c.ingest_report([*tail, head, *events_b])  # seq 2 of desk-a missing
        assert report.new == 1 + len(events_b) and report.duplicates == 0
        assert report.rejected == [(e, "event_gap") for e in tail]
        assert c.version_vector() == {"desk-a": 1, "desk-b": len(events_b)}
        # strict ingest refuses the same batch whole, naming the first gap
        with pytest.raises(DomainError) as info:
            c.ingest(tail)
        assert info.value.code == "event_gap" and info.value.facts == {
            "origin": "desk-a",
            "seq": 3,
            "expected": 2,
        }
        # the rest arrives: everything is taken, held events count as duplicates
        report = c.ingest_report(events_a)
        assert report == IngestReport(new=len(events_a) - 1, duplicates=1, rejected=[])
        assert_same_tables(b, c)
        assert_rebuilds(c)
    finally:
        c.close()


def test_a_mismatch_is_reported_and_the_origin_goes_on(pair):
    """A refused copy of a held event does not stop the events after it: the log's own event stands."""
    a, b, wa, wb = pair
    v1, v2 = _book(a, 2)
    first, second = missing(b, a)
    assert b.ingest([first]) == 1
    forged = dataclasses.replace(first, id=str(uuid.uuid4()))
    report = b.ingest_report([forged, second])
    assert report == IngestReport(new=1, duplicates=0, rejected=[(forged, "event_mismatch")])
    assert_same_tables(a, b)


# --- a checkpoint in the same transaction -------------------------------------------------------------


def test_meta_is_written_with_the_events(pair):
    a, b, wa, wb = pair
    _book(a, 1)
    b.conn.execute("INSERT INTO meta (key, value) VALUES ('sync.old', 'x')")
    report = b.ingest_report(missing(b, a), meta={"sync.cursor.hub": "17", "sync.old": None})
    assert report.new == 1
    assert b.scalar("SELECT value FROM meta WHERE key = 'sync.cursor.hub'") == "17"
    assert b.scalar("SELECT value FROM meta WHERE key = 'sync.old'") is None
    # an empty page still moves the cursor; strict ingest takes meta too
    assert b.ingest_report([], meta={"sync.cursor.hub": "18"}) == IngestReport()
    assert b.ingest([], meta={"sync.cursor.hub": "19"}) == 0
    assert b.scalar("SELECT value FROM meta WHERE key = 'sync.cursor.hub'") == "19"
    with pytest.raises(ValueError):
        b.ingest_report([], meta={"origin": "someone-else"})
    assert b.scalar("SELECT value FROM meta WHERE key = 'origin'") == "desk-b"


def test_meta_and_events_roll_back_together(pair, tmp_path, clock):
    a, b, wa, wb = pair
    _book(a, 1)
    batch = missing(b, a)
    before = tables(b)

    def fail(report: IngestReport) -> None:
        assert report.new == 1
        raise RuntimeError("the disk went away")

    with pytest.raises(RuntimeError):
        b.ingest_report(batch, meta={"sync.cursor.hub": "5"}, before_commit=fail)
    assert b.scalar("SELECT value FROM meta WHERE key = 'sync.cursor.hub'") is None
    assert tables(b) == before and "desk-a" in b.version_vector()
    assert b.version_vector()["desk-a"] == len(a.events()) - 1
    # strict refusal: neither the events nor the cursor
    (head, *rest) = a.events()
    c = open_station(tmp_path / "c.sqlite3", "desk-c", clock)
    try:
        with pytest.raises(DomainError):
            c.ingest(rest, meta={"sync.cursor.hub": "9"})
        assert c.scalar("SELECT count(*) FROM meta WHERE key = 'sync.cursor.hub'") == 0
        # the callback sees the report inside the transaction and can write what it decides
        seen = []
        c.ingest_report(rest, before_commit=seen.append)
        assert seen[0].new == 0 and len(seen[0].rejected) == len(rest)
    finally:
        c.close()


def test_listeners_hear_the_new_events_once_after_the_commit(pair):
    a, b, wa, wb = pair
    _book(a, 3)
    heard: list[Event] = []
    b.listeners.append(heard.append)
    batch = missing(b, a)
    b.ingest_report(list(reversed(batch)) + batch)
    assert heard == sorted(batch, key=lambda e: e.hlc)


# --- late events and the fast path ---------------------------------------------------------------


def test_events_newer_than_the_log_skip_the_late_check(pair, late_checks):
    a, b, wa, wb = pair
    v1, v2 = _book(a, 2)
    to_screened(a, v1)
    signin.sign_in(a, v2, staff_id="sign1")
    batch = missing(b, a)
    assert b.ingest(batch) == len(batch)
    assert late_checks == []
    assert_same_tables(a, b)


def test_a_batch_mixing_late_and_new_events(pair, clock, late_checks):
    """B's batch holds events stamped before A's newest (late at A) and after it: A ends with
    B's tables, and only the older ones were checked for being late."""
    a, b, wa, wb = pair
    v1, v2, v3 = _book(a, 3)
    b.ingest(missing(b, a))
    late_checks.clear()
    wb.t = wa.t + 10  # B works first (by the clock), A later, then B again
    signin.sign_in(b, v1, staff_id="sign1")
    screen_pass(b, v1)
    stock.waste(b, staff_id="admin1", lot_no="LOT-A", doses=1, reason="dropped")
    staffmod.change(b, "obs1", by=proven(b), active=False)
    clock.advance(minutes=1)
    wa.t = wb.t + 10
    signin.sign_in(a, v2, staff_id="sign1")
    prescreen.cancel_booking(
        a, v1, staff_id=proven(a, "pre1"), reason="left"
    )  # A has not heard of B's screening
    staffmod.change(a, "obs1", by=proven(a), active=True, roles=["observer", "vaccinator"])
    stock.waste(a, staff_id="admin1", lot_no="LOT-A", doses=2, reason="cold chain")
    clock.advance(minutes=1)
    wb.t = wa.t + 10
    signin.sign_in(b, v3, staff_id="sign1")
    staffmod.add(b, "vac2", "Staff vac2", ["vaccinator"], PIN, by=proven(b))
    to_a, to_b = missing(a, b), missing(b, a)
    newest_a = a.scalar("SELECT max(hlc) FROM events")
    older = {e.id for e in to_a if e.hlc < newest_a}
    assert older and len(older) < len(to_a)  # the batch really mixes both
    assert a.ingest(to_a) == len(to_a)
    assert set(late_checks) == older
    assert b.ingest(to_b) == len(to_b)
    assert_same_tables(a, b)
    assert_rebuilds(a, b)
    member = staffmod.get(a, "obs1")
    assert member.active and member.roles == ("vaccinator", "observer")  # A's change is the later one
    assert stock.lot(a, "LOT-A")["doses_wasted"] == 3
    assert bookings.visit(a, v3)["state"] == "signed_in"


def test_a_late_lot_and_staff_event_in_a_batch_with_new_ones(tmp_path, clock):
    """C already holds the desk's waste of a lot and a staff change; the hub's batch brings the lot's
    receipt and the staff member (both older) with newer bookings and deliveries."""
    hub = open_station(tmp_path / "hub.sqlite3", "hub", clock, Wall())
    desk = open_station(tmp_path / "desk.sqlite3", "desk", clock, Wall())
    c = open_station(tmp_path / "c.sqlite3", "c", clock, Wall())
    try:
        seed_staff_and_stock(hub)
        desk.ingest(hub.events())
        stock.waste(desk, staff_id="admin1", lot_no="LOT-A", doses=2, reason="cold chain")
        staffmod.change(desk, "vac1", by=proven(desk), active=False)
        hub.clock._wall = Wall(1_800_000_100.0)  # the hub goes on later
        v = bookings.add_booking(hub, new_person(), DAY, "08:00-08:30", staff_id="admin1")
        stock.receive(
            hub,
            staff_id="admin1",
            lot_no="LOT-B",
            product="sinopharm_bbibp",
            expiry=DAY + timedelta(days=90),
            vials=5,
        )
        assert c.ingest_report([e for e in desk.events() if e.origin == "desk"]).new == 2
        report = c.ingest_report(hub.events())
        assert report.new == len(hub.events()) and not report.rejected
        assert stock.lot(c, "LOT-A")["doses_wasted"] == 2
        assert stock.lot(c, "LOT-B")["vials_received"] == 5
        assert staffmod.get(c, "vac1").active is False
        assert bookings.visit(c, v)["state"] == "booked"
        desk.ingest(missing(desk, hub))
        assert_same_tables(desk, c)
        assert_rebuilds(c)
    finally:
        for s in (hub, desk, c):
            s.close()


def test_a_late_event_of_a_visit_in_a_mixed_batch(pair, clock):
    """The same late-cancel story as in test_store, with newer events of other visits in the batch."""
    a, b, wa, wb = pair
    v, w = _book(a, 2)
    signin.sign_in(a, v, staff_id="sign1")
    b.ingest(missing(b, a))
    prescreen.cancel_booking(a, v, staff_id=proven(a, "pre1"), reason="left the queue")
    wb.t = wa.t + 60
    screen_pass(b, v)
    wa.t = wb.t + 60
    signin.sign_in(a, w, staff_id="sign1")
    batch = missing(b, a)
    assert [e.type for e in batch] == ["BookingCancelled", "SignedIn"]
    assert b.ingest_report(batch).new == 2
    a.ingest(missing(a, b))
    assert_same_tables(a, b)
    assert_rebuilds(a, b)
    assert bookings.visit(b, v)["state"] == "cancelled" and bookings.visit(b, v)["conflict"] == 1


def test_a_store_that_ingests_gets_a_bigger_cache_and_rarer_checkpoints(pair):
    a, b, wa, wb = pair  # b has ingested (the fixture)
    assert b.scalar("PRAGMA cache_size") == -65536
    assert b.scalar("PRAGMA wal_autocheckpoint") == 10_000
    assert a.scalar("PRAGMA wal_autocheckpoint") == 1000  # a store that only appends keeps SQLite's
    a.start_checkpointer(every=60)
    try:
        a.ingest(missing(a, b))
        assert a.scalar("PRAGMA wal_autocheckpoint") == 0  # its checkpoints run in the background
    finally:
        a.stop_checkpointer()
