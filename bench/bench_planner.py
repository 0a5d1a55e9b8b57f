"""Time to plan one day and to search a slot plan (target: under 10 s for the search, so that it
can run on the admin page), on the 1,005-person demo day.

Loads the demo day into a temporary station, then times: fitting the day (`fit_day`), planning it
(`plan_day`: fit + 5 simulation runs + the recorded figures), and searching a slot plan
(`plan_day` with a target wait) for a few targets and day sizes. Prints figures; asserts nothing.

    .venv/bin/python bench/bench_planner.py
    .venv/bin/python bench/bench_planner.py --repeat 5
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from station import demo
from station.planner.fit import fit_day
from station.planner.report import plan_day
from station.store import Store

DAY = date(2026, 11, 26)


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "station.sqlite3")
        demo.load(store, DAY)
        t, _ = timed(lambda: fit_day(store, DAY), args.repeat)
        print(f"fit one day (1,005 bookings):            {t:6.2f} s")
        t, _ = timed(lambda: plan_day(store, DAY, runs=5), args.repeat)
        print(f"plan one day (fit + 5 runs + recorded):  {t:6.2f} s")
        for people, target in ((1005, 1.0), (1005, 0.5), (1500, 2.0), (2000, 5.0)):
            t, result = timed(
                lambda p=people, w=target: plan_day(store, DAY, runs=5, target_wait=w, people=p), args.repeat
            )
            plan = result["plan"]  # type: ignore[index]
            p95 = max(v["p95_wait"] for v in plan["predicted"].values())
            print(
                f"search a slot plan: {people:5d} people, p95 <= {target:3.1f} min: {t:6.2f} s "
                f"({plan['rounds']} rounds, desks {plan['desks']}, p95 {p95:.2f} min, met={plan['met']})"
            )
        store.close()


if __name__ == "__main__":
    main()
