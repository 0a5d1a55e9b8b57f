"""A fresh site's first morning, through the window only (#10, #11).

From an empty data folder, by the real start path (``ui.app.run``): the first-run set-up, the first
admin's login, staff added on the Staff tab, a lot received by scanning its GS1 DataMatrix, one
booking imported from a CSV and one walk-in registered at the sign-in desk, then F12 and each
desk's staff member in turn: sign-in, pre-screen, injection, observation and the exit scan.

Everything is typed, clicked or scanned into the widgets (a USB scanner gun types the code and
Enter); the domain is only read, to check. The modal dialogs' ``exec`` is replaced by one that shows
the dialog and types into it, and the event loop's ``exec`` by the morning itself: pytest-qt cannot
drive a nested event loop. Screenshots go to /tmp/walk/.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint

from station import packcodes, stock
from station.identity import make_resident_id
from station.scan.decoders import read_pack_codes
from station.status import day_status
from station.store import Store
from tests.conftest import DAY
from tests.test_ui_stock import gun, type_in
from ui.qt import QApplication, Qt

pytestmark = pytest.mark.usefixtures("fast_pins")

SHOTS = Path(os.environ.get("WALK_SHOTS", "/tmp/walk"))
GTIN = "06903561000011"  # Sinopharm BBIBP's carton (resources/rules/stock.toml)
LOT = "202611A"
EXPIRY = DAY + timedelta(days=300)
CARTON_VIALS = 20  # stock.toml: carton_vials of sinopharm_bbibp

ADMIN = ("zhang", "张站长", "135790")
STAFF = [  # staff id, name, role box on the Staff tab, PIN
    ("li", "李登记", "signin", "2461"),
    ("wang", "王医生", "prescreen", "3572"),
    ("zhao", "赵护士", "vaccinator", "4683"),
    ("qian", "钱观察", "observer", "5794"),
]
BOOKED = ("刘一", make_resident_id("110105", DAY.replace(year=1988), 11))
WALK_IN = ("陈二", make_resident_id("110105", DAY.replace(year=1975, month=3), 23))


class Shots:
    def __init__(self) -> None:
        self.n = 0
        SHOTS.mkdir(parents=True, exist_ok=True)
        for old in SHOTS.glob("*.png"):
            old.unlink()

    def __call__(self, widget, name: str) -> None:
        self.n += 1
        QApplication.processEvents()  # the layout follows what was just shown or hidden
        widget.grab().save(str(SHOTS / f"{self.n:02d}-{name}.png"))


def focused():
    return QApplication.focusWidget()


def activate(qtbot, widget) -> None:
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)


def test_a_fresh_site_from_nothing_to_the_first_injection(station_qapp, tmp_path, monkeypatch, qtbot, clock):
    from ui import app as appmod
    from ui.dialogs import FirstRunDialog, LoginDialog
    from ui.mainwindow import MainWindow
    from ui.pages.observe import ObservePage

    monkeypatch.setattr(ObservePage, "AUTO_PRINT", False)  # no printer on the test machine
    # the station's clock is the test's (8:00 on the test day), as everywhere in the tests
    real_open = Store.open.__func__
    monkeypatch.setattr(
        Store, "open", classmethod(lambda cls, path, **kw: real_open(cls, path, **{"now": clock, **kw}))
    )
    shot = Shots()
    data = tmp_path / "data"
    assert not data.exists()  # nothing at all: no database, no settings

    # --- 1. first run: the set-up dialog, typed in ---------------------------------------------
    def first_run(dialog: FirstRunDialog) -> int:
        dialog.show()
        qtbot.waitExposed(dialog)
        activate(qtbot, dialog)
        shot(dialog, "setup-empty")
        qtbot.mouseClick(dialog.site, Qt.MouseButton.LeftButton)
        type_in(qtbot, dialog.site, "体育馆临时接种点")
        qtbot.keyClick(dialog.site, Qt.Key.Key_Tab)
        assert focused() is dialog.station_id
        qtbot.keyClick(dialog.station_id, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(dialog.station_id, "gym-1")
        assert all(box.isChecked() for box in dialog.roles.values())  # all desks on this laptop
        qtbot.mouseClick(dialog.admin_id, Qt.MouseButton.LeftButton)
        qtbot.keyClick(dialog.admin_id, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(dialog.admin_id, ADMIN[0])
        qtbot.keyClick(dialog.admin_id, Qt.Key.Key_Tab)
        type_in(qtbot, focused(), ADMIN[1])
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        assert focused() is dialog.admin_pin
        qtbot.keyClicks(dialog.admin_pin, ADMIN[2])
        qtbot.keyClick(dialog.admin_pin, Qt.Key.Key_Return)  # Enter: to "PIN again"
        assert focused() is dialog.admin_pin2, (dialog.banner.text(), focused())
        qtbot.keyClicks(dialog.admin_pin2, ADMIN[2])
        shot(dialog, "setup-filled")
        qtbot.keyClick(dialog.admin_pin2, Qt.Key.Key_Return)  # Enter: OK
        assert dialog.stages.currentWidget() is dialog.code_box, dialog.banner.text()
        shot(dialog, "setup-recovery-code")
        assert focused() is dialog.written_down
        qtbot.keyClick(dialog.written_down, Qt.Key.Key_Space)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    # --- the login box, every time: a staff id, Enter, the PIN, Enter ----------------------------
    logins: list[tuple[str, str]] = [(ADMIN[0], ADMIN[2])]

    def login(dialog: LoginDialog) -> int:
        staff_id, pin = logins.pop(0)
        dialog.show()
        qtbot.waitExposed(dialog)
        activate(qtbot, dialog)
        assert focused() is dialog.staff_id
        qtbot.keyClicks(dialog.staff_id, staff_id)
        qtbot.keyClick(dialog.staff_id, Qt.Key.Key_Return)
        assert focused() is dialog.pin
        qtbot.keyClicks(dialog.pin, pin)
        qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
        assert dialog.result() == LoginDialog.DialogCode.Accepted, dialog.banner.text()
        return dialog.result()

    def protect(dialog) -> int:  # a fresh laptop is first asked whether to encrypt: this site does not
        dialog.show()
        qtbot.waitExposed(dialog)
        shot(dialog, "encrypt-offer")
        dialog.plain_button.click()
        return dialog.result()

    from ui.passphrase import NewStationPassphraseDialog

    monkeypatch.setattr(NewStationPassphraseDialog, "exec", protect)
    monkeypatch.setattr(FirstRunDialog, "exec", first_run)
    monkeypatch.setattr(LoginDialog, "exec", login)
    windows: list[MainWindow] = []
    real_show = MainWindow.show_fitted

    def show_fitted(window: MainWindow) -> None:
        windows.append(window)
        real_show(window)

    monkeypatch.setattr(MainWindow, "show_fitted", show_fitted)
    csv_file = tmp_path / "bookings.csv"
    csv_file.write_text(
        "姓名,身份证号,手机号,日期,时段\n"
        f"{BOOKED[0]},{BOOKED[1]},13812345678,{DAY.isoformat()},08:00-08:30\n",
        encoding="utf-8",
    )
    checked: dict[str, object] = {}

    def morning(_app) -> int:
        (window,) = windows
        window.setWindowState(Qt.WindowState.WindowNoState)  # fitted to the offscreen screen
        window.resize(1366, 700)
        qtbot.waitExposed(window)
        activate(qtbot, window)
        walk(window)
        window.close()
        return 0

    def key(widget, k, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        qtbot.keyClick(widget, k, modifier)

    def walk(window: MainWindow) -> None:
        hub = window.hub
        store = hub.store
        assert list(window.pages) == ["signin", "prescreen", "inject", "observe", "admin"]
        admin = window.pages["admin"]
        assert window.tabs.currentWidget() is admin  # the admin has no desk role: the admin page
        shot(window, "admin-after-login")

        # --- 2. Staff tab: four desk staff -----------------------------------------------------
        key(window, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
        assert focused() is admin.new_id
        for staff_id, name, role, pin in STAFF:
            qtbot.keyClicks(admin.new_id, staff_id)
            key(admin.new_id, Qt.Key.Key_Tab)
            assert focused() is admin.new_name
            type_in(qtbot, admin.new_name, name)
            box = admin.new_roles[role]  # a click on the box or its words, not beside them
            qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(12, box.height() // 2))
            assert box.isChecked()
            qtbot.mouseClick(admin.new_pin, Qt.MouseButton.LeftButton)
            qtbot.keyClicks(admin.new_pin, pin)
            key(admin.new_pin, Qt.Key.Key_Return)
            assert focused() is admin.new_pin2
            qtbot.keyClicks(admin.new_pin2, pin)
            if staff_id == STAFF[-1][0]:
                shot(window, "staff-form")
            key(admin.new_pin2, Qt.Key.Key_Return)
            assert admin.banner.kind == "ok", admin.banner.text()
            assert focused() is admin.new_id
        assert admin.staff_table.rowCount() == 5
        shot(window, "staff-added")

        # --- 3. Stock tab: a carton's DataMatrix, read by the gun -----------------------------
        import zxingcpp

        symbol = zxingcpp.create_barcode(
            packcodes.gs1_hri(GTIN, LOT, EXPIRY, "C0001"), zxingcpp.BarcodeFormat.DataMatrix, gs1=True
        )
        gray = np.pad(np.array(symbol.to_image(scale=6)), 40, constant_values=255)
        (carton,) = read_pack_codes(np.dstack([gray] * 3))
        key(window, Qt.Key.Key_6, Qt.KeyboardModifier.AltModifier)
        panel = admin.stock_panel
        assert focused() is panel.scan
        gun(qtbot, focused(), carton)
        assert (panel.lot_no.text(), panel.expiry.text()) == (LOT, EXPIRY.isoformat()), admin.banner.text()
        assert panel.vials.value() == CARTON_VIALS
        assert focused() is panel.delivery_note
        qtbot.keyClicks(panel.delivery_note, "PS-20261126-01")
        shot(window, "stock-scanned")
        key(panel.delivery_note, Qt.Key.Key_Return)  # Enter in the last field: receive
        assert admin.banner.kind == "ok", admin.banner.text()
        shot(window, "stock-received")
        received = stock.lot(store, LOT)
        assert received["doses_left"] == CARTON_VIALS

        # --- 4a. Import bookings tab: the CSV, previewed, imported -----------------------------
        key(window, Qt.Key.Key_7, Qt.KeyboardModifier.AltModifier)
        bookings_panel = admin.bookings_panel
        from ui.pages import bookings_page

        monkeypatch.setattr(
            bookings_page.QFileDialog, "getOpenFileName", lambda *a, **kw: (str(csv_file), "")
        )
        qtbot.mouseClick(bookings_panel.choose_button, Qt.MouseButton.LeftButton)
        assert bookings_panel.good_table.rowCount() == 1, admin.banner.text()
        shot(window, "bookings-preview")
        qtbot.mouseClick(bookings_panel.import_button, Qt.MouseButton.LeftButton)
        assert admin.banner.kind == "ok", admin.banner.text()
        shot(window, "bookings-imported")

        # --- 5. F12, then each desk's staff member in turn ------------------------------------
        def shift(staff_id: str, pin: str, role: str):
            logins.append((staff_id, pin))
            key(window, Qt.Key.Key_F12)  # the lock button's key: a click a moment later
            qtbot.waitUntil(lambda: hub.staff_id == staff_id, timeout=3000)
            assert not window.locked
            page = window.pages[role]
            assert window.tabs.currentWidget() is page, window.tabs.currentWidget()
            activate(qtbot, window)
            return page

        # sign-in: the gun reads the ID card's number; Enter signs in
        sign = shift("li", "2461", "signin")
        assert focused() is sign.code
        gun(qtbot, focused(), BOOKED[1])
        shot(window, "signin-found")
        key(focused(), Qt.Key.Key_Return)
        assert sign.banner.kind == "ok", sign.banner.text()
        assert sign.queue_no.text() == "A001"
        shot(window, "signin-done")
        # the desk's window is as tall as the desk needs: not as the admin page behind it (its stock
        # note and tables), which with the header's low-stock line ran past a 700-pixel screen
        assert window.tabs.minimumSizeHint().height() < admin.minimumSizeHint().height()
        # 4b. a walk-in: no booking, the form, Enter
        assert focused() is sign.code
        gun(qtbot, focused(), WALK_IN[1])
        assert sign.walk_in_box.isVisible() and focused() is sign.w_name, sign.banner.text()
        type_in(qtbot, sign.w_name, WALK_IN[0])
        qtbot.mouseClick(sign.w_phone, Qt.MouseButton.LeftButton)
        qtbot.keyClicks(sign.w_phone, "13912345678")
        shot(window, "signin-walk-in")
        key(sign.w_phone, Qt.Key.Key_Return)
        assert sign.banner.kind == "ok", sign.banner.text()
        assert sign.queue_no.text() == "A002"
        shot(window, "signin-walk-in-done")

        # pre-screen: take the first, temperature, N to each question, pass
        clock.advance(minutes=4)
        pre = shift("wang", "3572", "prescreen")
        qtbot.waitUntil(lambda: pre.queue.rowCount() == 2, timeout=3000)
        key(window, Qt.Key.Key_F2)
        shot(window, "prescreen-taken")
        assert focused() is pre.temperature
        pre.temperature.selectAll()
        qtbot.keyClicks(pre.temperature, "36.5")
        key(pre.temperature, Qt.Key.Key_Return)
        for _question in pre.rows:
            key(focused(), Qt.Key.Key_N)
        shot(window, "prescreen-answered")
        clock.advance(minutes=3)
        key(window, Qt.Key.Key_F5)
        assert pre.banner.kind == "ok", pre.banner.text()
        shot(window, "prescreen-passed")

        # injection: call the next (A001), inject from the received lot
        clock.advance(minutes=5)
        vac = shift("zhao", "4683", "inject")
        qtbot.waitUntil(vac.call_button.isEnabled, timeout=3000)
        shot(window, "inject-waiting")
        key(window, Qt.Key.Key_F2)
        assert vac.banner.kind in ("info", "ok"), vac.banner.text()
        assert vac.lot.currentData() == LOT
        shot(window, "inject-called")
        key(window, Qt.Key.Key_F5)
        assert vac.banner.kind == "ok", vac.banner.text()
        shot(window, "inject-done")

        # observation: seat (F2), 30 minutes, the exit scan of the queue number
        clock.advance(minutes=1)
        obs = shift("qian", "5794", "observe")
        qtbot.waitUntil(lambda: obs.waiting.count() == 1, timeout=3000)
        key(window, Qt.Key.Key_F2)
        assert obs.banner.kind == "ok", obs.banner.text()
        assert obs.seat_no.text() == "1"
        shot(window, "observe-seated")
        clock.advance(minutes=30)
        assert focused() is obs.code
        gun(qtbot, focused(), "A001")
        assert obs.banner.kind == "ok", obs.banner.text()
        shot(window, "observe-released")
        checked["header"] = window.header.counts.text()
        checked["status"] = day_status(store, hub.today())

    monkeypatch.setattr(type(station_qapp), "exec", morning)
    assert appmod.run(data, "zh", config=data) == 0

    # --- 6. what the station holds ------------------------------------------------------------
    store = Store.open(data / "station.sqlite3")
    try:
        person = store.one("SELECT * FROM people WHERE id_number = ?", [BOOKED[1]])
        visit = store.one("SELECT * FROM visits WHERE person_id = ?", [person["person_id"]])
        assert visit["state"] == "released"
        doses = store.all("SELECT * FROM doses WHERE source = 'here'")
        assert [(d["visit_id"], d["lot_no"]) for d in doses] == [(visit["visit_id"], LOT)]
        lot = stock.lot(store, LOT)
        assert lot["doses_left"] == CARTON_VIALS - 1
        walk_in = store.one(
            "SELECT v.state FROM visits v JOIN people p USING (person_id) WHERE p.id_number = ?",
            [WALK_IN[1]],
        )
        assert walk_in["state"] == "screened" or walk_in["state"] == "signed_in"
        status = checked["status"]
        assert status["injected"] == 1 and status["released"] == 1, status
        assert status["doses_left"] == CARTON_VIALS - 1, status
        header = str(checked["header"])
        assert "已接种 1" in header and f"剩余疫苗 {CARTON_VIALS - 1} 剂" in header, header
    finally:
        store.close()
