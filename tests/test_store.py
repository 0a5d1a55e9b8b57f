"""The event log and its SQLite file: migrations, PRAGMAs, refusing foreign files, events, HLC,
atomicity, sync ingest (idempotent, convergent, conflicts kept) and a full disk."""

from __future__ import annotations

import dataclasses
import random
import sqlite3
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from station import bookings, inject, observe, prescreen, projector, rebuild, signin, stock
from station import db as dbmod
from station import staff as staffmod
from station import store as storemod
from station.errors import DomainError
from station.hlc import HybridClock, Stamp
from station.rules import load_rules
from station.status import day_status
from station.store import Event, Store

from .conftest import DAY, PIN, STAFF, add_staff, new_person, proven

# --- helpers ----------------------------------------------------------------------------------


class Wall:
    """A fake wall clock (seconds since the epoch) that the test moves, even backwards."""

    def __init__(self, t: float = 1_800_000_000.0, step: float = 0.001) -> None:
        self.t = t
        self.step = step

    def __call__(self) -> float:
        self.t += self.step
        return self.t


def open_station(path: Path, origin: str, clock, wall: Wall | None = None) -> Store:
    s = Store.open(path, origin=origin, now=clock)
    if wall is not None:
        last = s.scalar("SELECT max(hlc) FROM events")
        s.clock = HybridClock(origin, wall=wall, last=Stamp.parse(last) if last else None)
    return s


def seed_staff_and_stock(s: Store) -> None:
    add_staff(s)
    stock.receive(
        s,
        staff_id="admin1",
        lot_no="LOT-A",
        product="sinopharm_bbibp",
        expiry=DAY + timedelta(days=90),
        vials=50,
    )


def tables(s: Store) -> dict[str, list[tuple]]:
    return {
        t: sorted((tuple(r) for r in s.conn.execute(f"SELECT * FROM {t}")), key=repr)
        for t in dbmod.PROJECTED_TABLES
    }


def missing(dst: Store, src: Store) -> list[Event]:
    """The events ``src`` holds beyond ``dst``'s version vector (what a pull would carry)."""
    have = dst.version_vector()
    return [e for e in src.events() if e.seq > have.get(e.origin, 0)]


def answers_ok() -> dict[str, bool]:
    return {q.id: False for q in load_rules().questions if q.kind == "yesno"}


def screen_pass(s: Store, visit_id: str) -> None:
    prescreen.screen(s, visit_id, staff_id="pre1", answers=answers_ok(), temperature=36.5)


def to_screened(s: Store, visit_id: str) -> None:
    signin.sign_in(s, visit_id, staff_id="sign1")
    screen_pass(s, visit_id)


def row(s: Store, sql: str, params=()) -> dict | None:
    return s.one(sql, params)


def assert_same_tables(a: Store, b: Store) -> None:
    ta, tb = tables(a), tables(b)
    for t in dbmod.PROJECTED_TABLES:
        only_a = [r for r in ta[t] if r not in tb[t]]
        only_b = [r for r in tb[t] if r not in ta[t]]
        assert ta[t] == tb[t], f"{t}: only in {a.origin}: {only_a}; only in {b.origin}: {only_b}"


def assert_rebuilds(*stores: Store) -> None:
    for s in stores:
        report = rebuild.check(s)
        assert report.ok, (s.origin, [(d.table, d.missing, d.extra, d.examples) for d in report.diffs])


# --- migrations and PRAGMAs -------------------------------------------------------------------


def test_migrations_applied_on_open_and_recorded(tmp_path, clock):
    s = Store.open(tmp_path / "st.sqlite3", origin="m1", now=clock)
    try:
        recorded = [
            r[0]
            for r in s.conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
                [dbmod.MIGRATION_SET],
            )
        ]
        known = [m.name for m in dbmod.migrations._migrations]
        assert recorded == known and "0001_initial" in recorded
        assert dbmod.schema_version(s.db) == known
        assert s.scalar("PRAGMA application_id") == dbmod.APP_ID
        have = {r[0] for r in s.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"events", "meta", *dbmod.PROJECTED_TABLES} <= have
    finally:
        s.close()


def test_reopening_applies_nothing_new_and_keeps_origin(tmp_path, clock):
    path = tmp_path / "st.sqlite3"
    s = Store.open(path, origin="m1", now=clock)
    before = s.all("SELECT migration_set, name, applied_at FROM _sqlite_migrations ORDER BY rowid")
    s.close()
    clock.advance(days=3)
    s = Store.open(path, origin="ignored-second-time", now=clock)
    try:
        after = s.all("SELECT migration_set, name, applied_at FROM _sqlite_migrations ORDER BY rowid")
        assert after == before
        assert s.origin == "m1"
        assert s.scalar("SELECT count(*) FROM meta WHERE key = 'origin'") == 1
    finally:
        s.close()


def test_pragmas_on_the_live_connection(store):
    assert store.scalar("PRAGMA journal_mode") == "wal"
    assert store.scalar("PRAGMA synchronous") == 2  # FULL
    assert store.scalar("PRAGMA foreign_keys") == 1


def test_foreign_keys_are_enforced(store):
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute(
            "INSERT INTO visits (visit_id, person_id, day, source, state) VALUES ('v', 'nobody', '2026-11-26', 'x', 'booked')"
        )


def _random_bytes(path: Path) -> Path:
    path.write_bytes(random.Random(7).randbytes(8192))
    return path


def _other_program(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO contacts (name) VALUES ('someone')")
    conn.commit()
    conn.close()
    return path


def _a_directory(path: Path) -> Path:
    path.mkdir()
    (path / "inside.txt").write_text("x")
    return path


@pytest.mark.parametrize(
    "make", [_random_bytes, _other_program, _a_directory], ids=["garbage", "other", "dir"]
)
def test_foreign_files_are_refused_and_left_alone(tmp_path, clock, make):
    path = make(tmp_path / "station.sqlite3")
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(dbmod.StationFileError) as info:
        Store.open(path, now=clock)
    # bytes that are not SQLite's header may be an encrypted station (SQLCipher's random salt, #13):
    # without its passphrase the two cannot be told apart, and the message says both
    assert info.value.code == ("db_encrypted" if make is _random_bytes else "db_not_station")
    assert str(path) in info.value.message("en") and str(path) in info.value.message("zh")
    if before is not None:
        assert path.read_bytes() == before  # not converted, not stamped with our application_id
    if make is _other_program:
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0
        assert conn.execute("SELECT name FROM contacts").fetchall() == [("someone",)]
        conn.close()


def test_a_newer_programs_database_is_refused(tmp_path, clock):
    path = tmp_path / "st.sqlite3"
    s = Store.open(path, origin="m1", now=clock)
    s.conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, '0099_from_the_future', '2030-01-01')",
        [dbmod.MIGRATION_SET],
    )
    s.close()
    with pytest.raises(dbmod.StationFileError) as info:
        Store.open(path, now=clock)
    assert info.value.code == "db_too_new"
    assert info.value.facts["migration"] == "0099_from_the_future"
    assert "0099_from_the_future" in info.value.message("en")


def test_another_migration_set_does_not_count_as_newer(tmp_path, clock):
    path = tmp_path / "st.sqlite3"
    s = Store.open(path, origin="m1", now=clock)
    s.conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('plugin', '0001_x', '2030-01-01')"
    )
    s.close()
    Store.open(path, now=clock).close()


def test_missing_file_without_create(tmp_path, clock):
    with pytest.raises(dbmod.StationFileError) as info:
        Store.open(tmp_path / "nope" / "st.sqlite3", create=False, now=clock)
    assert info.value.code == "db_missing"
    assert not (tmp_path / "nope").exists()


# --- events and the hybrid logical clock ------------------------------------------------------


def test_events_have_uuid_ids_gap_free_seq_and_increasing_hlc(store, clock):
    for _ in range(5):
        clock.advance(minutes=1)
        bookings.add_booking(store, new_person(), DAY, "08:00-08:30", staff_id="admin1")
    events = store.events()
    assert len(events) == len(STAFF) + 1 + 5
    ids = [e.id for e in events]
    assert len(set(ids)) == len(ids)
    for e in events:
        assert str(uuid.UUID(e.id)) == e.id
        assert e.origin == "test-a"
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert store.version_vector() == {"test-a": len(events)}
    stamps = [Stamp.parse(e.hlc) for e in events]
    assert all(a < b for a, b in zip(stamps, stamps[1:], strict=False))
    assert [e.hlc for e in events] == sorted(e.hlc for e in events)
    assert events[-1].recorded_at == clock().isoformat()
    assert events[-1].type == "BookingAdded" and events[-1].staff_id == "admin1"


def test_hlc_strictly_increases_when_the_wall_goes_backwards():
    walls = iter([1000.000, 1000.000, 999.000, 500.000, 1000.0005, 1000.002, 1000.002, 10.0])
    clock = HybridClock("n1", wall=lambda: next(walls))
    stamps = [clock.now() for _ in range(8)]
    assert all(a < b for a, b in zip(stamps, stamps[1:], strict=False))
    texts = [str(s) for s in stamps]
    assert texts == sorted(texts) and len(set(texts)) == len(texts)
    assert stamps[0] == Stamp(1_000_000, 0, "n1")
    assert stamps[3] == Stamp(1_000_000, 3, "n1")  # the wall went back: the counter carries on
    assert stamps[5] == Stamp(1_000_002, 0, "n1")  # the wall moved ahead again: counter resets
    assert all(Stamp.parse(t) == s for t, s in zip(texts, stamps, strict=True))


def test_hlc_observe_moves_past_a_remote_stamp():
    clock = HybridClock("n1", wall=lambda: 1000.0)
    mine = clock.now()
    remote = Stamp(5_000_000, 7, "n2")
    clock.observe(remote)
    nxt = clock.now()
    assert nxt > remote and str(nxt) > str(remote) and nxt.origin == "n1"
    clock.observe(Stamp(1, 0, "n3"))  # an old stamp changes nothing
    assert clock.now() > nxt > mine


def test_hlc_counter_overflow_keeps_text_order():
    # Stamps are compared as text in SQL (ORDER BY hlc): a sixth counter digit would sort wrong.
    clock = HybridClock("n1", wall=lambda: 1.0, last=Stamp(5_000, 99_998, "n1"))
    texts = [str(clock.now()) for _ in range(4)]
    assert texts == sorted(texts) and len(set(texts)) == 4
    assert all(t.split(".")[1].isdigit() and len(t.split(".")[1]) == 5 for t in texts)


def test_reopened_store_stays_ahead_of_its_log_when_the_wall_went_back(tmp_path, clock, monkeypatch):
    wall = Wall(2_000_000_000.0)
    monkeypatch.setattr(storemod, "HybridClock", lambda origin, last=None, wall=None, _w=wall: HybridClock(origin, _w, last))
    path = tmp_path / "st.sqlite3"
    s = Store.open(path, origin="w1", now=clock)
    staffmod.add(s, "admin1", "Admin", ["admin"], PIN, by="x")
    first = s.events()[-1].hlc
    s.close()
    wall.t -= 86_400  # the laptop's clock was put back a day
    s = Store.open(path, now=clock)
    try:
        staffmod.add(s, "sign1", "Sign", ["signin"], PIN, by=proven(s))
        assert s.events()[-1].hlc > first
        assert_rebuilds(s)
    finally:
        s.close()


def test_two_store_objects_on_one_file_keep_log_order(tmp_path, clock):
    # The window and a terminal command may hold the same file open at once.
    path = tmp_path / "st.sqlite3"
    a = open_station(path, "one", clock, Wall(2_000_000_000.0))
    b = open_station(path, "one", clock, Wall(1_999_000_000.0))  # a clock behind a's
    try:
        seed_staff_and_stock(a)
        v = bookings.add_booking(b, new_person(), DAY, None, staff_id="admin1")
        signin.sign_in(a, v, staff_id="sign1")
        screen_pass(b, v)
        events = a.events()
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert [e.hlc for e in events] == sorted(e.hlc for e in events)
        assert_rebuilds(a)
    finally:
        a.close()
        b.close()


# --- atomicity --------------------------------------------------------------------------------


def test_exception_in_transaction_leaves_neither_event_nor_projection(store, person_factory):
    seen = []
    store.listeners.append(seen.append)
    events_before = store.scalar("SELECT count(*) FROM events")
    with pytest.raises(RuntimeError, match="boom"):
        with store.transaction():
            visit_id = bookings.add_booking(store, person_factory(), DAY, None, staff_id="admin1")
            assert store.scalar("SELECT count(*) FROM visits WHERE visit_id = ?", [visit_id]) == 1
            raise RuntimeError("boom")
    assert store.scalar("SELECT count(*) FROM events") == events_before
    assert store.scalar("SELECT count(*) FROM visits") == 0
    assert store.scalar("SELECT count(*) FROM people") == 0
    assert seen == []  # listeners hear only of committed events
    assert not store.conn.in_transaction
    # the log carries on without a hole
    bookings.add_booking(store, person_factory(), DAY, None, staff_id="admin1")
    assert [e.seq for e in store.events()] == list(range(1, events_before + 2))
    assert len(seen) == 1 and seen[0].type == "BookingAdded"


def test_projector_failure_rolls_back_the_event(store, monkeypatch, person_factory):
    events_before = store.scalar("SELECT count(*) FROM events")

    def broken(conn, event):
        raise RuntimeError("projector bug")

    monkeypatch.setitem(projector.HANDLERS, "BookingAdded", broken)
    with pytest.raises(RuntimeError, match="projector bug"):
        bookings.add_booking(store, person_factory(), DAY, None, staff_id="admin1")
    assert store.scalar("SELECT count(*) FROM events") == events_before
    assert store.scalar("SELECT count(*) FROM visits") == 0
    monkeypatch.undo()
    monkeypatch.setattr(Store, "trusts_named_staff", True)  # undo() took the test bed's trust too
    bookings.add_booking(store, person_factory(), DAY, None, staff_id="admin1")
    assert store.scalar("SELECT max(seq) FROM events") == events_before + 1
    assert_rebuilds(store)


def test_a_half_done_command_leaves_nothing(store, person_factory, monkeypatch):
    """A walk-in is two events (booking + sign-in); if the second fails the first goes too."""

    def broken(conn, event):
        raise sqlite3.IntegrityError("constraint failed")

    monkeypatch.setitem(projector.HANDLERS, "SignedIn", broken)
    with pytest.raises(sqlite3.IntegrityError):
        signin.walk_in(store, person_factory(), staff_id="sign1")
    assert store.scalar("SELECT count(*) FROM events WHERE type IN ('BookingAdded', 'SignedIn')") == 0
    assert store.scalar("SELECT count(*) FROM visits") == 0


# --- sync ingest ------------------------------------------------------------------------------


@pytest.fixture
def pair(tmp_path, clock):
    """Two laptops A and B that shared A's staff and stock, then went their own ways."""
    wa, wb = Wall(1_800_000_000.0), Wall(1_800_000_000.0)
    a = open_station(tmp_path / "a.sqlite3", "desk-a", clock, wa)
    b = open_station(tmp_path / "b.sqlite3", "desk-b", clock, wb)
    seed_staff_and_stock(a)
    assert b.ingest(a.events()) == len(a.events())
    yield a, b, wa, wb
    a.close()
    b.close()


def _work_while_cut_off(a: Store, b: Store, clock) -> dict[str, str]:
    """Each laptop moves its own people along (and the same person turns up at both)."""
    visits = {}
    for i in range(3):
        visits[f"a{i}"] = bookings.add_booking(a, new_person(f"甲{i}"), DAY, "08:00-08:30", staff_id="admin1")
    for i in range(3):
        visits[f"b{i}"] = bookings.add_booking(b, new_person(f"乙{i}"), DAY, "08:30-09:00", staff_id="admin1")
    clock.advance(minutes=5)
    to_screened(a, visits["a0"])
    inject.inject(a, visits["a0"], staff_id="vac1", lot_no="LOT-A", desk="1")
    observe.start_observation(a, visits["a0"], staff_id="obs1")
    signin.sign_in(a, visits["a1"], staff_id="sign1")
    prescreen.cancel_booking(a, visits["a2"], staff_id=proven(a, "pre1"), reason="moved away")
    to_screened(b, visits["b0"])
    signin.sign_in(b, visits["b1"], staff_id="sign1")
    prescreen.screen(b, visits["b1"], staff_id="pre1", answers=answers_ok(), temperature=38.2)  # fever
    inject.inject(b, visits["b0"], staff_id="vac1", lot_no="LOT-A", desk="2")
    stock.waste(b, staff_id="admin1", lot_no="LOT-A", doses=2, reason="dropped")
    staffmod.add(b, "vac2", "Staff vac2", ["vaccinator"], PIN, by=proven(b))
    clock.advance(minutes=31)
    observe.release(a, visits["a0"], staff_id="obs1")
    return visits


@pytest.mark.parametrize("mode", ["a_then_b", "b_then_a", "one_by_one", "shuffled"])
def test_two_laptops_converge_whatever_the_order(pair, clock, mode):
    a, b, wa, wb = pair
    wb.t += 0.5  # B's clock runs a little ahead
    _work_while_cut_off(a, b, clock)
    to_a, to_b = missing(a, b), missing(b, a)
    assert to_a and to_b
    if mode == "a_then_b":
        assert a.ingest(to_a) == len(to_a)
        assert b.ingest(to_b) == len(to_b)
    elif mode == "b_then_a":
        assert b.ingest(to_b) == len(to_b)
        assert a.ingest(to_a) == len(to_a)
    elif mode == "one_by_one":
        for e in to_a:
            assert a.ingest([e]) == 1
        for e in to_b:
            assert b.ingest([e]) == 1
    else:
        rng = random.Random(3)
        rng.shuffle(to_a)
        rng.shuffle(to_b)
        assert a.ingest(to_a) == len(to_a)
        assert b.ingest(to_b) == len(to_b)
    assert a.version_vector() == b.version_vector()
    assert {e.id for e in a.events()} == {e.id for e in b.events()}
    assert_same_tables(a, b)
    assert_rebuilds(a, b)
    assert day_status(a, DAY) == day_status(b, DAY)
    # both sign-in desks handed out numbers 1 and 2 while cut off: the later two are flagged, the
    # same two on both laptops; nothing else contradicts
    for s in (a, b):
        codes = [r["code"] for r in s.all("SELECT code FROM conflicts")]
        assert codes == ["duplicate_queue_no"] * 2
    assert day_status(a, DAY)["conflicts"] == 2


def test_a_third_laptop_gets_the_same_tables_from_one_mixed_batch(pair, clock, tmp_path):
    a, b, wa, wb = pair
    _work_while_cut_off(a, b, clock)
    b.ingest(missing(b, a))
    c = open_station(tmp_path / "c.sqlite3", "desk-c", clock, Wall(1_700_000_000.0))
    c.clock_margin_hours = 24 * 366 * 5  # its wall is not the pair's (2027): take their stamps (#13)
    try:
        batch = b.events()
        random.Random(5).shuffle(batch)
        assert c.ingest(batch) == len(batch)
        assert_same_tables(b, c)
        assert_rebuilds(c)
    finally:
        c.close()


def test_ingesting_the_same_batch_twice_adds_nothing(pair, clock):
    a, b, wa, wb = pair
    _work_while_cut_off(a, b, clock)
    batch = missing(a, b)
    assert a.ingest(batch) == len(batch)
    before_events = a.scalar("SELECT count(*) FROM events")
    before = tables(a)
    assert a.ingest(batch) == 0
    assert a.ingest(a.events()) == 0  # its own events, too
    assert a.ingest(batch + batch) == 0
    assert a.scalar("SELECT count(*) FROM events") == before_events
    assert tables(a) == before


def test_a_batch_holding_an_event_twice_is_taken_once(pair, clock):
    a, b, wa, wb = pair
    bookings.add_booking(b, new_person(), DAY, None, staff_id="admin1")
    batch = missing(a, b)
    assert a.ingest(batch + batch) == len(batch)
    assert_same_tables(a, b)


def test_same_origin_and_seq_with_another_id_is_refused(pair, clock):
    a, b, wa, wb = pair
    v = bookings.add_booking(a, new_person(), DAY, None, staff_id="admin1")
    signin.sign_in(a, v, staff_id="sign1")
    booking, signed = missing(b, a)
    assert b.ingest([booking]) == 1
    forged = dataclasses.replace(booking, id=str(uuid.uuid4()), payload={**booking.payload, "slot": "x"})
    before = tables(b)
    with pytest.raises(DomainError) as info:
        b.ingest([forged, signed])
    assert info.value.code == "event_mismatch"
    assert info.value.facts == {"origin": "desk-a", "seq": booking.seq}
    assert tables(b) == before and b.version_vector()["desk-a"] == booking.seq  # signed not taken
    # The same (origin, seq) twice in one batch with two ids is refused as well.
    c_signed = dataclasses.replace(signed, id=str(uuid.uuid4()))
    with pytest.raises(DomainError) as info:
        b.ingest([signed, c_signed])
    assert info.value.code == "event_mismatch"
    assert b.ingest([signed]) == 1
    assert_same_tables(a, b)


def test_a_gap_in_seq_is_refused_and_nothing_is_taken(pair, clock, tmp_path):
    a, b, wa, wb = pair
    events = a.events()
    c = open_station(tmp_path / "c.sqlite3", "desk-c", clock)
    c.clock_margin_hours = 24 * 366 * 5  # its wall is not the pair's (2027): take their stamps (#13)
    try:
        with pytest.raises(DomainError) as info:
            c.ingest([events[0], *events[2:]])
        assert info.value.code == "event_gap"
        assert info.value.facts == {"origin": "desk-a", "seq": 3, "expected": 2}
        assert c.scalar("SELECT count(*) FROM events") == 0
        assert c.scalar("SELECT count(*) FROM staff") == 0
        with pytest.raises(DomainError) as info:
            c.ingest(events[1:])
        assert info.value.code == "event_gap" and info.value.facts["expected"] == 1
        assert c.ingest(events) == len(events)
    finally:
        c.close()


@pytest.mark.parametrize("later", ["a", "b"])
def test_two_injections_while_cut_off_keep_both_doses_and_flag_the_visit(pair, clock, later):
    a, b, wa, wb = pair
    v = bookings.add_booking(a, new_person(), DAY, "08:00-08:30", staff_id="admin1")
    to_screened(a, v)
    b.ingest(missing(b, a))
    (wa if later == "a" else wb).t += 10  # whose injection comes second in HLC order
    clock.advance(minutes=3)
    inject.inject(a, v, staff_id="vac1", lot_no="LOT-A", desk="1")
    inject.inject(b, v, staff_id="vac1", lot_no="LOT-A", desk="4")
    a.ingest(missing(a, b))
    b.ingest(missing(b, a))
    for s in (a, b):
        doses = s.all("SELECT desk, lot_no, source FROM doses WHERE visit_id = ? ORDER BY desk", [v])
        assert doses == [
            {"desk": "1", "lot_no": "LOT-A", "source": "here"},
            {"desk": "4", "lot_no": "LOT-A", "source": "here"},
        ]
        visit = bookings.visit(s, v)
        assert visit["conflict"] == 1 and visit["state"] == "injected"
        conflicts = s.all("SELECT event_id, code FROM conflicts WHERE visit_id = ?", [v])
        assert len(conflicts) == 1 and conflicts[0]["code"] == "already_injected"
        second = max((e for e in s.events() if e.type == "Injected"), key=lambda e: e.hlc)
        assert conflicts[0]["event_id"] == second.id
        assert second.origin == ("desk-a" if later == "a" else "desk-b")
        assert day_status(s, DAY)["conflicts"] == 1
        assert day_status(s, DAY)["injected"] == 1
    assert_same_tables(a, b)
    assert_rebuilds(a, b)


def test_a_late_event_gives_the_same_tables_as_applying_in_order(pair, clock, tmp_path):
    a, b, wa, wb = pair
    v = bookings.add_booking(a, new_person(), DAY, "08:00-08:30", staff_id="admin1")
    signin.sign_in(a, v, staff_id="sign1")
    b.ingest(missing(b, a))
    # Cut off: A cancels first (lower HLC), B screens later (higher HLC).
    prescreen.cancel_booking(a, v, staff_id=proven(a, "pre1"), reason="left the queue")
    wb.t += 60
    screen_pass(b, v)
    cancel, screen = missing(b, a)[0], missing(a, b)[0]
    assert cancel.hlc < screen.hlc
    assert b.ingest([cancel]) == 1  # late at B: B already applied the screening
    assert a.ingest([screen]) == 1  # in order at A
    assert_same_tables(a, b)
    for s in (a, b):
        visit = bookings.visit(s, v)
        assert visit["state"] == "cancelled" and visit["conflict"] == 1
        assert s.all("SELECT event_id, code FROM conflicts") == [
            {"event_id": screen.id, "code": "booking_cancelled"}
        ]
        assert s.scalar("SELECT count(*) FROM screenings WHERE visit_id = ?", [v]) == 1
    # In-order application of the visit's events (reproject_visit) gives the same rows again.
    before = tables(b)
    with b.transaction():
        projector.reproject_visit(b.conn, v)
    assert tables(b) == before
    assert_rebuilds(a, b)


def test_events_of_a_visit_from_another_desk_before_its_booking(pair, clock, tmp_path):
    """C hears B's sign-in of a visit before A's booking of it: nothing is lost once both arrive."""
    a, b, wa, wb = pair
    v = bookings.add_booking(a, new_person(), DAY, "08:00-08:30", staff_id="admin1")
    b.ingest(missing(b, a))
    signin.sign_in(b, v, staff_id="sign1")
    c = open_station(tmp_path / "c.sqlite3", "desk-c", clock)
    c.clock_margin_hours = 24 * 366 * 5  # its wall is not the pair's (2027): take their stamps (#13)
    try:
        c.ingest(a.events()[:-1])  # staff and stock, not the booking
        c.ingest([e for e in b.events() if e.origin == "desk-b"])
        assert c.scalar("SELECT count(*) FROM visits") == 0
        assert c.scalar("SELECT code FROM conflicts") == "visit_unknown"
        c.ingest(missing(c, a))
        assert bookings.visit(c, v)["state"] == "signed_in"
        assert c.scalar("SELECT count(*) FROM conflicts") == 0
        assert_same_tables(b, c)
        assert_rebuilds(c)
    finally:
        c.close()


@pytest.mark.parametrize("order", ["a_first", "b_first"])
def test_same_person_booked_on_two_laptops_converges(pair, clock, order):
    """A walk-in registered at two desks while cut off: one conflict, the same on both sides."""
    a, b, wa, wb = pair
    person = new_person("王五")
    wb.t += 5  # B's walk-in comes later in HLC order
    va = signin.walk_in(a, person, staff_id="sign1")["visit_id"]
    vb = signin.walk_in(b, {**person, "phone": "13900001111"}, staff_id="sign1")["visit_id"]
    to_a, to_b = missing(a, b), missing(b, a)
    if order == "a_first":
        a.ingest(to_a)
        b.ingest(to_b)
    else:
        b.ingest(to_b)
        a.ingest(to_a)
    assert_same_tables(a, b)
    assert_rebuilds(a, b)
    for s in (a, b):
        # the later walk-in is a second booking of the person, and got the same queue number too
        assert s.all("SELECT visit_id, code FROM conflicts ORDER BY code") == [
            {"visit_id": vb, "code": "duplicate_booking"},
            {"visit_id": vb, "code": "duplicate_queue_no"},
        ]
        assert bookings.visit(s, va)["conflict"] == 0 and bookings.visit(s, vb)["conflict"] == 1
        assert (
            s.scalar("SELECT phone FROM people WHERE person_id = ?", [person["person_id"]]) == "13900001111"
        )


def test_concurrent_staff_changes_end_the_same_everywhere(pair, clock):
    a, b, wa, wb = pair
    wa.t += 30  # A's change is the later one
    staffmod.change(b, "obs1", by=proven(b), active=False)
    staffmod.change(a, "obs1", by=proven(a), active=True, roles=["observer", "vaccinator"])
    a.ingest(missing(a, b))
    b.ingest(missing(b, a))
    assert_same_tables(a, b)
    assert_rebuilds(a, b)
    for s in (a, b):
        member = staffmod.get(s, "obs1")
        assert member.active and member.roles == ("vaccinator", "observer")


def test_stock_events_from_a_desk_that_sorts_first(tmp_path, clock):
    """A waste recorded at a desk whose id sorts before the hub's: the lot row must still count it."""
    hub = open_station(tmp_path / "hub.sqlite3", "z-hub", clock, Wall())
    desk = open_station(tmp_path / "desk.sqlite3", "a-desk", clock, Wall())
    late = open_station(tmp_path / "late.sqlite3", "m-late", clock, Wall())
    try:
        seed_staff_and_stock(hub)
        desk.ingest(hub.events())
        stock.waste(desk, staff_id="admin1", lot_no="LOT-A", doses=3, reason="vial broke")
        hub.ingest(missing(hub, desk))
        assert late.ingest(hub.events()) == len(hub.events())  # one batch, both origins
        assert stock.lot(late, "LOT-A")["doses_wasted"] == 3
        assert_same_tables(hub, late)
        assert_same_tables(desk, late)
        assert_rebuilds(late)
    finally:
        for s in (hub, desk, late):
            s.close()


def test_a_stock_receipt_heard_after_the_waste_of_that_lot(tmp_path, clock):
    """Separate batches: C first hears the desk's waste, then the hub's receipt of the lot."""
    hub = open_station(tmp_path / "hub.sqlite3", "hub", clock, Wall())
    desk = open_station(tmp_path / "desk.sqlite3", "desk", clock, Wall())
    c = open_station(tmp_path / "c.sqlite3", "c", clock, Wall())
    try:
        seed_staff_and_stock(hub)
        desk.ingest(hub.events())
        stock.waste(desk, staff_id="admin1", lot_no="LOT-A", doses=2, reason="cold chain")
        assert c.ingest([e for e in desk.events() if e.origin == "desk"]) == 1
        assert stock.lot(c, "LOT-A") is None
        assert c.ingest(hub.events()) == len(hub.events())
        assert stock.lot(c, "LOT-A")["doses_wasted"] == 2
        assert_same_tables(desk, c)
        assert_rebuilds(c)
    finally:
        for s in (hub, desk, c):
            s.close()


def test_a_staff_change_heard_before_the_staff_member(tmp_path, clock):
    hub = open_station(tmp_path / "hub.sqlite3", "hub", clock, Wall())
    desk = open_station(tmp_path / "desk.sqlite3", "desk", clock, Wall())
    c = open_station(tmp_path / "c.sqlite3", "c", clock, Wall())
    try:
        seed_staff_and_stock(hub)
        desk.ingest(hub.events())
        staffmod.change(desk, "vac1", by=proven(desk), active=False)
        c.ingest([e for e in desk.events() if e.origin == "desk"])
        c.ingest(hub.events())
        assert staffmod.get(c, "vac1").active is False
        assert_same_tables(desk, c)
        assert_rebuilds(c)
    finally:
        for s in (hub, desk, c):
            s.close()


# --- a full disk ------------------------------------------------------------------------------


class _FullDisk:
    """Stands in for the connection: inserting into the log fails as SQLite does on a full disk."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params=()):
        if sql.lstrip().upper().startswith("INSERT INTO EVENTS"):
            raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, params)

    def __getattr__(self, name):
        return getattr(self._conn, name)


def test_disk_full_refuses_the_step_and_keeps_what_was_saved(
    store, clock, tmp_path, person_factory, monkeypatch
):
    v = bookings.add_booking(store, person_factory(), DAY, "08:00-08:30", staff_id="admin1")
    signin.sign_in(store, v, staff_id="sign1")
    saved = store.events()
    saved_tables = tables(store)
    monkeypatch.setattr(store, "conn", _FullDisk(store.conn))
    with pytest.raises(DomainError) as info:
        screen_pass(store, v)
    assert info.value.code == "disk_full"
    assert "disk" in info.value.message("en") and "磁盘" in info.value.message("zh")
    with pytest.raises(DomainError) as info:
        signin.walk_in(store, person_factory(), staff_id="sign1")
    assert info.value.code == "disk_full"
    monkeypatch.undo()
    monkeypatch.setattr(Store, "trusts_named_staff", True)  # undo() took the test bed's trust too
    assert not store.conn.in_transaction
    path = store.path
    store.close()
    reopened = Store.open(path, now=clock)
    try:
        assert reopened.events() == saved
        assert tables(reopened) == saved_tables
        assert bookings.visit(reopened, v)["state"] == "signed_in"
        screen_pass(reopened, v)  # space again: the desk carries on
        assert bookings.visit(reopened, v)["state"] == "screened"
    finally:
        reopened.close()


def test_a_really_full_database_file(store, clock, person_factory):
    """SQLite's own SQLITE_FULL (a page limit stands in for the disk) gives the same answer."""
    saved = len(store.events())
    store.conn.execute(f"PRAGMA max_page_count = {store.scalar('PRAGMA page_count')}")
    with pytest.raises(DomainError) as info:
        with store.transaction():
            for i in range(2000):
                bookings.add_booking(store, person_factory(f"名{i}"), DAY, None, staff_id="admin1")
    assert info.value.code == "disk_full"
    assert len(store.events()) == saved
    assert store.scalar("SELECT count(*) FROM visits") == 0
    path = store.path
    store.close()
    reopened = Store.open(path, now=clock)
    try:
        assert len(reopened.events()) == saved
        assert_rebuilds(reopened)
    finally:
        reopened.close()


def test_storage_errors_are_translated():
    # each failure its own code, with what to do (#13: station/integrity.py)
    assert storemod._storage_error(sqlite3.OperationalError("database is locked")).code == "db_locked"
    err = storemod._storage_error(sqlite3.OperationalError("disk I/O error"))
    assert err.code == "db_io_error" and "disk I/O error" in err.message("en")


def test_station_id_can_be_set_until_something_is_recorded(tmp_path):
    from station.errors import DomainError

    store = Store.open(tmp_path / "s.sqlite3")
    store.set_origin("gym-desk-1")
    assert store.origin == "gym-desk-1"
    store.close()
    store = Store.open(tmp_path / "s.sqlite3")
    assert store.origin == "gym-desk-1"
    with pytest.raises(DomainError) as bad:
        store.set_origin("has space")
    assert bad.value.code == "station_id_invalid"
    staffmod.add(store, "a1", "管理员", ["admin"], "1234", by="cli:test")
    with pytest.raises(DomainError) as fixed:
        store.set_origin("other")
    assert fixed.value.code == "station_id_fixed" and store.origin == "gym-desk-1"
    assert store.events()[0].origin == "gym-desk-1"


def test_background_checkpointer_keeps_commits_free_of_checkpoints(tmp_path, clock):
    import time

    store = Store.open(tmp_path / "c.sqlite3", now=clock)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # start from an empty WAL
    main_file = tmp_path / "c.sqlite3"
    # measured before the writes: the thread may copy them in while they are made (fast PIN hashes)
    size = main_file.stat().st_size
    store.start_checkpointer(every=0.05)
    assert store.scalar("PRAGMA wal_autocheckpoint") == 0  # commits never checkpoint themselves
    staffmod.add(store, "a1", "管理员", ["admin"], "1234", by="cli:test")
    for i in range(20):
        stock.receive(
            store,
            staff_id="a1",
            lot_no=f"L{i}",
            product="sinopharm_bbibp",
            expiry=clock().date() + timedelta(days=30),
            vials=1,
        )
    # the background thread copies the WAL into the database file: the file grows by itself
    deadline = time.time() + 5
    while time.time() < deadline and main_file.stat().st_size <= size:
        time.sleep(0.05)
    assert main_file.stat().st_size > size
    store.close()
    # everything written is in the database file itself after close, and nothing was lost
    again = Store.open(tmp_path / "c.sqlite3", now=clock)
    assert again.scalar("SELECT count(*) FROM lots") == 20
    assert again.scalar("PRAGMA wal_autocheckpoint") == 1000
    again.close()


@pytest.mark.parametrize("order", ["a_first", "b_first"])
def test_same_queue_number_from_two_sign_in_laptops_is_a_conflict_everywhere(tmp_path, clock, order):
    a = open_station(tmp_path / "a.sqlite3", "desk-a", clock)
    seed_staff_and_stock(a)
    v1 = bookings.add_booking(a, new_person(), DAY, None, staff_id="admin1")
    v2 = bookings.add_booking(a, new_person(), DAY, None, staff_id="admin1")
    b = open_station(tmp_path / "b.sqlite3", "desk-b", clock)
    b.ingest(a.events())
    # cut off from each other, both sign-in desks hand out number 1
    signin.sign_in(a, v1, staff_id="sign1")
    clock.advance(minutes=1)
    signin.sign_in(b, v2, staff_id="sign1")
    assert bookings.visit(a, v1)["queue_no"] == bookings.visit(b, v2)["queue_no"] == 1
    if order == "a_first":
        b.ingest(missing(b, a))
        a.ingest(missing(a, b))
    else:
        a.ingest(missing(a, b))
        b.ingest(missing(b, a))
    assert tables(a) == tables(b)
    for s in (a, b):
        rows = s.all("SELECT visit_id, code FROM conflicts")
        later = (
            v2
            if a.scalar("SELECT hlc FROM events WHERE visit_id = ? AND type = 'SignedIn'", [v2])
            > a.scalar("SELECT hlc FROM events WHERE visit_id = ? AND type = 'SignedIn'", [v1])
            else v1
        )
        assert rows == [{"visit_id": later, "code": "duplicate_queue_no"}]
        assert rebuild.check(s).ok
    a.close()
    b.close()
