"""The sync server as an ASGI app: one program for the site hub, the district server and a forwarding hub.

Paths are versioned (``/v1/...``); every answer but ``/health`` needs a credential; errors are
``{"error": code, "reason": text}``. The store does the work (``sync/server/store.py``); this module
checks who may do what, limits sizes and rates, and wakes the pulls that are waiting.
"""

import asyncio
import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, SkipValidation
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from station import __version__
from sync import protocol
from sync.protocol import ProtocolError
from sync.server import dayimport, live, reconcile
from sync.server.sqlcommon import SqlStore, TextPage, prepared_from_wire
from sync.server.store import Credential, PushResult, ServerStore

log = logging.getLogger("station.server")

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
CODE_LENGTH = 12
CODE_HOURS = 24


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def hash_secret(secret: str) -> str:
    """Tokens and codes are random (60+ bits); a plain SHA-256 keeps a stolen server file useless."""
    return hashlib.sha256(secret.strip().upper().replace("-", "").encode()).hexdigest()


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def enroll(store: ServerStore, *, role: str, site: str | None, hours: int = CODE_HOURS) -> dict[str, Any]:
    """A one-time enrollment code (kept hashed), valid for ``hours``."""
    if role not in protocol.ROLES:
        raise ProtocolError("bad_role", f"role must be one of {', '.join(protocol.ROLES)}")
    if role != "district" and not (site and protocol.SITE_RE.fullmatch(site)):
        raise ProtocolError("bad_site", "a station or hub code needs a site name")
    code = new_code()
    expires = (datetime.now(UTC) + timedelta(hours=hours)).isoformat(timespec="seconds")
    store.add_code(
        hash_secret(code), role=role, site=site if role != "district" else None, expires_at=expires
    )
    return {"code": code, "role": role, "site": site, "expires_at": expires, "server_id": store.server_id}


class ApiError(Exception):
    def __init__(self, status: int, code: str, reason: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(reason)
        self.status, self.code, self.reason, self.headers = status, code, reason, headers


# --- request and answer shapes (they make the OpenAPI schema) -------------------------------------
class ErrorOut(BaseModel):
    error: str
    reason: str


class HealthOut(BaseModel):
    status: str
    server_id: str
    version: int
    program: str


class JoinIn(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    station: str = Field(pattern=f"^{protocol.ORIGIN_RE.pattern}$", min_length=1, max_length=32)
    # the station's Ed25519 key (base64 of 32 bytes), registered for its signed end-of-day files
    public_key: str | None = Field(default=None, pattern=r"^[A-Za-z0-9+/]{43}=$")


class JoinOut(BaseModel):
    token: str
    token_id: str
    role: str
    site: str | None
    station: str
    server_id: str


class HelloOut(BaseModel):
    server_id: str
    role: str
    site: str | None
    station: str | None
    time: str
    head: int
    upstream: dict[str, Any] | None = None


class PushIn(BaseModel):
    # each event is a JSON object (the schema says so); checked by the handler, which answers as
    # pydantic would, without copying every object of the batch (a tenth of a push's checks)
    events: list[SkipValidation[dict[str, Any]]] = Field(max_length=protocol.MAX_BATCH_EVENTS)


class RejectedOut(BaseModel):
    index: int
    origin: str | None
    seq: int | None
    error: str
    reason: str


class PushOut(BaseModel):
    accepted: int
    duplicates: int
    rejected: list[RejectedOut]
    hwm: dict[str, int]


class PageOut(BaseModel):
    events: list[dict[str, Any]]
    positions: list[int]
    next: int
    head: int
    more: bool
    checksum: str


class HwmOut(BaseModel):
    server_id: str
    head: int
    hwm: dict[str, int]


ERRORS = {code: {"model": ErrorOut} for code in (400, 401, 403, 413, 429)}


def server_error() -> JSONResponse:
    return JSONResponse({"error": "server_error", "reason": "an unexpected error; see the server log"}, 500)


# --- rate limits ----------------------------------------------------------------------------------
@dataclass
class Bucket:
    tokens: float
    at: float


@dataclass
class RateLimiter:
    """A token bucket per caller (credential, or address before it has one)."""

    rate: float = 50.0  # requests per second, sustained
    burst: float = 200.0
    buckets: dict[str, Bucket] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, key: str) -> float:
        """0 when allowed; else the seconds to wait."""
        now = time.monotonic()
        with self.lock:
            b = self.buckets.get(key) or Bucket(self.burst, now)
            b.tokens = min(self.burst, b.tokens + (now - b.at) * self.rate)
            b.at = now
            self.buckets[key] = b
            if b.tokens >= 1:
                b.tokens -= 1
                return 0.0
            return (1 - b.tokens) / self.rate


class Notifier:
    """Wakes the pulls waiting for new events (long-poll) and the upstream forwarder."""

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None
        self.listeners: list[Callable[[], None]] = []

    def current(self) -> asyncio.Event:
        if self._event is None:
            self._event = asyncio.Event()
        return self._event

    def notify(self) -> None:
        old, self._event = self._event, asyncio.Event()
        if old is not None:
            old.set()
        for listener in self.listeners:
            listener()


def create_app(
    store: ServerStore,
    *,
    rate: float = 50.0,
    burst: float = 200.0,
    join_rate: float = 0.5,
    upstream_status: Callable[[], dict[str, Any] | None] | None = None,
) -> FastAPI:
    app = FastAPI(
        title="Vaccination Station sync",
        version=f"{protocol.VERSION}.0 ({__version__})",
        description="Events, never table rows, are replicated. See docs/sync-protocol.md.",
        docs_url=None,  # no open pages beside /health and the schema (and they load scripts from a CDN)
        redoc_url=None,
    )
    app.state.store = store
    app.state.notifier = notifier = Notifier()
    limiter = RateLimiter(rate, burst)
    join_limiter = RateLimiter(join_rate, 10)
    bearer = HTTPBearer(auto_error=False)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"error": exc.code, "reason": exc.reason}, exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return JSONResponse(
            {"error": "bad_request", "reason": f"{where}: {first.get('msg', 'invalid')}"}, 400
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # every method of the path: Starlette names only those of the first route matching it
            allowed = {
                method
                for route in app.router.routes
                if route.matches(request.scope)[0] != Match.NONE
                for method in getattr(route, "methods", None) or ()
            }
            headers["Allow"] = ", ".join(sorted(allowed))
        return JSONResponse({"error": code, "reason": str(exc.detail)}, exc.status_code, headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # a last resort (the middleware below answers the rest and keeps the connection): the traceback
        # goes to the server's log, the caller gets the code only
        return server_error()

    @app.middleware("http")
    async def _limit_body(request: Request, call_next):
        length = request.headers.get("content-length")
        if length is not None:
            try:
                too_big = int(length) > protocol.MAX_BODY_BYTES
            except ValueError:
                return JSONResponse({"error": "bad_request", "reason": "bad Content-Length"}, 400)
            if too_big:
                return JSONResponse(
                    {"error": "too_large", "reason": f"request body over {protocol.MAX_BODY_BYTES} bytes"},
                    413,
                )
        elif request.method in ("POST", "PUT", "PATCH"):
            # chunked: read up to the limit ourselves
            body = bytearray()
            async for chunk in request.stream():
                body += chunk
                if len(body) > protocol.MAX_BODY_BYTES:
                    return JSONResponse({"error": "too_large", "reason": "request body too large"}, 413)
            request._body = bytes(body)
        try:
            return await call_next(request)
        except Exception:
            log.exception("unexpected error answering %s %s", request.method, request.url.path)
            return server_error()

    async def caller(
        request: Request, auth: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
    ) -> Credential:
        challenge = {"WWW-Authenticate": "Bearer"}
        if auth is None or auth.scheme.lower() != "bearer" or not auth.credentials:
            raise ApiError(
                401, "unauthorized", "a credential is needed (Authorization: Bearer ...)", challenge
            )
        cred = await run_in_threadpool(store.credential, hash_secret(auth.credentials))
        if cred is None:
            raise ApiError(401, "unauthorized", "unknown or revoked credential", challenge)
        wait = limiter.allow(cred.token_id)
        if wait:
            raise ApiError(
                429, "rate_limited", "too many requests", {"Retry-After": str(max(1, round(wait)))}
            )
        return cred

    @app.get("/health", response_model=HealthOut)
    async def health() -> dict[str, Any]:
        """Unauthenticated: is the server up, and which one is it."""
        return {
            "status": "ok",
            "server_id": store.server_id,
            "version": protocol.VERSION,
            "program": __version__,
        }

    @app.post("/v1/join", response_model=JoinOut, responses=ERRORS)
    async def join(body: JoinIn, request: Request) -> dict[str, Any]:
        """Trade a one-time enrollment code for a credential (shown once, kept hashed)."""
        client = request.client.host if request.client else "?"
        wait = join_limiter.allow(client)
        if wait:
            raise ApiError(
                429, "rate_limited", "too many join attempts", {"Retry-After": str(max(1, round(wait)))}
            )
        token = secrets.token_urlsafe(32)
        token_id = secrets.token_hex(4)

        def redeem() -> Credential | None:
            # a station id registered with another key is refused before the code is spent
            dayimport.check_join_key(store, body.station, body.public_key)
            cred = store.redeem(
                hash_secret(body.code),
                station=body.station,
                token_hash=hash_secret(token),
                token_id=token_id,
                now=utcnow(),
            )
            if cred is not None and body.public_key and cred.site:
                dayimport.register_key(store, body.station, cred.site, body.public_key, "join")
            return cred

        try:
            cred = await run_in_threadpool(redeem)
        except ProtocolError as exc:
            raise ApiError(403, exc.code, exc.reason) from None
        if cred is None:
            raise ApiError(403, "bad_code", "the enrollment code is unknown, used or expired")
        return {
            "token": token,
            "token_id": cred.token_id,
            "role": cred.role,
            "site": cred.site,
            "station": body.station,
            "server_id": store.server_id,
        }

    @app.get("/v1/hello", response_model=HelloOut, responses=ERRORS)
    async def hello(cred: Annotated[Credential, Depends(caller)]) -> dict[str, Any]:
        """Who the caller is to this server, the server's clock, and the upstream link's state."""
        head = await run_in_threadpool(store.head)
        return {
            "server_id": store.server_id,
            "role": cred.role,
            "site": cred.site,
            "station": cred.station,
            "time": utcnow(),
            "head": head,
            "upstream": upstream_status() if upstream_status else None,
        }

    @app.post("/v1/events", response_model=PushOut, responses=ERRORS)
    async def push(body: PushIn, cred: Annotated[Credential, Depends(caller)]) -> dict[str, Any]:
        """Store a batch; each event is checked on its own, the good ones are kept in one transaction."""
        for i, data in enumerate(body.events):
            if type(data) is not dict:
                raise ApiError(400, "bad_request", f"body.events.{i}: Input should be a valid dictionary")
        site, allowed = _push_scope(cred)
        # the checks, the digests and the store in the thread pool: the event loop stays free for the
        # other callers (a batch of 1,000 events is some 10 ms of checks)
        result, good, rejected = await run_in_threadpool(lambda: _push(store, body.events, site, allowed))
        # the store numbers its rejections within what it was given: back to the request's numbering
        for r in result.rejected:
            rejected.append(protocol.Rejected(good[r.index], r.origin, r.seq, r.error, r.reason))
        if result.accepted:
            notifier.notify()
        return {
            "accepted": result.accepted,
            "duplicates": result.duplicates,
            "rejected": [r.as_dict() for r in sorted(rejected, key=lambda r: r.index)],
            "hwm": _visible_marks(cred, result.hwm, rejected),
        }

    @app.get("/v1/events", response_model=PageOut, responses=ERRORS)
    async def pull(
        cred: Annotated[Credential, Depends(caller)],
        after: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=protocol.MAX_PAGE)] = protocol.MAX_PAGE,
        wait: Annotated[float, Query(ge=0, le=protocol.MAX_WAIT_SECONDS)] = 0,
    ) -> Response:
        """A page of events after a cursor; with ``wait``, hold the request until one arrives."""
        site = None if cred.role == "district" else cred.site
        deadline = time.monotonic() + wait
        while True:
            signal = notifier.current()
            # one event more than asked: whether there is more for this caller (not merely in the log)
            page = await run_in_threadpool(lambda: _read_texts(store, after, limit + 1, site))
            left = deadline - time.monotonic()
            if page.texts or left <= 0:
                break
            try:
                await asyncio.wait_for(signal.wait(), timeout=left)
            except TimeoutError:
                pass
        # the answer's JSON put together from the events' canonical forms, which the checksum covers
        # too: nothing is decoded or encoded again (PageOut is the answer's shape, for the schema)
        return Response(page_body(page, limit), media_type="application/json")

    @app.get("/v1/hwm", response_model=HwmOut, responses=ERRORS)
    async def hwm(cred: Annotated[Credential, Depends(caller)]) -> dict[str, Any]:
        """The highest seq held per origin (the caller's site; every site for a district)."""
        site = None if cred.role == "district" else cred.site
        marks, head = await run_in_threadpool(lambda: (store.hwm(site=site), store.head()))
        return {"server_id": store.server_id, "head": head, "hwm": marks}

    live.install(app, store)  # GET /live: the street office's read-only page (sync/server/live.py)
    reconcile.install(app, store, caller, upstream_status)  # GET /v1/reconcile, /v1/reconcile/blocks
    return app


def _push(
    store: ServerStore, batch: list[dict[str, Any]], site: str, allowed: set[str] | None
) -> tuple[PushResult, list[int], list[protocol.Rejected]]:
    """Check each event of a push on its own and store the good ones: (the store's result, the
    request's index of each event given to the store, the events refused by the checks)."""
    good: list[int] = []
    wires: list[protocol.Wire] = []
    rejected: list[protocol.Rejected] = []
    for i, data in enumerate(batch):
        try:
            wires.append(protocol.decode_wire(data))
        except ProtocolError as exc:
            origin = data.get("origin")
            origin = origin if isinstance(origin, str) and protocol.ORIGIN_RE.fullmatch(origin) else None
            seq = data.get("seq") if type(data.get("seq")) is int else None
            rejected.append(protocol.Rejected(i, origin, seq, exc.code, plain_text(exc.reason)))
        else:
            good.append(i)
    events = [w.event for w in wires]
    if isinstance(store, SqlStore):
        result = store.push(events, site=site, allowed_origins=allowed, prepared=prepared_from_wire(wires))
    else:
        result = store.push(events, site=site, allowed_origins=allowed)
    return result, good, rejected


def _read_texts(store: ServerStore, after: int, limit: int, site: str | None) -> TextPage:
    """A page of the log, each event as its canonical form (the SQL stores keep the payload's)."""
    if isinstance(store, SqlStore):
        return store.read_texts(after, limit, site=site)
    page = store.read(after, limit, site=site)
    return TextPage(
        [p for p, _ in page.events], [protocol.event_text(e) for _, e in page.events], page.next, page.head
    )


def page_body(page: TextPage, limit: int) -> bytes:
    """The pull answer (PageOut) for a page read with one event more than ``limit``."""
    texts, positions = page.texts[:limit], page.positions[:limit]
    return b"".join(
        (
            b'{"events":[',
            b",".join(texts),
            b'],"positions":[',
            ",".join(map(str, positions)).encode(),
            b'],"next":',
            str(positions[-1] if positions else page.next).encode(),
            b',"head":',
            str(page.head).encode(),
            b',"more":',
            b"true" if len(page.texts) > limit else b"false",
            b',"checksum":"',
            protocol.texts_checksum(texts).encode(),
            b'"}',
        )
    )


def plain_text(text: str) -> str:
    """Text safe to answer with: what a caller sent (a field's name in a reason) may not encode."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _visible_marks(cred: Credential, marks: dict[str, int], rejected: list) -> dict[str, int]:
    """The marks a caller may learn: not those of origins it was refused (another site's counts)."""
    hidden = {r.origin for r in rejected if r.error in ("origin_not_allowed", "origin_other_site")}
    if cred.role == "station":
        return {o: n for o, n in marks.items() if o == cred.station}
    return {o: n for o, n in marks.items() if o not in hidden}


def _push_scope(cred: Credential) -> tuple[str, set[str] | None]:
    """(site the events are bound to, origins the caller may push: None = any of that site)."""
    if cred.role == "station":
        return cred.site or "", {cred.station or ""}
    if cred.role == "hub":
        return cred.site or "", None
    return "", None  # a district forwards every site's events; origins keep the site they were bound to
