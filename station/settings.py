"""A station's settings (site, station id, desk roles, desk number, hub...), kept in its data folder.

A station is its folder: the settings live beside ``station.sqlite3``, so two stations on one
machine (a trainer's laptop, the tests) keep theirs apart, and a copied folder is the same station.
Releases before 0.2 kept them in the user's config folder; the default data folder adopts that file
once.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import ClassVar

from station.errors import DomainError
from station.paths import default_config_dir, default_data_dir

DESK_ROLES = ("signin", "prescreen", "inject", "observe", "admin")
FILE_NAME = "settings.json"
HEALTH_CODE_RULES = ("green_required", "not_checked")
SLIP_SIZES = ("80mm", "a6")
SEATS_RANGE = (1, 2000)
IDLE_RANGE = (1, 120)
CALL_VOLUME_RANGE = (0, 100)  # the calling screen's voice, percent; 0: silent
CALL_REPEAT_RANGE = (1, 5)  # times each call is spoken
MARGIN_MAX = 100_000
CLOCK_MARGIN_DEFAULT = 24
CLOCK_MARGIN_RANGE = (1, 24 * 366)
CORRECTION_WINDOW_RANGE = (0, 24 * 60)  # minutes; 0: only the admin corrects
_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_URL = re.compile(r"https?://[^\s/]+\.[^\s/]+(/\S*)?", re.IGNORECASE)  # what a phone's camera opens
_PHONE = re.compile(r"[0-9+\-() ]{3,24}")
MAX_FILE_BYTES = 1024 * 1024  # a settings file is a few hundred bytes
log = logging.getLogger(__name__)


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


# The shape of each field's value in the file, by its annotation. A field added later with a shape
# not listed here is taken as it is (its own checks in load() apply).
_SHAPES: dict[str, Callable[[object], bool]] = {
    "str": lambda v: isinstance(v, str),
    "str | None": lambda v: v is None or isinstance(v, str),
    "int": _is_int,
    "int | None": lambda v: v is None or _is_int(v),
    "bool": lambda v: isinstance(v, bool),
    "float": lambda v: _is_int(v) or isinstance(v, float),
    "list[str]": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
}


def _shaped(data: dict[str, object], problems: list[str]) -> dict[str, object]:
    """The known fields of ``data`` whose values have their field's shape; the others are reported."""
    out: dict[str, object] = {}
    for f in fields(Settings):
        if f.name not in data:
            continue
        value = data[f.name]
        shape = str(f.type)
        ok = _SHAPES.get(shape, lambda v: True)
        if f.name == "health_hosts" and isinstance(value, str):  # "a.cn, b.cn" written by hand
            out[f.name] = value
        elif ok(value):
            out[f.name] = value
        elif shape.startswith("str") and (_is_int(value) or isinstance(value, float)):
            out[f.name] = str(value)  # "desk": 2 means desk "2"
            problems.append(f"{f.name}: {value!r} read as text")
        elif shape == "list[str]" and isinstance(value, list):
            out[f.name] = [x for x in value if isinstance(x, str)]
            problems.append(f"{f.name}: entries that are not text dropped")
        else:
            problems.append(f"{f.name}: {type(value).__name__} is not {shape}; default used")
    return out


@dataclass
class Settings:
    site_name: str = ""
    station_id: str = ""
    desk_roles: list[str] = field(default_factory=list)
    desk: str = "1"
    idle_lock_minutes: int = 5
    lang: str = "zh"
    seats: int = 100
    camera: str | None = None
    health_hosts: list[str] = field(default_factory=list)  # empty: the payload parser's demo hosts
    printer: str | None = None
    slip_size: str = "80mm"
    emergency_phone: str = ""
    queue_prefix: str = "A"  # this sign-in desk's letter: its queue numbers are A001, A002, ...
    district_public_key: str = ""  # X25519, base64: end-of-day files are sealed to it (station export)
    stock_margin_doses: int | None = None  # low-stock warning margin; None: the site's rule (stock.toml)
    # the sign-in desk's health-code rule: "green_required" (a green code, or a recorded reason) or
    # "not_checked"; sites from before the rule keep signing in without one
    health_code_rule: str = "not_checked"
    backup_minutes: int = 30  # an online backup of the database every N minutes while the window runs; 0: off
    backup_dir: str = ""  # a second folder for every backup (a USB stick); empty: only the data folder's backups/
    backup_keep: int = 10  # backups kept in each folder (the oldest go first)
    # an event stamped more than this many hours ahead of this laptop's clock is refused on ingest
    # (sync, end-of-day files): a laptop with a wrong date must not move every node's clock (#13)
    clock_margin_hours: int = CLOCK_MARGIN_DEFAULT
    # how long the author of a record may correct or void it themself (#13); after it, the admin
    correction_window_minutes: int = 30
    # the day's checklist is due by this time (HH:MM); after it the desks show a reminder line while
    # items are missing. Empty: the site's day_start rule (site.toml)
    opening_time: str = ""
    booking_url: str = ""  # the site's on-line booking page: its QR goes on the on-site booking sign
    call_volume: int = 80  # the calling screen's voice, 0-100 (0: silent, the screen still shows calls)
    call_repeat: int = 2  # times each call (and each recall) is spoken, 1-5

    load_problems: ClassVar[list[str]] = []  # what load() found wrong in the file (set per instance)

    @property
    def configured(self) -> bool:
        return bool(self.site_name and self.station_id and self.desk_roles)

    @classmethod
    def load(cls, folder: Path | None = None) -> Settings:
        """The settings of the station in ``folder`` (default: the default data folder).

        The file is outside input (edited by hand, copied, damaged): a file that is not a JSON object
        loads as the defaults, a field of the wrong shape or out of range as its default, each with
        a warning (logged, and listed in ``load_problems``); never an exception."""
        folder = folder or default_data_dir()
        path = folder / FILE_NAME
        legacy = default_config_dir() / FILE_NAME
        if not path.exists() and folder == default_data_dir() and legacy.exists():
            path = legacy  # saved beside the data at the next save
        problems: list[str] = []
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ValueError(f"larger than {MAX_FILE_BYTES} bytes")
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:  # first run
            data = {}
        except (OSError, ValueError, RecursionError) as exc:  # a damaged file: start from defaults
            problems.append(f"{path}: not readable as JSON ({type(exc).__name__}); defaults used")
            data = {}
        if not isinstance(data, dict):
            problems.append(f"{path}: a {type(data).__name__}, not an object; defaults used")
            data = {}
        settings = cls(**_shaped(data, problems))
        settings.desk_roles = [r for r in settings.desk_roles if r in DESK_ROLES]
        if isinstance(settings.health_hosts, str):  # "a.cn, b.cn" written by hand
            settings.health_hosts = settings.health_hosts.split(",")
        settings.health_hosts = [str(h).strip() for h in settings.health_hosts or [] if str(h).strip()]
        prefix = str(settings.queue_prefix).strip().upper()
        settings.queue_prefix = prefix if len(prefix) == 1 and "A" <= prefix <= "Z" else "A"
        settings.district_public_key = str(settings.district_public_key or "").strip()
        margin = settings.stock_margin_doses
        ok = isinstance(margin, int) and not isinstance(margin, bool) and margin >= 0
        settings.stock_margin_doses = margin if ok else None
        if settings.health_code_rule not in HEALTH_CODE_RULES:
            settings.health_code_rule = "not_checked"
        minutes, keep = settings.backup_minutes, settings.backup_keep
        ok = isinstance(minutes, int) and not isinstance(minutes, bool) and 0 <= minutes <= 24 * 60
        settings.backup_minutes = minutes if ok else 30
        ok = isinstance(keep, int) and not isinstance(keep, bool) and 1 <= keep <= 1000
        settings.backup_keep = keep if ok else 10
        settings.backup_dir = str(settings.backup_dir or "").strip()
        window = settings.correction_window_minutes
        low, high = CORRECTION_WINDOW_RANGE
        ok = isinstance(window, int) and not isinstance(window, bool) and low <= window <= high
        settings.correction_window_minutes = window if ok else 30
        opening = str(settings.opening_time or "").strip()
        if opening and not _HHMM.fullmatch(opening):
            problems.append(f"opening_time: {opening!r} is not HH:MM; the site's day_start used")
            opening = ""
        settings.opening_time = opening
        settings.booking_url = str(settings.booking_url or "").strip()
        if settings.slip_size not in SLIP_SIZES:
            problems.append(f"slip_size: {settings.slip_size!r} is not one of {SLIP_SIZES}; default used")
            settings.slip_size = "80mm"
        for name, (low, high) in (
            ("seats", SEATS_RANGE),
            ("idle_lock_minutes", IDLE_RANGE),
            ("clock_margin_hours", CLOCK_MARGIN_RANGE),
            ("call_volume", CALL_VOLUME_RANGE),
            ("call_repeat", CALL_REPEAT_RANGE),
        ):
            if not low <= getattr(settings, name) <= high:
                problems.append(f"{name}: {getattr(settings, name)} is outside {low}-{high}; default used")
                setattr(settings, name, getattr(cls(), name))
        for problem in problems:
            log.warning("settings: %s", problem)
        settings.load_problems = problems
        return settings

    def save(self, folder: Path | None = None) -> Path:
        """Write atomically (temp file + rename), so a crash never leaves half a settings file."""
        folder = folder or default_data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / FILE_NAME
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".settings-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh, ensure_ascii=False, indent=2)
        os.replace(tmp, path)
        return path


# --- checking what an admin types (the settings screen), one field at a time ------------------------


def _whole(text: str, code: str, low: int, high: int) -> int:
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise DomainError(code, min=low, max=high)
    return int(text)


def check_setting(name: str, text: str) -> object:
    """The value of setting ``name`` typed as ``text``; DomainError (``setting_*``) saying what is wrong."""
    if name == "seats":
        return _whole(text, "setting_seats", *SEATS_RANGE)
    if name == "idle_lock_minutes":
        return _whole(text, "setting_idle_minutes", *IDLE_RANGE)
    if name == "call_volume":
        return _whole(text, "setting_call_volume", *CALL_VOLUME_RANGE)
    if name == "call_repeat":
        return _whole(text, "setting_call_repeat", *CALL_REPEAT_RANGE)
    if name == "correction_window_minutes":
        return _whole(text, "setting_correction_window", *CORRECTION_WINDOW_RANGE)
    if name == "clock_margin_hours":
        return _whole(text, "setting_clock_margin", *CLOCK_MARGIN_RANGE)
    if name == "opening_time":  # empty: the site's day_start rule (site.toml)
        opening = text.strip()
        if opening and not _HHMM.fullmatch(opening):
            raise DomainError("setting_opening_time")
        return opening
    if name == "booking_url":  # empty: the booking sign has no QR
        url = text.strip()
        if url and (not _URL.fullmatch(url) or len(url) > 300):
            raise DomainError("setting_booking_url")
        return url
    if name == "stock_margin_doses":  # empty: the site's rule in stock.toml
        return None if not text.strip() else _whole(text, "setting_stock_margin", 0, MARGIN_MAX)
    if name == "queue_prefix":
        letter = text.strip().upper()
        if not (len(letter) == 1 and "A" <= letter <= "Z"):
            raise DomainError("setting_queue_prefix")
        return letter
    if name == "emergency_phone":
        phone = " ".join(text.split())
        if phone and (not _PHONE.fullmatch(phone) or sum(c.isdigit() for c in phone) < 3):
            raise DomainError("setting_phone")
        return phone
    if name == "slip_size":
        if text not in SLIP_SIZES:
            raise DomainError("setting_slip_size", sizes=", ".join(SLIP_SIZES))
        return text
    if name == "health_code_rule":
        if text not in HEALTH_CODE_RULES:
            raise DomainError("setting_health_code_rule", rules=", ".join(HEALTH_CODE_RULES))
        return text
    if name == "printer":  # empty: the system's default printer
        return text.strip() or None
    raise KeyError(name)


def clock_margin_hours(folder: Path) -> int:
    """The station's ``clock_margin_hours`` (what ``Store.open`` applies to ingest), read quietly:
    the default when the file is missing or the value is not a whole number of hours in range."""
    try:
        data = json.loads((folder / FILE_NAME).read_text(encoding="utf-8"))
        value = data.get("clock_margin_hours", CLOCK_MARGIN_DEFAULT) if isinstance(data, dict) else None
    except (OSError, ValueError):
        return CLOCK_MARGIN_DEFAULT
    low, high = CLOCK_MARGIN_RANGE
    return value if _is_int(value) and low <= value <= high else CLOCK_MARGIN_DEFAULT
