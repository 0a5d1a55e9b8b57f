"""The `station` command: the window when called bare, the domain's commands otherwise.

Help texts are bilingual (Chinese first); results and errors follow --lang (default zh).
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import click

from station import __version__, cipher
from station.errors import DomainError
from station.messages import render
from station.paths import default_data_dir

DB_NAME = "station.sqlite3"
COMMAND_GROUP = "vaccination_station.commands"
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Ctx:
    def __init__(self, data: Path, lang: str, camera: str | None = None) -> None:
        self.data = data
        self.lang = lang
        self.camera = camera  # the window's camera for this run (--camera), else settings.camera
        self._store = None

    @property
    def db_path(self) -> Path:
        return self.data / DB_NAME

    def store(self, *, create: bool = True):
        from station.store import Store

        if self._store is None:
            self.unlock()
            self._store = Store.open(self.db_path, create=create)
        return self._store

    def unlock(self) -> None:
        """An encrypted station's passphrase for this process: STATION_PASSPHRASE, the OS keyring, or
        typed at the terminal (station/cipher_cli.py); nothing for a plaintext one."""
        from station import cipher_cli

        cipher_cli.unlock(self.db_path, self.lang)

    def t(self, code: str, **facts: Any) -> str:
        return render(code, self.lang, **facts)


def domain_errors(fn: Callable) -> Callable:
    """Print a refused step as one translated line (no traceback) and exit 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            ctx = click.get_current_context().find_object(Ctx)
            click.echo(exc.message(ctx.lang if ctx else "zh"), err=True)
            sys.exit(2)
        except (*cipher.DatabaseError, OSError) as exc:
            from station import integrity

            if not integrity.is_storage_error(exc):
                raise
            ctx = click.get_current_context().find_object(Ctx)
            # a full disk, a read-only folder, a lock, a damaged page: its own message, no traceback
            error = integrity.storage_error(exc, ctx.db_path if ctx else None)
            click.echo(error.message(ctx.lang if ctx else "zh"), err=True)
            sys.exit(2)

    return wrapper


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r}: YYYY-MM-DD") from None


def _gui_command() -> click.Command | None:
    for ep in entry_points(group=COMMAND_GROUP):
        if ep.name == "gui":
            return ep.load()
    return None


@click.group(invoke_without_command=True, context_settings=CONTEXT)
@click.option(
    "--data",
    "data",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="数据目录（默认：系统用户数据目录） / Data folder (default: the user data dir)",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="界面语言，默认中文 / Language of messages, Chinese by default",
)
@click.option(
    "--camera",
    "camera",
    metavar="SPEC",
    default=None,
    help="签到页扫码用的摄像头：0、1…，demo（演示图片），或图片/视频/文件夹（默认：设置中的摄像头） / "
    "The sign-in camera: 0, 1... a camera, demo (the bundled pictures), or an image, video or folder "
    "(default: the camera in the settings)",
)
@click.option(
    "--self-test",
    "self_test",
    is_flag=True,
    help="自检（无需屏幕和摄像头，在临时目录中进行，不动本机数据）；失败时退出码非零 / Check this install "
    "(no screen or camera; in a temporary folder, never this station's data); non-zero exit on any failure",
)
@click.version_option(__version__, "-V", "--version")
@click.pass_context
def cli(ctx: click.Context, data: Path | None, lang: str | None, camera: str | None, self_test: bool) -> None:
    """临时接种点工作站：签到、预检、接种、留观。

    Vaccination Station: sign-in, pre-screen, inject, observe. Called bare it opens the window.
    """
    lang = lang or os.environ.get("STATION_LANG", "zh")
    if self_test:
        from station import selftest

        ctx.exit(selftest.main("en" if lang.startswith("en") else "zh", echo=click.echo))
    ctx.obj = Ctx(data or default_data_dir(), "en" if lang.startswith("en") else "zh", camera)
    ctx.call_on_close(lambda: ctx.obj._store and ctx.obj._store.close())
    if ctx.invoked_subcommand is None:
        gui = _gui_command()
        if gui is None:
            click.echo(ctx.get_help())
            return
        ctx.invoke(gui)


def _load_plugins() -> None:
    for ep in entry_points(group=COMMAND_GROUP):
        if ep.name != "gui" and ep.name not in cli.commands:
            try:
                cli.add_command(ep.load(), ep.name)
            except ImportError:  # a part not installed on this machine (e.g. Qt on a server)
                continue


pass_ctx = click.make_pass_decorator(Ctx)


@cli.command(context_settings=CONTEXT)
@click.option(
    "--station-id",
    help="本机站点编号（同步时区分各台电脑） / This laptop's station id (tells laptops apart in sync)",
)
@click.option(
    "--encrypt",
    is_flag=True,
    help="新建加密的数据库（SQLCipher；密码在终端输入两次，脚本用 STATION_PASSPHRASE） / Create the database "
    "encrypted (SQLCipher; the passphrase typed twice, scripts use STATION_PASSPHRASE)",
)
@click.option("--remember", is_flag=True,
              help="与 --encrypt 同用：把密码存入系统钥匙串 / With --encrypt: keep the passphrase in the OS keyring")
@pass_ctx
@domain_errors
def init(c: Ctx, station_id: str | None, encrypt: bool, remember: bool) -> None:
    """建立本机数据库。 / Create this laptop's database."""
    from station import cipher, cipher_cli
    from station.keys import station_key
    from station.store import Store

    if encrypt and not cipher.is_encrypted(c.db_path):
        if c.db_path.exists():  # a plaintext station already: converting it is `station encrypt`
            raise cipher.CipherError("cipher_use_encrypt", path=str(c.db_path))
        if not cipher.available():
            raise cipher.CipherError("cipher_missing")
        passphrase = cipher_cli.new_passphrase(c.lang)
        cipher.unlock(c.db_path, passphrase)
        if remember:
            cipher.keyring_set(c.db_path, passphrase)
    else:
        c.unlock()
    store = Store.open(c.db_path, origin=station_id)
    c._store = store
    station_key(c.data)  # the station's signing key (end-of-day files), beside its database
    click.echo(f"{c.db_path}  station={store.origin}")


@cli.command(context_settings=CONTEXT)
@click.option("--day", help="演示日期 YYYY-MM-DD（默认今天） / Demo day (default today)")
@click.option(
    "--until",
    help="模拟到此时刻为止 HH:MM，留下各环节排队的人 / Stop the day at HH:MM, leaving people at every step",
)
@click.option(
    "--bookings",
    "total",
    type=click.IntRange(1, 20000),
    default=1005,
    show_default=True,
    help="预约人数 / Number of bookings",
)
@click.option("--seed", type=int, default=20210422, show_default=True, help="随机种子 / Random seed")
@click.option(
    "--staff",
    "staff_id",
    help="管理员工号：本站已有其他工作人员时需要 / The admin's staff id, when the station has other staff",
)
@click.option("--pin", help="管理员密码（需要时提示输入） / The admin's PIN (prompted when needed)")
@pass_ctx
@domain_errors
def demo(
    c: Ctx, day: str | None, until: str | None, total: int, seed: int, staff_id: str | None, pin: str | None
) -> None:
    """载入一个演示接种日（约1005人预约）。 / Load a realistic demo day (about 1,005 bookings)."""
    from station import demo as demomod

    store = c.store()
    the_day = _day(day) or store.now().date()
    stop = None
    if until:
        try:
            stop = datetime.strptime(until, "%H:%M").time()
        except ValueError:
            raise click.BadParameter(f"{until!r}: HH:MM") from None
    if demomod.already_loaded(store, the_day):
        click.echo(c.t("demo_already_loaded", day=the_day.isoformat()))
        return
    admin = None
    if demomod.needs_admin(store):  # the demo's staff (an admin with a known PIN) join real staff
        from station import terminal

        admin = terminal.session(c, staff_id, pin, admin=True)
    summary = demomod.load(store, the_day, bookings_total=total, until=stop, seed=seed, by=admin)
    click.echo(
        c.t(
            "demo_loaded",
            day=the_day.isoformat(),
            bookings=summary.bookings,
            events=summary.events,
            seconds=f"{summary.seconds:.1f}",
            pin=demomod.DEMO_PIN,
        )
    )


@cli.command(
    "import-bookings",
    context_settings=CONTEXT,
    short_help="导入预约名单（CSV 或 XLSX）。 / Import bookings (CSV or XLSX).",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--skip-bad",
    is_flag=True,
    help="导入正确的行，错误行写入文件 / Import the good rows, write the bad ones to a file",
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    help="错误行文件（默认 FILE.rejects.csv） / Where bad rows go (default FILE.rejects.csv)",
)
@click.option(
    "--staff",
    "staff_id",
    help="管理员工号（不给则提示输入） / The admin's staff id (prompted when absent)",
)
@click.option("--pin", help="管理员密码（不给则提示输入） / The admin's PIN (prompted when absent)")
@pass_ctx
@domain_errors
def import_bookings(
    c: Ctx, file: Path, skip_bad: bool, rejects: Path | None, staff_id: str | None, pin: str | None
) -> None:
    """导入预约名单（CSV 或 XLSX）：先检查整个文件，有错则不导入。

    Import bookings (CSV or XLSX): the whole file is checked first; with any bad row nothing is imported.
    """
    from station import bookings, importer, terminal

    # a name that differs from the one this station holds for the same ID number is a bad row too
    check = importer.read_bookings(file, store=c.store() if c.db_path.exists() else None)
    for err in check.errors:
        click.echo(
            f"{c.t('import_line', line=err.line)}: {err.message_zh if c.lang == 'zh' else err.message_en}",
            err=True,
        )
    if check.errors and not skip_bad:
        click.echo(c.t("import_refused", count=len(check.errors)), err=True)
        sys.exit(1)
    store = c.store()
    actor = terminal.session(c, staff_id, pin)
    summary = bookings.import_rows(store, check, staff_id=actor, skip_bad=skip_bad)
    if check.errors:
        rejects = rejects or file.with_name(file.name + ".rejects.csv")
        importer.write_rejects(check.errors, rejects)
        click.echo(c.t("import_rejects_written", count=len(check.errors), path=str(rejects)))
    click.echo(
        c.t(
            "import_done",
            imported=summary.imported,
            already=summary.already_booked,
            rejected=summary.rejected,
        )
    )


@cli.command("check-id", context_settings=CONTEXT)
@click.argument("ids", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="每行输出一个 JSON / One JSON object per line")
@pass_ctx
def check_id(c: Ctx, ids: tuple[str, ...], as_json: bool) -> None:
    """校验身份证号（GB 11643）；全部有效时退出码为 0。 / Check resident ID numbers; exit 0 when all are valid."""
    from station.identity import parse_resident_id

    all_ok = True
    for text in ids:
        try:
            parsed, error = parse_resident_id(text), None
        except DomainError as exc:
            parsed, error = None, exc
        code = error.code if error else None
        all_ok &= parsed is not None
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "id": text,
                        "valid": parsed is not None,
                        "reason": code,
                        "birth_date": parsed.birth_date.isoformat() if parsed else None,
                        "sex": parsed.sex if parsed else None,
                    },
                    ensure_ascii=False,
                )
            )
        elif parsed:
            click.echo(f"{text}\t{c.t('id_valid', birth_date=parsed.birth_date.isoformat(), sex=parsed.sex)}")
        else:
            # the error's own facts (length, birth date, region...) fill its message
            click.echo(
                f"{text}\t{c.t(code or 'id_invalid', **{'id': text, **(error.facts if error else {})})}"
            )
    sys.exit(0 if all_ok else 1)


@cli.command(context_settings=CONTEXT)
@click.option(
    "--day", help="日期 YYYY-MM-DD（默认：今天，按本机时钟） / Day (default: today by this laptop's clock)"
)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / Print JSON")
@pass_ctx
@domain_errors
def status(c: Ctx, day: str | None, as_json: bool) -> None:
    """当天实时统计。 / The day's live counts."""
    from station.status import day_status

    counts = day_status(c.store(), _day(day))
    if as_json:
        click.echo(json.dumps(counts, ensure_ascii=False))
        return
    click.echo(
        c.t(
            "status_text",
            **{k: v for k, v in counts.items() if k != "waiting"},
            w_prescreen=counts["waiting"]["prescreen"],
            w_inject=counts["waiting"]["inject"],
            w_observe=counts["waiting"]["observe"],
        )
    )


@cli.command(context_settings=CONTEXT)
@click.option(
    "--check",
    is_flag=True,
    required=True,
    help="重放记录并与现有表比对，不修改数据 / Replay the log and compare with the tables; changes nothing",
)
@pass_ctx
@domain_errors
def rebuild(c: Ctx, check: bool) -> None:
    """由事件日志重建全部表并核对。 / Rebuild every table from the event log and compare."""
    from station import rebuild as rebuildmod

    report = rebuildmod.check(c.store(create=False))
    click.echo(
        c.t(
            "rebuild_summary",
            events=report.events,
            seconds=f"{report.seconds:.2f}",
            rate=f"{report.events_per_second:,.0f}",
        )
    )
    if report.ok:
        click.echo(c.t("rebuild_ok"))
        return
    for diff in report.diffs:
        click.echo(c.t("rebuild_diff", table=diff.table, missing=diff.missing, extra=diff.extra))
        for row in diff.examples:
            click.echo("    " + json.dumps(row, ensure_ascii=False, default=str))
    sys.exit(1)


@cli.command(context_settings=CONTEXT, short_help="识别二维码 / Decode the codes in images or videos")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="每行输出一个 JSON / One JSON object per line")
@click.option(
    "--every-frame",
    is_flag=True,
    help="视频：每一帧一行，包括未识别的帧 / Videos: a line for every frame, decoded or not",
)
@pass_ctx
def decode(c: Ctx, paths: tuple[Path, ...], as_json: bool, every_frame: bool) -> None:
    """识别图片或视频中的二维码（健康码、预约码、留观单、身份证号）。

    Decode the codes in images or videos: one line per image (per decoded frame of a video):
    {"file","text","kind","color","decoder","ms"}, text null when nothing was found.
    """
    from station.scan import decode_paths
    from station.textsafe import json_line, terminal

    # A code's text (and a file's name) is outside input: control characters are escaped before they
    # reach the terminal (an escape sequence in a QR code must not recolour or retitle it); the JSON
    # lines escape them as \u001b etc., so they parse back to exactly the text read.
    for line in decode_paths(list(paths), every_frame=every_frame):
        if as_json:
            click.echo(json_line(line))
            continue
        file = terminal(line["file"])
        if line.get("error"):
            facts = {k: v for k, v in line.items() if k not in ("file", "error")}
            click.echo(f"{file}\t{terminal(c.t(line['error'], **{**facts, 'path': line['file']}))}")
        elif line["text"] is None:
            click.echo(f"{file}\t{c.t('scan_nothing_found')}")
        else:
            click.echo(
                f"{file}\t{line['kind']}\t{line['color']}\t{terminal(line['text'])}\t{line['ms']:.1f} ms"
            )


@cli.command(context_settings=CONTEXT, short_help="生成留观单 PDF / Write an observation slip as PDF")
@click.argument("visit")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="输出 PDF 文件 / The PDF file to write",
)
@click.option(
    "--size",
    type=click.Choice(["80mm", "a6"]),
    default=None,
    help="纸张：80mm 小票或 A6（默认取本机设置） / Paper: 80 mm receipt or A6 (default: this laptop's setting)",
)
@click.option("--day", help="按排队号查找时的日期（默认今天） / Day for a queue number (default today)")
@pass_ctx
@domain_errors
def slip(c: Ctx, visit: str, out: Path, size: str | None, day: str | None) -> None:
    """生成留观单 PDF（VISIT 为就诊号、排队号如 A023（纯数字 23 即 A023）或出口二维码内容）。

    Write an observation slip as PDF (VISIT: the visit id, the day's queue number such as A023 (plain
    23 means A023), or the exit QR text).
    """
    from station import slips
    from station.settings import Settings

    settings = Settings.load(c.data)
    path = slips.write_slip_file(
        c.store(), visit, out, size or settings.slip_size, settings, lang=c.lang, day=_day(day)
    )
    click.echo(str(path))


@cli.command(context_settings=CONTEXT, short_help="打印现场标识 PDF / Write the site's signs as PDF")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="输出 PDF 文件 / The PDF file to write",
)
@click.option(
    "--size", default="A4", show_default=True, help="纸张：A4 或 A3（横向） / Paper: A4 or A3 (landscape)"
)
@pass_ctx
@domain_errors
def signs(c: Ctx, out: Path, size: str) -> None:
    """生成现场标识 PDF：序号 1-4 各环节、流程总览、按序办理、留观分钟数、现场预约流程（含预约二维码）、
    接种流程、急救点和电话、出口。

    Write the site's signs as PDF: steps 1-4 and the flow overview, "follow the numbers in order", the
    observation minutes, on-site booking (with the booking QR), the vaccination flow, the emergency
    point and phone, the exit.
    """
    from station import signs as signsmod
    from station.settings import Settings

    path = signsmod.write_signs(out, Settings.load(c.data), size=size, lang=c.lang)
    click.echo(str(path))


@cli.group(context_settings=CONTEXT)
def staff() -> None:
    """工作人员：添加、停用、列表。 / Staff: add, disable, list."""


def _pin(c: Ctx, value: str | None) -> str:
    return value or click.prompt(c.t("new_pin_prompt"), hide_input=True, confirmation_prompt=True)


def _admin_options(fn: Callable) -> Callable:
    """--admin / --admin-pin: the administrator who does this (prompted when absent)."""
    fn = click.option(
        "--admin-pin", help="管理员密码（不给则提示输入） / The administrator's PIN (prompted when absent)"
    )(fn)
    return click.option(
        "--admin",
        "admin_id",
        help="执行操作的管理员工号（不给则提示输入） / The administrator doing this (prompted when absent)",
    )(fn)


def _admin(c: Ctx, admin_id: str | None, admin_pin: str | None):
    """The administrator's Session; None while the station has no staff (the first member adds themself)."""
    from station import staff as staffmod
    from station import terminal

    if not staffmod.list_staff(c.store()):
        return None
    return terminal.session(c, admin_id, admin_pin, admin=True)


@staff.command("add", context_settings=CONTEXT)
@click.argument("staff_id")
@click.option("--name", required=True, help="姓名 / Name")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(["signin", "prescreen", "vaccinator", "observer", "admin"]),
    help="岗位，可多次给出 / Role, may be given more than once",
)
@click.option("--pin", help="密码（4-12位数字；不给则提示输入） / PIN, 4-12 digits (prompted when absent)")
@_admin_options
@pass_ctx
@domain_errors
def staff_add(
    c: Ctx,
    staff_id: str,
    name: str,
    roles: tuple[str, ...],
    pin: str | None,
    admin_id: str | None,
    admin_pin: str | None,
) -> None:
    """添加工作人员（第一位之后须管理员登录）。 / Add a staff member (after the first, an admin logs in)."""
    from station import staff as staffmod

    admin = _admin(c, admin_id, admin_pin)
    member = staffmod.add(c.store(), staff_id, name, list(roles), _pin(c, pin), by=admin)
    click.echo(f"{member.staff_id}\t{member.name}\t{','.join(member.roles)}")


@staff.command("list", context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / Print JSON")
@pass_ctx
@domain_errors
def staff_list(c: Ctx, as_json: bool) -> None:
    """列出工作人员。 / List staff."""
    from station import staff as staffmod

    for m in staffmod.list_staff(c.store()):
        if as_json:
            click.echo(
                json.dumps(
                    {"staff_id": m.staff_id, "name": m.name, "roles": list(m.roles), "active": m.active},
                    ensure_ascii=False,
                )
            )
        else:
            click.echo(
                f"{m.staff_id}\t{m.name}\t{','.join(m.roles)}\t{c.t('active' if m.active else 'disabled')}"
            )


def _set_active(c: Ctx, staff_id: str, active: bool, admin_id: str | None, admin_pin: str | None) -> None:
    from station import staff as staffmod

    member = staffmod.change(c.store(), staff_id, by=_admin(c, admin_id, admin_pin), active=active)
    click.echo(f"{member.staff_id}\t{c.t('active' if member.active else 'disabled')}")


@staff.command("disable", context_settings=CONTEXT)
@click.argument("staff_id")
@_admin_options
@pass_ctx
@domain_errors
def staff_disable(c: Ctx, staff_id: str, admin_id: str | None, admin_pin: str | None) -> None:
    """停用工作人员（记录保留；须管理员登录）。 / Disable a staff member (their records stay; an admin logs in)."""
    _set_active(c, staff_id, False, admin_id, admin_pin)


@staff.command("enable", context_settings=CONTEXT)
@click.argument("staff_id")
@_admin_options
@pass_ctx
@domain_errors
def staff_enable(c: Ctx, staff_id: str, admin_id: str | None, admin_pin: str | None) -> None:
    """重新启用工作人员（须管理员登录）。 / Enable a staff member again (an admin logs in)."""
    _set_active(c, staff_id, True, admin_id, admin_pin)


@staff.command("set-pin", context_settings=CONTEXT)
@click.argument("staff_id")
@click.option("--pin", help="新密码（不给则提示输入） / New PIN (prompted when absent)")
@_admin_options
@pass_ctx
@domain_errors
def staff_set_pin(
    c: Ctx, staff_id: str, pin: str | None, admin_id: str | None, admin_pin: str | None
) -> None:
    """重设密码（须管理员登录；也解除锁定）。 / Set a new PIN (an admin logs in; it also ends a lockout)."""
    from station import staff as staffmod

    admin = _admin(c, admin_id, admin_pin)
    staffmod.change(c.store(), staff_id, by=admin, pin=_pin(c, pin))
    click.echo(staff_id)


@staff.command("recover", context_settings=CONTEXT)
@click.argument("staff_id")
@pass_ctx
@domain_errors
def staff_recover(c: Ctx, staff_id: str) -> None:
    """管理员忘记密码：用恢复码设新密码，并显示新的恢复码。 / An admin forgot the PIN: the recovery code sets a new one."""
    from station import staff as staffmod

    code = click.prompt(c.t("recovery_code_prompt"), hide_input=True)
    member, new_code = staffmod.recover(c.store(), staff_id, code, _pin(c, None))
    click.echo(c.t("recovery_done", staff=member.staff_id, recovery_code=new_code))


@cli.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / Print JSON")
@pass_ctx
@domain_errors
def key(c: Ctx, as_json: bool) -> None:
    """本机签名公钥及其指纹（供区级核对）。 / This station's signing public key and its fingerprint."""
    from station import keys

    station = c.store(create=False).origin
    signing = keys.station_key(c.data)
    out = {
        "station": station,
        "public_key": keys.public_b64(signing),
        "fingerprint": keys.fingerprint(signing),
        "path": str(keys.key_path(c.data)),
    }
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False))
    else:
        click.echo(c.t("station_key_text", **out))


@cli.command(context_settings=CONTEXT, short_help="写出签名的日终导出文件 / Write the signed end-of-day file")
@click.option("--day", help="日期 YYYY-MM-DD：当天记录的事件 / The day whose events go in")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="输出文件 / The file to write",
)
@click.option(
    "--all", "everything", is_flag=True, help="导出本机全部记录（不限日期） / Every event held, of every day"
)
@click.option(
    "--no-seal",
    is_flag=True,
    help="不加密给区级密钥（给另一台电脑导入） / Do not seal to the district key (for another laptop)",
)
@click.option(
    "--site",
    help="现场名称（本机未设置、未加入主机时） / The site's name, when this laptop has none (not set, not joined)",
)
@pass_ctx
@domain_errors
def export(c: Ctx, day: str | None, out: Path, everything: bool, no_seal: bool, site: str | None) -> None:
    """写出签名的日终导出文件（U 盘带到区级或另一台电脑）：清单、签名、记录；设置了区级公钥时加密给它。

    Write the signed end-of-day file (for a USB stick to the district or another laptop): manifest,
    signature, events; sealed to the district's key when the setting district_public_key is set.
    """
    import tempfile

    from station import dayfile, keys
    from station.settings import Settings

    if not day and not everything:
        raise DomainError("export_need_day")
    the_day = None if everything else _day(day)
    store = c.store(create=False)
    here = dayfile.laptop_site(store, c.data)
    if here and site and site != here:
        raise DomainError("export_wrong_site", site=site, here=here)
    site = here or (site or "").strip()
    if not site:
        raise DomainError("export_no_site")
    seal_to = None if no_seal else (Settings.load(c.data).district_public_key or None)
    signing = keys.station_key(c.data)
    built = dayfile.build(store, day=the_day, site=site, signing_key=signing, seal_to=seal_to)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(built.data)
    os.replace(tmp, out)
    click.echo(
        c.t(
            "export_written",
            path=str(out),
            events=built.manifest["events"]["count"],
            origins=len(built.manifest["origins"]),
            size=len(built.data),
            fingerprint=keys.fingerprint(signing),
        )
    )
    if built.sealed:
        district = dayfile.district_public_key(seal_to or "")
        click.echo(c.t("export_written_sealed", district=keys.fingerprint(bytes(district))))


@cli.command(
    "import-day",
    context_settings=CONTEXT,
    short_help="导入另一台电脑的日终文件 / Import another laptop's end-of-day file",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--trust",
    metavar="FINGERPRINT",
    help="信任此指纹的签名者（首次导入某站的文件时） / Trust the signer with this fingerprint (a station "
    "not known here yet)",
)
@pass_ctx
@domain_errors
def import_day(c: Ctx, file: Path, trust: str | None) -> None:
    """导入另一台电脑的日终文件（现场没有网络时）：核对签名和清单，全部通过才保存；重复导入不改变任何记录。

    Import another laptop's end-of-day file (a site without a LAN): the signature and the manifest are
    checked, and the events are kept only when every check passes; importing again changes nothing.
    """
    from station import dayfile

    store = c.store(create=False)
    day_file = dayfile.read_path(file, where="laptop")
    result = dayfile.import_into(store, day_file, folder=c.data, trust=trust)
    if result.trusted == "trusted":
        click.echo(c.t("export_key_trusted", station=result.station, fingerprint=day_file.fingerprint))
    click.echo(
        c.t(
            "export_imported",
            station=result.station,
            day=result.label,
            events=result.events,
            new=result.new,
            held=result.held,
        )
    )


from station.stock_cli import stock_group  # noqa: E402  (it builds on the names above)

cli.add_command(stock_group)
from station.backup_cli import COMMANDS as _backup_commands  # noqa: E402  (station backup, restore)

for _command in _backup_commands:
    cli.add_command(_command)
from station.cipher_cli import COMMANDS as _cipher_commands  # noqa: E402  (station encrypt, decrypt, passphrase)

for _command in _cipher_commands:
    cli.add_command(_command)

from station.reports.cli import outlook_command, report_command  # noqa: E402

cli.add_command(report_command)
cli.add_command(outlook_command)

from station.planner.cli import plan_command  # noqa: E402  (the site planner, #16)

cli.add_command(plan_command)

from station.registers_cli import COMMANDS as REGISTER_COMMANDS  # noqa: E402  (ledger, aefi, reminders...)

for _command in REGISTER_COMMANDS:
    cli.add_command(_command)

from station.audit_cli import audit_command  # noqa: E402  (station audit)

cli.add_command(audit_command)


def main(argv: list[str] | None = None) -> None:
    _load_plugins()
    cli.main(args=argv, prog_name="station")


if __name__ == "__main__":
    main()
