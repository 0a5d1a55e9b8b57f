"""Sync in the background: a pusher woken by every local write and by its own retry timer, and a
puller holding a long-poll open so that a desk sees the others' records as soon as the hub has them.

Each thread has its own connection to the station's file. Nothing here touches Qt: the window
wakes the pusher after each write and re-reads ``engine.status`` to draw its header.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from pathlib import Path

from station.store import Store
from sync.client.engine import Syncer, load_link, utcnow
from sync.client.remote import SyncError

log = logging.getLogger("station.sync")


class SyncWorker:
    def __init__(
        self,
        db_path: Path,
        *,
        live_wait: float = 20.0,
        retry_every: float = 30.0,
        max_backoff: float = 60.0,
        timeout: float = 10.0,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.db_path = Path(db_path)
        self.live_wait = live_wait
        self.retry_every = retry_every  # a quiet station still pushes now and then (a missed wake)
        self.max_backoff = max_backoff
        self.timeout = timeout
        self.on_change = on_change or (lambda: None)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.rounds = {"push": 0, "pull": 0}
        # the last server answer of either loop, kept in memory: a quiet long-poll that ends with
        # nothing new is a success too, but is not worth a write to the database every 20 s
        self.last_ok: str | None = None

    def start(self) -> SyncWorker:
        for name, loop in (("push", self._push_loop), ("pull", self._pull_loop)):
            t = threading.Thread(target=self._guard, args=(name, loop), name=f"sync-{name}", daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def wake(self) -> None:
        """A local write happened: push now (called from any thread)."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        for t in self._threads:
            t.join(timeout=timeout + self.live_wait)
        self._threads = []

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    # --- loops -------------------------------------------------------------------------------------
    def _guard(self, name: str, loop: Callable[[Store], None]) -> None:
        store = Store.open(self.db_path, create=False)
        try:
            loop(store)
        finally:
            store.close()

    def _syncer(self, store: Store) -> Syncer | None:
        if load_link(store) is None:
            return None
        from sync.client.engine import remote_for

        return Syncer(store, remote_for(store, timeout=self.timeout))

    def _push_loop(self, store: Store) -> None:
        backoff = 1.0
        syncer: Syncer | None = None
        while not self._stop.is_set():
            wait = self.retry_every
            try:
                syncer = syncer or self._syncer(store)
                if syncer is not None:
                    if syncer.push():
                        self.on_change()
                    self.last_ok = utcnow()
                    backoff = 1.0
            except SyncError as exc:
                wait = self._failed(syncer, exc, backoff)
                backoff = min(self.max_backoff, backoff * 2)
                if exc.code in ("hub_changed", "not_joined", "unauthorized"):
                    syncer = None  # re-read the link: it may have been changed or renewed
            except Exception:  # never let a bug end sync for the day; it is logged and retried
                log.exception("sync push round failed")
                wait = backoff
                backoff = min(self.max_backoff, backoff * 2)
            self.rounds["push"] += 1
            self._wake.wait(wait)
            self._wake.clear()

    def _pull_loop(self, store: Store) -> None:
        backoff = 1.0
        syncer: Syncer | None = None
        while not self._stop.is_set():
            try:
                syncer = syncer or self._syncer(store)
                if syncer is None:
                    self._stop.wait(2.0)
                    continue
                if syncer.pull(wait=self.live_wait):
                    self.on_change()
                self.last_ok = utcnow()
                backoff = 1.0
            except SyncError as exc:
                self._stop.wait(self._failed(syncer, exc, backoff))
                backoff = min(self.max_backoff, backoff * 2)
                if exc.code in ("hub_changed", "not_joined", "unauthorized"):
                    syncer = None
            except Exception:
                log.exception("sync pull round failed")
                self._stop.wait(backoff)
                backoff = min(self.max_backoff, backoff * 2)
            self.rounds["pull"] += 1

    def _failed(self, syncer: Syncer | None, exc: SyncError, backoff: float) -> float:
        """Record the failure for the header; the next try comes after a jittered backoff."""
        if syncer is not None:
            try:
                syncer.failed(exc)
                self.on_change()
            except Exception:  # the database is busy or full: the header will say so next time
                log.exception("could not record the sync failure")
        log.info("sync: %s: %s", exc.code, exc.reason)
        return backoff * (0.5 + random.random())
