"""Shared fixtures: a real station database in tmp_path with a clock the test controls."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no screen on CI; the Qt tests run headless

from datetime import date, datetime, timedelta, timezone

import pytest

from station import bookings, stock
from station import staff as staffmod
from station.identity import make_resident_id
from station.store import Store

# store_url / server_store: a fresh sync-server store on SQLite and on PostgreSQL (tests/pgfixtures.py)
pytest_plugins = ["tests.pgfixtures"]

CST = timezone(timedelta(hours=8))
DAY = date(2026, 11, 26)
PIN = "2468"
STAFF = {
    "admin1": ["admin"],
    "sign1": ["signin"],
    "pre1": ["prescreen"],
    "vac1": ["vaccinator"],
    "obs1": ["observer"],
}


class Clock:
    def __init__(self, start: datetime) -> None:
        self.t = start

    def __call__(self) -> datetime:
        return self.t

    def advance(self, **kw: float) -> datetime:
        self.t += timedelta(**kw)
        return self.t


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 26, 8, 0, tzinfo=CST))


@pytest.fixture(autouse=True)
def trusted_desk_work(request, monkeypatch):
    """The test bed plays its staff: a bare id may do desk work in-process, as in the demo (#13).

    The programs never trust a bare id (the window, the terminal commands and the servers act with
    the Session of a PIN proven at login), and the commands run as subprocesses in the tests get
    no such trust. ``@pytest.mark.sessions_only`` runs a test as the programs do.
    """
    if request.node.get_closest_marker("sessions_only") is None:
        monkeypatch.setattr(Store, "trusts_named_staff", True)


def proven(store: Store, staff_id: str = "admin1", pin: str = PIN) -> staffmod.Session:
    """``staff_id`` logged in with the PIN: what staff management and cancelling need (#13)."""
    return staffmod.login(store, staff_id, pin)


def add_staff(s: Store, staff: dict[str, list[str]] = STAFF) -> None:
    """The test staff (PIN ``PIN``): admin1 first (the station's first member), the rest by admin1."""
    staffmod.add(s, "admin1", "Staff admin1", ["admin"], PIN, by="admin1")
    admin = proven(s)
    for staff_id, roles in staff.items():
        if staff_id != "admin1":
            staffmod.add(s, staff_id, f"Staff {staff_id}", roles, PIN, by=admin)


@pytest.fixture
def store(tmp_path, clock) -> Store:
    s = Store.open(tmp_path / "station.sqlite3", origin="test-a", now=clock)
    add_staff(s)
    stock.receive(
        s,
        staff_id=proven(s),
        lot_no="LOT-A",
        product="sinopharm_bbibp",
        expiry=DAY + timedelta(days=90),
        vials=50,
    )
    yield s
    s.close()


_seq = iter(range(1, 10**6))


def new_person(name: str = "张三", birth: date = date(1990, 5, 17), **kw) -> dict:
    number = make_resident_id("110105", birth, next(_seq) % 999 + 1)
    return bookings.person_record(name=name, id_number=number, phone="13812345678", today=DAY, **kw)


@pytest.fixture
def person_factory():
    return new_person


@pytest.fixture
def booked(store) -> str:
    """A visit booked for the test day."""
    return bookings.add_booking(store, new_person(), DAY, "08:00-08:30", staff_id="admin1")


@pytest.fixture(autouse=True)
def fast_pins(monkeypatch):
    """Cheap PIN hashes in every test (argon2id at the real cost takes ~0.3 s a hash or a check, and
    the five staff of ``store`` would cost ~2 s per test); the program's own cost stays as measured.

    Autouse since argon2id; files still naming it (``usefixtures("fast_pins")``) get the same. Hashes
    stay salted and carry their own parameters, so verify_pin_hash works unchanged. A subprocess
    (``station ...``) runs at the real cost.
    """
    monkeypatch.setattr(staffmod, "_ARGON2", {"time_cost": 1, "memory_cost": 64, "parallelism": 1})
    monkeypatch.setattr(staffmod, "_SCRYPT", {"n": 2**4, "r": 8, "p": 1})


# --- the desk window (pytest-qt) -----------------------------------------------------------------


@pytest.fixture(scope="session")
def station_qapp(qapp):
    """The QApplication with the bundled CJK font and the Chinese translations, as `station` starts it."""
    from ui.app import install_translations, load_fonts

    load_fonts(qapp)
    install_translations(qapp, "zh")
    return qapp


@pytest.fixture
def make_hub(station_qapp, store):
    """A StationHub on the test station, logged in as ``staff_id``, serving ``roles``."""
    from station.settings import Settings
    from ui.hub import StationHub

    hubs = []

    def make(
        staff_id: str = "sign1",
        roles: tuple[str, ...] = ("signin",),
        lang: str = "zh",
        on: Store | None = None,
    ):
        settings = Settings(site_name="测试接种点", station_id="test-a", desk_roles=list(roles), desk="1")
        hub = StationHub(on or store, settings, lang=lang, poll_ms=50)
        hub.login(staff_id, PIN)
        hubs.append(hub)
        return hub

    yield make
    for hub in hubs:
        hub.close()
        hub.deleteLater()
