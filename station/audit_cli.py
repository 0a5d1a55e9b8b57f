"""`station audit --day D [--staff ID] [--json]`: the audit trail in the terminal (station/audit.py)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

from station.audit import day_trail, format_line
from station.stock_cli import CONTEXT, JSON_HELP, domain_errors, pass_ctx


@click.command(
    "audit", context_settings=CONTEXT, short_help="审计记录：当天谁做了什么 / The audit trail: who did what"
)
@click.option("--day", required=True, help="日期 YYYY-MM-DD / Day YYYY-MM-DD")
@click.option("--staff", "staff_filter", help="只看此工作人员 / Only this staff member")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.option(
    "--admin", "admin_id", help="管理员工号（不给则提示输入） / The administrator (prompted when absent)"
)
@click.option(
    "--admin-pin", help="管理员密码（不给则提示输入） / The administrator's PIN (prompted when absent)"
)
@pass_ctx
@domain_errors
def audit_command(
    c: Any, day: str, staff_filter: str | None, as_json: bool, admin_id: str | None, admin_pin: str | None
) -> None:
    """审计记录：当天每条记录按顺序列出——时间、站点、工作人员、操作、排队号和人员（身份证号打码）、摘要；
    更正和作废写明对象和原因；登录成功、失败和锁定也列出。含个人信息，需管理员密码。

    The audit trail of a day: every record in order - time, laptop, staff, action, queue number and
    person (ID number masked), a summary; corrections and voids name their target and reason; logins,
    failed logins and lockouts too. It shows personal data: an admin's PIN is asked.
    """
    from station import staff as staffmod
    from station import terminal
    from station.errors import DomainError

    try:
        the_day = date.fromisoformat(day)
    except ValueError:
        raise click.BadParameter(f"{day!r}: YYYY-MM-DD") from None
    store = c.store(create=False)
    admin = terminal.session(c, admin_id, admin_pin, admin=True)
    if not admin.may("correct_records"):
        raise DomainError("audit_need_admin")
    staffmod.require(store, admin, "correct_records")
    trail = day_trail(store, the_day, staff=staff_filter, lang=c.lang)
    if as_json:
        click.echo(json.dumps(trail, ensure_ascii=False, indent=2))
        return
    if not trail:
        click.echo(c.t("audit_none", day=the_day.isoformat()))
        return
    click.echo(c.t("audit_header"))
    for entry in trail:
        click.echo(format_line(entry, c.lang))
