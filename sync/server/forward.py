"""A hub forwarding its site's events to the district whenever the internet is there.

Per origin, the district's high-water mark says what it holds; the hub sends what is above it, in
batches, and moves its marks only on the district's answer. A cut, a district restart or a lost
district file all end the same way: the marks are asked again and the missing range is re-sent.
"""

from __future__ import annotations

import json
import random
import threading
import time
from datetime import UTC, datetime
from typing import Any

from sync import protocol
from sync.client.remote import Remote, SyncError
from sync.server.store import ServerStore

UPSTREAM_KEYS = ("upstream.url", "upstream.token", "upstream.cert", "upstream.server_id")


def upstream_link(store: ServerStore) -> dict[str, str | None] | None:
    url = store.get_meta("upstream.url")
    if not url:
        return None
    return {k.split(".", 1)[1]: store.get_meta(k) for k in UPSTREAM_KEYS}


class Forwarder:
    """A background thread pushing this server's events upstream; never blocks the app."""

    def __init__(self, store: ServerStore, *, max_backoff: float = 60.0, idle_recheck: float = 60.0) -> None:
        link = upstream_link(store)
        if link is None:
            raise SyncError("not_joined", "this server has not joined an upstream server")
        self.store = store
        self.remote = Remote(
            link["url"] or "", token=link["token"], cert_pem=link["cert"], server_id=link["server_id"]
        )
        self.max_backoff = max_backoff
        self.idle_recheck = idle_recheck
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_ok: str | None = None
        self.offline_since: str | None = None
        self.last_error: str | None = None
        self.blocked: dict[str, str] = {}  # origin -> why the district refuses it (a person must look)
        self.sent = 0
        self._kept: dict[str, int] | None = None  # the marks last written to upstream.acked, and when
        self._kept_at = 0.0

    def status(self) -> dict[str, Any]:
        return {
            "url": self.remote.url,
            "last_ok": self.last_ok,
            "offline_since": self.offline_since,
            "last_error": self.last_error,
            "blocked": dict(self.blocked),
            "sent": self.sent,
        }

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="upstream-forwarder", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)
        self.remote.close()

    def round(self, marks: dict[str, int] | None = None) -> dict[str, int]:
        """Send everything above the district's marks; returns the marks after. Raises SyncError."""
        if marks is None:
            marks = dict(self.remote.hwm()["hwm"])
        while not self._stop.is_set():
            skip = {o: 2**62 for o in self.blocked}
            events = self.store.events_after({**marks, **skip}, protocol.MAX_BATCH_EVENTS)
            if not events:
                break
            for batch in protocol.batches(events):
                answer = self.remote.push(batch)
                marks.update({o: int(s) for o, s in answer["hwm"].items()})
                self.sent += len(batch) - len(answer["rejected"])
                for r in answer["rejected"]:
                    if r["error"] != "event_gap" and r.get("origin"):
                        self.blocked[r["origin"]] = f"{r['error']}: {r['reason']}"
        self.last_ok = datetime.now(UTC).isoformat(timespec="seconds")
        if marks != self._kept or time.monotonic() - self._kept_at > self.idle_recheck:
            # the district's word, kept for sync/server/reconcile.py to answer with while it is out of reach
            self.store.set_meta(
                "upstream.acked", json.dumps({"at": self.last_ok, "hwm": marks}, sort_keys=True)
            )
            self._kept, self._kept_at = dict(marks), time.monotonic()
        self.offline_since = None
        self.last_error = None
        return marks

    def _run(self) -> None:
        backoff = 1.0
        marks: dict[str, int] | None = None
        checked = 0.0
        while not self._stop.is_set():
            try:
                if time.monotonic() - checked > self.idle_recheck:
                    marks, checked = None, time.monotonic()  # ask the district again now and then
                marks = self.round(marks)
                backoff = 1.0
                self._wake.wait(self.idle_recheck)
                self._wake.clear()
            except SyncError as exc:
                marks = None
                self.last_error = f"{exc.code}: {exc.reason}"
                self.offline_since = self.offline_since or datetime.now(UTC).isoformat(timespec="seconds")
                self._wake.wait(backoff * (0.5 + random.random()))
                self._wake.clear()
                backoff = min(self.max_backoff, backoff * 2)
            except Exception as exc:  # a bug must not stop forwarding for the rest of the day
                marks = None
                self.last_error = f"internal: {type(exc).__name__}: {exc}"
                self._stop.wait(backoff)
                backoff = min(self.max_backoff, backoff * 2)
