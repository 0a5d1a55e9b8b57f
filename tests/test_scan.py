"""Scanning: real QR images through the real decoders (zxing-cpp and pyzbar), colour, the pipeline."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pytest
import segno

from station.errors import DomainError
from station.identity import make_resident_id
from station.paths import resource_dir
from station.scan import check_health_code, decode_image, decode_paths, open_source
from station.scan import decoders as D
from station.scan.color import classify
from station.scan.payloads import booking_text, exit_text

ROOT = Path(__file__).resolve().parent.parent


def _load_frames():
    """bench/scan/frames.py: the benchmark's seeded generator of realistic camera frames."""
    spec = importlib.util.spec_from_file_location("scan_bench_frames", ROOT / "bench" / "scan" / "frames.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


frames = _load_frames()

RGB = {
    "green": (0, 168, 90),
    "yellow": (255, 195, 0),
    "red": (230, 67, 64),
    "black": (20, 20, 24),
}
PAYLOADS = {
    "booking": booking_text(
        "B20261126-0042",
        "欧阳娜娜",
        make_resident_id("110105", date(1988, 3, 14), 42),
        date(2026, 11, 26),
        "09:00-09:30",
    ),
    "health_code": "https://health.example.cn/hc/v2/scan?token=G7kP2mQx9RtV4wZa8LcN3yHs&src=app",
    "id_number": make_resident_id("440106", date(1975, 6, 1), 318),
    "exit": exit_text("7d9b0c5e-3f1a-4b8e-9c2d-5a6e7f801234"),
}


def qr_image(text: str, rgb=(0, 0, 0), module_px: int = 6) -> np.ndarray:
    """A flat BGR QR (UTF-8, no ECI), dark modules in ``rgb`` on white."""
    return frames.render_code(text, rgb, module_px)


def on_phone(text: str, color: str, *, seed: int = 0, qr_px: int = 260, size=(1280, 720)) -> np.ndarray:
    """The code on a phone screen in a cluttered 1280x720 camera frame (tilt, glare, blur, noise, JPEG)."""
    rng = np.random.default_rng([4242, seed])
    return frames.make_frame(rng, size=size, text=text, color=color, qr_px=qr_px).img


def camera_cast(img: np.ndarray, gains=(1.15, 1.0, 0.82), glare: bool = True) -> np.ndarray:
    """A warm white balance and a lamp's reflection across the code."""
    f = img.astype(np.float32) * np.array(gains, np.float32)
    if glare:
        h, w = img.shape[:2]
        yy, xx = np.ogrid[:h, :w]
        f += (
            120
            * np.exp(-(((xx - w * 0.4) / (w * 0.15)) ** 2 + ((yy - h * 0.4) / (h * 0.15)) ** 2))[..., None]
        )
    return np.clip(f, 0, 255).astype(np.uint8)


# --- every decoder on every kind and colour ------------------------------------------------------------


@pytest.fixture(scope="module")
def zbar() -> D.PyzbarDecoder:
    dec = D.PyzbarDecoder()
    if not dec.available:
        pytest.skip(f"libzbar0 is not installed ({dec.error}); scripts/setup.sh installs it")
    return dec


@pytest.mark.parametrize("kind", sorted(PAYLOADS))
@pytest.mark.parametrize("color", sorted(RGB))
def test_zxing_and_pyzbar_read_every_kind_in_every_colour(kind, color, zbar):
    text = PAYLOADS[kind]
    img = qr_image(text, RGB[color])
    for dec in (D.ZxingDecoder(name="zxing-dark", channel="min"), zbar):
        found = dec.decode(img)
        assert [f.text for f in found] == [text], (dec.name, color)
        assert found[0].decoder == dec.name
        assert len(found[0].points) == 4


def test_pyzbar_needs_the_darkest_channel_for_yellow(zbar):
    """In luma a yellow code is faint; under camera noise and JPEG zbar loses it. Its blue channel is dark."""
    luma_reads = dark_reads = 0
    for seed in range(10):
        img = on_phone(PAYLOADS["health_code"], "yellow", seed=100 + seed, qr_px=200, size=(640, 480))
        luma_reads += bool(zbar.decode(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)))
        found = zbar.decode(img)  # the decoder takes the darkest channel of a BGR frame
        dark_reads += [f.text for f in found] == [PAYLOADS["health_code"]]
    assert dark_reads >= 9 and luma_reads <= dark_reads - 3, (luma_reads, dark_reads)


@pytest.mark.parametrize("kind", sorted(PAYLOADS))
@pytest.mark.parametrize("color", ["green", "yellow", "red"])
def test_decode_image_reads_kind_and_colour_from_a_camera_frame(kind, color):
    r = decode_image(on_phone(PAYLOADS[kind], color, seed=len(kind)))
    assert r.text == PAYLOADS[kind]
    assert r.kind == kind and r.scan is not None and r.scan.ok
    assert r.color == color
    assert r.decoder and r.ms > 0 and len(r.points) == 4


# Names zbar reads as Shift-JIS when it guesses the charset (the mojibake); 李明 fits
# Shift-JIS itself, so an encoder left to choose would write it in Shift-JIS.
NAMES = ["谢强", "马鑫明", "姜俊", "次仁卓玛", "欧阳娜娜", "阿依古丽·买买提", "李明", "张三"]


@pytest.mark.parametrize("name", NAMES)
def test_chinese_names_come_back_exact_from_every_decoder(name, zbar):
    text = booking_text(
        "B1", name, make_resident_id("420102", date(1975, 11, 26), 517), "2026-12-15", "09:30-10:00"
    )
    img = qr_image(text)
    assert [f.text for f in D.ZxingDecoder().decode(img)] == [text]
    assert [f.text for f in zbar.decode(img)] == [text]
    assert decode_image(img).scan.fields["name"] == name


def test_zbar_without_binary_mode_still_gets_utf8_back(zbar):
    """Older zbar (no ZBAR_CFG_BINARY) converts the bytes with its guess; re-encoding undoes it."""
    legacy = D.PyzbarDecoder()
    legacy.binary = False
    recovered = 0
    for name in NAMES:
        text = booking_text(
            "B1", name, make_resident_id("420102", date(1975, 11, 26), 517), "2026-12-15", "09:30-10:00"
        )
        got = legacy.decode(qr_image(text))[0].text
        recovered += got == text
    assert recovered >= len(NAMES) - 1  # 谢强 loses a character in zbar's Shift-JIS conversion


@pytest.mark.parametrize("text", ["张三", "欧阳娜娜", "次仁卓玛|110105", "Ünïcødé"])
def test_fix_mojibake_undoes_latin1_and_shift_jis(text):
    raw = text.encode("utf-8")
    assert D.fix_mojibake(raw.decode("latin-1")) == text
    try:
        sjis = raw.decode("shift_jis")
    except UnicodeDecodeError:
        return
    assert D.fix_mojibake(sjis) == text


def test_fix_mojibake_leaves_real_text_alone():
    for text in ["VSB1|B1|张三|x", "plain ascii", "日本語テキスト", "café"]:
        assert D.fix_mojibake(text) == text


def test_decode_bytes_prefers_utf8_then_gb18030():
    assert D.decode_bytes("张三".encode()) == "张三"
    assert D.decode_bytes("张三".encode("gb18030")) == "张三"


def test_opencv_decoder_reads_a_plain_code():
    text = PAYLOADS["health_code"]
    assert [f.text for f in D.OpenCVDecoder().decode(qr_image(text))] == [text]


# --- colour --------------------------------------------------------------------------------------------


def _corners(img: np.ndarray, text: str) -> tuple:
    return D.ZxingDecoder(channel="min").decode(img)[0].points


@pytest.mark.parametrize("color", ["green", "yellow", "red"])
@pytest.mark.parametrize("cast", [None, (1.15, 1.0, 0.82), (0.8, 1.0, 1.18), (1.0, 1.12, 0.9)])
def test_colour_survives_white_balance_and_glare(color, cast):
    text = PAYLOADS["health_code"]
    img = qr_image(text, RGB[color], module_px=8)
    if cast:
        img = camera_cast(img, cast)
    assert classify(img, _corners(img, text)) == color


@pytest.mark.parametrize("color", ["green", "yellow", "red"])
@pytest.mark.parametrize(
    "cast",
    [(1.0, 1.0, 0.42), (1.9, 1.0, 0.6), (0.45, 0.8, 1.0), (0.8, 1.25, 0.8)],
    ids=["cool", "blue", "warm", "green"],
)
def test_colour_uses_the_screen_white_as_reference(color, cast):
    """Under a strong cast a yellow code's own pixels look green (a cool cast) and red looks purple;
    the code's light modules carry the same cast, and dividing by them takes it out."""
    text = PAYLOADS["health_code"]
    img = camera_cast(qr_image(text, RGB[color], module_px=8), cast, glare=False)
    assert classify(img, _corners(img, text)) == color


@pytest.mark.parametrize("rgb", [(0, 0, 0), (60, 60, 60), (30, 60, 200), (120, 40, 160)])
def test_black_grey_blue_and_purple_codes_are_unknown(rgb):
    text = PAYLOADS["health_code"]
    img = qr_image(text, rgb, module_px=8)
    assert classify(img, _corners(img, text)) == "unknown"


def test_colour_needs_the_code_corners():
    img = qr_image(PAYLOADS["health_code"], RGB["green"])
    assert classify(img, None) == "unknown"
    assert classify(img, [(0, 0), (1, 0), (1, 1), (0, 1)]) == "unknown"
    assert classify(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), _corners(img, "")) == "unknown"


def test_colour_is_read_from_the_code_not_the_screen_around_it():
    """A red header and red text lines on the screen must not make a green code red."""
    text = PAYLOADS["health_code"]
    code = qr_image(text, RGB["green"], module_px=6)
    h, w = code.shape[:2]
    screen = np.full((h + 300, w + 100, 3), 255, np.uint8)
    screen[:120] = RGB["red"][::-1]
    screen[150 : 150 + h, 50 : 50 + w] = code
    screen[150 + h + 20 : 150 + h + 60, 60:-60] = RGB["red"][::-1]
    r = decode_image(screen)
    assert r.text == text and r.color == "green"


def test_realistic_frames_decode_exactly_with_the_right_colour():
    """Seeded frames from the benchmark's generator: the pipeline reads most, never a wrong text or colour."""
    got = [(fr, decode_image(fr.img)) for fr in frames.generate(24, seed=11)]
    read = [(fr, r) for fr, r in got if r.text is not None]
    assert len(read) >= 22
    assert all(r.text == fr.text for fr, r in read)
    assert all(r.color == fr.color for fr, r in read)


# --- the pipeline ----------------------------------------------------------------------------------------


def test_the_default_pipeline_order():
    names = D.Pipeline().names
    assert names == ["zxing", "zxing-dark", "zoom"]


def _small_blurred(text: str, module_px: float, blur: float) -> np.ndarray:
    m = np.pad(frames.qr_modules(text), 4)
    n = m.shape[0]
    big = np.where(cv2.resize(m * 255, (n * 8, n * 8), interpolation=cv2.INTER_NEAREST) > 0, 30, 235).astype(
        np.uint8
    )
    side = int(n * module_px)
    scene = np.full((480, 640), 150, np.uint8)
    scene[100 : 100 + side, 200 : 200 + side] = cv2.resize(big, (side, side), interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(cv2.GaussianBlur(scene, (0, 0), blur), cv2.COLOR_GRAY2BGR)


def test_the_zoom_pass_reads_small_blurred_codes_the_fast_path_misses():
    text = PAYLOADS["booking"]
    fast = D.Pipeline([D.ZxingDecoder(), D.ZxingDecoder(name="zxing-dark", channel="min")])
    full = D.Pipeline()
    fast_reads = full_reads = 0
    for module_px in (1.9, 2.0, 2.1, 2.2, 2.3):
        for blur in (0.8, 0.9, 1.0, 1.1):
            img = _small_blurred(text, module_px, blur)
            fast_reads += fast.decode(img).found is not None
            hit = full.decode(img)
            if hit.found is not None:
                assert hit.found.text == text
                full_reads += 1
    assert full_reads >= fast_reads + 3, (fast_reads, full_reads)


def test_the_pipeline_scans_without_libzbar(monkeypatch):
    """pyzbar's import fails when libzbar0 is missing: the decoder says so, the pipeline goes on without it."""
    monkeypatch.setitem(sys.modules, "pyzbar", None)  # `from pyzbar import wrapper` now raises ImportError
    zbar = D.PyzbarDecoder()
    assert not zbar.available and "pyzbar" in zbar.error
    with pytest.raises(D.DecoderUnavailable):
        zbar.decode(qr_image("x"))
    stages = D.default_stages()
    zoom = stages[-1]
    assert all(d.name != "pyzbar" for d in zoom.decoders)
    pipeline = D.Pipeline([*stages, zbar])  # an unavailable stage is skipped, not fatal
    for color in ("green", "yellow", "red"):
        r = decode_image(on_phone(PAYLOADS["health_code"], color, seed=3), pipeline=pipeline)
        assert r.text == PAYLOADS["health_code"] and r.color == color
    assert "pyzbar" not in pipeline.names
    small = _small_blurred(PAYLOADS["booking"], 2.0, 1.0)
    assert decode_image(small, pipeline=D.Pipeline(stages)).text == PAYLOADS["booking"]


def test_a_frame_without_a_code_gives_nothing():
    rng = np.random.default_rng(5)
    scene = frames._clutter(rng, 1280, 720)
    r = decode_image(scene)
    assert (r.text, r.kind, r.color, r.decoder, r.points, r.scan) == (None, None, None, None, None, None)
    assert r.ms >= 0
    assert decode_image(np.zeros((10, 10, 3), np.uint8)).text is None


def test_grayscale_and_bgra_frames_are_accepted():
    text = PAYLOADS["exit"]
    img = qr_image(text)
    assert decode_image(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)).text == text
    assert decode_image(cv2.cvtColor(img, cv2.COLOR_BGR2BGRA)).text == text


# --- health-code colour at sign-in ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "color, code",
    [("yellow", "health_code_yellow"), ("red", "health_code_red"), ("unknown", "health_code_color_unknown")],
)
def test_a_health_code_that_is_not_green_stops_sign_in(color, code):
    rgb = {"unknown": (0, 0, 0)}.get(color) or RGB[color]
    r = decode_image(qr_image(PAYLOADS["health_code"], rgb))
    assert r.kind == "health_code" and r.color == color
    with pytest.raises(DomainError) as exc:
        check_health_code(r)
    assert exc.value.code == code
    assert "{" not in exc.value.message("zh") and "{" not in exc.value.message("en")


def test_a_green_health_code_and_other_kinds_pass_the_colour_check():
    check_health_code(decode_image(qr_image(PAYLOADS["health_code"], RGB["green"])))
    check_health_code(
        decode_image(qr_image(PAYLOADS["booking"], (0, 0, 0)))
    )  # a booking QR has no health colour


# --- the demo and the CLI's function ----------------------------------------------------------------------


def test_the_demo_stills_decode_as_their_manifest_says():
    manifest = json.loads((resource_dir() / "scan" / "demo.json").read_text(encoding="utf-8"))
    assert {m["kind"] for m in manifest} >= {"booking", "health_code", "exit", None}
    assert {m["color"] for m in manifest if m["kind"] == "health_code"} == {"green", "yellow", "red"}
    assert sum(p.stat().st_size for p in (resource_dir() / "scan").iterdir()) <= 1_000_000
    src = open_source("demo", fps=1000, loop=False)
    try:
        results = [decode_image(f) for f in src.frames()]
    finally:
        src.close()
    assert [(r.text, r.kind, r.color) for r in results] == [
        (m["text"], m["kind"], m["color"]) for m in manifest
    ]
    booking = next(r for r in results if r.kind == "booking")
    assert booking.scan.ok and booking.scan.fields["name"] == "欧阳娜娜"


def test_decode_paths_gives_one_line_per_image(tmp_path):
    good = tmp_path / "a.png"
    cv2.imwrite(str(good), qr_image(PAYLOADS["health_code"], RGB["yellow"]))
    blank = tmp_path / "b.jpg"
    cv2.imwrite(str(blank), np.full((200, 200, 3), 255, np.uint8))
    junk = tmp_path / "c.png"
    junk.write_bytes(b"not an image")
    lines = list(decode_paths([good, blank, junk, tmp_path / "missing.jpg"]))
    assert [set(line) >= {"file", "text", "kind", "color", "decoder", "ms"} for line in lines] == [True] * 4
    assert lines[0]["text"] == PAYLOADS["health_code"] and lines[0]["kind"] == "health_code"
    assert lines[0]["color"] == "yellow" and lines[0]["decoder"].startswith("zxing") and lines[0]["ms"] > 0
    assert lines[1]["text"] is None and "error" not in lines[1]
    assert lines[2]["error"] == "source_unreadable" and lines[3]["error"] == "source_not_found"
    json.dumps(lines, ensure_ascii=False)  # the CLI prints them as JSON lines
    folder = list(decode_paths([tmp_path]))
    assert [line["file"] for line in folder] == [str(good), str(blank), str(junk)]


def test_decode_paths_gives_the_decoded_frames_of_a_video(tmp_path):
    video = tmp_path / "clip.avi"
    blank = np.full((480, 640, 3), 200, np.uint8)
    code = np.full((480, 640, 3), 255, np.uint8)
    qr = qr_image(PAYLOADS["booking"], RGB["green"], module_px=6)
    code[20 : 20 + qr.shape[0], 100 : 100 + qr.shape[1]] = qr
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 10, (640, 480))
    for f in [blank, code, code, blank]:
        writer.write(f)
    writer.release()
    lines = list(decode_paths([video]))
    assert [line["frame"] for line in lines] == [1, 2]
    assert all(line["text"] == PAYLOADS["booking"] and line["color"] == "green" for line in lines)
    assert len(list(decode_paths([video], every_frame=True))) == 4
    empty = tmp_path / "empty.avi"
    writer = cv2.VideoWriter(str(empty), cv2.VideoWriter_fourcc(*"MJPG"), 10, (640, 480))
    writer.write(blank)
    writer.release()
    assert [line["text"] for line in decode_paths([empty])] == [None]


def test_segno_would_pick_shift_jis_for_some_names_which_is_why_the_generator_forces_utf8():
    assert segno.make("李明", micro=False).mode == "kanji"
    assert frames.qr_modules("李明").shape[0] >= 21
