"""The colour of a health code (green / yellow / red), read from the code's own pixels.

The code's corners (from the decoder) cut out the code; its dark modules are the pixels dark in
their darkest channel (that is where a coloured module differs from the white screen). Their
hue says the colour once the light modules have been used as the white reference: whatever
tint the camera's white balance or a warm screen adds to white, it adds to the modules too.
Glare washes modules out to white, so only saturated pixels vote.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

COLORS = ("green", "yellow", "red", "unknown")

# Hue bands in degrees (0-360) of the white-corrected dark modules. Health-code apps draw red at
# 350-10, orange-yellow at 38-55 and green at 115-160; the bands leave room for cameras.
_BANDS = (("red", 335.0, 24.0), ("yellow", 24.0, 85.0), ("green", 85.0, 185.0))
_PATCH = 64
_MIN_SATURATION = 0.25
_MIN_CHROMATIC = 0.25  # share of the dark pixels that must be coloured at all (else black/grey code)
_MIN_AGREEMENT = 0.6  # share of the coloured pixels that must agree on one band


def code_patch(image: np.ndarray, points: Sequence[Sequence[float]], size: int = _PATCH) -> np.ndarray | None:
    """The code cut out and squared to ``size`` x ``size`` BGR pixels, or None for a degenerate quad."""
    quad = np.asarray(points, np.float32).reshape(-1, 2)
    if len(quad) != 4 or cv2.contourArea(quad) < 16 or image.ndim != 3:
        return None
    dst = np.array([[0, 0], [size - 1, 0], [size - 1, size - 1], [0, size - 1]], np.float32)
    m = cv2.getPerspectiveTransform(quad, dst)
    return cv2.warpPerspective(
        image[:, :, :3], m, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def _band(hue: np.ndarray) -> np.ndarray:
    """Index into _BANDS per hue (degrees), -1 outside every band (blue, purple)."""
    out = np.full(hue.shape, -1, np.int8)
    for i, (_, lo, hi) in enumerate(_BANDS):
        inside = (hue >= lo) | (hue < hi) if lo > hi else (hue >= lo) & (hue < hi)
        out[inside] = i
    return out


def classify(image: np.ndarray, points: Sequence[Sequence[float]] | None) -> str:
    """``green``, ``yellow``, ``red`` or ``unknown`` (black or grey code, no corners, no agreement)."""
    if points is None or image is None or image.ndim != 3:
        return "unknown"
    patch = code_patch(image, points)
    if patch is None:
        return "unknown"
    dark8 = cv2.min(cv2.min(patch[:, :, 0], patch[:, :, 1]), patch[:, :, 2]).reshape(-1)
    px = patch.reshape(-1, 3).astype(np.float32)
    dark = dark8.astype(np.float32)
    lo, hi = np.percentile(dark8, (5, 95))
    if hi - lo < 25:  # no contrast: not a code, or hidden under glare
        return "unknown"
    t, _ = cv2.threshold(dark8, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    light = px[(dark > t) & (dark >= hi - 0.25 * (hi - lo))]
    modules = px[dark < t - 0.1 * (hi - lo)]
    if len(light) < 20 or len(modules) < 40:
        return "unknown"
    white = np.median(light, axis=0)
    if white.min() < 1:
        return "unknown"
    # The white reference made neutral: each module as a share of white light per channel. The ink
    # absorbs 1 - that; how unevenly it absorbs (its saturation) survives glare, which adds white
    # light to all three channels alike, where HSV saturation of the washed-out pixel would not.
    corrected = np.clip(modules / white, 0.0, 1.0)
    absorbed = 1.0 - corrected
    top = absorbed.max(axis=1)
    ink = (top - absorbed.min(axis=1)) / np.maximum(top, 1e-3)
    coloured = (ink >= _MIN_SATURATION) & (top >= 0.12)
    if coloured.mean() < _MIN_CHROMATIC:
        return "unknown"
    hsv = cv2.cvtColor(corrected[coloured].reshape(-1, 1, 3), cv2.COLOR_BGR2HSV).reshape(
        -1, 3
    )  # H in degrees
    votes = np.bincount(_band(hsv[:, 0]) + 1, minlength=len(_BANDS) + 1)[1:]
    best = int(np.argmax(votes))
    if votes[best] < _MIN_AGREEMENT * len(hsv):
        return "unknown"
    return _BANDS[best][0]
