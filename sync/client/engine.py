"""A station's side of sync: joining, one push round, one pull round, and what the header shows.

The link to the hub (address, credential, pinned certificate, server id) and the sync state live in
the station's own database (table ``meta``, keys ``sync.*``): a station is its folder, and a copied
folder syncs as the same station. The pull cursor is written in the same transaction as the events
it brought, so a cut at any moment re-reads a range and never skips one.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from station import integrity, keys
from station.store import CLOCK_AHEAD_KEY, EVENT_COLUMNS, Event, Store
from sync import protocol, tls
from sync.client.remote import Remote, SyncError, normalize_url

LINK_KEYS = ("url", "token", "cert", "server_id", "site", "role", "token_id")


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --- the link ------------------------------------------------------------------------------------
def parse_code(text: str) -> dict[str, str]:
    """A typed code (ABCD-EFGH-JKLM) or the enrollment QR's text (vaxstation:join?code=..&fp=..&url=..)."""
    text = text.strip()
    if text.lower().startswith("vaxstation:join?"):
        query = {k: v[0] for k, v in parse_qs(urlsplit(text).query).items()}
        if not query.get("code"):
            raise SyncError("bad_code", "the scanned code holds no enrollment code")
        return query
    return {"code": text}


def redeem(
    url: str | None, code_text: str, station: str, *, timeout: float = 10.0, public_key: str | None = None
) -> dict[str, Any]:
    """Trade an enrollment code for a credential; pin the server's certificate (checked against the
    code's fingerprint when it carries one). Returns the link to keep. ``public_key``: the station's
    Ed25519 key (base64), registered by the server for its end-of-day files."""
    code = parse_code(code_text)
    url = normalize_url(url or code.get("url") or "")
    cert = None
    if url.startswith("https://"):
        try:
            cert = tls.fetch_certificate(url, timeout=timeout)
        except OSError as exc:
            raise SyncError("offline", f"{url}: {exc}") from None
        expected = code.get("fp", "").lower()
        if expected and tls.fingerprint(cert) != expected:
            raise SyncError("hub_changed", "the server's certificate is not the one in the enrollment code")
    with Remote(url, cert_pem=cert, timeout=timeout) as remote:
        if public_key:
            body = {"code": code["code"], "station": station, "public_key": public_key}
            answer = remote._call("POST", "/v1/join", json=body)  # Remote.join with the key
        else:
            answer = remote.join(code["code"], station)
    return {
        "url": url,
        "cert": cert,
        **{k: answer.get(k) for k in ("token", "server_id", "site", "role", "token_id")},
    }


def load_link(store: Store) -> dict[str, Any] | None:
    rows = dict(store.conn.execute("SELECT key, value FROM meta WHERE key LIKE 'sync.%'").fetchall())
    if not rows.get("sync.url") or not rows.get("sync.token"):
        return None
    return {k: rows.get(f"sync.{k}") for k in LINK_KEYS}


def set_meta(store: Store, items: dict[str, Any]) -> None:
    with store.transaction():
        for key, value in items.items():
            if value is None:
                store.conn.execute("DELETE FROM meta WHERE key = ?", [key])
            else:
                store.conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [key, str(value)],
                )


def meta(store: Store, key: str) -> str | None:
    row = store.conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def join(store: Store, url: str | None, code_text: str) -> dict[str, Any]:
    """Join this station to a hub (or a district server) and keep the link beside its records; the
    station's public key goes with the join (made now for a station from before keys)."""
    link = redeem(url, code_text, store.origin, public_key=station_public_key(store))
    keep_link(store, link)
    return link


def station_public_key(store: Store) -> str | None:
    """The public half of the station's signing key (its folder's ``station.key``, made when absent);
    None for a database with no folder (in memory)."""
    if store.path is None:
        return None
    return keys.public_b64(keys.station_key(store.path.parent))


def keep_link(store: Store, link: dict[str, Any]) -> None:
    """Keep a redeemed link (the window redeems off the UI thread, then keeps it on its own connection)."""
    items = {f"sync.{k}": link.get(k) for k in LINK_KEYS}
    fresh = {"sync.acked": None, "sync.last_error": None, "sync.offline_since": None, "sync.rejected": None}
    set_meta(store, {**items, **fresh})


def leave(store: Store) -> None:
    """Forget the link (the records and the log stay; nothing is deleted)."""
    set_meta(store, {f"sync.{k}": None for k in LINK_KEYS})


def remote_for(store: Store, *, timeout: float = 10.0) -> Remote:
    link = load_link(store)
    if link is None:
        raise SyncError("not_joined", "this station has not joined a hub (station sync join URL CODE)")
    return Remote(
        link["url"], token=link["token"], cert_pem=link["cert"], server_id=link["server_id"], timeout=timeout
    )


# --- rounds --------------------------------------------------------------------------------------
def error_message(exc: SyncError, lang: str, **facts: Any) -> str:
    """A sync failure in the reader's language (the server's own codes fall back to a generic line)."""
    from station.messages import catalogue, render

    code = f"sync_{exc.code}"
    if code in catalogue():
        return render(code, lang, reason=exc.reason, **facts)
    if exc.code in catalogue():  # event_mismatch, event_gap...
        return render(exc.code, lang, reason=exc.reason, **facts)
    return render("sync_error", lang, code=exc.code, reason=exc.reason)


def own_events_after(store: Store, seq: int, limit: int) -> list[Event]:
    rows = store.conn.execute(
        f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE origin = ? AND seq > ? ORDER BY seq LIMIT ?",
        [store.origin, seq, limit],
    ).fetchall()
    return [Event.from_row(r) for r in rows]


# An event's JSON text put together by SQLite from its row: the keys in the canonical order, text
# quoted by json_quote (null for NULL), the payload column as it is (the station keeps it as canonical
# JSON text, Event.values). Nothing is decoded and encoded again on the way out; the server checks and
# encodes what it receives as ever (tests/test_sync_wire.py: the text is the event's canonical form).
_WIRE_TEXT = " || ',' || ".join(
    f"'\"{f}\":' || " + (f if f in ("payload", "seq") else f"json_quote({f})") for f in sorted(EVENT_COLUMNS)
)
_OWN_WIRE_SQL = (
    f"SELECT seq, CAST('{{' || {_WIRE_TEXT} || '}}' AS BLOB) FROM events "
    "WHERE origin = ? AND seq > ? ORDER BY seq LIMIT ?"
)


def own_texts_after(store: Store, seq: int, limit: int) -> list[tuple[int, bytes]]:
    """This station's events after ``seq``: (seq, the event's JSON text) in seq order."""
    return store.conn.execute(_OWN_WIRE_SQL, [store.origin, seq, limit]).fetchall()


class Syncer:
    """Push and pull rounds for one station on its own connection (one Syncer per thread)."""

    def __init__(self, store: Store, remote: Remote | None = None) -> None:
        self.store = store
        self.remote = remote or remote_for(store)
        self.server_id = self.remote.server_id or ""
        self._acked: int | None = None  # the server's mark for this origin, asked at the first round

    @property
    def cursor_key(self) -> str:
        return f"sync.cursor.{self.server_id}"

    def push(self) -> int:
        """Send this station's events the server lacks; returns how many it acknowledged."""
        origin = self.store.origin
        if self._acked is None:
            self._acked = int(self.remote.hwm()["hwm"].get(origin, 0))
            self._note_clock()
            if integrity.hub_holds(self.store, self._acked):
                # the hub holds more of this station's events than its database does (lost with a
                # WAL and its mark, an older backup restored): appends wait for the pull to bring
                # them back (db_events_lost), nothing is pushed over them
                return 0
        sent = 0
        try:
            while True:
                rows = own_texts_after(self.store, self._acked, protocol.MAX_BATCH_EVENTS)
                if not rows:
                    break
                texts = [text for _, text in rows]
                for start, stop in protocol.batch_bounds([len(t) for t in texts]):
                    answer = self.remote.push_texts(texts[start:stop])
                    mark = int(answer["hwm"].get(origin, self._acked))
                    if answer["rejected"]:
                        self._note_rejected(answer["rejected"])
                    if mark <= self._acked:
                        first = (
                            answer["rejected"][0]
                            if answer["rejected"]
                            else {"error": "refused", "reason": "no progress"}
                        )
                        raise SyncError(
                            first["error"],
                            f"the server refuses {origin} #{self._acked + 1}: {first['reason']}",
                        )
                    sent += mark - self._acked
                    self._acked = mark
                    if mark < rows[stop - 1][0]:
                        break  # the server stopped short (a refusal): ask again from its mark
        except SyncError:
            if sent:
                set_meta(self.store, {"sync.acked": self._acked})
            self._acked = None  # after any failure, ask the server what it holds
            raise
        self._ok({"sync.acked": self._acked})
        return sent

    def pull(self, wait: float = 0) -> int:
        """Bring the site's events from the server; returns how many were new here."""
        cursor = int(meta(self.store, self.cursor_key) or 0)
        new = 0
        while True:
            page = self.remote.pull(cursor, wait=wait)
            wait = 0
            report = self.store.ingest_report(page.events, meta={self.cursor_key: str(page.next)})
            new += report.new
            if report.rejected:
                self._note_rejected(
                    [
                        {"origin": e.origin, "seq": e.seq, "error": code, "reason": "pulled"}
                        for e, code in report.rejected
                    ]
                )
                if any(code == "event_gap" for _, code in report.rejected):
                    # something before this page is missing here: read the server's log again from the start
                    set_meta(self.store, {self.cursor_key: 0})
                    raise SyncError(
                        "checksum", "a pulled page did not follow on; reading again from the start"
                    )
            cursor = page.next
            if not page.more:
                break
        self._note_clock()
        self._ok(quiet=not new)
        return new

    def _note_clock(self) -> None:
        """Keep how far this laptop's clock runs ahead of the hub's (its answers' Date header) when more
        than the station's margin: the header warns before records the hub would refuse pile up
        (``Store.clock_check``: ``clock_ahead_of_hub``). Cleared once the clocks agree again."""
        server = self.remote.server_date_ms
        if server is None:
            return
        ahead = self.store.clock.wall_ms() - server
        over = ahead > self.store.clock_margin_hours * 3_600_000
        held = meta(self.store, CLOCK_AHEAD_KEY)
        if over and (held is None or abs(int(held) - ahead) > 60_000):  # written again only as it moves
            set_meta(self.store, {CLOCK_AHEAD_KEY: str(ahead)})
        elif not over and held is not None:
            set_meta(self.store, {CLOCK_AHEAD_KEY: None})

    def _ok(self, extra: dict[str, Any] | None = None, quiet: bool = False) -> None:
        """Record a server acknowledgement. An empty pull (every long-poll that times out) writes
        nothing unless the station was offline: the header's clock moves with pushes and arrivals."""
        if quiet and meta(self.store, "sync.offline_since") is None:
            return
        set_meta(
            self.store,
            {"sync.last_ok": utcnow(), "sync.offline_since": None, "sync.last_error": None, **(extra or {})},
        )

    def _note_rejected(self, rejected: list[dict[str, Any]]) -> None:
        held = json.loads(meta(self.store, "sync.rejected") or "[]")
        held = (held + rejected)[-50:]
        set_meta(self.store, {"sync.rejected": json.dumps(held, ensure_ascii=False)})

    def failed(self, exc: SyncError) -> None:
        record_failure(self.store, exc)


def record_failure(store: Store, exc: SyncError) -> None:
    """Keep the failure for the header: the error, and since when this station is offline."""
    if load_link(store) is None:
        return
    items: dict[str, Any] = {"sync.last_error": f"{exc.code}: {exc.reason}"}
    if meta(store, "sync.offline_since") is None:
        items["sync.offline_since"] = utcnow()
    set_meta(store, items)


def status(store: Store) -> dict[str, Any]:
    """What the header and `station sync status` show; success only ever means a server's answer."""
    link = load_link(store)
    local = store.scalar("SELECT coalesce(max(seq), 0) FROM events WHERE origin = ?", [store.origin]) or 0
    acked = int(meta(store, "sync.acked") or 0)
    rejected = json.loads(meta(store, "sync.rejected") or "[]")
    return {
        "joined": link is not None,
        "url": link["url"] if link else None,
        "server_id": link["server_id"] if link else None,
        "site": link["site"] if link else None,
        "station": store.origin,
        "last_ok": meta(store, "sync.last_ok"),
        "offline_since": meta(store, "sync.offline_since"),
        "last_error": meta(store, "sync.last_error"),
        "local_seq": local,
        "acked": acked,
        "waiting": max(0, local - acked) if link else local,
        "rejected": rejected,
    }
