"""The planner's answers as plain data (JSON as it is) and as lines in the user's language.

``plan_day`` is what `station plan` and the admin page's planner both call: fit the day, simulate
it (with its own set-up or another), compare with the recorded day, and optionally search a plan.
Input parsing (--desks, --slots, --break) raises DomainErrors with message codes (planner.toml).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

from station.errors import DomainError
from station.messages import render
from station.planner import STEPS
from station.planner.fit import clock, fit_day, parse_clock
from station.planner.search import MAX_DESKS, search_plan
from station.planner.sim import Break, figures, recorded_run, setup_of, simulate
from station.store import Store


def parse_desks(text: str, base: dict[str, int]) -> dict[str, int]:
    """ "signin=1,prescreen=2,inject=6" (any of the three) over ``base``."""
    out = dict(base)
    try:
        for part in text.split(","):
            if not part.strip():
                continue
            name, value = part.split("=")
            name = name.strip().lower()
            n = int(value)
            if name not in STEPS or not 1 <= n <= MAX_DESKS:
                raise ValueError(part)
            out[name] = n
    except ValueError:
        raise DomainError("planner_desks_invalid", value=text) from None
    return out


def parse_slots(path: Path) -> list[tuple[float, float, int]]:
    """A CSV of ``slot start,bookings`` (a header line allowed); each slot ends where the next one
    starts, the last after the same length as the one before (30 minutes when alone)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DomainError("planner_slots_unreadable", file=str(path), reason=str(exc)) from None
    rows: list[tuple[float, int]] = []
    for n, row in enumerate(csv.reader(io.StringIO(text)), 1):
        if not row or not "".join(row).strip() or row[0].strip().startswith("#"):
            continue
        try:
            if len(row) != 2:
                raise ValueError
            start, count = parse_clock(row[0]), int(row[1])
            if count < 0 or count > 10000 or (rows and start <= rows[-1][0]):
                raise ValueError
        except ValueError:
            if n == 1 and not rows:  # a header line
                continue
            raise DomainError("planner_slots_invalid", file=str(path), line=n, value=",".join(row)) from None
        rows.append((start, count))
    if not rows:
        raise DomainError("planner_slots_empty", file=str(path))
    out = []
    for i, (start, count) in enumerate(rows):
        if i + 1 < len(rows):
            end = rows[i + 1][0]
        else:
            end = start + (start - rows[i - 1][0] if i else 30.0)
        out.append((start, end, count))
    return out


def parse_break(text: str) -> Break:
    """ "inject@12:00+30" (one desk of that step off from 12:00 for 30 minutes); "inject@12:00+30x2"
    for two desks."""
    try:
        step, rest = text.split("@")
        at, length = rest.split("+")
        desks = 1
        if "x" in length:
            length, d = length.split("x")
            desks = int(d)
        b = Break(step.strip().lower(), parse_clock(at), float(length), desks)
        if b.step not in STEPS or not 0 < b.minutes <= 240 or not 1 <= desks <= MAX_DESKS:
            raise ValueError
        return b
    except ValueError:
        raise DomainError("planner_break_invalid", value=text) from None


def plan_day(
    store: Store,
    day: date,
    *,
    seats: int = 100,
    desks: str | None = None,
    slots: Path | None = None,
    breaks: list[str] | None = None,
    target_wait: float | None = None,
    people: int | None = None,
    runs: int = 5,
    seed: int = 1,
) -> dict[str, Any]:
    """Fit ``day``, simulate it, compare with its records; with ``target_wait``, search a plan."""
    if target_wait is not None and not 0.1 <= target_wait <= 240:
        raise DomainError("planner_target_invalid", value=target_wait)
    parsed_breaks = [parse_break(b) for b in breaks or []]
    fit = fit_day(store, day, seats=seats)
    setup = setup_of(fit)
    if desks:
        setup.desks = parse_desks(desks, setup.desks)
    if slots is not None:
        setup.slots = parse_slots(slots)
        setup.close_at = max(b for _, b, _ in setup.slots)
    setup.breaks = parsed_breaks
    runs_ = simulate(fit, setup, runs=runs, seed=seed)
    out: dict[str, Any] = {
        "day": fit.day,
        "setup": {
            "desks": dict(setup.desks),
            "seats": setup.seats,
            "booked": sum(n for _, _, n in setup.slots),
            "slots": [{"start": clock(a), "end": clock(b), "bookings": n} for a, b, n in setup.slots],
            "breaks": [
                {"step": b.step, "at": clock(b.at), "minutes": b.minutes, "desks": b.desks}
                for b in parsed_breaks
            ],
            "own": not desks and slots is None and not parsed_breaks,
        },
        "runs": runs,
        "seed": seed,
        "fit": fit.to_json(),
        "simulated": figures(runs_),
        "recorded": figures([recorded_run(fit)]),
    }
    if target_wait is not None:
        grid = [(a, b) for a, b, _ in setup.slots]
        plan = search_plan(
            fit,
            people=people or sum(n for _, _, n in setup.slots) or fit.booked,
            target=target_wait,
            grid=grid,
            seats=seats,
            breaks=parsed_breaks,
            seed=seed,
        )
        out["plan"] = plan.to_json()
    return out


def _n(x: float) -> str:
    return f"{x:.1f}"


def lines(result: dict[str, Any], lang: str, *, half_hours: bool = True) -> list[str]:
    """The answer of ``plan_day`` as lines of text in ``lang`` (without the half-hour table when
    ``half_hours`` is false; the admin page draws it as a chart)."""
    sim, rec, setup = result["simulated"], result["recorded"], result["setup"]
    step = {s: render(f"planner_step_{s}", lang) for s in STEPS}
    out = [
        render(
            "planner_header",
            lang,
            day=result["day"],
            seats=setup["seats"],
            booked=setup["booked"],
            runs=result["runs"],
            **setup["desks"],
        ),
        render("planner_bottleneck", lang, step=step[sim["bottleneck"]]),
    ]
    for s in STEPS:
        a, b = sim["steps"][s], rec["steps"][s]
        out.append(
            render(
                "planner_step_line",
                lang,
                step=step[s],
                mean=_n(a["mean_wait"]),
                p95=_n(a["p95_wait"]),
                rec_mean=_n(b["mean_wait"]),
                rec_p95=_n(b["p95_wait"]),
                queued=_n(a["queued_at_close"]),
            )
        )
    out.append(
        render(
            "planner_seats",
            lang,
            peak=_n(sim["peak_seats"]),
            seats=sim["seats"],
            rec_peak=_n(rec["peak_seats"]),
        )
    )
    if sim["standing_peak"] > 0:
        out.append(render("planner_standing", lang, standing=_n(sim["standing_peak"])))
    out.append(render("planner_queued_close", lang, close=sim["close"], queued=_n(sim["queued_at_close"])))
    if half_hours:
        out.append(render("planner_half_header", lang))
    recorded = {h["start"]: h for h in rec["half_hours"]}
    for h in sim["half_hours"] if half_hours else []:
        r = recorded.get(h["start"], {"queue": dict.fromkeys(STEPS, 0.0), "seats_peak": 0})
        out.append(
            render(
                "planner_half_line",
                lang,
                start=h["start"],
                seats=_n(h["seats_peak"]),
                rec_seats=_n(r["seats_peak"]),
                **{s: _n(h["queue"][s]) for s in STEPS},
                **{f"rec_{s}": _n(r["queue"][s]) for s in STEPS},
            )
        )
    plan = result.get("plan")
    if plan:
        out.append(
            render(
                "planner_plan_header",
                lang,
                people=plan["people"],
                target=plan["target_wait"],
                **plan["desks"],
            )
        )
        if not plan["met"]:
            out.append(render("planner_plan_not_met", lang, rounds=plan["rounds"]))
        for s in STEPS:
            p = plan["predicted"][s]
            out.append(
                render(
                    "planner_plan_predicted",
                    lang,
                    step=step[s],
                    mean=_n(p["mean_wait"]),
                    p95=_n(p["p95_wait"]),
                )
            )
        for slot in plan["slots"]:
            out.append(render("planner_plan_slot", lang, **slot))
    return out


def latest_day_with_records(store: Store, on_or_before: date) -> date | None:
    """The latest day up to ``on_or_before`` with a sign-in recorded."""
    row = store.scalar(
        """SELECT max(v.day) FROM visits v WHERE v.day <= ? AND v.signed_in_at IS NOT NULL""",
        [on_or_before.isoformat()],
    )
    return date.fromisoformat(row) if row else None


def booked_slots(store: Store, day: date) -> list[tuple[float, float, int]]:
    """The bookings per slot of ``day`` (walk-ins and cancelled visits left out)."""
    from station.planner.fit import slot_bounds

    rows = store.all(
        """SELECT slot, count(*) AS n FROM visits WHERE day = ? AND source != 'walk_in'
           AND state != 'cancelled' GROUP BY slot""",
        [day.isoformat()],
    )
    out = [(*b, r["n"]) for r in rows if (b := slot_bounds(r["slot"]))]
    return sorted(out)


def advice(
    store: Store, today: date, *, seats: int = 100, target_wait: float = 10.0, runs: int = 5, seed: int = 1
) -> dict[str, Any]:
    """The admin page's advice for tomorrow: fit the latest day with records (today, or before),
    simulate tomorrow's booked slots with that day's set-up (the fitted day's own slots when
    nobody is booked yet), set it beside the recorded day, and search a plan for tomorrow's number
    of people (the fitted day's when none) under ``target_wait``."""
    from datetime import timedelta

    fitted = latest_day_with_records(store, today)
    if fitted is None:
        raise DomainError("planner_no_records", day=today.isoformat())
    tomorrow = today + timedelta(days=1)
    fit = fit_day(store, fitted, seats=seats)
    setup = setup_of(fit)
    slots = booked_slots(store, tomorrow)
    if slots:
        setup.slots = slots
        setup.close_at = max(fit.close_at, max(b for _, b, _ in slots))
    runs_ = simulate(fit, setup, runs=runs, seed=seed)
    people = sum(n for _, _, n in setup.slots)
    plan = search_plan(
        fit,
        people=people,
        target=target_wait,
        grid=[(a, b) for a, b, _ in setup.slots],
        seats=seats,
        seed=seed,
    )
    return {
        "day": fit.day,
        "tomorrow": tomorrow.isoformat(),
        "tomorrow_booked": sum(n for _, _, n in slots),
        "setup": {
            "desks": dict(setup.desks),
            "seats": setup.seats,
            "booked": people,
            "slots": [{"start": clock(a), "end": clock(b), "bookings": n} for a, b, n in setup.slots],
            "breaks": [],
            "own": not slots,
        },
        "runs": runs,
        "seed": seed,
        "fit": fit.to_json(),
        "simulated": figures(runs_),
        "recorded": figures([recorded_run(fit)]),
        "plan": plan.to_json(),
    }
