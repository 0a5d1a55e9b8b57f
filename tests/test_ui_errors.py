"""An unexpected error in the window: a dialog with a short reference, the traceback in the log (masked),
the window still usable and what was recorded before it safe."""

from __future__ import annotations

import logging
import sys
import threading

import pytest

from station import bookings, logs
from tests.conftest import DAY, new_person
from ui.errors import ErrorDialog, ErrorReporter, install_error_handling
from ui.qt import QPushButton, QWidget

pytestmark = pytest.mark.usefixtures("fast_pins")


@pytest.fixture
def log_path(tmp_path, monkeypatch):
    monkeypatch.setenv("STATION_LOG_DIR", str(tmp_path / "log"))
    path = logs.setup(station="desk-9")
    yield path
    logs.set_staff(None)
    logs.close()


def _log_text(path) -> str:
    for h in logging.getLogger().handlers:
        h.flush()
    return path.read_text(encoding="utf-8")


def test_an_error_in_a_slot_shows_a_reference_and_logs_the_traceback(qtbot, station_qapp, store, log_path):
    before = store.scalar("SELECT count(*) FROM events")
    window = QWidget()
    qtbot.addWidget(window)
    button = QPushButton("boom", window)
    good = QPushButton("ok", window)
    clicks = []
    person = new_person(name="王小明")

    def fail():
        raise RuntimeError(f"cannot handle {person['id_number']} name={person['name']}")

    button.clicked.connect(fail)
    good.clicked.connect(lambda: clicks.append(1))
    window.show()
    reporter = ErrorReporter("zh", parent_widget=lambda: window).install()
    try:
        previous = sys.excepthook
        assert previous == reporter._excepthook
        button.click()  # PySide6 hands the slot's exception to sys.excepthook
        qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
        [ref] = reporter.references
        assert len(ref) == 6 and ref in reporter.dialog.text() and "编号" in reporter.dialog.text()
        good.click()  # the window goes on
        assert clicks == [1]
        bookings.add_booking(store, new_person(), DAY, "08:00-08:30", staff_id="admin1")
        assert store.scalar("SELECT count(*) FROM events") == before + 1
    finally:
        reporter.uninstall()
        if reporter.dialog:
            reporter.dialog.close()
    text = _log_text(log_path)
    assert f"ref={ref}" in text and "RuntimeError" in text and "Traceback" in text
    assert person["id_number"] not in text and "王小明" not in text and "name=王**" in text
    assert sys.excepthook is not reporter._excepthook


def test_an_error_in_a_worker_thread_is_shown_on_the_ui_thread(qtbot, station_qapp, log_path):
    reporter = ErrorReporter("en").install()
    try:
        worker = threading.Thread(target=lambda: 1 / 0, name="printer")
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
        [ref] = reporter.references
        assert "reference" in reporter.dialog.text() and ref in reporter.dialog.text()
        # a second error while the dialog is open: one dialog, both references
        worker = threading.Thread(target=lambda: [][1], name="printer")
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: len(reporter.references) == 2 and reporter.references[1] in reporter.dialog.text())
    finally:
        reporter.uninstall()
        if reporter.dialog:
            reporter.dialog.close()
    text = _log_text(log_path)
    assert "in printer" in text and "ZeroDivisionError" in text and "IndexError" in text


def test_the_dialog_alone(qtbot, station_qapp):
    dialog = ErrorDialog("ABC123", "en")
    qtbot.addWidget(dialog)
    assert "ABC123" in dialog.text() and dialog.windowTitle() == "Unexpected error"


def test_install_error_handling_logs_the_station_and_the_staff_who_logs_in(qtbot, make_hub, tmp_path,
                                                                           monkeypatch):
    monkeypatch.setenv("STATION_LOG_DIR", str(tmp_path / "log"))
    hub = make_hub("sign1", ("signin",))
    reporter = install_error_handling(hub)
    try:
        logging.getLogger("ui.test").info("after login")
    finally:
        reporter.uninstall()
        logs.set_staff(None)
        logs.close()
    text = (tmp_path / "log" / "station.log").read_text(encoding="utf-8")
    assert "station=test-a staff=sign1 ui.test: after login" in text
