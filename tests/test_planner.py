"""The site planner (#16): the SimPy model against closed-form queueing results, the estimators on
synthetic events with known parameters, the demo day replayed with its own set-up, `station plan`
as a real subprocess, and a fresh site's small day planned.

Stated tolerances (docs/planner.md):
* M/M/1 and M/M/c mean waits within 8% of the formulas over 6 runs of ~20,000 people each.
* The demo day replayed with its own set-up (1 sign-in, 2 pre-screen, 6 injection desks, 100
  seats): mean wait per measured step (pre-screen, injection) within 0.25 min of the recorded, p95
  within 0.75 min, the peak of seats in use within 10%, sign-ins per half hour within 15% + 3.
"""

from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from station import bookings, demo, inject, observe, prescreen, signin
from station.planner import fit as fitmod
from station.planner import sim as simmod
from station.planner.report import lines, parse_break, parse_desks, parse_slots, plan_day
from station.planner.search import search_plan
from station.store import Store
from tests.conftest import CST, DAY, new_person
from tests.domainkit import answers, refused

ROOT = Path(__file__).resolve().parents[1]


# --- the model against queueing theory ----------------------------------------------------------


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue of M/M/c (Erlang C)."""
    a = lam / mu
    rho = a / c
    top = a**c / math.factorial(c) / (1 - rho)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c * mu - lam)


def queue_fit(lam: float, mu: float, people: int, seed: int) -> fitmod.DayFit:
    """A 'day' that is one M/M/c queue at sign-in: Poisson arrivals (as walk-ins), exponential
    service (a large resampled sample), every later step instant and everyone leaving after it."""
    rng = random.Random(seed)
    t, arrivals = 0.0, []
    for _ in range(people):
        t += rng.expovariate(lam)
        arrivals.append(t)
    service = [rng.expovariate(mu) for _ in range(200_000)]
    return fitmod.DayFit(
        day="2026-01-01", slots=[], booked=0, show_rate=1.0, offsets=[0.0], walk_ins=arrivals,
        service={"signin": service, "prescreen": [1e-6], "inject": [1e-6]},
        walk={"prescreen": 0.0, "inject": 0.0, "observe": 0.0}, turn_away=1.0,
        obs_minutes=[30.0], obs_slack=[0.0], reaction_rate=0.0, reaction_extend=30.0,
        desks={}, seats=100, open_at=0.0, close_at=t, recorded={}, observation=[],
    )  # fmt: skip


@pytest.mark.parametrize(("lam", "mu", "c"), [(0.7, 1.0, 1), (2.4, 1.0, 3), (4.0, 0.5, 10)])
def test_waits_match_erlang_c(lam, mu, c):
    expected = erlang_c_wait(lam, mu, c)
    waits = []
    for run in range(6):
        f = queue_fit(lam, mu, 20_000, seed=run)
        setup = simmod.Setup(
            desks={"signin": c, "prescreen": 1000, "inject": 1}, seats=100, slots=[], close_at=f.close_at
        )
        waits.append(simmod.simulate_once(f, setup, seed=run).steps["signin"].waits())
    got = float(np.concatenate(waits).mean())
    assert got == pytest.approx(expected, rel=0.08), (got, expected)


def test_erlang_c_formula_itself():
    # M/M/1: Wq = rho / (mu - lam)
    assert erlang_c_wait(0.7, 1.0, 1) == pytest.approx(0.7 / 0.3)
    # a known M/M/2 value: lam=1, mu=1 -> P(wait)=1/3, Wq=1/3
    assert erlang_c_wait(1.0, 1.0, 2) == pytest.approx(1 / 3)


# --- the estimators on synthetic records ----------------------------------------------------------


def test_desk_step_estimator_recovers_known_service_walk_and_waits():
    """Two desks FIFO, service U(1,3) min, a 0.5 min walk: the estimator finds each person's
    service and wait exactly (the desks never idle while someone waits), and the walk."""
    rng = random.Random(7)
    free = [0.0, 0.0]
    rows, true_service, true_wait = [], [], []
    t = 0.0
    for _ in range(600):
        t += rng.expovariate(1 / 1.2)
        ready = t + 0.5
        desk = min(range(2), key=free.__getitem__)
        start = max(ready, free[desk])
        s = rng.uniform(1, 3)
        free[desk] = start + s
        rows.append((t, start + s, f"d{desk}", None))
        true_service.append(s)
        true_wait.append(start - ready)
    service, walk, rec = fitmod.fit_desk_step(rows)
    assert walk == pytest.approx(0.5, abs=0.05)
    assert np.mean(service) == pytest.approx(np.mean(true_service), rel=0.02)
    assert rec.waits().mean() == pytest.approx(np.mean(true_wait), abs=0.05)
    assert np.percentile(rec.waits(), 95) == pytest.approx(np.percentile(true_wait, 95), abs=0.1)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "station.sqlite3"
    store = Store.open(path)
    demo.load(store, DAY)
    yield store
    store.close()


def test_fit_of_the_demo_day_finds_the_demo_parameters(demo_store):
    """The demo day is made with known parameters (station/demo.py): pre-screen U(30,70) s,
    injection U(90,150) s, a 1 minute walk between steps, 30 min observation + U(0,6) at the exit,
    sign-in U(15,30) s, arrivals U(-10,28) min around the slot's start, ~5% turned away."""
    f = fitmod.fit_day(demo_store, DAY)
    assert f.desks == {"signin": 1, "prescreen": 2, "inject": 6}
    assert f.mean_service("prescreen") * 60 == pytest.approx(50, rel=0.05)
    assert f.mean_service("inject") * 60 == pytest.approx(120, rel=0.05)
    assert f.mean_service("signin") * 60 == pytest.approx(22.5, rel=0.15)  # no arrival recorded: coarser
    assert f.walk["prescreen"] == pytest.approx(1.0, abs=0.1)
    assert f.walk["inject"] == pytest.approx(1.0, abs=0.1)
    assert f.walk["observe"] == pytest.approx(1.0, abs=0.05)
    assert np.mean(f.obs_slack) == pytest.approx(3.0, abs=0.3)
    assert np.mean(f.offsets) == pytest.approx(9.0, abs=1.5)
    assert f.turn_away == pytest.approx(54 / 1004, abs=0.01)
    assert f.show_rate == pytest.approx(1004 / 1005)


def test_replaying_the_demo_day_reproduces_its_measured_waits(demo_store):
    result = plan_day(demo_store, DAY, runs=10)
    sim, rec = result["simulated"], result["recorded"]
    for step in ("prescreen", "inject"):
        a, b = sim["steps"][step], rec["steps"][step]
        assert abs(a["mean_wait"] - b["mean_wait"]) <= 0.25, (step, a, b)
        assert abs(a["p95_wait"] - b["p95_wait"]) <= 0.75, (step, a, b)
    assert sim["peak_seats"] == pytest.approx(rec["peak_seats"], rel=0.10)
    assert sim["queued_at_close"] == rec["queued_at_close"] == 0
    # arrivals: sign-ins per half hour, simulated against recorded
    sim_half = {h["start"]: h for h in sim["half_hours"]}
    f = fitmod.fit_day(demo_store, DAY)
    done = np.asarray(f.recorded["signin"].end)
    runs = simmod.simulate(f, simmod.setup_of(f), runs=10)
    for h in rec["half_hours"]:
        lo = fitmod.parse_clock(h["start"])
        recorded = int(((done >= lo) & (done < lo + 30)).sum())
        simulated = np.mean(
            [
                (
                    (np.asarray(r.steps["signin"].end) >= lo) & (np.asarray(r.steps["signin"].end) < lo + 30)
                ).sum()
                for r in runs
            ]
        )
        assert abs(simulated - recorded) <= 0.15 * recorded + 3, (h["start"], simulated, recorded)
        assert h["start"] in sim_half
    assert sim["bottleneck"] == rec["bottleneck"] == "prescreen"


def test_fewer_desks_make_longer_queues_and_a_search_meets_its_target(demo_store):
    f = fitmod.fit_day(demo_store, DAY)
    own = simmod.figures(simmod.simulate(f, simmod.setup_of(f), runs=3))
    short = simmod.setup_of(f)
    short.desks = {"signin": 1, "prescreen": 1, "inject": 6}
    worse = simmod.figures(simmod.simulate(f, short, runs=3))
    assert worse["steps"]["prescreen"]["p95_wait"] > 10 * own["steps"]["prescreen"]["p95_wait"]
    assert worse["queued_at_close"] > 50
    assert worse["bottleneck"] == "prescreen"
    plan = search_plan(f, people=1400, target=2.0)
    assert plan.met
    assert sum(n for _, _, n in plan.slots) == 1400
    assert all(plan.result["steps"][s]["p95_wait"] <= 2.0 for s in ("signin", "prescreen", "inject"))
    assert plan.desks["prescreen"] >= 3  # 1,400 people need a third pre-screen desk


def test_a_break_lengthens_the_queue_at_its_step(demo_store):
    f = fitmod.fit_day(demo_store, DAY)
    base = simmod.setup_of(f)
    with_break = simmod.setup_of(f)
    with_break.breaks = [parse_break("prescreen@10:00+60")]
    a = simmod.figures(simmod.simulate(f, base, runs=4))
    b = simmod.figures(simmod.simulate(f, with_break, runs=4))
    ten = next(i for i, h in enumerate(a["half_hours"]) if h["start"] == "10:00")
    assert b["half_hours"][ten + 1]["queue"]["prescreen"] > 5 * max(
        a["half_hours"][ten + 1]["queue"]["prescreen"], 0.5
    )


# --- input parsing ---------------------------------------------------------------------------------


def test_desks_slots_and_breaks_are_read_or_refused_with_a_code(tmp_path):
    base = {"signin": 1, "prescreen": 2, "inject": 6}
    assert parse_desks("inject=4", base) == {"signin": 1, "prescreen": 2, "inject": 4}
    for bad in ("inject", "inject=0", "foo=2", "inject=x", "inject=99"):
        with refused("planner_desks_invalid", value=bad):
            parse_desks(bad, base)
    good = tmp_path / "slots.csv"
    good.write_text("slot,bookings\n08:00,40\n08:30,45\n09:00,50\n", encoding="utf-8")
    assert parse_slots(good) == [(480.0, 510.0, 40), (510.0, 540.0, 45), (540.0, 570.0, 50)]
    bad = tmp_path / "bad.csv"
    bad.write_text("08:00,40\n8h30,45\n", encoding="utf-8")
    with refused("planner_slots_invalid", line=2):
        parse_slots(bad)
    empty = tmp_path / "empty.csv"
    empty.write_text("slot,bookings\n", encoding="utf-8")
    with refused("planner_slots_empty"):
        parse_slots(empty)
    with refused("planner_slots_unreadable"):
        parse_slots(tmp_path / "missing.csv")
    assert parse_break("inject@12:00+30x2") == simmod.Break("inject", 720.0, 30.0, 2)
    with refused("planner_break_invalid"):
        parse_break("lunch at noon")


# --- the command -----------------------------------------------------------------------------------


def run(data: Path, *args: str, lang: str = "en", ok: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    out = subprocess.run(
        [sys.executable, "-m", "station.cli", "--data", str(data), "--lang", lang, *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )  # fmt: skip
    if ok:
        assert out.returncode == 0, out.stderr
    return out


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory):
    data = tmp_path_factory.mktemp("plan")
    run(data, "demo", "--day", DAY.isoformat())
    return data


def test_plan_prints_the_day_in_chinese_and_english(demo_data):
    zh = run(demo_data, "plan", "--day", DAY.isoformat(), "--runs", "2", lang="zh").stdout
    assert "瓶颈环节：预检" in zh
    assert "预检：平均等候" in zh and "留观座位最多同时使用" in zh and "收尾时间 18:30 仍在排队" in zh
    assert "10:00  签到" in zh
    en = run(demo_data, "plan", "--day", DAY.isoformat(), "--runs", "2").stdout
    assert "Bottleneck: Pre-screen" in en and "Per half hour" in en
    assert "planner_" not in zh + en  # every line through a message code that exists


def test_plan_json_tries_another_setup_and_proposes_slots(demo_data, tmp_path):
    slots = tmp_path / "slots.csv"
    slots.write_text(
        "".join(f"{h:02d}:{m:02d},60\n" for h in range(8, 18) for m in (0, 30)), encoding="utf-8"
    )
    out = run(
        demo_data, "plan", "--day", DAY.isoformat(), "--desks", "signin=1,prescreen=2,inject=5", "--seats", "80",
        "--slots", str(slots), "--target-wait", "3", "--people", "1200", "--runs", "2", "--json",
    ).stdout  # fmt: skip
    result = json.loads(out)
    assert result["setup"]["desks"] == {"signin": 1, "prescreen": 2, "inject": 5}
    assert result["setup"]["seats"] == 80 and result["setup"]["booked"] == 1200
    assert result["simulated"]["close"] == "18:00"
    assert set(result["simulated"]["steps"]) == {"signin", "prescreen", "inject"}
    assert result["plan"]["people"] == 1200
    assert sum(s["bookings"] for s in result["plan"]["slots"]) == 1200
    assert len(result["plan"]["slots"]) == 20
    assert result["plan"]["met"] is True
    assert result["fit"]["desks"] == {"signin": 1, "prescreen": 2, "inject": 6}


def test_plan_refuses_bad_input_with_a_clear_line(demo_data, tmp_path):
    cases = [
        (("--day", "2026-11-20"), "No sign-ins recorded on 2026-11-20"),
        (("--day", DAY.isoformat(), "--desks", "inject=lots"), "Cannot read the desks inject=lots"),
        (("--day", DAY.isoformat(), "--target-wait", "0"), "The target wait must be"),
        (("--day", DAY.isoformat(), "--break", "lunch"), "Cannot read the break lunch"),
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("08:00,40\nnoon,45\n", encoding="utf-8")
    cases.append((("--day", DAY.isoformat(), "--slots", str(bad)), "line 2: cannot read noon,45"))
    for args, said in cases:
        out = run(demo_data, "plan", *args, ok=False)
        assert out.returncode == 2, out
        assert said in out.stderr, out.stderr
        assert "Traceback" not in out.stderr
    zh = run(demo_data, "plan", "--day", "2026-11-20", lang="zh", ok=False)
    assert "没有签到记录" in zh.stderr


def test_plan_help_is_bilingual(demo_data):
    out = run(demo_data, "plan", "--help").stdout
    assert "现场模拟" in out and "Site planner" in out and "--target-wait" in out


# --- a fresh site ----------------------------------------------------------------------------------


def test_a_fresh_sites_small_day_is_fitted_and_planned(store, clock):
    """Eight people booked at 08:00-08:30 go through one desk per step; the injection desk calls
    each one (Called), so the injection's service is measured from the call."""
    visits = [
        bookings.add_booking(store, new_person(f"人{i}"), DAY, "08:00-08:30", staff_id="admin1")
        for i in range(8)
    ]
    start = datetime(2026, 11, 26, 8, 0, tzinfo=CST)
    for i, visit in enumerate(visits):
        t0 = start + timedelta(minutes=3 * i)
        clock.t = t0 + timedelta(seconds=20)
        signin.sign_in(store, visit, staff_id="sign1", desk="S1")
        clock.t = t0 + timedelta(minutes=2)
        prescreen.screen(store, visit, staff_id="pre1", answers=answers(), temperature=36.5)
        clock.t = t0 + timedelta(minutes=3)
        assert inject.call_next(store, staff_id="vac1", desk="3")["visit_id"] == visit
        clock.t = t0 + timedelta(minutes=4, seconds=30)
        inject.inject(store, visit, staff_id="vac1", lot_no="LOT-A", desk="3")
        clock.t = t0 + timedelta(minutes=5)
        observe.start_observation(store, visit, staff_id="obs1")
        clock.t = t0 + timedelta(minutes=36)
        observe.release(store, visit, staff_id="obs1")
    f = fitmod.fit_day(store, DAY)
    assert f.called
    assert f.desks == {"signin": 1, "prescreen": 1, "inject": 1}
    assert np.mean(f.service["inject"]) == pytest.approx(1.5)
    # no desk was ever busy: no walk can be told apart, so the minute from pre-screen to the call is
    # the wait at the injection desk
    assert f.walk["inject"] == 0
    assert list(f.recorded["inject"].waits()) == pytest.approx([1.0] * 8)
    assert [round(m + s) for m, s in zip(f.obs_minutes, f.obs_slack, strict=True)] == [31] * 8
    result = plan_day(store, DAY, runs=3, target_wait=5)
    assert result["recorded"]["peak_seats"] == 8
    assert result["simulated"]["steps"]["inject"]["served"] == 8
    assert result["plan"]["met"]
    text = "\n".join(lines(result, "zh"))
    assert "瓶颈环节" in text and "放号" in text


def test_a_day_without_sign_ins_is_refused(store):
    bookings.add_booking(store, new_person(), DAY, "08:00-08:30", staff_id="admin1")
    with refused("planner_no_records", day=DAY.isoformat()):
        fitmod.fit_day(store, DAY)
    with refused("planner_no_records"):
        plan_day(store, date(2026, 11, 27))
