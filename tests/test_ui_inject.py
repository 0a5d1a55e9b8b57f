"""The injection desk driven as a vaccinator would: F2 calls, Enter records, F3 recalls, F4 absent."""

from __future__ import annotations

from datetime import timedelta

import pytest

from station import bookings, flow, inject, stock
from station.messages import catalogue, render
from tests.conftest import DAY, new_person
from tests.domainkit import do_call, do_inject, do_screen, do_sign_in, state
from ui.qt import Qt

pytestmark = pytest.mark.usefixtures("fast_pins")

BBIBP = "sinopharm_bbibp"


def _screened(store, name: str) -> str:
    visit_id = bookings.add_booking(store, new_person(name=name), DAY, None, staff_id="admin1")
    do_sign_in(store, visit_id)
    do_screen(store, visit_id)
    return visit_id


@pytest.fixture
def first(store) -> str:
    return _screened(store, "张三")


@pytest.fixture
def second(store, first) -> str:
    return _screened(store, "李四")


def _page(make_hub, qtbot, staff_id: str = "vac1"):
    from ui.pages.inject import InjectPage

    page = InjectPage(make_hub(staff_id, ("inject",)))
    qtbot.addWidget(page)
    page.resize(1280, 700)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # the F-keys are window shortcuts
    page.call_button.setFocus()
    return page


@pytest.fixture
def page(make_hub, qtbot, first, second):
    return _page(make_hub, qtbot)


def doses(store) -> list[dict]:
    return store.all("SELECT * FROM doses WHERE source = 'here' ORDER BY at")


def left(store, lot_no: str = "LOT-A") -> int:
    return stock.lot(store, lot_no)["doses_left"]


def zh(code: str, **facts) -> str:
    """The refusal as the message catalogue words it in Chinese."""
    assert code in catalogue()
    return render(code, "zh", **facts)


def test_call_next_follows_queue_order(page, qtbot, store, first):
    assert page.waiting.count() == 2 and not page.inject_button.isEnabled()
    qtbot.keyClick(page, Qt.Key.Key_F2)
    assert page.queue_no.text() == "A001"
    assert page.card.name.text() == "张三"
    assert page.vaccine.text() == "新冠病毒灭活疫苗（Vero细胞）北京生物"
    assert page.dose.text() == "第一剂次"
    assert page.lot.currentData() == "LOT-A"
    visit = bookings.visit(store, first)
    assert visit["called_desk"] == "1"
    assert page.inject_button.hasFocus() and not page.call_button.isEnabled()
    assert page.waiting.count() == 1  # the one called is not in the waiting list


def test_enter_records_the_injection_with_the_desk_and_uses_a_dose(page, qtbot, store, first):
    before = left(store)
    qtbot.keyClick(page, Qt.Key.Key_F2)
    qtbot.keyClick(page.inject_button, Qt.Key.Key_Return)
    assert state(store, first) == flow.INJECTED
    [dose] = doses(store)
    assert (dose["visit_id"], dose["lot_no"], dose["desk"], dose["vaccinator"]) == (
        first,
        "LOT-A",
        "1",
        "vac1",
    )
    assert (dose["product"], dose["dose_number"]) == (BBIBP, 1)
    assert left(store) == before - 1
    assert page.banner.kind == "ok" and "第一剂次" in page.banner.text()
    assert page.called is None and page.queue_no.text() == ""
    assert page.call_button.hasFocus()
    qtbot.keyClick(page, Qt.Key.Key_Return)  # a second Enter records nothing
    assert len(doses(store)) == 1


def test_enter_with_the_lot_combo_focused_also_records(page, qtbot, store, first):
    qtbot.keyClick(page, Qt.Key.Key_F2)
    page.lot.setFocus()
    qtbot.keyClick(page.lot, Qt.Key.Key_Return)
    assert state(store, first) == flow.INJECTED


def test_f5_records_too_and_desk_comes_from_settings(make_hub, qtbot, store, first):
    from ui.pages.inject import InjectPage

    hub = make_hub("vac1", ("inject",))
    hub.settings.desk = "4"
    page = InjectPage(hub)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # the F-keys are window shortcuts
    qtbot.keyClick(page, Qt.Key.Key_F2)
    assert bookings.visit(store, first)["called_desk"] == "4"
    qtbot.keyClick(page, Qt.Key.Key_F5)
    assert doses(store)[0]["desk"] == "4"


def test_recall_calls_the_same_person_again(page, qtbot, store, first):
    qtbot.keyClick(page, Qt.Key.Key_F2)
    qtbot.keyClick(page, Qt.Key.Key_F3)
    calls = store.all("SELECT * FROM events WHERE type = 'Called' AND visit_id = ?", [first])
    assert len(calls) == 2
    assert page.banner.kind == "info" and "A001" in page.banner.text()
    assert page.called["visit_id"] == first and page.queue_no.text() == "A001"


def test_absent_goes_to_the_back_and_next_call_gets_the_next(page, qtbot, store, first, second):
    qtbot.keyClick(page, Qt.Key.Key_F2)
    qtbot.keyClick(page, Qt.Key.Key_F4)
    assert bookings.visit(store, first)["missed"]
    assert page.called is None and page.call_button.isEnabled() and page.call_button.hasFocus()
    assert [v["visit_id"] for v in inject.queue(store, DAY)] == [second, first]
    qtbot.keyClick(page, Qt.Key.Key_F2)
    assert page.called["visit_id"] == second and page.queue_no.text() == "A002"


def test_no_skipping_call_next_keeps_the_called_person(page, qtbot, store, first):
    qtbot.keyClick(page, Qt.Key.Key_F2)
    qtbot.keyClick(page, Qt.Key.Key_F2)
    assert page.called["visit_id"] == first
    assert store.scalar("SELECT count(*) FROM events WHERE type = 'Called'") == 1
    assert page.waiting.selectionMode() == page.waiting.SelectionMode.NoSelection
    assert page.waiting.focusPolicy() == Qt.FocusPolicy.NoFocus


def test_out_of_stock_is_refused_and_nothing_recorded(page, qtbot, store, first):
    qtbot.keyClick(page, Qt.Key.Key_F2)
    assert page.lot.currentData() == "LOT-A"
    # meanwhile the last doses of the lot were used up or wasted (another laptop)
    stock.waste(store, staff_id="admin1", lot_no="LOT-A", doses=left(store), reason="broken")
    qtbot.keyClick(page, Qt.Key.Key_Return)
    assert page.banner.kind == "error" and page.banner.text() == zh("out_of_stock", lot="LOT-A")
    assert doses(store) == [] and state(store, first) == flow.SCREENED
    qtbot.waitUntil(lambda: page.lot.count() == 0, timeout=2000)  # the empty lot leaves the list
    assert page.banner.kind == "error"
    qtbot.keyClick(page, Qt.Key.Key_Return)
    assert doses(store) == []


def test_scanned_expired_lot_is_refused_and_unselects_the_lot(page, qtbot, store, first):
    stock.receive(
        store, staff_id="admin1", lot_no="LOT-OLD", product=BBIBP, expiry=DAY - timedelta(days=1), vials=5
    )
    qtbot.keyClick(page, Qt.Key.Key_F2)
    qtbot.keyClick(page, Qt.Key.Key_F6)
    assert page.lot_scan.hasFocus()
    qtbot.keyClicks(page.lot_scan, "lot-old")
    qtbot.keyClick(page.lot_scan, Qt.Key.Key_Return)
    expired = (DAY - timedelta(days=1)).isoformat()
    assert page.banner.text() == zh("lot_expired", lot="LOT-OLD", expiry=expired)
    assert page.lot.findData("LOT-OLD") < 0 and page.lot.currentIndex() == -1
    qtbot.keyClick(page, Qt.Key.Key_F5)
    assert doses(store) == [] and state(store, first) == flow.SCREENED
    assert page.banner.kind == "error"


def test_scanned_lot_number_selects_the_lot(page, qtbot, store, first):
    stock.receive(
        store, staff_id="admin1", lot_no="LOT-B", product=BBIBP, expiry=DAY + timedelta(days=200), vials=5
    )
    qtbot.keyClick(page, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: page.lot.count() == 2, timeout=2000)
    assert page.lot.currentData() == "LOT-A"  # first expiry first
    page.lot_scan.setFocus()
    qtbot.keyClicks(page.lot_scan, "lot-b")
    qtbot.keyClick(page.lot_scan, Qt.Key.Key_Return)
    assert page.lot.currentData() == "LOT-B"
    assert doses(store) == []  # the Enter of the scanner does not inject
    assert page.inject_button.hasFocus()
    qtbot.keyClick(page.inject_button, Qt.Key.Key_Return)
    assert doses(store)[0]["lot_no"] == "LOT-B"


def test_traceability_code_containing_the_lot_number_selects_it(page, qtbot, store):
    stock.receive(
        store, staff_id="admin1", lot_no="202611B07", product=BBIBP, expiry=DAY + timedelta(days=200), vials=5
    )
    qtbot.keyClick(page, Qt.Key.Key_F2)
    page.lot_scan.setFocus()
    qtbot.keyClicks(page.lot_scan, "(01)06901234567892(17)270331(10)202611B07")
    qtbot.keyClick(page.lot_scan, Qt.Key.Key_Return)
    assert page.lot.currentData() == "202611B07"


def test_unknown_lot_is_refused(page, qtbot, store, first):
    qtbot.keyClick(page, Qt.Key.Key_F2)
    page.lot_scan.setFocus()
    qtbot.keyClicks(page.lot_scan, "NOPE-123")
    qtbot.keyClick(page.lot_scan, Qt.Key.Key_Return)
    assert page.banner.kind == "error" and page.banner.text() == zh("lot_unknown", lot="NOPE-123")
    assert page.lot.currentIndex() == -1
    qtbot.keyClick(page.inject_button, Qt.Key.Key_Return)
    assert doses(store) == []


def test_second_dose_shows_dose_two(make_hub, qtbot, store, clock):
    visit = bookings.add_booking(store, new_person(name="王五"), DAY, None, staff_id="admin1")
    do_sign_in(store, visit)
    do_screen(store, visit)
    do_inject(store, visit, desk="2")
    # 21 days later the same person comes back for the second dose
    clock.advance(days=21)
    person_id = bookings.visit(store, visit)["person_id"]
    person = store.one("SELECT * FROM people WHERE person_id = ?", [person_id])
    later = DAY + timedelta(days=21)
    again = bookings.add_booking(store, person, later, None, staff_id="admin1")
    do_sign_in(store, again)
    do_screen(store, again)
    page = _page(make_hub, qtbot)
    qtbot.keyClick(page, Qt.Key.Key_F2)
    assert page.called["visit_id"] == again
    assert page.dose.text() == "第二剂次"


def test_desk_shows_its_called_person_after_a_restart(make_hub, qtbot, store, first):
    do_call(store, first)  # desk "1" called them, then the program was restarted
    page = _page(make_hub, qtbot)
    assert page.called["visit_id"] == first and page.queue_no.text() == "A001"
    assert page.inject_button.isEnabled() and not page.call_button.isEnabled()


def test_nobody_waiting(make_hub, qtbot, store):
    page = _page(make_hub, qtbot)
    qtbot.keyClick(page, Qt.Key.Key_F2)
    assert page.called is None and page.banner.kind == "info"
    assert store.scalar("SELECT count(*) FROM events WHERE type = 'Called'") == 0


def test_page_is_disabled_for_staff_without_permission(make_hub, qtbot, first):
    page = _page(make_hub, qtbot, "pre1")
    assert not page.isEnabled()
    page.call_next()
    assert page.called is None


def test_page_grabs_a_screenshot(page, qtbot, tmp_path):
    qtbot.keyClick(page, Qt.Key.Key_F2)
    path = tmp_path / "inject.png"
    assert page.grab().save(str(path))
    assert path.stat().st_size > 0


def test_pre_screen_note_is_shown_to_the_vaccinator(make_hub, qtbot, store):
    from tests.domainkit import answers

    visit = bookings.add_booking(store, new_person(name="赵六"), DAY, None, staff_id="admin1")
    do_sign_in(store, visit)
    do_screen(store, visit, answers=answers("allergy_history"))
    page = _page(make_hub, qtbot)
    qtbot.keyClick(page, Qt.Key.Key_F2)
    assert page.notes.isVisible()
    assert "有过敏史" in page.notes.text()


def test_scanned_lot_of_another_vaccine_is_refused_with_product_names(page, qtbot, store, first):
    stock.receive(
        store,
        staff_id="admin1",
        lot_no="CV-1",
        product="sinovac_coronavac",
        expiry=DAY + timedelta(days=90),
        vials=5,
    )
    qtbot.keyClick(page, Qt.Key.Key_F2)
    page.lot_scan.setFocus()
    qtbot.keyClicks(page.lot_scan, "CV-1")
    qtbot.keyClick(page.lot_scan, Qt.Key.Key_Return)
    assert page.banner.text() == zh(
        "lot_wrong_product",
        lot="CV-1",
        lot_product="新冠病毒灭活疫苗（Vero细胞）科兴",
        product="新冠病毒灭活疫苗（Vero细胞）北京生物",
    )
    assert page.lot.currentIndex() == -1


def test_called_person_recorded_elsewhere_leaves_the_desk(page, qtbot, store, first):
    qtbot.keyClick(page, Qt.Key.Key_F2)
    do_inject(store, first, desk="1")  # the same desk number on a second laptop (a mistake, but real)
    qtbot.waitUntil(lambda: page.called is None, timeout=2000)
    assert page.banner.kind == "warn" and page.call_button.isEnabled()
