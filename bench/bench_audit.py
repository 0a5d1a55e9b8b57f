"""Audit trail and corrections: the trail of a 1,000-person demo day, a correction's and a void's
commit, and rebuild --check after them. Prints figures; asserts nothing.

    .venv/bin/python bench/bench_audit.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from station import audit, corrections, demo, rebuild
from station.store import Store

DAY = date(2026, 11, 26)
TZ = timezone(timedelta(hours=8))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        now = [datetime.combine(DAY, datetime.min.time(), TZ).replace(hour=7)]
        store = Store.open(Path(tmp) / "station.sqlite3", origin="bench-a", now=lambda: now[0])
        demo.load(store, DAY)
        events = store.scalar("SELECT count(*) FROM events")
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            trail = audit.day_trail(store, DAY)
            runs.append(time.perf_counter() - t)
        print(
            f"day trail: {events} events in the log, {len(trail)} entries, median {statistics.median(runs):.3f} s"
        )
        shots = [r["id"] for r in store.all("SELECT id FROM events WHERE type = 'Injected' LIMIT 200")]
        timings = []
        for shot in shots[:100]:
            target = corrections.target_event(store, shot)
            now[0] = datetime.fromisoformat(target.recorded_at) + timedelta(minutes=1)
            t = time.perf_counter()
            corrections.correct(
                store, shot, {"body_site": "right_deltoid"}, reason="bench", staff_id=target.staff_id
            )
            timings.append(time.perf_counter() - t)
        timings.sort()
        print(f"correction commit: p50 {timings[50] * 1000:.2f} ms, p99 {timings[98] * 1000:.2f} ms (n=100)")
        t = time.perf_counter()
        report = rebuild.check(store)
        print(f"rebuild --check after 100 corrections: ok={report.ok}, {time.perf_counter() - t:.2f} s")
        store.close()


if __name__ == "__main__":
    main()
