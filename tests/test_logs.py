"""The log file: rotating, in the log folder, each line with time, station and staff; no ID number, phone
number or name in clear, in messages or tracebacks."""

from __future__ import annotations

import logging
import logging.handlers
import re
import threading

import pytest

from station import logs

ID = "11010519900517123X"
PHONE = "13812345678"


@pytest.fixture
def log_file(tmp_path, monkeypatch):
    monkeypatch.setenv("STATION_LOG_DIR", str(tmp_path / "log"))
    path = logs.setup(station="desk-3")
    logs.set_staff("jz01")
    yield path
    logs.set_staff(None)
    logs.set_station(None)
    logs.close()


def _read(path) -> str:
    for h in logging.getLogger().handlers:
        h.flush()
    return path.read_text(encoding="utf-8")


def test_mask_keeps_only_what_tells_records_apart():
    assert logs.mask(f"id {ID} phone {PHONE}") == "id 110105********123X phone 138****5678"
    assert logs.mask("name=张三 other") == "name=张* other"
    assert logs.mask("{'name': '欧阳娜娜', 'unit': 'x'}") == "{'name': '欧***', 'unit': 'x'}"
    assert logs.mask('"person_name": "李雷"') == '"person_name": "李*"'
    assert logs.mask("姓名：王五，电话13912345678") == "姓名：王*，电话139****5678"
    assert logs.mask_name("Li Lei") == "L*****"


def test_mask_leaves_other_numbers_and_names_alone():
    trace = "81600010000000011234"  # a 20-digit traceability code, not an ID
    hlc = "1733212345678.00001.st-1"  # a clock stamp
    text = f"code {trace} hlc {hlc} lot 202611 filename=slip.pdf hostname=hub1 product=sinopharm_bbibp"
    assert logs.mask(text) == text


def test_every_line_has_time_station_and_staff_and_is_masked(log_file):
    logging.getLogger("station.signin").info("signed in %s %s name=%s", ID, PHONE, "张三")
    text = _read(log_file)
    line = text.strip().splitlines()[-1]
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO station=desk-3 staff=jz01 station.signin: ", line)
    assert "110105********123X" in line and "138****5678" in line and "name=张*" in line
    assert ID not in text and PHONE not in text and "张三" not in text


def test_a_traceback_is_masked_too(log_file):
    person = {"id_number": ID, "name": "李四"}
    try:
        raise ValueError(f"bad person {person}")
    except ValueError:
        logging.getLogger("ui").exception("unexpected error ref=AB12CD")
    text = _read(log_file)
    assert "Traceback" in text and "ValueError" in text and "ref=AB12CD" in text
    assert ID not in text and "李四" not in text and "'name': '李*'" in text


def test_other_threads_log_the_desk_staff_and_a_context_may_name_its_own(log_file):
    worker = threading.Thread(target=lambda: logging.getLogger("sync").warning("push failed"))
    worker.start()
    worker.join()
    token = logs.staff_context("lg02")
    logging.getLogger("x").info("for lg02")
    logs._staff_var.reset(token)
    text = _read(log_file)
    assert "staff=jz01 sync: push failed" in text
    assert "staff=lg02 x: for lg02" in text


def test_the_file_rotates_and_setup_twice_keeps_one_handler(log_file):
    logs.setup(station="desk-3")
    ours = [h for h in logging.getLogger().handlers if h.get_name() == "station-file"]
    assert len(ours) == 1
    handler = ours[0]
    assert isinstance(handler, logging.handlers.RotatingFileHandler)
    handler.maxBytes = 2000
    for i in range(100):
        logging.getLogger("t").info("line %d %s", i, "x" * 50)
    handler.flush()
    files = sorted(p.name for p in log_file.parent.iterdir())
    assert "station.log" in files and "station.log.1" in files
    assert len(files) <= 1 + logs.BACKUPS


def test_the_log_folder_defaults_to_the_user_log_dir(monkeypatch):
    monkeypatch.delenv("STATION_LOG_DIR", raising=False)
    assert logs.log_dir().name in ("log", "Logs") or "VaccinationStation" in str(logs.log_dir())
