"""The live page: what the street office and the district see of each site's day, read-only.

``GET /live`` is the login form, then the page (server-rendered, Jinja2); ``GET /live/data.json``
the same figures for the page's small script, which fetches them every few seconds. A viewer account
(``station-server viewer add``) of a site sees that site; a district viewer every site. Sessions are
an opaque random cookie (HttpOnly, SameSite=Strict, Secure over TLS), kept in memory: a restarted
server asks to log in again. The figures come from the site views (``sync/server/views.py``).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from station.messages import render
from sync.server import viewers
from sync.server.views import SiteViews, local_today

if TYPE_CHECKING:
    from sync.server.store import ServerStore

TEMPLATES = Path(__file__).resolve().parent / "templates"
COOKIE = "vaxlive"
SESSION_IDLE = 12 * 3600.0  # a session unused this long ends
REFRESH_SECONDS = 5
LOGIN_WINDOW = 300.0  # failed logins are counted over this many seconds
FAILURES_PER_NAME = 5
FAILURES_PER_ADDRESS = 20
MAX_CONFLICTS_SHOWN = 50  # per site, on the district's page

# The figures of a site, in the page's order: (key, where in day_status, message code).
FIGURES: list[tuple[str, tuple[str, ...], str]] = [
    ("injected", ("injected",), "live_vaccinated"),
    ("signed_in", ("signed_in",), "live_signed_in"),
    ("bookings", ("bookings",), "live_booked"),
    ("turned_away", ("turned_away",), "live_turned_away"),
    ("waiting_prescreen", ("waiting", "prescreen"), "live_waiting_prescreen"),
    ("waiting_inject", ("waiting", "inject"), "live_waiting_inject"),
    ("waiting_observe", ("waiting", "observe"), "live_waiting_observe"),
    ("observing", ("observing",), "live_observing"),
    ("doses_left", ("doses_left",), "live_doses_left"),
    ("bookings_left", ("bookings_left",), "live_bookings_left"),
]
# Strings the page's script needs (the rest is rendered on the server).
SCRIPT_TEXTS = ("live_minutes_ago", "live_just_now", "live_never", "live_updated", "live_offline")

SECURITY_HEADERS = {
    # the page's own script and style only: nothing inline runs, nothing loads from elsewhere
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass
class Session:
    name: str
    site: str | None
    seen: float


@dataclass
class LoginLimiter:
    """Failed logins per account name and per address over a window; past the limit, refused for a while."""

    failures: dict[str, deque[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self.failures.setdefault(key, deque())
        while q and q[0] <= now - LOGIN_WINDOW:
            q.popleft()
        return q

    def wait(self, name: str, address: str) -> float:
        """0 when a login may be tried; else the seconds until one may."""
        now = time.monotonic()
        with self.lock:
            waits = []
            for key, limit in ((f"n:{name}", FAILURES_PER_NAME), (f"a:{address}", FAILURES_PER_ADDRESS)):
                q = self._recent(key, now)
                if len(q) >= limit:
                    waits.append(q[0] + LOGIN_WINDOW - now)
            return max(waits, default=0.0)

    def failed(self, name: str, address: str) -> None:
        now = time.monotonic()
        with self.lock:
            for key in (f"n:{name}", f"a:{address}"):
                self._recent(key, now).append(now)


class Live:
    """The live page's state: the site views, the sessions, the login limiter."""

    def __init__(self, store: ServerStore, folder: str | Path | None = None) -> None:
        self.store = store
        self.folder = folder  # set before the first request (``serve --views``); None: the default
        self._views: SiteViews | None = None
        self._views_lock = threading.Lock()
        self.sessions: dict[str, Session] = {}
        self.sessions_lock = threading.Lock()
        self.limiter = LoginLimiter()
        self.background = False

    @property
    def views(self) -> SiteViews:
        with self._views_lock:
            if self._views is None:
                self._views = SiteViews(self.store, self.folder)
                if self.background:
                    self._views.start()
            return self._views

    def start_background(self) -> None:
        """Keep the views caught up in a thread, woken by every push (``serve`` does this)."""
        self.background = True
        self.views.start()

    def wake(self) -> None:
        if self._views is not None:
            self._views.wake()

    def close(self) -> None:
        with self._views_lock:
            if self._views is not None:
                self._views.close()
                self._views = None

    # --- sessions -----------------------------------------------------------------------------------
    def open_session(self, viewer: viewers.Viewer) -> str:
        token = secrets.token_urlsafe(32)
        with self.sessions_lock:
            now = time.monotonic()
            for key in [k for k, s in self.sessions.items() if now - s.seen > SESSION_IDLE]:
                del self.sessions[key]
            self.sessions[_key(token)] = Session(viewer.name, viewer.site, now)
        return token

    def session(self, request: Request) -> Session | None:
        """The caller's session, when its cookie is live and its account still enabled and unchanged."""
        token = request.cookies.get(COOKIE)
        if not token:
            return None
        with self.sessions_lock:
            s = self.sessions.get(_key(token))
            now = time.monotonic()
            if s is None or now - s.seen > SESSION_IDLE:
                return None
            s.seen = now
        v = viewers.get(self.store, s.name)
        if v is None or v.site != s.site:  # disabled (or made again for another site) since
            self.end_session(token)
            return None
        return s

    def end_session(self, token: str | None) -> None:
        if token:
            with self.sessions_lock:
                self.sessions.pop(_key(token), None)

    # --- the figures --------------------------------------------------------------------------------
    def data(self, session: Session, day: date, site: str | None) -> dict[str, Any]:
        """What a viewer may see of ``day``: its site, or every site (or ``site``) for the district."""
        district = session.site is None
        sites = [session.site] if not district else ([site] if site else None)
        out = self.views.summary(day, sites, with_conflicts=district)  # type: ignore[arg-type]
        for row in out["sites"]:
            row["figures"] = figures(row)
            if "conflicts" in row:  # the oldest first; the whole list is `station-server conflicts`
                row["conflicts"] = row["conflicts"][:MAX_CONFLICTS_SHOWN]
        total = None
        if district and site is None and len(out["sites"]) > 1:
            total = {key: sum(r["figures"][key] for r in out["sites"]) for key in out["sites"][0]["figures"]}
        out["total"] = total
        out["viewer"] = {"name": session.name, "site": session.site}
        out["server_time"] = datetime.now().astimezone().isoformat(timespec="seconds")
        return out


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def figures(row: dict[str, Any]) -> dict[str, int]:
    out = {}
    for key, path, _ in FIGURES:
        value: Any = row["status"]
        for part in path:
            value = value[part]
        out[key] = int(value or 0)
    out["open_conflicts"] = row["open_conflicts"]
    return out


@cache
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # site names, laptop names, people's names are user data
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _static(name: str) -> bytes:
    return (TEMPLATES / name).read_bytes()


def _lang(request: Request) -> str:
    return "en" if request.query_params.get("lang", "").lower().startswith("en") else "zh"


def _day(request: Request) -> date | None:
    text = request.query_params.get("day")
    if not text:
        return local_today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _error(status: int, code: str, reason: str) -> JSONResponse:
    return JSONResponse({"error": code, "reason": reason}, status, headers=SECURITY_HEADERS)


def _local_time(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%H:%M:%S")
    except ValueError:
        return iso


def _page(template: str, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
    def t(code: str, **facts: Any) -> str:
        return render(code, lang, **facts)

    html = _environment().get_template(template).render(lang=lang, t=t, **context)
    return HTMLResponse(html, status, headers=SECURITY_HEADERS)


def install(app: FastAPI, store: ServerStore) -> Live:
    """Add the live page's routes to the sync server's app."""
    live = Live(store)
    app.state.live = live
    app.state.notifier.listeners.append(live.wake)

    def login_form(lang: str, status: int = 200, error: str | None = None, name: str = "") -> HTMLResponse:
        return _page("live_login.html", lang, status, error=error, name=name)

    @app.get("/live", include_in_schema=False)
    async def page(request: Request) -> Response:
        lang = _lang(request)
        session = await run_in_threadpool(live.session, request)
        if session is None:
            return login_form(lang)
        day = _day(request)
        if day is None:
            return _error(400, "bad_request", "day: YYYY-MM-DD")
        site = request.query_params.get("site") or None
        if session.site is not None and site not in (None, session.site):
            return _page("live_forbidden.html", lang, 403)
        data = await run_in_threadpool(live.data, session, day, site)
        script = {
            "texts": {code: render(code, lang) for code in SCRIPT_TEXTS},
            "lang": lang,
            "refresh": REFRESH_SECONDS,
            "query": urlencode({"day": day.isoformat(), **({"site": site} if site else {})}),
        }
        return _page(
            "live.html",
            lang,
            data=data,
            day=day.isoformat(),
            site=site,
            figures=FIGURES,
            script=script,
            local_time=_local_time,
            lang_query=urlencode(
                {
                    "day": day.isoformat(),
                    "lang": "zh" if lang == "en" else "en",
                    **({"site": site} if site else {}),
                }
            ),
        )

    @app.post("/live/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
        lang = "en" if form.get("lang") == "en" else "zh"
        name, password = form.get("name", "").strip(), form.get("password", "")
        address = request.client.host if request.client else "?"
        wait = live.limiter.wait(name, address)
        if wait:
            minutes = max(1, round(wait / 60))
            response = login_form(lang, 429, render("live_rate_limited", lang, minutes=minutes), name)
            response.headers["Retry-After"] = str(max(1, round(wait)))
            return response
        viewer = await run_in_threadpool(viewers.check, store, name, password)
        if viewer is None:
            live.limiter.failed(name, address)
            return login_form(lang, 401, render("live_bad_login", lang), name)
        token = live.open_session(viewer)
        response = RedirectResponse(f"/live?lang={lang}", 303, headers=SECURITY_HEADERS)
        response.set_cookie(
            COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/live",
        )
        return response

    @app.post("/live/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        live.end_session(request.cookies.get(COOKIE))
        response = RedirectResponse(f"/live?lang={_lang(request)}", 303, headers=SECURITY_HEADERS)
        response.delete_cookie(COOKIE, path="/live", httponly=True, samesite="strict")
        return response

    @app.get("/live/data.json", include_in_schema=False)
    async def data(request: Request) -> Response:
        session = await run_in_threadpool(live.session, request)
        if session is None:
            return _error(401, "unauthorized", "log in first (/live)")
        day = _day(request)
        if day is None:
            return _error(400, "bad_request", "day: YYYY-MM-DD")
        site = request.query_params.get("site") or None
        if session.site is not None and site not in (None, session.site):
            return _error(403, "forbidden", "this account sees its own site only")
        out = await run_in_threadpool(live.data, session, day, site)
        return JSONResponse(out, headers=SECURITY_HEADERS)

    @app.get("/live/live.js", include_in_schema=False)
    async def script() -> Response:
        return Response(_static("live.js"), media_type="text/javascript", headers=SECURITY_HEADERS)

    @app.get("/live/live.css", include_in_schema=False)
    async def style() -> Response:
        return Response(_static("live.css"), media_type="text/css", headers=SECURITY_HEADERS)

    return live
