"""Start the desk window: fonts, translations, first-run set-up, login, the main window."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from station.paths import resource_dir
from ui.qt import QApplication, QFont, QFontDatabase, QLibraryInfo, QLocale, QTranslator

FONT_FILES = ("wqy-microhei.ttc",)
_START = time.perf_counter()


def load_fonts(app: QApplication) -> str | None:
    """Load the bundled CJK font and make it the application font; returns its family."""
    family = None
    for name in FONT_FILES:
        font_id = QFontDatabase.addApplicationFont(str(resource_dir() / "fonts" / name))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        family = family or (families[0] if families else None)
    if family:
        font = QFont(family, 11)
        app.setFont(font)
    return family


def install_translations(app: QApplication, lang: str) -> list[QTranslator]:
    """The program's own .qm (Chinese, or English), plus Qt's for its standard buttons."""
    installed = []
    locale = "zh_CN" if lang.startswith("zh") else "en"
    ours = QTranslator(app)
    if ours.load(str(resource_dir() / "i18n" / f"station_{locale}.qm")):
        app.installTranslator(ours)
        installed.append(ours)
    if locale == "zh_CN":
        qt = QTranslator(app)
        if qt.load(
            QLocale(QLocale.Language.Chinese, QLocale.Country.China),
            "qtbase",
            "_",
            QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
        ):
            app.installTranslator(qt)
            installed.append(qt)
    return installed


def make_app(lang: str, argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("Vaccination Station")
    load_fonts(app)
    install_translations(app, lang)
    return app


def run(data: Path, lang: str, *, config: Path | None = None, camera: str | None = None) -> int:
    """The desk window on the station in ``data`` (its settings beside its database, unless ``config``
    names another folder); ``camera`` (``station --camera SPEC``) overrides ``settings.camera``."""
    from station.settings import Settings
    from ui.backup_panel import BackupTimer
    from ui.dialogs import FirstRunDialog, LoginDialog
    from ui.errors import install_error_handling
    from ui.hub import StationHub
    from ui.mainwindow import MainWindow
    from ui.passphrase import offer_encryption
    from ui.passphrase import unlock as unlock_station

    app = make_app(lang)
    config = config or data
    settings = Settings.load(config)
    offer_encryption(data / "station.sqlite3", lang)  # a fresh laptop: encrypted from its first record?
    if not unlock_station(data / "station.sqlite3", lang):  # an encrypted station: its passphrase first
        return 1
    store = open_station(data, settings, lang)
    if store is None:
        return 1
    store.start_checkpointer()  # commits at the desk never pay for a WAL checkpoint
    hub = StationHub(store, settings, lang=lang)
    hub.settings_saver = lambda: settings.save(config)
    try:
        if not settings.configured:
            if FirstRunDialog(hub).exec() != FirstRunDialog.DialogCode.Accepted:
                return 1
            settings.save(config)
        if LoginDialog(hub).exec() != LoginDialog.DialogCode.Accepted:
            return 1
        window = MainWindow(hub, camera=camera)
        # an unexpected error: a dialog with a reference, the traceback in the log; backups every N minutes
        errors, backups = install_error_handling(hub), BackupTimer.for_hub(hub)  # noqa: F841 (kept alive)
        hub.start_sync()  # when this station has joined a hub; never blocks the window
        window.show_fitted()
        return app.exec()
    finally:
        hub.close()
        store.close()  # stops the checkpointer; what was recorded is in the database file


def open_station(data: Path, settings: Any, lang: str) -> Any:
    """The station's database, or None when it must not be used and staff closed the program: a damaged
    file (or one with its own records lost) is never written; the dialog explains what happened and
    offers the latest sound backup and the way back through the site hub (ui/damaged.py)."""
    from station import integrity
    from station.errors import DomainError
    from station.store import Store
    from ui.damaged import DamagedDialog

    path = data / "station.sqlite3"
    for _ in range(3):
        try:
            return Store.open(path, origin=settings.station_id or None)
        except DomainError as exc:
            if exc.code not in integrity.DAMAGE_CODES:  # a read-only folder, a full disk, a lock: say so
                from ui.qt import QMessageBox

                QMessageBox.critical(None, "Vaccination Station", exc.message(lang))
                return None
            dialog = DamagedDialog(data, exc, lang, backup_dir=getattr(settings, "backup_dir", ""))
            if dialog.exec() != DamagedDialog.DialogCode.Accepted:
                return None
    return None


@click.command("gui")
@click.pass_context
def gui_command(ctx: click.Context) -> None:
    """打开工作站窗口。 / Open the desk window."""
    sys.exit(run(ctx.obj.data, ctx.obj.lang, camera=getattr(ctx.obj, "camera", None)))
