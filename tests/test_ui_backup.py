"""The window's backups: the timer takes one when due, the admin's panel shows each with its check and
backs up on demand, off the UI thread."""

from __future__ import annotations

import pytest

from station import backup, bookings
from station.settings import Settings
from tests.conftest import DAY, new_person
from ui.backup_panel import BackupPanel, Backups, BackupTimer

pytestmark = pytest.mark.usefixtures("fast_pins")


def test_the_panel_backs_up_now_and_shows_the_check(qtbot, station_qapp, store, tmp_path):
    settings = Settings(backup_minutes=15, backup_keep=4)
    backups = Backups(tmp_path, settings)
    panel = BackupPanel(backups, "en")
    qtbot.addWidget(panel)
    assert panel.last.text() == "No backup yet"
    assert "every 15 minutes" in panel.plan.text() and "last 4" in panel.plan.text()
    with qtbot.waitSignal(backups.backup_did_finish, timeout=20_000) as finished:
        bookings.add_booking(store, new_person(), DAY, "08:00-08:30", staff_id="admin1")
        panel.button.click()
    [result] = finished.args[0]
    assert result["ok"] and result["reason"] == "manual"
    qtbot.waitUntil(lambda: panel.button.isEnabled())
    events = store.scalar("SELECT count(*) FROM events")
    assert panel.last.text().startswith("Last backup") and f"{events} events, checked" in panel.last.text()
    assert panel.table.rowCount() == 1
    assert [panel.table.item(0, c).text() for c in (2, 3, 4)] == [str(events), "OK", "by hand"]


def test_a_failed_backup_shows_its_reason(qtbot, station_qapp, store, tmp_path):
    settings = Settings(backup_dir=str(tmp_path / "unplugged-stick" / "backups"))
    backups = Backups(tmp_path, settings)
    panel = BackupPanel(backups, "zh")
    qtbot.addWidget(panel)
    with qtbot.waitSignal(backups.backup_did_finish, timeout=20_000):
        panel.back_up_now()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 2)
    assert "U 盘" in panel.last.text()  # the newest entry: the stick that is not there
    assert panel.table.item(1, 3).text() == "通过"


def test_the_timer_backs_up_when_due_and_not_before(qtbot, station_qapp, store, tmp_path):
    backups = Backups(tmp_path, Settings(backup_minutes=30))
    timer = BackupTimer(backups, every_ms=50)
    with qtbot.waitSignal(backups.backup_did_finish, timeout=20_000) as finished:
        timer.start()
    timer.stop()
    assert finished.args[0][0]["reason"] == "timer"
    assert not timer.tick()  # a good one just now: not due for 30 minutes
    backups.settings.backup_minutes = 0
    assert not backup.due(tmp_path, 0) and not timer.tick()
    assert len(backup.read_index(tmp_path / "backups")) == 1


def test_the_panel_for_a_hub_shares_the_window_s_backups(qtbot, make_hub):
    hub = make_hub("admin1", ("admin",))
    timer = BackupTimer.for_hub(hub)
    try:
        panel = BackupPanel.for_hub(hub)
        qtbot.addWidget(panel)
        assert panel.backups is hub.backups is timer.backups
    finally:
        timer.stop()


def test_the_admin_page_tab(qtbot, make_hub):
    from ui.qt import QTabWidget

    hub = make_hub("admin1", ("admin",))
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tabs.addTab(QTabWidget(), "first")
    timer = BackupTimer.for_hub(hub)
    try:
        panel = BackupPanel.add_to(tabs, hub)
        assert tabs.count() == 2 and tabs.tabText(1) == "数据库备份 (Alt+2)"
        assert panel.backups is timer.backups  # the timer made first, the panel after: one runner
    finally:
        timer.stop()
