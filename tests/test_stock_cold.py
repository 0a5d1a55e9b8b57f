"""The cold chain: typed readings, a logger's CSV (the usual forms, and broken files refused with the
line and reason), an excursion putting the fridge's lots on hold, and the admin's decision."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from station import coldchain, rebuild, stock
from tests.conftest import CST, DAY
from tests.domainkit import last_event, refused, snapshot

pytestmark = pytest.mark.usefixtures("fast_pins")

BBIBP = "sinopharm_bbibp"


def test_a_reading_in_range_flags_nothing(store):
    result = coldchain.record_reading(store, staff_id="vac1", celsius=4.5)
    assert (result["outside"], result["flagged"], result["reading"]["fridge"]) == (False, [], "fridge1")
    assert stock.lot(store, "LOT-A")["status"] == "ok"


def test_an_excursion_holds_the_lots_in_that_fridge_until_the_admin_decides(store, clock):
    stock.receive(store, staff_id="admin1", lot_no="BOX", product=BBIBP, expiry=DAY + timedelta(days=30),
                  vials=5, fridge="coldbox1")  # fmt: skip
    clock.advance(hours=1)
    result = coldchain.record_reading(store, staff_id="vac1", celsius=9.2, fridge="fridge1")
    assert result["outside"] and result["flagged"] == ["LOT-A"]  # the cold box's lot was not there
    flag = json.loads(last_event(store)["payload"])
    assert (flag["lot_no"], flag["fridge"], flag["celsius"]) == ("LOT-A", "fridge1", 9.2)
    assert [r["lot_no"] for r in coldchain.lots_to_decide(store)] == ["LOT-A"]
    assert stock.lot(store, "BOX")["status"] == "ok"
    before = snapshot(store)
    with refused("decision_reason_missing"):
        coldchain.decide(store, staff_id="admin1", lot_no="LOT-A", decision="use", reason=" ")
    with refused("decision_unknown"):
        coldchain.decide(store, staff_id="admin1", lot_no="LOT-A", decision="maybe", reason="x")
    with refused("not_permitted"):
        coldchain.decide(store, staff_id="vac1", lot_no="LOT-A", decision="use", reason="x")
    assert snapshot(store) == before
    row = coldchain.decide(
        store, staff_id="admin1", lot_no="LOT-A", decision="use", reason="超温20分钟，厂家说明可用"
    )
    assert (row["status"], row["status_reason"]) == ("ok", "超温20分钟，厂家说明可用")
    assert coldchain.lots_to_decide(store) == []
    coldchain.record_reading(store, staff_id="vac1", celsius=1.0)  # too cold: held again
    coldchain.decide(store, staff_id="admin1", lot_no="LOT-A", decision="quarantine", reason="冻结")
    with refused("lot_already_quarantined"):
        coldchain.decide(store, staff_id="admin1", lot_no="LOT-A", decision="use", reason="x")
    assert (
        coldchain.record_reading(store, staff_id="vac1", celsius=12.0)["flagged"] == []
    )  # stays quarantined
    assert stock.lot(store, "LOT-A")["status"] == "quarantined"
    assert rebuild.check(store).ok


def test_a_lot_received_after_the_excursion_began_is_not_held(store, clock):
    clock.advance(hours=3)  # LOT-A came at 08:00; NEW comes at 11:00; the excursion was at 10:00
    stock.receive(
        store, staff_id="admin1", lot_no="NEW", product=BBIBP, expiry=DAY + timedelta(days=30), vials=5
    )
    result = coldchain.record_reading(store, staff_id="vac1", celsius=9.0, at=clock() - timedelta(hours=1))
    assert result["flagged"] == ["LOT-A"]
    assert stock.lot(store, "NEW")["status"] == "ok"


def test_implausible_readings_and_unknown_fridges_are_refused(store):
    with refused("cold_reading_implausible"):
        coldchain.record_reading(store, staff_id="vac1", celsius=85)
    with refused("fridge_unknown"):
        coldchain.record_reading(store, staff_id="vac1", celsius=5, fridge="garage")
    with refused("not_permitted"):
        coldchain.record_reading(store, staff_id="sign1", celsius=5)


def test_the_set_reading_times_not_yet_read_are_due(store, clock):
    assert coldchain.due_times(store, DAY) == ["08:00", "12:30", "17:30"]
    coldchain.record_reading(
        store, staff_id="vac1", celsius=5.0, at=datetime(2026, 11, 26, 8, 10, tzinfo=CST)
    )
    assert coldchain.due_times(store, DAY) == ["12:30", "17:30"]


# --- the logger's CSV --------------------------------------------------------------------------------

ENGLISH = """Logger: LOG-123,,
Serial,ABC,
No.,Time,Temperature (°C)
1,2026-11-26 09:00:00,4.1
2,2026-11-26 09:15:00,4.3

3,2026-11-26 09:30:00,8.6
4,2026-11-26 09:45:00,5.0
"""

CHINESE = """序号;日期;时间;温度(℃)
1;2026/11/26;07:00;4,1
2;2026/11/26;07:15;4,4℃
"""


def test_an_english_logger_export_with_notes_above_the_header(store, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(ENGLISH, encoding="utf-8")
    result = coldchain.import_csv(store, path, staff_id="admin1")
    assert (result["read"], result["new"], result["outside"], result["flagged"]) == (4, 4, 1, ["LOT-A"])
    rows = coldchain.readings(store, "fridge1", DAY)
    assert [(r["at"][11:16], r["celsius"], r["outside"]) for r in rows][2] == ("09:30", 8.6, 1)
    again = coldchain.import_csv(store, path, staff_id="admin1")  # the same file: nothing new
    assert (again["read"], again["new"], again["flagged"]) == (4, 0, [])


def test_a_chinese_gbk_export_with_date_and_time_columns_and_decimal_commas(store, tmp_path):
    path = tmp_path / "温度.csv"
    path.write_bytes(CHINESE.encode("gbk"))
    result = coldchain.import_csv(store, path, staff_id="admin1", fridge="coldbox1")
    assert (result["read"], result["outside"], result["fridge"]) == (2, 0, "coldbox1")
    assert [r["celsius"] for r in coldchain.readings(store, "coldbox1")] == [4.1, 4.4]


@pytest.mark.parametrize(
    ("text", "code", "facts"),
    [
        ("Time,Temperature (°C)\n2026-11-26 07:00,4.1\nyesterday,4.2\n", "cold_csv_invalid", {"line": 3}),
        ("时间,温度\n2026-11-26 07:00,4.1\n2026-11-26 07:15,--\n", "cold_csv_invalid", {"line": 3}),
        ("Time,Temperature (°C)\n2026-11-26 07:00\n", "cold_csv_invalid", {"line": 2}),
        ("a,b\n1,2\n", "cold_csv_no_columns", {}),
        ("Time,Temperature (°C)\n\n", "cold_csv_empty", {}),
    ],
)
def test_a_broken_export_is_refused_with_its_line_and_nothing_is_stored(store, tmp_path, text, code, facts):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    before = snapshot(store)
    with refused(code, **facts):
        coldchain.import_csv(store, path, staff_id="admin1")
    assert snapshot(store) == before
    assert coldchain.readings(store) == []
