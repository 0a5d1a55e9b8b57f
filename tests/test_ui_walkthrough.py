"""One person walks the whole path across four desks: sign-in -> pre-screen -> inject -> observe -> release.

Each desk is its own page, staff member and database connection on one station file, as four
desks on one laptop (or four processes) would be; each desk sees the others' work through the
database alone.
"""

from __future__ import annotations

import pytest

from station import bookings
from station.store import Store
from tests.conftest import DAY
from ui.qt import Qt

pytestmark = pytest.mark.usefixtures("fast_pins")


def desk(qtbot, make_hub, store, clock, page_class, staff_id, role):
    connection = Store.open(store.path, now=clock)
    page = page_class(make_hub(staff_id, (role,), on=connection))
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitExposed(page)
    return page, connection


def focus(qtbot, page) -> None:
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # the F-keys are the window's shortcuts


def test_one_person_through_four_desks(qtbot, make_hub, store, clock, booked):
    from ui.pages.inject import InjectPage
    from ui.pages.observe import ObservePage
    from ui.pages.prescreen import PreScreenPage
    from ui.pages.signin import SignInPage

    sign, c1 = desk(qtbot, make_hub, store, clock, SignInPage, "sign1", "signin")
    pre, c2 = desk(qtbot, make_hub, store, clock, PreScreenPage, "pre1", "prescreen")
    vac, c3 = desk(qtbot, make_hub, store, clock, InjectPage, "vac1", "inject")
    obs, c4 = desk(qtbot, make_hub, store, clock, ObservePage, "obs1", "observe")
    person = store.one(
        "SELECT p.* FROM people p JOIN visits v USING (person_id) WHERE visit_id = ?", [booked]
    )

    # 1. sign-in: the scanner gun types the ID number and Enter; Space confirms
    focus(qtbot, sign)
    qtbot.keyClicks(sign.code, person["id_number"])
    qtbot.keyClick(sign.code, Qt.Key.Key_Return)
    qtbot.keyClick(sign.sign_in_button, Qt.Key.Key_Space)
    assert sign.queue_no.text() == "A001"

    # 2. pre-screen sees the person arrive (another connection: the data_version poll)
    qtbot.waitUntil(lambda: pre.queue.rowCount() == 1, timeout=3000)
    focus(qtbot, pre)
    qtbot.keyClick(pre, Qt.Key.Key_F2)
    pre.temperature.selectAll()
    qtbot.keyClicks(pre.temperature, "36.6")
    qtbot.keyClick(pre.temperature, Qt.Key.Key_Return)
    for _question in pre.rows:  # N on each question: the focus moves down by itself
        qtbot.keyClick(pre.focusWidget(), "n")
    clock.advance(minutes=3)
    qtbot.keyClick(pre, Qt.Key.Key_F5)
    assert pre.banner.kind == "ok", pre.banner.text()

    # 3. injection: call next (queue order), Enter records the dose with this desk's number
    clock.advance(minutes=5)
    focus(qtbot, vac)
    qtbot.waitUntil(lambda: vac.call_button.isEnabled(), timeout=3000)
    qtbot.keyClick(vac, Qt.Key.Key_F2)
    qtbot.keyClick(vac, Qt.Key.Key_F5)
    assert vac.banner.kind == "ok", vac.banner.text()

    # 4. observation: seat, an early release is refused with the minutes left, then released
    clock.advance(minutes=1)
    qtbot.waitUntil(lambda: obs.waiting.count() == 1, timeout=3000)
    focus(qtbot, obs)
    qtbot.keyClick(obs, Qt.Key.Key_F2)
    assert obs.seat_no.text() == "1"
    qtbot.keyClicks(obs.code, "1")
    qtbot.keyClick(obs.code, Qt.Key.Key_Return)
    qtbot.keyClick(obs, Qt.Key.Key_F5)
    assert obs.banner.kind == "error" and "30" in obs.banner.text()
    assert bookings.visit(store, booked)["state"] == "observing"
    clock.advance(minutes=30)
    qtbot.keyClick(obs, Qt.Key.Key_F5)
    assert obs.banner.kind == "ok", obs.banner.text()

    visit = bookings.visit(store, booked)
    assert visit["state"] == "released" and visit["queue_no"] == 1 and visit["day"] == DAY.isoformat()
    steps = store.all("SELECT type, staff_id FROM events WHERE visit_id = ? ORDER BY hlc", [booked])
    assert [(s["type"], s["staff_id"]) for s in steps] == [
        ("BookingAdded", "admin1"),
        ("SignedIn", "sign1"),
        ("Screened", "pre1"),
        ("Called", "vac1"),
        ("Injected", "vac1"),
        ("ObservationStarted", "obs1"),
        ("Released", "obs1"),
    ]
    dose = store.one("SELECT * FROM doses WHERE visit_id = ? AND source = 'here'", [booked])
    assert dose["desk"] == "1" and dose["dose_number"] == 1 and dose["lot_no"] == "LOT-A"
    for page, connection in ((sign, c1), (pre, c2), (vac, c3), (obs, c4)):
        page.hub.close()
        connection.close()
