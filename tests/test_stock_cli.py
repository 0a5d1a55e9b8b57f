"""`station stock ...` as a real subprocess, and a fresh site from nothing: init, staff, a lot received
by its scanned code, a booking imported, a person through the four desks, the stock after it."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from station import inject, observe, prescreen, signin
from station.identity import make_resident_id
from station.messages import catalogue
from station.packcodes import gs1_hri
from station.rules import load_rules
from station.store import Store

ROOT = Path(__file__).resolve().parent.parent
TODAY = date.today()
GS1 = gs1_hri("06903561000011", "CLI01", TODAY + timedelta(days=180), "CT-0001")
TRACE = "81601010000000421234"  # CoronaVac's product code 8160101 in stock.toml


# Terminal commands that act for staff log them in (#13): the admin here has PIN 1234.
ADMIN = ("--admin", "admin", "--admin-pin", "1234")
AS_ADMIN = ("--staff", "admin", "--pin", "1234")


def run(data: Path, *args: str, lang: str = "en", ok: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    out = subprocess.run(
        [sys.executable, "-m", "station.cli", "--data", str(data), "--lang", lang, *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )  # fmt: skip
    if ok:
        assert out.returncode == 0, out.stderr
    return out


def test_every_line_the_stock_commands_print_is_translated():
    text = (ROOT / "station" / "stock_cli.py").read_text(encoding="utf-8")
    codes = set(re.findall(r"\bc\.t\(\s*(?:key|[\"']([A-Za-z0-9_]+)[\"'])", text)) - {""}
    codes |= set(re.findall(r"\"(cold_reading_(?:outside|line))\"", text))
    assert len(codes) >= 10
    assert codes <= set(catalogue()), codes - set(catalogue())


def test_a_fresh_site_from_nothing_to_a_first_injection(tmp_path):
    data = tmp_path / "site"
    run(data, "init", "--station-id", "fresh-1")
    for staff_id, role in [("admin", "admin"), ("qd", "signin"), ("yj", "prescreen"), ("jz", "vaccinator"),
                           ("lg", "observer")]:  # fmt: skip
        admin = ADMIN if staff_id != "admin" else ()  # the first member needs no admin
        run(
            data,
            "staff",
            "add",
            staff_id,
            "--name",
            f"员工{staff_id}",
            "--role",
            role,
            "--pin",
            "1234",
            *admin,
        )
    # nothing in stock: the injection desk would have nothing to give
    assert json.loads(run(data, "stock", "--json").stdout)["total"]["left"] == 0
    received = run(data, "stock", "receive", "--code", GS1, "--delivery-note", "PS-001", *AS_ADMIN, "--json")
    lot = json.loads(received.stdout)
    assert (lot["lot_no"], lot["product"], lot["doses_received"]) == ("CLI01", "sinopharm_bbibp", 20)
    again = run(data, "stock", "receive", "--code", GS1, *AS_ADMIN, ok=False)
    assert again.returncode == 2 and "received already" in again.stderr
    trace = run(data, "stock", "receive", "--code", TRACE, "--lot", "cv7", "--expiry",
                (TODAY + timedelta(days=90)).isoformat(), "--vials", "5", *AS_ADMIN, "--json")  # fmt: skip
    assert json.loads(trace.stdout)["product"] == "sinovac_coronavac"
    bad = run(data, "stock", "receive", "--code", "8160101000000042123", *AS_ADMIN, ok=False)
    assert bad.returncode == 2 and "20 digits" in bad.stderr
    # a booking, imported as the booking system exports it
    number = make_resident_id("110105", date(1990, 5, 17), 7)
    path = tmp_path / "bookings.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["姓名", "身份证号", "手机号", "工作单位", "预约日期", "预约时段"])
        writer.writerow(["新用户", number, "13800001111", "街道办", TODAY.isoformat(), "08:00-08:30"])
    run(data, "import-bookings", str(path), *AS_ADMIN)
    # the four desks, through the same functions the window calls
    store = Store.open(data / "station.sqlite3")
    try:
        visit_id = store.scalar("SELECT visit_id FROM visits")
        signin.sign_in(store, visit_id, staff_id="qd", desk="1", method="id")
        rules = load_rules()
        answers = {q.id: False for q in rules.questions if q.kind == "yesno"}
        prescreen.screen(store, visit_id, staff_id="yj", answers=answers, temperature=36.5)
        assert inject.plan(store, visit_id)["lot"]["lot_no"] == "CLI01"
        dose = inject.inject(store, visit_id, staff_id="jz", desk="1", lot_no="CLI01")
        observe.start_observation(store, visit_id, staff_id="lg")
        store.now = lambda: datetime.now().astimezone() + timedelta(minutes=31)
        observe.release(store, visit_id, staff_id="lg")
        assert store.scalar("SELECT state FROM visits") == "released"
    finally:
        store.close()
    figures = json.loads(run(data, "stock", "--json").stdout)
    assert figures["total"] == {"received": 25, "used": 1, "wasted": 0, "left": 24}
    by_lot = {r["lot_no"]: r for r in figures["lots"]}
    assert (by_lot["CLI01"]["used"], by_lot["CLI01"]["vials_opened"]) == (1, 1)
    assert set(figures["warning"]) == {"day", "doses_left", "bookings_left", "margin", "short"}
    assert dose["vial_id"]
    # the lot's status in words of the user's language, not the stored code
    listed = run(data, "stock", lang="zh").stdout.splitlines()
    assert any(line.startswith("CLI01") and "　正常　" in line for line in listed), listed
    assert all(" ok " not in line for line in run(data, "stock").stdout.splitlines())
    run(data, "rebuild", "--check")


@pytest.fixture
def site(tmp_path) -> Path:
    data = tmp_path / "site"
    run(data, "init", "--station-id", "cli-1")
    run(data, "staff", "add", "admin", "--name", "站长", "--role", "admin", "--pin", "1234")
    run(data, "staff", "add", "jz", "--name", "接种员", "--role", "vaccinator", "--pin", "1234", *ADMIN)
    run(data, "stock", "receive", "--lot", "m2", "--product", "cansino_ad5", "--expiry",
        (TODAY + timedelta(days=60)).isoformat(), "--vials", "4", "--doses-per-vial", "3",
        "--manufacturer", "康希诺", "--fridge", "coldbox1", *AS_ADMIN)  # fmt: skip
    return data


def test_vials_counts_and_the_cold_chain_from_the_terminal(site, tmp_path):
    opened = json.loads(
        run(
            site,
            "stock",
            "open-vial",
            "--desk",
            "2",
            "--lot",
            "M2",
            "--staff",
            "jz",
            "--pin",
            "1234",
            "--json",
        ).stdout
    )
    assert (opened["desk"], opened["doses_left"]) == ("2", 3)
    refused = run(site, "stock", "open-vial", "--desk", "2", "--lot", "M2", "--staff", "jz", "--pin", "1234",
                  ok=False)  # fmt: skip
    assert refused.returncode == 2 and "still has an open vial" in refused.stderr
    out = run(
        site, "stock", "discard-vial", opened["vial_id"], "--reason", "broken", *AS_ADMIN, lang="zh"
    ).stdout
    assert "报损 3 剂" in out
    sheet = json.loads(run(site, "stock", "count", "--json").stdout)
    assert sheet == [{"lot_no": "M2", "product": "cansino_ad5", "expected_doses": 9, "expected_vials": 3,
                      "open_vials": 0}]  # fmt: skip
    missing = run(site, "stock", "count", "M2", "3", "8", *AS_ADMIN, ok=False)
    assert missing.returncode == 2 and "give the reason" in missing.stderr
    counted = json.loads(
        run(site, "stock", "count", "M2", "3", "8", "--reason", "一剂抽吸失败", *AS_ADMIN, "--json").stdout
    )
    assert counted[0]["difference"] == -1
    # the cold chain: a reading in the cold box outside 2-8 °C holds the lot; the admin decides
    out = run(site, "stock", "cold", "add", "9.1", "--fridge", "coldbox1", *AS_ADMIN).stdout
    assert "outside 2-8" in out and "Lot M2" in out
    status = json.loads(run(site, "stock", "cold", "--fridge", "coldbox1", "--json").stdout)
    assert [r["lot_no"] for r in status["to_decide"]] == ["M2"] and status["readings"][0]["outside"] == 1
    assert json.loads(run(site, "stock", "--json").stdout)["lots"][0]["status"] == "hold"
    run(site, "stock", "cold", "decide", "M2", "quarantine", "--reason", "超温时间不明", *AS_ADMIN)
    assert json.loads(run(site, "stock", "--json").stdout)["lots"][0]["status"] == "quarantined"
    log = tmp_path / "logger.csv"
    log.write_text(f"时间,温度(℃)\n{TODAY} 06:00,5.5\n{TODAY} 06:05,oops\n", encoding="utf-8")
    broken = run(site, "stock", "cold", "import", str(log), *AS_ADMIN, ok=False)
    assert broken.returncode == 2 and "Line 3" in broken.stderr
    log.write_text(f"时间,温度(℃)\n{TODAY} 06:00,5.5\n{TODAY} 06:05,5.6\n", encoding="utf-8")
    assert "2 readings read, 2 new" in run(site, "stock", "cold", "import", str(log), *AS_ADMIN).stdout
    run(site, "rebuild", "--check")
