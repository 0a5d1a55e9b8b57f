"""The clock's bounds (#13): a laptop ten years ahead, one reset to 1970, and the year 2286.

Every store here runs on clocks the test sets: the domain's ``now`` (tests/conftest.py ``Clock``)
and the HLC's wall (``Store.open(..., wall=...)``), never the machine's.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from station import bookings, signin, status
from station.hlc import CEILING_MS, FLOOR_MS, HybridClock, Stamp
from station.settings import Settings, clock_margin_hours
from station.store import Store
from tests.conftest import CST, DAY, Clock, add_staff, new_person
from tests.domainkit import refused

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=CST)
AHEAD = NOW.replace(year=2036)  # a laptop with its date ten years ahead


def open_store(path, origin: str, at: datetime) -> tuple[Store, Clock]:
    clock = Clock(at)
    store = Store.open(path, origin=origin, now=clock, wall=lambda: clock().timestamp())
    return store, clock


@pytest.fixture
def here(tmp_path):
    store, clock = open_store(tmp_path / "here" / "station.sqlite3", "desk-a", NOW)
    add_staff(store)
    yield store, clock
    store.close()


@pytest.fixture
def wrong_laptop(tmp_path):
    """A laptop ten years ahead that signed two walk-ins in."""
    store, _clock = open_store(tmp_path / "ahead" / "station.sqlite3", "desk-z", AHEAD)
    add_staff(store)
    for _ in range(2):
        signin.walk_in(store, new_person(), staff_id="sign1")
    yield store
    store.close()


def year_of(stamp: str) -> int:
    return datetime.fromtimestamp(Stamp.parse(stamp).wall_ms / 1000, CST).year


def test_an_event_ten_years_ahead_is_refused_on_ingest(here, wrong_laptop):
    store, _ = here
    events = wrong_laptop.events()
    held = store.version_vector()
    with refused("event_future", origin="desk-z", seq=1):
        store.ingest(events)
    assert store.version_vector() == held  # nothing of the batch taken

    report = store.ingest_report(events)
    assert report.new == 0
    codes = [code for _, code in report.rejected]
    assert codes[0] == "event_future" and set(codes[1:]) == {"event_held"}  # the rest held back
    assert len(codes) == len(events)
    assert store.scalar("SELECT count(*) FROM events WHERE origin = 'desk-z'") == 0
    # for the admin: which laptop, how far ahead, how many events held back
    held = store.held_back()["desk-z"]
    assert held["seq"] == 1 and held["top"] == len(events) and int(held["hours"]) > 24 * 365 * 9

    # the local stamps stay in this year, and the day shown stays today
    signin.walk_in(store, new_person(), staff_id="sign1")
    assert year_of(store.scalar("SELECT max(hlc) FROM events")) == 2026
    assert status.day_status(store)["day"] == NOW.date().isoformat()


def test_an_event_within_the_margin_is_taken_and_the_margin_is_a_setting(tmp_path, here):
    store, _ = here
    other, _ = open_store(tmp_path / "near" / "station.sqlite3", "desk-b", NOW + timedelta(hours=20))
    add_staff(other)
    assert store.ingest(other.events()) == len(other.events())  # 20 h ahead: within a day
    other.close()

    folder = tmp_path / "strict"
    Settings(site_name="x", station_id="desk-c", desk_roles=["admin"], clock_margin_hours=2).save(folder)
    assert clock_margin_hours(folder) == 2
    strict, _ = open_store(folder / "station.sqlite3", "desk-c", NOW)
    assert strict.clock_margin_hours == 2
    report = strict.ingest_report(store.events())
    assert {code for _, code in report.rejected} == {"event_future", "event_held"}
    assert [e.origin for e, code in report.rejected if code == "event_future"] == ["desk-b"]
    strict.close()


def test_status_defaults_to_today_not_the_newest_day(here):
    store, _ = here
    # bookings for next week (an import a few days early) must not move the day the counts show
    bookings.add_booking(store, new_person(), DAY + timedelta(days=7), "08:00-08:30", staff_id="admin1")
    assert status.day_status(store)["day"] == DAY.isoformat()
    assert status.day_status(store, DAY + timedelta(days=7))["bookings"] == 1


def test_a_1970_clock_is_refused_before_recording(tmp_path):
    # the domain's clock reset to 1970: the walk-in is refused for the clock, not "born in the future"
    store, clock = open_store(tmp_path / "a" / "station.sqlite3", "desk-a", NOW)
    add_staff(store)
    before = store.scalar("SELECT count(*) FROM events")
    clock.t = datetime(1970, 1, 1, 8, 0, tzinfo=CST)
    with refused("clock_too_early"):
        signin.walk_in(store, new_person(), staff_id="sign1")
    assert store.clock_check()[0] == "clock_too_early"
    assert store.scalar("SELECT count(*) FROM events") == before
    assert store.scalar("SELECT count(*) FROM visits WHERE day < '2020-01-01'") == 0
    store.close()

    # the machine's clock (the HLC's wall) at 1970 while the domain's clock is right: refused too
    clock = Clock(NOW)
    store = Store.open(tmp_path / "b" / "station.sqlite3", origin="desk-b", now=clock, wall=lambda: 0.0)
    with refused("clock_too_early"):
        add_staff(store)
    assert store.scalar("SELECT count(*) FROM events") == 0
    store.close()


def test_a_clock_behind_the_log_is_warned(here):
    store, clock = here
    assert store.clock_check() is None
    signin.walk_in(store, new_person(), staff_id="sign1")
    clock.t = NOW - timedelta(days=3)  # set back three days (the HLC wall follows this clock here)
    problem = store.clock_check()
    assert problem is not None and problem[0] == "clock_behind_log"
    assert "2026-11-26" in problem[1]["newest"]
    # a warning, not a refusal: the stamps follow the log and still sort after it
    last = store.scalar("SELECT max(hlc) FROM events")
    bookings.add_booking(store, new_person(), DAY, None, staff_id="sign1", source="walk_in")
    assert store.scalar("SELECT max(hlc) FROM events") > last


def test_no_clock_past_2286_makes_a_stamp_that_does_not_sort():
    assert len(str(Stamp(CEILING_MS - 1, 99_999, "x")).split(".")[0]) == 13
    assert FLOOR_MS < CEILING_MS < 10**13
    for wall_s in (10**10, 10**10 + 86_400, CEILING_MS / 1000):  # 2286-11-20 (10**13 ms) and after
        clock = HybridClock("x", wall=lambda wall_s=wall_s: wall_s)
        with refused("clock_too_late"):
            clock.now()

    # a remote stamp past the ceiling is not followed: the next stamp keeps 13 digits and sorts last
    clock = HybridClock("x", wall=lambda: NOW.timestamp())
    first = str(clock.now())
    clock.observe(Stamp(10**13 + 5, 0, "far"))
    later = str(clock.now())
    assert len(later.split(".")[0]) == 13 and later > first


def test_a_stamp_past_the_ceiling_is_refused_on_ingest(here, wrong_laptop):
    store, _ = here
    event = wrong_laptop.events()[0]
    far = type(event)(**{**event.__dict__, "hlc": str(Stamp(10**13 + 1, 0, event.origin))})
    report = store.ingest_report([far])
    assert [code for _, code in report.rejected] == ["event_future"]
    assert store.clock._last_wall < CEILING_MS
    # and the message says which laptop and how far ahead, in both languages
    with refused("event_future") as info:
        store.ingest([far])
    assert "desk-z" in info.value.message("zh") and "desk-z" in info.value.message("en")



def test_the_header_warns_of_a_clock_behind_the_log(make_hub, store, qtbot):
    from ui.header import Header

    hub = make_hub("admin1", ("admin",))
    header = Header(hub)
    qtbot.addWidget(header)
    assert header.clock_warning.isHidden()
    real = store.clock._wall
    store.clock._wall = lambda: real() - 3 * 86_400  # the laptop's clock set back three days
    header.refresh()
    assert not header.clock_warning.isHidden() and header.clock_problem == "clock_behind_log"
    assert "一天以上" in header.clock_warning.toolTip()  # the whole message, in the desk's language
    store.clock._wall = real
    header.refresh()
    assert header.clock_warning.isHidden()


def test_later_pages_of_a_held_laptop_are_held_not_gaps(here, wrong_laptop):
    """A sync client reads the log again from the start on a gap: the events of a laptop held back
    behind its future event must not look like one, page after page."""
    store, _ = here
    events = wrong_laptop.events()
    first, rest = events[:3], events[3:]
    assert store.ingest_report(first).rejected[0][1] == "event_future"
    codes = {code for _, code in store.ingest_report(rest).rejected}
    assert codes == {"event_held"}
    assert store.held_back()["desk-z"]["top"] == len(events)


def test_the_sync_tab_shows_the_laptop_held_back(make_hub, store, wrong_laptop, qtbot, tmp_path):
    from ui.pages.sync_panel import SyncPanel
    from ui.widgets import Banner

    hub = make_hub("admin1", ("admin",))
    banner = Banner()
    panel = SyncPanel(hub, banner)
    qtbot.addWidget(panel)
    qtbot.addWidget(banner)
    panel.resize(1000, 700)
    panel.show()
    assert "desk-z" not in panel.held_line.text()
    events = wrong_laptop.events()
    store.ingest_report(events)
    panel.refresh()
    text = panel.held_line.text()
    assert "desk-z" in text and "2036" in text and f"{len(events)} " in text  # which, how far, how many
    qtbot.wait(100)  # the wrapped line takes its height at the next layout pass
    panel.grab().save(str(tmp_path / "sync-held.png"))
    print("screenshot", tmp_path / "sync-held.png")


def test_a_hub_refuses_the_pushes_of_a_laptop_ten_years_ahead(tmp_path, clock):
    """Through a real hub (uvicorn on loopback): the laptop with the wrong date is told
    ``event_future`` by the hub itself, its records stay on it (nothing lost, nothing acknowledged),
    and the other desks never pull a stamp from 2036."""
    import time

    from sync.client import engine
    from sync.client.remote import SyncError
    from tests.syncbed import Site

    site = Site(tmp_path, clock)
    try:
        good = site.station("desk-a")
        add_staff(good)
        signin.walk_in(good, new_person(), staff_id="sign1")
        ten_years_s = 10 * 365 * 24 * 3600
        wrong = Store.open(tmp_path / "desk-z" / "station.sqlite3", origin="desk-z", now=clock,
                           wall=lambda: time.time() + ten_years_s)
        site.stations["desk-z"] = wrong
        site.join(wrong)
        add_staff(wrong)
        signin.walk_in(wrong, new_person(), staff_id="sign1")
        site.sync(good)

        syncer = engine.Syncer(wrong)
        with pytest.raises(SyncError) as info:
            syncer.push()
        syncer.remote.close()
        assert info.value.code == "event_future" and "87600 hours ahead" in info.value.reason
        syncer.failed(info.value)  # what the window's sync worker does: the header and Sync tab show it
        st = engine.status(wrong)
        assert st["last_error"].startswith("event_future")
        assert [r["error"] for r in st["rejected"]][:1] == ["event_future"]
        recorded = wrong.scalar("SELECT count(*) FROM events WHERE origin = 'desk-z'")
        assert st["acked"] == 0 and st["waiting"] == recorded > 0  # kept on the laptop, not acknowledged
        site.sync(good)
        held = site.hub_store.read(0, 1000, site=None).events
        assert {e.origin for _pos, e in held} == {"desk-a"}
        assert good.scalar("SELECT count(*) FROM events WHERE origin = 'desk-z'") == 0
        assert max(year_of(h) for (h,) in good.conn.execute("SELECT hlc FROM events")) < 2030
    finally:
        site.close()


def test_a_laptop_ahead_of_the_hub_is_warned_before_it_records(tmp_path, clock):
    """A joined laptop three days ahead learns it from the hub's answers (their Date header) at its
    first sync, before it records anything the hub would refuse; the warning goes once the clocks agree."""
    import time

    from tests.syncbed import Site

    site = Site(tmp_path, clock)
    offset = {"s": 3 * 24 * 3600}
    try:
        laptop = Store.open(tmp_path / "desk-y" / "station.sqlite3", origin="desk-y", now=clock,
                            wall=lambda: time.time() + offset["s"])
        site.stations["desk-y"] = laptop
        site.join(laptop)
        right = site.station("desk-r")
        site.sync(laptop, right)  # nothing recorded yet on either
        problem = laptop.clock_check()
        assert problem is not None and problem[0] == "clock_ahead_of_hub", problem
        assert 71 <= problem[1]["hours"] <= 73
        said = status_message(problem)
        assert "现场主机" in said and f"{problem[1]['hours']} 小时" in said, said
        assert right.clock_check() is None
        offset["s"] = 0  # the date set right: the next sync clears the warning
        site.sync(laptop)
        assert laptop.clock_check() is None
    finally:
        site.close()


def status_message(problem) -> str:
    from station.errors import DomainError

    return DomainError(problem[0], **problem[1]).message("zh")
