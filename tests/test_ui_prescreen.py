"""The pre-screen desk driven as a doctor would: take the next person, measure, ask, pass or turn away."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from station import bookings, flow, signin
from station import staff as staffmod
from tests.conftest import DAY, PIN, new_person, proven
from tests.domainkit import RULES, YESNO, do_sign_in, state
from ui.qt import QDate, Qt

pytestmark = pytest.mark.usefixtures("fast_pins")


def _signed_in(store, name: str = "张三", **kw) -> str:
    visit_id = bookings.add_booking(store, new_person(name=name, **kw), DAY, "08:00-08:30", staff_id="admin1")
    do_sign_in(store, visit_id)
    return visit_id


@pytest.fixture
def first(store) -> str:
    return _signed_in(store, "张三")


@pytest.fixture
def second(store, first) -> str:
    return _signed_in(store, "李四")


@pytest.fixture
def page(make_hub, qtbot, first, second):
    from ui.pages.prescreen import PreScreenPage

    page = PreScreenPage(make_hub("pre1", ("prescreen",)))
    qtbot.addWidget(page)
    page.resize(1280, 700)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # the F-keys are window shortcuts
    page.queue.setFocus()
    return page


def events(store) -> int:
    return store.scalar("SELECT count(*) FROM events")


def screening(store, visit_id):
    return store.one("SELECT * FROM screenings WHERE visit_id = ?", [visit_id])


def take_next(qtbot, page) -> None:
    qtbot.keyClick(page, Qt.Key.Key_F2)


def type_temperature(qtbot, page, text: str) -> None:
    page.temperature.selectAll()
    qtbot.keyClicks(page.temperature, text)
    qtbot.keyClick(page.temperature, Qt.Key.Key_Return)


def answer_all(qtbot, page, yes: tuple[str, ...] = ()) -> None:
    """Y / N on each question in turn: the focus moves down by itself."""
    for row in page.rows:
        focused = page.focusWidget()
        assert focused in (row.yes, row.no), (row.question.id, focused)
        qtbot.keyClick(focused, "y" if row.question.id in yes else "n")


def test_queue_lists_the_signed_in_in_queue_order_with_masked_ids(page, store, first, second):
    assert page.queue.rowCount() == 2
    assert [page.queue.item(r, 0).text() for r in range(2)] == ["A001", "A002"]
    assert [page.queue.item(r, 1).text() for r in range(2)] == ["张三", "李四"]
    number = store.one(
        "SELECT p.id_number FROM people p JOIN visits v USING (person_id) WHERE visit_id = ?", [first]
    )
    assert page.queue.item(0, 2).text() != number["id_number"]
    assert "********" in page.queue.item(0, 2).text()


def test_two_sign_in_desks_queue_in_sign_in_order(page, store, clock, first, second):
    """B001 signed in after A002 waits behind A002, not beside A001 (ordered by sign-in time)."""
    third = bookings.add_booking(store, new_person(name="王五"), DAY, None, staff_id="admin1")
    clock.advance(minutes=2)
    signin.sign_in(store, third, staff_id="sign1", prefix="B")
    fourth = bookings.add_booking(store, new_person(name="赵六"), DAY, None, staff_id="admin1")
    clock.advance(minutes=1)
    signin.sign_in(store, fourth, staff_id="sign1", prefix="A")
    page.refresh()
    assert [page.queue.item(r, 0).text() for r in range(4)] == ["A001", "A002", "B001", "A003"]
    assert [v["visit_id"] for v in page.waiting] == [first, second, third, fourth]


def test_pass_with_all_no_and_normal_temperature(page, qtbot, store, first):
    take_next(qtbot, page)
    assert page.card.name.text() == "张三"
    assert page.temperature.hasFocus()
    type_temperature(qtbot, page, "36.5")
    assert page.temperature.reading() == 36.5
    assert page.rows[0].yes.hasFocus()  # Enter in the temperature goes to the first question
    answer_all(qtbot, page)
    assert page.pass_button.hasFocus()
    assert all(row.answer() is False for row in page.rows)
    qtbot.keyClick(page, Qt.Key.Key_F5)

    assert state(store, first) == flow.SCREENED
    row = screening(store, first)
    assert row["outcome"] == "pass" and row["temperature"] == 36.5 and row["staff_id"] == "pre1"
    assert json.loads(row["answers"]) == {q: False for q in YESNO}
    assert page.banner.kind == "ok" and "张三" in page.banner.text()
    # the form is reset, the queue refreshed, the focus back on the queue
    assert page.current is None and page.temperature.reading() is None
    assert all(row.answer() is None for row in page.rows)
    assert page.queue.rowCount() == 1 and page.queue.item(0, 1).text() == "李四"
    assert page.find.hasFocus()  # where the next ID card is scanned; Enter alone takes the next


def test_fever_turns_away_with_the_reason_shown(page, qtbot, store, first):
    take_next(qtbot, page)
    type_temperature(qtbot, page, "37.5")
    answer_all(qtbot, page)
    qtbot.keyClick(page, Qt.Key.Key_F5)
    assert state(store, first) == flow.TURNED_AWAY
    assert bookings.visit(store, first)["reason"] == "fever"
    assert page.banner.kind == "warn"
    assert RULES.reasons["fever"].label_zh in page.banner.text()


def test_yes_to_a_refuse_question_turns_away(page, qtbot, store, first):
    refuse = next(q for q in RULES.questions if q.kind == "yesno" and q.answer_outcome == "refuse")
    take_next(qtbot, page)
    type_temperature(qtbot, page, "36.6")
    answer_all(qtbot, page, yes=(refuse.id,))
    row = next(r for r in page.rows if r.question.id == refuse.id)
    assert row.yes.isChecked() and not row.no.isChecked()
    qtbot.keyClick(page, Qt.Key.Key_F5)
    assert state(store, first) == flow.TURNED_AWAY
    assert json.loads(screening(store, first)["reasons"]) == [refuse.reason]
    assert RULES.reasons[refuse.reason].label_zh in page.banner.text()


def test_unanswered_question_is_refused_and_named_nothing_recorded(page, qtbot, store, first):
    take_next(qtbot, page)
    type_temperature(qtbot, page, "36.5")
    for row in page.rows[:3]:
        qtbot.mouseClick(row.no, Qt.MouseButton.LeftButton)
    before = events(store)
    qtbot.mouseClick(page.pass_button, Qt.MouseButton.LeftButton)
    assert events(store) == before and state(store, first) == flow.SIGNED_IN
    assert page.banner.kind == "error"
    fourth = page.rows[3]
    assert fourth.question.text_zh in page.banner.text()
    assert fourth.yes.hasFocus()  # straight to the question to answer
    assert page.current is not None and page.rows[0].answer() is False  # nothing lost


def test_temperature_not_measured_is_refused(page, qtbot, store, first):
    take_next(qtbot, page)
    for row in page.rows:
        row.no.click()
    before = events(store)
    qtbot.keyClick(page, Qt.Key.Key_F5)
    assert events(store) == before
    assert page.banner.kind == "error" and "未测体温" in page.banner.text()
    assert page.temperature.hasFocus()


def test_implausible_temperature_shows_the_domain_message(page, qtbot, store, first):
    take_next(qtbot, page)
    type_temperature(qtbot, page, "34.2")
    assert "请重新测量" in page.banner.text() and page.temperature.hasFocus()
    for row in page.rows:
        row.no.click()
    before = events(store)
    qtbot.keyClick(page, Qt.Key.Key_F5)
    assert events(store) == before
    assert "请重新测量" in page.banner.text()


@pytest.mark.parametrize("typed", ["999", "4", "36.55"])
def test_a_reading_out_of_range_is_refused_with_the_range_and_kept_as_typed(page, qtbot, store, first, typed):
    """999 used to show as "9 °C" and then become "not measured" without a word."""
    take_next(qtbot, page)
    type_temperature(qtbot, page, typed)
    assert page.temperature.text() == typed  # nothing cut off or changed
    assert page.temperature.property("invalid") is True  # marked
    assert page.temperature.hasFocus()  # to type it again
    assert page.banner.kind == "error"
    assert "35" in page.banner.text() and "42.5" in page.banner.text()  # the valid range
    for row in page.rows:
        row.no.click()
    before = events(store)
    qtbot.keyClick(page, Qt.Key.Key_F5)
    assert events(store) == before and state(store, first) == flow.SIGNED_IN
    assert "未测体温" not in page.banner.text() and "42.5" in page.banner.text()
    assert page.temperature.text() == typed and page.temperature.hasFocus()
    # typed again: the mark goes, and the reading counts
    page.temperature.selectAll()
    qtbot.keyClicks(page.temperature, "36.5")
    assert page.temperature.property("invalid") is False
    qtbot.keyClick(page, Qt.Key.Key_F5)
    assert state(store, first) == flow.SCREENED and screening(store, first)["temperature"] == 36.5


def test_y_and_n_typed_in_the_temperature_box_answer_the_questions(page, qtbot, store, first):
    """The doctor types 365 and goes straight on with N, N, N... without Enter: nothing is lost."""
    take_next(qtbot, page)
    assert page.temperature.hasFocus()
    qtbot.keyClicks(page.temperature, "36.5")
    qtbot.keyClick(page.temperature, "n")
    assert page.temperature.text() == "36.5"  # the letter is not typed into the reading
    assert page.rows[0].answer() is False
    assert page.focusWidget() in (page.rows[1].yes, page.rows[1].no)
    answer_all_from_the_second(qtbot, page)
    qtbot.keyClick(page, Qt.Key.Key_F5)
    assert state(store, first) == flow.SCREENED and screening(store, first)["temperature"] == 36.5


def answer_all_from_the_second(qtbot, page) -> None:
    for _row in page.rows[1:]:
        qtbot.keyClick(page.focusWidget(), "n")
    assert all(row.answer() is False for row in page.rows)


def test_y_with_a_bad_reading_answers_and_keeps_the_focus_on_the_reading(page, qtbot, first):
    take_next(qtbot, page)
    qtbot.keyClicks(page.temperature, "999")
    qtbot.keyClick(page.temperature, "y")
    assert page.rows[0].answer() is True  # the answer is not lost
    assert page.temperature.text() == "999" and page.temperature.property("invalid") is True
    assert page.temperature.hasFocus() and "42.5" in page.banner.text()


@pytest.mark.parametrize("where", ["queue", "product", "find_after_take", "pass_button"])
def test_answer_keys_work_wherever_the_focus_is(page, qtbot, first, where):
    take_next(qtbot, page)
    page.rows[0].no.click()
    widget = {
        "queue": page.queue,
        "product": page.product,
        "find_after_take": page.next_button,
        "pass_button": page.pass_button,
    }[where]
    widget.setFocus()
    qtbot.keyClick(widget, "y")
    assert page.rows[1].answer() is True  # the first question not yet answered
    assert page.focusWidget() in (page.rows[2].yes, page.rows[2].no)


def test_typing_digits_and_the_point_still_works(page, qtbot, first):
    take_next(qtbot, page)
    qtbot.keyClicks(page.temperature, "37.3")
    assert page.temperature.text() == "37.3" and page.temperature.reading() == 37.3
    assert all(row.answer() is None for row in page.rows)


def test_answer_keys_do_nothing_before_a_person_is_taken(page, qtbot, first):
    qtbot.keyClick(page.queue, "y")
    assert all(row.answer() is None for row in page.rows) and page.current is None


def test_letters_in_the_cancel_reason_are_typed_not_answers(page, qtbot, first):
    take_next(qtbot, page)
    qtbot.keyClick(page, Qt.Key.Key_F8)
    qtbot.keyClicks(page.cancel_reason, "yn")
    assert page.cancel_reason.text() == "yn" and all(row.answer() is None for row in page.rows)


def test_declared_dose_ten_days_ago_is_too_early_and_defers(page, qtbot, store, first):
    take_next(qtbot, page)
    assert "本次接种" in page.due.text()
    ten_days = DAY - timedelta(days=10)
    page.decl_product.setCurrentIndex(page.decl_product.findData("sinopharm_bbibp"))
    page.decl_number.setValue(1)
    page.decl_date.setDate(QDate(ten_days.year, ten_days.month, ten_days.day))
    qtbot.mouseClick(page.decl_add, Qt.MouseButton.LeftButton)
    earliest = (ten_days + timedelta(days=21)).isoformat()
    assert "暂缓接种" in page.due.text() and earliest in page.due.text()
    assert page.due.property("due") == "warn"
    assert ten_days.isoformat() in " ".join(
        page.history_grid.itemAt(i).widget().text()
        for i in range(page.history_grid.count())
        if hasattr(page.history_grid.itemAt(i).widget(), "text")
    )
    type_temperature(qtbot, page, "36.5")
    answer_all(qtbot, page)
    qtbot.keyClick(page, Qt.Key.Key_F5)
    assert state(store, first) == flow.TURNED_AWAY
    row = screening(store, first)
    assert row["outcome"] == "defer" and json.loads(row["reasons"]) == ["too_early_for_dose"]
    declared = store.all("SELECT * FROM doses WHERE visit_id = ?", [first])
    assert [(d["source"], d["dose_number"], d["day"]) for d in declared] == [
        ("declared", 1, ten_days.isoformat())
    ]
    assert RULES.reasons["too_early_for_dose"].label_zh in page.banner.text()


def test_turn_away_with_a_picked_reason(page, qtbot, store, first):
    take_next(qtbot, page)
    type_temperature(qtbot, page, "36.5")
    answer_all(qtbot, page)
    before = events(store)
    qtbot.keyClick(page, Qt.Key.Key_F6)  # no reason picked yet: refused
    assert events(store) == before and page.banner.kind == "error"
    assert page.reason.hasFocus()
    page.reason.setCurrentIndex(page.reason.findData("declined_by_person"))
    qtbot.keyClick(page, Qt.Key.Key_F6)
    assert state(store, first) == flow.TURNED_AWAY
    assert bookings.visit(store, first)["reason"] == "declined_by_person"
    assert RULES.reasons["declined_by_person"].label_zh in page.banner.text()


def test_cancel_booking_asks_for_a_reason(page, qtbot, store, first):
    take_next(qtbot, page)
    assert page.cancel_button.isVisible()
    qtbot.keyClick(page, Qt.Key.Key_F8)
    assert page.cancel_box.isVisible() and page.cancel_reason.hasFocus()
    before = events(store)
    qtbot.keyClick(page.cancel_reason, Qt.Key.Key_Return)  # no reason: refused
    assert events(store) == before and page.banner.kind == "error"
    page.cancel_reason.insert("本人要求改期")
    qtbot.keyClick(page.cancel_reason, Qt.Key.Key_Return)
    visit = bookings.visit(store, first)
    assert visit["state"] == flow.CANCELLED and visit["reason"] == "本人要求改期"
    assert page.banner.kind == "ok" and not page.cancel_box.isVisible()
    assert page.queue.rowCount() == 1


def test_escape_keeps_the_booking(page, qtbot, store, first):
    take_next(qtbot, page)
    page.cancel_button.click()
    assert page.cancel_box.isVisible()
    qtbot.keyClick(page.cancel_reason, Qt.Key.Key_Escape)
    assert not page.cancel_box.isVisible()
    assert state(store, first) == flow.SIGNED_IN


def test_cancel_button_only_for_staff_who_may_cancel(make_hub, qtbot, store, first):
    from ui.pages.prescreen import PreScreenPage

    staffmod.add(store, "doc2", "Dr Two", ["prescreen", "observer"], PIN, by=proven(store))
    hub = make_hub("doc2", ("prescreen",))
    assert hub.may("cancel_booking")
    page = PreScreenPage(hub)
    qtbot.addWidget(page)
    assert page.isEnabled() and not page.cancel_button.isHidden()

    other = make_hub("vac1", ("prescreen",))
    assert not other.may("cancel_booking")
    page2 = PreScreenPage(other)
    qtbot.addWidget(page2)
    assert page2.cancel_button.isHidden()
    assert not page2.isEnabled()  # a vaccinator cannot screen either


def test_enter_on_the_queue_takes_the_selected_person(page, qtbot, store, second):
    page.queue.selectRow(1)
    qtbot.keyClick(page.queue, Qt.Key.Key_Return)
    assert page.current["visit_id"] == second and page.card.name.text() == "李四"


def test_find_by_id_number(page, qtbot, store, second):
    number = store.scalar(
        "SELECT p.id_number FROM people p JOIN visits v USING (person_id) WHERE visit_id = ?", [second]
    )
    qtbot.keyClick(page, Qt.Key.Key_F3)
    assert page.find.hasFocus()
    qtbot.keyClicks(page.find, number)
    qtbot.keyClick(page.find, Qt.Key.Key_Return)
    assert page.current["visit_id"] == second


def test_find_someone_not_signed_in_says_why(page, qtbot, store):
    person = new_person(name="王五")
    bookings.add_booking(store, person, DAY, None, staff_id="admin1")
    qtbot.keyClicks(page.find, person["id_number"])
    qtbot.keyClick(page.find, Qt.Key.Key_Return)
    assert page.current is None
    assert page.banner.kind == "error" and "尚未签到" in page.banner.text()


def test_y_and_n_keys_answer_and_advance(page, qtbot):
    take_next(qtbot, page)
    first_row, second_row = page.rows[0], page.rows[1]
    first_row.yes.setFocus()
    qtbot.keyClick(first_row.yes, "y")
    assert first_row.answer() is True and second_row.yes.hasFocus()
    first_row.no.setFocus()
    qtbot.keyClick(first_row.no, "n")  # change of mind
    assert first_row.answer() is False


def test_passed_elsewhere_clears_the_form(page, qtbot, store, first):
    from tests.domainkit import do_screen

    take_next(qtbot, page)
    do_screen(store, first)  # the other pre-screen desk was quicker
    qtbot.waitUntil(lambda: page.current is None, timeout=2000)
    assert page.banner.kind == "warn"


def test_page_grabs_a_screenshot(page, qtbot, tmp_path):
    take_next(qtbot, page)
    type_temperature(qtbot, page, "36.5")
    path = tmp_path / "prescreen.png"
    assert page.grab().save(str(path))
    assert path.stat().st_size > 0


def test_a_second_f2_keeps_the_answers(page, qtbot, first):
    take_next(qtbot, page)
    type_temperature(qtbot, page, "36.5")
    page.rows[0].no.click()
    take_next(qtbot, page)
    assert page.current["visit_id"] == first
    assert page.temperature.reading() == 36.5 and page.rows[0].answer() is False


def test_another_staff_logging_in_starts_the_form_again(page, qtbot, store):
    take_next(qtbot, page)
    type_temperature(qtbot, page, "36.5")
    staffmod.add(store, "pre2", "Dr Two", ["prescreen"], PIN, by=proven(store))
    page.hub.lock()
    assert not page.isEnabled()
    page.hub.login("pre2", PIN)
    assert page.isEnabled() and page.current is None and page.temperature.reading() is None


@pytest.mark.parametrize(("typed", "reading"), [("36.5", 36.5), ("373", 37.3), ("365", 36.5), ("37", 37.0)])
def test_temperature_typed_with_or_without_the_point(page, qtbot, typed, reading):
    take_next(qtbot, page)
    type_temperature(qtbot, page, typed)
    assert page.temperature.reading() == reading  # "373" is a fever, never 37.0


def test_three_digits_typed_fever_turns_away(page, qtbot, store, first):
    take_next(qtbot, page)
    type_temperature(qtbot, page, "373")
    answer_all(qtbot, page)
    qtbot.keyClick(page, Qt.Key.Key_F5)
    assert screening(store, first)["temperature"] == 37.3
    assert state(store, first) == flow.TURNED_AWAY


def test_a_declared_dose_can_be_removed_before_saving(page, qtbot, store, first):
    take_next(qtbot, page)
    ten_days = DAY - timedelta(days=10)
    page.decl_date.setDate(QDate(ten_days.year, ten_days.month, ten_days.day))
    page.decl_add.click()
    assert len(page.declared) == 1 and "暂缓接种" in page.due.text()
    remove = next(
        page.history_grid.itemAt(i).widget()
        for i in range(page.history_grid.count())
        if getattr(page.history_grid.itemAt(i).widget(), "text", lambda: "")() == page.tr("Remove")
    )
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert page.declared == [] and "本次接种" in page.due.text()
    type_temperature(qtbot, page, "36.5")
    answer_all(qtbot, page)
    qtbot.keyClick(page, Qt.Key.Key_F5)
    assert state(store, first) == flow.SCREENED
    assert store.all("SELECT * FROM doses WHERE visit_id = ?", [first]) == []


def test_after_each_outcome_the_focus_is_where_the_next_id_is_scanned(page, qtbot, store, first, second):
    take_next(qtbot, page)
    page.reason.setCurrentIndex(page.reason.findData("declined_by_person"))
    page.turn_away_button.click()
    assert state(store, first) == flow.TURNED_AWAY and page.find.hasFocus()
    # a scanner gun's ID number goes to the search box and takes that person
    number = store.scalar(
        "SELECT p.id_number FROM people p JOIN visits v USING (person_id) WHERE visit_id = ?", [second]
    )
    qtbot.keyClicks(page.focusWidget(), number)
    qtbot.keyClick(page.focusWidget(), Qt.Key.Key_Return)
    assert page.current["visit_id"] == second
    page.cancel_button.click()
    page.cancel_reason.insert("改期")
    qtbot.keyClick(page.cancel_reason, Qt.Key.Key_Return)
    assert state(store, second) == flow.CANCELLED and page.find.hasFocus()


def test_enter_in_the_empty_search_box_takes_the_next_person(page, qtbot, first):
    page.find.setFocus()
    qtbot.keyClick(page.find, Qt.Key.Key_Return)
    assert page.current["visit_id"] == first and page.temperature.hasFocus()
