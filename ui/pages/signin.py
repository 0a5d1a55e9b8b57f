"""Sign-in desk: scan or type a code, check the booking, hand out the queue number.

Every code goes through ``station.scan.payloads``: typed, from a scanner gun (which types a booking
QR as ``VSB1|...``) or from the camera beside them (ui/camera.py, F9 shows or hides it).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from station import bookings, flow, history, signin, steps
from station import demo as demomod
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
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import Banner, CodeInput, PersonCard, button, label, shortcut
from ui.worker import Worker

_DIGITS = re.compile(r"[0-9Xx ]{5,}")  # typed digits that are not an ID number: say what is wrong with them


class ScanLine(Banner):
    """The scanner's and the camera's own line, under the code box: what a code was (a health code,
    an exit code, not a code we know). ``source`` is who said it ("camera" or "typed"), so that turning
    the camera off takes back what only the camera said. The desk's result has the banner below."""

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumHeight(34)
        self.source = ""

    def show_message(self, text: str, kind: str = "info", source: str = "typed") -> None:  # type: ignore[override]
        bg, fg = self.COLORS[kind]
        self.kind, self.source = kind, source
        self.setText(text)
        self.setStyleSheet(
            f"background:{bg}; color:{fg}; font-size:16px; font-weight:bold; padding:4px 8px; border-radius:6px;"
        )

    def clear_message(self) -> None:
        super().clear_message()
        self.source = ""
        self.setStyleSheet("padding:4px 8px;")


class SignInPage(Page):
    role = "signin"
    permission = "sign_in"

    def __init__(self, hub, camera: str | None = None) -> None:
        """``camera``: the source to scan from (``station --camera``), else ``settings.camera``."""
        super().__init__(hub)
        self.found: signin.Found | None = None
        self.last_code = ""
        self.method = "scan"  # how the person found was identified: "qr" (booking QR) or "scan"
        self.green_seen = False  # a green health code read by the camera for the person in front
        self.last_signed: tuple[str, str] | None = None  # (ID number, queue number) of the last sign-in
        self._walk_in_prompt = ""
        self.scan_line = ScanLine()
        hosts = tuple(hub.settings.health_hosts or ()) or DEFAULT_HEALTH_HOSTS
        self.registry = default_registry(hosts, today=hub.today)

        self.code = CodeInput(self.tr("Scan the code or type the ID number, then Enter"))
        self.code.code_submitted.connect(self.lookup)

        # the camera: a compact preview over the queue number (the left column is full when the
        # walk-in form is open), shown or hidden with F9
        self.camera_slot = QWidget()
        self.camera_slot.setObjectName("camera_slot")
        self.camera = CameraWidget(
            camera or hub.settings.camera,
            lang=hub.lang,
            health_hosts=hosts,
            now=hub.now,
            demo_pictures=self._demo_pictures,
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

        # the site's health-code rule (settings.health_code_rule = green_required): without a green
        # code seen by the camera, the reason for signing in without one, picked or typed
        self.health_box = QWidget()
        self.health_box.setObjectName("health_box")
        self.no_code_reason = QComboBox()
        self.no_code_reason.setEditable(True)
        self.no_code_reason.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.no_code_reason.addItem("", None)
        for code in signin.NO_CODE_REASONS:
            self.no_code_reason.addItem(self.reason_label(code), code)
        self.no_code_reason.lineEdit().setPlaceholderText(self.tr("Pick or type the reason"))
        self.no_code_reason.lineEdit().returnPressed.connect(self._enter)
        row = QHBoxLayout(self.health_box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label(self.tr("No green health code seen, because:")))
        row.addWidget(self.no_code_reason, 1)
        self.health_box.hide()

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
        self.walk_in_button = button(self.tr("Register and sign in (Enter)"), "primary")
        self.walk_in_button.clicked.connect(self.register_walk_in)
        form.addRow(self.walk_in_button)
        self.walk_in_box.hide()
        # Enter in the form submits it, as everywhere else
        for field in (self.w_name, self.w_id, self.w_phone, self.w_unit):
            field.returnPressed.connect(self.register_walk_in)
        for key in ("Return", "Enter"):
            enter = shortcut(self.w_doc_type, key, self.register_walk_in)
            enter.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.w_id.textChanged.connect(self._show_walk_in_prompt)
        self.w_doc_type.currentIndexChanged.connect(self._show_walk_in_prompt)

        self.queue_caption = label(self.tr("Queue number"), "title")
        self.queue_no = label("", "queue")  # empty until the first sign-in (a dash this big reads as a bar)
        self.queue_who = label(wrap=True)

        left = QVBoxLayout()
        left.addWidget(label(self.tr("Sign-in"), "title"))
        left.addWidget(self.code)
        left.addWidget(self.scan_line)
        left.addWidget(self.banner)
        left.addWidget(self.card)
        left.addWidget(self.health_box)
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
        # the step's number and name, as on the printed signs (one source: station/steps.py)
        return steps.desk_title(self.role, self.hub.lang)

    def doc_label(self, doc: str) -> str:
        return {
            "resident_id": self.tr("Resident ID card"),
            "passport": self.tr("Passport"),
            "hk_macao_permit": self.tr("Hong Kong/Macao permit"),
            "taiwan_permit": self.tr("Taiwan permit"),
            "foreign_permanent_id": self.tr("Foreigner's permanent residence ID"),
            "other": self.tr("Other document"),
        }[doc]

    def reason_label(self, code: str | None) -> str:
        """A reason for signing in without a green code, in the staff's words (typed ones as typed)."""
        return {
            "no_smartphone": self.tr("No smartphone (elderly person, child)"),
            "app_unavailable": self.tr("Health code cannot be opened (network or app down)"),
            "paper_proof": self.tr("Paper health certificate checked"),
        }.get(code or "", code or "")

    # --- the camera ------------------------------------------------------------------------------
    def _demo_pictures(self) -> str | None:
        """The demo camera's pictures for today (its booking QR is for a person booked today), kept
        beside the station's database."""
        store = self.hub.store
        base = Path(store.path).parent if getattr(store, "path", None) else Path(tempfile.gettempdir())
        return str(demomod.scan_pictures(store, self.hub.today(), base / "demo-scan"))

    def show_camera(self, on: bool) -> None:
        """F9: show the preview (and scan) or hide it (the camera is let go while hidden). Turned
        off, what only the camera said goes with it."""
        if self.camera_button.isChecked() != on:
            self.camera_button.setChecked(on)  # comes back here through toggled
            return
        self.camera_slot.setVisible(on)
        self.camera_choice.setVisible(on)
        if not on and self.scan_line.source == "camera":
            self.scan_line.clear_message()
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
        """What a code means at sign-in: a booking QR or an ID number finds the next person (the
        desk's result, in the banner); a health code stops sign-in unless green; an exit code or
        anything else is a note on the scanner's own line and nothing more."""
        source = "camera" if result is not None else "typed"
        if scan.kind == "health_code":
            self._health_code(scan, result, typed)
            return
        if scan.kind == "exit":
            self._scan_note(
                self.tr("This is the exit code of an observation slip: scan it at the observation exit"),
                "warn",
                source,
            )
            self._typed_done(typed)
            return
        if scan.kind not in ("booking", "id_number"):
            self._scan_note(self._unknown_message(scan), "error", source)
            self._typed_done(typed)
            return
        number = scan.fields.get("id_number") if scan.ok else None
        if result is not None and number and self._same_person(number):
            return
        if self.found is not None and self.found.person["id_number"] != number:
            self.green_seen = False  # another person than the one in front: a green code of their own
        self._reset()
        if not self.green_seen:
            self.scan_line.clear_message()  # the next person: what the scanner said before is gone
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

    def _scan_note(self, text: str, kind: str, source: str) -> None:
        """A note on the scanner's own line; the camera's say what it is from."""
        if source == "camera":
            text = self.tr("Camera: {text}").format(text=text)
        self.scan_line.show_message(text, kind, source)

    def _same_person(self, number: str) -> bool:
        """The camera reading again the person just signed in, or the one whose card is up: the desk's
        result stays (a note on the scanner's line at most)."""
        if self.last_signed and self.last_signed[0] == number and self.found is None:
            self._scan_note(
                self.tr("Already signed in: queue number {n}").format(n=self.last_signed[1]), "info", "camera"
            )
            return True
        if self.walk_in_box.isVisibleTo(self):  # what the desk has typed into the form stays
            return self.w_id.text().strip().upper() == number
        return self.found is not None and self.found.person["id_number"] == number

    def _reset(self) -> None:
        self.found = None
        self.card.clear()
        self.sign_in_button.setEnabled(False)
        self._show_walk_in(False)
        self.banner.clear_message()
        self.no_code_reason.setCurrentIndex(0)
        self.no_code_reason.setEditText("")
        self._show_health_box()

    def _needs_reason(self) -> bool:
        return self.hub.settings.health_code_rule == "green_required" and not self.green_seen

    def _show_health_box(self) -> None:
        """The reason box is there while a person is up for sign-in and the rule wants a green code
        that was not seen."""
        person_up = self.walk_in_box.isVisibleTo(self) or (
            self.found is not None and self.sign_in_button.isEnabled()
        )
        self.health_box.setVisible(person_up and self._needs_reason())

    def no_code_reason_value(self) -> str | None:
        """The reason picked (its code) or typed (as typed); None when there is none."""
        text = self.no_code_reason.currentText().strip()
        index = self.no_code_reason.currentIndex()
        if index > 0 and text == self.no_code_reason.itemText(index):
            return self.no_code_reason.itemData(index)
        return text or None

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
        source = "camera" if result is not None else "typed"
        if not scan.ok:
            self._scan_note(scan.message(self.hub.lang) or "", "error", source)
            self._typed_done(typed)
            return
        if result is None or result.color is None:  # a scanner gun reads the text, not the colour
            self._scan_note(
                self.tr(
                    "Health code read by the scanner gun, which cannot see its colour: look at the phone."
                    " Green: scan the booking QR or ID card"
                ),
                "warn",
                source,
            )
            self._typed_done(typed)
            return
        try:
            check_health_code(result)
        except DomainError as exc:  # yellow, red, or a colour not made out: stop here, nothing recorded
            self.green_seen = False
            if self.found is not None or self.walk_in_box.isVisibleTo(self):
                self._reset()  # the person in front may not be signed in: their card goes
            self._scan_note(self.hub.message(exc), "error", source)
            return
        self.green_seen = True
        self._show_health_box()
        if self.found is not None and self.sign_in_button.isEnabled():
            self._scan_note(self.tr("Health code green: press Enter to sign in"), "ok", source)
            self.sign_in_button.setFocus()
        elif self.walk_in_box.isVisibleTo(self):
            self._scan_note(
                self.tr("Health code green: fill in the registration, then press Enter"), "ok", source
            )
        else:
            self._scan_note(self.tr("Health code green: now scan the booking QR or ID card"), "ok", source)

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
            self._show_health_box()
            if self.green_seen:
                self._scan_note(self.tr("Health code green: press Enter to sign in"), "ok", "camera")
            if self._needs_reason():
                text = self.tr(
                    "Booking found: check the ID card and scan the health code (or give the reason"
                    " there is none), then press Enter"
                )
            else:
                text = self.tr("Booking found: check the ID card, then press Enter")
            warning = signin.age_warning(self.hub.rules, found.person.get("birth_date"), today)
            if warning is not None:  # seen before Enter: a child is not queued by a reflex
                self.banner.show_message(self.hub.message(warning) + "\n" + text, "warn")
            else:
                self.banner.show_message(text, "info")
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
        self._show_health_box()

    def _offer_walk_in(
        self, text: str, person: dict[str, Any] | None, booking: dict[str, Any] | None = None
    ) -> None:
        if booking:  # a booking QR this station's list does not have (not imported here)
            self._walk_in_prompt = self.tr(
                "Booking {no} is not in this station's list: register as a walk-in"
            ).format(no=booking.get("booking_no", ""))
        else:
            self._walk_in_prompt = self.tr("No booking today: register as a walk-in")
        self.w_doc_type.setCurrentIndex(0)
        self.w_id.setText(text)
        self.w_name.setText(person["name"] if person else (booking or {}).get("name", ""))
        self.w_phone.setText(person.get("phone") or "" if person else "")
        self.w_unit.setText(person.get("unit") or "" if person else "")
        self._show_walk_in(True)
        self._show_walk_in_prompt()
        (self.w_phone if person else self.w_name).setFocus()

    def _show_walk_in_prompt(self, *_: Any) -> None:
        """The walk-in prompt, with the age warning when the resident ID number in the form says no
        vaccine here fits the person (at once, before Enter)."""
        if not self.walk_in_box.isVisibleTo(self):
            return
        text = self._walk_in_prompt
        if self._needs_reason():
            text += "\n" + self.tr("Scan the health code, or give the reason there is none")
        if self.w_doc_type.currentData() == "resident_id":
            try:
                born = parse_resident_id(self.w_id.text(), self.hub.today()).birth_date
            except DomainError:
                born = None
            warning = signin.age_warning(self.hub.rules, born, self.hub.today())
            if warning is not None:
                text = self.hub.message(warning) + "\n" + text
        self.banner.show_message(text, "warn")

    def _enter(self) -> None:
        """Enter in the reason box: the walk-in form's submit, or the sign-in."""
        if self.walk_in_box.isVisibleTo(self):
            self.register_walk_in()
        else:
            self.confirm()

    def _sign(self, fn: Any, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        """Run a sign-in command with this desk's letter and the health-code check; a refusal is shown
        (no reason given: the reason box takes the focus)."""
        try:
            return self.hub.run(
                fn,
                *args,
                desk=self.hub.settings.desk,
                prefix=self.hub.settings.queue_prefix,
                health_code_rule=self.hub.settings.health_code_rule,
                health_code="green" if self.green_seen else None,
                health_code_reason=None if self.green_seen else self.no_code_reason_value(),
                **kwargs,
            )
        except DomainError as exc:
            self.banner.show_message(self.hub.message(exc), "error")
            if exc.code == "health_code_required":
                self.health_box.show()
                self.no_code_reason.setFocus()
            return None

    def confirm(self) -> None:
        if not self.found or not self.found.visit or not self.sign_in_button.isEnabled():
            return
        visit = self._sign(signin.sign_in, self.found.visit["visit_id"], method=self.method)
        if visit:
            self._signed_in(visit, self.found.person)

    def register_walk_in(self) -> None:
        if not self.walk_in_box.isVisibleTo(self):
            return
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
        visit = self._sign(signin.walk_in, person)
        if visit:
            self._show_walk_in(False)
            self._signed_in(visit, person)

    def _signed_in(self, visit: dict[str, Any], person: dict[str, Any]) -> None:
        """The desk's result, kept until the next person; the focus back in the code box."""
        number = signin.queue_label(visit)
        self.queue_no.setText(number)
        self.queue_who.setText(person["name"])
        text = self.tr("Signed in: queue number {n}. Please go to pre-screen").format(n=number)
        reason = signin.health_check(self.hub.store, visit["visit_id"])["reason"]
        if reason:
            text += "\n" + self.tr("Without a green health code: {reason}").format(
                reason=self.reason_label(reason)
            )
        self.banner.show_message(text, "ok")
        self.last_signed = (person["id_number"], number)
        self.green_seen = False
        self.sign_in_button.setEnabled(False)
        self.found = None
        self.scan_line.clear_message()
        self.no_code_reason.setCurrentIndex(0)
        self.no_code_reason.setEditText("")
        self._show_health_box()
        self.code.clear()
        self.code.setFocus()

    def refresh(self) -> None:
        self.setEnabled(self.hub.may(self.permission))
