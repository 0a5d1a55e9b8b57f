"""The camera widget under pytest-qt: real QR frames (segno + cv2) in MJPG videos and the bundled
demo, decoded in the widget's worker thread, routed into the sign-in page."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import cv2
import numpy as np
import pytest
import segno

from station import bookings, signin
from station.scan import decode_image
from station.scan import sources as S
from station.scan.payloads import booking_text, exit_text
from tests.conftest import DAY, new_person
from ui.qt import Qt, QVBoxLayout, QWidget

pytestmark = pytest.mark.usefixtures("fast_pins")

BGR = {"black": (24, 20, 20), "green": (90, 168, 0), "yellow": (0, 195, 255), "red": (64, 67, 230)}
GREEN_URL = "https://health.example.cn/hc/v2/scan?token=G7kP2mQx9RtV4wZa8LcN3yHs&src=app"
RED_URL = "https://health.example.cn/hc/v2/scan?token=R3dK9sJh6GfD2aMn8BvX5cZq&src=app"


# --- frames and videos ------------------------------------------------------------------------------


def qr_frame(text: str | None, color: str = "black", size=(480, 360), module_px: int = 4) -> np.ndarray:
    """A small camera-like frame: light grey, the QR (UTF-8) on a white card in the middle."""
    frame = np.full((size[1], size[0], 3), 200, np.uint8)
    if text is None:
        return frame
    qr = segno.make(text, error="m", micro=False)
    modules = np.array([list(row) for row in qr.matrix_iter(scale=1, border=4)], bool)
    code = np.full((*modules.shape, 3), 255, np.uint8)
    code[modules] = BGR[color]
    code = cv2.resize(code, None, fx=module_px, fy=module_px, interpolation=cv2.INTER_NEAREST)
    h, w = code.shape[:2]
    y, x = (size[1] - h) // 2, (size[0] - w) // 2
    frame[y : y + h, x : x + w] = code
    return frame


def write_video(path, frames: list[np.ndarray], fps: float = 30.0):
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (w, h))
    assert writer.isOpened()
    for f in frames:
        writer.write(f)
    writer.release()
    return path


def clip(tmp_path, *shots: tuple[str | None, str, int], name: str = "clip.avi"):
    """A video of shots: (text or None, colour, number of frames)."""
    frames = [qr_frame(text, color) for text, color, n in shots for _ in range(n)]
    return str(write_video(tmp_path / name, frames))


def person_of(store, visit_id: str) -> dict:
    return store.one(
        "SELECT p.* FROM people p JOIN visits v USING (person_id) WHERE visit_id = ?", [visit_id]
    )


def booking_qr(person: dict, day: date = DAY) -> str:
    return booking_text("B20261126-0007", person["name"], person["id_number"], day, "08:00-08:30")


# --- the widget alone -------------------------------------------------------------------------------


@pytest.fixture
def camera(qtbot, station_qapp):
    from ui.camera import CameraWidget

    made = []

    def make(spec, **kw):
        kw.setdefault("beep", False)
        w = CameraWidget(spec, **kw)
        qtbot.addWidget(w)
        made.append(w)
        w.show()
        w.start()
        return w

    yield make
    for w in made:
        w.stop()


def test_a_video_scans_each_code_once_with_outline_and_flash(camera, qtbot, tmp_path, store, booked):
    person = person_of(store, booked)
    first, second = booking_qr(person), exit_text(booked)
    path = clip(tmp_path, (first, "black", 8), (None, "black", 3), (second, "black", 8), (first, "black", 4))
    cam = camera(path, fps=60)
    scans, frames = [], []
    cam.code_scanned.connect(scans.append)
    cam.frame_ready.connect(lambda img, pts: frames.append((img.size(), pts)))
    # generous: a loaded CI machine decodes a 60 fps clip much slower than a laptop
    with qtbot.waitSignal(cam.state_changed, timeout=30000, check_params_cb=lambda s: s == "ended"):
        pass
    # held in view over many frames: one scan per code; the first code back within 3 s: still one
    assert [r.text for r in scans] == [first, second]
    assert [r.kind for r in scans] == ["booking", "exit"]
    assert scans[0].scan.fields["id_number"] == person["id_number"]  # Chinese name and ID intact
    assert any(pts for _, pts in frames), "the code's outline reaches the preview"
    assert all(s.width() <= 640 and s.height() <= 480 for s, _ in frames)
    assert cam.preview.pixmap() is not None and not cam.preview.pixmap().isNull()
    assert cam.flashing or cam.scans == 2
    assert "离场码" in cam.status.text()  # the last code read, in words
    assert cam.worker is None and cam.retry_button.isVisible()  # the video ended: Retry plays it again


def test_the_demo_source_reads_every_kind_and_colour(camera, qtbot):
    cam = camera("demo", fps=25)
    seen = []
    cam.code_scanned.connect(lambda r: seen.append((r.kind, r.color)))
    qtbot.waitUntil(lambda: len(seen) >= 5, timeout=5000)
    assert seen[:5] == [
        ("booking", "unknown"),
        ("health_code", "green"),
        ("health_code", "yellow"),
        ("health_code", "red"),
        ("exit", "unknown"),
    ]
    assert cam.state == "running" and "扫到" in cam.status.text()
    thread = cam.worker
    assert thread.frames_read >= 5 and 1 <= thread.previews_sent <= thread.frames_read


def test_the_thread_stops_when_the_widget_is_hidden_or_closed(camera, qtbot):
    cam = camera("demo", fps=20)
    qtbot.waitUntil(lambda: cam.frames_shown >= 2, timeout=3000)
    thread = cam.worker
    cam.hide()  # a hidden tab or a collapsed panel lets go of the camera
    assert not thread.isRunning() and cam.worker is None
    cam.show()  # ... and takes it again when shown
    qtbot.waitUntil(lambda: cam.worker is not None and cam.worker.frames_read >= 1, timeout=3000)
    again = cam.worker
    assert again is not thread
    cam.close()
    assert not again.isRunning() and cam.worker is None and cam.state == "off"


def test_the_widget_going_away_stops_its_thread(qtbot, station_qapp):
    from ui.camera import CameraWidget

    cam = CameraWidget("demo", fps=20, beep=False)
    cam.show()
    cam.start()
    qtbot.waitUntil(lambda: cam.frames_shown >= 1, timeout=3000)
    thread = cam.worker
    cam.deleteLater()  # destroyed without being closed first
    qtbot.waitUntil(lambda: not thread.isRunning(), timeout=3000)


def test_a_camera_stuck_in_its_driver_does_not_hang_the_desk(camera, qtbot, monkeypatch):
    """stop() waits a bounded time; a thread still stuck is kept alive (not destroyed while running,
    which would abort the program) until it ends."""
    from ui import camera as C

    release = threading.Event()

    def stuck_open(spec, **kw):
        release.wait(5)
        return S.ImageFolderSource(S.demo_dir())

    monkeypatch.setattr(C, "open_source", stuck_open)
    monkeypatch.setattr(C, "STOP_WAIT_MS", 50)
    cam = camera("0")
    thread = cam.worker
    cam.stop()
    assert cam.worker is None and cam.state == "off" and thread in C._LINGERING
    release.set()
    qtbot.waitUntil(lambda: thread not in C._LINGERING, timeout=3000)
    assert not thread.isRunning()


def test_the_source_is_opened_and_released_in_the_worker_thread(camera, qtbot, monkeypatch):
    """A fake webcam (cv2.VideoCapture stand-in): a code, then it is unplugged."""
    frames = [qr_frame(GREEN_URL, "green")] * 5
    calls = {}

    class FakeCapture:
        def __init__(self, index, backend=None):
            calls["open"] = threading.get_ident()
            self.frames = list(frames)

        def isOpened(self):  # noqa: N802 (OpenCV's name)
            return True

        def set(self, prop, value):
            return True

        def read(self):
            return (True, self.frames.pop(0)) if self.frames else (False, None)

        def release(self):
            calls["release"] = threading.get_ident()

    monkeypatch.setattr(S.cv2, "VideoCapture", FakeCapture)
    monkeypatch.setattr(S.sys, "platform", "win32")  # no /dev/video check: the capture decides
    monkeypatch.setattr(S.time, "sleep", lambda s: None)
    cam = camera("0")
    scans = []
    cam.code_scanned.connect(scans.append)
    qtbot.waitUntil(lambda: cam.state == "error", timeout=5000)
    assert [(r.kind, r.color) for r in scans] == [("health_code", "green")]
    assert cam.error.code == "camera_lost"
    assert "摄像头 0 已断开" in cam.preview.text() and cam.retry_button.isVisible()
    assert calls["open"] == calls["release"] != threading.get_ident()


def test_available_cameras_looks_at_dev_video_only_on_linux(monkeypatch, tmp_path):
    from ui import camera as C

    monkeypatch.setattr(C.sys, "platform", "linux")
    monkeypatch.setattr(
        C, "Path", lambda p: tmp_path / "video0" if str(p) == "/dev/video2" else tmp_path / "none"
    )
    (tmp_path / "video0").touch()
    assert C.available_cameras() == [2]
    assert C.available_cameras(skip=[0]) == [0, 2]  # the camera in use is there, not probed again


# --- the sign-in page -------------------------------------------------------------------------------


@pytest.fixture
def make_page(make_hub, qtbot):
    from ui.pages.signin import SignInPage

    pages = []

    def make(camera=None, **settings):
        hub = make_hub("sign1", ("signin",))
        for k, v in settings.items():
            setattr(hub.settings, k, v)
        page = SignInPage(hub, camera=camera)
        page.camera.beep = False
        qtbot.addWidget(page)
        page.show()
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.camera.stop()


def test_a_camera_scan_shows_the_card_then_enter_signs_in(make_page, qtbot, tmp_path, store, booked):
    person = person_of(store, booked)
    page = make_page(clip(tmp_path, (None, "black", 2), (booking_qr(person), "black", 10)))
    assert page.camera_slot.isVisible() and page.camera_button.isChecked()
    qtbot.waitUntil(lambda: page.card.name.text() == person["name"], timeout=5000)
    assert page.banner.kind == "info" and page.sign_in_button.hasFocus()
    qtbot.keyClick(page.sign_in_button, Qt.Key.Key_Return)
    visit = bookings.visit(store, booked)
    assert visit["state"] == "signed_in" and page.queue_no.text() == signin.queue_label(visit)
    assert (
        store.one("SELECT json_extract(payload, '$.method') m FROM events WHERE type = 'SignedIn'")["m"]
        == "qr"
    )


def test_a_red_health_code_stops_sign_in_and_records_nothing(make_page, qtbot, tmp_path, store, booked):
    person = person_of(store, booked)
    path = clip(tmp_path, (booking_qr(person), "black", 6), (None, "black", 2), (RED_URL, "red", 8))
    events = store.scalar("SELECT count(*) FROM events")
    page = make_page(path)
    qtbot.waitUntil(lambda: page.card.name.text() == person["name"], timeout=5000)
    qtbot.waitUntil(lambda: page.scan_line.kind == "error", timeout=5000)  # the camera's own line
    assert "红码" in page.scan_line.text() and "请勿放行" in page.scan_line.text()
    assert page.card.name.text() == "" and not page.sign_in_button.isEnabled()
    qtbot.keyClick(page.sign_in_button, Qt.Key.Key_Return)
    assert store.scalar("SELECT count(*) FROM events") == events
    assert bookings.visit(store, booked)["state"] == "booked"


def test_a_missing_camera_is_a_message_and_typing_still_works(make_page, qtbot, store, booked):
    page = make_page("7")
    qtbot.waitUntil(lambda: page.camera.state == "error", timeout=5000)
    assert "找不到摄像头 7" in page.camera.preview.text()
    assert page.camera.retry_button.isVisible()
    person = person_of(store, booked)
    page.code.clear()
    qtbot.keyClicks(page.code, person["id_number"])
    qtbot.keyClick(page.code, Qt.Key.Key_Return)
    assert page.card.name.text() == person["name"] and page.sign_in_button.isEnabled()
    page.camera.retry_button.click()  # still missing: the message again, no crash
    qtbot.waitUntil(lambda: page.camera.state == "error", timeout=5000)


def test_f9_hides_and_shows_the_camera(make_page, qtbot):
    page = make_page("demo")
    qtbot.waitUntil(lambda: page.camera.running, timeout=3000)
    thread = page.camera.worker
    page.camera_button.toggle()  # what F9 does
    assert not page.camera_slot.isVisible() and not thread.isRunning()
    page.camera_button.toggle()
    assert page.camera_slot.isVisible()
    qtbot.waitUntil(lambda: page.camera.running, timeout=3000)
    assert page.camera_choice.currentData() == "demo"


def test_no_camera_configured_starts_collapsed_and_f9_opens_the_default(make_page, qtbot):
    page = make_page()
    assert not page.camera_slot.isVisible() and page.camera.worker is None
    page.camera_button.toggle()
    qtbot.waitUntil(lambda: page.camera.state == "error", timeout=5000)  # no camera 0 on this machine
    assert page.camera.spec == "0"


def test_choosing_a_camera_keeps_it_in_the_settings(make_page, qtbot):
    page = make_page("7")
    saved = []
    page.hub.settings_saver = lambda: saved.append(page.hub.settings.camera)
    page.camera_choice.setCurrentIndex(page.camera_choice.findData("demo"))
    page.choose_camera(page.camera_choice.currentIndex())
    assert saved == ["demo"] and page.camera.spec == "demo"
    qtbot.waitUntil(lambda: page.camera.state == "running", timeout=3000)


# --- codes at sign-in, typed or by camera (the same parsing) -------------------------------------------


@pytest.fixture
def page(make_page):
    return make_page()


def type_code(qtbot, page, text: str) -> None:
    page.code.clear()
    page.code.insert(text)  # a scanner gun's text; insert keeps the Chinese name of a booking QR
    qtbot.keyClick(page.code, Qt.Key.Key_Return)


def camera_scan(page, text: str, color: str = "black") -> None:
    result = decode_image(qr_frame(text, color), registry=page.registry)
    assert result.text == text
    page.on_camera_scan(result)


def test_a_scanner_gun_typing_a_booking_qr_finds_the_booking(page, qtbot, store, booked):
    person = person_of(store, booked)
    type_code(qtbot, page, booking_qr(person))
    assert page.card.name.text() == person["name"] and page.sign_in_button.isEnabled()


def test_a_booking_qr_for_another_day_is_refused(page, qtbot, store, booked):
    person = person_of(store, booked)
    camera_scan(page, booking_qr(person, DAY + timedelta(days=1)))
    assert page.banner.kind == "error" and "不是今天" in page.banner.text()
    assert not page.sign_in_button.isEnabled()


def test_a_booking_qr_not_in_the_list_offers_walk_in_with_its_name(page, store):
    person = new_person(name="欧阳娜娜")
    camera_scan(page, booking_qr(person))
    assert page.walk_in_box.isVisible() and page.banner.kind == "warn"
    assert "B20261126-0007" in page.banner.text()
    assert page.w_name.text() == "欧阳娜娜" and page.w_id.text() == person["id_number"]
    assert signin.find(store, person["id_number"], DAY) is None


def test_health_codes_at_sign_in(page, qtbot, store, booked):
    person = person_of(store, booked)
    # health codes are said on the scanner's own line (page.scan_line), not over the desk's result
    camera_scan(page, GREEN_URL, "green")
    assert page.scan_line.kind == "ok" and "绿码" in page.scan_line.text()
    camera_scan(page, booking_qr(person))
    camera_scan(page, GREEN_URL, "green")  # after the booking: the card stays, Enter signs in
    assert page.card.name.text() == person["name"] and "回车" in page.scan_line.text()
    camera_scan(page, "https://jkm.example.gov.cn/hc?token=Y5nB8vCx2QwE7rTz4UiO9pLk", "yellow")
    assert page.scan_line.kind == "error" and "黄码" in page.scan_line.text()
    assert not page.sign_in_button.isEnabled()
    type_code(qtbot, page, GREEN_URL)  # a scanner gun sees no colour
    assert page.scan_line.kind == "warn" and "颜色" in page.scan_line.text()


def test_exit_and_unknown_codes_at_sign_in(page, qtbot, booked):
    camera_scan(page, exit_text(booked))  # on the scanner's own line (page.scan_line)
    assert page.scan_line.kind == "warn" and "留观" in page.scan_line.text()
    camera_scan(page, "hello")
    assert page.scan_line.kind == "error" and "不是本接种点能识别的码" in page.scan_line.text()
    type_code(qtbot, page, "12345")  # digits typed by hand: what is wrong with them as an ID
    assert page.scan_line.kind == "error" and "不是本接种点能识别的码" not in page.scan_line.text()


def test_health_hosts_come_from_the_settings(make_page):
    page = make_page(health_hosts=["jkm.gd.example"])
    assert page.registry.parse("https://jkm.gd.example/q?token=ABCDEFGH1234").kind == "health_code"
    assert page.registry.parse(GREEN_URL).kind == "unknown"  # the demo host is no longer accepted


# --- the observation page's exit scan: attach_camera ----------------------------------------------------


def test_attach_camera_puts_the_preview_above_the_input_and_submits_exit_codes(
    qtbot, station_qapp, tmp_path, booked
):
    from ui.camera import attach_camera
    from ui.widgets import CodeInput, QHBoxLayout, label

    page = QWidget()
    outer = QVBoxLayout(page)
    row = QHBoxLayout()
    row.addWidget(label("Observation area"))
    code = CodeInput()
    row.addWidget(code, 1)
    outer.addLayout(row)
    outer.addStretch(1)
    qtbot.addWidget(page)
    path = clip(tmp_path, (GREEN_URL, "green", 4), (None, "black", 2), (exit_text(booked), "black", 6))
    cam = attach_camera(page, code, path, fps=60, beep=False)
    assert outer.itemAt(0).widget() is cam and outer.itemAt(1).layout() is row
    page.show()
    with qtbot.waitSignal(code.code_submitted, timeout=5000) as got:
        pass
    assert got.args == [exit_text(booked)]
    assert "不是离场码" in cam.status.text() or cam.scans == 2
    cam.stop()


# --- station --camera -----------------------------------------------------------------------------------


def test_station_camera_option_reaches_the_window(monkeypatch, tmp_path):
    from click.testing import CliRunner

    import ui.app
    from station.cli import cli

    got = {}

    def fake_run(data, lang, *, config=None, camera=None):
        got.update(data=data, lang=lang, camera=camera)
        return 0

    monkeypatch.setattr(ui.app, "run", fake_run)
    result = CliRunner().invoke(cli, ["--data", str(tmp_path), "--camera", "demo"])
    assert result.exit_code == 0, result.output
    assert got == {"data": tmp_path, "lang": "zh", "camera": "demo"}
