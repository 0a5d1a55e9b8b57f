"""Payload parsers (booking QR, exit slip, health code, ID number, unknown), their messages, debounce."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.identity import make_resident_id
from station.messages import catalogue, placeholders
from station.scan import Debouncer, payloads
from station.scan.payloads import KINDS, Registry, Scan, booking_text, default_registry, exit_text, parse

SCAN = Path(__file__).resolve().parent.parent / "station" / "scan"
ID = make_resident_id("110105", date(1988, 3, 14), 42)
GOOD = booking_text("B20261126-0042", "欧阳娜娜", ID, date(2026, 11, 26), "09:00-09:30")
VISIT = "7d9b0c5e-3f1a-4b8e-9c2d-5a6e7f801234"


# --- booking QR ------------------------------------------------------------------------------------------


def test_a_good_booking_qr():
    s = parse(GOOD)
    assert s == Scan(
        "booking",
        GOOD,
        {
            "booking_no": "B20261126-0042",
            "name": "欧阳娜娜",
            "id_number": ID,
            "birth_date": "1988-03-14",
            "sex": "F",
            "date": "2026-11-26",
            "slot": "09:00-09:30",
        },
    )
    assert s.ok and s.message() is None


def test_booking_qr_from_a_scanner_gun_with_enter_full_width_and_caps_lock():
    assert parse(GOOD + "\r\n").ok
    assert parse("\ufeff" + GOOD + "\u200b").ok
    full_width = GOOD.replace("|", "｜").replace(":", "：").replace("VSB1", "ＶＳＢ１")
    assert parse(full_width).fields == parse(GOOD).fields
    assert parse("vsb1" + GOOD[4:]).ok
    assert parse(GOOD.replace(ID, ID[:-1] + ID[-1].lower())).ok
    minority = booking_text("B1", "阿依古丽·买买提", ID, "2026-11-26", "09:00-09:30")
    assert parse(minority).fields["name"] == "阿依古丽·买买提"


def _swap(field: int, value: str) -> str:
    parts = GOOD.split("|")
    parts[field] = value
    return "|".join(parts)


@pytest.mark.parametrize(
    "text, code, facts",
    [
        ("VSB2|B1|张三|x|2026-11-26|09:00-09:30", "booking_qr_version", {"version": "2"}),
        ("VSB10|B1", "booking_qr_version", {"version": "10"}),
        ("VSB|B1|张三", "booking_qr_bad_prefix", {}),
        ("VSB1;B1;张三", "booking_qr_bad_prefix", {}),
        ("VSB1 B1", "booking_qr_bad_prefix", {}),
        ("VSB1|B1|张三|" + ID + "|2026-11-26", "booking_qr_fields", {"count": 4, "expected": 5}),
        (GOOD + "|extra", "booking_qr_fields", {"count": 6, "expected": 5}),
        ("VSB1|", "booking_qr_fields", {"count": 1, "expected": 5}),
        (_swap(1, ""), "booking_qr_bad_number", {"value": ""}),
        (_swap(1, "B 1"), "booking_qr_bad_number", {"value": "B 1"}),
        (_swap(1, "B" * 33), "booking_qr_bad_number", {"value": "B" * 33}),
        (_swap(2, ""), "booking_qr_bad_name", {}),
        (_swap(2, "张" * 41), "booking_qr_bad_name", {}),
        (_swap(2, "张\x07三"), "booking_qr_bad_name", {}),
        (_swap(3, ID[:-1] + ("0" if ID[-1] != "0" else "1")), "id_bad_checksum", None),
        (_swap(3, ID[:17]), "id_bad_length", None),
        (_swap(3, "110105198802300421"), "id_bad_birth_date", None),
        (_swap(3, "990105198803140420"), "id_bad_region", None),
        (_swap(3, ""), "id_empty", None),
        (_swap(4, "2026-02-30"), "booking_qr_bad_date", {"value": "2026-02-30"}),
        (_swap(4, "2026/11/26"), "booking_qr_bad_date", {"value": "2026/11/26"}),
        (_swap(4, "26-11-2026"), "booking_qr_bad_date", {"value": "26-11-2026"}),
        (_swap(5, "09:30-09:00"), "booking_qr_bad_slot", {"value": "09:30-09:00"}),
        (_swap(5, "9:00-9:30"), "booking_qr_bad_slot", {"value": "9:00-9:30"}),
        (_swap(5, "24:00-24:30"), "booking_qr_bad_slot", {"value": "24:00-24:30"}),
        (_swap(5, "09:00"), "booking_qr_bad_slot", {"value": "09:00"}),
    ],
)
def test_malformed_booking_qr_is_refused_with_a_reason(text, code, facts):
    s = parse(text)
    assert (s.kind, s.error) == ("booking", code)
    if facts is not None:
        assert s.facts == facts
    for lang in ("zh", "en"):
        msg = s.message(lang)
        assert msg and "{" not in msg, msg
    if code.startswith("id_") and code != "id_empty":
        assert ID[6:14] not in str(s.facts)  # the ID is masked in the message facts


def test_the_first_fault_is_the_reason():
    bad_everything = "VSB1|B 1||123|2026-13-01|25:00-26:00"
    assert parse(bad_everything).error == "booking_qr_bad_number"


def test_a_birth_date_after_today_is_refused_with_the_registry_clock():
    future = make_resident_id("110105", date(2026, 6, 1), 7)
    text = _swap(3, future)
    assert default_registry(today=lambda: date(2026, 11, 26)).parse(text).ok
    assert default_registry(today=lambda: date(2026, 1, 1)).parse(text).error == "id_birth_in_future"


# --- exit slip ------------------------------------------------------------------------------------------


def test_the_exit_code_of_the_observation_slip():
    s = parse(exit_text(VISIT))
    assert (s.kind, s.fields, s.error) == ("exit", {"visit_id": VISIT}, None)
    assert parse(exit_text(VISIT.upper())).fields == {"visit_id": VISIT}


def test_the_exit_code_matches_what_the_slip_prints():
    from station import slips

    assert parse(slips.exit_payload(VISIT)).fields == {"visit_id": VISIT}
    assert exit_text(VISIT) == slips.exit_payload(VISIT)


@pytest.mark.parametrize(
    "text, code",
    [
        ("VSX1|not-a-uuid", "exit_code_bad"),
        ("VSX1|", "exit_code_bad"),
        (f"VSX1|{VISIT}|more", "exit_code_bad"),
        (f"VSX|{VISIT}", "exit_code_bad"),
        (f"VSX2|{VISIT}", "exit_code_version"),
    ],
)
def test_malformed_exit_codes(text, code):
    s = parse(text)
    assert (s.kind, s.error) == ("exit", code)
    assert "{" not in s.message("en")


# --- health code ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, token",
    [
        (
            "https://health.example.cn/hc/v2/scan?token=G7kP2mQx9RtV4wZa8LcN3yHs&src=app",
            "G7kP2mQx9RtV4wZa8LcN3yHs",
        ),
        ("http://jkm.example.gov.cn/q?src=wx&code=abc12345", "abc12345"),
        ("HTTPS://Sub.Health.Example.CN:8443/x?t=AbCdEfGh-_.~", "AbCdEfGh-_.~"),
        ("https://health.example.cn/x?qr=YWJjZGVmZ2g%3D", "YWJjZGVmZ2g="),
    ],
)
def test_health_code_urls_on_known_hosts(url, token):
    s = parse(url)
    assert (s.kind, s.error, s.fields["token"]) == ("health_code", None, token)


def test_health_code_without_or_with_a_bad_token():
    assert parse("https://health.example.cn/hc/v2/scan?src=app").error == "health_code_no_token"
    assert parse("https://health.example.cn/hc?token=").error == "health_code_no_token"
    s = parse("https://health.example.cn/hc?token=short")
    assert (s.kind, s.error, s.facts) == (
        "health_code",
        "health_code_bad_token",
        {"host": "health.example.cn"},
    )
    assert parse("https://health.example.cn/hc?token=has%20space%20inside").error == "health_code_bad_token"


@pytest.mark.parametrize(
    "url, host",
    [
        ("https://evil.example.com/hc?token=G7kP2mQx9RtV4wZa", "evil.example.com"),
        ("https://health.example.cn.evil.com/hc?token=G7kP2mQx9RtV4wZa", "health.example.cn.evil.com"),
        ("https://xhealth.example.cn/hc?token=G7kP2mQx9RtV4wZa", "xhealth.example.cn"),
    ],
)
def test_urls_on_other_hosts_are_unknown_and_name_the_host(url, host):
    s = parse(url)
    assert (s.kind, s.error, s.facts) == ("unknown", "health_host_unknown", {"host": host})
    assert host in s.message("zh")


def test_the_health_code_hosts_are_configurable():
    reg = default_registry(health_hosts=["jkm.province.gov.cn"])
    assert reg.parse("https://jkm.province.gov.cn/a?token=G7kP2mQx9RtV4wZa").kind == "health_code"
    assert reg.parse("https://health.example.cn/a?token=G7kP2mQx9RtV4wZa").kind == "unknown"


# --- bare ID number -------------------------------------------------------------------------------------


def test_a_bare_id_number():
    s = parse(ID)
    assert (s.kind, s.error, s.fields) == (
        "id_number",
        None,
        {"id_number": ID, "birth_date": "1988-03-14", "sex": "F"},
    )
    assert parse(f"{ID[:6]} {ID[6:14]} {ID[14:]}").ok


def test_bad_id_numbers_are_id_numbers_with_a_reason():
    bad = ID[:-1] + ("0" if ID[-1] != "0" else "1")
    s = parse(bad)
    assert (s.kind, s.error) == ("id_number", "id_bad_checksum")
    assert s.fields == {"id_masked": ID[:6] + "********" + bad[-4:]}
    assert parse("110105880314042").error == "id_old_15_digit"


@pytest.mark.parametrize("text", ["13812345678", "1234567890123456", "12345", "6222020200112233445"])
def test_other_numbers_are_unknown(text):
    assert (parse(text).kind, parse(text).error) == ("unknown", "code_unknown")


# --- unknown, robustness, the registry ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\r\n",
        "hello",
        "WIFI:S:cafe;T:WPA;P:secret;;",
        "VS",
        "VSBX",
        "ftp://health.example.cn/x",
        b"\xff\xfe",
    ],
)
def test_unknown_payloads_are_unknown_never_an_exception(text):
    s = parse(text)
    assert (s.kind, s.error) == ("unknown", "code_unknown")
    assert s.message("zh") == "不是本接种点能识别的码"
    assert s.message("en") == "Not a code this station knows"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_parse_never_raises(text):
    s = parse(text)
    assert s.kind in KINDS
    assert s.error is None or s.error in catalogue()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet=st.characters(blacklist_characters="|"), max_size=20), min_size=0, max_size=8)
)
def test_booking_like_text_never_raises(parts):
    s = parse("|".join(["VSB1", *parts]))
    assert s.kind == "booking"
    assert s.ok or s.error in catalogue()


def test_the_registry_order_and_a_new_kind():
    reg = default_registry()
    assert reg.names == ["booking", "exit", "health_code", "id_number"]

    def vial(text: str, raw: str) -> Scan | None:
        return Scan("vial", raw, {"lot": text[5:]}) if text.startswith("LOT1|") else None

    reg.register("vial", vial, before="id_number")
    assert reg.names == ["booking", "exit", "health_code", "vial", "id_number"]
    assert reg.parse("LOT1|A2026").fields == {"lot": "A2026"}
    assert reg.parse(GOOD).kind == "booking"


def test_a_parser_that_crashes_gives_unknown():
    reg = Registry()

    def broken(text: str, raw: str) -> Scan | None:
        raise RuntimeError("bug")

    reg.register("broken", broken)
    assert (reg.parse("anything").kind, reg.parse("anything").error) == ("unknown", "code_unknown")


# --- every code the scanner can produce has zh and en text with its facts -------------------------------


def _codes_with_facts() -> list[tuple[str, int, str, set[str] | None]]:
    """Literal message codes in station/scan: DomainError("code", **facts) and _refuse(kind, raw, "code", ...)."""
    out = []
    for path in sorted(SCAN.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            index = {"DomainError": 0, "_refuse": 2}.get(node.func.id)
            if index is None or len(node.args) <= index:
                continue
            arg = node.args[index]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                names = {k.arg for k in node.keywords}
                out.append((path.name, node.lineno, arg.value, None if None in names else names))
    return out


def test_every_scan_code_is_translated_and_gets_its_facts():
    calls = _codes_with_facts()
    assert len(calls) >= 15
    gaps = []
    for name, line, code, facts in calls:
        if code not in catalogue():
            gaps.append(f"{name}:{line} {code} has no message")
        elif facts is not None and placeholders(catalogue()[code]["en"]) - facts:
            gaps.append(f"{name}:{line} {code} lacks {placeholders(catalogue()[code]['en']) - facts}")
    assert not gaps, gaps
    # the health-code colour refusals are built from the colour name
    assert {"health_code_yellow", "health_code_red", "health_code_color_unknown"} <= set(catalogue())


def test_scan_toml_codes_are_all_used():
    text = "\n".join(p.read_text(encoding="utf-8") for p in SCAN.glob("*.py"))
    toml = (Path(payloads.__file__).resolve().parents[2] / "resources" / "messages" / "scan.toml").read_text(
        "utf-8"
    )
    codes = re.findall(r"^\[(\w+)\]", toml, re.M)
    assert len(codes) >= 20
    assert [c for c in codes if f'"{c}"' not in text] == []


# --- debounce --------------------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_the_same_code_within_the_window_is_one_scan():
    clock = FakeClock()
    d = Debouncer(3.0, clock=clock)
    assert d.accept("A") is True
    clock.t += 1.0
    assert d.accept("A") is False
    assert d.accept("B") is True  # another code is another scan at once
    clock.t += 2.9
    assert d.accept("A") is False  # seen 2.9 s ago: still in view
    clock.t += 3.1
    assert d.accept("A") is True  # out of sight for longer than the window
    assert d.accept("A") is False


def test_a_code_held_in_view_counts_once():
    clock = FakeClock()
    d = Debouncer(clock=clock)
    assert d.window == 3.0
    results = []
    for _ in range(300):  # 10 s of 30 fps frames
        results.append(d.accept("A"))
        clock.t += 1 / 30
    assert results.count(True) == 1


def test_debounce_reset_and_forgetting():
    clock = FakeClock()
    d = Debouncer(3.0, clock=clock)
    d.accept("A")
    d.reset()
    assert d.accept("A") is True
    for i in range(200):
        d.accept(f"code {i}")
        clock.t += 1
    assert len(d._last) < 80  # long-gone codes are forgotten
    with pytest.raises(ValueError):
        Debouncer(-1)
