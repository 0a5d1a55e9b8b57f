"""Sign-in desk: scan or type a code, check the booking, hand out the queue number."""

from __future__ import annotations

from typing import Any

from station import bookings, flow, history, signin
from station.errors import DomainError
from station.identity import DOC_TYPES, parse_resident_id
from ui.pages.base import Page
from ui.qt import QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget
from ui.widgets import CodeInput, PersonCard, button, label


class SignInPage(Page):
    role = "signin"
    permission = "sign_in"

    def __init__(self, hub) -> None:
        super().__init__(hub)
        self.found: signin.Found | None = None
        self.last_code = ""

        self.code = CodeInput(self.tr("Scan the code or type the ID number, then Enter"))
        self.code.code_submitted.connect(self.lookup)
        self.camera_slot = QWidget()  # the camera preview plugs in here (scanning)
        self.camera_slot.setObjectName("camera_slot")
        self.card = PersonCard()
        self.sign_in_button = button(self.tr("Sign in (Enter)"), "primary")
        self.sign_in_button.clicked.connect(self.confirm)
        self.sign_in_button.setEnabled(False)

        # walk-in registration, shown when the person has no booking today
        self.walk_in_box = QGroupBox(self.tr("Walk-in registration (no booking today)"))
        form = QFormLayout(self.walk_in_box)
        self.w_name = QLineEdit()
        self.w_doc_type = QComboBox()
        for doc in DOC_TYPES:
            self.w_doc_type.addItem(self.doc_label(doc), doc)
        self.w_id = QLineEdit()
        self.w_phone = QLineEdit()
        self.w_unit = QLineEdit()
        form.addRow(self.tr("Name"), self.w_name)
        form.addRow(self.tr("Document"), self.w_doc_type)
        form.addRow(self.tr("ID number"), self.w_id)
        form.addRow(self.tr("Mobile"), self.w_phone)
        form.addRow(self.tr("Employer / unit"), self.w_unit)
        self.walk_in_button = button(self.tr("Register and sign in"), "primary")
        self.walk_in_button.clicked.connect(self.register_walk_in)
        form.addRow(self.walk_in_button)
        self.walk_in_box.hide()

        self.queue_caption = label(self.tr("Queue number"), "title")
        self.queue_no = label("—", "queue")
        self.queue_who = label(wrap=True)

        left = QVBoxLayout()
        left.addWidget(label(self.tr("Sign-in"), "title"))
        left.addWidget(self.code)
        left.addWidget(self.camera_slot)
        left.addWidget(self.banner)
        left.addWidget(self.card)
        left.addWidget(self.sign_in_button)
        left.addWidget(self.walk_in_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.queue_caption)
        right.addWidget(self.queue_no)
        right.addWidget(self.queue_who)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)

    def title(self) -> str:
        return self.tr("Sign-in")

    def doc_label(self, doc: str) -> str:
        return {
            "resident_id": self.tr("Resident ID card"),
            "passport": self.tr("Passport"),
            "hk_macao_permit": self.tr("Hong Kong/Macao permit"),
            "taiwan_permit": self.tr("Taiwan permit"),
            "foreign_permanent_id": self.tr("Foreigner's permanent residence ID"),
            "other": self.tr("Other document"),
        }[doc]

    # --- actions ---------------------------------------------------------------------------------
    def lookup(self, text: str) -> None:
        """A code arrived (scanner gun, keyboard or camera): find the person and today's booking."""
        self.found = None
        self.card.clear()
        self.sign_in_button.setEnabled(False)
        self._show_walk_in(False)
        self.banner.clear_message()
        today = self.hub.today()
        try:
            parse_resident_id(text, today)
        except DomainError as exc:
            self.banner.show_message(self.hub.message(exc), "error")
            self.code.selectAll()
            return
        self.last_code = text
        found = signin.find(self.hub.store, text, today)
        if found is None or found.visit is None:
            self._offer_walk_in(text, found.person if found else None)
            return
        self.found = found
        visit = found.visit
        self.card.show_person(found.person, today, self._visit_line(visit))
        if visit["state"] == "booked":
            self.sign_in_button.setEnabled(True)
            self.sign_in_button.setFocus()
            self.banner.show_message(self.tr("Booking found: check the ID card, then press Enter"), "info")
        else:
            refusal = self.hub.message(
                DomainError(flow.refusal("SignedIn", visit["state"]) or "step_not_allowed")
            )
            if visit["queue_no"]:
                refusal += "　" + self.tr("Queue number {n}").format(n=visit["queue_no"])
            self.banner.show_message(refusal, "error")
            self.code.selectAll()
            self.code.setFocus()

    def _visit_line(self, visit: dict[str, Any]) -> str:
        parts = []
        if visit.get("slot"):
            parts.append(self.tr("Slot {slot}").format(slot=visit["slot"]))
        try:
            due = self.hub.rules.next_dose(
                history.past_doses(self.hub.store, visit["person_id"]),
                visit.get("product") or self.hub.rules.default_product,
            )
        except DomainError as exc:  # e.g. the booked product cannot continue this person's series
            parts.append(self.hub.message(exc))
            return "　".join(parts)
        if due.complete:
            parts.append(self.tr("Series complete"))
        else:
            parts.append(
                self.tr("Due: dose {n}").format(n=due.dose_number)
                + (self.tr(" (booster)") if due.is_booster else "")
            )
        return "　".join(parts)

    def _show_walk_in(self, on: bool) -> None:
        """The walk-in form takes the place of the card and its button (the page fits 768 px high)."""
        self.walk_in_box.setVisible(on)
        self.card.setVisible(not on)
        self.sign_in_button.setVisible(not on)

    def _offer_walk_in(self, text: str, person: dict[str, Any] | None) -> None:
        self.banner.show_message(self.tr("No booking today: register as a walk-in"), "warn")
        self.w_doc_type.setCurrentIndex(0)
        self.w_id.setText(text)
        self.w_name.setText(person["name"] if person else "")
        self.w_phone.setText(person.get("phone") or "" if person else "")
        self.w_unit.setText(person.get("unit") or "" if person else "")
        self._show_walk_in(True)
        (self.w_phone if person else self.w_name).setFocus()

    def confirm(self) -> None:
        if not self.found or not self.found.visit:
            return
        visit = self.act(
            signin.sign_in, self.found.visit["visit_id"], desk=self.hub.settings.desk, method="scan"
        )
        if visit:
            self._signed_in(visit, self.found.person)

    def register_walk_in(self) -> None:
        try:
            person = bookings.person_record(
                name=self.w_name.text(),
                id_number=self.w_id.text(),
                id_type=self.w_doc_type.currentData(),
                phone=self.w_phone.text() or None,
                unit=self.w_unit.text() or None,
                today=self.hub.today(),
            )
        except DomainError as exc:
            self.banner.show_message(self.hub.message(exc), "error")
            return
        visit = self.act(signin.walk_in, person, desk=self.hub.settings.desk)
        if visit:
            self._show_walk_in(False)
            self._signed_in(visit, person)

    def _signed_in(self, visit: dict[str, Any], person: dict[str, Any]) -> None:
        self.queue_no.setText(str(visit["queue_no"]))
        self.queue_who.setText(person["name"])
        self.banner.show_message(
            self.tr("Signed in: queue number {n}. Please go to pre-screen").format(n=visit["queue_no"]), "ok"
        )
        self.sign_in_button.setEnabled(False)
        self.found = None
        self.code.clear()
        self.code.setFocus()

    def refresh(self) -> None:
        self.setEnabled(self.hub.may(self.permission))
