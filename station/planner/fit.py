"""Fit one day's records: arrivals, service times, walks, observation, the set-up, measured waits.

The events say when a step was *completed* (its ``at``), at which desk (``desk`` in the payload;
pre-screen events have none, so the doctor's staff id stands for the desk), and for the injection
desk when the person was ``Called`` (when recorded). From these, per step and desk, in order of
completion (c_1 < c_2 < ... at one desk):

* the person is *ready* for the step at ``r = previous step's completion + walk`` (sign-in: the
  arrival, see below);
* the desk starts on them at ``s_k = max(r_k, c_{k-1})`` (FIFO, a desk never idles while someone
  waits; with a ``Called`` stamp, ``s_k`` is that stamp);
* the service time is ``S_k = c_k - s_k`` and the wait ``W_k = s_k - r_k``.

So a completion that follows the previous one at the same desk while the person was already there
is a pure service time (the gap between consecutive completions), and one that follows an idle desk
is the time since the person became ready. The walk between two steps is the smallest time from the
previous step to this one's completion (2nd percentile) less the smallest busy gap (2nd percentile).

Sign-in has no recorded ready time (arrivals are not recorded). Its service time is the lower part
of the gaps between consecutive sign-ins at one desk: the share of gaps taken is the desk's
utilisation ``rho = sign-ins x mean service / open time``, iterated to a fixed point (the share of
departures that leave someone waiting is about ``rho``). A gap up to the largest of these is busy:
that person arrived while the desk worked, estimated half-way between the previous arrival and the
moment the desk freed; after a longer gap the person arrived ``mean service`` before their sign-in.
Arrival offsets are these arrivals less their booking slot's start.

All times are minutes since the day's midnight (local time as recorded).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np

from station.errors import DomainError
from station.planner import STEPS
from station.store import Store

STEP_EVENT = {"signin": "SignedIn", "prescreen": "Screened", "inject": "Injected"}
TIMED = ("BookingAdded", "SignedIn", "Screened", "Called", "Injected", "ObservationStarted", "Released")
HALF_HOUR = 30.0


def minutes(at: str) -> float:
    """Minutes since midnight of an ISO stamp, in its own offset."""
    t = datetime.fromisoformat(at)
    return t.hour * 60 + t.minute + t.second / 60 + t.microsecond / 60e6


def clock(m: float) -> str:
    m = int(round(m))
    return f"{m // 60:02d}:{m % 60:02d}"


def parse_clock(text: str) -> float:
    h, m = text.strip().split(":")
    hh, mm = int(h), int(m)
    if not (0 <= hh <= 23 and 0 <= mm <= 59):
        raise ValueError(text)
    return hh * 60.0 + mm


def slot_bounds(slot: str | None) -> tuple[float, float] | None:
    """ "08:00-08:30" -> (480, 510); None when the slot is not HH:MM-HH:MM."""
    if not slot or "-" not in slot:
        return None
    try:
        a, b = slot.split("-", 1)
        return parse_clock(a), parse_clock(b)
    except ValueError:
        return None


@dataclass
class StepRecord:
    """One step's people: when each was ready, started and finished (minutes), at which desk."""

    ready: list[float] = field(default_factory=list)
    start: list[float] = field(default_factory=list)
    end: list[float] = field(default_factory=list)
    desk: list[str] = field(default_factory=list)

    def waits(self) -> np.ndarray:
        return np.maximum(np.asarray(self.start) - np.asarray(self.ready), 0.0)


@dataclass
class DayFit:
    day: str
    slots: list[tuple[float, float, int]]  # (start, end, bookings) per booking slot
    booked: int
    show_rate: float
    offsets: list[float]  # arrival - slot start, minutes
    walk_ins: list[float]  # arrival times of walk-ins
    service: dict[str, list[float]]  # minutes, per step
    walk: dict[str, float]  # minutes from the previous step's completion to ready here
    turn_away: float  # share turned away at pre-screen
    obs_minutes: list[float]  # the minutes set at the start of each observation
    obs_slack: list[float]  # release - (start + minutes), without a reaction
    reaction_rate: float
    reaction_extend: float  # minutes a reaction adds
    desks: dict[str, int]
    seats: int
    open_at: float
    close_at: float
    recorded: dict[str, StepRecord]  # the measured steps (sign-in from estimated arrivals)
    observation: list[tuple[float, float]]  # (start, release) per person observed
    called: bool = False  # whether the injection desk recorded Called (its start then measured)

    def mean_service(self, step: str) -> float:
        return float(np.mean(self.service[step])) if self.service.get(step) else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "day": self.day,
            "booked": self.booked,
            "show_rate": round(self.show_rate, 4),
            "walk_ins": len(self.walk_ins),
            "arrival_offset_min": _dist(self.offsets),
            "service_min": {s: _dist(self.service[s]) for s in STEPS},
            "walk_min": {k: round(v, 2) for k, v in self.walk.items()},
            "turn_away": round(self.turn_away, 4),
            "observation_min": _dist([m + s for m, s in zip(self.obs_minutes, self.obs_slack, strict=False)]),
            "reaction_rate": round(self.reaction_rate, 4),
            "reaction_extend_min": round(self.reaction_extend, 1),
            "desks": dict(self.desks),
            "seats": self.seats,
            "open": clock(self.open_at),
            "close": clock(self.close_at),
            "called_recorded": self.called,
        }


def _dist(xs: list[float]) -> dict[str, float]:
    if not xs:
        return {"n": 0}
    a = np.asarray(xs, float)
    return {
        "n": int(a.size),
        "mean": round(float(a.mean()), 3),
        "p5": round(float(np.percentile(a, 5)), 3),
        "p95": round(float(np.percentile(a, 95)), 3),
    }


def _day_events(store: Store, day: str) -> dict[str, dict[str, dict[str, Any]]]:
    """Per visit of ``day``: its first event of each timed type (payload, plus the staff id)."""
    rows = store.all(
        f"""SELECT e.type, e.visit_id, e.staff_id, e.payload FROM events e
            JOIN visits v ON v.visit_id = e.visit_id
            WHERE v.day = ? AND e.type IN ({",".join("?" * len(TIMED))}) ORDER BY e.hlc""",
        [day, *TIMED],
    )
    out: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for r in rows:
        kinds = out[r["visit_id"]]
        if r["type"] in kinds and r["type"] != "Called":
            continue
        payload = json.loads(r["payload"])
        payload["_staff"] = r["staff_id"]
        kinds[r["type"]] = payload  # Called: the last call counts (a recall moves it)
    return out


def _reactions(store: Store, day: str) -> list[dict[str, Any]]:
    rows = store.all(
        """SELECT e.payload FROM events e JOIN visits v ON v.visit_id = e.visit_id
           WHERE v.day = ? AND e.type = 'AdverseEventReported'""",
        [day],
    )
    return [json.loads(r["payload"]) for r in rows]


def _q(xs: list[float], q: float) -> float:
    return float(np.percentile(xs, q)) if xs else 0.0


def fit_desk_step(
    people: list[tuple[float, float, str, float | None]],
) -> tuple[list[float], float, StepRecord]:
    """Service samples, walk and the measured record of a step with known previous completions.

    ``people``: (previous completion, this completion, desk, called-at or None)."""

    def pass_(walk: float) -> tuple[list[float], list[float], StepRecord]:
        by_desk: dict[str, list[tuple[float, float, float | None]]] = defaultdict(list)
        for prev, done, desk, called in people:
            by_desk[desk].append((done, prev, called))
        service: list[float] = []
        busy_gaps: list[float] = []
        idle: list[float] = []
        rec = StepRecord()
        for desk, rows in by_desk.items():
            rows.sort()
            last = None
            for done, prev, called in rows:
                ready = prev + walk
                if called is not None and prev <= called <= done:
                    start = called
                elif last is not None and last > ready:
                    start = last
                    busy_gaps.append(done - last)
                else:
                    start = ready
                    idle.append(done - ready)
                start = min(start, done)
                service.append(done - start)
                rec.ready.append(ready)
                rec.start.append(start)
                rec.end.append(done)
                rec.desk.append(desk)
                last = done
        return service, busy_gaps, idle, rec

    # the walk: first the smallest time from the previous step less the smallest busy gap; then,
    # with busy gaps for at least a fifth of the people, moved until the idle people's service
    # (completion - ready) has the busy gaps' median
    walk = 0.0
    for _ in range(2):
        service, busy, idle, rec = pass_(walk)
        if busy:
            walk = max(0.0, _q([d - p for p, d, _, _ in people], 2) - _q(busy, 2))
    if busy:
        for _ in range(6):
            service, busy, idle, rec = pass_(walk)
            if len(busy) < max(30, len(people) // 5) or not idle:
                break  # too few busy gaps to compare medians: keep the smallest-times estimate
            step = float(np.median(idle)) - float(np.median(busy))
            walk = max(0.0, walk + step)
            if abs(step) < 1e-3:
                break
    service, busy, idle, rec = pass_(walk)
    return [max(s, 1e-3) for s in service], walk, rec


def fit_signin(
    done_by_desk: dict[str, list[float]],
) -> tuple[list[float], dict[str, list[tuple[float, float]]]]:
    """Sign-in service samples and, per desk, (estimated arrival, completion) in completion order."""
    gaps: list[float] = []
    span = 0.0
    count = 0
    for times in done_by_desk.values():
        t = sorted(times)
        gaps += [b - a for a, b in zip(t, t[1:], strict=False)]
        span += max(t[-1] - t[0], 1.0)
        count += len(t)
    if not gaps:
        service = [0.4]
    else:
        g = np.sort(np.asarray(gaps))
        share = 0.5
        for _ in range(20):
            k = max(1, int(round(share * g.size)))
            mean = float(g[:k].mean())
            share_new = min(0.95, max(0.05, count * mean / span))
            if abs(share_new - share) < 1e-3:
                break
            share = share_new
        service = [float(x) for x in g[:k]]
    s_mean = float(np.mean(service))
    busy_max = max(service)
    arrivals: dict[str, list[tuple[float, float]]] = {}
    for desk, times in done_by_desk.items():
        out: list[tuple[float, float]] = []
        prev_done = prev_arrival = None
        for done in sorted(times):
            if prev_done is not None and done - prev_done <= busy_max and prev_arrival is not None:
                arrival = min(prev_done, max(prev_arrival, (prev_arrival + prev_done) / 2))
            else:
                arrival = done - s_mean
            out.append((arrival, done))
            prev_done, prev_arrival = done, arrival
        arrivals[desk] = out
    return service, arrivals


def fit_day(store: Store, day: date, *, seats: int = 100) -> DayFit:
    """Everything the simulation needs from ``day``'s records (see the module's docstring)."""
    from station.rules import load_rules

    d = day.isoformat()
    visits = store.all("SELECT visit_id, slot, source, state FROM visits WHERE day = ?", [d])
    events = _day_events(store, d)
    signed = {v: ev for v, ev in events.items() if "SignedIn" in ev}
    if not signed:
        raise DomainError("planner_no_records", day=d)
    slot_of = {v["visit_id"]: slot_bounds(v["slot"]) for v in visits}
    source_of = {v["visit_id"]: v["source"] for v in visits}
    booked_visits = [v for v in visits if v["source"] != "walk_in" and v["state"] != "cancelled"]
    slots_count: dict[tuple[float, float], int] = defaultdict(int)
    for v in booked_visits:
        b = slot_of[v["visit_id"]]
        if b:
            slots_count[b] += 1
    slots = sorted((a, b, n) for (a, b), n in slots_count.items())
    booked_shown = sum(1 for v in booked_visits if v["visit_id"] in signed)
    show_rate = booked_shown / len(booked_visits) if booked_visits else 1.0

    # sign-in
    done_by_desk: dict[str, list[float]] = defaultdict(list)
    visit_at: dict[tuple[str, float], str] = {}
    for vid, ev in signed.items():
        p = ev["SignedIn"]
        desk = str(p.get("desk") or p.get("_staff") or "1")
        t = minutes(p["at"])
        done_by_desk[desk].append(t)
        visit_at[(desk, t)] = vid
    s_service, arrivals = fit_signin(done_by_desk)
    s_mean = float(np.mean(s_service))
    recorded: dict[str, StepRecord] = {s: StepRecord() for s in STEPS}
    arrival_of: dict[str, float] = {}
    offsets: list[float] = []
    walk_ins: list[float] = []
    for desk, rows in arrivals.items():
        for arrival, done in rows:
            vid = visit_at[(desk, done)]
            arrival_of[vid] = arrival
            r = recorded["signin"]
            r.ready.append(arrival)
            r.start.append(max(arrival, done - s_mean))
            r.end.append(done)
            r.desk.append(desk)
            b = slot_of.get(vid)
            if source_of.get(vid) == "walk_in" or not b:
                walk_ins.append(arrival)
            else:
                offsets.append(arrival - b[0])

    # pre-screen and injection
    screen_rows = []
    inject_rows = []
    turned = 0
    screened = 0
    for ev in signed.values():
        sc = ev.get("Screened")
        if sc is None:
            continue
        screened += 1
        if sc.get("outcome", "pass") != "pass":
            turned += 1
        signed_at = minutes(ev["SignedIn"]["at"])
        screen_at = minutes(sc["at"])
        screen_rows.append((signed_at, screen_at, str(sc.get("desk") or sc.get("_staff") or "?"), None))
        inj = ev.get("Injected")
        if inj is not None:
            called = ev.get("Called")
            called_at = minutes(called["at"]) if called and called.get("at") else None
            inject_rows.append(
                (screen_at, minutes(inj["at"]), str(inj.get("desk") or inj.get("_staff")), called_at)
            )
    service: dict[str, list[float]] = {"signin": s_service}
    walk: dict[str, float] = {}
    for step, rows in (("prescreen", screen_rows), ("inject", inject_rows)):
        if rows:
            service[step], walk[step], recorded[step] = fit_desk_step(rows)
        else:
            service[step], walk[step] = [1.0], 1.0

    # observation
    obs_minutes: list[float] = []
    obs_slack: list[float] = []
    observation: list[tuple[float, float]] = []
    obs_walk: list[float] = []
    extend = [float(r.get("extend_minutes") or 0) for r in _reactions(store, d)]
    reaction_visits = _reaction_visits(store, d)
    rules = load_rules()
    for vid, ev in signed.items():
        ob = ev.get("ObservationStarted")
        if ob is None:
            continue
        start = minutes(ob["at"])
        if "Injected" in ev:
            obs_walk.append(start - minutes(ev["Injected"]["at"]))
        rel = ev.get("Released")
        end = minutes(rel["at"]) if rel else None
        m = float(ob.get("minutes") or rules.observation_minutes)
        if end is not None:
            observation.append((start, end))
            if vid not in reaction_visits:
                obs_minutes.append(m)
                obs_slack.append(max(0.0, end - start - m))
    walk["observe"] = max(0.0, _q(obs_walk, 2)) if obs_walk else 1.0
    observed = max(1, len(observation))
    desks = {
        "signin": max(1, len(done_by_desk)),
        "prescreen": max(1, len({r[2] for r in screen_rows})),
        "inject": max(1, len({r[2] for r in inject_rows})),
    }
    all_slots = [(a, b) for a, b, _ in slots]
    first = min([a for a, _ in all_slots] + [min(arrival_of.values())])
    last = max([b for _, b in all_slots] + [max(arrival_of.values())])
    return DayFit(
        day=d,
        slots=slots,
        booked=len(booked_visits),
        show_rate=show_rate,
        offsets=offsets or [0.0],
        walk_ins=sorted(walk_ins),
        service=service,
        walk=walk,
        turn_away=turned / screened if screened else 0.0,
        obs_minutes=obs_minutes or [float(rules.observation_minutes)],
        obs_slack=obs_slack or [0.0],
        reaction_rate=len(reaction_visits) / observed,
        reaction_extend=float(np.mean(extend)) if extend else 30.0,
        desks=desks,
        seats=seats,
        open_at=first,
        close_at=last,
        recorded=recorded,
        observation=observation,
        called=any(r[3] is not None for r in inject_rows),
    )


def _reaction_visits(store: Store, day: str) -> set[str]:
    rows = store.all(
        """SELECT DISTINCT e.visit_id FROM events e JOIN visits v ON v.visit_id = e.visit_id
           WHERE v.day = ? AND e.type = 'AdverseEventReported'""",
        [day],
    )
    return {r["visit_id"] for r in rows}
