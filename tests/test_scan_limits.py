"""Input limits on images and videos, and decoded text on the terminal: real files, real `station decode`."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
import segno

from station.errors import DomainError
from station.scan import decode_image, decode_paths
from station.scan import sources as S
from station.textsafe import json_line, terminal

HOSTILE = "VS\x1b]0;pwned\x07\x1b[2J\x1b[31mRED\x9b31m\u202eexe.txt"


def decode_cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    cmd = [sys.executable, "-m", "station.cli", "--lang", "en", "decode", *args]
    return subprocess.run(cmd, capture_output=True, env=env, timeout=120)


def qr_png(path: Path, text: str) -> Path:
    qr = segno.make(text, error="m", micro=False, encoding="utf-8")
    m = np.array([list(r) for r in qr.matrix], np.uint8)
    img = cv2.resize((1 - np.pad(m, 4)) * 255, None, fx=6, fy=6, interpolation=cv2.INTER_NEAREST)
    cv2.imwrite(str(path), img)
    return path


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG whose header claims ``width`` x ``height`` with almost no pixel data (as a bomb would)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)))
    return path


# --- pixels ---------------------------------------------------------------------------------------


def test_a_huge_png_is_refused_from_its_header(tmp_path):
    """32,000 x 32,000 (1 GP: cv2 would allocate 3 GB) is refused before a byte is decoded."""
    path = png_header_only(tmp_path / "huge.png", 32_000, 32_000)
    with pytest.raises(DomainError) as info:
        S.read_image(path)
    assert info.value.code == "image_too_large"
    assert str(S.MAX_PIXELS // 1_000_000) in info.value.message("en")


def test_the_pixel_limit_holds_for_a_real_image(tmp_path, monkeypatch):
    path = qr_png(tmp_path / "ok.png", "hello")
    h, w = cv2.imread(str(path)).shape[:2]
    monkeypatch.setattr(S, "MAX_PIXELS", w * h - 1)
    with pytest.raises(DomainError) as info:
        S.read_image(path)
    assert info.value.code == "image_too_large" and info.value.facts["width"] == w


def test_a_wide_image_gives_a_code_and_the_run_goes_on(tmp_path):
    """70,000 px wide: the decoder raised ValueError and `station decode` stopped with a traceback."""
    wide = tmp_path / "wide.png"
    cv2.imwrite(str(wide), np.full((2, 70_000), 255, np.uint8))
    good = qr_png(tmp_path / "good.png", "VSX1|7d9b0c5e-3f1a-4b8e-9c2d-5a6e7f801234")
    out = decode_cli("--json", str(wide), str(tmp_path / "missing.png"), str(good))
    assert out.returncode == 0, out.stderr.decode()
    assert b"Traceback" not in out.stderr
    lines = [json.loads(x) for x in out.stdout.decode().splitlines()]
    assert [x.get("error") for x in lines] == ["image_too_wide", "source_not_found", None]
    assert lines[2]["kind"] == "exit"
    text = decode_cli(str(wide)).stdout.decode()
    assert "70000x2" in text and str(S.MAX_SIDE) in text


def test_a_wide_frame_is_refused_not_decoded():
    with pytest.raises(DomainError) as info:
        decode_image(np.zeros((2, 70_000), np.uint8))
    assert info.value.code == "image_too_wide"


def test_a_video_past_the_limit_is_refused_on_open(tmp_path, monkeypatch):
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (320, 240))
    for _ in range(3):
        writer.write(np.full((240, 320, 3), 200, np.uint8))
    writer.release()
    monkeypatch.setattr(S, "MAX_PIXELS", 320 * 240 - 1)
    with pytest.raises(DomainError) as info:
        S.VideoFileSource(path)
    assert info.value.code == "image_too_large"
    assert [x["error"] for x in decode_paths([path])] == ["image_too_large"]


def test_a_camera_past_the_limit_is_refused(monkeypatch):
    class Big:
        def __init__(self, *a) -> None:
            pass

        def isOpened(self) -> bool:
            return True

        def set(self, *a) -> bool:
            return True

        def read(self):
            return True, np.zeros((10, 30_000, 3), np.uint8)

        def release(self) -> None:
            pass

    monkeypatch.setattr(S.cv2, "VideoCapture", Big)
    monkeypatch.setattr(S.sys, "platform", "win32")
    with pytest.raises(DomainError) as info:
        S.CameraSource(0)
    assert info.value.code == "image_too_wide"


# --- decoded text on the terminal -----------------------------------------------------------------


def test_terminal_escapes_controls_and_json_line_is_exact():
    shown = terminal(HOSTILE)
    assert not any(ch in shown for ch in "\x1b\x07\x9b\u202e")
    assert "\\x1b]0;pwned\\x07" in shown and "\\u202e" in shown
    line = json_line({"text": HOSTILE, "name": "张三"})
    assert json.loads(line) == {"text": HOSTILE, "name": "张三"}
    assert line.isprintable() and "张三" in line


def test_decode_prints_no_control_characters(tmp_path):
    path = qr_png(tmp_path / "evil.png", HOSTILE)
    assert decode_image(cv2.imread(str(path))).text == HOSTILE  # the decoder reads it as it is
    plain = decode_cli(str(path))
    assert plain.returncode == 0, plain.stderr.decode()
    out = plain.stdout.decode()
    assert not any(ch in out for ch in "\x1b\x07\x9b\u202e"), out
    assert "\\x1b[31mRED" in out
    as_json = decode_cli("--json", str(path)).stdout.decode()
    assert not any(ch in as_json for ch in "\x1b\x07\x9b\u202e")
    assert json.loads(as_json)["text"] == HOSTILE  # JSON stays exact


def test_a_file_name_with_an_escape_is_escaped_too(tmp_path):
    path = tmp_path / "a\x1b[31m.png"
    cv2.imwrite(str(path), np.full((50, 50), 255, np.uint8))
    out = decode_cli(str(path)).stdout.decode()
    assert "\x1b" not in out and "\\x1b[31m.png" in out
