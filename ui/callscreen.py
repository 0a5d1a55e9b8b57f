"""The calling screen (叫号屏): a read-only screen for a TV or second screen in the waiting hall.

The latest call large ("A023", "请到 3 号接种台"), glowing for a few seconds when it is new; the
previous few calls beside it with their desks; below, the next numbers of each step (pre-screen,
injection, in the order the desks take them) and the numbers who may leave observation. Each new
call (a recall too: a new ``Called`` event) is spoken through ``ui.speech`` ("请A零二三号到3号接种台",
``settings.call_repeat`` times at ``settings.call_volume``); without a voice the screen works the same.

It reads the store (station/calls.py) on the hub's ``records_did_change`` (local writes, other
processes, other laptops' events arriving by sync) and every few seconds (the glow, the observation
countdown). It needs no login and records nothing. Opened by `station call-screen`
(ui/callscreen_cli.py); full screen on a second screen when there is one; F11 toggles full screen,
Esc leaves it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from station import calls as callsmod
from station.calls import Call
from ui.boardwindow import DIGITS, board_screen, title_bar
from ui.qt import QFrame, QHBoxLayout, QLabel, QScreen, Qt, QTimer, QVBoxLayout, QWidget, Signal
from ui.speech import Speaker, make_speaker
from ui.widgets import shortcut

REFRESH_MS = 3_000
BLINK_MS = 600
FRESH = timedelta(seconds=20)  # a new call glows this long
PREVIOUS = 5  # earlier calls listed beside the latest
NEXT = 5  # next numbers shown per step
LEAVE = 8  # numbers who may leave shown at most (the count is in the title)
DESIGN = (1920, 1080)

INK = "#1f2328"
BLUE = "#0550ae"
BLUE_DARK = "#033d8b"
GLOW = "#ffd33d"
GREEN = "#1a7f37"
GREY = "#57606a"


class CallScreen(QWidget):
    """The calling screen; see the module's docstring."""

    did_call = Signal(list)  # event ids of calls just seen (and spoken)

    def __init__(self, hub, parent: QWidget | None = None, *, speaker: Speaker | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.hub = hub
        self.speaker = speaker if speaker is not None else make_speaker(hub.lang, self)
        self.calls: list[Call] = []
        self.next: dict[str, list[str]] = {"prescreen": [], "inject": []}
        self.leaving: list[str] = []
        self.fresh_since: dict[str, datetime] = {}  # event id -> when this screen first saw the call
        self._seen: set[str] | None = None  # None until the first look: no voice for earlier calls
        self._blink = False
        self._scale = 1.0
        self._watching = False
        self.setWindowTitle(self.tr("Calling screen"))
        self.setObjectName("callscreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)

        # --- header --------------------------------------------------------------------------------
        header, self.title, self.site, self.clock = title_bar(self.tr("Calling"), hub.settings.site_name)

        # --- the latest call -----------------------------------------------------------------------
        self.now_panel = QFrame()
        self.now_panel.setProperty("part", "now")
        self.now_panel.setProperty("glow", "off")
        self.now_caption = QLabel(self.tr("Now calling"))
        self.now_caption.setProperty("part", "now_caption")
        self.now_number = QLabel()
        self.now_number.setProperty("part", "now_number")
        self.now_number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.now_desk = QLabel()
        self.now_desk.setProperty("part", "now_desk")
        self.now_desk.setAlignment(Qt.AlignmentFlag.AlignCenter)
        now_box = QVBoxLayout(self.now_panel)
        now_box.addWidget(self.now_caption)
        now_box.addWidget(self.now_number, 3)
        now_box.addWidget(self.now_desk, 1)

        # --- the previous calls --------------------------------------------------------------------
        self.prev_panel = QFrame()
        self.prev_panel.setProperty("part", "panel")
        self.prev_title = QLabel(self.tr("Called before"))
        self.prev_title.setProperty("part", "panel_title")
        self.prev_rows: list[tuple[QLabel, QLabel]] = []
        prev_box = QVBoxLayout(self.prev_panel)
        prev_box.addWidget(self.prev_title)
        for _ in range(PREVIOUS):
            number, desk = QLabel(), QLabel()
            number.setProperty("part", "prev_number")
            desk.setProperty("part", "prev_desk")
            desk.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            row = QHBoxLayout()
            row.addWidget(number)
            row.addWidget(desk, 1)
            prev_box.addLayout(row)
            self.prev_rows.append((number, desk))
        prev_box.addStretch(1)

        top = QHBoxLayout()
        top.addWidget(self.now_panel, 5)
        top.addWidget(self.prev_panel, 3)

        # --- next numbers per step, and who may leave ------------------------------------------
        self.step_labels: dict[str, QLabel] = {}
        self.step_titles: dict[str, QLabel] = {}
        bottom = QHBoxLayout()
        for key, caption in (
            ("prescreen", self.tr("Next for pre-screen")),
            ("inject", self.tr("Next for injection")),
            ("leave", self.tr("May leave (observation over)")),
        ):
            panel = QFrame()
            panel.setProperty("part", "leave" if key == "leave" else "panel")
            head = QLabel(caption)
            head.setProperty("part", "leave_title" if key == "leave" else "panel_title")
            numbers = QLabel()
            numbers.setProperty("part", "leave_numbers" if key == "leave" else "numbers")
            numbers.setWordWrap(True)
            numbers.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            box = QVBoxLayout(panel)
            box.addWidget(head)
            box.addWidget(numbers, 1)
            bottom.addWidget(panel, 1)
            self.step_labels[key] = numbers
            self.step_titles[key] = head

        self.footer = QLabel(
            self.tr(
                "When your number is called, go to that injection desk. Missed your number? Tell the staff."
            )
        )
        self.footer.setProperty("part", "footer")
        self.footer.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(top, 5)
        layout.addLayout(bottom, 3)
        layout.addWidget(self.footer)

        shortcut(self, "F11", self.toggle_full_screen)
        shortcut(self, "Esc", self.showNormal)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.blinker = QTimer(self)
        self.blinker.setInterval(BLINK_MS)
        self.blinker.timeout.connect(self._toggle_blink)
        self._apply_scale(1.0)
        self.resize(1280, 720)
        self.refresh()

    # --- reading ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the calls and the queues; speak each call not heard before."""
        store, now = self.hub.store, self.hub.now()
        day = now.date()
        self.calls = callsmod.calls(store, day, limit=3 * PREVIOUS)  # recalls repeat numbers: room to skip
        self.next = callsmod.next_numbers(store, day, limit=NEXT)
        self.leaving = callsmod.may_leave(store, now)
        ids = [c.event_id for c in self.calls]
        new = [] if self._seen is None else [c for c in self.calls if c.event_id not in self._seen]
        self._seen = (self._seen or set()) | set(ids)
        for c in new:
            self.fresh_since[c.event_id] = now
        for event_id in list(self.fresh_since):
            if event_id not in ids or now - self.fresh_since[event_id] >= FRESH:
                del self.fresh_since[event_id]
        self.clock.setText(f"{now:%H:%M}")
        self._fill()
        heard = [c for c in reversed(new) if c.waiting]  # oldest first; not those already answered
        for c in heard:
            self.speaker.say(
                callsmod.spoken_call(c.number, c.desk, self.hub.lang),
                repeat=self.hub.settings.call_repeat,
                volume=self.hub.settings.call_volume,
            )
        if new:
            self.did_call.emit([c.event_id for c in new])

    def latest(self) -> Call | None:
        return self.calls[0] if self.calls else None

    def previous(self) -> list[Call]:
        """The calls before the latest, each number once (its latest call; a recall moves it up)."""
        out: list[Call] = []
        numbers = {self.calls[0].visit_id} if self.calls else set()
        for c in self.calls[1:]:
            if c.visit_id not in numbers:
                numbers.add(c.visit_id)
                out.append(c)
        return out[:PREVIOUS]

    def fresh(self, event_id: str) -> bool:
        """Whether the call ``event_id`` is new on this screen (it glows)."""
        return event_id in self.fresh_since

    # --- showing ---------------------------------------------------------------------------------
    def desk_text(self, desk: str) -> str:
        return self.tr("Injection desk {desk}").format(desk=desk)

    def _fill(self) -> None:
        latest = self.latest()
        if latest is None:
            self.now_number.setText("—")
            self.now_desk.setText(self.tr("Waiting for the first call"))
        else:
            self.now_number.setText(latest.number)
            self.now_desk.setText(self.tr("Please go to {desk}").format(desk=self.desk_text(latest.desk)))
        previous = self.previous()
        for i, (number, desk) in enumerate(self.prev_rows):
            if i < len(previous):
                c = previous[i]
                number.setText(c.number)
                desk.setText(self.desk_text(c.desk))
                for w in (number, desk):
                    self._set(w, "done", "no" if c.waiting else "yes")
            else:
                number.setText("")
                desk.setText("")
        none = self.tr("none")
        for key in ("prescreen", "inject"):
            self.step_labels[key].setText("　".join(self.next[key]) or none)
        self.step_labels["leave"].setText(
            "　".join(self.leaving[:LEAVE]) or none
        )  # the first 8: longest waiting
        self.step_titles["leave"].setText(
            self.tr("May leave: {n}").format(n=len(self.leaving))
            if len(self.leaving) > LEAVE
            else self.tr("May leave (observation over)")
        )
        if latest is not None and self.fresh(latest.event_id):
            if not self.blinker.isActive():
                self._blink = True
                self.blinker.start()
            self._set(self.now_panel, "glow", "on" if self._blink else "off")
        else:
            self.blinker.stop()
            self._blink = False
            self._set(self.now_panel, "glow", "off")

    @staticmethod
    def _set(widget: QWidget, name: str, value: str) -> None:
        if widget.property(name) != value:
            widget.setProperty(name, value)
            for w in (widget, *widget.findChildren(QLabel)):  # the labels' colour follows the panel's
                w.style().unpolish(w)
                w.style().polish(w)

    def _toggle_blink(self) -> None:
        self._blink = not self._blink
        latest = self.latest()
        on = self._blink and latest is not None and self.fresh(latest.event_id)
        self._set(self.now_panel, "glow", "on" if on else "off")

    def shown(self) -> dict[str, object]:
        """What the screen shows now (tests, screenshots)."""
        return {
            "number": self.now_number.text(),
            "desk": self.now_desk.text(),
            "previous": [(n.text(), d.text()) for n, d in self.prev_rows if n.text()],
            "prescreen": self.step_labels["prescreen"].text(),
            "inject": self.step_labels["inject"].text(),
            "leave": self.step_labels["leave"].text(),
        }

    # --- size and screen -------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        scale = max(0.4, min(self.width() / DESIGN[0], self.height() / DESIGN[1]))
        if abs(scale - self._scale) > 0.01:
            self._apply_scale(scale)

    def _apply_scale(self, scale: float) -> None:
        self._scale = scale

        def px(n: float) -> int:
            return max(1, round(n * scale))

        self.setStyleSheet(
            f"""
            QWidget#callscreen {{ background: #f6f8fa; }}
            QLabel {{ color: {INK}; background: transparent; }}
            QLabel[part="title"] {{ font-size: {px(60)}px; font-weight: bold; }}
            QLabel[part="site"] {{ font-size: {px(32)}px; color: {GREY}; }}
            QLabel[part="clock"] {{ font-family: {DIGITS}; font-size: {px(84)}px; font-weight: bold; }}
            QFrame[part="now"] {{ background: {BLUE}; border-radius: {px(20)}px;
                                  border: {px(8)}px solid {BLUE_DARK}; }}
            QFrame[part="now"][glow="on"] {{ background: {GLOW}; border-color: #bf8700; }}
            QFrame[part="now"] QLabel {{ color: white; }}
            QFrame[part="now"][glow="on"] QLabel {{ color: {INK}; }}
            QLabel[part="now_caption"] {{ font-size: {px(44)}px; font-weight: bold; }}
            QLabel[part="now_number"] {{ font-family: {DIGITS}; font-size: {px(250)}px; font-weight: bold; }}
            QLabel[part="now_desk"] {{ font-size: {px(84)}px; font-weight: bold; }}
            QFrame[part="panel"] {{ background: white; border-radius: {px(16)}px;
                                    border: {px(2)}px solid #d0d7de; }}
            QFrame[part="panel"] QLabel, QFrame[part="leave"] QLabel {{ border: none; }}
            QLabel[part="panel_title"] {{ font-size: {px(42)}px; font-weight: bold; color: #424a53; }}
            QLabel[part="prev_number"] {{ font-family: {DIGITS}; font-size: {px(72)}px; font-weight: bold; }}
            QLabel[part="prev_desk"] {{ font-size: {px(54)}px; font-weight: bold; color: {BLUE}; }}
            QLabel[part="prev_number"][done="yes"], QLabel[part="prev_desk"][done="yes"] {{ color: #8c959f; }}
            QLabel[part="numbers"] {{ font-family: {DIGITS}; font-size: {px(66)}px; font-weight: bold; }}
            QFrame[part="leave"] {{ background: {GREEN}; border-radius: {px(16)}px; }}
            QLabel[part="leave_title"] {{ font-size: {px(42)}px; font-weight: bold; color: white; }}
            QLabel[part="leave_numbers"] {{ font-family: {DIGITS}; font-size: {px(66)}px; font-weight: bold;
                                            color: white; }}
            QLabel[part="footer"] {{ font-size: {px(34)}px; color: #424a53; }}
            """
        )

    # --- on screen only while shown: a closed screen neither reads nor speaks -----------------------
    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if not self._watching:
            self._watching = True
            self.hub.records_did_change.connect(self.refresh)
            self.timer.start()
            self._seen = None  # (re)opened: earlier calls are shown, not spoken again
            self.refresh()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().hideEvent(event)
        if self._watching and not self.isVisible():
            self._watching = False
            self.hub.records_did_change.disconnect(self.refresh)
            self.timer.stop()
            self.blinker.stop()
            self.speaker.stop()

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def show_on_call_screen(self, avoid: QScreen | None = None) -> bool:
        """Full screen on a screen other than ``avoid`` (default: the primary) when there is one, else
        in a window. Returns whether it went full screen."""
        screen = board_screen(avoid)
        if screen is None:
            self.show()
            self.raise_()
            return False
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.raise_()
        return True
