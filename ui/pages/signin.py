"""Sign-in desk: scan or type a code, check the booking, hand out the queue number.

Every code goes through ``station.scan.payloads``: typed, from a scanner gun (which types a booking
QR as ``VSB1|...``) or from the camera beside them (ui/camera.py, F9 shows or hides it).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from station import bookings, flow, history, signin
from station.errors import DomainError
from station.identity import DOC_TYPES, parse_resident_id
from station.scan import ScanResult, check_health_code
from station.scan.payloads import DEFAULT_HEALTH_HOSTS, Scan, clean, default_registry
from ui.camera import CameraWidget, available_cameras, camera_index
from ui.pages.base import Page
from ui.qt import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import CodeInput, PersonCard, button, label, shortcut
from ui.worker import Worker

_DIGITS = re.compile(r"[0-9Xx ]{5,}")  # typed digits that are not an ID number: say what is wrong with them


class SignInPage(Page):
    role = "signin"
    permission = "sign_in"

    def __init__(self, hub, camera: str | None = None) -> None:
        """``camera``: the source to scan from (``station --camera``), else ``settings.camera``."""
        super().__init__(hub)
        self.found: signin.Found | None = None
        self.last_code = ""
        self.method = "scan"  # how the person found was identified: "qr" (booking QR) or "scan"
        hosts = tuple(hub.settings.health_hosts or ()) or DEFAULT_HEALTH_HOSTS
        self.registry = default_registry(hosts, today=hub.today)

        self.code = CodeInput(self.tr("Scan the code or type the ID number, then Enter"))
        self.code.code_submitted.connect(self.lookup)

        # the camera: a compact preview over the queue number (the left column is full when the
        # walk-in form is open), shown or hidden with F9
        self.camera_slot = QWidget()
        self.camera_slot.setObjectName("camera_slot")
        self.camera = CameraWidget(
            camera or hub.settings.camera, lang=hub.lang, health_hosts=hosts, now=hub.now
        )
        self.camera.code_scanned.connect(self.on_camera_scan)
        self.camera_choice = QComboBox()
        self.camera_choice.setToolTip(self.tr("The camera to scan with"))
        self.camera_choice.activated.connect(self.choose_camera)
        slot = QHBoxLayout(self.camera_slot)
        slot.setContentsMargins(0, 0, 0, 0)
        slot.addWidget(self.camera)
        self.camera_button = button(self.tr("Camera (F9)"))
        self.camera_button.setCheckable(True)
        self.camera_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.camera_button.setStyleSheet(
            "QPushButton:checked { background: #ddf4ff; border: 2px solid #1f6feb; }"
        )
        self.camera_button.toggled.connect(self.show_camera)
        shortcut(self, "F9", self.camera_button.toggle)
        self._probe = Worker(self)
        self._probed = False
        self._fill_camera_choice([])

        self.card = PersonCard()
        self.sign_in_button = button(self.tr("Sign in (Enter)"), "primary")
        self.sign_in_button.setAutoDefault(True)  # Enter on the focused button signs in
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
        self.queue_no = label("", "queue")  # empty until the first sign-in (a dash this big reads as a bar)
        self.queue_who = label(wrap=True)

        left = QVBoxLayout()
        left.addWidget(label(self.tr("Sign-in"), "title"))
        left.addWidget(self.code)
        left.addWidget(self.banner)
        left.addWidget(self.card)
        left.addWidget(self.sign_in_button)
        left.addWidget(self.walk_in_box)
        left.addStretch(1)
        right = QVBoxLayout()
        camera_row = QHBoxLayout()
        camera_row.addWidget(self.camera_button)
        camera_row.addWidget(self.camera_choice, 1)
        camera_row.addStretch(0)  # the column keeps its width while the list is hidden
        right.addLayout(camera_row)
        right.addWidget(self.camera_slot)
        right.addSpacing(12)
        right.addWidget(self.queue_caption)
        right.addWidget(self.queue_no)
        right.addWidget(self.queue_who)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)
        self.camera_button.setChecked(self.camera.spec is not None)
        self.camera_slot.setVisible(self.camera_button.isChecked())
        self.camera_choice.setVisible(self.camera_button.isChecked())

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

    # --- the camera ------------------------------------------------------------------------------
    def show_camera(self, on: bool) -> None:
        """F9: show the preview (and scan) or hide it (the camera is let go while hidden)."""
        if self.camera_button.isChecked() != on:
            self.camera_button.setChecked(on)  # comes back here through toggled
            return
        self.camera_slot.setVisible(on)
        self.camera_choice.setVisible(on)
        if on:
            if self.camera.spec is None:
                self.camera.spec = self.camera_choice.currentData() or "0"
            self.camera.start()
            if not self._probed:
                self._probed = True
                self._probe.submit(
                    available_cameras,
                    skip=[i for i in [camera_index(self.camera.spec)] if i is not None],
                    on_done=self._fill_camera_choice,
                )

    def _fill_camera_choice(self, indices: list[int]) -> None:
        current = self.camera.spec
        choices = [(self.tr("Camera {n}").format(n=i), str(i)) for i in sorted(set(indices) | {0})]
        if current is not None and current not in [c for _, c in choices] + ["demo"]:
            index = camera_index(current)
            text = self.tr("Camera {n}").format(n=index) if index is not None else Path(current).name
            choices.append((text, current))
        choices.append((self.tr("Demo pictures (no camera)"), "demo"))
        self.camera_choice.clear()
        for text, spec in choices:
            self.camera_choice.addItem(text, spec)
        at = self.camera_choice.findData(current if current is not None else "0")
        self.camera_choice.setCurrentIndex(max(0, at))

    def choose_camera(self, index: int) -> None:
        """Another camera from the list: scan with it now and keep it in the settings."""
        spec = self.camera_choice.itemData(index)
        if not spec or spec == self.camera.spec:
            return
        self.camera.set_spec(spec)
        self.camera.start()
        self.hub.settings.camera = spec
        self.hub.save_settings()

    # --- actions ---------------------------------------------------------------------------------
    def lookup(self, text: str) -> None:
        """A code typed or from a scanner gun (which types a booking QR as ``VSB1|...``)."""
        self.handle(self.registry.parse(text), typed=True)

    def on_camera_scan(self, result: ScanResult) -> None:
        """A code the camera read (once per code): parsed again here, on today's date. Ignored while
        nobody who may sign people in is logged in (the window is locked)."""
        if not self.hub.may(self.permission):
            return
        self.handle(self.registry.parse(result.text or ""), result)

    def handle(self, scan: Scan, result: ScanResult | None = None, *, typed: bool = False) -> None:
        """What a code means at sign-in: a booking QR or an ID number finds the person; a health code
        stops sign-in unless green; an exit code or anything else is a message and nothing more."""
        if scan.kind == "health_code":
            self._health_code(scan, result, typed)
            return
        if scan.kind == "exit":
            self.banner.show_message(
                self.tr("This is the exit code of an observation slip: scan it at the observation exit"),
                "warn",
            )
            self._typed_done(typed)
            return
        if scan.kind not in ("booking", "id_number"):
            self.banner.show_message(self._unknown_message(scan), "error")
            self._typed_done(typed)
            return
        self._reset()
        if not scan.ok:
            self.banner.show_message(scan.message(self.hub.lang) or "", "error")
            self._typed_done(typed)
            return
        if scan.kind == "booking":
            today = self.hub.today().isoformat()
            if scan.fields["date"] != today:
                self.banner.show_message(
                    self.hub.message(DomainError("booking_other_day", day=scan.fields["date"], today=today)),
                    "error",
                )
                self._typed_done(typed)
                return
            self.find(scan.fields["id_number"], method="qr", booking=scan.fields)
        else:
            self.find(scan.fields["id_number"], method="scan")

    def _reset(self) -> None:
        self.found = None
        self.card.clear()
        self.sign_in_button.setEnabled(False)
        self._show_walk_in(False)
        self.banner.clear_message()

    def _typed_done(self, typed: bool) -> None:
        """A typed code that led nowhere is selected, so the next scan replaces it."""
        if typed:
            self.code.selectAll()
            self.code.setFocus()

    def _unknown_message(self, scan: Scan) -> str:
        text = clean(scan.text)
        if scan.error == "code_unknown" and _DIGITS.fullmatch(text):
            try:  # digits typed by hand: say what is wrong with them as an ID number
                parse_resident_id(text, self.hub.today())
            except DomainError as exc:
                return self.hub.message(exc)
        return scan.message(self.hub.lang) or self.hub.message(DomainError("code_unknown"))

    def _health_code(self, scan: Scan, result: ScanResult | None, typed: bool) -> None:
        if not scan.ok:
            self.banner.show_message(scan.message(self.hub.lang) or "", "error")
            self._typed_done(typed)
            return
        if result is None or result.color is None:  # a scanner gun reads the text, not the colour
            self.banner.show_message(
                self.tr(
                    "Health code read by the scanner gun, which cannot see its colour: look at the phone."
                    " Green: scan the booking QR or ID card"
                ),
                "warn",
            )
            self._typed_done(typed)
            return
        try:
            check_health_code(result)
        except DomainError as exc:  # yellow, red, or a colour not made out: stop here, nothing recorded
            self._reset()
            self.banner.show_message(self.hub.message(exc), "error")
            return
        if self.found is not None and self.sign_in_button.isEnabled():
            self.banner.show_message(self.tr("Health code green: press Enter to sign in"), "ok")
            self.sign_in_button.setFocus()
        else:
            self.banner.show_message(self.tr("Health code green: now scan the booking QR or ID card"), "ok")

    def find(self, id_number: str, *, method: str = "scan", booking: dict[str, Any] | None = None) -> None:
        """Find the person and today's booking by ID number: the card and Enter, or walk-in."""
        today = self.hub.today()
        self.last_code = id_number
        self.method = method
        found = signin.find(self.hub.store, id_number, today)
        if found is None or found.visit is None:
            self._offer_walk_in(id_number, found.person if found else None, booking)
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
                refusal += "　" + self.tr("Queue number {n}").format(n=signin.queue_label(visit))
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

    def _offer_walk_in(
        self, text: str, person: dict[str, Any] | None, booking: dict[str, Any] | None = None
    ) -> None:
        if booking:  # a booking QR this station's list does not have (not imported here)
            self.banner.show_message(
                self.tr("Booking {no} is not in this station's list: register as a walk-in").format(
                    no=booking.get("booking_no", "")
                ),
                "warn",
            )
        else:
            self.banner.show_message(self.tr("No booking today: register as a walk-in"), "warn")
        self.w_doc_type.setCurrentIndex(0)
        self.w_id.setText(text)
        self.w_name.setText(person["name"] if person else (booking or {}).get("name", ""))
        self.w_phone.setText(person.get("phone") or "" if person else "")
        self.w_unit.setText(person.get("unit") or "" if person else "")
        self._show_walk_in(True)
        (self.w_phone if person else self.w_name).setFocus()

    def confirm(self) -> None:
        if not self.found or not self.found.visit:
            return
        visit = self.act(
            signin.sign_in,
            self.found.visit["visit_id"],
            desk=self.hub.settings.desk,
            method=self.method,
            prefix=self.hub.settings.queue_prefix,
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
        visit = self.act(
            signin.walk_in, person, desk=self.hub.settings.desk, prefix=self.hub.settings.queue_prefix
        )
        if visit:
            self._show_walk_in(False)
            self._signed_in(visit, person)

    def _signed_in(self, visit: dict[str, Any], person: dict[str, Any]) -> None:
        number = signin.queue_label(visit)
        self.queue_no.setText(number)
        self.queue_who.setText(person["name"])
        self.banner.show_message(
            self.tr("Signed in: queue number {n}. Please go to pre-screen").format(n=number), "ok"
        )
        self.sign_in_button.setEnabled(False)
        self.found = None
        self.code.clear()
        self.code.setFocus()

    def refresh(self) -> None:
        self.setEnabled(self.hub.may(self.permission))
