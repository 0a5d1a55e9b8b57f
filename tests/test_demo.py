"""The demo day matches the pilot day it was modelled on, and loads safely into any database."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, time, timedelta
from pathlib import Path

import pytest

from station import bookings, demo, rebuild, stock
from station.status import day_status
from station.store import Store

from .conftest import DAY, proven

DEMO_DAY = "2026-11-26"


def _station(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    return subprocess.run(
        [sys.executable, "-m", "station.cli", "--data", str(data), "--lang", "en", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="module")
def full_day(tmp_path_factory) -> Path:
    """The default demo day, loaded once through the real command."""
    data = tmp_path_factory.mktemp("demo")
    out = _station(data, "demo", "--day", DEMO_DAY)
    assert out.returncode == 0, out.stderr
    assert f"Demo day {DEMO_DAY} loaded: 1005 bookings" in out.stdout
    return data


@pytest.fixture
def full_store(full_day):
    s = Store.open(full_day / "station.sqlite3", create=False)
    yield s
    s.close()


def test_the_pilot_numbers(full_store):
    counts = day_status(full_store, date.fromisoformat(DEMO_DAY))
    assert counts["bookings"] == 1005
    assert counts["signed_in"] == 1004
    assert counts["turned_away"] == 54
    assert counts["screened"] == 1004
    assert counts["injected"] == 950
    assert counts["released"] == 950
    assert counts["cancelled"] == 0
    assert counts["bookings_left"] == 1  # the one who never came
    assert counts["waiting"] == {"prescreen": 0, "inject": 0, "observe": 0}
    assert counts["observing"] == 0
    assert counts["conflicts"] == 0
    assert full_store.scalar("SELECT count(*) FROM doses WHERE source = 'here'") == 950


def test_turned_away_for_varied_reasons(full_store):
    reasons = full_store.all(
        "SELECT reason, count(*) AS n FROM visits WHERE state = 'turned_away' GROUP BY reason ORDER BY n DESC"
    )
    assert all(r["reason"] for r in reasons)
    assert len(reasons) >= 5
    assert reasons[0]["n"] < 54  # no single reason for everyone


def test_six_injection_desks_share_the_work(full_store):
    desks = full_store.all(
        "SELECT desk, count(*) AS n FROM doses WHERE source = 'here' GROUP BY desk ORDER BY desk"
    )
    assert [d["desk"] for d in desks] == ["1", "2", "3", "4", "5", "6"]
    assert min(d["n"] for d in desks) > 950 / 6 * 0.7
    vaccinators = full_store.scalar("SELECT count(DISTINCT vaccinator) FROM doses WHERE source = 'here'")
    assert vaccinators == 6


def _per_slot(s: Store, start: time, end: time) -> float:
    rows = s.all("SELECT slot, count(*) AS n FROM visits WHERE day = ? GROUP BY slot", [DEMO_DAY])
    picked = [r["n"] for r in rows if start <= time.fromisoformat(r["slot"][:5]) < end]
    assert picked
    return sum(picked) / len(picked)


def test_fewer_bookings_at_lunch(full_store):
    lunch = _per_slot(full_store, time(12, 30), time(14, 0))
    morning = _per_slot(full_store, time(9, 0), time(11, 0))
    assert lunch < morning * 0.6


def test_nobody_is_released_before_their_observation_ends(full_store):
    early = full_store.scalar(
        "SELECT count(*) FROM observations WHERE released_at < until AND override_reason IS NULL"
    )
    assert early == 0
    assert full_store.scalar("SELECT min(minutes) FROM observations") >= 30


def test_the_demo_day_rebuilds(full_store):
    assert rebuild.check(full_store).ok


def test_running_the_demo_again_adds_nothing(full_day):
    s = Store.open(full_day / "station.sqlite3", create=False)
    before = (s.scalar("SELECT count(*) FROM events"), s.scalar("SELECT count(*) FROM visits"))
    s.close()
    out = _station(full_day, "demo", "--day", DEMO_DAY)
    assert out.returncode == 0, out.stderr
    assert "already loaded" in out.stdout
    s = Store.open(full_day / "station.sqlite3", create=False)
    try:
        assert (s.scalar("SELECT count(*) FROM events"), s.scalar("SELECT count(*) FROM visits")) == before
        assert s.scalar("SELECT count(*) FROM staff") == len(demo.DEMO_STAFF)
        assert s.scalar("SELECT count(*) FROM lots") == 3
    finally:
        s.close()


def test_demo_until_leaves_people_at_every_step(tmp_path):
    out = _station(tmp_path, "demo", "--day", DEMO_DAY, "--until", "10:00")
    assert out.returncode == 0, out.stderr
    s = Store.open(tmp_path / "station.sqlite3", create=False)
    try:
        counts = day_status(s, date.fromisoformat(DEMO_DAY))
        assert counts["bookings"] == 1005
        assert 0 < counts["injected"] < 950
        assert counts["observing"] > 0
        assert counts["bookings_left"] > 500
        assert sum(counts["waiting"].values()) > 0
        latest = s.scalar(
            "SELECT max(substr(json_extract(payload, '$.at'), 12, 5)) FROM events WHERE type != 'BookingAdded'"
        )
        assert "09:30" < latest <= "10:00"
    finally:
        s.close()


def test_demo_refuses_a_bad_until(tmp_path):
    out = _station(tmp_path, "demo", "--day", DEMO_DAY, "--until", "25:99")
    assert out.returncode == 2 and "HH:MM" in out.stderr


def test_demo_into_a_database_with_other_records(store, clock, person_factory):
    """A station that already has staff, stock and bookings (some for the same day) takes the demo."""
    mine = bookings.add_booking(store, person_factory("本地人"), DAY, "08:00-08:30", staff_id="admin1")
    other_day = bookings.add_booking(
        store, person_factory(), DAY + timedelta(days=1), None, staff_id="admin1"
    )
    events_before = store.scalar("SELECT count(*) FROM events")
    assert not demo.already_loaded(store, DAY)
    summary = demo.load(store, DAY, bookings_total=60, by=proven(store))
    assert summary.bookings == 60
    assert summary.events == store.scalar("SELECT count(*) FROM events") - events_before
    counts = day_status(store, DAY)
    assert counts["bookings"] == 61
    assert bookings.visit(store, mine)["state"] == "booked"
    assert bookings.visit(store, other_day)["state"] == "booked"
    assert store.scalar("SELECT count(*) FROM staff") == 5 + len(demo.DEMO_STAFF)
    assert stock.lot(store, "LOT-A") is not None
    assert demo.already_loaded(store, DAY)
    assert rebuild.check(store).ok
    assert store.now() == clock()  # the demo put the desk's clock back


def test_demo_is_loaded_once_per_day_even_with_other_imports(store, clock, person_factory):
    bookings.add_booking(store, person_factory(), DAY, None, staff_id="admin1", source="import")
    assert not demo.already_loaded(store, DAY)
    demo.load(store, DAY, bookings_total=30, by=proven(store))
    assert demo.already_loaded(store, DAY)
    assert not demo.already_loaded(store, DAY + timedelta(days=1))


def test_the_demo_stock_goes_through_the_stock_commands(full_store):
    """Cartons scanned in with delivery notes, a vial per dose, one vial broken, a cold-chain day with
    one excursion in the cold box and the admin's decision, and the end-of-day count."""
    figures = stock.summary(full_store)
    assert figures["total"] == {"received": 1320, "used": 950, "wasted": 1, "left": 369}
    receipts = stock.receipts(full_store)
    assert len(receipts) == 66 and all(r["carton_code"] and r["delivery_note"] for r in receipts)
    assert len({r["carton_code"] for r in receipts}) == 66
    assert full_store.scalar("SELECT count(*) FROM doses WHERE source = 'here' AND vial_id IS NULL") == 0
    broken = full_store.all("SELECT * FROM vials WHERE discarded_at IS NOT NULL")
    assert [(v["discard_reason"], v["doses_wasted"], v["desk"]) for v in broken] == [("broken", 1, "3")]
    outside = full_store.all("SELECT fridge, celsius FROM cold_readings WHERE outside = 1")
    assert outside == [{"fridge": "coldbox1", "celsius": 8.9}]
    decided = full_store.all("SELECT type, json_extract(payload, '$.lot_no') AS lot FROM events "
                             "WHERE type IN ('LotFlagged', 'LotDecided') ORDER BY hlc")  # fmt: skip
    assert [(d["type"], d["lot"]) for d in decided] == [
        ("LotFlagged", "20261126C008"),
        ("LotDecided", "20261126C008"),
    ]
    assert {r["status"] for r in stock.lots(full_store)} == {"ok"}
    counts = stock.counts_of_day(full_store, date.fromisoformat(DEMO_DAY))
    assert len(counts) == 3 and all(c["difference"] == 0 for c in counts)


# --- the demo camera's pictures match the demo day (issue #11) ------------------------------------


def _read_booking_picture(folder: Path):
    from station.scan import decode_image
    from station.scan.payloads import parse
    from station.scan.sources import image_files, read_image

    files = image_files(folder)
    assert [f.name for f in files] == sorted(
        p.name for p in (demo_scan_dir()).iterdir() if p.suffix == ".jpg"
    )
    result = decode_image(read_image(files[0]))
    scan = parse(result.text or "")
    assert scan.kind == "booking" and scan.ok, result.text
    return scan.fields


def demo_scan_dir() -> Path:
    from station.scan.sources import demo_dir

    return demo_dir()


def test_the_demo_booking_qr_is_for_a_person_booked_on_the_demo_day(store, tmp_path):
    demo.load(store, DAY, bookings_total=60, until=time(8, 30), by=proven(store))
    folder = demo.scan_pictures(store, DAY, tmp_path / "demo-scan")
    fields = _read_booking_picture(folder)
    assert fields["date"] == DAY.isoformat()
    person = store.one(
        "SELECT p.name, v.state, v.source FROM people p JOIN visits v USING (person_id)"
        " WHERE p.id_number = ? AND v.day = ?",
        [fields["id_number"], DAY.isoformat()],
    )
    assert person is not None and person["name"] == fields["name"]
    assert person["state"] == "booked" and person["source"] == "import"  # one of the demo's own, waiting
    # the other pictures are the bundled ones
    for name in ("02-health-green.jpg", "05-exit-slip.jpg"):
        assert (folder / name).read_bytes() == (demo_scan_dir() / name).read_bytes()


def test_the_demo_booking_qr_follows_the_day_signed_in(store, tmp_path):
    demo.load(store, DAY, bookings_total=30, until=time(8, 30), by=proven(store))
    first = _read_booking_picture(demo.scan_pictures(store, DAY, tmp_path / "a"))
    visit = store.one(
        "SELECT v.visit_id FROM visits v JOIN people p USING (person_id) WHERE p.id_number = ? AND v.day = ?",
        [first["id_number"], DAY.isoformat()],
    )
    from station import signin

    signin.sign_in(store, visit["visit_id"], staff_id="sign1")
    second = _read_booking_picture(demo.scan_pictures(store, DAY, tmp_path / "a"))
    assert second["id_number"] != first["id_number"]  # the next person still waiting


def test_without_bookings_that_day_the_qr_still_carries_the_day(store, tmp_path):
    fields = _read_booking_picture(demo.scan_pictures(store, DAY, tmp_path / "b"))
    assert fields["date"] == DAY.isoformat()  # not in the list: the desk offers walk-in registration
