"""Bookings import: read a booking system's CSV or XLSX export and check every row.

The whole file is checked before anything is imported; the caller decides what to do
with bad rows (see docs/import.md). Each bad line gives one RowError listing all its
problems. Line numbers are what staff see in Excel or an editor: line 1 is the first row.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sqlite3
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station import textsafe
from station.errors import DomainError
from station.identity import (
    DOC_TYPES,
    check_resident_id,
    mask_id,
    parse_document,
    parse_mobile,
    parse_resident_id,
)

if TYPE_CHECKING:
    from station.store import Store

REQUIRED = ("name", "id_number", "phone", "date", "slot")

# Header aliases, keyed by the normalised header text (see _header_key).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "姓名"),
    "id_number": ("id_number", "id_no", "身份证号", "身份证号码", "证件号码", "证件号"),
    "id_type": ("id_type", "证件类型"),
    "phone": ("phone", "mobile", "手机号", "手机号码", "联系电话", "手机"),
    "unit": ("unit", "单位", "工作单位"),
    "date": ("date", "日期", "预约日期"),
    "slot": ("slot", "时段", "预约时段"),
    "booking_no": ("booking_no", "预约号", "预约编号"),
    "product": ("product", "疫苗", "疫苗名称"),
}

# Values of the 证件类型 column.
ID_TYPE_ALIASES: dict[str, str] = {
    "身份证": "resident_id",
    "居民身份证": "resident_id",
    "护照": "passport",
    "港澳通行证": "hk_macao_permit",
    "港澳居民来往内地通行证": "hk_macao_permit",
    "台胞证": "taiwan_permit",
    "台湾居民来往大陆通行证": "taiwan_permit",
    "外国人永久居留身份证": "foreign_permanent_id",
    "其他": "other",
    **{t: t for t in DOC_TYPES},
}

HEADER_SCAN_ROWS = 10  # a title row or two above the header is common in exports
MAX_EXACT_DIGITS = 15  # Excel keeps 15 significant digits; longer numbers lost some

_DATE_SEP_RE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_DATE_COMPACT_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SLOT_RE = re.compile(r"(\d{1,2}):(\d{2})\s*(?:-|~|至|到|\u2013|\u2014|\u301c)\s*(\d{1,2}):(\d{2})")
_SCI_RE = re.compile(r"[+-]?\d+(?:\.\d+)?[eE][+-]?\d+")
_EXCEL_TEXT_RE = re.compile(r'="(.*)"', re.DOTALL)


@dataclass(frozen=True)
class BookingRow:
    """One good booking line, normalised."""

    line: int
    name: str
    id_type: str
    id_number: str
    phone: str
    unit: str
    day: date
    slot: str
    booking_no: str | None
    product: str | None
    birth_date: date | None
    sex: str | None


@dataclass(frozen=True)
class RowError:
    """A bad line: ``code`` is its first problem, the messages list every problem, ``codes`` all codes."""

    line: int
    code: str
    message_zh: str
    message_en: str
    raw: dict[str, str]
    codes: tuple[str, ...] = ()


@dataclass
class ImportCheck:
    """The result of checking a whole file."""

    rows: Sequence[BookingRow]  # StagedRows from read_bookings: on disk, read back as they are asked for
    errors: list[RowError]
    source: str
    encoding: str | None
    header_line: int = 1
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written in the file

    @property
    def ok(self) -> bool:
        return not self.errors

    def close(self) -> None:
        """Let go of the rows' temporary file (also done when the check is garbage-collected)."""
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()


_ROW_FIELDS = (
    "line", "name", "id_type", "id_number", "phone", "unit", "day", "slot", "booking_no", "product",
    "birth_date", "sex",
)  # fmt: skip


class StagedRows(Sequence[BookingRow]):
    """The good rows of a file, kept in a private temporary SQLite file (deleted when closed) with the
    keys the checks look up, so a file of a million rows is checked and imported in bounded memory."""

    def __init__(self) -> None:
        # "" is SQLite's private temporary database: on disk past its cache, unlinked at once on Unix
        self._db: sqlite3.Connection | None = sqlite3.connect(
            "", isolation_level=None, check_same_thread=False
        )
        self._db.executescript(
            """
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -8000;
            CREATE TABLE rows (line INTEGER PRIMARY KEY, name, id_type, id_number, phone, unit, day, slot,
                               booking_no, product, birth_date, sex);
            CREATE TABLE seen (id_type, id_number, day, line, PRIMARY KEY (id_type, id_number, day))
                WITHOUT ROWID;
            CREATE TABLE names (id_type, id_number, line, name, PRIMARY KEY (id_type, id_number))
                WITHOUT ROWID;
            BEGIN;
            """
        )
        self._len = 0

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise ValueError("the rows of this check were closed")
        return self._db

    def add(self, row: BookingRow) -> None:
        self.db.execute(
            f"INSERT INTO rows VALUES ({', '.join('?' * len(_ROW_FIELDS))})",
            [
                row.line, row.name, row.id_type, row.id_number, row.phone, row.unit, row.day.isoformat(),
                row.slot, row.booking_no, row.product, row.birth_date.isoformat() if row.birth_date else None,
                row.sex,
            ],
        )  # fmt: skip
        self._len += 1

    def first_seen(self, id_type: str, id_number: str, day: date, line: int) -> int | None:
        """The line that booked this document on this day first, or None (and ``line`` is now it)."""
        got = self.db.execute(
            "SELECT line FROM seen WHERE id_type = ? AND id_number = ? AND day = ?",
            [id_type, id_number, day.isoformat()],
        ).fetchone()
        if got:
            return got[0]
        self.db.execute("INSERT INTO seen VALUES (?, ?, ?, ?)", [id_type, id_number, day.isoformat(), line])
        return None

    def first_name(self, id_type: str, id_number: str, name: str, line: int) -> tuple[int, str] | None:
        """(line, name) of the first row naming this document, or None (and this row is now it)."""
        got = self.db.execute(
            "SELECT line, name FROM names WHERE id_type = ? AND id_number = ?", [id_type, id_number]
        ).fetchone()
        if got:
            return got[0], got[1]
        self.db.execute("INSERT INTO names VALUES (?, ?, ?, ?)", [id_type, id_number, line, name])
        return None

    def done(self) -> None:
        """Reading is over: the lookup keys go, the rows stay."""
        self.db.execute("DROP TABLE seen")
        self.db.execute("DROP TABLE names")
        self.db.execute("COMMIT")

    @staticmethod
    def _row(r: tuple[Any, ...]) -> BookingRow:
        d = dict(zip(_ROW_FIELDS, r, strict=True))
        d["day"] = date.fromisoformat(d["day"])
        d["birth_date"] = date.fromisoformat(d["birth_date"]) if d["birth_date"] else None
        return BookingRow(**d)

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[BookingRow]:
        # by pages on the line number: the cursor never stays open across a caller's own work
        after = 0
        while True:
            page = self.db.execute(
                f"SELECT {', '.join(_ROW_FIELDS)} FROM rows WHERE line > ? ORDER BY line LIMIT 500", [after]
            ).fetchall()
            if not page:
                return
            for r in page:
                yield self._row(r)
            after = page[-1][0]

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._len))]
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError(index)
        r = self.db.execute(
            f"SELECT {', '.join(_ROW_FIELDS)} FROM rows ORDER BY line LIMIT 1 OFFSET ?", [index]
        ).fetchone()
        return self._row(r)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutting down
            pass


# --- limits -------------------------------------------------------------------------------
# Every file is outside input: each limit refuses with its own code naming the limit, before the
# work it bounds is done (see docs/security.md, "Input limits").

MAX_CSV_BYTES = 256 * 1024 * 1024  # a million bookings take about 100 MB as CSV
MAX_ROWS = 1_000_000  # rows below the header, empty ones included
MAX_COLUMNS = 100  # cells to the right of this are not read (a booking file has about 10)
MAX_CELL_CHARS = 1_000  # a longer cell makes its row bad (the rejects file keeps the first 1,000)
MAX_LINE_CHARS = 200_000  # a CSV line longer than this is refused before it is split
HEADER_SCAN_LINES = 100  # the header is within the first 100 rows
# XLSX is a zip: checked from its central directory before a byte is inflated. Python's zipfile
# never inflates a member past the size the directory declares, so a member that lies stops there.
XLSX_MAX_MEMBERS = 1_000  # openpyxl writes about 10; a workbook with a few sheets some 30
XLSX_MAX_UNCOMPRESSED = 512 * 1024 * 1024  # a million rows written by Excel take about 380 MB
XLSX_MAX_RATIO = 100  # sheets of identical rows inflate about 20 times; zip bombs 1,000 times
XLSX_RATIO_FLOOR = 1024 * 1024  # members smaller than this are not held to the ratio


# --- reading the file -----------------------------------------------------------------------

_BINARY_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CHUNK = 1 << 20


def _unreadable(path: Path, detail: str) -> DomainError:
    return DomainError("import_unreadable", file=path.name, detail=detail)


def _csv_encoding(path: Path) -> str:
    """The file's encoding, checked over the whole file a megabyte at a time (never held whole)."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]  # Excel's "Unicode text" export: UTF-16 with BOM, tab separated
    else:
        candidates = ["utf-8-sig", "gb18030"]
    for enc in candidates:
        # utf-8-sig's own incremental decoder passes a lone b"\xef" at the end (fuzzing found it):
        # check with plain UTF-8, to which a BOM is one more character
        decoder = codecs.getincrementaldecoder("utf-8" if enc == "utf-8-sig" else enc)()
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(_CHUNK):
                    if _BINARY_RE.search(decoder.decode(chunk)):
                        raise _unreadable(path, "binary content")
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        if enc == "utf-8-sig" and not head.startswith(b"\xef\xbb\xbf"):
            enc = "utf-8"
        return enc
    raise _unreadable(path, "cannot decode as UTF-8 or GB18030")


def _lines(fh: io.TextIOBase, path: Path) -> Iterator[str]:
    """The file's lines, each refused when longer than MAX_LINE_CHARS before it is split."""
    while line := fh.readline(MAX_LINE_CHARS + 1):
        if len(line) > MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
            raise DomainError("import_line_too_long", file=path.name, limit=MAX_LINE_CHARS)
        yield line


def _csv_rows(path: Path, enc: str) -> Iterator[list[Any]]:
    with path.open("r", encoding=enc, newline="") as fh:
        # Pick the delimiter that makes the most known headers in the first lines; ties go to the
        # comma. Sturdier than csv.Sniffer, which guesses wrong on Chinese text with few columns.
        head = "\n".join(fh.read(64 * 1024).splitlines()[: HEADER_SCAN_ROWS * 2])
        best_delim, best_score = ",", 0
        for delim in (",", "\t", ";"):
            try:
                sample = list(csv.reader(io.StringIO(head, newline=""), delimiter=delim))
            except csv.Error:
                continue
            score = max((_known_headers(r[:MAX_COLUMNS]) for r in sample[:HEADER_SCAN_ROWS]), default=0)
            if score > best_score:
                best_delim, best_score = delim, score
        fh.seek(0)
        reader = csv.reader(_lines(fh, path), delimiter=best_delim)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise _unreadable(path, f"CSV line {reader.line_num}: {exc}") from None
            except UnicodeDecodeError as exc:  # checked before; the file changed while being read
                raise _unreadable(path, str(exc)) from None
            yield row[:MAX_COLUMNS]


def check_zip(path: Path) -> None:
    """Refuse a zip (an XLSX) that would inflate past the limits, from its central directory alone."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _unreadable(path, f"XLSX: {type(exc).__name__}: {exc}") from None
    if len(infos) > XLSX_MAX_MEMBERS:
        raise DomainError("import_xlsx_members", file=path.name, count=len(infos), limit=XLSX_MAX_MEMBERS)
    total = sum(i.file_size for i in infos)
    if total > XLSX_MAX_UNCOMPRESSED:
        raise DomainError(
            "import_xlsx_too_large",
            file=path.name,
            size_mb=total // (1024 * 1024),
            limit_mb=XLSX_MAX_UNCOMPRESSED // (1024 * 1024),
        )
    for i in infos:
        ratio = i.file_size / max(i.compress_size, 1)
        if i.file_size > XLSX_RATIO_FLOOR and ratio > XLSX_MAX_RATIO:
            raise DomainError(
                "import_xlsx_ratio", file=path.name, member=i.filename, ratio=int(ratio), limit=XLSX_MAX_RATIO
            )


def _xlsx_rows(path: Path) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    check_zip(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise _unreadable(path, f"XLSX: {type(exc).__name__}: {exc}") from None
    try:
        try:
            ws = wb.active if wb.active is not None else wb.worksheets[0]
            # Some exporters write a wrong <dimension>; read every row that is really there. max_col
            # keeps a cell far to the right (column XFD) from padding every row to 16,384 cells.
            ws.reset_dimensions()
            rows = ws.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
        except Exception as exc:  # no sheet at all (fuzzing), or a broken one
            raise _unreadable(path, f"XLSX: {type(exc).__name__}: {exc}") from None
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except DomainError:
                raise
            except Exception as exc:
                raise _unreadable(path, f"XLSX: {type(exc).__name__}: {exc}") from None
            yield list(row)
    finally:
        wb.close()


def _read_table(path: Path) -> tuple[Iterator[list[Any]], str | None]:
    """The rows of the file, read as they are asked for, and the text encoding (None for XLSX)."""
    try:
        with path.open("rb") as fh:
            magic = fh.read(8)
        size = path.stat().st_size
    except OSError as exc:
        raise _unreadable(path, str(exc)) from None
    if magic.startswith(b"PK\x03\x04"):
        return _xlsx_rows(path), None
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise _unreadable(path, "old .xls or other OLE file; save as .xlsx or CSV")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise _unreadable(path, "not a valid .xlsx file")
    if size > MAX_CSV_BYTES:
        raise DomainError(
            "import_too_large",
            file=path.name,
            size_mb=size // (1024 * 1024),
            limit_mb=MAX_CSV_BYTES // (1024 * 1024),
        )
    try:
        enc = _csv_encoding(path)
    except OSError as exc:
        raise _unreadable(path, str(exc)) from None
    return _csv_rows(path, enc), enc


def read_table(path: Path | str) -> Iterator[list[Any]]:
    """The rows of any CSV or XLSX file the station takes from outside (bookings, units, call
    outcomes), under the same size, row, cell and zip limits and encodings as a bookings file."""
    rows, _enc = _read_table(Path(path))
    return rows


# --- cells ----------------------------------------------------------------------------------


def _header_key(text: Any) -> str:
    s = unicodedata.normalize("NFKC", str(text or "")).strip().lower().lstrip("\ufeff")
    return re.sub(r"[\s_\-*]", "", s)


_ALIAS_INDEX = {_header_key(a): f for f, aliases in COLUMN_ALIASES.items() for a in aliases}


def _known_headers(row: list[Any]) -> int:
    return len({_ALIAS_INDEX[k] for k in map(_header_key, row) if k in _ALIAS_INDEX})


def _is_blank(row: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


def _text(value: Any) -> str:
    """A cell as stripped text; Excel's ="..." text guard is removed."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    s = textsafe.uncell(str(value).strip())
    m = _EXCEL_TEXT_RE.fullmatch(s)
    return m.group(1).strip() if m else s


def _digits_from_number(value: Any) -> str | None:
    """Digit string of a numeric cell or scientific-notation text, or None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            d = Decimal(value)
        except (InvalidOperation, ValueError):
            return None
    elif isinstance(value, str) and _SCI_RE.fullmatch(value.strip()):
        d = Decimal(value.strip())
    else:
        return None
    # infinite, or more digits than any ID or phone: int() of 1E+999999999 would build a billion
    # digits (fuzzing found infinity; the exponent bound keeps a typed "1e999999999" cheap)
    if not d.is_finite() or d.adjusted() > 30 or d != d.to_integral_value() or d < 0:
        return ""
    return str(int(d))


def _id_cell(value: Any) -> str:
    """The ID cell as text; raise import_id_as_number if Excel turned it into a lossy number."""
    digits = _digits_from_number(value)
    if digits is None:
        return _text(value)
    shown = _text(value)
    if not digits or isinstance(value, str):
        # Non-integral, or scientific-notation text (an ID saved from Excel as 1.10105E+17).
        raise DomainError("import_id_as_number", value=shown)
    if len(digits) > MAX_EXACT_DIGITS:
        # A float never holds 18 digits exactly. An int may be exact (written by a program),
        # but Excel writes a long number as its 15 significant digits followed by zeros.
        lossy = isinstance(value, float) or (
            len(digits.rstrip("0")) <= MAX_EXACT_DIGITS and check_resident_id(digits)[0] is None
        )
        if lossy:
            raise DomainError("import_id_as_number", value=f"{Decimal(digits):.5E}")
    return digits


def _phone_cell(value: Any) -> str:
    digits = _digits_from_number(value)
    if digits:
        return digits
    return _text(value)


def parse_day(value: Any) -> date:
    """A booking date from a cell: date/datetime, Excel serial, or text in the accepted formats."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 10000101 <= value <= 99991231 and float(value).is_integer():
            value = str(int(value))
        elif 36526 <= value < 73051:  # an Excel date serial (2000-2099) that lost its date format
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date()
    text = unicodedata.normalize("NFKC", _text(value))
    m = _DATE_SEP_RE.fullmatch(text) or _DATE_COMPACT_RE.fullmatch(text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise DomainError("import_bad_date", value=text)


def parse_slot(value: Any) -> str:
    """A time slot as ``HH:MM-HH:MM``; accepts ``~``, ``至``, full-width colon and dashes."""
    text = unicodedata.normalize("NFKC", _text(value)).replace("：", ":")
    m = _SLOT_RE.fullmatch(text.strip())
    if m:
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60 and (h1, m1) < (h2, m2):
            return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"
    raise DomainError("import_bad_slot", value=text)


def parse_id_type(value: Any) -> str:
    """The 证件类型 column: Chinese or code values; empty means resident ID."""
    text = unicodedata.normalize("NFKC", _text(value)).strip()
    if not text:
        return "resident_id"
    found = ID_TYPE_ALIASES.get(text) or ID_TYPE_ALIASES.get(text.lower())
    if found is None:
        raise DomainError("doc_unknown_type", doc_type=text)
    return found


# --- checking -------------------------------------------------------------------------------

# Name variants that are the same name: the middle dots of minority and foreign names.
_NAME_DOTS = dict.fromkeys(map(ord, "\u00b7\u2022\u2027\u30fb\uff65\u2219\u22c5"), "·")


def same_name(a: str, b: str) -> bool:
    """Whether two spellings are one name: width, spaces, case and the kind of middle dot do not count."""

    def key(name: str) -> str:
        text = unicodedata.normalize("NFKC", name or "").translate(_NAME_DOTS)
        return "".join(text.split()).casefold()

    return key(a) == key(b)


def _stored_name(store: Store, id_type: str, id_number: str) -> str | None:
    row = store.one("SELECT name FROM people WHERE id_type = ? AND id_number = ?", [id_type, id_number])
    return row["name"] if row else None


def _find_header(head: list[list[Any]], path: Path) -> tuple[int, dict[str, int], list[str]]:
    """(index of the header row in ``head``, field -> column index, header texts)."""
    candidates = [i for i, r in enumerate(head) if not _is_blank(r)][:HEADER_SCAN_ROWS]
    if not candidates:
        raise DomainError("import_empty", file=path.name)
    best = max(candidates, key=lambda i: (_known_headers(head[i]), -i))
    if _known_headers(head[best]) == 0:
        raise DomainError("import_no_header", file=path.name)
    headers = [_text(h).lstrip("\ufeff") for h in head[best]]
    columns: dict[str, int] = {}
    for idx, h in enumerate(headers):
        f = _ALIAS_INDEX.get(_header_key(h))
        if f is not None and f not in columns:  # the first of two alias columns wins
            columns[f] = idx
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        raise DomainError(
            "import_missing_column",
            file=path.name,
            column=missing[0],
            names=_column_names(missing[0]),
            missing=",".join(missing),
        )
    return best, columns, headers


def _column_names(f: str) -> str:
    """Accepted header names of a field, for messages: ``手机号 / phone``."""
    zh = next(a for a in COLUMN_ALIASES[f] if not a.isascii())
    return f"{zh} / {COLUMN_ALIASES[f][0]}"


def _row_error(line: int, problems: list[DomainError], raw: dict[str, str]) -> RowError:
    return RowError(
        line=line,
        code=problems[0].code,
        message_zh="；".join(p.message("zh") for p in problems),
        message_en="; ".join(p.message("en") for p in problems),
        raw=raw,
        codes=tuple(p.code for p in problems),
    )


def read_bookings(path: Path, today: date | None = None, *, store: Store | None = None) -> ImportCheck:
    """Read and check every row of a bookings file; file-level problems raise DomainError.

    The file is read as a stream and its good rows kept in a temporary file (``StagedRows``), so
    memory stays bounded whatever its length; the limits above refuse what is too big to be a
    booking list. One document (type and number) has one name: a row naming it otherwise than an
    earlier row of the file (``import_name_mismatch``) or, given the ``store``, than the person it
    already holds (``import_name_mismatch_stored``) is a bad row, never a silent choice of one of
    the names."""
    path = Path(path)
    table, encoding = _read_table(path)
    head: list[list[Any]] = []
    for cells in table:
        head.append(cells)
        if len(head) >= HEADER_SCAN_LINES or sum(not _is_blank(r) for r in head) >= HEADER_SCAN_ROWS:
            break
    header_idx, columns, headers = _find_header(head, path)
    raw_names = [h or f"column_{i + 1}" for i, h in enumerate(headers)]

    def lines() -> Iterator[tuple[int, list[Any]]]:
        line = header_idx + 1
        for cells in head[header_idx + 1 :]:
            line += 1
            yield line, cells
        for cells in table:
            line += 1
            yield line, cells

    staged = StagedRows()
    try:
        errors: list[RowError] = []
        data_lines = 0
        for line, cells in lines():
            if line - header_idx - 1 > MAX_ROWS:
                raise DomainError("import_too_many_rows", file=path.name, limit=MAX_ROWS)
            if _is_blank(cells):
                continue
            data_lines += 1
            problem = _check_row(line, cells, columns, headers, raw_names, staged, today, store)
            if problem is not None:
                errors.append(problem)
        if data_lines == 0:
            raise DomainError("import_empty", file=path.name)
        staged.done()
    except BaseException:
        staged.close()
        raise
    return ImportCheck(
        rows=staged,
        errors=errors,
        source=str(path),
        encoding=encoding,
        header_line=header_idx + 1,
        columns={f: headers[i] for f, i in columns.items()},
    )


def _check_row(
    line: int,
    cells: list[Any],
    columns: dict[str, int],
    headers: list[str],
    raw_names: list[str],
    staged: StagedRows,
    today: date | None,
    store: Store | None,
) -> RowError | None:
    """Check one data line: keep it in ``staged`` when good, return its RowError when bad."""
    problems: list[DomainError] = []
    for i, c in enumerate(cells):
        if isinstance(c, str) and len(c) > MAX_CELL_CHARS:
            column = raw_names[i] if i < len(raw_names) else f"column_{i + 1}"
            problems.append(
                DomainError("import_cell_too_long", column=column, length=len(c), limit=MAX_CELL_CHARS)
            )
    if problems:
        cells = [c[:MAX_CELL_CHARS] if isinstance(c, str) else c for c in cells]
    raw = {name: _text(cells[i]) if i < len(cells) else "" for i, name in enumerate(raw_names)}

    def cell(f: str) -> Any:
        i = columns.get(f)
        return cells[i] if i is not None and i < len(cells) else None

    for f in REQUIRED:
        if not _text(cell(f)):
            problems.append(DomainError("import_missing_field", field=f, column=headers[columns[f]]))
    missing = {p.facts["field"] for p in problems if p.code == "import_missing_field"}

    name = re.sub(r"\s+", " ", _text(cell("name")))
    id_type = id_number = phone = slot = ""
    day: date | None = None
    birth: date | None = None
    sex: str | None = None
    try:
        id_type = parse_id_type(cell("id_type"))
    except DomainError as exc:
        problems.append(exc)
    if "id_number" not in missing and id_type:
        try:
            raw_id = _id_cell(cell("id_number"))
            if id_type == "resident_id":
                rid = parse_resident_id(raw_id, today)
                id_number, birth, sex = rid.number, rid.birth_date, rid.sex
            else:
                _, id_number = parse_document(id_type, raw_id, today)
        except DomainError as exc:
            problems.append(exc)
    if "phone" not in missing:
        try:
            phone = parse_mobile(_phone_cell(cell("phone")))
        except DomainError as exc:
            problems.append(exc)
    if "date" not in missing:
        try:
            day = parse_day(cell("date"))
        except DomainError as exc:
            problems.append(exc)
    if "slot" not in missing:
        try:
            slot = parse_slot(cell("slot"))
        except DomainError as exc:
            problems.append(exc)

    if id_number and day is not None:
        first_line = staged.first_seen(id_type, id_number, day, line)
        if first_line is not None:
            problems.append(DomainError("import_duplicate", first_line=first_line, day=day.isoformat()))
    if id_number and name:
        first = staged.first_name(id_type, id_number, name, line)
        if first is not None and not same_name(first[1], name):
            problems.append(
                DomainError(
                    "import_name_mismatch",
                    first_line=first[0],
                    first_name=first[1],
                    name=name,
                    id=mask_id(id_number),
                )
            )
        stored = _stored_name(store, id_type, id_number) if store is not None else None
        if stored is not None and not same_name(stored, name):
            problems.append(
                DomainError(
                    "import_name_mismatch_stored", stored_name=stored, name=name, id=mask_id(id_number)
                )
            )

    if problems:
        return _row_error(line, problems, raw)
    assert day is not None
    staged.add(
        BookingRow(
            line=line,
            name=name,
            id_type=id_type,
            id_number=id_number,
            phone=phone,
            unit=re.sub(r"\s+", " ", _text(cell("unit"))),
            day=day,
            slot=slot,
            booking_no=_text(cell("booking_no")) or None,
            product=_text(cell("product")) or None,
            birth_date=birth,
            sex=sex,
        )
    )
    return None


# --- rejects --------------------------------------------------------------------------------


def _excel_safe(value: str) -> str:
    # A long digit string (an ID) opened in Excel becomes 1.10105E+17 and loses digits when
    # saved back; ="..." keeps it text through the round trip, and read_bookings unwraps it.
    if len(value) > 11 and value.isdigit():
        return f'="{value}"'
    # A cell that starts like a formula (=cmd|' /C calc'!A0, +SUM(...)) is written as text: a
    # leading single quote, which read_bookings takes off again (see station.textsafe).
    return textsafe.cell(value)


def write_rejects(errors: list[RowError], path: Path) -> None:
    """Write the bad lines as a CSV (UTF-8 with BOM, for Excel): line, code, reasons, raw cells."""
    raw_columns: list[str] = []
    for e in errors:
        for k in e.raw:
            if k not in raw_columns:
                raw_columns.append(k)
    with Path(path).open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["line", "code", "reason", "reason_en", *raw_columns])
        for e in sorted(errors, key=lambda e: e.line):
            w.writerow(
                [
                    e.line,
                    e.code,
                    textsafe.cell(e.message_zh),
                    textsafe.cell(e.message_en),
                    *(_excel_safe(e.raw.get(k, "")) for k in raw_columns),
                ]
            )


__all__ = [
    "MAX_CELL_CHARS",
    "MAX_ROWS",
    "BookingRow",
    "ImportCheck",
    "RowError",
    "StagedRows",
    "check_zip",
    "parse_day",
    "parse_id_type",
    "parse_slot",
    "read_bookings",
    "same_name",
    "write_rejects",
]
