"""Observation desk: seat the people just injected, count down their 30 minutes, record reactions, release.

The observation area is seen by the public, so names are masked here. Everything reads the tables
again on each change (the hub's ``records_did_change``) and every 20 seconds (the countdown).

Each person seated gets their slip printed at once (ui/printing.py, off the UI thread); F8 reprints
it. The exit scan of a slip's QR or a queue number releases the person at once when their time is
up, and refuses with the minutes left before. F9 opens the waiting-area board (ui/board.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from station import bookings, flow, observe, signin, slips, steps
from station.errors import DomainError
from station.identity import mask_name, normalize_id
from ui.boardwindow import BoardWindow
from ui.camera import attach_camera
from ui.pages.base import Page
from ui.printing import SlipPrinter
from ui.qt import (
    QAbstractItemView,
    QColor,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSize,
    QSpinBox,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTime,
    QTimeEdit,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.widgets import Banner, CodeInput, button, fixed_columns, label, product_short, shortcut

REFRESH_MS = 20_000  # the countdown is in whole minutes: a re-read every 20 s keeps it right
NEARLY_FULL = 0.9  # share of seats taken from which the room shows a warning
DONE_BG = QColor("#dafbe1")  # time is up: may leave
SERIOUS_BG = QColor("#ffebe9")
SERIOUS_FG = QColor("#a40e26")
VISIT_ROLE = Qt.ItemDataRole.UserRole
CAMERA_PREVIEW = QSize(160, 120)  # the exit camera's preview: enough to aim a slip at


def hhmm(iso: str | None) -> str:
    return datetime.fromisoformat(iso).strftime("%H:%M") if iso else ""


class ObservePage(Page):
    role = "observe"
    permission = "release"
    AUTO_PRINT = True  # print the slip when a person is seated (no setting: every site wants it)

    COLUMNS = 8
    C_SEAT, C_QUEUE, C_NAME, C_PRODUCT, C_INJECTED, C_UNTIL, C_LEFT, C_AEFI = range(COLUMNS)

    def __init__(self, hub, camera: str | None = None) -> None:
        """``camera``: a camera for the exit scan (``station --camera``, else ``settings.camera``);
        without one the exit scan takes the scanner gun and the keyboard only."""
        super().__init__(hub)
        self.rows: list[dict[str, Any]] = []  # people observing, soonest release first
        self.waiting_rows: list[dict[str, Any]] = []
        self.selected: str | None = None  # visit id chosen in the table (click, arrows or exit scan)
        self.aefi_dialog: AefiDialog | None = None
        self.board: BoardWindow | None = None
        self.printer = SlipPrinter(hub, self)
        self.printer.printed.connect(self._slip_printed)
        self.printer.failed.connect(self._slip_failed)
        self.printer.previewed.connect(lambda _visit_id: self.print_status.clear_message())

        # --- left: people injected, waiting for a seat --------------------------------------------
        self.waiting = QListWidget()
        self.waiting.setMinimumWidth(300)
        self.waiting.setWordWrap(True)  # long product names wrap instead of scrolling sideways
        self.waiting.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.waiting.setStyleSheet("QListWidget { font-size: 19px; } QListWidget::item { padding: 6px; }")
        self.seat_button = button(self.tr("Seat (F2)"), "primary")
        self.seat_button.clicked.connect(self.seat_next)
        self.waiting.itemActivated.connect(lambda _item: self.seat_next())
        self.seat_no = label("")
        self.seat_no.setStyleSheet("font-size: 72px; font-weight: bold; color: #1f6feb;")
        self.seat_no.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.seat_who = label(self.tr("Press F2 to seat the first person waiting"), wrap=True)
        self.seat_who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.occupancy = label()
        self.room = Banner()  # nearly full / full: stays while it is true
        self.print_status = Banner()  # printing: its own line, so it never hides the seat or exit message

        left = QVBoxLayout()
        left.addWidget(label(self.tr("Waiting for a seat"), "title"))
        left.addWidget(self.waiting, 1)
        left.addWidget(self.seat_button)
        seat_row = QHBoxLayout()
        seat_row.addWidget(label(self.tr("Seat"), "title"))
        seat_row.addWidget(self.seat_no, 1)
        left.addLayout(seat_row)
        left.addWidget(self.seat_who)
        left.addWidget(self.occupancy)
        left.addWidget(self.room)
        left.addWidget(self.print_status)

        # --- right: the observation area ----------------------------------------------------------
        self.code = CodeInput(self.tr("Exit scan: queue number or slip code, then Enter"))
        self.code.code_submitted.connect(self.find)
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Seat"),
                self.tr("No."),
                self.tr("Name"),
                self.tr("Vaccine"),
                self.tr("Injected"),
                self.tr("Until"),
                self.tr("Left"),
                self.tr("Reaction"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(38)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.C_PRODUCT, QHeaderView.ResizeMode.Stretch)
        self.table.currentCellChanged.connect(self._current_changed)

        self.who = label(wrap=True)  # the person the buttons act on
        self.who.setStyleSheet("font-size: 19px; font-weight: bold;")
        self.release_button = button(self.tr("Release (F5)"), "primary")
        self.release_button.clicked.connect(self.release)
        self.early_button = button(self.tr("Release early (F6)"), "warn")
        self.early_button.clicked.connect(self.release_early)
        self.aefi_button = button(self.tr("Adverse reaction (F7)"), "danger")
        self.aefi_button.clicked.connect(self.report_aefi)
        self.reprint_button = button(self.tr("Reprint slip (F8)"))
        self.reprint_button.clicked.connect(self.reprint)
        self.preview_button = button(self.tr("Print preview"))
        self.preview_button.clicked.connect(self.preview_slip)
        self.board_button = button(self.tr("Board (F9)"))
        self.board_button.clicked.connect(self.open_board)

        right = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(label(self.tr("Observation area"), "title"))
        top.addWidget(self.code, 1)
        # the scan box and the message; the exit camera's preview (when there is one) beside them
        self.scan_area = QHBoxLayout()
        self.scan_column = QVBoxLayout()
        self.scan_column.addLayout(top)
        self.scan_column.addWidget(self.banner)
        self.scan_area.addLayout(self.scan_column, 1)
        right.addLayout(self.scan_area)
        right.addWidget(self.table, 1)
        right.addWidget(self.who)
        buttons = QHBoxLayout()
        for b in (self.release_button, self.early_button, self.aefi_button):
            buttons.addWidget(b)
        right.addLayout(buttons)
        more = QHBoxLayout()
        self.correct_button = button(self.tr("Correct…"))
        self.correct_button.setObjectName("correct_last")
        self.correct_button.setToolTip(self.tr("Correct or void your last reaction report"))
        self.correct_button.clicked.connect(self.correct_last)
        for b in (self.reprint_button, self.preview_button, self.board_button, self.correct_button):
            more.addWidget(b)
        right.addLayout(more)

        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(right, 5)
        spec = camera or hub.settings.camera
        self.camera = None
        if spec:
            # A small preview beside the scan box, not a 320x240 one above it: that one squeezed the
            # table to three rows on a 1366x700 window. It only aims the slip; decoding reads full frames.
            self.camera = attach_camera(self, self.code, spec, preview_size=CAMERA_PREVIEW)
            self.scan_column.removeWidget(self.camera)
            self.camera.setFixedWidth(CAMERA_PREVIEW.width() + 180)  # the preview and its status line
            self.scan_area.addWidget(self.camera)

        shortcut(self, "F2", self.seat_next)
        shortcut(self, "F5", self.release)
        shortcut(self, "F6", self.release_early)
        shortcut(self, "F7", self.report_aefi)
        shortcut(self, "F8", self.reprint)
        shortcut(self, "F9", self.open_board)
        # scan -> table -> buttons; the waiting list and its button last
        QWidget.setTabOrder(self.code, self.table)
        QWidget.setTabOrder(self.table, self.release_button)
        QWidget.setTabOrder(self.release_button, self.early_button)
        QWidget.setTabOrder(self.early_button, self.aefi_button)
        QWidget.setTabOrder(self.aefi_button, self.reprint_button)
        QWidget.setTabOrder(self.reprint_button, self.preview_button)
        QWidget.setTabOrder(self.preview_button, self.board_button)
        QWidget.setTabOrder(self.board_button, self.waiting)
        QWidget.setTabOrder(self.waiting, self.seat_button)

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()

    def correct_last(self):
        """Your own last reaction report, to correct (description, handling) or void, with a reason."""
        from ui.pages.audit_panel import open_last_own

        return open_last_own(self, ("AdverseEventReported",))

    def title(self) -> str:
        # the step's number and name, as on the printed signs (one source: station/steps.py)
        return steps.desk_title(self.role, self.hub.lang)

    # --- reading --------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.setEnabled(self.hub.may(self.permission))
        store, day = self.hub.store, self.hub.today().isoformat()
        self.rows = signin.add_queue_prefix(store, observe.observing(store, day))
        ids = [r["visit_id"] for r in self.rows]
        doses: dict[str, dict[str, Any]] = {}
        aefi: dict[str, dict[str, Any]] = {}
        if ids:
            for d in store.all(
                """SELECT d.visit_id, d.product, d.at FROM doses d JOIN visits v USING (visit_id)
                   WHERE v.day = ? AND v.state = 'observing' ORDER BY d.at""",
                [day],
            ):
                doses[d["visit_id"]] = d  # the latest dose of the visit wins
            for a in store.all(
                """SELECT a.visit_id, count(*) AS n, max(a.serious) AS serious
                   FROM aefi a JOIN visits v USING (visit_id)
                   WHERE v.day = ? AND v.state = 'observing' GROUP BY a.visit_id""",
                [day],
            ):
                aefi[a["visit_id"]] = a
        for r in self.rows:
            r["product"] = doses.get(r["visit_id"], {}).get("product")
            r["injected"] = doses.get(r["visit_id"], {}).get("at")
            r["serious"] = bool(aefi.get(r["visit_id"], {}).get("serious"))
        self.waiting_rows = store.all(
            """SELECT v.visit_id, v.queue_prefix, v.queue_no, v.injected_at, p.name,
                      (SELECT d.product FROM doses d WHERE d.visit_id = v.visit_id
                       ORDER BY d.at DESC LIMIT 1) AS product
               FROM visits v JOIN people p USING (person_id)
               WHERE v.day = ? AND v.state = 'injected' ORDER BY v.injected_at, v.queue_no""",
            [day],
        )
        self._fill_table()
        self._fill_waiting()
        self._show_room()
        self._show_who()

    def _fill_table(self) -> None:
        now = self.hub.now()
        keep = self.selected
        self.table.blockSignals(True)
        with fixed_columns(self.table):
            self._fill_rows(now)
        self.table.blockSignals(False)
        self.selected = None
        if not (keep and self.select(keep)):
            self.table.clearSelection()
            self.table.setCurrentCell(-1, -1)

    def _fill_rows(self, now) -> None:
        self.table.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            left = observe.minutes_left(r, now)
            r["left"] = left
            aefi_text = ""
            if r["aefi_count"]:
                aefi_text = self.tr("AEFI ×{n}").format(n=r["aefi_count"])
                if r["serious"]:
                    aefi_text += " " + self.tr("SERIOUS")
            cells = [
                str(r["seat"]) if r["seat"] else self.tr("standing"),
                signin.queue_label(r),
                mask_name(r["name"]),
                product_short(self.hub.rules, r["product"], self.hub.lang),
                hhmm(r["injected"]),
                hhmm(r["until"]),
                self.tr("may leave") if left == 0 else self.tr("{n} min").format(n=left),
                aefi_text,
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setData(VISIT_ROLE, r["visit_id"])
                if c in (self.C_SEAT, self.C_QUEUE, self.C_LEFT):
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                if c in (self.C_SEAT, self.C_QUEUE, self.C_INJECTED, self.C_UNTIL, self.C_LEFT):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if left == 0:
                    item.setBackground(DONE_BG)
                if c == self.C_AEFI and r["aefi_count"]:
                    item.setForeground(SERIOUS_FG)
                    if r["serious"]:
                        item.setBackground(SERIOUS_BG)
                self.table.setItem(i, c, item)

    def _fill_waiting(self) -> None:
        keep = self.waiting.currentItem().data(VISIT_ROLE) if self.waiting.currentItem() else None
        self.waiting.blockSignals(True)
        self.waiting.clear()
        for r in self.waiting_rows:
            text = self.tr("No. {n}  {name}  {time}\n{product}").format(
                n=signin.queue_label(r) or "-",
                name=mask_name(r["name"]),
                time=hhmm(r["injected_at"]),
                product=product_short(self.hub.rules, r["product"], self.hub.lang),
            )
            item = QListWidgetItem(text)
            item.setData(VISIT_ROLE, r["visit_id"])
            self.waiting.addItem(item)
            if r["visit_id"] == keep:
                self.waiting.setCurrentItem(item)
        self.waiting.blockSignals(False)
        self.seat_button.setEnabled(bool(self.waiting_rows))

    def _show_room(self) -> None:
        seats = max(1, int(self.hub.settings.seats))
        taken = sum(1 for r in self.rows if r["seat"])
        self.occupancy.setText(
            self.tr("Seats taken: {taken} of {seats}  ·  observing: {n}").format(
                taken=taken, seats=seats, n=len(self.rows)
            )
        )
        if taken >= seats:
            self.room.show_message(
                self.tr("The observation area is full: new arrivals observe standing until a seat frees up"),
                "error",
            )
        elif taken >= seats * NEARLY_FULL:
            self.room.show_message(
                self.tr("The observation area is nearly full: {free} seats free").format(free=seats - taken),
                "warn",
            )
        else:
            self.room.clear_message()

    def _show_who(self) -> None:
        r = self.row(self.selected)
        if r is None:
            self.who.setText(self.tr("Scan the slip or choose a person in the table"))
            return
        self.who.setText(
            self.tr("No. {n}  {name}  ·  seat {seat}  ·  until {until}").format(
                n=signin.queue_label(r),
                name=mask_name(r["name"]),
                seat=r["seat"] or self.tr("standing"),
                until=hhmm(r["until"]),
            )
        )

    def row(self, visit_id: str | None) -> dict[str, Any] | None:
        return next((r for r in self.rows if r["visit_id"] == visit_id), None)

    def _current_changed(self, current_row: int, *_: int) -> None:
        item = self.table.item(current_row, 0) if current_row >= 0 else None
        self.selected = item.data(VISIT_ROLE) if item else None
        self._show_who()

    def select(self, visit_id: str) -> bool:
        """Make ``visit_id`` the person the buttons act on; False when they are not observing."""
        for i in range(self.table.rowCount()):
            if self.table.item(i, 0).data(VISIT_ROLE) == visit_id:
                self.table.setCurrentCell(i, self.C_NAME)
                self.table.scrollToItem(self.table.item(i, 0))
                self.selected = visit_id
                self._show_who()
                return True
        return False

    # --- the exit scan --------------------------------------------------------------------------
    def find(self, text: str) -> None:
        """A queue number, the slip's exit QR (or its visit id) or an ID number: select that person.

        The exit scan proper (the slip's QR or a queue number) also releases the person at once
        when their time is up; before, it refuses with the minutes left (F6 then releases early,
        with a reason)."""
        self.banner.clear_message()
        self.code.selectAll()  # the next scan replaces it
        text = text.strip()
        visit = self._lookup(text)
        if visit is None:
            self.banner.show_message(self.tr("No visit today for “{code}”").format(code=text), "error")
            return
        n = signin.queue_label(visit)
        exit_scan = slips.parse_exit_payload(text) is not None or _is_queue_number(text)
        if visit["state"] == flow.OBSERVING:
            if not self.select(visit["visit_id"]):  # seated a moment ago elsewhere: not listed yet
                self.refresh()
                self.select(visit["visit_id"])
            r = self.row(visit["visit_id"])
            if r and exit_scan:
                self._exit(r)
            elif r and r["left"] == 0:
                self.banner.show_message(
                    self.tr("No. {n}: time is up, press F5 to release").format(n=n), "ok"
                )
            elif r:
                self.banner.show_message(
                    self.tr("No. {n}: {m} more minutes (until {until})").format(
                        n=n, m=r["left"], until=hhmm(r["until"])
                    ),
                    "info",
                )
            return
        if visit["state"] == flow.INJECTED:
            for i in range(self.waiting.count()):
                if self.waiting.item(i).data(VISIT_ROLE) == visit["visit_id"]:
                    self.waiting.setCurrentRow(i)
            self.banner.show_message(self.tr("No. {n} has no seat yet: press F2 to seat").format(n=n), "warn")
            return
        code = flow.refusal("Released", visit["state"]) or "step_not_allowed"
        self.banner.show_message(
            self.tr("No. {n}: {why}").format(n=n, why=self.hub.message(DomainError(code))), "error"
        )

    def _exit(self, r: dict[str, Any]) -> None:
        """The exit scan of a person observing: out at once when the time is up, else refused."""
        left = observe.minutes_left(r, self.hub.now())  # now, not at the last refresh
        if left == 0:
            if self.act(observe.release, r["visit_id"]):
                self._released(r, self.tr("No. {n} may leave").format(n=signin.queue_label(r)))
            return
        self.banner.show_message(
            self.tr("No. {n} may not leave yet: {m} more minutes (until {until}). F6 releases early").format(
                n=signin.queue_label(r), m=left, until=hhmm(r["until"])
            ),
            "error",
        )

    def _lookup(self, text: str) -> dict[str, Any] | None:
        store, day = self.hub.store, self.hub.today().isoformat()
        text = slips.parse_exit_payload(text) or text  # the slip's exit QR carries the visit id
        if _is_queue_number(text):
            return signin.find_by_queue_no(store, day, text)
        visit = store.one("SELECT * FROM visits WHERE visit_id = ?", [text])
        if visit is not None:
            return visit if visit["day"] == day else None
        return store.one(
            """SELECT v.* FROM visits v JOIN people p USING (person_id)
               WHERE v.day = ? AND p.id_number = ? ORDER BY v.queue_no DESC LIMIT 1""",
            [day, normalize_id(text)],
        )

    # --- acting ---------------------------------------------------------------------------------
    def seat_next(self) -> None:
        """Seat the chosen person in the waiting list (the first if none is chosen) at the lowest free seat."""
        item = self.waiting.currentItem() or self.waiting.item(0)
        if item is None:
            self.banner.show_message(self.tr("No one is waiting for a seat"), "info")
            return
        visit_id = item.data(VISIT_ROLE)
        queue_no = signin.queue_label(bookings.visit(self.hub.store, visit_id))
        obs = self.act(
            observe.start_observation, visit_id, seats=self.hub.settings.seats, rules=self.hub.rules
        )
        if not obs:
            return
        seat = str(obs["seat"]) if obs["seat"] else self.tr("standing")
        self.seat_no.setText(seat)
        self.seat_who.setText(self.tr("No. {n}").format(n=queue_no))
        self.banner.show_message(
            self.tr("No. {n}: seat {seat}, observe until {until}").format(
                n=queue_no, seat=seat, until=hhmm(obs["until"])
            ),
            "ok",
        )
        self.refresh()
        self.select(visit_id)
        self.waiting.setCurrentRow(0)
        self.focus_scan()
        if self.AUTO_PRINT:
            self.print_slip(visit_id)

    def _chosen(self) -> dict[str, Any] | None:
        r = self.row(self.selected)
        if r is None:
            self.banner.show_message(self.tr("Scan the slip or choose a person in the table first"), "warn")
        return r

    def release(self) -> None:
        r = self._chosen()
        if r is None:
            return
        if self.act(observe.release, r["visit_id"]):
            self._released(r, self.tr("No. {n} released: may leave").format(n=signin.queue_label(r)))

    def release_early(self) -> None:
        r = self._chosen()
        if r is None:
            return
        left = observe.minutes_left(r, self.hub.now())
        if left == 0:  # the time is up: an ordinary release, no reason needed
            self.release()
            return
        reason, ok = QInputDialog.getText(
            self,
            self.tr("Release early"),
            self.tr("No. {n} has {m} minutes left.\nReason for releasing early (required):").format(
                n=signin.queue_label(r), m=left
            ),
        )
        if not ok:
            return
        if not reason.strip():
            self.banner.show_message(self.tr("Releasing early needs a reason: nobody was released"), "error")
            return
        if self.act(observe.release, r["visit_id"], override_reason=reason.strip()):
            self._released(
                r,
                self.tr("No. {n} released early ({m} minutes left)").format(n=signin.queue_label(r), m=left),
            )

    def _released(self, r: dict[str, Any], text: str) -> None:
        self.banner.show_message(text, "ok")
        self.selected = None
        self.code.clear()
        self.refresh()
        self.focus_scan()

    def focus_scan(self) -> None:
        """After each action the exit scan has the focus, its text selected: a scanner gun's next
        code replaces it instead of going to a button or the table."""
        self.code.setFocus()
        self.code.selectAll()

    # --- slips and the board ----------------------------------------------------------------------
    def print_slip(self, visit_id: str, preview: bool = False) -> None:
        queue_no = signin.queue_label(bookings.visit(self.hub.store, visit_id))
        self.print_status.show_message(
            self.tr("No. {n}: preparing the slip…").format(n=queue_no)
            if preview
            else self.tr("No. {n}: printing the slip…").format(n=queue_no),
            "info",
        )
        self.printer.print_slip(visit_id, preview=preview)

    def reprint(self) -> None:
        r = self._chosen()
        if r is not None:
            self.print_slip(r["visit_id"])

    def preview_slip(self) -> None:
        r = self._chosen()
        if r is not None:
            self.print_slip(r["visit_id"], preview=True)

    def _slip_printed(self, visit_id: str, where: str) -> None:
        queue_no = signin.queue_label(bookings.visit(self.hub.store, visit_id))
        self.print_status.show_message(
            self.tr("No. {n}: slip printed ({printer})").format(n=queue_no, printer=where), "ok"
        )

    def _slip_failed(self, visit_id: str, message: str) -> None:
        self.print_status.show_message(message, "error")

    def open_board(self) -> None:
        """The waiting-area board: full screen on a second screen when there is one."""
        if self.board is None:
            # A window of its own, no parent: a child window would grey out with this page when the
            # desk locks (the board needs no login). It does not keep the program running once the
            # desk window is closed.
            self.board = BoardWindow(self.hub)
            self.board.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.board.show_on_board_screen(avoid=self.window().screen())

    def report_aefi(self) -> None:
        """Open the adverse-reaction form for the chosen person (observing, or else waiting for a seat)."""
        r = self.row(self.selected)
        if r is None and self.waiting.currentItem() is not None:
            r = next(
                (
                    w
                    for w in self.waiting_rows
                    if w["visit_id"] == self.waiting.currentItem().data(VISIT_ROLE)
                ),
                None,
            )
        if r is None:
            self._chosen()
            return
        if self.aefi_dialog is not None:  # one form at a time; the last one goes
            self.aefi_dialog.deleteLater()
        dialog = AefiDialog(self.hub, r, self)
        dialog.recorded.connect(self._aefi_recorded)
        self.aefi_dialog = dialog
        dialog.open()  # window-modal without a nested event loop

    def _aefi_recorded(self, row: dict[str, Any]) -> None:
        self.refresh()
        self.focus_scan()
        n = signin.queue_label(bookings.visit(self.hub.store, row["visit_id"]))
        if observe.outcome(self.hub.store, row["visit_id"]) == observe.HANDED_OVER:
            if self.selected == row["visit_id"]:
                self.selected = None
            self.banner.show_message(
                self.tr(
                    "No. {n}: handed over to hospital, observation ended. "
                    "SERIOUS adverse reaction: report it immediately"
                ).format(n=n),
                "error",
            )
            return
        if row.get("serious"):
            self.banner.show_message(
                self.tr("No. {n}: SERIOUS adverse reaction: report it immediately").format(n=n), "error"
            )
            return
        until = self.row(row["visit_id"])
        self.banner.show_message(
            self.tr("No. {n}: adverse reaction recorded").format(n=n)
            + ("　" + self.tr("observe until {until}").format(until=hhmm(until["until"])) if until else ""),
            "warn",
        )


def _is_queue_number(text: str) -> bool:
    """A queue number as called ("A023"), or plain digits for desk A ("23")."""
    return signin.parse_queue_no(text) is not None


class AefiDialog(QDialog):
    """A suspected adverse event following immunization: what, how bad, what was done, since when."""

    recorded = Signal(dict)

    def __init__(self, hub, visit: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.visit = visit
        self.result_row: dict[str, Any] | None = None
        self.setWindowTitle(self.tr("Adverse reaction"))
        self.setMinimumWidth(560)
        self.setStyleSheet("QTimeEdit { min-height: 38px; font-size: 19px; }")  # as big as the other fields
        self.banner = Banner()

        self.category = QComboBox()
        groups = (("common", self.tr("Common reactions")), ("rare", self.tr("Rare / adverse reactions")))
        for kind, caption in groups:
            self.category.addItem(f"— {caption} —", "")  # not None: see admin.fill on PySide and None
            self.category.model().item(self.category.count() - 1).setEnabled(False)
            for code, k in observe.AEFI_CATEGORIES.items():
                if k == kind:
                    self.category.addItem(self.category_label(code), code)
        self.category.setCurrentIndex(1)
        self.severity = QComboBox()
        for code in observe.SEVERITIES:
            self.severity.addItem(self.severity_label(code), code)
        self.handling = QComboBox()
        for code in observe.HANDLINGS:
            self.handling.addItem(self.handling_label(code), code)
        self.handling.currentIndexChanged.connect(lambda _i: self._handling_changed())
        now = hub.now()
        self.onset = QTimeEdit(QTime(now.hour, now.minute))
        self.onset.setDisplayFormat("HH:mm")
        self.extend = QSpinBox()
        self.extend.setRange(0, 240)
        self.extend.setSingleStep(5)
        self.extend.setValue(30)
        self.extend.setSuffix(self.tr(" min"))
        self.notes = QLineEdit()
        self.notes.setPlaceholderText(self.tr("What was seen, what was done"))

        form = QFormLayout()
        form.addRow(self.tr("Reaction"), self.category)
        form.addRow(self.tr("Severity"), self.severity)
        form.addRow(self.tr("Handling"), self.handling)
        form.addRow(self.tr("Onset time"), self.onset)
        form.addRow(self.tr("Extend observation by"), self.extend)
        form.addRow(self.tr("Notes"), self.notes)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Record (Enter)"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel (Esc)"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            label(
                self.tr("Adverse reaction: No. {n}  {name}").format(
                    n=signin.queue_label(visit) or "-", name=mask_name(visit.get("name") or "")
                ),
                "title",
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.banner)
        layout.addWidget(self.buttons)
        self._handling_changed()
        self.category.setFocus()

    def _handling_changed(self) -> None:
        """Handed over to hospital ends the observation: there is nothing to extend."""
        handed_over = self.handling.currentData() == observe.HANDED_OVER
        self.extend.setEnabled(not handed_over)
        if handed_over:
            self.banner.show_message(
                self.tr("Handed over to hospital: recording it ends this person's observation"), "warn"
            )
        else:
            self.banner.clear_message()

    def category_label(self, code: str) -> str:
        return {
            "fever": self.tr("Fever"),
            "local_redness": self.tr("Redness at the injection site"),
            "local_swelling": self.tr("Swelling at the injection site"),
            "induration": self.tr("Hard lump (induration)"),
            "local_pain": self.tr("Pain at the injection site"),
            "headache": self.tr("Headache"),
            "fatigue": self.tr("Fatigue"),
            "nausea": self.tr("Nausea"),
            "allergic_rash": self.tr("Allergic rash"),
            "anaphylaxis": self.tr("Anaphylaxis (severe allergic reaction)"),
            "vasovagal_syncope": self.tr("Fainting (vasovagal syncope)"),
            "other": self.tr("Other"),
        }.get(code, code)

    def severity_label(self, code: str) -> str:
        return {"mild": self.tr("Mild"), "moderate": self.tr("Moderate"), "severe": self.tr("Severe")}.get(
            code, code
        )

    def handling_label(self, code: str) -> str:
        return {
            "observed": self.tr("Observed"),
            "treated_on_site": self.tr("Treated on site"),
            "transferred_to_hospital": self.tr("Transferred to hospital"),
        }.get(code, code)

    def onset_at(self) -> datetime:
        now = self.hub.now()
        t = self.onset.time()
        return now.replace(hour=t.hour(), minute=t.minute(), second=0, microsecond=0)

    def accept(self) -> None:
        onset = self.onset_at()
        if onset > self.hub.now():
            self.banner.show_message(self.tr("The onset time is later than now"), "error")
            self.onset.setFocus()
            return
        try:
            row = self.hub.run(
                observe.report_aefi,
                self.visit["visit_id"],
                category=self.category.currentData(),
                severity=self.severity.currentData(),
                handling=self.handling.currentData(),
                onset_at=onset,
                notes=self.notes.text(),
                extend_minutes=self.extend.value() if self.extend.isEnabled() else 0,
            )
        except DomainError as exc:
            self.banner.show_message(self.hub.message(exc), "error")
            return
        self.result_row = row
        super().accept()
        self.recorded.emit(row)
