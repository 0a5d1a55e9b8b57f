"""The HTTP side of the client: one call per protocol step, errors as SyncError with a stable code.

Used by the desks (``sync/client/engine.py``) and by a hub forwarding upstream. Success is only
ever an answer from the server: a timeout is an error, never a guess.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from station.store import Event
from sync import protocol, tls


class SyncError(Exception):
    """A round that did not complete. ``code``: offline, timeout, server_error, unauthorized, refused,
    hub_changed, bad_answer, checksum, or the server's own error code."""

    def __init__(self, code: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{code}: {reason}")
        self.code, self.reason, self.status = code, reason, status

    @property
    def retry(self) -> bool:
        """Worth trying again later by itself (network, server trouble), not needing a person."""
        return self.code in ("offline", "timeout", "server_error", "rate_limited", "checksum", "bad_answer")


@dataclass(frozen=True)
class PulledPage:
    events: list[Event]
    next: int
    head: int
    more: bool


def _date_ms(header: str | None) -> int | None:
    """An HTTP Date header (RFC 9110, whole seconds) in ms since the epoch; None when absent or malformed."""
    if not header:
        return None
    try:
        return int(parsedate_to_datetime(header).timestamp() * 1000)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def normalize_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SyncError("bad_url", f"not a server address: {url}")
    return url


class Remote:
    """One server, reached with a credential (once joined) and, over https, its pinned certificate."""

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        cert_pem: str | None = None,
        server_id: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.url = normalize_url(url)
        self.server_id = server_id
        verify: ssl.SSLContext | bool = True
        if self.url.startswith("https://") and cert_pem:
            verify = tls.pinned_context(cert_pem)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.timeout = timeout
        self.http = httpx.Client(base_url=self.url, verify=verify, headers=headers, timeout=timeout)
        self.server_date_ms: int | None = None  # the server's clock (its answers' Date header), last seen

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Remote:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the protocol steps ------------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        return self._call("GET", "/health")

    def join(self, code: str, station: str) -> dict[str, Any]:
        return self._call("POST", "/v1/join", json={"code": code, "station": station})

    def hello(self) -> dict[str, Any]:
        return self._checked(self._call("GET", "/v1/hello"))

    def hwm(self) -> dict[str, Any]:
        return self._checked(self._call("GET", "/v1/hwm"))

    def push(self, batch: list[dict[str, Any]]) -> dict[str, Any]:
        return self._pushed(self._call("POST", "/v1/events", json={"events": batch}))

    def push_texts(self, texts: list[bytes]) -> dict[str, Any]:
        """``push`` of events given as their JSON texts (``protocol.row_text``): sent as they are."""
        body = b'{"events":[' + b",".join(texts) + b"]}"
        return self._pushed(
            self._call("POST", "/v1/events", content=body, headers={"Content-Type": "application/json"})
        )

    def _pushed(self, answer: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(answer.get("hwm"), dict) or not isinstance(answer.get("rejected"), list):
            raise SyncError("bad_answer", "push answer without hwm")
        return answer

    def pull(self, after: int, *, limit: int = protocol.MAX_PAGE, wait: float = 0) -> PulledPage:
        timeout = self.timeout + wait
        answer = self._call(
            "GET", "/v1/events", params={"after": after, "limit": limit, "wait": wait}, timeout=timeout
        )
        try:
            # every check of decode_event, and each event's canonical form for the checksum
            wires = [protocol.decode_wire(e) for e in answer["events"]]
            events = [w.event for w in wires]
            page = PulledPage(events, int(answer["next"]), int(answer["head"]), bool(answer["more"]))
            checksum = answer["checksum"]
        except (KeyError, TypeError, ValueError, protocol.ProtocolError) as exc:
            raise SyncError("bad_answer", f"unreadable page: {exc}") from None
        if protocol.texts_checksum([w.text for w in wires]) != checksum:
            raise SyncError("checksum", f"page after {after} arrived damaged")
        return page

    # --- plumbing ------------------------------------------------------------------------------------
    def _checked(self, answer: dict[str, Any]) -> dict[str, Any]:
        if self.server_id and answer.get("server_id") != self.server_id:
            raise SyncError("hub_changed", f"this address now answers as server {answer.get('server_id')}")
        return answer

    def _call(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        try:
            response = self.http.request(method, path, **kw)
        except httpx.TimeoutException as exc:
            raise SyncError("timeout", f"{self.url}: no answer in time ({type(exc).__name__})") from None
        except httpx.ConnectError as exc:
            if "CERTIFICATE_VERIFY_FAILED" in str(exc) or isinstance(exc.__cause__, ssl.SSLError):
                raise SyncError(
                    "hub_changed", f"{self.url} presented another certificate than the one pinned"
                ) from None
            raise SyncError("offline", f"{self.url}: {exc}") from None
        except httpx.HTTPError as exc:
            raise SyncError("offline", f"{self.url}: {type(exc).__name__}: {exc}") from None
        self.server_date_ms = _date_ms(response.headers.get("date")) or self.server_date_ms
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 500:
            raise SyncError("server_error", f"HTTP {response.status_code}", response.status_code)
        if response.status_code >= 400:
            code = body.get("error") if isinstance(body, dict) else None
            reason = body.get("reason") if isinstance(body, dict) else response.text[:200]
            if response.status_code == 401:
                code = "unauthorized"
            raise SyncError(code or "refused", str(reason), response.status_code)
        if not isinstance(body, dict):
            raise SyncError("bad_answer", f"HTTP {response.status_code} without a JSON object")
        return body
