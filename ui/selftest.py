"""The self-test's Qt check (``station --self-test``): the window's translations load into Qt.

No window, no display and no application object are needed (a QCoreApplication made here would stand
in the way of the QApplication the same process may make later). Registered in the entry-point group
``vaccination_station.selftest``.
"""

from __future__ import annotations

from pathlib import Path

from station.messages import render
from station.paths import resource_dir

FILES = ("station_zh_CN.qm", "station_en.qm")


def translations(work: Path, lang: str = "zh") -> str:
    from ui.qt import QTranslator

    for name in FILES:
        path = resource_dir() / "i18n" / name
        translator = QTranslator()
        if not translator.load(str(path)) or translator.isEmpty():
            raise RuntimeError(render("selftest_damaged", lang, path=str(path)))
    return render("selftest_translations_ok", lang, files=len(FILES))
