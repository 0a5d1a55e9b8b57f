"""The calling screen (叫号屏): a call at the injection desk shows with its desk and is spoken; a recall
is shown fresh and spoken again; a call made on another laptop shows once sync brings it; the next
numbers per step and who may leave; how it is opened (`station call-screen`)."""

from __future__ import annotations

import pytest

from station import bookings, calls, inject, observe
from station.settings import Settings
from station.store import Store
from tests.conftest import DAY, new_person
from tests.domainkit import do_inject, do_screen, do_sign_in, drive
from tests.test_speech import RecordingSpeaker
from ui.qt import QApplication, QLabel, Qt

pytestmark = pytest.mark.usefixtures("fast_pins")


def _signed_in(store, name: str) -> str:
    visit_id = bookings.add_booking(store, new_person(name=name), DAY, None, staff_id="admin1")
    do_sign_in(store, visit_id)
    return visit_id


def _screened(store, name: str) -> str:
    visit_id = _signed_in(store, name)
    do_screen(store, visit_id)
    return visit_id


@pytest.fixture
def speaker(station_qapp) -> RecordingSpeaker:
    return RecordingSpeaker()


@pytest.fixture
def screen(station_qapp, store, qtbot, speaker):
    """The calling screen on the station's store: its own hub, nobody logged in (it only reads)."""
    from ui.callscreen import CallScreen
    from ui.hub import StationHub

    hub = StationHub(
        store, Settings(site_name="测试接种点", call_repeat=2, call_volume=70), lang="zh", poll_ms=50
    )
    screen = CallScreen(hub, speaker=speaker)
    qtbot.addWidget(screen)
    screen.resize(1920, 1080)
    screen.show()
    qtbot.waitExposed(screen)
    yield screen
    screen.close()
    hub.close()


def _desk(make_hub, qtbot, desk: str = "3"):
    from ui.pages.inject import InjectPage

    hub = make_hub("vac1", ("inject",))
    hub.settings.desk = desk
    page = InjectPage(hub)
    qtbot.addWidget(page)
    page.resize(1280, 700)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # the F-keys are window shortcuts
    page.call_button.setFocus()
    return page


def test_spoken_words_read_the_number_digit_by_digit():
    assert calls.spoken_number("A023") == "A零二三"
    assert calls.spoken_call("A023", "3") == "请A零二三号到3号接种台"
    assert calls.spoken_call("B105", "12") == "请B一零五号到12号接种台"
    assert calls.spoken_call("A023", "3", "en") == "Number A 0 2 3, please go to injection desk 3."


def test_a_call_at_the_injection_desk_shows_and_is_spoken(screen, speaker, make_hub, qtbot, store):
    first = _screened(store, "张三")
    _screened(store, "李四")
    desk = _desk(make_hub, qtbot, desk="3")
    qtbot.waitUntil(lambda: screen.shown()["inject"] == "A001　A002")
    assert screen.shown()["number"] == "—" and speaker.said == []

    qtbot.keyClick(desk, Qt.Key.Key_F2)  # the vaccinator calls the next person
    assert desk.called["visit_id"] == first
    qtbot.waitUntil(lambda: screen.shown()["number"] == "A001")
    shown = screen.shown()
    assert shown["desk"] == "请到3号接种台"
    assert shown["inject"] == "A002"  # the called person left the waiting line for the call
    assert screen.fresh(screen.latest().event_id)
    assert speaker.said == [("请A零零一号到3号接种台", 2, 70)]
    inject.call_next(store, staff_id="vac1", desk="1")  # another desk calls the next person
    qtbot.waitUntil(lambda: screen.shown()["number"] == "A002")
    assert screen.shown()["desk"] == "请到1号接种台" and screen.shown()["previous"] == [("A001", "3号接种台")]
    texts = " ".join(w.text() for w in screen.findChildren(QLabel) if w.isVisible())
    assert "A001" in texts and "3号接种台" in texts and "张三" not in texts  # no names on a public screen


def test_a_recall_is_shown_fresh_and_spoken_again(screen, speaker, make_hub, qtbot, store, clock):
    _screened(store, "张三")
    desk = _desk(make_hub, qtbot, desk="2")
    qtbot.keyClick(desk, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: len(speaker.said) == 1)
    first_call = screen.latest().event_id
    clock.advance(minutes=1)
    screen.refresh()  # the clock moved on: the first call is no longer new
    assert not screen.fresh(first_call)

    qtbot.keyClick(desk, Qt.Key.Key_F3)  # nobody came: call again
    qtbot.waitUntil(lambda: len(speaker.said) == 2)
    assert speaker.said[1] == ("请A零零一号到2号接种台", 2, 70)
    latest = screen.latest()
    assert latest.event_id != first_call and latest.number == "A001" and screen.fresh(latest.event_id)
    assert screen.shown()["number"] == "A001" and screen.shown()["desk"] == "请到2号接种台"
    assert screen.shown()["previous"] == []  # the first call of the same number is not listed twice


def test_a_call_on_another_laptop_arrives_by_sync_and_shows(screen, speaker, qtbot, store, tmp_path, clock):
    """Laptop B (desk 4) calls; its events reach this laptop's store as sync ingests them (on the
    sync worker's own connection), and the screen shows and speaks the call."""
    visit = _screened(store, "王五")
    other = Store.open(tmp_path / "b.sqlite3", origin="test-b", now=clock)
    try:
        other.ingest(store.events())  # B had received this laptop's records
        called = inject.call_next(other, staff_id="vac1", desk="4")
        assert called["visit_id"] == visit
        worker = Store.open(store.path, create=False, now=clock)  # as the sync worker opens it
        try:
            assert worker.ingest(other.events()) == 1
        finally:
            worker.close()
    finally:
        other.close()
    qtbot.waitUntil(lambda: screen.shown()["number"] == "A001")  # the hub notices the other connection
    assert screen.shown()["desk"] == "请到4号接种台"
    assert speaker.said == [("请A零零一号到4号接种台", 2, 70)]


def test_next_numbers_per_step_and_who_may_leave(screen, store, clock, qtbot):
    a = _signed_in(store, "甲")  # A001: waits for the pre-screen
    b = _screened(store, "乙")  # A002: waits for the injection
    c = bookings.add_booking(store, new_person(name="丙"), DAY, None, staff_id="admin1")
    drive(store, clock, c, "injected")  # A003
    observe.start_observation(store, c, staff_id="obs1")
    screen.refresh()
    assert screen.shown()["prescreen"] == "A001" and screen.shown()["inject"] == "A002"
    assert screen.shown()["leave"] == "无"
    clock.advance(minutes=31)
    screen.refresh()
    assert screen.shown()["leave"] == "A003"
    assert {a, b}  # (both still waiting)


def test_calls_already_made_are_shown_not_spoken_when_the_screen_opens(station_qapp, store, qtbot, speaker):
    from ui.callscreen import CallScreen
    from ui.hub import StationHub

    _screened(store, "张三")
    inject.call_next(store, staff_id="vac1", desk="1")
    hub = StationHub(store, Settings(), lang="zh", poll_ms=50)
    screen = CallScreen(hub, speaker=speaker)
    qtbot.addWidget(screen)
    screen.show()
    try:
        assert screen.shown()["number"] == "A001" and speaker.said == []
    finally:
        screen.close()
        hub.close()


def test_an_answered_call_stays_listed_but_is_not_spoken_late(screen, speaker, store, qtbot, clock):
    """A call that reaches the screen after the person was injected (a late sync) is shown, not said."""
    visit = _screened(store, "张三")
    inject.call_next(store, staff_id="vac1", desk="1")
    do_inject(store, visit)
    screen.refresh()
    assert screen.shown()["number"] == "A001" and speaker.said == []


def test_without_a_voice_the_screen_still_works(station_qapp, store, qtbot, monkeypatch):
    from ui import speech
    from ui.callscreen import CallScreen
    from ui.hub import StationHub

    monkeypatch.setattr(speech.shutil, "which", lambda name: None)
    monkeypatch.setattr(speech.sys, "platform", "linux")
    hub = StationHub(store, Settings(), lang="zh", poll_ms=50)
    screen = CallScreen(hub)  # the real choice of voice: none on this "computer"
    qtbot.addWidget(screen)
    screen.show()
    try:
        assert not screen.speaker.available and "espeak-ng" in screen.speaker.reason
        _screened(store, "张三")
        inject.call_next(store, staff_id="vac1", desk="5")
        qtbot.waitUntil(lambda: screen.shown()["number"] == "A001")
        assert screen.shown()["desk"] == "请到5号接种台"
    finally:
        screen.close()
        hub.close()


def test_station_call_screen_is_a_station_command(station_qapp, store, monkeypatch):
    from importlib.metadata import entry_points

    import ui.app
    from ui import callscreen_cli

    (ep,) = [e for e in entry_points(group="vaccination_station.commands") if e.name == "call-screen"]
    assert ep.load() is callscreen_cli.call_screen_command
    opened: list = []
    monkeypatch.setenv("STATION_VOICE", "off")
    monkeypatch.setattr(ui.app, "make_app", lambda lang: station_qapp)
    monkeypatch.setattr(QApplication, "exec", lambda self: opened.append(self) or 0)
    monkeypatch.setattr(Settings, "load", classmethod(lambda cls, folder=None: cls(site_name="测试接种点")))
    assert callscreen_cli.run_call_screen(store.path.parent, "zh", windowed=True) == 0
    assert opened == [station_qapp]


def test_station_call_screen_without_a_database_says_so(tmp_path, capsys):
    from ui.callscreen_cli import run_call_screen

    assert run_call_screen(tmp_path / "nothing-here", "zh") == 2
    assert str(tmp_path / "nothing-here") in capsys.readouterr().err


def test_call_screen_help_is_bilingual(tmp_path):
    from tests.test_cli import run

    out = run("call-screen", "--help", env_data=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "叫号屏" in out.stdout and "calling screen" in out.stdout and "在窗口中显示" in out.stdout


def test_the_call_screen_opens_an_encrypted_station_with_its_passphrase(station_qapp, tmp_path, monkeypatch):
    """An encrypted station (#13): the calling screen takes its passphrase like the board does (here
    from STATION_PASSPHRASE), instead of stopping at "the database is encrypted"."""
    import ui.app
    from station import cipher
    from station.store import Store
    from tests.conftest import add_staff
    from ui import callscreen_cli

    monkeypatch.setattr(cipher, "_keys", {})
    path = tmp_path / "station.sqlite3"
    cipher.unlock(path, "correct horse battery")
    made = Store.open(path, origin="enc-call")
    add_staff(made)
    made.close()
    cipher.lock(path)
    assert cipher.is_encrypted(path)
    opened: list = []
    monkeypatch.setenv("STATION_VOICE", "off")
    monkeypatch.setenv("STATION_PASSPHRASE", "correct horse battery")
    monkeypatch.setattr(cipher, "keyring_get", lambda p: None)
    monkeypatch.setattr(ui.app, "make_app", lambda lang: station_qapp)
    monkeypatch.setattr(QApplication, "exec", lambda self: opened.append(self) or 0)
    monkeypatch.setattr(Settings, "load", classmethod(lambda cls, folder=None: cls(site_name="测试接种点")))
    assert callscreen_cli.run_call_screen(tmp_path, "zh", windowed=True) == 0
    assert opened == [station_qapp]
