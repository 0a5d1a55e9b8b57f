"""The sign-in desk driven as a person would: scan (type + Enter), read the card, confirm."""

from __future__ import annotations

import pytest

from station import bookings, signin
from tests.conftest import DAY, new_person, proven
from ui.qt import Qt

pytestmark = pytest.mark.usefixtures("fast_pins")


@pytest.fixture
def page(make_hub, qtbot):
    from ui.pages.signin import SignInPage

    hub = make_hub("sign1", ("signin",))
    page = SignInPage(hub)
    qtbot.addWidget(page)
    page.show()
    return page


def scan(qtbot, page, text: str) -> None:
    """A USB scanner gun types the code fast and ends with Enter."""
    page.code.clear()
    qtbot.keyClicks(page.code, text)
    qtbot.keyClick(page.code, "\r")


def test_scan_booked_person_then_enter_gives_queue_number(page, qtbot, store, booked):
    person = store.one(
        "SELECT p.* FROM people p JOIN visits v USING (person_id) WHERE visit_id = ?", [booked]
    )
    scan(qtbot, page, person["id_number"])
    assert page.card.name.text() == person["name"]
    assert person["id_number"] not in page.card.details.text()  # masked on screen
    assert page.sign_in_button.isEnabled() and page.sign_in_button.hasFocus()
    qtbot.keyClick(page.sign_in_button, " ")
    visit = bookings.visit(store, booked)
    assert visit["state"] == "signed_in"
    assert page.queue_no.text() == signin.queue_label(visit) == "A001"
    assert "A001" in page.banner.text()
    assert page.banner.kind == "ok"
    assert page.code.text() == "" and page.code.hasFocus()


def test_second_sign_in_is_refused_with_the_translated_reason(page, qtbot, store, booked):
    signin.sign_in(store, booked, staff_id="sign1")
    person = store.one(
        "SELECT p.* FROM people p JOIN visits v USING (person_id) WHERE visit_id = ?", [booked]
    )
    scan(qtbot, page, person["id_number"])
    assert page.banner.kind == "error"
    assert "已签到" in page.banner.text()
    assert not page.sign_in_button.isEnabled()


def test_bad_checksum_is_refused_and_nothing_recorded(page, qtbot, store, booked):
    person = store.one(
        "SELECT p.* FROM people p JOIN visits v USING (person_id) WHERE visit_id = ?", [booked]
    )
    wrong = person["id_number"][:-1] + ("0" if person["id_number"][-1] != "0" else "1")
    events = store.scalar("SELECT count(*) FROM events")
    scan(qtbot, page, wrong)
    assert page.banner.kind == "error" and "校验" in page.banner.text()
    assert store.scalar("SELECT count(*) FROM events") == events


def test_walk_in_registration_books_and_signs_in(page, qtbot, store):
    person = new_person(name="李四")
    scan(qtbot, page, person["id_number"])
    assert page.walk_in_box.isVisible() and page.banner.kind == "warn"
    assert page.w_id.text() == person["id_number"]
    page.w_name.insert("李四")  # Chinese arrives through the input method, committed as text
    qtbot.keyClicks(page.w_phone, "13912345678")
    qtbot.mouseClick(page.walk_in_button, Qt.MouseButton.LeftButton)
    found = signin.find(store, person["id_number"], DAY)
    assert found.visit["state"] == "signed_in" and found.visit["source"] == "walk_in"
    assert page.queue_no.text() == signin.queue_label(found.visit) == "A001"


def test_walk_in_with_bad_phone_is_refused(page, qtbot, store):
    person = new_person(name="王五")
    scan(qtbot, page, person["id_number"])
    page.w_name.insert("王五")
    qtbot.keyClicks(page.w_phone, "12345")
    page.walk_in_button.click()
    assert page.banner.kind == "error"
    assert signin.find(store, person["id_number"], DAY) is None


def test_page_is_disabled_for_staff_without_permission(make_hub, qtbot):
    from ui.pages.signin import SignInPage

    page = SignInPage(make_hub("vac1", ("signin",)))
    qtbot.addWidget(page)
    page.refresh()
    assert not page.isEnabled()


def test_the_desks_letter_comes_from_its_settings(make_hub, qtbot, store, booked):
    """A second sign-in laptop set to B hands out B001, B002..., booked or walk-in."""
    from ui.pages.signin import SignInPage

    hub = make_hub("sign1", ("signin",))
    hub.settings.queue_prefix = "B"
    page = SignInPage(hub)
    qtbot.addWidget(page)
    page.show()
    other = bookings.add_booking(store, new_person(), DAY, None, staff_id="admin1")
    signin.sign_in(store, other, staff_id="sign1")  # desk A's first, on the same day
    person = store.one(
        "SELECT p.* FROM people p JOIN visits v USING (person_id) WHERE visit_id = ?", [booked]
    )
    scan(qtbot, page, person["id_number"])
    qtbot.keyClick(page.sign_in_button, " ")
    visit = bookings.visit(store, booked)
    assert (visit["queue_prefix"], visit["queue_no"]) == ("B", 1)
    assert page.queue_no.text() == "B001" and "B001" in page.banner.text()
    walker = new_person(name="李四")
    scan(qtbot, page, walker["id_number"])
    page.w_name.insert("李四")
    qtbot.keyClicks(page.w_phone, "13912345678")
    qtbot.mouseClick(page.walk_in_button, Qt.MouseButton.LeftButton)
    assert page.queue_no.text() == "B002"
    # scanned again: the refusal names the number as given
    scan(qtbot, page, person["id_number"])
    assert page.banner.kind == "error" and "B001" in page.banner.text()


# --- issue #11: the desk's result, the scanner's line, the health-code rule, age, walk-in Enter ------

from datetime import date, time, timedelta  # noqa: E402

from station import demo  # noqa: E402
from station.scan import decode_image  # noqa: E402
from station.scan.payloads import booking_text, exit_text  # noqa: E402
from tests.test_ui_camera import GREEN_URL, qr_frame  # noqa: E402

YELLOW_URL = "https://jkm.example.gov.cn/hc/v2/scan?token=Y5nB8vCx2QwE7rTz4UiO9pLk&src=app"


def person_of(store, visit_id: str) -> dict:
    return store.one(
        "SELECT p.* FROM people p JOIN visits v USING (person_id) WHERE visit_id = ?", [visit_id]
    )


def camera_scan(page, text: str, color: str = "black") -> None:
    """A code the camera read, as its thread hands it to the page."""
    result = decode_image(qr_frame(text, color), registry=page.registry)
    assert result.text == text
    page.on_camera_scan(result)


def signed_in_payload(store, visit_id: str) -> dict:
    import json

    row = store.one("SELECT payload FROM events WHERE type = 'SignedIn' AND visit_id = ?", [visit_id])
    return json.loads(row["payload"])


def test_camera_codes_do_not_overwrite_the_desks_result(page, qtbot, store, booked):
    """ "Signed in, number A001" stays until the next person; the camera's say has its own line."""
    person = person_of(store, booked)
    scan(qtbot, page, person["id_number"])
    qtbot.keyClick(page.sign_in_button, Qt.Key.Key_Return)
    result = page.banner.text()
    assert "A001" in result and page.banner.kind == "ok"
    page.camera_button.setChecked(True)  # the camera on (no device here: the codes are handed in)
    camera_scan(page, GREEN_URL, "green")
    assert "绿码" in page.scan_line.text()
    camera_scan(page, YELLOW_URL, "yellow")
    assert page.scan_line.kind == "error" and "黄码" in page.scan_line.text()
    camera_scan(page, exit_text(booked))
    assert "留观" in page.scan_line.text()
    camera_scan(page, "hello")
    assert "不是本接种点能识别的码" in page.scan_line.text()
    # the person just signed in holds the booking QR up again: the result stays
    camera_scan(page, booking_text("B1", person["name"], person["id_number"], DAY, "08:00-08:30"))
    assert "A001" in page.scan_line.text()
    assert page.banner.text() == result and page.banner.kind == "ok" and page.queue_no.text() == "A001"
    # turning the camera off clears what only the camera said
    camera_scan(page, YELLOW_URL, "yellow")
    page.camera_button.setChecked(False)
    assert page.scan_line.text() == "" and page.banner.text() == result


def test_a_scanner_gun_message_has_its_own_line_too(page, qtbot, store, booked):
    person = person_of(store, booked)
    scan(qtbot, page, person["id_number"])
    qtbot.keyClick(page.sign_in_button, Qt.Key.Key_Return)
    result = page.banner.text()
    page.code.clear()
    page.code.insert(GREEN_URL)  # a gun reads the health code's text, not its colour
    qtbot.keyClick(page.code, Qt.Key.Key_Return)
    assert "颜色" in page.scan_line.text() and page.banner.text() == result
    page.camera_button.setChecked(True)
    page.camera_button.setChecked(False)  # not the camera's: it stays
    assert "颜色" in page.scan_line.text()
    # the next person replaces the result and the old scanner line
    other = bookings.add_booking(store, new_person(name="孙八"), DAY, None, staff_id="admin1")
    scan(qtbot, page, person_of(store, other)["id_number"])
    assert page.card.name.text() == "孙八" and page.scan_line.text() == ""


def test_the_demo_camera_shows_a_booking_of_the_demo_day(make_hub, qtbot, store, clock):
    """The bundled booking QR carried a fixed date: refused as "not today" on every demo day."""
    from ui.pages.signin import SignInPage

    day = DAY + timedelta(days=3)  # any day but the bundled picture's own
    clock.advance(days=3)
    demo.load(store, day, bookings_total=40, until=time(8, 0), by=proven(store))  # this site has its staff
    hub = make_hub("sign1", ("signin",))
    page = SignInPage(hub, camera="demo")
    page.camera.beep = False
    qtbot.addWidget(page)
    page.show()
    try:
        qtbot.waitUntil(lambda: page.card.name.text() != "" or page.banner.kind == "error", timeout=8000)
        assert page.banner.kind != "error", page.banner.text()
        assert page.sign_in_button.isEnabled()
        found = signin.find(store, page.found.person["id_number"], day)
        assert found.visit["state"] == "booked" and found.visit["booking_no"].startswith("YY")
        qtbot.keyClick(page.sign_in_button, Qt.Key.Key_Return)
        assert bookings.visit(store, found.visit["visit_id"])["state"] == "signed_in"
    finally:
        page.camera.stop()


# --- the health-code rule ---------------------------------------------------------------------------


@pytest.fixture
def strict_page(make_hub, qtbot):
    from ui.pages.signin import SignInPage

    hub = make_hub("sign1", ("signin",))
    hub.settings.health_code_rule = "green_required"
    page = SignInPage(hub)
    page.camera.beep = False
    qtbot.addWidget(page)
    page.show()
    return page


def test_green_required_a_typed_id_needs_a_reason(strict_page, qtbot, store, booked):
    page = strict_page
    person = person_of(store, booked)
    scan(qtbot, page, person["id_number"])
    assert page.card.name.text() == person["name"] and page.health_box.isVisible()
    assert "健康码" in page.banner.text()
    events = store.scalar("SELECT count(*) FROM events")
    qtbot.keyClick(page.sign_in_button, Qt.Key.Key_Return)  # neither a green code nor a reason
    assert page.banner.kind == "error" and "绿码" in page.banner.text()
    assert store.scalar("SELECT count(*) FROM events") == events
    assert page.no_code_reason.hasFocus()
    page.no_code_reason.setCurrentIndex(page.no_code_reason.findData("no_smartphone"))
    qtbot.keyClick(page.no_code_reason, Qt.Key.Key_Return)  # Enter in the reason box signs in
    assert bookings.visit(store, booked)["state"] == "signed_in"
    payload = signed_in_payload(store, booked)
    assert (payload["health_code"], payload["health_code_reason"]) == ("not_seen", "no_smartphone")
    assert "A001" in page.banner.text() and "智能手机" in page.banner.text()  # the reason, as recorded
    assert page.code.hasFocus() and not page.health_box.isVisible()
    assert page.no_code_reason.currentText() == ""


def test_green_required_a_typed_reason_is_recorded(strict_page, qtbot, store, booked):
    page = strict_page
    scan(qtbot, page, person_of(store, booked)["id_number"])
    page.no_code_reason.setFocus()
    qtbot.keyClicks(page.no_code_reason.lineEdit(), "paper proof")
    qtbot.keyClick(page.no_code_reason.lineEdit(), Qt.Key.Key_Return)
    assert signed_in_payload(store, booked)["health_code_reason"] == "paper proof"


def test_green_required_a_green_code_on_the_camera_signs_in(strict_page, qtbot, store, booked):
    page = strict_page
    camera_scan(page, GREEN_URL, "green")
    scan(qtbot, page, person_of(store, booked)["id_number"])
    assert not page.health_box.isVisible()
    qtbot.keyClick(page.sign_in_button, Qt.Key.Key_Return)
    assert signed_in_payload(store, booked)["health_code"] == "green"
    # the green code was that person's: the next one needs their own
    other = bookings.add_booking(store, new_person(name="孙八"), DAY, None, staff_id="admin1")
    scan(qtbot, page, person_of(store, other)["id_number"])
    assert page.health_box.isVisible()


def test_green_required_for_a_walk_in(strict_page, qtbot, store):
    page = strict_page
    person = new_person(name="李四")
    scan(qtbot, page, person["id_number"])
    assert page.walk_in_box.isVisible() and page.health_box.isVisible()
    page.w_name.insert("李四")
    qtbot.keyClicks(page.w_phone, "13912345678")
    qtbot.keyClick(page.w_phone, Qt.Key.Key_Return)
    assert page.banner.kind == "error" and signin.find(store, person["id_number"], DAY) is None
    page.no_code_reason.setCurrentIndex(page.no_code_reason.findData("app_unavailable"))
    qtbot.keyClick(page.w_phone, Qt.Key.Key_Return)
    found = signin.find(store, person["id_number"], DAY)
    assert found.visit["state"] == "signed_in"
    assert signin.health_check(store, found.visit["visit_id"])["reason"] == "app_unavailable"


def test_not_checked_needs_no_reason(page, qtbot, store, booked):
    assert page.hub.settings.health_code_rule == "not_checked"
    scan(qtbot, page, person_of(store, booked)["id_number"])
    assert not page.health_box.isVisible()
    qtbot.keyClick(page.sign_in_button, Qt.Key.Key_Return)
    assert bookings.visit(store, booked)["state"] == "signed_in"


# --- age --------------------------------------------------------------------------------------------


def test_a_booked_two_year_old_is_warned_before_enter(page, qtbot, store):
    child = bookings.add_booking(
        store, new_person(name="小宝", birth=date(2024, 9, 1)), DAY, None, staff_id="admin1"
    )
    scan(qtbot, page, person_of(store, child)["id_number"])
    assert page.card.name.text() == "小宝"
    assert page.banner.kind == "warn" and "2 周岁" in page.banner.text() and "3" in page.banner.text()


def test_a_two_year_old_walk_in_is_warned_at_once(page, qtbot, store):
    child = new_person(name="小宝", birth=date(2024, 9, 1))
    scan(qtbot, page, child["id_number"])
    assert page.walk_in_box.isVisible()
    assert page.banner.kind == "warn" and "2 周岁" in page.banner.text()
    adult = new_person(name="大人")
    page.w_id.setText(adult["id_number"])  # the number corrected in the form: the warning goes
    assert "周岁" not in page.banner.text()


# --- the walk-in form -------------------------------------------------------------------------------


def test_enter_in_the_walk_in_form_registers_and_signs_in(page, qtbot, store):
    person = new_person(name="李四")
    scan(qtbot, page, person["id_number"])
    page.w_name.insert("李四")
    qtbot.keyClicks(page.w_phone, "13912345678")
    qtbot.keyClick(page.w_phone, Qt.Key.Key_Return)
    found = signin.find(store, person["id_number"], DAY)
    assert found is not None and found.visit["state"] == "signed_in"
    assert page.queue_no.text() == "A001" and not page.walk_in_box.isVisible()
    assert page.code.hasFocus()  # ready for the next scan


def test_enter_on_the_document_type_submits_too(page, qtbot, store):
    person = new_person(name="王五")
    scan(qtbot, page, person["id_number"])
    page.w_name.insert("王五")
    page.w_doc_type.setFocus()
    qtbot.keyClick(page.w_doc_type, Qt.Key.Key_Return)
    assert signin.find(store, person["id_number"], DAY).visit["state"] == "signed_in"
    assert page.code.hasFocus()


def test_the_camera_reading_a_walk_ins_booking_qr_again_keeps_the_form(page, qtbot, store):
    person = new_person(name="欧阳娜娜")
    qr = booking_text("B20261126-0007", "欧阳娜娜", person["id_number"], DAY, "08:00-08:30")
    camera_scan(page, qr)  # not in this station's list: walk-in registration, name and ID filled
    assert page.walk_in_box.isVisible() and page.w_name.text() == "欧阳娜娜"
    qtbot.keyClicks(page.w_phone, "139")
    camera_scan(page, qr)  # the phone held up again while the desk types
    assert page.w_phone.text() == "139" and page.walk_in_box.isVisible()
