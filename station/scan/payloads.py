"""What a scanned text is: a registry of payload parsers.

Each parser looks at the text and either declines (returns None: not its kind) or returns a
``Scan``, with ``error`` set to a message code when the text is its kind but malformed. The
registry asks the parsers in order; text nobody claims is ``kind="unknown"`` with the error
``code_unknown``. Parsing never raises: a camera or a scanner gun can produce anything.

Kinds: ``booking`` (``VSB1|...``, docs/booking-qr.md), ``exit`` (``VSX1|<visit_id>``, printed on
the observation slip), ``health_code`` (an http(s) URL on a known health-code host with a token),
``id_number`` (a bare 18-digit resident ID), ``unknown``.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

from station.errors import DomainError
from station.identity import mask_id, parse_resident_id

KINDS = ("booking", "exit", "health_code", "id_number", "unknown")

BOOKING_PREFIX = "VSB"
BOOKING_VERSION = "1"
BOOKING_FIELDS = ("booking_no", "name", "id_number", "date", "slot")
EXIT_PREFIX = "VSX"
EXIT_VERSION = "1"

# Hosts of the health-code services a site accepts (a host matches itself and its subdomains).
# The defaults are the demo's; a site sets its province's hosts (see docs/booking-qr.md).
DEFAULT_HEALTH_HOSTS: tuple[str, ...] = ("health.example.cn", "jkm.example.gov.cn")
TOKEN_PARAMS: tuple[str, ...] = ("token", "code", "t", "qr")

_BOOKING_NO_RE = re.compile(r"[A-Za-z0-9-]{1,32}")
_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_SLOT_RE = re.compile(r"(\d{2}):(\d{2})-(\d{2}):(\d{2})")
_TOKEN_RE = re.compile(r"[A-Za-z0-9._~+/=-]{8,512}")
_ID_LIKE_RE = re.compile(r"\d{17}[\dX]|\d{15}")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"))


@dataclass(frozen=True)
class Scan:
    """A parsed payload: ``kind``, the text as read, its ``fields``, and an error code if malformed."""

    kind: str
    text: str
    fields: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)  # what the error's message needs

    @property
    def ok(self) -> bool:
        return self.error is None

    def message(self, lang: str = "zh") -> str | None:
        """The error in words (translated), None when the payload is good."""
        if self.error is None:
            return None
        from station.messages import render

        return render(self.error, lang, **self.facts)


Parser = Callable[[str, str], "Scan | None"]  # (clean text, text as read) -> Scan, or None to decline


def clean(text: str) -> str:
    """What a scanner gun or decoder adds around a payload, removed: whitespace, Enter, BOM, ZWSP.

    NFKC turns the full-width characters an input method produces (``｜``, ``：``, digits) into ASCII.
    """
    return unicodedata.normalize("NFKC", (text or "").translate(_INVISIBLE)).strip()


def _refuse(kind: str, raw: str, code: str, fields: dict | None = None, **facts: Any) -> Scan:
    return Scan(kind, raw, fields or {}, code, facts)


# --- booking QR -------------------------------------------------------------------------------------


def _check_date(value: str) -> date | None:
    m = _DATE_RE.fullmatch(value)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _check_slot(value: str) -> bool:
    m = _SLOT_RE.fullmatch(value)
    if not m:
        return False
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    return h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60 and (h1, m1) < (h2, m2)


def _version(text: str, prefix: str) -> tuple[str, str] | None:
    """``(version digits, the character after them)`` when ``text`` starts with ``prefix`` and a
    digit or ``|``; else None (``VSBLAH`` is not ours)."""
    if text[: len(prefix)].upper() != prefix:
        return None
    rest = text[len(prefix) :]
    if not rest or not (rest[0].isdigit() or rest[0] == "|"):
        return None
    digits = re.match(r"\d*", rest).group(0)
    return digits, rest[len(digits) : len(digits) + 1]


def parse_booking(text: str, raw: str, today: date | None = None) -> Scan | None:
    """``VSB1|booking_no|name|id_number|YYYY-MM-DD|HH:MM-HH:MM`` (docs/booking-qr.md)."""
    head = _version(text, BOOKING_PREFIX)
    if head is None:
        return None
    version, sep = head
    if not version or sep != "|":
        return _refuse("booking", raw, "booking_qr_bad_prefix")
    if version != BOOKING_VERSION:
        return _refuse("booking", raw, "booking_qr_version", version=version)
    parts = text.split("|")[1:]
    if len(parts) != len(BOOKING_FIELDS):
        return _refuse("booking", raw, "booking_qr_fields", count=len(parts), expected=len(BOOKING_FIELDS))
    booking_no, name, id_number, day, slot = (p.strip() for p in parts)
    fields: dict[str, Any] = {"booking_no": booking_no, "name": name}
    if not _BOOKING_NO_RE.fullmatch(booking_no):
        return _refuse("booking", raw, "booking_qr_bad_number", fields, value=booking_no[:40])
    if not name or len(name) > 40 or any(unicodedata.category(ch)[0] == "C" for ch in name):
        return _refuse("booking", raw, "booking_qr_bad_name", fields)
    try:
        rid = parse_resident_id(id_number, today)
    except DomainError as exc:
        return _refuse("booking", raw, exc.code, fields, **exc.facts)
    fields.update(id_number=rid.number, birth_date=rid.birth_date.isoformat(), sex=rid.sex)
    booked = _check_date(day)
    if booked is None:
        return _refuse("booking", raw, "booking_qr_bad_date", fields, value=day[:20])
    fields["date"] = booked.isoformat()
    if not _check_slot(slot):
        return _refuse("booking", raw, "booking_qr_bad_slot", fields, value=slot[:20])
    fields["slot"] = slot
    return Scan("booking", raw, fields)


def booking_text(booking_no: str, name: str, id_number: str, day: date | str, slot: str) -> str:
    """The booking QR's text for these details (the booking system's side; tests and the demo)."""
    day = day.isoformat() if isinstance(day, date) else day
    return "|".join([BOOKING_PREFIX + BOOKING_VERSION, booking_no, name, id_number, day, slot])


# --- exit code on the observation slip ----------------------------------------------------------------


def parse_exit(text: str, raw: str) -> Scan | None:
    """``VSX1|<visit_id>``: the slip a person hands back when leaving observation."""
    head = _version(text, EXIT_PREFIX)
    if head is None:
        return None
    version, sep = head
    if not version or sep != "|":
        return _refuse("exit", raw, "exit_code_bad", value=text[:40])
    if version != EXIT_VERSION:
        return _refuse("exit", raw, "exit_code_version", version=version)
    parts = text.split("|")[1:]
    try:
        if len(parts) != 1:
            raise ValueError
        visit_id = str(uuid.UUID(parts[0].strip()))
    except ValueError:
        return _refuse("exit", raw, "exit_code_bad", value=text[:40])
    return Scan("exit", raw, {"visit_id": visit_id})


def exit_text(visit_id: str) -> str:
    """The text printed as a QR on the observation slip."""
    return f"{EXIT_PREFIX}{EXIT_VERSION}|{visit_id}"


# --- health code -----------------------------------------------------------------------------------


def _host_known(host: str, hosts: Iterable[str]) -> bool:
    return any(host == h or host.endswith("." + h) for h in hosts)


def health_code_parser(
    hosts: Iterable[str] = DEFAULT_HEALTH_HOSTS, params: Iterable[str] = TOKEN_PARAMS
) -> Parser:
    """A parser for health-code URLs on ``hosts``, the token in the first of ``params`` present."""
    hosts = tuple(h.lower().strip(".") for h in hosts)
    params = tuple(params)

    def parse(text: str, raw: str) -> Scan | None:
        if not re.match(r"(?i)https?://", text):
            return None
        try:
            url = urlsplit(text)
            host = (url.hostname or "").lower()
        except ValueError:
            return _refuse("unknown", raw, "code_unknown")
        if not _host_known(host, hosts):
            return _refuse("unknown", raw, "health_host_unknown", {"host": host}, host=host)
        query = parse_qs(url.query, keep_blank_values=True)
        token = next((query[p][0].strip() for p in params if p in query and query[p][0].strip()), None)
        fields = {"host": host, "url": text}
        if token is None:
            return _refuse("health_code", raw, "health_code_no_token", fields, host=host)
        if not _TOKEN_RE.fullmatch(token):
            return _refuse("health_code", raw, "health_code_bad_token", fields, host=host)
        return Scan("health_code", raw, {**fields, "token": token})

    return parse


# --- a bare ID number -------------------------------------------------------------------------------


def parse_id_number(text: str, raw: str, today: date | None = None) -> Scan | None:
    """An 18-digit resident ID (a 15-digit old one is recognised and refused)."""
    number = text.upper().replace(" ", "")
    if not _ID_LIKE_RE.fullmatch(number):
        return None
    try:
        rid = parse_resident_id(number, today)
    except DomainError as exc:
        return _refuse("id_number", raw, exc.code, {"id_masked": mask_id(number)}, **exc.facts)
    return Scan(
        "id_number", raw, {"id_number": rid.number, "birth_date": rid.birth_date.isoformat(), "sex": rid.sex}
    )


# --- the registry -----------------------------------------------------------------------------------


class Registry:
    """Payload parsers in order; the first that claims a text parses it."""

    def __init__(self) -> None:
        self._parsers: list[tuple[str, Parser]] = []

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self._parsers]

    def register(self, name: str, parser: Parser, *, before: str | None = None) -> None:
        """Add (or replace) a parser; ``before`` puts it ahead of another one."""
        self._parsers = [(n, p) for n, p in self._parsers if n != name]
        at = self.names.index(before) if before in self.names else len(self._parsers)
        self._parsers.insert(at, (name, parser))

    def parse(self, text: str | bytes) -> Scan:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        raw = (text or "").strip()
        cleaned = clean(raw)
        if not cleaned:
            return _refuse("unknown", raw, "code_unknown")
        for _, parser in self._parsers:
            try:
                scan = parser(cleaned, raw)
            except Exception:  # a parser bug must not take the scanner down; say "unknown"
                scan = _refuse("unknown", raw, "code_unknown")
            if scan is not None:
                return scan
        return _refuse("unknown", raw, "code_unknown")


def default_registry(
    health_hosts: Iterable[str] = DEFAULT_HEALTH_HOSTS, today: Callable[[], date] | None = None
) -> Registry:
    """booking, exit, health_code, id_number; ``today`` for the ID's birth-date check (tests)."""
    r = Registry()
    r.register("booking", lambda t, raw: parse_booking(t, raw, today() if today else None))
    r.register("exit", parse_exit)
    r.register("health_code", health_code_parser(health_hosts))
    r.register("id_number", lambda t, raw: parse_id_number(t, raw, today() if today else None))
    return r


_DEFAULT = default_registry()


def parse(text: str | bytes, registry: Registry | None = None) -> Scan:
    """Parse a scanned or typed text with ``registry`` (default: the four kinds, demo health hosts)."""
    return (registry or _DEFAULT).parse(text)
