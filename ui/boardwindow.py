"""The waiting-area board's window: a read-only screen for a TV or second screen in the observation area.

Big tiles, readable from 5 m: at the top, in green, the people who may leave now (queue number,
seat, masked name); below, everyone still observing, soonest release first, with the minutes left.
A reported reaction shows only as a small marker (no details on a public screen). When someone's
time comes up their tile glows for a few minutes, the board beeps and ``time_did_come_up`` fires
with the visit ids.

It reads the tables again every few seconds (the countdown, from ``hub.now()``) and on the hub's
``records_did_change``, which also fires for changes made by other laptops and processes. It needs
no login and records nothing. Opened from the observation page (F9) or by `station board`
(ui/board.py); full screen on a second screen when there is one, else in a window (F11 toggles
full screen).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from station import observe, signin
from station.identity import mask_name
from ui.qt import (
    QApplication,
    QFrame,
    QGuiApplication,
    QHBoxLayout,
    QLabel,
    QScreen,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.widgets import shortcut

REFRESH_MS = 5_000  # the countdown is in whole minutes; the database is re-read on every change too
PAGE_MS = 8_000  # when not every tile fits, the board turns pages this often
BLINK_MS = 700
FRESH = timedelta(minutes=3)  # a tile glows this long after its time came up
DESIGN = (1920, 1080)  # sizes below are for this screen; other sizes scale
# Numbers in a font with a real bold face: the bundled CJK font has none, and Qt's synthetic bold
# is lost on glyphs drawn as large as these. The CJK font stays the fallback.
DIGITS = '"Arial", "Helvetica", "DejaVu Sans", "Liberation Sans", "Noto Sans"'

GREEN = "#1a7f37"
GREEN_DARK = "#116329"
GLOW = "#ffd33d"
INK = "#1f2328"
BLUE = "#0550ae"
MARK = "#bf8700"


@dataclass(frozen=True)
class BoardEntry:
    """One person under observation as the board shows them (nothing more is read)."""

    visit_id: str
    number: str  # the queue number as called ("A001", see signin.format_queue_no); "" when none
    seat: int | None
    name: str  # masked
    until: datetime
    left: int  # whole minutes, rounded up; 0: may leave
    reaction: bool

    @property
    def up(self) -> bool:
        return self.left == 0


class _Tile(QFrame):
    """A person's tile: the queue number large, the seat and the masked name, the minutes left."""

    def __init__(self, kind: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setProperty("kind", kind)  # "up" or "wait"
        self.setProperty("glow", "off")
        self.visit_id = ""
        self.number = QLabel(self)
        self.number.setProperty("part", "number")
        self.left = QLabel(self)
        self.left.setProperty("part", "left")
        self.left.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.seat = QLabel(self)
        self.seat.setProperty("part", "seat")
        self.mark = QLabel("●", self)  # a reaction was reported: a marker, no details on a public screen
        self.mark.setProperty("part", "mark")
        self.mark.hide()
        self.name = QLabel(self)
        self.name.setProperty("part", "name")
        self.name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.number)
        top.addWidget(self.left, 1)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.seat)
        bottom.addWidget(self.mark)
        bottom.addWidget(self.name, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(14, 4, 14, 6)
        box.setSpacing(0)
        box.addLayout(top, 1)
        box.addLayout(bottom)
        if kind == "up":  # the whole green panel says "may leave"; the number takes the room
            self.left.hide()

    def set_glow(self, on: bool) -> None:
        value = "on" if on else "off"
        if self.property("glow") != value:
            self.setProperty("glow", value)
            self.style().unpolish(self)
            self.style().polish(self)


class _TileArea(QWidget):
    """Places same-size tiles in rows and columns; tells how many fit."""

    resized = Signal()

    def __init__(self, kind: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.kind = kind
        self.tile_w = self.tile_h = 100
        self.gap = 16
        self.tiles: list[_Tile] = []

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.resized.emit()

    def height_for(self, rows: int) -> int:
        return rows * self.tile_h + max(0, rows - 1) * self.gap

    def set_tile_size(self, w: int, h: int, gap: int) -> None:
        self.tile_w, self.tile_h, self.gap = w, h, gap

    def columns(self) -> int:
        return max(1, (self.width() + self.gap) // (self.tile_w + self.gap))

    def rows(self) -> int:
        return max(1, (self.height() + self.gap) // (self.tile_h + self.gap))

    def capacity(self) -> int:
        return self.columns() * self.rows()

    def show_tiles(self, count: int) -> list[_Tile]:
        """``count`` tiles placed and shown (made or reused), the others hidden."""
        while len(self.tiles) < count:
            self.tiles.append(_Tile(self.kind, self))
        cols = self.columns()
        for i, tile in enumerate(self.tiles):
            if i < count:
                r, c = divmod(i, cols)
                tile.setGeometry(
                    c * (self.tile_w + self.gap), r * (self.tile_h + self.gap), self.tile_w, self.tile_h
                )
                tile.show()
            else:
                tile.hide()
                tile.visit_id = ""
        return self.tiles[:count]


class BoardWindow(QWidget):
    """The waiting-area board; see the module's docstring."""

    time_did_come_up = Signal(list)  # visit ids whose observation time just ended

    def __init__(self, hub, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.hub = hub
        self.entries: list[BoardEntry] = []  # everyone observing, soonest release first
        self.up_since: dict[str, datetime] = {}  # visit id -> when the board saw their time come up
        self._known_up: set[str] | None = None  # None until the first look: no alarm for those already up
        self._page = {"up": 0, "wait": 0}
        self._blink = False
        self._scale = 1.0
        self._fill_pending = False
        self.setWindowTitle(self.tr("Observation area board"))
        self.setObjectName("board")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)

        # --- header: site, title, clock -------------------------------------------------------------
        header, self.title, self.site, self.clock = title_bar(self.tr("Observation area"), hub.settings.site_name)

        # --- may leave --------------------------------------------------------------------------------
        self.up_panel = QFrame()
        self.up_panel.setProperty("part", "up_panel")
        self.up_title = QLabel(self.tr("May leave now"))
        self.up_title.setProperty("part", "up_title")
        self.up_hint = QLabel(self.tr("Show your slip at the exit"))
        self.up_hint.setProperty("part", "up_hint")
        self.up_hint.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.up_empty = QLabel(self.tr("Numbers appear here when their time is up"))
        self.up_empty.setProperty("part", "empty_light")
        self.up_area = _TileArea("up", self.up_panel)
        self.up_area.resized.connect(self._fill_soon)
        up_head = QHBoxLayout()
        up_head.addWidget(self.up_title)
        up_head.addWidget(self.up_hint, 1)
        up_box = QVBoxLayout(self.up_panel)
        up_box.addLayout(up_head)
        up_box.addWidget(self.up_empty)
        up_box.addWidget(self.up_area, 1)

        # --- still observing --------------------------------------------------------------------------
        self.wait_title = QLabel()
        self.wait_title.setProperty("part", "wait_title")
        self.wait_page = QLabel()
        self.wait_page.setProperty("part", "wait_title")
        self.wait_page.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.wait_empty = QLabel(self.tr("No one is under observation"))
        self.wait_empty.setProperty("part", "empty")
        self.wait_area = _TileArea("wait", self)
        self.wait_area.resized.connect(self._fill_soon)
        wait_head = QHBoxLayout()
        wait_head.addWidget(self.wait_title, 1)
        wait_head.addWidget(self.wait_page)

        self.footer = QLabel(
            self.tr(
                "Please stay {minutes} minutes after your injection. When your number is in green you "
                "may leave. Feel unwell? Tell the staff at once."
            ).format(minutes=hub.rules.observation_minutes)
        )
        self.footer.setProperty("part", "footer")
        self.footer.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.up_panel)
        layout.addLayout(wait_head)
        layout.addWidget(self.wait_empty)
        layout.addWidget(self.wait_area, 1)
        layout.addWidget(self.footer)

        shortcut(self, "F11", self.toggle_full_screen)
        shortcut(self, "Esc", self.showNormal)

        self.timer = QTimer(self)  # the countdown
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.pager = QTimer(self)
        self.pager.setInterval(PAGE_MS)
        self.pager.timeout.connect(self.next_page)
        self.blinker = QTimer(self)
        self.blinker.setInterval(BLINK_MS)
        self.blinker.timeout.connect(self._toggle_blink)
        self._watching = False
        self._apply_scale(1.0)
        self.resize(1280, 720)
        self.refresh()

    # --- reading --------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read who is observing; alert for anyone whose time has just come up."""
        now = self.hub.now()
        rows = signin.add_queue_prefix(
            self.hub.store, observe.observing(self.hub.store, now.date().isoformat())
        )
        self.entries = [
            BoardEntry(
                visit_id=r["visit_id"],
                number=signin.queue_label(r),
                seat=r["seat"],
                name=mask_name(r["name"] or ""),
                until=datetime.fromisoformat(r["until"]),
                left=observe.minutes_left(r, now),
                reaction=bool(r["aefi_count"]),
            )
            for r in rows
        ]  # soonest release first (observe.observing's order)
        up_now = [e.visit_id for e in self.entries if e.up]
        if self._known_up is None:
            came_up: list[str] = []
        else:
            came_up = [v for v in up_now if v not in self._known_up]
        self._known_up = set(up_now)  # someone extended by a reaction alerts again when up again
        for v in came_up:
            self.up_since[v] = now
        for v in list(self.up_since):
            if v not in self._known_up or now - self.up_since[v] >= FRESH:
                del self.up_since[v]
        self.clock.setText(f"{now:%H:%M}")
        self._fill()
        if came_up:
            QApplication.beep()
            self.time_did_come_up.emit(came_up)

    def up(self) -> list[BoardEntry]:
        return [e for e in self.entries if e.up]

    def waiting(self) -> list[BoardEntry]:
        return [e for e in self.entries if not e.up]

    def fresh(self, visit_id: str) -> bool:
        """Whether the tile of ``visit_id`` glows (their time came up a moment ago)."""
        return visit_id in self.up_since

    # --- showing --------------------------------------------------------------------------------
    def _fill(self) -> None:
        up, waiting = self.up(), self.waiting()
        self.up_empty.setVisible(not up)
        self.up_area.setVisible(bool(up))
        self.wait_empty.setVisible(not waiting)
        self.wait_area.setVisible(bool(waiting))
        self.wait_title.setText(self.tr("Still observing: {n}").format(n=len(waiting)))

        # One row of people who may leave, two when more wait at the exit (the rest page).
        rows = 2 if len(up) > self.up_area.columns() else 1
        if self.up_area.height() != self.up_area.height_for(rows):
            self.up_area.setFixedHeight(self.up_area.height_for(rows))
            # Lay out again now, panel then window: the observing area's new height, before
            # counting what fits (left to the event loop, the panel kept its old height).
            self.up_panel.layout().invalidate()
            self.up_panel.updateGeometry()
            self.layout().invalidate()
            self.layout().activate()
        shown = self._page_of("up", up, self.up_area.columns() * rows)
        for tile, e in zip(self.up_area.show_tiles(len(shown)), shown, strict=True):
            self._fill_tile(tile, e)
            tile.set_glow(self.fresh(e.visit_id) and self._blink)

        capacity = self.wait_area.capacity()
        shown = self._page_of("wait", waiting, capacity)
        pages = max(1, -(-len(waiting) // capacity))
        self.wait_page.setText(
            self.tr("page {page} of {pages}").format(page=self._page["wait"] + 1, pages=pages)
            if pages > 1
            else ""
        )
        for tile, e in zip(self.wait_area.show_tiles(len(shown)), shown, strict=True):
            tile.left.setText(self.tr("{m} min").format(m=e.left))  # before the number is fitted beside it
            self._fill_tile(tile, e)
        if any(self.fresh(e.visit_id) for e in up):
            if not self.blinker.isActive():
                self.blinker.start()
        else:
            self.blinker.stop()
            self._blink = False

    def _fill_soon(self) -> None:
        """Fill again once the layout has settled (tile areas resized: a different capacity)."""
        if not self._fill_pending:
            self._fill_pending = True
            QTimer.singleShot(0, self._fill_later)

    def _fill_later(self) -> None:
        self._fill_pending = False
        self._fill()

    def _fill_tile(self, tile: _Tile, e: BoardEntry) -> None:
        tile.visit_id = e.visit_id
        tile.number.setText(e.number or "—")
        seat = self.tr("Seat {seat}").format(seat=e.seat) if e.seat else self.tr("standing")
        tile.seat.setText(seat)
        tile.mark.setVisible(e.reaction)
        tile.name.setText(e.name)
        self._fit_number(tile)

    def _fit_number(self, tile: _Tile) -> None:
        """The number at its full size, smaller only when it would not fit (beside the minutes): a
        wide desk letter and four digits, W1005, on a tile sized for A001."""
        full = self._number_px[tile.property("kind")]
        margins = tile.layout().contentsMargins()
        room = tile.contentsRect().width() - margins.left() - margins.right()
        if not tile.left.isHidden():
            room -= tile.left.fontMetrics().horizontalAdvance(tile.left.text()) + 8
        now_px = tile.number.fontInfo().pixelSize() or full
        needed = tile.number.fontMetrics().horizontalAdvance(tile.number.text()) * full / now_px
        size = full if needed <= room else max(1, int(full * room / needed))
        tile.number.setStyleSheet("" if size == full else f"font-size: {size}px;")

    def _page_of(self, kind: str, entries: list[BoardEntry], capacity: int) -> list[BoardEntry]:
        pages = max(1, -(-len(entries) // capacity))
        page = self._page[kind] % pages
        self._page[kind] = page
        return entries[page * capacity : (page + 1) * capacity]

    def next_page(self) -> None:
        for kind in self._page:
            self._page[kind] += 1
        self._fill()

    def _toggle_blink(self) -> None:
        self._blink = not self._blink
        for tile in self.up_area.tiles:
            if tile.isVisible():
                tile.set_glow(self._blink and self.fresh(tile.visit_id))

    def shown_tiles(self, kind: str = "wait") -> list[_Tile]:
        """The tiles on screen now (tests, screenshots)."""
        area = self.up_area if kind == "up" else self.wait_area
        return [t for t in area.tiles if t.isVisible()] if area.isVisible() else []

    # --- size and screen ----------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        scale = max(0.45, min(self.width() / DESIGN[0], self.height() / DESIGN[1]))
        if abs(scale - self._scale) > 0.01:
            self._apply_scale(scale)
            self._fill_soon()

    def _apply_scale(self, scale: float) -> None:
        self._scale = scale

        def px(n: float) -> int:
            return max(1, round(n * scale))

        # Sized so that a queue number (A001, B023) and "30 min" fit on one line at full size;
        # wider ones (W999, A1005) are set smaller to fit (_fit_number; the tests check both).
        self._number_px = {"up": px(80), "wait": px(60)}
        self.up_area.set_tile_size(px(282), px(150), px(14))
        self.wait_area.set_tile_size(px(364), px(120), px(14))
        self.setStyleSheet(
            f"""
            QWidget#board {{ background: #f6f8fa; }}
            QLabel {{ color: {INK}; }}
            QLabel[part="title"] {{ font-size: {px(60)}px; font-weight: bold; }}
            QLabel[part="site"] {{ font-size: {px(32)}px; color: #57606a; }}
            QLabel[part="clock"] {{ font-family: {DIGITS}; font-size: {px(84)}px; font-weight: bold; }}
            QFrame[part="up_panel"] {{ background: {GREEN}; border-radius: {px(16)}px; }}
            QLabel[part="up_title"] {{ color: white; font-size: {px(56)}px; font-weight: bold; }}
            QLabel[part="up_hint"] {{ color: white; font-size: {px(36)}px; }}
            QLabel[part="empty_light"] {{ color: #d2f4d9; font-size: {px(36)}px; padding: {px(12)}px; }}
            QLabel[part="wait_title"] {{ font-size: {px(42)}px; font-weight: bold; color: #424a53; }}
            QLabel[part="empty"] {{ font-size: {px(40)}px; color: #57606a; padding: {px(24)}px; }}
            QLabel[part="footer"] {{ font-size: {px(32)}px; color: #424a53; }}
            QFrame[kind="up"] {{ background: white; border-radius: {px(12)}px;
                                 border: {px(6)}px solid {GREEN_DARK}; }}
            QFrame[kind="up"][glow="on"] {{ background: #fff8c5; border-color: {GLOW}; }}
            QFrame[kind="wait"] {{ background: white; border-radius: {px(12)}px; border: {px(2)}px solid #d0d7de; }}
            QFrame[kind] QLabel {{ border: none; background: transparent; }}
            QFrame[kind] QLabel[part="number"] {{ font-family: {DIGITS}; font-size: {self._number_px["wait"]}px;
                                                 font-weight: bold; }}
            QFrame[kind="up"] QLabel[part="number"] {{ font-size: {self._number_px["up"]}px; font-weight: bold;
                                                   color: {GREEN_DARK}; }}
            QFrame[kind] QLabel[part="left"] {{ font-size: {px(40)}px; font-weight: bold; color: {BLUE}; }}
            QFrame[kind] QLabel[part="seat"] {{ font-size: {px(30)}px; color: #424a53; }}
            QFrame[kind] QLabel[part="name"] {{ font-size: {px(30)}px; color: #424a53; }}
            QFrame[kind] QLabel[part="mark"] {{ font-size: {px(26)}px; color: {MARK}; }}
            """
        )

    # --- on screen only while shown: a closed board neither polls nor listens ------------------------
    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if not self._watching:
            self._watching = True
            self.hub.records_did_change.connect(self.refresh)
            self.timer.start()
            self.pager.start()
            self._known_up = None  # (re)opened: no alarm for whoever came up while it was closed
            self.refresh()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().hideEvent(event)
        if self._watching and not self.isVisible():
            self._watching = False
            self.hub.records_did_change.disconnect(self.refresh)
            for timer in (self.timer, self.pager, self.blinker):
                timer.stop()

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def show_on_board_screen(self, avoid: QScreen | None = None) -> bool:
        """Full screen on a screen other than ``avoid`` (the desk's; default the primary) when
        there is one, else in a window on this screen. Returns whether it went full screen."""
        screen = board_screen(avoid)
        if screen is None:
            if not self.isVisible():
                self.resize(1280, 720)
            self.show()
            self.raise_()
            return False
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.raise_()
        return True


def _same_screen(a: QScreen | None, b: QScreen | None) -> bool:
    return a is not None and b is not None and (a.name(), a.geometry()) == (b.name(), b.geometry())


def title_bar(title: str, site: str) -> tuple[QHBoxLayout, QLabel, QLabel, QLabel]:
    """The read-only screens' top row (the board, the calling screen): the title over the site's name
    on the left, the clock on the right; the labels carry ``part`` properties for the screens' styles."""
    labels = []
    for text, part in ((title, "title"), (site, "site"), ("", "clock")):
        lab = QLabel(text)
        lab.setProperty("part", part)
        labels.append(lab)
    title_label, site_label, clock = labels
    clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    names = QVBoxLayout()
    names.setSpacing(0)
    names.addWidget(title_label)
    names.addWidget(site_label)
    header = QHBoxLayout()
    header.addLayout(names, 1)
    header.addWidget(clock)
    return header, title_label, site_label, clock


def board_screen(avoid: QScreen | None = None) -> QScreen | None:
    """A screen for the board: one that is not ``avoid`` (default: the primary screen), or None when
    this computer has only one screen."""
    avoid = avoid or QGuiApplication.primaryScreen()
    screens = QGuiApplication.screens()
    if len(screens) < 2:
        return None
    return next((s for s in screens if not _same_screen(s, avoid)), None)
