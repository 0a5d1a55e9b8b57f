"""The kill test's parts (#13): a child process that records and confirms, and the checks after SIGKILL.

Not a test module. The child (``python -m tests.killkit MODE DB ...``) records through the domain
(walk-ins, a bookings import, a desk that syncs) and prints ``ev ORIGIN SEQ ID`` for each event only
after the transaction that holds it has committed (``Store.listeners`` run after COMMIT returns),
flushing each line. The parent kills it with SIGKILL at a random moment, reopens the database and
checks that every confirmed event is there, that no origin's seq has a gap, and that the tables
rebuilt from the log equal the live ones (``station rebuild --check``). tests/test_kill.py runs a
short form, bench/bench_kill.py the long one.
"""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["姓名", "身份证号", "手机号", "工作单位", "预约日期", "预约时段"]


# --- the child ---------------------------------------------------------------------------------------
def _open(db: str):
    from station.store import Store

    Store.trusts_named_staff = True  # the child plays its staff, as the test bed and the demo do
    store = Store.open(db, create=False)

    def confirm(event) -> None:
        sys.stdout.write(f"ev {event.origin} {event.seq} {event.id}\n")
        sys.stdout.flush()

    store.listeners.append(confirm)
    return store


def _person(rng: random.Random) -> dict:
    from station import bookings
    from station.identity import make_resident_id

    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(20_000))
    number = make_resident_id(rng.choice(["110105", "440305", "310101"]), birth, rng.randrange(1, 999))
    return bookings.person_record(name="张三", id_number=number, phone="13812345678", today=date.today())


def _walk_in(store, rng: random.Random) -> None:
    from station import signin
    from station.errors import DomainError

    try:
        signin.walk_in(store, _person(rng), staff_id="sign1")
    except DomainError as exc:
        if exc.code not in ("already_booked", "booking_exists", "duplicate_booking"):
            sys.stderr.write(f"walk-in refused: {exc.code}\n")


def child_record(db: str) -> None:
    store = _open(db)
    rng = random.Random(os.getpid())
    print("ready", flush=True)
    while True:
        _walk_in(store, rng)


def child_import(db: str, csv_path: str) -> None:
    from station import bookings, importer

    store = _open(db)
    check = importer.read_bookings(Path(csv_path), date.today(), store=store)
    print("ready", flush=True)
    summary = bookings.import_rows(
        store, check, staff_id="admin1", skip_bad=True, on_chunk=lambda n: print(f"chunk {n}", flush=True)
    )
    print(f"done {summary.imported} {summary.already_booked}", flush=True)


def child_sync(db: str) -> None:
    from sync.client import engine

    store = _open(db)
    rng = random.Random(os.getpid())
    print("ready", flush=True)
    while True:
        _walk_in(store, rng)
        try:
            syncer = engine.Syncer(store)
            try:
                syncer.push()
                syncer.pull()
            finally:
                syncer.remote.close()
        except Exception as exc:  # the hub killed under it: go on recording, sync again later
            sys.stderr.write(f"sync failed: {type(exc).__name__}\n")
            time.sleep(0.05)


# --- the parent --------------------------------------------------------------------------------------
@dataclass
class Tally:
    kills: int = 0
    confirmed: int = 0
    found: int = 0
    mismatches: int = 0
    problems: list[str] = field(default_factory=list)

    def line(self, mode: str) -> str:
        return (
            f"{mode:8s} kills {self.kills:5d}  events confirmed {self.confirmed:7d}  "
            f"events found {self.found:7d}  mismatches {self.mismatches}"
        )


def spawn(mode: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.killkit", mode, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def run_and_kill(proc: subprocess.Popen, delay: float) -> tuple[list[tuple[str, int, str]], list[str]]:
    """Wait for the child's ``ready``, let it work ``delay`` seconds, SIGKILL it; the events it
    confirmed (every line it flushed before dying) and its other lines."""
    confirmed: list[tuple[str, int, str]] = []
    other: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            parts = line.split()
            if parts[:1] == ["ev"] and len(parts) == 4:
                confirmed.append((parts[1], int(parts[2]), parts[3]))
            else:
                other.append(line.strip())
                if line.startswith("ready"):
                    ready.set()
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    ready.wait(60)
    try:
        proc.wait(delay)  # a child that ends by itself (an import that finished) is not waited for
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    reader.join(30)
    return confirmed, other


def check_store(
    db: Path, confirmed: list[tuple[str, int, str]], tally: Tally, *, rebuild: bool = True
) -> None:
    """Every confirmed event present with its id, no gap in any origin's seq, the tables rebuild."""
    from station.rebuild import check as rebuild_check
    from station.store import Store

    store = Store.open(db, create=False)
    try:
        held = {(o, s): i for o, s, i in store.conn.execute("SELECT origin, seq, id FROM events")}
        tally.confirmed += len(confirmed)
        found = sum(1 for o, s, i in confirmed if held.get((o, s)) == i)
        tally.found += found
        if found != len(confirmed):
            tally.mismatches += len(confirmed) - found
            tally.problems.append(f"{len(confirmed) - found} confirmed events missing in {db}")
        for origin, top, count in store.conn.execute(
            "SELECT origin, max(seq), count(*) FROM events GROUP BY origin"
        ):
            if top != count:
                tally.mismatches += 1
                tally.problems.append(f"{origin}: seq gap ({count} events, top {top}) in {db}")
        if rebuild:
            report = rebuild_check(store)
            if report.diffs:
                tally.mismatches += 1
                tally.problems.append(f"rebuild --check differs in {db}: {report.diffs[:1]}")
    finally:
        store.close()


def new_station(folder: Path, origin: str = "kill-a") -> Path:
    """A station with the test staff (cheap PINs) and stock, recorded in this process."""
    from station import staff as staffmod
    from station import stock
    from station.store import Store
    from tests.conftest import add_staff

    staffmod._ARGON2 = {"time_cost": 1, "memory_cost": 64, "parallelism": 1}
    Store.trusts_named_staff = True
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "station.sqlite3"
    store = Store.open(db, origin=origin)
    add_staff(store)
    stock.receive(
        store,
        staff_id="admin1",
        lot_no="LOT-K",
        product="sinopharm_bbibp",
        expiry=date.today() + timedelta(days=90),
        vials=50,
    )
    store.close()
    return db


def write_bookings(path: Path, rows: int, day: date | None = None) -> Path:
    from station.identity import make_resident_id

    day = day or date.today()
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(rows):
            birth = date(1940, 1, 1) + timedelta(days=i // 900)
            number = make_resident_id("110105", birth, i % 900 + 1)
            w.writerow([f"人{i}", number, f"138{i:08d}", "街道办", day.isoformat(), "08:00-08:30"])
    return path


def kill_recording(
    folder: Path,
    kills: int,
    rng: random.Random,
    tally: Tally,
    *,
    fresh_every: int = 50,
    rebuild_every: int = 1,
) -> None:
    db = None
    for k in range(kills):
        if k % fresh_every == 0:
            db = new_station(folder / f"rec{k}")
        confirmed, _ = run_and_kill(spawn("record", str(db)), rng.uniform(0.0, 0.3))
        tally.kills += 1
        last = k % fresh_every == fresh_every - 1 or k == kills - 1
        check_store(db, confirmed, tally, rebuild=last or k % rebuild_every == 0)


def import_count(db: Path) -> tuple[int, int]:
    from station.store import Store

    store = Store.open(db, create=False)
    try:
        rows = store.scalar("SELECT count(*) FROM visits WHERE source = 'import'")
        distinct = store.scalar("SELECT count(DISTINCT person_id || day) FROM visits WHERE source = 'import'")
        return rows, distinct
    finally:
        store.close()


def kill_import(
    folder: Path, kills: int, rng: random.Random, tally: Tally, *, rows: int, span: float
) -> None:
    """Kill a bookings import of ``rows`` rows at random moments (``span``: about how long a whole run
    takes); each run starts the same file again. After each kill: what was confirmed is there, the
    imported visits are each there once, the tables rebuild; a run that finishes must hold every row."""
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = write_bookings(folder / "bookings.csv", rows)
    db = new_station(folder / "imp0")
    runs = 0
    for _ in range(kills):
        confirmed, other = run_and_kill(spawn("import", str(db), str(csv_path)), rng.uniform(0.0, span))
        tally.kills += 1
        check_store(db, confirmed, tally)
        got, distinct = import_count(db)
        if got != distinct:
            tally.mismatches += 1
            tally.problems.append(f"import: {got - distinct} visits twice in {db}")
        if any(line.startswith("done") for line in other) or got == rows:
            finish_import(db, csv_path, rows, tally)
            runs += 1
            db = new_station(folder / f"imp{runs}")
    finish_import(db, csv_path, rows, tally)


def finish_import(db: Path, csv_path: Path, rows: int, tally: Tally) -> None:
    """Import the file once more without a kill: it completes, every row once."""
    proc = spawn("import", str(db), str(csv_path))
    confirmed, _ = run_and_kill(proc, 3600)  # never killed: it ends on its own
    check_store(db, confirmed, tally)
    got, distinct = import_count(db)
    if got != rows or distinct != rows:
        tally.mismatches += 1
        tally.problems.append(f"import finished with {got} visits ({distinct} distinct) of {rows}")


def kill_sync(folder: Path, kills: int, rng: random.Random, tally: Tally) -> None:
    """A desk that records and syncs with a hub (a subprocess on a loopback port): kill the desk
    while it pushes and pulls, and kill the hub while it ingests; then a sync completes and both
    sides hold the same events, none twice."""
    from tests.conftest import Clock
    from tests.syncbed import Site, event_keys, server_events

    folder.mkdir(parents=True, exist_ok=True)
    site = Site(folder, Clock(__import__("datetime").datetime.now().astimezone()), subprocess_hub=True)
    try:
        desk = site.station("kill-s")
        desk.close()
        site.stations.clear()
        db = new_station_into(folder / "kill-s" / "station.sqlite3")
        for k in range(kills):
            proc = spawn("sync", str(db))
            if k % 2:  # the hub dies while the desk pushes to it
                confirmed, _ = run_hub_kill(site, proc, rng.uniform(0.1, 0.6))
            else:
                confirmed, _ = run_and_kill(proc, rng.uniform(0.1, 0.6))
            tally.kills += 1
            check_store(db, confirmed, tally, rebuild=k % 5 == 0)
        _converge(site, db, tally, event_keys, server_events)
    finally:
        site.close()


def new_station_into(db: Path) -> Path:
    """Staff and stock for a station already joined (its database made by the join)."""
    from station import staff as staffmod
    from station import stock
    from station.store import Store
    from tests.conftest import add_staff

    staffmod._ARGON2 = {"time_cost": 1, "memory_cost": 64, "parallelism": 1}
    Store.trusts_named_staff = True
    store = Store.open(db, create=False)
    add_staff(store)
    stock.receive(
        store,
        staff_id="admin1",
        lot_no="LOT-S",
        product="sinopharm_bbibp",
        expiry=date.today() + timedelta(days=90),
        vials=50,
    )
    store.close()
    return db


def run_hub_kill(site, desk: subprocess.Popen, delay: float):
    """Let the desk record and push, SIGKILL the hub mid-ingest, start it again, then kill the desk."""
    result: dict = {}

    def desk_run() -> None:
        result["out"] = run_and_kill(desk, delay + 0.5)

    t = threading.Thread(target=desk_run)
    t.start()
    time.sleep(delay)
    site.kill_hub()
    site.start_process()
    t.join(120)
    return result.get("out", ([], []))


def _converge(site, db: Path, tally: Tally, event_keys, server_events) -> None:
    from station.store import Store
    from sync.client import engine

    store = Store.open(db, create=False)
    try:
        for _ in range(3):
            syncer = engine.Syncer(store)
            try:
                syncer.push()
                syncer.pull()
            finally:
                syncer.remote.close()
        mine = event_keys(store)
        hub = sorted((e.origin, e.seq, e.id) for e in server_events(site.hub_store))
        if mine != hub or len(set(hub)) != len(hub) or len({(o, s) for o, s, _ in hub}) != len(hub):
            tally.mismatches += 1
            tally.problems.append(f"after sync: desk {len(mine)} events, hub {len(hub)}")
    finally:
        store.close()


def main(argv: list[str]) -> None:
    mode, *args = argv
    {"record": child_record, "import": child_import, "sync": child_sync}[mode](*args)


if __name__ == "__main__":
    main(sys.argv[1:])
