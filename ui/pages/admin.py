"""Site admin desk: the day's counts, the staff list, the rules in force, and conflicts to settle."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from station import checklist, conflicts, signin, status
from station import staff as staffmod
from station.errors import DomainError
from station.hlc import Stamp
from station.messages import render
from station.store import Store
from ui.backup_panel import BackupPanel
from ui.pages.base import Page
from ui.pages.bookings_page import BookingsPanel
from ui.pages.reports_panel import ReportsPanel
from ui.pages.settings_page import SettingsPanel
from ui.pages.stock import StockPanel
from ui.pages.sync_panel import SyncPanel
from ui.qt import (
    QAbstractItemView,
    QCheckBox,
    QColor,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import button, label, product_short, shortcut

KEY_ROLE = Qt.ItemDataRole.UserRole
GREY = QColor("#8c959f")


# staff.add / staff.change name their target ``staff_id`` and the acting admin ``by``; hub.run passes
# the logged-in staff as ``staff_id``: these two adapt, so the page acts through hub.run like every page.
def _add_staff(store: Store, *, staff_id: str, new_id: str, **kw: Any) -> staffmod.Staff:
    return staffmod.add(store, new_id, by=staff_id, **kw)


def _change_staff(store: Store, *, staff_id: str, target: str, **kw: Any) -> staffmod.Staff:
    return staffmod.change(store, target, by=staff_id, **kw)


def table(headers: list[str], stretch: int | None = None) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().hide()
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setTabKeyNavigation(False)
    t.setWordWrap(True)
    rows = t.verticalHeader()
    rows.setMinimumSectionSize(34)  # a finger's height, even for one line
    rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # wrapped text: rows follow widths
    header = t.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return t


def fill(t: QTableWidget, rows: list[list[str]], keys: list[Any] | None = None) -> None:
    """Refill a table, keeping the selected row (by its key in column 0) where it still exists."""
    # Read a key only from tables that have keys: PySide6 6.12 on Python 3.11 drops a reference to
    # None each time data() finds nothing, and enough of those crash the process (none_dealloc).
    current = t.item(t.currentRow(), 0) if keys is not None and t.currentRow() >= 0 else None
    keep = current.data(KEY_ROLE) if current else None
    t.setRowCount(len(rows))
    again = -1
    for i, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if c == 0 and keys is not None:
                item.setData(KEY_ROLE, keys[i])
                if keys[i] == keep:
                    again = i
            t.setItem(i, c, item)
    if again >= 0:
        t.setCurrentCell(again, 0)
    else:
        t.clearSelection()
        t.setCurrentCell(-1, -1)


class Tile(QFrame):
    """One count, big, with its caption."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.caption = label(caption)
        self.caption.setStyleSheet("color: #57606a; font-size: 16px;")
        self.value = label("0")
        self.value.setStyleSheet("font-size: 34px; font-weight: bold;")
        layout.addWidget(self.caption)
        layout.addWidget(self.value)

    def set(self, value: int, alert: bool = False) -> None:
        self.value.setText(str(value))
        color = "#a40e26" if alert else "#0a3069"
        self.value.setStyleSheet(f"font-size: 34px; font-weight: bold; color: {color};")


class AdminPage(Page):
    role = "admin"
    permission = "manage_staff"

    def __init__(self, hub) -> None:
        super().__init__(hub)
        self.setStyleSheet(
            "QCheckBox { min-height: 36px; } QCheckBox::indicator { width: 24px; height: 24px; }"
        )
        self.tabs = QTabWidget()
        # ten tabs in 1366 pixels: their labels a little smaller than the page's text
        self.tabs.setStyleSheet("QTabBar::tab { font-size: 14px; padding: 6px 7px; }")
        self.tabs.addTab(self._today_tab(), self.tr("Today (Alt+1)"))
        self.tabs.addTab(self._staff_tab(), self.tr("Staff (Alt+2)"))
        self.tabs.addTab(self._rules_tab(), self.tr("Rules (Alt+3)"))
        self.tabs.addTab(self._conflicts_tab(), self.tr("Conflicts (Alt+4)"))
        self.sync_panel = SyncPanel(hub, self.banner)
        self.tabs.addTab(self.sync_panel, self.tr("Sync (Alt+5)"))
        self.stock_panel = StockPanel(hub, self.banner)
        self.tabs.addTab(self.stock_panel, self.tr("Stock (Alt+6)"))
        self.bookings_panel = BookingsPanel(hub, self.banner)
        self.tabs.addTab(self.bookings_panel, self.tr("Import bookings (Alt+7)"))
        self.reports_panel = ReportsPanel(hub)
        self.tabs.addTab(self.reports_panel, self.tr("Reports (Alt+8)"))
        self.backup_panel = BackupPanel.add_to(self.tabs, hub)  # Alt+9
        self.settings_panel = SettingsPanel(
            hub, self.banner, go_to_sync=lambda: self._go_to(self.tabs.indexOf(self.sync_panel))
        )
        self.tabs.addTab(self.settings_panel, self.tr("Settings (Alt+0)"))
        for i in range(self.tabs.count()):  # Alt+1 ... Alt+9, then Alt+0 for the tenth
            # the window's keys while this page is shown: after login the focus is on the tab bar,
            # outside the page, and Alt+2 on the tab "Staff (Alt+2)" did nothing
            key = shortcut(self, f"Alt+{(i + 1) % 10}", lambda i=i: self._go_to(i))
            key.setContext(Qt.ShortcutContext.WindowShortcut)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.banner)  # under the tabs, next to the buttons that act
        self.tabs.currentChanged.connect(lambda _i: self.banner.clear_message())
        self.refresh()

    def list_sep(self) -> str:
        return "、" if self.hub.lang == "zh" else ", "

    def title(self) -> str:
        return self.tr("Site admin")

    def _go_to(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        first = {1: self.new_id, 3: self.resolution, 5: self.stock_panel.first_input()}.get(index)
        (first or self.tabs.currentWidget()).setFocus()

    # --- labels in the UI language --------------------------------------------------------------
    def role_label(self, role: str) -> str:
        return {
            "signin": self.tr("Sign-in"),
            "prescreen": self.tr("Pre-screen"),
            "vaccinator": self.tr("Vaccinator"),
            "observer": self.tr("Observation"),
            "admin": self.tr("Site admin"),
        }.get(role, role)

    def event_label(self, event_type: str) -> str:
        return {
            "BookingAdded": self.tr("Booking"),
            "BookingCancelled": self.tr("Cancellation"),
            "SignedIn": self.tr("Sign-in"),
            "Screened": self.tr("Pre-screen"),
            "Injected": self.tr("Injection"),
            "ObservationStarted": self.tr("Observation"),
            "AdverseEventReported": self.tr("Adverse reaction"),
            "Released": self.tr("Release"),
            "StaffAdded": self.tr("Staff added"),
            "Called": self.tr("Call to injection desk"),
            "CallMissed": self.tr("Absent when called"),
        }.get(event_type, event_type)

    def reason_label(self, code: str | None) -> str:
        reason = self.hub.rules.reasons.get(code or "")
        if reason is None:
            return code or self.tr("(no reason given)")
        return reason.label_zh if self.hub.lang == "zh" else reason.label_en

    # --- Today -------------------------------------------------------------------------------------
    def _today_tab(self) -> QWidget:
        w = QWidget()
        self.day_title = label(role="title")
        captions = [
            ("bookings", self.tr("Booked")),
            ("signed_in", self.tr("Signed in")),
            ("screened", self.tr("Pre-screened")),
            ("turned_away", self.tr("Turned away")),
            ("cancelled", self.tr("Cancelled")),
            ("injected", self.tr("Vaccinated")),
            ("released", self.tr("Released")),
            ("observing", self.tr("Observing now")),
            ("transferred", self.tr("Handed over to hospital")),
            ("w_prescreen", self.tr("Waiting: pre-screen")),
            ("w_inject", self.tr("Waiting: injection")),
            ("w_observe", self.tr("Waiting: seat")),
            ("conflicts", self.tr("Conflicts")),
            ("bookings_left", self.tr("Bookings left")),
            ("doses_left", self.tr("Doses left")),
        ]
        self.tiles: dict[str, Tile] = {}
        grid = QGridLayout()
        grid.setSpacing(8)
        for i, (key, caption) in enumerate(captions):
            self.tiles[key] = Tile(caption)
            grid.addWidget(self.tiles[key], i // 4, i % 4)
        left = QVBoxLayout()
        self.audit_button = button(self.tr("Audit trail: who did what…"))
        self.audit_button.setObjectName("open_audit")
        self.audit_button.clicked.connect(self.open_audit)
        head = QHBoxLayout()
        head.addWidget(self.day_title, 1)
        head.addWidget(self.audit_button)
        left.addLayout(head)
        left.addLayout(grid)
        left.addStretch(1)
        self.reasons = table([self.tr("Turned away because"), self.tr("People")], stretch=0)
        self.reasons.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        right = QVBoxLayout()
        right.addWidget(self._checklist_box())
        right.addWidget(label(self.tr("Turned away: reasons"), "title"))
        right.addWidget(self.reasons, 1)
        layout = QHBoxLayout(w)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)
        return w

    def open_audit(self):
        """The day's audit trail (personal data: the admin's page only), where records are corrected."""
        from ui.pages.audit_panel import AuditPanel

        self.audit_panel = AuditPanel(self.hub, self)
        self.audit_panel.finished.connect(lambda _=0: self.refresh())
        self.audit_panel.open()
        return self.audit_panel

    # --- the day's checklist (#15): recorded and reported, never a blocker --------------------------
    def _checklist_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Daily checklist"))
        box.setObjectName("checklist")
        box.setStyleSheet("QCheckBox { min-height: 26px; }")
        self.checklist_layout = QVBoxLayout(box)
        self.checklist_layout.setSpacing(2)
        self.checklist_checks: dict[str, QCheckBox] = {}
        self.checklist_items: tuple[checklist.Item, ...] = ()
        self.checklist_status = QLabel()
        self.checklist_status.setObjectName("checklist_status")
        self.checklist_status.setWordWrap(True)
        try:
            self.checklist_items = checklist.load_items(self._data_folder())
        except DomainError as exc:  # the site's own file is broken: say so, the desks carry on
            self.checklist_status.setText(self.hub.message(exc))
        for item in self.checklist_items:
            check = QCheckBox(item.label(self.hub.lang))
            check.setObjectName(f"check_{item.id}")
            check.clicked.connect(lambda on, item=item.id: self.tick_checklist(item, on))
            self.checklist_checks[item.id] = check
            self.checklist_layout.addWidget(check)
        self.checklist_layout.addWidget(self.checklist_status)
        return box

    def _data_folder(self):
        return self.hub.store.path.parent if self.hub.store.path else None

    def tick_checklist(self, item: str, on: bool) -> None:
        """Tick (or take back) one item of today's checklist as the logged-in staff member."""
        fn = checklist.tick if on else checklist.untick
        self.act(fn, item=item, items=self.checklist_items)
        self._refresh_checklist()

    def _refresh_checklist(self) -> None:
        rows = {r["item"]: r for r in checklist.day_checklist(self.hub.store, self.hub.today(), self.checklist_items)}
        for item in self.checklist_items:
            row, check = rows.get(item.id), self.checklist_checks[item.id]
            text = item.label(self.hub.lang)
            if row and row["done"]:
                text = self.tr("{item} — {name}, {time}").format(
                    item=text, name=row["staff_name"], time=(row["at"] or "")[11:16]
                )
            check.setText(text)
            check.setChecked(bool(row and row["done"]))
        if self.checklist_items:
            missing = [i for i in self.checklist_items if not (rows.get(i.id) or {}).get("done")]
            self.checklist_status.setText(
                self.tr("All done") if not missing else self.tr("{n} not done").format(n=len(missing))
            )

    def _refresh_today(self) -> None:
        day = self.hub.today()
        st = status.day_status(self.hub.store, day)
        self.day_title.setText(self.tr("Today, {day}").format(day=day.isoformat()))
        values = {
            **{k: st[k] for k in ("bookings", "signed_in", "screened", "turned_away", "cancelled")},
            **{k: st[k] for k in ("injected", "released", "observing", "transferred", "conflicts")},
            "w_prescreen": st["waiting"]["prescreen"],
            "w_inject": st["waiting"]["inject"],
            "w_observe": st["waiting"]["observe"],
            "bookings_left": st["bookings_left"],
            "doses_left": st["doses_left"],
        }
        for key, tile in self.tiles.items():
            tile.set(values[key], alert=key in ("conflicts", "transferred") and values[key] > 0)
        rows = self.hub.store.all(
            """SELECT reason, count(*) AS n FROM visits WHERE day = ? AND turned_away_at IS NOT NULL
               GROUP BY reason ORDER BY n DESC, reason""",
            [day.isoformat()],
        )
        fill(self.reasons, [[self.reason_label(r["reason"]), str(r["n"])] for r in rows])
        self._refresh_checklist()

    # --- Staff -------------------------------------------------------------------------------------
    def _staff_tab(self) -> QWidget:
        w = QWidget()
        self.staff_table = table(
            [self.tr("Staff id"), self.tr("Name"), self.tr("Roles"), self.tr("Status")], stretch=2
        )
        self.toggle_button = button(self.tr("Disable / enable selected (F3)"), "warn")
        self.toggle_button.clicked.connect(self.toggle_staff)
        # wrong PINs and lockouts (#13), from the events, in the domain's message catalogue
        self.lockout_label = QLabel()
        self.lockout_label.setObjectName("lockouts")
        self.lockout_label.setWordWrap(True)
        self.lockout_label.setStyleSheet("color: #9a6700;")
        left = QVBoxLayout()
        left.addWidget(self.staff_table, 1)
        left.addWidget(self.lockout_label)
        left.addWidget(self.toggle_button)

        box = QGroupBox(self.tr("Add staff"))
        form = QFormLayout(box)
        self.new_id = QLineEdit()
        self.new_id.setPlaceholderText(self.tr("letters and digits, e.g. lg03"))
        self.new_name = QLineEdit()
        self.new_roles: dict[str, QCheckBox] = {}
        roles_grid = QGridLayout()
        for i, role in enumerate(staffmod.ROLES):
            self.new_roles[role] = QCheckBox(self.role_label(role))
            roles_grid.addWidget(self.new_roles[role], i // 2, i % 2)
        self.new_pin = QLineEdit()
        self.new_pin2 = QLineEdit()
        for pin in (self.new_pin, self.new_pin2):
            pin.setEchoMode(QLineEdit.EchoMode.Password)
            pin.setMaxLength(12)
        self.new_pin.returnPressed.connect(self.new_pin2.setFocus)
        self.new_pin2.returnPressed.connect(self.add_staff)
        self.add_button = button(self.tr("Add staff (F2)"), "primary")
        self.add_button.clicked.connect(self.add_staff)
        form.addRow(self.tr("Staff id"), self.new_id)
        form.addRow(self.tr("Name"), self.new_name)
        form.addRow(self.tr("Roles"), roles_grid)
        form.addRow(self.tr("PIN (4-12 digits)"), self.new_pin)
        form.addRow(self.tr("PIN again"), self.new_pin2)
        form.addRow(self.add_button)

        layout = QHBoxLayout(w)
        layout.addLayout(left, 3)
        layout.addWidget(box, 2)
        shortcut(w, "F2", self.add_staff)
        shortcut(w, "F3", self.toggle_staff)
        QWidget.setTabOrder(self.new_id, self.new_name)
        prev = self.new_name
        for box_ in self.new_roles.values():
            QWidget.setTabOrder(prev, box_)
            prev = box_
        for nxt in (self.new_pin, self.new_pin2, self.add_button, self.staff_table, self.toggle_button):
            QWidget.setTabOrder(prev, nxt)
            prev = nxt
        return w

    def _refresh_staff(self) -> None:
        members = staffmod.list_staff(self.hub.store)
        fill(
            self.staff_table,
            [
                [
                    m.staff_id,
                    m.name,
                    self.list_sep().join(self.role_label(r) for r in m.roles),
                    self.tr("Active") if m.active else self.tr("Disabled"),
                ]
                for m in members
            ],
            [m.staff_id for m in members],
        )
        for i, m in enumerate(members):
            if not m.active:
                for c in range(self.staff_table.columnCount()):
                    self.staff_table.item(i, c).setForeground(GREY)
        lines = [
            render(
                "lockout_line",
                self.hub.lang,
                staff=r["staff_id"],
                name=r["name"],
                failures=r["failed_logins"],
                lockouts=r["lockouts"],
                locked=render("lockout_now", self.hub.lang, until=r["locked_until"][11:19])
                if r["locked"]
                else "",
            )
            for r in staffmod.lockouts(self.hub.store)
        ]
        self.lockout_label.setText("\n".join(lines))
        self.lockout_label.setVisible(bool(lines))

    def selected_staff(self) -> str | None:
        row = self.staff_table.currentRow()
        item = self.staff_table.item(row, 0) if row >= 0 else None
        return item.data(KEY_ROLE) if item else None

    def add_staff(self) -> None:
        if self.new_pin.text() != self.new_pin2.text():
            self.banner.show_message(self.tr("The two PINs differ: type the PIN again"), "error")
            self.new_pin.clear()
            self.new_pin2.clear()
            self.new_pin.setFocus()
            return
        new_id = self.new_id.text().strip()
        member = self.act(
            _add_staff,
            new_id=new_id,
            name=self.new_name.text(),
            roles=[r for r, box in self.new_roles.items() if box.isChecked()],
            pin=self.new_pin.text(),
        )
        if member is None:
            return
        self.banner.show_message(
            self.tr("{name} ({id}) added: they can log in with their PIN now").format(
                name=member.name, id=member.staff_id
            ),
            "ok",
        )
        for edit in (self.new_id, self.new_name, self.new_pin, self.new_pin2):
            edit.clear()
        for box in self.new_roles.values():
            box.setChecked(False)
        self.new_id.setFocus()

    def toggle_staff(self) -> None:
        target = self.selected_staff()
        if target is None:
            self.banner.show_message(self.tr("Choose a staff member in the table first"), "warn")
            return
        member = staffmod.get(self.hub.store, target)
        if member is None:
            return
        if member.active and target == self.hub.staff_id:
            self.banner.show_message(self.tr("You cannot disable yourself while logged in"), "error")
            return
        changed = self.act(_change_staff, target=target, active=not member.active)
        if changed is None:
            return
        text = (
            self.tr("{name} ({id}) enabled: they can log in again")
            if changed.active
            else self.tr("{name} ({id}) disabled: they can no longer log in")
        )
        self.banner.show_message(text.format(name=changed.name, id=changed.staff_id), "ok")

    # --- Rules -------------------------------------------------------------------------------------
    def _rules_tab(self) -> QWidget:
        w = QWidget()
        rules, zh = self.hub.rules, self.hub.lang == "zh"
        self.observation_line = label(
            self.tr(
                "Observation after the injection: {minutes} minutes "
                "({allergy} minutes with an allergy history). Fever from {fever} °C."
            ).format(
                minutes=rules.observation_minutes,
                allergy=rules.observation_minutes_allergy_history,
                fever=rules.fever_threshold_c,
            ),
            wrap=True,
        )
        self.observation_line.setStyleSheet("font-size: 19px; font-weight: bold;")
        self.products_table = table(
            [self.tr("Vaccine"), self.tr("Ages"), self.tr("Doses and intervals"), self.tr("Booster")],
            stretch=2,
        )
        product_rows = []
        for p in rules.products.values():
            name = (p.name_zh if zh else p.name_en) + "\n" + (p.manufacturer_zh if zh else p.manufacturer_en)
            ages = (
                self.tr("{low} and over").format(low=p.age_min)
                if p.age_max is None
                else self.tr("{low} to {high}").format(low=p.age_min, high=p.age_max)
            )
            lines = [
                self.tr("Doses in the series: {n}, {ml} ml each").format(n=p.primary_doses, ml=p.dose_ml)
            ]
            for d in p.doses[1:]:
                lines.append(
                    (
                        self.tr("dose {n}: {low} to {high} days after dose {prev}")
                        if d.max_days is not None
                        else self.tr("dose {n}: from {low} days after dose {prev}")
                    ).format(n=d.number, low=d.min_days, high=d.max_days, prev=d.number - 1)
                )
            booster = (
                self.tr("after a series of {primaries}: from {days} days").format(
                    primaries=self.list_sep().join(
                        product_short(rules, c, self.hub.lang) for c in p.boosters_after
                    ),
                    days=p.booster_min_days,
                )
                if p.boosters_after
                else self.tr("not as a booster")
            )
            product_rows.append([name, ages, "\n".join(lines), booster])
        fill(self.products_table, product_rows, list(rules.products))

        self.questions_table = table([self.tr("Pre-screen question"), self.tr("A yes (or fever) means")], 0)
        question_rows = []
        for q in rules.questions:
            if q.answer_outcome == "pass":
                note = rules.notes.get(q.note or "")
                meaning = self.tr("may be vaccinated")
                if note is not None:
                    meaning += "\n" + self.tr("note: {note}").format(
                        note=note.label_zh if zh else note.label_en
                    )
            else:
                meaning = (
                    self.tr("defer (come back later)")
                    if q.answer_outcome == "defer"
                    else self.tr("refuse (contraindication)")
                )
                meaning += "\n" + self.reason_label(q.reason)
            question_rows.append([q.text_zh if zh else q.text_en, meaning])
        fill(self.questions_table, question_rows, [q.id for q in rules.questions])

        layout = QVBoxLayout(w)
        layout.addWidget(self.observation_line)
        self.products_table.setSizeAdjustPolicy(QTableWidget.SizeAdjustPolicy.AdjustToContents)
        self.products_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.products_table)  # a few products: all of them, the questions scroll
        layout.addWidget(self.questions_table, 1)
        return w

    # --- Conflicts ---------------------------------------------------------------------------------
    def _conflicts_tab(self) -> QWidget:
        w = QWidget()
        self.conflicts_table = table(
            [
                self.tr("When"),
                self.tr("Step"),
                self.tr("No."),
                self.tr("Name"),
                self.tr("Problem"),
                self.tr("From laptop"),
                self.tr("Staff"),
            ],
            stretch=4,
        )
        self.resolution = QLineEdit()
        self.resolution.setPlaceholderText(self.tr("What was decided (required), then Enter"))
        self.resolution.returnPressed.connect(self.resolve)
        self.resolve_button = button(self.tr("Resolve (F4)"), "primary")
        self.resolve_button.clicked.connect(self.resolve)
        self.conflicts_hint = label(
            self.tr(
                "Records from two laptops that contradict each other. Both are kept; "
                "check with the desks, then write down what was decided."
            ),
            wrap=True,
        )
        row = QHBoxLayout()
        row.addWidget(self.resolution, 1)
        row.addWidget(self.resolve_button)
        # The chosen conflict's two records side by side: what each says, when, where and by whom.
        self.sides: dict[str, dict[str, Any]] = {}
        pair = QHBoxLayout()
        for side, title in (
            ("this", self.tr("This record")),
            ("other", self.tr("The record it contradicts")),
        ):
            box = QGroupBox(title)
            form = QFormLayout(box)
            fields = {}
            for key, caption in (
                ("step", self.tr("Step")),
                ("when", self.tr("When")),
                ("laptop", self.tr("Laptop")),
                ("staff", self.tr("Staff")),
                ("person", self.tr("Person")),
                ("facts", self.tr("Details")),
            ):
                fields[key] = label("", wrap=True)
                fields[key].setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                form.addRow(caption, fields[key])
            self.sides[side] = {"box": box, **fields}
            pair.addWidget(box, 1)
        self.conflicts_table.itemSelectionChanged.connect(self._show_sides)
        layout = QVBoxLayout(w)
        layout.addWidget(self.conflicts_hint)
        layout.addWidget(self.conflicts_table, 1)
        layout.addLayout(pair)
        layout.addLayout(row)
        shortcut(w, "F4", self.resolve)
        QWidget.setTabOrder(self.conflicts_table, self.resolution)
        QWidget.setTabOrder(self.resolution, self.resolve_button)
        return w

    def fact_label(self, key: str) -> str:
        return {
            "product": self.tr("Product"),
            "lot_no": self.tr("Lot"),
            "dose_number": self.tr("Dose"),
            "desk": self.tr("Desk"),
            "body_site": self.tr("Site of injection"),
            "seat": self.tr("Seat"),
            "minutes": self.tr("Minutes"),
            "queue_no": self.tr("No."),
            "day": self.tr("Day"),
            "slot": self.tr("Slot"),
            "booking_no": self.tr("Booking no."),
            "source": self.tr("Source"),
            "outcome": self.tr("Result"),
            "temperature": self.tr("Temperature"),
            "reasons": self.tr("Reasons"),
            "reason": self.tr("Reason"),
            "category": self.tr("Reaction"),
            "severity": self.tr("Severity"),
            "handling": self.tr("Handling"),
            "extend_minutes": self.tr("Observation extended (min)"),
            "staff_id": self.tr("Staff ID"),
            "name": self.tr("Name"),
            "roles": self.tr("Roles"),
        }.get(key, key)

    def _fact_value(self, key: str, value: Any) -> str:
        if key == "product":
            return product_short(self.hub.rules, value, self.hub.lang)
        if key in ("reasons", "reason"):
            values = value if isinstance(value, list) else [value]
            return self.list_sep().join(self.reason_label(v) for v in values)
        if key == "roles" and isinstance(value, list):
            return self.list_sep().join(self.role_label(r) for r in value)
        return str(value)

    def _show_sides(self) -> None:
        """Fill the two boxes from the chosen conflict (empty when none is chosen)."""
        row = self.conflicts_table.currentRow()
        item = self.conflicts_table.item(row, 0) if row >= 0 else None
        sides = None
        if item is not None:
            try:
                sides = conflicts.both_sides(self.hub.store, item.data(KEY_ROLE))
            except DomainError:  # resolved on another laptop a moment ago: the next refresh drops it
                sides = None
        colon = "：" if self.hub.lang == "zh" else ": "
        for side in ("this", "other"):
            record = sides[side] if sides else None
            fields = self.sides[side]
            if record is None:
                for key in ("step", "when", "laptop", "staff", "person", "facts"):
                    fields[key].setText("")
                if sides is not None:
                    fields["step"].setText(self.tr("(none held on this laptop)"))
                continue
            fields["step"].setText(self.event_label(record["type"]))
            fields["when"].setText(self._at(record["at"]) if record["at"] else self._when(record["hlc"]))
            fields["laptop"].setText(record["origin"])
            staff = record["staff_id"] or ""
            fields["staff"].setText(f"{record['staff_name']} ({staff})" if record["staff_name"] else staff)
            person = record["name"] or ""
            if record.get("queue_no") is not None:
                person = f"{signin.queue_label(record)} {person}".strip()
            fields["person"].setText(person)
            fields["facts"].setText(
                "\n".join(
                    f"{self.fact_label(k)}{colon}{self._fact_value(k, v)}" for k, v in record["facts"].items()
                )
            )

    def _at(self, at: str) -> str:
        when = datetime.fromisoformat(at)
        now = self.hub.now()
        if when.tzinfo is not None and now.tzinfo is not None:
            when = when.astimezone(now.tzinfo)
        return when.strftime("%H:%M:%S") if when.date() == now.date() else when.strftime("%Y-%m-%d %H:%M")

    def _when(self, hlc: str) -> str:
        now = self.hub.now()
        at = datetime.fromtimestamp(Stamp.parse(hlc).wall_ms / 1000, tz=now.tzinfo)
        return at.strftime("%H:%M") if at.date() == now.date() else at.strftime("%Y-%m-%d %H:%M")

    def _refresh_conflicts(self) -> None:
        self.open_conflicts = signin.add_queue_prefix(
            self.hub.store, conflicts.open_conflicts(self.hub.store)
        )
        rows = []
        for c in self.open_conflicts:
            facts = {k: v for k, v in c["detail"].items() if k not in ("code", "lang")}
            rows.append(
                [
                    self._when(c["hlc"]),
                    self.event_label(c["type"]),
                    signin.queue_label(c),
                    c["name"] or "",
                    render(c["code"], self.hub.lang, **facts),
                    c["origin"],
                    c["by_staff"] or "",
                ]
            )
        fill(self.conflicts_table, rows, [c["event_id"] for c in self.open_conflicts])
        self._show_sides()
        n = len(self.open_conflicts)
        self.tabs.setTabText(
            3, self.tr("Conflicts: {n} (Alt+4)").format(n=n) if n else self.tr("Conflicts (Alt+4)")
        )

    def resolve(self) -> None:
        row = self.conflicts_table.currentRow()
        item = self.conflicts_table.item(row, 0) if row >= 0 else None
        if item is None:
            self.banner.show_message(self.tr("Choose a conflict in the table first"), "warn")
            return
        try:  # resolve returns nothing, so Page.act cannot tell a refusal from success
            self.hub.run(conflicts.resolve, item.data(KEY_ROLE), resolution=self.resolution.text())
        except DomainError as exc:
            self.banner.show_message(self.hub.message(exc), "error")
            self.resolution.setFocus()
            return
        self.banner.show_message(self.tr("Conflict resolved: your note is recorded"), "ok")
        self.resolution.clear()
        self.conflicts_table.setFocus()

    # --- reading -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.setEnabled(self.hub.may(self.permission))
        self._refresh_today()
        self._refresh_staff()
        self._refresh_conflicts()
        self.settings_panel.refresh_hub_line()
        self.stock_panel.refresh()
        self.reports_panel.refresh()
