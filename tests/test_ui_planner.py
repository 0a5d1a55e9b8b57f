"""The site planner in the admin page's Reports tab (#16): the advice for tomorrow is simulated in
the worker thread, drawn as queues per half hour simulated against recorded, with a slot plan."""

from __future__ import annotations

import os
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from station import bookings, demo
from station.planner import report as reportmod
from tests.conftest import DAY, new_person, proven

pytestmark = pytest.mark.usefixtures("fast_pins")
SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


@pytest.fixture
def page(make_hub, qtbot):
    from ui.pages.admin import AdminPage

    hub = make_hub("admin1", ("admin",))
    page = AdminPage(hub)
    qtbot.addWidget(page)
    page.resize(1366, 740)
    page.show()
    return page


def open_planner(page, qtbot):
    panel = page.reports_panel
    page.tabs.setCurrentWidget(panel)
    panel.sections.setCurrentWidget(panel.planner)
    return panel.planner


def test_the_planner_shows_tomorrows_advice_from_the_worker_thread(page, qtbot, store, monkeypatch):
    demo.load(store, DAY, by=proven(store))
    threads = []
    real = reportmod.advice

    def spy(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr("ui.pages.planner_panel.advice", spy)
    planner = open_planner(page, qtbot)
    qtbot.waitUntil(lambda: planner.result is not None, timeout=60_000)
    assert threads and threads[0] is not threading.main_thread()
    # nobody booked for tomorrow yet: the demo day's own bookings simulated beside its records
    result = planner.result
    tomorrow = (DAY + timedelta(days=1)).isoformat()
    assert (result["day"], result["tomorrow"], result["tomorrow_booked"]) == (DAY.isoformat(), tomorrow, 0)
    assert planner.title.text() == f"明天（{tomorrow}）的安排建议，依据 {DAY.isoformat()} 的记录"
    assert "明天还没有预约" in planner.summary.text()
    assert "瓶颈环节：预检" in planner.summary.text()
    starts = {h["start"] for h in planner.chart.simulated}
    assert {"08:00", "12:00", "18:00"} <= starts
    assert any(h["queue"]["prescreen"] > 0.5 for h in planner.chart.simulated)
    assert any(h["queue"]["prescreen"] > 0.5 for h in planner.chart.recorded)
    assert planner.slots.rowCount() == 22
    assert sum(int(planner.slots.item(i, 1).text()) for i in range(22)) == 1005
    assert planner.desks.text().startswith("建议台数：签到 ")
    assert planner.banner.kind == "ok" and "1005 人的放号方案" in planner.banner.text()
    planner.grab()
    if os.environ.get("STATION_SHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.grab().save(str(SHOTS / "planner_zh.png"))
    # tomorrow's bookings come in: the button simulates them, with another target
    for i in range(40):
        slot = "08:00-08:30" if i < 20 else "08:30-09:00"
        bookings.add_booking(store, new_person(f"明{i}"), DAY + timedelta(days=1), slot, staff_id="admin1")
    planner.target.setValue(0.5)
    before = planner.result
    planner.run_button.click()
    qtbot.waitUntil(lambda: planner.result is not before, timeout=60_000)
    assert len(threads) == 2 and threads[1] is not threading.main_thread()
    assert planner.result["tomorrow_booked"] == 40
    assert planner.result["plan"]["target_wait"] == 0.5
    assert "按该日的台数和座位模拟明天的 40 个预约" in planner.summary.text()
    rows = [
        (planner.slots.item(i, 0).text(), int(planner.slots.item(i, 1).text()))
        for i in range(planner.slots.rowCount())
    ]
    assert [r[0] for r in rows] == ["08:00-08:30", "08:30-09:00"]
    assert sum(r[1] for r in rows) == 40
    # the tab does not simulate again on every refresh the same day
    page.reports_panel.refresh()
    assert len(threads) == 2


def test_a_station_without_records_says_so(page, qtbot):
    planner = open_planner(page, qtbot)
    qtbot.waitUntil(lambda: planner.banner.kind == "error", timeout=30_000)
    assert "没有签到记录" in planner.banner.text()
    assert planner.run_button.isEnabled()
    assert planner.result is None
