"""A randomized fault soak: desks record, the network breaks, the hub dies; in the end nothing is lost.

Prints per run and in total: events lost, events duplicated, tables differing, ``rebuild --check``
failures, and hangs; exits 1 when any is not 0. Each run (its own seed) is:

  - a hub in a subprocess (``station-server serve``, TLS; SQLite file or PostgreSQL schema) that the
    soak SIGKILLs and restarts, and three stations (desk-a, desk-b, desk-c) joined to it, each
    reaching it through its own FaultProxy (tests/faultproxy.py);
  - desk-a's first morning (staff, a lot, bookings) synced to all, then ``--steps`` random
    operations:
      record   real commands on one desk: walk-ins, bookings, and the next step of a visit the desk
               knows (sign-in, pre-screen, injection, observation, release); now and then the same
               person walks in at two desks (a duplicate_booking conflict, by design)
      sync     a push and/or pull round (a desk's long-lived Syncer, as the worker keeps one, or a new one)
      net      a desk's proxy switches to pass, cut_after N bytes, drop_replies after N bytes, or refuse
      kill     SIGKILL the hub (sometimes while desks are pushing, in threads); it restarts 0-3 steps later
      replay   a desk re-sends a slice of its own log straight through Remote.push
      burst    the three desks push and pull at once, in threads
      worker   a desk's SyncWorker (the window's background pusher and long-poll puller) starts, or stops
  - heal: every proxy passes, the hub runs, push/pull rounds until a round moves nothing;
  - count, over the three desks, the hub's log and a station built from the hub's log:
      lost        an (origin, seq) held somewhere but not everywhere
      duplicated  an (origin, seq) or event id held twice in one place, or held with other content
                  (event digest) in two places
      differing   projected tables whose digest (tests.syncbed.digest) is not the same on every
                  desk and on the station built from the hub's log
      rebuild     desks failing ``rebuild --check``
      hang        heal not reaching quiet within its limit, or a thread that never came back
    and anomalies: answers that should not happen to a healthy desk (a refusal that is not a
    network or server-trouble error, an event_mismatch on a replay, a hub traceback).

    .venv/bin/python bench/sync/soak.py                          # 20 runs, SQLite hub
    .venv/bin/python bench/sync/soak.py --runs 5 --seed 7 --backend both -v
"""

from __future__ import annotations

import argparse
import faulthandler
import logging
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchkit, also when imported by its path

from benchkit import hub_url  # noqa: E402

from station import bookings, signin  # noqa: E402
from station import staff as staffmod  # noqa: E402
from station.db import PROJECTED_TABLES  # noqa: E402
from station.errors import DomainError  # noqa: E402
from station.hlc import HybridClock  # noqa: E402
from station.identity import make_resident_id  # noqa: E402
from station.rebuild import check as rebuild_check  # noqa: E402
from station.store import Event, Store  # noqa: E402
from sync import protocol  # noqa: E402
from sync.client import engine  # noqa: E402
from sync.client.remote import SyncError  # noqa: E402
from sync.client.worker import SyncWorker  # noqa: E402
from tests import domainkit  # noqa: E402
from tests.conftest import CST, DAY, Clock  # noqa: E402
from tests.faultproxy import FaultProxy  # noqa: E402
from tests.syncbed import Site, digest, first_morning, materialize, server_events  # noqa: E402

Store.trusts_named_staff = True  # this script plays its staff: their desk work without their PINs

DESKS = {"desk-a": "A", "desk-b": "B", "desk-c": "C"}
# errors a desk meets on a bad network or with its hub down; any other failure is an anomaly
EXPECTED_ERRORS = {"offline", "timeout", "server_error", "rate_limited", "bad_answer", "checksum"}
OPS = ("record", "sync", "net", "kill", "replay", "burst", "worker")
WEIGHTS = (34, 30, 14, 6, 8, 8, 5)
REMOTE_TIMEOUT = 5.0
HEAL_SECONDS = 120.0


@dataclass
class RunResult:
    run: int
    seed: int
    backend: str
    events: int = 0
    per_desk: dict[str, int] = field(default_factory=dict)
    ops: Counter = field(default_factory=Counter)
    lost: int = 0
    duplicated: int = 0
    differing: int = 0
    rebuild_failures: int = 0
    hangs: int = 0
    heal_rounds: int = 0
    heal_seconds: float = 0.0
    seconds: float = 0.0
    anomalies: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.lost or self.duplicated or self.differing or self.rebuild_failures or self.hangs)

    def line(self) -> str:
        ops = " ".join(f"{k} {self.ops[k]}" for k in OPS if self.ops[k])
        extra = " ".join(
            f"{k} {self.ops[k]}"
            for k in ("refused", "sync_failed", "replay_failed", "hub_restarts")
            if self.ops[k]
        )
        desks = " ".join(f"{d[-1]} {n}" for d, n in sorted(self.per_desk.items()))
        return (
            f"run {self.run:3d} seed {self.seed} {self.backend:8s} {self.events:5d} events ({desks}); "
            f"ops: {ops}; {extra}; heal {self.heal_rounds} rounds {self.heal_seconds:.1f} s | "
            f"lost {self.lost} dup {self.duplicated} differing {self.differing} "
            f"rebuild {self.rebuild_failures} hang {self.hangs} anomalies {len(self.anomalies)} "
            f"[{self.seconds:.1f} s]"
        )


class _ErrorsLogged(logging.Handler):
    def __init__(self, soak: Soak) -> None:
        super().__init__(logging.ERROR)
        self.soak = soak

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text += f": {type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
        self.soak.anomaly(f"logged by {record.name}: {text}")


def make_plan(seed: int, steps: int) -> list[tuple[bool, str, int]]:
    """The run's operations, decided by the seed alone: (restart the hub first?, operation, for a
    kill: the steps the hub stays down). A kill is never planned while the hub is down."""
    rng = random.Random(seed)
    plan: list[tuple[bool, str, int]] = []
    down_for: int | None = None
    for _ in range(steps):
        restart = False
        if down_for is not None:
            if down_for <= 0:
                restart, down_for = True, None
            else:
                down_for -= 1
        op = rng.choices(OPS, WEIGHTS)[0]
        if op == "kill" and down_for is not None:
            op = "sync"
        stay = rng.randint(0, 3) if op == "kill" else 0
        if op == "kill":
            down_for = stay
        plan.append((restart, op, stay))
    return plan


class Soak:
    """One run: a site with a killable hub, three desks behind fault proxies, random operations."""

    def __init__(
        self, folder: Path, hub_db: str, *, seed: int, steps: int, verbose: bool = False, rush_max: int = 600
    ) -> None:
        self.folder = folder
        self.hub_db = hub_db
        self.plan = make_plan(seed, steps)  # the operations and the hub's downtime: the same for a seed
        self.rng = random.Random(seed + 1)  # the details (which visit, how many bytes...): may follow timing
        self.steps = steps
        self.rush_max = rush_max  # the most walk-ins of one rush (a queue at the door)
        self.verbose = verbose
        self.clock = Clock(datetime.combine(DAY, datetime.min.time(), CST) + timedelta(hours=8))
        self.site: Site | None = None
        self.desks: dict[str, Store] = {}
        self.proxies: dict[str, FaultProxy] = {}
        self.syncers: dict[str, engine.Syncer] = {}
        self.workers: dict[str, SyncWorker] = {}
        self.walked_in: dict[str, list[dict]] = {d: [] for d in DESKS}
        self.people = 0
        self.hub_down = False
        self.down_for = 0
        self.hub_log: list[str] = []
        self.result: RunResult | None = None

    # --- plumbing --------------------------------------------------------------------------------------
    def log(self, text: str) -> None:
        if self.verbose:
            print(f"      {text}", flush=True)

    def anomaly(self, text: str) -> None:
        assert self.result is not None
        self.result.anomalies.append(text)
        print(f"      ANOMALY: {text}", flush=True)

    def _drain_hub_stderr(self) -> None:
        """Nothing to drain: the test bed writes the hub process's stderr to a file (read at the end)."""

    def person(self) -> dict:
        self.people += 1
        n = self.people
        birth = date(1940, 1, 1) + timedelta(days=37 * n)
        number = make_resident_id("110105", birth, 1 + n % 997)
        return bookings.person_record(name=f"到场{n}", id_number=number, phone="13812345678", today=DAY)

    def remote(self, store: Store):
        return engine.remote_for(store, timeout=REMOTE_TIMEOUT)

    def syncer(self, origin: str, fresh: bool) -> engine.Syncer:
        store = self.desks[origin]
        if fresh:
            return engine.Syncer(store, self.remote(store))
        if origin not in self.syncers:
            self.syncers[origin] = engine.Syncer(store, self.remote(store))
        return self.syncers[origin]

    def sync_error(self, where: str, exc: SyncError, store: Store | None = None) -> None:
        assert self.result is not None
        self.result.ops["sync_failed"] += 1
        if store is not None:
            try:
                engine.record_failure(store, exc)
            except DomainError:
                pass
        if exc.code not in EXPECTED_ERRORS:
            self.anomaly(f"{where}: {exc.code}: {exc.reason}")

    # --- the run ---------------------------------------------------------------------------------------
    def run(self, result: RunResult) -> RunResult:
        self.result = result
        started = time.perf_counter()
        errors = _ErrorsLogged(self)  # a sync round that failed with a bug (logged by the SyncWorker)
        logging.getLogger("station.sync").addHandler(errors)
        self.site = Site(self.folder, self.clock, hub_db=self.hub_db, subprocess_hub=True)
        self._drain_hub_stderr()
        try:
            for origin in DESKS:
                store = self.site.station(origin)
                self.desks[origin] = store
                proxy = FaultProxy(self.site.port)
                self.proxies[origin] = proxy
                engine.set_meta(store, {"sync.url": proxy.url})  # every request through its proxy
                if origin != "desk-a":  # laptop clocks minutes (now and then hours) apart
                    skew = self.rng.choice((self.rng.uniform(-600, 600), self.rng.uniform(-4, 4) * 3600))
                    store.clock = HybridClock(origin, wall=lambda skew=skew: time.time() + skew)
            first_morning(self.desks["desk-a"], bookings_count=6)
            self.heal(count=False)  # every desk has the staff and the bookings before the day starts
            for step, (restart, op, down_for) in enumerate(self.plan):
                if restart:
                    self.restart_hub()
                self.down_for = down_for
                result.ops[op] += 1
                self.clock.advance(seconds=self.rng.randint(5, 60))
                getattr(self, f"op_{op}")()
                self.log(f"step {step}: {op}")
            self.stop_workers()
            self.heal(count=True)
            self.count()
        finally:
            self.stop_workers()
            for syncer in self.syncers.values():
                syncer.remote.close()
            for proxy in self.proxies.values():
                proxy.close()
            self.site.close()
            logging.getLogger("station.sync").removeHandler(errors)
            log = self.site.tmp / f"hub-{self.site.name}.log"
            self.hub_log = log.read_text(errors="replace").splitlines() if log.exists() else []
            for line in self.hub_log:
                if "Traceback" in line:
                    self.anomaly("the hub printed a traceback: " + " | ".join(self.hub_log[-6:]))
                    break
        result.seconds = time.perf_counter() - started
        return result

    # --- operations ------------------------------------------------------------------------------------
    def op_record(self) -> None:
        origin = self.rng.choice(list(DESKS))
        store = self.desks[origin]
        for _ in range(self.rng.randint(1, 6)):
            kind = self.rng.choices(("walk_in", "step", "book", "twin", "rush"), (4, 6, 1, 1, 0.3))[0]
            try:
                getattr(self, f"rec_{kind}")(origin, store)
            except DomainError as exc:
                self.result.ops["refused"] += 1
                self.log(f"{origin} {kind} refused: {exc.code}")

    def rec_walk_in(self, origin: str, store: Store, person: dict | None = None) -> None:
        person = person or self.person()
        letter = DESKS[origin]
        signin.walk_in(store, person, staff_id="sign1", desk=f"S{letter}", prefix=letter)
        self.walked_in[origin].append(person)

    def rec_rush(self, origin: str, store: Store) -> None:
        """A queue at the door: a few hundred walk-ins before the next sync (pushes of several batches)."""
        for _ in range(self.rng.randint(self.rush_max // 6, self.rush_max)):
            self.rec_walk_in(origin, store)

    def rec_twin(self, origin: str, store: Store) -> None:
        """Someone who walked in at another desk walks in here too (before this desk heard of it)."""
        others = [p for o, people in self.walked_in.items() if o != origin for p in people[-5:]]
        if not others:
            return self.rec_walk_in(origin, store)
        self.rec_walk_in(origin, store, self.rng.choice(others))

    def rec_book(self, origin: str, store: Store) -> None:
        bookings.add_booking(store, self.person(), DAY, "10:00-10:30", staff_id="admin1")

    def rec_step(self, origin: str, store: Store) -> None:
        """The next step of a visit this desk knows of."""
        rows = store.conn.execute(
            "SELECT visit_id, state FROM visits WHERE day = ? AND state IN "
            "('booked', 'signed_in', 'screened', 'injected', 'observing') ORDER BY visit_id",
            [DAY.isoformat()],
        ).fetchall()
        if not rows:
            return self.rec_walk_in(origin, store)
        visit_id, state = self.rng.choice(rows)
        letter = DESKS[origin]
        if state == "booked":
            signin.sign_in(store, visit_id, staff_id="sign1", desk=f"S{letter}", prefix=letter)
        elif state == "signed_in":
            temperature = 38.4 if self.rng.random() < 0.1 else 36.6  # now and then turned away
            domainkit.do_screen(store, visit_id, temperature=temperature)
        elif state == "screened":
            domainkit.do_inject(store, visit_id, desk=f"{letter}{self.rng.randint(1, 3)}")
        elif state == "injected":
            domainkit.do_observe(store, visit_id)
        else:
            from station import observe

            observe.release(store, visit_id, staff_id="obs1", override_reason="soak: leaving early")

    def op_sync(self) -> None:
        origin = self.rng.choice(list(DESKS))
        way = self.rng.choice(("push", "pull", "both"))
        fresh = self.rng.random() < 0.4
        syncer = self.syncer(origin, fresh)
        try:
            if way in ("push", "both"):
                syncer.push()
            if way in ("pull", "both"):
                syncer.pull(wait=self.rng.choice((0, 0, 0.2)))  # now and then a short long-poll
        except SyncError as exc:
            self.sync_error(f"{origin} {way}", exc, self.desks[origin])
        finally:
            if fresh:
                syncer.remote.close()

    def op_worker(self) -> None:
        """Start a desk's background sync (pusher woken by each write, long-poll puller), or stop it."""
        origin = self.rng.choice(list(DESKS))
        worker = self.workers.pop(origin, None)
        if worker is not None:
            self._stop_worker(origin, worker)
            self.log(f"{origin} worker stopped ({worker.rounds})")
            return
        store = self.desks[origin]
        self.workers[origin] = SyncWorker(
            store.path, live_wait=1.0, retry_every=0.5, max_backoff=2.0, timeout=REMOTE_TIMEOUT
        ).start()
        store.listeners.append(lambda _event, w=self.workers[origin]: w.wake())  # as the window wakes it
        self.log(f"{origin} worker started")

    def _stop_worker(self, origin: str, worker: SyncWorker) -> None:
        store = self.desks[origin]
        store.listeners[:] = [f for f in store.listeners if getattr(f, "__defaults__", None) != (worker,)]
        worker.stop(timeout=REMOTE_TIMEOUT)
        if worker.running:
            self.result.hangs += 1
            self.anomaly(f"{origin}: its SyncWorker did not stop")

    def stop_workers(self) -> None:
        for origin in list(self.workers):
            self._stop_worker(origin, self.workers.pop(origin))

    def op_net(self) -> None:
        origin = self.rng.choice(list(DESKS))
        mode = self.rng.choices(("pass", "cut_after", "drop_replies", "refuse"), (4, 2, 2, 1))[0]
        n = 0
        if mode == "cut_after":  # bytes from the desk: the TLS handshake, a request, a batch's body
            n = self.rng.choice(
                (
                    self.rng.randint(0, 3_000),
                    self.rng.randint(3_000, 30_000),
                    self.rng.randint(30_000, 600_000),
                )
            )
        elif mode == "drop_replies":
            n = self.rng.choice((0, self.rng.randint(0, 5_000), self.rng.randint(5_000, 300_000)))
        self.proxies[origin].set(mode, n)
        self.log(f"{origin} proxy: {mode} {n}")

    def op_kill(self) -> None:
        """SIGKILL the hub; half the time while some desks are in the middle of a push."""
        threads = []
        if self.rng.random() < 0.5:
            for origin in self.rng.sample(list(DESKS), self.rng.randint(1, 3)):
                threads.append(self._round_thread(origin))
            for t in threads:
                t.start()
            time.sleep(self.rng.uniform(0.0, 0.08))
        self.site.kill_hub()
        self.hub_down = True
        self._join(threads, "kill")
        self.log(f"hub killed ({len(threads)} desks pushing); restarts after {self.down_for} more steps")

    def restart_hub(self) -> None:
        self.site.start_process()
        self._drain_hub_stderr()
        self.hub_down = False
        self.result.ops["hub_restarts"] += 1
        self.log("hub restarted")

    def op_replay(self) -> None:
        """A desk re-sends a slice of its own log (a batch replayed by a flaky link or a restored laptop)."""
        origin = self.rng.choice(list(DESKS))
        store = self.desks[origin]
        top = store.scalar("SELECT coalesce(max(seq), 0) FROM events WHERE origin = ?", [origin])
        if not top:
            return
        start = self.rng.randint(0, top - 1)
        events = engine.own_events_after(store, start, self.rng.randint(1, 80))
        batch = [protocol.encode_event(e) for e in events]
        try:
            with self.remote(store) as remote:
                answer = remote.push(batch)
        except SyncError as exc:
            self.result.ops["replay_failed"] += 1
            if exc.code not in EXPECTED_ERRORS:
                self.anomaly(f"{origin} replay: {exc.code}: {exc.reason}")
            return
        bad = [r for r in answer["rejected"] if r["error"] != "event_gap"]
        if bad:
            self.anomaly(f"{origin} replay of #{start + 1}..: {bad[:3]}")
        self.log(
            f"{origin} replay #{start + 1}..{start + len(batch)}: {answer['accepted']} new, "
            f"{answer['duplicates']} dup, {len(answer['rejected'])} rejected"
        )

    def op_burst(self) -> None:
        threads = [self._round_thread(origin) for origin in DESKS]
        for t in threads:
            t.start()
        self._join(threads, "burst")

    def _round_thread(self, origin: str) -> threading.Thread:
        """A push then pull on a connection of its own, in a thread (as the desk's SyncWorker does)."""
        path = self.desks[origin].path

        def round_() -> None:
            store = Store.open(path, create=False, now=self.clock)
            try:
                syncer = engine.Syncer(store, self.remote(store))
                try:
                    syncer.push()
                    syncer.pull()
                except SyncError as exc:
                    self.sync_error(f"{origin} round in a thread", exc, store)
                finally:
                    syncer.remote.close()
            except Exception as exc:  # noqa: BLE001 - anything else is worth seeing
                self.anomaly(f"{origin} round in a thread: {type(exc).__name__}: {exc}")
            finally:
                store.close()

        return threading.Thread(target=round_, name=f"soak-{origin}", daemon=True)

    def _join(self, threads: list[threading.Thread], what: str) -> None:
        for t in threads:
            t.join(REMOTE_TIMEOUT * 6)
            if t.is_alive():
                self.result.hangs += 1
                self.anomaly(f"{what}: thread {t.name} did not come back in {REMOTE_TIMEOUT * 6:.0f} s")

    # --- heal and count --------------------------------------------------------------------------------
    def heal(self, *, count: bool) -> None:
        """Every proxy passes, the hub runs; push/pull rounds until one round moves nothing."""
        for proxy in self.proxies.values():
            proxy.set("pass")
        if self.hub_down:
            self.restart_hub()
        started = time.perf_counter()
        rounds = 0
        while True:
            rounds += 1
            moved, failed = 0, []
            for origin, store in self.desks.items():
                syncer = engine.Syncer(store, self.remote(store))
                try:
                    moved += syncer.push()
                    moved += syncer.pull()
                except SyncError as exc:
                    failed.append(f"{origin}: {exc.code}: {exc.reason}")
                    if exc.code not in EXPECTED_ERRORS:
                        self.anomaly(f"heal {origin}: {exc.code}: {exc.reason}")
                finally:
                    syncer.remote.close()
            marks = self.site.hub_store.hwm(site=None)
            quiet = not moved and not failed and all(s.version_vector() == marks for s in self.desks.values())
            if quiet:
                break
            if time.perf_counter() - started > HEAL_SECONDS:
                self.result.hangs += 1
                self.anomaly(
                    f"heal did not reach quiet in {HEAL_SECONDS:.0f} s ({rounds} rounds): "
                    f"moved {moved}, failed {failed}, hub {marks}, "
                    f"desks {[s.version_vector() for s in self.desks.values()]}"
                )
                break
            if failed:
                time.sleep(min(2.0, 0.2 * rounds))
        for origin, store in self.desks.items():
            waiting = engine.status(store)["waiting"]
            if waiting:
                self.anomaly(f"{origin} still shows {waiting} events waiting after heal")
        if count:
            self.result.heal_rounds = rounds
            self.result.heal_seconds = time.perf_counter() - started

    def count(self) -> None:
        r = self.result
        nodes: dict[str, dict[tuple[str, int], tuple[str, str]]] = {}
        for origin, store in self.desks.items():
            rows = store.conn.execute(
                "SELECT id, origin, seq, hlc, type, visit_id, staff_id, payload, recorded_at FROM events"
            ).fetchall()
            events = [Event.from_row(tuple(row)) for row in rows]
            r.duplicated += self._twice(origin, events)
            nodes[origin] = {(e.origin, e.seq): (e.id, protocol.event_digest(e)) for e in events}
            r.per_desk[origin] = store.scalar("SELECT count(*) FROM events WHERE origin = ?", [origin])
        held = server_events(self.site.hub_store)
        r.duplicated += self._twice("hub", held)
        nodes["hub"] = {(e.origin, e.seq): (e.id, protocol.event_digest(e)) for e in held}
        keys = set().union(*nodes.values())
        r.events = len(keys)
        missing = {k for k in keys if any(k not in n for n in nodes.values())}
        r.lost = len(missing)
        for k in sorted(missing)[:10]:
            r.details.append(f"lost {k}: held by {[name for name, n in nodes.items() if k in n]}")
        for k in keys - missing:
            if len({n[k] for n in nodes.values()}) > 1:
                r.duplicated += 1
                r.details.append(f"{k} held with other content: {[n[k] for n in nodes.values()]}")
        # tables: the three desks, and a station built from the hub's log (another arrival order)
        view = materialize(self.site.hub_store, self.folder / "hub-view" / "station.sqlite3")
        try:
            digests = {o: digest(s) for o, s in self.desks.items()}
            digests["hub-view"] = digest(view)
        finally:
            view.close()
        differing = [t for t in PROJECTED_TABLES if len({d[t] for d in digests.values()}) > 1]
        r.differing = len(differing)
        if differing:
            r.details.append(f"tables differing: {differing}")
        for origin, store in self.desks.items():
            report = rebuild_check(store)
            if not report.ok:
                r.rebuild_failures += 1
                r.details.append(f"{origin} rebuild --check: {report.diffs}")
        r.ops["conflicts"] = self.desks["desk-a"].scalar("SELECT count(*) FROM conflicts")

    @staticmethod
    def _twice(name: str, events: list[Event]) -> int:
        keys = Counter((e.origin, e.seq) for e in events)
        ids = Counter(e.id for e in events)
        return sum(n - 1 for n in keys.values()) + sum(n - 1 for n in ids.values())


def soak_run(
    run: int, seed: int, backend: str, folder: Path, *, steps: int = 60, verbose: bool = False
) -> RunResult:
    """One run in ``folder`` (a fresh, empty directory)."""
    staffmod._SCRYPT = {"n": 2**4, "r": 8, "p": 1}  # cheap PIN hashes: the set-up's staff only
    result = RunResult(run, seed, backend)
    with hub_url(backend, folder) as url:
        Soak(folder, url, seed=seed, steps=steps, verbose=verbose).run(result)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--steps", type=int, default=60, help="random operations per run (default 60)")
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgres", "both"),
        default="sqlite",
        help="the hub's store; both: runs alternate",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print every operation")
    args = parser.parse_args()
    kinds = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    faulthandler.enable()
    totals = Counter()
    results: list[RunResult] = []
    started = time.perf_counter()
    print(
        f"fault soak: {args.runs} runs x {args.steps} steps, seed {args.seed}, hub {args.backend}", flush=True
    )
    for run in range(args.runs):
        seed = args.seed * 100_000 + run
        backend = kinds[run % len(kinds)]
        faulthandler.dump_traceback_later(600, exit=False)  # a run stuck for 10 min shows where
        with tempfile.TemporaryDirectory(prefix=f"soak-{run}-") as tmp:
            r = soak_run(run, seed, backend, Path(tmp), steps=args.steps, verbose=args.verbose)
        faulthandler.cancel_dump_traceback_later()
        results.append(r)
        print("  " + r.line(), flush=True)
        for d in r.details:
            print(f"      {d}")
        for k in ("events", "lost", "duplicated", "differing", "rebuild_failures", "hangs"):
            totals[k] += getattr(r, k)
        totals["anomalies"] += len(r.anomalies)
        totals.update({f"op {k}": v for k, v in r.ops.items()})
    print(
        f"TOTAL {len(results)} runs, {totals['events']} events, {time.perf_counter() - started:.0f} s: "
        f"lost {totals['lost']}, duplicated {totals['duplicated']}, tables differing {totals['differing']}, "
        f"rebuild --check failures {totals['rebuild_failures']}, hangs {totals['hangs']}, "
        f"anomalies {totals['anomalies']}"
    )
    print(
        "  operations: " + ", ".join(f"{k[3:]} {v}" for k, v in sorted(totals.items()) if k.startswith("op "))
    )
    bad = any(not r.clean for r in results)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
