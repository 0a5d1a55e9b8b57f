"""Importing bookings from the admin page: choose the file, see what would be imported and every bad
row with its line and reason before anything is stored, then import (the same path as
`station import-bookings`)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from station.identity import make_resident_id
from tests.conftest import DAY
from ui.qt import QFileDialog, Qt

pytestmark = pytest.mark.usefixtures("fast_pins")

HEADER = ["姓名", "身份证号", "手机号", "预约日期", "时段", "单位"]
D = DAY.isoformat()


def ids(n: int) -> list[str]:
    return [make_resident_id("110105", date(1980 + i, 3, 9), 200 + i) for i in range(n)]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([HEADER, *rows])
    return path


@pytest.fixture
def bookings_file(tmp_path) -> Path:
    a, b, c = ids(3)
    bad_id = a[:-1] + ("0" if a[-1] != "0" else "1")  # the check digit is wrong
    return write_csv(
        tmp_path / "预约名单.csv",
        [
            ["王芳", a, "13812345678", D, "08:00-08:30", "街道办"],
            ["李强", b, "13912345678", D, "08:30-09:00", ""],
            ["赵敏", bad_id, "13712345678", D, "09:00-09:30", ""],  # line 4
            ["陈晨", c, "", D, "09:00-09:30", ""],  # line 5: no mobile
            ["周杰", ids(4)[3], "13612345678", D, "09:30-10:00", ""],
        ],
    )


@pytest.fixture
def panel(make_hub, qtbot):
    from ui.pages.admin import AdminPage

    hub = make_hub("admin1", ("admin",))
    page = AdminPage(hub)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.tabs.setCurrentWidget(page.bookings_panel)
    return page.bookings_panel


def visits(store) -> int:
    return store.scalar("SELECT count(*) FROM visits")


def test_choosing_a_file_previews_it_and_stores_nothing(panel, qtbot, store, bookings_file, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bookings_file), ""))
    before = visits(store)
    qtbot.mouseClick(panel.choose_button, Qt.MouseButton.LeftButton)
    assert panel.file_label.text().endswith("预约名单.csv")
    assert panel.good_table.rowCount() == 3
    names = [panel.good_table.item(i, 1).text() for i in range(3)]
    assert names == ["王芳", "李强", "周杰"]
    assert "*" in panel.good_table.item(0, 2).text()  # ID numbers masked on screen
    assert panel.bad_table.rowCount() == 2
    lines = [panel.bad_table.item(i, 0).text() for i in range(2)]
    assert lines == ["4", "5"]
    reasons = [panel.bad_table.item(i, 1).text() for i in range(2)]
    assert all(reasons) and "手机" in reasons[1]
    assert "3" in panel.summary.text() and "2" in panel.summary.text()
    assert visits(store) == before  # a preview stores nothing
    # with bad rows, Import waits until the admin chooses to skip them (as --skip-bad)
    assert not panel.import_button.isEnabled()
    panel.skip_bad.setChecked(True)
    assert panel.import_button.isEnabled()


def test_import_after_the_preview_stores_the_good_rows_and_says_so(panel, qtbot, store, bookings_file):
    before = visits(store)
    panel.preview(bookings_file)
    panel.skip_bad.setChecked(True)
    qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    assert visits(store) == before + 3
    assert panel.banner.kind == "ok" and "3" in panel.banner.text()
    events = [e for e in store.events() if e.type == "BookingAdded"]
    assert len(events) >= 3 and events[-1].staff_id == "admin1"
    assert not panel.import_button.isEnabled()  # done: a second click does not import again
    # the same file again: already booked, nothing added twice
    panel.preview(bookings_file)
    panel.skip_bad.setChecked(True)
    qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    assert visits(store) == before + 3 and "3" in panel.banner.text()


def test_a_clean_xlsx_imports_without_ticking_anything(panel, qtbot, store, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for i, number in enumerate(ids(2)):
        ws.append([f"测试{i}", number, "13812345678", D, "10:00-10:30", ""])
    path = tmp_path / "bookings.xlsx"
    wb.save(path)
    before = visits(store)
    panel.preview(path)
    assert panel.good_table.rowCount() == 2 and panel.bad_table.rowCount() == 0
    assert panel.import_button.isEnabled() and not panel.skip_bad.isVisible()
    qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    assert visits(store) == before + 2


def test_an_unreadable_file_is_refused_with_the_reason(panel, qtbot, store, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("hello,world\n1,2\n", encoding="utf-8")
    panel.preview(path)
    assert panel.banner.kind == "error" and panel.banner.text()
    assert panel.good_table.rowCount() == 0 and not panel.import_button.isEnabled()


def test_a_person_already_booked_under_another_name_is_a_bad_row_in_the_preview(panel, store, tmp_path):
    """The same ID number under another name than the one the station holds is shown as a bad row
    before anything is stored (the same check as `station import-bookings`)."""
    (a,) = ids(1)
    panel.preview(write_csv(tmp_path / "first.csv", [["王芳", a, "13812345678", D, "08:00-08:30", ""]]))
    panel.import_button.click()
    before = visits(store)
    panel.preview(write_csv(tmp_path / "second.csv", [["王小芳", a, "13812345678", D, "08:00-08:30", ""]]))
    assert panel.good_table.rowCount() == 0 and panel.bad_table.rowCount() == 1
    assert panel.bad_table.item(0, 0).text() == "2"
    assert "王芳" in panel.bad_table.item(0, 1).text()
    assert visits(store) == before
