"""Site views: the station's own tables, projected on the server from its log, one database per site.

The server keeps events only. What a street office wants to see (booked, vaccinated, doses left...)
is a projection, and the station already has one: each site gets a station database of its own, fed
from the server's log by a cursor (the server's log position) through ``Store.ingest_report``, the
path a laptop's pull takes. ``station.status.day_status`` on a site view then gives exactly what
``station status --json`` gives on a laptop holding the same events.

The views are caches: they live in a folder of their own (``--views DIR``; beside a SQLite store's
file, or in the user cache folder for PostgreSQL), are rebuilt when missing, damaged, or made from
another server's log, and never write anything into the server's store.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # station.store is imported when a view is opened: `station-server --help` stays light
    from station.store import Store
    from sync.server.store import ServerStore

log = logging.getLogger("station.server")

PAGE = 1000
VIEW_ORIGIN = "server-view"  # the view never appends; its origin only names it
CURSOR_KEY = "view.cursor"
SERVER_KEY = "view.server_id"
SITE_KEY = "view.site"


def default_folder(store: ServerStore) -> Path:
    """Beside a SQLite store's file (``hub.sqlite3.views/``); else the user cache folder, per server id."""
    path = getattr(store, "path", None)
    if path and path != ":memory:":
        return Path(f"{path}.views")
    import platformdirs

    return (
        Path(platformdirs.user_cache_dir("VaccinationStation", appauthor=False)) / "views" / store.server_id
    )


def local_today() -> date:
    """Today in the server's local time (the default day of the live page and the summary)."""
    return datetime.now().astimezone().date()


class SiteView:
    """One site's station database, caught up from the server's log under its own lock."""

    def __init__(self, views: SiteViews, site: str) -> None:
        self.views = views
        self.site = site
        self.lock = threading.Lock()
        name = hashlib.sha256(site.encode()).hexdigest()[:16]  # site names are user data: not a file name
        self.path = views.folder / f"site-{name}.sqlite3"
        self.store: Store | None = None

    def _open(self) -> Store:
        """The view's database, made afresh when it is missing, damaged or another server's."""
        from station.store import Store

        try:
            store = Store.open(self.path, origin=VIEW_ORIGIN)
        except Exception as exc:  # not a station file, a damaged one: it is a cache, make it again
            log.warning("site view %s unusable (%s): rebuilding", self.path, exc)
            self._remove()
            store = Store.open(self.path, origin=VIEW_ORIGIN)
        meta = dict(store.conn.execute("SELECT key, value FROM meta WHERE key LIKE 'view.%'").fetchall())
        server_id = self.views.store.server_id
        if meta and (meta.get(SERVER_KEY) != server_id or meta.get(SITE_KEY) != self.site):
            # another server's log (a hub rebuilt, a file copied): its cursor means nothing here
            store.close()
            self._remove()
            store = Store.open(self.path, origin=VIEW_ORIGIN)
            meta = {}
        if not meta:
            with store.transaction():
                for key, value in ((SERVER_KEY, server_id), (SITE_KEY, self.site), (CURSOR_KEY, "0")):
                    store.conn.execute(
                        "INSERT INTO meta (key, value) VALUES (?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        [key, value],
                    )
        return store

    def _remove(self) -> None:
        if self.store is not None:
            with contextlib.suppress(Exception):
                self.store.close()
            self.store = None
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(f"{self.path}{suffix}")

    def cursor(self) -> int:
        assert self.store is not None
        row = self.store.conn.execute("SELECT value FROM meta WHERE key = ?", [CURSOR_KEY]).fetchone()
        return int(row[0]) if row else 0

    def catch_up(self) -> int:
        """Apply what the server's log holds for this site past the cursor; the number of new events.
        Call with ``lock`` held. A view that cannot take the log (damaged, or refusing an event) is
        made again from the start, once."""
        for attempt in (1, 2):
            try:
                if self.store is None:
                    self.store = self._open()
                return self._catch_up(self.store)
            except Exception as exc:
                if attempt == 2:
                    raise
                log.warning("site view %s failed (%s): rebuilding", self.path, exc)
                self._remove()
        raise AssertionError("unreachable")

    def _catch_up(self, store: Store) -> int:
        new = 0
        cursor = self.cursor()
        while True:
            page = self.views.store.read(cursor, PAGE, site=self.site)
            if not page.events:
                return new
            report = store.ingest_report([e for _, e in page.events], meta={CURSOR_KEY: str(page.next)})
            if report.rejected:
                # the server's log is gap-free per origin and never changes: this view is wrong
                raise ViewBroken(f"{len(report.rejected)} events refused, first {report.rejected[0][1]}")
            new += report.new
            cursor = page.next

    def close(self) -> None:
        with self.lock:
            if self.store is not None:
                self.store.close()
                self.store = None


class ViewBroken(Exception):
    """A site view that cannot follow the server's log: it is rebuilt."""


class SiteViews:
    """Every site's view of one server store. Safe to use from several threads."""

    def __init__(self, store: ServerStore, folder: str | os.PathLike[str] | None = None) -> None:
        self.store = store
        self.folder = Path(folder) if folder else default_folder(store)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._views: dict[str, SiteView] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def sites(self) -> list[str]:
        """The sites the server holds events of, by name."""
        rows = self.store.query("SELECT DISTINCT site FROM origins WHERE hwm > 0 ORDER BY site")
        return [r[0] for r in rows]

    def _view(self, site: str) -> SiteView:
        with self._lock:
            view = self._views.get(site)
            if view is None:
                view = self._views[site] = SiteView(self, site)
            return view

    @contextlib.contextmanager
    def site(self, site: str) -> Iterator[Store]:
        """The site's view, caught up with the server's log, held for reading (nothing else writes it
        meanwhile). Do not write into it."""
        view = self._view(site)
        with view.lock:
            view.catch_up()
            assert view.store is not None
            yield view.store

    def catch_up(self) -> int:
        """Bring every site's view up to the log; the number of new events."""
        new = 0
        for site in self.sites():
            view = self._view(site)
            with view.lock:
                new += view.catch_up()
        return new

    def laptops(self, site: str) -> list[dict[str, Any]]:
        """Each laptop of the site: the events held from it and when it last pushed here (UTC); a
        laptop that joined (a live credential) but never sent a record shows 0 and None."""
        rows = self.store.query(
            "SELECT origin, hwm, last_push_at FROM origins WHERE site = ? ORDER BY origin", [site]
        )
        out = {o: {"origin": o, "events": hwm, "last_push_at": at} for o, hwm, at in rows}
        for c in self.store.credentials():
            if c.role == "station" and c.site == site and c.revoked_at is None and c.station not in out:
                out[c.station] = {"origin": c.station, "events": 0, "last_push_at": None}
        return [out[o] for o in sorted(out)]

    def summary(
        self, day: date, sites: list[str] | None = None, *, with_conflicts: bool = False
    ) -> dict[str, Any]:
        """The figures of each site for ``day``: ``status`` (as ``station status --json``), the open
        conflicts (all days), each laptop's last sync; ``conflicts`` (the list) when asked."""
        from station.conflicts import open_conflicts
        from station.signin import add_queue_prefix
        from station.status import day_status

        out = []
        for site in self.sites() if sites is None else sites:
            with self.site(site) as view:
                status = day_status(view, day)
                conflicts = add_queue_prefix(view, open_conflicts(view))
            row: dict[str, Any] = {
                "site": site,
                "status": status,
                "open_conflicts": len(conflicts),
                "laptops": self.laptops(site),
            }
            if with_conflicts:
                row["conflicts"] = [conflict_row(c) for c in conflicts]
            out.append(row)
        return {"day": day.isoformat(), "server_id": self.store.server_id, "sites": out}

    def conflicts(self, sites: list[str] | None = None) -> dict[str, list[dict[str, Any]]]:
        """Every open conflict, per site."""
        from station.conflicts import open_conflicts
        from station.signin import add_queue_prefix

        out = {}
        for site in self.sites() if sites is None else sites:
            with self.site(site) as view:
                out[site] = [conflict_row(c) for c in add_queue_prefix(view, open_conflicts(view))]
        return out

    # --- kept warm in the background --------------------------------------------------------------
    def wake(self) -> None:
        """New events arrived (called on the server's event loop: only sets a flag)."""
        self._wake.set()

    def start(self, every: float = 30.0) -> None:
        """A daemon thread that catches every view up when woken (a push) and every ``every`` seconds,
        so that a page asks for little at a time even after a morning's backlog."""
        if self._thread is not None:
            return

        def run() -> None:
            while not self._stop.is_set():
                self._wake.wait(every)
                self._wake.clear()
                if self._stop.is_set():
                    return
                try:
                    self.catch_up()
                except Exception:
                    log.exception("site views: catching up failed")

        self._thread = threading.Thread(target=run, name="site-views", daemon=True)
        self._thread.start()
        self._wake.set()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        with self._lock:
            views = list(self._views.values())
        for view in views:
            view.close()


def conflict_row(c: dict[str, Any]) -> dict[str, Any]:
    """An open conflict as the server lists it: what, where and who; no resident ID number."""
    from station.hlc import Stamp
    from station.messages import render
    from station.signin import queue_label

    facts = {k: v for k, v in c["detail"].items() if k not in ("code", "lang")}
    at = datetime.fromtimestamp(Stamp.parse(c["hlc"]).wall_ms / 1000, UTC).isoformat(timespec="seconds")
    return {
        "event_id": c["event_id"],
        "code": c["code"],
        "type": c["type"],
        "visit_id": c["visit_id"],
        "day": c["day"],
        "queue_no": queue_label(c),
        "state": c["state"],
        "name": c["name"],
        "origin": c["origin"],
        "staff_id": c["by_staff"],
        "hlc": c["hlc"],
        "at": at,  # when it was recorded (the HLC's wall time, UTC)
        "detail": c["detail"],
        "message": {lang: render(c["code"], lang, **facts) for lang in ("zh", "en")},
    }


# --- station-server summary / conflicts ------------------------------------------------------------
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
DB_HELP = "数据库：文件路径（SQLite）或 postgresql://… / Database: a file (SQLite) or postgresql://..."
VIEWS_HELP = (
    "各接种点视图（缓存）所在文件夹（默认：SQLite 文件旁，PostgreSQL 用用户缓存文件夹） / "
    "Folder of the site views, a cache (default: beside a SQLite file; the user cache folder for PostgreSQL)"
)
SUMMARY_LINES = [
    ("live_booked", ("bookings",)),
    ("live_signed_in", ("signed_in",)),
    ("live_vaccinated", ("injected",)),
    ("live_turned_away", ("turned_away",)),
    ("live_waiting_prescreen", ("waiting", "prescreen")),
    ("live_waiting_inject", ("waiting", "inject")),
    ("live_waiting_observe", ("waiting", "observe")),
    ("live_observing", ("observing",)),
    ("live_doses_left", ("doses_left",)),
    ("live_bookings_left", ("bookings_left",)),
]


def _open_views(db: str, views: str | None) -> SiteViews:
    from sync.server.cli import _open

    return SiteViews(_open(db), views)


def _site_names(views: SiteViews, site: str | None) -> list[str]:
    names = views.sites()
    if site is None:
        return names
    if site not in names:
        raise click.ClickException(f"{site}: no events of this site here / 此服务器没有该接种点的记录")
    return [site]


@click.command("summary", context_settings=CONTEXT)
@click.option("--db", required=True, help=DB_HELP)
@click.option("--day", help="日期 YYYY-MM-DD（默认：今天） / The day (default: today, local time)")
@click.option("--site", help="只看此接种点 / This site only")
@click.option("--views", "views_dir", metavar="DIR", help=VIEWS_HELP)
@click.option(
    "--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="语言 / Language"
)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / Print JSON")
def summary_command(
    db: str, day: str | None, site: str | None, views_dir: str | None, lang: str, as_json: bool
) -> None:
    """各接种点当天的统计（与实时页面相同）。 / Each site's figures for a day, as the live page shows them."""
    import json

    from station.messages import render

    try:
        the_day = date.fromisoformat(day) if day else local_today()
    except ValueError:
        raise click.BadParameter("YYYY-MM-DD", param_hint="--day") from None
    views = _open_views(db, views_dir)
    try:
        out = views.summary(the_day, _site_names(views, site))
    finally:
        views.close()
        views.store.close()
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    click.echo(f"{out['day']}")
    for row in out["sites"]:
        click.echo(f"\n{row['site']}")
        for code, path in SUMMARY_LINES:
            value: Any = row["status"]
            for part in path:
                value = value[part]
            click.echo(f"  {render(code, lang)}\t{value}")
        click.echo(f"  {render('live_conflicts', lang)}\t{row['open_conflicts']}")
        for laptop in row["laptops"]:
            at = laptop["last_push_at"] or render("live_never", lang)
            click.echo(f"  {render('live_laptop', lang)} {laptop['origin']}\t{laptop['events']}\t{at}")


@click.command("conflicts", context_settings=CONTEXT)
@click.option("--db", required=True, help=DB_HELP)
@click.option("--site", help="只看此接种点 / This site only")
@click.option("--views", "views_dir", metavar="DIR", help=VIEWS_HELP)
@click.option(
    "--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="语言 / Language"
)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / Print JSON")
def conflicts_command(db: str, site: str | None, views_dir: str | None, lang: str, as_json: bool) -> None:
    """各接种点未处理的冲突。 / Every open conflict, per site."""
    import json

    views = _open_views(db, views_dir)
    try:
        out = views.conflicts(_site_names(views, site))
    finally:
        views.close()
        views.store.close()
    if as_json:
        click.echo(json.dumps({"sites": out}, ensure_ascii=False))
        return
    for name, rows in out.items():
        click.echo(f"{name}\t{len(rows)}")
        for c in rows:
            when = datetime.fromisoformat(c["at"]).astimezone().strftime("%Y-%m-%d %H:%M")
            click.echo(
                "  "
                + "\t".join(
                    [when, c["queue_no"] or "-", c["message"][lang], c["origin"], c["staff_id"] or "-"]
                )
            )
