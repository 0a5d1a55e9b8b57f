"""The half-hour chart of the day report: booked, arrivals (sign-ins) and injections per half hour,
drawn with reportlab.graphics (vector, the CJK font embedded), over-booked half hours shaded."""

from __future__ import annotations

from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors

from station import pdf as pdfmod
from station.reports.labels import text

BOOKED = colors.Color(0.78, 0.80, 0.84)
ARRIVED = colors.Color(0.20, 0.45, 0.75)
INJECTED = colors.Color(0.20, 0.62, 0.35)
OVER = colors.Color(1.0, 0.86, 0.84)


def half_hour_chart(
    half_hours: list[dict[str, Any]], lang: str, width: float, height: float = 190
) -> Drawing:
    font = pdfmod.cjk_font()
    d = Drawing(width, height)
    # the renderer starts every drawing in Helvetica (a font not embedded) unless told otherwise
    d.initialFontName = font
    if not half_hours:
        d.add(
            String(width / 2, height / 2, text("none", lang), fontName=font, fontSize=10, textAnchor="middle")
        )
        return d
    chart = VerticalBarChart()
    chart.x, chart.y = 34, 34
    chart.width, chart.height = width - 44, height - 62
    chart.data = [
        [h["booked"] for h in half_hours],
        [h["signed_in"] for h in half_hours],
        [h["injected"] for h in half_hours],
    ]
    chart.groupSpacing = 3
    chart.barSpacing = 0.5
    chart.bars.strokeWidth = 0
    chart.bars.strokeColor = None
    for i, colour in enumerate((BOOKED, ARRIVED, INJECTED)):
        chart.bars[i].fillColor = colour
    # a label on the hour only: 24 labels of five characters would run into each other
    chart.categoryAxis.categoryNames = [h["start"] if h["start"].endswith(":00") else "" for h in half_hours]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.dy = -2
    chart.categoryAxis.strokeWidth = 0.5
    top = max(max(series) for series in chart.data)
    step = _nice_step(top)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(step, -(-top // step) * step)
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.strokeWidth = 0.5
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.Color(0.88, 0.88, 0.88)
    chart.valueAxis.gridStrokeWidth = 0.4
    # shade the over-booked half hours behind the bars
    slot_w = chart.width / len(half_hours)
    for i, h in enumerate(half_hours):
        if h["over_booked"]:
            d.add(Rect(chart.x + i * slot_w, chart.y, slot_w, chart.height, fillColor=OVER, strokeColor=None))
    d.add(chart)
    legend = Legend()
    legend.fontName = font
    legend.fontSize = 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 70 if lang == "zh" else 90
    legend.dxTextSpace = 4
    legend.dx = legend.dy = 7
    legend.x, legend.y = 40, height - 8
    legend.colorNamePairs = [
        (BOOKED, text("booked", lang)),
        (ARRIVED, text("arrivals", lang)),
        (INJECTED, text("injections", lang)),
        (OVER, text("over_booked", lang)),
    ]
    d.add(legend)
    return d


def _nice_step(top: int) -> int:
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if top / step <= 6:
            return step
    return max(1, top // 5)
