"""The admin page's Reports tab: today's figures and the half-hour chart, live, and the evening
report and the three-day outlook as PDFs to look at, save and print.

The figures are ``station.reports.figures.day_figures`` (the day report's own data), so what the
tab shows is what the PDF prints. The chart draws, per half hour, the people booked for its slot,
the people who arrived (signed in) and the doses given, with the half hours whose queue grew past
their bookings shaded (the report's "over-booked"). PDFs are built off the UI thread and shown as
page images (pypdfium2, as the slips); printing paints those images at the printer's resolution.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from station import signs
from station.errors import DomainError
from station.pdf import write_atomic
from station.reports import dayreport, outlook
from station.reports.figures import day_figures, outlook_figures
from ui.printing import paint_pages, render_pages
from ui.qt import (
    QColor,
    QFileDialog,
    QFont,
    QHBoxLayout,
    QLabel,
    QPainter,
    QPixmap,
    QPrintDialog,
    QPrinter,
    QRectF,
    QScrollArea,
    QSizePolicy,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import Banner, button, label
from ui.worker import Worker

PREVIEW_DPI = 60
COLOURS = {"booked": "#c8cdd6", "signed_in": "#2f6fb5", "injected": "#2e9a4b", "over": "#f6d3cf"}


class HalfHourChart(QWidget):
    """Booked, arrived and vaccinated per half hour, as grouped bars; over-booked half hours shaded."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []
        self.legend: dict[str, str] = {}
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_rows(self, rows: list[dict[str, Any]], legend: dict[str, str]) -> None:
        self.rows, self.legend = rows, legend
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.fillRect(self.rect(), QColor("white"))
        font = QFont(self.font())
        font.setPointSize(9)
        p.setFont(font)
        left, right, top, bottom = 40, 10, 28, 24
        w, h = self.width() - left - right, self.height() - top - bottom
        # the legend
        x = left
        for key in ("booked", "signed_in", "injected", "over"):
            text = self.legend.get(key, key)
            p.fillRect(QRectF(x, 8, 12, 12), QColor(COLOURS[key]))
            p.setPen(QColor("#333"))
            p.drawText(QRectF(x + 16, 4, 140, 20), Qt.AlignmentFlag.AlignVCenter, text)
            x += 24 + p.fontMetrics().horizontalAdvance(text) + 12
        if not self.rows or w <= 0 or h <= 0:
            p.drawText(QRectF(left, top, w, h), Qt.AlignmentFlag.AlignCenter, self.legend.get("empty", ""))
            return
        top_value = max(max(r["booked"], r["signed_in"], r["injected"]) for r in self.rows) or 1
        step = 10 if top_value <= 60 else 20 if top_value <= 120 else 50
        top_value = ((top_value + step - 1) // step) * step
        p.setPen(QColor("#ddd"))
        for v in range(0, top_value + 1, step):
            y = top + h - h * v / top_value
            p.drawLine(left, round(y), left + w, round(y))
            p.setPen(QColor("#555"))
            p.drawText(QRectF(0, y - 8, left - 4, 16), Qt.AlignmentFlag.AlignRight, str(v))
            p.setPen(QColor("#ddd"))
        slot = w / len(self.rows)
        bar = max(slot / 4, 1)
        for i, r in enumerate(self.rows):
            x0 = left + i * slot
            if r.get("over_booked"):
                p.fillRect(QRectF(x0, top, slot, h), QColor(COLOURS["over"]))
            for j, key in enumerate(("booked", "signed_in", "injected")):
                bh = h * r[key] / top_value
                p.fillRect(QRectF(x0 + bar * (j + 0.5), top + h - bh, bar, bh), QColor(COLOURS[key]))
            if r["start"].endswith(":00"):
                p.setPen(QColor("#333"))
                p.drawText(QRectF(x0 - 20, top + h + 4, 40, 16), Qt.AlignmentFlag.AlignCenter, r["start"])
        p.setPen(QColor("#999"))
        p.drawLine(left, top + h, left + w, top + h)
        p.end()


class ReportsPanel(QWidget):
    """Today's figures, the chart, and the two PDFs (preview, save, print)."""

    def __init__(self, hub) -> None:
        super().__init__()
        self.hub = hub
        self.worker = Worker(self)
        self.pdf: bytes | None = None
        self.pdf_name = ""
        self.figures: dict[str, Any] | None = None

        self.title = label(role="title")
        self.totals = label(wrap=True)
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chart = HalfHourChart()
        self.banner = Banner()

        self.day_report_button = button(self.tr("Day report (PDF)"))
        self.day_report_button.clicked.connect(self.make_day_report)
        self.outlook_button = button(self.tr("Next 3 days (PDF)"))
        self.outlook_button.clicked.connect(self.make_outlook)
        # the site's signs (#15): built like the reports, then previewed, saved or printed the same way
        self.signs_button = button(self.tr("Print signs..."))
        self.signs_button.clicked.connect(self.make_signs)
        self.save_button = button(self.tr("Save PDF..."))
        self.save_button.clicked.connect(self.save_pdf)
        self.print_button = button(self.tr("Print..."))
        self.print_button.clicked.connect(self.print_pdf)

        self.pages = QWidget()
        self.pages_layout = QVBoxLayout(self.pages)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.preview = QScrollArea()
        self.preview.setWidgetResizable(True)
        self.preview.setWidget(self.pages)
        self.preview.setMinimumWidth(420)

        left = QVBoxLayout()
        left.addWidget(self.title)
        left.addWidget(self.totals)
        left.addWidget(self.chart, 1)
        actions = QHBoxLayout()
        for b in (self.day_report_button, self.outlook_button, self.signs_button):
            actions.addWidget(b)
        left.addLayout(actions)
        right = QVBoxLayout()
        right.addWidget(self.preview, 1)
        files = QHBoxLayout()
        files.addWidget(self.save_button)
        files.addWidget(self.print_button)
        right.addLayout(files)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        # Two sections: today's figures and the PDFs, and the site planner (#16: the admin page's
        # ten tabs already fill 1366 px, so the planner lives here)
        today = QWidget()
        today_layout = QVBoxLayout(today)
        today_layout.setContentsMargins(0, 0, 0, 0)
        today_layout.addLayout(body, 1)
        today_layout.addWidget(self.banner)
        from ui.pages.planner_panel import PlannerPanel

        self.planner = PlannerPanel(hub)
        self.sections = QTabWidget()
        self.sections.addTab(today, self.tr("Today and reports"))
        self.sections.addTab(self.planner, self.tr("Planner: advice for tomorrow"))
        self.sections.currentChanged.connect(lambda _i: self._refresh_planner())
        outer = QVBoxLayout(self)
        outer.addWidget(self.sections, 1)
        self._enable()

    def _refresh_planner(self) -> None:
        if self.sections.currentWidget() is self.planner:
            self.planner.refresh()

    # --- live figures ------------------------------------------------------------------------------
    def refresh(self) -> None:
        self._refresh_planner()
        day = self.hub.today()
        self.figures = day_figures(
            self.hub.store, day, site=self.hub.settings.site_name, rules=self.hub.rules
        )
        t = self.figures["totals"]
        self.title.setText(self.tr("Today, {day}").format(day=day.isoformat()))
        self.totals.setText(
            self.tr(
                "Booked {booked} · signed in {signed_in} · vaccinated {vaccinated} · turned away "
                "{turned_away} · cancelled {cancelled} · not come {no_shows} · reactions {reactions}"
            ).format(**t)
        )
        self.chart.set_rows(
            self.figures["half_hours"],
            {
                "booked": self.tr("Booked for the slot"),
                "signed_in": self.tr("Arrived"),
                "injected": self.tr("Vaccinated"),
                "over": self.tr("Over-booked"),
                "empty": self.tr("Nothing recorded today yet"),
            },
        )

    # --- the PDFs ----------------------------------------------------------------------------------
    def make_day_report(self) -> None:
        day, store = self.hub.today(), self._reader()
        site, lang, rules = self.hub.settings.site_name, self.hub.lang, self.hub.rules
        self._build(
            lambda: dayreport.build_day_report(day_figures(store, day, site=site, rules=rules), lang, rules),
            self.tr("day-report-{day}.pdf").format(day=day.isoformat()),
        )

    def make_outlook(self) -> None:
        day, store = self.hub.today(), self._reader()
        site, lang, rules = self.hub.settings.site_name, self.hub.lang, self.hub.rules
        self._build(
            lambda: outlook.build_outlook(
                outlook_figures(store, day, 3, site=site, rules=rules), lang, rules
            ),
            self.tr("outlook-{day}.pdf").format(day=(day + timedelta(days=0)).isoformat()),
        )

    def make_signs(self) -> None:
        """The site's signs (station/signs.py) on A4, in the window's language."""
        settings, rules, lang = self.hub.settings, self.hub.rules, self.hub.lang
        self._build(lambda: signs.build_signs(settings, rules, size="A4", lang=lang), self.tr("signs.pdf"))

    def _reader(self):
        """A connection of the worker's own (the page's connection belongs to the UI thread)."""
        from station.store import Store

        store = self.hub.store
        return store if store.path is None else Store.open(store.path, create=False, now=store.now)

    def _build(self, make, name: str) -> None:
        self.banner.show_message(self.tr("Building the PDF..."), "info")
        self.day_report_button.setEnabled(False)
        self.outlook_button.setEnabled(False)
        self.signs_button.setEnabled(False)

        def work():
            pdf = make()
            return pdf, render_pages(pdf, PREVIEW_DPI)

        self.worker.submit(work, on_done=lambda r: self._built(r, name), on_error=self._failed)

    def _built(self, result, name: str) -> None:
        self.pdf, pages = result
        self.pdf_name = name
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for image, _size in pages:
            page = QLabel()
            pixmap = QPixmap.fromImage(image)
            page.setPixmap(pixmap)
            page.setFixedSize(pixmap.size())  # the whole page, scrolled; never squeezed to the view
            page.setStyleSheet("border: 1px solid #bbb; background: white;")
            self.pages_layout.addWidget(page)
        self.banner.show_message(self.tr("{n} page(s): save or print it").format(n=len(pages)), "ok")
        self._enable()

    def _failed(self, exc: Exception) -> None:
        text = self.hub.message(exc) if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        self.banner.show_message(text, "error")
        self._enable()

    def _enable(self) -> None:
        self.day_report_button.setEnabled(True)
        self.outlook_button.setEnabled(True)
        self.signs_button.setEnabled(True)
        self.save_button.setEnabled(self.pdf is not None)
        self.print_button.setEnabled(self.pdf is not None)

    def save_pdf(self, path: str | None = None) -> None:
        if self.pdf is None:
            return
        if not path:
            start = str(Path.home() / self.pdf_name)
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save PDF"), start, "PDF (*.pdf)")
            if not path:
                return
        try:
            write_atomic(Path(path), self.pdf, error_code="report_write_failed")
        except DomainError as exc:
            self.banner.show_message(self.hub.message(exc), "error")
            return
        self.banner.show_message(self.tr("Saved: {path}").format(path=path), "ok")

    def print_pdf(self, printer: QPrinter | None = None) -> None:
        if self.pdf is None:
            return
        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            dialog = QPrintDialog(printer, self)
            if dialog.exec() != QPrintDialog.DialogCode.Accepted:
                return
        pages = render_pages(self.pdf, min(printer.resolution(), 300))
        if paint_pages(printer, pages):
            self.banner.show_message(self.tr("Sent to the printer"), "ok")
        else:
            self.banner.show_message(self.tr("The printer did not start"), "error")
