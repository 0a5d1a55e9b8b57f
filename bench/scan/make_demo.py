"""Writes the demo stills in resources/scan/ (what `station --camera demo` shows without a camera).

    .venv/bin/python bench/scan/make_demo.py

Six 1280x720 JPEG frames from frames.py: a booking QR (dark code, valid generated ID), health-code
URLs in green, yellow and red, an observation slip's exit code, and a scene with no code; plus
``demo.json`` with what each frame must decode to (the tests check it). Each frame is drawn from
the first seed whose frame the pipeline reads exactly, with and without pyzbar, so the demo never
shows a miss.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import frames as framegen  # noqa: E402

from station.identity import make_resident_id  # noqa: E402
from station.scan import decode_image  # noqa: E402
from station.scan import decoders as D  # noqa: E402
from station.scan.payloads import booking_text, exit_text  # noqa: E402

OUT = ROOT / "resources" / "scan"
DEMO_DAY = date(2026, 11, 26)

SHOTS = [
    (
        "01-booking.jpg",
        booking_text(
            "B20261126-0042",
            "欧阳娜娜",
            make_resident_id("110105", date(1988, 3, 14), 42),
            DEMO_DAY,
            "09:00-09:30",
        ),
        "black",
        "booking",
    ),
    (
        "02-health-green.jpg",
        "https://health.example.cn/hc/v2/scan?token=G7kP2mQx9RtV4wZa8LcN3yHs&src=app",
        "green",
        "health_code",
    ),
    (
        "03-health-yellow.jpg",
        "https://jkm.example.gov.cn/hc/v2/scan?token=Y5nB8vCx2QwE7rTz4UiO9pLk&src=app",
        "yellow",
        "health_code",
    ),
    (
        "04-health-red.jpg",
        "https://health.example.cn/hc/v2/scan?token=R3dK9sJh6GfD2aMn8BvX5cZq&src=app",
        "red",
        "health_code",
    ),
    ("05-exit-slip.jpg", exit_text("7d9b0c5e-3f1a-4b8e-9c2d-5a6e7f801234"), "black", "exit"),
]


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with_zbar = D.Pipeline()
    without = D.Pipeline(D.default_stages(pyzbar=False))
    manifest = []
    for i, (name, text, color, kind) in enumerate(SHOTS):
        for seed in range(1000):
            rng = np.random.default_rng([2026, i, seed])
            fr = framegen.make_frame(
                rng, size=(1280, 720), text=text, color=color, qr_px=int(rng.integers(230, 300))
            )
            ok, enc = cv2.imencode(".jpg", fr.img, [cv2.IMWRITE_JPEG_QUALITY, 80])
            img = cv2.imdecode(enc, cv2.IMREAD_COLOR)
            a, b = decode_image(img, pipeline=with_zbar), decode_image(img, pipeline=without)
            want = framegen.EXPECTED_CLASS[color]
            if (
                all(r.text == text and r.kind == kind and r.color == want for r in (a, b))
                and len(enc) < 180_000
            ):
                (OUT / name).write_bytes(enc.tobytes())
                manifest.append({"file": name, "text": text, "kind": kind, "color": want})
                print(f"{name}: seed {seed}, {len(enc) // 1024} KB, {a.decoder} {a.ms:.1f} ms")
                break
        else:
            raise SystemExit(f"no seed gives a readable {name}")
    rng = np.random.default_rng([2026, 99])
    img = framegen._clutter(rng, 1280, 720)
    ok, enc = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 80])
    (OUT / "06-nothing.jpg").write_bytes(enc.tobytes())
    manifest.append({"file": "06-nothing.jpg", "text": None, "kind": None, "color": None})
    (OUT / "demo.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"{len(manifest)} frames, {total / 1024:.0f} KB in {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
