"""Queue numbers unique by construction: a letter per sign-in desk (A001, B001), numbered per day
and letter, shown one way everywhere, called in sign-in order; old events without a letter are A."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from station import bookings, inject, prescreen, rebuild, signin, slips, stock
from station import db as dbmod
from station.errors import DomainError
from station.rules import load_rules
from station.settings import Settings
from station.store import Event, Store

from .conftest import DAY, add_staff, new_person

# --- helpers ----------------------------------------------------------------------------------


def open_station(path: Path, origin: str, clock) -> Store:
    return Store.open(path, origin=origin, now=clock)


def seed(s: Store) -> None:
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


def exchange(a: Store, b: Store, order: str) -> None:
    if order == "a_first":
        b.ingest(missing(b, a))
        a.ingest(missing(a, b))
    else:
        a.ingest(missing(a, b))
        b.ingest(missing(b, a))


def labels(s: Store) -> list[str]:
    rows = s.all("SELECT * FROM visits WHERE queue_no IS NOT NULL ORDER BY queue_prefix, queue_no")
    return [signin.queue_label(r) for r in rows]


def screen_pass(s: Store, visit_id: str) -> None:
    answers = {q.id: False for q in load_rules().questions if q.kind == "yesno"}
    prescreen.screen(s, visit_id, staff_id="pre1", answers=answers, temperature=36.6)


@pytest.fixture
def two_desks(tmp_path, clock):
    """Two sign-in laptops that shared the day's bookings, then lost the network."""
    a = open_station(tmp_path / "a.sqlite3", "desk-a", clock)
    seed(a)
    visits = [bookings.add_booking(a, new_person(), DAY, None, staff_id="admin1") for _ in range(6)]
    b = open_station(tmp_path / "b.sqlite3", "desk-b", clock)
    b.ingest(a.events())
    yield a, b, visits
    a.close()
    b.close()


# --- showing and reading a number ---------------------------------------------------------------


def test_format_queue_no():
    assert signin.format_queue_no("A", 1) == "A001"
    assert signin.format_queue_no("B", 23) == "B023"
    assert signin.format_queue_no("C", 1005) == "C1005"
    assert signin.format_queue_no(None, 7) == "A007"  # a visit signed in before desks had letters
    assert signin.format_queue_no("A", None) == ""  # not signed in yet


@pytest.mark.parametrize(
    ("text", "ref"),
    [("A023", ("A", 23)), ("a23", ("A", 23)), ("23", ("A", 23)), (" B001 ", ("B", 1)), ("Z9", ("Z", 9))],
)
def test_parse_queue_no(text, ref):
    assert signin.parse_queue_no(text) == ref


@pytest.mark.parametrize("text", ["", "A", "AB1", "A-1", "1234567", "110105199005170011", "２３", "A1.5"])
def test_not_a_queue_number(text):
    assert signin.parse_queue_no(text) is None


@pytest.mark.parametrize(("value", "stored"), [("B", "B"), ("b", "B"), (" c ", "C")])
def test_the_prefix_setting_is_one_upper_case_letter(tmp_path, value, stored):
    (tmp_path / "settings.json").write_text(json.dumps({"queue_prefix": value}), encoding="utf-8")
    assert Settings.load(tmp_path).queue_prefix == stored


@pytest.mark.parametrize("value", ["", "AB", "1", "Ä", "-", 5, None, ["B"]])
def test_any_other_prefix_setting_is_a(tmp_path, value):
    (tmp_path / "settings.json").write_text(json.dumps({"queue_prefix": value}), encoding="utf-8")
    assert Settings.load(tmp_path).queue_prefix == "A"


def test_the_prefix_defaults_to_a(tmp_path):
    assert Settings().queue_prefix == "A"
    assert Settings.load(tmp_path).queue_prefix == "A"  # no settings file yet


@pytest.mark.parametrize("prefix", ["", "AB", "1", "Ä"])
def test_sign_in_refuses_a_prefix_that_is_not_a_letter(store, booked, prefix):
    before = store.scalar("SELECT count(*) FROM events")
    with pytest.raises(ValueError):
        signin.sign_in(store, booked, staff_id="sign1", prefix=prefix or "  ")
    with pytest.raises(ValueError):
        signin.walk_in(store, new_person(), staff_id="sign1", prefix=prefix or "  ")
    assert store.scalar("SELECT count(*) FROM events") == before


# --- numbering: per day and letter --------------------------------------------------------------


def test_each_letter_counts_on_its_own(store):
    visits = [bookings.add_booking(store, new_person(), DAY, None, staff_id="admin1") for _ in range(4)]
    got = [
        signin.queue_label(signin.sign_in(store, v, staff_id="sign1", prefix=p))
        for v, p in zip(visits, "ABAb", strict=True)
    ]
    assert got == ["A001", "B001", "A002", "B002"]
    walk = signin.walk_in(store, new_person(), staff_id="sign1", prefix="B")
    assert (walk["queue_prefix"], walk["queue_no"]) == ("B", 3)
    event = store.one(
        "SELECT payload FROM events WHERE visit_id = ? AND type = 'SignedIn'", [walk["visit_id"]]
    )
    assert json.loads(event["payload"])["queue_prefix"] == "B"
    assert rebuild.check(store).ok


@pytest.mark.parametrize("order", ["a_first", "b_first"])
def test_two_desks_cut_off_with_their_own_letters_give_no_conflict(two_desks, clock, order):
    a, b, visits = two_desks
    for i, v in enumerate(visits):  # the two desks take people alternately, each from its own line
        desk, prefix = (a, "A") if i % 2 == 0 else (b, "B")
        signin.sign_in(desk, v, staff_id="sign1", prefix=prefix)
        clock.advance(seconds=20)
    assert labels(a) == ["A001", "A002", "A003"] and labels(b) == ["B001", "B002", "B003"]
    exchange(a, b, order)
    assert tables(a) == tables(b)
    for s in (a, b):
        assert labels(s) == ["A001", "A002", "A003", "B001", "B002", "B003"]
        assert s.all("SELECT * FROM conflicts") == []
        assert s.scalar("SELECT count(*) FROM visits WHERE conflict = 1") == 0
        assert rebuild.check(s).ok
        # and the next sign-in on either desk goes on from its own letter's last number
    assert signin.queue_label(signin.walk_in(a, new_person(), staff_id="sign1", prefix="A")) == "A004"
    assert signin.queue_label(signin.walk_in(b, new_person(), staff_id="sign1", prefix="B")) == "B004"


@pytest.mark.parametrize("order", ["a_first", "b_first"])
def test_two_desks_set_to_the_same_letter_still_conflict(two_desks, clock, order):
    a, b, visits = two_desks
    signin.sign_in(a, visits[0], staff_id="sign1", prefix="B")
    clock.advance(minutes=1)
    signin.sign_in(b, visits[1], staff_id="sign1", prefix="B")
    exchange(a, b, order)
    assert tables(a) == tables(b)
    for s in (a, b):
        rows = s.all("SELECT visit_id, code, detail FROM conflicts")
        assert rows == [
            {
                "visit_id": visits[1],
                "code": "duplicate_queue_no",
                "detail": json.dumps({"other_visit": visits[0], "queue_no": "B001"}, separators=(",", ":")),
            }
        ]
        assert rebuild.check(s).ok


def test_the_same_number_with_other_letters_is_no_conflict_but_the_same_letter_is(two_desks, clock):
    a, b, visits = two_desks
    signin.sign_in(a, visits[0], staff_id="sign1", prefix="A")
    signin.sign_in(b, visits[1], staff_id="sign1", prefix="B")
    signin.sign_in(b, visits[2], staff_id="sign1", prefix="A")  # B's laptop switched to A while cut off
    exchange(a, b, "a_first")
    assert tables(a) == tables(b)
    assert [r["visit_id"] for r in a.all("SELECT visit_id FROM conflicts")] == [visits[2]]


# --- events from before desks had letters ---------------------------------------------------------


def test_a_sign_in_without_a_letter_is_desk_a_and_replays(two_desks, clock):
    a, b, visits = two_desks
    # what an older version wrote: no queue_prefix in the payload
    a.append(
        "SignedIn",
        {"queue_no": 1, "desk": "S1", "method": "typed", "at": clock().isoformat()},
        visit_id=visits[0],
        staff_id="sign1",
    )
    visit = bookings.visit(a, visits[0])
    assert (visit["queue_prefix"], visit["queue_no"], signin.queue_label(visit)) == ("A", 1, "A001")
    assert signin.queue_label(signin.sign_in(a, visits[1], staff_id="sign1")) == "A002"
    assert rebuild.check(a).ok
    # a new laptop with letter A, cut off, also gives out A001: still the conflict it was
    signin.sign_in(b, visits[2], staff_id="sign1", prefix="A")
    exchange(a, b, "b_first")
    assert tables(a) == tables(b)
    assert a.all("SELECT visit_id, code FROM conflicts") == [
        {"visit_id": visits[2], "code": "duplicate_queue_no"}
    ]


def test_migration_0003_upgrades_visits_and_conflicts_as_the_projector_would(tmp_path, clock):
    """A file at migration 0002 holding a duplicate number (conflict detail with a bare number)."""
    path = tmp_path / "old.sqlite3"
    a = open_station(path, "desk-a", clock)
    seed(a)
    v1, v2 = (bookings.add_booking(a, new_person(), DAY, None, staff_id="admin1") for _ in range(2))
    b = open_station(tmp_path / "b.sqlite3", "desk-b", clock)
    b.ingest(a.events())
    signin.sign_in(a, v1, staff_id="sign1")
    clock.advance(minutes=1)
    signin.sign_in(b, v2, staff_id="sign1")
    a.ingest(missing(a, b))
    b.close()
    # back to what 0.1.0 wrote: no letters in the log, no column, a bare number in the conflict
    with a.transaction():
        a.conn.execute(
            "UPDATE events SET payload = json_remove(payload, '$.queue_prefix') WHERE type = 'SignedIn'"
        )
        a.conn.execute("UPDATE conflicts SET detail = json_set(detail, '$.queue_no', 1)")
        a.conn.execute("DROP INDEX visits_day_prefix_queue")
        a.conn.execute("ALTER TABLE visits DROP COLUMN queue_prefix")
        a.conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0003_queue_prefix'")
    a.close()
    again = open_station(path, "desk-a", clock)
    try:
        assert dbmod.schema_version(again.db)[-1] == "0003_queue_prefix"
        assert [signin.queue_label(bookings.visit(again, v)) for v in (v1, v2)] == ["A001", "A001"]
        detail = json.loads(again.scalar("SELECT detail FROM conflicts"))
        assert detail == {"other_visit": v1, "queue_no": "A001"}
        assert rebuild.check(again).ok
    finally:
        again.close()


# --- calling order ------------------------------------------------------------------------------


def test_the_injection_queue_follows_sign_in_time_across_letters(store, clock):
    visits = [bookings.add_booking(store, new_person(), DAY, None, staff_id="admin1") for _ in range(5)]
    # desk A signs in three people, then desk B its first: B001 came after A003, not after A001
    for v, prefix in zip(visits, "AAABA", strict=True):
        signin.sign_in(store, v, staff_id="sign1", prefix=prefix)
        clock.advance(minutes=1)
    for v in visits:
        screen_pass(store, v)
    assert [signin.queue_label(v) for v in inject.queue(store, DAY)] == [
        "A001",
        "A002",
        "A003",
        "B001",
        "A004",
    ]


def test_sign_ins_in_the_same_instant_keep_the_log_order(store):
    visits = [bookings.add_booking(store, new_person(), DAY, None, staff_id="admin1") for _ in range(4)]
    for v, prefix in zip(visits, "BABA", strict=True):  # the clock stands still
        signin.sign_in(store, v, staff_id="sign1", prefix=prefix)
    for v in reversed(visits):
        screen_pass(store, v)
    assert [signin.queue_label(v) for v in inject.queue(store, DAY)] == ["B001", "A001", "B002", "A002"]


def test_someone_absent_still_goes_behind_across_letters(store, clock):
    visits = [bookings.add_booking(store, new_person(), DAY, None, staff_id="admin1") for _ in range(3)]
    for v, prefix in zip(visits, "ABA", strict=True):
        signin.sign_in(store, v, staff_id="sign1", prefix=prefix)
        clock.advance(minutes=1)
        screen_pass(store, v)
    called = inject.call_next(store, staff_id="vac1", desk="3")
    assert signin.queue_label(called) == "A001"
    inject.mark_absent(store, called["visit_id"], staff_id="vac1", desk="3")
    assert [signin.queue_label(v) for v in inject.queue(store, DAY)] == ["B001", "A002", "A001"]


# --- looking a number up ------------------------------------------------------------------------


def test_find_and_resolve_by_queue_number(store):
    a1, b1 = (bookings.add_booking(store, new_person(), DAY, None, staff_id="admin1") for _ in range(2))
    signin.sign_in(store, a1, staff_id="sign1", prefix="A")
    signin.sign_in(store, b1, staff_id="sign1", prefix="B")
    for text, visit_id in (("A001", a1), ("a1", a1), ("1", a1), ("001", a1), ("B001", b1), ("b01", b1)):
        assert signin.find_by_queue_no(store, DAY, text)["visit_id"] == visit_id, text
        assert slips.resolve_visit(store, text, DAY) == visit_id, text
    assert signin.find_by_queue_no(store, DAY, "C001") is None
    with pytest.raises(DomainError) as info:
        slips.resolve_visit(store, "B002", DAY)
    assert info.value.code == "visit_unknown" and info.value.facts["visit"] == f"{DAY.isoformat()} B002"
    rows = signin.add_queue_prefix(store, [{"visit_id": b1}, {"visit_id": a1}, {"visit_id": None}])
    assert [r["queue_prefix"] for r in rows] == ["B", "A", None]
    assert signin.add_queue_prefix(store, [{"visit_id": b1, "queue_prefix": "Q"}]) == [
        {"visit_id": b1, "queue_prefix": "Q"}
    ]
