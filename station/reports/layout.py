"""A4 pages for the reports: the document, its styles and ruled tables, all in the bundled CJK font.

Tables are ruled (a thin grid) so that a reader (and the tests, with pdfplumber) finds every cell;
long cells wrap as Chinese wraps (``wordWrap="CJK"``). No text is drawn in a font that is not
embedded: the document's initial font, the paragraph styles, the table cells and the charts all use
``station.pdf.cjk_font()``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from station import pdf as pdfmod

MARGIN = 14 * mm
# the text width: the page less its margins and the frame's own padding (6 pt each side), 498 pt
WIDTH = A4[0] - 2 * MARGIN - 12
HEAD_FILL = colors.Color(0.92, 0.94, 0.97)
MARK_FILL = colors.Color(1.0, 0.88, 0.86)  # a shortage, an over-booked slot, a count that differs
GRID = colors.Color(0.6, 0.62, 0.66)


def styles() -> dict[str, ParagraphStyle]:
    font = pdfmod.cjk_font()
    base = ParagraphStyle("base", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=21, spaceAfter=2),
        "sub": ParagraphStyle(
            "sub", parent=base, fontSize=9, leading=12, textColor=colors.Color(0.3, 0.3, 0.3)
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontSize=11.5, leading=15, spaceBefore=8, spaceAfter=3, keepWithNext=1
        ),  # a heading never ends a page alone
        "cell": base,
        "note": ParagraphStyle(
            "note", parent=base, fontSize=7.5, leading=10, textColor=colors.Color(0.3, 0.3, 0.3)
        ),
    }


def cell(value: Any, style: ParagraphStyle, width: float | None = None) -> Any:
    """Numbers and text that fits stay plain strings (one line); longer text wraps as a paragraph."""
    if value is None:
        return "-"
    if isinstance(value, bool | int | float):
        return str(value)
    text = str(value)
    if "\n" not in text and (width is None or pdfmod.text_width(text, style.fontSize) <= width - 6):
        return text
    return Paragraph(_escape(text), style)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def table(
    header: Sequence[str] | None,
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    numeric_from: int = 1,
    left: Sequence[int] = (),
    marked: Sequence[int] = (),
    total: bool = False,
) -> Table:
    """A ruled table with a shaded header (repeated on each page it runs onto). Columns from
    ``numeric_from`` on are right-aligned (except those in ``left``); rows whose index is in ``marked`` are shaded red; with
    ``total`` the last row is the total line (shaded as the header). ``header`` None: no header."""
    st = styles()["cell"]
    font = pdfmod.cjk_font()
    scale = WIDTH / sum(widths) if sum(widths) > WIDTH else 1.0
    top = 0 if header is None else 1
    widths = [w * scale for w in widths]
    data = [[cell(v, st, w) for v, w in zip(row, widths, strict=True)] for row in rows]
    if header is not None:
        data.insert(0, [cell(h, st, w) for h, w in zip(header, widths, strict=True)])
    t = Table(data, colWidths=widths, repeatRows=top)
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), font, 8.5, 11),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if top:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL))
    if numeric_from < len(widths):
        commands.append(("ALIGN", (numeric_from, top), (-1, -1), "RIGHT"))
    for col in left:
        commands.append(("ALIGN", (col, top), (col, -1), "LEFT"))
    for i in marked:
        commands.append(("BACKGROUND", (0, i + top), (-1, i + top), MARK_FILL))
    if total and rows:
        commands.append(("BACKGROUND", (0, len(rows) - 1 + top), (-1, len(rows) - 1 + top), HEAD_FILL))
    t.setStyle(TableStyle(commands))
    return t


def heading(text: str) -> Paragraph:
    return Paragraph(_escape(text), styles()["h2"])


def note(text: str) -> Paragraph:
    return Paragraph(_escape(text), styles()["note"])


def gap(height: float = 4) -> Spacer:
    return Spacer(1, height)


def build(story: list[Flowable], *, title: str, footer: str) -> bytes:
    """Lay ``story`` out on A4 pages, ``footer`` and the page number at the foot of each page."""
    font = pdfmod.cjk_font()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=title,
        creator="Vaccination Station",
        initialFontName=font,
        initialFontSize=9,
        invariant=1,  # no timestamp or random id: the same figures give the same bytes
        pageCompression=1,
    )

    def on_page(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.Color(0.35, 0.35, 0.35))
        canvas.drawString(MARGIN, MARGIN - 2 * mm, footer)
        canvas.drawRightString(A4[0] - MARGIN, MARGIN - 2 * mm, str(document.page))
        canvas.restoreState()

    with pdfmod.build_lock:  # reportlab's font subsetting is not thread-safe (station/pdf.py)
        doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
