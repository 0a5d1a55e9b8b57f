"""The fuzz targets of tests/test_fuzz.py, run for longer: inputs tried and distinct failures per parser.

    .venv/bin/python bench/fuzz/run.py [--seconds 60] [--only booking_csv_rows,day_file]

A failure is any exception other than the parser's own error type with a code (see
tests/test_fuzz.py); failures are told apart by exception type and the innermost line of station/
or sync/ code it came from, and the first input of each is printed. Shrinking is off: every second
goes to new inputs.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
logging.disable(logging.WARNING)  # settings.json's warnings, one per bad input

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

from tests.test_fuzz import TARGETS, Target, check  # noqa: E402


class _TimeUp(Exception):
    pass


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/station/" in f.filename or "/sync/" in f.filename] or frames
    f = ours[-1]
    return f"{type(exc).__name__} at {Path(f.filename).name}:{f.lineno}"


def fuzz(target: Target, seconds: float) -> tuple[int, dict[str, str]]:
    tried = 0
    failures: dict[str, str] = {}
    end = time.monotonic() + seconds

    @settings(
        max_examples=10**9,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(target.strategy)
    def run(value) -> None:
        nonlocal tried
        if time.monotonic() > end:
            raise _TimeUp
        tried += 1
        try:
            check(target, value)
        except Exception as exc:  # noqa: BLE001 - every kind is what we count
            failures.setdefault(_where(exc), repr(value)[:300])

    try:
        run()
    except _TimeUp:
        pass
    return tried, failures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="per parser")
    ap.add_argument("--only", default="", help="comma-separated target names")
    args = ap.parse_args()
    only = {n for n in args.only.split(",") if n}
    total_tried = total_failures = 0
    print(f"{'parser':<22}{'inputs':>10}{'per s':>9}{'failures':>10}")
    for target in TARGETS:
        if only and target.name not in only:
            continue
        start = time.monotonic()
        tried, failures = fuzz(target, args.seconds)
        spent = time.monotonic() - start
        total_tried += tried
        total_failures += len(failures)
        print(f"{target.name:<22}{tried:>10,}{tried / spent:>9,.0f}{len(failures):>10}", flush=True)
        for where, example in failures.items():
            print(f"    {where}\n        first input: {example}")
    print(f"{'total':<22}{total_tried:>10,}{'':>9}{total_failures:>10}")


if __name__ == "__main__":
    main()
