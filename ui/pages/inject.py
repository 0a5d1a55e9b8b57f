"""Injection desk: call the next person in queue order, check the vaccine and lot, record the dose
from this desk's open vial.

Keyboard: F2 calls the next person (also Space on the button; Enter never calls, so a double Enter
cannot call and inject at once), Enter or F5 records the injection, F3 calls the same person again,
F4 marks them absent (back of the queue), F6 goes to the scan input (scan the vial, Enter: a pack
code opens that vial, a lot number selects the lot), F7 opens a vial of the lot picked, F8
discards the open vial (with a reason: its doses left are wasted). A code typed while a button has
the focus (a scanner gun) goes into the scan box.
There is no way to pick someone out of queue order.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from station import inject, packcodes, signin, steps, stock
from station.errors import DomainError
from station.identity import mask_name
from ui.pages.base import Page
from ui.pages.prescreen import dose_label, page_key
from ui.qt import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.widgets import Banner, PersonCard, button, label, product_name, product_short

PAGE_STYLE = """
QPushButton#call_next { min-height: 72px; font-size: 26px; }
QPushButton[role]:disabled { background: #d0d7de; color: #6e7781; }
QLabel#queue_no { font-size: 150px; font-weight: bold; color: #1f6feb; }
QPushButton#injected { min-height: 72px; font-size: 26px; }
QLabel#vaccine { font-size: 24px; font-weight: bold; color: #0a3069; }
QLabel#dose { font-size: 36px; font-weight: bold; color: #8250df; }
QLabel#lot_info { font-size: 17px; color: #57606a; }
QLabel#route { font-size: 20px; color: #24292f; }
QLabel#notes { font-size: 20px; font-weight: bold; color: #7d4e00; background: #fff8c5; padding: 6px;
               border-radius: 6px; }
QFrame#called { background: white; border: 2px solid #1f6feb; border-radius: 10px; }
QListWidget#waiting { font-size: 19px; }
QFrame#vial { background: white; border: 2px solid #1f883d; border-radius: 10px; }
QFrame#vial[state="none"] { border: 2px solid #bf8700; background: #fff8c5; }
QFrame#vial[state="single"] { border: 1px solid #d0d7de; }
QFrame#vial[state="expired"] { border: 3px solid #cf222e; background: #ffebe9; }
QLabel#vial_left { font-size: 40px; font-weight: bold; color: #116329; }
QFrame#vial[state="expired"] QLabel#vial_left { color: #a40e26; text-decoration: line-through; }
QFrame#vial[state="none"] QLabel#vial_left { color: #7d4e00; }
QFrame#vial[state="single"] QLabel#vial_left { color: #57606a; font-size: 28px; }
QFrame#vial[state="single"] QLabel#vial_state { color: #57606a; font-weight: normal; }
QLabel#vial_lot { font-size: 20px; font-weight: bold; color: #0a3069; }
QLabel#vial_id { font-size: 15px; color: #57606a; }
QLabel#vial_time { font-size: 19px; color: #24292f; }
QLabel#vial_state { font-size: 18px; font-weight: bold; color: #7d4e00; }
QFrame#vial[state="expired"] QLabel#vial_state { color: #a40e26; }
QLabel#vial_others { font-size: 15px; color: #57606a; }
QPushButton#open_vial, QPushButton#discard_vial { min-height: 44px; font-size: 18px; }
"""

VIAL_TICK_MS = 15_000  # a vial runs out of time with no record written: look again this often


def hhmm(iso: str | None) -> str:
    """The clock time of an ISO timestamp, as the station's clock wrote it."""
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).strftime("%H:%M")
    except ValueError:
        return iso[11:16]


def match_lot(code: str, lots: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The lot a scanned code names: the lot number itself, or a longer code (traceability code,
    GS1 label) that contains a lot number; the longest lot number found wins."""
    text = code.strip().upper()
    if not text:
        return None
    for lot in lots:
        if lot["lot_no"].upper() == text:
            return lot
    inside = [lot for lot in lots if len(lot["lot_no"]) >= 4 and lot["lot_no"].upper() in text]
    return max(inside, key=lambda lot: len(lot["lot_no"])) if inside else None


class ScanInput(QLineEdit):
    """Takes a scanner gun's code; its Enter ends the code and goes no further (it never injects)."""

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


class InjectPage(Page):
    role = "inject"
    permission = "inject"

    def __init__(self, hub) -> None:
        super().__init__(hub)
        self.setStyleSheet(PAGE_STYLE)
        self.called: dict[str, Any] | None = None  # the visit called to this desk
        self.planned: dict[str, Any] | None = None  # inject.plan() for it
        self.product = hub.rules.default_product
        # The lot this desk uses, per product (the open vial), once picked or scanned; None after a
        # scan that could not be used (pick again). No entry: the first usable lot (first expiry).
        self.chosen: dict[str, str | None] = {}
        self._acting = False
        self.vial: dict[str, Any] | None = None  # the desk's open vial shown (of the product, else any)
        self.discard_dialog: DiscardVialDialog | None = None

        self.call_button = button(self.tr("Call next (F2)"), "primary")
        self.call_button.setObjectName("call_next")
        self.call_button.setAutoDefault(False)  # Enter injects; it never calls
        self.call_button.setToolTip(self.tr("F2 or Space: call the next person in queue order"))
        self.call_button.clicked.connect(self.call_next)

        # the person called
        self.called_box = QFrame()
        self.called_box.setObjectName("called")
        self.queue_caption = label(self.tr("Now called"), "title")
        self.queue_no = label("", "queue")
        self.queue_no.setObjectName("queue_no")
        self.queue_no.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.queue_no.setMinimumWidth(220)
        self.card = PersonCard()
        self.vaccine = label(wrap=True)
        self.vaccine.setObjectName("vaccine")
        self.dose = label()
        self.dose.setObjectName("dose")
        self.route = label(wrap=True)
        self.route.setObjectName("route")
        self.notes = label(wrap=True)  # what the pre-screen doctor noted (allergy history...)
        self.notes.setObjectName("notes")
        number_col = QVBoxLayout()
        number_col.addWidget(self.queue_caption, 0, Qt.AlignmentFlag.AlignHCenter)
        number_col.addWidget(self.queue_no)
        number_col.addStretch(1)
        who_col = QVBoxLayout()
        who_col.addWidget(self.card)
        who_col.addWidget(self.vaccine)
        who_col.addWidget(self.dose)
        who_col.addWidget(self.route)
        who_col.addWidget(self.notes)
        who_col.addStretch(1)
        boxl = QHBoxLayout(self.called_box)
        boxl.addLayout(number_col)
        boxl.addLayout(who_col, 1)

        # the lot: picked from the usable lots, or scanned from the vial
        self.lot = QComboBox()
        self.lot.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.lot.setMinimumContentsLength(18)
        self.lot.setToolTip(self.tr("Usable lots of this vaccine, first expiry first"))
        self.lot.currentIndexChanged.connect(lambda _i: self.show_lot_info())
        self.lot.activated.connect(self.pick_lot)
        self.lot_scan = ScanInput()
        self.lot_scan.setPlaceholderText(self.tr("Scan the vial's code or type the lot number (F6), Enter"))
        self.lot_scan.setToolTip(
            self.tr(
                "A vial's pack code (GS1 or 20-digit traceability code) opens that vial at this desk; "
                "a lot number selects the lot"
            )
        )
        self.lot_scan.setClearButtonEnabled(True)
        self.lot_scan.returnPressed.connect(self.scan_lot)
        self.lot_info = label(wrap=True)
        self.lot_info.setObjectName("lot_info")
        lot_grid = QGridLayout()
        lot_grid.addWidget(label(self.tr("Lot"), "title"), 0, 0)
        lot_grid.addWidget(self.lot, 0, 1)
        lot_grid.addWidget(self.lot_scan, 0, 2)
        lot_grid.addWidget(self.lot_info, 1, 1, 1, 2)
        lot_grid.setColumnStretch(1, 3)  # "lot · expires · N left" is read whole
        lot_grid.setColumnStretch(2, 2)

        self.inject_button = button(self.tr("Injected (Enter / F5)"), "primary")
        self.inject_button.setObjectName("injected")
        self.recall_button = button(self.tr("Recall (F3)"))
        self.absent_button = button(self.tr("Absent (F4)"), "warn")
        for b, slot in (
            (self.inject_button, self.do_inject),
            (self.recall_button, self.recall),
            (self.absent_button, self.absent),
        ):
            b.setAutoDefault(True)  # Enter presses the focused one
            b.clicked.connect(slot)
        actions = QHBoxLayout()
        actions.addWidget(self.inject_button, 3)
        actions.addWidget(self.recall_button, 1)
        actions.addWidget(self.absent_button, 1)
        self.correct_button = button(self.tr("Correct…"))
        self.correct_button.setObjectName("correct_last")
        self.correct_button.setToolTip(self.tr("Correct or void your last recorded injection"))
        self.correct_button.clicked.connect(self.correct_last)
        actions.addWidget(self.correct_button, 1)

        left = QVBoxLayout()
        left.addWidget(self.banner)
        left.addWidget(self.call_button)
        left.addWidget(self.called_box, 1)
        left.addLayout(lot_grid)
        left.addLayout(actions)

        # this desk's open vial: what the next dose comes from
        self.vial_box = QFrame()
        self.vial_box.setObjectName("vial")
        self.vial_title = label(self.tr("Open vial at this desk"), "title")
        self.vial_left = label()
        self.vial_left.setObjectName("vial_left")
        self.vial_lot = label(wrap=True)
        self.vial_lot.setObjectName("vial_lot")
        self.vial_id = label(wrap=True)
        self.vial_id.setObjectName("vial_id")
        self.vial_id.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.vial_time = label(wrap=True)
        self.vial_time.setObjectName("vial_time")
        self.vial_state = label(wrap=True)
        self.vial_state.setObjectName("vial_state")
        self.vial_others = label(wrap=True)
        self.vial_others.setObjectName("vial_others")
        self.open_button = button(self.tr("Open vial (F7)"))
        self.open_button.setObjectName("open_vial")
        self.open_button.setToolTip(self.tr("Open a vial of the lot picked (or scan the vial's code: F6)"))
        self.discard_button = button(self.tr("Discard (F8)"), "danger")
        self.discard_button.setObjectName("discard_vial")
        self.discard_button.setToolTip(
            self.tr("Discard the open vial: its doses left are recorded as wasted")
        )
        for b, slot in ((self.open_button, self.open_picked), (self.discard_button, self.discard_vial)):
            b.setAutoDefault(True)
            b.clicked.connect(slot)
        vial_buttons = QHBoxLayout()
        vial_buttons.addWidget(self.open_button, 1)
        vial_buttons.addWidget(self.discard_button, 1)
        vbox = QVBoxLayout(self.vial_box)
        vbox.setSpacing(2)
        vbox.addWidget(self.vial_title)
        vbox.addWidget(self.vial_left)
        vbox.addWidget(self.vial_lot)
        vbox.addWidget(self.vial_id)
        vbox.addWidget(self.vial_time)
        vbox.addWidget(self.vial_state)
        vbox.addWidget(self.vial_others)
        vbox.addLayout(vial_buttons)
        self._vial_timer = QTimer(self)
        self._vial_timer.setInterval(VIAL_TICK_MS)
        self._vial_timer.timeout.connect(self.show_vial)
        self._vial_timer.start()

        # the people waiting, for information only
        self.waiting_title = label(self.tr("Waiting"), "title")
        self.waiting = QListWidget()
        self.waiting.setObjectName("waiting")
        self.waiting.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.waiting.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.waiting.setToolTip(self.tr("For information: people are called in queue order (F2)"))
        right = QVBoxLayout()
        right.addWidget(self.vial_box)
        right.addWidget(self.waiting_title)
        right.addWidget(self.waiting, 1)

        layout = QHBoxLayout(self)
        layout.addLayout(left, 5)
        layout.addLayout(right, 2)

        page_key(self, "F2", self.call_next)
        page_key(self, "F3", self.recall)
        page_key(self, "F4", self.absent)
        page_key(self, "F5", self.do_inject)
        page_key(self, "F6", self.focus_scan)
        page_key(self, "F7", self.open_picked)
        page_key(self, "F8", self.discard_vial)

        self.setTabOrder(self.call_button, self.inject_button)
        self.setTabOrder(self.inject_button, self.recall_button)
        self.setTabOrder(self.recall_button, self.absent_button)
        self.setTabOrder(self.absent_button, self.lot)
        self.setTabOrder(self.lot, self.lot_scan)
        self.setTabOrder(self.lot_scan, self.open_button)
        self.setTabOrder(self.open_button, self.discard_button)

        self.show_called(None)
        self.refresh()

    def title(self) -> str:
        # the step's number and name, as on the printed signs (one source: station/steps.py)
        return steps.desk_title(self.role, self.hub.lang)

    def act(self, fn: Any, *args: Any, refused: list[DomainError] | None = None, **kwargs: Any) -> Any:
        """As Page.act, marking the refresh our own write causes as not news from another desk;
        a refusal is also put in ``refused`` when given (to choose where the focus goes)."""
        self._acting = True
        try:
            return self.hub.run(fn, *args, **kwargs)
        except DomainError as exc:
            self.say(exc)
            if refused is not None:
                refused.append(exc)
            return None
        finally:
            self._acting = False

    def correct_last(self) -> Any:
        """Your own last injection, to correct (body site, lot, dose number) or void, with a reason."""
        from ui.pages.audit_panel import open_last_own

        return open_last_own(self, ("Injected",))

    def say(self, exc: DomainError) -> None:
        if "T" in str(exc.facts.get("expires_at", "")):  # a vial's use-by: the clock time is what counts
            exc = DomainError(exc.code, **{**exc.facts, "expires_at": hhmm(exc.facts["expires_at"])})
        self.banner.show_message(self.hub.message(exc), "error")

    @property
    def desk(self) -> str:
        return self.hub.settings.desk

    # --- reading -------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.setEnabled(self.hub.may(self.permission))
        if self.hub.staff is None:
            return
        today = self.hub.today()
        called = inject.called_at_desk(self.hub.store, self.desk, today)
        if called is None and self.called is not None:
            gone = self.called
            self.show_called(None)
            if not self._acting:  # e.g. recorded on another laptop meanwhile
                self.banner.show_message(
                    self.tr("Queue number {n} is no longer waiting at this desk").format(
                        n=signin.queue_label(gone)
                    ),
                    "warn",
                )
        elif called is not None and (self.called is None or called["visit_id"] != self.called["visit_id"]):
            self.show_called(called)  # e.g. after a restart: this desk had called someone
            if not self.banner.kind:
                self.banner.show_message(
                    self.tr(
                        "Queue number {n} is called at this desk: inject (Enter) or mark absent (F4)"
                    ).format(n=signin.queue_label(called)),
                    "info",
                )
        self.fill_lots()
        self.fill_waiting(today)

    def fill_waiting(self, today: date) -> None:
        waiting = [
            v
            for v in inject.queue(self.hub.store, today)
            if not (self.called and v["visit_id"] == self.called["visit_id"])
        ]
        self.waiting_title.setText(self.tr("Waiting: {n}").format(n=len(waiting)))
        self.waiting.clear()
        for v in waiting[:30]:
            text = f"{signin.queue_label(v)}　{mask_name(v['name'])}"
            if v["called_desk"] and v["called_desk"] != str(self.desk):
                text += "　" + self.tr("(desk {desk})").format(desk=v["called_desk"])
            elif v["missed"]:
                text += "　" + self.tr("(missed)")
            item = QListWidgetItem(text)
            item.setFlags(Qt.ItemFlag.NoItemFlags | Qt.ItemFlag.ItemIsEnabled)
            self.waiting.addItem(item)

    def usable_lots(self) -> list[dict[str, Any]]:
        today = self.hub.today().isoformat()
        return [
            lot
            for lot in stock.lots(self.hub.store, self.product)
            if lot["expiry"] >= today and lot["doses_left"] > 0
        ]

    def pick_lot(self, _index: int) -> None:
        self.chosen[self.product] = self.lot.currentData()

    def fill_lots(self) -> None:
        """The usable lots of the product; the lot of the desk's open vial while one is open (the
        next dose comes from it), else the lot picked or scanned, else first expiry first out."""
        auto = self.product not in self.chosen
        keep = self.chosen.get(self.product)
        open_now = stock.open_vial_at(self.hub.store, self.desk, self.product)
        if open_now is not None:
            auto, keep = False, open_now["lot_no"]
        items = [
            (
                self.tr("{lot} · expires {expiry} · {left} left").format(
                    lot=lot["lot_no"], expiry=lot["expiry"], left=lot["doses_left"]
                ),
                lot["lot_no"],
            )
            for lot in self.usable_lots()
        ]
        if self.lot.view().isVisible() and [self.lot.itemData(i) for i in range(self.lot.count())] == [
            data for _, data in items
        ]:
            return  # the list is open in front of the vaccinator: do not pull it away for a count
        self.lot.blockSignals(True)
        self.lot.clear()
        for text, data in items:
            self.lot.addItem(text, data)
        if auto:  # the lot inject.plan suggests (first expiry, first out)
            planned = (
                self.planned["lot"] if self.planned and self.planned["product"] == self.product else None
            )
            keep = planned["lot_no"] if planned else (items[0][1] if items else None)
        index = self.lot.findData(keep) if keep else -1
        self.lot.setCurrentIndex(index)
        self.lot.blockSignals(False)
        self.show_lot_info()
        self.show_vial()

    def show_vial(self) -> None:
        """The desk's open vial of the product (else any open here): doses left, lot, vial id,
        opened and use-by times; red when past its time after opening (it cannot be used)."""
        if self.hub.closed or self.hub.staff is None:
            return
        rules, lang = self.hub.rules, self.hub.lang
        at_desk = stock.desk_vials(self.hub.store, self.desk)
        mine = [v for v in at_desk if v["product"] == self.product]
        self.vial = v = (mine or at_desk or [None])[0]
        others = [o for o in at_desk if v is None or o["vial_id"] != v["vial_id"]]
        self.vial_others.setText(
            "；".join(
                self.tr("also open: {product} lot {lot}, {left} left").format(
                    product=product_short(rules, o["product"], lang), lot=o["lot_no"], left=o["doses_left"]
                )
                for o in others
            )
        )
        self.vial_others.setVisible(bool(others))
        if v is None:
            lot = stock.lot(self.hub.store, self.lot.currentData()) if self.lot.currentData() else None
            single = lot is not None and lot["doses_per_vial"] == 1
            self.vial_box.setProperty("state", "single" if single else "none")
            self.vial_left.setText(self.tr("Single-dose vials") if single else self.tr("No open vial"))
            self.vial_lot.setText("")
            self.vial_id.setText("")
            self.vial_time.setText("")
            self.vial_state.setText(
                self.tr("Each injection opens a vial: nothing to open first")
                if single
                else self.tr(
                    "Open a vial before the next injection: scan it (F6) or pick the lot and press F7"
                )
            )
            self.discard_button.setEnabled(False)
        else:
            self.vial_box.setProperty("state", "expired" if v["expired"] else "open")
            self.vial_left.setText(
                self.tr("{left} of {doses} doses left").format(left=v["doses_left"], doses=v["doses"])
            )
            self.vial_lot.setText(
                self.tr("{product} · lot {lot}").format(
                    product=product_short(rules, v["product"], lang), lot=v["lot_no"]
                )
            )
            self.vial_id.setText(self.tr("Vial {vial}").format(vial=v["vial_id"]))
            self.vial_time.setText(
                self.tr("Opened {opened} · use by {until}").format(
                    opened=hhmm(v["opened_at"]), until=hhmm(v["expires_at"])
                )
            )
            self.vial_state.setText(
                self.tr("Past its time after opening: do not use it. Discard it (F8), then open a new one")
                if v["expired"]
                else ""
            )
            self.discard_button.setEnabled(self.hub.may("waste_dose"))
        for w in (self.vial_lot, self.vial_id, self.vial_time, self.vial_state):
            w.setVisible(bool(w.text()))  # no gaps in the panel
        self.open_button.setEnabled(self.hub.may("open_vial"))
        style = self.vial_box.style()
        for w in (self.vial_box, *self.vial_box.findChildren(QWidget)):
            style.unpolish(w)
            style.polish(w)

    def show_lot_info(self) -> None:
        if self.lot.count() == 0:
            self.lot_info.setText(
                self.tr("No usable lot of {product} in stock").format(
                    product=product_name(self.hub.rules, self.product, self.hub.lang)
                )
            )
        elif self.lot.currentIndex() < 0:
            self.lot_info.setText(self.tr("Pick the lot, or scan the vial"))
        else:
            self.lot_info.setText("")

    def show_called(self, visit: dict[str, Any] | None) -> None:
        self.called = visit
        self.planned = None
        rules, lang = self.hub.rules, self.hub.lang
        if visit is None:
            self.queue_no.setText("")
            self.card.clear()
            self.card.details.setText(self.tr("Nobody called: press F2 to call the next person"))
            self.vaccine.setText("")
            self.dose.setText("")
            self.route.setText("")
            self.notes.hide()
            self.product = rules.default_product
        else:
            self.queue_no.setText(signin.queue_label(visit))
            person = self.hub.store.one("SELECT * FROM people WHERE person_id = ?", [visit["person_id"]])
            self.card.show_person(person or visit, self.hub.today())
            try:
                self.planned = inject.plan(self.hub.store, visit["visit_id"], rules=rules, desk=self.desk)
            except DomainError as exc:  # the history does not allow a dose of this product
                self.product = visit.get("product") or rules.default_product
                self.vaccine.setText(product_name(rules, self.product, lang))
                self.dose.setText("")
                self.say(exc)
            else:
                self.product = self.planned["product"]
                self.vaccine.setText(product_name(rules, self.product, lang))
                self.dose.setText(
                    dose_label(
                        rules, self.product, self.planned["dose_number"], lang, self.planned["is_booster"]
                    )
                )
            prod = rules.products.get(self.product)
            self.route.setText(
                self.tr("{route}, {ml} mL").format(
                    route=prod.route_zh if lang == "zh" else prod.route_en, ml=f"{prod.dose_ml:g}"
                )
                if prod
                else ""
            )
            notes = self.screening_notes(visit["visit_id"])
            self.notes.setText(self.tr("Pre-screen note: {notes}").format(notes="；".join(notes)))
            self.notes.setVisible(bool(notes))
        for b in (self.inject_button, self.recall_button, self.absent_button):
            b.setEnabled(visit is not None)
        self.call_button.setEnabled(visit is None)
        self.fill_lots()

    def screening_notes(self, visit_id: str) -> list[str]:
        raw = self.hub.store.scalar(
            "SELECT notes FROM screenings WHERE visit_id = ? AND outcome = 'pass' ORDER BY at DESC LIMIT 1",
            [visit_id],
        )
        out = []
        for code in json.loads(raw or "[]"):
            note = self.hub.rules.notes.get(code)
            out.append((note.label_zh if self.hub.lang == "zh" else note.label_en) if note else code)
        return out

    # --- acting --------------------------------------------------------------------------------------
    def call_next(self) -> None:
        if not self.hub.may(self.permission):
            return
        if self.called is not None:  # no skipping: this desk's person first
            self.banner.show_message(
                self.tr("Queue number {n} is called at this desk: inject (Enter) or mark absent (F4)").format(
                    n=signin.queue_label(self.called)
                ),
                "warn",
            )
            self.inject_button.setFocus()
            return
        visit = self.act(inject.call_next, desk=self.desk)
        if visit is None:
            if self.banner.kind != "error":
                self.banner.show_message(self.tr("Nobody is waiting for the injection"), "info")
            self.call_button.setFocus()
            return
        self.show_called(visit)
        self.refresh()
        self.banner.show_message(
            self.tr("Calling queue number {n}: {name}").format(
                n=signin.queue_label(visit), name=visit["name"]
            ),
            "info",
        )
        self.inject_button.setFocus()

    def do_inject(self) -> None:
        if not self.hub.may(self.permission) or self.called is None:
            return
        lot_no = self.lot.currentData()
        if not lot_no:
            self.banner.show_message(self.tr("Pick the lot or scan the vial first"), "error")
            self.lot.setFocus()
            return
        who = self.called
        refusal: list[DomainError] = []
        dose = self.act(
            inject.inject,
            who["visit_id"],
            lot_no=lot_no,
            desk=self.desk,
            product=self.product,
            rules=self.hub.rules,
            refused=refusal,
        )
        if not dose:
            self.show_vial()  # e.g. the vial ran out of time since the page last looked
            code = refusal[0].code if refusal else ""
            if code in ("no_open_vial", "vial_empty"):
                self.focus_scan()  # scan the next vial (or F7)
            elif code == "vial_expired":
                self.discard_button.setFocus()
            else:
                self.inject_button.setFocus()
            return
        text = self.tr(
            "Queue number {n} {name}: {dose} recorded (lot {lot}). Please go to observation"
        ).format(
            n=signin.queue_label(who),
            name=who["name"],
            dose=dose_label(self.hub.rules, dose["product"], dose["dose_number"], self.hub.lang),
            lot=dose["lot_no"],
        )
        warnings = self.hub.store.scalar(
            "SELECT json_extract(payload, '$.warnings') FROM events WHERE id = ?", [dose["event_id"]]
        )
        if warnings and warnings != "[]":
            text += "　" + "；".join(self.hub.message(DomainError(code)) for code in json.loads(warnings))
        used = stock.vial(self.hub.store, dose["vial_id"]) if dose.get("vial_id") else None
        if used and used["doses"] > 1:
            text += "　" + (
                self.tr("Vial used up: open the next one before the next injection (scan it or F7)")
                if used["doses_left"] <= 0
                else self.tr("Vial: {left} doses left").format(left=used["doses_left"])
            )
        self.show_called(None)
        self.refresh()
        self.banner.show_message(text, "ok")
        self.call_button.setFocus()

    def recall(self) -> None:
        if not self.hub.may(self.permission) or self.called is None:
            return
        visit = self.act(inject.recall, self.called["visit_id"], desk=self.desk)
        if visit:
            self.banner.show_message(
                self.tr("Calling queue number {n} again: {name}").format(
                    n=signin.queue_label(visit), name=self.called["name"]
                ),
                "info",
            )
        self.inject_button.setFocus()

    def absent(self) -> None:
        if not self.hub.may(self.permission) or self.called is None:
            return
        who = self.called
        visit = self.act(inject.mark_absent, who["visit_id"], desk=self.desk)
        if not visit:
            return
        self.show_called(None)
        self.refresh()
        self.banner.show_message(
            self.tr("Queue number {n} is absent: back of the queue. Call the next (F2)").format(
                n=signin.queue_label(who)
            ),
            "info",
        )
        self.call_button.setFocus()

    def scan_input(self) -> ScanInput:
        return self.lot_scan  # the vial's code is what this desk scans

    def focus_scan(self) -> None:
        self.lot_scan.setFocus()
        self.lot_scan.selectAll()

    def scan_lot(self) -> None:
        """A scanned pack code opens that vial at this desk (open_scanned); a lot number typed (or a
        code holding one of a product the site has no codes for) selects that lot, or says why it
        cannot be used."""
        code = self.lot_scan.text().strip()
        if not code:
            return
        self.lot_scan.clear()
        misread: DomainError | None = None
        try:
            pack = packcodes.parse(code)
        except DomainError as exc:
            pack = None  # not a pack code: a lot number (or a GS1 code misread: say so)
            misread = exc if exc.code.startswith("gs1_") else None
        if pack is not None and self.open_scanned(code, pack):
            return
        lot = match_lot(code, stock.lots(self.hub.store))
        if lot is None:
            self.chosen[self.product] = None  # never inject from the lot that was there before
            self.fill_lots()
            self.say(misread or DomainError("lot_unknown", lot=code.upper()))
            self.lot_scan.setFocus()
            return
        try:
            stock.usable_lot(self.hub.store, lot["lot_no"], self.product, self.hub.today())
        except DomainError as exc:
            self.chosen[self.product] = None
            self.fill_lots()
            self.say(exc)
            self.lot_scan.setFocus()
            return
        self.chosen[self.product] = lot["lot_no"]
        self.fill_lots()
        text = self.tr("Lot {lot} selected").format(lot=lot["lot_no"])
        if lot["doses_per_vial"] > 1 and stock.open_vial_at(self.hub.store, self.desk, self.product) is None:
            text += "　" + self.tr("Multi-dose vials: open one (F7) before the injection")
        self.banner.show_message(text, "info")
        (self.inject_button if self.called else self.call_button).setFocus()

    # --- vials ---------------------------------------------------------------------------------------
    def open_scanned(self, code: str, pack: packcodes.PackCode) -> bool:
        """Open the vial whose pack code was scanned; False when the site has no product for the
        code (then a lot number in it may still select the lot, as before vials were tracked)."""
        rules, lang = self.hub.rules, self.hub.lang
        try:
            code_product = stock.load_stock_rules().product_for(pack)
        except DomainError as exc:
            if match_lot(code, stock.lots(self.hub.store)) is not None:
                return False
            self.say(exc)
            self.lot_scan.setFocus()
            return True
        if self.called is not None and code_product != self.product:
            # the catalogue names products by their names: give the scanned one's, as it words them
            self.say(
                DomainError(
                    "code_wrong_product",
                    product=self.product,
                    code_product=product_name(rules, code_product, lang),
                )
            )
            self.lot_scan.setFocus()
            return True
        lot_no = pack.lot_no
        if lot_no is None:  # a traceability code names no lot: the one picked, else first expiry
            picked = self.lot.currentData() if code_product == self.product else None
            suggested = stock.suggest_lot(self.hub.store, code_product, self.hub.today())
            lot_no = picked or (suggested["lot_no"] if suggested else None)
        self.open_vial(lot_no, code)
        return True

    def open_picked(self) -> None:
        """F7: open a vial of the lot picked in the list (first expiry first is suggested)."""
        if not self.hub.may("open_vial"):
            return
        lot_no = self.lot.currentData()
        if not lot_no:
            self.banner.show_message(self.tr("Pick the lot of the vial to open first"), "error")
            self.lot.setFocus()
            return
        self.open_vial(lot_no, None)

    def open_vial(self, lot_no: str | None, code: str | None) -> None:
        vial = self.act(
            stock.open_vial, desk=self.desk, lot_no=lot_no, scanned_code=code, rules=self.hub.rules
        )
        if vial is None:
            self.fill_lots()  # back to the lot of the vial still open, if one is
            self.lot_scan.setFocus()
            return
        self.chosen[vial["product"]] = vial["lot_no"]
        self.fill_lots()
        self.banner.show_message(
            self.tr("Vial {vial} opened: lot {lot}, {n} doses, use by {until}").format(
                vial=vial["vial_id"], lot=vial["lot_no"], n=vial["doses_left"], until=hhmm(vial["expires_at"])
            ),
            "ok",
        )
        (self.inject_button if self.called else self.call_button).setFocus()

    def discard_vial(self) -> None:
        """F8: discard the open vial shown, with a reason, confirmed in a dialog."""
        if not self.hub.may("waste_dose"):
            return
        self.show_vial()
        if self.vial is None:
            self.banner.show_message(self.tr("No vial is open at this desk"), "info")
            return
        if self.discard_dialog is not None:  # one form at a time; the last one goes
            self.discard_dialog.deleteLater()
        dialog = DiscardVialDialog(self.hub, self.vial, self)
        dialog.discarded.connect(self._vial_discarded)
        self.discard_dialog = dialog
        dialog.open()  # window-modal without a nested event loop

    def _vial_discarded(self, row: dict[str, Any]) -> None:
        self.refresh()
        self.banner.show_message(
            self.tr(
                "Vial {vial} discarded: {n} doses recorded as wasted. Open the next one (scan it or F7)"
            ).format(vial=row["vial_id"], n=row["doses_wasted"]),
            "warn",
        )
        self.focus_scan()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name): keys that no child used
        text = event.text()
        plain = not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        )
        if plain and text and text.isprintable() and not text.isspace() and self.isEnabled():
            # a scanner gun typing while a button has the focus: its code goes to the scan box, so
            # that its closing Enter opens the vial and never presses "Injected"
            self.lot_scan.setFocus()
            self.lot_scan.insert(text)
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.called is not None:
                self.do_inject()
            else:
                self.banner.show_message(
                    self.tr("Nobody is called: press F2 to call the next person"), "info"
                )
            event.accept()
            return
        super().keyPressEvent(event)


class DiscardVialDialog(QDialog):
    """Discard an open vial: why (expired after opening, broken, contaminated, other + note); its
    doses left are recorded as wasted."""

    discarded = Signal(dict)

    def __init__(self, hub, vial: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.vial = vial
        self.setWindowTitle(self.tr("Discard vial"))
        self.setMinimumWidth(560)
        self.banner = Banner()
        self.reason = QComboBox()
        self.reason.addItem(self.tr("— choose the reason —"), "")
        for code in stock.DISCARD_REASONS:
            self.reason.addItem(self.reason_label(code), code)
        self.reason.setCurrentIndex(self.reason.findData("expired_after_opening") if vial["expired"] else 0)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("What happened (required for Other)"))
        form = QFormLayout()
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow(self.tr("Note"), self.note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Discard (Enter)"))
        ok.setProperty("role", "danger")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel (Esc)"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr("Discard vial {vial}").format(vial=vial["vial_id"]), "title"))
        layout.addWidget(
            label(
                self.tr("Lot {lot}: the {n} doses left in this vial will be recorded as wasted.").format(
                    lot=vial["lot_no"], n=vial["doses_left"]
                ),
                wrap=True,
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.banner)
        layout.addWidget(self.buttons)
        self.reason.setFocus()

    def reason_label(self, code: str) -> str:
        return {
            "expired_after_opening": self.tr("Expired after opening"),
            "broken": self.tr("Broken"),
            "contaminated": self.tr("Contaminated"),
            "other": self.tr("Other (write what happened)"),
        }.get(code, code)

    def accept(self) -> None:
        """Check the reason, discard through the domain; stay open on a refusal."""
        reason = self.reason.currentData()
        note = self.note.text().strip()
        if not reason:
            self.banner.show_message(self.tr("Choose why the vial is discarded"), "error")
            self.reason.setFocus()
            return
        if reason == "other" and not note:
            self.banner.show_message(self.tr("Write what happened"), "error")
            self.note.setFocus()
            return
        try:
            row = self.hub.run(stock.discard_vial, vial_id=self.vial["vial_id"], reason=reason, note=note)
        except DomainError as exc:
            self.banner.show_message(self.hub.message(exc), "error")
            return
        super().accept()
        self.discarded.emit(row)
