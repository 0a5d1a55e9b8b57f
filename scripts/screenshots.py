"""Render every desk page to PNG under docs/screenshots/, as staff would see it at 1366x768.

    .venv/bin/python scripts/screenshots.py            # Chinese: every page, the first-run (with the recovery
                                                       # code) and login dialogs, the admin's Settings and
                                                       # Import bookings tabs, the locked window
    .venv/bin/python scripts/screenshots.py --lang en  # English: the sign-in desk and the window header
    .venv/bin/python scripts/screenshots.py --only signin  # one page's shots (here with signin_done_*.png)

Uses a demo day stopped at 10:30 (people at every step) in a temporary folder; QT_QPA_PLATFORM
is set to offscreen so it runs without a screen. Each page is shown in the state a desk is in
mid-morning (a person found at sign-in, its camera on the demo pictures; a person open at
pre-screen; a person called to injection).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time as time_module
from datetime import datetime, time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from station import demo  # noqa: E402
from station.settings import DESK_ROLES, Settings  # noqa: E402
from station.store import Store  # noqa: E402

Store.trusts_named_staff = True  # this script plays its staff: their desk work without their PINs

OUT = ROOT / "docs" / "screenshots"
DESK_STAFF = {"signin": "qd01", "prescreen": "yj01", "inject": "jz01", "observe": "lg01", "admin": "admin"}


def build_demo(folder: Path) -> Store:
    store = Store.open(folder / "station.sqlite3", origin="demo-1")
    day = datetime.now().astimezone().date()
    demo.load(store, day, until=time(10, 30))
    mid_morning = datetime.combine(day, time(10, 30), datetime.now().astimezone().tzinfo)
    store.now = lambda: mid_morning
    return store


def stage(role: str, page) -> None:
    """Put the page in the state a desk is in mid-morning."""
    hub = page.hub
    if role == "signin":
        # the camera on the demo pictures: wait for a picture shown with its code outlined
        from ui.qt import QApplication

        page.camera.beep = False
        deadline = time_module.monotonic() + 5
        while page.camera.last_points is None and time_module.monotonic() < deadline:
            QApplication.processEvents()
            time_module.sleep(0.01)
        number = hub.store.scalar(
            "SELECT p.id_number FROM visits v JOIN people p USING (person_id) WHERE v.state = 'booked' "
            "AND v.day = ? ORDER BY v.slot LIMIT 1",
            [hub.today().isoformat()],
        )
        page.code.setText(number)
        page.code.returnPressed.emit()
    elif role == "prescreen":
        page.take_selected()
    elif role == "inject":
        page.call_next()


def wait_for(condition, seconds: float = 10.0) -> bool:
    from ui.qt import QApplication

    deadline = time_module.monotonic() + seconds
    while not condition() and time_module.monotonic() < deadline:
        QApplication.processEvents()
        time_module.sleep(0.01)
    return condition()


def signin_done_shot(app, store: Store, out: Path, lang: str) -> Path:
    """The sign-in desk just after a sign-in from the demo camera: the desk's result (the queue
    number) stays in its banner while the camera's next code (a yellow health code) has its own line."""
    from ui.hub import StationHub
    from ui.mainwindow import MainWindow

    settings = Settings(
        site_name="朝阳区XX街道临时接种点" if lang == "zh" else "Street office vaccination point",
        station_id="demo-1",
        desk_roles=["signin"],
        desk="2",
    )
    hub = StationHub(store, settings, lang=lang)
    hub.login(DESK_STAFF["signin"], demo.DEMO_PIN)
    window = MainWindow(hub, ask_login=False, camera="demo")
    window.resize(1366, 768)
    window.show()
    page = window.pages["signin"]
    page.camera.beep = False
    try:
        if not wait_for(lambda: page.sign_in_button.isEnabled()):  # the demo's booking QR read
            raise SystemExit(f"the demo camera found nobody to sign in: {page.banner.text()}")
        page.confirm()
        if not wait_for(lambda: "黄" in page.scan_line.text() or "Yellow" in page.scan_line.text()):
            raise SystemExit("the demo camera showed no yellow code")
        wait_for(lambda: False, 0.3)  # the preview catches up
        path = out / f"signin_done_{lang}.png"
        window.grab().save(str(path))
    finally:
        hub.close()
        window.close()
    return path


def conflicts_shot(app, store: Store, folder: Path, out: Path) -> Path:
    """The admin's conflicts tab after two injection desks, cut off from each other, both injected
    one person: the two records side by side."""
    from station import inject
    from ui.hub import StationHub
    from ui.mainwindow import MainWindow

    other = Store.open(folder / "other.sqlite3", origin="demo-2", now=store.now)
    try:
        other.ingest(store.events())
        visit = store.scalar(
            "SELECT visit_id FROM visits WHERE state = 'screened' ORDER BY signed_in_at LIMIT 1"
        )
        lot = store.scalar("SELECT lot_no FROM lots ORDER BY expiry LIMIT 1")
        inject.inject(store, visit, staff_id="jz01", lot_no=lot, desk="2")
        inject.inject(other, visit, staff_id="jz02", lot_no=lot, desk="5")
        have = store.version_vector()
        store.ingest([e for e in other.events() if e.seq > have.get(e.origin, 0)])
    finally:
        other.close()
    settings = Settings(site_name="朝阳区XX街道临时接种点", station_id="demo-1", desk_roles=["admin"])
    hub = StationHub(store, settings, lang="zh")
    hub.login(DESK_STAFF["admin"], demo.DEMO_PIN)
    window = MainWindow(hub, ask_login=False)
    window.resize(1366, 768)
    window.show()
    page = window.pages["admin"]
    page.refresh()
    page._go_to(3)
    page.conflicts_table.selectRow(0)
    app.processEvents()
    path = out / "admin_conflicts_zh.png"
    window.grab().save(str(path))
    hub.close()
    window.close()
    return path


def new_site_shots(app, folder: Path, out: Path) -> list[Path]:
    """A brand new site's set-up: the first admin with the PIN twice, then the recovery code shown once."""
    from ui.dialogs import FirstRunDialog
    from ui.hub import StationHub

    store = Store.open(folder / "new-site" / "station.sqlite3")
    hub = StationHub(store, Settings(), lang="zh")
    dialog = FirstRunDialog(hub)
    dialog.site.setText("朝阳区XX街道临时接种点")
    dialog.station_id.setText("cy-1")
    dialog.admin_name.setText("王站长")
    dialog.admin_pin.setText("135790")
    dialog.admin_pin2.setText("135790")
    dialog.show()
    app.processEvents()
    paths = [out / "first_run_new_site_zh.png", out / "first_run_recovery_code_zh.png"]
    dialog.grab().save(str(paths[0]))
    dialog.accept()
    app.processEvents()
    dialog.grab().save(str(paths[1]))
    dialog.written_down.setChecked(True)
    dialog.accept()
    hub.close()
    store.close()
    return paths


def admin_tab_shots(app, store: Store, folder: Path, out: Path) -> list[Path]:
    """The admin page's Settings tab (one value marked as typed), an import preview, and the locked window."""
    import csv

    from station.identity import make_resident_id
    from ui.hub import StationHub
    from ui.mainwindow import MainWindow

    settings = Settings(
        site_name="朝阳区XX街道临时接种点", station_id="demo-1", desk_roles=["signin", "observe", "admin"]
    )
    hub = StationHub(store, settings, lang="zh")
    hub.login(DESK_STAFF["admin"], demo.DEMO_PIN)
    window = MainWindow(hub, ask_login=False)
    window.resize(1366, 768)
    window.show()
    page = window.pages["admin"]
    paths = []
    page.tabs.setCurrentWidget(page.settings_panel)
    page.settings_panel.fields["seats"].setText("0")  # a value marked as typed; Save waits
    app.processEvents()
    paths.append(out / "admin_settings_zh.png")
    window.grab().save(str(paths[-1]))
    page.settings_panel.load()
    day = store.now().date()
    rows = [["姓名", "身份证号", "手机号", "预约日期", "时段", "单位"]]
    names = ["赵丽", "钱伟", "孙强", "李娜", "周杰", "吴敏", "郑洁"]
    for i, name in enumerate(names):
        rid = make_resident_id("110105", day.replace(year=day.year - 30 - i), 300 + i)
        if i == 2:
            rid = rid[:-1] + ("1" if rid[-1] != "1" else "2")  # a wrong check digit
        phone = "" if i == 5 else f"139{i:08d}"
        rows.append([name, rid, phone, day.isoformat(), "14:00-14:30", "朝阳区XX街道办事处"])
    path = folder / "预约名单.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    page.tabs.setCurrentWidget(page.bookings_panel)
    page.bookings_panel.preview(path)
    app.processEvents()
    paths.append(out / "admin_import_preview_zh.png")
    window.grab().save(str(paths[-1]))
    page.tabs.setCurrentIndex(0)
    hub.lock("manual")  # F12: the cover hides the desks behind the login box
    app.processEvents()
    paths.append(out / "locked_zh.png")
    window.grab().save(str(paths[-1]))
    hub.close()
    window.close()
    return paths


def stock_shots(app, store: Store, out: Path) -> list[Path]:
    """The admin page's Stock tab mid-morning: a carton just scanned into the receiving form; the
    cold chain after the cold box read 9.4 °C at 10:25 (its lot held for the admin's decision);
    the end-of-day count typed in with one difference and its reason."""
    from datetime import timedelta

    from station import coldchain, packcodes, stock
    from ui.hub import StationHub
    from ui.mainwindow import MainWindow

    settings = Settings(site_name="朝阳区XX街道临时接种点", station_id="demo-1", desk_roles=["admin"])
    hub = StationHub(store, settings, lang="zh")
    hub.login(DESK_STAFF["admin"], demo.DEMO_PIN)
    window = MainWindow(hub, ask_login=False)
    window.resize(1366, 768)
    window.show()
    page = window.pages["admin"]
    panel = page.stock_panel
    written = []

    def shot(name: str) -> None:
        app.processEvents()
        path = out / f"{name}.png"
        window.grab().save(str(path))
        written.append(path)

    page._go_to(5)
    panel.go_to(0)
    day = hub.today()
    gtin = stock.load_stock_rules().product("sinovac_coronavac").gtins[-1]
    code = packcodes.gs1_text(gtin, f"{day:%Y%m%d}C011", day + timedelta(days=180), f"{day:%y%m%d}C011001")
    panel.scan.setText(code)
    panel.scan.returnPressed.emit()
    panel.delivery_note.setText(f"PS{day:%Y%m%d}-02")
    shot("stock_receive_zh")

    at = store.now() - timedelta(minutes=5)
    coldchain.record_reading(store, staff_id="jz01", celsius=9.4, fridge="coldbox1", at=at)
    hub.refresh()
    panel.go_to(2)
    panel.decide_table.selectRow(0)
    panel.decision_reason.setText("冷藏包开盖取苗，已核对说明书")
    shot("stock_cold_chain_zh")

    panel.go_to(3)
    for i, entry in enumerate(panel.count_rows.values()):
        sheet = entry["sheet"]
        missing = 1 if i == 0 else 0  # one single-dose vial not found in the fridge
        entry["vials"].setText(str(sheet["expected_vials"] - missing))
        entry["doses"].setText(str(sheet["expected_doses"] - missing))
        if i == 0:
            entry["reason"].setText("少一支：可能为1号台开瓶时掉落未登记，已报告")
    panel.count_button.setFocus()
    shot("stock_count_zh")
    hub.close()
    window.close()
    return written


def reports_shot(app, store: Store, out: Path) -> Path:
    """The admin page's Reports tab at 10:30 of the demo day: the figures, the half-hour chart and
    the day report built and shown beside it."""
    import time

    from ui.hub import StationHub
    from ui.mainwindow import MainWindow

    settings = Settings(site_name="朝阳区XX街道临时接种点", station_id="demo-1", desk_roles=["admin"])
    hub = StationHub(store, settings, lang="zh")
    hub.login(DESK_STAFF["admin"], demo.DEMO_PIN)
    window = MainWindow(hub, ask_login=False)
    window.resize(1366, 768)
    window.show()
    page = window.pages["admin"]
    page.tabs.setCurrentWidget(page.reports_panel)
    page.refresh()
    panel = page.reports_panel
    panel.make_day_report()
    deadline = time.monotonic() + 60
    while panel.pdf is None and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.05)
    for _ in range(5):  # the preview's pages laid out
        app.processEvents()
    path = out / "admin_reports_zh.png"
    window.grab().save(str(path))
    hub.close()
    window.close()
    return path


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--only", choices=DESK_ROLES, help="only this page's shots")
    args = parser.parse_args()

    from ui.app import make_app
    from ui.dialogs import FirstRunDialog, LoginDialog
    from ui.hub import StationHub
    from ui.mainwindow import MainWindow

    app = make_app(args.lang)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = build_demo(Path(tmp))
        roles = DESK_ROLES if args.lang == "zh" else ("signin",)
        roles = [r for r in roles if args.only in (None, r)]
        written = []
        for role in roles:
            settings = Settings(
                site_name="朝阳区XX街道临时接种点"
                if args.lang == "zh"
                else "Street office vaccination point",
                station_id="demo-1",
                desk_roles=[role],
                desk="2",
                seats=100,
            )
            hub = StationHub(store, settings, lang=args.lang)
            hub.login(DESK_STAFF[role], demo.DEMO_PIN)
            window = MainWindow(hub, ask_login=False, camera="demo" if role == "signin" else None)
            window.resize(1366, 768)
            window.show()
            app.processEvents()
            stage(role, window.pages[role])
            app.processEvents()
            path = args.out / f"{role}_{args.lang}.png"
            window.grab().save(str(path))
            written.append(path)
            hub.close()
            window.close()  # stops the sign-in camera
        if "signin" in roles:
            written.append(signin_done_shot(app, store, args.out, args.lang))
        if args.lang == "zh" and args.only is None:
            written.append(conflicts_shot(app, store, Path(tmp), args.out))
            written.append(reports_shot(app, store, args.out))
            hub = StationHub(store, Settings(site_name="朝阳区XX街道临时接种点"), lang="zh")
            for name, dialog in (("login", LoginDialog(hub)), ("first_run", FirstRunDialog(hub))):
                dialog.show()
                app.processEvents()
                path = args.out / f"{name}_zh.png"
                dialog.grab().save(str(path))
                written.append(path)
            hub.close()
            written += new_site_shots(app, Path(tmp), args.out)
            written += admin_tab_shots(app, store, Path(tmp), args.out)
            written.extend(vial_shots(app, store, args.out))
            written += stock_shots(app, store, args.out)
        store.close()
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


def vial_shots(app, store: Store, out: Path) -> list[Path]:
    """The injection desk with an open 2-dose vial (one dose given from it, the next person called),
    then the window's header warning of low stock after the fridge's lots were held by an excursion."""
    from datetime import timedelta

    from station import coldchain, stock
    from ui.hub import StationHub
    from ui.mainwindow import MainWindow

    day = store.now().date()
    at_1030 = store.now
    tz = at_1030().tzinfo
    stock.receive(
        store, staff_id="admin", lot_no=f"{day:%Y%m%d}M002", product="sinopharm_bbibp",
        expiry=day + timedelta(days=60), vials=30, doses_per_vial=2, delivery_note=f"PS{day:%Y%m%d}-02",
    )  # fmt: skip
    store.now = lambda: datetime.combine(day, time(10, 24), tz)
    stock.open_vial(store, staff_id="jz01", desk="4", lot_no=f"{day:%Y%m%d}M002")
    store.now = at_1030
    written = []
    settings = Settings(
        site_name="朝阳区XX街道临时接种点", station_id="demo-1", desk_roles=["inject"], desk="4"
    )
    hub = StationHub(store, settings, lang="zh")
    hub.login(DESK_STAFF["inject"], demo.DEMO_PIN)
    window = MainWindow(hub, ask_login=False)
    window.resize(1366, 768)
    window.show()
    page = window.pages["inject"]
    page.call_next()
    page.do_inject()  # one dose from the vial: one left
    page.call_next()
    app.processEvents()
    path = out / "inject_vial_zh.png"
    window.grab().save(str(path))
    written.append(path)
    hub.close()
    window.close()

    # 10:30: the fridge read 9.6 °C; its lots are held until the admin decides: doses left fall
    # below the bookings left for the day
    coldchain.record_reading(store, staff_id="jz01", celsius=9.6, fridge="fridge1")
    settings = Settings(
        site_name="朝阳区XX街道临时接种点", station_id="demo-1", desk_roles=["prescreen"], desk="2"
    )
    hub = StationHub(store, settings, lang="zh")
    hub.login(DESK_STAFF["prescreen"], demo.DEMO_PIN)
    window = MainWindow(hub, ask_login=False)
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    assert window.header.stock_warning.isVisible()
    path = out / "header_low_stock_zh.png"
    window.grab().save(str(path))
    written.append(path)
    hub.close()
    window.close()
    return written


if __name__ == "__main__":
    sys.exit(main())
