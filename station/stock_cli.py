"""`station stock ...`: receiving, vials, the end-of-day count and the cold chain from the terminal.

The same domain functions as the admin and inject pages (station/stock.py, station/coldchain.py).
Help texts are bilingual (Chinese first); results and errors follow --lang.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import click

from station.errors import DomainError

# station/cli.py adds this group; it is not imported from there (`python -m station.cli` would
# load that module twice), so the run's context is ctx.obj, whatever its class.
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
Ctx = Any
pass_ctx = click.pass_obj


def domain_errors(fn: Callable) -> Callable:
    """Print a refused step as one translated line (no traceback) and exit 2, as station/cli.py."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            obj = click.get_current_context().obj
            click.echo(exc.message(getattr(obj, "lang", "zh")), err=True)
            sys.exit(2)

    return wrapper


STAFF_HELP = "操作人工号（不给则提示输入） / The staff member doing this (prompted when absent)"
JSON_HELP = "输出 JSON / Print JSON"


def _staff(c: Ctx, staff_id: str | None, pin: str | None) -> Any:
    """The staff member doing this, logged in with the PIN (a Session): no terminal shortcut (#13)."""
    from station import terminal

    return terminal.session(c, staff_id, pin)


def _pin_option(fn: Callable) -> Callable:
    from station.terminal import PIN_HELP

    return click.option("--pin", help=PIN_HELP)(fn)


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _when(value: str | None) -> datetime | None:
    """HH:MM today, or an ISO date and time."""
    if value is None:
        return None
    try:
        if len(value) <= 5:
            return datetime.combine(date.today(), time.fromisoformat(value))
        return datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r}: HH:MM or YYYY-MM-DDTHH:MM") from None


@click.group(
    "stock",
    invoke_without_command=True,
    context_settings=CONTEXT,
    short_help="疫苗库存、开瓶、盘点、冷链 / Vaccine stock, vials, counts, cold chain",
)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
@domain_errors
def stock_group(ctx: click.Context, as_json: bool) -> None:
    """疫苗库存：按批号统计入库、已用、报损、结存；入库、开瓶、盘点、冷链。

    Vaccine stock: received, used, wasted and left per lot, per product and in total; with a
    subcommand, receive a delivery, open or discard a vial, count the stock, keep the cold chain.
    """
    if ctx.invoked_subcommand is not None:
        return
    from station import stock
    from station.settings import Settings

    c = ctx.obj
    store = c.store()
    figures = stock.summary(store)
    setting = Settings.load(c.data).stock_margin_doses
    warning = stock.stock_warning(store, store.now().date(), stock.margin(None, setting))
    if as_json:
        _echo_json({**figures, "warning": warning})
        return
    for row in figures["lots"]:
        click.echo(c.t("stock_lot_line", **_lot_facts(row, c)))
    click.echo(c.t("stock_total_line", **figures["total"]))
    if warning["short"]:
        click.echo(c.t("stock_short", **warning))


def _lot_facts(row: dict[str, Any], c: Ctx) -> dict[str, Any]:
    return {
        "lot": row["lot_no"],
        "product": row["product"],
        "expiry": row["expiry"],
        "status": c.t(f"lot_status_{row['status']}"),  # in use / on hold / quarantined, in the user's language
        "received": row.get("received", row.get("doses_received")),
        "used": row.get("used", row.get("doses_used")),
        "wasted": row.get("wasted", row.get("doses_wasted")),
        "left": row.get("left", row.get("doses_left")),
    }


@stock_group.command("receive", context_settings=CONTEXT, short_help="疫苗入库 / Receive a delivery")
@click.option(
    "--code", help="扫描的追溯码（20位）或 GS1 条码 / A scanned code: 20-digit traceability code or GS1"
)
@click.option("--lot", "lot_no", help="批号 / Lot number")
@click.option("--product", help="疫苗代码（见 products.toml） / Product code (see products.toml)")
@click.option("--manufacturer", help="生产企业（默认按产品） / Manufacturer (default: the product's)")
@click.option("--expiry", help="有效期至 YYYY-MM-DD / Expiry date YYYY-MM-DD")
@click.option("--vials", type=int, help="支数 / Number of vials")
@click.option(
    "--doses-per-vial", type=int, help="每支剂次（默认按产品） / Doses per vial (default: the product's)"
)
@click.option("--delivery-note", help="配送单号 / Delivery note number")
@click.option("--fridge", help="存放冰箱/冷藏包（默认第一个） / Fridge or cold box (default: the first)")
@click.option("--staff", "staff_id", help=STAFF_HELP)
@_pin_option
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@pass_ctx
@domain_errors
def receive(
    c: Ctx,
    code: str | None,
    lot_no: str | None,
    product: str | None,
    manufacturer: str | None,
    expiry: str | None,
    vials: int | None,
    doses_per_vial: int | None,
    delivery_note: str | None,
    fridge: str | None,
    staff_id: str | None,
    pin: str | None,
    as_json: bool,
) -> None:
    """疫苗入库：手工录入，或扫描追溯码 / GS1 条码（同一箱码只能入库一次）。

    Receive a delivery of a lot, typed or by a scanned code (a carton code is received once).
    """
    from station import stock

    try:
        day = date.fromisoformat(expiry) if expiry else None
    except ValueError:
        raise click.BadParameter(f"{expiry!r}: YYYY-MM-DD", param_hint="--expiry") from None
    row = stock.receive(
        c.store(),
        staff_id=_staff(c, staff_id, pin),
        code=code,
        lot_no=lot_no,
        product=product,
        manufacturer=manufacturer,
        expiry=day,
        vials=vials,
        doses_per_vial=doses_per_vial,
        delivery_note=delivery_note,
        fridge=fridge,
    )
    if as_json:
        _echo_json(row)
    else:
        click.echo(c.t("stock_received", **_lot_facts(row, c)))


@stock_group.command("open-vial", context_settings=CONTEXT)
@click.option("--desk", required=True, help="接种台号 / Injection desk")
@click.option("--lot", "lot_no", help="批号 / Lot number")
@click.option("--code", help="扫描的疫苗瓶码（代替批号） / The vial's scanned code (instead of --lot)")
@click.option(
    "--staff",
    "staff_id",
    help="接种员工号（不给则提示输入） / The vaccinator's staff id (prompted when absent)",
)
@_pin_option
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@pass_ctx
@domain_errors
def open_vial(
    c: Ctx,
    desk: str,
    lot_no: str | None,
    code: str | None,
    staff_id: str | None,
    pin: str | None,
    as_json: bool,
) -> None:
    """在接种台开启一支疫苗。 / Open a vial of a lot at an injection desk."""
    from station import stock

    row = stock.open_vial(
        c.store(), staff_id=_staff(c, staff_id, pin), desk=desk, lot_no=lot_no, scanned_code=code
    )
    if as_json:
        _echo_json(row)
    else:
        click.echo(c.t("vial_opened", vial=row["vial_id"], lot=row["lot_no"], desk=row["desk"],
                       left=row["doses_left"], expires_at=row["expires_at"][:16]))  # fmt: skip


@stock_group.command("discard-vial", context_settings=CONTEXT, short_help="废弃疫苗瓶 / Discard a vial")
@click.argument("vial")
@click.option(
    "--reason",
    required=True,
    type=click.Choice(["expired_after_opening", "broken", "contaminated", "other"]),
    help="原因：开启后过期、破损、污染、其他 / Reason: expired after opening, broken, contaminated, other",
)
@click.option("--note", default="", help="说明 / Note")
@click.option("--staff", "staff_id", help=STAFF_HELP)
@_pin_option
@pass_ctx
@domain_errors
def discard_vial(c: Ctx, vial: str, reason: str, note: str, staff_id: str | None, pin: str | None) -> None:
    """废弃一支已开启的疫苗，剩余剂次记为报损。 / Discard a vial: its doses left are recorded as wasted."""
    from station import stock

    row = stock.discard_vial(
        c.store(), staff_id=_staff(c, staff_id, pin), vial_id=vial, reason=reason, note=note
    )
    click.echo(c.t("vial_discarded_line", vial=row["vial_id"], lot=row["lot_no"], wasted=row["doses_wasted"]))


@stock_group.command("count", context_settings=CONTEXT, short_help="日终盘点 / End-of-day count")
@click.argument("lot_no", required=False)
@click.argument("vials", type=int, required=False)
@click.argument("doses", type=int, required=False)
@click.option("--reason", help="有差异时必填的原因 / Reason (required when the count differs)")
@click.option("--day", help="盘点日期（默认今天） / Day of the count (default today)")
@click.option("--staff", "staff_id", help=STAFF_HELP)
@_pin_option
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@pass_ctx
@domain_errors
def count(
    c: Ctx,
    lot_no: str | None,
    vials: int | None,
    doses: int | None,
    reason: str | None,
    day: str | None,
    staff_id: str | None,
    pin: str | None,
    as_json: bool,
) -> None:
    """日终盘点：不带参数列出应有数量；LOT VIALS DOSES 记录一个批号的实盘数。

    End-of-day count: bare, the expected figures per lot; with LOT VIALS DOSES, record one lot's count.
    """
    from station import stock

    store = c.store()
    if lot_no is None:
        sheet = stock.count_sheet(store)
        if as_json:
            _echo_json(sheet)
        for row in [] if as_json else sheet:
            click.echo(c.t("count_sheet_line", lot=row["lot_no"], product=row["product"],
                           doses=row["expected_doses"], vials=row["expected_vials"], open=row["open_vials"]))  # fmt: skip
        return
    if vials is None or doses is None:
        raise click.UsageError("LOT VIALS DOSES")
    try:
        when = date.fromisoformat(day) if day else None
    except ValueError:
        raise click.BadParameter(f"{day!r}: YYYY-MM-DD", param_hint="--day") from None
    rows = stock.count_stock(
        store,
        staff_id=_staff(c, staff_id, pin),
        counts=[{"lot_no": lot_no, "vials": vials, "doses": doses, "reason": reason}],
        day=when,
    )
    if as_json:
        _echo_json(rows)
        return
    for row in rows:
        click.echo(c.t("count_recorded", lot=row["lot_no"], expected=row["expected_doses"],
                       counted=row["counted_doses"], difference=row["difference"]))  # fmt: skip


@stock_group.group(
    "cold",
    invoke_without_command=True,
    context_settings=CONTEXT,
    short_help="冷链温度记录 / Cold-chain temperature log",
)
@click.option("--day", help="日期（默认今天） / Day (default today)")
@click.option("--fridge", help="冰箱/冷藏包 / Fridge or cold box")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
@domain_errors
def cold(ctx: click.Context, day: str | None, fridge: str | None, as_json: bool) -> None:
    """冷链温度记录：不带子命令列出当天读数和待处理的批号。

    The cold chain: bare, the day's readings and the lots waiting for a decision.
    """
    if ctx.invoked_subcommand is not None:
        return
    from station import coldchain

    c = ctx.obj
    store = c.store()
    on = date.fromisoformat(day) if day else store.now().date()
    rows = coldchain.readings(store, fridge, on)
    pending = coldchain.lots_to_decide(store)
    if as_json:
        _echo_json({"readings": rows, "to_decide": pending, "due": coldchain.due_times(store, on, fridge)})
        return
    for r in rows:
        key = "cold_reading_outside" if r["outside"] else "cold_reading_line"
        click.echo(c.t(key, fridge=r["fridge"], at=r["at"][:16], celsius=r["celsius"]))
    for row in pending:
        click.echo(c.t("cold_lot_on_hold", lot=row["lot_no"], reason=row["status_reason"] or "-"))


def _report_flagged(c: Ctx, flagged: list[str]) -> None:
    for lot_no in flagged:
        click.echo(c.t("cold_lot_flagged", lot=lot_no))


@cold.command("add", context_settings=CONTEXT, short_help="记录温度 / Record a reading")
@click.argument("celsius", type=float)
@click.option("--fridge", help="冰箱/冷藏包（默认第一个） / Fridge or cold box (default: the first)")
@click.option(
    "--at", "at", help="读数时间 HH:MM 或 YYYY-MM-DDTHH:MM（默认现在） / Time of the reading (default now)"
)
@click.option("--staff", "staff_id", help=STAFF_HELP)
@_pin_option
@pass_ctx
@domain_errors
def cold_add(
    c: Ctx, celsius: float, fridge: str | None, at: str | None, staff_id: str | None, pin: str | None
) -> None:
    """记录一次冰箱温度（2-8 °C 以外为超温）。 / Record a fridge reading (outside 2-8 °C: an excursion)."""
    from station import coldchain

    store = c.store()
    when = _when(at)
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=store.now().tzinfo)
    result = coldchain.record_reading(
        store, staff_id=_staff(c, staff_id, pin), celsius=celsius, fridge=fridge, at=when
    )
    r = result["reading"]
    key = "cold_reading_outside" if result["outside"] else "cold_reading_line"
    click.echo(c.t(key, fridge=r["fridge"], at=r["at"][:16], celsius=r["celsius"]))
    _report_flagged(c, result["flagged"])


@cold.command("import", context_settings=CONTEXT, short_help="导入温度记录 / Import a logger CSV")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--fridge", help="冰箱/冷藏包（默认第一个） / Fridge or cold box (default: the first)")
@click.option("--staff", "staff_id", help=STAFF_HELP)
@_pin_option
@pass_ctx
@domain_errors
def cold_import(c: Ctx, file: Path, fridge: str | None, staff_id: str | None, pin: str | None) -> None:
    """导入温度记录仪导出的 CSV（有错则整份不导入）。 / Import a temperature logger's CSV (nothing on any error)."""
    from station import coldchain

    result = coldchain.import_csv(c.store(), file, staff_id=_staff(c, staff_id, pin), fridge=fridge)
    click.echo(c.t("cold_imported", fridge=result["fridge"], read=result["read"], new=result["new"],
                   outside=result["outside"]))  # fmt: skip
    _report_flagged(c, result["flagged"])


@cold.command("decide", context_settings=CONTEXT, short_help="超温批号处理 / Decide on a held lot")
@click.argument("lot_no")
@click.argument("decision", type=click.Choice(["use", "quarantine"]))
@click.option("--reason", required=True, help="决定的理由 / Reason for the decision")
@click.option("--staff", "staff_id", help=STAFF_HELP)
@_pin_option
@pass_ctx
@domain_errors
def cold_decide(
    c: Ctx, lot_no: str, decision: str, reason: str, staff_id: str | None, pin: str | None
) -> None:
    """超温后对批号作出决定：继续使用或隔离。 / Decide on a lot after an excursion: use or quarantine."""
    from station import coldchain

    row = coldchain.decide(
        c.store(), staff_id=_staff(c, staff_id, pin), lot_no=lot_no, decision=decision, reason=reason
    )
    click.echo(c.t("lot_decided", lot=row["lot_no"], status=c.t(f"lot_status_{row['status']}")))
