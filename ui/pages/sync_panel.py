"""The admin page's Sync tab: the state in full, joining a hub (found on the LAN, typed, or its code
scanned), "sync now", whether the district holds everything recorded here (reconciliation, "check
now") and closing the day. Every network step runs off the UI thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from station import dayclose
from station.errors import DomainError
from station.store import Store
from sync.client import engine
from sync.client import reconcile as recon
from sync.client.remote import SyncError
from ui.header import error_text, sync_text
from ui.hub import StationHub
from ui.qt import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QScrollArea,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import Banner, button, label
from ui.worker import Worker


class SyncPanel(QWidget):
    def __init__(self, hub: StationHub, banner: Banner) -> None:
        super().__init__()
        self.hub = hub
        self.banner = banner
        self.worker = Worker(self)
        self.busy = False
        self.checking = False
        self.result: dict[str, Any] | None = None  # the reconciliation shown

        state_box = QGroupBox(self.tr("Sync state"))
        form = QFormLayout(state_box)
        self.state_line = label()
        self.state_line.setStyleSheet(
            "font-size: 18px; font-weight: bold; padding: 4px; background: #0a3069;"
        )
        self.server_line = label()
        self.server_line.setWordWrap(True)
        self.detail_line = label()
        self.detail_line.setWordWrap(True)
        form.addRow(self.tr("Now"), self.state_line)
        form.addRow(self.tr("Hub"), self.server_line)
        form.addRow(self.tr("Details"), self.detail_line)
        # laptops whose events are held back: stamped too far ahead of this laptop's clock (#13)
        self.held_line = label()
        self.held_line.setObjectName("held_line")
        self.held_line.setWordWrap(True)
        self.held_line.setStyleSheet("#held_line { color: #9a6700; font-weight: bold; }")
        form.addRow(self.tr("Held back"), self.held_line)
        self.sync_now = button(self.tr("Sync now"))
        self.sync_now.clicked.connect(self.on_sync_now)
        form.addRow("", self.sync_now)

        join_box = QGroupBox(self.tr("Join the site's hub"))
        join = QVBoxLayout(join_box)
        join.addWidget(
            label(
                self.tr(
                    "On the hub: station-server enroll --site SITE prints a one-time code and its QR. "
                    "Pick the hub found on the network (or type its address), then type or scan the code."
                ),
                wrap=True,
            )
        )
        find_row = QHBoxLayout()
        self.find_button = button(self.tr("Find hubs on the network"))
        self.find_button.clicked.connect(self.on_find)
        find_row.addWidget(self.find_button)
        find_row.addStretch(1)
        join.addLayout(find_row)
        self.hubs = QListWidget()
        self.hubs.setMaximumHeight(110)
        self.hubs.currentTextChanged.connect(
            lambda text: self.url.setText(text.split("  ")[0]) if text else None
        )
        join.addWidget(self.hubs)
        jform = QFormLayout()
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://192.168.1.10:8765")
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("ABCD-EFGH-JKLM, or scan the code's QR"))
        self.code.returnPressed.connect(self.on_join)
        jform.addRow(self.tr("Hub address"), self.url)
        jform.addRow(self.tr("Enrollment code"), self.code)
        join.addLayout(jform)
        self.join_button = button(self.tr("Join"))
        self.join_button.clicked.connect(self.on_join)
        join.addWidget(self.join_button)

        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addWidget(state_box)
        layout.addWidget(self._reconcile_box())
        layout.addWidget(join_box)
        layout.addStretch(1)
        scroll = QScrollArea()  # the tab is taller than a 768-pixel laptop screen leaves it
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        hub.sync_did_change.connect(self.refresh)
        hub.records_did_change.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        if self.hub.closed:
            return
        st = self.hub.sync_status()
        text, colour = sync_text(st, self.hub.lang)
        self.state_line.setText(text)
        self.state_line.setStyleSheet(
            f"font-size: 18px; font-weight: bold; padding: 4px; background: #0a3069; color: {colour};"
        )
        if st["joined"]:
            self.server_line.setText(
                self.tr("{url} · site {site} · server {server}").format(
                    url=st["url"], site=st["site"] or "-", server=(st["server_id"] or "")[:8]
                )
            )
        else:
            self.server_line.setText(self.tr("Not joined: this laptop works alone"))
        self.detail_line.setText(
            self.tr(
                "Station {station} · recorded here {local} · acknowledged by the hub {acked} · "
                "refused by the hub {rejected} · last error: {error}"
            ).format(
                station=st["station"],
                local=st["local_seq"],
                acked=st["acked"],
                rejected=len(st["rejected"]),
                error=error_text(st["last_error"], self.hub.lang) if st["last_error"] else "-",
            )
        )
        held = self.hub.store.held_back()
        self.held_line.setText(
            "\n".join(
                self.tr(
                    "Laptop {origin}: its record {seq} is stamped {stamp}, {hours} hours ahead of this "
                    "laptop's clock; {count} records held back. Check that laptop's date and time."
                ).format(
                    origin=origin,
                    seq=h["seq"],
                    stamp=h.get("stamp", "?"),
                    hours=h.get("hours", "?"),
                    count=h["top"] - h["seq"] + 1,
                )
                for origin, h in sorted(held.items())
            )
            or self.tr("None")
        )
        self.sync_now.setEnabled(st["joined"])
        self.join_button.setEnabled(not self.busy)
        self.check_button.setEnabled(st["joined"] and not self.checking)
        self.show_reconciliation(recon.last(self.hub.store))
        self.show_day()

    # --- actions ------------------------------------------------------------------------------------
    def on_find(self) -> None:
        from sync import discovery

        self.find_button.setEnabled(False)
        self.banner.show_message(self.tr("Looking for hubs on the network..."), "info")
        self.worker.submit(lambda: discovery.browse(timeout=2.0), on_done=self._found, on_error=self._failed)

    def _found(self, hubs: list[Any]) -> None:
        self.find_button.setEnabled(True)
        self.hubs.clear()
        for h in hubs:
            self.hubs.addItem(f"{h.url}  {h.site or ''}  {h.name}")
        if hubs:
            self.hubs.setCurrentRow(0)
            self.banner.show_message(self.tr("{n} hub(s) found").format(n=len(hubs)), "ok")
            self.code.setFocus()
        else:
            self.banner.show_message(self.tr("No hub found on the network: type its address"), "error")
            self.url.setFocus()

    def on_join(self) -> None:
        if not self.hub.may("manage_staff"):
            self.banner.show_message(self.tr("Only a site admin may join this laptop to a hub"), "error")
            return
        code, url = self.code.text().strip(), self.url.text().strip() or None
        if not code:
            self.banner.show_message(self.tr("Type or scan the enrollment code"), "error")
            self.code.setFocus()
            return
        self.busy = True
        self.join_button.setEnabled(False)
        self.banner.show_message(self.tr("Joining..."), "info")
        origin = self.hub.store.origin
        public_key = engine.station_public_key(self.hub.store)  # the server checks this laptop's day files by it
        self.worker.submit(
            lambda: engine.redeem(url, code, origin, public_key=public_key),
            on_done=self._joined,
            on_error=self._failed,
        )

    def _joined(self, link: dict[str, Any]) -> None:
        self.busy = False
        engine.keep_link(self.hub.store, link)
        self.code.clear()
        self.hub.stop_sync()  # a new hub: the worker starts again on the new link
        self.hub.start_sync()
        self.banner.show_message(
            self.tr("Joined {url} (site {site})").format(url=link["url"], site=link["site"] or "-"), "ok"
        )
        self.refresh()

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self.find_button.setEnabled(True)
        if isinstance(exc, SyncError):
            text = engine.error_message(exc, self.hub.lang, station=self.hub.store.origin)
        else:
            text = f"{type(exc).__name__}: {exc}"
        self.banner.show_message(text, "error")
        self.refresh()

    def on_sync_now(self) -> None:
        if not self.hub.start_sync():
            return
        self.hub.sync_worker.wake()
        self.banner.show_message(self.tr("Syncing..."), "info")

    # --- does the district hold everything? (reconciliation) and closing the day -----------------------
    def _reconcile_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Does the district hold everything recorded here?"))
        form = QFormLayout(box)
        self.reconcile_line = label()
        self.reconcile_line.setWordWrap(True)
        self.reconcile_line.setStyleSheet("font-size: 16px; font-weight: bold; padding: 4px;")
        self.hub_line = label()
        self.hub_line.setWordWrap(True)
        self.missing_list = QListWidget()
        self.missing_list.setMaximumHeight(90)
        self.check_button = button(self.tr("Check now"))
        self.check_button.clicked.connect(self.on_check)
        self.day_line = label()
        self.day_line.setWordWrap(True)
        self.close_button = button(self.tr("Close the day"))
        self.close_button.clicked.connect(self.on_close_day)
        self.export_file = QLineEdit()
        self.export_file.setPlaceholderText(
            self.tr("The day's export file (station export --day D --out FILE)")
        )
        self.close_offline_button = button(self.tr("Close the day offline with this file"))
        self.close_offline_button.clicked.connect(self.on_close_offline)
        form.addRow(self.tr("Held"), self.reconcile_line)
        form.addRow(self.tr("Hub"), self.hub_line)
        form.addRow(self.tr("Missing"), self.missing_list)
        form.addRow("", self.check_button)
        form.addRow(self.tr("Today"), self.day_line)
        form.addRow("", self.close_button)
        form.addRow(self.tr("Export file"), self.export_file)
        form.addRow("", self.close_offline_button)
        return box

    def show_reconciliation(self, result: dict[str, Any] | None) -> None:
        """The last check: who holds everything up to when, or what is missing per laptop."""
        self.result = result
        self.missing_list.clear()
        if result is None:
            self.reconcile_line.setText(self.tr("Not checked yet: press Check now"))
            self.hub_line.setText("-")
            return
        levels = result.get("levels") or []
        checked = recon.hhmm(_local(result.get("checked_at")))
        until = recon.hhmm(result.get("held_until"))
        who = self.tr("The district") if result.get("target") == "upstream" else self.tr("The server")
        if result.get("complete"):
            self.reconcile_line.setText(
                self.tr("{who} holds everything recorded here up to {until} (checked at {checked})").format(
                    who=who, until=until, checked=checked
                )
            )
        elif not result.get("confirmed"):
            top = levels[-1] if levels else {}
            if top.get("acknowledged_at"):
                self.reconcile_line.setText(
                    self.tr(
                        "The district has not confirmed now; at {at} it acknowledged everything up to {until} "
                        "(checked at {checked})"
                    ).format(at=recon.hhmm(_local(top["acknowledged_at"])), until=until, checked=checked)
                )
            else:
                self.reconcile_line.setText(
                    self.tr("The district has not confirmed (checked at {checked})").format(checked=checked)
                )
        elif result.get("held_until"):
            self.reconcile_line.setText(
                self.tr(
                    "{who} lacks {n} records held here; complete up to {until} (checked at {checked})"
                ).format(who=who, n=result.get("missing_events", 0), until=until, checked=checked)
            )
        else:
            self.reconcile_line.setText(
                self.tr("{who} lacks {n} records held here (checked at {checked})").format(
                    who=who, n=result.get("missing_events", 0), checked=checked
                )
            )
        if len(levels) > 1:
            first = levels[0]
            self.hub_line.setText(
                self.tr("The hub holds everything recorded here")
                if first.get("complete")
                else self.tr("The hub lacks {n} records held here").format(n=first.get("missing_events", 0))
            )
        else:
            self.hub_line.setText("-")
        for origin, runs in sorted((result.get("missing") or {}).items()):
            text = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in runs)
            count = sum(b - a + 1 for a, b in runs)
            self.missing_list.addItem(
                self.tr("Laptop {origin}: seq {ranges} ({n} records)").format(
                    origin=origin, ranges=text, n=count
                )
            )
        for origin, runs in sorted((result.get("differ") or {}).items()):
            text = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in runs)
            self.missing_list.addItem(
                self.tr("Laptop {origin}: seq {ranges} differ from the server's copy").format(
                    origin=origin, ranges=text
                )
            )

    def show_day(self) -> None:
        day = self.hub.today()
        done = dayclose.closings(self.hub.store, day)
        if not done:
            self.day_line.setText(self.tr("{day}: not closed").format(day=day.isoformat()))
        else:
            last = done[-1]
            text = (
                self.tr("{day}: closed as synced at {at} by {staff}")
                if last.get("mode") == "synced"
                else self.tr("{day}: closed offline at {at} by {staff} (export file sha256 {sha})")
            )
            self.day_line.setText(
                text.format(
                    day=day.isoformat(),
                    at=recon.hhmm(last.get("at")),
                    staff=last.get("staff_id") or "-",
                    sha=(last.get("export_sha256") or "")[:12],
                )
            )
        may = self.hub.may("close_day")
        synced = any(d.get("mode") == "synced" for d in done)
        self.close_button.setEnabled(
            may and not synced and not self.checking and self.hub.sync_status()["joined"]
        )
        self.close_offline_button.setEnabled(may and not done and not self.checking)

    def _check(self, then) -> None:
        path = self.hub.store.path

        def job() -> dict[str, Any]:
            store = Store.open(path, create=False)  # this thread's own connection
            try:
                return recon.reconcile(store)
            finally:
                store.close()

        self.checking = True
        self.check_button.setEnabled(False)
        self.close_button.setEnabled(False)
        self.banner.show_message(self.tr("Checking with the server..."), "info")
        self.worker.submit(job, on_done=then, on_error=self._check_failed)

    def on_check(self) -> None:
        self._check(self._checked)

    def _checked(self, result: dict[str, Any]) -> None:
        self.checking = False
        self.show_reconciliation(result)
        self.banner.show_message(self.reconcile_line.text(), "ok" if result["complete"] else "warn")
        self.refresh()

    def _check_failed(self, exc: Exception) -> None:
        self.checking = False
        self._failed(exc)

    def on_close_day(self) -> None:
        if not self.hub.may("close_day"):
            self.banner.show_message(self.tr("Only a site admin may close the day"), "error")
            return
        self._check(self._close_checked)

    def _close_checked(self, result: dict[str, Any]) -> None:
        self.checking = False
        self.show_reconciliation(result)
        try:
            dayclose.close_synced(
                self.hub.store, self.hub.today(), staff_id=self.hub.staff, reconciliation=result
            )
        except DomainError as exc:
            self.banner.show_message(exc.message(self.hub.lang), "error")
        else:
            self.banner.show_message(self.tr("The day is closed: everything recorded here is held"), "ok")
        self.refresh()

    def on_close_offline(self) -> None:
        if not self.hub.may("close_day"):
            self.banner.show_message(self.tr("Only a site admin may close the day"), "error")
            return
        text = self.export_file.text().strip()
        try:
            payload = dayclose.close_offline(
                self.hub.store,
                self.hub.today(),
                staff_id=self.hub.staff,
                export=Path(text) if text else None,
            )
        except DomainError as exc:
            self.banner.show_message(exc.message(self.hub.lang), "error")
        else:
            self.banner.show_message(
                self.tr("The day is closed offline; export file sha256 {sha}").format(
                    sha=payload["export_sha256"][:12]
                ),
                "ok",
            )
        self.refresh()


def _local(text: str | None) -> str | None:
    """A UTC time from a server or the check, in this laptop's time zone (for HH:MM)."""
    if not text:
        return None
    from datetime import datetime

    try:
        return datetime.fromisoformat(text).astimezone().isoformat()
    except ValueError:
        return text
