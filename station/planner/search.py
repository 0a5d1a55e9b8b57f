"""Search a slot plan: bookings per slot and desks per step keeping the p95 wait under a target.

1. Desks per step start at what the load needs: ``ceil(rate x mean service / 0.85)``, the rate
   being the day's people (x show rate, x not turned away for injection) spread over the slots.
2. The bookings start spread evenly over the slots (the remainder to the earliest).
3. Each round simulates the plan (``runs`` runs) and takes the p95 wait of each step over the day
   and of each slot's people. While a step's p95 is over the target, a slot whose people wait over
   it gives a tenth of its bookings to the slot whose people wait least (the peaks are flattened
   first); when that no longer helps (or after ``reshape_rounds``), a desk is added to the step
   with the longest p95 wait. The search stops when every step is under the target, or at
   ``max_rounds`` (the answer then says it was not reached).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from station.planner import STEPS
from station.planner.fit import DayFit, clock
from station.planner.sim import Break, Setup, figures, simulate

MAX_DESKS = 20


@dataclass
class Plan:
    slots: list[tuple[float, float, int]]
    desks: dict[str, int]
    met: bool
    rounds: int
    result: dict[str, Any]
    target: float
    people: int
    history: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "target_wait": self.target,
            "people": self.people,
            "met": self.met,
            "rounds": self.rounds,
            "desks": dict(self.desks),
            "slots": [{"start": clock(a), "end": clock(b), "bookings": n} for a, b, n in self.slots],
            "predicted": {s: self.result["steps"][s] for s in STEPS},
            "peak_seats": self.result["peak_seats"],
            "queued_at_close": self.result["queued_at_close"],
        }


def even_slots(grid: list[tuple[float, float]], people: int) -> list[tuple[float, float, int]]:
    n = len(grid)
    base, extra = divmod(people, n)
    return [(a, b, base + (1 if i < extra else 0)) for i, (a, b) in enumerate(grid)]


def start_desks(fit: DayFit, grid: list[tuple[float, float]], people: int) -> dict[str, int]:
    span = max(1.0, max(b for _, b in grid) - min(a for a, _ in grid))
    rate = people * fit.show_rate / span
    load = {
        "signin": rate,
        "prescreen": rate,
        "inject": rate * (1 - fit.turn_away),
    }
    return {s: max(1, math.ceil(load[s] * fit.mean_service(s) / 0.85)) for s in STEPS}


def search_plan(
    fit: DayFit,
    *,
    people: int,
    target: float,
    grid: list[tuple[float, float]] | None = None,
    seats: int | None = None,
    breaks: list[Break] | None = None,
    runs: int = 2,
    seed: int = 1,
    max_rounds: int = 30,
    reshape_rounds: int = 6,
) -> Plan:
    grid = grid or [(a, b) for a, b, _ in fit.slots]
    slots = even_slots(grid, people)
    desks = start_desks(fit, grid, people)
    seats = seats if seats is not None else fit.seats
    close = max(b for _, b in grid)
    history: list[dict[str, Any]] = []
    reshapes = 0
    result: dict[str, Any] = {}
    best_worst = math.inf
    for rounds in range(1, max_rounds + 1):
        setup = Setup(
            desks=dict(desks), seats=seats, slots=list(slots), breaks=list(breaks or []), close_at=close
        )
        runs_ = simulate(fit, setup, runs=runs, seed=seed)
        result = figures(runs_)
        p95 = {s: result["steps"][s]["p95_wait"] for s in STEPS}
        history.append({"desks": dict(desks), "p95": p95})
        worst_step = max(STEPS, key=p95.__getitem__)
        if p95[worst_step] <= target:
            return Plan(slots, desks, True, rounds, result, target, people, history)
        improved = p95[worst_step] < best_worst - 0.05
        best_worst = min(best_worst, p95[worst_step])
        if reshapes < reshape_rounds and (improved or reshapes == 0) and len(slots) > 1:
            moved = _reshape(runs_, slots, worst_step, fit)
            if moved is not None:
                slots = moved
                reshapes += 1
                continue
        if desks[worst_step] >= MAX_DESKS:
            break
        desks[worst_step] += 1
        reshapes = 0
        best_worst = math.inf
    return Plan(slots, desks, False, rounds, result, target, people, history)


def _reshape(
    runs: list, slots: list[tuple[float, float, int]], step: str, fit: DayFit
) -> list[tuple[float, float, int]] | None:
    """Move a tenth of the bookings of the slot whose people wait longest at ``step`` to the slot
    whose people wait least there; None when the slots are already even in wait."""
    starts = np.array([a for a, _, _ in slots])
    lag = float(np.median(fit.offsets))
    waits: list[list[np.ndarray]] = [[] for _ in slots]
    for r in runs:
        rec = r.steps[step]
        # the people of each slot, told by the time they became ready at sign-in
        ready = (
            np.asarray(rec.ready)
            - lag
            - (0.0 if step == "signin" else fit.walk.get("prescreen", 0) + fit.mean_service("signin"))
        )
        idx = np.clip(np.searchsorted(starts, ready, side="right") - 1, 0, len(slots) - 1)
        w = rec.waits()
        for i in range(len(slots)):
            waits[i].append(w[idx == i])
    p95 = [float(np.percentile(np.concatenate(ws), 95)) if sum(x.size for x in ws) else 0.0 for ws in waits]
    hi = max(range(len(slots)), key=p95.__getitem__)
    lo = min(range(len(slots)), key=lambda i: (p95[i], slots[i][2]))
    if hi == lo or p95[hi] - p95[lo] < 0.1 or slots[hi][2] < 2:
        return None
    move = max(1, slots[hi][2] // 10)
    out = list(slots)
    out[hi] = (slots[hi][0], slots[hi][1], slots[hi][2] - move)
    out[lo] = (slots[lo][0], slots[lo][1], slots[lo][2] + move)
    return out
