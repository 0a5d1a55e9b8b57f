"""The kill test, long form (#13): SIGKILL a recording station again and again, then count.

    .venv/bin/python bench/bench_kill.py --kills 1000

Three modes share the kills (``--share``, default 80/10/10): plain recording (walk-ins through
the domain), a bookings import of ``--rows`` rows (default 50,000; killed at random moments, the same
file started again each time, and finished at the end: every row once), and a desk that records and
syncs with a hub subprocess on a loopback port (every other kill is the hub's, while it ingests).
Each line: kills, events confirmed by the child after their commit, confirmed events found after
the kill, mismatches (missing events, seq gaps, ``rebuild --check`` differences, duplicates,
a sync that does not converge). The short form is tests/test_kill.py.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.killkit import Tally, kill_import, kill_recording, kill_sync  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kills", type=int, default=1000)
    ap.add_argument("--share", default="80,10,10", help="percent of kills: record,import,sync")
    ap.add_argument("--rows", type=int, default=50_000, help="rows in the bookings file of the import mode")
    ap.add_argument("--span", type=float, default=10.0, help="import mode: kill within this many seconds")
    ap.add_argument("--rebuild-every", type=int, default=5, help="record mode: rebuild --check every N kills")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--dir", type=Path, default=None)
    args = ap.parse_args()
    share = [int(x) for x in args.share.split(",")]
    counts = [args.kills * s // sum(share) for s in share]
    counts[0] += args.kills - sum(counts)
    rng = random.Random(args.seed)
    tmp = args.dir or Path(tempfile.mkdtemp(prefix="bench-kill-"))
    total = Tally()
    for mode, n in zip(("record", "import", "sync"), counts, strict=True):
        if not n:
            continue
        tally, start = Tally(), time.perf_counter()
        if mode == "record":
            kill_recording(tmp / mode, n, rng, tally, rebuild_every=args.rebuild_every)
        elif mode == "import":
            kill_import(tmp / mode, n, rng, tally, rows=args.rows, span=args.span)
        else:
            kill_sync(tmp / mode, n, rng, tally)
        print(f"{tally.line(mode)}  ({time.perf_counter() - start:.0f} s)", flush=True)
        for problem in tally.problems[:10]:
            print("   ", problem, flush=True)
        for key in ("kills", "confirmed", "found", "mismatches"):
            setattr(total, key, getattr(total, key) + getattr(tally, key))
    print(total.line("total"), flush=True)
    sys.exit(1 if total.mismatches else 0)


if __name__ == "__main__":
    main()
