"""The district summary and the district's list of conflicts, from the server's own site views.

Real hubs on loopback (SQLite and PostgreSQL stores), real laptops that sync to them, the real
`station-server` and `station` commands: the summary of each site is what `station status --json`
prints on each of its laptops.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from station import demo, signin
from station.cli import cli as station_cli
from station.status import day_status
from sync.client import engine
from sync.server import viewers
from sync.server.app import enroll
from sync.server.cli import main as server_cli
from sync.server.views import SiteViews
from tests.conftest import DAY
from tests.syncbed import Site, first_morning

pytestmark = pytest.mark.usefixtures("fast_pins")


@pytest.fixture
def site(tmp_path, clock, store_url):
    s = Site(tmp_path, clock, hub_db=store_url)
    yield s
    s.close()


def server(*args: str) -> str:
    result = CliRunner().invoke(server_cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def laptop_status(store) -> dict:
    """`station status --day DAY --json` on the laptop, through the real command."""
    folder = str(Path(store.path).parent)
    result = CliRunner().invoke(
        station_cli, ["--data", folder, "status", "--day", DAY.isoformat(), "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def join_other_site(site: Site, origin: str, other: str):
    """A laptop of another site, joined to the same server (a district holds many sites)."""
    store = site.station(origin, join=False)
    engine.join(store, site.url, enroll(site.hub_store, role="station", site=other)["code"])
    return store


def two_sites(site: Site, clock):
    """site1: a demo morning on one laptop, a second laptop that carries on; 街道二: a fresh site."""
    trainer = site.station("desk-trainer")
    demo.load(trainer, DAY, bookings_total=60, until=time(11, 0), seed=11)
    desk = site.station("desk-2")
    fresh = join_other_site(site, "jd2-admin", "街道二")
    visits = first_morning(fresh, bookings_count=4)
    site.sync()
    # the second laptop of site1 signs someone in after the sync; the fresh site walks one person in
    booked = desk.scalar(
        "SELECT visit_id FROM visits WHERE day = ? AND state = 'booked' LIMIT 1", [DAY.isoformat()]
    )
    if booked:
        signin.sign_in(desk, booked, staff_id="qd01", desk="S1")
    signin.sign_in(fresh, visits[0], staff_id="sign1", desk="S1")
    site.sync()
    return trainer, desk, fresh


def test_the_summary_of_each_site_is_each_laptops_status(site, clock, tmp_path):
    trainer, desk, fresh = two_sites(site, clock)
    events_before = site.hub_store.stats()["events"]
    head_before = site.hub_store.head()
    out = json.loads(
        server(
            "summary",
            "--db",
            site.hub_db,
            "--day",
            DAY.isoformat(),
            "--json",
            "--views",
            str(tmp_path / "views"),
        )
    )
    by_site = {row["site"]: row for row in out["sites"]}
    assert sorted(by_site) == ["site1", "街道二"]
    assert out["day"] == DAY.isoformat() and out["server_id"] == site.hub_store.server_id
    for laptop in (trainer, desk):
        assert by_site["site1"]["status"] == laptop_status(laptop)
    assert by_site["街道二"]["status"] == laptop_status(fresh)
    # a demo day has people everywhere: the comparison compares something
    s1 = by_site["site1"]["status"]
    assert s1["bookings"] == 60 and s1["injected"] > 0 and s1["signed_in"] > 0
    assert by_site["街道二"]["status"]["signed_in"] == 1 and by_site["街道二"]["status"]["bookings"] == 4
    # each laptop's last sync, as the server saw it
    laptops = {row["origin"]: row for row in by_site["site1"]["laptops"]}
    assert set(laptops) == {"desk-trainer", "desk-2"}
    assert laptops["desk-2"]["events"] == desk.scalar("SELECT max(seq) FROM events WHERE origin = 'desk-2'")
    assert all(row["last_push_at"] for row in laptops.values())
    assert by_site["site1"]["open_conflicts"] == 0
    # the summary wrote nothing into the server's log
    assert site.hub_store.stats()["events"] == events_before and site.hub_store.head() == head_before

    # the text form names each site and its figures
    text = server(
        "summary", "--db", site.hub_db, "--day", DAY.isoformat(), "--views", str(tmp_path / "views")
    )
    assert "街道二" in text and "已接种" in text and "desk-trainer" in text
    english = server(
        "summary",
        "--db",
        site.hub_db,
        "--day",
        DAY.isoformat(),
        "--lang",
        "en",
        "--site",
        "site1",
        "--views",
        str(tmp_path / "views"),
    )
    assert "Vaccinated" in english and "街道二" not in english


def test_the_views_follow_the_log_by_a_cursor_and_are_rebuilt_when_damaged(site, clock, tmp_path):
    admin = site.station("desk-admin")
    visits = first_morning(admin, bookings_count=3)
    site.sync()
    folder = tmp_path / "views"
    views = SiteViews(site.hub_store, folder)
    assert views.summary(DAY)["sites"][0]["status"] == day_status(admin, DAY)
    # more records: the view takes only what follows its cursor
    signin.sign_in(admin, visits[0], staff_id="sign1", desk="S1")
    site.sync()
    with views.site("site1") as view:
        assert view.scalar("SELECT value FROM meta WHERE key = 'view.cursor'") == str(site.hub_store.head())
        assert day_status(view, DAY) == day_status(admin, DAY)
        assert view.scalar("SELECT count(*) FROM events") == admin.scalar("SELECT count(*) FROM events")
    views.close()

    # a damaged file is a cache: made again from the log
    (path,) = folder.glob("site-*.sqlite3")
    for extra in folder.glob("site-*.sqlite3-*"):
        extra.unlink()
    path.write_bytes(b"this is not a database" * 100)
    views = SiteViews(site.hub_store, folder)
    assert views.summary(DAY)["sites"][0]["status"] == day_status(admin, DAY)
    views.close()

    # a view made from another server's log (a rebuilt hub, a copied folder) is not trusted
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = 'another-server' WHERE key = 'view.server_id'")
    conn.execute("DELETE FROM visits")  # what that other log held
    conn.commit()
    conn.close()
    views = SiteViews(site.hub_store, folder)
    assert views.summary(DAY)["sites"][0]["status"] == day_status(admin, DAY)
    views.close()


def test_conflicts_are_listed_after_two_laptops_cut_off_act_on_one_visit(site, clock, tmp_path):
    admin = site.station("desk-admin")
    visits = first_morning(admin, bookings_count=2)
    a, b = site.station("desk-qd1"), site.station("desk-qd2")
    site.sync()
    # the network is gone: both sign-in laptops sign the same person in
    signin.sign_in(a, visits[0], staff_id="sign1", desk="S1")
    clock.advance(minutes=1)
    signin.sign_in(b, visits[0], staff_id="sign1", desk="S2")
    site.sync()

    out = json.loads(server("conflicts", "--db", site.hub_db, "--json", "--views", str(tmp_path / "v")))
    (listed,) = out["sites"]["site1"]
    assert listed["visit_id"] == visits[0]
    assert listed["origin"] in ("desk-qd1", "desk-qd2") and listed["staff_id"] == "sign1"
    assert listed["type"] == "SignedIn" and listed["message"]["zh"] and listed["message"]["en"]
    assert "id_number" not in listed
    # the laptops see the same open conflict
    from station.conflicts import open_conflicts

    assert [c["event_id"] for c in open_conflicts(a)] == [listed["event_id"]]
    summary = json.loads(
        server(
            "summary", "--db", site.hub_db, "--day", DAY.isoformat(), "--json", "--views", str(tmp_path / "v")
        )
    )
    (row,) = summary["sites"]
    assert (
        row["open_conflicts"] == 1 and row["status"] == laptop_status(a) and row["status"]["conflicts"] == 1
    )
    text = server("conflicts", "--db", site.hub_db, "--site", "site1", "--views", str(tmp_path / "v"))
    assert "site1\t1" in text and listed["origin"] in text

    # resolved on the admin laptop, synced: the district's list is empty again
    from station.conflicts import resolve

    resolve(admin, listed["event_id"], staff_id="admin1", resolution="同一人，重复签到")
    site.sync()
    out = json.loads(server("conflicts", "--db", site.hub_db, "--json", "--views", str(tmp_path / "v")))
    assert out["sites"]["site1"] == []


def test_an_unknown_site_is_refused(site, tmp_path):
    admin = site.station("desk-admin")
    first_morning(admin, bookings_count=1)
    site.sync()
    result = CliRunner().invoke(
        server_cli, ["conflicts", "--db", site.hub_db, "--site", "nowhere", "--views", str(tmp_path / "v")]
    )
    assert result.exit_code != 0 and "nowhere" in result.output
    result = CliRunner().invoke(server_cli, ["summary", "--db", site.hub_db, "--day", "26/11/2026"])
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output


def test_viewer_accounts(server_store, store_url, tmp_path, monkeypatch):
    monkeypatch.setattr(viewers, "SCRYPT", {"n": 2**4, "r": 8, "p": 1})
    secret = tmp_path / "pw"
    secret.write_text("street-office-1\n", encoding="utf-8")
    server("viewer", "add", "jd1", "--db", store_url, "--site", "街道一", "--password-file", str(secret))
    server("viewer", "add", "qu", "--db", store_url, "--password-file", str(secret))
    rows = [json.loads(line) for line in server("viewer", "list", "--db", store_url, "--json").splitlines()]
    assert [(r["name"], r["site"], r["disabled_at"]) for r in rows] == [
        ("jd1", "街道一", None),
        ("qu", None, None),
    ]
    # the password is kept hashed (salted: the same password twice gives two hashes)
    hashes = [h for (h,) in server_store.query("SELECT password_hash FROM viewers")]
    assert len(set(hashes)) == 2 and all(
        h.startswith("scrypt$") and "street-office-1" not in h for h in hashes
    )
    assert viewers.check(server_store, "jd1", "street-office-1").site == "街道一"
    assert viewers.check(server_store, "jd1", "street-office-2") is None
    assert viewers.check(server_store, "nobody", "street-office-1") is None

    for args, reason in [
        (["jd1"], "viewer_exists"),
        (["bad name"], "bad_name"),
        (["x", "--site", "a/b"], "bad_site"),
    ]:
        result = CliRunner().invoke(
            server_cli, ["viewer", "add", *args, "--db", store_url, "--password-file", str(secret)]
        )
        assert result.exit_code != 0 and reason in result.output
    short = tmp_path / "short"
    short.write_text("1234567\n")
    result = CliRunner().invoke(
        server_cli, ["viewer", "add", "y", "--db", store_url, "--password-file", str(short)]
    )
    assert result.exit_code != 0 and "weak_password" in result.output
    # prompted twice when no file is given
    result = CliRunner().invoke(
        server_cli, ["viewer", "add", "z", "--db", store_url], input="long-enough\nlong-enough\n"
    )
    assert result.exit_code == 0, result.output
    assert viewers.check(server_store, "z", "long-enough") is not None

    server("viewer", "disable", "jd1", "--db", store_url)
    assert viewers.check(server_store, "jd1", "street-office-1") is None
    result = CliRunner().invoke(server_cli, ["viewer", "disable", "jd1", "--db", store_url])
    assert result.exit_code == 1
    (row,) = [
        json.loads(line)
        for line in server("viewer", "list", "--db", store_url, "--json").splitlines()
        if json.loads(line)["name"] == "jd1"
    ]
    assert row["disabled_at"]


def test_the_views_default_folder(server_store, store_url, tmp_path, monkeypatch):
    """Beside a SQLite store's file; for PostgreSQL, the user cache folder, one per server."""
    from sync.server.views import default_folder

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = default_folder(server_store)
    if store_url.startswith("postgresql"):
        assert folder == tmp_path / "cache" / "VaccinationStation" / "views" / server_store.server_id
    else:
        assert folder == Path(f"{store_url}.views")
