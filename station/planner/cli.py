"""`station plan`: the site planner for a day (issue #16). station/cli.py adds the command; the run's
context is ctx.obj, whatever its class (as station/stock_cli.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from station.stock_cli import CONTEXT, _echo_json, domain_errors


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r}: YYYY-MM-DD") from None


@click.command(
    "plan", context_settings=CONTEXT, short_help="现场模拟与放号建议 / Site planner: desks, seats, slots"
)
@click.option(
    "--day",
    "day",
    metavar="YYYY-MM-DD",
    help="用哪一天的记录（默认今天） / The day whose records to fit (default: today)",
)
@click.option(
    "--desks",
    metavar="signin=1,prescreen=2,inject=6",
    help="试另一种台数（未写的环节同当天） / Try other desk numbers (steps not given: as that day)",
)
@click.option(
    "--seats",
    type=click.IntRange(1, 2000),
    default=None,
    help="留观座位数（默认：设置中的座位数） / Observation seats (default: the settings' seats)",
)
@click.option(
    "--slots",
    "slots",
    type=click.Path(dir_okay=False, path_type=Path),
    help="放号计划 CSV：每行 时段开始,预约人数 / A slot plan CSV: slot start,bookings per line",
)
@click.option(
    "--break",
    "breaks",
    multiple=True,
    metavar="STEP@HH:MM+MIN",
    help="工作人员休息：该环节一个台暂停，如 inject@12:00+30（可多次） / A staff break: one desk of the "
    "step off, e.g. inject@12:00+30 (repeatable)",
)
@click.option(
    "--target-wait",
    "target",
    type=float,
    default=None,
    metavar="MIN",
    help="目标：95% 的人等候不超过此分钟数，给出每时段放号数和各环节台数 / Target p95 wait in minutes: "
    "propose bookings per slot and desks per step",
)
@click.option(
    "--people",
    type=click.IntRange(1, 20000),
    default=None,
    help="每天接种人数（配合 --target-wait，默认同当天预约数） / People a day (with --target-wait; default: "
    "that day's bookings)",
)
@click.option(
    "--runs", type=click.IntRange(1, 100), default=5, show_default=True, help="模拟次数 / Simulation runs"
)
@click.option("--seed", type=int, default=1, show_default=True, help="随机种子 / Random seed")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出全部结果 / Print everything as JSON")
@click.pass_obj
@domain_errors
def plan_command(
    c: Any,
    day: str | None,
    desks: str | None,
    seats: int | None,
    slots: Path | None,
    breaks: tuple[str, ...],
    target: float | None,
    people: int | None,
    runs: int,
    seed: int,
    as_json: bool,
) -> None:
    """现场模拟：用当天的记录拟合到达、各环节用时和留观，模拟现场，给出瓶颈环节、各环节平均和 95% 等候时间、
    留观座位峰值、收尾时仍在排队的人数及每半小时的情况；可试另一种台数、座位和放号计划，或按目标等候时间建议放号。

    Site planner: fit the day's records (arrivals, time per step, observation), simulate the site and
    print the bottleneck, mean and p95 wait per step, the peak of observation seats in use, people
    still queued at closing and the same per half hour, beside the recorded day. Try another set-up
    with --desks, --seats, --slots and --break; --target-wait proposes bookings per slot and desks
    per step. See docs/planner.md.
    """
    from station.planner.report import lines, plan_day
    from station.settings import Settings

    store = c.store(create=False)
    the_day = _day(day) or store.now().date()
    result = plan_day(
        store,
        the_day,
        seats=seats if seats is not None else Settings.load(c.data).seats,
        desks=desks,
        slots=slots,
        breaks=list(breaks),
        target_wait=target,
        people=people,
        runs=runs,
        seed=seed,
    )
    if as_json:
        _echo_json(result)
        return
    for line in lines(result, c.lang):
        click.echo(line)
