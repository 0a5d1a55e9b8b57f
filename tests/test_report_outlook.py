"""The morning brief / three-day outlook (`station outlook`): from demo days and from a fresh site, read
back from the PDF, every number checked against the station database by its own SQL."""

from __future__ import annotations

import json
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from station import bookings, demo, stock
from station.cli import cli
from station.identity import make_resident_id
from station.reports import labels
from station.reports.figures import outlook_figures
from station.reports.outlook import build_outlook
from station.rules import load_rules
from station.store import Store

from .test_report_day import FRESH_DAY, check_fonts_embedded, check_report, fresh_site, read_pdf, table

DAY = date(2026, 11, 26)
RULES = load_rules()


def zh(key: str, **kw) -> str:
    return labels.text(key, "zh", **kw)


def check_outlook(store: Store, start: date, days: int, path: Path) -> dict:
    text, tables, fonts = read_pdf(path)
    check_fonts_embedded(path, fonts)
    assert zh("outlook_title", days=days) in text
    default = RULES.default_product or RULES.site["default_product"]
    # bookings per day: live (not cancelled), still to be vaccinated, cancelled
    got = table(tables, zh("day"), zh("bookings"), zh("needed"), zh("cancelled"))
    for i, row in enumerate(got[:-1]):
        d = (start + timedelta(days=i)).isoformat()
        expect = store.one(
            """SELECT sum(state != 'cancelled') AS live, sum(state IN ('booked', 'signed_in', 'screened')) AS waiting,
                      sum(state = 'cancelled') AS cancelled FROM visits WHERE day = ?""",
            [d],
        )
        assert row == [d, *(str(expect[k] or 0) for k in ("live", "waiting", "cancelled"))]
    # per slot and per unit, each day
    for i in range(days):
        d = (start + timedelta(days=i)).isoformat()
        slots = {r["slot"] or "-": r["n"] for r in store.all(
            "SELECT slot, count(*) AS n FROM visits WHERE day = ? AND state != 'cancelled' GROUP BY slot", [d])}  # fmt: skip
        units = {r["unit"]: r["n"] for r in store.all(
            """SELECT coalesce(nullif(trim(p.unit), ''), ?) AS unit, count(*) AS n FROM visits v
               JOIN people p USING (person_id) WHERE v.day = ? AND v.state != 'cancelled' GROUP BY 1""",
            [zh("no_unit"), d])}  # fmt: skip
        assert f"{d}：{zh('bookings')} {sum(slots.values())}" in text
        if not slots:
            continue
        # each day's slots-and-units table has the same header: the i-th day's rows are its i-th run
        rows = [r for r in table(tables, zh("slot"), zh("bookings"), zh("unit"), zh("bookings"))]
        runs, current = [], []
        for r in rows:
            current.append(r)
            if r[0] == zh("total"):
                runs.append(current)
                current = []
        run = [r for r in runs if r[-1][1] == str(sum(slots.values()))][0]
        assert {r[0]: int(r[1]) for r in run[:-1] if r[0]} == slots
        assert {r[2]: int(r[3]) for r in run[:-1] if r[2]} == units
    # doses needed against doses in stock, per product and day
    got = table(tables, zh("product"), zh("day"), zh("in_stock"), zh("needed"), zh("needed_total"),
                zh("left_after"), "")  # fmt: skip
    shown = {(r[0], r[1]): r[2:] for r in got}
    for product in {r["product"] for r in store.all("SELECT product FROM lots")}:
        so_far = 0
        for i in range(days):
            d = (start + timedelta(days=i)).isoformat()
            in_stock = store.scalar(
                """SELECT coalesce(sum(max(doses_received - doses_used - doses_wasted, 0)), 0) FROM lots
                   WHERE product = ? AND expiry >= ? AND status = 'ok'""",
                [product, d],
            )
            needed = store.scalar(
                """SELECT count(*) FROM visits WHERE day = ? AND state IN ('booked', 'signed_in', 'screened')
                   AND coalesce(product, ?) = ?""",
                [d, default, product],
            )
            so_far += needed
            mark = zh("shortage") if in_stock - so_far < 0 else zh("enough")
            row = shown[(RULES.products[product].name_zh, d)]
            assert row == [str(in_stock), str(needed), str(so_far), str(in_stock - so_far), mark], (
                product,
                d,
            )
    # staff on duty, by role
    got = table(tables, zh("role"), zh("people"), zh("count"))
    for role in ("signin", "prescreen", "vaccinator", "observer", "admin"):
        n = store.scalar(
            "SELECT count(*) FROM staff WHERE active = 1 AND (',' || roles || ',') LIKE '%,' || ? || ',%'",
            [role],
        )
        row = next(r for r in got if r[0] == zh(f"role_{role}"))
        assert row[2] == str(n)
    return {"text": text, "tables": tables}


@pytest.fixture(scope="module")
def demo_days(tmp_path_factory):
    """The demo day done, the next day booked (nobody come yet), the day after with fewer bookings and
    a lot of CoronaVac bookings, more than the stock: a shortage."""
    s = Store.open(tmp_path_factory.mktemp("outlook") / "station.sqlite3", origin="demo-1")
    s.trusts_named_staff = True  # a module fixture: the test bed plays its staff (conftest's trust is per test)
    demo.load(s, DAY)
    demo.load(s, DAY + timedelta(days=1), bookings_total=400, until=time(6, 0), seed=7)
    for i in range(260):
        person = bookings.person_record(
            name=f"科兴{i}", id_number=make_resident_id("370102", date(1980, 1, 1) + timedelta(days=i), 5),
            phone="13900000000", unit="朝阳区第一小学", today=DAY,
        )  # fmt: skip
        bookings.add_booking(s, person, DAY + timedelta(days=2), "09:00-09:30", staff_id="admin",
                             product="sinovac_coronavac")  # fmt: skip
    yield s
    s.close()


def test_the_three_day_outlook_reads_back_number_for_number(demo_days, tmp_path):
    figures = outlook_figures(demo_days, DAY, 3, site="演示接种点")
    assert json.loads(json.dumps(figures)) == figures
    out = tmp_path / "outlook.pdf"
    out.write_bytes(build_outlook(figures, "zh"))
    read = check_outlook(demo_days, DAY, 3, out)
    assert "演示接种点" in read["text"]
    # CoronaVac: 120 doses per demo delivery (two days received), 260 booked on the third day
    coronavac = next(p for p in figures["stock"] if p["product"] == "sinovac_coronavac")
    assert coronavac["short"] == [False, False, True] and coronavac["short_on"] == "2026-11-28"
    assert zh("shortage") in read["text"]


def test_the_day_report_leaves_out_later_deliveries(demo_days, tmp_path):
    from station.reports.dayreport import build_day_report
    from station.reports.figures import day_figures

    figures = day_figures(demo_days, DAY)
    assert [r["lot_no"][:8] for r in figures["stock"]["lots"]] == ["20261126"] * 3
    out = tmp_path / "day.pdf"
    out.write_bytes(build_day_report(figures, "zh"))
    check_report(demo_days, DAY, out)


def test_the_outlook_command_json_and_english(tmp_path):
    data, _ = fresh_site(tmp_path)
    runner = CliRunner()
    out = tmp_path / "outlook.pdf"
    got = runner.invoke(cli, ["--data", str(data), "outlook", "--from", FRESH_DAY.isoformat(), "--days", "3",
                              "--out", str(out)])  # fmt: skip
    assert got.exit_code == 0, got.output
    assert "接种计划已保存" in got.output
    store = Store.open(data / "station.sqlite3", create=False)
    try:
        check_outlook(store, FRESH_DAY, 3, out)
    finally:
        store.close()
    got = runner.invoke(cli, ["--data", str(data), "outlook", "--from", FRESH_DAY.isoformat(), "--json"])
    figures = json.loads(got.output)
    assert [d["day"] for d in figures["days"]] == ["2026-12-01", "2026-12-02", "2026-12-03"]
    assert figures["days"][0]["bookings"] == 8 and figures["days"][0]["to_come"] == 2  # 庚七, 壬九
    assert {r["role"]: len(r["staff"]) for r in figures["staff"]}["vaccinator"] == 2
    en = tmp_path / "outlook-en.pdf"
    got = runner.invoke(cli, ["--data", str(data), "--lang", "en", "outlook", "--from", FRESH_DAY.isoformat(),
                              "--out", str(en), "--days", "2"])  # fmt: skip
    assert got.exit_code == 0 and "Outlook for 2 days from 2026-12-01" in got.output
    text, _, fonts = read_pdf(en)
    check_fonts_embedded(en, fonts)
    assert "Morning brief: the next 2 days" in text and "Staff on duty, by role" in text
    bad = runner.invoke(cli, ["--data", str(data), "--lang", "en", "outlook", "--days", "0", "--json"])
    assert bad.exit_code == 2 and "between 1 and 14" in bad.output


def test_a_shortage_is_told_on_the_terminal(tmp_path):
    data, _ = fresh_site(tmp_path)
    store = Store.open(data / "station.sqlite3", create=False)
    try:
        left = stock.lot(store, "FR2")["doses_left"]
        for i in range(left + 3):
            person = bookings.person_record(
                name=f"明日{i}", id_number=make_resident_id("110105", date(1960, 1, 1) + timedelta(days=i), 9),
                today=FRESH_DAY,
            )  # fmt: skip
            bookings.add_booking(store, person, FRESH_DAY + timedelta(days=1), "08:00-08:30", staff_id="admin",
                                 product="sinovac_coronavac")  # fmt: skip
    finally:
        store.close()
    got = CliRunner().invoke(cli, ["--data", str(data), "--lang", "en", "outlook", "--from", FRESH_DAY.isoformat(),
                                   "--out", str(tmp_path / "o.pdf")])  # fmt: skip
    assert got.exit_code == 0, got.output
    assert (
        "Short of stock: Sinovac CoronaVac (inactivated, Vero cell) is 3 doses short on 2026-12-02"
        in got.output
    )
