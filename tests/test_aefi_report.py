"""Reaction case reports: the card (PDF, read back with pdfplumber) and the district CSV, from a fresh
site with a serious case and from the demo day, every figure against independent SQL."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import subprocess
from datetime import datetime, timedelta

import pdfplumber
import pytest

from station import aefi, demo
from station.store import Store
from tests.conftest import DAY
from tests.registerskit import FORMULA_NAME, fresh_site, run_cli

pytestmark = pytest.mark.usefixtures("fast_pins")


def _pdf_text(path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def _font_embedded(path) -> None:
    if shutil.which("pdffonts") is None:  # poppler-utils; pdfplumber still reads the font's name
        with pdfplumber.open(path) as pdf:
            assert {c["fontname"].split("+")[-1] for c in pdf.pages[0].chars} == {"WenQuanYiMicroHei"}
        return
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = out.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), out  # emb
    assert all("WenQuanYiMicroHei" in line for line in fonts), out


def _csv(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_cards_and_the_district_csv_of_a_fresh_site(store, clock, tmp_path):
    fresh_site(store, clock, tmp_path)
    out = tmp_path / "aefi"
    result = aefi.write_reports(store, DAY, out, site="朝阳区临时接种点")
    db = sqlite3.connect(store.path)
    held = db.execute(
        """SELECT a.aefi_id, p.id_number, a.serious, a.at, d.lot_no, d.dose_number
           FROM aefi a JOIN visits v USING (visit_id) JOIN people p USING (person_id)
           JOIN doses d ON d.visit_id = a.visit_id AND d.source = 'here' WHERE v.day = ? ORDER BY a.at""",
        [DAY.isoformat()],
    ).fetchall()
    assert result["cases"] == len(held) == 2 and result["serious"] == sum(s for _, _, s, _, _, _ in held) == 1
    serious_at = datetime.fromisoformat(next(at for _, _, s, at, _, _ in held if s))
    by = (serious_at + timedelta(hours=48)).strftime("%Y-%m-%d %H:%M")
    assert result["investigate"] == [{"case_no": "AEFI-20261126-001", "name": FORMULA_NAME, "by": by}]
    # the cards: Chinese text, the records' facts, the font embedded
    for (aefi_id, id_number, serious, _, lot, number), path in zip(held, result["cards"], strict=True):
        text = _pdf_text(path)
        assert "疑似预防接种异常反应个案报告卡" in text and "朝阳区临时接种点" in text
        assert id_number in text and lot in text and aefi_id in text
        assert ("第一剂次" if number == 1 else "第二剂次") in text
        assert ("严重病例" in text and by in text) if serious else "严重病例" not in text
    _font_embedded(result["cards"][0])
    first = _pdf_text(result["cards"][0])
    assert "过敏性休克" in first and "转诊医院" in first and "重度" in first and "异常反应" in first
    second = _pdf_text(result["cards"][1])
    assert "张三" in second and "发热" in second and "一般反应" in second
    # the district CSV: one row per case; the formula-like name is quoted
    rows = _csv(result["csv"])
    assert [r["身份证号"] for r in rows] == [h[1] for h in held]
    assert [r["是否严重"] for r in rows] == ["是" if h[2] else "否" for h in held]
    assert [r["疫苗批号"] for r in rows] == [h[4] for h in held]
    assert rows[0]["姓名"] == "'" + FORMULA_NAME and rows[0]["调查截止时间"] == by
    assert rows[1]["调查截止时间"] == "" and rows[1]["转归"] == "好转，已离开接种点"
    assert rows[0]["报告单位"] == "朝阳区临时接种点"


def test_a_day_without_reactions_writes_an_empty_csv(store, tmp_path):
    result = aefi.write_reports(store, DAY, tmp_path / "none")
    assert result["cases"] == 0 and result["cards"] == []
    assert _csv(result["csv"]) == []


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory):
    data = tmp_path_factory.mktemp("demo")
    s = Store.open(data / "station.sqlite3", origin="demo-1")
    demo.load(s, DAY)
    s.close()
    return data


def test_the_demo_day_through_the_command(demo_data, tmp_path):
    out = tmp_path / "aefi"
    result = json.loads(
        run_cli(demo_data, "aefi", "--day", DAY.isoformat(), "--out", str(out), "--json").stdout
    )
    db = sqlite3.connect(demo_data / "station.sqlite3")
    held = db.execute(
        """SELECT p.id_number, p.name, a.category FROM aefi a JOIN visits v USING (visit_id)
           JOIN people p USING (person_id) WHERE v.day = ? ORDER BY a.at""",
        [DAY.isoformat()],
    ).fetchall()
    assert result["cases"] == len(held) >= 1
    assert result["serious"] == db.execute("SELECT count(*) FROM aefi WHERE serious = 1").fetchone()[0]
    rows = _csv(result["csv"])
    assert [(r["身份证号"], r["姓名"]) for r in rows] == [(i, n) for i, n, _ in held]
    for (id_number, name, _), card in zip(held, result["cards"], strict=True):
        text = _pdf_text(card)
        assert id_number in text and name in text and ("北京生物" in text or "科兴" in text)
    text = run_cli(demo_data, "aefi", "--day", DAY.isoformat(), "--out", str(out), lang="zh").stdout
    assert f"疑似预防接种异常反应 {len(held)} 例" in text
