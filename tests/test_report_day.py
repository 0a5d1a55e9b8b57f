"""The day report (`station report`): built from a demo day and from a fresh site, read back from the
PDF with pdfplumber, every number checked against the station database by its own SQL query."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from click.testing import CliRunner

from station import demo, inject, observe, prescreen, signin, stock
from station import staff as staffmod
from station.cli import cli
from station.identity import make_resident_id
from station.reports import labels
from station.reports.dayreport import build_day_report
from station.reports.figures import day_figures
from station.rules import PastDose, load_rules
from station.store import Store

from .conftest import CST

DEMO_DAY = date(2026, 11, 26)
RULES = load_rules()


# --- reading a report back ------------------------------------------------------------------------


def read_pdf(path: Path) -> tuple[str, dict[tuple[str, ...], list[list[str]]], set[str]]:
    """The PDF's text, its ruled tables (keyed by their header row; a table running onto the next page
    repeats its header and is joined up) and the names of the fonts its characters are drawn in."""
    tables: dict[tuple[str, ...], list[list[str]]] = defaultdict(list)
    fonts: set[str] = set()
    text = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            text.append(page.extract_text() or "")
            fonts |= {c["fontname"] for c in page.chars}
            for table in page.extract_tables():
                rows = [[clean(c) for c in row] for row in table]
                tables[tuple(rows[0])].extend(rows[1:])
    return "\n".join(text), dict(tables), fonts


def clean(value: str | None) -> str:
    return (value or "").replace("\n", "")


def table(tables: dict[tuple[str, ...], list[list[str]]], *header: str) -> list[list[str]]:
    assert tuple(header) in tables, f"no table {header}; have {list(tables)}"
    return tables[tuple(header)]


def check_fonts_embedded(path: Path, fonts: set[str]) -> None:
    """Every character is drawn in the bundled font, and that font is embedded (no Helvetica & co.)."""
    # "AAAAAA+WenQuanYiMicroHei-0": the six letters and the plus name an embedded subset
    assert fonts and all(re.fullmatch(r"[A-Z]{6}\+WenQuanYiMicroHei-\d+", f) for f in fonts), fonts
    data = path.read_bytes()
    assert b"/FontFile2" in data  # a TrueType font program is in the file
    for standard in (b"/Helvetica", b"/Times-Roman", b"/Courier", b"/STSong"):
        assert standard not in data, standard


def zh(key: str, **kw: Any) -> str:
    return labels.text(key, "zh", **kw)


# --- the independent SQL --------------------------------------------------------------------------


def sql_totals(store: Store, day: str) -> dict[str, int]:
    v = store.one(
        """SELECT count(*) AS booked, sum(source = 'walk_in') AS walk_ins, count(signed_in_at) AS signed_in,
                  count(screened_at) AS screened, count(turned_away_at) AS turned_away,
                  count(cancelled_at) AS cancelled, sum(state = 'booked') AS no_shows,
                  sum(state IN ('signed_in', 'screened', 'injected', 'observing')) AS in_progress,
                  count(released_at) AS released
           FROM visits WHERE day = ?""",
        [day],
    )
    d = store.one(
        "SELECT count(*) AS doses, count(DISTINCT visit_id) AS vaccinated FROM doses WHERE day = ? AND source = 'here'",
        [day],
    )
    a = store.one(
        """SELECT count(*) AS reactions, coalesce(sum(serious), 0) AS serious FROM aefi
           WHERE visit_id IN (SELECT visit_id FROM visits WHERE day = ?)""",
        [day],
    )
    out = {**v, **d, **a}
    return {k: int(x or 0) for k, x in out.items()}


def per_half_hour(store: Store, stamp: str, rows: str, day: str) -> dict[str, int]:
    """Counts per half hour ("08:30") of an ISO stamp's time of day, in SQL."""
    half = f"substr({stamp}, 12, 2) || ':' || CASE WHEN substr({stamp}, 15, 2) < '30' THEN '00' ELSE '30' END"
    return {
        r["k"]: r["n"] for r in store.all(f"SELECT {half} AS k, count(*) AS n FROM {rows} GROUP BY 1", [day])
    }


def check_report(store: Store, day: date, path: Path) -> dict[str, Any]:
    """Every number of the Chinese day report at ``path`` against the database."""
    d = day.isoformat()
    text, tables, fonts = read_pdf(path)
    check_fonts_embedded(path, fonts)
    assert zh("day_title") in text and d in text

    # the day in numbers: label/number pairs, two per row
    tot = sql_totals(store, d)
    first_label = zh("booked")
    pairs = next(rows for header, rows in tables.items() if header[0] == first_label)
    pairs = [list(next(h for h in tables if h[0] == first_label))] + pairs
    shown = {r[i]: r[i + 1] for r in pairs for i in (0, 2) if r[i]}
    keys = {"booked": "booked", "walk_ins": "walk_ins", "signed_in": "signed_in", "screened": "screened",
            "vaccinated": "vaccinated", "doses": "doses", "turned_away": "turned_away", "cancelled": "cancelled",
            "no_shows": "no_shows", "in_progress": "in_progress", "released": "released",
            "reactions": "reactions", "serious": "serious"}  # fmt: skip
    assert {k: int(shown[zh(label)]) for k, label in keys.items()} == {k: tot[k] for k in keys}

    # turned away by reason
    rows = store.all(
        "SELECT reason, count(*) AS n FROM visits WHERE day = ? AND turned_away_at IS NOT NULL GROUP BY reason",
        [d],
    )
    if rows:
        got = table(tables, zh("reason"), zh("outcome"), zh("count"))
        expect = {(RULES.reasons[r["reason"]].label_zh, str(r["n"])) for r in rows}
        assert {(r[0], r[2]) for r in got[:-1]} == expect
        assert got[-1] == [zh("total"), "", str(tot["turned_away"])]
        for r in got[:-1]:
            outcome = next(x for x in RULES.reasons.values() if x.label_zh == r[0]).outcome
            assert r[1] == zh(f"outcome_{outcome}")

    # per dose number and per product
    got = table(tables, zh("dose"), zh("doses"))
    rows = store.all(
        "SELECT product, dose_number, count(*) AS n FROM doses WHERE day = ? AND source = 'here' GROUP BY 1, 2",
        [d],
    )
    per_number: dict[str, int] = defaultdict(int)
    for r in rows:
        key = (
            "booster"
            if r["dose_number"] > RULES.products[r["product"]].primary_doses
            else str(r["dose_number"])
        )
        per_number[labels.dose_label(key, "zh")] += r["n"]
    assert {r[0]: int(r[1]) for r in got[:-1]} == per_number
    assert got[-1] == [zh("total"), str(tot["doses"])]
    got = table(tables, zh("product"), zh("manufacturer"), zh("doses"))
    rows = store.all(
        "SELECT product, count(*) AS n FROM doses WHERE day = ? AND source = 'here' GROUP BY 1", [d]
    )
    assert {(r[0], r[1], r[2]) for r in got[:-1]} == {
        (RULES.products[r["product"]].name_zh, RULES.products[r["product"]].manufacturer_zh, str(r["n"]))
        for r in rows
    }

    # per desk, per vaccinator
    got = table(tables, zh("desk"), zh("doses"), zh("first"), zh("last"))
    rows = store.all(
        """SELECT desk, count(*) AS n, min(substr(at, 12, 5)) AS first, max(substr(at, 12, 5)) AS last
           FROM doses WHERE day = ? AND source = 'here' GROUP BY desk""",
        [d],
    )
    assert got[:-1] == [[r["desk"], str(r["n"]), r["first"], r["last"]] for r in
                        sorted(rows, key=lambda r: int(r["desk"]))]  # fmt: skip
    assert got[-1][:2] == [zh("total"), str(tot["doses"])]
    got = table(tables, zh("vaccinator"), zh("staff_id"), zh("desk"), zh("doses"))
    rows = store.all(
        """SELECT s.name, d.vaccinator, group_concat(DISTINCT d.desk) AS desks, count(*) AS n
           FROM doses d JOIN staff s ON s.staff_id = d.vaccinator
           WHERE d.day = ? AND d.source = 'here' GROUP BY d.vaccinator""",
        [d],
    )
    assert sorted(got[:-1]) == sorted(
        [r["name"], r["vaccinator"], ", ".join(sorted(r["desks"].split(","), key=int)), str(r["n"])]
        for r in rows
    )

    # per unit
    got = table(
        tables, zh("unit"), zh("booked"), zh("signed_in"), zh("vaccinated"), zh("turned_away"), zh("no_shows")
    )
    rows = store.all(
        """SELECT coalesce(nullif(trim(p.unit), ''), ?) AS unit, count(*) AS booked, count(v.signed_in_at) AS s,
                  sum(v.visit_id IN (SELECT visit_id FROM doses WHERE source = 'here' AND day = ?)) AS vac,
                  count(v.turned_away_at) AS ta, sum(v.state = 'booked') AS ns
           FROM visits v JOIN people p USING (person_id) WHERE v.day = ? GROUP BY 1""",
        [zh("no_unit"), d, d],
    )
    assert sorted(got[:-1]) == sorted(
        [r["unit"], *(str(r[k]) for k in ("booked", "s", "vac", "ta", "ns"))] for r in rows
    )
    assert got[-1] == [zh("total"), *(str(tot[k]) for k in ("booked", "signed_in", "vaccinated", "turned_away",
                                                          "no_shows"))]  # fmt: skip

    # reactions by category and severity
    rows = store.all(
        """SELECT category, severity, count(*) AS n FROM aefi
           WHERE visit_id IN (SELECT visit_id FROM visits WHERE day = ?) GROUP BY 1, 2""",
        [d],
    )
    if rows:
        got = table(tables, zh("category"), zh("kind"), zh("mild"), zh("moderate"), zh("severe"), zh("total"))
        expect: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for r in rows:
            expect[labels.aefi_label(r["category"], "zh")][
                ("mild", "moderate", "severe").index(r["severity"])
            ] += r["n"]
        assert {r[0]: [int(x) for x in r[2:5]] for r in got[:-1]} == dict(expect)
        assert [int(x) for x in got[-1][2:]] == [
            sum(v[0] for v in expect.values()), sum(v[1] for v in expect.values()),
            sum(v[2] for v in expect.values()), tot["reactions"]]  # fmt: skip
        cases = table(tables, zh("time"), zh("onset"), zh("queue"), zh("category"), zh("severity"),
                      zh("handling"), zh("serious_case"))  # fmt: skip
        assert len(cases) == tot["reactions"]
        assert sum(r[6] == zh("yes") for r in cases) == tot["serious"]

    # stock per lot, with the end-of-day count
    got = table(tables, zh("lot"), zh("product"), zh("expiry"), zh("status"), zh("received"), zh("used_today"),
                zh("used"), zh("wasted"), zh("left"), zh("counted"), zh("difference"))  # fmt: skip
    lots = store.all(
        """SELECT l.lot_no, l.doses_received, l.doses_used, l.doses_wasted,
                  (SELECT count(*) FROM doses d WHERE d.lot_no = l.lot_no AND d.day = ? AND d.source = 'here') AS today,
                  (SELECT c.counted_doses FROM stock_counts c JOIN events e ON e.id = c.event_id
                   WHERE c.lot_no = l.lot_no AND c.day = ? ORDER BY e.hlc DESC LIMIT 1) AS counted,
                  (SELECT c.difference FROM stock_counts c JOIN events e ON e.id = c.event_id
                   WHERE c.lot_no = l.lot_no AND c.day = ? ORDER BY e.hlc DESC LIMIT 1) AS diff
           FROM lots l WHERE (SELECT min(substr(at, 1, 10)) FROM receipts r WHERE r.lot_no = l.lot_no) <= ?""",
        [d, d, d, d],
    )
    # a lot emptied before the day, neither used nor counted that day, is not the day's
    lots = [r for r in lots if r["doses_received"] - r["doses_used"] - r["doses_wasted"] > 0 or r["today"]
            or r["counted"] is not None]  # fmt: skip
    expect_lots = {
        r["lot_no"]: [str(r["doses_received"]), str(r["today"]), str(r["doses_used"]), str(r["doses_wasted"]),
                      str(r["doses_received"] - r["doses_used"] - r["doses_wasted"]),
                      "-" if r["counted"] is None else str(r["counted"]), "-" if r["diff"] is None else str(r["diff"])]
        for r in lots
    }  # fmt: skip
    assert {r[0]: r[4:] for r in got[:-1]} == expect_lots
    assert got[-1][4:9] == [str(sum(int(v[i]) for v in expect_lots.values())) for i in range(5)]

    # open conflicts (of the day's visits, or of none)
    n = store.scalar(
        """SELECT count(*) FROM conflicts c LEFT JOIN visits v USING (visit_id)
           WHERE c.resolution IS NULL AND (c.visit_id IS NULL OR v.day = ?)""",
        [d],
    )
    assert f"{zh('conflicts_title')}（{n}）" in text
    if n:
        got = table(tables, zh("time"), zh("queue"), zh("person"), zh("conflict"), zh("laptop"))
        assert len(got) == n

    # per half hour: booked by the slot's start, arrivals by sign-in, injections by the dose's time
    got = table(tables, zh("slot"), zh("booked"), zh("arrivals"), zh("injections"), zh("waiting_end"), "")
    booked = per_half_hour(store, "'YYYY-MM-DDT' || slot", "visits WHERE day = ? AND slot IS NOT NULL", d)
    arrived = per_half_hour(store, "signed_in_at", "visits WHERE day = ? AND signed_in_at IS NOT NULL", d)
    injected = per_half_hour(store, "at", "doses WHERE day = ? AND source = 'here'", d)
    for row in got[:-1]:
        start, end = row[0].split("-")
        assert [int(x) for x in row[1:4]] == [
            booked.get(start, 0),
            arrived.get(start, 0),
            injected.get(start, 0),
        ]
        # the queue at the end of the half hour: signed in by then, neither vaccinated nor gone by then
        stamp = f"{d}T{end}"
        waiting = store.scalar(
            """SELECT count(*) FROM visits WHERE day = ? AND signed_in_at < ?
               AND NOT coalesce(injected_at < ?, 0) AND NOT coalesce(turned_away_at < ?, 0)
               AND NOT coalesce(cancelled_at < ?, 0)""",
            [d, stamp, stamp, stamp, stamp],
        )
        assert int(row[4]) == waiting, row
    assert sum(booked.values()) == int(got[-1][1]) and sum(arrived.values()) == int(got[-1][2])
    assert sum(injected.values()) == int(got[-1][3]) == tot["doses"]
    return {"text": text, "tables": tables}


# --- a demo day -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    s = Store.open(tmp_path_factory.mktemp("demo") / "station.sqlite3", origin="demo-1")
    demo.load(s, DEMO_DAY)
    yield s
    s.close()


def test_the_demo_day_report_reads_back_number_for_number(demo_store, tmp_path):
    out = tmp_path / "day.pdf"
    out.write_bytes(build_day_report(day_figures(demo_store, DEMO_DAY, site="演示接种点"), "zh"))
    read = check_report(demo_store, DEMO_DAY, out)
    assert "演示接种点" in read["text"]
    # the pilot day's own numbers, as the street office reported them
    assert sql_totals(demo_store, DEMO_DAY.isoformat())["booked"] == 1005
    # the chart: its legend and an hour on its axis are text in the PDF
    for word in ("预约", "到达", "接种", "放号过多", "12:00"):
        assert word in read["text"]


def test_day_figures_are_plain_data_and_agree_with_status(demo_store):
    from station.status import day_status

    figures = day_figures(demo_store, DEMO_DAY)
    assert json.loads(json.dumps(figures)) == figures
    st = day_status(demo_store, DEMO_DAY)
    t = figures["totals"]
    assert (t["booked"], t["signed_in"], t["turned_away"], t["released"]) == (
        st["bookings"], st["signed_in"], st["turned_away"], st["released"])  # fmt: skip
    assert sum(h["booked"] for h in figures["half_hours"]) == t["booked"] - t["walk_ins"]


def test_the_english_report(demo_store, tmp_path):
    out = tmp_path / "day-en.pdf"
    out.write_bytes(build_day_report(day_figures(demo_store, DEMO_DAY), "en"))
    text, tables, fonts = read_pdf(out)
    check_fonts_embedded(out, fonts)
    assert "Day report (evening dispatch) 2026-11-26" in text
    assert "Turned away, by reason (54)" in text
    assert "The day in numbers" in text and "Stock per lot and the end-of-day count" in text
    assert not any(
        w in text for w in ("当日总数", "劝返原因", "按剂次", "每半小时")
    )  # the data stays as typed
    got = tables[("Reason", "Outcome", "People")]
    assert ["Fever (temperature 37.3 °C or above)", "defer"] == got[0][:2]


# --- a fresh site -----------------------------------------------------------------------------------


class Clock:
    def __init__(self, start: datetime) -> None:
        self.t = start

    def __call__(self) -> datetime:
        return self.t

    def at(self, hhmm: str) -> None:
        self.t = datetime.combine(self.t.date(), time.fromisoformat(hhmm), CST)


FRESH_DAY = date(2026, 12, 1)


def fresh_site(tmp_path: Path) -> tuple[Path, Clock]:
    """init, staff, a delivery, bookings imported from a CSV, people through the four desks (some
    turned away, a cancellation, a no-show, a reaction, a serious one, a dose 2), a broken vial, a
    count with a difference, and a conflict: the same person injected on two laptops."""
    data = tmp_path / "fresh"
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, ["--data", str(data), "--lang", "en", *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    run("init", "--station-id", "fresh-a")
    for sid, role in [("admin", "admin"), ("qd", "signin"), ("yj", "prescreen"), ("jz1", "vaccinator"),
                      ("jz2", "vaccinator"), ("lg", "observer")]:  # fmt: skip
        admin = [] if sid == "admin" else ["--admin", "admin", "--admin-pin", "1234"]  # the first needs none
        run("staff", "add", sid, "--name", f"员工{sid}", "--role", role, "--pin", "1234", *admin)
    people = [("甲一", "街道办", "08:00-08:30"), ("乙二", "街道办", "08:00-08:30"), ("丙三", "华联超市", "08:30-09:00"),
              ("丁四", "", "08:30-09:00"), ("戊五", "华联超市", "09:00-09:30"), ("己六", "街道办", "09:00-09:30"),
              ("庚七", "物业公司", "09:30-10:00"), ("=辛八", "物业公司", "09:30-10:00"),
              ("壬九", "", "10:00-10:30")]  # fmt: skip
    csv_path = tmp_path / "bookings.csv"
    lines = ["姓名,身份证号,手机号,工作单位,预约日期,预约时段"]
    for i, (name, unit, slot) in enumerate(people):
        number = make_resident_id("110105", date(1970 + i, 3, 4), 300 + i)
        lines.append(f"{name},{number},1380000{i:04d},{unit},{FRESH_DAY},{slot}")
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run("import-bookings", str(csv_path), "--staff", "admin", "--pin", "1234")
    clock = Clock(datetime.combine(FRESH_DAY, time(7, 30), CST))
    store = Store.open(data / "station.sqlite3", now=clock)
    try:
        stock.receive(store, staff_id="admin", lot_no="FR1", product="sinopharm_bbibp",
                      expiry=FRESH_DAY + timedelta(days=100), vials=10)  # fmt: skip
        stock.receive(store, staff_id="admin", lot_no="FR2", product="sinovac_coronavac",
                      expiry=FRESH_DAY + timedelta(days=100), vials=5)  # fmt: skip
        visits = {
            r["name"]: r["visit_id"]
            for r in store.all("SELECT v.visit_id, p.name FROM visits v JOIN people p USING (person_id)")
        }
        answers = {q.id: False for q in RULES.questions if q.kind == "yesno"}

        def through(name: str, hhmm: str, *, desk: str = "1", vaccinator: str = "jz1", lot: str = "FR1",
                    past: list[PastDose] | None = None, release: bool = True) -> None:  # fmt: skip
            clock.at(hhmm)
            signin.sign_in(store, visits[name], staff_id="qd", desk="1")
            clock.t += timedelta(minutes=2)
            prescreen.screen(store, visits[name], staff_id="yj", answers=answers, temperature=36.5,
                             declared_doses=past or [])  # fmt: skip
            clock.t += timedelta(minutes=3)
            product = stock.lot(store, lot)["product"]
            inject.inject(store, visits[name], staff_id=vaccinator, desk=desk, lot_no=lot, product=product)
            clock.t += timedelta(minutes=1)
            observe.start_observation(store, visits[name], staff_id="lg")
            if release:
                clock.t += timedelta(minutes=31)
                observe.release(store, visits[name], staff_id="lg")

        # 甲一 is injected on this laptop and, cut off from it, on a second one: a conflict, two doses
        clock.at("08:05")
        signin.sign_in(store, visits["甲一"], staff_id="qd", desk="1")
        prescreen.screen(store, visits["甲一"], staff_id="yj", answers=answers, temperature=36.6)
        other = Store.open(tmp_path / "other.sqlite3", origin="fresh-b", now=clock)
        try:
            other.ingest(store.events())
            clock.at("08:09")
            inject.inject(store, visits["甲一"], staff_id="jz1", desk="1", lot_no="FR1")
            inject.inject(other, visits["甲一"], staff_id="jz2", desk="3", lot_no="FR1")
            store.ingest([e for e in other.events() if e.origin == "fresh-b"])
        finally:
            other.close()
        clock.at("08:10")
        observe.start_observation(store, visits["甲一"], staff_id="lg")
        clock.at("08:41")
        observe.release(store, visits["甲一"], staff_id="lg")
        through("乙二", "08:10", desk="2", vaccinator="jz2",
                past=[PastDose("sinopharm_bbibp", 1, FRESH_DAY - timedelta(days=30))])  # fmt: skip
        clock.at("08:40")  # a fever: turned away
        signin.sign_in(store, visits["丙三"], staff_id="qd", desk="1")
        prescreen.screen(store, visits["丙三"], staff_id="yj", answers=answers, temperature=38.2)
        clock.at("08:45")  # pregnant: turned away by the answer
        signin.sign_in(store, visits["丁四"], staff_id="qd", desk="1")
        prescreen.screen(
            store, visits["丁四"], staff_id="yj", answers={**answers, "pregnancy": True}, temperature=36.4
        )
        clock.at("09:00")
        doctor = staffmod.login(store, "yj", "1234")  # cancelling needs the doctor logged in (#13)
        prescreen.cancel_booking(store, visits["戊五"], staff_id=doctor, reason="本人改期")
        through("己六", "09:05", release=False)
        clock.t += timedelta(minutes=10)
        observe.report_aefi(store, visits["己六"], staff_id="lg", category="allergic_rash", severity="moderate",
                            handling="treated_on_site")  # fmt: skip
        clock.t += timedelta(minutes=5)
        observe.report_aefi(store, visits["己六"], staff_id="lg", category="anaphylaxis", severity="severe",
                            handling="transferred_to_hospital")  # fmt: skip
        through("=辛八", "09:35", desk="2", vaccinator="jz2", lot="FR2")
        clock.at("09:50")  # 庚七 signed in, still waiting for the pre-screen; 壬九 never comes
        signin.sign_in(store, visits["庚七"], staff_id="qd", desk="1")
        clock.at("10:15")
        vial = stock.open_vial(store, staff_id="jz1", desk="1", lot_no="FR1")
        stock.discard_vial(store, staff_id="jz1", vial_id=vial["vial_id"], reason="broken")
        clock.at("19:00")
        sheet = {r["lot_no"]: r for r in stock.count_sheet(store)}
        stock.count_stock(store, staff_id="admin", counts=[
            {"lot_no": "FR1", "vials": sheet["FR1"]["expected_vials"], "doses": sheet["FR1"]["expected_doses"] - 1,
             "reason": "一支找不到"},
            {"lot_no": "FR2", "vials": sheet["FR2"]["expected_vials"], "doses": sheet["FR2"]["expected_doses"]},
        ])  # fmt: skip
    finally:
        store.close()
    return data, clock


def test_a_fresh_site_report_from_the_command(tmp_path):
    data, _ = fresh_site(tmp_path)
    out = tmp_path / "report.pdf"
    result = CliRunner().invoke(cli, ["--data", str(data), "report", "--day", FRESH_DAY.isoformat(), "--out",
                                      str(out)], catch_exceptions=False)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "日报已保存" in result.output and str(out) in result.output
    store = Store.open(data / "station.sqlite3", create=False)
    try:
        tot = sql_totals(store, FRESH_DAY.isoformat())
        # 己六, handed over to hospital, has left the flow (released with that outcome)
        assert (tot["booked"], tot["turned_away"], tot["cancelled"], tot["no_shows"], tot["in_progress"]) == (
            9, 2, 1, 1, 1)  # fmt: skip
        assert (tot["reactions"], tot["serious"]) == (2, 1)
        assert tot["doses"] == tot["vaccinated"] + 1 == 5  # 甲一 injected on two laptops
        assert store.scalar("SELECT count(*) FROM conflicts WHERE resolution IS NULL") == 1
        read = check_report(store, FRESH_DAY, out)
    finally:
        store.close()
    assert "未处理的冲突（1）" in read["text"] and "甲一" in read["text"]
    assert "过敏性休克" in read["text"] and "已转诊医院" in read["text"]
    assert "一支找不到" in read["text"]  # the count's reason
    assert "第二剂次" in read["text"]


def test_report_json_and_english_from_the_command(tmp_path):
    data, _ = fresh_site(tmp_path)
    runner = CliRunner()
    got = runner.invoke(cli, ["--data", str(data), "report", "--day", FRESH_DAY.isoformat(), "--json"])
    assert got.exit_code == 0, got.output
    figures = json.loads(got.output)
    store = Store.open(data / "station.sqlite3", create=False)
    try:
        tot = sql_totals(store, FRESH_DAY.isoformat())
    finally:
        store.close()
    for key in ("booked", "signed_in", "vaccinated", "doses", "turned_away", "cancelled", "no_shows"):
        assert figures["totals"][key] == tot[key], key
    assert figures["reactions"]["serious"] == 1
    out = tmp_path / "en.pdf"
    got = runner.invoke(cli, ["--data", str(data), "--lang", "en", "report", "--day", FRESH_DAY.isoformat(),
                              "--out", str(out), "--lang", "en"])  # fmt: skip
    assert got.exit_code == 0, got.output
    assert "Day report for 2026-12-01 written" in got.output
    text, _, fonts = read_pdf(out)
    check_fonts_embedded(out, fonts)
    assert "Turned away, by reason (2)" in text and "Pregnancy" in text and "anaphylaxis" in text
    bad = runner.invoke(
        cli, ["--data", str(data), "--lang", "en", "report", "--out", str(tmp_path / "x.txt")]
    )
    assert bad.exit_code == 2 and "must end in .pdf" in bad.output


def test_a_day_with_nothing(tmp_path):
    s = Store.open(tmp_path / "station.sqlite3", origin="empty")
    try:
        staffmod.add(s, "admin", "管理员", ["admin"], "1234", by="cli:test")
        figures = day_figures(s, FRESH_DAY)
        assert figures["totals"]["booked"] == 0 and figures["half_hours"] == []
        out = tmp_path / "empty.pdf"
        out.write_bytes(build_day_report(figures, "zh"))
        text, _, fonts = read_pdf(out)
        check_fonts_embedded(out, fonts)
        assert "劝返原因（0）" in text
    finally:
        s.close()
