"""The live page in a real browser: Debian's Chromium driven by Selenium, against a real hub on
loopback (TLS, self-signed), fed by real laptops that sync to it.

The page's numbers are read from elements with stable data- attributes (``section[data-site]``,
``[data-figure]``) and compared with `station status` of each laptop. The browser tests skip when
Chromium or its driver is absent, unless ``CI`` is set (then they fail).
"""

from __future__ import annotations

import json
import os
from datetime import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from station import demo, inject, prescreen, signin
from station.cli import cli as station_cli
from station.conflicts import open_conflicts
from station.status import day_status
from sync.client import engine
from sync.server import live as livemod
from sync.server import viewers
from sync.server.app import enroll
from tests.conftest import DAY
from tests.domainkit import answers
from tests.syncbed import Site, first_morning

pytestmark = pytest.mark.usefixtures("fast_pins")

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PASSWORD = "street-office-1"
WAIT = 60  # seconds the page may take to change by itself (it refreshes every 5 s)


def require_browser() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if missing:
        reason = f"no {', '.join(missing)} (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} -- CI is set, so the browser tests must run", pytrace=False)
        pytest.skip(reason)


def chrome(width: int = 1366, height: int = 900):
    """Headless Chromium with the paths given: Selenium Manager never looks for a driver online."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--ignore-certificate-errors",  # the hub's certificate is self-signed (the desks pin it)
        f"--window-size={width},{height}",
        "--lang=zh-CN",
    ):
        opts.add_argument(arg)
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)


@pytest.fixture
def browser():
    require_browser()
    driver = chrome()
    yield driver
    driver.quit()


@pytest.fixture
def fast_passwords(monkeypatch):
    monkeypatch.setattr(viewers, "SCRYPT", {"n": 2**4, "r": 8, "p": 1})


@pytest.fixture
def site(tmp_path, clock, fast_passwords):
    s = Site(tmp_path, clock)
    yield s
    s.close()


def join_other_site(site: Site, origin: str, other: str):
    store = site.station(origin, join=False)
    engine.join(store, site.url, enroll(site.hub_store, role="station", site=other)["code"])
    return store


def district_day(site: Site):
    """site1: a demo morning on one laptop and a second laptop; 街道二: a fresh site (staff, stock,
    bookings on its admin laptop, one person through sign-in, pre-screen and injection on its desk)."""
    trainer = site.station("desk-trainer")
    demo.load(trainer, DAY, bookings_total=60, until=time(11, 0), seed=11)
    desk = site.station("desk-2")
    admin2 = join_other_site(site, "jd2-admin", "街道二")
    visits = first_morning(admin2, bookings_count=4)
    desk2 = join_other_site(site, "jd2-desk", "街道二")
    site.sync()
    signin.sign_in(desk2, visits[0], staff_id="sign1", desk="S1")
    prescreen.screen(desk2, visits[0], staff_id="pre1", answers=answers(), temperature=36.5)
    inject.inject(desk2, visits[0], staff_id="vac1", lot_no="LOT-A", desk="3")
    site.sync()
    viewers.add(site.hub_store, "qu", PASSWORD, site=None)
    viewers.add(site.hub_store, "jd1", PASSWORD, site="site1")
    return {"site1": [trainer, desk], "街道二": [admin2, desk2]}


def laptop_status(store) -> dict:
    """`station status --day DAY --json` on the laptop, through the real command."""
    folder = str(Path(store.path).parent)
    result = CliRunner().invoke(
        station_cli, ["--data", folder, "status", "--day", DAY.isoformat(), "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def expected(store) -> dict[str, int]:
    """The page's figures for a laptop: its `station status --json` of the day and its open conflicts."""
    status = laptop_status(store)
    assert status == day_status(store, DAY)
    return livemod.figures({"status": status, "open_conflicts": len(open_conflicts(store))})


def page_figures(driver) -> dict[str, dict[str, int]]:
    out = {}
    for section in driver.find_elements("css selector", "section[data-site]"):
        out[section.get_attribute("data-site")] = {
            el.get_attribute("data-figure"): int(el.text)
            for el in section.find_elements("css selector", "[data-figure]")
        }
    return out


def log_in(driver, url: str, name: str, password: str) -> None:
    driver.get(f"{url}/live")
    driver.find_element("id", "login-name").send_keys(name)
    driver.find_element("id", "login-password").send_keys(password)
    driver.find_element("id", "login-submit").click()
    # the click does not wait for the answer: wait for the page it leads to (the live page, or the form again)
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, WAIT).until(
        lambda d: d.find_elements("id", "viewer") or d.find_elements("id", "login-error")
    )


def test_the_street_office_sees_each_sites_day_and_it_changes_by_itself(site, browser):
    laptops = district_day(site)
    log_in(browser, site.url, "qu", PASSWORD)
    browser.get(f"{site.url}/live?day={DAY.isoformat()}")
    assert browser.find_element("css selector", "body").get_attribute("data-live") == "ready"
    shown = page_figures(browser)
    assert sorted(shown) == ["site1", "街道二"]
    for name, stores in laptops.items():
        for store in stores:
            assert shown[name] == expected(store), name
    assert shown["site1"]["bookings"] == 60 and shown["site1"]["injected"] > 0
    assert shown["街道二"]["injected"] == 1 and shown["街道二"]["bookings"] == 4
    # the district sees the total of its sites too
    total = browser.find_element("css selector", "section[data-total]")
    assert int(total.find_element("css selector", "[data-figure='injected']").text) == sum(
        shown[s]["injected"] for s in shown
    )
    # each laptop's last sync
    rows = browser.find_elements("css selector", "section[data-site='site1'] tr[data-origin]")
    assert sorted(r.get_attribute("data-origin") for r in rows) == ["desk-2", "desk-trainer"]
    assert "已接种" in browser.page_source and "接种点实时情况" in browser.title

    # a desk signs someone in and syncs: the page follows without a reload
    browser.execute_script("window.__still_here = 1")
    trainer, desk = laptops["site1"]
    booked = desk.scalar(
        "SELECT visit_id FROM visits WHERE day = ? AND state = 'booked' LIMIT 1", [DAY.isoformat()]
    )
    before = shown["site1"]["signed_in"]
    signin.sign_in(desk, booked, staff_id="qd01", desk="S1")
    site.sync(desk, rounds=1)
    want = expected(desk)
    assert want["signed_in"] == before + 1

    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, WAIT).until(lambda d: page_figures(d)["site1"]["signed_in"] == want["signed_in"])
    assert browser.execute_script("return window.__still_here") == 1  # no reload: the script did it
    assert page_figures(browser)["site1"] == want
    assert page_figures(browser)["街道二"] == expected(laptops["街道二"][1])

    # in English on request
    browser.get(f"{site.url}/live?day={DAY.isoformat()}&lang=en")
    assert "Vaccinated" in browser.page_source and "已接种" not in browser.page_source
    assert page_figures(browser)["site1"] == want

    # the server goes away: the page says so and keeps the last figures
    site.server.stop()
    WebDriverWait(browser, WAIT).until(
        lambda d: "stale" in (d.find_element("id", "updated").get_attribute("class") or "")
    )
    assert browser.find_element("id", "updated").text.startswith("Connection lost")
    assert page_figures(browser)["site1"] == want


def test_a_site_viewer_sees_its_own_site_only_and_logs_out(site, browser):
    laptops = district_day(site)
    log_in(browser, site.url, "jd1", PASSWORD)
    browser.get(f"{site.url}/live?day={DAY.isoformat()}")
    shown = page_figures(browser)
    assert list(shown) == ["site1"]
    assert shown["site1"] == expected(laptops["site1"][0])
    assert "街道二" not in browser.page_source
    assert not browser.find_elements("css selector", "section[data-total]")
    # another site, asked for by name: refused, page and JSON
    browser.get(f"{site.url}/live?day={DAY.isoformat()}&site=街道二")
    assert browser.find_element("id", "forbidden").is_displayed()
    assert not browser.find_elements("css selector", "[data-figure]")
    browser.get(f"{site.url}/live/data.json?day={DAY.isoformat()}&site=街道二")
    assert '"forbidden"' in browser.find_element("css selector", "body").text
    browser.get(f"{site.url}/live/data.json?day={DAY.isoformat()}")
    assert "街道二" not in browser.find_element("css selector", "body").text
    # log out: the login form again, and no data
    browser.get(f"{site.url}/live?day={DAY.isoformat()}")
    browser.find_element("id", "logout").click()
    # the click does not wait for the answer (a busy CI machine showed it): wait for the form
    from selenium.webdriver.support.ui import WebDriverWait

    form = WebDriverWait(browser, WAIT).until(lambda d: d.find_elements("id", "login-form"))
    assert form[0].is_displayed()
    browser.get(f"{site.url}/live/data.json")
    assert '"unauthorized"' in browser.find_element("css selector", "body").text


def test_a_wrong_password_is_refused_and_shows_nothing(site, browser):
    district_day(site)
    log_in(browser, site.url, "qu", "not-the-password")
    assert browser.find_element("id", "login-error").text == "账号或密码错误"
    assert not browser.find_elements("css selector", "[data-figure]")
    assert browser.get_cookie(livemod.COOKIE) is None
    browser.get(f"{site.url}/live?day={DAY.isoformat()}")
    assert browser.find_element("id", "login-form").is_displayed()
    assert "site1" not in browser.page_source


# --- without a browser: the HTTP side of logging in -----------------------------------------------
def client(site: Site) -> httpx.Client:
    return httpx.Client(base_url=site.url, verify=False, follow_redirects=False, timeout=30)


def login(c: httpx.Client, name: str, password: str, lang: str = "zh") -> httpx.Response:
    return c.post(
        "/live/login",
        content=f"name={name}&password={password}&lang={lang}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )


def test_no_page_or_json_without_a_live_session(site):
    admin = site.station("desk-admin")
    first_morning(admin, bookings_count=2)
    site.sync()
    viewers.add(site.hub_store, "jd1", PASSWORD, site="site1")
    with client(site) as c:
        r = c.get("/live")
        assert r.status_code == 200 and 'id="login-form"' in r.text and "data-figure" not in r.text
        assert "default-src 'none'" in r.headers["content-security-policy"]
        assert c.get("/live/data.json").status_code == 401
        # a made-up cookie is nobody
        c.cookies.set(livemod.COOKIE, "made-up", domain="127.0.0.1", path="/live")
        assert c.get("/live/data.json").status_code == 401
        c.cookies.clear()
        # a station's sync credential is not a viewer's session
        r = c.get("/live/data.json", headers={"Authorization": "Bearer " + "x" * 43})
        assert r.status_code == 401

        r = login(c, "jd1", PASSWORD)
        assert r.status_code == 303 and r.headers["location"].startswith("/live")
        cookie = r.headers["set-cookie"]
        assert (
            "HttpOnly" in cookie
            and "SameSite=strict" in cookie
            and "Secure" in cookie
            and "Path=/live" in cookie
        )
        data = c.get(f"/live/data.json?day={DAY.isoformat()}").json()
        assert [s["site"] for s in data["sites"]] == ["site1"]
        assert data["sites"][0]["status"] == day_status(admin, DAY)
        assert c.get("/live/data.json?day=yesterday").status_code == 400

        # disabled: the session ends at its next request
        viewers.disable(site.hub_store, "jd1")
        assert c.get("/live/data.json").status_code == 401
        assert 'id="login-form"' in c.get("/live").text
        assert login(c, "jd1", PASSWORD).status_code == 401


def test_login_attempts_are_limited(site):
    viewers.add(site.hub_store, "jd1", PASSWORD, site="site1")
    with client(site) as c:
        for _ in range(livemod.FAILURES_PER_NAME):
            r = login(c, "jd1", "guess-guess")
            assert r.status_code == 401 and "账号或密码错误" in r.text
        # past the limit even the right password waits
        r = login(c, "jd1", PASSWORD)
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0 and "分钟后再试" in r.text
        r = login(c, "jd1", PASSWORD, lang="en")
        assert "try again" in r.text
    # another account from the same address is still let in (until the address's own limit)
    viewers.add(site.hub_store, "jd9", PASSWORD, site="site1")
    with client(site) as c:
        assert login(c, "jd9", PASSWORD).status_code == 303


def test_names_from_the_records_are_escaped(site, browser):
    """Site names are user data: whatever reached the server's log is shown as text, never as HTML."""
    laptop = site.station("odd-laptop", join=False)
    first_morning(laptop, bookings_count=2)
    odd = '<i id="injected">街道</i>"&<script>window.__owned=1</script>'
    result = site.hub_store.push(laptop.events(), site=odd, allowed_origins=None)  # as a file import might
    assert result.accepted > 0
    viewers.add(site.hub_store, "qu", PASSWORD, site=None)
    log_in(browser, site.url, "qu", PASSWORD)
    browser.get(f"{site.url}/live?day={DAY.isoformat()}")
    (section,) = browser.find_elements("css selector", "section[data-site]")
    assert section.get_attribute("data-site") == odd
    assert section.find_element("css selector", "h2").text == odd
    assert (
        not browser.find_elements("id", "injected")
        and browser.execute_script("return window.__owned") is None
    )
    assert page_figures(browser)[odd] == expected(laptop)
    # the script's refresh finds the section by its name and keeps it text
    browser.execute_script("window.__still_here = 1")
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, WAIT).until(lambda d: d.find_element("id", "updated").text != "")
    signin.sign_in(laptop, laptop.scalar("SELECT visit_id FROM visits LIMIT 1"), staff_id="sign1", desk="S1")
    site.hub_store.push(laptop.events(), site=odd, allowed_origins=None)
    WebDriverWait(browser, WAIT).until(lambda d: page_figures(d)[odd]["signed_in"] == 1)
    assert browser.execute_script("return window.__still_here") == 1
    assert (
        not browser.find_elements("id", "injected")
        and browser.execute_script("return window.__owned") is None
    )


def test_serve_keeps_the_views_beside_a_sqlite_store(tmp_path, clock, fast_passwords):
    """`station-server serve` (a real process): the views go beside the store's file by default."""
    s = Site(tmp_path, clock, subprocess_hub=True)
    try:
        admin = s.station("desk-admin")
        first_morning(admin, bookings_count=3)
        s.sync()
        viewers.add(s.hub_store, "jd1", PASSWORD, site="site1")
        with client(s) as c:
            assert login(c, "jd1", PASSWORD).status_code == 303
            data = c.get(f"/live/data.json?day={DAY.isoformat()}").json()
        assert data["sites"][0]["status"] == day_status(admin, DAY)
        assert list(Path(f"{s.hub_db}.views").glob("site-*.sqlite3"))
    finally:
        s.close()
