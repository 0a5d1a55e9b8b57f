"""The one door Qt comes in through: every ui/ module imports Qt names from here."""

from __future__ import annotations

from PySide6 import __version__ as PYSIDE_VERSION

QT_MIN = (6, 5)
if tuple(int(x) for x in PYSIDE_VERSION.split(".")[:2]) < QT_MIN:
    raise ImportError(f"PySide6 {PYSIDE_VERSION} is too old: {'.'.join(map(str, QT_MIN))} or newer is needed")

__all__ = [name for name in dir() if name[0].isupper()]
