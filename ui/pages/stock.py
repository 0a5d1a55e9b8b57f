"""The admin page's Stock tab: receiving deliveries (scanned or typed), the stock per lot, the cold
chain (readings typed or imported, lots held after an excursion to decide) and the end-of-day count.

Keyboard: F6 Receiving, F7 Stock, F8 Cold chain, F9 Count; F5 records what the sub-tab records
(a delivery, a reading, a count). A USB scanner gun types the carton's code into the scan box and
ends with Enter: the form fills from the code. See docs/stock.md for the domain behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from station import coldchain, stock
from station.errors import DomainError
from station.packcodes import GS, GS1
from ui.hub import StationHub
from ui.qt import (
    QAbstractItemView,
    QColor,
    QComboBox,
    QFileDialog,
    QFont,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    Qt,
    QTableWidget,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import Banner, CodeInput, button, label, product_name, product_short, shortcut

RED = QColor("#a40e26")
RED_BG = QColor("#ffebe9")
AMBER = QColor("#7d4e00")
AMBER_BG = QColor("#fff8c5")
GREEN = QColor("#116329")
GREY = QColor("#6e7781")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")


def parse_date(text: str) -> date | None:
    """A typed date (2027-06-30, 2027/06/30, 20270630), or None when it is not one."""
    text = text.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_celsius(text: str) -> float | None:
    text = text.strip().replace("°C", "").replace("℃", "").replace(",", ".").strip()
    try:
        return float(text)
    except ValueError:
        return None


def grid_table(headers: list[str], stretch: int | None = None) -> QTableWidget:
    """A read-only table: whole rows selected, rows a finger high, columns sized to their text."""
    from ui.pages.admin import table  # the admin page's tables look the same

    return table(headers, stretch)


def set_rows(t: QTableWidget, rows: list[list[str]], keys: list[Any] | None = None) -> None:
    from ui.pages.admin import fill

    fill(t, rows, keys)


def paint_row(
    t: QTableWidget, row: int, fg: QColor | None = None, bg: QColor | None = None, bold: bool = False
):
    for c in range(t.columnCount()):
        item = t.item(row, c)
        if item is None:
            continue
        if fg is not None:
            item.setForeground(fg)
        if bg is not None:
            item.setBackground(bg)
        if bold:
            font = QFont(item.font())
            font.setBold(True)
            item.setFont(font)


def take(widget: QWidget) -> None:
    """Give the keyboard to a field with its text selected: what is typed next replaces it."""
    widget.setFocus()
    select = getattr(widget, "selectAll", None)
    if select is not None:
        select()


class PackCodeInput(CodeInput):
    """The scan box for pack codes. A scanner gun sends a GS1 code's FNC1 separators as the
    control character GS (0x1D, the key Ctrl+]); QLineEdit drops control characters, which would
    glue the lot to the serial, so GS is kept, written ``<GS>`` (packcodes reads it back as GS)."""

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if event.text() == GS or (ctrl and event.key() == Qt.Key.Key_BracketRight):
            self.insert("<GS>")
            return
        super().keyPressEvent(event)


class StockPanel(QWidget):
    """Receiving, the stock table, the cold chain and the count, in one tab of the admin page."""

    def __init__(self, hub: StationHub, banner: Banner) -> None:
        super().__init__()
        self.hub = hub
        self.banner = banner
        self.stock_rules = stock.load_stock_rules()
        self.code: str | None = None  # the scanned carton code the form was filled from
        self.count_rows: dict[str, dict[str, Any]] = {}
        self._names: dict[str, str | None] = {}  # staff names, read again on every refresh
        self.setStyleSheet(
            "QLabel#code_line { color: #0a3069; font-size: 16px; }"
            "QLabel#readonly { background: #fff8c5; color: #7d4e00; padding: 6px; border-radius: 6px; }"
        )
        self.readonly_note = label(
            self.tr(
                "Read only: receiving, counting and deciding on held lots are for the site admin "
                "(receive_stock)."
            ),
            wrap=True,
        )
        self.readonly_note.setObjectName("readonly")
        self.tabs = QTabWidget()
        self.tabs.addTab(self._receive_tab(), self.tr("Receiving (F6)"))
        self.tabs.addTab(self._stock_tab(), self.tr("Stock (F7)"))
        self.tabs.addTab(self._cold_tab(), self.tr("Cold chain (F8)"))
        self.tabs.addTab(self._count_tab(), self.tr("Count (F9)"))
        for i, key in enumerate(("F6", "F7", "F8", "F9")):
            shortcut(self, key, lambda i=i: self.go_to(i))
        self.tabs.currentChanged.connect(lambda _i: self.banner.clear_message())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.readonly_note)
        layout.addWidget(self.tabs, 1)
        self.clock = QTimer(self)  # the due reading times turn "due" and "missing" as time goes by
        self.clock.setInterval(60_000)
        self.clock.timeout.connect(self._refresh_due)
        self.clock.start()

    # --- shared ------------------------------------------------------------------------------------
    def go_to(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        self.first_input().setFocus()

    def first_input(self) -> QWidget:
        """Where the keyboard starts on the sub-tab shown."""
        return {
            0: self.scan,
            1: self.stock_table,
            2: self.celsius,
            3: self._first_count_input() or self.count_button,
        }[self.tabs.currentIndex()]

    def act(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a domain command as the logged-in staff; a refusal goes to the banner, translated."""
        try:
            return self.hub.run(fn, *args, **kwargs)
        except DomainError as exc:
            self.banner.show_message(self.hub.message(exc), "error")
            return None

    def fridge_name(self, fridge_id: str | None) -> str:
        for f in self.stock_rules.fridges:
            if f.id == (fridge_id or self.stock_rules.fridges[0].id):
                return f.name_zh if self.hub.lang == "zh" else f.name_en
        return fridge_id or ""

    def short(self, product: str) -> str:
        return product_short(self.hub.rules, product, self.hub.lang)

    def local(self, at: str) -> datetime:
        """A stored time on this laptop's clock."""
        when = datetime.fromisoformat(at)
        tz = self.hub.now().tzinfo
        return when.astimezone(tz) if when.tzinfo is not None and tz is not None else when

    def hhmm(self, at: str) -> str:
        when = self.local(at)
        return when.strftime("%H:%M") if when.date() == self.hub.today() else when.strftime("%Y-%m-%d %H:%M")

    def fridge_combo(self) -> QComboBox:
        combo = QComboBox()
        for f in self.stock_rules.fridges:
            combo.addItem(f.name_zh if self.hub.lang == "zh" else f.name_en, f.id)
        return combo

    def staff_name(self, staff_id: str | None) -> str:
        if not staff_id:
            return ""
        if staff_id not in self._names:  # one query per person, not per row (66 cartons a morning)
            self._names[staff_id] = self.hub.store.scalar(
                "SELECT name FROM staff WHERE staff_id = ?", [staff_id]
            )
        name = self._names[staff_id]
        return f"{name} ({staff_id})" if name else staff_id

    # --- Receiving ---------------------------------------------------------------------------------
    def _receive_tab(self) -> QWidget:
        w = QWidget()
        self.scan = PackCodeInput(
            self.tr("Scan the carton's code (GS1 DataMatrix or 20-digit traceability code), then Enter")
        )
        self.scan.code_submitted.connect(self.read_scan)
        self.code_line = label(
            self.tr("No code scanned: type the delivery below, or scan a carton."), wrap=True
        )
        self.code_line.setObjectName("code_line")

        self.product = QComboBox()
        self.product.addItem(self.tr("(choose the vaccine)"), None)
        for code in self.hub.rules.products:
            self.product.addItem(product_name(self.hub.rules, code, self.hub.lang), code)
        self.product.currentIndexChanged.connect(self._product_chosen)
        self.manufacturer = QLineEdit()
        self.lot_no = QLineEdit()
        self.lot_no.setPlaceholderText(self.tr("as printed on the carton"))
        self.expiry = QLineEdit()
        self.expiry.setPlaceholderText(self.tr("YYYY-MM-DD"))
        self.doses_per_vial = QSpinBox()
        self.doses_per_vial.setRange(1, 50)
        self.vials = QSpinBox()
        self.vials.setRange(0, 100_000)
        self.delivery_note = QLineEdit()
        self.delivery_note.setPlaceholderText(self.tr("number on the delivery note"))
        self.fridge = self.fridge_combo()
        self.received_by = label()
        for edit, nxt in (
            (self.lot_no, self.expiry),
            (self.expiry, self.vials),
            (self.manufacturer, self.lot_no),
        ):
            edit.returnPressed.connect(lambda nxt=nxt: take(nxt))
        self.vials.lineEdit().returnPressed.connect(lambda: take(self.delivery_note))
        self.delivery_note.returnPressed.connect(self.receive)

        form = QGridLayout()
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(6)
        cells = [
            (self.tr("Vaccine"), self.product, self.tr("Manufacturer"), self.manufacturer),
            (self.tr("Lot number"), self.lot_no, self.tr("Expiry date"), self.expiry),
            (self.tr("Doses per vial"), self.doses_per_vial, self.tr("Vials"), self.vials),
            (self.tr("Delivery note"), self.delivery_note, self.tr("Goes into"), self.fridge),
        ]
        for r, (c1, w1, c2, w2) in enumerate(cells):
            form.addWidget(label(c1), r, 0)
            form.addWidget(w1, r, 1)
            form.addWidget(label(c2), r, 2)
            form.addWidget(w2, r, 3)
        form.setColumnStretch(1, 3)
        form.setColumnStretch(3, 2)

        self.receive_button = button(self.tr("Receive (F5)"), "primary")
        self.receive_button.clicked.connect(self.receive)
        self.clear_button = button(self.tr("Clear the form"))
        self.clear_button.clicked.connect(lambda: self.clear_form(keep_delivery=False))
        actions = QHBoxLayout()
        actions.addWidget(label(self.tr("Received by")))
        actions.addWidget(self.received_by, 1)
        actions.addWidget(self.clear_button)
        actions.addWidget(self.receive_button)

        self.receipts_table = grid_table(
            [
                self.tr("Time"),
                self.tr("Lot"),
                self.tr("Vaccine"),
                self.tr("Vials"),
                self.tr("Doses"),
                self.tr("Delivery note"),
                self.tr("Carton code"),
                self.tr("Fridge"),
                self.tr("Received by"),
            ],
            stretch=6,
        )
        self.receipts_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.receipts_title = label(self.tr("Received today"), "title")

        layout = QVBoxLayout(w)
        layout.setSpacing(6)
        layout.addWidget(self.scan)
        layout.addWidget(self.code_line)
        layout.addLayout(form)
        layout.addLayout(actions)
        layout.addWidget(self.receipts_title)
        layout.addWidget(self.receipts_table, 1)
        shortcut(w, "F5", self.receive)
        chain = [
            self.scan,
            self.product,
            self.manufacturer,
            self.lot_no,
            self.expiry,
            self.doses_per_vial,
            self.vials,
            self.delivery_note,
            self.fridge,
            self.receive_button,
            self.clear_button,
        ]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)
        return w

    def _product_chosen(self, _index: int = 0) -> None:
        code = self.product.currentData()
        prod = self.hub.rules.products.get(code or "")
        if prod is None:
            return
        # the maker as the records keep it (the domain's default is the Chinese name)
        self.manufacturer.setText(prod.manufacturer_zh)
        self.doses_per_vial.setValue(prod.doses_per_vial)

    def read_scan(self, text: str) -> None:
        """A code from the gun: fill the form from it, or say why it is refused and fill nothing."""
        try:
            fields = stock.read_code(text, rules=self.hub.rules, stock_rules=self.stock_rules)
        except DomainError as exc:
            self.banner.show_message(self.hub.message(exc), "error")
            self.scan.selectAll()  # the next scan replaces it
            return
        self.clear_form(keep_delivery=True, focus=False)
        self.code = text
        self.product.setCurrentIndex(max(0, self.product.findData(fields["product"])))
        self._product_chosen()
        if fields.get("vials"):
            self.vials.setValue(int(fields["vials"]))
        name = self.short(fields["product"])
        if fields["kind"] == GS1:
            self.lot_no.setText(fields.get("lot_no") or "")
            self.expiry.setText(fields.get("expiry") or "")
            self.code_line.setText(
                self.tr(
                    "GS1 code: {vaccine}, GTIN {gtin}, lot {lot}, expiry {expiry}, serial {serial}"
                ).format(
                    vaccine=name,
                    gtin=fields["gtin"],
                    lot=fields.get("lot_no") or "—",
                    expiry=fields.get("expiry") or "—",
                    serial=fields.get("serial") or "—",
                )
            )
            self.banner.show_message(
                self.tr("Code read: check the vials and the delivery note, then Receive (F5)"), "info"
            )
            take(self.delivery_note if not self.delivery_note.text().strip() else self.receive_button)
        else:
            self.code_line.setText(
                self.tr("Traceability code: {vaccine}, product code {product_code}, serial {serial}").format(
                    vaccine=name, product_code=fields["product_code"], serial=fields["serial"]
                )
            )
            self.banner.show_message(
                self.tr("Code read: this code carries no lot or expiry, type them from the carton"), "info"
            )
            take(self.lot_no)
        self.scan.clear()

    def clear_form(self, keep_delivery: bool = True, focus: bool = True) -> None:
        """Empty the form for the next carton; the delivery note and the fridge belong to the
        delivery, so they stay unless ``keep_delivery`` is False."""
        self.code = None
        self.code_line.setText(self.tr("No code scanned: type the delivery below, or scan a carton."))
        self.product.setCurrentIndex(0)
        for edit in (self.manufacturer, self.lot_no, self.expiry):
            edit.clear()
        self.doses_per_vial.setValue(1)
        self.vials.setValue(0)
        if not keep_delivery:
            self.delivery_note.clear()
            self.fridge.setCurrentIndex(0)
        self.scan.clear()
        if focus:
            self.scan.setFocus()

    def receive(self) -> None:
        expiry = None
        if self.expiry.text().strip():
            expiry = parse_date(self.expiry.text())
            if expiry is None:
                self.banner.show_message(
                    self.tr("The expiry date {text} is not a date: type it as YYYY-MM-DD").format(
                        text=self.expiry.text().strip()
                    ),
                    "error",
                )
                take(self.expiry)
                return
        vials = self.vials.value()
        row = self.act(
            stock.receive,
            lot_no=self.lot_no.text(),
            product=self.product.currentData(),
            expiry=expiry,
            vials=vials or None,
            doses_per_vial=self.doses_per_vial.value() if self.product.currentData() else None,
            manufacturer=self.manufacturer.text(),
            delivery_note=self.delivery_note.text(),
            code=self.code,
            fridge=self.fridge.currentData(),
            rules=self.hub.rules,
            stock_rules=self.stock_rules,
        )
        if row is None:
            return
        vials = vials or self.stock_rules.product(row["product"]).carton_vials or 0
        self.banner.show_message(
            self.tr(
                "Received lot {lot}: {vials} vials, {doses} doses of {vaccine}. The lot now has {left} doses left."
            ).format(
                lot=row["lot_no"],
                vials=vials,
                doses=vials * row["doses_per_vial"],
                vaccine=self.short(row["product"]),
                left=row["doses_left"],
            ),
            "ok",
        )
        self.clear_form(keep_delivery=True)

    def _refresh_receiving(self) -> None:
        member = self.hub.staff
        self.received_by.setText(f"{member.name} ({member.staff_id})" if member else "")
        lots = {r["lot_no"]: r for r in stock.lots(self.hub.store)}
        today = self.hub.today()
        todays = [r for r in stock.receipts(self.hub.store) if self.local(r["at"]).date() == today]
        todays.reverse()  # the latest first: the carton just scanned is on top
        rows = []
        for r in todays:
            lot = lots.get(r["lot_no"], {})
            code = r["carton_code"] or ""
            if r["duplicate"]:
                code = self.tr("{code} (received twice: not counted)").format(code=code)
            rows.append(
                [
                    self.hhmm(r["at"]),
                    r["lot_no"],
                    self.short(lot.get("product", "")),
                    str(r["vials"]),
                    str(r["doses"]),
                    r["delivery_note"] or "",
                    code,
                    self.fridge_name(r["fridge"]),
                    self.staff_name(r["staff_id"]),
                ]
            )
        set_rows(self.receipts_table, rows)
        for i, r in enumerate(todays):
            if r["duplicate"]:
                paint_row(self.receipts_table, i, fg=GREY)
        vials = sum(r["vials"] for r in todays if not r["duplicate"])
        self.receipts_title.setText(
            self.tr("Received today: {n} receipts, {vials} vials").format(n=len(todays), vials=vials)
        )

    # --- Stock -------------------------------------------------------------------------------------
    def _stock_tab(self) -> QWidget:
        w = QWidget()
        self.stock_table = grid_table(
            [
                self.tr("Vaccine"),
                self.tr("Lot"),
                self.tr("Expiry"),
                self.tr("Fridge"),
                self.tr("Status"),
                self.tr("Received"),
                self.tr("Used"),
                self.tr("Wasted"),
                self.tr("Left"),
                self.tr("Vials in the fridge"),
            ],
            stretch=4,
        )
        layout = QVBoxLayout(w)
        layout.addWidget(label(self.tr("Doses per lot: received - used - wasted = left"), "title"))
        layout.addWidget(self.stock_table, 1)
        return w

    def status_text(self, lot: dict[str, Any]) -> tuple[str, QColor, QColor | None]:
        """The lot's state for a person: (text, colour, background)."""
        if lot.get("overdrawn"):
            return self.tr("Overdrawn: more opened than received, check"), RED, RED_BG
        if lot["status"] == stock.QUARANTINED:
            return self.tr("Quarantined: {reason}").format(reason=lot["status_reason"] or "—"), RED, RED_BG
        if lot["status"] == stock.HOLD:
            return (
                self.tr("Held after a cold excursion: {why}").format(
                    why=self.hold_reason(lot["status_reason"])
                ),
                AMBER,
                AMBER_BG,
            )
        if lot["expiry"] < self.hub.today().isoformat():
            return self.tr("Expired"), RED, RED_BG
        if lot["left"] <= 0:
            return self.tr("Used up"), GREY, None
        return self.tr("In use"), GREEN, None

    def hold_reason(self, reason: str | None) -> str:
        """'cold_excursion coldbox1 8.9°C 2026-11-26T12:30' as a person reads it."""
        parts = (reason or "").split()
        if len(parts) == 4 and parts[0] == coldchain.EXCURSION:
            _, fridge, celsius, at = parts
            return self.tr("{fridge} {celsius} at {time}").format(
                fridge=self.fridge_name(fridge), celsius=celsius.replace("°C", " °C"), time=self.hhmm(at)
            )
        return reason or "—"

    def _refresh_stock(self) -> None:
        summary = stock.summary(self.hub.store)
        rows, styles = [], []
        figures = ("received", "used", "wasted", "left")
        for lot in summary["lots"]:
            text, fg, bg = self.status_text(lot)
            rows.append(
                [
                    self.short(lot["product"]),
                    lot["lot_no"],
                    lot["expiry"],
                    self.fridge_name(lot["fridge"]),
                    text,
                    *(str(lot[k]) for k in figures),
                    str(lot["vials_received"] - lot["vials_opened"]),
                ]
            )
            styles.append((fg, bg, False))
        if len(summary["products"]) > 1:
            for product, per in summary["products"].items():
                rows.append(
                    [self.tr("{vaccine}: all lots").format(vaccine=self.short(product)), "", "", "", ""]
                    + [str(per[k]) for k in figures]
                    + [""]
                )
                styles.append((None, None, True))
        total = summary["total"]
        rows.append([self.tr("Total"), "", "", "", ""] + [str(total[k]) for k in figures] + [""])
        styles.append((None, QColor("#eaeef2"), True))
        set_rows(self.stock_table, rows)
        for i, (fg, bg, bold) in enumerate(styles):
            if i < len(summary["lots"]):
                item = self.stock_table.item(i, 4)
                item.setForeground(fg)
                if bg is not None:
                    item.setBackground(bg)
            else:
                paint_row(self.stock_table, i, bg=bg, bold=bold)

    # --- Cold chain ----------------------------------------------------------------------------------
    def _cold_tab(self) -> QWidget:
        w = QWidget()
        times = list(self.stock_rules.reading_times)
        self.due_table = grid_table([self.tr("Fridge"), *times, self.tr("Latest")], stretch=len(times) + 1)
        self.due_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.due_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.due_table.setSizeAdjustPolicy(QTableWidget.SizeAdjustPolicy.AdjustToContents)
        self.readings_table = grid_table(
            [self.tr("Time"), self.tr("Fridge"), self.tr("Temperature"), self.tr("From"), self.tr("By")],
            stretch=4,
        )
        self.readings_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.due_title = label(role="title")
        left = QVBoxLayout()
        left.addWidget(self.due_title)
        left.addWidget(self.due_table)
        self.readings_title = label(self.tr("Readings today"), "title")
        left.addWidget(self.readings_title)
        left.addWidget(self.readings_table, 1)

        reading_box = QGroupBox(self.tr("Record a reading"))
        form = QGridLayout(reading_box)
        self.reading_fridge = self.fridge_combo()
        self.reading_time = QLineEdit()
        self.reading_time.setPlaceholderText(self.tr("now, or HH:MM"))
        self.celsius = QLineEdit()
        self.celsius.setPlaceholderText(self.tr("°C, e.g. 4.6"))
        self.reading_time.returnPressed.connect(self.celsius.setFocus)
        self.celsius.returnPressed.connect(self.record_reading)
        self.reading_button = button(self.tr("Record reading (F5)"), "primary")
        self.reading_button.clicked.connect(self.record_reading)
        self.import_button = button(self.tr("Import logger CSV (F4)"))
        self.import_button.clicked.connect(self.choose_csv)
        form.addWidget(label(self.tr("Fridge")), 0, 0)
        form.addWidget(self.reading_fridge, 0, 1, 1, 3)
        form.addWidget(label(self.tr("Time")), 1, 0)
        form.addWidget(self.reading_time, 1, 1)
        form.addWidget(label(self.tr("Temperature")), 1, 2)
        form.addWidget(self.celsius, 1, 3)
        form.addWidget(self.import_button, 2, 0, 1, 2)
        form.addWidget(self.reading_button, 2, 2, 1, 2)

        decide_box = QGroupBox(self.tr("Lots held after an excursion: use or quarantine"))
        decide = QVBoxLayout(decide_box)
        self.decide_table = grid_table(
            [self.tr("Lot"), self.tr("Vaccine"), self.tr("Held because"), self.tr("Doses left")], stretch=2
        )
        self.decision_reason = QLineEdit()
        self.decision_reason.setPlaceholderText(self.tr("Why (required): what was checked"))
        self.use_button = button(self.tr("Use it (F2)"), "warn")
        self.use_button.clicked.connect(lambda: self.decide("use"))
        self.quarantine_button = button(self.tr("Quarantine (F3)"), "danger")
        self.quarantine_button.clicked.connect(lambda: self.decide("quarantine"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.quarantine_button)
        decide.addWidget(self.decide_table, 1)
        decide.addWidget(self.decision_reason)
        decide.addLayout(buttons)

        right = QVBoxLayout()
        right.addWidget(reading_box)
        right.addWidget(decide_box, 1)
        layout = QHBoxLayout(w)
        layout.addLayout(left, 1)
        layout.addLayout(right, 1)
        shortcut(w, "F5", self.record_reading)
        shortcut(w, "F4", self.choose_csv)
        shortcut(w, "F2", lambda: self.decide("use"))
        shortcut(w, "F3", lambda: self.decide("quarantine"))
        chain = [
            self.reading_fridge,
            self.reading_time,
            self.celsius,
            self.reading_button,
            self.import_button,
            self.decide_table,
            self.decision_reason,
            self.use_button,
            self.quarantine_button,
        ]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)
        return w

    def _range(self) -> str:
        return f"{self.stock_rules.min_c:g}-{self.stock_rules.max_c:g}"

    def _held_text(self, flagged: list[str]) -> str:
        if not flagged:
            return self.tr("no lot with doses left was in it")
        sep = "、" if self.hub.lang == "zh" else ", "
        return self.tr("held for your decision: {lots}").format(lots=sep.join(flagged))

    def record_reading(self) -> None:
        celsius = parse_celsius(self.celsius.text())
        if celsius is None:
            self.banner.show_message(self.tr("Type the temperature in °C, e.g. 4.6"), "error")
            take(self.celsius)
            return
        at = None
        typed = self.reading_time.text().strip()
        if typed:
            try:
                at = datetime.combine(self.hub.today(), time.fromisoformat(typed), self.hub.now().tzinfo)
            except ValueError:
                self.banner.show_message(
                    self.tr("Type the time as HH:MM, or leave it empty for now"), "error"
                )
                take(self.reading_time)
                return
        result = self.act(
            coldchain.record_reading, celsius=celsius, fridge=self.reading_fridge.currentData(), at=at
        )
        if result is None:
            return
        reading = result["reading"]
        text = self.tr("{fridge}: {celsius} °C at {time} recorded").format(
            fridge=self.fridge_name(reading["fridge"]), celsius=f"{celsius:g}", time=self.hhmm(reading["at"])
        )
        if result["outside"]:
            text = self.tr("{reading}, outside {range} °C: {held}").format(
                reading=text, range=self._range(), held=self._held_text(result["flagged"])
            )
        self.banner.show_message(text, "error" if result["outside"] else "ok")
        self.celsius.clear()
        self.reading_time.clear()
        (self.decision_reason if result["flagged"] else self.celsius).setFocus()

    def choose_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("The temperature logger's CSV export"),
            str(Path.home()),
            self.tr("CSV files (*.csv *.txt);;All files (*)"),
        )
        if path:
            self.import_file(path)

    def import_file(self, path: str | Path) -> dict[str, Any] | None:
        result = self.act(coldchain.import_csv, Path(path), fridge=self.reading_fridge.currentData())
        if result is None:
            return None
        text = self.tr(
            "{fridge}: {read} readings read from {file}, {new} new, {outside} outside {range} °C"
        ).format(
            fridge=self.fridge_name(result["fridge"]),
            read=result["read"],
            file=Path(path).name,
            new=result["new"],
            outside=result["outside"],
            range=self._range(),
        )
        if result["outside"]:
            text = self.tr("{imported}; {held}").format(
                imported=text, held=self._held_text(result["flagged"])
            )
        self.banner.show_message(text, "error" if result["outside"] else "ok")
        return result

    def selected_hold(self) -> str | None:
        row = self.decide_table.currentRow()
        item = self.decide_table.item(row, 0) if row >= 0 else None
        if item is not None:
            return item.data(Qt.ItemDataRole.UserRole)
        if self.decide_table.rowCount() == 1:  # one lot held: no need to choose it
            return self.decide_table.item(0, 0).data(Qt.ItemDataRole.UserRole)
        return None

    def decide(self, decision: str) -> None:
        lot_no = self.selected_hold()
        if lot_no is None:
            text = (
                self.tr("No lot is held: nothing to decide")
                if self.decide_table.rowCount() == 0
                else self.tr("Choose the lot in the table first")
            )
            self.banner.show_message(text, "warn")
            return
        row = self.act(coldchain.decide, lot_no=lot_no, decision=decision, reason=self.decision_reason.text())
        if row is None:
            self.decision_reason.setFocus()
            return
        text = (
            self.tr("Lot {lot} is back in use: your reason is recorded")
            if decision == "use"
            else self.tr("Lot {lot} is quarantined: it will not be used again")
        )
        self.banner.show_message(text.format(lot=row["lot_no"]), "ok")
        self.decision_reason.clear()

    def _refresh_due(self) -> None:
        store, today, now = self.hub.store, self.hub.today(), self.hub.now()
        self.due_title.setText(
            self.tr("Readings due today ({range} °C)").format(range=self._range())
            if self.stock_rules.reading_times
            else self.tr("Readings today ({range} °C)").format(range=self._range())
        )
        times = list(self.stock_rules.reading_times)
        rows, marks = [], []
        for f in self.stock_rules.fridges:
            held = coldchain.readings(store, f.id, today)
            due = set(coldchain.due_times(store, today, f.id))
            cells, cell_marks = [self.fridge_name(f.id)], [None]
            for hhmm in times:
                start = datetime.combine(today, time.fromisoformat(hhmm))
                if hhmm not in due:
                    found = next(
                        (
                            r
                            for r in held
                            if 0 <= (self.local(r["at"]).replace(tzinfo=None) - start).total_seconds() < 3600
                        ),
                        None,
                    )
                    cells.append(f"{found['celsius']:g} °C ✓" if found else "✓")
                    cell_marks.append("outside" if found and found["outside"] else "ok")
                elif now.replace(tzinfo=None) < start:
                    cells.append(self.tr("later"))
                    cell_marks.append("later")
                elif now.replace(tzinfo=None) < start + timedelta(hours=1):
                    cells.append(self.tr("due now"))
                    cell_marks.append("due")
                else:
                    cells.append(self.tr("missing"))
                    cell_marks.append("missing")
            latest = held[-1] if held else None
            cells.append(f"{latest['celsius']:g} °C · {self.hhmm(latest['at'])}" if latest else "—")
            cell_marks.append(("outside" if latest["outside"] else None) if latest else None)
            rows.append(cells)
            marks.append(cell_marks)
        set_rows(self.due_table, rows)
        colours = {
            "ok": (GREEN, None),
            "outside": (RED, RED_BG),
            "due": (AMBER, AMBER_BG),
            "missing": (RED, RED_BG),
            "later": (GREY, None),
        }
        for r, cell_marks in enumerate(marks):
            for c, mark in enumerate(cell_marks):
                if mark:
                    fg, bg = colours[mark]
                    item = self.due_table.item(r, c)
                    item.setForeground(fg)
                    if bg is not None:
                        item.setBackground(bg)

    def _refresh_cold(self) -> None:
        self._refresh_due()
        store = self.hub.store
        todays = coldchain.readings(store, day=self.hub.today())
        todays.sort(key=lambda r: (r["at"], r["fridge"]), reverse=True)
        rows = []
        for r in todays:
            temp = f"{r['celsius']:g} °C"
            if r["outside"]:
                temp = self.tr("{celsius}: outside {range} °C").format(celsius=temp, range=self._range())
            rows.append(
                [
                    self.hhmm(r["at"]),
                    self.fridge_name(r["fridge"]),
                    temp,
                    self.tr("logger") if r["source"] == "import" else self.tr("typed"),
                    self.staff_name(r["staff_id"]),
                ]
            )
        set_rows(self.readings_table, rows)
        for i, r in enumerate(todays):
            if r["outside"]:
                paint_row(self.readings_table, i, fg=RED, bg=RED_BG)
        outside = sum(1 for r in todays if r["outside"])
        self.readings_title.setText(
            self.tr("Readings today: {n}, {outside} outside {range} °C").format(
                n=len(todays), outside=outside, range=self._range()
            )
        )
        held = coldchain.lots_to_decide(store)
        set_rows(
            self.decide_table,
            [
                [
                    r["lot_no"],
                    self.short(r["product"]),
                    self.hold_reason(r["status_reason"]),
                    str(r["doses_left"]),
                ]
                for r in held
            ],
            [r["lot_no"] for r in held],
        )
        for i in range(len(held)):
            paint_row(self.decide_table, i, fg=AMBER)

    # --- Count -------------------------------------------------------------------------------------
    def _count_tab(self) -> QWidget:
        w = QWidget()
        self.count_grid_host = QWidget()
        self.count_grid = QGridLayout(self.count_grid_host)
        self.count_grid.setHorizontalSpacing(10)
        self.count_grid.setVerticalSpacing(4)
        self.count_scroll = QScrollArea()
        self.count_scroll.setWidgetResizable(True)
        self.count_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.count_scroll.setWidget(self.count_grid_host)
        self.count_button = button(self.tr("Record count (F5)"), "primary")
        self.count_button.clicked.connect(self.record_count)
        hint = label(
            self.tr(
                "Count the vials in the fridge and the doses left (open vials included). "
                "Where the doses differ from the expected, say why."
            ),
            wrap=True,
        )
        row = QHBoxLayout()
        row.addWidget(hint, 1)
        row.addWidget(self.count_button)
        self.counts_table = grid_table(
            [
                self.tr("Time"),
                self.tr("Lot"),
                self.tr("Expected doses"),
                self.tr("Counted vials"),
                self.tr("Counted doses"),
                self.tr("Difference"),
                self.tr("Reason"),
                self.tr("By"),
            ],
            stretch=6,
        )
        self.counts_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.counts_title = label(self.tr("Counts recorded today"), "title")
        layout = QVBoxLayout(w)
        layout.addWidget(self.count_scroll, 3)
        layout.addLayout(row)
        layout.addWidget(self.counts_title)
        layout.addWidget(self.counts_table, 2)
        shortcut(w, "F5", self.record_count)
        return w

    def _first_count_input(self) -> QWidget | None:
        first = next(iter(self.count_rows.values()), None)
        return first["vials"] if first else None

    def _refresh_count(self) -> None:
        sheet = stock.count_sheet(self.hub.store)
        if [r["lot_no"] for r in sheet] == list(self.count_rows) and self.count_rows:
            # the same lots: only the expected figures move (a desk injected); what is typed stays
            for r in sheet:
                entry = self.count_rows[r["lot_no"]]
                entry["sheet"] = r
                entry["expected_vials"].setText(str(r["expected_vials"]))
                entry["open_vials"].setText(str(r["open_vials"]))
                entry["expected_doses"].setText(str(r["expected_doses"]))
                self._show_difference(r["lot_no"])
        else:
            self._build_count_rows(sheet)
        self._refresh_counts_done()

    def _build_count_rows(self, sheet: list[dict[str, Any]]) -> None:
        typed = {
            lot_no: (r["vials"].text(), r["doses"].text(), r["reason"].text())
            for lot_no, r in self.count_rows.items()
        }
        while self.count_grid.count():
            item = self.count_grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.count_rows = {}
        headers = [
            self.tr("Vaccine"),
            self.tr("Lot"),
            self.tr("Vials in the fridge"),
            self.tr("Open at desks"),
            self.tr("Expected doses"),
            self.tr("Counted vials"),
            self.tr("Counted doses"),
            self.tr("Difference"),
            self.tr("Reason (if different)"),
        ]
        for c, text in enumerate(headers):
            head = label(text, wrap=True)
            head.setStyleSheet("font-weight: bold; color: #57606a; font-size: 15px;")
            self.count_grid.addWidget(head, 0, c)
        if not sheet:
            self.count_grid.addWidget(label(self.tr("No lot received yet: nothing to count")), 1, 0, 1, 9)
        edits: list[QLineEdit] = []
        for i, r in enumerate(sheet, start=1):
            vials, doses, reason = QLineEdit(), QLineEdit(), QLineEdit()
            for edit in (vials, doses):
                edit.setMaximumWidth(110)
            vials.setPlaceholderText(self.tr("vials"))
            doses.setPlaceholderText(self.tr("doses"))
            vials.setText(typed.get(r["lot_no"], ("", "", ""))[0])
            doses.setText(typed.get(r["lot_no"], ("", "", ""))[1])
            reason.setText(typed.get(r["lot_no"], ("", "", ""))[2])
            entry = {
                "vials": vials,
                "doses": doses,
                "reason": reason,
                "diff": label(),
                "expected_vials": label(str(r["expected_vials"])),
                "open_vials": label(str(r["open_vials"])),
                "expected_doses": label(str(r["expected_doses"])),
                "sheet": r,
            }
            self.count_rows[r["lot_no"]] = entry
            doses.textChanged.connect(lambda _t, lot=r["lot_no"]: self._show_difference(lot))
            cells = [
                label(self.short(r["product"])),
                label(r["lot_no"]),
                entry["expected_vials"],
                entry["open_vials"],
                entry["expected_doses"],
                vials,
                doses,
                entry["diff"],
                reason,
            ]
            for c, cell in enumerate(cells):
                self.count_grid.addWidget(cell, i, c)
            edits += [vials, doses, reason]
            self._show_difference(r["lot_no"])
        # Enter and Tab walk vials, doses, reason, the next lot...; Enter on the last records
        for a, b in zip(edits, edits[1:], strict=False):
            QWidget.setTabOrder(a, b)
            a.returnPressed.connect(lambda b=b: take(b))
        if edits:
            QWidget.setTabOrder(edits[-1], self.count_button)
            edits[-1].returnPressed.connect(self.record_count)
        self.count_grid.setColumnStretch(8, 1)
        self.count_grid.setRowStretch(len(sheet) + 1, 1)

    def _show_difference(self, lot_no: str) -> None:
        entry = self.count_rows[lot_no]
        text = entry["doses"].text().strip()
        if not text.isdigit():
            entry["diff"].setText("")
            entry["reason"].setPlaceholderText("")
            return
        difference = int(text) - entry["sheet"]["expected_doses"]
        entry["diff"].setText(f"{difference:+d}")
        entry["diff"].setStyleSheet(
            "color: #a40e26; font-weight: bold;" if difference else "color: #116329; font-weight: bold;"
        )
        entry["reason"].setPlaceholderText(self.tr("required: why they differ") if difference else "")

    def record_count(self) -> None:
        counts = []
        for lot_no, entry in self.count_rows.items():
            vials, doses = entry["vials"].text().strip(), entry["doses"].text().strip()
            if not vials and not doses:
                continue
            if not (vials.isdigit() and doses.isdigit()):
                self.banner.show_message(
                    self.tr("Lot {lot}: type the vials and the doses counted, as whole numbers").format(
                        lot=lot_no
                    ),
                    "error",
                )
                (entry["vials"] if not vials.isdigit() else entry["doses"]).setFocus()
                return
            counts.append(
                {"lot_no": lot_no, "vials": int(vials), "doses": int(doses), "reason": entry["reason"].text()}
            )
        if not counts:
            self.banner.show_message(self.tr("Type the vials and doses counted for at least one lot"), "warn")
            first = self._first_count_input()
            if first is not None:
                first.setFocus()
            return
        recorded = self.act(stock.count_stock, counts=counts)
        if recorded is None:
            for c in counts:  # the refusal names a lot: the reason to type is most likely its
                entry = self.count_rows[c["lot_no"]]
                if not c["reason"].strip() and entry["diff"].text() not in ("", "+0"):
                    entry["reason"].setFocus()
                    break
            return
        differences = [r for r in recorded if r["difference"]]
        if differences:
            sep = "、" if self.hub.lang == "zh" else ", "
            text = self.tr("Count recorded for {n} lots; differences: {list}").format(
                n=len(recorded),
                list=sep.join(
                    self.tr("{lot} {difference} doses").format(
                        lot=r["lot_no"], difference=f"{r['difference']:+d}"
                    )
                    for r in differences
                ),
            )
        else:
            text = self.tr("Count recorded for {n} lots: everything matches").format(n=len(recorded))
        self.banner.show_message(text, "warn" if differences else "ok")
        for c in counts:
            entry = self.count_rows.get(c["lot_no"])
            if entry:
                for key in ("vials", "doses", "reason"):
                    entry[key].clear()
        self.count_button.setFocus()

    def _refresh_counts_done(self) -> None:
        done = stock.counts_of_day(self.hub.store, self.hub.today())
        done.reverse()
        set_rows(
            self.counts_table,
            [
                [
                    self.hhmm(r["at"]),
                    r["lot_no"],
                    str(r["expected_doses"]),
                    str(r["counted_vials"]),
                    str(r["counted_doses"]),
                    f"{r['difference']:+d}",
                    r["reason"] or "",
                    self.staff_name(r["staff_id"]),
                ]
                for r in done
            ],
        )
        for i, r in enumerate(done):
            if r["difference"]:
                paint_row(self.counts_table, i, fg=RED)

    # --- reading -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        self._names = {}
        may_stock = self.hub.may("receive_stock")
        may_read = may_stock or self.hub.may("open_vial")
        self.readonly_note.setVisible(self.hub.staff is not None and not may_stock)
        for widget in (
            self.scan,
            self.product,
            self.manufacturer,
            self.lot_no,
            self.expiry,
            self.doses_per_vial,
            self.vials,
            self.delivery_note,
            self.fridge,
            self.receive_button,
            self.clear_button,
            self.decision_reason,
            self.use_button,
            self.quarantine_button,
            self.count_scroll,
            self.count_button,
        ):
            widget.setEnabled(may_stock)
        for widget in (
            self.reading_fridge,
            self.reading_time,
            self.celsius,
            self.reading_button,
            self.import_button,
        ):
            widget.setEnabled(may_read)
        self._refresh_receiving()
        self._refresh_stock()
        self._refresh_cold()
        self._refresh_count()
