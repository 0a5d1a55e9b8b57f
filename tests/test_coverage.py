"""Units with their headcounts (imported, bad rows with line and reason; a unit's latest import wins
in any order) and coverage per unit, from a fresh site and from the demo day, against SQL."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import timedelta

import pytest
from openpyxl import Workbook

from station import coverage, demo, projector, rebuild
from station.db import connect
from station.store import Event, Store
from tests.conftest import DAY, PIN
from tests.registerskit import FORMULA_UNIT, fresh_site, run_cli

pytestmark = pytest.mark.usefixtures("fast_pins")


ADMIN = ("--staff", "admin1", "--pin", PIN)  # the terminal logs the admin in (#13)


def _write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_units_import_and_coverage_of_a_fresh_site(store, clock, tmp_path):
    fresh_site(store, clock, tmp_path)
    data = store.path.parent
    bad = _write_csv(
        tmp_path / "units.csv",
        [
            ["单位", "人数"],
            ["街道办", "10"],
            ["华联超市", "二十"],
            ["", "5"],
            ["街道办", "12"],
            [FORMULA_UNIT, "4"],
        ],
    )
    refused = run_cli(data, "units", "import", str(bad), *ADMIN, ok=False)
    assert refused.returncode == 1
    assert "Line 3: The headcount must be a positive whole number: 二十" in refused.stderr
    assert "Line 4: No unit name" in refused.stderr and "Line 5: Unit listed twice: 街道办" in refused.stderr
    assert store.scalar("SELECT count(*) FROM units") == 0
    assert json.loads(run_cli(data, "units", "import", str(bad), *ADMIN, "--skip-bad", "--json").stdout) == {
        "units": 2, "bad": 3,
    }  # fmt: skip
    book = Workbook()
    book.active.append(["工作单位", "职工人数"])
    book.active.append(["华联超市", 5])
    book.save(tmp_path / "more.xlsx")
    run_cli(data, "units", "import", str(tmp_path / "more.xlsx"), *ADMIN)
    assert dict(store.conn.execute("SELECT unit, headcount FROM units")) == {
        "街道办": 10,
        "华联超市": 5,
        FORMULA_UNIT: 4,
    }
    figures = json.loads(run_cli(data, "coverage", "--json").stdout)
    units = {u["unit"]: u for u in figures["units"]}
    # 街道办: one first dose, one dose 2 after a declared dose 1; @SUM: one first dose; 华联超市: the
    # person with a fever and the cancelled one, no dose; 赵六 (no unit) never came
    assert [u["unit"] for u in figures["units"]] == [FORMULA_UNIT, "街道办", "华联超市"]
    assert units["街道办"] | {} == {
        "unit": "街道办", "headcount": 10, "first_dose": 2, "full_course": 1, "booster": 0,
        "share_first": 0.2, "share_full": 0.1, "share_booster": 0.0,
    }  # fmt: skip
    assert (units[FORMULA_UNIT]["first_dose"], units[FORMULA_UNIT]["share_first"]) == (1, 0.25)
    assert (units["华联超市"]["first_dose"], units["华联超市"]["share_first"]) == (0, 0.0)
    db = sqlite3.connect(store.path)
    sql = dict(
        db.execute(
            "SELECT p.unit, count(DISTINCT d.person_id) FROM doses d JOIN people p USING (person_id) GROUP BY p.unit"
        )
    )
    assert {u: v["first_dose"] for u, v in units.items() if v["first_dose"]} == sql
    total = figures["total"]
    assert (total["headcount"], total["first_dose"], total["share_first"]) == (19, 3, round(3 / 19, 4))
    text = run_cli(data, "coverage", lang="zh").stdout
    assert "街道办：应种 10 人，已接种 2 人（20.0%），全程 1 人（10.0%）" in text
    # as of the day before: nothing given yet, but the declared dose 1 was dated 40 days back
    before = {u.unit: u for u in coverage.coverage(store, DAY - timedelta(days=1))}
    assert (before["街道办"].first_dose, before["街道办"].full_course) == (1, 0)
    assert rebuild.check(store).ok


def test_the_latest_import_wins_whatever_order_the_events_arrive_in(store, clock):
    coverage.import_units(store, [{"unit": "街道办", "headcount": 10}], staff_id="admin1")
    clock.advance(minutes=1)
    coverage.import_units(
        store, [{"unit": "街道办", "headcount": 30}, {"unit": "小学", "headcount": 7}], staff_id="admin1"
    )
    rows = store.conn.execute(
        "SELECT id, origin, seq, hlc, type, visit_id, staff_id, payload, recorded_at FROM events "
        "WHERE type = 'UnitsImported' ORDER BY hlc"
    ).fetchall()
    for order in (rows, rows[::-1]):
        other = connect(":memory:")
        for row in order:
            projector.apply(other.conn, Event.from_row(tuple(row)))
        assert dict(other.conn.execute("SELECT unit, headcount FROM units")) == {"街道办": 30, "小学": 7}


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory):
    data = tmp_path_factory.mktemp("demo")
    s = Store.open(data / "station.sqlite3", origin="demo-1")
    demo.load(s, DAY)
    s.close()
    return data


def test_coverage_of_the_demo_day(demo_data, tmp_path):
    db = sqlite3.connect(demo_data / "station.sqlite3")
    names = [
        r[0] for r in db.execute("SELECT DISTINCT unit FROM people WHERE unit IS NOT NULL ORDER BY unit")
    ]
    path = _write_csv(tmp_path / "units.csv", [["unit", "headcount"], *[[n, 400] for n in names]])
    run_cli(demo_data, "units", "import", str(path), "--staff", "admin", "--pin", demo.DEMO_PIN)
    figures = json.loads(run_cli(demo_data, "coverage", "--day", DAY.isoformat(), "--json").stdout)
    units = {u["unit"]: u for u in figures["units"]}
    first = dict(
        db.execute(
            "SELECT coalesce(p.unit, ''), count(DISTINCT d.person_id) FROM doses d JOIN people p USING (person_id) "
            "GROUP BY 1"
        )
    )
    full = dict(
        db.execute(
            """SELECT unit, count(*) FROM (SELECT coalesce(p.unit, '') AS unit, max(d.dose_number) AS n
               FROM doses d JOIN people p USING (person_id) GROUP BY d.person_id) WHERE n >= 2 GROUP BY unit"""
        )
    )
    assert {u: v["first_dose"] for u, v in units.items()} == first
    assert {u: v["full_course"] for u, v in units.items() if v["full_course"]} == full
    for name in names:
        assert units[name]["share_first"] == round(first[name] / 400, 4)
    shares = [u["share_first"] for u in figures["units"] if u["unit"]]
    assert shares == sorted(shares, reverse=True) and figures["units"][-1]["unit"] == ""
    assert figures["total"]["first_dose"] == sum(first[n] for n in names)
