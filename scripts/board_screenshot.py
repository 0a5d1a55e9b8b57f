"""Render the waiting-area board at 1920x1080 to docs/screenshots/board_zh.png.

    .venv/bin/python scripts/board_screenshot.py [--lang zh|en] [--out FILE] [--qm FILE]

A demo day stopped at 10:45 with the clock at 10:45, so some people may leave and some are still
observing. The board first looks at 10:44, then at 10:45: the people whose time came up in that
minute glow as they do on the screen. ``--qm`` loads an extra translation file first (a draft).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import datetime, time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from station import demo  # noqa: E402
from station.settings import Settings  # noqa: E402
from station.store import Store  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--qm", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or ROOT / "docs" / "screenshots" / f"board_{args.lang}.png"

    from ui.app import make_app
    from ui.board import BoardWindow
    from ui.hub import StationHub
    from ui.qt import QTranslator

    app = make_app(args.lang)
    if args.qm:
        draft = QTranslator(app)
        if not draft.load(str(args.qm)):
            raise SystemExit(f"cannot load {args.qm}")
        app.installTranslator(draft)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "station.sqlite3", origin="demo-1")
        day = datetime.now().astimezone().date()
        tz = datetime.now().astimezone().tzinfo
        demo.load(store, day, until=time(10, 45))
        clock = {"now": datetime.combine(day, time(10, 44), tz)}
        store.now = lambda: clock["now"]
        site = "朝阳区XX街道临时接种点" if args.lang == "zh" else "Street office vaccination point"
        hub = StationHub(store, Settings(site_name=site), lang=args.lang)
        board = BoardWindow(hub)
        board.resize(1920, 1080)
        board.show()
        app.processEvents()
        clock["now"] = datetime.combine(day, time(10, 45), tz)
        board.refresh()
        board.blinker.stop()
        board._blink = True  # the glow's bright phase
        app.processEvents()
        board._fill()
        app.processEvents()
        out.parent.mkdir(parents=True, exist_ok=True)
        board.grab().save(str(out))
        print(
            f"{out}: {len(board.up())} may leave, {len(board.waiting())} observing, "
            f"{len(board.up_since)} just came up"
        )
        hub.close()
        board.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
