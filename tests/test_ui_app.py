"""Starting the window: first-run set-up, login, idle lock, the tabs per desk role, the header."""

from __future__ import annotations

import pytest

from station import staff as staffmod
from station.settings import Settings
from station.status import day_status
from station.store import Store
from tests.conftest import PIN
from tests.domainkit import drive
from ui.qt import Qt

pytestmark = pytest.mark.usefixtures("fast_pins")


@pytest.fixture
def empty_hub(station_qapp, tmp_path):
    from ui.hub import StationHub

    store = Store.open(tmp_path / "new" / "station.sqlite3")
    hub = StationHub(store, Settings(), poll_ms=50)
    yield hub
    hub.close()
    store.close()


def test_first_run_names_the_station_and_creates_the_first_admin(empty_hub, tmp_path, qtbot):
    from ui.dialogs import FirstRunDialog

    dialog = FirstRunDialog(empty_hub)
    qtbot.addWidget(dialog)
    assert dialog.need_admin
    dialog.site.insert("体育馆临时接种点")
    dialog.station_id.setText("gym-1")
    dialog.desk.setText("3")
    for role, box in dialog.roles.items():
        box.setChecked(role in ("signin", "prescreen"))
    dialog.admin_id.setText("zhang")
    dialog.admin_name.insert("张站长")
    dialog.admin_pin.setText("12")  # too short: refused, the dialog stays open
    dialog.admin_pin2.setText("12")
    dialog.accept()
    assert dialog.result() != FirstRunDialog.DialogCode.Accepted
    assert dialog.banner.kind == "error" and "4" in dialog.banner.text()
    dialog.admin_pin.setText("135790")
    dialog.admin_pin2.setText("135790")
    dialog.accept()
    dialog.written_down.setChecked(True)  # the recovery code it showed (tests/test_ui_setup.py)
    dialog.accept()
    assert dialog.result() == FirstRunDialog.DialogCode.Accepted
    s = empty_hub.settings
    assert (s.site_name, s.station_id, s.desk, s.desk_roles) == (
        "体育馆临时接种点",
        "gym-1",
        "3",
        ["signin", "prescreen"],
    )
    assert empty_hub.store.origin == "gym-1"
    assert staffmod.login(empty_hub.store, "zhang", "135790").roles == ("admin",)
    path = s.save(tmp_path / "config")
    assert Settings.load(tmp_path / "config") == s and path.exists()


def test_first_run_needs_a_site_and_a_desk(empty_hub, qtbot):
    from ui.dialogs import FirstRunDialog

    dialog = FirstRunDialog(empty_hub)
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.banner.kind == "error"
    dialog.site.insert("街道接种点")
    for box in dialog.roles.values():
        box.setChecked(False)
    dialog.accept()
    assert dialog.banner.kind == "error" and dialog.result() != FirstRunDialog.DialogCode.Accepted


def test_login_refuses_a_wrong_pin_then_accepts(make_hub, qtbot):
    from ui.dialogs import LoginDialog

    hub = make_hub("sign1")
    hub.logout()
    dialog = LoginDialog(hub)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.staff_id, "sign1")
    qtbot.keyClick(dialog.staff_id, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.pin, "0000")
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    assert hub.staff is None and dialog.banner.kind == "error" and dialog.pin.text() == ""
    qtbot.keyClicks(dialog.pin, PIN)
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    assert hub.staff_id == "sign1" and dialog.result() == LoginDialog.DialogCode.Accepted


def test_idle_lock_logs_out(make_hub, qtbot):
    hub = make_hub("sign1")
    hub._idle.setInterval(50)  # minutes in the field; milliseconds here
    hub.touch()
    with qtbot.waitSignal(hub.idle_did_lock, timeout=2000):
        pass
    assert hub.staff is None


def test_main_window_has_a_tab_per_desk_role_and_a_live_header(make_hub, qtbot, store, clock, booked):
    from ui.mainwindow import MainWindow

    hub = make_hub("admin1", ("signin", "prescreen", "admin"))
    window = MainWindow(hub, ask_login=False)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert list(window.pages) == ["signin", "prescreen", "admin"]
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.pages["prescreen"]
    assert "admin1" in window.header.who.text()
    before = window.header.status["signed_in"]
    # another desk (a second connection to the same file) signs someone in: the header follows
    other = Store.open(store.path, now=clock)
    drive(other, clock, booked, "signed_in")
    other.close()
    qtbot.waitUntil(lambda: window.header.status["signed_in"] == before + 1, timeout=3000)
    assert window.header.status == day_status(store, hub.today())
    assert str(before + 1) in window.header.counts.text()


def test_bare_station_command_finds_the_window():
    from station.cli import _gui_command

    assert _gui_command() is not None and _gui_command().name == "gui"


@pytest.mark.parametrize("protect", ["not_encrypted", "encrypted"])
def test_run_first_run_login_window_then_closes_the_station(station_qapp, tmp_path, monkeypatch, protect):
    """`station` from nothing: whether to encrypt, the set-up dialog, the login, the window; settings
    saved, data kept. Encrypted: the file is encrypted from its first page, no name in clear."""
    from station import cipher
    from ui import app as appmod
    from ui.dialogs import FirstRunDialog, LoginDialog
    from ui.mainwindow import MainWindow
    from ui.passphrase import NewStationPassphraseDialog

    shown: list[str] = []
    monkeypatch.setattr(cipher, "_keys", {})  # no passphrase held by this process from other tests
    monkeypatch.setattr(cipher, "keyring_get", lambda path: None)  # nor by this machine's keyring

    def protect_(dialog: NewStationPassphraseDialog) -> int:
        shown.append("encrypt?")
        if protect == "encrypted":
            dialog.passphrase.setText("short")
            dialog.again.setText("short")
            dialog.accept()  # too short: refused, said, still open
            assert dialog.result() != dialog.DialogCode.Accepted and "8" in dialog.banner.text()
            dialog.passphrase.setText("安静的春天早上")
            dialog.again.setText("安静的春天早上!")
            dialog.accept()  # typed differently: refused
            assert dialog.result() != dialog.DialogCode.Accepted
            dialog.passphrase.setText("quiet spring morning")
            dialog.again.setText("quiet spring morning")
            dialog.encrypt_button.click()
        else:
            dialog.plain_button.click()
        return dialog.result()

    def first_run(dialog: FirstRunDialog) -> int:
        dialog.site.insert("商场临时接种点")
        dialog.station_id.setText("mall-1")
        dialog.admin_id.setText("boss")
        dialog.admin_name.insert("王站长")
        dialog.admin_pin.setText("2580")
        dialog.admin_pin2.setText("2580")
        dialog.accept()
        dialog.written_down.setChecked(True)
        dialog.accept()
        shown.append("first_run")
        return dialog.result()

    def login(dialog: LoginDialog) -> int:
        dialog.staff_id.setText("boss")
        dialog.pin.setText("2580")
        dialog.accept()
        shown.append("login")
        return dialog.result()

    windows: list[MainWindow] = []
    monkeypatch.setattr(NewStationPassphraseDialog, "exec", protect_)
    monkeypatch.setattr(FirstRunDialog, "exec", first_run)
    monkeypatch.setattr(LoginDialog, "exec", login)
    monkeypatch.setattr(MainWindow, "show", lambda w: windows.append(w))
    monkeypatch.setattr(type(station_qapp), "exec", lambda app: 0)
    assert appmod.run(tmp_path / "data", "zh", config=tmp_path / "config") == 0
    assert shown == ["encrypt?", "first_run", "login"]
    path = tmp_path / "data" / "station.sqlite3"
    assert cipher.is_encrypted(path) is (protect == "encrypted")
    assert ("王站长".encode() in path.read_bytes()) is (protect != "encrypted")
    assert list(windows[0].pages) == ["signin", "prescreen", "inject", "observe", "admin"]
    saved = Settings.load(tmp_path / "config")
    assert saved.site_name == "商场临时接种点" and saved.station_id == "mall-1" and saved.configured
    store = Store.open(tmp_path / "data" / "station.sqlite3")
    assert store.origin == "mall-1" and staffmod.login(store, "boss", "2580").roles == ("admin",)
    store.close()
    windows[0].close()
