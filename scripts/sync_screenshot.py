"""Render the admin page's Sync tab and the header's sync state to PNG (docs/screenshots/), at 1366x768.

    .venv/bin/python scripts/sync_screenshot.py

A real hub (uvicorn on a loopback port, TLS) and a demo station stopped at 10:30 that joins it:
sync_zh.png shows it synced, sync_reconcile_zh.png the hub holding everything (Check now);
sync_offline_zh.png after the hub went away while records waited.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import datetime
from datetime import time as dtime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from station import demo  # noqa: E402
from station.settings import Settings  # noqa: E402
from station.store import Store  # noqa: E402
from sync.client import engine  # noqa: E402
from sync.server.app import enroll  # noqa: E402
from sync.server.serve import Server  # noqa: E402
from sync.server.store import open_store  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    from ui.app import make_app
    from ui.hub import StationHub
    from ui.mainwindow import MainWindow
    from ui.qt import QApplication

    app = make_app("zh")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        hub_store = open_store(str(folder / "hub.sqlite3"))
        server = Server(hub_store, graceful_seconds=0.1).start()
        store = Store.open(folder / "desk" / "station.sqlite3", origin="desk-admin")
        day = datetime.now().astimezone().date()
        demo.load(store, day, until=dtime(10, 30))
        engine.join(store, server.url, enroll(hub_store, role="station", site="街道一")["code"])
        settings = Settings(site_name="街道一临时接种点", station_id=store.origin, desk_roles=["admin"], desk="1")
        hub = StationHub(store, settings, lang="zh")
        hub.login("admin", demo.DEMO_PIN)
        window = MainWindow(hub, ask_login=False)
        window.resize(1366, 768)
        page = window.pages["admin"]
        page.tabs.setCurrentWidget(page.sync_panel)
        window.show()
        hub.start_sync()

        def settle(until, seconds: float = 20) -> None:
            deadline = time.monotonic() + seconds
            while not until() and time.monotonic() < deadline:
                QApplication.processEvents()
                time.sleep(0.05)
            window.header.refresh_sync()
            page.sync_panel.refresh()
            QApplication.processEvents()

        settle(lambda: hub.sync_status()["waiting"] == 0 and hub.sync_status()["last_ok"])
        OUT.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(OUT / "sync_zh.png"))
        print(OUT / "sync_zh.png")

        # does the hub hold everything? Check now, then the reconciliation box scrolled into view
        from ui.qt import QScrollArea

        panel = page.sync_panel
        panel.check_button.click()
        settle(lambda: panel.result is not None and not panel.checking)
        panel.findChild(QScrollArea).ensureWidgetVisible(panel.close_offline_button)
        QApplication.processEvents()
        window.grab().save(str(OUT / "sync_reconcile_zh.png"))
        print(OUT / "sync_reconcile_zh.png")

        server.stop()  # the hub goes away; the desk records on
        from station import staff as staffmod

        staffmod.add(store, "qd09", "新签到员", ["signin"], "2468", by=staffmod.login(store, "admin", demo.DEMO_PIN))
        hub.refresh()
        settle(lambda: hub.sync_status()["offline_since"])
        window.grab().save(str(OUT / "sync_offline_zh.png"))
        print(OUT / "sync_offline_zh.png")
        hub.close()
        window.close()
        store.close()
        hub_store.close()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
