"""Printing observation slips through Qt: the PDF that station/slips.py builds, rendered to images
with pypdfium2 at the printer's resolution and painted on a ``QPrinter`` scaled to the page.

``SlipPrinter(hub).print_slip(visit_id, preview=False)``:

* in the worker (never the UI thread): the slip's data, the PDF (size from ``settings.slip_size``),
  the copy in the day's folder (``<data>/slips/<day>/...pdf``) and the page images;
* back on the UI thread: direct print to ``settings.printer`` (the system's default printer when it
  is unset), or a ``QPrintPreviewDialog`` with ``preview=True``.

Every outcome comes back by signal with a translated message: ``saved`` (the day's copy),
``printed`` (printer or PDF file name) and ``failed`` (no printer, the copy could not be written,
the person has no slip yet...). A missing copy does not stop the printing: the person still gets
their slip. Nothing here raises into the page.

Why images and not the PDF itself: Qt Essentials has no PDF renderer (QtPdf is an add-on), and a
receipt printer's driver takes a raster anyway. Rendering at the printer's own resolution (203 dpi
on a thermal receipt printer; at most 300 dpi) keeps the small text and the QR's modules sharp.
The worker's part takes ~15 ms a slip; painting on the UI thread ~10 ms at 203 dpi, ~25 ms at 300.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from station import slips
from station.errors import DomainError
from station.store import Store
from ui.qt import (
    QImage,
    QMarginsF,
    QObject,
    QPageLayout,
    QPageSize,
    QPainter,
    QPrinter,
    QPrinterInfo,
    QPrintPreviewDialog,
    QRectF,
    QSizeF,
    QWidget,
    Signal,
)
from ui.worker import Worker

MAX_DPI = 300  # enough for 8 pt text and the QR; 600 dpi quadruples the paint on the UI thread (~75 ms)
MIN_DPI = 150
PREVIEW_DPI = 300  # the preview without a printer
POINT_MM = 25.4 / 72

_pdfium_lock = threading.Lock()  # PDFium is not thread-safe; one render at a time in the process


@dataclass
class RenderedSlip:
    """What the worker hands back to the UI thread."""

    visit_id: str
    queue_no: str | None  # as shown: A080
    pdf: bytes
    saved: Path | None = None
    save_error: DomainError | None = None
    pages: list[tuple[QImage, tuple[float, float]]] = field(default_factory=list)  # image, size in points


def render_pages(pdf: bytes, dpi: float) -> list[tuple[QImage, tuple[float, float]]]:
    """Each page of ``pdf`` as an 8-bit grayscale image at ``dpi``, with the page's size in points.

    Safe in a worker thread: QImage (unlike QPixmap) may be made off the UI thread.
    """
    import pypdfium2 as pdfium

    out: list[tuple[QImage, tuple[float, float]]] = []
    with _pdfium_lock:
        doc = pdfium.PdfDocument(pdf)
        try:
            for i in range(len(doc)):
                page = doc[i]
                try:
                    width, height = page.get_size()
                    bitmap = page.render(scale=dpi / 72, grayscale=True, optimize_mode="print")
                    try:
                        image = QImage(
                            bytes(bitmap.buffer),
                            bitmap.width,
                            bitmap.height,
                            bitmap.stride,
                            QImage.Format.Format_Grayscale8,
                        ).copy()  # own the pixels: the bitmap's buffer is freed below
                    finally:
                        bitmap.close()
                finally:
                    page.close()
                image.setDotsPerMeterX(round(dpi / 0.0254))
                image.setDotsPerMeterY(round(dpi / 0.0254))
                out.append((image, (width, height)))
        finally:
            doc.close()
    return out


def printer_named(name: str) -> QPrinterInfo | None:
    info = QPrinterInfo.printerInfo(name)
    return None if info.isNull() else info


def default_printer() -> QPrinterInfo | None:
    info = QPrinterInfo.defaultPrinter()
    return None if info.isNull() else info


def fit(image_w: float, image_h: float, area: QRectF) -> QRectF:
    """The largest rectangle of the image's shape inside ``area``: centred across, from the top
    (a receipt roll is cut after the content)."""
    if image_w <= 0 or image_h <= 0:
        return QRectF(area)
    scale = min(area.width() / image_w, area.height() / image_h)
    w, h = image_w * scale, image_h * scale
    return QRectF(area.left() + (area.width() - w) / 2, area.top(), w, h)


def paint_pages(printer: QPrinter, pages: list[tuple[QImage, tuple[float, float]]]) -> bool:
    """Paint the page images on ``printer``, one sheet each, scaled to the sheet; False when the
    printer would not start (offline, no permission, unwritable PDF file)."""
    if pages:
        set_page_size(printer, pages[0][1])
    painter = QPainter()
    if not painter.begin(printer):
        return False
    try:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for i, (image, size) in enumerate(pages):
            if i:
                set_page_size(printer, size)
                printer.newPage()
            paper = printer.paperRect(QPrinter.Unit.DevicePixel)
            area = QRectF(0, 0, paper.width(), paper.height())  # full page: (0, 0) is the corner
            painter.drawImage(fit(image.width(), image.height(), area), image)
    finally:
        painter.end()
    return True


def set_page_size(printer: QPrinter, size_pt: tuple[float, float]) -> None:
    """The sheet as big as the slip's page (80 mm roll or A6), no margins: the slip has its own."""
    width, height = size_pt
    page = QPageSize(
        QSizeF(width * POINT_MM, height * POINT_MM),
        QPageSize.Unit.Millimeter,
        "",
        QPageSize.SizeMatchPolicy.FuzzyMatch,  # 105 x 148 mm is A6, as drivers know it
    )
    printer.setFullPage(True)
    printer.setPageLayout(
        QPageLayout(
            page, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter
        )
    )


class SlipPrinter(QObject):
    """Prints observation slips for a page; see the module's docstring."""

    saved = Signal(str, str)  # visit id, the day's folder copy
    printed = Signal(str, str)  # visit id, the printer's name (or the PDF file printed to)
    failed = Signal(str, str)  # visit id, what went wrong (translated, for the banner)
    previewed = Signal(str)  # visit id: the print preview is open

    def __init__(self, hub, parent: QObject | None = None, *, pdf_file: Path | str | None = None) -> None:
        """``pdf_file``: print to this PDF file instead of a printer (tests, a site without one)."""
        super().__init__(parent)
        self.hub = hub
        self.pdf_file = Path(pdf_file) if pdf_file else None
        self.worker = Worker(self)
        self.pending = 0
        self.preview_dialog: QPrintPreviewDialog | None = None
        self._reader: Store | None = None
        self._reader_lock = threading.Lock()

    # --- the UI thread: choose the printer, start the work --------------------------------------
    def print_slip(self, visit_id: str, preview: bool = False) -> None:
        """Build, save and print (or preview) the slip of ``visit_id``; returns at once."""
        printer, problem = self.make_printer()
        if printer is not None:
            dpi = max(MIN_DPI, min(MAX_DPI, printer.resolution()))
        else:
            dpi = PREVIEW_DPI
        render = printer is not None or preview
        settings = self.hub.settings
        size = settings.slip_size if settings.slip_size in slips.SIZES else "80mm"
        self.pending += 1
        self.worker.submit(
            self._work,
            visit_id,
            size,
            self.hub.lang,
            dpi if render else None,
            on_done=lambda result: self._done(result, printer, problem, preview),
            on_error=lambda exc: self._error(visit_id, exc),
        )

    def make_printer(self) -> tuple[QPrinter | None, str | None]:
        """The printer to print on, or None and why not (translated)."""
        if self.pdf_file is not None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(self.pdf_file))
            return printer, None
        name = (self.hub.settings.printer or "").strip()
        info = printer_named(name) if name else default_printer()
        if info is None:
            if name:
                return None, self.tr("The printer “{name}” was not found").format(name=name)
            return None, self.tr("No printer is set up on this computer")
        printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
        return printer, None

    # --- the worker thread --------------------------------------------------------------------
    def _store(self) -> Store:
        """A connection of the worker's own (SQLite connections are best not shared across
        threads); the station's own for an in-memory store."""
        store = self.hub.store
        if store.path is None:
            return store
        with self._reader_lock:
            if self._reader is None:
                self._reader = Store.open(store.path, create=False, now=store.now)
            return self._reader

    def _work(self, visit_id: str, size: str, lang: str, dpi: float | None) -> RenderedSlip:
        store = self._store()
        data = slips.slip_data(store, visit_id, self.hub.settings, self.hub.rules)
        pdf = slips.build_slip(data, size, lang)
        result = RenderedSlip(visit_id, data.queue_text if data.queue_no is not None else None, pdf)
        try:
            result.saved = slips.save_slip(data, self.data_dir(), pdf=pdf)
        except DomainError as exc:  # the person still gets their slip
            result.save_error = exc
        if dpi:
            result.pages = render_pages(pdf, dpi)
        return result

    def data_dir(self) -> Path:
        path = self.hub.store.path
        if path is None:
            raise DomainError("slip_write_failed", path=":memory:", detail="no data folder")
        return path.parent

    # --- back on the UI thread ----------------------------------------------------------------
    def _done(
        self, result: RenderedSlip, printer: QPrinter | None, problem: str | None, preview: bool
    ) -> None:
        self.pending -= 1
        n = result.queue_no if result.queue_no is not None else "-"
        if result.saved is not None:
            self.saved.emit(result.visit_id, str(result.saved))
        if result.save_error is not None:
            self.failed.emit(
                result.visit_id,
                self.tr("No. {n}: the slip's copy was not saved: {why}").format(
                    n=n, why=self.hub.message(result.save_error)
                ),
            )
        if preview:
            self._preview(result, printer)
            return
        if printer is None:
            where = (
                self.tr("the slip was saved as {path}").format(path=result.saved)
                if result.saved
                else self.tr("the slip was not saved either")
            )
            self.failed.emit(
                result.visit_id,
                self.tr("No. {n}: not printed: {problem}; {where}").format(
                    n=n, problem=problem or self.tr("no printer"), where=where
                ),
            )
            return
        printer.setDocName(self.tr("Observation slip {n}").format(n=n))
        if not paint_pages(printer, result.pages):
            self.failed.emit(
                result.visit_id,
                self.tr("No. {n}: the printer “{name}” could not start printing").format(
                    n=n, name=printer.printerName() or printer.outputFileName()
                ),
            )
            return
        self.printed.emit(result.visit_id, printer.printerName() or printer.outputFileName())

    def _preview(self, result: RenderedSlip, printer: QPrinter | None) -> None:
        printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
        if result.pages:
            set_page_size(printer, result.pages[0][1])
        parent = self.parent() if isinstance(self.parent(), QWidget) else None
        if self.preview_dialog is not None:  # one preview at a time; the last one goes
            self.preview_dialog.close()
            self.preview_dialog.deleteLater()
        dialog = QPrintPreviewDialog(printer, parent)
        dialog.setWindowTitle(self.tr("Print preview: observation slip"))
        dialog.paintRequested.connect(lambda target: paint_pages(target, result.pages))
        dialog._printer = printer  # type: ignore[attr-defined]  # the dialog does not own it
        self.preview_dialog = dialog
        dialog.open()  # window-modal without a nested event loop
        self.previewed.emit(result.visit_id)

    def _error(self, visit_id: str, exc: Exception) -> None:
        self.pending -= 1
        if isinstance(exc, DomainError):
            why = self.hub.message(exc)
        else:
            why = str(exc) or type(exc).__name__
        self.failed.emit(visit_id, self.tr("The slip could not be printed: {why}").format(why=why))

    # --- tests and closing --------------------------------------------------------------------
    def wait(self, ms: int = 30_000) -> bool:
        """Wait until the worker is idle (its results are then queued for the UI thread)."""
        return self.worker.wait(ms)

    def close(self) -> None:
        self.worker.wait()
        with self._reader_lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None
