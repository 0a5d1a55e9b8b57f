"""The header on every page: site, desk, who is logged in, today's counts, the low-stock warning,
sync state."""

from __future__ import annotations

from datetime import UTC, datetime

from station import checklist, stock
from station.errors import DomainError
from station.messages import render
from station.status import day_status
from ui.hub import StationHub
from ui.qt import QCoreApplication, QFrame, QHBoxLayout, QLabel, QPainter, QSize, Qt, QTimer, QVBoxLayout

RETRYING = ("offline", "timeout", "server_error", "rate_limited", "checksum", "bad_answer")


class ElidedLabel(QLabel):
    """A one-line label that gives up width when the row is full: its text ends in "…" (whole on
    hover) instead of pushing the window past a 1280 px screen when several warnings are up."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), 8 * self.fontMetrics().horizontalAdvance("中")), hint.height())

    def paintEvent(self, event: object) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(self.alignment()), text)
        painter.end()


class Header(QFrame):
    def __init__(self, hub: StationHub) -> None:
        super().__init__()
        self.hub = hub
        self.setObjectName("header")
        self.setStyleSheet(
            "#header { background: #0a3069; } #header QLabel { color: white; font-size: 16px; }"
        )
        self.site = ElidedLabel()  # the site's name gives way first to the warnings beside it
        self.site.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.who = QLabel()
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        # doses left for the rest of the day below the bookings left plus the margin
        self.stock_warning = QLabel()
        self.stock_warning.setObjectName("stock_warning")
        self.stock_warning.setStyleSheet(
            "#stock_warning { background: #cf222e; color: white; font-size: 16px; font-weight: bold;"
            " padding: 2px 8px; border-radius: 4px; }"
        )
        self.stock_warning.hide()
        # this laptop's clock is wrong (before 2020, past 2200) or far behind the log (#13)
        self.clock_warning = QLabel()
        self.clock_warning.setObjectName("clock_warning")
        self.clock_warning.setStyleSheet(
            "#clock_warning { background: #bf8700; color: white; font-size: 16px; font-weight: bold;"
            " padding: 2px 8px; border-radius: 4px; }"
        )
        self.clock_warning.hide()
        # the day's checklist not done after the opening time (#15): a reminder, never a blocker
        self.checklist_reminder = QLabel()
        self.checklist_reminder.setObjectName("checklist_reminder")
        self.checklist_reminder.setStyleSheet(
            "#checklist_reminder { background: #9a6700; color: white; font-size: 16px; font-weight: bold;"
            " padding: 2px 8px; border-radius: 4px; }"
        )
        self.checklist_reminder.hide()
        self.checklist_missing: list[str] = []
        self.sync = ElidedLabel()  # a long refusal must not push the window past the screen
        self.top = top = QHBoxLayout()
        top.addWidget(self.site, 1)
        # in the top row, short (the whole sentence on hover): a line of its own cost the desks 34 px
        top.addWidget(self.stock_warning)
        top.addWidget(self.clock_warning)
        top.addWidget(self.checklist_reminder)
        top.addWidget(self.who)
        top.addWidget(self.sync)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addLayout(top)
        layout.addWidget(self.counts)
        hub.records_did_change.connect(self.refresh)
        hub.staff_did_change.connect(self.refresh)
        hub.sync_did_change.connect(self.refresh_sync)
        hub.hub_will_close.connect(lambda: self._sync_timer.stop())
        self.status: dict = {}
        self.warning: dict = {}
        self.sync_state: dict = {}
        self._sync_timer = QTimer(self)  # "synced N s ago" moves on with the clock, not only with records
        self._sync_timer.setInterval(2000)
        self._sync_timer.timeout.connect(self.refresh_sync)
        self._sync_timer.start()
        self.refresh()

    def refresh(self) -> None:
        s = self.hub.settings
        self.site.setText(self.tr("{site} · desk {desk}").format(site=s.site_name, desk=s.desk))
        self.site.setToolTip(self.site.text())
        staff = self.hub.staff
        self.who.setText(
            self.tr("Staff: {name} ({id})").format(name=staff.name, id=staff.staff_id)
            if staff
            else self.tr("Not logged in")
        )
        self.refresh_sync()
        self.status = st = day_status(self.hub.store, self.hub.today())
        w = st["waiting"]
        self.counts.setText(
            self.tr(
                "Signed in {signed_in}  ·  waiting: pre-screen {wp} / injection {wi} / observation {wo}  ·  "
                "vaccinated {injected}  ·  observing {observing}  ·  turned away {turned_away}  ·  "
                "doses left {doses_left}  ·  bookings left {bookings_left}"
            ).format(
                signed_in=st["signed_in"],
                wp=w["prescreen"],
                wi=w["inject"],
                wo=w["observe"],
                injected=st["injected"],
                observing=st["observing"],
                turned_away=st["turned_away"],
                doses_left=st["doses_left"],
                bookings_left=st["bookings_left"],
            )
            + (  # handed over to hospital: out of observation, not among those who left
                "  ·  " + self.tr("to hospital {n}").format(n=st["transferred"])
                if st.get("transferred")
                else ""
            )
        )
        self.refresh_stock()
        self.refresh_clock()
        self.refresh_checklist()

    def refresh_clock(self) -> None:
        """A banner while the laptop's clock is wrong or far behind the log (``Store.clock_check``):
        short in the row, the whole message (which clock, what to do) on hover."""
        from station.errors import DomainError

        problem = self.hub.store.clock_check()
        self.clock_problem = problem[0] if problem else None
        if problem:
            self.clock_warning.setText(self.tr("Check this laptop's clock"))
            self.clock_warning.setToolTip(DomainError(problem[0], **problem[1]).message(self.hub.lang))
        self.clock_warning.setVisible(bool(problem))

    def refresh_checklist(self) -> None:
        """The reminder while the day's checklist has items missing after the opening time."""
        hub = self.hub
        try:
            folder = hub.store.path.parent if hub.store.path else None
            items = checklist.load_items(folder)
            opening = checklist.opening_time(hub.settings.opening_time, hub.rules.site)
            self.checklist_missing = checklist.reminder(hub.store, hub.now(), opening, items, hub.lang)
        except DomainError:  # a broken checklist file: the admin page says so; the desks carry on
            self.checklist_missing = []
        if self.checklist_missing:
            self.checklist_reminder.setText(
                self.tr("Daily checklist: {n} not done").format(n=len(self.checklist_missing))
            )
            sep = "、" if hub.lang == "zh" else ", "
            self.checklist_reminder.setToolTip(
                render("checklist_reminder", hub.lang, missing=sep.join(self.checklist_missing))
            )
        self.checklist_reminder.setVisible(bool(self.checklist_missing))

    def refresh_stock(self) -> None:
        """The low-stock warning (stock.stock_warning with this laptop's margin, else the site's)."""
        self.warning = w = stock.stock_warning(
            self.hub.store,
            self.hub.today(),
            stock.margin(None, self.hub.settings.stock_margin_doses),
        )
        if w["short"]:
            self.stock_warning.setText(
                self.tr("Low stock: {left} doses for {bookings} people").format(
                    left=w["doses_left"], bookings=w["bookings_left"]
                )
            )
            self.stock_warning.setToolTip(
                self.tr(
                    "Low stock: {left} doses left, {bookings} people still to vaccinate today "
                    "(keep {margin} spare): receive more vaccine"
                ).format(left=w["doses_left"], bookings=w["bookings_left"], margin=w["margin"])
            )
        self.stock_warning.setVisible(bool(w["short"]))

    def refresh_sync(self) -> None:
        """The truth about sync: success only ever means the server acknowledged."""
        if self.hub.closed:
            self._sync_timer.stop()
            return
        if not self.checklist_missing:
            self.refresh_checklist()  # the opening time passes without any record changing
        self.sync_state = st = self.hub.sync_status()
        text, colour = sync_text(st, self.hub.lang)
        self.sync.setText(text)
        self.sync.setToolTip(text + (f"\n{st['last_error']}" if st.get("last_error") else ""))
        self.sync.setStyleSheet(f"color: {colour};")


def _ago(iso: str | None) -> int | None:
    if not iso:
        return None
    try:
        return max(0, int((datetime.now(UTC) - datetime.fromisoformat(iso)).total_seconds()))
    except ValueError:
        return None


def _local_hhmm(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%H:%M")
    except ValueError:
        return iso


def error_text(error: str, lang: str) -> str:
    """A kept sync error ("code: reason") in the reader's language."""
    from sync.client.engine import error_message
    from sync.client.remote import SyncError

    code, _, reason = error.partition(": ")
    return error_message(SyncError(code.strip(), reason.strip()), lang)


def sync_text(st: dict, lang: str = "zh") -> tuple[str, str]:
    """(text, colour) for a sync state (``station sync status``'s fields), in the window's language."""
    if not st.get("joined"):
        return QCoreApplication.translate("SyncState", "Sync: not set up (this laptop works alone)"), "white"
    waiting = st.get("waiting", 0)
    error = st.get("last_error") or ""
    code = error.split(":", 1)[0]
    if error and code not in RETRYING:  # in the reader's language (the server's own words on hover)
        return QCoreApplication.translate("SyncState", "Sync stopped: {reason} · {n} waiting").format(
            reason=error_text(error, lang), n=waiting
        ), "#ff8182"
    if st.get("offline_since"):
        text = QCoreApplication.translate("SyncState", "Offline since {time} · {n} waiting")
        return text.format(time=_local_hhmm(st["offline_since"]), n=waiting), "#ffd33d"
    ago = _ago(st.get("last_ok"))
    if ago is None:
        return QCoreApplication.translate("SyncState", "Sync: connecting · {n} waiting").format(
            n=waiting
        ), "#ffd33d"
    if waiting:
        return QCoreApplication.translate("SyncState", "Synced {s} s ago · {n} waiting").format(
            s=ago, n=waiting
        ), "#ffd33d"
    return QCoreApplication.translate("SyncState", "Synced {s} s ago").format(s=ago), "#7ee787"
