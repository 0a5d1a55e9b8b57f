"""Bookings import from real CSV and XLSX files written into tmp_path."""

from __future__ import annotations

import csv
import re
import tomllib
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from station.errors import DomainError
from station.identity import make_resident_id
from station.importer import (
    BookingRow,
    ImportCheck,
    _id_cell,
    parse_day,
    parse_slot,
    read_bookings,
    write_rejects,
)
from station.messages import placeholders
from station.paths import resource_dir

TODAY = date(2021, 6, 1)
DAY = date(2021, 6, 2)
ID1 = "11010519491231002X"  # F, born 1949-12-31
ID2 = make_resident_id("440305", date(1990, 5, 17), 123)  # M
ID3 = make_resident_id("310104", date(2000, 2, 29), 44)  # F
ZH_HEADER = ["姓名", "身份证号", "手机号", "工作单位", "预约日期", "预约时段"]
EN_HEADER = ["name", "id_number", "phone", "unit", "date", "slot"]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def refused(path: Path) -> DomainError:
    with pytest.raises(DomainError) as info:
        read_bookings(path, TODAY)
    return info.value


def good_rows() -> list[list[str]]:
    return [
        ["张三", ID1, "13812345678", "某某公司", "2021-06-02", "08:00-09:00"],
        ["李四", ID2, "139 0000 1111", "", "2021/6/2", "09:00~10:00"],
        ["王五", ID3, "+86 137-0000-2222", "街道办", "2021年06月03日", "10:00至11:00"],
    ]


def assert_good(check: ImportCheck) -> None:
    assert check.ok, [e.message_en for e in check.errors]
    assert [r.line for r in check.rows] == [2, 3, 4]
    a, b, c = check.rows
    assert a == BookingRow(
        line=2, name="张三", id_type="resident_id", id_number=ID1, phone="13812345678", unit="某某公司",
        day=DAY, slot="08:00-09:00", booking_no=None, product=None, birth_date=date(1949, 12, 31), sex="F",
    )  # fmt: skip
    assert (b.phone, b.day, b.slot, b.sex, b.unit) == ("13900001111", DAY, "09:00-10:00", "M", "")
    assert (c.phone, c.day, c.slot, c.birth_date, c.sex) == ("13700002222", date(2021, 6, 3), "10:00-11:00",
                                                             date(2000, 2, 29), "F")  # fmt: skip


# --- encodings and delimiters ----------------------------------------------------------------


def test_utf8_csv_english_headers(tmp_path):
    check = read_bookings(write_csv(tmp_path / "b.csv", [EN_HEADER, *good_rows()]), TODAY)
    assert_good(check)
    assert check.encoding == "utf-8"
    assert check.source == str(tmp_path / "b.csv")


def test_utf8_bom_csv_chinese_headers(tmp_path):
    check = read_bookings(write_csv(tmp_path / "b.csv", [ZH_HEADER, *good_rows()], "utf-8-sig"), TODAY)
    assert_good(check)
    assert check.encoding == "utf-8-sig"
    assert check.columns["name"] == "姓名"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_gbk_csv_chinese_headers(tmp_path, encoding):
    check = read_bookings(write_csv(tmp_path / "b.csv", [ZH_HEADER, *good_rows()], encoding), TODAY)
    assert_good(check)
    assert check.encoding == "gb18030"


def test_utf16_tab_text_from_excel(tmp_path):
    check = read_bookings(write_csv(tmp_path / "b.txt", [ZH_HEADER, *good_rows()], "utf-16", "\t"), TODAY)
    assert_good(check)
    assert check.encoding == "utf-16"


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_other_delimiters(tmp_path, delimiter):
    check = read_bookings(
        write_csv(tmp_path / "b.csv", [ZH_HEADER, *good_rows()], delimiter=delimiter), TODAY
    )
    assert_good(check)


def test_header_aliases_case_and_spaces(tmp_path):
    header = [" Name ", "ID Number", "联系电话", "单位", "日期", "时段", "证件类型", "预约号", "疫苗", "备注"]
    rows = [
        header,
        ["张三", ID1, "13812345678", "", "2021-06-02", "08:00-09:00", "居民身份证", "B001", "科兴", "x"],
        ["John Smith", "e1234567", "13812345679", "", "2021-06-02", "08:00-09:00", "护照", "", "", ""],
        [
            "陈大文",
            "H12345678",
            "13812345670",
            "",
            "2021-06-02",
            "08:00-09:00",
            "港澳居民来往内地通行证",
            "",
            "",
            "",
        ],
    ]
    check = read_bookings(write_csv(tmp_path / "b.csv", rows), TODAY)
    assert check.ok
    a, b, c = check.rows
    assert (a.id_type, a.booking_no, a.product, a.sex) == ("resident_id", "B001", "科兴", "F")
    assert (b.id_type, b.id_number, b.birth_date, b.sex, b.booking_no) == (
        "passport",
        "E1234567",
        None,
        None,
        None,
    )
    assert c.id_type == "hk_macao_permit"


@pytest.mark.parametrize(
    "value, expected",
    [("身份证", "resident_id"), ("", "resident_id"), ("台胞证", "taiwan_permit"),
     ("港澳通行证", "hk_macao_permit"), ("外国人永久居留身份证", "foreign_permanent_id"), ("其他", "other"),
     ("passport", "passport")],
)  # fmt: skip
def test_id_type_values(tmp_path, value, expected):
    number = ID1 if expected == "resident_id" else "X1234567"
    rows = [["姓名", "证件类型", "证件号码", "手机", "预约日期", "预约时段"],
            ["某人", value, number, "13812345678", "2021-06-02", "08:00-09:00"]]  # fmt: skip
    check = read_bookings(write_csv(tmp_path / "b.csv", rows), TODAY)
    assert check.ok and check.rows[0].id_type == expected


def test_title_row_above_header(tmp_path):
    rows = [["某某街道6月2日预约名单"], [], ZH_HEADER, *good_rows()]
    check = read_bookings(write_csv(tmp_path / "b.csv", rows), TODAY)
    assert check.header_line == 3
    assert [r.line for r in check.rows] == [4, 5, 6]


def test_empty_rows_ignored_and_lines_kept(tmp_path):
    rows = [ZH_HEADER, good_rows()[0], [], ["", " ", "", "", "", ""], good_rows()[1]]
    check = read_bookings(write_csv(tmp_path / "b.csv", rows), TODAY)
    assert check.ok
    assert [r.line for r in check.rows] == [2, 5]


def test_cells_stripped_and_excel_text_guard(tmp_path):
    rows = [
        ZH_HEADER,
        ["  张  三 ", f'="{ID1.lower()}"', " 13812345678 ", " 公司 ", " 2021-06-02 ", " 08:00 - 09:00 "],
    ]
    check = read_bookings(write_csv(tmp_path / "b.csv", rows), TODAY)
    assert check.ok
    r = check.rows[0]
    assert (r.name, r.id_number, r.unit, r.slot) == ("张 三", ID1, "公司", "08:00-09:00")


# --- XLSX ------------------------------------------------------------------------------------


def test_xlsx_with_date_cells_and_numeric_phones(tmp_path):
    rows = [
        ZH_HEADER,
        ["张三", ID1, 13812345678, "某某公司", datetime(2021, 6, 2), "08:00-09:00"],
        ["李四", ID2, 13900001111.0, None, date(2021, 6, 2), "09:00-10:00"],
        [None, None, None, None, None, None],
        ["王五", ID3, "13700002222", "街道办", "2021-06-03", "10:00-11:00"],
    ]
    check = read_bookings(write_xlsx(tmp_path / "b.xlsx", rows), TODAY)
    assert check.ok, [e.message_en for e in check.errors]
    assert check.encoding is None
    assert [r.line for r in check.rows] == [2, 3, 5]
    assert [r.phone for r in check.rows] == ["13812345678", "13900001111", "13700002222"]
    assert [r.day for r in check.rows] == [DAY, DAY, date(2021, 6, 3)]


def test_xlsx_numeric_ids(tmp_path):
    old15 = "110105491231002"
    rows = [
        ZH_HEADER,
        ["甲", 1.10105194912310e17, "13812345678", "", DAY, "08:00-09:00"],  # Excel float: digits lost
        ["乙", int(ID2), "13812345678", "", DAY, "08:00-09:00"],  # openpyxl too stores it as a float
        ["丙", float(old15), "13812345678", "", DAY, "08:00-09:00"],  # 15 digits fit: the old ID
        ["丁", 1.3812345678e10, 1.3812345678e10, "", DAY, "08:00-09:00"],  # a phone in the ID column
        ["戊", ID2, 13812345678, "", DAY, "08:00-09:00"],
    ]
    check = read_bookings(write_xlsx(tmp_path / "b.xlsx", rows), TODAY)
    codes = {e.line: e.code for e in check.errors}
    assert codes == {
        2: "import_id_as_number",
        3: "import_id_as_number",
        4: "id_old_15_digit",
        5: "id_bad_length",
    }
    assert "1.10105E+17" in check.errors[0].message_en
    assert [r.id_number for r in check.rows] == [ID2]


@pytest.mark.parametrize(
    "value, outcome",
    [
        (int(ID2), ID2),  # an exact integer cell written by a program keeps all digits
        (110105194912310000, "import_id_as_number"),  # 15 significant digits + zeros: Excel cut it
        (440305199005171230.0, "import_id_as_number"),  # a float never holds 18 digits
        ("1.10105E+17", "import_id_as_number"),
        (110105491231002, "110105491231002"),
        (" 11010519491231002X ", ID1),
    ],
)
def test_id_cell_numbers(value, outcome):
    try:
        got = _id_cell(value)
    except DomainError as exc:
        got = exc.code
    assert got == outcome


def test_xlsx_excel_serial_and_compact_dates(tmp_path):
    rows = [ZH_HEADER, ["甲", ID1, "13812345678", "", 44349, "08:00-09:00"],
            ["乙", ID2, "13812345678", "", 20210602, "08:00-09:00"]]  # fmt: skip
    check = read_bookings(write_xlsx(tmp_path / "b.xlsx", rows), TODAY)
    assert check.ok
    assert [r.day for r in check.rows] == [DAY, DAY]


def test_xlsx_title_row_keeps_sheet_row_numbers(tmp_path):
    rows = [
        ["预约名单"],
        [None],
        ZH_HEADER,
        good_rows()[0],
        [None],
        ["李四", ID2, "123", "", DAY, "08:00-09:00"],
    ]
    check = read_bookings(write_xlsx(tmp_path / "b.xlsx", rows), TODAY)
    assert [r.line for r in check.rows] == [4]
    assert [(e.line, e.code) for e in check.errors] == [(6, "phone_invalid")]


# --- bad rows --------------------------------------------------------------------------------


def mixed_rows() -> list[list[str]]:
    ok = good_rows()[0]
    return [
        ZH_HEADER,  # 1
        ok,  # 2
        ["坏校验", "110105194912310021", "13812345678", "", "2021-06-02", "08:00-09:00"],  # 3
        ["旧证", "110105491231002", "13812345678", "", "2021-06-02", "08:00-09:00"],  # 4
        ["", ID2, "13812345678", "", "2021-06-02", "08:00-09:00"],  # 5
        ["坏日期", ID2, "13812345678", "", "2021-02-30", "08:00-09:00"],  # 6
        ["坏时段", ID2, "13812345678", "", "2021-06-03", "09:00-08:00"],  # 7
        ["坏手机", ID2, "1381234567", "", "2021-06-04", "08:00-09:00"],  # 8
        ["张三", ID1, "13812345678", "", "2021/06/02", "10:00-11:00"],  # 9: same ID, same day as line 2
        ["张三", ID1, "13812345678", "", "2021-06-05", "10:00-11:00"],  # 10: another day, fine
        [
            "未来",
            make_resident_id("110105", date(2022, 1, 1), 1),
            "13812345678",
            "",
            "2021-06-02",
            "08:00-09:00",
        ],  # 11
        ["地区", "99010519491231002X", "13812345678", "", "2021-06-02", "08:00-09:00"],  # 12
        ["多错", "abc", "", "", "明天", "上午"],  # 13
    ]


def test_mixed_bad_rows(tmp_path):
    check = read_bookings(write_csv(tmp_path / "b.csv", mixed_rows()), TODAY)
    assert not check.ok
    got = {e.line: e.code for e in check.errors}
    assert got == {
        3: "id_bad_checksum",
        4: "id_old_15_digit",
        5: "import_missing_field",
        6: "import_bad_date",
        7: "import_bad_slot",
        8: "phone_invalid",
        9: "import_duplicate",
        11: "id_birth_in_future",
        12: "id_bad_region",
        13: "import_missing_field",
    }
    assert [r.line for r in check.rows] == [2, 10]
    # rows and errors together cover every data line exactly once
    lines = sorted([r.line for r in check.rows] + [e.line for e in check.errors])
    assert lines == list(range(2, 14))


def test_error_details(tmp_path):
    check = read_bookings(write_csv(tmp_path / "b.csv", mixed_rows()), TODAY)
    by_line = {e.line: e for e in check.errors}
    dup = by_line[9]
    assert "2" in dup.message_zh and "line 2" in dup.message_en
    assert dup.raw["姓名"] == "张三" and dup.raw["预约日期"] == "2021/06/02"
    missing = by_line[5]
    assert "姓名" in missing.message_zh
    many = by_line[13]
    assert many.codes == ("import_missing_field", "id_bad_chars", "import_bad_date", "import_bad_slot")
    assert many.message_zh.count("；") == 3
    assert "110105194912310021" not in by_line[3].message_zh  # IDs are masked in messages


def test_unknown_id_type(tmp_path):
    rows = [["姓名", "证件类型", "证件号码", "手机号", "预约日期", "预约时段"],
            ["某人", "驾驶证", "E1234567", "13812345678", "2021-06-02", "08:00-09:00"],
            ["某人", "护照", "E1", "13812345678", "2021-06-02", "08:00-09:00"]]  # fmt: skip
    check = read_bookings(write_csv(tmp_path / "b.csv", rows), TODAY)
    assert [(e.line, e.code) for e in check.errors] == [(2, "doc_unknown_type"), (3, "doc_bad_format")]


def test_id_as_number_in_csv(tmp_path):
    rows = [ZH_HEADER, ["甲", "1.10105E+17", "1.3812345678E+10", "", "2021-06-02", "08:00-09:00"]]
    check = read_bookings(write_csv(tmp_path / "b.csv", rows), TODAY)
    assert check.errors[0].codes == ("import_id_as_number",)  # the phone in that form was exact


def test_ok_false_whenever_any_row_bad(tmp_path):
    rows = [ZH_HEADER, *good_rows(), ["坏", ID1, "1", "", "2021-06-09", "08:00-09:00"]]
    check = read_bookings(write_csv(tmp_path / "b.csv", rows), TODAY)
    assert len(check.rows) == 3 and len(check.errors) == 1
    assert check.ok is False


# --- broken files ----------------------------------------------------------------------------


def test_binary_garbage(tmp_path):
    p = tmp_path / "b.csv"
    p.write_bytes(bytes(range(256)) * 20)
    assert refused(p).code == "import_unreadable"


def test_undecodable_text(tmp_path):
    p = tmp_path / "b.csv"
    p.write_bytes("姓名,身份证号\n".encode() + b"\x81\x30\xff\xfe\x80\n")
    assert refused(p).code == "import_unreadable"


def test_empty_file(tmp_path):
    p = tmp_path / "b.csv"
    p.write_bytes(b"")
    assert refused(p).code == "import_empty"


def test_header_only(tmp_path):
    assert refused(write_csv(tmp_path / "b.csv", [ZH_HEADER, [], ["", ""]])).code == "import_empty"
    assert refused(write_xlsx(tmp_path / "b.xlsx", [ZH_HEADER])).code == "import_empty"


def test_no_header(tmp_path):
    assert refused(write_csv(tmp_path / "b.csv", [good_rows()[0]])).code == "import_no_header"


def test_missing_column(tmp_path):
    header = ["姓名", "身份证号", "工作单位", "预约日期", "预约时段"]
    err = refused(write_csv(tmp_path / "b.csv", [header, ["张三", ID1, "", "2021-06-02", "08:00-09:00"]]))
    assert err.code == "import_missing_column"
    assert err.facts["column"] == "phone"
    assert "手机号" in err.message("zh") and "phone" in err.message("en")


def test_truncated_xlsx(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", [ZH_HEADER, *good_rows()])
    data = good.read_bytes()
    p = tmp_path / "b.xlsx"
    p.write_bytes(data[: len(data) // 2])
    assert refused(p).code == "import_unreadable"


def test_xlsx_name_but_not_xlsx(tmp_path):
    p = tmp_path / "b.xlsx"
    p.write_text("not a workbook")
    assert refused(p).code == "import_unreadable"


def test_old_xls(tmp_path):
    p = tmp_path / "b.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    assert refused(p).code == "import_unreadable"


def test_missing_file(tmp_path):
    assert refused(tmp_path / "nope.csv").code == "import_unreadable"


def test_file_errors_render_in_both_languages(tmp_path):
    p = tmp_path / "b.csv"
    p.write_bytes(b"")
    err = refused(p)
    assert "b.csv" in err.message("zh") and "b.csv" in err.message("en")


# --- rejects file ----------------------------------------------------------------------------


def test_write_rejects(tmp_path):
    check = read_bookings(write_csv(tmp_path / "b.csv", mixed_rows()), TODAY)
    out = tmp_path / "b.csv.rejects.csv"
    write_rejects(check.errors, out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == ["line", "code", "reason", "reason_en", *ZH_HEADER]
    assert [int(r[0]) for r in table[1:]] == [e.line for e in check.errors]
    row3 = next(r for r in table if r[0] == "3")
    assert row3[1] == "id_bad_checksum" and "校验位" in row3[2] and "check digit" in row3[3]
    assert row3[5] == '="110105194912310021"'  # long digit strings stay text in Excel


def test_fixed_rejects_file_imports_again(tmp_path):
    check = read_bookings(write_csv(tmp_path / "b.csv", mixed_rows()), TODAY)
    out = tmp_path / "rejects.csv"
    write_rejects([e for e in check.errors if e.line == 8], out)
    text = out.read_text("utf-8-sig").replace("1381234567,", "13812345678,")
    out.write_text(text, "utf-8-sig")
    again = read_bookings(out, TODAY)
    assert again.ok and again.rows[0].name == "坏手机" and again.rows[0].phone == "13812345678"


# --- field parsers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["2021-06-02", "2021/06/02", "2021/6/2", "2021年06月02日", "2021年6月2日", "20210602",
     "２０２１－０６－０２", "2021-06-02 00:00:00", datetime(2021, 6, 2, 0, 0), date(2021, 6, 2),
     44349, 44349.0, 20210602],
)  # fmt: skip
def test_parse_day(value):
    assert parse_day(value) == DAY


@pytest.mark.parametrize("value", ["", "2021-02-30", "02/06/2021", "6月2日", "tomorrow", "2021-06", "202162"])
def test_parse_day_refused(value):
    with pytest.raises(DomainError) as info:
        parse_day(value)
    assert info.value.code == "import_bad_date"


@pytest.mark.parametrize(
    "value, slot",
    [("08:00-09:00", "08:00-09:00"), ("8:00-9:30", "08:00-09:30"), ("08:00~09:00", "08:00-09:00"),
     ("08:00至09:00", "08:00-09:00"), ("08：00－09：00", "08:00-09:00"), ("08:00～09:00", "08:00-09:00"),
     ("08:00 - 09:00", "08:00-09:00"), ("13:30–14:00", "13:30-14:00"), ("08:00到09:00", "08:00-09:00")],
)  # fmt: skip
def test_parse_slot(value, slot):
    assert parse_slot(value) == slot


@pytest.mark.parametrize(
    "value", ["", "08:00", "09:00-08:00", "08:00-08:00", "25:00-26:00", "08:60-09:00", "上午"]
)
def test_parse_slot_refused(value):
    with pytest.raises(DomainError) as info:
        parse_slot(value)
    assert info.value.code == "import_bad_slot"


# --- property: what is written is what is read -----------------------------------------------

people = st.tuples(
    st.text(alphabet="张王李赵刘陈杨黄吴周徐孙马朱胡郭何林高罗明华丽娜伟强", min_size=2, max_size=4),
    st.dates(min_value=date(1920, 1, 1), max_value=TODAY),
    st.integers(0, 999),
    st.integers(3, 9),
    st.integers(0, 99_999_999),
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(people, min_size=1, max_size=8, unique_by=lambda p: (p[1], p[2])),
       st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))  # fmt: skip
def test_round_trip(tmp_path, persons, encoding):
    rows = [ZH_HEADER]
    for name, birth, seq, second, tail in persons:
        rows.append([name, make_resident_id("320102", birth, seq), f"1{second}{tail:09d}", "", "2021-06-02",
                     "08:00-09:00"])  # fmt: skip
    check = read_bookings(write_csv(tmp_path / f"rt-{encoding}.csv", rows, encoding), TODAY)
    assert check.ok
    assert [(r.name, r.id_number, r.phone) for r in check.rows] == [(r[0], r[1], r[2]) for r in rows[1:]]
    assert [r.birth_date for r in check.rows] == [p[1] for p in persons]


# --- messages --------------------------------------------------------------------------------


def test_import_messages_complete():
    data = tomllib.loads((resource_dir() / "messages" / "import.toml").read_text("utf-8"))
    assert set(data) == {"import_unreadable", "import_no_header", "import_missing_column", "import_empty",
                         "import_missing_field", "import_bad_date", "import_bad_slot", "import_duplicate",
                         "import_id_as_number", "import_name_mismatch",
                         "import_name_mismatch_stored", "import_too_large", "import_too_many_rows",
                         "import_line_too_long", "import_cell_too_long", "import_xlsx_members",
                         "import_xlsx_too_large", "import_xlsx_ratio"}  # fmt: skip
    for code, texts in data.items():
        assert set(texts) == {"zh", "en"}, code
        assert placeholders(texts["zh"]) == placeholders(texts["en"]), code


# --- the same ID number under another name (issue #11) ------------------------------------------


def test_a_name_that_differs_for_the_same_id_in_one_file_is_a_bad_row(tmp_path):
    rows = [
        ZH_HEADER,
        ["张三", ID1, "13812345678", "", "2021-06-02", "08:00-09:00"],
        ["李四", ID2, "13812345678", "", "2021-06-02", "08:00-09:00"],
        ["张叁", ID1, "13812345678", "", "2021-06-03", "08:00-09:00"],  # another day, another name
        ["张 三", ID1, "13812345678", "", "2021-06-04", "08:00-09:00"],  # the same name, spaced
        ["张四", ID1, "13812345678", "", "2021-06-02", "09:00-10:00"],  # same day too: both reasons
    ]
    check = read_bookings(write_csv(tmp_path / "b.csv", rows), TODAY)
    assert [r.line for r in check.rows] == [2, 3, 5]
    by_line = {e.line: e for e in check.errors}
    assert by_line[4].codes == ("import_name_mismatch",)
    assert "张三" in by_line[4].message_zh and "张叁" in by_line[4].message_zh
    assert "第 2 行" in by_line[4].message_zh and "line 2" in by_line[4].message_en
    assert ID1 not in by_line[4].message_zh  # masked
    assert by_line[6].codes == ("import_duplicate", "import_name_mismatch")


def test_a_name_that_differs_from_the_one_stored_is_a_bad_row(tmp_path, store):
    from station import bookings

    bookings.add_booking(
        store,
        bookings.person_record(name="张三", id_number=ID1, phone="13812345678", today=TODAY),
        DAY,
        "08:00-09:00",
        staff_id="admin1",
    )
    rows = [
        ZH_HEADER,
        ["张叁", ID1, "13812345678", "", "2021-06-02", "08:00-09:00"],  # booked as 张三 already
        ["李四", ID2, "13812345678", "", "2021-06-02", "08:00-09:00"],  # nobody knows this one yet
    ]
    path = write_csv(tmp_path / "b.csv", rows)
    assert read_bookings(path, TODAY).ok  # the file alone says nothing about the station
    check = read_bookings(path, TODAY, store=store)
    assert [(e.line, e.codes) for e in check.errors] == [(2, ("import_name_mismatch_stored",))]
    assert "张三" in check.errors[0].message_zh and "张叁" in check.errors[0].message_zh
    assert "recorded here" in check.errors[0].message_en
    assert [r.line for r in check.rows] == [3]
    again = write_csv(tmp_path / "again.csv", [ZH_HEADER, ["张三", ID1, "13812345678", "", "2021-06-02",
                                                           "08:00-09:00"]])  # fmt: skip
    assert read_bookings(again, TODAY, store=store).ok  # the same name: the file imports again safely


def test_the_import_command_refuses_a_name_that_differs(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}

    def station(*args: str) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "station.cli", "--data", str(tmp_path / "d"), "--lang", "en", *args]
        return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)

    admin = ("--staff", "boss", "--pin", "2468")  # an import logs the admin in (#13)
    assert (
        station("staff", "add", "boss", "--name", "站长", "--role", "admin", "--pin", "2468").returncode == 0
    )
    first = write_csv(tmp_path / "first.csv", [ZH_HEADER, ["张三", ID1, "13812345678", "", "2026-11-26",
                                                           "08:00-09:00"]])  # fmt: skip
    out = station("import-bookings", str(first), *admin)
    assert out.returncode == 0, out.stderr
    second = write_csv(tmp_path / "second.csv", [ZH_HEADER, ["张叁", ID1, "13812345678", "", "2026-11-27",
                                                             "08:00-09:00"]])  # fmt: skip
    out = station("import-bookings", str(second))
    assert out.returncode == 1
    assert "Line 2" in out.stderr and "张三" in out.stderr and "张叁" in out.stderr
    out = station("import-bookings", "--skip-bad", str(second), *admin)
    assert out.returncode == 0 and "1 rows rejected" in out.stdout


# --- found by fuzzing (tests/test_fuzz.py, bench/fuzz/run.py) -----------------------------------


@pytest.mark.parametrize("value", ["1e999999999", "9E+40", "inf"])
def test_huge_or_infinite_numbers_in_the_id_column_are_bad_rows_quickly(tmp_path, value):
    rows = [ZH_HEADER, ["张三", value, "13812345678", "", "2021-06-02", "08:00-09:00"]]
    check = read_bookings(write_csv(tmp_path / "b.csv", rows), TODAY)
    assert len(check.errors) == 1 and not check.rows


def test_an_infinite_float_cell_in_xlsx_is_a_bad_row(tmp_path):
    rows = [
        ZH_HEADER,
        ["张三", float("1.7976931348623157e+308") * 10, 13812345678, "", "2021-06-02", "08:00-09:00"],
    ]
    check = read_bookings(write_xlsx(tmp_path / "b.xlsx", rows), TODAY)
    assert len(check.errors) == 1 and not check.rows


def test_a_lone_utf8_bom_byte_is_unreadable_not_a_crash(tmp_path):
    path = tmp_path / "b.csv"
    path.write_bytes(b"\xef")
    assert refused(path).code == "import_unreadable"


def test_a_workbook_without_sheets_is_unreadable(tmp_path):
    import zipfile

    src = write_xlsx(tmp_path / "a.xlsx", [ZH_HEADER])
    out = tmp_path / "b.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/workbook.xml":
                data = re.sub(rb"<sheet [^>]*>", b"", data)
                assert b"<sheet " not in data, data
            zout.writestr(info, data)
    assert refused(out).code == "import_unreadable"


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), "1e999999999"])
def test_id_cell_of_an_infinite_or_enormous_number(value):
    """int(Decimal('Infinity')) raised OverflowError; 1e999999999 built a billion digits."""
    with pytest.raises(DomainError) as info:
        _id_cell(value)
    assert info.value.code == "import_id_as_number"
