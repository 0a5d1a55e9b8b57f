"""Screenshots of the live page in a real browser (docs/screenshots/live_desktop.png, live_phone.png).

    .venv/bin/python scripts/live_screenshot.py

A real hub (uvicorn on a loopback port, TLS, self-signed) holding two sites: 街道一 with a demo day
stopped at 10:30 on its admin laptop and a sign-in desk that carries on (two desks signed one person
in while cut off: an open conflict), and 街道二 with a smaller demo morning. Debian's Chromium
(headless, driven by Selenium with explicit paths) logs in as the district (desktop, 1366 wide) and as
the street office of 街道一 (phone, 390 wide), and saves each whole page.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from station import demo, signin  # noqa: E402
from station.store import Store  # noqa: E402
from sync.client import engine  # noqa: E402
from sync.server import viewers  # noqa: E402
from sync.server.app import enroll  # noqa: E402
from sync.server.serve import Server  # noqa: E402
from sync.server.store import open_store  # noqa: E402
from sync.server.views import local_today  # noqa: E402

Store.trusts_named_staff = True  # this script plays its staff: their desk work without their PINs

OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PASSWORD = "street-office-1"


def chrome(width: int, mobile: bool):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--ignore-certificate-errors",
        "--hide-scrollbars",
        f"--window-size={width},900",
        "--lang=zh-CN",
    ):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": mobile},
    )
    return driver


def sync(*stores: Store) -> None:
    for _ in range(2):
        for s in stores:
            syncer = engine.Syncer(s)
            syncer.push()
            syncer.pull()
            syncer.remote.close()


def shoot(url: str, name: str, width: int, mobile: bool, out: Path) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    driver = chrome(width, mobile)
    try:
        driver.get(f"{url}/live")
        driver.find_element("id", "login-name").send_keys(name)
        driver.find_element("id", "login-password").send_keys(PASSWORD)
        driver.find_element("id", "login-submit").click()
        WebDriverWait(driver, 60).until(lambda d: d.find_elements("id", "viewer"))
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
        )
        driver.save_screenshot(str(out))
        print(out, width, height)
    finally:
        driver.quit()


def main() -> int:
    today = local_today()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        hub_store = open_store(str(folder / "hub.sqlite3"))
        server = Server(hub_store, graceful_seconds=0.1).start()

        def laptop(origin: str, site: str) -> Store:
            store = Store.open(folder / origin / "station.sqlite3", origin=origin)
            engine.join(store, server.url, enroll(hub_store, role="station", site=site)["code"])
            return store

        admin1 = laptop("jd1-admin", "街道一")
        demo.load(admin1, today, until=dtime(10, 30))
        qd1, qd2 = laptop("jd1-qd1", "街道一"), laptop("jd1-qd2", "街道一")
        admin2 = laptop("jd2-admin", "街道二")
        demo.load(admin2, today, bookings_total=420, until=dtime(9, 45), seed=7)
        sync(admin1, qd1, qd2, admin2)
        booked = qd1.all(
            "SELECT visit_id FROM visits WHERE day = ? AND state = 'booked' ORDER BY slot LIMIT 3",
            [today.isoformat()],
        )
        signin.sign_in(qd1, booked[0]["visit_id"], staff_id="qd01", desk="S1")
        signin.sign_in(qd1, booked[1]["visit_id"], staff_id="qd01", desk="S1")
        signin.sign_in(qd2, booked[0]["visit_id"], staff_id="qd01", desk="S2")  # cut off: the same person
        sync(qd1, qd2)
        viewers.add(hub_store, "quwjw", PASSWORD, site=None)
        viewers.add(hub_store, "jd1", PASSWORD, site="街道一")
        OUT.mkdir(parents=True, exist_ok=True)
        try:
            shoot(server.url, "quwjw", 1366, False, OUT / "live_desktop.png")
            shoot(server.url, "jd1", 390, True, OUT / "live_phone.png")
        finally:
            for s in (admin1, qd1, qd2, admin2):
                s.close()
            server.stop()
            hub_store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
