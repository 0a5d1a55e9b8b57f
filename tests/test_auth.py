"""PINs, lockout and authority (#13): what a copy of the file, a guessing hand or a named id gets."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from station import flow, prescreen, rebuild
from station import staff as staffmod
from station.store import Store
from tests.conftest import DAY, PIN, STAFF, new_person, proven
from tests.domainkit import refused, snapshot

ROOT = Path(__file__).resolve().parent.parent


def _events(store: Store, *types: str) -> list[dict]:
    marks = ", ".join("?" * len(types))
    rows = store.all(
        f"SELECT type, staff_id, payload FROM events WHERE type IN ({marks}) ORDER BY pos", types
    )
    return [{**r, "payload": json.loads(r["payload"])} for r in rows]


def _hash(store: Store, staff_id: str) -> str:
    return store.scalar("SELECT pin_hash FROM staff WHERE staff_id = ?", [staff_id])


# --- the hash ------------------------------------------------------------------------------------


def test_new_pins_are_argon2id_hashes(store):
    stored = _hash(store, "vac1")
    assert stored.startswith("$argon2id$")
    assert staffmod.verify_pin_hash(PIN, stored) and not staffmod.verify_pin_hash("2469", stored)
    assert not staffmod.verify_pin_hash(PIN, "not a hash")
    assert not staffmod.verify_pin_hash(PIN, "$argon2id$broken")


def test_the_program_hashes_at_the_measured_cost(monkeypatch):
    """The cost the program runs with (fast_pins lowers it in tests only): 64 MiB, 3 passes, 1 lane."""
    monkeypatch.undo()  # the real parameters, as `station` runs
    assert staffmod._ARGON2 == {"time_cost": 3, "memory_cost": 65536, "parallelism": 1}
    assert "$m=65536,t=3,p=1$" in staffmod.hash_pin(PIN)


def test_an_old_scrypt_hash_still_verifies_and_is_replaced_at_the_next_login(store):
    """A station set up before argon2id: its scrypt hashes log in, and the first good login re-hashes."""
    old = staffmod.scrypt_hash("13579")
    assert old.startswith("scrypt$")
    with store.transaction():  # as an older program recorded it
        store.append("StaffChanged", {"staff_id": "vac1", "pin_hash": old, "at": "2026-11-26T07:00:00+08:00"})
    with refused("bad_login"):
        staffmod.login(store, "vac1", "24680")
    assert _hash(store, "vac1") == old  # a wrong PIN changes nothing of the hash
    staffmod.login(store, "vac1", "13579")
    new = _hash(store, "vac1")
    assert new.startswith("$argon2id$") and staffmod.verify_pin_hash("13579", new)
    last = _events(store, "StaffChanged")[-1]
    assert last["payload"] == {
        "staff_id": "vac1",
        "pin_hash": new,
        "rehashed": True,
        "at": last["payload"]["at"],
    }
    assert last["staff_id"] == "vac1"
    staffmod.login(store, "vac1", "13579")  # now current: no second re-hash
    assert len(_events(store, "StaffChanged")) == 2
    assert rebuild.check(store).ok


def test_an_unknown_staff_id_costs_a_hash_check_like_a_known_one(store, monkeypatch):
    """Equal time: the unknown id is checked against a dummy hash (not timed: the check is counted)."""
    checked: list[str] = []
    real = staffmod.verify_pin_hash

    def spy(pin: str, stored: str) -> bool:
        checked.append(stored)
        return real(pin, stored)

    monkeypatch.setattr(staffmod, "verify_pin_hash", spy)
    with refused("bad_login"):
        staffmod.login(store, "ghost", PIN)
    assert len(checked) == 1 and checked[0].startswith("$argon2id$")
    with refused("bad_login"):
        staffmod.login(store, "vac1", "1111")
    assert len(checked) == 2
    # the dummy has today's cost: the same parameters as a real hash
    assert checked[0].split("$")[3] == checked[1].split("$")[3]
    assert not _events(store, "LoginFailed")[1:]  # an unknown id is not recorded; the known one once


# --- lockout -------------------------------------------------------------------------------------


def _wrong(store: Store, staff_id: str = "vac1", n: int = 1) -> None:
    for _ in range(n):
        with pytest.raises(staffmod.DomainError) as caught:
            staffmod.login(store, staff_id, "0000")
        assert caught.value.code in ("bad_login", "login_locked")


def test_five_wrong_pins_lock_the_id_even_for_the_right_pin(store, clock):
    _wrong(store, n=4)
    assert staffmod.login(store, "vac1", PIN) == "vac1"  # a good login ends the streak
    _wrong(store, n=4)
    with refused("login_locked", staff="vac1", seconds=30):
        staffmod.login(store, "vac1", "0000")  # the fifth in a row
    with refused("login_locked", staff="vac1"):
        staffmod.login(store, "vac1", PIN)
    clock.advance(seconds=29)
    with refused("login_locked", staff="vac1", seconds=1):
        staffmod.login(store, "vac1", PIN)
    clock.advance(seconds=1)
    assert staffmod.login(store, "vac1", PIN).staff_id == "vac1"
    failed = _events(store, "LoginFailed")
    assert [e["payload"]["failures"] for e in failed] == [1, 2, 3, 4, 1, 2, 3, 4, 5]
    locks = _events(store, "StaffLockedOut")
    assert len(locks) == 1 and locks[0]["payload"]["seconds"] == 30
    assert len(_events(store, "LoginSucceeded")) == 2
    assert rebuild.check(store).ok


def test_three_hundred_wrong_pins_then_the_right_one_is_refused(store):
    before = store.scalar("SELECT count(*) FROM events")
    for _ in range(300):
        with pytest.raises(staffmod.DomainError):
            staffmod.login(store, "pre1", "9999")
    with refused("login_locked", staff="pre1"):
        staffmod.login(store, "pre1", PIN)
    # tries while locked are not checked, nor recorded: the log does not fill up
    assert store.scalar("SELECT count(*) FROM events") - before == 5 + 1


def test_the_delay_grows_with_each_wrong_pin_after_the_fifth(store, clock):
    assert [staffmod.lock_seconds(n) for n in (4, 5, 6, 7, 8)] == [0, 30, 60, 120, 240]
    assert staffmod.lock_seconds(50) == staffmod.LOCK_MAX_SECONDS == 3600
    _wrong(store, n=5)
    for seconds in (60, 120, 240):
        clock.advance(seconds=seconds // 2)  # the last lock ran out
        with refused("login_locked", staff="vac1", seconds=seconds):
            staffmod.login(store, "vac1", "0000")
    locks = [e["payload"]["seconds"] for e in _events(store, "StaffLockedOut")]
    assert locks == [30, 60, 120, 240]
    row = store.one("SELECT failed_logins, lockouts FROM staff WHERE staff_id = 'vac1'")
    assert row == {"failed_logins": 8, "lockouts": 4}


def test_the_admin_sees_wrong_pins_and_locks(store, clock):
    assert staffmod.lockouts(store) == []
    _wrong(store, "obs1", n=2)
    _wrong(store, "vac1", n=5)
    rows = {r["staff_id"]: r for r in staffmod.lockouts(store)}
    assert set(rows) == {"obs1", "vac1"}
    assert rows["vac1"]["locked"] and rows["vac1"]["lockouts"] == 1 and rows["vac1"]["failed_logins"] == 5
    assert not rows["obs1"]["locked"] and rows["obs1"]["failed_logins"] == 2
    clock.advance(minutes=1)
    staffmod.login(store, "vac1", PIN)
    rows = {r["staff_id"]: r for r in staffmod.lockouts(store)}
    assert rows["vac1"]["failed_logins"] == 0 and rows["vac1"]["lockouts"] == 1  # the history stays


def test_a_new_pin_from_the_admin_ends_a_lock(store):
    _wrong(store, n=5)
    staffmod.change(store, "vac1", by=proven(store), pin="97531")
    assert staffmod.login(store, "vac1", "97531").staff_id == "vac1"


def test_wrong_pins_and_locks_travel_to_another_laptop(store, tmp_path, clock):
    _wrong(store, n=5)
    other = Store.open(tmp_path / "other.sqlite3", origin="test-b", now=clock)
    try:
        other.ingest(store.events())
        with refused("login_locked", staff="vac1"):
            staffmod.login(other, "vac1", PIN)
        assert [r["staff_id"] for r in staffmod.lockouts(other)] == ["vac1"]
        assert rebuild.check(other).ok
    finally:
        other.close()


# --- a PIN change ----------------------------------------------------------------------------------


def test_a_pin_change_supersedes_the_old_hash(store):
    old_hash = _hash(store, "vac1")
    staffmod.change(store, "vac1", by=proven(store), pin="97531")
    new_hash = _hash(store, "vac1")
    assert new_hash != old_hash
    assert _events(store, "StaffChanged")[-1]["payload"]["pin_hash"] == new_hash
    # the tables keep the new hash only; the old PIN is useless
    assert store.scalar("SELECT count(*) FROM staff WHERE pin_hash = ?", [old_hash]) == 0
    with refused("bad_login"):
        staffmod.login(store, "vac1", PIN)
    assert staffmod.login(store, "vac1", "97531") == "vac1"
    # the event carries the hash only: no PIN, no length, no old hash
    payload = _events(store, "StaffChanged")[-1]["payload"]
    assert set(payload) == {"staff_id", "pin_hash", "at"}
    assert rebuild.check(store).ok


# --- authority -------------------------------------------------------------------------------------


def test_a_session_comes_from_a_login_only(store):
    session = proven(store, "pre1")
    assert isinstance(session, staffmod.Session) and session == "pre1" and session.roles == ("prescreen",)
    with pytest.raises(TypeError):
        staffmod.Session(staffmod.get(store, "pre1"), store.now())
    # a copy of the text is a bare id again
    assert not isinstance(str(session), staffmod.Session)
    assert not isinstance(session.strip(), staffmod.Session)


def test_naming_a_doctors_id_without_the_pin_does_not_cancel(store, booked):
    before = snapshot(store)
    with refused("session_required", staff="pre1", action="cancel_booking"):
        prescreen.cancel_booking(store, booked, staff_id="pre1", reason="named, not proven")
    assert snapshot(store) == before
    visit = prescreen.cancel_booking(store, booked, staff_id=proven(store, "pre1"), reason="asked")
    assert visit["state"] == flow.CANCELLED
    assert store.scalar("SELECT staff_id FROM events WHERE type = 'BookingCancelled'") == "pre1"


def test_naming_an_admins_id_without_the_pin_manages_no_staff(store):
    before = snapshot(store)
    with refused("session_required", staff="admin1", action="manage_staff"):
        staffmod.add(store, "new1", "New", ["admin"], "1357", by="admin1")
    with refused("session_required", staff="admin1", action="manage_staff"):
        staffmod.change(store, "vac1", by="admin1", pin="1357")
    assert snapshot(store) == before


@pytest.mark.sessions_only
def test_every_permission_needs_a_session(store):
    """As the programs run (no trust): a bare id, even the right person's, does nothing (#13)."""
    assert Store.trusts_named_staff is False and store.trusts_named_staff is False
    checked = 0
    holder = {roles[0]: staff_id for staff_id, roles in STAFF.items()}  # the test bed's one member per role
    for role, permissions in staffmod.PERMISSIONS.items():
        staff_id = holder[role]
        session = proven(store, staff_id)
        for permission in sorted(permissions):
            with refused("session_required", staff=staff_id, action=permission):
                staffmod.require(store, staff_id, permission)
            staffmod.require(store, session, permission)  # the same person, proven: allowed
            checked += 1
    assert checked == sum(len(p) for p in staffmod.PERMISSIONS.values())


@pytest.mark.sessions_only
def test_desk_work_named_but_not_proven_records_nothing(store):
    from station import signin

    person = new_person()
    before = snapshot(store)
    with refused("session_required", staff="sign1", action="sign_in"):
        signin.walk_in(store, person, staff_id="sign1", desk="1")
    assert snapshot(store) == before
    visit = signin.walk_in(store, person, staff_id=proven(store, "sign1"), desk="1")
    assert visit["state"] == flow.SIGNED_IN


@pytest.mark.sessions_only
def test_the_demo_plays_its_staff_only_while_it_generates(tmp_path):
    from datetime import time

    from station import demo

    s = Store.open(tmp_path / "station.sqlite3")
    demo.load(s, DAY, bookings_total=12, until=time(9, 0))
    assert s.scalar("SELECT count(*) FROM events WHERE type = 'SignedIn'") > 0
    assert s.trusts_named_staff is False  # afterwards the store trusts no bare id again
    with refused("session_required", staff="qd01", action="sign_in"):
        staffmod.require(s, "qd01", "sign_in")
    s.close()


@pytest.mark.parametrize("actor", ["cli:root", "cli:", "cli:admin1"])
def test_the_cli_prefix_is_no_one(store, actor):
    """Ids beginning with cli: were taken for an admin, unchecked."""
    for permission in sorted(staffmod.ADMIN_TASKS):
        with refused("staff_unknown", staff=actor):
            staffmod.require(store, actor, permission)
    assert not hasattr(staffmod, "cli_actor") and not hasattr(staffmod, "CLI_PREFIX")


# --- from a terminal (real processes) --------------------------------------------------------------


def _station(data: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    return subprocess.run(
        [sys.executable, "-m", "station.cli", "--data", str(data), "--lang", "en", *args],
        capture_output=True,
        text=True,
        env=env,
        input=input,
        timeout=120,
        cwd=ROOT,  # this checkout's station package, as tests/test_cli.py runs it
    )


@pytest.fixture
def site(tmp_path) -> Path:
    """A station with an admin (``boss``, PIN 2468) and a pre-screen doctor (``yj``), set up by terminal."""
    data = tmp_path / "site"
    out = _station(data, "staff", "add", "boss", "--name", "Boss", "--role", "admin", "--pin", "2468")
    assert out.returncode == 0, out.stderr
    out = _station(
        data, "staff", "add", "yj", "--name", "Dr", "--role", "prescreen", "--pin", "1357",
        "--admin", "boss", "--admin-pin", "2468",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    return data


def _db_hash(data: Path, staff_id: str) -> str:
    with sqlite3.connect(data / "station.sqlite3") as db:
        return db.execute("SELECT pin_hash FROM staff WHERE staff_id = ?", [staff_id]).fetchone()[0]


def test_set_pin_from_a_terminal_needs_an_admins_pin(site):
    before = _db_hash(site, "boss")
    assert "$m=65536,t=3,p=1$" in before  # the real cost outside the tests' process
    out = _station(site, "staff", "set-pin", "boss", "--pin", "1111")  # no admin, no input
    assert out.returncode != 0 and _db_hash(site, "boss") == before
    out = _station(
        site, "staff", "set-pin", "boss", "--pin", "1111", "--admin", "boss", "--admin-pin", "0000"
    )
    assert out.returncode == 2 and "Wrong staff id or PIN" in out.stderr
    out = _station(site, "staff", "set-pin", "boss", "--pin", "1111", "--admin", "yj", "--admin-pin", "1357")
    assert out.returncode == 2 and "may not do this" in out.stderr
    assert _db_hash(site, "boss") == before
    # the prompts read a pipe: admin id, admin PIN, the new PIN twice
    out = _station(site, "staff", "set-pin", "boss", input="boss\n2468\n1111\n1111\n")
    assert out.returncode == 0, out.stderr
    assert _db_hash(site, "boss") != before


def test_disable_from_a_terminal_needs_an_admins_pin(site):
    out = _station(site, "staff", "disable", "yj", "--admin", "yj", "--admin-pin", "1357")
    assert out.returncode == 2
    out = _station(site, "staff", "disable", "yj", "--admin", "boss", "--admin-pin", "2468")
    assert out.returncode == 0, out.stderr


def test_a_cancel_from_a_terminal_naming_a_doctor_without_the_pin_is_refused(site):
    """What the issue did: a script at the terminal names the doctor's id; now it needs the PIN."""
    script = f"""
import sys
from datetime import date
from station import bookings, prescreen, staff
from station.errors import DomainError
from station.store import Store
from tests.conftest import new_person
store = Store.open({str(site / "station.sqlite3")!r})
admin = staff.login(store, "boss", "2468")
try:
    bookings.add_booking(store, new_person(), date.fromisoformat({DAY.isoformat()!r}), None, staff_id="boss")
except DomainError as exc:
    print(exc.code)
visit = bookings.add_booking(store, new_person(), date.fromisoformat({DAY.isoformat()!r}), None, staff_id=admin)
try:
    prescreen.cancel_booking(store, visit, staff_id="yj", reason="named")
except DomainError as exc:
    print(exc.code)
print(bookings.visit(store, visit)["state"])
prescreen.cancel_booking(store, visit, staff_id=staff.login(store, "yj", "1357"), reason="proven")
print(bookings.visit(store, visit)["state"])
"""
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    # a process of its own trusts no bare id: not even for the booking
    assert out.stdout.split() == ["session_required", "session_required", "booked", "cancelled"]


def test_a_locked_id_is_refused_at_the_terminal_too(site):
    for _ in range(5):
        _station(site, "staff", "disable", "yj", "--admin", "boss", "--admin-pin", "0000")
    out = _station(site, "staff", "disable", "yj", "--admin", "boss", "--admin-pin", "2468")
    assert out.returncode == 2 and "locked until" in out.stderr
    with sqlite3.connect(site / "station.sqlite3") as db:
        kinds = [
            r[0]
            for r in db.execute("SELECT type FROM events WHERE type LIKE 'Login%' OR type = 'StaffLockedOut'")
        ]
    assert kinds == ["LoginFailed"] * 5 + ["StaffLockedOut"]


def test_the_window_passes_only_its_login_session_to_the_domain():
    """Every ``staff_id=`` the window hands to a domain command is the login's Session (hub.staff),
    never an id read back from it (``hub.staff_id`` is a bare string): the Sync tab's day close did
    that and, with no trust in bare ids, was refused."""
    import ast

    offending = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            for kw in node.keywords:
                if kw.arg != "staff_id":
                    continue
                text = ast.unparse(kw.value)
                if text not in {"self.staff", "self.hub.staff", "hub.staff", "staff_id"}:
                    offending.append(f"{path.relative_to(ROOT)}:{node.lineno}: staff_id={text}")
    assert offending == []
