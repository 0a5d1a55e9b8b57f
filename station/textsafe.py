"""Text from outside made safe for where it goes: a spreadsheet cell, a terminal line, a JSON line.

The database keeps what people and files really said (a name is stored as written, even one that
starts with ``=``); every writer of a file a spreadsheet may open escapes at the moment of writing
(``cell``), and every line printed to a terminal escapes control characters (``terminal``).
"""

from __future__ import annotations

import json
import re
from typing import Any

# What Excel, LibreOffice and Google Sheets read as the start of a formula (OWASP "CSV injection"):
# tab and CR too, since some readers strip them and then see the = behind.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

# C0 and C1 controls, DEL, and the invisible bidi/format characters that reorder or hide what a
# terminal shows (U+202E turns "exe.txt" around); lone surrogates (undecodable bytes from argv).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")


def is_formula(value: Any) -> bool:
    """Whether a spreadsheet would read this text as a formula (or as one after stripping a blank)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def cell(value: Any) -> Any:
    """A value for a CSV or spreadsheet cell: text a spreadsheet would run as a formula gets a leading
    single quote (shown as text by every spreadsheet; ``uncell`` takes it off again). Other values,
    numbers and None included, are returned as they are."""
    if is_formula(value):
        return QUOTE + value
    return value


def uncell(value: str) -> str:
    """The text ``cell`` escaped: a single quote before a formula character is taken off."""
    if value.startswith(QUOTE) and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _escape(m: re.Match[str]) -> str:
    ch = m.group(0)
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(value: Any) -> str:
    """Text for one terminal line: control, bidi and other invisible characters shown as ``\\x1b``,
    ``\\u202e``, so a decoded code or a file name can neither move the cursor, recolour, retitle the
    terminal, nor hide what it says. Backslashes are kept as they are."""
    return _UNSAFE.sub(_escape, str(value))


def _json_escape(m: re.Match[str]) -> str:
    ch = m.group(0)
    return "".join(f"\\u{u:04x}" for u in _utf16_units(ch))


def _utf16_units(ch: str) -> list[int]:
    code = ord(ch)
    if code < 0x10000:
        return [code]
    code -= 0x10000
    return [0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)]


def json_line(obj: Any) -> str:
    """``json.dumps(obj, ensure_ascii=False)`` with every character ``terminal`` would escape written as
    a ``\\uXXXX`` escape: the line parses back to exactly the same values, and prints safely (JSON
    itself escapes only U+0000-U+001F; C1 controls such as U+009B, a CSI, pass through it)."""
    return _UNSAFE.sub(_json_escape, json.dumps(obj, ensure_ascii=False))


__all__ = ["FORMULA_STARTS", "cell", "is_formula", "json_line", "terminal", "uncell"]
