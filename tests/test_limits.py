"""Input limits on the bookings import: size, rows, cells, zip bombs, formulas, chunked import.

Real files in tmp_path; the chunked import runs beside a real writer on its own connection.
"""

from __future__ import annotations

import csv
import struct
import threading
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from station import bookings, importer, signin, textsafe
from station.errors import DomainError
from station.identity import make_resident_id
from station.store import Store

pytestmark = pytest.mark.usefixtures("fast_pins")

TODAY = date(2026, 11, 25)
DAY = "2026-11-26"
HEADER = ["姓名", "身份证号", "手机号", "工作单位", "预约日期", "预约时段"]


def rows(n: int, start: int = 0) -> list[list[str]]:
    out = []
    for i in range(start, start + n):
        birth = date(1950 + i % 50, 1 + i % 12, 1 + i % 28)
        out.append(
            [
                f"人{i}",
                make_resident_id("110105", birth, i // 600 + 1),
                f"138{i:08d}",
                "街道",
                DAY,
                "08:00-09:00",
            ]
        )
    return out


def write_csv(path: Path, table: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(table)
    return path


def write_xlsx(path: Path, table: list[list[object]]) -> Path:
    wb = Workbook()
    for r in table:
        wb.active.append(r)
    wb.save(path)
    return path


def refused(path: Path, code: str) -> DomainError:
    with pytest.raises(DomainError) as info:
        importer.read_bookings(path, TODAY)
    assert info.value.code == code, (info.value.code, info.value.facts)
    return info.value


# --- XLSX: zip bombs are refused from the central directory, before anything is inflated ---------


def rezip(src: Path, dst: Path, change) -> Path:
    """Copy an XLSX member by member; ``change(name, data)`` returns the new data (None: as is)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            new = change(info.filename, data)
            zout.writestr(info.filename, data if new is None else new, compresslevel=9)
    return dst


def test_xlsx_bomb_by_ratio_is_refused(tmp_path):
    """A sheet padded with 8 MB of blanks (valid XML, deflates about 1,000 times) is never parsed."""
    good = write_xlsx(tmp_path / "good.xlsx", [HEADER, *rows(3)])
    pad = b" " * (8 * 1024 * 1024)

    def bomb(name: str, data: bytes) -> bytes | None:
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b"<sheetData>", pad + b"<sheetData>", 1)
        return None

    path = rezip(good, tmp_path / "bomb.xlsx", bomb)
    assert path.stat().st_size < 100_000
    err = refused(path, "import_xlsx_ratio")
    assert err.facts["limit"] == importer.XLSX_MAX_RATIO
    assert str(importer.XLSX_MAX_RATIO) in err.message("en") and str(importer.XLSX_MAX_RATIO) in err.message(
        "zh"
    )


def _declare_size(path: Path, member: str, size: int) -> None:
    """Make the central directory claim ``size`` uncompressed bytes for ``member`` (as a bomb would)."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_len].decode() == member:
            struct.pack_into("<I", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def test_xlsx_declaring_more_than_the_limit_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "big.xlsx", [HEADER, *rows(3)])
    _declare_size(path, "xl/worksheets/sheet1.xml", importer.XLSX_MAX_UNCOMPRESSED + 1)
    err = refused(path, "import_xlsx_too_large")
    assert str(importer.XLSX_MAX_UNCOMPRESSED // 2**20) in err.message("en")


def test_xlsx_with_too_many_members_is_refused(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", [HEADER, *rows(3)])
    path = tmp_path / "many.xlsx"
    rezip(good, path, lambda name, data: None)
    with zipfile.ZipFile(path, "a") as zf:
        for i in range(importer.XLSX_MAX_MEMBERS):
            zf.writestr(f"xl/media/x{i}.bin", b"")
    err = refused(path, "import_xlsx_members")
    assert str(importer.XLSX_MAX_MEMBERS) in err.message("zh")


def test_xlsx_cell_far_right_does_not_widen_every_row(tmp_path):
    """A cell in column XFD would make openpyxl pad every row to 16,384 cells; only 100 are read."""
    table = [HEADER, *rows(3)]
    table[1] = [*table[1], *([None] * 16000), "x"]
    check = importer.read_bookings(write_xlsx(tmp_path / "wide.xlsx", table), TODAY)
    assert check.ok and len(check.rows) == 3


# --- rows, cells, bytes ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_row_limit(tmp_path, monkeypatch, kind):
    monkeypatch.setattr(importer, "MAX_ROWS", 5)
    table = [HEADER, *rows(6)]
    path = write_csv(tmp_path / "b.csv", table) if kind == "csv" else write_xlsx(tmp_path / "b.xlsx", table)
    err = refused(path, "import_too_many_rows")
    assert err.facts["limit"] == 5 and "5" in err.message("en")
    assert importer.read_bookings(
        write_csv(tmp_path / "ok.csv", [HEADER, *rows(5)])
        if kind == "csv"
        else write_xlsx(tmp_path / "ok.xlsx", [HEADER, *rows(5)]),
        TODAY,
    ).ok


def test_row_limit_counts_empty_rows(tmp_path, monkeypatch):
    """A sheet whose one row is numbered 1,000,000,000 must not be walked a row at a time to the end."""
    monkeypatch.setattr(importer, "MAX_ROWS", 50)
    table = [HEADER, *rows(2), *([[""]] * 60), *rows(1, 9)]
    refused(write_csv(tmp_path / "b.csv", table), "import_too_many_rows")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_long_cell_makes_a_bad_row_with_the_limit(tmp_path, kind):
    table = [HEADER, *rows(3)]
    table[2][3] = "单" * (importer.MAX_CELL_CHARS + 1)
    path = write_csv(tmp_path / "b.csv", table) if kind == "csv" else write_xlsx(tmp_path / "b.xlsx", table)
    check = importer.read_bookings(path, TODAY)
    assert [(e.line, e.code) for e in check.errors] == [(3, "import_cell_too_long")]
    assert str(importer.MAX_CELL_CHARS) in check.errors[0].message_en
    assert len(check.errors[0].raw["工作单位"]) == importer.MAX_CELL_CHARS  # the rejects file keeps the limit
    assert [r.line for r in check.rows] == [2, 4]


def test_csv_size_limit(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "b.csv", [HEADER, *rows(50)])
    monkeypatch.setattr(importer, "MAX_CSV_BYTES", path.stat().st_size - 1)
    err = refused(path, "import_too_large")
    assert err.facts["limit_mb"] == (path.stat().st_size - 1) // 2**20


def test_csv_line_limit(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text(",".join(HEADER) + "\n" + "," * (importer.MAX_LINE_CHARS + 10) + "\n", encoding="utf-8")
    err = refused(path, "import_line_too_long")
    assert str(importer.MAX_LINE_CHARS) in err.message("en")


def test_big_csv_is_read_as_a_stream(tmp_path):
    """20,000 rows: the good rows live in the check's temporary file, not in a list."""
    check = importer.read_bookings(write_csv(tmp_path / "b.csv", [HEADER, *rows(20_000)]), TODAY)
    assert check.ok and len(check.rows) == 20_000
    assert isinstance(check.rows, importer.StagedRows)
    assert check.rows[-1].line == 20_001 and check.rows[0].name == "人0"
    assert sum(1 for _ in check.rows) == 20_000
    check.close()


# --- formulas ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_textsafe_cell_quotes_formula_starts(start):
    text = start + "SUM(1,2)"
    assert textsafe.cell(text) == "'" + text
    assert textsafe.uncell(textsafe.cell(text)) == text
    assert textsafe.cell("张三") == "张三" and textsafe.cell(5) == 5 and textsafe.cell(None) is None
    assert textsafe.uncell("'张三") == "'张三"  # a quote before anything else is the text's own


FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(A1)", "\t=1+1"]


def test_formulas_in_rejects_are_text_and_the_database_keeps_the_real_text(tmp_path, store):
    table = [HEADER + ["预约号"]]
    for i, f in enumerate(FORMULAS):
        good = rows(1, i)[0]
        table.append([f, good[1], "bad-phone", f, DAY, "08:00-09:00", f])  # bad phone: a rejected row
        table.append([*rows(1, 100 + i)[0][:3], f, DAY, "08:00-09:00", f])  # good row, formula unit
    path = write_csv(tmp_path / "b.csv", table)
    check = importer.read_bookings(path, TODAY)
    assert len(check.errors) == len(FORMULAS) and len(check.rows) == len(FORMULAS)
    out = tmp_path / "rejects.csv"
    importer.write_rejects(check.errors, out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        written = list(csv.reader(fh))
    header = written[0]
    for line in written[1:]:
        for col in ("姓名", "工作单位", "预约号"):
            cell = line[header.index(col)]
            assert not cell.startswith(textsafe.FORMULA_STARTS), (col, cell)
            assert cell.startswith("'")
    # the database keeps what the file said (the formula as text), never the escaped form
    bookings.import_rows(store, check, staff_id="admin1", skip_bad=True)
    units = {r["unit"] for r in store.all("SELECT p.unit FROM people p")}
    assert {f.strip() for f in FORMULAS} <= units
    # the rejects file, fixed and imported back, gives the names as they were
    again = importer.read_bookings(out, TODAY)
    assert sorted(e.raw["姓名"] for e in again.errors) == sorted(f.strip() for f in FORMULAS)


# --- a large import runs in chunks, desks keep recording beside it ---------------------------------


def test_desk_records_beside_a_large_import(tmp_path, store, clock):
    """20,000 rows import while another connection signs people in: it is never refused as busy, and
    its events land between the import's chunks (one transaction for the whole file would keep them
    all after it). The waits are measured in bench/bench_import.py, not asserted here."""
    walkins = [
        bookings.add_booking(store, p, date(2026, 11, 26), None, staff_id="admin1") for p in _people(40)
    ]
    check = importer.read_bookings(write_csv(tmp_path / "b.csv", [HEADER, *rows(20_000)]), TODAY)
    desk = Store.open(store.path, create=False, now=clock)
    errors: list[BaseException] = []
    stop = threading.Event()
    done: list[str] = []

    def sign_in() -> None:
        try:
            for visit_id in walkins:
                if stop.is_set():
                    break
                signin.sign_in(desk, visit_id, staff_id="sign1", desk="1", method="typed")
                done.append(visit_id)
                time.sleep(0.05)
        except BaseException as exc:  # busy, or anything else: the test fails on it
            errors.append(exc)

    writer = threading.Thread(target=sign_in)
    writer.start()

    before = store.scalar("SELECT max(pos) FROM events")
    summary = bookings.import_rows(store, check, staff_id="admin1")
    stop.set()
    writer.join()
    desk.close()
    assert not errors, errors
    assert summary.imported == 20_000
    first, last = store.one(
        "SELECT min(pos) AS a, max(pos) AS b FROM events WHERE type = 'BookingAdded' AND pos > ?", [before]
    ).values()
    between = store.scalar(
        "SELECT count(*) FROM events WHERE type = 'SignedIn' AND pos > ? AND pos < ?", [first, last]
    )
    assert done and between >= 1, (len(done), between)


def _people(n: int) -> list[dict]:
    return [
        bookings.person_record(
            name=f"客{i}",
            id_number=make_resident_id("310104", date(1970, 1, 1 + i % 28), 500 + i),
            phone="13900000000",
        )
        for i in range(n)
    ]
