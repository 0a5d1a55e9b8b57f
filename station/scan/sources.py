"""Frame sources: a camera by index, a video file, a folder of images (tests, the demo).

Every source gives BGR numpy frames from ``frames()`` and lets go of its device or file on
``close()`` (also as a context manager). A source that cannot start raises a DomainError with a
message code the UI shows (``camera_not_found``, ``camera_busy``, ``source_not_found``, ...).
Nothing here runs a thread: the camera widget calls ``frames()`` from its worker.
"""

from __future__ import annotations

import os
import re
import struct
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from station.errors import DomainError
from station.paths import resource_dir

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})
VIDEO_SUFFIXES = frozenset({".mp4", ".avi", ".mkv", ".mov", ".webm", ".mjpg", ".mjpeg", ".m4v"})
DEMO_FPS = 1.0  # the demo shows each still for a second, like a person holding up a phone

# Input limits (docs/security.md): checked from the file's header before a pixel is decoded.
# cv2.imread of a 32,000 x 32,000 PNG takes 7 GB; a phone photo is 12-50 MP, a camera frame 1-8 MP.
MAX_PIXELS = 40_000_000
MAX_SIDE = 20_000  # wider or taller than this is no photo of a code (the QR decoders stop at 65,535)


def check_size(width: int, height: int, path: str | Path = "") -> None:
    """Refuse an image or frame larger than the limits: ``image_too_wide`` or ``image_too_large``."""
    if width > MAX_SIDE or height > MAX_SIDE:
        raise DomainError("image_too_wide", path=str(path), width=width, height=height, limit=MAX_SIDE)
    if width * height > MAX_PIXELS:
        raise DomainError(
            "image_too_large",
            path=str(path),
            width=width,
            height=height,
            megapixels=round(width * height / 1e6, 1),
            limit_mp=MAX_PIXELS // 1_000_000,
        )


def image_size(path: Path) -> tuple[int, int]:
    """(width, height) from the image file's header alone (Pillow opens lazily), or ``source_unreadable``."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            return im.size
    except Image.DecompressionBombError:  # Pillow's own limit (~179 MP) is past ours anyway
        raise DomainError("image_too_large", path=str(path), width=0, height=0, megapixels="?",
                          limit_mp=MAX_PIXELS // 1_000_000) from None  # fmt: skip
    except (OSError, ValueError, SyntaxError, EOFError, struct.error):  # not an image Pillow knows
        raise DomainError("source_unreadable", path=str(path)) from None


def demo_dir() -> Path:
    return resource_dir() / "scan"


class FrameSource(Protocol):
    name: str

    def frames(self) -> Iterator[np.ndarray]: ...

    def close(self) -> None: ...


class _Pacer:
    """Holds a file source to ``fps`` frames a second (None: as fast as they decode)."""

    def __init__(
        self,
        fps: float | None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if fps is not None and fps <= 0:
            raise ValueError("fps must be > 0")
        self.period = 1.0 / fps if fps else 0.0
        self.clock, self.sleep = clock, sleep
        self._next: float | None = None

    def wait(self) -> None:
        if not self.period:
            return
        now = self.clock()
        if self._next is None:
            self._next = now
        if self._next > now:
            self.sleep(self._next - now)
        # a slow consumer does not earn a burst of catch-up frames afterwards
        self._next = max(self._next, now) + self.period


class _Source:
    name = "source"

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _quiet_opencv() -> None:
    """OpenCV prints a warning on stderr for every camera index it cannot open; we report it ourselves."""
    try:
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    except AttributeError:
        os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")


# --- camera -----------------------------------------------------------------------------------------


class CameraSource(_Source):
    """A webcam by index through OpenCV ``VideoCapture``. Opens at once, so a missing or busy camera
    is reported when the source is made, not in the middle of the worker loop."""

    def __init__(
        self,
        index: int = 0,
        *,
        width: int = 1280,
        height: int = 720,
        backend: int | None = None,
        read_attempts: int = 10,
    ) -> None:
        self.index = int(index)
        self.name = f"camera {self.index}"
        _quiet_opencv()
        if sys.platform.startswith("linux") and not Path(f"/dev/video{self.index}").exists():
            raise DomainError("camera_not_found", camera=self.index)
        if backend is None:
            # DirectShow opens and fails fast on Windows; MSMF can take seconds on a missing index
            backend = cv2.CAP_DSHOW if sys.platform == "win32" else cv2.CAP_ANY
        cap = cv2.VideoCapture(self.index, backend)
        if not cap.isOpened():
            cap.release()
            # On Linux the device node exists, so something holds it or it refuses us
            code = "camera_busy" if sys.platform.startswith("linux") else "camera_not_found"
            raise DomainError(code, camera=self.index)
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not a queue of stale ones
        # A camera used by another program opens but delivers nothing (Windows, some V4L2 drivers).
        first = None
        for _ in range(read_attempts):
            ok, frame = cap.read()
            if ok and frame is not None:
                first = frame
                break
            time.sleep(0.05)
        if first is None:
            cap.release()
            raise DomainError("camera_busy", camera=self.index)
        try:  # a camera (or a virtual one) giving frames past the limits
            check_size(first.shape[1], first.shape[0], self.name)
        except DomainError:
            cap.release()
            raise
        self._cap: cv2.VideoCapture | None = cap
        self._first: np.ndarray | None = first

    def frames(self) -> Iterator[np.ndarray]:
        misses = 0
        while self._cap is not None:
            if self._first is not None:
                frame, self._first = self._first, None
                yield frame
                continue
            ok, frame = self._cap.read()
            if not ok or frame is None:
                misses += 1
                if misses >= 30:  # unplugged, or taken by another program
                    raise DomainError("camera_lost", camera=self.index)
                time.sleep(0.02)
                continue
            misses = 0
            yield frame

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


# --- files ------------------------------------------------------------------------------------------


class VideoFileSource(_Source):
    """A video file, frame by frame; ``fps`` paces it (None: as fast as it decodes), ``loop`` repeats it."""

    def __init__(self, path: str | Path, *, fps: float | None = None, loop: bool = False) -> None:
        self.path = Path(path)
        self.name = self.path.name
        if not self.path.is_file():
            raise DomainError("source_not_found", path=str(self.path))
        _quiet_opencv()
        self._cap: cv2.VideoCapture | None = cv2.VideoCapture(str(self.path))
        if not self._cap.isOpened():
            self._cap.release()
            self._cap = None
            raise DomainError("source_unreadable", path=str(self.path))
        try:  # the frame size from the container's header, before a frame is decoded
            check_size(
                int(self._cap.get(cv2.CAP_PROP_FRAME_WIDTH) or 0),
                int(self._cap.get(cv2.CAP_PROP_FRAME_HEIGHT) or 0),
                path,
            )
        except DomainError:
            self.close()
            raise
        self.native_fps = float(self._cap.get(cv2.CAP_PROP_FPS) or 0.0) or None
        self.frame_count = int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        self.loop = loop
        self._pacer = _Pacer(fps)

    def frames(self) -> Iterator[np.ndarray]:
        produced = 0
        while self._cap is not None:
            ok, frame = self._cap.read()
            if not ok or frame is None:
                if self.loop and produced:
                    self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
                    produced = 0
                    continue
                return
            produced += 1
            check_size(frame.shape[1], frame.shape[0], self.path)
            self._pacer.wait()
            yield frame

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


def image_files(path: Path) -> list[Path]:
    """The image files of a folder, sorted by name (``frame-2`` before ``frame-10``)."""

    def natural(p: Path) -> list:
        return [int(s) if s.isdigit() else s.lower() for s in re.split(r"(\d+)", p.name)]

    return sorted(
        (p for p in path.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES), key=natural
    )


def read_image(path: Path) -> np.ndarray:
    """A BGR image from a file (any path, non-ASCII names included), or DomainError ``source_unreadable``
    (``image_too_large``, ``image_too_wide``: its header gives a size past the limits; nothing decoded)."""
    check_size(*image_size(path), path)
    try:
        data = np.fromfile(str(path), np.uint8)  # cv2.imread cannot open non-ASCII paths on Windows
        img = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    except (OSError, cv2.error, ValueError, MemoryError):
        raise DomainError("source_unreadable", path=str(path)) from None
    if img is None:
        raise DomainError("source_unreadable", path=str(path))
    check_size(img.shape[1], img.shape[0], path)  # a header that lied about the size
    return img


class ImageFolderSource(_Source):
    """The images of a folder in name order, or a single image file."""

    def __init__(self, path: str | Path, *, fps: float | None = None, loop: bool = False) -> None:
        self.path = Path(path)
        self.name = self.path.name
        if self.path.is_dir():
            self.files = image_files(self.path)
            if not self.files:
                raise DomainError("source_empty", path=str(self.path))
        elif self.path.is_file():
            self.files = [self.path]
        else:
            raise DomainError("source_not_found", path=str(self.path))
        self.loop = loop
        self._pacer = _Pacer(fps)
        self._closed = False

    def frames(self) -> Iterator[np.ndarray]:
        while not self._closed:
            for f in self.files:
                if self._closed:
                    return
                img = read_image(f)
                self._pacer.wait()
                yield img
            if not self.loop:
                return

    def close(self) -> None:
        self._closed = True


def open_source(spec: str | int, *, fps: float | None = None, loop: bool | None = None) -> FrameSource:
    """A source from a setting or a command-line value.

    ``"0"``, ``"1"``... a camera index; ``"demo"`` the bundled demo stills (looping, one a second);
    a folder or an image file; a video file.
    """
    text = str(spec).strip()
    if text.isdigit():
        return CameraSource(int(text))
    if text.lower() == "demo":
        return ImageFolderSource(
            demo_dir(), fps=DEMO_FPS if fps is None else fps, loop=True if loop is None else loop
        )
    path = Path(text).expanduser()
    if path.is_dir():
        return ImageFolderSource(path, fps=fps, loop=bool(loop))
    if not path.exists():
        raise DomainError("source_not_found", path=str(path))
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return ImageFolderSource(path, fps=fps, loop=bool(loop))
    return VideoFileSource(path, fps=fps, loop=bool(loop))
