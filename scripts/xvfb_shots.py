"""Screenshots of the real desk window under a window manager, one per page, at 1366x700.

    .venv/bin/python scripts/xvfb_shots.py            # docs/screenshots/window_<page>_1366x700.png

Starts Xvfb (a 1366x768 screen) and openbox with a 40-pixel bottom margin where a taskbar would be,
then runs the window (a demo day stopped at 10:30 in a temporary folder, logged in, all five
desks) on it through Qt's xcb platform, resized to 1366x700: what is left of a 1366x768 laptop
screen under a title bar and a taskbar. Each page is staged as at a busy desk (a person on screen,
long messages) and the whole screen is grabbed, title bar included. It also says, for each page,
whether every button is inside the window, and where the window's default size puts it.

Needs Xvfb and openbox (Debian: xvfb, openbox; scripts/setup.sh installs them for the tests when
run as root). Offscreen checks of the same: tests/test_ui_layout.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time as time_module
from datetime import datetime, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SCREEN = (1366, 768)
WINDOW = (1366, 700)
TASKBAR = 40  # pixels kept free at the bottom, as a taskbar would
OPENBOX_RC = """<?xml version="1.0" encoding="UTF-8"?>
<openbox_config xmlns="http://openbox.org/3.4/rc">
  <margins><top>0</top><bottom>{taskbar}</bottom><left>0</left><right>0</right></margins>
  <placement><policy>Smart</policy></placement>
</openbox_config>
"""


# --- the parent: an X server and a window manager ------------------------------------------------


def need(tool: str, package: str) -> str:
    found = shutil.which(tool)
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"xvfb_shots: apt-get install {package}", file=sys.stderr)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", package],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        found = shutil.which(tool)
    if not found:
        raise SystemExit(f"{tool} not found: install {package}")
    return found


def free_display() -> int:
    for n in range(90, 200):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    raise SystemExit("no free X display number")


def wait_for(path: Path, seconds: float = 10) -> None:
    deadline = time_module.monotonic() + seconds
    while not path.exists():
        if time_module.monotonic() > deadline:
            raise SystemExit(f"{path} did not appear")
        time_module.sleep(0.05)


def run_under_xvfb(args: argparse.Namespace) -> int:
    xvfb, openbox = need("Xvfb", "xvfb"), need("openbox", "openbox")
    display = free_display()
    procs: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            procs.append(
                subprocess.Popen(
                    [xvfb, f":{display}", "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            wait_for(Path(f"/tmp/.X11-unix/X{display}"))
            env = {**os.environ, "DISPLAY": f":{display}", "QT_QPA_PLATFORM": "xcb"}
            rc = Path(tmp) / "rc.xml"
            rc.write_text(OPENBOX_RC.format(taskbar=TASKBAR), encoding="utf-8")
            procs.append(
                subprocess.Popen(
                    [openbox, "--config-file", str(rc)],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            time_module.sleep(1.0)  # openbox takes the screen
            child = [sys.executable, __file__, "--child", "--out", str(args.out)]
            return subprocess.run(child, env=env).returncode
        finally:
            for p in reversed(procs):
                p.terminate()
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    p.kill()


# --- the child: the window on that screen ----------------------------------------------------------


def settle(app, seconds: float) -> None:
    deadline = time_module.monotonic() + seconds
    while time_module.monotonic() < deadline:
        app.processEvents()
        time_module.sleep(0.02)


def shoot(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(ROOT))
    from station import demo, signin
    from station.settings import DESK_ROLES, Settings
    from station.store import Store

    Store.trusts_named_staff = True  # the script plays its staff: their desk work without their PINs
    from tests.test_ui_layout import DESK_STAFF, outside, stage
    from ui.app import make_app
    from ui.hub import StationHub
    from ui.mainwindow import MainWindow

    app = make_app("zh")
    screen = app.primaryScreen()
    args.out.mkdir(parents=True, exist_ok=True)
    problems = 0
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "station.sqlite3", origin="demo-1")
        day = datetime.now().astimezone().date()
        demo.load(store, day, until=time(10, 30), bookings_total=300)
        mid_morning = datetime.combine(day, time(10, 30), datetime.now().astimezone().tzinfo)
        store.now = lambda: mid_morning
        for row in store.all(
            "SELECT visit_id FROM visits WHERE state = 'booked' AND day = ? ORDER BY slot LIMIT 2",
            [day.isoformat()],
        ):
            signin.sign_in(store, row["visit_id"], staff_id="qd01")
        print(f"screen {screen.geometry().getRect()}, work area {screen.availableGeometry().getRect()}")
        shots = [(role, role, None) for role in DESK_ROLES] + [("observe", "observe_camera", "demo")]
        for role, name, camera in shots:
            settings = Settings(
                site_name="朝阳区XX街道临时接种点",
                station_id="demo-1",
                desk_roles=list(DESK_ROLES),
                desk="2",
                seats=18,
            )
            hub = StationHub(store, settings, lang="zh")
            hub.login(DESK_STAFF[role], demo.DEMO_PIN)
            window = MainWindow(hub, ask_login=False, camera=camera)
            window.show_fitted()  # as `station` shows it
            settle(app, 0.5)
            if role == "signin" and camera is None:
                frame = window.frameGeometry()
                print(f"as started: window {window.size().toTuple()}, with its frame {frame.getRect()}")
                path = args.out / "window_started_1366x768.png"
                screen.grabWindow(0).save(str(path))
                inside = screen.availableGeometry().contains(frame)
                problems += not inside
                print(
                    f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
                    + ("ok" if inside else "the window runs off the work area")
                )
            window.showNormal()  # then the size the shots are taken at
            window.resize(*WINDOW)
            window.move(0, 0)
            page = window.pages[role]
            window.tabs.setCurrentWidget(page)
            settle(app, 0.3)
            stage(role, page)
            settle(app, 1.5 if camera else 0.5)
            window.resize(*WINDOW)
            settle(app, 0.3)
            bad = outside(window, page)
            size_ok = window.size().toTuple() == WINDOW
            path = args.out / f"window_{name}_{WINDOW[0]}x{WINDOW[1]}.png"
            screen.grabWindow(0).save(str(path))
            state = "ok" if (size_ok and not bad) else f"window {window.size().toTuple()}, outside: {bad}"
            problems += state != "ok"
            print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {state}")
            if window.pages.get("signin") is not None and window.pages["signin"].camera is not None:
                window.pages["signin"].camera.stop()
            if window.pages["observe"].camera is not None:
                window.pages["observe"].camera.stop()
            hub.close()
            window.close()
            settle(app, 0.2)
        store.close()
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    return shoot(args) if args.child else run_under_xvfb(args)


if __name__ == "__main__":
    sys.exit(main())
