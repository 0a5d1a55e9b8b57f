"""The message catalogue: every code the program can raise or print has Chinese and English text."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from station import flow
from station.errors import DomainError
from station.messages import LANGS, catalogue, placeholders, render

STATION = Path(__file__).resolve().parent.parent / "station"
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
CODE_LITERAL = re.compile(r"\b(?:DomainError|StationFileError)\(\s*[\"']([A-Za-z0-9_]+)[\"']")
ERROR_CLASSES = {"DomainError", "StationFileError"}


def _sources() -> list[Path]:
    files = sorted(STATION.rglob("*.py"))
    assert len(files) > 10
    return files


def _raised_codes() -> set[str]:
    codes: set[str] = set()
    for path in _sources():
        codes |= set(CODE_LITERAL.findall(path.read_text(encoding="utf-8")))
    return codes


def _error_calls() -> list[tuple[str, int, str, set[str] | None]]:
    """(file, line, code, keyword names or None when **facts are passed on) of each literal error."""
    calls = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id not in ERROR_CLASSES or not node.args:
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names = {k.arg for k in node.keywords}
                calls.append((path.name, node.lineno, first.value, None if None in names else names))
    return calls


def _cli_codes() -> set[str]:
    """Codes the CLI prints through c.t(...) / render(...)."""
    text = (STATION / "cli.py").read_text(encoding="utf-8")
    return set(re.findall(r"\b(?:c\.t|render)\(\s*[\"']([A-Za-z0-9_]+)[\"']", text))


def test_the_catalogue_is_not_empty():
    assert len(catalogue()) >= 50


@pytest.mark.parametrize("code", sorted(catalogue()))
def test_every_message_has_zh_and_en_with_the_same_placeholders(code):
    texts = catalogue()[code]
    assert set(texts) == set(LANGS), f"{code}: languages {sorted(texts)}"
    for lang in LANGS:
        assert isinstance(texts[lang], str) and texts[lang].strip(), f"{code}.{lang} is empty"
    assert placeholders(texts["zh"]) == placeholders(texts["en"]), code
    assert CJK.search(texts["zh"]), f"{code}: the Chinese text has no Chinese characters"
    assert not CJK.search(texts["en"]), f"{code}: the English text holds Chinese characters"


def test_the_scan_finds_codes():
    codes = _raised_codes()
    # a few codes known to be raised, so an empty scan cannot pass
    assert {"disk_full", "db_not_station", "event_gap", "staff_unknown", "already_booked"} <= codes


def test_every_raised_code_is_in_the_catalogue():
    missing = sorted(_raised_codes() - set(catalogue()))
    assert not missing, f"raised but not translated: {missing}"


def test_every_flow_refusal_is_in_the_catalogue():
    codes = {code for by_state in flow.REFUSALS.values() for code in by_state.values()}
    assert len(codes) >= 8
    missing = sorted(codes - set(catalogue()))
    assert not missing, f"flow refusals without text: {missing}"


def test_every_cli_line_is_in_the_catalogue():
    codes = _cli_codes()
    assert {"demo_loaded", "rebuild_ok", "import_done"} <= codes
    assert not sorted(codes - set(catalogue()))


def test_raised_errors_give_every_fact_their_message_needs():
    """A placeholder with no matching fact would show as '{name}' to the staff."""
    calls = _error_calls()
    assert len(calls) > 30
    gaps = []
    for name, line, code, facts in calls:
        if facts is None or code not in catalogue():
            continue
        needed = placeholders(catalogue()[code]["en"])
        if needed - facts:
            gaps.append(f"{name}:{line} {code} lacks {sorted(needed - facts)}")
    assert not gaps, gaps


def test_flow_refusals_render_without_holes():
    for event_type, by_state in flow.REFUSALS.items():
        for state, code in by_state.items():
            err = DomainError(code, visit="v-1", state=state)
            for lang in LANGS:
                text = err.message(lang)
                assert "{" not in text, (event_type, state, lang, text)


def test_render_picks_the_language_and_fills_facts():
    assert render("disk_full", "zh-CN") == catalogue()["disk_full"]["zh"]
    assert render("disk_full", "en") == catalogue()["disk_full"]["en"]
    text = render("event_gap", "en", origin="desk-b", seq=9, expected=4)
    assert "desk-b" in text and "9" in text and "4" in text
    # a missing fact stays visible instead of crashing the program
    assert "{expected}" in render("event_gap", "en", origin="x", seq=1)
    # an unknown code is shown as the code, not raised
    assert render("no_such_code", "en") == "no_such_code"


def test_domain_error_str_is_english_and_message_defaults_to_chinese():
    err = DomainError("staff_unknown", staff="nobody")
    assert str(err) == "No staff member nobody"
    assert "nobody" in err.message() and CJK.search(err.message())
    assert err.as_dict() == {"error": "staff_unknown", "reason": "No staff member nobody", "staff": "nobody"}


def test_product_codes_in_refusals_read_as_product_names():
    from station.errors import DomainError

    err = DomainError(
        "lot_wrong_product", lot="L1", lot_product="sinovac_coronavac", product="sinopharm_bbibp"
    )
    zh, en = err.message("zh"), err.message("en")
    assert "科兴" in zh and "北京生物" in zh and "sinovac" not in zh
    assert "CoronaVac" in en and "sinopharm_bbibp" not in en
    # an unknown code stays as it is
    assert "mystery" in DomainError("product_unknown", product="mystery").message("zh")
