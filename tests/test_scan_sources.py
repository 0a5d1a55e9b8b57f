"""Frame sources: folders and image files, video files written with cv2.VideoWriter, cameras, the demo."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from station.errors import DomainError
from station.scan import decode_image
from station.scan import sources as S
from station.scan.sources import CameraSource, ImageFolderSource, VideoFileSource, open_source


def _frame(value: int, w: int = 320, h: int = 240) -> np.ndarray:
    img = np.zeros((h, w, 3), np.uint8)
    img[:] = (value, 255 - value, 128)
    return img


def _write_video(path, frames, fps: float = 10.0) -> None:
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (w, h))
    assert writer.isOpened()
    for f in frames:
        writer.write(f)
    writer.release()


# --- images ----------------------------------------------------------------------------------------------


def test_a_folder_gives_its_images_in_natural_name_order(tmp_path):
    for i in (10, 2, 1):
        cv2.imwrite(str(tmp_path / f"frame-{i}.png"), _frame(i * 20))
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / "sub").mkdir()
    src = ImageFolderSource(tmp_path)
    assert [p.name for p in src.files] == ["frame-1.png", "frame-2.png", "frame-10.png"]
    got = list(src.frames())
    assert [int(f[0, 0, 0]) for f in got] == [20, 40, 200]
    assert all(f.shape == (240, 320, 3) and f.dtype == np.uint8 for f in got)


def test_a_single_image_and_a_non_ascii_path(tmp_path):
    path = tmp_path / "健康码.png"
    ok, enc = cv2.imencode(".png", _frame(77))
    path.write_bytes(enc.tobytes())
    with open_source(str(path)) as src:
        assert isinstance(src, ImageFolderSource)
        assert [int(f[0, 0, 0]) for f in src.frames()] == [77]


def test_a_folder_loops_when_asked_and_stops_on_close(tmp_path):
    cv2.imwrite(str(tmp_path / "a.png"), _frame(1))
    cv2.imwrite(str(tmp_path / "b.png"), _frame(2))
    src = ImageFolderSource(tmp_path, loop=True)
    it = src.frames()
    assert [int(next(it)[0, 0, 0]) for _ in range(5)] == [1, 2, 1, 2, 1]
    src.close()
    assert list(it) == []


def test_folder_and_file_errors(tmp_path):
    with pytest.raises(DomainError) as exc:
        ImageFolderSource(tmp_path)
    assert exc.value.code == "source_empty" and exc.value.facts == {"path": str(tmp_path)}
    with pytest.raises(DomainError) as exc:
        open_source(str(tmp_path / "nope.jpg"))
    assert exc.value.code == "source_not_found"
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8 not really a jpeg")
    src = ImageFolderSource(bad)
    with pytest.raises(DomainError) as exc:
        list(src.frames())
    assert exc.value.code == "source_unreadable"


# --- video files -----------------------------------------------------------------------------------------


def test_a_video_file_written_with_videowriter(tmp_path):
    path = tmp_path / "clip.avi"
    _write_video(path, [_frame(v) for v in (0, 100, 200)])
    with open_source(str(path)) as src:
        assert isinstance(src, VideoFileSource)
        assert src.native_fps == pytest.approx(10.0)
        got = list(src.frames())
    assert len(got) == 3
    assert [abs(int(f[5, 5, 0]) - v) < 12 for f, v in zip(got, (0, 100, 200), strict=True)] == [True] * 3


def test_a_video_loops(tmp_path):
    path = tmp_path / "clip.avi"
    _write_video(path, [_frame(v) for v in (0, 200)])
    src = VideoFileSource(path, loop=True)
    it = src.frames()
    values = [int(next(it)[5, 5, 0]) for _ in range(5)]
    src.close()
    assert [v > 100 for v in values] == [False, True, False, True, False]
    assert list(it) == []


def test_a_video_with_a_code_decodes_through_the_source(tmp_path):
    import segno

    qr = segno.make("VSX1|7d9b0c5e-3f1a-4b8e-9c2d-5a6e7f801234", error="m", micro=False)
    m = np.array([list(r) for r in qr.matrix], np.uint8)
    code = cv2.resize((1 - np.pad(m, 4)) * 255, None, fx=6, fy=6, interpolation=cv2.INTER_NEAREST)
    frame = np.full((480, 640, 3), 255, np.uint8)
    frame[40 : 40 + code.shape[0], 100 : 100 + code.shape[1]] = code[..., None]
    path = tmp_path / "slip.avi"
    _write_video(path, [frame] * 3)
    with VideoFileSource(path) as src:
        kinds = [decode_image(f).kind for f in src.frames()]
    assert kinds == ["exit"] * 3


def test_a_file_that_is_not_a_video(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"nothing here")
    with pytest.raises(DomainError) as exc:
        open_source(str(path))
    assert exc.value.code == "source_unreadable"


def test_the_pacer_holds_a_file_to_its_fps():
    now = [0.0]
    slept = []

    def sleep(s: float) -> None:
        slept.append(round(s, 3))
        now[0] += s

    pacer = S._Pacer(4.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        pacer.wait()
    assert slept == [0.25, 0.25]
    now[0] += 2.0  # a slow consumer: no burst of catch-up frames
    pacer.wait()
    pacer.wait()
    assert slept[-1] == 0.25
    S._Pacer(None).wait()  # no fps: no waiting
    with pytest.raises(ValueError):
        S._Pacer(0)


# --- cameras ---------------------------------------------------------------------------------------------


def test_a_camera_index_that_does_not_exist_is_camera_not_found():
    with pytest.raises(DomainError) as exc:
        open_source("97")
    assert exc.value.code == "camera_not_found" and exc.value.facts == {"camera": 97}
    assert "97" in exc.value.message("zh") and "97" in exc.value.message("en")


class FakeCapture:
    """cv2.VideoCapture stand-in: opened or not, frames to give, then failures."""

    script: dict = {}

    def __init__(self, index, backend=None) -> None:
        self.opened = self.script.get("opened", True)
        self.frames = list(self.script.get("frames", []))
        self.released = False
        FakeCapture.last = self

    def isOpened(self) -> bool:  # noqa: N802 (OpenCV's name)
        return self.opened

    def set(self, prop, value) -> bool:
        return True

    def read(self):
        if self.frames:
            return True, self.frames.pop(0)
        return False, None

    def release(self) -> None:
        self.released = True


@pytest.fixture
def fake_camera(monkeypatch):
    monkeypatch.setattr(S.cv2, "VideoCapture", FakeCapture)
    monkeypatch.setattr(S.time, "sleep", lambda s: None)
    monkeypatch.setattr(S.sys, "platform", "win32")  # no /dev/video* check: the capture decides

    def use(**script):
        FakeCapture.script = script

    return use


def test_a_camera_that_will_not_open(fake_camera):
    fake_camera(opened=False)
    with pytest.raises(DomainError) as exc:
        CameraSource(0)
    assert exc.value.code == "camera_not_found"
    assert FakeCapture.last.released


def test_a_camera_in_use_opens_but_gives_no_frames(fake_camera):
    fake_camera(opened=True, frames=[])
    with pytest.raises(DomainError) as exc:
        open_source("1")
    assert exc.value.code == "camera_busy" and exc.value.facts == {"camera": 1}
    assert FakeCapture.last.released


def test_a_camera_gives_frames_then_reports_it_was_unplugged(fake_camera):
    fake_camera(opened=True, frames=[_frame(1), _frame(2), _frame(3)])
    cam = CameraSource(0)
    it = cam.frames()
    assert [int(next(it)[0, 0, 0]) for _ in range(3)] == [1, 2, 3]
    with pytest.raises(DomainError) as exc:
        next(it)
    assert exc.value.code == "camera_lost"
    cam.close()
    assert FakeCapture.last.released


def test_a_busy_camera_on_linux_when_the_device_exists(monkeypatch, tmp_path):
    monkeypatch.setattr(S.cv2, "VideoCapture", FakeCapture)
    monkeypatch.setattr(S.sys, "platform", "linux")
    monkeypatch.setattr(
        S, "Path", lambda p: tmp_path if str(p).startswith("/dev/video") else __import__("pathlib").Path(p)
    )
    FakeCapture.script = {"opened": False}
    with pytest.raises(DomainError) as exc:
        CameraSource(0)
    assert exc.value.code == "camera_busy"


# --- the demo --------------------------------------------------------------------------------------------


def test_demo_opens_without_a_camera():
    src = open_source("demo")
    assert isinstance(src, ImageFolderSource)
    assert src.loop and src._pacer.period == pytest.approx(1.0)
    assert len(src.files) >= 5
    src.close()
    with open_source(" DEMO ", fps=1000, loop=False) as src:
        assert len(list(src.frames())) == len(src.files)
