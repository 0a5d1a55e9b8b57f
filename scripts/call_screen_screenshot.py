"""Render the calling screen to docs/screenshots/call_screen_zh.png (1920x1080) and _1366 (1366x768).

    .venv/bin/python scripts/call_screen_screenshot.py [--lang zh|en]

A demo day stopped at 10:45; then the injection desks call the next screened people one after
another (desk 4 calls its person twice: a recall), the last call a moment ago, so it glows as it
does on the screen. No voice (STATION_VOICE=off).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import datetime, time, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["STATION_VOICE"] = "off"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from station import demo, inject, prescreen, signin  # noqa: E402
from station.errors import DomainError  # noqa: E402
from station.rules import load_rules  # noqa: E402
from station.settings import Settings  # noqa: E402
from station.store import Store  # noqa: E402

SIZES = {"": (1920, 1080), "_1366": (1366, 768)}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    args = parser.parse_args()

    from ui.app import make_app
    from ui.callscreen import CallScreen
    from ui.hub import StationHub

    app = make_app(args.lang)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "station.sqlite3", origin="demo-1")
        day = datetime.now().astimezone().date()
        tz = datetime.now().astimezone().tzinfo
        demo.load(store, day, until=time(10, 45))
        store.trusts_named_staff = True  # the screenshot plays the vaccinators, as the demo does
        clock = {"now": datetime.combine(day, time(10, 44), tz)}
        store.now = lambda: clock["now"]
        site = "朝阳区XX街道临时接种点" if args.lang == "zh" else "Street office vaccination point"
        hub = StationHub(store, Settings(site_name=site), lang=args.lang)
        screen = CallScreen(hub)
        screen.resize(*SIZES[""])
        screen.show()
        app.processEvents()
        # a busy moment: the next booked people arrive, most of them pass the pre-screen
        rules = load_rules()
        no = {q.id: False for q in rules.questions if q.kind == "yesno"}
        booked = store.all(
            "SELECT visit_id FROM visits WHERE day = ? AND state = 'booked' ORDER BY slot, booked_at LIMIT 16",
            [day.isoformat()],
        )
        for i, row in enumerate(booked):
            clock["now"] += timedelta(seconds=5)
            try:
                signin.sign_in(store, row["visit_id"], staff_id="qd01", desk="1")
                if i < 11:
                    prescreen.screen(store, row["visit_id"], staff_id="yj01", answers=no, temperature=36.5)
            except DomainError:
                continue  # (a booking the rules refuse today: not in the picture)
        for desk in ("2", "5", "4", "1", "6"):
            clock["now"] += timedelta(seconds=20)
            inject.call_next(store, staff_id=f"jz0{desk}", desk=desk)
        recalled = inject.called_at_desk(store, "4", day)
        if recalled:
            clock["now"] += timedelta(seconds=20)
            inject.recall(store, recalled["visit_id"], staff_id="jz04", desk="4")
        screen.refresh()
        screen.blinker.stop()
        screen._blink = True  # the glow's bright phase
        screen._fill()
        for suffix, size in SIZES.items():
            out = ROOT / "docs" / "screenshots" / f"call_screen_{args.lang}{suffix}.png"
            screen.resize(*size)
            app.processEvents()
            screen._fill()
            app.processEvents()
            out.parent.mkdir(parents=True, exist_ok=True)
            screen.grab().save(str(out))
            print(f"{out}: {screen.shown()}")
        hub.close()
        screen.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
