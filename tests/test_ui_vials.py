"""Vials at the injection desk, driven as a vaccinator would: open a vial by scanning its code or by
picking a lot (F7), inject from it, see its doses go down, discard it (F8) with a reason; and the
header's low-stock warning."""

from __future__ import annotations

from datetime import timedelta

import pytest

from station import bookings, coldchain, flow, packcodes, prescreen, signin, stock
from station import staff as staffmod
from station.errors import DomainError
from station.messages import render
from station.store import Store
from tests.conftest import DAY, PIN, new_person
from tests.domainkit import answers, do_screen, do_sign_in, state
from ui.qt import Qt

pytestmark = pytest.mark.usefixtures("fast_pins")

BBIBP = "sinopharm_bbibp"
CORONAVAC = "sinovac_coronavac"
BBIBP_GTIN = "06903561000011"  # stock.toml's demo codes
CORONAVAC_GTIN = "06903561000028"
MULTI = "M2"
MISREAD = "(01)06903561000012(17)270101(10)ZZZ9"  # the GTIN's check digit is wrong: a misread  # a lot of BBIBP in 2-dose vials (open_vial_hours = 1 in stock.toml)


def _receive(store, lot_no, *, vials=3, per_vial=2, product=BBIBP, days=90, staff_id="admin1"):
    return stock.receive(
        store, staff_id=staff_id, lot_no=lot_no, product=product, expiry=DAY + timedelta(days=days),
        vials=vials, doses_per_vial=per_vial,
    )  # fmt: skip


def _screened(store, name: str = "张三") -> str:
    visit_id = bookings.add_booking(store, new_person(name=name), DAY, None, staff_id="admin1")
    do_sign_in(store, visit_id)
    do_screen(store, visit_id)
    return visit_id


def _gs1(lot_no: str, gtin: str = BBIBP_GTIN, serial: str = "V0001", days: int = 90) -> str:
    """What a scanner gun types for a vial's DataMatrix (FNC1 as <GS>, as docs/stock.md accepts)."""
    return packcodes.gs1_text(gtin, lot_no, DAY + timedelta(days=days), serial).replace(packcodes.GS, "<GS>")


def _page(make_hub, qtbot, *, desk: str = "1", on: Store | None = None, staff_id: str = "vac1"):
    from ui.pages.inject import InjectPage

    hub = make_hub(staff_id, ("inject",), on=on)
    hub.settings.desk = desk
    page = InjectPage(hub)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitExposed(page)
    _focus(qtbot, page)
    return page


def _focus(qtbot, page) -> None:
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # the F-keys are window shortcuts
    page.call_button.setFocus()


def _scan(qtbot, page, code: str) -> None:
    qtbot.keyClick(page, Qt.Key.Key_F6)
    assert page.lot_scan.hasFocus()
    qtbot.keyClicks(page.lot_scan, code)
    qtbot.keyClick(page.lot_scan, Qt.Key.Key_Return)


def _dose_count(store) -> int:
    return store.scalar("SELECT count(*) FROM doses WHERE source = 'here'")


def zh(code: str, **facts) -> str:
    return render(code, "zh", **facts)


# --- a fresh site to the first dose from a multi-dose vial -------------------------------------------


def test_fresh_site_first_dose_from_a_scanned_multi_dose_vial(station_qapp, tmp_path, clock, qtbot):
    """No demo: a new station file, its first admin and staff, a lot received by its carton code,
    a booking signed in and screened, then the injection desk opens the vial by scanning it."""
    from station.settings import Settings
    from ui.hub import StationHub
    from ui.pages.inject import InjectPage

    fresh = Store.open(tmp_path / "fresh" / "station.sqlite3", origin="site-1", now=clock)
    hub = None
    try:
        staffmod.add(fresh, "boss", "站长", ["admin"], PIN, by=None)
        boss = staffmod.login(fresh, "boss", PIN)
        for staff_id, roles in (("qd", ["signin"]), ("yj", ["prescreen"]), ("jz", ["vaccinator"])):
            staffmod.add(fresh, staff_id, f"员工 {staff_id}", roles, PIN, by=boss)
        lot = stock.receive(
            fresh, staff_id="boss", code=_gs1("2611F01", serial="CARTON1"), vials=5, doses_per_vial=2,
            delivery_note="PS-001",
        )  # fmt: skip
        assert (lot["lot_no"], lot["product"], lot["doses_left"]) == ("2611F01", BBIBP, 10)
        visit = bookings.add_booking(fresh, new_person(name="钱七"), DAY, "08:00-08:30", staff_id="boss")
        signin.sign_in(fresh, visit, staff_id="qd", desk="S1")
        prescreen.screen(fresh, visit, staff_id="yj", answers=answers(), temperature=36.5)

        hub = StationHub(fresh, Settings(site_name="新接种点", station_id="site-1", desk="3"), poll_ms=50)
        hub.login("jz", PIN)
        page = InjectPage(hub)
        qtbot.addWidget(page)
        page.resize(1366, 700)
        page.show()
        qtbot.waitExposed(page)
        _focus(qtbot, page)
        assert page.vial_left.text() == "未开瓶" and page.vial_box.property("state") == "none"
        assert "请先开瓶" in page.vial_state.text()

        qtbot.keyClick(page, Qt.Key.Key_F2)
        assert page.queue_no.text() == "A001" and page.lot.currentData() == "2611F01"
        qtbot.keyClick(page, Qt.Key.Key_Return)  # no vial open: refused, nothing recorded
        assert page.banner.text() == zh("no_open_vial", desk="3", lot="2611F01")
        assert _dose_count(fresh) == 0 and page.lot_scan.hasFocus()

        qtbot.keyClicks(page.lot_scan, _gs1("2611F01", serial="VIAL0007"))
        qtbot.keyClick(page.lot_scan, Qt.Key.Key_Return)
        [vial] = stock.desk_vials(fresh, "3")
        assert vial["scanned_code"] and vial["lot_no"] == "2611F01"
        assert page.banner.kind == "ok" and vial["vial_id"] in page.banner.text()
        assert page.vial_left.text() == "剩 2 剂（共 2 剂）"
        assert page.vial_lot.text() == "北京生物 · 批号 2611F01"
        assert page.vial_id.text() == f"瓶号 {vial['vial_id']}"
        assert page.vial_time.text() == "08:00 开瓶 · 09:00 前用完"
        assert page.inject_button.hasFocus() and _dose_count(fresh) == 0  # the scan's Enter never injects

        qtbot.keyClick(page.inject_button, Qt.Key.Key_Return)
        assert state(fresh, visit) == flow.INJECTED, page.banner.text()
        dose = fresh.one("SELECT * FROM doses WHERE visit_id = ?", [visit])
        assert (dose["vial_id"], dose["desk"], dose["vaccinator"]) == (vial["vial_id"], "3", "jz")
        assert page.vial_left.text() == "剩 1 剂（共 2 剂）"
        assert "此瓶剩 1 剂" in page.banner.text()
    finally:
        if hub is not None:
            hub.close()
        fresh.close()


# --- opening ---------------------------------------------------------------------------------------


def test_open_by_picking_a_lot_first_expiry_first(make_hub, qtbot, store):
    _receive(store, "LATER", days=200)
    _receive(store, MULTI, days=30)
    page = _page(make_hub, qtbot)
    page.product = BBIBP
    page.fill_lots()
    assert page.lot.currentData() == MULTI  # first expiry first (LOT-A expires in 90 days)
    qtbot.keyClick(page, Qt.Key.Key_F7)
    [vial] = stock.desk_vials(store, "1")
    assert vial["lot_no"] == MULTI and vial["scanned_code"] is None
    assert page.vial_left.text() == "剩 2 剂（共 2 剂）"
    # another lot picked while this vial is open: refused, the vial stays
    page.lot.setCurrentIndex(page.lot.findData("LATER"))
    page.lot.activated.emit(page.lot.currentIndex())
    qtbot.keyClick(page, Qt.Key.Key_F7)
    assert page.banner.text() == zh("vial_still_open", vial=vial["vial_id"], lot=MULTI, left=2)
    assert [v["vial_id"] for v in stock.desk_vials(store, "1")] == [vial["vial_id"]]
    assert page.lot.currentData() == MULTI  # the next dose comes from the open vial: its lot shown


def test_a_vial_is_used_up_and_the_next_injection_waits_for_a_new_one(make_hub, qtbot, store):
    _receive(store, MULTI, days=30)
    people = [_screened(store, name) for name in ("甲", "乙", "丙")]
    page = _page(make_hub, qtbot)
    qtbot.keyClick(page, Qt.Key.Key_F2)
    qtbot.keyClick(page, Qt.Key.Key_F7)
    vial_id = stock.desk_vials(store, "1")[0]["vial_id"]
    assert page.vial_left.text() == "剩 2 剂（共 2 剂）"

    qtbot.keyClick(page.inject_button, Qt.Key.Key_Return)
    assert state(store, people[0]) == flow.INJECTED
    assert page.vial_left.text() == "剩 1 剂（共 2 剂）"
    qtbot.keyClick(page, Qt.Key.Key_F2)
    qtbot.keyClick(page.inject_button, Qt.Key.Key_Return)
    assert state(store, people[1]) == flow.INJECTED
    assert stock.vial(store, vial_id)["doses_left"] == 0
    assert "此瓶已用完：下一位接种前请开启新瓶" in page.banner.text()
    assert page.vial_left.text() == "未开瓶" and page.vial_box.property("state") == "none"

    qtbot.keyClick(page, Qt.Key.Key_F2)
    qtbot.keyClick(page.inject_button, Qt.Key.Key_Return)
    assert page.banner.kind == "error" and page.banner.text() == zh("no_open_vial", desk="1", lot=MULTI)
    assert state(store, people[2]) == flow.SCREENED and page.lot_scan.hasFocus()
    qtbot.keyClick(page, Qt.Key.Key_F7)
    [second] = stock.desk_vials(store, "1")
    assert second["vial_id"] != vial_id
    qtbot.keyClick(page.inject_button, Qt.Key.Key_Return)
    assert state(store, people[2]) == flow.INJECTED
    assert store.scalar("SELECT vial_id FROM doses WHERE visit_id = ?", [people[2]]) == second["vial_id"]


def test_a_vial_past_its_time_is_shown_red_refused_and_discarded_as_wasted(make_hub, qtbot, store, clock):
    _receive(store, MULTI, days=30)
    first, late = _screened(store, "甲"), _screened(store, "乙")
    page = _page(make_hub, qtbot)
    qtbot.keyClick(page, Qt.Key.Key_F2)
    qtbot.keyClick(page, Qt.Key.Key_F7)
    vial = stock.desk_vials(store, "1")[0]
    qtbot.keyClick(page.inject_button, Qt.Key.Key_Return)
    assert state(store, first) == flow.INJECTED

    clock.advance(hours=1, minutes=1)  # no record is written: the page looks again by itself
    page._vial_timer.setInterval(50)
    qtbot.waitUntil(lambda: page.vial_box.property("state") == "expired", timeout=2000)
    assert page.vial_state.isVisible() and "不得使用" in page.vial_state.text()
    assert page.vial_left.text() == "剩 1 剂（共 2 剂）"
    qtbot.keyClick(page, Qt.Key.Key_F2)
    qtbot.keyClick(page.inject_button, Qt.Key.Key_Return)
    assert page.banner.text() == zh("vial_expired", vial=vial["vial_id"], expires_at="09:00")
    assert state(store, late) == flow.SCREENED and page.discard_button.hasFocus()

    qtbot.keyClick(page, Qt.Key.Key_F8)
    dialog = page.discard_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.reason.currentData() == "expired_after_opening"  # the reason is plain: preselected
    assert "1 剂将记为报损" in " ".join(w.text() for w in dialog.findChildren(type(page.vial_left)))
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    gone = stock.vial(store, vial["vial_id"])
    assert (gone["discard_reason"], gone["doses_wasted"]) == ("expired_after_opening", 1)
    [row] = [r for r in stock.summary(store)["lots"] if r["lot_no"] == MULTI]
    assert (row["received"], row["used"], row["wasted"], row["left"]) == (6, 1, 1, 4)
    assert page.banner.kind == "warn" and "报损 1 剂" in page.banner.text()
    assert page.vial_left.text() == "未开瓶"

    qtbot.keyClick(page, Qt.Key.Key_F7)  # a new vial, then the late person is vaccinated
    qtbot.keyClick(page.inject_button, Qt.Key.Key_Return)
    assert state(store, late) == flow.INJECTED


def test_discarding_asks_for_a_reason_and_a_note_for_other_and_cancel_keeps_the_vial(make_hub, qtbot, store):
    _receive(store, MULTI, days=30)
    page = _page(make_hub, qtbot)
    page.product = BBIBP
    page.fill_lots()
    qtbot.keyClick(page, Qt.Key.Key_F7)
    vial_id = page.vial["vial_id"]

    qtbot.keyClick(page, Qt.Key.Key_F8)
    dialog = page.discard_dialog
    assert dialog.reason.currentData() == ""  # not expired: nothing chosen for the nurse
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and stock.vial(store, vial_id)["discarded_at"] is None

    qtbot.keyClick(page, Qt.Key.Key_F8)
    dialog = page.discard_dialog
    dialog.accept()
    assert dialog.isVisible() and dialog.banner.text() == "请选择废弃原因"
    dialog.reason.setCurrentIndex(dialog.reason.findData("other"))
    dialog.accept()
    assert dialog.isVisible() and dialog.banner.text() == "请写明发生了什么"
    assert stock.vial(store, vial_id)["discarded_at"] is None
    dialog.note.setText("瓶塞松动")  # typed by an input method: QTest types no Chinese
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    gone = stock.vial(store, vial_id)
    assert (gone["discard_reason"], gone["doses_wasted"]) == ("other", 2)
    note = store.scalar("SELECT json_extract(payload, '$.note') FROM events WHERE type = 'VialDiscarded'")
    assert note == "瓶塞松动"
    assert stock.summary(store)["total"]["wasted"] == 2


def test_a_single_dose_product_needs_no_opening(make_hub, qtbot, store):
    first = _screened(store)
    page = _page(make_hub, qtbot)
    assert page.vial_box.property("state") == "single"
    assert page.vial_left.text() == "单剂次瓶"
    assert page.vial_state.text() == "每次接种自动开启一瓶，无需先开瓶"
    assert not page.discard_button.isEnabled()
    qtbot.keyClick(page, Qt.Key.Key_F2)
    qtbot.keyClick(page.inject_button, Qt.Key.Key_Return)
    assert state(store, first) == flow.INJECTED
    dose = store.one("SELECT * FROM doses WHERE visit_id = ?", [first])
    assert dose["vial_id"] and stock.vial(store, dose["vial_id"])["doses_left"] == 0
    assert "此瓶" not in page.banner.text()  # nothing to say about a single-dose vial
    assert page.vial_box.property("state") == "single" and stock.desk_vials(store, "1") == []


def test_a_scanned_single_dose_vial_is_the_one_injected(make_hub, qtbot, store):
    first = _screened(store)
    page = _page(make_hub, qtbot)
    qtbot.keyClick(page, Qt.Key.Key_F2)
    _scan(qtbot, page, _gs1("LOT-A", serial="S1"))
    [vial] = stock.desk_vials(store, "1")
    assert page.vial_left.text() == "剩 1 剂（共 1 剂）"
    qtbot.keyClick(page.inject_button, Qt.Key.Key_Return)
    assert store.scalar("SELECT vial_id FROM doses WHERE visit_id = ?", [first]) == vial["vial_id"]


def test_a_scanner_gun_typing_onto_the_inject_button_opens_the_vial_and_never_injects(make_hub, qtbot, store):
    _receive(store, MULTI, days=30)
    first = _screened(store)
    page = _page(make_hub, qtbot)
    qtbot.keyClick(page, Qt.Key.Key_F2)
    assert page.inject_button.hasFocus()
    qtbot.keyClicks(page.inject_button, _gs1(MULTI, serial="GUN1"))  # nobody pressed F6 first
    qtbot.keyClick(page.focusWidget(), Qt.Key.Key_Return)
    assert page.banner.kind == "ok" and len(stock.desk_vials(store, "1")) == 1
    assert state(store, first) == flow.SCREENED and page.lot_scan.text() == ""
    assert page.inject_button.hasFocus()  # now Enter injects, from that vial
    qtbot.keyClick(page.inject_button, Qt.Key.Key_Return)
    assert state(store, first) == flow.INJECTED


# --- refusals --------------------------------------------------------------------------------------


def test_a_code_of_another_product_is_refused(make_hub, qtbot, store):
    _receive(store, "CV-1", product=CORONAVAC, per_vial=2)
    _screened(store)
    page = _page(make_hub, qtbot)
    qtbot.keyClick(page, Qt.Key.Key_F2)
    _scan(qtbot, page, _gs1("CV-1", gtin=CORONAVAC_GTIN))
    assert page.banner.kind == "error"
    assert page.banner.text() == zh(
        "code_wrong_product", product=BBIBP, code_product="新冠病毒灭活疫苗（Vero细胞）科兴"
    )
    assert "sinovac" not in page.banner.text()
    assert stock.desk_vials(store, "1") == [] and page.lot_scan.hasFocus()


@pytest.mark.parametrize("case", ["expired", "on_hold", "quarantined", "empty", "unknown_lot", "malformed"])
def test_a_scanned_vial_that_cannot_be_used_is_refused_with_why(make_hub, qtbot, store, clock, case):
    days = -1 if case == "expired" else 30
    _receive(store, "BAD1", days=days)
    if case in ("on_hold", "quarantined"):
        clock.advance(minutes=5)
        coldchain.record_reading(store, staff_id="admin1", celsius=11.5, fridge="fridge1")
        if case == "quarantined":
            coldchain.decide(
                store, staff_id="admin1", lot_no="BAD1", decision="quarantine", reason="超温4小时"
            )
    if case == "empty":
        stock.waste(store, staff_id="admin1", lot_no="BAD1", doses=6, reason="broken")
    lot = stock.lot(store, "BAD1")
    code = {
        "unknown_lot": _gs1("NOSUCH"),
        "malformed": MISREAD,
    }.get(case, _gs1("BAD1", days=days))
    expected = {
        "expired": zh("lot_expired", lot="BAD1", expiry=lot["expiry"]),
        "on_hold": zh("lot_on_hold", lot="BAD1", reason=lot["status_reason"] or "-"),
        "quarantined": zh("lot_quarantined", lot="BAD1", reason=lot["status_reason"] or "-"),
        "empty": zh("out_of_stock", lot="BAD1"),
        "unknown_lot": zh("lot_unknown", lot="NOSUCH"),
    }
    _screened(store)
    page = _page(make_hub, qtbot)
    qtbot.keyClick(page, Qt.Key.Key_F2)
    _scan(qtbot, page, code)
    assert page.banner.kind == "error"
    if case == "malformed":
        with pytest.raises(DomainError) as why:
            packcodes.parse(MISREAD)
        assert why.value.code == "gs1_check_digit"
        assert page.banner.text() == zh(why.value.code, **why.value.facts)
    else:
        assert page.banner.text() == expected[case]
    assert stock.desk_vials(store, "1") == []


def test_refused_opening_by_f7_is_shown_too(make_hub, qtbot, store):
    page = _page(make_hub, qtbot)
    page.lot.clear()  # nothing to pick
    qtbot.keyClick(page, Qt.Key.Key_F7)
    assert page.banner.text() == "请先选择要开瓶的批号"
    page_obs = _page(make_hub, qtbot, staff_id="obs1")  # observers open no vials
    assert not page_obs.open_button.isEnabled()
    page_obs.open_picked()
    assert stock.desk_vials(store, "1") == []


# --- two desks on one lot --------------------------------------------------------------------------


def test_two_desks_on_one_lot_each_open_and_use_their_own_vial(make_hub, qtbot, store, clock):
    _receive(store, MULTI, days=30)
    a, b = _screened(store, "甲"), _screened(store, "乙")
    other = Store.open(store.path, now=clock)  # the second desk: its own connection to the station file
    desk2 = None
    try:
        desk1 = _page(make_hub, qtbot, desk="1")
        desk2 = _page(make_hub, qtbot, desk="2", on=other)
        for page, code in ((desk1, "A"), (desk2, "B")):
            _focus(qtbot, page)
            qtbot.keyClick(page, Qt.Key.Key_F2)
            _scan(qtbot, page, _gs1(MULTI, serial=f"VIAL-{code}"))
            assert page.banner.kind == "ok", page.banner.text()
        [v1], [v2] = stock.desk_vials(store, "1"), stock.desk_vials(store, "2")
        assert v1["vial_id"] != v2["vial_id"] and v1["lot_no"] == v2["lot_no"] == MULTI
        assert (
            desk1.vial_id.text() == f"瓶号 {v1['vial_id']}"
            and desk2.vial_id.text() == f"瓶号 {v2['vial_id']}"
        )
        for page in (desk1, desk2):
            _focus(qtbot, page)
            qtbot.keyClick(page.inject_button, Qt.Key.Key_Return)
            assert page.banner.kind == "ok", page.banner.text()
        assert store.scalar("SELECT vial_id FROM doses WHERE visit_id = ?", [a]) == v1["vial_id"]
        assert store.scalar("SELECT vial_id FROM doses WHERE visit_id = ?", [b]) == v2["vial_id"]
        assert desk1.vial_left.text() == desk2.vial_left.text() == "剩 1 剂（共 2 剂）"
        assert stock.lot(store, MULTI)["vials_opened"] == 2
    finally:
        if desk2 is not None:
            desk2.hub.close()  # stop its poll before its connection closes
        other.close()


# --- the header's low-stock warning ----------------------------------------------------------------


def _header(make_hub, qtbot, staff_id="vac1"):
    from ui.header import Header

    hub = make_hub(staff_id, ("inject",))
    header = Header(hub)
    qtbot.addWidget(header)
    header.resize(1366, 100)
    header.show()
    qtbot.waitExposed(header)
    return hub, header


def test_the_header_warns_when_bookings_left_exceed_the_stock_and_stops_after_a_delivery(
    make_hub, qtbot, store
):
    stock.waste(store, staff_id="admin1", lot_no="LOT-A", doses=45, reason="broken")  # 5 doses left
    hub, header = _header(make_hub, qtbot)
    hub.settings.stock_margin_doses = 0
    hub.refresh()
    assert not header.stock_warning.isVisible()
    for i in range(6):
        bookings.add_booking(store, new_person(name=f"预约{i}"), DAY, None, staff_id="admin1")
    qtbot.waitUntil(header.stock_warning.isVisible, timeout=2000)  # another desk's writes: the poll
    assert header.stock_warning.text() == "库存不足：剩 5 剂，待接种 6 人"  # short, in the top row
    assert header.stock_warning.toolTip() == (
        "库存不足：剩余 5 剂，今日尚有 6 人待接种（需留余量 0 剂）：请补充疫苗"
    )
    stock.receive(
        store, staff_id="admin1", lot_no="LOT-B", product=BBIBP, expiry=DAY + timedelta(days=60), vials=10
    )
    qtbot.waitUntil(lambda: not header.stock_warning.isVisible(), timeout=2000)
    assert header.warning["doses_left"] == 15 and header.warning["bookings_left"] == 6
    hub.settings.stock_margin_doses = None  # the site's margin (stock.toml: 20)
    hub.refresh()
    assert header.stock_warning.isVisible() and "需留余量 20 剂" in header.stock_warning.toolTip()


def test_the_warning_is_in_the_window_on_every_page_and_in_english(make_hub, qtbot, store):
    from ui.mainwindow import MainWindow

    for i in range(40):  # 50 doses left, 40 bookings + the site's margin of 20
        bookings.add_booking(store, new_person(name=f"预约{i}"), DAY, None, staff_id="admin1")
    hub = make_hub("admin1", ("signin", "inject", "admin"), lang="en")
    window = MainWindow(hub, ask_login=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        assert window.header.stock_warning.isVisible()
    assert window.header.warning == {
        "day": DAY.isoformat(), "doses_left": 50, "bookings_left": 40, "margin": 20, "short": True
    }  # fmt: skip


def test_a_signed_in_person_still_counts_until_vaccinated(make_hub, qtbot, store, clock):
    stock.waste(store, staff_id="admin1", lot_no="LOT-A", doses=49, reason="broken")  # 1 dose left
    hub, header = _header(make_hub, qtbot)
    hub.settings.stock_margin_doses = 0
    visit = _screened(store)
    hub.refresh()
    assert not header.stock_warning.isVisible()  # 1 dose for 1 person
    _screened(store, "李四")
    hub.refresh()
    assert header.stock_warning.isVisible() and header.warning["bookings_left"] == 2
    assert state(store, visit) == flow.SCREENED
