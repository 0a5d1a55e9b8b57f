"""`station ledger`, `station aefi`, `station reminders`, `station units`, `station coverage` and
`station export-fhir`: the registers a site keeps and sends (docs/registers.md, docs/reminders.md).

Help texts are bilingual (Chinese first); results and errors follow --lang. The commands read the
projected tables; reminder call outcomes and unit headcounts are recorded as events.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click

from station.errors import DomainError
from station.stock_cli import CONTEXT, JSON_HELP, STAFF_HELP, _pin_option, _staff, domain_errors, pass_ctx

DAY_HELP = "日期 YYYY-MM-DD（默认：有记录的最后一天） / Day YYYY-MM-DD (default: the latest day with records)"
SKIP_HELP = "只导入正确的行，跳过错误行 / Import the good rows, skip the bad ones"


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r}: YYYY-MM-DD") from None


def _the_day(store: Any, value: str | None) -> date:
    day = _date(value)
    if day is not None:
        return day
    latest = store.scalar("SELECT max(day) FROM visits")
    if latest is None:
        raise DomainError("report_need_day")
    return date.fromisoformat(latest)


def _site(c: Any) -> str:
    from station.settings import Settings

    return Settings.load(c.data).site_name.strip()


def _bad_line(c: Any, error: dict[str, Any]) -> None:
    facts = {k: v for k, v in error.items() if k != "code"}
    click.echo(c.t("outcomes_bad_line", line=error["line"], reason=c.t(error["code"], **facts)), err=True)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@click.command(
    "ledger", context_settings=CONTEXT, short_help="接种人员信息台账（XLSX） / The day's ledger (XLSX)"
)
@click.option("--day", help=DAY_HELP)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="输出文件 .xlsx / Output file .xlsx",
)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@pass_ctx
@domain_errors
def ledger_command(c: Any, day: str | None, out: Path, as_json: bool) -> None:
    """接种人员信息台账：接种人员、劝返人员、疑似异常反应三张表（中文表头，冻结首行，合计行）。

    The day's ledger as XLSX: people vaccinated, people turned away with reasons, suspected reactions;
    Chinese headers, a frozen header row, a total row. Text that looks like a formula stays text.
    """
    from station import ledger

    store = c.store(create=False)
    result = ledger.write_ledger(store, _the_day(store, day), out)
    if as_json:
        _echo_json(result)
    else:
        click.echo(c.t("ledger_written", **result))


@click.command(
    "aefi",
    context_settings=CONTEXT,
    short_help="异常反应个案报告卡和汇总表 / Reaction case reports (PDF, CSV)",
)
@click.option("--day", help=DAY_HELP)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="输出文件夹 / Output folder",
)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@pass_ctx
@domain_errors
def aefi_command(c: Any, day: str | None, out: Path, as_json: bool) -> None:
    """疑似预防接种异常反应：每例一张个案报告卡（PDF），加上报疾控的汇总表（CSV，每例一行）；严重病例标出48小时调查时限。

    Suspected adverse reactions of the day: a case report card per case (PDF, A4) and the district's
    CSV with one row per case; serious cases are flagged for the 48-hour investigation.
    """
    from station import aefi

    store = c.store(create=False)
    result = aefi.write_reports(store, _the_day(store, day), out, site=_site(c))
    if as_json:
        _echo_json(result)
        return
    click.echo(c.t("aefi_written", **{**result, "cards": len(result["cards"])}))
    for item in result["investigate"]:
        click.echo(c.t("aefi_investigate", **item))


@click.group(
    "reminders",
    invoke_without_command=True,
    context_settings=CONTEXT,
    short_help="下一剂次外呼名单 / Dose reminder lists for outbound calls",
)
@click.option("--from", "start", help="开始日期（默认今天） / First day of the window (default: today)")
@click.option("--to", "end", help="结束日期（默认开始后7天） / Last day of the window (default: 7 days on)")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="输出文件 .csv 或 .xlsx / Output file, .csv or .xlsx",
)
@click.option(
    "--header",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="表头语言（外呼系统按列序导入） / Header row language (the call system imports by column order)",
)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
@domain_errors
def reminders_group(
    ctx: click.Context, start: str | None, end: str | None, out: Path | None, header: str, as_json: bool
) -> None:
    """下一剂次提醒：在日期范围内到期的人，以及已到期未种和逾期的人，供智能外呼系统导入。

    Dose reminders: people whose next dose falls due in the window, and those due already or
    overdue, in the column layout an automatic outbound-call system imports (docs/reminders.md).
    """
    if ctx.invoked_subcommand is not None:
        return
    from station import reminders

    c = ctx.obj
    if out is None:
        raise DomainError("reminders_need_out")
    store = c.store(create=False)
    first = _date(start) or store.now().date()
    last = _date(end) or first + timedelta(days=7)
    result = reminders.write_list(store, first, last, out, header_lang=header)
    if as_json:
        _echo_json(result)
    else:
        click.echo(c.t("reminders_written", **{**result, "start": result["from"], "end": result["to"]}))


@reminders_group.command(
    "import-outcomes",
    context_settings=CONTEXT,
    short_help="导入外呼结果 / Import the call outcomes",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-bad", is_flag=True, help=SKIP_HELP)
@click.option("--staff", "staff_id", help=STAFF_HELP)
@_pin_option
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@pass_ctx
@domain_errors
def import_outcomes(
    c: Any, file: Path, skip_bad: bool, staff_id: str | None, pin: str | None, as_json: bool
) -> None:
    """导入外呼系统返回的结果（已接通、无人接听、拒绝、已预约），下次名单上显示；重复导入不会重复记录。

    Import the outcomes the call system sends back (reached, no answer, refused, booked); the next
    list shows each person's latest. Importing a file again records nothing new.
    """
    from station import reminders

    store = c.store(create=False)
    check = reminders.read_outcomes(store, file)
    for e in check.errors:
        _bad_line(c, e)
    if check.errors and not skip_bad:
        click.echo(c.t("outcomes_refused", bad=len(check.errors)), err=True)
        raise SystemExit(1)
    result = reminders.record_outcomes(store, check.outcomes, staff_id=_staff(c, staff_id, pin))
    result["bad"] = len(check.errors)
    if as_json:
        _echo_json(result)
    else:
        click.echo(c.t("outcomes_imported", **result))


@click.group(
    "units",
    invoke_without_command=True,
    context_settings=CONTEXT,
    short_help="单位及应种人数 / Units and their headcounts",
)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
@domain_errors
def units_group(ctx: click.Context, as_json: bool) -> None:
    """单位（业户）及其应种人数：列出已导入的单位；用 import 子命令导入。

    Units (employers, businesses) and their headcounts, for coverage: lists the units imported;
    `units import FILE` imports them.
    """
    if ctx.invoked_subcommand is not None:
        return
    c = ctx.obj
    store = c.store(create=False)
    rows = store.all("SELECT unit, headcount, at FROM units ORDER BY unit")
    if as_json:
        _echo_json(rows)
        return
    if not rows:
        click.echo(c.t("units_none"))
    for row in rows:
        click.echo(c.t("units_line", **{**row, "at": row["at"][:16].replace("T", " ")}))


@units_group.command(
    "import", context_settings=CONTEXT, short_help="导入单位人数（CSV/XLSX） / Import units and headcounts"
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-bad", is_flag=True, help=SKIP_HELP)
@click.option("--staff", "staff_id", help=STAFF_HELP)
@_pin_option
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@pass_ctx
@domain_errors
def units_import(
    c: Any, file: Path, skip_bad: bool, staff_id: str | None, pin: str | None, as_json: bool
) -> None:
    """导入单位及应种人数（CSV 或 XLSX，两列：单位、人数）；错误行列出行号和原因。

    Import units and their headcounts (CSV or XLSX with a unit and a headcount column); bad rows
    are listed with their line and reason, and nothing is imported unless --skip-bad.
    """
    from station import coverage

    store = c.store()
    check = coverage.read_units(file)
    for e in check.errors:
        _bad_line(c, e)
    if check.errors and not skip_bad:
        click.echo(c.t("units_refused", bad=len(check.errors)), err=True)
        raise SystemExit(1)
    n = coverage.import_units(store, check.units, staff_id=_staff(c, staff_id, pin), source=file.name)
    if as_json:
        _echo_json({"units": n, "bad": len(check.errors)})
    else:
        click.echo(c.t("units_imported", units=n, bad=len(check.errors)))


@click.command(
    "coverage", context_settings=CONTEXT, short_help="各单位接种率 / Coverage per unit (share vaccinated)"
)
@click.option("--day", help="截至日期（默认：全部记录） / Up to this day (default: every record)")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@pass_ctx
@domain_errors
def coverage_command(c: Any, day: str | None, as_json: bool) -> None:
    """各单位接种率：已接种（至少一剂）、全程接种、加强免疫人数及占应种人数的比例，按比例排序。

    Coverage per unit: people vaccinated (at least one dose), with the full course, with a booster,
    and each as a share of the unit's headcount, highest share first.
    """
    from station import coverage

    store = c.store(create=False)
    rows = coverage.coverage(store, _date(day))
    total = coverage.totals(rows)
    if as_json:
        _echo_json({"day": day, "units": [r.as_dict() for r in rows], "total": total})
        return
    if not rows:
        click.echo(c.t("coverage_none"))
        return
    for r in rows:
        d = r.as_dict()
        click.echo(
            c.t(
                "coverage_line",
                **{
                    **d,
                    "unit": r.unit or c.t("coverage_no_unit"),
                    "headcount": "—" if r.headcount is None else r.headcount,
                    "share_first": _pct(r.share_first),
                    "share_full": _pct(r.share_full),
                    "share_booster": _pct(r.share_booster),
                },
            )
        )
    click.echo(
        c.t(
            "coverage_total",
            **{
                **total,
                "units": total["units_with_headcount"],
                "share_first": _pct(total["share_first"]),
                "share_full": _pct(total["share_full"]),
                "share_booster": _pct(total["share_booster"]),
            },
        )
    )


@click.command(
    "export-fhir",
    context_settings=CONTEXT,
    short_help="导出 FHIR R4 接种记录 / Export FHIR R4 immunizations",
)
@click.option("--day", help=DAY_HELP)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="输出文件 .ndjson / Output file .ndjson",
)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@pass_ctx
@domain_errors
def export_fhir_command(c: Any, day: str | None, out: Path, as_json: bool) -> None:
    """导出当天的 HL7 FHIR R4 资源：Patient（身份证号作标识）、Immunization、AdverseEvent，每行一个。

    Export the day as HL7 FHIR R4 resources, one JSON a line: Patient (the ID number as an
    identifier), Immunization for each dose given, AdverseEvent for each suspected reaction.
    """
    from station import fhir

    store = c.store(create=False)
    result = fhir.export(store, _the_day(store, day), out, site=_site(c))
    if as_json:
        _echo_json(result)
    else:
        click.echo(c.t("fhir_written", **result))


COMMANDS = (ledger_command, aefi_command, reminders_group, units_group, coverage_command, export_fhir_command)
