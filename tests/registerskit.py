"""A fresh site for the register tests (ledger, reaction reports, reminders, coverage, FHIR).

Not a test module. Built on conftest's ``store`` (a new station, its staff, a lot received with
station.stock.receive): bookings imported from a CSV as a booking system writes it, then a few
people through the four desks with the domain functions. Two names and a unit start with a
formula character, so every register shows they stay text.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from station import bookings, importer, prescreen
from station.identity import make_resident_id
from station.rules import PastDose
from tests.conftest import DAY, proven
from tests.domainkit import do_aefi, do_inject, do_observe, do_release, do_screen, do_sign_in, do_turn_away

ROOT = Path(__file__).resolve().parent.parent
FORMULA_NAME = '=HYPERLINK("http://evil.example","点我")'
FORMULA_NAME_2 = "+8613800000000"
FORMULA_UNIT = "@SUM(A1:A9)"
HEADER = ["姓名", "身份证号", "手机号", "工作单位", "预约日期", "预约时段"]


def person_id(number: str) -> str:
    return bookings.person_id_for("resident_id", number)


def fresh_site(store, clock, tmp_path: Path) -> dict[str, str]:
    """Six bookings imported; returns person ids by role:
    ``hyperlink`` dose 1 then a serious reaction (anaphylaxis, sent to hospital), released;
    ``second`` declared dose 1 (40 days ago), dose 2 here, a mild fever; ``plus`` dose 1;
    ``fever`` turned away with a fever; ``noshow`` booked, never came; ``cancelled`` cancelled."""
    people = {
        "hyperlink": (FORMULA_NAME, "街道办", make_resident_id("110105", date(1985, 3, 4), 11)),
        "second": ("张三", "街道办", make_resident_id("110105", date(1990, 5, 17), 12)),
        "plus": (FORMULA_NAME_2, FORMULA_UNIT, make_resident_id("110105", date(1978, 8, 9), 13)),
        "fever": ("李四", "华联超市", make_resident_id("110105", date(1966, 1, 2), 14)),
        "noshow": ("赵六", "", make_resident_id("110105", date(1999, 12, 1), 15)),
        "cancelled": ("钱七", "华联超市", make_resident_id("110105", date(2001, 7, 7), 16)),
    }
    path = tmp_path / "bookings.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i, (name, unit, number) in enumerate(people.values()):
            writer.writerow([name, number, f"1390000{i:04d}", unit, DAY.isoformat(), "08:00-08:30"])
    check = importer.read_bookings(path, today=DAY)
    assert check.ok, check.errors
    summary = bookings.import_rows(store, check, staff_id="admin1")
    assert summary.imported == 6
    ids = {role: person_id(number) for role, (_, _, number) in people.items()}
    visit = {
        role: store.scalar("SELECT visit_id FROM visits WHERE person_id = ?", [pid])
        for role, pid in ids.items()
    }

    v = visit["hyperlink"]
    do_sign_in(store, v)
    do_screen(store, v)
    clock.advance(minutes=3)
    do_inject(store, v)
    do_observe(store, v)
    clock.advance(minutes=10)
    do_aefi(
        store, v, category="anaphylaxis", severity="severe", handling="transferred_to_hospital",
        onset_at=clock() - timedelta(minutes=2), notes="喉头水肿，肾上腺素肌注后转院", extend_minutes=60,
    )  # fmt: skip
    v = visit["second"]
    do_sign_in(store, v)
    do_screen(store, v, declared_doses=[PastDose("sinopharm_bbibp", 1, DAY - timedelta(days=40))])
    clock.advance(minutes=2)
    do_inject(store, v)
    do_observe(store, v)
    clock.advance(minutes=5)
    do_aefi(store, v, category="fever", severity="mild", handling="observed")
    v = visit["plus"]
    do_sign_in(store, v)
    do_screen(store, v)
    clock.advance(minutes=2)
    do_inject(store, v)
    do_observe(store, v)
    v = visit["fever"]
    do_sign_in(store, v)
    do_turn_away(store, v)
    prescreen.cancel_booking(store, visit["cancelled"], staff_id=proven(store, "pre1"), reason="person asked")
    clock.advance(minutes=95)
    for role in ("second", "plus"):  # "hyperlink" left with the handover to hospital
        do_release(store, visit[role])
    return ids


def run_cli(data: Path, *args: str, lang: str = "en", ok: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    out = subprocess.run(
        [sys.executable, "-m", "station.cli", "--data", str(data), "--lang", lang, *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )  # fmt: skip
    if ok:
        assert out.returncode == 0, out.stderr
    return out


def demo_site(tmp_path_factory, name: str = "demo") -> Path:
    """A data folder holding the demo day (1,005 bookings), through `station demo`."""
    data = tmp_path_factory.mktemp(name)
    run_cli(data, "init", "--station-id", "demo-1")
    run_cli(data, "demo", "--day", DAY.isoformat())
    return data
