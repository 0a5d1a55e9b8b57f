"""The header on every page: site, desk, who is logged in, today's counts, sync state."""

from __future__ import annotations

from station.status import day_status
from ui.hub import StationHub
from ui.qt import QFrame, QHBoxLayout, QLabel, QVBoxLayout


class Header(QFrame):
    def __init__(self, hub: StationHub) -> None:
        super().__init__()
        self.hub = hub
        self.setObjectName("header")
        self.setStyleSheet(
            "#header { background: #0a3069; } #header QLabel { color: white; font-size: 16px; }"
        )
        self.site = QLabel()
        self.site.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.who = QLabel()
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.sync = QLabel()
        self.top = top = QHBoxLayout()
        top.addWidget(self.site, 1)
        top.addWidget(self.who)
        top.addWidget(self.sync)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addLayout(top)
        layout.addWidget(self.counts)
        hub.records_did_change.connect(self.refresh)
        hub.staff_did_change.connect(self.refresh)
        self.status: dict = {}
        self.refresh()

    def refresh(self) -> None:
        s = self.hub.settings
        self.site.setText(self.tr("{site} · desk {desk}").format(site=s.site_name, desk=s.desk))
        staff = self.hub.staff
        self.who.setText(
            self.tr("Staff: {name} ({id})").format(name=staff.name, id=staff.staff_id)
            if staff
            else self.tr("Not logged in")
        )
        self.sync.setText(self.tr("Sync: not set up (this laptop works alone)"))
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
        )
