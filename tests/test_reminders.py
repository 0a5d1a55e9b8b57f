"""Dose reminder lists and call outcomes: from a fresh site (due, overdue, a formula-like name, the
outcomes imported back and shown) and from the demo day, against independent SQL."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from station import demo, rebuild, reminders
from station.store import Store
from tests.conftest import DAY, PIN
from tests.registerskit import FORMULA_NAME, FORMULA_NAME_2, fresh_site, run_cli

pytestmark = pytest.mark.usefixtures("fast_pins")


ADMIN = ("--staff", "admin1", "--pin", PIN)  # the terminal logs the admin in (#13)


def _csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


@pytest.fixture
def site(store, clock, tmp_path):
    return fresh_site(store, clock, tmp_path)


def test_who_is_due_in_a_window(store, site, tmp_path):
    # dose 1 today: dose 2 from day 21 to day 56; dose 2 today (after a declared dose 1): a booster
    # from day 180; turned away, no-show, cancelled: no dose, no reminder
    due = reminders.due_list(store, DAY + timedelta(days=21), DAY + timedelta(days=28))
    assert {r.person_id for r in due} == {site["hyperlink"], site["plus"]}
    assert all(
        (r.status, r.dose_number, r.earliest, r.latest, r.dose_due)
        == ("due", 2, DAY + timedelta(days=21), DAY + timedelta(days=56), "第二剂次")
        for r in due
    )
    assert reminders.due_list(store, DAY + timedelta(days=1), DAY + timedelta(days=20)) == []
    later = reminders.due_list(store, DAY + timedelta(days=40), DAY + timedelta(days=41))
    assert {(r.status, r.days_overdue) for r in later} == {("open", 0)}
    overdue = reminders.due_list(store, DAY + timedelta(days=60), DAY + timedelta(days=200))
    by_person = {r.person_id: r for r in overdue}
    assert (by_person[site["hyperlink"]].status, by_person[site["hyperlink"]].days_overdue) == ("overdue", 4)
    booster = by_person[site["second"]]
    assert (booster.status, booster.dose_number, booster.is_booster, booster.dose_due, booster.latest) == (
        "due", 3, True, "加强针", None,
    )  # fmt: skip
    assert booster.earliest == DAY + timedelta(days=180)
    # the same people as the doses table says, by SQL of its own
    db = sqlite3.connect(store.path)
    sql = {
        r[0]
        for r in db.execute(
            """SELECT person_id FROM doses GROUP BY person_id HAVING max(dose_number) = 1
               AND date(max(day), '+21 days') BETWEEN ? AND ?""",
            [(DAY + timedelta(days=21)).isoformat(), (DAY + timedelta(days=28)).isoformat()],
        )
    }
    assert sql == {r.person_id for r in due}
    with pytest.raises(Exception) as info:
        reminders.due_list(store, DAY, DAY - timedelta(days=1))
    assert info.value.code == "reminders_window_invalid"


def test_the_list_files_and_the_outcomes_coming_back(store, site, tmp_path):
    start, end = DAY + timedelta(days=21), DAY + timedelta(days=28)
    out = tmp_path / "calls.csv"
    result = reminders.write_list(store, start, end, out)
    assert (result["people"], result["due"], result["open"], result["overdue"]) == (2, 2, 0, 0)
    rows = _csv(out)
    assert rows[0] == [zh for _, zh, _ in reminders.COLUMNS]
    body = {r[2]: r for r in rows[1:]}
    # names that look like formulas are quoted (OWASP), so a spreadsheet shows them as text
    assert set(body) == {"'" + FORMULA_NAME, "'" + FORMULA_NAME_2}
    phones = dict(store.conn.execute("SELECT person_id, phone FROM people"))
    for row in rows[1:]:
        person_id, number = row[0].split("/")
        assert number == "2" and row[1] == phones[person_id]
        assert row[5:8] == [
            (DAY + timedelta(days=21)).isoformat(),
            (DAY + timedelta(days=56)).isoformat(),
            "到期",
        ]
        assert "*" in row[12] and row[9] == ""
    xlsx = tmp_path / "calls.xlsx"
    reminders.write_list(store, start, end, xlsx, header_lang="en")
    ws = load_workbook(xlsx).active
    assert [c.value for c in ws[1]] == [key for key, _, _ in reminders.COLUMNS]
    names = {ws.cell(r, 3).value: ws.cell(r, 3) for r in range(2, ws.max_row + 1)}
    assert names[FORMULA_NAME].data_type == "s" and names[FORMULA_NAME].quotePrefix
    assert ws.freeze_panes == "A2"
    # the call system sends back its results: one bad line refuses the file (line and reason)
    tasks = [r[0] for r in rows[1:]]
    back = tmp_path / "results.csv"
    with back.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["任务编号", "外呼结果", "外呼时间", "备注"])
        w.writerow([tasks[0], "已预约", "2026-12-18 10:05", "约12月20日上午"])
        w.writerow([tasks[1], "no_answer", "2026/12/18 10:07", ""])
        w.writerow(["nobody/2", "reached", "", ""])
        w.writerow([tasks[1], "maybe", "", ""])
    data = store.path.parent
    events = store.scalar("SELECT count(*) FROM events")
    refused = run_cli(data, "reminders", "import-outcomes", str(back), *ADMIN, ok=False)
    assert refused.returncode == 1
    assert "Line 4: Unknown task id: nobody/2" in refused.stderr
    assert "Line 5: Unknown call outcome: maybe" in refused.stderr
    assert store.scalar("SELECT count(*) FROM events") == events
    done = json.loads(run_cli(data, "reminders", "import-outcomes", str(back), *ADMIN, "--skip-bad", "--json").stdout)
    assert done == {"new": 2, "held": 0, "bad": 2}
    again = json.loads(
        run_cli(data, "reminders", "import-outcomes", str(back), *ADMIN, "--skip-bad", "--json").stdout
    )
    assert again == {"new": 0, "held": 2, "bad": 2}
    assert store.scalar("SELECT count(*) FROM events WHERE type = 'CallOutcomeRecorded'") == 2
    # the next list shows each person's latest outcome
    listed = {r.task_id: r for r in reminders.due_list(store, start, end)}
    assert (listed[tasks[0]].last_outcome, listed[tasks[0]].last_called_at) == ("booked", "2026-12-18T10:05")
    assert listed[tasks[1]].last_outcome == "no_answer"
    out2 = tmp_path / "calls2.csv"
    text = run_cli(data, "reminders", "--from", start.isoformat(), "--to", end.isoformat(), "--out", str(out2),
                   lang="zh").stdout  # fmt: skip
    assert "共 2 人" in text
    shown = {r[0]: r[9] for r in _csv(out2)[1:]}
    assert shown == {tasks[0]: "已预约", tasks[1]: "无人接听"}
    assert rebuild.check(store).ok


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory):
    data = tmp_path_factory.mktemp("demo")
    s = Store.open(data / "station.sqlite3", origin="demo-1")
    demo.load(s, DAY)
    s.close()
    return data


def test_the_demo_day_against_sql(demo_data, tmp_path):
    start, end = date(2026, 12, 17), date(2026, 12, 31)
    out = tmp_path / "calls.xlsx"
    result = json.loads(
        run_cli(demo_data, "reminders", "--from", start.isoformat(), "--to", end.isoformat(), "--out", str(out),
                "--json").stdout
    )  # fmt: skip
    db = sqlite3.connect(demo_data / "station.sqlite3")
    # the demo gives and declares BBIBP and CoronaVac only: 2 primary doses (21 to 56 days), a
    # booster from 180 days
    people = """WITH last AS (SELECT person_id, max(dose_number) AS n, max(day) AS d FROM doses GROUP BY person_id)
                SELECT count(*) FROM last WHERE """
    s, e = start.isoformat(), end.isoformat()
    due = db.execute(
        people
        + "(n = 1 AND date(d, '+21 days') BETWEEN ? AND ?) OR (n = 2 AND date(d, '+180 days') BETWEEN ? AND ?)",
        [s, e, s, e],
    ).fetchone()[0]
    open_ = db.execute(
        people + "n = 1 AND date(d, '+21 days') < ? AND date(d, '+56 days') >= ?", [s, s]
    ).fetchone()[0]
    overdue = db.execute(people + "n = 1 AND date(d, '+56 days') < ?", [s]).fetchone()[0]
    assert (result["due"], result["open"], result["overdue"]) == (due, open_, overdue)
    assert result["people"] == due + open_ + overdue > 500
    ws = load_workbook(out, read_only=True).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == result["people"]
    from collections import Counter

    assert Counter(r[7] for r in rows) == {
        k: v for k, v in {"到期": due, "已到期未种": open_, "逾期": overdue}.items() if v
    }
