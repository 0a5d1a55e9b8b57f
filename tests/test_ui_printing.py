"""Printing observation slips through Qt: rendered off the UI thread, painted on a printer (here a
PDF file), a copy in the day's folder, and every failure back as a translated message."""

from __future__ import annotations

import threading

import pypdfium2 as pdfium
import pytest

from station import bookings, observe, signin, slips
from station.errors import DomainError
from tests.conftest import DAY, new_person
from tests.domainkit import drive
from ui.qt import Qt

pytestmark = pytest.mark.usefixtures("fast_pins")

MM = 72 / 25.4
WAIT = 15_000


@pytest.fixture
def hub(make_hub):
    return make_hub("obs1", ("observe",))


def observed(store, clock, n: int = 1) -> list[str]:
    """People injected and seated."""
    visits = []
    for _ in range(n):
        v = bookings.add_booking(store, new_person(), DAY, "08:00-08:30", staff_id="admin1")
        drive(store, clock, v, "injected")
        observe.start_observation(store, v, staff_id="obs1")
        visits.append(v)
    return visits


@pytest.fixture
def make_printer(hub, qtbot):
    from ui.printing import SlipPrinter

    made = []

    def make(pdf_file=None):
        printer = SlipPrinter(hub, pdf_file=pdf_file)
        made.append(printer)
        return printer

    yield make
    for printer in made:
        printer.close()


def pages_of(path) -> list[tuple[float, float]]:
    doc = pdfium.PdfDocument(str(path))
    try:
        return [doc[i].get_size() for i in range(len(doc))]
    finally:
        doc.close()


def qr_texts(path) -> list[str]:
    """The QR codes on the printed page (rendered at 200 dpi, as a camera or scanner would see it)."""
    import zxingcpp

    doc = pdfium.PdfDocument(str(path))
    try:
        image = doc[0].render(scale=200 / 72, grayscale=True).to_numpy()
    finally:
        doc.close()
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def test_prints_to_a_pdf_printer_off_the_ui_thread(
    make_printer, hub, store, clock, qtbot, tmp_path, monkeypatch
):
    (v,) = observed(store, clock)
    threads: list[int] = []
    build = slips.build_slip

    def spy(*args, **kwargs):
        threads.append(threading.get_ident())
        return build(*args, **kwargs)

    monkeypatch.setattr(slips, "build_slip", spy)
    out = tmp_path / "printed.pdf"
    printer = make_printer(out)
    saved: list[tuple[str, str]] = []
    failed: list[tuple[str, str]] = []
    printer.saved.connect(lambda *a: saved.append(a))
    printer.failed.connect(lambda *a: failed.append(a))
    with qtbot.waitSignal(printer.printed, timeout=WAIT) as printed:
        printer.print_slip(v)
    assert printed.args == [v, str(out)]
    assert failed == []
    assert threads and all(t != threading.get_ident() for t in threads)  # built in the worker

    # The printed file: a PDF, one page, exactly the slip's paper (80 mm wide, as long as the slip).
    assert out.read_bytes()[:5] == b"%PDF-"
    data = slips.slip_data(store, v, hub.settings, hub.rules)
    slip_w, slip_h = pdfium.PdfDocument(build(data, "80mm"))[0].get_size()
    ((w, h),) = pages_of(out)
    assert w == pytest.approx(80 * MM, abs=1) and w == pytest.approx(slip_w, abs=1)
    assert h == pytest.approx(slip_h, abs=1)
    # Nothing cropped: the exit QR at the bottom of the slip reads back from the printed page.
    assert qr_texts(out) == [slips.exit_payload(v)]

    # The day's folder keeps a copy: the very slip printed.
    copy = slips.slip_path(tmp_path, data)
    assert saved == [(v, str(copy))]
    assert copy.parent == tmp_path / "slips" / DAY.isoformat()
    assert copy.read_bytes() == build(data, "80mm")


def test_a6_prints_on_an_a6_sheet(make_printer, hub, store, clock, qtbot, tmp_path):
    (v,) = observed(store, clock)
    hub.settings.slip_size = "a6"
    out = tmp_path / "a6.pdf"
    printer = make_printer(out)
    with qtbot.waitSignal(printer.printed, timeout=WAIT):
        printer.print_slip(v)
    ((w, h),) = pages_of(out)
    assert (w, h) == (pytest.approx(105 * MM, abs=1), pytest.approx(148 * MM, abs=1))
    assert qr_texts(out) == [slips.exit_payload(v)]


def test_no_printer_says_so_and_still_saves_the_slip(make_printer, hub, store, clock, qtbot, tmp_path):
    (v,) = observed(store, clock)
    hub.settings.printer = "前台小票机"  # not installed on this computer
    printer = make_printer()
    printed: list = []
    printer.printed.connect(lambda *a: printed.append(a))
    with qtbot.waitSignal(printer.saved, timeout=WAIT) as saved:
        with qtbot.waitSignal(printer.failed, timeout=WAIT) as failed:
            printer.print_slip(v)
    path = saved.args[1]
    message = failed.args[1]
    assert failed.args[0] == v
    assert "前台小票机" in message and path in message  # which printer, and where the slip is
    visit = bookings.visit(store, v)
    assert signin.format_queue_no(visit["queue_prefix"], visit["queue_no"]) in message  # "A080", as called
    assert (tmp_path / "slips" / DAY.isoformat()).is_dir() and path.endswith(".pdf")
    assert printed == []


def test_no_default_printer_says_so(make_printer, hub, store, clock, qtbot, monkeypatch):
    from ui import printing

    (v,) = observed(store, clock)
    monkeypatch.setattr(printing, "default_printer", lambda: None)  # a laptop with no printer at all
    printer = make_printer()
    with qtbot.waitSignal(printer.failed, timeout=WAIT) as failed:
        printer.print_slip(v)
    assert printer.tr("No printer is set up on this computer") in failed.args[1]


def test_slip_write_failed_is_shown_and_the_slip_still_prints(
    make_printer, hub, store, clock, qtbot, tmp_path
):
    (v,) = observed(store, clock)
    (tmp_path / "slips").write_text("a file where the folder should be")
    out = tmp_path / "printed.pdf"
    printer = make_printer(out)
    failures: list[tuple[str, str]] = []
    printer.failed.connect(lambda *a: failures.append(a))
    with qtbot.waitSignal(printer.printed, timeout=WAIT):
        printer.print_slip(v)
    assert len(failures) == 1 and failures[0][0] == v
    expected = hub.message(DomainError("slip_write_failed", path="P", detail="D")).split("P")[0]
    assert expected and expected in failures[0][1]  # the domain's message, translated: 留观单无法保存到
    assert "留观单无法保存到" in failures[0][1]
    assert out.exists()  # the person still gets their slip


def test_a_person_without_a_slip_is_a_message_not_a_crash(make_printer, store, qtbot, tmp_path):
    booked = bookings.add_booking(store, new_person(), DAY, "08:00-08:30", staff_id="admin1")
    printer = make_printer(tmp_path / "never.pdf")
    with qtbot.waitSignal(printer.failed, timeout=WAIT) as failed:
        printer.print_slip(booked)
    assert "尚未接种" in failed.args[1]  # slip_not_injected, in Chinese
    assert not (tmp_path / "never.pdf").exists()


def test_preview_opens_the_print_preview(make_printer, store, clock, qtbot):
    (v,) = observed(store, clock)
    printer = make_printer()
    with qtbot.waitSignal(printer.previewed, timeout=WAIT) as previewed:
        printer.print_slip(v, preview=True)
    assert previewed.args == [v] and printer.preview_dialog.isVisible()
    printer.preview_dialog.close()


# --- the observation page ----------------------------------------------------------------------


@pytest.fixture
def page(hub, qtbot, tmp_path):
    from ui.pages.observe import ObservePage

    page = ObservePage(hub)
    qtbot.addWidget(page)
    page.printer.pdf_file = tmp_path / "desk-printer.pdf"
    page.resize(1366, 700)
    page.show()
    page.activateWindow()
    page.code.setFocus()
    yield page
    page.printer.close()


def test_seating_prints_the_slip_and_f8_reprints_it(page, qtbot, store, clock, tmp_path):
    (v,) = observed(store, clock)
    waiting = bookings.add_booking(store, new_person(), DAY, "08:00-08:30", staff_id="admin1")
    drive(store, clock, waiting, "injected")
    page.refresh()
    out = page.printer.pdf_file
    with qtbot.waitSignal(page.printer.printed, timeout=WAIT) as printed:
        qtbot.keyClick(page.focusWidget(), Qt.Key.Key_F2)  # seat: the slip prints by itself
    assert printed.args[0] == waiting
    assert page.banner.kind == "ok"  # the seat message stays; printing has its own line
    assert page.print_status.kind == "ok" and str(bookings.visit(store, waiting)["queue_no"]) in (
        page.print_status.text()
    )
    assert qr_texts(out) == [slips.exit_payload(waiting)]

    out.unlink()
    page.select(v)
    with qtbot.waitSignal(page.printer.printed, timeout=WAIT) as printed:
        qtbot.keyClick(page.focusWidget(), Qt.Key.Key_F8)
    assert printed.args[0] == v and qr_texts(out) == [slips.exit_payload(v)]


def test_reprint_needs_a_chosen_person(page, qtbot):
    qtbot.keyClick(page.focusWidget(), Qt.Key.Key_F8)
    assert page.banner.kind == "warn" and page.printer.pending == 0


def test_print_preview_button(page, qtbot, store, clock):
    (v,) = observed(store, clock)
    page.refresh()
    page.select(v)
    qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.printer.preview_dialog is not None, timeout=WAIT)
    assert page.printer.preview_dialog.parent() is page
    page.printer.preview_dialog.close()
