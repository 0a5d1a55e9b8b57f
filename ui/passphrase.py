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
from ui.qt import QCheckBox, QDialogButtonBox, QLayout, QLineEdit, QVBoxLayout
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
        _hold(self, text)
        super().accept()


def _hold(dialog: PassphraseDialog | NewStationPassphraseDialog, text: str) -> None:
    """The passphrase held for the dialog's file in this process, and in the OS keyring when
    "Remember" is ticked (no keyring here: said, and the station opens all the same)."""
    cipher.unlock(dialog.path, text)
    if dialog.remember.isChecked():
        try:
            cipher.keyring_set(dialog.path, text)
        except DomainError as exc:
            dialog.banner.show_message(exc.message(dialog.lang), "info")


def unlock(path: Path, lang: str) -> bool:
    """Open the station at ``path`` to this process before the login: keyring or STATION_PASSPHRASE
    first, else the dialog. False when the person cancels."""
    try:
        if cipher.unlock_from_keyring_or_env(path):
            return True
    except DomainError:
        pass  # a stored passphrase that no longer opens it, or no SQLCipher: the dialog says which
    return PassphraseDialog(path, lang).exec() == PassphraseDialog.DialogCode.Accepted


class NewStationPassphraseDialog(FormDialog):
    """A fresh laptop's first start (no station file yet): encrypt its records from the first one?

    *Encrypt* (a passphrase typed twice, optionally kept in the OS keyring) makes the station's file
    encrypted from its first page: nothing is ever written in plaintext (converting later with
    ``station encrypt`` cannot promise that on an SSD). *Not encrypted* goes on as before; the site
    can still turn it on later from the terminal. Accepted: the passphrase is held for the file."""

    def __init__(self, path: Path, lang: str = "zh") -> None:
        super().__init__()
        self.path = Path(path)
        self.lang = lang
        self.setWindowTitle(self.tr("Protect this laptop's records"))
        self.setMinimumWidth(560)
        self.banner = Banner()
        self.banner.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(self.tr("Database passphrase (at least 8 characters)"))
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again.setPlaceholderText(self.tr("The passphrase again"))
        self.passphrase.returnPressed.connect(self.again.setFocus)
        self.again.returnPressed.connect(self.accept)
        self.remember = QCheckBox(self.tr("Remember on this computer (the system keyring of this account)"))
        buttons = QDialogButtonBox()
        self.encrypt_button = buttons.addButton(self.tr("Encrypt"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.plain_button = buttons.addButton(self.tr("Not encrypted"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr("Encrypt this laptop's records?"), "title"))
        layout.addWidget(label(self.tr(
            "Names, ID numbers and phone numbers are kept on this laptop. Encrypted, a lost or stolen laptop "
            "or a copied file shows nothing without the passphrase, which is asked at every start (or kept "
            "in this account's keyring). Write it down where the site keeps its secrets: a forgotten "
            "passphrase cannot be recovered. Not encrypted: anyone who can read the disk can read them."),
            wrap=True))
        layout.addWidget(self.passphrase)
        layout.addWidget(self.again)
        layout.addWidget(self.remember)
        layout.addWidget(self.banner)
        layout.addWidget(buttons)
        # the wrapped explanation's height at this width (a dialog sized before it wraps cuts it off)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.passphrase.setFocus()

    def accept(self) -> None:
        try:
            text = cipher.new_passphrase(self.passphrase.text(), self.again.text())
        except DomainError as exc:
            self.banner.show_message(exc.message(self.lang), "error")
            self.adjustSize()
            self.again.clear()
            self.passphrase.setFocus()
            return
        _hold(self, text)  # the station's file is made encrypted with it
        super().accept()


def offer_encryption(path: Path, lang: str) -> None:
    """On a fresh laptop (no station file yet, SQLCipher in this program): ask once whether to encrypt."""
    if Path(path).exists() or not cipher.available():
        return
    NewStationPassphraseDialog(path, lang).exec()
