"""`station backup` and `station restore`: the station's database backed up online, checked, restored.

station/cli.py adds these commands (this module does not import it: see station/stock_cli.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from station.errors import DomainError
from station.messages import render

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _lang(ctx: Any) -> str:
    return getattr(ctx, "lang", "zh")


@click.command("backup", context_settings=CONTEXT, short_help="备份数据库 / Back the database up")
@click.option(
    "--to",
    "to",
    type=click.Path(file_okay=False, path_type=Path),
    help="备份到此目录（默认：数据目录的 backups/ 和设置中的第二备份目录） / Back up into this folder "
    "(default: the data folder's backups/ and the backup_dir setting)",
)
@click.option("--json", "as_json", is_flag=True, help="每个备份一行 JSON / One JSON object per backup")
@click.pass_obj
def backup_command(c: Any, to: Path | None, as_json: bool) -> None:
    """在线备份本机数据库（SQLite 备份接口，录入时也可进行），检查每个副本，保留最近 backup_keep 份。

    Back this station's database up online (SQLite's backup API: the desk may keep recording), check
    each copy (quick_check, event count) and keep the last backup_keep.
    """
    from station import backup

    lang = _lang(c)
    try:
        if (c.data / backup.DB_NAME).is_file():
            c.unlock()  # an encrypted station: its backups are encrypted with its passphrase
        results = backup.backup_station(c.data, to=to, reason="manual")
    except DomainError as exc:
        click.echo(exc.message(lang), err=True)
        sys.exit(2)
    for r in results:
        if as_json:
            click.echo(json.dumps(r.as_dict(), ensure_ascii=False))
        elif r.ok:
            click.echo(render("backup_done", lang, file=r.file, events=r.events, size=r.bytes))
        else:
            reason = render(r.error or "backup_failed", lang, detail=r.detail, path=r.file or r.folder)
            click.echo(render("backup_failed", lang, detail=reason), err=True)
    sys.exit(0 if results and all(r.ok for r in results) else 1)


@click.command("restore", context_settings=CONTEXT, short_help="由备份恢复数据库 / Restore from a backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def restore_command(c: Any, file: Path) -> None:
    """由备份恢复本机数据库（先关闭工作站窗口）。不完好的备份会被拒绝并说明原因；被替换的数据库移到
    数据目录的 replaced/，不会删除。

    Put a backup in place of this station's database (close the window first). An unsound backup is
    refused with the reason; the database it replaces is moved into the data folder's replaced/, never
    deleted.
    """
    from station import backup, cipher, cipher_cli

    lang = _lang(c)
    try:
        key = None
        if (c.data / backup.DB_NAME).is_file():
            c.unlock()  # an encrypted station's passphrase opens its own backups
        if cipher.is_encrypted(file) and backup.verify(file).error in ("backup_encrypted", "db_wrong_passphrase"):
            key = cipher_cli.passphrase_for(file, lang)  # another passphrase (a station set up anew)
        done = backup.restore(c.data, file, key)
    except DomainError as exc:
        click.echo(render("restore_refused", lang, reason=exc.message(lang)), err=True)
        sys.exit(2)
    code = "restore_done" if done["replaced"] else "restore_done_fresh"
    click.echo(render(code, lang, **done))


COMMANDS = (backup_command, restore_command)
