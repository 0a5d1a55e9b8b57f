"""Pack codes and receiving: typed, by the 20-digit traceability code, by a GS1 DataMatrix read from
a generated image; each malformation refused with its reason; a carton received once."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from station import packcodes, stock
from station.scan.decoders import read_pack_codes
from tests.conftest import DAY
from tests.domainkit import refused, snapshot

pytestmark = pytest.mark.usefixtures("fast_pins")

BBIBP = "sinopharm_bbibp"
GTIN = "06903561000011"  # BBIBP's vial GTIN in resources/rules/stock.toml
TRACE = "81600010000000011234"  # 8160001 (BBIBP's product code) + serial 000000001 + check 1234
EXPIRY = date(2027, 6, 30)


def _datamatrix(text_hri: str) -> np.ndarray:
    """A GS1 DataMatrix of the element string, as a camera would see it: white border, BGR."""
    import zxingcpp

    symbol = zxingcpp.create_barcode(text_hri, zxingcpp.BarcodeFormat.DataMatrix, gs1=True)
    gray = np.array(symbol.to_image(scale=6))
    framed = np.pad(gray, 40, constant_values=255)
    return np.dstack([framed] * 3)


# --- parsing -----------------------------------------------------------------------------------------


def test_the_20_digit_code_splits_into_product_code_serial_and_check():
    pack = packcodes.parse(" 8160-0010-0000-0001-1234 ")
    assert (pack.kind, pack.product_code, pack.serial, pack.check) == (
        packcodes.TRACE,
        "8160001",
        "000000001",
        "1234",
    )
    assert pack.key == TRACE


@pytest.mark.parametrize(
    "text",
    [
        packcodes.gs1_text(GTIN, "AB12", EXPIRY, "S1"),
        "]d2" + packcodes.gs1_text(GTIN, "AB12", EXPIRY, "S1"),
        packcodes.gs1_text(GTIN, "AB12", EXPIRY, "S1").replace("\x1d", "<GS>"),
        packcodes.gs1_hri(GTIN, "AB12", EXPIRY, "S1"),
        "(01)06903561000011(17)270600(10)ab12(21)S1",  # day 00: the end of the month; lot upper-cased
    ],
)
def test_every_form_of_a_gs1_code_gives_the_same_fields(text):
    pack = packcodes.parse(text)
    assert (pack.kind, pack.gtin, pack.lot_no, pack.expiry, pack.serial) == (
        packcodes.GS1,
        GTIN,
        "AB12",
        EXPIRY,
        "S1",
    )
    assert pack.key == f"01{GTIN}21S1"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("   ", "code_empty"),
        ("8160001000000001123", "trace_code_length"),  # 19 digits
        ("816000100000000112345", "trace_code_length"),  # 21 digits
        ("8160001000000001123X", "trace_code_not_digits"),
        ("hello world", "code_unrecognised"),
        ("0106903561000012", "gs1_check_digit"),  # GTIN check digit 2, should be 1
        ("(01)06903561000011(17)271301(10)AB", "gs1_malformed"),  # month 13
        ("(01)0690356100", "gs1_malformed"),  # a GTIN too short
        ("(17)270630(10)AB12", "gs1_gtin_missing"),
        ("]Q1" + "0106903561000011", "gs1_not_gs1"),  # a QR code's identifier, not GS1
    ],
)
def test_a_malformed_code_is_refused_with_its_reason(text, code):
    with refused(code):
        packcodes.parse(text)


def test_a_datamatrix_read_from_an_image_gives_the_element_string():
    image = _datamatrix(packcodes.gs1_hri(GTIN, "DM01", EXPIRY, "C0042"))
    texts = read_pack_codes(image)
    assert texts == ["]d2" + packcodes.gs1_text(GTIN, "DM01", EXPIRY, "C0042")]
    assert packcodes.parse(texts[0]).lot_no == "DM01"


def test_a_rectangular_datamatrix_is_read_as_gs1_too():
    """zxing-cpp draws this element string as an 8x64 DMRE symbol and names it "]d8"."""
    image = _datamatrix(packcodes.gs1_hri(GTIN, "202611A", EXPIRY, "C0001"))
    (text,) = read_pack_codes(image)
    assert text == "]d2" + packcodes.gs1_text(GTIN, "202611A", EXPIRY, "C0001")
    assert packcodes.parse(text).lot_no == "202611A"


# --- receiving ---------------------------------------------------------------------------------------


def test_receiving_typed_records_the_delivery_note_manufacturer_and_fridge(store):
    row = stock.receive(
        store, staff_id="admin1", lot_no=" t01 ", product=BBIBP, expiry=DAY + timedelta(days=60), vials=30,
        delivery_note="PS-20261126-01", manufacturer="北京生物", fridge="coldbox1",
    )  # fmt: skip
    assert (row["lot_no"], row["doses_received"], row["doses_left"], row["status"]) == ("T01", 30, 30, "ok")
    assert (row["manufacturer"], row["fridge"]) == ("北京生物", "coldbox1")
    receipt = stock.receipts(store, "T01")[0]
    assert (receipt["delivery_note"], receipt["staff_id"], receipt["carton_code"]) == (
        "PS-20261126-01",
        "admin1",
        None,
    )


def test_receiving_by_the_20_digit_code_maps_the_product_and_needs_the_lot_typed(store):
    with refused("lot_missing"):
        stock.receive(store, staff_id="admin1", code=TRACE, expiry=EXPIRY, vials=20)
    row = stock.receive(store, staff_id="admin1", code=TRACE, lot_no="T20", expiry=EXPIRY, delivery_note="D1")
    assert (row["product"], row["vials_received"]) == (BBIBP, 20)  # carton_vials of the rules
    assert stock.receipts(store, "T20")[0]["carton_code"] == TRACE


def test_receiving_by_a_datamatrix_scan_fills_product_lot_and_expiry(store):
    scanned = read_pack_codes(_datamatrix(packcodes.gs1_hri(GTIN, "DM02", EXPIRY, "C0001")))[0]
    row = stock.receive(store, staff_id="admin1", code=scanned, vials=12, delivery_note="D2")
    assert (row["lot_no"], row["product"], row["expiry"], row["doses_received"]) == (
        "DM02",
        BBIBP,
        "2027-06-30",
        12,
    )
    assert stock.read_code(scanned)["product"] == BBIBP


def test_the_same_carton_twice_is_refused_and_changes_nothing(store):
    stock.receive(store, staff_id="admin1", code=TRACE, lot_no="T20", expiry=EXPIRY, vials=20)
    before = snapshot(store)
    with refused("carton_already_received", carton=TRACE):
        stock.receive(store, staff_id="admin1", code=TRACE, lot_no="T20", expiry=EXPIRY, vials=20)
    gs1 = packcodes.gs1_hri(GTIN, "DM03", EXPIRY, "C7")
    stock.receive(store, staff_id="admin1", code=gs1, vials=20)
    with refused("carton_already_received"):
        stock.receive(store, staff_id="admin1", code="]d2" + packcodes.gs1_text(GTIN, "DM03", EXPIRY, "C7"))
    assert snapshot(store)["events"] == before["events"] + 1


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        (
            {"code": "81699990000000011234", "lot_no": "X", "expiry": EXPIRY, "vials": 1},
            "code_unknown_product",
        ),
        ({"code": packcodes.gs1_hri("06903561000059", "X", EXPIRY, "1")}, "code_unknown_product"),
        (
            {"code": TRACE, "product": "sinovac_coronavac", "lot_no": "X", "expiry": EXPIRY},
            "code_wrong_product",
        ),
        ({"code": packcodes.gs1_hri(GTIN, "X1", EXPIRY, "1"), "lot_no": "X2"}, "code_lot_mismatch"),
        (
            {"code": packcodes.gs1_hri(GTIN, "X1", EXPIRY, "1"), "expiry": date(2027, 1, 1)},
            "code_expiry_mismatch",
        ),
        ({"code": packcodes.gs1_hri(GTIN, "X1", EXPIRY)}, "gs1_serial_missing"),
        ({"lot_no": "X", "expiry": EXPIRY, "vials": 1}, "product_missing"),
        ({"lot_no": "X", "product": BBIBP, "vials": 1}, "expiry_missing"),
        ({"lot_no": "X", "product": BBIBP, "expiry": EXPIRY, "vials": 0}, "vials_not_positive"),
        (
            {"lot_no": "X", "product": BBIBP, "expiry": EXPIRY, "vials": 1, "fridge": "garage"},
            "fridge_unknown",
        ),
        ({"lot_no": "X", "product": "no_such", "expiry": EXPIRY, "vials": 1}, "product_unknown"),
        (
            {"lot_no": "LOT-A", "product": BBIBP, "expiry": EXPIRY, "vials": 1},
            "lot_mismatch",
        ),  # another expiry
    ],
)
def test_receiving_refusals(store, kw, code):
    before = snapshot(store)
    with refused(code):
        stock.receive(store, staff_id="admin1", **kw)
    assert snapshot(store) == before


def test_only_the_admin_receives(store):
    with refused("not_permitted"):
        stock.receive(store, staff_id="vac1", lot_no="X", product=BBIBP, expiry=EXPIRY, vials=1)


def test_the_stock_rules_are_checked(tmp_path):
    import shutil

    from station.paths import resource_dir

    folder = tmp_path / "rules"
    shutil.copytree(resource_dir() / "rules", folder)
    text = (folder / "stock.toml").read_text(encoding="utf-8")
    (folder / "stock.toml").write_text(text.replace('"06903561000011"', '"06903561000012"'), encoding="utf-8")
    with refused("rules_invalid"):
        stock.load_stock_rules(folder)
    (folder / "stock.toml").write_text(
        text.replace("[products.cansino_ad5]", "[products.nope]"), encoding="utf-8"
    )
    with refused("rules_invalid"):
        stock.load_stock_rules(folder)
    (folder / "stock.toml").write_text(text, encoding="utf-8")
    assert stock.load_stock_rules(folder).product(BBIBP).carton_vials == 20
