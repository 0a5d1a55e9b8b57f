"""Pre-screen desk: take the next signed-in person, check the dose history, the temperature and the
contraindication questions, then pass, turn away or cancel the booking.

Keyboard: F2 takes the selected (or first) person of the queue, F3 goes to the ID search, Enter in
the temperature goes to the questions, Y / N answer the question that has the focus and move to the
next one, F5 passes, F6 turns away with the picked reason, F8 cancels the booking (pre-screen staff).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from station import flow, prescreen, signin, steps
from station.errors import DomainError
from station.identity import mask_id, normalize_id
from station.rules import PastDose, Question, Rules, ScreeningResult
from station.store import Store
from ui.pages.base import Page
from ui.qt import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QComboBox,
    QCoreApplication,
    QDate,
    QDateEdit,
    QEvent,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QShortcut,
    QSpinBox,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.widgets import CodeInput, PersonCard, button, label, product_name

# --- shared with the injection desk: names of products and doses in the UI language ------------


def dose_label(rules: Rules, code: str | None, number: int, lang: str, is_booster: bool | None = None) -> str:
    """ "2nd dose" / "第二剂次" from the rules, or "booster" past the product's primary series."""
    prod = rules.products.get(code or "")
    if is_booster is None:
        is_booster = prod is not None and number > prod.primary_doses
    if is_booster:
        return QCoreApplication.translate("Doses", "booster")
    if prod is not None and 1 <= number <= len(prod.doses):
        rule = prod.dose_rule(number)
        return rule.label_zh if lang == "zh" else rule.label_en
    return QCoreApplication.translate("Doses", "dose {n}").format(n=number)


def page_key(widget: QWidget, keys: str, slot: Any) -> QShortcut:
    """A key for the whole window while this page is the one shown (a hidden tab's keys do not fire)."""
    sc = QShortcut(QKeySequence(keys), widget)
    sc.setContext(Qt.ShortcutContext.WindowShortcut)
    sc.activated.connect(slot)
    return sc


def restyle(widget: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property changed."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)


PAGE_STYLE = """
QPushButton[role]:disabled { background: #d0d7de; color: #6e7781; }
QPushButton[answer] { min-width: 96px; min-height: 44px; font-size: 19px; font-weight: bold; }
QPushButton[answer="yes"]:checked { background: #cf222e; color: white; border: 2px solid #82071e; }
QPushButton[answer="no"]:checked { background: #1f883d; color: white; border: 2px solid #116329; }
QPushButton[answer]:focus { border: 3px solid #1f6feb; }
QLineEdit#temperature { font-size: 24px; font-weight: bold; }
QLineEdit#temperature[invalid="true"] { border: 3px solid #cf222e; background: #ffebe9; color: #a40e26; }
QFrame[question="yes"] { background: #ffebe9; border-radius: 6px; }
QFrame[question="no"] { background: #f0fff4; border-radius: 6px; }
QLabel[due="ok"] { color: #116329; font-size: 19px; font-weight: bold; }
QLabel[due="warn"] { color: #a40e26; background: #ffebe9; font-size: 19px; font-weight: bold;
                     padding: 6px; border-radius: 6px; }
QFrame#cancel_box { background: #fff8c5; border: 1px solid #bf8700; border-radius: 6px; }
"""


def signed_in_queue(store: Store, day: date) -> list[dict[str, Any]]:
    """People signed in on ``day`` and waiting for the pre-screen, in queue order (sign-in order
    across the sign-in desks' letters, ``signin.QUEUE_ORDER``)."""
    return store.all(
        f"""SELECT v.visit_id, v.person_id, v.queue_prefix, v.queue_no, v.product, v.slot, v.state,
                   p.name, p.id_number, p.id_type, p.birth_date, p.sex, p.phone
            FROM visits v JOIN people p USING (person_id)
            WHERE v.day = ? AND v.state = 'signed_in' ORDER BY {signin.QUEUE_ORDER}""",
        [day.isoformat()],
    )


def dose_rows(store: Store, person_id: str) -> list[dict[str, Any]]:
    return store.all(
        "SELECT product, dose_number, day, source FROM doses WHERE person_id = ? ORDER BY day, dose_number",
        [person_id],
    )


# --- widgets of this page --------------------------------------------------------------------------


class TemperatureBox(QLineEdit):
    """The reading exactly as typed: "36.5", or "365" for 36.5 (a thermometer's three digits);
    blank is "not measured". Nothing typed is cut off or changed: the page checks the reading
    (``prescreen.parse_temperature``) and refuses one outside the valid range, keeping the text and
    marking the box. Y and N typed here are the answer keys (``answer_key``), not text."""

    submitted = Signal()

    def __init__(self, rules: Rules) -> None:
        super().__init__()
        self.rules = rules
        self.setPlaceholderText(self.tr("not measured"))
        self.setMinimumWidth(190)
        self.setMaximumWidth(240)
        self.setToolTip(
            self.tr("Type the reading, e.g. 36.5 or 365, then Enter ({min}-{max} °C)").format(
                min=f"{rules.temperature_min_c:.1f}", max=f"{rules.temperature_max_c:.1f}"
            )
        )
        self.textEdited.connect(lambda _text: self.mark(False))
        self.mark(False)

    def reading(self) -> float | None:
        """The reading in °C, None when blank or not a valid reading (see ``checked``)."""
        try:
            return self.checked()
        except DomainError:
            return None

    def checked(self) -> float | None:
        """The reading, or the DomainError refusing it (out of range, or not a reading)."""
        return prescreen.parse_temperature(self.text(), self.rules)

    def clear_reading(self) -> None:
        self.clear()
        self.mark(False)

    def mark(self, invalid: bool) -> None:
        self.setProperty("invalid", invalid)
        restyle(self)

    def event(self, event) -> bool:  # noqa: N802 (Qt's name)
        # A line edit claims the letter keys for typing; Y and N go to the page's answer keys.
        if event.type() == QEvent.Type.ShortcutOverride and _is_answer_key(event):
            event.ignore()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()


def _is_answer_key(event) -> bool:
    plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
    return plain and event.key() in (Qt.Key.Key_Y, Qt.Key.Key_N)


class QuestionRow(QFrame):
    """One yes/no question: big exclusive Yes / No buttons, both unchecked at the start."""

    answered = Signal(object)  # this row, after an answer given with the Y / N keys

    def __init__(self, number: int, question: Question, text: str) -> None:
        super().__init__()
        self.question = question
        self.text = text
        self.caption = label(f"{number}. {text}", wrap=True)
        self.yes = self._answer_button(self.tr("Yes"), "yes")
        self.no = self._answer_button(self.tr("No"), "no")
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.group.addButton(self.yes)
        self.group.addButton(self.no)
        self.group.buttonToggled.connect(self._mark)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.caption, 1)
        layout.addWidget(self.yes)
        layout.addWidget(self.no)
        tip = self.tr("Y = yes, N = no (then the next question); Space presses the focused button")
        for w in (self, self.caption, self.yes, self.no):
            w.setToolTip(tip)

    def _answer_button(self, text: str, answer: str) -> QPushButton:
        b = button(text)
        b.setCheckable(True)
        b.setProperty("answer", answer)
        b.setAutoDefault(False)
        return b

    def answer(self) -> bool | None:
        if self.yes.isChecked():
            return True
        if self.no.isChecked():
            return False
        return None

    def set_answer(self, value: bool | None) -> None:
        if value is None:
            self.group.setExclusive(False)  # an exclusive group cannot uncheck its last button
            self.yes.setChecked(False)
            self.no.setChecked(False)
            self.group.setExclusive(True)
            self._mark()
        else:
            (self.yes if value else self.no).setChecked(True)

    def _mark(self, *_: Any) -> None:
        answer = self.answer()
        self.setProperty("question", "" if answer is None else ("yes" if answer else "no"))
        restyle(self)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name): keys the buttons leave to the row
        key = event.key()
        if key == Qt.Key.Key_Y:
            self.set_answer(True)
            self.answered.emit(self)
        elif key == Qt.Key.Key_N:
            self.set_answer(False)
            self.answered.emit(self)
        else:
            super().keyPressEvent(event)


# --- the page ----------------------------------------------------------------------------------------


class PreScreenPage(Page):
    role = "prescreen"
    permission = "screen"

    def __init__(self, hub) -> None:
        super().__init__(hub)
        self.setStyleSheet(PAGE_STYLE)
        self.current: dict[str, Any] | None = None  # the visit + person being screened
        self.loaded_by: str | None = None  # the staff member who took them
        self.declared: list[PastDose] = []
        self.waiting: list[dict[str, Any]] = []
        self._acting = False  # our own write is running: its refresh is not "another desk"
        rules = hub.rules

        # left: the queue and the ID search
        self.queue_title = label(self.tr("Waiting for pre-screen"), "title")
        self.find = CodeInput(self.tr("Find by ID number (F3)"))
        self.find.setToolTip(self.tr("F3: scan or type the ID number of a signed-in person, then Enter"))
        self.find.code_submitted.connect(self.find_person)
        self.queue = QTableWidget(0, 3)
        self.queue.setHorizontalHeaderLabels([self.tr("No."), self.tr("Name"), self.tr("ID number")])
        self.queue.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.queue.verticalHeader().setVisible(False)
        self.queue.verticalHeader().setDefaultSectionSize(40)
        header = self.queue.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.queue.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.queue.setToolTip(self.tr("Enter or double-click takes the person; F2 takes the selected one"))
        self.queue.activated.connect(lambda _index: self.take_selected())
        self.queue.doubleClicked.connect(lambda _index: self.take_selected())
        self.next_button = button(self.tr("Next (F2)"), "primary")
        self.next_button.setAutoDefault(True)
        self.next_button.clicked.connect(self.take_selected)

        left = QVBoxLayout()
        left.addWidget(self.queue_title)
        left.addWidget(self.find)
        left.addWidget(self.queue, 1)
        left.addWidget(self.next_button)

        # right: the person and the form, in a scroll area
        self.card = PersonCard()
        self.history_box = QGroupBox(self.tr("Dose history"))
        hist = QVBoxLayout(self.history_box)
        self.history_grid = QGridLayout()
        self.history_grid.setHorizontalSpacing(16)
        hist.addLayout(self.history_grid)
        add_row = QHBoxLayout()
        self.decl_product = QComboBox()
        for code in rules.products:
            self.decl_product.addItem(product_name(rules, code, hub.lang), code)
        self.decl_product.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.decl_product.setMinimumContentsLength(14)
        self.decl_number = QSpinBox()
        self.decl_number.setRange(1, 4)
        self.decl_number.setPrefix(self.tr("dose "))
        self.decl_date = QDateEdit()
        self.decl_date.setCalendarPopup(True)
        self.decl_date.setDisplayFormat("yyyy-MM-dd")
        self.decl_add = button(self.tr("Add dose"))
        self.decl_add.setAutoDefault(True)
        self.decl_add.clicked.connect(self.add_declared)
        add_row.addWidget(label(self.tr("Given elsewhere:")))
        add_row.addWidget(self.decl_product, 1)
        add_row.addWidget(self.decl_number)
        add_row.addWidget(self.decl_date)
        add_row.addWidget(self.decl_add)
        hist.addLayout(add_row)

        due_row = QHBoxLayout()
        self.product = QComboBox()
        for code in rules.products:
            self.product.addItem(product_name(rules, code, hub.lang), code)
        self.product.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.product.setMinimumContentsLength(14)
        self.product.currentIndexChanged.connect(lambda _i: self.show_due())
        due_row.addWidget(label(self.tr("Vaccine:")))
        due_row.addWidget(self.product, 1)
        self.due = label(wrap=True)
        self.due.setProperty("due", "ok")

        temp_row = QHBoxLayout()
        self.temperature = TemperatureBox(rules)
        self.temperature.setObjectName("temperature")
        self.temperature.submitted.connect(self.temperature_entered)
        temp_row.addWidget(label(self.tr("Temperature"), "title"))
        temp_row.addWidget(self.temperature)
        temp_row.addWidget(label("°C"))
        temp_row.addSpacing(24)
        temp_row.addWidget(
            label(
                self.tr("fever from {t} °C · readings {min}-{max} °C").format(
                    t=f"{rules.fever_threshold_c:.1f}",
                    min=f"{rules.temperature_min_c:.1f}",
                    max=f"{rules.temperature_max_c:.1f}",
                )
            ),
            1,
        )

        self.rows: list[QuestionRow] = []
        self.questions = questions = QGroupBox(self.tr("Questions (Y = yes, N = no)"))
        qlayout = QVBoxLayout(questions)
        qlayout.setSpacing(2)
        for q in rules.questions:
            if q.kind != "yesno":
                continue
            row = QuestionRow(len(self.rows) + 1, q, q.text_zh if hub.lang == "zh" else q.text_en)
            row.answered.connect(self.focus_after)
            self.rows.append(row)
            qlayout.addWidget(row)

        self.form = QWidget()
        form = QVBoxLayout(self.form)
        form.addWidget(self.card)
        form.addWidget(self.history_box)
        form.addLayout(due_row)
        form.addWidget(self.due)
        form.addLayout(temp_row)
        form.addWidget(questions)
        form.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.form)

        # the outcome bar, always in view
        self.pass_button = button(self.tr("Pass (F5)"), "primary")
        self.reason = QComboBox()
        self.reason.addItem(self.tr("Reason to turn away…"), None)
        for code, r in rules.reasons.items():
            self.reason.addItem(r.label_zh if hub.lang == "zh" else r.label_en, code)
        self.reason.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.reason.setMinimumContentsLength(10)
        self.turn_away_button = button(self.tr("Turn away (F6)"), "warn")
        self.cancel_button = button(self.tr("Cancel booking (F8)"), "danger")
        for b, slot in (
            (self.pass_button, self.do_pass),
            (self.turn_away_button, self.do_turn_away),
            (self.cancel_button, self.ask_cancel),
        ):
            b.setAutoDefault(True)
            b.clicked.connect(slot)
        bar = QHBoxLayout()
        bar.addWidget(self.pass_button, 2)
        bar.addSpacing(16)
        bar.addWidget(self.reason, 2)
        bar.addWidget(self.turn_away_button, 1)
        bar.addSpacing(16)
        bar.addWidget(self.cancel_button, 1)
        self.correct_button = button(self.tr("Correct…"))
        self.correct_button.setObjectName("correct_last")
        self.correct_button.setToolTip(self.tr("Correct or void your last pre-screen result"))
        self.correct_button.clicked.connect(self.correct_last)
        bar.addWidget(self.correct_button, 1)

        # cancelling a booking asks for the reason, inline
        self.cancel_box = QFrame()
        self.cancel_box.setObjectName("cancel_box")
        cbox = QVBoxLayout(self.cancel_box)
        self.cancel_question = label(wrap=True)
        self.cancel_question.setProperty("role", "title")
        self.cancel_reason = QLineEdit()
        self.cancel_reason.setPlaceholderText(self.tr("Reason for cancelling (required), then Enter"))
        self.cancel_reason.returnPressed.connect(self.confirm_cancel)
        self.cancel_confirm = button(self.tr("Cancel the booking (Enter)"), "danger")
        self.cancel_confirm.setAutoDefault(True)
        self.cancel_confirm.clicked.connect(self.confirm_cancel)
        self.cancel_back = button(self.tr("Keep the booking (Esc)"))
        self.cancel_back.setAutoDefault(True)
        self.cancel_back.clicked.connect(self.close_cancel)
        crow = QHBoxLayout()
        crow.addWidget(self.cancel_reason, 1)
        crow.addWidget(self.cancel_confirm)
        crow.addWidget(self.cancel_back)
        cbox.addWidget(self.cancel_question)
        cbox.addLayout(crow)
        esc = QShortcut(QKeySequence("Esc"), self.cancel_box)
        esc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        esc.activated.connect(self.close_cancel)
        self.cancel_box.hide()

        right = QVBoxLayout()
        right.addWidget(self.banner)
        right.addWidget(self.scroll, 1)
        right.addWidget(self.cancel_box)
        right.addLayout(bar)

        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 7)

        page_key(self, "F2", self.take_selected)
        page_key(self, "F3", self.focus_find)
        page_key(self, "F5", self.do_pass)
        page_key(self, "F6", self.do_turn_away)
        page_key(self, "F8", self.ask_cancel)
        # Y / N answer wherever the focus is on the page (text boxes other than the temperature
        # keep their letters: a line edit claims them first)
        page_key(self, "Y", lambda: self.answer_key(True))
        page_key(self, "N", lambda: self.answer_key(False))
        self.find.installEventFilter(self)  # Enter in the empty search box takes the next person

        chain = [self.find, self.queue, self.next_button, self.temperature]
        for row in self.rows:
            chain += [row.yes, row.no]
        chain += [self.pass_button, self.reason, self.turn_away_button, self.cancel_button]
        chain += [self.product, self.decl_product, self.decl_number, self.decl_date, self.decl_add]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

        self.reset_form()
        self.refresh()

    def correct_last(self):
        """Your own last pre-screen result, to correct (temperature) or void, with a reason."""
        from ui.pages.audit_panel import open_last_own

        return open_last_own(self, ("Screened",))

    def title(self) -> str:
        # the step's number and name, as on the printed signs (one source: station/steps.py)
        return steps.desk_title(self.role, self.hub.lang)

    # --- the queue -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        may = self.hub.may(self.permission)
        self.setEnabled(may)
        self.cancel_button.setVisible(self.hub.may("cancel_booking"))
        if self.hub.staff is None:
            return
        if self.current and self.loaded_by != self.hub.staff_id:
            self.reset_form()  # someone else logged in: they ask the questions again themselves
        selected = self.selected_visit_id()
        self.waiting = signed_in_queue(self.hub.store, self.hub.today())
        self.queue_title.setText(self.tr("Waiting for pre-screen: {n}").format(n=len(self.waiting)))
        self.queue.setRowCount(len(self.waiting))
        keep = 0
        for i, v in enumerate(self.waiting):
            cells = (signin.queue_label(v), v["name"], mask_id(v["id_number"]))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, v["visit_id"])
                if col == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.queue.setItem(i, col, item)
            if v["visit_id"] == selected:
                keep = i
        if self.waiting:
            self.queue.selectRow(keep)
        gone = self.current and all(v["visit_id"] != self.current["visit_id"] for v in self.waiting)
        if gone and not self._acting:
            # screened, turned away or cancelled elsewhere (another desk) while on this screen
            who = self.current
            self.reset_form()
            self.banner.show_message(
                self.tr("Queue number {n} {name} was dealt with at another desk").format(
                    n=signin.queue_label(who), name=who["name"]
                ),
                "warn",
            )

    def selected_visit_id(self) -> str | None:
        rows = self.queue.selectionModel().selectedRows()
        if not rows:
            return None
        return rows[0].data(Qt.ItemDataRole.UserRole)

    def take_selected(self) -> None:
        """F2 / Enter / double-click: take the selected person, or the first in the queue."""
        if not self.hub.may(self.permission):
            return
        visit_id = self.selected_visit_id()
        if visit_id is None and self.waiting:
            visit_id = self.waiting[0]["visit_id"]
        visit = next((v for v in self.waiting if v["visit_id"] == visit_id), None)
        if visit is None:
            self.banner.show_message(self.tr("Nobody is waiting for the pre-screen"), "info")
            self.queue.setFocus()
            return
        if self.current and self.current["visit_id"] == visit["visit_id"]:
            self.focus_temperature()  # already on screen: a second F2 keeps the answers given
            return
        self.load(visit)

    def focus_find(self) -> None:
        self.find.setFocus()
        self.find.selectAll()

    def find_person(self, text: str) -> None:
        """A scanned or typed ID number: find that person among today's signed-in people."""
        number = normalize_id(text)
        visit = next((v for v in self.waiting if normalize_id(v["id_number"]) == number), None)
        if visit is None:  # maybe the queue is a moment old
            self.refresh()
            visit = next((v for v in self.waiting if normalize_id(v["id_number"]) == number), None)
        if visit is not None:
            self.find.clear()
            self.load(visit)
            return
        found = signin.find(self.hub.store, text, self.hub.today())
        if found is not None and found.visit is not None:
            code = flow.refusal("Screened", found.visit["state"]) or "step_not_allowed"
            message = self.hub.message(DomainError(code))
            if found.visit["queue_no"]:
                message += "　" + self.tr("Queue number {n}").format(n=signin.queue_label(found.visit))
        else:
            message = self.tr("Nobody with this ID number is signed in today")
        self.banner.show_message(message, "error")
        self.find.selectAll()
        self.find.setFocus()

    # --- the form ------------------------------------------------------------------------------------
    def load(self, visit: dict[str, Any]) -> None:
        self.reset_form()
        self.current = dict(visit)
        self.loaded_by = self.hub.staff_id
        today = self.hub.today()
        extra = [self.tr("Queue number {n}").format(n=signin.queue_label(visit))]
        if visit.get("slot"):
            extra.append(self.tr("Slot {slot}").format(slot=visit["slot"]))
        self.card.show_person(visit, today, "　".join(extra))
        code = visit.get("product") or self.hub.rules.default_product
        self.product.setCurrentIndex(max(0, self.product.findData(code)))
        self.set_form_enabled(True)
        self.set_acting(True)
        self.show_history()
        self.banner.show_message(
            self.tr("Pre-screening queue number {n}: {name}").format(
                n=signin.queue_label(visit), name=visit["name"]
            ),
            "info",
        )
        self.scroll.verticalScrollBar().setValue(0)
        self.temperature.setFocus()
        self.temperature.selectAll()

    def reset_form(self) -> None:
        self.current = None
        self.declared = []
        self.card.clear()
        self.card.details.setText(
            self.tr("Take the next person: F2, or Enter on the queue, or scan the ID (F3)")
        )
        self.temperature.clear_reading()
        for row in self.rows:
            row.set_answer(None)
        self.reason.setCurrentIndex(0)
        self.product.setCurrentIndex(max(0, self.product.findData(self.hub.rules.default_product)))
        self.decl_product.setCurrentIndex(0)
        self.decl_number.setValue(1)
        today = self.hub.today()
        self.decl_date.setMaximumDate(QDate(today.year, today.month, today.day))
        self.decl_date.setDate(QDate(today.year, today.month, today.day).addDays(-28))
        self.close_cancel(focus=False)
        self.show_history()
        self.set_form_enabled(False)
        self.set_acting(False)

    def set_form_enabled(self, on: bool) -> None:
        """Greyed until a person is taken; the card stays readable (it says how to take someone)."""
        for w in (self.history_box, self.product, self.temperature, self.questions):
            w.setEnabled(on)

    def set_acting(self, on: bool) -> None:
        for b in (self.pass_button, self.turn_away_button, self.cancel_button, self.reason):
            b.setEnabled(on)

    def show_history(self) -> None:
        while self.history_grid.count():
            item = self.history_grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        if self.current is None:
            self.due.setText("")
            return
        rules, lang = self.hub.rules, self.hub.lang
        rows: list[tuple[str, int, str, str, int | None]] = []
        for d in dose_rows(self.hub.store, self.current["person_id"]):
            source = self.tr("given here") if d["source"] == "here" else self.tr("declared")
            rows.append((d["product"], d["dose_number"], d["day"], source, None))
        for i, d in enumerate(self.declared):
            rows.append((d.product, d.dose_number, d.day.isoformat(), self.tr("declared now"), i))
        if not rows:
            self.history_grid.addWidget(label(self.tr("No dose recorded: first dose")), 0, 0, 1, 4)
        for r, (product, number, day, source, declared_index) in enumerate(rows):
            self.history_grid.addWidget(label(product_name(rules, product, lang), wrap=True), r, 0)
            self.history_grid.addWidget(label(dose_label(rules, product, number, lang)), r, 1)
            self.history_grid.addWidget(label(day), r, 2)
            self.history_grid.addWidget(label(source), r, 3)
            if declared_index is not None:
                remove = button(self.tr("Remove"))
                remove.setAutoDefault(True)
                remove.clicked.connect(lambda _=False, i=declared_index: self.remove_declared(i))
                self.history_grid.addWidget(remove, r, 4)
        self.history_grid.setColumnStretch(0, 1)
        self.show_due()

    def past(self) -> list[PastDose]:
        if self.current is None:
            return []
        recorded = [
            PastDose(d["product"], d["dose_number"], date.fromisoformat(d["day"]))
            for d in dose_rows(self.hub.store, self.current["person_id"])
        ]
        return recorded + self.declared

    def show_due(self) -> None:
        """The next dose due for the chosen vaccine, and whether today is too early for it."""
        if self.current is None:
            self.due.setText("")
            return
        rules, lang, today = self.hub.rules, self.hub.lang, self.hub.today()
        product = self.product.currentData()
        past = self.past()
        warn = True
        try:
            due = rules.next_dose(past, product)
            outcome, reason = prescreen.dose_check(rules, self.current, past, product, today)
        except DomainError as exc:
            text = self.hub.message(exc)
        else:
            which = dose_label(rules, due.product, due.dose_number, lang, due.is_booster)
            if reason == "too_early_for_dose" and due.earliest:
                text = self.tr(
                    "Too early for the {dose}: earliest {day} ({days} more days). The person will be deferred"
                ).format(dose=which, day=due.earliest.isoformat(), days=(due.earliest - today).days)
            elif reason:
                r = rules.reasons.get(reason)
                text = (r.label_zh if lang == "zh" else r.label_en) if r else reason
                if outcome == "refuse":
                    text = self.tr("Not to be vaccinated: {reason}").format(reason=text)
            else:
                warn = False
                text = self.tr("Due today: {dose} of {product}").format(
                    dose=which, product=product_name(rules, due.product, lang)
                )
                if due.latest_recommended and due.latest_recommended < today:
                    text += "　" + self.tr("(later than recommended, still give it)")
        self.due.setText(text)
        self.due.setProperty("due", "warn" if warn else "ok")
        restyle(self.due)

    def add_declared(self) -> None:
        if self.current is None:
            return
        qd = self.decl_date.date()
        day = date(qd.year(), qd.month(), qd.day())
        number = self.decl_number.value()
        if any(d.dose_number == number for d in self.past()):
            self.banner.show_message(self.tr("Dose {n} is already in the history").format(n=number), "error")
            return
        if day > self.hub.today():
            self.banner.show_message(
                self.tr("The date of a dose given elsewhere cannot be in the future"), "error"
            )
            return
        self.declared.append(PastDose(self.decl_product.currentData(), number, day))
        self.decl_number.setValue(min(self.decl_number.maximum(), number + 1))
        self.show_history()
        self.banner.show_message(self.tr("Dose added: it is saved with the pre-screen (F5 / F6)"), "info")

    def remove_declared(self, index: int) -> None:
        if 0 <= index < len(self.declared):
            del self.declared[index]
            self.show_history()

    def check_temperature(self) -> bool:
        """Refuse a reading outside the range (or not a reading) at once: the text stays, marked."""
        try:
            self.temperature.checked()
        except DomainError as exc:
            self.refused(exc)
            return False
        self.temperature.mark(False)
        return True

    def temperature_entered(self) -> None:
        """Enter in the temperature: checked, then on to the first question."""
        if self.check_temperature():
            if self.banner.kind == "error":
                self.banner.clear_message()
            self.focus_first_question()

    def answer_key(self, value: bool) -> None:
        """Y / N: answer the question that has the focus, else the first one not answered yet, and
        move on. From the temperature box the reading is checked too: a bad one keeps the focus
        (the answer is kept as well)."""
        if self.current is None or not self.rows or not self.questions.isEnabled():
            return
        focus = QApplication.focusWidget()
        row = next((r for r in self.rows if focus in (r, r.yes, r.no)), None)
        if row is None:
            row = next((r for r in self.rows if r.answer() is None), None)
        if row is None:  # every question answered and none has the focus: nothing to change
            return
        row.set_answer(value)
        if focus is self.temperature and self.temperature.text().strip() and not self.check_temperature():
            return
        self.focus_after(row)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        """Enter in the empty search box takes the next person, as Enter on the queue does (the
        focus waits there after each outcome, for a scanner gun's ID number)."""
        if (
            obj is self.find
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not self.find.text().strip()
        ):
            self.take_selected()
            return True
        return super().eventFilter(obj, event)

    def focus_first_question(self) -> None:
        if self.rows:
            self.focus_row(self.rows[0])

    def focus_after(self, row: QuestionRow) -> None:
        i = self.rows.index(row)
        if i + 1 < len(self.rows):
            self.focus_row(self.rows[i + 1])
        else:
            self.pass_button.setFocus()

    def focus_row(self, row: QuestionRow) -> None:
        target = row.yes if row.answer() is not False else row.no
        target.setFocus()
        self.scroll.ensureWidgetVisible(row, 0, 40)

    # --- outcomes ------------------------------------------------------------------------------------
    def answers(self) -> dict[str, bool]:
        """The questions answered so far (an unanswered one is left out: the domain refuses it)."""
        return {row.question.id: row.answer() for row in self.rows if row.answer() is not None}

    def _need_person(self) -> bool:
        if self.current is None:
            self.banner.show_message(self.tr("Take a person from the queue first (F2)"), "error")
            self.focus_find()
            return False
        return True

    def do_pass(self) -> None:
        if self.hub.may(self.permission) and self._need_person():
            self.record(None)

    def do_turn_away(self) -> None:
        if not (self.hub.may(self.permission) and self._need_person()):
            return
        reason = self.reason.currentData()
        if reason is None:
            self.banner.show_message(self.tr("Pick the reason to turn away, then F6 again"), "error")
            self.reason.setFocus()
            return
        self.record(reason)

    def record(self, turn_away_reason: str | None) -> None:
        assert self.current is not None
        who = self.current
        try:
            temperature = self.temperature.checked()  # a reading refused here is never "not measured"
        except DomainError as exc:
            self.refused(exc)
            return
        self._acting = True
        try:
            result: ScreeningResult = self.hub.run(
                prescreen.screen,
                who["visit_id"],
                answers=self.answers(),
                temperature=temperature,
                declared_doses=list(self.declared),
                product=self.product.currentData(),
                turn_away_reason=turn_away_reason,
                rules=self.hub.rules,
            )
        except DomainError as exc:
            self.refused(exc)
            return
        finally:
            self._acting = False
        self.reset_form()
        self.refresh()
        if result.outcome == "pass":
            text = self.tr("Queue number {n} {name}: passed. Please go to the injection desk").format(
                n=signin.queue_label(who), name=who["name"]
            )
            notes = [self.note_label(n) for n in result.notes]
            if notes:
                text += "　" + self.tr("Note: {notes}").format(notes="；".join(notes))
            self.banner.show_message(text, "ok")
        else:
            outcome = (
                self.tr("not to be vaccinated")
                if result.outcome == "refuse"
                else self.tr("defer vaccination, come back later")
            )
            self.banner.show_message(
                self.tr("Queue number {n} {name}: turned away ({outcome}): {reasons}").format(
                    n=signin.queue_label(who),
                    name=who["name"],
                    outcome=outcome,
                    reasons="；".join(self.reason_label(r) for r in result.reasons),
                ),
                "warn",
            )
        self.focus_find()

    def refused(self, exc: DomainError) -> None:
        """Show a refusal; an unanswered question is named in words and gets the focus."""
        if exc.code == "screening_incomplete":
            qid = exc.facts.get("question")
            row = next((r for r in self.rows if r.question.id == qid), None)
            if row is not None:
                self.banner.show_message(
                    self.tr("Pre-screen not finished: no answer to question {n}: {text}").format(
                        n=self.rows.index(row) + 1, text=row.text
                    ),
                    "error",
                )
                self.focus_row(row)
                return
            if self.temperature.reading() is None:
                self.banner.show_message(
                    self.tr("Temperature not measured: measure it and type it in first"), "error"
                )
                self.focus_temperature()
                return
        self.banner.show_message(self.hub.message(exc), "error")
        if exc.code in ("temperature_implausible", "temperature_unreadable"):
            self.temperature.mark(True)
            self.focus_temperature()

    def focus_temperature(self) -> None:
        self.scroll.ensureWidgetVisible(self.temperature)
        self.temperature.setFocus()
        self.temperature.selectAll()

    def reason_label(self, code: str) -> str:
        r = self.hub.rules.reasons.get(code)
        if r is None:
            return code
        return r.label_zh if self.hub.lang == "zh" else r.label_en

    def note_label(self, code: str) -> str:
        n = self.hub.rules.notes.get(code)
        if n is None:
            return code
        return n.label_zh if self.hub.lang == "zh" else n.label_en

    # --- cancel booking ------------------------------------------------------------------------------
    def ask_cancel(self) -> None:
        if not self.hub.may("cancel_booking") or not self._need_person():
            return
        assert self.current is not None
        self.cancel_question.setText(
            self.tr("Cancel the booking of queue number {n} {name}? Write the reason").format(
                n=signin.queue_label(self.current), name=self.current["name"]
            )
        )
        self.cancel_reason.clear()
        self.cancel_box.show()
        self.cancel_reason.setFocus()

    def close_cancel(self, focus: bool = True) -> None:
        was_open = self.cancel_box.isVisible()
        self.cancel_box.hide()
        self.cancel_reason.clear()
        if focus and was_open:
            self.pass_button.setFocus()

    def confirm_cancel(self) -> None:
        if self.current is None or not self.cancel_box.isVisible():
            return
        reason = self.cancel_reason.text().strip()
        if not reason:
            self.banner.show_message(self.tr("Write the reason for cancelling the booking"), "error")
            self.cancel_reason.setFocus()
            return
        who = self.current
        self._acting = True
        try:
            visit = self.act(prescreen.cancel_booking, who["visit_id"], reason=reason)
        finally:
            self._acting = False
        if visit is None:
            return
        self.reset_form()
        self.refresh()
        self.banner.show_message(
            self.tr("Booking of queue number {n} {name} cancelled").format(
                n=signin.queue_label(who), name=who["name"]
            ),
            "ok",
        )
        self.focus_find()
