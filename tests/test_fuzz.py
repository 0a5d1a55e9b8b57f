"""Fuzzing every parser that reads outside input: never a traceback, always an error with a code.

Each target takes one generated input and calls the real parser (real files where the parser
reads files). It may refuse only with its module's own error type carrying a code from the
message catalogue (DomainError) or the protocol (ProtocolError); anything else fails the test.
Bounded for the suite (few examples, no deadline); ``bench/fuzz/run.py`` runs the same targets for
longer and counts inputs tried and distinct failures.
"""

from __future__ import annotations

import functools
import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station import coldchain, dayfile, importer, keys, packcodes
from station import settings as settingsmod
from station.errors import DomainError
from station.identity import DOC_TYPES, make_resident_id, parse_document, parse_mobile, parse_resident_id
from station.messages import catalogue
from station.scan import payloads
from sync import protocol

TODAY = date(2026, 11, 25)
HEADER = ["姓名", "身份证号", "手机号", "工作单位", "预约日期", "预约时段", "证件类型"]
_DIR = Path(tempfile.mkdtemp(prefix="station-fuzz-"))


# --- inputs -------------------------------------------------------------------------------------

# Text that looks like what these parsers meet, mixed with anything at all.
_pieces = st.sampled_from(
    ["", " ", ",", ";", "\t", "\n", "\r\n", '"', "=", "+", "-", "@", "'", "\x00", "\x1b", "\ufeff", "²", "٣",
     "1", "0", "X", "x", "9" * 20, "2026-11-26", "08:00-09:00", "11010519491231002X", "13812345678",
     "VSB1|", "VSX1|", "|", "姓名", "身份证号", "(01)", "(10)", "(17)", "<GS>", "\x1d", "\udcff", "１２"]
)  # fmt: skip
texts = st.one_of(
    st.text(max_size=60),
    st.lists(_pieces, max_size=12).map("".join),
    st.from_regex(r"[0-9Xx\-]{0,25}", fullmatch=True),
)
cells = st.one_of(texts, st.integers(-(10**20), 10**20), st.floats(allow_nan=True), st.none())
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(texts, inner, max_size=5),
    max_leaves=25,
)


@st.composite
def mutated(draw: Any, data: bytes) -> bytes:
    """``data`` with a few bytes flipped, cut, or spliced in."""
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        at = draw(st.integers(0, max(len(buf) - 1, 0)))
        if op == "flip" and buf:
            buf[at] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del buf[at : at + draw(st.integers(1, 64))]
        elif op == "insert":
            buf[at:at] = draw(st.binary(min_size=1, max_size=32))
        else:
            del buf[at:]
    return bytes(buf)


def _file(data: bytes, suffix: str) -> Path:
    fd, name = tempfile.mkstemp(dir=_DIR, suffix=suffix)
    with open(fd, "wb") as fh:
        fh.write(data)
    return Path(name)


def _csv_bytes(rows: list[list[Any]], encoding: str) -> bytes:
    buf = io.StringIO()
    import csv

    csv.writer(buf).writerows([["" if c is None else str(c) for c in r] for r in rows])
    return buf.getvalue().encode(
        encoding, errors="surrogatepass" if encoding.startswith("utf") else "replace"
    )


@functools.cache
def _good_xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(HEADER)
    wb.active.append(
        ["张三", "11010519491231002X", "13812345678", "某单位", "2026-11-26", "08:00-09:00", "身份证"]
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@functools.cache
def _day_file() -> bytes:
    """A real end-of-day file of a small station, signed by its key."""
    from station import bookings
    from station import staff as staffmod
    from station.store import Store

    folder = Path(tempfile.mkdtemp(dir=_DIR))
    store = Store.open(folder / "station.sqlite3", origin="fuzz-a")
    staffmod.add(store, "admin1", "A", ["admin"], "2468", by="admin1")
    for i in range(3):
        person = bookings.person_record(
            name=f"人{i}", id_number=make_resident_id("110105", date(1980, 1, 1 + i), 7), phone="13812345678"
        )
        bookings.add_booking(store, person, date(2026, 11, 26), "08:00-09:00", staff_id="admin1")
    built = dayfile.build(store, day=None, site="fuzz", signing_key=keys.station_key(folder), seal_to=None)
    store.close()
    return built.data


@functools.cache
def _wire_event() -> dict[str, Any]:
    return protocol.encode_event(dayfile.read(_day_file()).events[-1])


# --- targets ------------------------------------------------------------------------------------

Allowed = tuple[type[BaseException], ...]


@dataclass(frozen=True)
class Target:
    name: str
    strategy: st.SearchStrategy
    run: Callable[[Any], Any]
    allowed: Allowed = (DomainError,)


def _booking_rows(rows: list[list[Any]]) -> None:
    path = _file(_csv_bytes([HEADER, *rows], "utf-8"), ".csv")
    try:
        check = importer.read_bookings(path, TODAY)
        out = _file(b"", ".rejects.csv")
        importer.write_rejects(check.errors, out)
        for row in check.rows:
            assert row.name
        check.close()
    finally:
        path.unlink(missing_ok=True)


def _booking_bytes(data: bytes) -> None:
    path = _file(data, ".csv")
    try:
        importer.read_bookings(path, TODAY).close()
    finally:
        path.unlink(missing_ok=True)


def _booking_xlsx_cells(rows: list[list[Any]]) -> None:
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    wb = Workbook()
    wb.active.append(HEADER)
    for r in rows:
        try:
            wb.active.append(r)
        except (ValueError, TypeError, IllegalCharacterError):  # openpyxl will not write it either
            return
    path = _DIR / f"fuzz-{id(rows)}.xlsx"
    try:
        wb.save(path)
    except (ValueError, TypeError):  # an illegal XML character: openpyxl cannot write it either
        return
    try:
        importer.read_bookings(path, TODAY).close()
    finally:
        path.unlink(missing_ok=True)


def _booking_xlsx_bytes(data: bytes) -> None:
    path = _file(data, ".xlsx")
    try:
        importer.read_bookings(path, TODAY).close()
    finally:
        path.unlink(missing_ok=True)


def _scan(text: str | bytes) -> None:
    scan = payloads.parse(text)
    if scan.error is not None:
        assert scan.error in catalogue(), scan.error


def _identity(args: tuple[str, str]) -> None:
    doc_type, text = args
    for call in (lambda: parse_resident_id(text, TODAY), lambda: parse_mobile(text)):
        try:
            call()
        except DomainError as exc:
            assert exc.code in catalogue(), exc.code
    parse_document(doc_type, text, TODAY)


def _logger_csv(data: bytes) -> None:
    path = _file(data, ".csv")
    try:
        coldchain.read_logger_csv(path)
    finally:
        path.unlink(missing_ok=True)


def _settings(data: bytes) -> None:
    folder = Path(tempfile.mkdtemp(dir=_DIR))
    try:
        (folder / settingsmod.FILE_NAME).write_bytes(data)
        loaded = settingsmod.Settings.load(folder)
        assert all(r in settingsmod.DESK_ROLES for r in loaded.desk_roles)
        loaded.save(folder)  # what it loaded saves, and loads back without a problem
        assert settingsmod.Settings.load(folder).load_problems == []
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _day_bytes(data: bytes) -> None:
    dayfile.read(data)


def _wire(data: Any) -> None:
    protocol.decode_event(data)


@st.composite
def _wire_mutation(draw: Any) -> Any:
    event = dict(_wire_event())
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from([*event.keys(), "extra"]))
        if draw(st.booleans()) and key in event:
            del event[key]
        else:
            event[key] = draw(json_values)
    return event


TARGETS: list[Target] = [
    Target("booking_csv_rows", st.lists(st.lists(cells, max_size=8), max_size=6), _booking_rows),
    Target("booking_csv_bytes", st.one_of(st.binary(max_size=400), mutated(_csv_bytes([HEADER], "utf-8") + b"a,b\n")), _booking_bytes),
    Target("booking_xlsx_cells", st.lists(st.lists(cells, max_size=7), max_size=4), _booking_xlsx_cells),
    Target("booking_xlsx_bytes", st.builds(lambda: None).flatmap(lambda _: mutated(_good_xlsx())), _booking_xlsx_bytes),
    Target("scan_payloads", st.one_of(texts, st.binary(max_size=80)), _scan, ()),
    Target("pack_codes", texts, packcodes.parse),
    Target("identity", st.tuples(st.one_of(st.sampled_from(DOC_TYPES), texts), texts), _identity),
    Target("logger_csv", st.one_of(st.binary(max_size=300), st.lists(st.lists(texts, max_size=4), max_size=6).map(lambda r: _csv_bytes(r, "utf-8"))), _logger_csv),
    Target("settings_json", st.one_of(json_values.map(lambda v: json.dumps(v).encode()), st.binary(max_size=100)), _settings, ()),
    Target("day_file", st.builds(lambda: None).flatmap(lambda _: mutated(_day_file())), _day_bytes),
    Target("sync_event", st.one_of(json_values, _wire_mutation()), _wire, (protocol.ProtocolError,)),
]  # fmt: skip


def check(target: Target, value: Any) -> None:
    """Run one input; an allowed error must carry a code, anything else propagates."""
    try:
        target.run(value)
    except target.allowed as exc:
        code = getattr(exc, "code", None)
        assert code, f"{type(exc).__name__} without a code"
        if isinstance(exc, DomainError):
            assert code in catalogue(), code
            exc.message("zh"), exc.message("en")  # and its message renders


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_fuzz(target: Target) -> None:
    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=False,
    )
    @given(target.strategy)
    def run(value: Any) -> None:
        check(target, value)

    run()


def test_a_zip_with_a_lying_directory_does_not_inflate_past_it(tmp_path):
    """zipfile never inflates a member past the size its central directory declares: the ground the
    XLSX limits stand on (importer.check_zip reads only the directory)."""
    path = tmp_path / "lie.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.xml", b"\0" * 10_000_000)
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    data[at + 24 : at + 28] = (1000).to_bytes(4, "little")  # the directory now says 1,000 bytes
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as zf, zf.open("a.xml") as fh:
        got = 0
        try:
            while chunk := fh.read(65536):
                got += len(chunk)
        except zipfile.BadZipFile:  # the CRC of the cut member does not match
            pass
    assert got <= 1000
