"""QR decoders behind one small interface, and the pipeline that runs them fast path first.

Every decoder takes a BGR or grayscale image and returns ``list[Found]``; none raises on a frame
it cannot read (a missing library raises ``DecoderUnavailable``, which the pipeline skips). The
pipeline's order comes from ``bench/scan/bench_scan.py`` (figures in ``bench/scan/README.md``):
zxing-cpp restricted to QR reads ~93% of camera frames from luma in ~1 ms; the same on the
darkest colour channel reads most of the rest (yellow codes); a zoomed second pass on the regions
zxing located but could not decode (zxing, then pyzbar) reads some small and blurred codes. The
later stages run only when the earlier ones found nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import cv2
import numpy as np

Points = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Found:
    """One decoded code: its text, its 4 corners in the image (clockwise from top-left), who read it."""

    text: str
    points: Points
    decoder: str


@runtime_checkable
class Decoder(Protocol):
    name: str

    def decode(self, image: np.ndarray) -> list[Found]: ...


class DecoderUnavailable(RuntimeError):
    """The decoder's library is missing (``libzbar0`` not installed, say)."""


# --- images ----------------------------------------------------------------------------------------


def darkest_channel(image: np.ndarray) -> np.ndarray:
    """Grayscale as the darkest of B, G, R per pixel.

    Luma makes a yellow code nearly white (its red and green are bright); its blue channel is
    dark, and so is some channel of every code colour, while the white screen is bright in all.
    """
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        image = image[:, :, :3]
    return cv2.min(cv2.min(image[:, :, 0], image[:, :, 1]), image[:, :, 2])


def _quad(points) -> Points:
    return tuple((float(x), float(y)) for x, y in points)


# --- text ------------------------------------------------------------------------------------------


def decode_bytes(raw: bytes) -> str:
    """Payload bytes to text: UTF-8 (what phones and booking systems write), else GB18030, else latin-1."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 bytes that a decoder turned into text as Shift-JIS or latin-1.

    zbar guesses the charset of a QR without ECI and sometimes picks Shift-JIS for UTF-8 Chinese
    (张三 comes out as 蠑 etc.). Re-encoding with the wrong charset gives back the original bytes; if
    those are valid UTF-8 and differ, they were the payload. Plain ASCII is returned unchanged.
    """
    if text.isascii():
        return text
    for wrong in ("shift_jis", "cp932", "latin-1"):
        try:
            fixed = text.encode(wrong).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != text:
            return fixed
    return text


# --- zxing-cpp -------------------------------------------------------------------------------------


class ZxingDecoder:
    """zxing-cpp restricted to QR codes (all formats cost ~13 ms a frame on cluttered scenes)."""

    def __init__(self, name: str = "zxing", channel: str = "luma", try_invert: bool = False) -> None:
        import zxingcpp

        self._zx = zxingcpp
        self.name = name
        self.channel = channel  # "luma", "min" (darkest channel), or "bgr" (zxing converts)
        self.try_invert = try_invert  # phone screens show dark modules on light; inverting costs time

    def _image(self, image: np.ndarray) -> np.ndarray:
        if image.ndim == 2 or self.channel == "bgr":
            return image
        if self.channel == "luma":
            return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        return darkest_channel(image)

    def read(self, image: np.ndarray, *, return_errors: bool = False) -> list:
        """The raw zxingcpp results (with ``return_errors``, also codes found but not decoded)."""
        return self._zx.read_barcodes(
            self._image(image),
            formats=self._zx.BarcodeFormat.QRCode,
            try_invert=self.try_invert,
            return_errors=return_errors,
        )

    def _found(self, b) -> Found:
        p = b.position
        pts = (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
        try:
            text = b.bytes.decode("utf-8")  # zxing's own charset guess is right too; this is certain
        except UnicodeDecodeError:
            text = b.text
        return Found(text, _quad((q.x, q.y) for q in pts), self.name)

    def decode(self, image: np.ndarray) -> list[Found]:
        return [self._found(b) for b in self.read(image) if b.valid]

    def decode_work(self, work: Work) -> list[Found]:
        """Decode, and leave the corners of codes located but not decoded in ``work.suspects``."""
        found = []
        for b in self.read(
            work.gray(self.channel) if self.channel != "bgr" else work.image, return_errors=True
        ):
            if b.valid:
                found.append(self._found(b))
                continue
            p = b.position
            quad = np.array(
                [(q.x, q.y) for q in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)], np.float32
            )
            if cv2.contourArea(quad) >= 100:  # format errors come with (0,0) x4: no place to look
                work.suspects.append(quad)
        return found


def read_pack_codes(image: np.ndarray) -> list[str]:
    """The codes on a vaccine pack in an image (GS1 DataMatrix on vials and cartons, a 1-D or QR
    traceability code), as ``station.packcodes.parse`` takes them: a GS1 symbol's element string
    with its symbology prefix (``]d2``) and FNC1 as GS, any other symbol's text. Kept apart from the
    sign-in decoders, which read QR codes only (every format costs ~13 ms a frame)."""
    import zxingcpp

    gs1_identifiers = {  # the AIM symbology identifier of each format's GS1 form
        zxingcpp.BarcodeFormat.DataMatrix: "]d2",
        zxingcpp.BarcodeFormat.Code128: "]C1",
        zxingcpp.BarcodeFormat.QRCode: "]Q3",
    }
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    formats = [
        zxingcpp.BarcodeFormat.DataMatrix,
        zxingcpp.BarcodeFormat.Code128,
        zxingcpp.BarcodeFormat.QRCode,
    ]
    out = []
    for b in zxingcpp.read_barcodes(gray, formats=formats, try_invert=True):
        if not b.valid:
            continue
        if b.content_type == zxingcpp.ContentType.GS1:
            # the format's GS1 identifier: zxing-cpp 3.1 gives a rectangular DMRE DataMatrix (8x64,
            # a vial label's shape) "]d8", which biip refuses as not GS1 (the carton was refused)
            ident = gs1_identifiers.get(b.format, b.symbology_identifier)
            out.append(ident + b.bytes.decode("ascii", "replace"))
        else:
            out.append(decode_bytes(b.bytes))
    return out


# --- pyzbar ----------------------------------------------------------------------------------------

_ZBAR_CFG_BINARY = 4  # zbar >= 0.23: hand over the payload bytes untouched (no charset guessing)


class PyzbarDecoder:
    """zbar through pyzbar, QR only, on the darkest channel; unavailable (not fatal) without libzbar0."""

    def __init__(self, name: str = "pyzbar") -> None:
        self.name = name
        self._w = None
        self.error: str | None = None
        self.binary = False
        try:
            from pyzbar import wrapper  # loads libzbar: ImportError when the system library is missing

            self._w = wrapper
            probe = wrapper.zbar_image_scanner_create()
            try:
                self.binary = (
                    wrapper.zbar_image_scanner_set_config(
                        probe, wrapper.ZBarSymbol.QRCODE, _ZBAR_CFG_BINARY, 1
                    )
                    == 0
                )
            finally:
                wrapper.zbar_image_scanner_destroy(probe)
        except Exception as exc:  # ImportError, OSError from ctypes: any of them means "no zbar"
            self._w = None
            self.error = f"{type(exc).__name__}: {exc}"

    @property
    def available(self) -> bool:
        return self._w is not None

    def decode(self, image: np.ndarray) -> list[Found]:
        if self._w is None:
            raise DecoderUnavailable(f"pyzbar: {self.error}")
        from ctypes import c_void_p, cast, string_at

        w = self._w
        gray = np.ascontiguousarray(darkest_channel(image))
        h, wd = gray.shape
        data = gray.tobytes()
        out: list[Found] = []
        scanner = w.zbar_image_scanner_create()
        try:
            w.zbar_image_scanner_set_config(scanner, w.ZBarSymbol.NONE, w.ZBarConfig.CFG_ENABLE, 0)
            w.zbar_image_scanner_set_config(scanner, w.ZBarSymbol.QRCODE, w.ZBarConfig.CFG_ENABLE, 1)
            if self.binary:
                w.zbar_image_scanner_set_config(scanner, w.ZBarSymbol.QRCODE, _ZBAR_CFG_BINARY, 1)
            img = w.zbar_image_create()
            try:
                w.zbar_image_set_format(img, 0x30303859)  # fourcc "Y800": 8-bit grayscale
                w.zbar_image_set_size(img, wd, h)
                w.zbar_image_set_data(img, cast(data, c_void_p), len(data), None)
                if w.zbar_scan_image(scanner, img) <= 0:
                    return out
                symbol = w.zbar_image_first_symbol(img)
                while symbol:
                    raw = string_at(w.zbar_symbol_get_data(symbol), w.zbar_symbol_get_data_length(symbol))
                    text = decode_bytes(raw) if self.binary else fix_mojibake(raw.decode("utf-8", "replace"))
                    n = w.zbar_symbol_get_loc_size(symbol)
                    pts = [
                        (w.zbar_symbol_get_loc_x(symbol, i), w.zbar_symbol_get_loc_y(symbol, i))
                        for i in range(n)
                    ]
                    out.append(Found(text, _corners(pts), self.name))
                    symbol = w.zbar_symbol_next(symbol)
            finally:
                w.zbar_image_destroy(img)
        finally:
            w.zbar_image_scanner_destroy(scanner)
        return out


def _corners(pts: list[tuple[int, int]]) -> Points:
    """4 corners from zbar's location points (4 for QR; a min-area box otherwise)."""
    arr = np.array(pts, np.float32).reshape(-1, 2)
    if len(arr) != 4:
        arr = cv2.boxPoints(cv2.minAreaRect(arr)) if len(arr) >= 3 else np.repeat(arr[:1], 4, axis=0)
    return _quad(_order(arr))


def _order(quad: np.ndarray) -> np.ndarray:
    """Corners clockwise from the one nearest the top-left."""
    c = quad.mean(axis=0)
    ang = np.arctan2(quad[:, 1] - c[1], quad[:, 0] - c[0])
    quad = quad[np.argsort(ang)]  # clockwise in image coordinates (y down)
    start = int(np.argmin(quad.sum(axis=1)))
    return np.roll(quad, -start, axis=0)


# --- OpenCV (for the benchmark; weaker and loses UTF-8) ---------------------------------------------


class OpenCVDecoder:
    """OpenCV's QRCodeDetector: measured for comparison, not used by the pipeline."""

    def __init__(self, name: str = "opencv", aruco: bool = False) -> None:
        self.name = name
        self._det = cv2.QRCodeDetectorAruco() if aruco else cv2.QRCodeDetector()

    def decode(self, image: np.ndarray) -> list[Found]:
        try:
            text, pts, _ = self._det.detectAndDecode(image)
        except cv2.error:
            return []
        if not text or pts is None:
            return []
        return [Found(text, _quad(np.asarray(pts).reshape(-1, 2)[:4]), self.name)]


# --- second pass: zoom on the code ------------------------------------------------------------------


def sharpen(image: np.ndarray, amount: float = 1.0, sigma: float = 1.5) -> np.ndarray:
    """Unsharp mask."""
    blurred = cv2.GaussianBlur(image, (0, 0), sigma)
    return cv2.addWeighted(image, 1 + amount, blurred, -amount, 0)


def stretch(gray: np.ndarray) -> np.ndarray:
    """Contrast stretch (2nd to 98th percentile to 0-255): a yellow code in luma is faint but sharp."""
    lo, hi = np.percentile(gray, (2, 98))
    if hi - lo < 8:
        return gray
    return cv2.convertScaleAbs(gray, alpha=255.0 / (hi - lo), beta=-lo * 255.0 / (hi - lo))


class Work:
    """One frame as the pipeline's stages share it: the grays computed once, regions found so far."""

    def __init__(self, image: np.ndarray) -> None:
        self.image = image
        self._gray: dict[str, np.ndarray] = {}
        self.suspects: list[np.ndarray] = []

    def gray(self, channel: str) -> np.ndarray:
        if channel not in self._gray:
            img = self.image
            if img.ndim == 2:
                g = img
            elif channel == "luma":
                g = cv2.cvtColor(img[:, :, :3], cv2.COLOR_BGR2GRAY)
            else:
                g = darkest_channel(img)
            self._gray[channel] = g
        return self._gray[channel]


class ZoomDecoder:
    """Second pass for small and blurred codes: crop where a code was located, upscale, sharpen, retry.

    The regions are the codes zxing located but could not decode (on the darkest channel and on
    luma). Each crop is tried as contrast-stretched luma (JPEG keeps colour at half resolution,
    so a small yellow code is sharper in luma than in its blue channel) and as the darkest channel.
    """

    def __init__(
        self,
        decoders: list[Decoder] | None = None,
        name: str = "zoom",
        max_scale: float = 4.0,
        target_px: int = 480,
        margin: float = 0.25,
        max_regions: int = 3,
    ) -> None:
        self.name = name
        self.decoders = decoders if decoders is not None else [ZxingDecoder(name="zxing")]
        self.max_scale = max_scale
        self.target_px = target_px
        self.margin = margin
        self.max_regions = max_regions

    def _box(self, shape: tuple[int, ...], quad: np.ndarray) -> tuple[int, int, int, int]:
        h, w = shape[:2]
        x0, y0 = quad.min(axis=0)
        x1, y1 = quad.max(axis=0)
        side = max(x1 - x0, y1 - y0)
        half = side / 2 + self.margin * side + 8
        if side < 60:  # a located "code" this small is one finder pattern: look around it
            half = max(half, 3.2 * side)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        return int(max(0, cx - half)), int(max(0, cy - half)), int(min(w, cx + half)), int(min(h, cy + half))

    def _try(self, crop: np.ndarray, ox: int, oy: int) -> list[Found]:
        # bring the crop to about target_px: small codes get 2-4x, a big blurred one is left as it is
        f = min(self.max_scale, max(1.0, self.target_px / max(1, max(crop.shape[:2]))))
        big = sharpen(cv2.resize(crop, None, fx=f, fy=f, interpolation=cv2.INTER_CUBIC))
        for dec in self.decoders:
            try:
                found = dec.decode(big)
            except DecoderUnavailable:
                continue
            if found:
                return [
                    Found(
                        x.text,
                        tuple((ox + px / f, oy + py / f) for px, py in x.points),
                        f"{self.name}+{dec.name}",
                    )
                    for x in found
                ]
        return []

    def regions(self, work: Work) -> list[tuple[int, int, int, int]]:
        """Crop boxes for the located codes, biggest first, overlapping ones merged."""
        boxes: list[tuple[int, int, int, int]] = []
        shape = work.image.shape
        for quad in sorted(work.suspects, key=lambda q: -cv2.contourArea(q)):
            box = self._box(shape, quad)
            cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            if any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes):
                continue
            boxes.append(box)
            if len(boxes) == self.max_regions:
                break
        return boxes

    def decode_work(self, work: Work) -> list[Found]:
        for x0, y0, x1, y1 in self.regions(work):
            for channel in ("luma", "min"):
                crop = work.gray(channel)[y0:y1, x0:x1]
                if crop.size == 0:
                    continue
                hit = self._try(stretch(crop) if channel == "luma" else crop, x0, y0)
                if hit:
                    return hit
        return []

    def decode(self, image: np.ndarray) -> list[Found]:
        """On its own (tests, benchmark): locate with zxing on both grays, then zoom."""
        work = Work(image)
        for channel in ("luma", "min"):
            found = ZxingDecoder(channel=channel).decode_work(work)
            if found:
                return found
        return self.decode_work(work)


# --- the pipeline -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """The pipeline's answer for a frame: what was found, by which stage, in how many ms."""

    found: Found | None
    ms: float
    tried: tuple[str, ...]

    @property
    def text(self) -> str | None:
        return self.found.text if self.found else None


class Pipeline:
    """Decoders in order; the first that reads something wins, the rest run only on failure.

    Default order: ``default_stages()``. A stage whose library is missing (``available`` False,
    or ``DecoderUnavailable`` raised) is skipped, so scanning works without libzbar0. Stages with
    ``decode_work`` share the frame's grays and located regions; others get the darkest channel.
    """

    def __init__(self, stages: list[Decoder] | None = None) -> None:
        self.stages = stages if stages is not None else default_stages()

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages if getattr(s, "available", True)]

    def decode(self, image: np.ndarray) -> Hit:
        start = time.perf_counter()
        work = Work(image)
        tried: list[str] = []
        for stage in self.stages:
            if getattr(stage, "available", True) is False:
                continue
            tried.append(stage.name)
            try:
                run = getattr(stage, "decode_work", None)
                found = run(work) if run else stage.decode(work.gray("min"))
            except DecoderUnavailable:
                continue
            if found:
                return Hit(found[0], (time.perf_counter() - start) * 1000, tuple(tried))
        return Hit(None, (time.perf_counter() - start) * 1000, tuple(tried))


def default_stages(pyzbar: bool = True) -> list[Decoder]:
    """zxing on luma, zxing on the darkest channel, zoom on located regions (zxing, then pyzbar if installed).

    Luma first: it reads ~93% of frames in ~1 ms; the darkest channel (~1.5 ms, it costs a pass over
    the frame) reads most of the rest, yellow codes above all. Same decode rate as the other order,
    median 1.6 instead of 2.2 ms per 1280x720 frame. pyzbar on the whole frame would add ~0.1% at
    ~9 ms on every frame without a code, so it only sees the zoom's crops (bench/scan/README.md).
    """
    zoom_with: list[Decoder] = [ZxingDecoder()]
    if pyzbar:
        zbar = PyzbarDecoder()
        if zbar.available:
            zoom_with.append(zbar)
    return [ZxingDecoder(), ZxingDecoder(name="zxing-dark", channel="min"), ZoomDecoder(zoom_with)]


def all_decoders() -> dict[str, Decoder]:
    """Every single decoder by name, for the benchmark and the tests."""
    return {
        "zxing": ZxingDecoder(),
        "zxing-dark": ZxingDecoder(name="zxing-dark", channel="min"),
        "pyzbar": PyzbarDecoder(),
        "opencv": OpenCVDecoder(),
        "opencv-aruco": OpenCVDecoder(name="opencv-aruco", aruco=True),
    }
