"""Two desk windows on two laptops' databases and a hub between them: what one desk records, the
other shows by itself, and each header tells the truth about sync."""

from __future__ import annotations

import os

import pytest

from station.settings import Settings
from tests.conftest import PIN
from tests.syncbed import Site, first_morning

pytestmark = pytest.mark.usefixtures("fast_pins")


@pytest.fixture
def site(tmp_path, clock):
    s = Site(tmp_path, clock)
    yield s
    s.close()


def window(station_qapp, qtbot, store, staff_id: str, roles: tuple[str, ...]):
    from ui.hub import StationHub
    from ui.mainwindow import MainWindow

    settings = Settings(site_name="测试接种点", station_id=store.origin, desk_roles=list(roles), desk="1")
    hub = StationHub(store, settings, poll_ms=50)
    hub.sync_options = {"live_wait": 2.0, "retry_every": 1.0, "max_backoff": 1.0, "timeout": 5.0}
    hub.login(staff_id, PIN)
    win = MainWindow(hub, ask_login=False)
    qtbot.addWidget(win)
    win.show()
    return hub, win


def test_a_person_signed_in_on_one_window_appears_in_the_others_prescreen_queue(site, station_qapp, qtbot):
    admin = site.station("desk-admin")
    visits = first_morning(admin, bookings_count=2)
    desk_a, desk_b = site.station("desk-qd"), site.station("desk-yj")
    site.sync(admin, desk_a, desk_b)

    hub_a, win_a = window(station_qapp, qtbot, desk_a, "sign1", ("signin",))
    hub_b, win_b = window(station_qapp, qtbot, desk_b, "pre1", ("prescreen",))
    try:
        assert hub_a.start_sync() and hub_b.start_sync()
        page_b = win_b.pages["prescreen"]
        assert page_b.queue.rowCount() == 0

        # sign in on window A through its page: scan the ID, confirm
        page_a = win_a.pages["signin"]
        person = desk_a.one(
            "SELECT p.* FROM people p JOIN visits v USING (person_id) WHERE visit_id = ?", [visits[0]]
        )
        qtbot.keyClicks(page_a.code, person["id_number"])
        qtbot.keyClick(page_a.code, "\r")
        qtbot.keyClick(page_a.sign_in_button, " ")
        assert desk_a.scalar("SELECT state FROM visits WHERE visit_id = ?", [visits[0]]) == "signed_in"

        # window B: no click, the person arrives in the pre-screen queue
        qtbot.waitUntil(lambda: page_b.queue.rowCount() == 1, timeout=10_000)
        assert page_b.queue.item(0, 1).text() == person["name"]
        # both headers say synced, nothing waiting
        qtbot.waitUntil(lambda: win_a.header.sync_state.get("waiting") == 0, timeout=10_000)
        assert "秒前已同步" in win_a.header.sync.text() and win_a.header.sync_state["joined"]
        qtbot.waitUntil(lambda: "秒前已同步" in win_b.header.sync.text(), timeout=10_000)
    finally:
        hub_a.close()
        hub_b.close()


def test_the_header_says_offline_and_counts_what_waits(site, station_qapp, qtbot):
    admin = site.station("desk-admin")
    first_morning(admin, bookings_count=1)
    hub, win = window(station_qapp, qtbot, admin, "admin1", ("admin",))
    try:
        site.server.stop()  # the hub goes away (unplugged)
        site.server = None
        hub.start_sync()
        qtbot.waitUntil(lambda: bool(win.header.sync_state.get("offline_since")), timeout=15_000)
        win.header.refresh_sync()
        text = win.header.sync.text()
        assert "离线" in text and str(win.header.sync_state["waiting"]) in text
        assert win.header.sync_state["waiting"] == admin.version_vector()["desk-admin"]
    finally:
        hub.close()


def test_the_admin_joins_the_hub_from_the_sync_tab_by_scanning_the_code(site, station_qapp, qtbot):
    """A fresh laptop: the admin types the hub's address, scans the code's QR (a USB scanner types it
    and presses Enter); the laptop joins, pins the hub, and its records reach the hub."""
    from sync import tls
    from sync.server.cli import join_text

    admin = site.station("desk-admin", join=False)
    first_morning(admin, bookings_count=1)
    hub, win = window(station_qapp, qtbot, admin, "admin1", ("admin",))
    try:
        panel = win.pages["admin"].sync_panel
        win.pages["admin"].tabs.setCurrentWidget(panel)
        assert "未设置" in win.header.sync.text()
        # a wrong code first: refused, in Chinese, nothing kept
        qtbot.keyClicks(panel.url, site.url)
        qtbot.keyClicks(panel.code, "AAAA-BBBB-CCCC")
        qtbot.keyClick(panel.code, "\r")
        qtbot.waitUntil(lambda: win.pages["admin"].banner.kind == "error", timeout=10_000)
        assert "加入码" in win.pages["admin"].banner.text()
        assert engine_link(admin) is None
        # the real code, as its QR text
        panel.code.clear()
        qtbot.keyClicks(panel.code, join_text(site.code(), tls.fingerprint(site.server.cert_pem), None))
        qtbot.keyClick(panel.code, "\r")
        qtbot.waitUntil(lambda: engine_link(admin) is not None, timeout=10_000)
        assert hub.sync_worker is not None
        # the laptop's signing key went with the join: the hub will know its end-of-day files
        from station import keys

        own_key = keys.public_b64(keys.station_key(admin.path.parent))
        held = site.hub_store.query("SELECT public_key FROM station_keys WHERE station = ?", ["desk-admin"])
        assert held == [(own_key,)]
        total = admin.version_vector()["desk-admin"]
        qtbot.waitUntil(lambda: site.hub_store.hwm(site=None).get("desk-admin") == total, timeout=10_000)
        qtbot.waitUntil(lambda: win.header.sync_state.get("waiting") == 0, timeout=10_000)
    finally:
        hub.close()


def engine_link(store):
    from sync.client import engine

    return engine.load_link(store)


def test_a_laptop_ahead_of_the_hubs_clock_is_told_in_its_header_without_widening_the_window(
    site, station_qapp, qtbot, tmp_path, clock
):
    """The hub refuses a laptop whose date is ten years ahead (event_future): its header says why in
    Chinese (the server's own words on hover), and the long refusal does not push the window past a
    1366 px screen."""
    import time

    from station.store import Store
    from tests.conftest import add_staff

    ahead = 10 * 365 * 24 * 3600
    store = Store.open(tmp_path / "desk-z" / "station.sqlite3", origin="desk-z", now=clock,
                       wall=lambda: time.time() + ahead)
    site.stations["desk-z"] = store
    site.join(store)
    add_staff(store)
    hub, win = window(station_qapp, qtbot, store, "admin1", ("signin", "admin"))
    try:
        win.resize(1366, 700)
        hub.start_sync()
        qtbot.waitUntil(lambda: "event_future" in (win.header.sync_state.get("last_error") or ""), timeout=15_000)
        win.header.refresh_sync()
        station_qapp.processEvents()
        assert "主机拒收本机的记录" in win.header.sync.text() and "日期" in win.header.sync.text()
        assert "ahead of the server's clock" in win.header.sync.toolTip()  # the server's words, on hover
        assert win.width() <= 1366, win.minimumSizeHint()
        # the clock banner too, from the hub's answers (a pull on this laptop's clock: the test's fake
        # wall is this connection's only, the window's sync thread runs on the machine's clock)
        from sync.client import engine

        syncer = engine.Syncer(store)
        syncer.pull()
        syncer.remote.close()
        win.header.refresh()
        assert win.header.clock_warning.isVisible() and "现场主机" in win.header.clock_warning.toolTip()
        assert win.width() <= 1366, win.minimumSizeHint()
        win.grab().save(str(tmp_path / "ahead.png"))
        if os.environ.get("STATION_SHOTS"):
            win.grab().save("/tmp/ahead.png")
    finally:
        hub.close()
