"""The admin's Settings tab: what a site otherwise changes by editing settings.json, checked as typed,
saved atomically and applied at once."""

from __future__ import annotations

import json

import pytest

from station.settings import Settings
from ui.qt import Qt

pytestmark = pytest.mark.usefixtures("fast_pins")


@pytest.fixture
def admin(make_hub, qtbot, tmp_path):
    from ui.pages.admin import AdminPage

    hub = make_hub("admin1", ("signin", "observe", "admin"))
    folder = tmp_path / "station"
    hub.settings_saver = lambda: hub.settings.save(folder)
    page = AdminPage(hub)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    return page, hub, folder


def open_settings(qtbot, page):
    panel = page.settings_panel
    page.tabs.setCurrentWidget(panel)
    assert panel.isVisible()
    return panel


def retype(qtbot, edit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def test_the_settings_tab_shows_this_laptops_settings(admin, qtbot):
    page, hub, _ = admin
    panel = open_settings(qtbot, page)
    s = hub.settings
    assert panel.fields["seats"].text() == str(s.seats)
    assert panel.fields["idle_lock_minutes"].text() == str(s.idle_lock_minutes)
    assert panel.fields["queue_prefix"].text() == s.queue_prefix
    assert panel.slip_size.currentData() == s.slip_size
    assert panel.health_code_rule.currentData() == s.health_code_rule
    assert panel.printer.itemData(0) == ""  # the system's default printer, always offered
    assert panel.printer.currentData() == ""
    assert not panel.save_button.isEnabled()  # nothing changed yet


@pytest.mark.parametrize(
    ("field", "bad", "good"),
    [
        ("seats", "0", "120"),
        ("seats", "abc", "80"),
        ("idle_lock_minutes", "600", "10"),
        ("queue_prefix", "AB", "b"),
        ("queue_prefix", "1", "C"),
        ("emergency_phone", "call me", "010-6512 0120"),
        ("stock_margin_doses", "-5", ""),
        ("opening_time", "7.30", "07:30"),
        ("opening_time", "25:00", ""),
        ("booking_url", "yuyue.example.cn", "https://yuyue.example.cn/site1"),
        ("correction_window_minutes", "1441", "0"),
        ("clock_margin_hours", "0", "48"),
    ],
)
def test_a_bad_value_is_marked_as_typed_and_save_waits_with_the_reason(admin, qtbot, field, bad, good):
    page, hub, folder = admin
    panel = open_settings(qtbot, page)
    edit = panel.fields[field]
    retype(qtbot, edit, bad)
    reason = panel.reasons[field]
    assert reason.isVisible() and reason.text()
    assert edit.property("invalid") is True
    assert not panel.save_button.isEnabled()
    assert reason.text() in panel.save_reason.text()  # Save says why it waits
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert not (folder / "settings.json").exists()
    retype(qtbot, edit, good)
    assert not reason.isVisible() and edit.property("invalid") is False
    assert panel.save_button.isEnabled() is panel.changed()  # back to a good value: Save as usual


def test_save_writes_the_file_and_applies_at_once(admin, qtbot):
    page, hub, folder = admin
    panel = open_settings(qtbot, page)
    retype(qtbot, panel.fields["seats"], "60")
    retype(qtbot, panel.fields["idle_lock_minutes"], "15")
    retype(qtbot, panel.fields["queue_prefix"], "b")
    retype(qtbot, panel.fields["emergency_phone"], "120")
    retype(qtbot, panel.fields["stock_margin_doses"], "30")
    panel.slip_size.setCurrentIndex(panel.slip_size.findData("a6"))
    panel.health_code_rule.setCurrentIndex(panel.health_code_rule.findData("green_required"))
    assert panel.save_button.isEnabled()
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    s = hub.settings
    assert (s.seats, s.idle_lock_minutes, s.queue_prefix, s.emergency_phone) == (60, 15, "B", "120")
    assert (s.stock_margin_doses, s.slip_size, s.health_code_rule, s.printer) == (
        30,
        "a6",
        "green_required",
        None,
    )
    assert hub._idle.interval() == 15 * 60_000  # the idle lock follows now, not at the next start
    saved = json.loads((folder / "settings.json").read_text(encoding="utf-8"))
    assert (
        saved["seats"] == 60
        and saved["queue_prefix"] == "B"
        and saved["health_code_rule"] == "green_required"
    )
    assert Settings.load(folder) == s
    assert not list(folder.glob(".settings-*"))  # written through a temp file, renamed over
    assert page.banner.kind == "ok"
    assert not panel.save_button.isEnabled()  # saved: nothing left to save
    assert panel.fields["queue_prefix"].text() == "B"


def test_the_sites_day_settings_are_typed_here_and_reach_the_checklist_signs_and_sync(admin, qtbot):
    """Opening time (the checklist's reminder), the booking page (the sign's QR), the correction
    window and the clock margin: set on the tab, not by editing settings.json."""
    from station import checklist

    page, hub, folder = admin
    panel = open_settings(qtbot, page)
    retype(qtbot, panel.fields["opening_time"], "08:15")
    retype(qtbot, panel.fields["booking_url"], "https://yuyue.example.cn/site1")
    retype(qtbot, panel.fields["correction_window_minutes"], "10")
    retype(qtbot, panel.fields["clock_margin_hours"], "48")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    s = hub.settings
    assert (s.opening_time, s.booking_url, s.correction_window_minutes, s.clock_margin_hours) == (
        "08:15", "https://yuyue.example.cn/site1", 10, 48
    )
    assert Settings.load(folder) == s
    assert hub.store.clock_margin_hours == 48  # the next ingest uses it
    assert checklist.opening_time(s.opening_time, hub.rules.site).strftime("%H:%M") == "08:15"


def test_a_printer_not_found_any_more_stays_chosen_and_says_so(make_hub, qtbot):
    from ui.pages.settings_page import SettingsPanel
    from ui.widgets import Banner

    hub = make_hub("admin1", ("admin",))
    hub.settings.printer = "Thermal-80 (gone)"
    panel = SettingsPanel(hub, Banner(), go_to_sync=lambda: None)
    qtbot.addWidget(panel)
    assert panel.printer.currentData() == "Thermal-80 (gone)"
    assert (
        "Thermal-80 (gone)" in panel.printer.currentText()
        and panel.printer.currentText() != "Thermal-80 (gone)"
    )


def test_the_hub_link_opens_the_sync_tab(admin, qtbot):
    page, _hub, _ = admin
    panel = open_settings(qtbot, page)
    qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    assert page.tabs.currentWidget() is page.sync_panel
