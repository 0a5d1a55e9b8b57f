"""`station report` (the day report) and `station outlook` (the morning brief / N-day outlook).

Help texts are bilingual (Chinese first); results and errors follow --lang. station/cli.py adds
these commands; they do not import it (`python -m station.cli` would load it twice), so the run's
context is ctx.obj, whatever its class (as station/stock_cli.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from station.errors import DomainError
from station.stock_cli import CONTEXT, _echo_json, domain_errors

MAX_DAYS = 14


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r}: YYYY-MM-DD") from None


def _site(c: Any) -> str:
    from station.settings import Settings

    return Settings.load(c.data).site_name.strip()


def _lang(c: Any, lang: str | None) -> str:
    return lang or getattr(c, "lang", "zh")


def _check_out(out: Path | None) -> None:
    if out is not None and out.suffix.lower() != ".pdf":
        raise DomainError("report_out_not_pdf", path=str(out))


LANG_HELP = "报表语言（默认同 --lang，即中文） / Language of the report (default: --lang, Chinese)"


@click.command(
    "report",
    context_settings=CONTEXT,
    short_help="日报（晚调度） / The day report (evening dispatch)",
)
@click.option("--day", "day", metavar="YYYY-MM-DD", help="日期（默认今天） / The day (default: today)")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="保存为此 PDF 文件 / Write the PDF to this file",
)
@click.option("--lang", "report_lang", type=click.Choice(["zh", "en"]), default=None, help=LANG_HELP)
@click.option(
    "--json", "as_json", is_flag=True, help="以 JSON 输出日报的全部数字 / Print the report's figures as JSON"
)
@click.pass_obj
@domain_errors
def report_command(c: Any, day: str | None, out: Path | None, report_lang: str | None, as_json: bool) -> None:
    """当日日报（晚调度）：预约、签到、预检、接种、劝返（按原因）、取消、未到；按剂次、疫苗、接种台、接种员、
    单位统计；疑似异常反应；按批号的库存与日终盘点；未处理的冲突；每半小时的预约、到达和接种图。

    The day report (evening dispatch) as an A4 PDF: booked, signed in, screened, vaccinated, turned
    away by reason, cancelled, no-shows; per dose number, product, desk, vaccinator and unit;
    reactions; stock per lot with the end-of-day count; open conflicts; a chart of arrivals and
    injections per half hour beside the booked slots. With --json, the same figures as JSON.
    """
    from station.reports.dayreport import build_day_report
    from station.reports.figures import day_figures

    _check_out(out)
    store = c.store(create=False)
    the_day = _day(day) or store.now().date()
    lang = _lang(c, report_lang)
    figures = day_figures(store, the_day, site=_site(c))
    if out is not None:
        from station import pdf as pdfmod

        pdfmod.write_atomic(out, build_day_report(figures, lang), error_code="report_write_failed")
    if as_json:
        _echo_json(figures)
    elif out is not None:
        click.echo(c.t("report_day_written", day=figures["day"], path=str(out), **figures["totals"]))
    else:
        raise click.UsageError("--out FILE.pdf / --json")


@click.command(
    "outlook",
    context_settings=CONTEXT,
    short_help="早会商：未来几天的计划 / Morning brief: the next days",
)
@click.option(
    "--from", "start", metavar="YYYY-MM-DD", help="起始日期（默认今天） / First day (default: today)"
)
@click.option(
    "--days",
    type=int,
    default=3,
    show_default=True,
    help="天数（1-14） / Number of days (1-14)",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="保存为此 PDF 文件 / Write the PDF to this file",
)
@click.option("--lang", "report_lang", type=click.Choice(["zh", "en"]), default=None, help=LANG_HELP)
@click.option(
    "--json", "as_json", is_flag=True, help="以 JSON 输出计划的全部数字 / Print the outlook's figures as JSON"
)
@click.pass_obj
@domain_errors
def outlook_command(
    c: Any, start: str | None, days: int, out: Path | None, report_lang: str | None, as_json: bool
) -> None:
    """早会商 / 提前告知接种计划：每天按时段和单位的预约人数，按疫苗的需用剂次与可用库存（标出短缺），在岗人员（按岗位）。

    Morning brief and outlook for the district and the street office: bookings per slot and per unit
    for each day, doses needed against doses in stock per product (a shortage marked), and the staff
    on duty by role. With --json, the same figures as JSON.
    """
    from station.reports.figures import outlook_figures
    from station.reports.labels import product_label
    from station.reports.outlook import build_outlook

    _check_out(out)
    if not 1 <= days <= MAX_DAYS:
        raise DomainError("report_days_invalid", days=days)
    store = c.store(create=False)
    first = _day(start) or store.now().date()
    lang = _lang(c, report_lang)
    figures = outlook_figures(store, first, days, site=_site(c))
    if out is not None:
        from station import pdf as pdfmod

        pdfmod.write_atomic(out, build_outlook(figures, lang), error_code="report_write_failed")
    if as_json:
        _echo_json(figures)
        return
    if out is None:
        raise click.UsageError("--out FILE.pdf / --json")
    click.echo(
        c.t(
            "report_outlook_written",
            first=figures["from"],
            days=days,
            path=str(out),
            bookings=sum(d["bookings"] for d in figures["days"]),
        )
    )
    for p in figures["stock"]:
        if p["short_on"]:
            k = [d["day"] for d in figures["days"]].index(p["short_on"])
            click.echo(
                c.t(
                    "report_outlook_short",
                    product=product_label(p["product"], c.lang),
                    day=p["short_on"],
                    missing=-p["left_after"][k],
                ),
                err=True,
            )
