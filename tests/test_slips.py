"""The observation slip: built from a real visit, read back from the PDF, its QR decoded from a render."""

from __future__ import annotations

import errno
import io
import os
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pdfplumber
import pytest
from reportlab.lib.units import mm

from station import bookings, pdf, signin, slips
from station.identity import mask_id
from station.rules import PastDose
from station.settings import Settings
from tests.conftest import DAY, new_person
from tests.domainkit import (
    RULES,
    answers,
    do_aefi,
    do_inject,
    do_observe,
    do_screen,
    do_sign_in,
    drive,
    refused,
)

pytestmark = pytest.mark.usefixtures("fast_pins")

SITE = "朝阳区XX街道临时接种点"
PHONE = "010-12345678"
SETTINGS = Settings(site_name=SITE, emergency_phone=PHONE, station_id="test-a", desk="3")
POPPLER = shutil.which("pdftoppm") and shutil.which("pdffonts")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftoppm, pdffonts) not installed")


def _person_with_id(store, visit_id: str) -> dict:
    visit = bookings.visit(store, visit_id)
    return store.one("SELECT * FROM people WHERE person_id = ?", [visit["person_id"]])


@pytest.fixture
def observed(store, clock) -> str:
    """A visit driven through the real commands, with distinct times: queue number 3, injected at
    08:12 at desk 3, observing from 08:13 on seat 1 until 08:43."""
    for _ in range(2):  # two people signed in first, so this visit is number 3
        other = bookings.add_booking(store, new_person("李四"), DAY, "08:00-08:30", staff_id="admin1")
        signin.sign_in(store, other, staff_id="sign1", desk="S1")
    visit_id = bookings.add_booking(store, new_person("张三"), DAY, "08:00-08:30", staff_id="admin1")
    clock.advance(minutes=5)
    do_sign_in(store, visit_id)
    clock.advance(minutes=3)
    do_screen(store, visit_id)
    clock.advance(minutes=4)
    do_inject(store, visit_id)  # 08:12, desk 3, LOT-A, dose 1 of sinopharm_bbibp
    clock.advance(minutes=1)
    do_observe(store, visit_id)  # 08:13 + 30 min
    return visit_id


def text_of(content: bytes) -> tuple[str, pdfplumber.page.Page]:
    doc = pdfplumber.open(io.BytesIO(content))
    assert len(doc.pages) == 1
    page = doc.pages[0]
    return page.extract_text(), page


def flat(text: str) -> str:
    """Text without whitespace, so a value wrapped onto two lines still matches."""
    return re.sub(r"\s+", "", text)


# --- the data ------------------------------------------------------------------------------------


def test_slip_data_from_a_real_visit(store, observed):
    data = slips.slip_data(store, observed, SETTINGS)
    person = _person_with_id(store, observed)
    assert data.site == SITE
    assert (data.queue_prefix, data.queue_no, data.queue_text) == ("A", 3, "A003")
    assert data.name == "张三"
    assert data.id_masked == mask_id(person["id_number"]) != person["id_number"]
    assert data.product == "sinopharm_bbibp"
    assert data.product_zh == RULES.product("sinopharm_bbibp").name_zh
    assert data.manufacturer_zh == "北京生物制品研究所"
    assert data.lot_no == "LOT-A"
    assert (data.dose_number, data.is_booster, data.dose_label_zh) == (1, False, "第一剂次")
    assert data.desk == "3"
    assert f"{data.injected_at:%H:%M}" == "08:12"
    assert data.seat == 1
    assert f"{data.observe_from:%H:%M}" == "08:13"
    assert data.until_hhmm == "08:43"
    assert data.minutes == 30
    assert data.emergency_phone == PHONE
    assert data.next_due == slips.NextDue(
        2, False, "第二剂次", "2nd dose", DAY + timedelta(days=21), DAY + timedelta(days=56)
    )
    assert data.exit_payload == f"VSX1|{observed}"
    assert data.aefi == ()


def test_exit_payload_round_trip():
    assert slips.exit_payload("abc-123") == "VSX1|abc-123"
    assert slips.parse_exit_payload(" VSX1|abc-123\n") == "abc-123"
    assert slips.parse_exit_payload("VSX1|") is None
    assert slips.parse_exit_payload("110105199005171234") is None


def test_refused_before_the_injection_and_for_no_such_visit(store, clock, booked):
    with refused("slip_not_injected"):
        slips.slip_data(store, booked, SETTINGS)
    drive(store, clock, booked, "injected")  # injected, observation not started: no seat, no time yet
    with refused("slip_not_injected"):
        slips.slip_data(store, booked, SETTINGS)
    with refused("visit_unknown"):
        slips.slip_data(store, "no-such-visit", SETTINGS)


# --- the PDF, read back --------------------------------------------------------------------------


@pytest.mark.parametrize("size", slips.SIZES)
def test_every_field_is_on_the_slip(store, observed, size):
    data = slips.slip_data(store, observed, SETTINGS)
    text, page = text_of(slips.build_slip(data, size))
    person = _person_with_id(store, observed)
    compact = flat(text)
    expected = [
        SITE,
        "留观单",
        "排队号",
        "张三",
        mask_id(person["id_number"]),
        RULES.product("sinopharm_bbibp").name_zh,
        "北京生物制品研究所",
        "批号LOT-A",
        "剂次第一剂次",
        "接种台3",
        "接种时间2026-11-2608:12",
        "留观座位1",
        "留观至08:43",
        "留观30分钟",
        "如感不适请立即告知工作人员，离开后出现高热等不适请及时就医",
        f"紧急联系电话：{PHONE}",
        "下一剂次：第二剂次",
        "2026-12-17起可接种",
        "建议2027-01-21前完成",
        "离开时请在出口出示此码",
    ]
    missing = [item for item in expected if flat(item) not in compact]
    assert not missing, (missing, text)
    assert person["id_number"] not in compact  # the full ID number is never printed
    # The queue number and "observe until" are the large type.
    big = "".join(ch["text"] for ch in page.chars if ch["size"] >= 20)
    assert flat(big) == "A003留观至08:43", big


def test_english_slip(store, observed):
    data = slips.slip_data(store, observed, SETTINGS)
    text, _ = text_of(slips.build_slip(data, "80mm", lang="en"))
    compact = flat(text)
    for item in [
        SITE,
        "Queue No.",
        "A003",
        "张三",
        RULES.product("sinopharm_bbibp").name_en,
        "Lot LOT-A",
        "Dose 1st dose",
        "Stay until 08:43",
        f"Emergency phone: {PHONE}",
        "Next: 2nd dose",
        "from 2026-12-17, recommended by 2027-01-21",
        "Show this code at the exit",
    ]:
        assert flat(item) in compact, (item, text)


@pytest.mark.parametrize(
    ("size", "width_mm", "height_mm"), [("80mm", 80, None), ("a6", 105, 148)], ids=["80mm", "a6"]
)
def test_page_sizes(store, observed, size, width_mm, height_mm):
    data = slips.slip_data(store, observed, SETTINGS)
    _, page = text_of(slips.build_slip(data, size))
    assert page.width == pytest.approx(width_mm * mm, abs=0.1)
    if height_mm is None:  # a receipt is as long as its content
        assert 110 * mm < page.height < 200 * mm
    else:
        assert page.height == pytest.approx(height_mm * mm, abs=0.1)


def test_series_complete_has_no_next_dose_line(store, clock, booked):
    """Doses 1 and 2 declared at the pre-screen, the booster given here: nothing more is due."""
    declared = [
        PastDose("sinopharm_bbibp", 1, DAY - timedelta(days=400)),
        PastDose("sinopharm_bbibp", 2, DAY - timedelta(days=370)),
    ]
    do_sign_in(store, booked)
    do_screen(store, booked, declared_doses=declared, answers=answers())
    do_inject(store, booked)
    do_observe(store, booked)
    data = slips.slip_data(store, booked, SETTINGS)
    assert (data.dose_number, data.is_booster, data.dose_label_zh) == (3, True, "加强针")
    assert data.next_due is None
    for size in slips.SIZES:
        text, _ = text_of(slips.build_slip(data, size))
        assert "加强针" in text
        assert "下一剂次" not in text and "起可接种" not in text


def test_second_dose_slip_shows_the_booster_as_next(store, clock, booked):
    do_sign_in(store, booked)
    do_screen(store, booked, declared_doses=[PastDose("sinopharm_bbibp", 1, DAY - timedelta(days=30))])
    do_inject(store, booked)
    do_observe(store, booked)
    data = slips.slip_data(store, booked, SETTINGS)
    assert data.dose_label_zh == "第二剂次"
    assert data.next_due is not None and data.next_due.is_booster
    assert data.next_due.earliest == DAY + timedelta(days=180)
    text, _ = text_of(slips.build_slip(data, "80mm"))
    assert "下一剂次：加强针" in flat(text) and (DAY + timedelta(days=180)).isoformat() in text


def test_adverse_event_is_noted_and_extends_the_time(store, clock, observed):
    clock.advance(minutes=10)  # 08:23: fever noted; the 30 minutes are added to the end (08:43 -> 09:13)
    do_aefi(store, observed)
    data = slips.slip_data(store, observed, SETTINGS)
    assert [a.category for a in data.aefi] == ["fever"]
    assert data.until_hhmm == "09:13" and data.minutes == 60
    text, _ = text_of(slips.build_slip(data, "a6"))
    assert "留观期间记录：发热（轻度，留观）" in flat(text)
    assert "留观至09:13" in flat(text)


def test_no_seat_and_no_phone_still_print(store, observed):
    import dataclasses

    data = dataclasses.replace(slips.slip_data(store, observed, Settings()), seat=None)
    text, _ = text_of(slips.build_slip(data, "80mm"))
    assert "紧急联系电话" not in text
    assert "留观座位—" in flat(text)
    assert "如感不适" in text


@pytest.mark.parametrize("size", slips.SIZES)
def test_long_names_wrap_inside_the_page(store, observed, size):
    import dataclasses

    long_site = "北京市朝阳区某某街道办事处社区卫生服务中心新冠病毒疫苗临时接种点（体育馆东门二层西侧）"
    data = dataclasses.replace(
        slips.slip_data(store, observed, SETTINGS),
        site=long_site,
        name="MUHAMMADALI ABDULRAHMAN AL-FULANI",
        queue_no=1005,  # "W1005": a desk's thousandth person and more
        queue_prefix="W",
        emergency_phone="010-12345678 / 010-87654321 / 120",
        aefi=(
            slips.AefiNote("vasovagal_syncope", "moderate", "treated_on_site", False),
            slips.AefiNote("local_redness", "mild", "observed", False),
        ),
    )
    for lang in slips.LANGS:
        text, page = text_of(slips.build_slip(data, size, lang))
        assert flat(long_site) in flat(text)
        outside = [
            ch["text"]
            for ch in page.chars
            if ch["x0"] < 3 * mm
            or ch["x1"] > page.width - 3 * mm
            or ch["top"] < 0
            or ch["bottom"] > page.height
        ]
        assert not outside, (size, lang, outside)


def test_same_slip_same_bytes(store, observed):
    data = slips.slip_data(store, observed, SETTINGS)
    assert slips.build_slip(data, "a6") == slips.build_slip(data, "a6")


def test_builds_from_several_threads_at_once_are_intact(store, observed):
    """The UI builds in worker threads: reportlab's font subsetting must not be entered twice."""
    import dataclasses
    from concurrent.futures import ThreadPoolExecutor

    base = slips.slip_data(store, observed, SETTINGS)
    variants = [dataclasses.replace(base, queue_no=n, name=f"张{chr(0x4E00 + n * 37)}") for n in range(40)]
    expected = [slips.build_slip(d, "80mm") for d in variants]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, so unguarded builds would overlap
    try:
        with ThreadPoolExecutor(4) as pool:
            got = list(pool.map(lambda d: slips.build_slip(d, "80mm"), variants))
    finally:
        sys.setswitchinterval(interval)
    assert got == expected


def test_unknown_size_is_refused(store, observed):
    data = slips.slip_data(store, observed, SETTINGS)
    with refused("slip_size_unknown", size="a4"):
        slips.build_slip(data, "a4")


# --- fonts and the QR, through poppler -----------------------------------------------------------


@needs_poppler
@pytest.mark.parametrize("size", slips.SIZES)
def test_the_cjk_font_is_embedded(store, observed, tmp_path, size):
    path = tmp_path / "slip.pdf"
    path.write_bytes(slips.build_slip(slips.slip_data(store, observed, SETTINGS), size))
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = out.splitlines()[2:]
    assert fonts, out
    for line in fonts:
        # name type encoding emb sub uni object ID: every font embedded, with a ToUnicode map
        emb, sub, uni = line.split()[-5:-2]
        assert (emb, uni) == ("yes", "yes"), line
    assert any("WenQuanYiMicroHei" in line for line in fonts), out
    assert "STSong" not in out and "Helvetica" not in out


def _decode(png: Path) -> list[tuple[str, float]]:
    """(text, side in pixels) of each QR code found in the image."""
    from PIL import Image

    image = Image.open(png)
    try:
        import zxingcpp
    except ImportError:
        zxingcpp = None
    if zxingcpp is not None:
        found = []
        for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
            p = r.position
            found.append((r.text, abs(p.top_right.x - p.top_left.x)))
        return found
    try:
        from pyzbar import pyzbar
    except ImportError:
        pytest.fail("no QR decoder: pip install zxing-cpp (or pyzbar)")
    return [(d.data.decode(), d.rect.width) for d in pyzbar.decode(image)]


@needs_poppler
@pytest.mark.parametrize("size", slips.SIZES)
def test_the_qr_decodes_to_the_exit_payload(store, observed, tmp_path, size):
    path = tmp_path / "slip.pdf"
    path.write_bytes(slips.build_slip(slips.slip_data(store, observed, SETTINGS), size))
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", str(path), str(tmp_path / "slip")], check=True
    )
    found = _decode(tmp_path / "slip.png")
    assert [text for text, _ in found] == [f"VSX1|{observed}"]
    side_mm = found[0][1] / 200 * 25.4
    assert side_mm >= 25, side_mm  # big enough to scan from paper


def test_qr_rects_cover_exactly_the_dark_modules():
    matrix = pdf.qr_matrix("VSX1|d3736b65-7cc6-4326-9783-e1a4b663b6db")
    n = len(matrix)
    painted = [[False] * n for _ in range(n)]
    for col, row, w, h in pdf.qr_rects(matrix):
        for r in range(row, row + h):
            for c in range(col, col + w):
                assert not painted[r][c], "rectangles overlap"
                painted[r][c] = True
    assert [tuple(r) for r in painted] == list(matrix)


# --- wrapping ------------------------------------------------------------------------------------


def test_wrap_fits_the_width_and_keeps_punctuation_off_the_line_start():
    text = "如感不适请立即告知工作人员，离开后出现高热等不适请及时就医。Sinopharm BBIBP-CorV (inactivated)"
    for width in (60, 90, 130, 200):
        lines = pdf.wrap(text, 10, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for line in lines:
            assert pdf.text_width(line, 10) <= width + 0.01, (width, line)
            assert line[:1] not in "，。）)", (width, lines)


# --- files ---------------------------------------------------------------------------------------


def test_save_slip_writes_the_days_folder(store, observed, tmp_path):
    data = slips.slip_data(store, observed, SETTINGS)
    path = slips.save_slip(data, tmp_path, size="a6")
    assert path == tmp_path / "slips" / "2026-11-26" / f"A0003-{observed[:8]}.pdf"
    assert path.read_bytes() == slips.build_slip(data, "a6")
    # from the store: data_dir defaults to the database's folder; the printed bytes are kept as given
    path2 = slips.save_slip(store, visit_id=observed, settings=SETTINGS, pdf=b"%PDF-printed")
    assert path2 == store.path.parent / "slips" / "2026-11-26" / f"A0003-{observed[:8]}.pdf"
    assert path2.read_bytes() == b"%PDF-printed"
    assert sorted(p.name for p in path2.parent.iterdir()) == [path2.name]  # no temp file left


def test_write_failure_is_a_domain_error(store, observed, tmp_path):
    data = slips.slip_data(store, observed, SETTINGS)
    (tmp_path / "slips").write_text("a file where the folder should be")
    with refused("slip_write_failed") as info:
        slips.save_slip(data, tmp_path)
    assert "slips" in info.value.facts["path"] and info.value.facts["detail"]
    assert "{" not in info.value.message("zh")


def test_full_disk_is_a_domain_error_and_leaves_no_temp_file(store, observed, tmp_path, monkeypatch):
    data = slips.slip_data(store, observed, SETTINGS)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pdf.os, "replace", full)
    with refused("slip_write_failed") as info:
        slips.save_slip(data, tmp_path)
    assert info.value.facts["detail"] == "No space left on device"
    folder = tmp_path / "slips" / "2026-11-26"
    assert list(folder.iterdir()) == []


# --- `station slip` ------------------------------------------------------------------------------


def test_write_slip_file_by_visit_id_queue_number_or_exit_code(store, observed, tmp_path):
    out = slips.write_slip_file(store, observed, tmp_path / "out" / "slip.pdf", "a6", SETTINGS)
    assert out == tmp_path / "out" / "slip.pdf"
    text, page = text_of(out.read_bytes())
    assert "留观至 08:43" in text and page.width == pytest.approx(105 * mm, abs=0.1)
    by_queue = slips.write_slip_file(store, "3", tmp_path / "q.pdf", "80mm", SETTINGS)
    assert "张三" in text_of(by_queue.read_bytes())[0]
    for ref in ("A003", "a3"):
        again = slips.write_slip_file(store, ref, tmp_path / "a.pdf", "80mm", SETTINGS)
        assert again.read_bytes() == by_queue.read_bytes()
    by_code = slips.write_slip_file(store, f"VSX1|{observed}", tmp_path / "c.pdf", "80mm", SETTINGS)
    assert by_code.read_bytes() == by_queue.read_bytes()


def test_write_slip_file_refusals(store, observed, tmp_path):
    with refused("visit_unknown"):
        slips.write_slip_file(store, "99", tmp_path / "x.pdf", "80mm", SETTINGS)
    with refused("visit_unknown", visit="2026-11-26 B003"):  # no desk B today
        slips.write_slip_file(store, "B003", tmp_path / "x.pdf", "80mm", SETTINGS)
    with refused("visit_unknown"):  # queue number 3 of another day
        slips.write_slip_file(store, "3", tmp_path / "x.pdf", "80mm", SETTINGS, day=date(2026, 11, 27))
    with refused("slip_size_unknown"):
        slips.write_slip_file(store, observed, tmp_path / "x.pdf", "a5", SETTINGS)
    (tmp_path / "file").write_text("")
    with refused("slip_write_failed"):
        slips.write_slip_file(store, observed, tmp_path / "file" / "x.pdf", "80mm", SETTINGS)
    assert not (tmp_path / "x.pdf").exists()


def test_a_second_sign_in_desks_letter_is_on_the_slip_and_its_file(store, clock, tmp_path):
    visit_id = bookings.add_booking(store, new_person("王五"), DAY, "08:00-08:30", staff_id="admin1")
    signin.sign_in(store, visit_id, staff_id="sign1", desk="S2", prefix="B")
    do_screen(store, visit_id)
    do_inject(store, visit_id)
    do_observe(store, visit_id)
    data = slips.slip_data(store, visit_id, SETTINGS)
    assert data.queue_text == "B001"
    for size in slips.SIZES:
        text, page = text_of(slips.build_slip(data, size))
        big = "".join(ch["text"] for ch in page.chars if ch["size"] >= 20)
        assert flat(big).startswith("B001留观至"), big
    assert slips.save_slip(data, tmp_path).name == f"B0001-{visit_id[:8]}.pdf"
    by_queue = slips.write_slip_file(store, "B001", tmp_path / "b.pdf", "80mm", SETTINGS)
    assert "王五" in text_of(by_queue.read_bytes())[0]


# --- what staff type as the visit is outside input: never a traceback --------------------------------


@pytest.mark.parametrize(
    "visit", ["²", "12345678901234567890", b"\xff", "A" + "9" * 30, "\x1b[2J", "A²3", "٣"], ids=repr
)
def test_station_slip_with_a_strange_visit_says_no_such_visit(tmp_path, visit):
    """`station slip ²`, a 20-digit number, and undecodable bytes (\\xff) printed tracebacks."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    base = [sys.executable, "-m", "station.cli", "--data", str(tmp_path), "--lang", "en"]
    assert subprocess.run([*base, "init"], capture_output=True, env=env, timeout=60).returncode == 0
    out = subprocess.run(
        [*base, "slip", visit, "--out", str(tmp_path / "s.pdf")], capture_output=True, env=env, timeout=60
    )
    assert b"Traceback" not in out.stderr, out.stderr.decode(errors="replace")
    assert out.returncode == 2 and b"No such visit" in out.stderr


@pytest.mark.parametrize("ref", ["²", "12345678901234567890", "\udcff", "A" + "9" * 30, "", "VSX1|\udcff"])
def test_resolve_visit_refuses_what_is_not_a_visit(store, ref):
    with pytest.raises(slips.DomainError) as info:
        slips.resolve_visit(store, ref, DAY)
    assert info.value.code == "visit_unknown"
