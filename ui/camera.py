"""The camera widget: a live preview with the code outlined, scanning in a worker thread.

    camera = CameraWidget("0", lang=hub.lang)      # "0"/"1" a camera, "demo", a folder, an image, a video
    camera.code_scanned.connect(page.on_scan)      # a ScanResult, once per code (debounced)
    layout.addWidget(camera)                       # starts when shown, stops when hidden or closed

Two threads per running camera, neither of them the UI thread:

* ``ScanThread`` (a QThread) opens the source, reads frames, keeps only the newest one for the
  decoder, sends a small preview (<= ``preview_fps``) to the widget, and closes the source in the
  same thread when it stops (releasing a capture from another thread crashes some backends). File
  sources (the demo, a video) are paced here with an interruptible wait, so ``stop()`` is quick.
* its decoder (a Python thread it starts and joins) decodes the newest frame only: a backlog of
  stale frames is dropped, never queued. A code read and accepted by the ``Debouncer`` is emitted.

The UI thread only scales the preview, draws the outline, beeps and flashes the border. A camera
that is missing, busy or unplugged (``camera_not_found`` / ``camera_busy`` / ``camera_lost``) or a
file that cannot be read (``source_*``) is a translated message in the preview with a Retry
button; the typed and scanner-gun input beside it keeps working.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from station.errors import DomainError
from station.scan import Debouncer, ScanResult, VideoFileSource, decode_image, open_source
from station.scan.payloads import DEFAULT_HEALTH_HOSTS, Registry, default_registry
from station.scan.sources import DEMO_FPS
from ui.qt import (
    QApplication,
    QColor,
    QCoreApplication,
    QEvent,
    QHBoxLayout,
    QImage,
    QLabel,
    QPainter,
    QPen,
    QPixmap,
    QPointF,
    QPolygonF,
    QPushButton,
    QSize,
    QSizePolicy,
    Qt,
    QThread,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.widgets import CodeInput

log = logging.getLogger(__name__)

PREVIEW_SIZE = QSize(320, 240)
PREVIEW_FPS = 15.0
PREVIEW_MAX = (640, 480)  # the preview image sent to the UI thread (sharp on a 2x screen, cheap to send)
OUTLINE_SECONDS = 0.3  # an outline older than this is not drawn (the code has moved or gone)
FLASH_MS = 450
STOP_WAIT_MS = 3000
VIDEO_FPS = 25.0  # a video that does not say its frame rate
_UNPACED = 1000.0  # the source's own pacer, told to stay out of the way: the thread paces with a wait
_PROBE_INDICES = range(4)


# --- which cameras are there ----------------------------------------------------------------------


def available_cameras(indices: Iterable[int] = _PROBE_INDICES, *, skip: Iterable[int] = ()) -> list[int]:
    """Camera indices that are there. Quick: on Linux only ``/dev/videoN`` is looked at (nothing is
    opened); on Windows and macOS each index is opened and released. ``skip``: indices in use by
    this program (counted as there, not opened again)."""
    skip = set(skip)
    found = []
    for i in indices:
        if i in skip:
            found.append(i)
        elif sys.platform.startswith("linux"):
            if Path(f"/dev/video{i}").exists():
                found.append(i)
        else:
            backend = cv2.CAP_DSHOW if sys.platform == "win32" else cv2.CAP_ANY
            cap = cv2.VideoCapture(i, backend)
            try:
                if cap.isOpened():
                    found.append(i)
            finally:
                cap.release()
    return found


def camera_index(spec: str | None) -> int | None:
    text = str(spec or "").strip()
    return int(text) if text.isdigit() else None


# --- the worker thread ----------------------------------------------------------------------------


def preview_image(frame: np.ndarray, max_size: tuple[int, int] = PREVIEW_MAX) -> tuple[QImage, float]:
    """A BGR frame as a small QImage (owning its pixels) and the scale from frame to image."""
    if frame.ndim == 2:
        frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    elif frame.shape[2] == 4:
        frame = cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
    h, w = frame.shape[:2]
    scale = min(1.0, max_size[0] / w, max_size[1] / h)
    if scale < 1.0:
        frame = cv2.resize(
            frame, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA
        )
    frame = np.ascontiguousarray(frame)
    h, w = frame.shape[:2]
    image = QImage(frame.data, w, h, frame.strides[0], QImage.Format.Format_BGR888)
    return image.copy(), scale  # copy: the numpy buffer goes away with this frame


def _scaled(points, scale: float) -> tuple[tuple[float, float], ...] | None:
    if not points:
        return None
    return tuple((x * scale, y * scale) for x, y in points)


class ScanThread(QThread):
    """Capture in this thread, decode in a helper thread; results go to the UI thread by signal."""

    frame_ready = Signal(QImage, object)  # the preview image, the code's corners in it (or None)
    code_scanned = Signal(object)  # a ScanResult, once per code (Debouncer)
    opened = Signal(str)  # the source's name
    failed = Signal(object)  # a DomainError
    ended = Signal()  # a file source ran out (not looping)

    def __init__(
        self,
        spec: str,
        *,
        registry: Registry | None = None,
        fps: float | None = None,
        loop: bool | None = None,
        preview_fps: float = PREVIEW_FPS,
        debounce: float | Debouncer = 3.0,
    ) -> None:
        super().__init__()
        self.spec = str(spec)
        self.registry = registry
        self.fps = fps
        self.loop = loop
        self.preview_period = 1.0 / preview_fps if preview_fps > 0 else 0.0
        self.debouncer = debounce if isinstance(debounce, Debouncer) else Debouncer(debounce)
        self._halt = threading.Event()
        self._cond = threading.Condition()
        self._latest: tuple[int, np.ndarray] | None = None
        self._seq = 0  # sequence number of the last frame read
        self._decoded = 0  # ... and of the last one decoded
        self._mark: tuple[Any, float] | None = None  # the last code's corners (frame coordinates) and when
        self.frames_read = 0
        self.frames_decoded = 0
        self.previews_sent = 0
        self.error: DomainError | None = None

    def stop(self) -> None:
        """Ask the loop to end (returns at once; ``wait()`` for it)."""
        self._halt.set()
        self.requestInterruption()
        with self._cond:
            self._cond.notify_all()

    @property
    def stopping(self) -> bool:
        return self._halt.is_set()

    # --- the capture loop (this QThread) ------------------------------------------------------
    def run(self) -> None:  # noqa: D401 (Qt's name)
        decoder = threading.Thread(target=self._decode_loop, name=f"decode {self.spec}", daemon=True)
        decoder.start()  # warms up while the source opens
        source = None
        try:
            is_file = camera_index(self.spec) is None
            source = open_source(self.spec, fps=_UNPACED if is_file else None, loop=self.loop)
            if self._halt.is_set():
                return
            self.opened.emit(getattr(source, "name", self.spec))
            period = self._period(source) if is_file else 0.0
            self._capture(source, period)
        except DomainError as exc:
            self.error = exc
            if not self._halt.is_set():
                self._drain()  # a code read just before the camera went still counts
                self.failed.emit(exc)
        except Exception:  # a backend error must not take the desk down: say the camera stopped
            log.exception("camera %s failed", self.spec)
            index = camera_index(self.spec)
            self.error = (
                DomainError("camera_lost", camera=index)
                if index is not None
                else DomainError("source_unreadable", path=self.spec)
            )
            if not self._halt.is_set():
                self.failed.emit(self.error)
        finally:
            self._halt.set()
            with self._cond:
                self._cond.notify_all()
            decoder.join(timeout=5)
            if source is not None:
                source.close()  # in the thread that opened it

    def _period(self, source) -> float:
        fps = self.fps
        if fps is None:
            if self.spec.strip().lower() == "demo":
                fps = DEMO_FPS
            elif isinstance(source, VideoFileSource):
                fps = source.native_fps or VIDEO_FPS
            else:
                fps = DEMO_FPS  # a folder of pictures, or one: one a second, like the demo
        return 1.0 / fps if fps and fps > 0 else 0.0

    def _capture(self, source, period: float) -> None:
        last_preview = -1e9
        due = time.monotonic()
        # a slow source (the demo's one picture a second) waits for the decoder, so that the outline
        # drawn belongs to the picture shown; a camera waits at most a frame's time
        settle = min(0.25, period / 2) if period else 0.03
        ran_out = True
        for frame in source.frames():
            if self._halt.is_set():
                ran_out = False
                break
            self._seq += 1
            seq = self._seq
            self.frames_read += 1
            with self._cond:
                self._latest = (seq, frame)  # replaces a frame the decoder has not taken: no backlog
                self._cond.notify_all()
            now = time.monotonic()
            if now - last_preview >= self.preview_period:
                last_preview = now
                with self._cond:
                    self._cond.wait_for(lambda s=seq: self._decoded >= s or self._halt.is_set(), settle)
                    mark = self._mark
                image, scale = preview_image(frame)
                fresh = mark is not None and time.monotonic() - mark[1] <= OUTLINE_SECONDS
                self.frame_ready.emit(image, _scaled(mark[0], scale) if fresh else None)
                self.previews_sent += 1
            if period:
                due = max(due + period, time.monotonic())  # late: the next at once, no catch-up burst
                if self._halt.wait(max(0.0, due - time.monotonic())):
                    ran_out = False
                    break
        if ran_out and not self._halt.is_set():
            self._drain()  # the last frames of a file still get decoded before the end is announced
            self._halt.set()
            self.ended.emit()

    def _drain(self, timeout: float = 2.0) -> None:
        """Wait for the decoder to finish the last frame read (unless asked to stop)."""
        with self._cond:
            self._cond.wait_for(lambda: self._decoded >= self._seq or self._halt.is_set(), timeout)

    # --- the decoder (a helper thread) ------------------------------------------------------------
    def _decode_loop(self) -> None:
        try:
            decode_image(np.full((120, 160, 3), 255, np.uint8), registry=self.registry)  # warm-up
        except Exception:
            log.exception("decoder warm-up failed")
        while True:
            with self._cond:
                self._cond.wait_for(
                    lambda: (
                        self._halt.is_set() or (self._latest is not None and self._latest[0] > self._decoded)
                    )
                )
                if self._latest is None or self._latest[0] <= self._decoded:
                    return  # halted, nothing new
                seq, frame = self._latest
                self._latest = None  # let the frame go
            try:
                result = decode_image(frame, registry=self.registry)
            except Exception:  # a decoder bug on one frame: skip the frame
                log.exception("decode failed")
                result = None
            self.frames_decoded += 1
            with self._cond:
                self._decoded = seq
                if result is not None and result.text is not None:
                    self._mark = (result.points, time.monotonic())
                self._cond.notify_all()
            if result is not None and result.text and not self._halt.is_set():
                if self.debouncer.accept(result.text):
                    self.code_scanned.emit(result)
            if self._halt.is_set():
                return


# threads asked to stop that did not finish in time: kept referenced until they do (a QThread
# garbage-collected while running aborts the program)
_LINGERING: set[ScanThread] = set()


def _halt(holder: list[ScanThread | None]) -> None:
    thread, holder[0] = holder[0], None
    if thread is None:
        return
    thread.stop()
    if not thread.wait(STOP_WAIT_MS):  # a camera driver stuck in open() or read()
        _LINGERING.add(thread)
        # let go of it after its finished signal has been delivered, not inside it
        thread.finished.connect(lambda t=thread: QTimer.singleShot(0, lambda: _LINGERING.discard(t)))
        if thread.isFinished():  # it ended between the wait and the connect
            _LINGERING.discard(thread)


# --- the widget -----------------------------------------------------------------------------------


class CameraWidget(QWidget):
    """Preview (``preview``, 320x240) with a side column (``side``: status line, Retry button).

    ``start(spec)`` / ``stop()``; it runs only while shown (a hidden tab or a collapsed panel lets go
    of the camera, and takes it again when shown). ``code_scanned(ScanResult)`` once per code.
    """

    code_scanned = Signal(object)
    frame_ready = Signal(QImage, object)
    state_changed = Signal(str)  # "off", "starting", "running", "error", "ended"

    KIND_LABELS = ("booking", "health_code", "exit", "id_number", "unknown")

    def __init__(
        self,
        spec: str | None = None,
        *,
        lang: str = "zh",
        registry: Registry | None = None,
        health_hosts: Iterable[str] | None = None,
        fps: float | None = None,
        loop: bool | None = None,
        preview_fps: float = PREVIEW_FPS,
        debounce: float = 3.0,
        preview_size: QSize = PREVIEW_SIZE,
        beep: bool = True,
        now: Callable[[], datetime] = datetime.now,
        demo_pictures: Callable[[], str | Path | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.spec = str(spec) if spec not in (None, "") else None
        # "demo": a folder of pictures made for the day at each start (station.demo.scan_pictures),
        # so that its booking QR is for a person booked today; None or a failure: the bundled stills
        self.demo_pictures = demo_pictures
        self.lang = lang
        self.registry = registry or default_registry(tuple(health_hosts or ()) or DEFAULT_HEALTH_HOSTS)
        self.fps, self.loop, self.preview_fps = fps, loop, preview_fps
        self.debouncer = Debouncer(debounce)  # one per widget: a restart does not re-read the code in view
        self.beep = beep
        self.now = now  # the time shown with the last code (the station's clock)
        self.state = "off"
        self.error: DomainError | None = None
        self.source_name = ""
        self.last_result: ScanResult | None = None
        self.last_points: tuple[tuple[float, float], ...] | None = None
        self.frames_shown = 0
        self.scans = 0
        self._wanted = False  # start() was called and stop() was not: runs whenever shown
        self._holder: list[ScanThread | None] = [None]
        # the C++ widget can go before Python's: stop the thread then too (no method of self is called)
        holder = self._holder
        self.destroyed.connect(lambda *_: _halt(holder))

        self.preview = QLabel()
        self.preview.setObjectName("camera_preview")
        self.preview.setFixedSize(preview_size)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setWordWrap(True)
        self._set_border(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet("font-size: 15px; color: #57606a;")
        self.retry_button = QPushButton(self.tr("Retry"))
        self.retry_button.clicked.connect(self.retry)
        self.retry_button.hide()
        self.side = QVBoxLayout()
        self.side.setContentsMargins(0, 0, 0, 0)
        self.side.addWidget(self.status)
        self.side.addWidget(self.retry_button)
        self.side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview)
        layout.addLayout(self.side, 1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._flash = QTimer(self)
        self._flash.setSingleShot(True)
        self._flash.setInterval(FLASH_MS)
        self._flash.timeout.connect(lambda: self._set_border(False))
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)
        self._show_off()

    # --- the public API ---------------------------------------------------------------------------
    @property
    def worker(self) -> ScanThread | None:
        """The running (or stopping) thread, None when off."""
        return self._holder[0]

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.isRunning()

    @property
    def flashing(self) -> bool:
        return self._flash.isActive()

    def start(self, spec: str | None = None) -> None:
        """Scan from ``spec`` (or the one given before); runs now if shown, else once shown."""
        if spec not in (None, ""):
            if str(spec) != self.spec:
                self._stop_thread()
            self.spec = str(spec)
        if self.spec is None:
            return
        self._wanted = True
        if self.isVisible() and self.worker is None:
            self._start_thread()

    def stop(self) -> None:
        """Stop scanning and let go of the camera (waits for the thread)."""
        self._wanted = False
        self._stop_thread()
        self._show_off()

    def retry(self) -> None:
        self._stop_thread()
        self.start()

    def set_spec(self, spec: str | None) -> None:
        """Another camera or source: restarts if running."""
        was = self._wanted
        self._stop_thread()
        self.spec = str(spec) if spec not in (None, "") else None
        if was and self.spec is not None:
            self.start()
        elif self.spec is None:
            self.stop()

    def note(self, text: str) -> None:
        """A line under the status (the host's say on a code it does not take)."""
        self.status.setText(text)

    def reset_debounce(self) -> None:
        self.debouncer.reset()

    # --- Qt events --------------------------------------------------------------------------------
    def showEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._wanted and self.worker is None:
            self._start_thread()

    def hideEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        super().hideEvent(event)
        self._stop_thread()  # keeps _wanted: shown again, it starts again
        if self._wanted:
            self._set_state("off")

    def closeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        self.stop()
        super().closeEvent(event)

    # --- the thread -------------------------------------------------------------------------------
    def _source(self) -> tuple[str, float | None, bool | None]:
        """What the thread opens: the spec, or for "demo" the pictures made for the day."""
        if (self.spec or "").strip().lower() == "demo" and self.demo_pictures is not None:
            try:
                folder = self.demo_pictures()
            except Exception:  # a read-only data folder, say: the bundled stills still show scanning
                log.exception("demo pictures for the day")
                folder = None
            if folder:
                return str(folder), self.fps or DEMO_FPS, True if self.loop is None else self.loop
        return self.spec, self.fps, self.loop

    def _start_thread(self) -> None:
        spec, fps, loop = self._source()
        thread = ScanThread(
            spec,
            registry=self.registry,
            fps=fps,
            loop=loop,
            preview_fps=self.preview_fps,
            debounce=self.debouncer,
        )
        thread.frame_ready.connect(self._on_frame)
        thread.code_scanned.connect(self._on_code)
        thread.opened.connect(self._on_opened)
        thread.failed.connect(self._on_failed)
        thread.ended.connect(self._on_ended)
        self._holder[0] = thread
        self.error = None
        self.retry_button.hide()
        self.preview.setPixmap(QPixmap())
        self.preview.setText(self.tr("Starting the camera…"))
        self._preview_text_style()
        self.status.setText("")
        self._set_state("starting")
        thread.start()

    def _stop_thread(self) -> None:
        _halt(self._holder)

    def _current(self) -> bool:
        """Whether the signal comes from the thread now running (a stopped one's last signals are dropped)."""
        sender = self.sender()
        # a queued signal delivered after its thread object went away has no sender: not current,
        # even when no thread runs now (None is None must not pass)
        return sender is not None and sender is self.worker

    # --- from the thread --------------------------------------------------------------------------
    def _on_opened(self, name: str) -> None:
        if not self._current():
            return
        self.source_name = name
        self.status.setText(self.tr("Scanning: {source}").format(source=self.source_label()))
        self._set_state("running")

    def _on_frame(self, image: QImage, points) -> None:
        if not self._current():
            return
        self.frames_shown += 1
        self.last_points = points
        pixmap = QPixmap.fromImage(image).scaled(
            self.preview.size(),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        if points and image.width():
            k = pixmap.width() / image.width()
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(QColor("#2da44e"), 3))
            painter.drawPolygon(QPolygonF([QPointF(x * k, y * k) for x, y in points]))
            painter.end()
        self.preview.setPixmap(pixmap)
        self.frame_ready.emit(image, points)

    def _on_code(self, result: ScanResult) -> None:
        if not self._current():
            return
        self.scans += 1
        self.last_result = result
        if self.beep:
            QApplication.beep()
        self._set_border(True)
        self._flash.start()
        self.status.setText(
            self.tr("Last code: {what} at {time}").format(
                what=self.kind_label(result.kind), time=self.now().strftime("%H:%M:%S")
            )
        )
        self.code_scanned.emit(result)

    def _on_failed(self, error: DomainError) -> None:
        if not self._current():
            return
        thread, self._holder[0] = self._holder[0], None
        thread.wait(STOP_WAIT_MS)
        self.error = error
        self.preview.setPixmap(QPixmap())
        self.preview.setText(error.message(self.lang))
        self.preview.setStyleSheet(
            "background: #ffebe9; color: #a40e26; font-size: 15px; font-weight: bold; padding: 8px;"
            " border: 2px solid #cf222e; border-radius: 4px;"
        )
        self.status.setText("")
        self.retry_button.show()
        self._set_state("error")

    def _on_ended(self) -> None:
        if not self._current():
            return
        thread, self._holder[0] = self._holder[0], None
        thread.wait(STOP_WAIT_MS)
        last = self.status.text() if self.last_result is not None else ""
        self.status.setText("\n".join(t for t in (last, self.tr("The video has ended")) if t))
        self.retry_button.show()
        self._set_state("ended")

    # --- looks ------------------------------------------------------------------------------------
    def source_label(self) -> str:
        index = camera_index(self.spec)
        if index is not None:
            return self.tr("camera {n}").format(n=index)
        if (self.spec or "").strip().lower() == "demo":
            return self.tr("demo pictures")
        return self.source_name or Path(self.spec or "").name

    def kind_label(self, kind: str | None) -> str:
        return {
            "booking": self.tr("booking QR"),
            "health_code": self.tr("health code"),
            "exit": self.tr("exit code"),
            "id_number": self.tr("ID number"),
        }.get(kind or "", self.tr("unknown code"))

    def _show_off(self) -> None:
        self.preview.setPixmap(QPixmap())
        self.preview.setText(self.tr("Camera off"))
        self._preview_text_style()
        self.retry_button.setVisible(False)
        self._set_state("off")

    def _preview_text_style(self) -> None:
        self._set_border(False)

    def _set_border(self, flash: bool) -> None:
        if self.error is not None and not flash:
            return  # keeps the error's colours
        border = "4px solid #2da44e" if flash else "2px solid #57606a"
        self.preview.setStyleSheet(
            f"background: #24292f; color: #d0d7de; font-size: 15px; padding: 4px; border: {border};"
            " border-radius: 4px;"
        )

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)


# --- plugging into a page -------------------------------------------------------------------------


def _find(layout, target) -> tuple[Any, int] | None:
    """The layout holding ``target`` (a widget or a layout) and its index there, searched depth-first."""
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item.widget() is target or (item.layout() is not None and item.layout() is target):
            return layout, i
        if item.layout() is not None:
            hit = _find(item.layout(), target)
            if hit:
                return hit
        elif item.widget() is not None and item.widget().layout() is not None:
            hit = _find(item.widget().layout(), target)
            if hit:
                return hit
    return None


def insert_above(page: QWidget, target: QWidget, widget: QWidget) -> None:
    """Put ``widget`` above ``target`` in ``page``'s layouts: in the nearest vertical layout that holds
    ``target`` or the row it sits in."""
    root = page.layout()
    if root is None:
        raise ValueError("the page has no layout")
    node: Any = target
    while True:
        hit = _find(root, node)
        if hit is None:
            raise ValueError("the input is not in the page's layout")
        layout, index = hit
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(index, widget)
            return
        node = layout  # a row (or grid): go up to the layout holding it


def attach_camera(
    page: QWidget,
    input: CodeInput,  # noqa: A002 (the brief's name)
    spec: str | None,
    *,
    kinds: Iterable[str] = ("exit",),
    note: str | None = None,
    lang: str | None = None,
    health_hosts: Iterable[str] | None = None,
    **options: Any,
) -> CameraWidget:
    """A CameraWidget above ``input`` whose codes of ``kinds`` are submitted into it as if typed
    (the observation page's exit scan: ``attach_camera(self, self.code, spec)``). Other codes only
    get ``note`` under the preview (default: "not an exit code"). Returns the widget (started when
    ``spec`` is given; it runs while shown, so a hidden tab lets go of the camera)."""
    hub = getattr(page, "hub", None)
    if lang is None:
        lang = getattr(hub, "lang", "zh")
    if health_hosts is None and hub is not None:
        health_hosts = getattr(hub.settings, "health_hosts", None)
    camera = CameraWidget(spec, lang=lang, health_hosts=health_hosts, **options)
    kinds = tuple(kinds)
    if note is None:
        note = QCoreApplication.translate(
            "CameraWidget", "Not an exit code: scan the QR on the observation slip"
        )
    insert_above(page, input, camera)

    def take(result: ScanResult) -> None:
        if result.kind in kinds:
            input.submit(result.text)
        else:
            camera.note(note)

    camera.code_scanned.connect(take)
    if spec:
        camera.start()
    return camera


__all__ = [
    "CameraWidget",
    "ScanThread",
    "attach_camera",
    "available_cameras",
    "camera_index",
    "insert_above",
    "preview_image",
]
