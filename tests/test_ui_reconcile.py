"""The admin's Sync tab: "does the district hold everything?", checked off the UI thread against a real
hub, what is missing per laptop, and closing the day (refused while something is missing, allowed
after sync; offline with the export file). State and numbers are checked, not wording."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest

from station import dayclose, signin
from station.settings import Settings
from station.store import Store
from tests.conftest import DAY, PIN
from tests.syncbed import Site, first_morning

pytestmark = pytest.mark.usefixtures("fast_pins")


@pytest.fixture
def site(tmp_path, clock):
    s = Site(tmp_path, clock)
    yield s
    s.close()


def panel_for(station_qapp, qtbot, store: Store, staff_id: str = "admin1"):
    from ui.hub import StationHub
    from ui.pages.sync_panel import SyncPanel
    from ui.widgets import Banner

    hub = StationHub(
        store, Settings(site_name="测试接种点", station_id=store.origin, desk_roles=["admin"]), poll_ms=50
    )
    hub.login(staff_id, PIN)
    store.trusts_named_staff = False  # from here the window acts, as it runs: with the login's Session only
    banner = Banner()
    panel = SyncPanel(hub, banner)
    qtbot.addWidget(panel)
    qtbot.addWidget(banner)
    panel.show()
    return hub, panel, banner


def test_check_now_shows_what_is_missing_then_complete_and_closes_the_day(site, station_qapp, qtbot):
    admin = site.station("desk-admin")
    visits = first_morning(admin)
    site.sync(admin)
    pushed = admin.version_vector()["desk-admin"]
    for v in visits:
        signin.sign_in(admin, v, staff_id="sign1", desk="S1")  # not pushed yet
    top = admin.version_vector()["desk-admin"]
    hub, panel, banner = panel_for(station_qapp, qtbot, admin)
    try:
        assert panel.result is None and panel.check_button.isEnabled()
        qtbot.mouseClick(panel.check_button, qtbot_left())
        assert not panel.check_button.isEnabled()  # the check runs off the UI thread
        qtbot.waitUntil(lambda: not panel.checking, timeout=20_000)
        assert panel.result["complete"] is False
        assert panel.result["missing"] == {"desk-admin": [[pushed + 1, top]]}
        assert panel.missing_list.count() == 1
        assert f"{pushed + 1}-{top}" in panel.missing_list.item(0).text()
        assert banner.kind == "warn"

        # closing the day as synced is refused while something is missing
        qtbot.mouseClick(panel.close_button, qtbot_left())
        qtbot.waitUntil(lambda: not panel.checking, timeout=20_000)
        assert banner.kind == "error"
        assert dayclose.closings(admin, DAY) == []

        site.sync(admin)
        qtbot.mouseClick(panel.check_button, qtbot_left())
        qtbot.waitUntil(lambda: not panel.checking and panel.result["complete"], timeout=20_000)
        assert panel.missing_list.count() == 0 and banner.kind == "ok"
        newest = admin.conn.execute("SELECT max(recorded_at) FROM events").fetchone()[0]
        assert panel.result["held_until"] == newest
        assert newest[11:16] in panel.reconcile_line.text()

        qtbot.mouseClick(panel.close_button, qtbot_left())
        qtbot.waitUntil(lambda: bool(dayclose.closings(admin, DAY)), timeout=20_000)
        closed = dayclose.closings(admin, DAY)
        assert closed[0]["mode"] == "synced" and closed[0]["staff_id"] == "admin1"
        assert banner.kind == "ok"
        assert not panel.close_button.isEnabled()  # closed once
    finally:
        hub.close()


def test_only_an_admin_closes_the_day(site, station_qapp, qtbot):
    desk = site.station("desk-qd")
    first_morning(desk)
    site.sync(desk)
    hub, panel, banner = panel_for(station_qapp, qtbot, desk, staff_id="sign1")
    try:
        assert not panel.close_button.isEnabled() and not panel.close_offline_button.isEnabled()
        panel.on_close_day()
        assert banner.kind == "error" and dayclose.closings(desk, DAY) == []
    finally:
        hub.close()


def test_close_the_day_offline_with_the_export_file(tmp_path, clock, station_qapp, qtbot):
    desk = Store.open(tmp_path / "alone" / "station.sqlite3", origin="desk-alone", now=clock)
    first_morning(desk)
    hub, panel, banner = panel_for(station_qapp, qtbot, desk)
    try:
        assert not panel.check_button.isEnabled() and not panel.close_button.isEnabled()  # not joined
        qtbot.mouseClick(panel.close_offline_button, qtbot_left())
        assert banner.kind == "error"  # no file given
        junk = tmp_path / "junk.vsday"
        junk.write_bytes(b"not the day's records")
        panel.export_file.setText(str(junk))
        qtbot.mouseClick(panel.close_offline_button, qtbot_left())
        assert banner.kind == "error" and dayclose.closings(desk, DAY) == []  # not a day file
        export = tmp_path / "day.vsday"
        made = subprocess.run(
            [sys.executable, "-m", "station.cli", "--data", str(tmp_path / "alone"), "export", "--day",
             DAY.isoformat(), "--out", str(export), "--site", "site1"],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
        panel.export_file.setText(str(export))
        qtbot.mouseClick(panel.close_offline_button, qtbot_left())
        assert banner.kind == "ok"
        closed = dayclose.closings(desk, DAY)
        assert closed[0]["mode"] == "offline"
        assert closed[0]["export_sha256"] == hashlib.sha256(export.read_bytes()).hexdigest()
        assert closed[0]["export_sha256"][:12] in panel.day_line.text()
        assert not panel.close_offline_button.isEnabled()
    finally:
        hub.close()
        desk.close()


def qtbot_left():
    from ui.qt import Qt

    return Qt.MouseButton.LeftButton
