"""The program's log: rotating files in the user log folder, every line with its time, station and staff,
and no resident's ID number, phone number or name in clear.

``setup(station=...)`` once at start (the window, a terminal command); ``set_staff(staff_id)`` at each
login. The log folder is the platform's user log folder (``~/.local/state/VaccinationStation/log`` on
Linux, ``%LOCALAPPDATA%\\VaccinationStation\\Logs`` on Windows), or ``STATION_LOG_DIR``.

Masking is a ``logging.Filter`` on the file handler, so a careless ``log.info(f"... {person}")``
anywhere still writes ``110105********123X``, ``138****5678`` and ``张*``.
"""

from __future__ import annotations

import contextvars
import logging
import logging.handlers
import os
import re
import traceback
from pathlib import Path

from station.paths import APP_NAME

LOG_FILE = "station.log"
MAX_BYTES = 2_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s station=%(station)s staff=%(staff)s %(name)s: %(message)s"

_station = "-"
_staff = "-"  # the desk's logged-in member (one per window), unless a context sets its own
_staff_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("station_log_staff", default=None)

# 18-character resident ID (GB 11643): keep the region (6) and the last 4
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
# mainland mobile numbers (11 digits from 1[3-9]): keep 3 + 4
_PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
# a name in a field we log: name=张三, 'name': '张三', "name": "张三", 姓名：张三 (also person_name, name_zh ...)
_NAME_RE = re.compile(
    r"""((?:\b\w*name\w*|姓名)["']?\s*[:=：]\s*["']?)([^"',;，；\s)}\]]+)""",
    re.IGNORECASE,
)
_NAME_SAFE_KEYS = re.compile(r"(?:file|host|user|path|type|product|table|font|station|prog)name", re.I)


def log_dir() -> Path:
    env = os.environ.get("STATION_LOG_DIR")
    if env:
        return Path(env)
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_NAME, appauthor=False))


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***, Li Lei -> L*****."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1) if name else name


def _mask_name_match(m: re.Match[str]) -> str:
    key, value = m.group(1), m.group(2)
    if _NAME_SAFE_KEYS.search(key) or value.startswith(("<", "-")) or value in ("None", "null"):
        return m.group(0)
    return key + mask_name(value)


def mask(text: str) -> str:
    """The text with ID numbers, phone numbers and names (in name fields) masked."""
    text = _ID_RE.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    text = _PHONE_RE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
    return _NAME_RE.sub(_mask_name_match, text)


class MaskFilter(logging.Filter):
    """Masks the message and its traceback before any handler formats them."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: log it as it came rather than lose the line
            message = f"{record.msg} {record.args}"
        record.msg, record.args = mask(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


class ContextFilter(logging.Filter):
    """Adds ``station`` and ``staff`` to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.station = _station
        record.staff = _staff_var.get() or _staff
        return True


def set_station(station: str | None) -> None:
    global _station
    _station = station or "-"


def set_staff(staff_id: str | None) -> None:
    """The member logged in at this desk (None at logout); a context's ``staff_context`` wins."""
    global _staff
    _staff = staff_id or "-"


def staff_context(staff_id: str | None) -> contextvars.Token:
    """For work done for one member in this context (a request, a task): ``_staff_var.reset(token)``."""
    return _staff_var.set(staff_id)


def handler(folder: Path | None = None) -> logging.Handler:
    from station import private

    folder = private.folder(folder or log_dir())  # the log names no one in clear, and is still private
    h = logging.handlers.RotatingFileHandler(
        folder / LOG_FILE, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
    )
    h.setFormatter(logging.Formatter(FORMAT))
    h.addFilter(ContextFilter())
    h.addFilter(MaskFilter())
    h.set_name("station-file")
    return h


def setup(*, station: str | None = None, folder: Path | None = None, level: int = logging.INFO) -> Path:
    """Send the program's log (the root logger) to the rotating file; safe to call again. Returns its path."""
    if station is not None:
        set_station(station)
    folder = folder or log_dir()
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "station-file"]:
        root.removeHandler(old)
        old.close()
    try:
        root.addHandler(handler(folder))
    except OSError:  # a read-only profile: the program runs on without its log file
        return folder / LOG_FILE
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    return folder / LOG_FILE


def close() -> None:
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "station-file"]:
        root.removeHandler(old)
        old.close()
