"""One catalogue of user-facing domain messages, zh and en, loaded from resources/messages/*.toml.

Each TOML file maps a stable code to a table with ``zh`` and ``en`` templates using
``{name}`` placeholders filled from a DomainError's facts.
"""

from __future__ import annotations

import string
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from station.paths import resource_dir

LANGS = ("zh", "en")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for path in sorted((resource_dir() / "messages").glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for code, texts in data.items():
            if code in out:
                raise ValueError(f"message code {code!r} defined twice ({path.name})")
            out[code] = texts
    return out


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# Facts that carry a vaccine product's code: shown to staff as the product's name in their language.
PRODUCT_FACTS = ("product", "lot_product", "primary")


def _product_names(facts: dict[str, Any], lang: str) -> dict[str, Any]:
    if not any(k in facts for k in PRODUCT_FACTS):
        return facts
    from station.rules import load_rules  # rules raise DomainErrors: import here, not at the top

    try:
        products = load_rules().products
    except Exception:  # broken rule files must not hide the message that reports them
        return facts
    named = dict(facts)
    for key in PRODUCT_FACTS:
        product = products.get(named.get(key)) if isinstance(named.get(key), str) else None
        if product:
            named[key] = product.name_zh if lang == "zh" else product.name_en
    return named


def render(code: str, lang: str = "zh", **facts: Any) -> str:
    lang = "zh" if lang.startswith("zh") else "en"
    texts = catalogue().get(code)
    if texts is None:
        return code if not facts else f"{code} {facts}"
    return string.Formatter().vformat(texts[lang], (), _Keep(_product_names(facts, lang)))


def message_path(name: str) -> Path:
    return resource_dir() / "messages" / f"{name}.toml"
