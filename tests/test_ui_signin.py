"""The sign-in desk driven as a person would: scan (type + Enter), read the card, confirm."""

from __future__ import annotations

import pytest

from station import bookings, signin
from tests.conftest import DAY, new_person
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
