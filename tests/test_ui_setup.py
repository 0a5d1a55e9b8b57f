"""First-run set-up as a new site's admin meets it: the PIN asked twice, a refused PIN cleared, and a
recovery code (shown once, kept only as a hash) that gets a site back in when its only admin forgot
the PIN, from the login box or the terminal."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from station import staff as staffmod
from station.errors import DomainError
from station.settings import Settings
from station.store import Store
from ui.qt import Qt

pytestmark = pytest.mark.usefixtures("fast_pins")

CODE = re.compile(r"^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$")


@pytest.fixture
def empty_hub(station_qapp, tmp_path):
    from ui.hub import StationHub

    store = Store.open(tmp_path / "new" / "station.sqlite3")
    hub = StationHub(store, Settings(), poll_ms=50)
    yield hub
    hub.close()
    store.close()


def first_run(empty_hub, qtbot):
    from ui.dialogs import FirstRunDialog

    dialog = FirstRunDialog(empty_hub)
    qtbot.addWidget(dialog)
    dialog.site.insert("体育馆临时接种点")
    dialog.station_id.setText("gym-1")
    dialog.admin_id.setText("zhang")
    dialog.admin_name.insert("张站长")
    dialog.show()
    return dialog


def type_pins(qtbot, dialog, first: str, second: str) -> None:
    dialog.admin_pin.clear()
    dialog.admin_pin2.clear()
    qtbot.keyClicks(dialog.admin_pin, first)
    qtbot.keyClicks(dialog.admin_pin2, second)


def set_up(empty_hub, qtbot, pin: str = "135790") -> str:
    """A new site set up through the dialog; returns the recovery code it showed."""
    dialog = first_run(empty_hub, qtbot)
    type_pins(qtbot, dialog, pin, pin)
    dialog.accept()
    code = dialog.recovery_code
    dialog.written_down.setChecked(True)
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    return code


def test_a_refused_pin_is_cleared_so_the_next_one_is_typed_afresh(empty_hub, qtbot):
    dialog = first_run(empty_hub, qtbot)
    type_pins(qtbot, dialog, "12", "12")  # too short
    dialog.accept()
    assert dialog.banner.kind == "error" and "4" in dialog.banner.text()
    assert dialog.admin_pin.text() == "" and dialog.admin_pin2.text() == ""
    assert dialog.admin_pin.hasFocus() or dialog.focusWidget() is dialog.admin_pin
    # what the admin types next is the whole PIN, not "12" + it
    qtbot.keyClicks(dialog.admin_pin, "135790")
    qtbot.keyClicks(dialog.admin_pin2, "135790")
    dialog.accept()
    assert staffmod.login(empty_hub.store, "zhang", "135790").roles == ("admin",)


def test_the_pin_is_asked_twice_and_a_mismatch_clears_both(empty_hub, qtbot):
    dialog = first_run(empty_hub, qtbot)
    type_pins(qtbot, dialog, "135790", "135709")
    dialog.accept()
    assert dialog.banner.kind == "error"
    assert dialog.admin_pin.text() == "" and dialog.admin_pin2.text() == ""
    assert not empty_hub.store.scalar("SELECT count(*) FROM staff")  # nobody created with a PIN not meant
    assert dialog.result() != dialog.DialogCode.Accepted


def test_set_up_shows_a_recovery_code_once_and_wants_it_written_down(empty_hub, qtbot):
    dialog = first_run(empty_hub, qtbot)
    type_pins(qtbot, dialog, "135790", "135790")
    dialog.accept()
    code = dialog.recovery_code
    assert CODE.match(code), code
    assert dialog.code_label.text() == code and dialog.code_label.isVisible()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert not dialog.ok_button.isEnabled()  # not before "I have written it down"
    dialog.reject()  # Esc / Cancel cannot drop the code unseen: the admin already exists
    assert dialog.isVisible()
    assert dialog.written_down.hasFocus() or dialog.focusWidget() is dialog.written_down
    qtbot.keyClick(dialog.written_down, Qt.Key.Key_Space)
    assert dialog.written_down.isChecked() and dialog.ok_button.isEnabled()
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    # only a hash is kept, nowhere the code itself
    store = empty_hub.store
    assert staffmod.has_recovery_code(store)
    values = [r["value"] for r in store.all("SELECT value FROM meta")]
    raw = code.replace("-", "")
    assert not any(raw in v or code in v for v in values)
    assert not any(raw in e.payload.__repr__() for e in store.events())


def test_a_forgotten_admin_pin_is_recovered_from_the_login_box(empty_hub, qtbot, monkeypatch):
    from ui.dialogs import LoginDialog, RecoveryDialog

    code = set_up(empty_hub, qtbot)
    new_codes: list[str] = []

    def recover(dialog: RecoveryDialog) -> int:
        assert dialog.staff_id.text() == "zhang"  # carried over from the login box
        qtbot.keyClicks(dialog.code, "AAAA-BBBB-CCCC-DDDD")
        qtbot.keyClicks(dialog.pin, "8642")
        qtbot.keyClicks(dialog.pin2, "8642")
        dialog.accept()
        assert dialog.banner.kind == "error" and dialog.result() != dialog.DialogCode.Accepted
        dialog.code.clear()
        qtbot.keyClicks(dialog.code, code.lower().replace("-", " "))  # as read back off the paper
        qtbot.keyClicks(dialog.pin, "8642")
        qtbot.keyClicks(dialog.pin2, "8642")
        dialog.accept()
        # the used code is spent: a new one is shown once, to be written down
        assert CODE.match(dialog.recovery_code) and dialog.recovery_code != code
        assert dialog.code_label.text() == dialog.recovery_code and not dialog.ok_button.isEnabled()
        new_codes.append(dialog.recovery_code)
        dialog.written_down.setChecked(True)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(RecoveryDialog, "exec", recover)
    login = LoginDialog(empty_hub)
    qtbot.addWidget(login)
    login.show()
    qtbot.keyClicks(login.staff_id, "zhang")
    qtbot.keyClicks(login.pin, "0000")
    qtbot.keyClick(login.pin, Qt.Key.Key_Return)
    assert empty_hub.staff is None
    qtbot.mouseClick(login.forgot_button, Qt.MouseButton.LeftButton)
    assert new_codes and login.result() == LoginDialog.DialogCode.Accepted
    assert empty_hub.staff_id == "zhang"  # logged in with the new PIN
    store = empty_hub.store
    assert staffmod.login(store, "zhang", "8642")
    with pytest.raises(DomainError):
        staffmod.login(store, "zhang", "135790")
    (event,) = [e for e in store.events() if e.type == "StaffChanged"]
    assert event.payload["recovered"] is True and event.staff_id == "zhang"
    with pytest.raises(DomainError) as spent:
        staffmod.recover(store, "zhang", code, "9999")
    assert spent.value.code == "recovery_code_wrong"
    staffmod.recover(store, "zhang", new_codes[0], "9999")


def test_recovery_is_refused_without_a_code_or_for_a_non_admin(store, fast_pins):
    with pytest.raises(DomainError) as none:
        staffmod.recover(store, "admin1", "AAAA-BBBB-CCCC-DDDD", "1357")
    assert none.value.code == "recovery_not_set"
    code = staffmod.new_recovery_code(store)
    with pytest.raises(DomainError) as not_admin:
        staffmod.recover(store, "sign1", code, "1357")
    assert not_admin.value.code == "recovery_not_admin"
    with pytest.raises(DomainError) as weak:
        staffmod.recover(store, "admin1", code, "12")
    assert weak.value.code == "pin_too_weak"
    member, again = staffmod.recover(store, "admin1", code, "1357")  # refusals did not spend it
    assert member.staff_id == "admin1" and again != code


def test_station_staff_recover_from_the_terminal(tmp_path, fast_pins):
    from station.cli import cli

    data = tmp_path / "data"
    store = Store.open(data / "station.sqlite3")
    staffmod.add(store, "zhang", "张站长", ["admin"], "135790", by="setup")
    code = staffmod.new_recovery_code(store)
    store.close()
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--data", str(data), "staff", "recover", "zhang"], input=f"{code}\n4826\n4826\n"
    )
    assert result.exit_code == 0, result.output
    shown = re.findall(CODE.pattern.strip("^$"), result.output)
    assert shown and shown[-1] != code
    store = Store.open(data / "station.sqlite3")
    assert staffmod.login(store, "zhang", "4826")
    store.close()
    again = runner.invoke(
        cli, ["--data", str(data), "staff", "recover", "zhang"], input=f"{code}\n4826\n4826\n"
    )
    assert again.exit_code == 2 and "恢复码" in again.output
