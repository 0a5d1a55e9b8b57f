"""The admin page's Stock tab driven as a person would: receiving typed, by a scanner gun (GS1 with
its GS separators, a DataMatrix read from an image, a 20-digit traceability code), refusals, the
stock table, the cold chain (readings, a logger CSV, deciding a held lot) and the end-of-day count."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from station import bookings, coldchain, packcodes, stock
from station import staff as staffmod
from station.messages import render
from station.scan.decoders import read_pack_codes
from station.store import Store
from tests.conftest import DAY, PIN, STAFF, new_person, proven
from tests.domainkit import drive
from ui.qt import Qt

pytestmark = pytest.mark.usefixtures("fast_pins")

BBIBP = "sinopharm_bbibp"
CORONAVAC = "sinovac_coronavac"
GTIN = "06903561000011"  # BBIBP's vial GTIN in resources/rules/stock.toml
TRACE = "81600010000000011234"  # BBIBP's product code 8160001 + serial + check digits
EXPIRY = date(2027, 6, 30)


def open_admin(make_hub, qtbot, staff_id: str = "admin1", on: Store | None = None):
    from ui.pages.admin import AdminPage

    page = AdminPage(make_hub(staff_id, ("admin",), on=on))
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # the F-keys and Alt-keys are the window's shortcuts
    return page


@pytest.fixture
def page(make_hub, qtbot):
    return open_admin(make_hub, qtbot)


@pytest.fixture
def panel(page, qtbot):
    """The Stock tab, opened with Alt+6: the scan box has the keyboard."""
    qtbot.keyClick(page.focusWidget() or page, Qt.Key.Key_6, Qt.KeyboardModifier.AltModifier)
    assert page.tabs.currentWidget() is page.stock_panel
    assert page.stock_panel.scan.hasFocus()
    return page.stock_panel


def key(qtbot, panel, k) -> None:
    qtbot.keyClick(panel.focusWidget() or panel, k)


def gun(qtbot, widget, text: str) -> None:
    """A USB scanner gun: types every character, then Enter. It sends GS (0x1D) as the key Ctrl+]
    with the text GS, as a keyboard-wedge scanner does (QTest cannot type a control character)."""
    from PySide6.QtGui import QKeyEvent

    from ui.qt import QApplication, QEvent

    for i, part in enumerate(text.split(packcodes.GS)):
        if i:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                event = QKeyEvent(
                    kind, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier, packcodes.GS
                )
                QApplication.sendEvent(widget, event)
        type_in(qtbot, widget, part)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def type_in(qtbot, widget, text: str) -> None:
    """Typed keys; Chinese comes through the input method (QTest types ASCII only)."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:
        widget.insert(text)


def cells(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def events(store: Store) -> int:
    return store.scalar("SELECT count(*) FROM events")


def form_is_empty(panel) -> bool:
    return (
        panel.product.currentData() is None
        and panel.lot_no.text() == ""
        and panel.expiry.text() == ""
        and panel.vials.value() == 0
        and panel.code is None
    )


# --- a fresh site --------------------------------------------------------------------------------


def test_a_fresh_site_receives_its_first_lot_by_scanning_and_vaccinates(make_hub, qtbot, tmp_path, clock):
    """No demo: a new station file, its first admin and staff, a lot scanned in through the Stock
    tab, a booking, and the person vaccinated from that lot."""
    fresh = Store.open(tmp_path / "fresh" / "station.sqlite3", origin="new-1", now=clock)
    staffmod.add(fresh, "admin1", "站长", ["admin"], PIN, by="admin1")  # the first member, as first run does
    admin = proven(fresh)
    for staff_id, roles in STAFF.items():
        if staff_id != "admin1":
            staffmod.add(fresh, staff_id, f"Staff {staff_id}", roles, PIN, by=admin)
    page = open_admin(make_hub, qtbot, on=fresh)
    panel = page.stock_panel
    page._go_to(5)
    panel.refresh()
    assert panel.count_rows == {} and cells(panel.stock_table) == [
        ["总计", "", "", "", "", "0", "0", "0", "0", ""]
    ]

    gun(qtbot, panel.scan, packcodes.gs1_text(GTIN, "LOT-A", EXPIRY, "C0001"))  # GS before the serial
    assert (panel.product.currentData(), panel.lot_no.text(), panel.expiry.text()) == (
        BBIBP,
        "LOT-A",
        "2027-06-30",
    )
    assert panel.vials.value() == 20 and panel.delivery_note.hasFocus()
    gun(qtbot, panel.delivery_note, "PS-0001")  # Enter on the delivery note receives
    assert panel.banner.kind == "ok", panel.banner.text()
    assert "LOT-A" in panel.banner.text() and "20" in panel.banner.text()
    assert panel.scan.hasFocus() and form_is_empty(panel)
    (receipt,) = stock.receipts(fresh)
    assert (receipt["carton_code"], receipt["delivery_note"], receipt["staff_id"]) == (
        f"01{GTIN}21C0001",
        "PS-0001",
        "admin1",
    )

    visit = bookings.add_booking(fresh, new_person(), DAY, "08:00-08:30", staff_id="admin1")
    drive(fresh, clock, visit, "injected")  # the domain's steps take LOT-A, the lot just scanned in
    qtbot.waitUntil(lambda: panel.stock_table.item(0, 6).text() == "1", timeout=3000)
    lot_row = cells(panel.stock_table)[0]
    assert lot_row[1:3] == ["LOT-A", "2027-06-30"] and lot_row[5:9] == ["20", "1", "0", "19"]
    page.hub.close()
    fresh.close()


# --- receiving -------------------------------------------------------------------------------------


def test_receiving_typed(panel, qtbot, store):
    panel.product.setFocus()
    qtbot.keyClick(panel.product, Qt.Key.Key_Down)  # the first vaccine of the rules
    product = panel.product.currentData()
    prod = panel.hub.rules.product(product)
    assert panel.manufacturer.text() == prod.manufacturer_zh  # pre-filled from the rules
    assert panel.doses_per_vial.value() == prod.doses_per_vial
    qtbot.keyClicks(panel.lot_no, "t0127")
    qtbot.keyClick(panel.lot_no, Qt.Key.Key_Return)
    assert panel.expiry.hasFocus()
    qtbot.keyClicks(panel.expiry, "2027/05/31")
    qtbot.keyClick(panel.expiry, Qt.Key.Key_Return)
    assert panel.vials.hasFocus()
    qtbot.keyClicks(panel.vials, "30")
    qtbot.keyClick(panel.vials, Qt.Key.Key_Return)
    assert panel.delivery_note.hasFocus()
    qtbot.keyClicks(panel.delivery_note, "PS-20261126-01")
    panel.fridge.setCurrentIndex(panel.fridge.findData("coldbox1"))
    before = events(store)
    key(qtbot, panel, Qt.Key.Key_F5)

    assert panel.banner.kind == "ok", panel.banner.text()
    lot = stock.lot(store, "T0127")
    assert (lot["product"], lot["expiry"], lot["vials_received"], lot["doses_received"]) == (
        product,
        "2027-05-31",
        30,
        30 * prod.doses_per_vial,
    )
    assert (lot["manufacturer"], lot["fridge"]) == (prod.manufacturer_zh, "coldbox1")
    assert events(store) == before + 1
    assert panel.banner.text() == (
        f"已入库：批号 T0127，{panel.short(product)} 30 瓶、{30 * prod.doses_per_vial} 剂。"
        f"该批号现余 {lot['doses_left']} 剂。"
    )
    # the form is empty for the next carton; the delivery note and the fridge belong to the delivery
    assert form_is_empty(panel) and panel.scan.hasFocus()
    assert panel.delivery_note.text() == "PS-20261126-01" and panel.fridge.currentData() == "coldbox1"
    assert cells(panel.receipts_table)[0][1:6] == [
        "T0127",
        panel.short(product),
        "30",
        "30",
        "PS-20261126-01",
    ]


def test_a_typed_expiry_that_is_not_a_date_is_refused_before_the_domain(panel, qtbot, store):
    panel.product.setCurrentIndex(panel.product.findData(BBIBP))
    qtbot.keyClicks(panel.lot_no, "X1")
    qtbot.keyClicks(panel.expiry, "2027-13-01")
    panel.vials.setValue(5)
    before = events(store)
    key(qtbot, panel, Qt.Key.Key_F5)
    assert panel.banner.kind == "error" and "2027-13-01" in panel.banner.text()
    assert panel.expiry.hasFocus() and events(store) == before


def test_receiving_by_gs1_code_as_the_gun_types_it(panel, qtbot, store):
    """The gun sends the FNC1 separator as GS (0x1D): kept, so the lot is not glued to the serial."""
    code = "]d2" + packcodes.gs1_text(GTIN, "AB12", EXPIRY, "C0007")
    assert "\x1d" in code
    gun(qtbot, panel.scan, code)
    assert panel.banner.kind == "info", panel.banner.text()
    assert (panel.product.currentData(), panel.lot_no.text(), panel.expiry.text(), panel.vials.value()) == (
        BBIBP,
        "AB12",
        "2027-06-30",
        20,
    )
    assert "C0007" in panel.code_line.text()
    assert stock.read_code(code)["serial"] == "C0007"
    key(qtbot, panel, Qt.Key.Key_F5)
    assert panel.banner.kind == "ok", panel.banner.text()
    assert stock.receipts(store, "AB12")[0]["carton_code"] == f"01{GTIN}21C0007"
    assert stock.lot(store, "AB12")["vials_received"] == 20


def test_a_gun_that_sends_gs_as_ctrl_bracket_is_read_too(panel, qtbot):
    first, serial = packcodes.gs1_text(GTIN, "AB12", EXPIRY, "C0008").split(packcodes.GS)
    qtbot.keyClicks(panel.scan, first)
    qtbot.keyClick(panel.scan, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(panel.scan, serial)
    assert panel.scan.text() == f"{first}<GS>{serial}"
    qtbot.keyClick(panel.scan, Qt.Key.Key_Return)
    assert (panel.lot_no.text(), panel.banner.kind) == ("AB12", "info")
    assert "C0008" in panel.code_line.text()


def test_receiving_by_a_datamatrix_read_from_an_image(panel, qtbot, store):
    import zxingcpp

    symbol = zxingcpp.create_barcode(
        packcodes.gs1_hri(GTIN, "DM01", EXPIRY, "C0042"), zxingcpp.BarcodeFormat.DataMatrix, gs1=True
    )
    gray = np.pad(np.array(symbol.to_image(scale=6)), 40, constant_values=255)
    (text,) = read_pack_codes(np.dstack([gray] * 3))
    gun(qtbot, panel.scan, text)
    assert (panel.lot_no.text(), panel.expiry.text()) == ("DM01", "2027-06-30")
    qtbot.keyClicks(panel.delivery_note, "PS-DM")
    key(qtbot, panel, Qt.Key.Key_F5)
    assert panel.banner.kind == "ok", panel.banner.text()
    (receipt,) = stock.receipts(store, "DM01")
    assert (receipt["carton_code"], receipt["delivery_note"]) == (f"01{GTIN}21C0042", "PS-DM")


def test_receiving_by_a_20_digit_traceability_code(panel, qtbot, store):
    gun(qtbot, panel.scan, TRACE)
    assert panel.product.currentData() == BBIBP and panel.vials.value() == 20
    assert panel.lot_no.text() == "" and panel.lot_no.hasFocus()  # the code carries no lot: typed
    assert "8160001" in panel.code_line.text()
    gun(qtbot, panel.lot_no, "T20")
    gun(qtbot, panel.expiry, "20270630")
    gun(qtbot, panel.vials, "")  # the carton's 20, kept
    gun(qtbot, panel.delivery_note, "D1")
    assert panel.banner.kind == "ok", panel.banner.text()
    lot = stock.lot(store, "T20")
    assert (lot["product"], lot["expiry"], lot["vials_received"]) == (BBIBP, "2027-06-30", 20)
    assert stock.receipts(store, "T20")[0]["carton_code"] == TRACE


@pytest.mark.parametrize(
    ("text", "code", "facts"),
    [
        ("8160001000000001123", "trace_code_length", {"length": 19}),
        ("8160001000000001123X", "trace_code_not_digits", {"value": "8160001000000001123X"}),
        ("hello world", "code_unrecognised", {"value": "hello world"}),
        ("0106903561000012", "gs1_check_digit", {"gtin": "06903561000012"}),
        ("99900010000000011234", "code_unknown_product", {"value": "9990001"}),
    ],
)
def test_a_malformed_or_unknown_code_is_refused_and_fills_nothing(panel, qtbot, store, text, code, facts):
    before = events(store)
    gun(qtbot, panel.scan, text)
    assert panel.banner.kind == "error"
    assert panel.banner.text() == render(code, "zh", **facts)
    assert form_is_empty(panel) and panel.scan.hasFocus()
    key(qtbot, panel, Qt.Key.Key_F5)  # nothing to receive: the domain says what is missing
    assert panel.banner.text() == render("product_missing", "zh")
    assert events(store) == before


def test_the_same_carton_twice_is_refused(panel, qtbot, store):
    code = packcodes.gs1_text(GTIN, "AB12", EXPIRY, "C0001")
    gun(qtbot, panel.scan, code)
    key(qtbot, panel, Qt.Key.Key_F5)
    assert panel.banner.kind == "ok"
    before = events(store)
    gun(qtbot, panel.scan, code)
    key(qtbot, panel, Qt.Key.Key_F5)
    assert panel.banner.kind == "error"
    assert panel.banner.text() == render(
        "carton_already_received", "zh", carton=f"01{GTIN}21C0001", lot="AB12"
    )
    assert events(store) == before and len(stock.receipts(store, "AB12")) == 1
    assert panel.lot_no.text() == "AB12"  # the form stays as it was: the refusal is about it


# --- the stock table ---------------------------------------------------------------------------------


def test_the_stock_table_matches_the_summary_and_follows_other_desks(panel, qtbot, store, clock):
    stock.receive(
        store, staff_id="admin1", lot_no="C1", product=CORONAVAC, expiry=DAY + timedelta(days=30), vials=10
    )
    stock.receive(
        store, staff_id="admin1", lot_no="OLD", product=CORONAVAC, expiry=DAY - timedelta(days=1), vials=4
    )
    stock.waste(store, staff_id="admin1", lot_no="C1", doses=2, reason="broken")
    visit = bookings.add_booking(store, new_person(), DAY, "08:00-08:30", staff_id="admin1")
    drive(store, clock, visit, "injected")
    coldchain.record_reading(store, staff_id="admin1", celsius=9.5, fridge="fridge1")  # every lot held
    coldchain.decide(store, staff_id="admin1", lot_no="OLD", decision="quarantine", reason="过期且超温")
    panel.hub.refresh()  # what the once-a-second check does after other desks' records
    key(qtbot, panel, Qt.Key.Key_F7)
    assert panel.tabs.currentIndex() == 1 and panel.stock_table.hasFocus()

    summary = stock.summary(store)
    shown = cells(panel.stock_table)
    lots = summary["lots"]
    assert [row[1] for row in shown[: len(lots)]] == [lot["lot_no"] for lot in lots]
    for row, lot in zip(shown, lots, strict=False):
        assert row[5:9] == [str(lot[k]) for k in ("received", "used", "wasted", "left")]
    per_product = shown[len(lots) : len(lots) + 2]
    assert [row[5:9] for row in per_product] == [
        [str(v[k]) for k in ("received", "used", "wasted", "left")] for v in summary["products"].values()
    ]
    total = shown[-1]
    assert total[0] == "总计" and total[5:9] == [
        str(summary["total"][k]) for k in ("received", "used", "wasted", "left")
    ]
    status = {row[1]: row[4] for row in shown[: len(lots)]}
    assert status["LOT-A"].startswith("冷链超温，暂停使用") and "9.5 °C" in status["LOT-A"]
    assert status["OLD"] == "已隔离停用：过期且超温"

    # another desk injects through its own connection: the table follows
    other = Store.open(store.path, now=clock)
    coldchain.decide(other, staff_id="admin1", lot_no="LOT-A", decision="use", reason="已核实")
    drive(
        other,
        clock,
        bookings.add_booking(other, new_person(), DAY, "08:00-08:30", staff_id="admin1"),
        "injected",
    )
    other.close()
    row = lambda: next(r for r in cells(panel.stock_table) if r[1] == "LOT-A")  # noqa: E731
    qtbot.waitUntil(lambda: row()[6] == "2", timeout=3000)
    assert row()[4] == "在用" and row()[8] == "48"


def test_an_expired_lot_reads_expired(panel, store):
    stock.receive(
        store, staff_id="admin1", lot_no="OLD", product=BBIBP, expiry=DAY - timedelta(days=1), vials=4
    )
    panel.refresh()
    status = {row[1]: row[4] for row in cells(panel.stock_table)}
    assert status == {"LOT-A": "在用", "OLD": "已过期", "": ""}


# --- the cold chain ----------------------------------------------------------------------------------


def test_readings_in_and_out_of_range_then_the_held_lot_is_decided(panel, qtbot, store, clock):
    key(qtbot, panel, Qt.Key.Key_F8)
    assert panel.tabs.currentIndex() == 2 and panel.celsius.hasFocus()
    assert cells(panel.due_table)[0][1] == "现在应记录"  # 08:00, nothing read yet
    clock.advance(minutes=5)
    gun(qtbot, panel.celsius, "5,2")  # a decimal comma
    assert panel.banner.kind == "ok", panel.banner.text()
    assert panel.banner.text() == "已记录：医用冷藏箱1 08:05 5.2 °C"
    assert cells(panel.due_table)[0][1] == "5.2 °C ✓"
    assert stock.lot(store, "LOT-A")["status"] == "ok"

    clock.advance(hours=2)
    qtbot.keyClicks(panel.reading_time, "09:40")
    qtbot.keyClick(panel.reading_time, Qt.Key.Key_Return)
    gun(qtbot, panel.celsius, "9.1")
    assert panel.banner.kind == "error"
    assert "超出 2-8 °C" in panel.banner.text() and "LOT-A" in panel.banner.text()
    assert stock.lot(store, "LOT-A")["status"] == "hold"
    reading = coldchain.readings(store, "fridge1")[-1]
    assert (reading["celsius"], reading["outside"], reading["at"][11:16]) == (9.1, 1, "09:40")
    assert cells(panel.decide_table) == [["LOT-A", panel.short(BBIBP), "医用冷藏箱1 09:40 9.1 °C", "50"]]
    assert "超出" in cells(panel.readings_table)[0][2]
    assert panel.decision_reason.hasFocus()

    key(qtbot, panel, Qt.Key.Key_F2)  # no reason: refused, translated
    assert panel.banner.text() == render("decision_reason_missing", "zh")
    assert stock.lot(store, "LOT-A")["status"] == "hold"
    type_in(qtbot, panel.decision_reason, "开门取苗，5分钟内回到5 °C")
    key(qtbot, panel, Qt.Key.Key_F2)
    assert panel.banner.kind == "ok", panel.banner.text()
    lot = stock.lot(store, "LOT-A")
    assert (lot["status"], lot["status_reason"]) == ("ok", "开门取苗，5分钟内回到5 °C")
    assert panel.decide_table.rowCount() == 0
    key(qtbot, panel, Qt.Key.Key_F3)
    assert panel.banner.text() == "没有暂停使用的批号，无需处理"


def test_a_held_lot_can_be_quarantined(panel, qtbot, store):
    coldchain.record_reading(store, staff_id="admin1", celsius=12.0, fridge="fridge1")
    panel.hub.refresh()
    panel.go_to(2)
    type_in(qtbot, panel.decision_reason, "超温时间过长")
    key(qtbot, panel, Qt.Key.Key_F3)
    assert panel.banner.kind == "ok", panel.banner.text()
    assert stock.lot(store, "LOT-A")["status"] == "quarantined"


def test_an_implausible_or_mistyped_reading_is_refused(panel, qtbot, store):
    panel.go_to(2)
    before = events(store)
    gun(qtbot, panel.celsius, "abc")
    assert panel.banner.text() == "请输入温度（°C），如 4.6"
    gun(qtbot, panel.celsius, "80")
    assert panel.banner.text() == render("cold_reading_implausible", "zh", celsius=80.0)
    assert events(store) == before


def test_a_logger_csv_is_imported_and_a_broken_one_refused(panel, qtbot, store, clock, tmp_path, monkeypatch):
    import ui.pages.stock as stock_page

    good = tmp_path / "logger.csv"
    good.write_text(
        "设备编号,FR-01\n时间,温度(℃)\n"
        "2026-11-26 08:30,4.8\n2026-11-26 09:00,5.0\n2026-11-26 09:30,8.6\n2026-11-26 10:00,5.1\n",
        encoding="gbk",
    )
    broken = tmp_path / "broken.csv"
    broken.write_text("Time,Temperature (°C)\n2026-11-26 06:00,4.8\n2026-11-26 06:30,hot\n", encoding="utf-8")
    chosen = iter([str(broken), str(good), str(good), ""])
    clock.advance(hours=2, minutes=5)  # 10:05: the logger is read after the morning; LOT-A came at 08:00
    monkeypatch.setattr(stock_page.QFileDialog, "getOpenFileName", lambda *a, **k: (next(chosen), ""))
    panel.go_to(2)

    before = events(store)
    key(qtbot, panel, Qt.Key.Key_F4)
    assert panel.banner.kind == "error"
    assert panel.banner.text() == render("cold_csv_invalid", "zh", line=3, reason="temperature 'hot'")
    assert events(store) == before and coldchain.readings(store) == []

    key(qtbot, panel, Qt.Key.Key_F4)
    assert panel.banner.kind == "error"  # an excursion in the file: said in red
    assert panel.banner.text().startswith(
        "医用冷藏箱1：从 logger.csv 读取 4 条温度记录，新增 4 条，超出 2-8 °C 的 1 条"
    )
    assert "LOT-A" in panel.banner.text()
    assert [r["celsius"] for r in coldchain.readings(store, "fridge1")] == [4.8, 5.0, 8.6, 5.1]
    assert [r[2] for r in cells(panel.readings_table)] == ["5.1 °C", "8.6 °C：超出 2-8 °C", "5 °C", "4.8 °C"]
    assert all(r[3] == "记录仪" for r in cells(panel.readings_table))
    assert stock.lot(store, "LOT-A")["status"] == "hold"

    key(qtbot, panel, Qt.Key.Key_F4)  # the same export again: nothing new
    assert "新增 0 条" in panel.banner.text() and len(coldchain.readings(store)) == 4
    text = panel.banner.text()
    key(qtbot, panel, Qt.Key.Key_F4)  # the dialog cancelled: nothing happens
    assert panel.banner.text() == text


# --- the end-of-day count ----------------------------------------------------------------------------


def test_the_count_with_a_difference_needs_a_reason(panel, qtbot, store, clock):
    visit = bookings.add_booking(store, new_person(), DAY, "08:00-08:30", staff_id="admin1")
    drive(store, clock, visit, "injected")  # expected: 49 doses, 49 vials in the fridge
    panel.hub.refresh()
    key(qtbot, panel, Qt.Key.Key_F9)
    entry = panel.count_rows["LOT-A"]
    assert entry["vials"].hasFocus()
    assert [entry[k].text() for k in ("expected_vials", "open_vials", "expected_doses")] == ["49", "0", "49"]
    gun(qtbot, entry["vials"], "48")
    assert entry["doses"].hasFocus()
    qtbot.keyClicks(entry["doses"], "48")
    assert entry["diff"].text() == "-1"
    qtbot.keyClick(entry["doses"], Qt.Key.Key_Return)
    assert entry["reason"].hasFocus()
    qtbot.keyClick(entry["reason"], Qt.Key.Key_Return)  # Enter on the last field records: no reason
    assert panel.banner.text() == render("count_reason_missing", "zh", lot="LOT-A", expected=49, counted=48)
    assert stock.counts_of_day(store, DAY) == [] and entry["reason"].hasFocus()

    gun(qtbot, entry["reason"], "一支掉落破损，未登记")
    assert panel.banner.kind == "warn", panel.banner.text()
    assert panel.banner.text() == "已记录 1 个批号的盘点；有差异：LOT-A -1 剂"
    (count,) = stock.counts_of_day(store, DAY)
    assert (count["expected_doses"], count["counted_vials"], count["counted_doses"], count["difference"]) == (
        49,
        48,
        48,
        -1,
    )
    assert count["reason"] == "一支掉落破损，未登记" and count["staff_id"] == "admin1"
    assert cells(panel.counts_table)[0][1:7] == ["LOT-A", "49", "48", "48", "-1", "一支掉落破损，未登记"]
    assert entry["doses"].text() == ""

    key(qtbot, panel, Qt.Key.Key_F5)  # nothing typed
    assert panel.banner.text() == "请至少为一个批号填写实点瓶数和剂数"


def test_what_is_typed_in_the_count_survives_another_desk_injecting(panel, qtbot, store, clock):
    panel.go_to(3)
    entry = panel.count_rows["LOT-A"]
    qtbot.keyClicks(entry["vials"], "50")
    qtbot.keyClicks(entry["doses"], "50")
    assert entry["diff"].text() == "+0"
    drive(
        store,
        clock,
        bookings.add_booking(store, new_person(), DAY, "08:00-08:30", staff_id="admin1"),
        "injected",
    )
    panel.hub.refresh()
    entry = panel.count_rows["LOT-A"]
    assert (entry["vials"].text(), entry["doses"].text(), entry["expected_doses"].text()) == (
        "50",
        "50",
        "49",
    )
    assert entry["diff"].text() == "+1"


# --- who may ------------------------------------------------------------------------------------------


def test_staff_without_receive_stock_see_the_tab_read_only_and_are_refused(make_hub, qtbot, store):
    from ui.pages.stock import StockPanel
    from ui.widgets import Banner

    hub = make_hub("vac1", ("inject",))
    banner = Banner()
    panel = StockPanel(hub, banner)
    qtbot.addWidget(panel)
    panel.refresh()
    panel.show()
    assert panel.readonly_note.isVisible()
    assert not panel.scan.isEnabled() and not panel.receive_button.isEnabled()
    assert not panel.count_button.isEnabled() and not panel.use_button.isEnabled()
    assert panel.celsius.isEnabled()  # whoever keeps the fridge types its temperature
    assert cells(panel.stock_table)[0][1] == "LOT-A"  # the figures are there to read

    before = events(store)
    panel.receive()  # even if reached: the domain refuses, translated
    assert banner.text() == render("product_missing", "zh")
    panel.product.setCurrentIndex(panel.product.findData(BBIBP))
    panel.lot_no.setText("X9")
    panel.expiry.setText("2027-01-01")
    panel.vials.setValue(5)
    panel.receive()
    assert banner.text() == render("not_permitted", "zh", staff="vac1", action="receive_stock")
    assert "无权" in banner.text() and events(store) == before

    panel.celsius.setText("4.4")
    panel.record_reading()
    assert banner.kind == "ok" and coldchain.readings(store)[0]["staff_id"] == "vac1"
