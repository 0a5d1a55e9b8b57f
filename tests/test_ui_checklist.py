"""The daily checklist on screen (#15): ticked on the admin page's Today tab, recorded as events with
staff and time, shown in the day report; the desks' header reminds after the opening time until it
is done; it never blocks a person going through."""

from __future__ import annotations

import subprocess
from datetime import timedelta

from station import bookings, checklist, stock
from station.reports.dayreport import write_day_report
from station.store import Store
from tests.conftest import DAY, add_staff, new_person, proven
from tests.domainkit import drive


def _pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _admin_page(make_hub, qtbot):
    from ui.pages.admin import AdminPage

    page = AdminPage(make_hub("admin1", ("admin",)))
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    return page


def test_ticked_on_the_today_tab_recorded_and_reported(make_hub, qtbot, store, clock, tmp_path):
    page = _admin_page(make_hub, qtbot)
    assert page.tabs.currentIndex() == 0  # the Today tab (Alt+1) carries the checklist
    items = checklist.load_items()
    for item in ("disinfect_signin", "staff_temperature", "one_metre_line"):
        check = page.checklist_checks[item]
        assert check.isVisible()
        check.click()
        clock.advance(minutes=5)
    page.checklist_checks["one_metre_line"].click()  # taken back
    events = store.all("SELECT type, staff_id, payload FROM events WHERE type LIKE 'Checklist%' ORDER BY seq")
    assert [e["type"] for e in events] == ["ChecklistItemTicked"] * 3 + ["ChecklistItemUnticked"]
    assert {e["staff_id"] for e in events} == {"admin1"}
    assert '"at":"2026-11-26T08:05:00+08:00"' in events[1]["payload"]
    check = page.checklist_checks["staff_temperature"]
    assert check.isChecked() and "Staff admin1" in check.text() and "08:05" in check.text()
    assert not page.checklist_checks["one_metre_line"].isChecked()
    assert page.checklist_status.text() == f"{len(items) - 2} 项未完成"

    out = tmp_path / "day.pdf"
    figures = write_day_report(store, DAY, out)
    assert [r["item"] for r in figures["checklist"] if r["done"]] == ["disinfect_signin", "staff_temperature"]
    text = _pdf_text(out)
    assert "每日检查（2/9）" in text
    assert "签到区消毒" in text and "Staff admin1 (admin1)" in text and "08:05" in text
    assert "未完成 7 项：" in text and "一米线已设置" in text


def test_a_desk_reminds_after_the_opening_time_until_done(make_hub, qtbot, store, clock):
    from ui.header import Header

    hub = make_hub("sign1", ("signin",))
    hub.settings.opening_time = "09:00"
    header = Header(hub)
    qtbot.addWidget(header)
    header.show()
    assert header.checklist_reminder.isHidden()  # 08:00: before the opening
    clock.advance(hours=1, minutes=1)
    header.refresh_sync()  # the clock passes the opening with no record changing
    assert header.checklist_reminder.isVisible()
    assert header.checklist_reminder.text() == "每日检查：9 项未完成"
    assert "冰箱温度已记录" in header.checklist_reminder.toolTip()
    admin = proven(store)
    for item in checklist.load_items():
        checklist.tick(store, staff_id=admin, item=item.id)
    header.refresh()
    assert header.checklist_reminder.isHidden()


def test_the_checklist_blocks_nothing(store, clock, booked):
    """Nothing ticked, past the opening: a person still goes all the way through."""
    clock.advance(hours=2)
    assert checklist.missing(store, DAY)
    drive(store, clock, booked, "released")


def test_a_fresh_site_ticks_its_checklist_and_a_person_goes_through(tmp_path, clock):
    site = Store.open(tmp_path / "fresh" / "station.sqlite3", origin="fresh-a", now=clock)
    try:
        add_staff(site)  # set-up: the first admin, then the staff
        stock.receive(site, staff_id=proven(site), lot_no="LOT-A", product="sinopharm_bbibp",
                      expiry=DAY + timedelta(days=90), vials=5)  # fmt: skip
        for item in checklist.load_items():
            checklist.tick(site, staff_id=proven(site, "sign1"), item=item.id, note="ok")
        assert checklist.missing(site, DAY) == []
        visit = bookings.add_booking(site, new_person(), DAY, "08:00-08:30", staff_id="admin1")
        drive(site, clock, visit, "released")
        assert (
            site.scalar(
                "SELECT count(*) FROM checklist WHERE day = ? AND staff_id = 'sign1'", [DAY.isoformat()]
            )
            == 9
        )
    finally:
        site.close()
