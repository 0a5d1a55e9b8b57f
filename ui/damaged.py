"""The window's answer to a station file it must not use (#13): what happened, the latest sound backup
to restore, and how to bring the station's records back from the site hub. Nothing is written to the
damaged file: it is never opened for writing, and a restore sets it aside in ``replaced/``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from station import backup
from station.errors import DomainError
from ui.qt import QDialog, QHBoxLayout, QLabel, QPushButton, Qt, QVBoxLayout, QWidget


def latest_sound_backup(data: Path, backup_dir: str = "") -> tuple[Path, int] | None:
    """The newest backup (the data folder's ``backups/`` and the USB stick's) that passes ``verify``."""
    found: list[Path] = []
    for folder in backup.targets(data, backup_dir):
        if folder.is_dir():
            found += [p for p in folder.glob("*.sqlite3") if p.is_file()]
    for path in sorted(found, key=lambda p: p.stat().st_mtime, reverse=True):
        verdict = backup.verify(path)
        if verdict.ok:
            return path, int(verdict.events or 0)
    return None


class DamagedDialog(QDialog):
    """Shown instead of the login when the station's database is damaged (or not usable as it is)."""

    def __init__(self, data: Path, error: DomainError, lang: str = "zh", backup_dir: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = Path(data)
        self.error = error
        self.restored: dict[str, Any] | None = None
        self.setWindowTitle(self.tr("The station's database cannot be used"))
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        self.explanation = QLabel(error.message(lang))
        self.explanation.setWordWrap(True)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.explanation)

        self.latest = latest_sound_backup(self.data, backup_dir)
        if self.latest:
            path, events = self.latest
            offer = self.tr("Latest sound backup: %1 (%2 records). Restoring it puts it in place of the damaged "
                            "file, which is kept in replaced/.").replace("%1", str(path)).replace("%2", str(events))
        else:
            offer = self.tr("No sound backup was found in the backups folder or on the USB stick.")
        self.backup_label = QLabel(offer)
        self.backup_label.setWordWrap(True)
        layout.addWidget(self.backup_label)

        from sync.client.repull import rescue

        self.rescued = rescue(self.data / "station.sqlite3")  # its station id and hub link, read only
        self.repulled: dict[str, Any] | None = None
        if self.rescued:
            hub_text = self.tr(
                "From the site hub (%1): this station had joined it, so its records that reached the hub are "
                "there. Bringing them back makes a new database with the same station id from the hub's "
                "records (the whole site's, this station's included) and keeps the damaged file in "
                "replaced/. Records made here after the last sync are only in the damaged file and its "
                "backups: keep them.").replace("%1", str(self.rescued["link"]["url"]))
        else:
            hub_text = self.tr(
                "From the site hub: on a station that had joined a hub, its records are on the hub too. Set this "
                "laptop up as a new station (a new station id) and join the hub with a new code: it pulls the "
                "whole site's records, this station's included (install guide, section 7). Records not yet "
                "synced are only in the damaged file and its backups: keep them.")
        self.hub_label = QLabel(hub_text)
        self.hub_label.setWordWrap(True)
        layout.addWidget(self.hub_label)

        buttons = QHBoxLayout()
        self.restore_button = QPushButton(self.tr("Restore the latest backup"))
        self.restore_button.setEnabled(self.latest is not None)
        self.restore_button.clicked.connect(self.restore_latest)
        self.repull_button = QPushButton(self.tr("Bring the records back from the hub"))
        self.repull_button.setVisible(self.rescued is not None)
        self.repull_button.clicked.connect(self.repull_from_hub)
        self.quit_button = QPushButton(self.tr("Close the program"))
        self.quit_button.clicked.connect(self.reject)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.repull_button)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        layout.addLayout(buttons)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.lang = lang

    def restore_latest(self) -> None:
        if not self.latest:
            return
        try:
            self.restored = backup.restore(self.data, self.latest[0])
        except (DomainError, OSError) as exc:
            self.status.setText(exc.message(self.lang) if isinstance(exc, DomainError) else str(exc))
            return
        self.accept()

    def repull_from_hub(self) -> None:
        """Pull this station's site from its hub into a new file (sync/client/repull.py); nothing changes
        when the hub cannot be reached."""
        from sync.client.remote import SyncError
        from sync.client.repull import repull
        from ui.qt import QApplication

        if not self.rescued:
            return
        self.status.setText(self.tr("Bringing the records back from the hub…"))
        self.repull_button.setEnabled(False)
        QApplication.processEvents()
        try:
            self.repulled = repull(self.data, self.rescued)
        except SyncError as exc:
            self.status.setText(self.tr("The hub could not be reached or refused (%1). Nothing was changed; "
                                        "try again when the hub is on the network.").replace("%1", exc.code))
            self.repull_button.setEnabled(True)
            return
        except (DomainError, OSError) as exc:
            self.status.setText(exc.message(self.lang) if isinstance(exc, DomainError) else str(exc))
            self.repull_button.setEnabled(True)
            return
        self.accept()
