"""Desk window benchmarks: time to open with a demo day loaded, and each recorded action, click to
screen updated. Prints figures; asserts nothing.

    .venv/bin/python bench/bench_ui.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from datetime import time as clock_time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OPEN_WINDOW = """
import time, sys
t0 = time.perf_counter()
from pathlib import Path
from ui.app import make_app
from station.settings import Settings, DESK_ROLES
from station.store import Store
from ui.hub import StationHub
from ui.mainwindow import MainWindow
app = make_app("zh")
store = Store.open(Path(sys.argv[1]))
hub = StationHub(store, Settings(site_name="基准", station_id="bench", desk_roles=list(DESK_ROLES)), lang="zh")
hub.login("admin", "1234")
window = MainWindow(hub, ask_login=False)
window.resize(1366, 768)
window.show()
app.processEvents()
print("shown", time.perf_counter() - t0, flush=True)
"""


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def bench_open(db: Path, runs: int = 5) -> None:
    walls, inner = [], []
    for _ in range(runs):
        t = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", OPEN_WINDOW, str(db)], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        walls.append(time.perf_counter() - t)
        inner.append(float(out.split()[-1]))
    print(
        f"  open the window (whole process, demo day of 1,005 loaded, all five desks), n={runs}: "
        f"median {statistics.median(walls):.2f} s (imports to first paint {statistics.median(inner):.2f} s)"
    )


def bench_actions(db: Path, n: int = 30) -> None:
    from station.settings import Settings
    from station.store import Store
    from ui.app import make_app
    from ui.hub import StationHub
    from ui.pages.inject import InjectPage
    from ui.pages.observe import ObservePage
    from ui.pages.prescreen import PreScreenPage
    from ui.pages.signin import SignInPage

    app = make_app("zh")
    store = Store.open(db)
    day = store.scalar("SELECT max(day) FROM visits")
    now = {"t": datetime.combine(datetime.fromisoformat(day).date(), clock_time(10, 30)).astimezone()}
    store.now = lambda: now["t"]

    def page(cls, staff, role):
        hub = StationHub(
            store, Settings(site_name="基准", station_id="bench", desk_roles=[role], desk="1"), lang="zh"
        )
        hub.login(staff, "1234")
        p = cls(hub)
        p.resize(1366, 700)
        p.show()
        app.processEvents()
        return p

    sign = page(SignInPage, "qd01", "signin")
    pre = page(PreScreenPage, "yj01", "prescreen")
    vac = page(InjectPage, "jz01", "inject")
    obs = page(ObservePage, "lg01", "observe")
    timings: dict[str, list[float]] = {
        k: [] for k in ("sign-in", "pre-screen pass", "call next", "inject", "seat", "release")
    }

    def timed(name: str, fn) -> None:
        t = time.perf_counter()
        fn()
        app.processEvents()
        timings[name].append((time.perf_counter() - t) * 1000)

    booked = [
        r[0]
        for r in store.conn.execute(
            "SELECT p.id_number FROM visits v JOIN people p USING (person_id) WHERE v.day = ? AND v.state = 'booked' "
            "ORDER BY v.slot LIMIT ?",
            [day, n],
        )
    ]
    for number in booked:
        sign.code.setText(number)
        sign.code.returnPressed.emit()
        app.processEvents()
        timed("sign-in", sign.confirm)
        pre.refresh()
        pre.take_selected()
        pre.temperature.setValue(36.5) if hasattr(pre.temperature, "setValue") else None
        for row in pre.rows:
            row.set_answer(False)
        timed("pre-screen pass", pre.do_pass)
        timed("call next", vac.call_next)
        timed("inject", vac.do_inject)
        obs.refresh()
        timed("seat", obs.seat_next)
        now["t"] = now["t"].replace(hour=11)
        obs.refresh()
        timed("release", obs.release)
        now["t"] = now["t"].replace(hour=10, minute=30)
    for name, values in timings.items():
        if values:
            print(
                f"  {name:16s} n={len(values):3d}  median {statistics.median(values):6.1f} ms  "
                f"p95 {pct(values, 0.95):6.1f} ms"
            )


def main() -> None:
    from station import demo
    from station.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        full = Path(tmp) / "full.sqlite3"
        s = Store.open(full, origin="bench")
        demo.load(s, datetime.now().astimezone().date())
        s.close()
        print("desk window benchmark")
        bench_open(full)
        part = Path(tmp) / "part.sqlite3"
        s = Store.open(part, origin="bench")
        demo.load(s, datetime.now().astimezone().date(), until=clock_time(10, 30))
        s.close()
        bench_actions(part)


if __name__ == "__main__":
    main()
