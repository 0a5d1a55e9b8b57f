"""The site planner in the admin page's Reports tab (issue #16): the advice for tomorrow.

``station.planner.report.advice`` fits the latest day with records, simulates tomorrow's booked
slots (that day's own when none are booked yet) with that day's desks and seats, and searches a
slot plan under the target wait. It runs in the page's worker thread on a connection of its own,
never on the UI thread. The chart draws the queue at each step per half hour, simulated (solid)
against recorded (dashed); PySide6-Essentials has no QtCharts, so it is painted with QPainter.
"""

from __future__ import annotations

from typing import Any

from station.errors import DomainError
from station.planner import STEPS
from station.planner.report import advice, lines
from ui.qt import (
    QColor,
    QDoubleSpinBox,
    QFont,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPainter,
    QPen,
    QPointF,
    QRectF,
    QSizePolicy,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import Banner, button, label
from ui.worker import Worker

STEP_COLOURS = {"signin": "#2f6fb5", "prescreen": "#d9822b", "inject": "#2e9a4b"}


class QueueChart(QWidget):
    """People queued at each step per half hour: simulated (solid) and recorded (dashed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.simulated: list[dict[str, Any]] = []
        self.recorded: list[dict[str, Any]] = []
        self.legend: dict[str, str] = {}
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_rows(
        self, simulated: list[dict[str, Any]], recorded: list[dict[str, Any]], legend: dict[str, str]
    ) -> None:
        self.simulated, self.recorded, self.legend = simulated, recorded, legend
        self.update()

    def starts(self) -> list[str]:
        return sorted({h["start"] for h in self.simulated} | {h["start"] for h in self.recorded})

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.fillRect(self.rect(), QColor("white"))
        font = QFont(self.font())
        font.setPointSize(9)
        p.setFont(font)
        left, right, top, bottom = 40, 24, 30, 24
        w, h = self.width() - left - right, self.height() - top - bottom
        x = left
        for key in (*STEPS, "simulated", "recorded"):
            text = self.legend.get(key, key)
            pen = QPen(QColor(STEP_COLOURS.get(key, "#555")), 2)
            if key == "recorded":
                pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(x, 14, x + 18, 14)
            p.setPen(QColor("#333"))
            p.drawText(QRectF(x + 22, 4, 160, 20), Qt.AlignmentFlag.AlignVCenter, text)
            x += 34 + p.fontMetrics().horizontalAdvance(text) + 8
        starts = self.starts()
        if not starts or w <= 0 or h <= 0:
            p.drawText(QRectF(left, top, w, h), Qt.AlignmentFlag.AlignCenter, self.legend.get("empty", ""))
            p.end()
            return
        index = {s: i for i, s in enumerate(starts)}
        rows = [*self.simulated, *self.recorded]
        top_value = max((r["queue"][s] for r in rows for s in STEPS), default=0.0)
        step = (
            1
            if top_value <= 5
            else 2
            if top_value <= 10
            else 5
            if top_value <= 25
            else 10
            if top_value <= 60
            else 50
        )
        top_value = max(step, ((int(top_value) + step) // step) * step)
        for v in range(0, top_value + 1, step):
            y = top + h - h * v / top_value
            p.setPen(QColor("#ddd"))
            p.drawLine(left, round(y), left + w, round(y))
            p.setPen(QColor("#555"))
            p.drawText(QRectF(0, y - 8, left - 4, 16), Qt.AlignmentFlag.AlignRight, str(v))
        slot = w / max(1, len(starts) - 1)
        for s, t in enumerate(starts):
            if t.endswith(":00") and (s % 2 == 0 or len(starts) < 16):
                p.setPen(QColor("#333"))
                p.drawText(QRectF(left + s * slot - 20, top + h + 4, 40, 16), Qt.AlignmentFlag.AlignCenter, t)
        for series, style in ((self.recorded, Qt.PenStyle.DashLine), (self.simulated, Qt.PenStyle.SolidLine)):
            for s in STEPS:
                pen = QPen(QColor(STEP_COLOURS[s]), 2)
                pen.setStyle(style)
                p.setPen(pen)
                points = [
                    QPointF(left + index[r["start"]] * slot, top + h - h * r["queue"][s] / top_value)
                    for r in series
                ]
                for a, b in zip(points, points[1:], strict=False):
                    p.drawLine(a, b)
        p.setPen(QColor("#999"))
        p.drawLine(left, top + h, left + w, top + h)
        p.end()


class PlannerPanel(QWidget):
    """The advice for tomorrow: the day's figures simulated against recorded, and a slot plan."""

    def __init__(self, hub) -> None:
        super().__init__()
        self.hub = hub
        self.worker = Worker(self)
        self.result: dict[str, Any] | None = None
        self.planned_for = None  # the day the shown advice was made on

        self.title = label(role="title")
        self.summary = label(wrap=True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chart = QueueChart()
        self.banner = Banner()
        self.target = QDoubleSpinBox()
        self.target.setRange(0.5, 120)
        self.target.setDecimals(1)
        self.target.setSingleStep(1)
        self.target.setValue(10)
        self.target.setSuffix(self.tr(" min"))
        self.run_button = button(self.tr("Simulate again"))
        self.run_button.clicked.connect(self.run)
        self.desks = label(wrap=True)
        self.slots = QTableWidget(0, 2)
        self.slots.setHorizontalHeaderLabels([self.tr("Slot"), self.tr("Bookings to release")])
        self.slots.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.slots.verticalHeader().setVisible(False)
        self.slots.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.slots.setMinimumWidth(260)

        left = QVBoxLayout()
        left.addWidget(self.title)
        left.addWidget(self.summary)
        left.addWidget(self.chart, 1)
        controls = QHBoxLayout()
        controls.addWidget(QLabel(self.tr("Keep 95% of waits under")))
        controls.addWidget(self.target)
        controls.addWidget(self.run_button)
        controls.addStretch(1)
        left.addLayout(controls)
        right = QVBoxLayout()
        right.addWidget(self.desks)
        right.addWidget(self.slots, 1)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 1)
        outer = QVBoxLayout(self)
        outer.addLayout(body, 1)
        outer.addWidget(self.banner)

    def refresh(self) -> None:
        """Make the advice once a day (the simulation takes a second): again with the button."""
        if self.planned_for != self.hub.today():
            self.run()

    def _reader(self):
        """A connection of the worker's own (the page's connection belongs to the UI thread)."""
        from station.store import Store

        store = self.hub.store
        return store if store.path is None else Store.open(store.path, create=False, now=store.now)

    def run(self) -> None:
        today, store = self.hub.today(), self._reader()
        seats, target = self.hub.settings.seats, self.target.value()
        own = store is not self.hub.store
        self.planned_for = today
        self.run_button.setEnabled(False)
        self.banner.show_message(self.tr("Simulating the site..."), "info")

        def work():
            try:
                return advice(store, today, seats=seats, target_wait=target)
            finally:
                if own:
                    store.close()

        self.worker.submit(work, on_done=self._shown, on_error=self._failed)

    def _shown(self, result: dict[str, Any]) -> None:
        self.result = result
        lang = self.hub.lang
        self.title.setText(
            self.tr("Advice for tomorrow ({tomorrow}), from the records of {day}").format(
                tomorrow=result["tomorrow"], day=result["day"]
            )
        )
        if result["tomorrow_booked"]:
            basis = self.tr("Tomorrow's {n} bookings simulated with that day's desks and seats.").format(
                n=result["tomorrow_booked"]
            )
        else:
            basis = self.tr("Nobody booked for tomorrow yet: that day's own bookings simulated.")
        self.summary.setText("\n".join([basis, *lines({**result, "plan": None}, lang, half_hours=False)]))
        self.chart.set_rows(
            result["simulated"]["half_hours"],
            result["recorded"]["half_hours"],
            {
                "signin": self.tr("Sign-in"),
                "prescreen": self.tr("Pre-screen"),
                "inject": self.tr("Injection"),
                "simulated": self.tr("simulated"),
                "recorded": self.tr("recorded"),
                "empty": self.tr("Nothing to show"),
            },
        )
        plan = result["plan"]
        d = plan["desks"]
        text = self.tr("Desks: sign-in {signin}, pre-screen {prescreen}, injection {inject}").format(**d)
        if not plan["met"]:
            text += "\n" + self.tr("The target was not reached: the closest plan is shown.")
        self.desks.setText(text)
        self.slots.setRowCount(len(plan["slots"]))
        for i, s in enumerate(plan["slots"]):
            self.slots.setItem(i, 0, QTableWidgetItem(f"{s['start']}-{s['end']}"))
            item = QTableWidgetItem(str(s["bookings"]))
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.slots.setItem(i, 1, item)
        self.banner.show_message(
            self.tr("Bottleneck: {step}. Slot plan for {people} people, p95 wait under {target} min.").format(
                step=self.chart.legend[result["simulated"]["bottleneck"]],
                people=plan["people"],
                target=plan["target_wait"],
            ),
            "ok" if plan["met"] else "warn",
        )
        self.run_button.setEnabled(True)

    def _failed(self, exc: Exception) -> None:
        text = self.hub.message(exc) if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        self.banner.show_message(text, "error")
        self.run_button.setEnabled(True)
