"""The window started on a damaged station file (#13): it explains what happened, offers the latest sound
backup and the way back through the hub, and writes nothing to the damaged file. Real Qt widgets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from station import backup
from station.settings import Settings
from tests.test_integrity import damaged_copy, sha, sound  # noqa: F401 (the fixture)
from ui import app as appmod
from ui.damaged import DamagedDialog
from ui.qt import QApplication

SHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"


@pytest.fixture
def damaged_station(sound: Path, tmp_path: Path) -> Path:  # noqa: F811
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(sound, data / "station.sqlite3")
    assert all(r.ok for r in backup.backup_station(data))
    damaged_copy(sound, data, 3)
    return data


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_window_explains_offers_and_does_not_write(qtbot, damaged_station: Path, monkeypatch, lang) -> None:
    data = damaged_station
    before = sha(data / "station.sqlite3")
    shown: list[DamagedDialog] = []

    def exec_(self: DamagedDialog) -> int:
        qtbot.addWidget(self)
        self.show()
        qtbot.waitExposed(self)
        shown.append(self)
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.grab().save(str(SHOTS / f"damaged-{lang}.png"))
        return DamagedDialog.DialogCode.Rejected

    monkeypatch.setattr(DamagedDialog, "exec", exec_)
    qapp = QApplication.instance()
    appmod.load_fonts(qapp)
    translators = appmod.install_translations(qapp, lang)
    try:
        assert appmod.open_station(data, Settings.load(data), lang) is None
    finally:
        for t in translators:
            qapp.removeTranslator(t)
    [dialog] = shown
    text = dialog.explanation.text()
    assert ("已损坏" in text) if lang == "zh" else ("is damaged" in text)
    assert dialog.latest is not None and dialog.restore_button.isEnabled()
    assert str(dialog.latest[0].name) in dialog.backup_label.text()
    assert dialog.restore_button.text() == ("恢复最近的备份" if lang == "zh" else "Restore the latest backup")
    assert sha(data / "station.sqlite3") == before
    assert not (data / "station.sqlite3-wal").exists() or (data / "station.sqlite3-wal").stat().st_size == 0


def test_restoring_the_offered_backup_opens_the_station(qtbot, damaged_station: Path, monkeypatch) -> None:
    data = damaged_station
    damaged = sha(data / "station.sqlite3")

    def exec_(self: DamagedDialog) -> int:
        qtbot.addWidget(self)
        self.restore_button.click()
        return self.result()

    monkeypatch.setattr(DamagedDialog, "exec", exec_)
    store = appmod.open_station(data, Settings.load(data), "en")
    assert store is not None
    try:
        assert store.scalar("SELECT count(*) FROM events") > 3000
    finally:
        store.close()
    [aside] = (data / "replaced").glob("station-replaced-*.sqlite3")
    assert sha(aside) == damaged  # the damaged file is kept as it was
