"""Registers benchmarks: the ledger (and the other day files) of a 1,000-person day, and the dose
reminder list over a store holding 1,000,000 events.

Prints figures; asserts nothing. The big store is generated straight into the log through the
store's ingest path (the same projection as sync): people vaccinated over many days, six events
each (booked, signed in, screened, injected, observed, released), a third of them back for their
second dose. It is kept in bench/out/ for the next run.

    .venv/bin/python bench/bench_registers.py                  # 1,000,000 events
    .venv/bin/python bench/bench_registers.py --events 200000
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from station import aefi, bookings, coverage, demo, fhir, ledger, reminders
from station.identity import make_resident_id
from station.store import Event, Store

OUT = Path(__file__).resolve().parent / "out"
DAY = date(2026, 11, 26)
TZ = timezone(timedelta(hours=8))
ORIGIN = "bench-gen"


def timed(fn, runs: int = 5) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def bench_day_files() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "station.sqlite3", origin="bench")
        demo.load(store, DAY)
        n = store.scalar("SELECT count(*) FROM doses WHERE source = 'here' AND day = ?", [DAY.isoformat()])
        out = Path(tmp)
        for label, fn in [
            ("ledger (XLSX)", lambda: ledger.write_ledger(store, DAY, out / "ledger.xlsx")),
            ("reaction reports (cards + CSV)", lambda: aefi.write_reports(store, DAY, out / "aefi")),
            ("FHIR export (NDJSON)", lambda: fhir.export(store, DAY, out / "day.ndjson")),
            (
                "reminder list (CSV)",
                lambda: reminders.write_list(store, DAY, DAY + timedelta(days=60), out / "r.csv"),
            ),
            ("coverage", lambda: coverage.coverage(store)),
        ]:
            seconds, _ = timed(fn)
            print(f"  {label:34s} {seconds * 1000:8.0f} ms   ({n} vaccinated that day, median of 5)")
        store.close()


def _hlc(ms: int, counter: int) -> str:
    return f"{ms:013d}.{counter:05d}.{ORIGIN}"


def generate(store: Store, events: int, batch: int = 20_000) -> None:
    """People vaccinated over as many days as it takes, 1,000 a day, six events each."""
    have = store.scalar("SELECT count(*) FROM events")
    seq = store.scalar("SELECT coalesce(max(seq), 0) FROM events WHERE origin = ?", [ORIGIN])
    start = datetime(2025, 1, 1, 8, tzinfo=TZ)
    ms = int(time.time() * 1000) - 10**9
    pending: list[Event] = []
    i = have // 6
    started = time.perf_counter()
    while have < events:
        day = start + timedelta(days=i // 1000)
        at = (day + timedelta(seconds=(i % 1000) * 36)).isoformat()
        birth = date(1950 + i % 50, 1 + i % 12, 1 + i % 28)
        person = bookings.person_record(
            name=f"测{i}", id_number=make_resident_id("110105", birth, 1 + (i // 600) % 999),
            phone=f"139{i:08d}", unit=f"单位{i % 40}", today=DAY,
        )  # fmt: skip
        visit = str(uuid.uuid4())
        second = i % 3 == 0 and i >= 30_000  # back for dose 2 after ~30 days
        steps = [
            ("BookingAdded", {"person": person, "day": day.date().isoformat(), "slot": "08:00-08:30",
                              "source": "import", "at": at}),
            ("SignedIn", {"queue_no": i % 1000 + 1, "queue_prefix": "A", "desk": "1", "method": "qr", "at": at}),
            ("Screened", {"outcome": "pass", "reasons": [], "notes": [], "answers": {}, "temperature": 36.5,
                          "at": at, "declared_doses": [{"product": "sinopharm_bbibp", "dose_number": 1,
                          "day": (day.date() - timedelta(days=30)).isoformat()}] if second else []}),
            ("Injected", {"product": "sinopharm_bbibp", "lot_no": "BENCH1", "dose_number": 2 if second else 1,
                          "desk": "1", "at": at}),
            ("ObservationStarted", {"seat": 1, "minutes": 30, "at": at}),
            ("Released", {"at": at, "minutes_left": 0}),
        ]  # fmt: skip
        for k, (kind, payload) in enumerate(steps):
            seq += 1
            pending.append(
                Event(str(uuid.uuid4()), ORIGIN, seq, _hlc(ms + i, k), kind, visit, "jz01", payload, at)
            )
        have += len(steps)
        i += 1
        if len(pending) >= batch:
            store.ingest(pending)
            pending = []
            print(f"\r  building: {have:,} events", end="", flush=True)
    if pending:
        store.ingest(pending)
    print(f"\n  built in {time.perf_counter() - started:.0f} s")


def bench_reminders(events: int) -> None:
    OUT.mkdir(exist_ok=True)
    store = Store.open(OUT / f"registers-{events}.sqlite3", origin="bench")
    if store.scalar("SELECT count(*) FROM events") < events:
        generate(store, events)
    held = store.scalar("SELECT count(*) FROM events")
    people = store.scalar("SELECT count(*) FROM people")
    last = date.fromisoformat(store.scalar("SELECT max(day) FROM doses"))
    start, end = last + timedelta(days=1), last + timedelta(days=30)
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in ("csv", "xlsx"):
            seconds, result = timed(
                lambda s=suffix: reminders.write_list(store, start, end, Path(tmp) / f"r.{s}"), 3
            )
            print(
                f"  reminder list .{suffix} over {held:,} events ({people:,} people): {seconds:.2f} s, "
                f"{result['people']:,} listed (due {result['due']:,}, open {result['open']:,}, "
                f"overdue {result['overdue']:,}; median of 3)"
            )
        seconds, _ = timed(lambda: reminders.due_list(store, start, end), 3)
        print(f"  the list alone (no file): {seconds:.2f} s")
        seconds, _ = timed(lambda: coverage.coverage(store), 3)
        print(f"  coverage over the same store: {seconds:.2f} s")
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    print("A 1,000-person day (the demo day):")
    bench_day_files()
    print(f"Reminders over {args.events:,} events:")
    bench_reminders(args.events)


if __name__ == "__main__":
    main()
