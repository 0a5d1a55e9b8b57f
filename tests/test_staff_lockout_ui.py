"""The window's side of the PIN lockout (#13): the login dialog says so, the admin's Staff tab shows it,
and the hub acts with the Session it logged in (so cancelling works at the desk, not by naming)."""

from __future__ import annotations

import pytest

from station import flow, prescreen
from station import staff as staffmod
from station.messages import render

WRONG = "0000"


@pytest.fixture
def admin_page(make_hub, qtbot):
    from ui.pages.admin import AdminPage

    page = AdminPage(make_hub("admin1", ("admin",)))
    qtbot.addWidget(page)
    page.show()
    return page


def _wrong(store, staff_id: str, n: int) -> None:
    for _ in range(n):
        with pytest.raises(staffmod.DomainError):
            staffmod.login(store, staff_id, WRONG)


def test_the_login_dialog_says_the_id_is_locked(make_hub, store, qtbot):
    from ui.dialogs import LoginDialog

    hub = make_hub("admin1", ("admin",))
    hub.logout()
    dialog = LoginDialog(hub)
    qtbot.addWidget(dialog)
    for _ in range(5):
        dialog.staff_id.setText("vac1")
        dialog.pin.setText(WRONG)
        dialog.accept()
    assert hub.staff is None
    dialog.pin.setText("2468")  # the right PIN, while locked
    dialog.accept()
    assert hub.staff is None
    shown = dialog.banner.text()
    assert "vac1" in shown and "锁定" in shown


def test_the_admins_staff_tab_shows_wrong_pins_and_locks(admin_page, store, clock):
    assert admin_page.lockout_label.isHidden()
    _wrong(store, "vac1", 5)
    _wrong(store, "obs1", 2)
    admin_page.hub.refresh()
    text = admin_page.lockout_label.text()
    assert not admin_page.lockout_label.isHidden()
    assert "vac1" in text and "obs1" in text and "锁定至" in text
    locked_line = next(line for line in text.splitlines() if "vac1" in line)
    until = store.scalar("SELECT locked_until FROM staff WHERE staff_id = 'vac1'")[11:19]
    assert locked_line == render(
        "lockout_line", "zh", staff="vac1", name="Staff vac1", failures=5, lockouts=1,
        locked=render("lockout_now", "zh", until=until),
    )  # fmt: skip


def test_the_hub_acts_with_its_session(make_hub, store, booked):
    hub = make_hub("pre1", ("prescreen",))
    assert isinstance(hub.staff, staffmod.Session)
    visit = hub.run(prescreen.cancel_booking, booked, reason="asked at the desk")
    assert visit["state"] == flow.CANCELLED
