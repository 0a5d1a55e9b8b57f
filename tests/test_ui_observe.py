"""The observation desk driven as a person would: seat from the waiting list, watch the countdown,
scan at the exit, release (on time, or early with a reason), record an adverse reaction."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from station import bookings, observe, signin, slips
from tests.conftest import DAY, new_person
from tests.domainkit import do_inject, do_screen, drive
from ui.qt import QInputDialog, Qt

pytestmark = pytest.mark.usefixtures("fast_pins")


@pytest.fixture
def hub(make_hub):
    return make_hub("obs1", ("observe",))


@pytest.fixture
def page(hub, qtbot):
    from ui.pages.observe import ObservePage

    page = ObservePage(hub)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.activateWindow()
    page.code.setFocus()
    return page


def book(store, n: int = 1) -> list[str]:
    return [
        bookings.add_booking(store, new_person(), DAY, "08:00-08:30", staff_id="admin1") for _ in range(n)
    ]


def injected(store, clock, n: int = 1) -> list[str]:
    visits = book(store, n)
    for v in visits:
        drive(store, clock, v, "injected")
        clock.advance(minutes=1)
    return visits


def seat(store, visit_id: str, **kw) -> dict:
    return observe.start_observation(store, visit_id, staff_id="obs1", **kw)


def obs(store, visit_id: str) -> dict:
    return store.one("SELECT * FROM observations WHERE visit_id = ?", [visit_id])


def state(store, visit_id: str) -> str:
    return bookings.visit(store, visit_id)["state"]


def queue_no(store, visit_id: str) -> str:
    """The visit's queue number as shown and called: "A003"."""
    return signin.queue_label(bookings.visit(store, visit_id))


def table_column(page, column: int) -> list[str]:
    return [page.table.item(i, column).text() for i in range(page.table.rowCount())]


def scan(qtbot, page, text: str) -> None:
    page.code.clear()
    qtbot.keyClicks(page.code, text)
    qtbot.keyClick(page.code, Qt.Key.Key_Return)


def press(qtbot, page, key) -> None:
    """An F-key pressed wherever the focus is on the page."""
    qtbot.keyClick(page.focusWidget() or page, key)


def tick(page) -> None:
    """The countdown timer fires."""
    page.timer.timeout.emit()


# --- seating ----------------------------------------------------------------------------------


def test_f2_seats_the_first_waiting_person_at_the_lowest_free_seat(page, qtbot, store, clock):
    first, second, third = injected(store, clock, 3)
    seat(store, first, seat=1)
    seat(store, injected(store, clock)[0], seat=3)  # someone already on seat 3
    page.refresh()
    assert page.waiting.count() == 2
    assert f"{queue_no(store, second)}" in page.waiting.item(0).text()  # injected first, listed first

    press(qtbot, page, Qt.Key.Key_F2)
    assert state(store, second) == "observing" and obs(store, second)["seat"] == 2
    assert page.seat_no.text() == "2"
    assert page.banner.kind == "ok"
    assert page.waiting.count() == 1 and state(store, third) == "injected"
    assert page.selected == second  # the person just seated is the one the buttons act on

    press(qtbot, page, Qt.Key.Key_F2)
    assert obs(store, third)["seat"] == 4 and page.seat_no.text() == "4"
    assert page.waiting.count() == 0 and not page.seat_button.isEnabled()
    assert sorted(table_column(page, page.C_SEAT)) == ["1", "2", "3", "4"]


def test_a_chosen_waiting_person_is_seated_before_the_first(page, qtbot, store, clock):
    first, second = injected(store, clock, 2)
    page.refresh()
    page.waiting.setCurrentRow(1)
    qtbot.mouseClick(page.seat_button, Qt.MouseButton.LeftButton)
    assert obs(store, second)["seat"] == 1 and state(store, first) == "injected"


def test_room_nearly_full_warns_and_full_room_observes_standing(page, qtbot, hub, store, clock):
    hub.settings.seats = 10
    visits = injected(store, clock, 11)
    for v in visits[:8]:
        seat(store, v, seats=10)
    page.refresh()
    assert page.room.kind == ""  # 8 of 10
    press(qtbot, page, Qt.Key.Key_F2)
    assert page.room.kind == "warn"  # 9 of 10
    press(qtbot, page, Qt.Key.Key_F2)
    assert obs(store, visits[9])["seat"] == 10
    assert page.room.kind == "error"  # full
    press(qtbot, page, Qt.Key.Key_F2)
    assert state(store, visits[10]) == "observing" and obs(store, visits[10])["seat"] is None
    assert page.seat_no.text() == page.tr("standing")


# --- the table --------------------------------------------------------------------------------


def test_table_is_sorted_by_time_left_and_counts_down(page, store, clock):
    early_queue, late_queue = injected(store, clock, 2)  # queue numbers 1 and 2
    seat(store, late_queue)  # observed first: leaves first, though its queue number is higher
    clock.advance(minutes=10)
    seat(store, early_queue)
    page.refresh()
    assert table_column(page, page.C_QUEUE) == [
        str(queue_no(store, late_queue)),
        str(queue_no(store, early_queue)),
    ]
    assert table_column(page, page.C_LEFT) == [page.tr("{n} min").format(n=n) for n in (20, 30)]
    names = table_column(page, page.C_NAME)
    assert all(name.startswith("张") and "*" in name for name in names)  # masked in the public area

    clock.advance(minutes=10)
    tick(page)
    assert table_column(page, page.C_LEFT) == [page.tr("{n} min").format(n=n) for n in (10, 20)]
    clock.advance(minutes=10)
    tick(page)
    assert table_column(page, page.C_LEFT) == [page.tr("may leave"), page.tr("{n} min").format(n=10)]
    assert page.table.item(0, page.C_NAME).background().color().name() == "#dafbe1"  # green: may leave
    assert page.table.item(1, page.C_NAME).background().color().name() != "#dafbe1"


def test_the_table_follows_changes_made_elsewhere(page, qtbot, store, clock):
    (v,) = injected(store, clock)
    page.refresh()
    assert page.table.rowCount() == 0 and page.waiting.count() == 1
    seat(store, v, seat=7)  # the injection desk seated them
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=2000)
    assert table_column(page, page.C_SEAT) == ["7"] and page.waiting.count() == 0


# --- exit scan and release --------------------------------------------------------------------


def test_release_is_refused_before_30_minutes_then_allowed(page, qtbot, store, clock):
    other, v = injected(store, clock, 2)
    seat(store, other)
    seat(store, v)
    page.refresh()
    scan(qtbot, page, str(queue_no(store, v)))
    assert page.selected == v
    assert page.table.currentRow() == 1

    clock.advance(minutes=12)
    press(qtbot, page, Qt.Key.Key_F5)
    assert state(store, v) == "observing"
    assert page.banner.kind == "error"
    assert "18" in page.banner.text() and "分钟" in page.banner.text()  # the domain's message, translated

    clock.advance(minutes=18)
    tick(page)
    scan(qtbot, page, v)  # the visit id typed: chosen, not released (the exit scan is below)
    assert page.banner.kind == "ok" and state(store, v) == "observing"
    press(qtbot, page, Qt.Key.Key_F5)
    assert state(store, v) == "released"
    row = obs(store, v)
    assert row["released_by"] == "obs1" and row["override_reason"] is None
    assert page.banner.kind == "ok" and page.table.rowCount() == 1 and page.selected is None
    assert page.code.hasFocus() and page.code.text() == ""


def test_exit_scan_by_slip_qr_visit_id_id_number_or_queue_number(page, qtbot, store, clock):
    a, b = injected(store, clock, 2)
    seat(store, a)
    seat(store, b)
    page.refresh()
    scan(qtbot, page, slips.exit_payload(b))  # the slip's exit QR
    assert page.selected == b
    scan(qtbot, page, a)  # its visit id, typed
    assert page.selected == a
    scan(qtbot, page, str(queue_no(store, b)))
    assert page.selected == b
    id_number = store.scalar(
        "SELECT p.id_number FROM people p JOIN visits v USING (person_id) WHERE v.visit_id = ?", [a]
    )
    scan(qtbot, page, id_number.lower())  # an ID card read as text; x or X alike
    assert page.selected == a


def test_exit_scan_of_someone_not_observing_says_why(page, qtbot, store, clock):
    released, waiting = injected(store, clock, 2)
    seat(store, released)
    clock.advance(minutes=30)
    observe.release(store, released, staff_id="obs1")
    page.refresh()
    scan(qtbot, page, str(queue_no(store, released)))
    assert page.banner.kind == "error" and "已离开" in page.banner.text()
    scan(qtbot, page, str(queue_no(store, waiting)))
    assert page.banner.kind == "warn" and page.waiting.currentItem() is not None
    scan(qtbot, page, "999")
    assert page.banner.kind == "error" and page.selected is None
    press(qtbot, page, Qt.Key.Key_F5)  # nobody chosen: nothing happens
    assert page.banner.kind == "warn"
    assert state(store, waiting) == "injected"


def released_event(store, visit_id: str) -> dict:
    row = store.one("SELECT * FROM events WHERE type = 'Released' AND visit_id = ?", [visit_id])
    assert row is not None
    return json.loads(row["payload"])


def test_exit_scan_releases_at_once_when_the_time_is_up(page, qtbot, store, clock):
    """Changed with the printed slips: the exit scan (slip QR or queue number) releases by itself."""
    a, b, c = injected(store, clock, 3)
    for v in (a, b, c):
        seat(store, v)
    clock.advance(minutes=30)
    tick(page)

    scan(qtbot, page, slips.exit_payload(a))  # the slip's QR, read by the scanner gun
    assert state(store, a) == "released"
    assert page.banner.kind == "ok"
    assert page.banner.text() == page.tr("No. {n} may leave").format(n=queue_no(store, a))
    assert page.selected is None and page.code.text() == "" and page.code.hasFocus()
    assert table_column(page, page.C_QUEUE) == [str(queue_no(store, b)), str(queue_no(store, c))]

    scan(qtbot, page, str(queue_no(store, b)))  # the queue number, typed
    assert state(store, b) == "released" and page.banner.kind == "ok"
    row = obs(store, b)
    assert row["released_by"] == "obs1" and row["override_reason"] is None
    assert released_event(store, b)["minutes_left"] == 0

    scan(qtbot, page, c)  # a visit id (or an ID number) only chooses the person: F5 releases
    assert state(store, c) == "observing" and page.selected == c and page.banner.kind == "ok"


def test_exit_scan_before_the_time_refuses_with_the_minutes_left(page, qtbot, store, clock):
    (v,) = injected(store, clock)
    seat(store, v)
    clock.advance(minutes=12, seconds=10)  # 17 min 50 s left: shown as 18
    page.refresh()
    events = store.scalar("SELECT count(*) FROM events")
    scan(qtbot, page, slips.exit_payload(v))
    assert state(store, v) == "observing"
    assert store.scalar("SELECT count(*) FROM events") == events
    assert page.banner.kind == "error"
    assert "18" in page.banner.text() and str(queue_no(store, v)) in page.banner.text()
    assert page.selected == v  # chosen, so that F6 can release early
    assert page.code.selectedText() == page.code.text()  # the next scan replaces it

    clock.advance(minutes=17, seconds=50)  # exactly the end: no need to wait for the countdown tick
    scan(qtbot, page, slips.exit_payload(v))
    assert state(store, v) == "released" and page.banner.kind == "ok"


def test_exit_scan_of_someone_seated_a_moment_ago_elsewhere(page, qtbot, hub, store, clock):
    (v,) = injected(store, clock)
    page.refresh()
    hub._poll.stop()  # the change is not announced yet: the table does not list them
    seat(store, v)
    assert page.table.rowCount() == 0
    scan(qtbot, page, slips.exit_payload(v))
    assert page.selected == v and page.banner.kind == "error" and "30" in page.banner.text()


def test_exit_scan_refused_then_released_early_with_a_reason(page, qtbot, store, clock, monkeypatch):
    (v,) = injected(store, clock)
    seat(store, v)
    clock.advance(minutes=10)
    page.refresh()
    monkeypatch.setattr(
        QInputDialog, "getText", staticmethod(lambda *a, **kw: ("孩子发烧需回家，已告知注意事项", True))
    )
    scan(qtbot, page, str(queue_no(store, v)))
    assert page.banner.kind == "error" and state(store, v) == "observing"
    press(qtbot, page, Qt.Key.Key_F6)  # the observer overrides
    assert state(store, v) == "released" and page.banner.kind == "ok"
    row = obs(store, v)
    assert row["override_reason"] == "孩子发烧需回家，已告知注意事项" and row["released_by"] == "obs1"
    event = released_event(store, v)
    assert event["override_reason"] == "孩子发烧需回家，已告知注意事项" and event["minutes_left"] == 20


def test_early_release_with_a_reason_is_recorded(page, qtbot, store, clock, monkeypatch):
    (v,) = injected(store, clock)
    seat(store, v)
    clock.advance(minutes=10)
    page.refresh()
    asked = []

    def get_text(parent, title, text, *a, **kw):
        asked.append(text)
        return "家中急事，已告知注意事项", True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    scan(qtbot, page, str(queue_no(store, v)))
    press(qtbot, page, Qt.Key.Key_F6)
    assert asked and "20" in asked[0]  # the minutes left are shown when asking
    assert state(store, v) == "released"
    row = obs(store, v)
    assert row["override_reason"] == "家中急事，已告知注意事项" and row["released_by"] == "obs1"
    assert page.banner.kind == "ok"


@pytest.mark.parametrize("answer", [("   ", True), ("我想走了", False)])
def test_early_release_without_a_reason_is_refused(page, qtbot, store, clock, monkeypatch, answer):
    (v,) = injected(store, clock)
    seat(store, v)
    page.refresh()
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **kw: answer))
    events = store.scalar("SELECT count(*) FROM events")
    scan(qtbot, page, str(queue_no(store, v)))
    refused = (page.banner.kind, page.banner.text())  # the exit scan's refusal, with the minutes
    press(qtbot, page, Qt.Key.Key_F6)
    assert state(store, v) == "observing"
    assert store.scalar("SELECT count(*) FROM events") == events
    if answer[1]:  # an empty reason: refused
        assert page.banner.kind == "error" and page.banner.text() != refused[1]
    else:  # cancel: no complaint, the scan's message stays
        assert (page.banner.kind, page.banner.text()) == refused


def test_page_is_disabled_for_staff_without_release(make_hub, qtbot):
    from ui.pages.observe import ObservePage

    page = ObservePage(make_hub("vac1", ("observe",)))
    qtbot.addWidget(page)
    page.refresh()
    assert not page.isEnabled()


# --- adverse reactions ------------------------------------------------------------------------


def open_aefi(qtbot, page, store, visit_id: str):
    scan(qtbot, page, str(queue_no(store, visit_id)))
    press(qtbot, page, Qt.Key.Key_F7)
    dialog = page.aefi_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def choose(combo, code: str) -> None:
    index = combo.findData(code)
    assert index >= 0, code
    combo.setCurrentIndex(index)


def test_adverse_reaction_is_recorded_and_extends_the_observation(page, qtbot, store, clock):
    (v,) = injected(store, clock)
    seat(store, v)
    started = datetime.fromisoformat(obs(store, v)["started_at"])
    clock.advance(minutes=20)
    page.refresh()
    dialog = open_aefi(qtbot, page, store, v)
    assert dialog.category.currentData() in observe.AEFI_CATEGORIES
    choose(dialog.category, "fever")
    choose(dialog.severity, "mild")
    choose(dialog.handling, "observed")
    assert dialog.extend.value() == 30
    dialog.notes.insert("低热37.6℃，嘱多饮水")
    qtbot.keyClick(dialog.notes, Qt.Key.Key_Return)  # Enter records
    assert not dialog.isVisible()

    rows = store.all("SELECT * FROM aefi WHERE visit_id = ?", [v])
    assert len(rows) == 1
    row = rows[0]
    assert (row["category"], row["severity"], row["handling"], row["serious"]) == (
        "fever",
        "mild",
        "observed",
        0,
    )
    assert row["notes"] == "低热37.6℃，嘱多饮水" and row["staff_id"] == "obs1"
    until = datetime.fromisoformat(obs(store, v)["until"])
    assert (until - started).total_seconds() == 60 * 60  # reported at +20: 30 minutes added to the end
    assert page.banner.kind == "warn"
    assert page.table.item(0, page.C_AEFI).text() != ""
    assert page.table.item(0, page.C_LEFT).text() == page.tr("{n} min").format(n=40)


def test_serious_reaction_shows_a_red_banner_and_marks_the_row(page, qtbot, store, clock):
    a, b = injected(store, clock, 2)
    seat(store, a)
    seat(store, b)
    page.refresh()
    dialog = open_aefi(qtbot, page, store, b)
    choose(dialog.category, "anaphylaxis")
    choose(dialog.severity, "moderate")
    choose(dialog.handling, "treated_on_site")
    dialog.accept()
    assert store.scalar("SELECT serious FROM aefi WHERE visit_id = ?", [b]) == 1
    assert page.banner.kind == "error"
    assert str(queue_no(store, b)) in page.banner.text()
    row = next(
        i for i in range(page.table.rowCount()) if page.table.item(i, 0).data(Qt.ItemDataRole.UserRole) == b
    )
    assert page.tr("SERIOUS") in page.table.item(row, page.C_AEFI).text()
    other = 1 - row
    assert page.table.item(other, page.C_AEFI).text() == ""


def test_onset_later_than_now_is_refused_in_the_dialog(page, qtbot, store, clock):
    from ui.qt import QTime

    (v,) = injected(store, clock)
    seat(store, v)
    page.refresh()
    dialog = open_aefi(qtbot, page, store, v)
    now = clock()
    dialog.onset.setTime(QTime(now.hour + 1, 0))
    dialog.accept()
    assert dialog.isVisible() and dialog.banner.kind == "error"
    assert store.scalar("SELECT count(*) FROM aefi") == 0
    dialog.reject()


def test_reaction_while_waiting_for_a_seat(page, qtbot, store, clock):
    (v,) = injected(store, clock)
    page.refresh()
    page.waiting.setCurrentRow(0)
    press(qtbot, page, Qt.Key.Key_F7)
    dialog = page.aefi_dialog
    choose(dialog.category, "vasovagal_syncope")
    dialog.accept()
    assert store.scalar("SELECT category FROM aefi WHERE visit_id = ?", [v]) == "vasovagal_syncope"


def test_exit_scan_by_camera_releases_when_the_time_is_up(make_hub, qtbot, store, clock, booked, tmp_path):
    """A camera at the exit reads the slip's QR and the person whose time is up may leave."""
    import cv2
    import numpy as np
    import segno

    from station import bookings
    from station.scan.payloads import exit_text
    from tests.domainkit import drive
    from ui.pages.observe import ObservePage

    drive(store, clock, booked, "observing")
    clock.advance(minutes=31)
    qr = segno.make(exit_text(booked), error="m")
    qr.save(str(tmp_path / "slip.png"), scale=8, border=4)
    frame = np.full((480, 640, 3), 255, np.uint8)
    code = cv2.imread(str(tmp_path / "slip.png"))
    frame[40 : 40 + code.shape[0], 40 : 40 + code.shape[1]] = code
    cv2.imwrite(str(tmp_path / "exit.png"), frame)

    page = ObservePage(make_hub("obs1", ("observe",)), camera=str(tmp_path / "exit.png"))
    qtbot.addWidget(page)
    page.show()
    assert page.camera is not None
    qtbot.waitUntil(lambda: bookings.visit(store, booked)["state"] == "released", timeout=10000)
    assert page.banner.kind == "ok"
    page.camera.stop()


def test_no_camera_configured_means_no_camera_widget(make_hub, qtbot):
    from ui.pages.observe import ObservePage

    page = ObservePage(make_hub("obs1", ("observe",)))
    qtbot.addWidget(page)
    assert page.camera is None


def test_exit_scan_takes_the_desks_letter_and_plain_digits_mean_a(page, qtbot, store, clock):
    """Two sign-in desks: A001 and B001 are different people; "1" typed alone is A001."""
    a, b = book(store, 2)
    signin.sign_in(store, a, staff_id="sign1", prefix="A")
    signin.sign_in(store, b, staff_id="sign1", prefix="B")
    for v in (a, b):
        do_screen(store, v)
        do_inject(store, v)
        seat(store, v)
    clock.advance(minutes=30)
    tick(page)
    assert sorted(table_column(page, page.C_QUEUE)) == ["A001", "B001"]
    scan(qtbot, page, "b1")  # lower case, no zeros: still B001
    assert state(store, b) == "released" and state(store, a) == "observing"
    assert page.banner.text() == page.tr("No. {n} may leave").format(n="B001")
    scan(qtbot, page, "1")
    assert state(store, a) == "released"
    assert page.banner.text() == page.tr("No. {n} may leave").format(n="A001")


# --- handed over to hospital ------------------------------------------------------------------------


def test_handover_to_hospital_ends_the_observation_on_the_page(page, qtbot, hub, store, clock):
    from ui.header import Header

    a, b = injected(store, clock, 2)
    seat(store, a)
    seat(store, b)
    header = Header(hub)
    qtbot.addWidget(header)
    page.refresh()
    clock.advance(minutes=5)
    dialog = open_aefi(qtbot, page, store, b)
    choose(dialog.category, "anaphylaxis")
    choose(dialog.severity, "severe")
    choose(dialog.handling, "transferred_to_hospital")
    assert not dialog.extend.isEnabled()  # nothing to extend: the observation ends
    dialog.accept()
    assert state(store, b) == "released"
    assert [page.table.item(i, 0).data(Qt.ItemDataRole.UserRole) for i in range(page.table.rowCount())] == [a]
    assert page.banner.kind == "error"
    assert queue_no(store, b) in page.banner.text() and "转送医院" in page.banner.text()
    assert page.code.hasFocus()  # ready for the next exit scan
    assert "转送医院 1" in header.counts.text() and "留观中 1" in header.counts.text()
    clock.advance(minutes=30)
    tick(page)
    assert table_column(page, page.C_QUEUE) == [queue_no(store, a)]  # no "may leave" for b


def test_another_handling_keeps_the_extension(page, qtbot, store, clock):
    (v,) = injected(store, clock)
    seat(store, v)
    page.refresh()
    dialog = open_aefi(qtbot, page, store, v)
    choose(dialog.handling, "transferred_to_hospital")
    choose(dialog.handling, "treated_on_site")
    assert dialog.extend.isEnabled() and dialog.extend.value() == 30
    dialog.reject()


# --- the focus after each action: where the next code is scanned -----------------------------------


def test_focus_returns_to_the_exit_scan_after_seating(page, qtbot, store, clock):
    injected(store, clock, 1)
    page.refresh()
    page.waiting.setFocus()
    press(qtbot, page, Qt.Key.Key_F2)
    assert page.code.hasFocus()


def test_focus_returns_to_the_exit_scan_after_a_reaction(page, qtbot, store, clock):
    (v,) = injected(store, clock)
    seat(store, v)
    page.refresh()
    scan(qtbot, page, queue_no(store, v))
    page.table.setFocus()  # the observer went on with the arrow keys
    press(qtbot, page, Qt.Key.Key_F7)
    page.aefi_dialog.accept()
    assert page.code.hasFocus()


def test_focus_returns_to_the_exit_scan_after_a_refused_exit(page, qtbot, store, clock):
    (v,) = injected(store, clock)
    seat(store, v)
    page.refresh()
    scan(qtbot, page, queue_no(store, v))
    assert page.banner.kind == "error" and page.code.hasFocus()
    assert page.code.selectedText() == page.code.text()  # the next scan replaces it


def test_with_the_camera_on_the_table_keeps_its_height(make_hub, qtbot, tmp_path):
    """The exit camera's preview sits beside the scan box, smaller, not over the table (it used to
    squeeze the table to three rows at 1366x700)."""
    import cv2
    import numpy as np

    from ui.pages.observe import ObservePage

    cv2.imwrite(str(tmp_path / "blank.png"), np.full((480, 640, 3), 255, np.uint8))
    heights = {}
    for spec in (None, str(tmp_path / "blank.png")):
        page = ObservePage(make_hub("obs1", ("observe",)), camera=spec)
        qtbot.addWidget(page)
        page.resize(1366, 560)  # the page's share of a 1366x700 window (header and tabs above it)
        page.show()
        qtbot.waitExposed(page)
        heights[spec is not None] = page.table.height()
        if page.camera is not None:
            assert page.camera.isVisible()
            camera_box = page.camera.geometry()
            table_box = page.table.geometry()
            assert camera_box.bottom() < table_box.top()  # above the table, in the scan row
            page.camera.stop()
        page.close()
    assert heights[True] >= heights[False] - 40
    assert heights[True] >= 6 * 38  # six rows and the header at least
