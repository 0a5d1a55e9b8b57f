"""The day's ledger (台账) as XLSX, read back with openpyxl and checked against independent SQL:
from a fresh site (a name and a unit that look like formulas stay text) and from the demo day."""

from __future__ import annotations

import sqlite3
import zipfile
from collections import Counter

import pytest
from openpyxl import load_workbook

from station import demo, ledger
from station.store import Store
from tests.conftest import DAY
from tests.registerskit import FORMULA_NAME, FORMULA_NAME_2, FORMULA_UNIT, fresh_site, run_cli

pytestmark = pytest.mark.usefixtures("fast_pins")


def _rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize(
    "value", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x","y")']
)
def test_a_cell_that_looks_like_a_formula_is_made_safe(value):
    assert ledger.formula_like(value)
    assert ledger.safe_csv_cell(value) == "'" + value
    assert ledger.safe_csv_cell("张三") == "张三" and ledger.safe_csv_cell(12) == 12


def test_the_ledger_of_a_fresh_site(store, clock, tmp_path):
    fresh_site(store, clock, tmp_path)
    out = tmp_path / "ledger.xlsx"
    result = ledger.write_ledger(store, DAY, out)
    db = sqlite3.connect(store.path)
    d = DAY.isoformat()
    given = db.execute(
        "SELECT p.id_number, d.lot_no, d.dose_number, d.desk FROM doses d JOIN people p USING (person_id) "
        "WHERE d.source = 'here' AND d.day = ?",
        [d],
    ).fetchall()
    assert result["vaccinated"] == len(given) == 3
    wb = load_workbook(out)
    assert wb.sheetnames == ["接种人员", "劝返人员", "疑似异常反应"]
    ws = wb["接种人员"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]][:5] == ["序号", "姓名", "身份证号", "手机号", "工作单位"]
    assert ws.column_dimensions["C"].width == 21
    rows = _rows(ws)
    body, total = rows[:-1], rows[-1]
    assert total[:2] == ["合计", "3 人"]
    assert sorted((r[2], r[7], r[8], r[11]) for r in body) == sorted(given)
    # names and units that look like formulas are text: type "s", quote prefix, never a formula
    cells = {c.value: c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
    for value in (FORMULA_NAME, FORMULA_NAME_2, FORMULA_UNIT):
        assert cells[value].data_type == "s" and cells[value].quotePrefix, value
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)
    away = _rows(wb["劝返人员"])
    assert (
        len(away) - 1
        == db.execute("SELECT count(*) FROM visits WHERE day = ? AND state = 'turned_away'", [d]).fetchone()[
            0
        ]
        == 1
    )
    assert away[0][1] == "李四" and "发热" in away[0][8] and away[0][7] == "暂缓接种"
    reactions = _rows(wb["疑似异常反应"])
    held = db.execute(
        "SELECT p.id_number, a.serious FROM aefi a JOIN visits v USING (visit_id) JOIN people p USING (person_id) "
        "WHERE v.day = ?",
        [d],
    ).fetchall()
    assert sorted((r[2], r[13] == "是") for r in reactions[:-1]) == sorted((i, bool(s)) for i, s in held)
    assert reactions[-1][1] == f"{len(held)} 例" and reactions[-1][13] == "严重 1 例"
    assert {r[1] for r in reactions[:-1]} == {FORMULA_NAME, "张三"}


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory):
    data = tmp_path_factory.mktemp("demo")
    s = Store.open(data / "station.sqlite3", origin="demo-1")
    demo.load(s, DAY)
    s.close()
    return data


def test_the_ledger_of_the_demo_day_through_the_command(demo_data, tmp_path):
    out = tmp_path / "台账.xlsx"
    text = run_cli(demo_data, "ledger", "--day", DAY.isoformat(), "--out", str(out)).stdout
    db = sqlite3.connect(demo_data / "station.sqlite3")
    d = DAY.isoformat()
    n = db.execute("SELECT count(*) FROM doses WHERE source = 'here' AND day = ?", [d]).fetchone()[0]
    assert n == 950 and f"{n} vaccinated" in text
    wb = load_workbook(out, read_only=True)
    rows = _rows(wb["接种人员"])
    body, total = rows[:-1], rows[-1]
    assert len(body) == n and total[:2] == ["合计", f"{n} 人"]
    assert [r[0] for r in body] == list(range(1, n + 1))
    # per lot, per desk, per vaccinator, per dose number: the sheet against the doses table
    sql = dict(
        db.execute("SELECT lot_no, count(*) FROM doses WHERE source='here' AND day=? GROUP BY lot_no", [d])
    )
    assert Counter(r[7] for r in body) == sql
    sql = dict(
        db.execute("SELECT desk, count(*) FROM doses WHERE source='here' AND day=? GROUP BY desk", [d])
    )
    assert Counter(r[11] for r in body) == sql
    sql = dict(
        db.execute(
            "SELECT s.name, count(*) FROM doses d JOIN staff s ON s.staff_id = d.vaccinator "
            "WHERE d.source='here' AND d.day=? GROUP BY s.name",
            [d],
        )
    )
    assert Counter(r[12] for r in body) == sql
    sql = dict(
        db.execute("SELECT dose_number, count(*) FROM doses WHERE source='here' AND day=? GROUP BY 1", [d])
    )
    assert Counter(r[8] for r in body) == sql
    ids = {r[0] for r in db.execute(
        "SELECT p.id_number FROM doses d JOIN people p USING (person_id) WHERE d.source='here' AND d.day=?", [d]
    )}  # fmt: skip
    assert {r[2] for r in body} == ids
    assert all(r[6] == "北京生物制品研究所" for r in body if r[7].endswith(("A017", "A021")))
    # turned away: per first reason, as the screenings table holds them
    away = _rows(wb["劝返人员"])[:-1]
    sql = dict(
        db.execute(
            "SELECT json_extract(s.reasons, '$[0]'), count(*) FROM visits v JOIN screenings s USING (visit_id) "
            "WHERE v.day = ? AND v.state = 'turned_away' AND s.outcome != 'pass' GROUP BY 1",
            [d],
        )
    )
    assert len(away) == sum(sql.values()) == 54
    from station.rules import load_rules

    labels = {code: r.label_zh for code, r in load_rules().reasons.items()}
    assert Counter(r[8].split("；")[0] for r in away) == {labels[k]: v for k, v in sql.items()}
    reactions = _rows(wb["疑似异常反应"])[:-1]
    assert (
        len(reactions)
        == db.execute(
            "SELECT count(*) FROM aefi a JOIN visits v USING (visit_id) WHERE v.day = ?", [d]
        ).fetchone()[0]
    )
