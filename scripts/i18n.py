"""Translations of the window: extract tr() strings into .ts, compile .ts into .qm.

    .venv/bin/python scripts/i18n.py update    # lupdate: ui/**/*.py -> resources/i18n/station_*.ts
    .venv/bin/python scripts/i18n.py release   # lrelease: .ts -> .qm (committed, loaded at start)
    .venv/bin/python scripts/i18n.py check     # list unfinished translations; exit 1 if any

Source strings are English; station_zh_CN.ts carries the Chinese, station_en.ts the English
(identical to the source, so that English is a complete, checked translation too).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "resources" / "i18n"
LOCALES = ("zh_CN", "en")


def tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}", path=str(Path(sys.executable).parent)) or shutil.which(
        f"pyside6-{name}"
    )
    if not found:
        raise SystemExit(f"pyside6-{name} not found (pip install PySide6-Essentials)")
    return found


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "ui").rglob("*.py"))


def ts_path(locale: str) -> Path:
    return I18N / f"station_{locale}.ts"


def update() -> None:
    I18N.mkdir(parents=True, exist_ok=True)
    for locale in LOCALES:
        subprocess.run(
            [
                tool("lupdate"),
                "-no-obsolete",
                "-locations",
                "none",
                "-target-language",
                locale,
                *sources(),
                "-ts",
                str(ts_path(locale)),
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    fill_english()


def fill_english() -> None:
    """English is the source language: its translation is the source text itself."""
    path = ts_path("en")
    tree = ET.parse(path)
    for message in tree.iter("message"):
        source = message.findtext("source")
        translation = message.find("translation")
        if translation is not None and source is not None:
            translation.text = source
            translation.attrib.pop("type", None)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def release() -> None:
    for locale in LOCALES:
        subprocess.run(
            [tool("lrelease"), str(ts_path(locale)), "-qm", str(I18N / f"station_{locale}.qm")],
            check=True,
            capture_output=True,
        )


def unfinished(locale: str) -> list[tuple[str, str]]:
    tree = ET.parse(ts_path(locale))
    out = []
    for context in tree.iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            t = message.find("translation")
            if (
                t is None
                or t.get("type") in ("unfinished", "vanished", "obsolete")
                or not (t.text or "").strip()
            ):
                out.append((name, message.findtext("source")))
    return out


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
    elif command == "release":
        release()
    elif command == "check":
        missing = [(loc, *m) for loc in LOCALES for m in unfinished(loc)]
        for loc, ctx, src in missing:
            print(f"{loc}\t{ctx}\t{src}")
        return 1 if missing else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
