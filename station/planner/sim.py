"""The SimPy model of the site and the figures of a run (simulated or recorded).

A person arrives (their slot's start plus an arrival offset drawn from the day's; a no-show with
the day's share; walk-ins at the day's walk-in times), queues at the sign-in desks, walks to
pre-screen (the fitted walk), queues there, is turned away with the day's share, walks to the
injection desks, queues, walks to observation and takes a seat (standing when all are taken) for
the observation minutes drawn from the day's (the rules' minutes plus the day's lateness at the
exit), longer by the day's reaction extension with the day's reaction rate. Service times are
drawn from the fitted samples of each step (the empirical distribution, resampled). Each step is
a pool of desks served first come, first served; a staff break takes one desk of a step off for
its minutes (it waits for the person at the desk to finish, then jumps the queue).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

from station.planner import STEPS
from station.planner.fit import HALF_HOUR, DayFit, StepRecord, clock


@dataclass(frozen=True)
class Break:
    step: str
    at: float  # minutes since midnight
    minutes: float
    desks: int = 1


@dataclass
class Setup:
    desks: dict[str, int]
    seats: int
    slots: list[tuple[float, float, int]]  # (start, end, bookings)
    breaks: list[Break] = field(default_factory=list)
    close_at: float | None = None  # default: the last slot's end

    def closing(self) -> float:
        if self.close_at is not None:
            return self.close_at
        return max((b for _, b, _ in self.slots), default=18 * 60.0)


def setup_of(fit: DayFit) -> Setup:
    """The day's own set-up: its desks, seats and booked slots."""
    return Setup(desks=dict(fit.desks), seats=fit.seats, slots=list(fit.slots), close_at=fit.close_at)


@dataclass
class Run:
    """One run's people per step, observation intervals and seats (the recorded day is one too)."""

    steps: dict[str, StepRecord]
    observation: list[tuple[float, float]]
    seats: int
    close_at: float


def simulate_once(fit: DayFit, setup: Setup, seed: int) -> Run:
    rng = random.Random(seed)
    recs = {s: StepRecord() for s in STEPS}
    observation: list[tuple[float, float]] = []
    service = {s: fit.service[s] for s in STEPS}
    offsets, obs_minutes, obs_slack = fit.offsets, fit.obs_minutes, fit.obs_slack
    walk = fit.walk

    arrivals: list[float] = []
    for start, _end, n in setup.slots:
        for _ in range(n):
            if rng.random() < fit.show_rate:
                arrivals.append(start + rng.choice(offsets))
    arrivals += list(fit.walk_ins)
    arrivals.sort()
    t0 = min(arrivals[0] if arrivals else 0.0, min((b.at for b in setup.breaks), default=24 * 60.0))
    env = simpy.Environment(initial_time=t0)  # the model's clock reads minutes since midnight
    desks = {s: simpy.PriorityResource(env, capacity=max(1, setup.desks[s])) for s in STEPS}

    def step(step_name: str, ready: float):
        rec = recs[step_name]
        with desks[step_name].request(priority=1) as req:
            yield req
            start = env.now
            yield env.timeout(rng.choice(service[step_name]))
        rec.ready.append(ready)
        rec.start.append(start)
        rec.end.append(env.now)

    def person(arrival: float):
        yield env.timeout(arrival - env.now)
        yield from step("signin", env.now)
        yield env.timeout(walk["prescreen"])
        yield from step("prescreen", env.now)
        if rng.random() < fit.turn_away:
            return
        yield env.timeout(walk["inject"])
        yield from step("inject", env.now)
        yield env.timeout(walk["observe"])
        start = env.now
        stay = rng.choice(obs_minutes) + rng.choice(obs_slack)
        if rng.random() < fit.reaction_rate:
            stay += fit.reaction_extend
        observation.append((start, start + stay))

    def pause(b: Break):
        yield env.timeout(max(0.0, b.at - env.now))
        with desks[b.step].request(priority=0) as req:
            yield req
            yield env.timeout(b.minutes)

    for a in arrivals:
        env.process(person(a))
    for b in setup.breaks:
        for _ in range(min(b.desks, setup.desks[b.step])):
            env.process(pause(b))
    env.run()
    return Run(recs, observation, setup.seats, setup.closing())


def simulate(fit: DayFit, setup: Setup, *, runs: int = 5, seed: int = 1) -> list[Run]:
    return [simulate_once(fit, setup, seed * 1000 + i) for i in range(runs)]


def recorded_run(fit: DayFit) -> Run:
    return Run(fit.recorded, fit.observation, fit.seats, fit.close_at)


# --- figures ---------------------------------------------------------------------------------------


def _occupancy(intervals: list[tuple[float, float]], edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and peak number of open intervals in each bin [edges[i], edges[i+1])."""
    n = len(edges) - 1
    if not intervals:
        return np.zeros(n), np.zeros(n, int)
    a = np.asarray(intervals, float)
    lo, hi = a[:, 0:1], a[:, 1:2]
    overlap = np.clip(np.minimum(hi, edges[1:]) - np.maximum(lo, edges[:-1]), 0, None)
    mean = overlap.sum(axis=0) / np.diff(edges)
    # peak: sweep the interval ends
    times = np.concatenate([a[:, 0], a[:, 1]])
    delta = np.concatenate([np.ones(len(a)), -np.ones(len(a))])
    order = np.lexsort((delta, times))  # an end before a start at the same time
    level = np.cumsum(delta[order])
    t = times[order]
    peak = np.zeros(n, int)
    start_level = 0
    j = 0
    for i in range(n):
        while j < len(t) and t[j] < edges[i]:
            start_level = level[j]
            j += 1
        k = j
        top = start_level
        while k < len(t) and t[k] < edges[i + 1]:
            top = max(top, level[k])
            k += 1
        peak[i] = int(top)
    return mean, peak


def _stats(waits: np.ndarray) -> dict[str, float]:
    if waits.size == 0:
        return {"mean": 0.0, "p95": 0.0}
    return {"mean": float(waits.mean()), "p95": float(np.percentile(waits, 95))}


def figures(runs: list[Run], *, bin_minutes: float = HALF_HOUR) -> dict[str, Any]:
    """Waits (mean and p95 per step, over all runs' people), the bottleneck, seats, queued at closing
    and the same per half hour (means over the runs)."""
    close = runs[0].close_at
    lo = min((min(r.steps["signin"].ready, default=close) for r in runs), default=close)
    hi = max(max((max(rec.end, default=close) for rec in r.steps.values()), default=close) for r in runs)
    hi = max(hi, max((max((e for _, e in r.observation), default=close) for r in runs), default=close))
    first = np.floor(lo / bin_minutes) * bin_minutes
    edges = np.arange(first, hi + bin_minutes, bin_minutes)
    if len(edges) < 2:
        edges = np.array([first, first + bin_minutes])
    nbins = len(edges) - 1
    steps: dict[str, Any] = {}
    half = [{"start": clock(e), "queue": {}, "wait_mean": {}, "wait_p95": {}} for e in edges[:-1]]
    for s in STEPS:
        waits = np.concatenate([r.steps[s].waits() for r in runs]) if runs else np.zeros(0)
        served = float(np.mean([len(r.steps[s].end) for r in runs]))
        busy = float(
            np.mean([np.sum(np.asarray(r.steps[s].end) - np.asarray(r.steps[s].start)) for r in runs])
        )
        queue = np.zeros(nbins)
        qpeak = np.zeros(nbins)
        at_close = 0.0
        for r in runs:
            rec = r.steps[s]
            iv = list(zip(rec.ready, rec.start, strict=True))
            m, p = _occupancy(iv, edges)
            queue += m / len(runs)
            qpeak += p / len(runs)
            at_close += sum(1 for a, b in iv if a <= close < b) / len(runs)
        readies = np.concatenate([np.asarray(r.steps[s].ready) for r in runs]) if runs else np.zeros(0)
        idx = np.clip(np.searchsorted(edges, readies, side="right") - 1, 0, nbins - 1)
        for i in range(nbins):
            w = waits[idx == i]
            half[i]["queue"][s] = round(float(queue[i]), 2)
            half[i]["wait_mean"][s] = round(float(w.mean()), 2) if w.size else 0.0
            half[i]["wait_p95"][s] = round(float(np.percentile(w, 95)), 2) if w.size else 0.0
        st = _stats(waits)
        steps[s] = {
            "mean_wait": round(st["mean"], 2),
            "p95_wait": round(st["p95"], 2),
            "served": round(served, 1),
            "busy_desk_hours": round(busy / 60, 2),
            "queued_at_close": round(at_close, 1),
            "peak_queue": round(float(qpeak.max()) if nbins else 0.0, 1),
        }
    seat_mean = np.zeros(nbins)
    seat_peak = np.zeros(nbins)
    for r in runs:
        m, p = _occupancy(r.observation, edges)
        seat_mean += m / len(runs)
        seat_peak += p / len(runs)
    for i in range(nbins):
        half[i]["seats_mean"] = round(float(seat_mean[i]), 1)
        half[i]["seats_peak"] = round(float(seat_peak[i]), 1)
    peak_seats = float(
        np.mean([int(_occupancy(r.observation, np.array([edges[0], edges[-1]]))[1][0]) for r in runs])
    )
    bottleneck = max(STEPS, key=lambda s: (steps[s]["p95_wait"], steps[s]["mean_wait"]))
    return {
        "steps": steps,
        "bottleneck": bottleneck,
        "peak_seats": round(peak_seats, 1),
        "seats": runs[0].seats,
        "standing_peak": round(max(0.0, peak_seats - runs[0].seats), 1),
        "queued_at_close": round(sum(steps[s]["queued_at_close"] for s in STEPS), 1),
        "close": clock(close),
        "half_hours": half,
    }
