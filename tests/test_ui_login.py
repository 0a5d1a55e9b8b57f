"""After login: the desk of the person who logged in, the focus in its scan box; the lock (F12 or
idle) says what happened and covers everything behind the login box."""

from __future__ import annotations

import pytest

from tests.conftest import PIN
from ui.qt import QApplication, Qt

pytestmark = pytest.mark.usefixtures("fast_pins")

IDLE_ZH = "长时间无操作"


@pytest.fixture
def logins(monkeypatch):
    """LoginDialog.exec logs in whoever is next in the list (None: Cancel); records what it said."""
    from ui.dialogs import LoginDialog

    queue: list[str | None] = []
    said: list[str] = []

    def exec_(dialog: LoginDialog) -> int:
        said.append(dialog.banner.text())
        staff_id = queue.pop(0) if queue else None
        if staff_id is None:
            dialog.reject()
        else:
            dialog.staff_id.setText(staff_id)
            dialog.pin.setText(PIN)
            dialog.accept()
        return dialog.result()

    monkeypatch.setattr(LoginDialog, "exec", exec_)
    return queue, said


@pytest.fixture
def window_for(make_hub, qtbot):
    from ui.mainwindow import MainWindow

    def make(staff_id: str, roles: tuple[str, ...]):
        hub = make_hub(staff_id, roles)
        window = MainWindow(hub)
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        return window

    return make


def focused():
    return QApplication.focusWidget()


def lock_with_f12(qtbot, window) -> None:
    """F12 clicks the lock button (animated: the click lands ~100 ms later)."""
    before = window.hub.staff
    qtbot.keyClick(focused() or window, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: window.hub.staff is not before, timeout=2000)


def test_after_login_the_focus_is_in_the_scan_box_not_on_the_lock_button(window_for, qtbot):
    window = window_for("sign1", ("signin", "prescreen", "admin"))
    qtbot.waitUntil(lambda: focused() is not None)
    assert focused() is window.pages["signin"].code
    assert focused() is not window.lock_button
    # the first thing a scanner gun types goes into the box
    qtbot.keyClicks(focused(), "110105")
    assert window.pages["signin"].code.text() == "110105"


def test_the_focus_follows_to_the_scan_box_of_the_tab_switched_to(window_for, qtbot, logins):
    window = window_for("admin1", ("signin", "prescreen", "inject", "observe", "admin"))
    # the desks are not the admin's: Ctrl+n still goes from tab to tab (the focus is never lost)
    for key, role in ((Qt.Key.Key_3, "inject"), (Qt.Key.Key_4, "observe"), (Qt.Key.Key_2, "prescreen")):
        qtbot.keyClick(focused() or window, key, Qt.KeyboardModifier.ControlModifier)
        assert window.tabs.currentWidget() is window.pages[role] and focused() is not None
    window.hub.lock("manual")
    window.hub.login("obs1", PIN)
    window.unlock()
    assert focused() is window.pages["observe"].code
    qtbot.keyClick(focused(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.pages["signin"]
    qtbot.keyClick(focused() or window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert focused() is window.pages["observe"].scan_input() is window.pages["observe"].code
    qtbot.keyClick(focused(), Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(focused(), Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert focused() is window.pages["observe"].code


def test_login_opens_the_desk_of_the_role_that_logged_in(window_for, qtbot, logins):
    queue, _said = logins
    window = window_for("pre1", ("signin", "prescreen", "inject", "observe"))
    assert window.tabs.currentWidget() is window.pages["prescreen"]
    queue.append("vac1")
    lock_with_f12(qtbot, window)
    assert window.hub.staff_id == "vac1"
    assert window.tabs.currentWidget() is window.pages["inject"]  # not the pre-screen doctor's tab
    assert focused() is window.pages["inject"].lot_scan
    queue.append("obs1")
    lock_with_f12(qtbot, window)
    assert window.tabs.currentWidget() is window.pages["observe"]
    assert focused() is window.pages["observe"].code


def test_an_admin_without_a_desk_role_goes_to_the_admin_page_and_is_told_why(window_for, qtbot):
    window = window_for("admin1", ("signin", "prescreen", "admin"))
    assert window.tabs.currentWidget() is window.pages["admin"]
    signin_page = window.pages["signin"]
    window.tabs.setCurrentWidget(signin_page)
    # not a greyed page: a message saying why, and whose desk it is
    notice = signin_page.unavailable
    assert notice.isVisible() and notice.geometry().contains(signin_page.rect().center())
    assert "签到" in notice.text() and "admin1" in notice.text()
    assert not window.pages["admin"].unavailable.isVisible()


def test_a_desk_login_is_told_why_the_admin_page_is_not_theirs(window_for, qtbot):
    window = window_for("sign1", ("signin", "admin"))
    assert window.tabs.currentWidget() is window.pages["signin"]
    assert not window.pages["signin"].unavailable.isVisible()
    window.tabs.setCurrentWidget(window.pages["admin"])
    assert window.pages["admin"].unavailable.isVisible()


def test_f12_says_locked_and_covers_everything_behind_the_login_box(window_for, qtbot, logins, booked):
    queue, said = logins
    window = window_for("sign1", ("signin", "prescreen"))
    window.pages["signin"].code.submit(window.hub.store.scalar("SELECT id_number FROM people LIMIT 1"))
    assert window.pages["signin"].card.name.text()  # a name on the screen
    queue.append(None)  # the login box is cancelled: the window stays locked
    lock_with_f12(qtbot, window)
    assert window.hub.staff is None
    assert said and IDLE_ZH not in said[-1] and "锁定" in said[-1]
    # nothing behind: the header, the tabs and the pages are covered
    assert window.locked and window.cover.isVisible()
    assert not window.tabs.isVisible() and not window.header.isVisible()
    assert not window.pages["signin"].card.isVisible()
    assert "锁定" in window.cover.reason.text()
    # the cover's own button asks again; a login brings the window back
    queue.append("sign1")
    qtbot.mouseClick(window.cover.login_button, Qt.MouseButton.LeftButton)
    assert not window.locked and window.tabs.isVisible() and window.header.isVisible()
    assert focused() is window.pages["signin"].code


def test_idle_lock_keeps_its_own_message_and_covers_too(window_for, qtbot, logins):
    queue, said = logins
    window = window_for("sign1", ("signin",))
    queue.append(None)
    window.hub._idle.setInterval(30)
    window.hub.touch()
    qtbot.waitUntil(lambda: window.hub.staff is None, timeout=3000)
    qtbot.waitUntil(lambda: bool(said), timeout=3000)
    assert IDLE_ZH in said[-1]
    assert window.locked and not window.tabs.isVisible()
