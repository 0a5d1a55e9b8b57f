"""Shared reportlab helpers: the bundled CJK font (registered once, embedded in every PDF), text
measuring and wrapping for Chinese, fake-bold text, QR codes drawn as vector paths, atomic writes.

Used by the observation slip (station/slips.py) and later the day report. No Qt here: the UI only
sends the finished PDF bytes to a printer. Build PDFs while holding ``build_lock``: reportlab is not
thread-safe when it subsets an embedded font, and the UI builds from worker threads.
"""

from __future__ import annotations

import io
import os
import tempfile
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from reportlab import rl_config
from reportlab.graphics.barcode import qrencoder
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from station.errors import DomainError
from station.paths import resource_dir

FONT_NAME = "WQYMicroHei"
FONT_FILE = "wqy-microhei.ttc"  # WenQuanYi Micro Hei, TrueType collection, Apache-2.0: embeddable
# reportlab is not thread-safe while it writes a PDF that embeds a TrueType font: the font file's
# parser is shared, and two threads subsetting at once corrupt each other's subsets (KeyError, or a
# wrong glyph). Build every PDF holding this lock (a slip takes ~10 ms, so waiting is short).
build_lock = threading.RLock()

# Streams stay binary (Flate only): ASCII85 on top makes files 25 % larger and slows every build.
rl_config.useA85 = 0
_lock = threading.Lock()
_registered: str | None = None

# Characters that must not start a line (closing punctuation) or end one (opening punctuation).
_NO_LINE_START = set("，。、；：？！）》」』】〕…％,.;:?!)]}%·")
_NO_LINE_END = set("（《「『【〔([{")


def font_path() -> Path:
    return resource_dir() / "fonts" / FONT_FILE


def cjk_font() -> str:
    """Register the bundled CJK font with reportlab once (thread-safe) and return its name.

    A TrueType font (``TTFont``) is subset and EMBEDDED in each PDF, so Chinese prints the same on a
    PC without Chinese fonts (reportlab's built-in ``STSong-Light`` CID font is not embedded).
    """
    global _registered
    if _registered:
        return _registered
    with _lock:
        if _registered is None:
            path = font_path()
            try:
                pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
            except Exception as exc:  # missing, unreadable or damaged font file
                raise DomainError("pdf_font_missing", path=str(path), detail=str(exc)) from exc
            _registered = FONT_NAME
    return _registered


def new_canvas(buffer: io.BytesIO, width: float, height: float, *, title: str = "") -> Canvas:
    """A canvas whose initial font is the embedded CJK font (so no unembedded Helvetica is listed)."""
    font = cjk_font()
    c = Canvas(
        buffer,
        pagesize=(width, height),
        initialFontName=font,
        initialFontSize=10,
        pageCompression=1,
        invariant=1,  # no timestamp or random id: the same slip gives the same bytes
    )
    c.setCreator("Vaccination Station")
    if title:
        c.setTitle(title)
    return c


def text_width(text: str, size: float, font: str | None = None) -> float:
    return pdfmetrics.stringWidth(text, font or cjk_font(), size)


def _is_wide(ch: str) -> bool:
    """A character a line may break before or after (CJK ideographs, kana, full-width forms)."""
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0xFF00 <= o <= 0xFFEF
        or 0x3000 <= o <= 0x303F
        or o >= 0x20000
    )


def _tokens(text: str) -> list[str]:
    """Break opportunities: each CJK character alone, Latin words with their trailing space."""
    out: list[str] = []
    word = ""
    for ch in text:
        if _is_wide(ch):
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        elif ch == " ":
            out.append(word + " ")
            word = ""
        else:
            word += ch
    if word:
        out.append(word)
    return out


def wrap(text: str, size: float, width: float, font: str | None = None) -> list[str]:
    """Lines of ``text`` no wider than ``width`` at ``size`` points.

    Breaks between CJK characters and at spaces, keeps closing punctuation off the start of a line
    and opening punctuation off its end; a Latin word longer than a line is cut by characters.
    Explicit newlines are kept.
    """
    font = font or cjk_font()
    measure: Callable[[str], float] = lambda s: pdfmetrics.stringWidth(s, font, size)  # noqa: E731
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _tokens(paragraph):
            if measure((line + token).rstrip()) <= width:
                line += token
                continue
            if line and token[0] in _NO_LINE_START:
                # carry the last character down with the punctuation, as Chinese typesetting does
                carry = line[-1]
                line = line[:-1]
                token = carry + token
            elif line and line[-1] in _NO_LINE_END:
                token = line[-1] + token
                line = line[:-1]
            if line.strip():
                lines.append(line.rstrip())
            line = ""
            while measure(token.rstrip()) > width and len(token) > 1:  # one overlong word
                cut = len(token) - 1
                while cut > 1 and measure(token[:cut]) > width:
                    cut -= 1
                lines.append(token[:cut])
                token = token[cut:]
            line = token
        lines.append(line.rstrip())
    return lines


def draw_text(
    c: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    bold: bool = False,
    align: str = "left",
    font: str | None = None,
) -> None:
    """One line at baseline ``y``; ``align`` left (x is the left edge), center or right.

    ``bold`` strokes the glyph outlines as well as filling them (the bundled font has no bold face).
    """
    font = font or cjk_font()
    if align != "left":
        w = pdfmetrics.stringWidth(text, font, size)
        x = x - w / 2 if align == "center" else x - w
    t = c.beginText(x, y)
    t.setFont(font, size)
    if not bold:
        t.textOut(text)
        c.drawText(t)
        return
    c.saveState()
    c.setLineWidth(size * 0.035)
    t.setTextRenderMode(2)
    t.textOut(text)
    c.drawText(t)
    c.restoreState()


@lru_cache(maxsize=64)  # a reprint, or both paper sizes of one slip, encode once
def qr_matrix(payload: str, level: str = "M") -> tuple[tuple[bool, ...], ...]:
    """The QR code's modules (True = dark), smallest version that holds ``payload``."""
    levels = {
        "L": qrencoder.QRErrorCorrectLevel.L,
        "M": qrencoder.QRErrorCorrectLevel.M,
        "Q": qrencoder.QRErrorCorrectLevel.Q,
        "H": qrencoder.QRErrorCorrectLevel.H,
    }
    qr = qrencoder.QRCode(None, levels[level])
    qr.addData(payload)
    qr.make()
    n = qr.getModuleCount()
    return tuple(tuple(bool(qr.isDark(r, col)) for col in range(n)) for r in range(n))


def qr_rects(matrix: tuple[tuple[bool, ...], ...]) -> list[tuple[int, int, int, int]]:
    """Dark modules as few rectangles ``(col, row, width, height)`` in module units: runs along each
    row, merged down with the same run in the rows below (fewer path operators, faster PDFs)."""
    done: list[tuple[int, int, int, int]] = []
    open_: dict[tuple[int, int], tuple[int, int]] = {}  # (start, end) -> (first row, height)
    for r, row in enumerate((*matrix, (False,) * len(matrix))):
        runs: set[tuple[int, int]] = set()
        col, n = 0, len(row)
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                runs.add((start, col))
            col += 1
        for key in list(open_):
            if key not in runs:
                first, height = open_.pop(key)
                done.append((key[0], first, key[1] - key[0], height))
        for key in runs:
            first, height = open_.get(key, (r, 0))
            open_[key] = (first, height + 1)
    return done


def draw_qr(c: Canvas, x: float, y: float, size: float, payload: str, *, quiet: int = 4) -> None:
    """A QR code of ``payload`` in the square at (x, y) (lower left) of side ``size`` points,
    including a white quiet zone of ``quiet`` modules. Dark modules are one filled vector path, the
    rectangles overlapped a hair so no seams show when printed or rendered."""
    matrix = qr_matrix(payload)
    n = len(matrix)
    module = size / (n + 2 * quiet)
    eps = 0.02
    c.saveState()
    # Work in module units, row 0 at the top.
    c.translate(x + quiet * module, y + size - quiet * module)
    c.scale(module, -module)
    path = c.beginPath()
    for col, row, w, h in qr_rects(matrix):
        path.rect(col - eps, row - eps, w + 2 * eps, h + 2 * eps)
    c.setFillGray(0)
    c.drawPath(path, stroke=0, fill=1)
    c.restoreState()


def write_atomic(path: Path, data: bytes, *, error_code: str) -> Path:
    """Write ``data`` to ``path`` through a temp file in the same folder and a rename, so a reader
    never sees half a file. Any OS failure (disk full, no permission, a file where a folder should
    be) becomes DomainError ``error_code`` with the path and the reason, never a traceback."""
    path = Path(path)
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise DomainError(error_code, path=str(path), detail=exc.strerror or str(exc)) from exc
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return path
