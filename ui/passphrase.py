"""The encrypted station's passphrase, asked before the login (#13, station/cipher.py).

Shown only when the database file is encrypted and neither the OS keyring nor STATION_PASSPHRASE
opened it. A wrong passphrase is said so (never "damaged file"); a program without SQLCipher says
what to install. "Remember on this computer" keeps it in the OS keyring of this account.
"""

from __future__ import annotations

from pathlib import Path

from station import cipher
from station.errors import DomainError
from ui.dialogs import FormDialog
from ui.qt import QCheckBox, QDialogButtonBox, QLineEdit, QVBoxLayout
from ui.widgets import Banner, label


class PassphraseDialog(FormDialog):
    def __init__(self, path: Path, lang: str = "zh") -> None:
        super().__init__()
        self.path = Path(path)
        self.lang = lang
        self.setWindowTitle(self.tr("Encrypted station"))
        self.setMinimumWidth(520)
        self.banner = Banner()
        self.banner.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(self.tr("Database passphrase"))
        self.passphrase.returnPressed.connect(self.accept)
        self.remember = QCheckBox(self.tr("Remember on this computer (the system keyring of this account)"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr("This station's records are encrypted"), "title"))
        layout.addWidget(label(self.tr("Enter the database passphrase to open them. Ask the site admin if "
                                       "you do not know it."), wrap=True))
        layout.addWidget(self.passphrase)
        layout.addWidget(self.remember)
        layout.addWidget(self.banner)
        layout.addWidget(buttons)
        if not cipher.available():  # this program cannot read it at all: say what to install
            self.banner.show_message(DomainError("db_encrypted_no_cipher", path=str(self.path)).message(lang),
                                     "error")
            self.passphrase.setEnabled(False)
        self.passphrase.setFocus()

    def accept(self) -> None:
        text = self.passphrase.text()
        try:
            if not text:
                raise cipher.CipherError("db_encrypted", path=str(self.path))
            cipher.check_passphrase(self.path, text)
        except DomainError as exc:
            self.banner.show_message(exc.message(self.lang), "error")
            self.adjustSize()  # the message wraps to two lines: the dialog grows to show them
            self.passphrase.clear()
            self.passphrase.setFocus()
            return
        cipher.unlock(self.path, text)
        if self.remember.isChecked():
            try:
                cipher.keyring_set(self.path, text)
            except DomainError as exc:  # no keyring here: the station opens all the same
                self.banner.show_message(exc.message(self.lang), "info")
        super().accept()


def unlock(path: Path, lang: str) -> bool:
    """Open the station at ``path`` to this process before the login: keyring or STATION_PASSPHRASE
    first, else the dialog. False when the person cancels."""
    try:
        if cipher.unlock_from_keyring_or_env(path):
            return True
    except DomainError:
        pass  # a stored passphrase that no longer opens it, or no SQLCipher: the dialog says which
    return PassphraseDialog(path, lang).exec() == PassphraseDialog.DialogCode.Accepted
