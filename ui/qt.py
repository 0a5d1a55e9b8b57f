"""The one door Qt comes in through: every ui/ module imports Qt names from here."""

from __future__ import annotations

from PySide6 import __version__ as PYSIDE_VERSION
from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QEvent,
    QLibraryInfo,
    QLocale,
    QObject,
    QRunnable,
    QSize,
    Qt,
    QThread,
    QThreadPool,
    QTime,
    QTimer,
    QTranslator,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QKeySequence,
    QPalette,
    QShortcut,
    QValidator,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextEdit,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

QT_MIN = (6, 5)
if tuple(int(x) for x in PYSIDE_VERSION.split(".")[:2]) < QT_MIN:
    raise ImportError(f"PySide6 {PYSIDE_VERSION} is too old: {'.'.join(map(str, QT_MIN))} or newer is needed")

__all__ = [
    "PYSIDE_VERSION", "QT_MIN",
    "QCoreApplication", "QDate", "QEvent", "QLibraryInfo", "QLocale", "QObject", "QRunnable", "QSize", "Qt", "QThread", "QThreadPool", "QTime", "QTimer",
    "QTranslator", "Signal", "Slot",
    "QAction", "QColor", "QFont", "QFontDatabase", "QGuiApplication", "QKeySequence", "QPalette", "QShortcut", "QValidator",
    "QAbstractItemView", "QApplication", "QButtonGroup", "QCheckBox", "QComboBox", "QDateEdit", "QDialog", "QDialogButtonBox",
    "QDoubleSpinBox", "QFormLayout", "QFrame", "QGridLayout", "QGroupBox", "QHBoxLayout", "QHeaderView",
    "QInputDialog", "QLabel", "QLineEdit", "QListWidget", "QListWidgetItem", "QMainWindow", "QMessageBox",
    "QPushButton", "QRadioButton", "QScrollArea", "QSizePolicy", "QSpinBox", "QStackedWidget", "QTableWidget",
    "QTableWidgetItem", "QTabWidget", "QTextEdit", "QTimeEdit", "QVBoxLayout", "QWidget",
]  # fmt: skip
