"""Scanning: frame sources, QR decoders, the code's colour, payload parsers, debounce. No Qt.

    from station.scan import decode_image, open_source, Debouncer
    with open_source("demo") as src:          # "0" a camera, a video, a folder, an image
        for frame in src.frames():
            r = decode_image(frame)              # ScanResult(text, kind, color, decoder, ms, points, scan)
            if r.text and debounce.accept(r.text): ...

The camera widget (ui/) runs this loop in a worker thread and draws ``points``; the typed or
scanner-gun input goes through ``payloads.parse`` directly. See docs/booking-qr.md.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from station.errors import DomainError
from station.scan.color import classify
from station.scan.debounce import Debouncer
from station.scan.decoders import Decoder, Found, Pipeline
from station.scan.payloads import Registry, Scan, parse
from station.scan.sources import (
    IMAGE_SUFFIXES,
    CameraSource,
    ImageFolderSource,
    VideoFileSource,
    check_size,
    image_files,
    open_source,
    read_image,
)

__all__ = [
    "CameraSource",
    "Debouncer",
    "Decoder",
    "Found",
    "ImageFolderSource",
    "Pipeline",
    "Scan",
    "ScanResult",
    "VideoFileSource",
    "check_health_code",
    "decode_image",
    "decode_paths",
    "open_source",
    "parse",
]


@dataclass(frozen=True)
class ScanResult:
    """One frame's outcome. ``text`` None: no code found. ``ms`` covers decoding and colour."""

    text: str | None
    kind: str | None
    color: str | None
    decoder: str | None
    ms: float
    points: tuple[tuple[float, float], ...] | None
    scan: Scan | None = None  # the parsed payload (fields, error) when a code was read

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "kind": self.kind,
            "color": self.color,
            "decoder": self.decoder,
            "ms": round(self.ms, 2),
        }


_lock = threading.Lock()
_pipeline: Pipeline | None = None


def default_pipeline() -> Pipeline:
    """One pipeline per process (its decoders hold no per-frame state, so threads may share it)."""
    global _pipeline
    with _lock:
        if _pipeline is None:
            _pipeline = Pipeline()
        return _pipeline


def decode_image(
    image: np.ndarray, *, pipeline: Pipeline | None = None, registry: Registry | None = None
) -> ScanResult:
    """Decode the first QR code in a BGR (or grayscale) frame, classify its colour, parse its text."""
    start = time.perf_counter()
    check_size(image.shape[1], image.shape[0])  # a frame past the limits is refused, never decoded
    hit = (pipeline or default_pipeline()).decode(image)
    if hit.found is None:
        return ScanResult(None, None, None, None, (time.perf_counter() - start) * 1000, None)
    color = classify(image, hit.found.points)
    scan = parse(hit.found.text, registry)
    ms = (time.perf_counter() - start) * 1000
    return ScanResult(hit.found.text, scan.kind, color, hit.found.decoder, ms, hit.found.points, scan)


def check_health_code(result: ScanResult) -> None:
    """Sign-in refuses a health code that is not green (DomainError ``health_code_yellow`` ...)."""
    if result.kind != "health_code" or result.color == "green":
        return
    code = {"yellow": "health_code_yellow", "red": "health_code_red"}.get(
        result.color or "", "health_code_color_unknown"
    )
    raise DomainError(code)


def _line(file: Path, r: ScanResult | None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"file": str(file)}
    if r is None:
        out.update(text=None, kind=None, color=None, decoder=None, ms=None)
    else:
        out.update(r.as_dict())
    out.update(extra)
    return out


def decode_paths(
    paths: Iterable[str | Path], *, every_frame: bool = False, pipeline: Pipeline | None = None
) -> Iterator[dict[str, Any]]:
    """One dict per image, and per decoded frame of a video: ``{"file","text","kind","color","decoder","ms"}``.

    ``text`` is None when nothing was found. A folder stands for its images. A video gives a line
    for every frame where a code was read (with ``frame``, its index), or one line with ``text``
    None when no frame had one; ``every_frame`` gives a line for every frame. A file that cannot
    be read, or is past the size limits, gives a line with ``error`` (a message code) instead of
    stopping the others; so does a video that fails half way (after the lines of its frames).
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = image_files(path)
            if not files:
                yield _line(path, None, error="source_empty")
            for f in files:
                yield from decode_paths([f], pipeline=pipeline)
            continue
        try:
            yield from _decode_file(path, every_frame, pipeline)
        except DomainError as exc:
            yield _line(path, None, error=exc.code, **_facts(exc))
        except (OSError, ValueError, MemoryError, cv2.error):  # a decoder giving up on a strange file
            yield _line(path, None, error="source_unreadable")


def _facts(exc: DomainError) -> dict[str, Any]:
    return {k: v for k, v in exc.facts.items() if k in ("width", "height", "limit", "limit_mp", "megapixels")}


def _decode_file(path: Path, every_frame: bool, pipeline: Pipeline | None) -> Iterator[dict[str, Any]]:
    if not path.exists():
        raise DomainError("source_not_found", path=str(path))
    if path.suffix.lower() in IMAGE_SUFFIXES:
        img = read_image(path)
        yield _line(path, decode_image(img, pipeline=pipeline))
        return
    try:
        src = VideoFileSource(path)
    except DomainError as exc:
        if exc.code != "source_unreadable":
            raise
        # neither a known image suffix nor a video OpenCV can open: maybe an image named oddly
        try:
            img = read_image(path)
        except DomainError as img_exc:
            raise (img_exc if img_exc.code != "source_unreadable" else exc) from None
        yield _line(path, decode_image(img, pipeline=pipeline))
        return
    with src:
        any_found = False
        for i, frame in enumerate(src.frames()):
            r = decode_image(frame, pipeline=pipeline)
            if r.text is not None or every_frame:
                any_found = any_found or r.text is not None
                yield _line(path, r, frame=i)
        if not any_found and not every_frame:
            yield _line(path, None)
