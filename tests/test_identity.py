"""Resident ID, other documents, mobile numbers, masking."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.errors import DomainError
from station.identity import (
    DOC_TYPES,
    PROVINCE_PREFIXES,
    ResidentId,
    age_on,
    check_digit,
    check_resident_id,
    is_mobile,
    make_resident_id,
    mask_id,
    mask_name,
    mask_phone,
    normalize_id,
    normalize_mobile,
    parse_document,
    parse_mobile,
    parse_resident_id,
)
from station.messages import placeholders
from station.paths import resource_dir

TODAY = date(2021, 6, 1)


def code_of(fn, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as info:
        fn(*args, **kwargs)
    return info.value.code


# --- valid IDs -------------------------------------------------------------------------------


def test_standard_example_is_valid():
    rid = parse_resident_id("11010519491231002X", TODAY)
    assert rid == ResidentId("11010519491231002X", "110105", date(1949, 12, 31), "F")


def test_check_digit_worked_example():
    # 1*7+1*9+0*10+1*5+0*8+5*4+1*2+9*1+4*6+9*3+1*7+2*9+3*10+1*5+0*8+0*4+2*2 = 167; 167 % 11 = 2 -> "X"
    assert check_digit("11010519491231002") == "X"
    # 4*7+4*9+0+3*5+0+5*4+1*2+9*1+9*6+0+0+5*9+1*10+7*5+1*8+2*4+3*2 = 276; 276 % 11 = 1 -> "0"
    assert check_digit("44030519900517123") == "0"
    assert parse_resident_id("440305199005171230", TODAY).sex == "M"


def test_check_digit_needs_17_digits():
    with pytest.raises(ValueError):
        check_digit("1234")
    with pytest.raises(ValueError):
        check_digit("1101051949123100X")


@pytest.mark.parametrize(
    "text",
    [
        "11010519491231002x",
        "  11010519491231002X\t",
        "１１０１０５１９４９１２３１００２Ｘ",
        "１１０１０５１９４９１２３１００２ｘ",
        "\u300011010519491231002X\u3000",  # ideographic spaces
    ],
)
def test_normalisation(text):
    assert normalize_id(text) == "11010519491231002X"
    assert parse_resident_id(text, TODAY).number == "11010519491231002X"


@pytest.mark.parametrize(
    "prefix", ["11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65", "71", "81", "82", "83"]
)
def test_every_province_prefix_accepted(prefix):
    number = make_resident_id(prefix + "0101", date(1980, 1, 1), 1)
    assert parse_resident_id(number, TODAY).region == prefix + "0101"


def test_province_list_is_exact():
    expected = {*map(str, range(11, 16)), *map(str, range(21, 24)), *map(str, range(31, 38))}
    expected |= {*map(str, range(41, 47)), *map(str, range(50, 55)), *map(str, range(61, 66))}
    expected |= {"71", "81", "82", "83"}
    assert PROVINCE_PREFIXES == expected


def test_born_today_and_in_1900_are_fine():
    assert parse_resident_id(make_resident_id("110105", TODAY, 1), TODAY).birth_date == TODAY
    assert parse_resident_id(make_resident_id("110105", date(1900, 1, 1), 1), TODAY).birth_date.year == 1900


def test_leap_day_birth():
    assert parse_resident_id(make_resident_id("110105", date(2000, 2, 29), 1), TODAY).birth_date == date(
        2000, 2, 29
    )


def test_today_defaults_to_real_today():
    assert parse_resident_id("11010519491231002X").birth_date == date(1949, 12, 31)


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "id_empty"),
        ("   ", "id_empty"),
        ("1101051949123100", "id_bad_length"),
        ("1101051949123100211", "id_bad_length"),
        ("11010519491231002Y", "id_bad_chars"),
        ("1101051949 1231002X", "id_bad_chars"),
        ("X10105194912310021", "id_bad_chars"),
        ("110105491231002", "id_old_15_digit"),
        ("00010519491231002X", "id_bad_region"),
        ("99010519491231002X", "id_bad_region"),
        ("16010519491231002X", "id_bad_region"),
        ("72010519491231002X", "id_bad_region"),
        (make_resident_id("110105", date(2000, 1, 1), 1)[:6] + "20010229" + "0011", "id_bad_birth_date"),
        ("110105194913310021", "id_bad_birth_date"),
        ("110105194900000021", "id_bad_birth_date"),
        (make_resident_id("110105", date(1899, 12, 31), 1), "id_bad_birth_date"),
        (make_resident_id("110105", date(2021, 6, 2), 1), "id_birth_in_future"),
        ("110105194912310021", "id_bad_checksum"),
    ],
)
def test_refusal_codes(text, code):
    assert code_of(parse_resident_id, text, TODAY) == code
    assert check_resident_id(text, TODAY) == (None, code)


def test_refusal_masks_the_number():
    with pytest.raises(DomainError) as info:
        parse_resident_id("110105194912310021", TODAY)
    assert info.value.facts["id"] == "110105********0021"
    assert "110105194912310021" not in info.value.message("zh")
    assert "110105194912310021" not in info.value.message("en")


def test_check_resident_id_ok():
    rid, code = check_resident_id("11010519491231002X", TODAY)
    assert code is None and rid is not None and rid.sex == "F"


def test_messages_render_in_both_languages():
    with pytest.raises(DomainError) as info:
        parse_resident_id("11010519491231002Y", TODAY)
    assert "身份证号" in info.value.message("zh")
    assert "ID number" in info.value.message("en")


# --- make / properties -----------------------------------------------------------------------

regions = st.sampled_from(sorted(PROVINCE_PREFIXES)).flatmap(
    lambda p: st.integers(0, 9999).map(lambda n: f"{p}{n:04d}")
)
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
seqs = st.integers(0, 999)


@given(regions, births, seqs)
def test_made_id_parses_back(region, birth, seq):
    number = make_resident_id(region, birth, seq)
    rid = parse_resident_id(number, TODAY)
    assert (rid.number, rid.region, rid.birth_date) == (number, region, birth)
    assert rid.sex == ("M" if seq % 2 else "F")
    assert int(number[14:17]) == seq


@given(regions, births, seqs, st.integers(0, 17), st.integers(1, 10))
def test_any_single_character_change_is_detected(region, birth, seq, pos, shift):
    number = make_resident_id(region, birth, seq)
    alphabet = "0123456789X" if pos == 17 else "0123456789"
    old = alphabet.index(number[pos])
    new = alphabet[(old + shift) % len(alphabet)]
    if new == number[pos]:
        return
    changed = number[:pos] + new + number[pos + 1 :]
    parsed, code = check_resident_id(changed, TODAY)
    assert parsed is None
    assert code is not None


@given(regions, births, seqs, st.integers(0, 16))
def test_every_adjacent_transposition_is_detected(region, birth, seq, pos):
    number = make_resident_id(region, birth, seq)
    a, b = number[pos], number[pos + 1]
    if a == b:
        return
    swapped = number[:pos] + b + a + number[pos + 2 :]
    # Inside the 17 digits: adjacent weights differ mod 11 and 11 is prime, so the sum changes.
    # Last digit d with check c: a valid ID has S + 2d + c = 1 (mod 11); the swap stays valid only
    # if S + 2c + d = 1 too, i.e. d = c (mod 11), which is no swap at all. X (10) in front is refused.
    parsed, code = check_resident_id(swapped, TODAY)
    assert parsed is None
    if pos == 16 and "X" not in (a, b):
        assert code == "id_bad_checksum"


@given(st.integers(0, 999))
def test_sex_parity(seq):
    rid = parse_resident_id(make_resident_id("320102", date(1975, 7, 7), seq), TODAY)
    assert rid.sex == ("M" if seq % 2 == 1 else "F")


def test_make_resident_id_rejects_bad_input():
    with pytest.raises(ValueError):
        make_resident_id("1101", date(1980, 1, 1), 1)
    with pytest.raises(ValueError):
        make_resident_id("110105", date(1980, 1, 1), 1000)


# --- age -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "birth, day, age",
    [
        (date(1990, 5, 17), date(2021, 5, 16), 30),
        (date(1990, 5, 17), date(2021, 5, 17), 31),
        (date(1990, 5, 17), date(1990, 5, 17), 0),
        (date(2000, 2, 29), date(2021, 2, 28), 20),
        (date(2000, 2, 29), date(2021, 3, 1), 21),
        (date(2000, 2, 29), date(2024, 2, 28), 23),
        (date(2000, 2, 29), date(2024, 2, 29), 24),
        (date(2003, 6, 2), date(2021, 6, 1), 17),
        (date(2003, 6, 1), date(2021, 6, 1), 18),
    ],
)
def test_age_on(birth, day, age):
    assert age_on(birth, day) == age


def test_age_before_birth_is_an_error():
    with pytest.raises(ValueError):
        age_on(date(2021, 1, 2), date(2021, 1, 1))


# --- mobile ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "13812345678",
        " 138 1234 5678 ",
        "138-1234-5678",
        "+8613812345678",
        "+86 138 1234 5678",
        "008613812345678",
        "8613812345678",
        "１３８１２３４５６７８",
    ],
)
def test_mobile_normalised(text):
    assert normalize_mobile(text) == "13812345678"
    assert is_mobile(text)
    assert parse_mobile(text) == "13812345678"


@pytest.mark.parametrize(
    "text", ["", "1381234567", "138123456789", "12812345678", "23812345678", "010-12345678", "1381234567a"]
)
def test_mobile_refused(text):
    assert not is_mobile(text)
    assert code_of(parse_mobile, text) == "phone_invalid"


def test_mobile_prefixes_1_3_to_1_9():
    for second in "3456789":
        assert is_mobile(f"1{second}012345678")


# --- other documents -------------------------------------------------------------------------


def test_parse_document_resident_id():
    assert parse_document("resident_id", "11010519491231002x", TODAY) == ("resident_id", "11010519491231002X")
    assert code_of(parse_document, "resident_id", "110105194912310021", TODAY) == "id_bad_checksum"


@pytest.mark.parametrize("doc_type", [t for t in DOC_TYPES if t != "resident_id"])
def test_parse_document_other(doc_type):
    assert parse_document(doc_type, "  e12345678 ", TODAY) == (doc_type, "E12345678")
    assert parse_document(doc_type, "H-1234567") == (doc_type, "H-1234567")
    assert code_of(parse_document, doc_type, "E123") == "doc_bad_format"
    assert code_of(parse_document, doc_type, "E" * 21) == "doc_bad_format"
    assert code_of(parse_document, doc_type, "E1234 5678") == "doc_bad_format"
    assert code_of(parse_document, doc_type, "") == "id_empty"


def test_parse_document_unknown_type():
    assert code_of(parse_document, "driving_licence", "E12345678") == "doc_unknown_type"


# --- masking ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number, masked",
    [
        ("11010519491231002X", "110105********002X"),
        ("E12345678", "E1*****78"),
        ("AB12", "***2"),
        ("A1", "*1"),
        ("", ""),
        ("110105491231002", "11***********02"),
    ],
)
def test_mask_id(number, masked):
    assert mask_id(number) == masked


def test_mask_phone():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("12345") == "***45"
    assert mask_phone("") == ""


@pytest.mark.parametrize(
    "name, masked",
    [
        ("张三", "张*"),
        ("张", "张*"),
        ("欧阳娜娜", "欧***"),
        ("阿依古丽·买买提", "阿***·***"),
        ("John Smith", "J*** S****"),
        ("", ""),
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


# --- messages --------------------------------------------------------------------------------


def test_identity_messages_complete():
    data = tomllib.loads((resource_dir() / "messages" / "identity.toml").read_text("utf-8"))
    codes = {
        "id_empty",
        "id_bad_length",
        "id_bad_chars",
        "id_old_15_digit",
        "id_bad_region",
        "id_bad_birth_date",
        "id_birth_in_future",
        "id_bad_checksum",
        "doc_unknown_type",
        "doc_bad_format",
        "phone_invalid",
    }
    assert set(data) == codes
    for code, texts in data.items():
        assert set(texts) == {"zh", "en"}, code
        assert placeholders(texts["zh"]) == placeholders(texts["en"]), code
