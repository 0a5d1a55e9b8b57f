"""The visit's numbered steps as the site shows them (#15): one source for the printed signs
(station/signs.py) and the desk tabs (ui/pages/*.py ``title()``); tests/test_signs.py checks both
agree. Names are message codes (resources/messages/signs.toml), zh and en."""

from __future__ import annotations

from dataclasses import dataclass

from station.messages import render


@dataclass(frozen=True)
class Step:
    number: int
    role: str  # the desk role (settings.desk_roles) that serves this step
    code: str  # its name's message code

    def name(self, lang: str = "zh") -> str:
        return render(self.code, lang)

    def title(self, lang: str = "zh") -> str:
        """What the desk's tab and the step's sign say: the number, then the name."""
        return f"{self.number} {self.name(lang)}"


STEPS = (
    Step(1, "signin", "step_signin"),
    Step(2, "prescreen", "step_prescreen"),
    Step(3, "inject", "step_inject"),
    Step(4, "observe", "step_observe"),
)
BY_ROLE = {s.role: s for s in STEPS}


def desk_title(role: str, lang: str = "zh") -> str:
    """The tab title of the desk serving ``role`` ("1 签到"); a role that is no step: ""."""
    step = BY_ROLE.get(role)
    return step.title(lang) if step else ""
