"""A seeded generator of realistic scan frames: a coloured QR on a phone screen held up to a webcam.

Each frame is a 1280x720 or 640x480 cluttered scene with a phone (bezel + lit screen + app header,
text lines, the QR in green, yellow or red) at 120-400 px, rotated up to 20 degrees, tilted in
perspective, then put through a camera: white balance and exposure off, defocus or motion blur,
glare from a lamp, a cracked screen protector, sensor noise and JPEG.

    from frames import generate
    for f in generate(400, seed=1): ...   # Frame(img, text, color, size, qr_px, corners)

Used by bench_scan.py, make_demo.py and the scan tests (through ``render_code``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import cv2
import numpy as np
import segno

SIZES = ((1280, 720), (640, 480))

# Colours of the three health-code states as phone apps draw them (RGB), with a spread per app.
CODE_RGB = {
    "green": [(0, 168, 90), (27, 165, 91), (20, 150, 70), (0, 180, 110), (60, 170, 60)],
    "yellow": [(255, 195, 0), (247, 181, 0), (240, 200, 20), (255, 170, 0), (230, 190, 40)],
    "red": [(230, 67, 64), (217, 0, 27), (225, 40, 40), (200, 30, 50), (240, 80, 60)],
    "black": [(20, 20, 24), (40, 40, 40)],  # booking apps and printed slips (never drawn at random)
}
# what station.scan.color.classify should say for each
EXPECTED_CLASS = {"green": "green", "yellow": "yellow", "red": "red", "black": "unknown"}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英玉兰萍毅浩宇轩子涵欣怡梓睿一诺依晨思彤雨泽俊皓鑫淼垚犇赟翀堃昇旻晔"
COMPOUND = ["欧阳", "司马", "上官", "诸葛", "东方", "慕容"]
MINORITY = ["阿依古丽·买买提", "买买提·艾力", "次仁卓玛", "扎西·顿珠", "热依拉·阿不都"]
REGIONS = ["110105", "310104", "440106", "330106", "510107", "420102", "320102", "650102", "540102", "210102"]
HEALTH_HOSTS = ["health.example.cn", "jkm.example.gov.cn"]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(region: str, birth: date, seq: int) -> str:
    """A valid 18-digit resident ID (the same rule as station.identity, kept here so frames stand alone)."""
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def chinese_name(rng: np.random.Generator) -> str:
    r = rng.random()
    if r < 0.05:
        return str(rng.choice(MINORITY))
    surname = str(rng.choice(COMPOUND)) if r < 0.12 else SURNAMES[rng.integers(len(SURNAMES))]
    return surname + "".join(GIVEN[rng.integers(len(GIVEN))] for _ in range(rng.integers(1, 3)))


def booking_payload(rng: np.random.Generator, day: date | None = None) -> str:
    """``VSB1|booking_no|name|id|date|slot`` (docs/booking-qr.md) for a random adult."""
    day = day or date(2026, 11, 26) + timedelta(days=int(rng.integers(0, 30)))
    birth = date(1950, 1, 1) + timedelta(days=int(rng.integers(0, 365 * 55)))
    rid = resident_id(str(rng.choice(REGIONS)), birth, int(rng.integers(1, 999)))
    start = 8 * 60 + 30 * int(rng.integers(0, 18))
    slot = f"{start // 60:02d}:{start % 60:02d}-{(start + 30) // 60:02d}:{(start + 30) % 60:02d}"
    booking_no = f"B{day:%Y%m%d}-{int(rng.integers(1, 9999)):04d}"
    return f"VSB1|{booking_no}|{chinese_name(rng)}|{rid}|{day.isoformat()}|{slot}"


def health_payload(rng: np.random.Generator) -> str:
    token = "".join(rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"), 32))
    return f"https://{rng.choice(HEALTH_HOSTS)}/hc/v2/scan?token={token}&src=app"


def payload(rng: np.random.Generator) -> str:
    return booking_payload(rng) if rng.random() < 0.75 else health_payload(rng)


def qr_modules(text: str, error: str = "m") -> np.ndarray:
    """The QR's module matrix (1 = dark), UTF-8 byte mode without ECI as booking systems write it."""
    # encoding="utf-8": left alone, segno writes Shift_JIS when the text happens to fit it (李明 does).
    qr = segno.make(text, error=error, micro=False, encoding="utf-8")
    return np.array([list(row) for row in qr.matrix], dtype=np.uint8)


def render_code(
    text: str, rgb: tuple[int, int, int] = (0, 0, 0), module_px: int = 8, border: int = 4
) -> np.ndarray:
    """A flat BGR image of the QR (dark modules in ``rgb`` on white) for tests."""
    m = qr_modules(text)
    m = np.pad(m, border)
    img = np.full((*m.shape, 3), 255, np.uint8)
    img[m == 1] = rgb[::-1]
    return cv2.resize(img, None, fx=module_px, fy=module_px, interpolation=cv2.INTER_NEAREST)


@dataclass
class Frame:
    img: np.ndarray  # BGR
    text: str
    color: str
    size: tuple[int, int]
    qr_px: int  # side of the code in the frame, before perspective
    corners: np.ndarray  # 4x2 float, the code's corners in the frame


def _clutter(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """A desk/wall scene: gradient, shapes, lines, text-like marks, printed squares (not QR codes)."""
    base = rng.integers(40, 200, 3)
    img = np.empty((h, w, 3), np.float32)
    gx = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
    gy = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    img[:] = base + (rng.uniform(-60, 60, 3) * gx + rng.uniform(-60, 60, 3) * gy)
    img = np.clip(img, 0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(8, 25))):
        c = tuple(int(v) for v in rng.integers(0, 256, 3))
        kind = rng.integers(4)
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        if kind == 0:
            cv2.rectangle(
                img, (x, y), (x + int(rng.integers(20, 300)), y + int(rng.integers(20, 200))), c, -1
            )
        elif kind == 1:
            cv2.circle(img, (x, y), int(rng.integers(10, 120)), c, -1)
        elif kind == 2:
            cv2.line(
                img, (x, y), (int(rng.integers(0, w)), int(rng.integers(0, h))), c, int(rng.integers(1, 6))
            )
        else:
            cv2.putText(
                img, "NOTICE 2026 ABC", (x, y), cv2.FONT_HERSHEY_SIMPLEX, float(rng.uniform(0.5, 2)), c, 2
            )
    # a checkerboard-ish printed pattern (posters, keyboards) that decoders must not mistake for a code
    if rng.random() < 0.5:
        s = int(rng.integers(6, 16))
        pat = (np.indices((12, 20)).sum(axis=0) % 2 * 255).astype(np.uint8)
        pat = cv2.resize(pat, (20 * s, 12 * s), interpolation=cv2.INTER_NEAREST)
        x, y = int(rng.integers(0, max(1, w - pat.shape[1]))), int(rng.integers(0, max(1, h - pat.shape[0])))
        roi = img[y : y + pat.shape[0], x : x + pat.shape[1]]
        roi[:] = np.minimum(roi, pat[: roi.shape[0], : roi.shape[1], None])
    return img


def _phone(rng: np.random.Generator, modules: np.ndarray, rgb: tuple[int, int, int], mod_px: int):
    """The phone as seen face-on: bezel, screen, coloured header, text lines and the code.

    Returns (image BGR, alpha mask, the code's 4 corners in the image).
    """
    n = modules.shape[0]
    qr_side = n * mod_px
    quiet = int(mod_px * rng.uniform(2.5, 5))
    screen_w = qr_side + 2 * quiet + int(rng.integers(0, 3)) * mod_px * 2
    screen_h = int(screen_w * rng.uniform(1.5, 2.0))
    bezel = max(4, int(screen_w * rng.uniform(0.03, 0.07)))
    W, H = screen_w + 2 * bezel, screen_h + 2 * bezel
    bgr = rgb[::-1]
    white = np.array([255, 255, 255]) - rng.integers(0, 25, 3) * (rng.random() < 0.4)  # warm/night mode
    img = np.zeros((H, W, 3), np.uint8)
    img[:] = rng.integers(5, 40, 3)  # bezel
    screen = np.empty((screen_h, screen_w, 3), np.uint8)
    screen[:] = white
    header_h = int(screen_h * rng.uniform(0.08, 0.15))
    screen[:header_h] = bgr
    y_code = header_h + int(rng.integers(mod_px, max(mod_px + 1, (screen_h - header_h - qr_side) // 3)))
    y_code = min(y_code, screen_h - qr_side - quiet)
    x_code = (screen_w - qr_side) // 2
    # text lines under the code (name, masked ID, time), in grey and in the code's colour
    y = y_code + qr_side + quiet
    while y + mod_px * 2 < screen_h - mod_px:
        lw = int(screen_w * rng.uniform(0.3, 0.8))
        color = bgr if rng.random() < 0.3 else (90, 90, 90)
        cv2.rectangle(screen, ((screen_w - lw) // 2, y), ((screen_w + lw) // 2, y + mod_px), color, -1)
        y += mod_px * 3
    code = np.repeat(np.repeat(modules, mod_px, 0), mod_px, 1).astype(bool)
    region = screen[y_code : y_code + qr_side, x_code : x_code + qr_side]
    region[code] = bgr
    # the logo in the middle some apps draw (small enough for level M to absorb)
    if rng.random() < 0.3:
        c = qr_side // 2
        r = max(mod_px, int(qr_side * 0.06))
        cv2.rectangle(region, (c - r, c - r), (c + r, c + r), (255, 255, 255), -1)
        cv2.rectangle(region, (c - r + 2, c - r + 2), (c + r - 2, c + r - 2), bgr, -1)
    img[bezel : bezel + screen_h, bezel : bezel + screen_w] = screen
    alpha = np.zeros((H, W), np.uint8)
    cv2.rectangle(alpha, (0, 0), (W - 1, H - 1), 255, -1)
    x0, y0 = bezel + x_code, bezel + y_code
    corners = np.array(
        [[x0, y0], [x0 + qr_side, y0], [x0 + qr_side, y0 + qr_side], [x0, y0 + qr_side]], np.float32
    )
    return img, alpha, corners


def _camera(rng: np.random.Generator, img: np.ndarray, corners: np.ndarray, qr_px: int) -> np.ndarray:
    """What the webcam does to the picture: white balance, exposure, glare, cracks, blur, noise, JPEG."""
    h, w = img.shape[:2]
    f = img.astype(np.float32)
    f *= rng.uniform(0.82, 1.18, 3)[None, None, :]  # white balance off
    f = 255.0 * (np.clip(f, 0, 255) / 255.0) ** rng.uniform(0.7, 1.4) * rng.uniform(0.6, 1.15)  # exposure
    cx, cy = corners.mean(axis=0)
    if rng.random() < 0.45:  # glare: a lamp reflected on the screen, often across the code
        gx = cx + rng.uniform(-0.6, 0.6) * qr_px
        gy = cy + rng.uniform(-0.6, 0.6) * qr_px
        sx, sy = qr_px * rng.uniform(0.1, 0.45), qr_px * rng.uniform(0.1, 0.45)
        x0, x1 = int(max(0, gx - 4 * sx)), int(min(w, gx + 4 * sx))
        y0, y1 = int(max(0, gy - 4 * sy)), int(min(h, gy + 4 * sy))
        yy, xx = np.ogrid[y0:y1, x0:x1]
        blob = np.exp(-(((xx - gx) / sx) ** 2 + ((yy - gy) / sy) ** 2) / 2).astype(np.float32)
        f[y0:y1, x0:x1] += blob[..., None] * rng.uniform(60, 170)
    if rng.random() < 0.25:  # a cracked screen protector: thin bright lines through the code
        for _ in range(int(rng.integers(1, 4))):
            p1 = (int(cx + rng.uniform(-1, 1) * qr_px), int(cy + rng.uniform(-1, 1) * qr_px))
            p2 = (int(cx + rng.uniform(-1, 1) * qr_px), int(cy + rng.uniform(-1, 1) * qr_px))
            crack = np.zeros((h, w), np.float32)
            cv2.line(crack, p1, p2, 1.0, 1, cv2.LINE_AA)
            f += crack[..., None] * rng.uniform(60, 140)
    f = np.clip(f, 0, 255)
    r = rng.random()
    if r < 0.35:
        f = cv2.GaussianBlur(f, (0, 0), rng.uniform(0.5, 1.6))  # defocus
    elif r < 0.5:  # motion blur from a hand
        k = int(rng.integers(3, 8))
        kern = np.zeros((k, k), np.float32)
        kern[k // 2, :] = 1.0 / k
        rot = cv2.getRotationMatrix2D(((k - 1) / 2, (k - 1) / 2), float(rng.uniform(0, 180)), 1.0)
        kern = cv2.warpAffine(kern, rot, (k, k))
        f = cv2.filter2D(f, -1, kern / max(kern.sum(), 1e-6))
    else:
        f = cv2.GaussianBlur(f, (0, 0), 0.5)  # every lens blurs a little
    f += rng.normal(0, rng.uniform(1.5, 7), f.shape).astype(np.float32)  # sensor noise
    out = np.clip(f, 0, 255).astype(np.uint8)
    q = int(rng.integers(35, 90))
    ok, enc = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, q])
    return cv2.imdecode(enc, cv2.IMREAD_COLOR)


def make_frame(
    rng: np.random.Generator,
    size: tuple[int, int] | None = None,
    text: str | None = None,
    color: str | None = None,
    qr_px: int | None = None,
) -> Frame:
    """One frame; anything not given is drawn from ``rng``."""
    w, h = size or SIZES[int(rng.random() < 0.3)]
    text = text or payload(rng)
    color = color or str(rng.choice(["green", "green", "yellow", "red"]))
    rgb = CODE_RGB[color][int(rng.integers(len(CODE_RGB[color])))]
    rgb = tuple(int(np.clip(c + rng.integers(-12, 13), 0, 255)) for c in rgb)
    angle = float(rng.uniform(-20, 20))
    # the rotated code must fit the frame: 120-400 px on 1280x720, up to ~330 px on 640x480
    fit = int(min(w, h) * 0.92 / (abs(math.cos(math.radians(angle))) + abs(math.sin(math.radians(angle)))))
    qr_px = qr_px or int(rng.uniform(120, min(400, fit)))
    modules = qr_modules(text, str(rng.choice(["m", "m", "m", "q", "l"])))
    mod_px = max(3, math.ceil(qr_px * 1.5 / modules.shape[0]))  # draw bigger, the warp scales down
    phone, alpha, corners = _phone(rng, modules, rgb, mod_px)
    scale = qr_px / (modules.shape[0] * mod_px)
    # place: rotate + scale around the code's centre, then a perspective tilt of the phone
    c = corners.mean(axis=0)
    m = cv2.getRotationMatrix2D((float(c[0]), float(c[1])), angle, scale)
    half = qr_px * 0.5 * (abs(math.cos(math.radians(angle))) + abs(math.sin(math.radians(angle))))
    tx = rng.uniform(half + 4, w - half - 4)
    ty = rng.uniform(half + 4, h - half - 4)
    m[:, 2] += [tx - c[0], ty - c[1]]
    ph, pw = phone.shape[:2]
    box = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    placed = cv2.transform(box[None], m)[0]
    tilt = qr_px * rng.uniform(0.0, 0.12)
    warped = placed + rng.uniform(-tilt, tilt, (4, 2)).astype(np.float32)
    persp = cv2.getPerspectiveTransform(box, warped)
    # the tilt may push a corner of the code out of the frame: slide the phone back in
    cc = cv2.perspectiveTransform(corners[None], persp)[0]
    margin = 3.0
    dx = max(0.0, margin - cc[:, 0].min()) - max(0.0, cc[:, 0].max() - (w - 1 - margin))
    dy = max(0.0, margin - cc[:, 1].min()) - max(0.0, cc[:, 1].max() - (h - 1 - margin))
    if dx or dy:
        warped += np.array([dx, dy], np.float32)
        persp = cv2.getPerspectiveTransform(box, warped)
    scene = _clutter(rng, w, h)
    ph_img = cv2.warpPerspective(phone, persp, (w, h), flags=cv2.INTER_AREA)
    ph_a = cv2.warpPerspective(alpha, persp, (w, h), flags=cv2.INTER_LINEAR)
    a = (ph_a.astype(np.float32) / 255.0)[..., None]
    composed = (scene * (1 - a) + ph_img * a).astype(np.uint8)
    code_corners = cv2.perspectiveTransform(corners[None], persp)[0]
    img = _camera(rng, composed, code_corners, qr_px)
    return Frame(img, text, color, (w, h), qr_px, code_corners)


def generate(n: int, seed: int = 1) -> Iterator[Frame]:
    """``n`` frames, the same for the same seed (numpy's PCG64 stream per frame)."""
    for i in range(n):
        yield make_frame(np.random.default_rng([seed, i]))
