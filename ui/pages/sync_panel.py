"""The admin page's Sync tab: the state in full, joining a hub (found on the LAN, typed, or its code
scanned), and "sync now". Every network step runs off the UI thread."""

from __future__ import annotations

from typing import Any

from sync.client import engine
from sync.client.remote import SyncError
from ui.header import error_text, sync_text
from ui.hub import StationHub
from ui.qt import QFormLayout, QGroupBox, QHBoxLayout, QLineEdit, QListWidget, QVBoxLayout, QWidget
from ui.widgets import Banner, button, label
from ui.worker import Worker


class SyncPanel(QWidget):
    def __init__(self, hub: StationHub, banner: Banner) -> None:
        super().__init__()
        self.hub = hub
        self.banner = banner
        self.worker = Worker(self)
        self.busy = False

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
                )
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

        layout = QVBoxLayout(self)
        layout.addWidget(state_box)
        layout.addWidget(join_box)
        layout.addStretch(1)
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
        self.sync_now.setEnabled(st["joined"])
        self.join_button.setEnabled(not self.busy)

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
        self.worker.submit(
            lambda: engine.redeem(url, code, origin), on_done=self._joined, on_error=self._failed
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
