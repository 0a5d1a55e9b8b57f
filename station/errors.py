"""Domain errors: a stable code plus the facts a translated message needs."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refused step. ``code`` is stable (the UI and CLI translate it); ``facts`` fill the message."""

    def __init__(self, code: str, **facts: Any) -> None:
        self.code = code
        self.facts = facts
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        from station.messages import render

        return render(self.code, lang, **self.facts)

    def as_dict(self) -> dict[str, Any]:
        return {"error": self.code, "reason": self.message("en"), **self.facts}
