"""`station audit` (#13): who did what on a day, as a real subprocess; the admin's PIN; --json."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from station import audit, corrections, signin, staff

from .conftest import DAY, PIN, new_person, proven
from .domainkit import do_inject, do_screen

ROOT = Path(__file__).resolve().parents[1]
ADMIN = ("--admin", "admin1", "--admin-pin", PIN)


def run(data: Path, *args: str, lang: str = "en") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    return subprocess.run(
        [sys.executable, "-m", "station.cli", "--data", str(data), "--lang", lang, *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )  # fmt: skip


def a_day(store):
    """A walk-in injected, a duplicate walk-in voided by the admin, a body site corrected, a wrong PIN."""
    visit = signin.walk_in(store, new_person("赵六"), staff_id="sign1")["visit_id"]
    do_screen(store, visit)
    do_inject(store, visit)
    twin = signin.walk_in(store, new_person("赵六"), staff_id="sign1")["visit_id"]
    injected = store.one("SELECT id FROM events WHERE visit_id = ? AND type = 'Injected'", [visit])["id"]
    corrections.correct(store, injected, {"body_site": "right_deltoid"}, reason="wrong arm", staff_id="vac1")
    booking = store.one("SELECT id FROM events WHERE visit_id = ? AND type = 'BookingAdded'", [twin])["id"]
    corrections.void(store, booking, reason="created twice", staff_id=proven(store))
    try:
        staff.login(store, "vac1", "0000")
    except Exception:
        pass
    return visit, twin, injected


def test_the_trail_lists_every_record_with_corrections_against_their_targets(store):
    visit, twin, injected = a_day(store)
    trail = audit.day_trail(store, DAY, lang="en")
    types = [e["type"] for e in trail]
    assert "RecordCorrected" in types and "RecordVoided" in types and "LoginFailed" in types
    shot = next(e for e in trail if e["event_id"] == injected)
    assert shot["corrected_by"] and shot["queue"].startswith("A") and shot["person"] == "赵六"
    assert "*" in shot["id_masked"]
    fix = next(e for e in trail if e["type"] == "RecordCorrected")
    assert fix["target"]["event_id"] == injected and fix["reason"] == "wrong arm"
    assert "right_deltoid" in fix["summary"]
    voided = next(e for e in trail if e["type"] == "BookingAdded" and e["visit_id"] == twin)
    assert voided["voided_by"] and voided["person"] == "赵六"  # from the log: the visit is gone
    failed = next(e for e in trail if e["type"] == "LoginFailed")
    assert failed["staff_id"] == "vac1"
    only = audit.day_trail(store, DAY, staff="vac1")
    assert {e["staff_id"] for e in only} == {"vac1"}


def test_the_command_asks_an_admins_pin_and_prints_json(store, tmp_path):
    visit, twin, injected = a_day(store)
    data = Path(store.path).parent
    store.close()
    out = run(data, "audit", "--day", DAY.isoformat(), "--json", *ADMIN)
    assert out.returncode == 0, out.stderr
    trail = json.loads(out.stdout)
    assert any(e["type"] == "RecordVoided" and e["reason"] == "created twice" for e in trail)
    assert all("id_number" not in e for e in trail)
    text = run(data, "audit", "--day", DAY.isoformat(), *ADMIN, lang="zh")
    assert text.returncode == 0, text.stderr
    assert "更正记录" in text.stdout and "（已作废）" in text.stdout and "原因：wrong arm" in text.stdout
    staffed = run(data, "audit", "--day", DAY.isoformat(), "--staff", "sign1", *ADMIN)
    assert "Signed in" in staffed.stdout and "Injected" not in staffed.stdout
    # not an admin, or a wrong PIN: refused with a message, no trail
    nurse = run(data, "audit", "--day", DAY.isoformat(), "--admin", "vac1", "--admin-pin", PIN)
    assert nurse.returncode != 0 and "only an admin" in nurse.stderr and "赵六" not in nurse.stdout
    wrong = run(data, "audit", "--day", DAY.isoformat(), "--admin", "admin1", "--admin-pin", "9999")
    assert wrong.returncode != 0 and "赵六" not in wrong.stdout and "Traceback" not in wrong.stderr
    bad = run(data, "audit", "--day", "yesterday", *ADMIN)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
