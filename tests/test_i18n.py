"""The window's translations: complete, placeholders intact, .qm up to date, every tr() string translated.

The .ts files in resources/i18n/ are the source of truth (scripts/i18n.py update / release / check);
the compiled .qm files are committed and loaded at start (ui/app.py).
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "resources" / "i18n"
LOCALES = ("zh_CN", "en")

BRACE = re.compile(r"\{[^{}]*\}")  # str.format placeholders: {n}, {name}, {0}
QT_ARG = re.compile(r"%L?\d+|%n")  # Qt's own: %1, %L1, %n
KEY_HINT = re.compile(r"\b(?:F\d{1,2}|Alt\+\d|Ctrl\+\d)\b")  # keys staff press: kept as they are
ASCII_LETTER = re.compile(r"[A-Za-z]")
CJK = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z]{3,}")

pytestmark = pytest.mark.usefixtures("fast_pins")


def ts_path(locale: str) -> Path:
    return I18N / f"station_{locale}.ts"


def qm_path(locale: str) -> Path:
    return I18N / f"station_{locale}.qm"


def messages(locale: str) -> list[tuple[str, str, ET.Element | None]]:
    """(context, source, <translation>) of every message of a .ts file."""
    tree = ET.parse(ts_path(locale))
    return [
        (context.findtext("name") or "", message.findtext("source") or "", message.find("translation"))
        for context in tree.iter("context")
        for message in context.iter("message")
    ]


def translations(locale: str) -> dict[tuple[str, str], str]:
    return {(ctx, src): (t.text or "") if t is not None else "" for ctx, src, t in messages(locale)}


def ids(locale: str) -> list[str]:
    return [f"{ctx}:{src[:40]}" for ctx, src, _ in messages(locale)]


# --- (a) complete ---------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_finished_and_not_empty(locale):
    found = messages(locale)
    assert len(found) > 100  # the whole window, not an empty file
    bad = [
        (ctx, src, None if t is None else t.get("type"))
        for ctx, src, t in found
        if t is None
        or t.get("type") in ("unfinished", "vanished", "obsolete")
        or not (t.text or "").strip()
        or t.find("numerusform") is not None
    ]
    assert bad == []


def test_both_languages_have_the_same_messages():
    assert Counter((c, s) for c, s, _ in messages("zh_CN")) == Counter((c, s) for c, s, _ in messages("en"))


def test_english_translation_is_the_source():
    assert [(c, s) for (c, s), t in translations("en").items() if t != s] == []


def test_chinese_translation_is_chinese():
    """A source with English words has Chinese characters in its translation (not left in English);
    one of only placeholders, keys and units ("{route}, {ml} mL") may stay as it is."""
    english = [
        (c, s, t)
        for (c, s), t in translations("zh_CN").items()
        if WORD.search(KEY_HINT.sub("", BRACE.sub("", s))) and not CJK.search(t)
    ]
    assert english == []


def test_no_degree_celsius_sign():
    """The bundled font's ℃ glyph is empty: translations write °C."""
    assert [(c, s) for locale in LOCALES for (c, s), t in translations(locale).items() if "℃" in t] == []


# --- (b) placeholders -----------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_match_the_source(locale):
    """A translation keeps every {placeholder} (and %1 / %n) of its source: .format() would fail or
    drop a value otherwise."""
    bad = []
    for (ctx, src), text in translations(locale).items():
        for pattern in (BRACE, QT_ARG):
            if Counter(pattern.findall(src)) != Counter(pattern.findall(text)):
                bad.append((ctx, src, text))
    assert bad == []


@pytest.mark.parametrize("locale", LOCALES)
def test_key_hints_are_kept(locale):
    """ "(F5)", "Alt+1": the keys on the keyboard are the same in every language."""
    bad = [
        (ctx, src, text)
        for (ctx, src), text in translations(locale).items()
        if Counter(KEY_HINT.findall(src)) != Counter(KEY_HINT.findall(text))
    ]
    assert bad == []


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_format_like_their_source(locale):
    """Formatting the translation with the source's fields works (no stray brace, no positional {})."""
    for (_ctx, src), text in translations(locale).items():
        fields = {m.strip("{}"): "x" for m in BRACE.findall(src)}
        if fields:
            text.format(**fields)


# --- (c) the committed .qm files are up to date -----------------------------------------------------


def lrelease() -> str:
    found = shutil.which("pyside6-lrelease", path=str(Path(sys.executable).parent)) or shutil.which(
        "pyside6-lrelease"
    )
    if not found:
        pytest.skip("pyside6-lrelease not installed")
    return found


@pytest.mark.parametrize("locale", LOCALES)
def test_committed_qm_is_compiled_from_the_ts(locale, tmp_path):
    """lrelease's output is byte-stable: the .qm must be exactly what the .ts compiles to
    (run `.venv/bin/python scripts/i18n.py release` after editing a .ts)."""
    assert qm_path(locale).exists(), "run scripts/i18n.py release"
    out = tmp_path / f"station_{locale}.qm"
    subprocess.run([lrelease(), str(ts_path(locale)), "-qm", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == qm_path(locale).read_bytes(), "stale .qm: run scripts/i18n.py release"


@pytest.mark.parametrize("locale", LOCALES)
def test_qm_translates_every_source(locale, station_qapp):
    from ui.qt import QTranslator

    translator = QTranslator()
    assert translator.load(str(qm_path(locale)))
    wrong = [
        (ctx, src)
        for (ctx, src), text in translations(locale).items()
        if translator.translate(ctx, src) != text
    ]
    assert wrong == []


# --- (d) every tr() string of the window is in the .ts ----------------------------------------------


class _TrCalls(ast.NodeVisitor):
    """``self.tr("...")`` (context: the enclosing class, as lupdate names it) and
    ``QCoreApplication.translate("Context", "...")``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.classes: list[str] = []
        self.found: list[tuple[str | None, str, str]] = []  # (context, source, where)
        self.not_literal: list[str] = []

    def visit_ClassDef(self, node: ast.ClassDef) -> None:  # noqa: N802 (ast's name)
        self.classes.append(node.name)
        self.generic_visit(node)
        self.classes.pop()

    def visit_Call(self, node: ast.Call) -> None:  # noqa: N802 (ast's name)
        func = node.func
        where = f"{self.path.relative_to(ROOT)}:{node.lineno}"
        if isinstance(func, ast.Attribute) and func.attr == "tr" and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                self.found.append((self.classes[-1] if self.classes else None, arg.value, where))
            else:
                self.not_literal.append(where)
        elif (
            isinstance(func, ast.Attribute)
            and func.attr == "translate"
            and isinstance(func.value, ast.Name)
            and func.value.id == "QCoreApplication"
            and len(node.args) >= 2
        ):
            ctx, src = node.args[0], node.args[1]
            if all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in (ctx, src)):
                self.found.append((ctx.value, src.value, where))
            else:
                self.not_literal.append(where)
        self.generic_visit(node)


def ui_tr_calls() -> _TrCalls:
    total = _TrCalls(ROOT)
    for path in sorted((ROOT / "ui").rglob("*.py")):
        visitor = _TrCalls(path)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        total.found += visitor.found
        total.not_literal += visitor.not_literal
    return total


def test_the_scan_finds_the_window_strings():
    found = {src for _ctx, src, _where in ui_tr_calls().found}
    assert {"Sign in (Enter)", "Sign-in", "Call next (F2)"} <= found


def test_every_tr_string_in_ui_is_translated():
    """A new tr() string fails here until `scripts/i18n.py update` ran and it was translated."""
    zh = translations("zh_CN")
    by_source = {src for _ctx, src in zh}
    missing = [
        (where, ctx, src)
        for ctx, src, where in ui_tr_calls().found
        if (ctx is None and src not in by_source) or (ctx is not None and (ctx, src) not in zh)
    ]
    assert missing == [], "run scripts/i18n.py update, translate station_zh_CN.ts, then release"


def test_tr_takes_a_string_literal():
    """lupdate only extracts literal strings: tr(variable) or tr(f"...") would never be translated."""
    assert ui_tr_calls().not_literal == []


# --- (e) at runtime -----------------------------------------------------------------------------------


@pytest.fixture
def sign_in_page(make_hub, qtbot):
    def make():
        from ui.pages.signin import SignInPage

        page = SignInPage(make_hub("sign1", ("signin",)))
        qtbot.addWidget(page)
        return page

    return make


def test_window_speaks_chinese_with_the_zh_translator(sign_in_page):
    """station_qapp installs the Chinese translations, as `station` starts the window."""
    page = sign_in_page()  # keep the page: its button dies with it
    text = page.sign_in_button.text()
    assert text == translations("zh_CN")[("SignInPage", "Sign in (Enter)")]
    assert CJK.search(text)
    assert not ASCII_LETTER.search(KEY_HINT.sub("", text)), text


def test_window_speaks_english_with_the_en_translator(sign_in_page, station_qapp):
    from ui.qt import QTranslator

    english = QTranslator()
    assert english.load(str(qm_path("en")))
    station_qapp.installTranslator(english)  # the last installed is asked first
    try:
        page = sign_in_page()
        assert page.sign_in_button.text() == "Sign in (Enter)"
        # the tab title follows the window's language (hub.lang) through station/steps.py: tests/test_signs.py
    finally:
        station_qapp.removeTranslator(english)
    page = sign_in_page()
    assert page.sign_in_button.text() == translations("zh_CN")[("SignInPage", "Sign in (Enter)")]
