"""The admin page's Reports tab: today's figures and half-hour chart follow the desks; the day report
and the outlook are built, shown, saved and printed (to a PDF file standing in for the printer)."""

from __future__ import annotations

import pdfplumber
import pytest

from station import bookings
from tests.conftest import DAY, new_person
from tests.domainkit import drive
from ui.qt import QPrinter, Qt

pytestmark = pytest.mark.usefixtures("fast_pins")


@pytest.fixture
def page(make_hub, qtbot):
    from ui.pages.admin import AdminPage

    hub = make_hub("admin1", ("admin",))
    page = AdminPage(hub)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    return page


def people(store, clock, slot: str, targets: list[str]) -> None:
    for target in targets:
        v = bookings.add_booking(store, new_person(), DAY, slot, staff_id="admin1")
        drive(store, clock, v, target)


def test_alt_8_opens_the_reports_tab_with_the_days_figures_and_chart(page, qtbot, store, clock):
    people(store, clock, "08:00-08:30", ["released", "injected", "signed_in", "booked"])
    people(store, clock, "08:30-09:00", ["turned_away", "booked"])
    page.refresh()
    qtbot.keyClick(page.focusWidget() or page, Qt.Key.Key_8, Qt.KeyboardModifier.AltModifier)
    panel = page.reports_panel
    assert page.tabs.currentWidget() is panel
    # the figures, counted here straight from the tables
    d = DAY.isoformat()
    booked = store.scalar("SELECT count(*) FROM visits WHERE day = ?", [d])
    vaccinated = store.scalar("SELECT count(DISTINCT visit_id) FROM doses WHERE day = ?", [d])
    away = store.scalar("SELECT count(*) FROM visits WHERE day = ? AND turned_away_at IS NOT NULL", [d])
    assert (booked, vaccinated, away) == (6, 2, 1)
    text = panel.totals.text()
    assert f"预约 {booked}" in text and f"接种 {vaccinated}" in text and f"劝返 {away}" in text
    rows = {r["start"]: r for r in panel.chart.rows}
    assert rows["08:00"]["booked"] == 4 and rows["08:30"]["booked"] == 2
    assert sum(r["injected"] for r in panel.chart.rows) == vaccinated
    assert sum(r["signed_in"] for r in panel.chart.rows) == store.scalar(
        "SELECT count(*) FROM visits WHERE day = ? AND signed_in_at IS NOT NULL", [d]
    )
    # another person vaccinated: the tab follows
    people(store, clock, "09:00-09:30", ["injected"])
    page.refresh()
    assert f"接种 {vaccinated + 1}" in panel.totals.text()
    panel.grab()  # the chart paints without error


def test_the_day_report_is_built_shown_saved_and_printed(page, qtbot, store, clock, tmp_path):
    people(store, clock, "08:00-08:30", ["released", "injected", "turned_away"])
    page.tabs.setCurrentWidget(page.reports_panel)
    panel = page.reports_panel
    panel.refresh()
    assert not panel.save_button.isEnabled() and not panel.print_button.isEnabled()
    qtbot.mouseClick(panel.day_report_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.pdf is not None and panel.save_button.isEnabled(), timeout=30_000)
    assert panel.pages_layout.count() >= 1  # its pages are on screen
    assert panel.banner.kind == "ok"
    out = tmp_path / "日报.pdf"
    panel.save_pdf(str(out))
    with pdfplumber.open(out) as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    assert "日报" in text and DAY.isoformat() in text
    # the printer: a PDF file stands in for it
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    panel.print_pdf(printer)
    assert panel.banner.kind == "ok"
    with pdfplumber.open(printed) as pdf:
        assert len(pdf.pages) == panel.pages_layout.count()


def test_the_outlook_is_built_for_the_next_three_days(page, qtbot, store, clock):
    people(store, clock, "08:00-08:30", ["booked", "booked"])
    panel = page.reports_panel
    qtbot.mouseClick(panel.outlook_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.pdf is not None, timeout=30_000)
    assert panel.pdf.startswith(b"%PDF") and panel.pdf_name.endswith(".pdf")
    assert DAY.isoformat() in panel.pdf_name
