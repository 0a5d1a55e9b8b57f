"""Injection desk: call the next person in queue order, check the vaccine and lot, record the dose.

Keyboard: F2 calls the next person (also Space on the button; Enter never calls, so a double Enter
cannot call and inject at once), Enter or F5 records the injection, F3 calls the same person again,
F4 marks them absent (back of the queue), F6 goes to the lot scan input (scan the vial, Enter).
There is no way to pick someone out of queue order.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from station import inject, signin, stock
from station.errors import DomainError
from station.identity import mask_name
from ui.pages.base import Page
from ui.pages.prescreen import dose_label, page_key
from ui.qt import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    Qt,
    QVBoxLayout,
)
from ui.widgets import PersonCard, button, label, product_name

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
"""


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
        self.lot_scan.setClearButtonEnabled(True)
        self.lot_scan.returnPressed.connect(self.scan_lot)
        self.lot_info = label(wrap=True)
        self.lot_info.setObjectName("lot_info")
        lot_grid = QGridLayout()
        lot_grid.addWidget(label(self.tr("Lot"), "title"), 0, 0)
        lot_grid.addWidget(self.lot, 0, 1)
        lot_grid.addWidget(self.lot_scan, 0, 2)
        lot_grid.addWidget(self.lot_info, 1, 1, 1, 2)
        lot_grid.setColumnStretch(1, 1)
        lot_grid.setColumnStretch(2, 1)

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

        left = QVBoxLayout()
        left.addWidget(self.banner)
        left.addWidget(self.call_button)
        left.addWidget(self.called_box, 1)
        left.addLayout(lot_grid)
        left.addLayout(actions)

        # the people waiting, for information only
        self.waiting_title = label(self.tr("Waiting"), "title")
        self.waiting = QListWidget()
        self.waiting.setObjectName("waiting")
        self.waiting.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.waiting.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.waiting.setToolTip(self.tr("For information: people are called in queue order (F2)"))
        right = QVBoxLayout()
        right.addWidget(self.waiting_title)
        right.addWidget(self.waiting, 1)

        layout = QHBoxLayout(self)
        layout.addLayout(left, 7)
        layout.addLayout(right, 2)

        page_key(self, "F2", self.call_next)
        page_key(self, "F3", self.recall)
        page_key(self, "F4", self.absent)
        page_key(self, "F5", self.do_inject)
        page_key(self, "F6", self.focus_scan)

        self.setTabOrder(self.call_button, self.inject_button)
        self.setTabOrder(self.inject_button, self.recall_button)
        self.setTabOrder(self.recall_button, self.absent_button)
        self.setTabOrder(self.absent_button, self.lot)
        self.setTabOrder(self.lot, self.lot_scan)

        self.show_called(None)
        self.refresh()

    def title(self) -> str:
        return self.tr("Injection")

    def act(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """As Page.act, marking the refresh our own write causes as not news from another desk."""
        self._acting = True
        try:
            return self.hub.run(fn, *args, **kwargs)
        except DomainError as exc:
            self.say(exc)
            return None
        finally:
            self._acting = False

    def say(self, exc: DomainError) -> None:
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
        """The usable lots of the product; keeps the lot in use (the open vial) while it is usable."""
        auto = self.product not in self.chosen
        keep = self.chosen.get(self.product)
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
                self.planned = inject.plan(self.hub.store, visit["visit_id"], rules=rules)
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
        dose = self.act(
            inject.inject,
            who["visit_id"],
            lot_no=lot_no,
            desk=self.desk,
            product=self.product,
            rules=self.hub.rules,
        )
        if not dose:
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
        """A scanned vial code or typed lot number: select that lot, or say why it cannot be used."""
        code = self.lot_scan.text().strip()
        if not code:
            return
        self.lot_scan.clear()
        lot = match_lot(code, stock.lots(self.hub.store))
        if lot is None:
            self.chosen[self.product] = None  # never inject from the lot that was there before
            self.fill_lots()
            self.say(DomainError("lot_unknown", lot=code.upper()))
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
        self.banner.show_message(self.tr("Lot {lot} selected").format(lot=lot["lot_no"]), "info")
        (self.inject_button if self.called else self.call_button).setFocus()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name): Enter that no child used
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
