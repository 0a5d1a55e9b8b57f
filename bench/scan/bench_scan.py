"""Scan benchmark: decode rate, exact text, colour and ms per frame, per decoder and for the pipeline.

Frames come from frames.py (seeded). Everything runs on one thread (the per-core figure: the
camera widget's worker gets one core of a 2-core laptop). Each frame goes through every decoder
in turn (starting with a different one each frame), so machine noise hits them alike. Single
decoders' ms is the decode alone; the pipeline's is `decode_image`: decode, colour and payload.

    .venv/bin/python bench/scan/bench_scan.py                    # 400 frames, seed 1 (~1 min)
    .venv/bin/python bench/scan/bench_scan.py --frames 2000 --seed 7
    .venv/bin/python bench/scan/bench_scan.py --only zxing,pipeline --json out.json
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy and cv2 load their thread pools

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import frames as framegen  # noqa: E402

from station.scan import decode_image  # noqa: E402
from station.scan import decoders as D  # noqa: E402
from station.scan.color import classify  # noqa: E402


@dataclass
class Tally:
    name: str
    ms: list[float] = field(default_factory=list)
    ms_by_size: dict[str, list[float]] = field(default_factory=dict)
    decoded: int = 0
    exact: int = 0
    color_ok: int = 0
    frames: int = 0
    stages: dict[str, int] = field(default_factory=dict)
    misses: list[int] = field(default_factory=list)
    wrong_text: list[int] = field(default_factory=list)
    wrong_color: list[int] = field(default_factory=list)

    def add(self, i: int, frame, text: str | None, color: str | None, ms: float, stage: str | None) -> None:
        self.frames += 1
        self.ms.append(ms)
        self.ms_by_size.setdefault("{}x{}".format(*frame.size), []).append(ms)
        if text is None:
            self.misses.append(i)
            return
        self.decoded += 1
        self.exact += text == frame.text
        if text != frame.text:
            self.wrong_text.append(i)
        self.color_ok += color == frame.color
        if color != frame.color:
            self.wrong_color.append(i)
        if stage:
            self.stages[stage] = self.stages.get(stage, 0) + 1

    def row(self) -> dict:
        def pct(values: list[float], q: float) -> float:
            s = sorted(values)
            return s[min(len(s) - 1, int(q * len(s)))] if s else float("nan")

        big = self.ms_by_size.get("1280x720", [])
        small = self.ms_by_size.get("640x480", [])
        return {
            "decoder": self.name,
            "frames": self.frames,
            "decoded": self.decoded / self.frames if self.frames else 0.0,
            "exact_of_decoded": self.exact / self.decoded if self.decoded else 0.0,
            "color_of_decoded": self.color_ok / self.decoded if self.decoded else 0.0,
            "median_ms": statistics.median(self.ms) if self.ms else float("nan"),
            "p95_ms": pct(self.ms, 0.95),
            "max_ms": max(self.ms) if self.ms else float("nan"),
            "median_ms_1280x720": statistics.median(big) if big else float("nan"),
            "p95_ms_1280x720": pct(big, 0.95),
            "median_ms_640x480": statistics.median(small) if small else float("nan"),
            "stages": self.stages,
        }


def single(dec: D.Decoder):
    def run(img: np.ndarray):
        t = time.perf_counter()
        try:
            found = dec.decode(img)
        except D.DecoderUnavailable:
            found = []
        ms = (time.perf_counter() - t) * 1000
        if not found:
            return None, None, ms, None
        # colour from this decoder's corners, outside the timing (the pipeline's ms includes it)
        return found[0].text, classify(img, found[0].points), ms, found[0].decoder

    return run


def pipeline(p: D.Pipeline):
    def run(img: np.ndarray):
        r = decode_image(img, pipeline=p)
        return r.text, r.color, r.ms, r.decoder

    return run


def contenders(only: set[str] | None) -> dict:
    zbar = D.PyzbarDecoder()
    out = {
        "zxing-cpp QR, luma": ("zxing", single(D.ZxingDecoder())),
        "zxing-cpp QR, darkest channel": (
            "zxing-dark",
            single(D.ZxingDecoder(name="zxing-dark", channel="min")),
        ),
        "zxing-cpp QR, BGR as given": ("zxing-bgr", single(D.ZxingDecoder(name="zxing-bgr", channel="bgr"))),
        "pyzbar, darkest channel": ("pyzbar", single(zbar)),
        "OpenCV QRCodeDetector": ("opencv", single(D.OpenCVDecoder())),
        "OpenCV QRCodeDetectorAruco": (
            "opencv-aruco",
            single(D.OpenCVDecoder(name="opencv-aruco", aruco=True)),
        ),
        "pipeline (default)": ("pipeline", pipeline(D.Pipeline())),
        "pipeline, darkest channel first": (
            "pipeline-dark-first",
            pipeline(D.Pipeline([D.default_stages()[i] for i in (1, 0, 2)])),
        ),
        "pipeline without libzbar0": (
            "pipeline-nozbar",
            pipeline(D.Pipeline(D.default_stages(pyzbar=False))),
        ),
        "pipeline + pyzbar on the whole frame": (
            "pipeline+pyzbar",
            pipeline(D.Pipeline([*D.default_stages(), zbar])),
        ),
    }
    if only:
        out = {k: v for k, v in out.items() if v[0] in only}
    return out


def empty_frames(n: int, seed: int) -> list[np.ndarray]:
    """Scenes without a code: what the camera sees most of the day."""
    out = []
    for i in range(n):
        rng = np.random.default_rng([seed, 10**6 + i])
        w, h = framegen.SIZES[int(rng.random() < 0.3)]
        img = framegen._clutter(rng, w, h)
        ok, enc = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 70])
        out.append(cv2.imdecode(enc, cv2.IMREAD_COLOR))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frames", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", help="comma-separated short names (zxing, pyzbar, opencv, pipeline, ...)")
    ap.add_argument("--empty", type=int, default=None, help="frames without a code (default frames/8)")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    ap.add_argument("--misses", action="store_true", help="list the frames each decoder missed or got wrong")
    args = ap.parse_args(argv)
    cv2.setNumThreads(1)

    t0 = time.perf_counter()
    frames = list(framegen.generate(args.frames, seed=args.seed))
    empties = empty_frames(args.empty if args.empty is not None else max(10, args.frames // 8), args.seed)
    gen_s = time.perf_counter() - t0
    runs = contenders(set(args.only.split(",")) if args.only else None)
    tallies = {label: Tally(label) for label in runs}
    empty_ms: dict[str, list[float]] = {label: [] for label in runs}
    false_hits: dict[str, int] = {label: 0 for label in runs}
    for fn in (r for _, r in runs.values()):  # warm-up: lazy imports, first-call allocations
        fn(frames[0].img)
    t0 = time.perf_counter()
    order = list(runs.items())
    shuffle = np.random.default_rng(args.seed)
    for i, fr in enumerate(frames):
        # a new order on each frame: no decoder always follows the one that leaves the caches cold
        for k in shuffle.permutation(len(order)):
            label, (_, fn) = order[k]
            text, color, ms, stage = fn(fr.img)
            tallies[label].add(i, fr, text, color, ms, stage)
    for img in empties:
        for label, (_, fn) in order:
            text, _, ms, _ = fn(img)
            empty_ms[label].append(ms)
            false_hits[label] += text is not None
    run_s = time.perf_counter() - t0

    sizes = {}
    for fr in frames:
        key = "{}x{}".format(*fr.size)
        sizes[key] = sizes.get(key, 0) + 1
    colors = {c: sum(f.color == c for f in frames) for c in ("green", "yellow", "red")}
    print(
        f"{len(frames)} frames (seed {args.seed}; {', '.join(f'{k} {v}' for k, v in sizes.items())}; "
        f"{', '.join(f'{k} {v}' for k, v in colors.items())}), {len(empties)} frames without a code; "
        f"one thread; generated in {gen_s:.0f} s, decoded in {run_s:.0f} s\n"
    )
    head = (
        "| decoder | decoded | exact text | colour right | median ms | p95 ms | median ms 1280x720 "
        "| p95 ms 1280x720 | median ms 640x480 | median ms, no code | false reads |"
    )
    print(head)
    print("|---|" + "---:|" * (head.count("|") - 2))
    rows = []
    for label, t in tallies.items():
        r = t.row()
        r["median_ms_empty"] = statistics.median(empty_ms[label]) if empty_ms[label] else float("nan")
        r["false_reads"] = false_hits[label]
        r["label"] = label
        rows.append(r)
        print(
            f"| {label} | {r['decoded']:.1%} | {r['exact_of_decoded']:.1%} | {r['color_of_decoded']:.1%} "
            f"| {r['median_ms']:.2f} | {r['p95_ms']:.2f} | {r['median_ms_1280x720']:.2f} | {r['p95_ms_1280x720']:.2f} "
            f"| {r['median_ms_640x480']:.2f} | {r['median_ms_empty']:.2f} | {r['false_reads']} |"
        )
    for label, t in tallies.items():
        if t.stages and label.startswith("pipeline"):
            print(
                f"\n{label}: decoded by "
                + ", ".join(f"{k} {v}" for k, v in sorted(t.stages.items(), key=lambda kv: -kv[1]))
            )
        if args.misses:
            print(f"{label}: missed {t.misses}, wrong text {t.wrong_text}, wrong colour {t.wrong_color}")
    if args.json:
        args.json.write_text(json.dumps({"frames": len(frames), "seed": args.seed, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
