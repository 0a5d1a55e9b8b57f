"""The waiting-area board: the countdown on the station's clock, the alert when someone's time is up
(once per person), sorted tiles, masked names, a discreet reaction marker, live refresh from other
connections, paging, and how it is opened (observation page F9, `station board`)."""

from __future__ import annotations

import pytest

from station import bookings, observe, signin
from station.settings import Settings
from station.store import Store
from tests.conftest import DAY, new_person
from tests.domainkit import drive
from ui.qt import QApplication, QLabel, Qt

pytestmark = pytest.mark.usefixtures("fast_pins")


@pytest.fixture
def hub(station_qapp, store):
    """The board's hub: nobody logged in (the board only reads)."""
    from ui.hub import StationHub

    hub = StationHub(store, Settings(site_name="测试接种点"), lang="zh", poll_ms=50)
    yield hub
    hub.close()


@pytest.fixture
def beeps(monkeypatch) -> list[int]:
    sounded: list[int] = []
    monkeypatch.setattr(QApplication, "beep", staticmethod(lambda: sounded.append(1)))
    return sounded


@pytest.fixture
def board(hub, qtbot, beeps):
    from ui.board import BoardWindow

    board = BoardWindow(hub)
    qtbot.addWidget(board)
    board.resize(1920, 1080)
    board.show()
    qtbot.waitExposed(board)
    return board


def injected(store, clock, n: int = 1, **person) -> list[str]:
    visits = []
    for _ in range(n):
        v = bookings.add_booking(store, new_person(**person), DAY, "08:00-08:30", staff_id="admin1")
        drive(store, clock, v, "injected")
        visits.append(v)
    return visits


def seat(store, visit_id: str) -> dict:
    return observe.start_observation(store, visit_id, staff_id="obs1")


def queue_no(store, visit_id: str) -> str:
    """The visit's queue number as shown and called: "A003"."""
    return signin.queue_label(bookings.visit(store, visit_id))


def tick(board) -> None:
    """The board's countdown timer fires."""
    board.timer.timeout.emit()


def shown(board, kind: str = "wait") -> list[tuple[str, str, str, str]]:
    """(queue number, minutes, seat, name) of each tile on screen, in order."""
    return [(t.number.text(), t.left.text(), t.seat.text(), t.name.text()) for t in board.shown_tiles(kind)]


def test_tiles_are_sorted_by_time_to_release_and_count_down(board, store, clock):
    a, b, c = injected(store, clock, 3)  # queue numbers in this order
    seat(store, c)  # seated first: leaves first, though its number is the highest
    clock.advance(minutes=4)
    seat(store, a)
    clock.advance(minutes=3)
    seat(store, b)
    tick(board)
    assert [e.visit_id for e in board.entries] == [c, a, b]
    minutes = [board.tr("{m} min").format(m=m) for m in (23, 27, 30)]
    assert [row[:2] for row in shown(board)] == [
        (str(queue_no(store, v)), m) for v, m in zip((c, a, b), minutes, strict=True)
    ]
    assert [row[2] for row in shown(board)] == [board.tr("Seat {seat}").format(seat=s) for s in (1, 2, 3)]
    assert board.clock.text() == f"{clock():%H:%M}"

    clock.advance(minutes=20)
    tick(board)
    assert [e.left for e in board.entries] == [3, 7, 10]
    assert shown(board)[0][1] == board.tr("{m} min").format(m=3)
    assert board.up() == [] and board.up_empty.isVisible()

    clock.advance(minutes=3)
    tick(board)
    assert [t.number.text() for t in board.shown_tiles("up")] == [str(queue_no(store, c))]
    assert [row[0] for row in shown(board)] == [str(queue_no(store, a)), str(queue_no(store, b))]
    assert not board.up_empty.isVisible()


def test_time_up_alert_fires_once_per_person(board, store, clock, qtbot, beeps):
    a, b = injected(store, clock, 2)
    seat(store, a)
    clock.advance(minutes=2)
    seat(store, b)
    tick(board)
    alerts: list[list[str]] = []
    board.time_did_come_up.connect(alerts.append)

    clock.advance(minutes=28)  # a's 30 minutes are up, b has 2 left
    with qtbot.waitSignal(board.time_did_come_up, timeout=1000) as signal:
        tick(board)
    assert signal.args == [[a]] and len(beeps) == 1
    assert board.fresh(a) and not board.fresh(b)
    for _ in range(3):  # the next looks: no second alert for the same person
        clock.advance(seconds=20)
        tick(board)
    board.hub.refresh()  # a change anywhere re-reads: still no second alert
    assert alerts == [[a]] and len(beeps) == 1

    clock.advance(minutes=2)
    tick(board)
    assert alerts == [[a], [b]] and len(beeps) == 2
    assert [t.visit_id for t in board.shown_tiles("up")] == [a, b]

    clock.advance(minutes=5)  # the glow fades after a few minutes; the tiles stay green
    tick(board)
    assert not board.fresh(a) and not board.fresh(b)
    assert [t.visit_id for t in board.shown_tiles("up")] == [a, b]
    assert alerts == [[a], [b]]


def test_no_alarm_for_people_already_up_when_the_board_opens(hub, qtbot, store, clock, beeps):
    from ui.board import BoardWindow

    (v,) = injected(store, clock)
    seat(store, v)
    clock.advance(minutes=31)
    board = BoardWindow(hub)
    qtbot.addWidget(board)
    alerts: list = []
    board.time_did_come_up.connect(alerts.append)
    tick(board)
    assert [e.visit_id for e in board.up()] == [v]
    assert alerts == [] and beeps == []


def test_a_closed_board_stops_watching_and_reopens_without_old_alarms(board, store, clock, beeps):
    (v,) = injected(store, clock)
    seat(store, v)
    board.close()
    assert not board.timer.isActive() and not board.pager.isActive()
    clock.advance(minutes=40)  # their time came up while the board was closed
    board.show()
    assert board.timer.isActive()
    assert [e.visit_id for e in board.up()] == [v] and beeps == []


def test_a_reaction_extends_and_alerts_again_when_up_again(board, store, clock):
    (v,) = injected(store, clock)
    seat(store, v)
    alerts: list = []
    board.time_did_come_up.connect(alerts.append)
    clock.advance(minutes=30)
    tick(board)
    assert alerts == [[v]]
    observe.report_aefi(
        store, v, staff_id="obs1", category="fever", severity="mild", handling="observed", extend_minutes=15
    )
    tick(board)
    assert board.up() == [] and [e.left for e in board.entries] == [15]
    clock.advance(minutes=15)
    tick(board)
    assert alerts == [[v], [v]]


def test_names_are_masked_and_a_reaction_is_only_a_marker(board, store, clock):
    a, b = injected(store, clock, 2, name="欧阳修远")
    seat(store, a)
    seat(store, b)
    observe.report_aefi(
        store, b, staff_id="obs1", category="allergic_rash", severity="moderate", handling="treated_on_site"
    )
    tick(board)
    assert [e.name for e in board.entries] == ["欧***", "欧***"]
    texts = " ".join(label.text() for label in board.findChildren(QLabel))
    assert "欧阳修远" not in texts and "欧***" in texts
    for secret in ("皮疹", "rash", "allergic", "中度", "moderate", "AEFI", "过敏"):
        assert secret not in texts  # no details of a reaction on a public screen
    marks = {t.visit_id: t.mark.isVisible() for t in board.shown_tiles()}
    assert marks == {a: False, b: True}


def test_follows_another_connection(board, store, clock, tmp_path, qtbot):
    """Another laptop (here another connection to the same file) seats and releases people."""
    (v,) = injected(store, clock)
    other = Store.open(store.path, now=clock)
    try:
        seat(other, v)
        qtbot.waitUntil(lambda: [e.visit_id for e in board.entries] == [v], timeout=3000)
        clock.advance(minutes=30)
        observe.release(other, v, staff_id="obs1")
        qtbot.waitUntil(lambda: board.entries == [], timeout=3000)
        assert board.shown_tiles("up") == [] and board.wait_empty.isVisible()
    finally:
        other.close()


def test_pages_turn_when_not_every_tile_fits(board, store, clock):
    visits = injected(store, clock, 30)
    for v in visits:
        seat(store, v)
        clock.advance(seconds=10)
    board.resize(1280, 720)
    QApplication.processEvents()
    board._fill()
    per_page = len(board.shown_tiles())
    assert 0 < per_page < 30
    seen: list[str] = []
    for _ in range(-(-30 // per_page)):
        seen += [t.visit_id for t in board.shown_tiles()]
        board.next_page()
    assert seen == visits  # every person once, in order
    assert (
        board.tr("page {page} of {pages}").format(page=1, pages=-(-30 // per_page)) == board.wait_page.text()
    )


def test_a_second_row_of_people_who_may_leave_pushes_the_rest_down(board, store, clock):
    """The green panel grows to two rows when more may leave than fit in one: the observing tiles
    still fit above the footer (counted again with the smaller room)."""

    def fits() -> bool:
        area = board.wait_area
        return all(t.geometry().bottom() < area.height() for t in board.shown_tiles()) and (
            area.geometry().bottom() < board.footer.geometry().top()
            and board.up_panel.geometry().bottom() < area.geometry().top()
        )

    early = injected(store, clock, 9)
    for v in early:
        seat(store, v)
        clock.advance(minutes=1)
    for v in injected(store, clock, 30):
        seat(store, v)
    clock.advance(minutes=25)  # 5 of the early ones are up: one row
    tick(board)
    one_row = len(board.shown_tiles())
    assert len(board.up()) == 5 and fits()
    clock.advance(minutes=4)  # all 9: two rows
    tick(board)
    assert len(board.up()) == 9 and fits()
    assert 0 < len(board.shown_tiles()) < one_row
    for v in early[:6]:
        observe.release(store, v, staff_id="obs1")
    tick(board)  # 3 left up: back to one row
    assert len(board.up()) == 3 and fits() and len(board.shown_tiles()) == one_row


def test_big_type_for_a_screen_5_m_away(board, store, clock):
    (v,) = injected(store, clock)
    seat(store, v)
    tick(board)
    (tile,) = board.shown_tiles()
    assert tile.number.fontInfo().pixelSize() >= 60  # at 1920x1080: 4 cm on a 55" TV
    assert tile.left.fontInfo().pixelSize() >= 40 and tile.name.fontInfo().pixelSize() >= 28
    assert board.title.fontInfo().pixelSize() >= 56


def test_a_desk_letter_and_digits_and_the_minutes_fit_on_a_tile(board, store, clock):
    import dataclasses

    a, b = injected(store, clock, 2)
    seat(store, a)
    clock.advance(minutes=20)
    seat(store, b)
    clock.advance(minutes=10)
    tick(board)
    for number in ("A001", "B023", "W999", "A1005", "W1005"):
        board.entries = [dataclasses.replace(e, number=number) for e in board.entries]
        board._fill()
        for kind, minutes in (("up", ""), ("wait", board.tr("{m} min").format(m=30))):
            (tile,) = board.shown_tiles(kind)
            assert tile.number.text() == number
            margins = tile.layout().contentsMargins()
            room = tile.contentsRect().width() - margins.left() - margins.right()
            needed = tile.number.fontMetrics().horizontalAdvance(number)
            needed += tile.left.fontMetrics().horizontalAdvance(minutes) + 8 if minutes else 0
            assert needed <= room, (number, kind, needed, room)
            size, full = tile.number.fontInfo().pixelSize(), board._number_px[kind]
            if number in ("A001", "B023"):  # the usual numbers at full size
                assert size == full, (number, kind, size)
            else:  # wider ones a little smaller, still large
                assert 0.7 * full <= size <= full, (number, kind, size)


def test_windowed_on_one_screen(board):
    from ui.board import board_screen

    assert board_screen() is None  # the offscreen platform has one screen
    assert board.show_on_board_screen() is False
    assert board.isVisible() and not board.isFullScreen()


def test_f9_on_the_observation_page_opens_the_board(make_hub, qtbot, store, clock):
    from ui.pages.observe import ObservePage

    page = ObservePage(make_hub("obs1", ("observe",)))
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    page.code.setFocus()
    (v,) = injected(store, clock)
    seat(store, v)
    qtbot.keyClick(page.code, Qt.Key.Key_F9)
    board = page.board
    assert board is not None and board.isVisible() and board.isWindow()
    assert [e.visit_id for e in board.entries] == [v]
    qtbot.keyClick(page.code, Qt.Key.Key_F9)  # again: the same board comes forward
    assert page.board is board
    page.hub.lock()  # the desk locks: the page greys out, the board does not
    page.refresh()
    assert not page.isEnabled() and board.isEnabled()
    board.close()


def test_station_board_is_a_station_command(station_qapp, store, tmp_path, monkeypatch):
    from importlib.metadata import entry_points

    import ui.app
    from ui import board as boardmod

    (ep,) = [e for e in entry_points(group="vaccination_station.commands") if e.name == "board"]
    assert ep.value == "ui.board:board_command" and ep.load() is boardmod.board_command

    opened: list = []
    monkeypatch.setattr(ui.app, "make_app", lambda lang: station_qapp)
    monkeypatch.setattr(QApplication, "exec", lambda self: opened.append(self) or 0)
    monkeypatch.setattr(Settings, "load", classmethod(lambda cls, folder=None: cls(site_name="测试接种点")))
    assert boardmod.run_board(store.path.parent, "zh", windowed=True) == 0
    assert opened == [station_qapp]


def test_station_board_without_a_database_says_so(tmp_path, capsys):
    from ui.board import run_board

    assert run_board(tmp_path / "nothing-here", "zh") == 2
    assert str(tmp_path / "nothing-here") in capsys.readouterr().err


def test_a_person_handed_over_to_hospital_leaves_the_board(board, store, clock):
    """转送医院 ends the observation: no tile, no countdown, no "may leave" alert later; and nothing on
    the public screen says why."""
    a, b = injected(store, clock, 2)
    seat(store, a)
    seat(store, b)
    alerts: list = []
    board.time_did_come_up.connect(alerts.append)
    tick(board)
    assert {e.visit_id for e in board.entries} == {a, b}
    clock.advance(minutes=5)
    observe.report_aefi(
        store,
        b,
        staff_id="obs1",
        category="anaphylaxis",
        severity="severe",
        handling="transferred_to_hospital",
    )
    tick(board)
    assert [e.visit_id for e in board.entries] == [a]
    texts = " ".join(label.text() for label in board.findChildren(QLabel) if label.isVisible())
    assert queue_no(store, b) not in texts and "医院" not in texts
    clock.advance(minutes=30)
    tick(board)
    assert alerts == [[a]]
