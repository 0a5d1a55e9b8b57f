"""`station encrypt`, `station decrypt`, `station passphrase`, and how the terminal gets a passphrase.

An encrypted station's passphrase comes, in this order, from ``STATION_PASSPHRASE`` (for scripts),
the OS keyring (a staff laptop, ``station passphrase --remember``), or the terminal, typed without
echo. It is never a command-line option: the arguments of every process are visible to every
local user (``ps``), the environment only to the same user.

station/cli.py adds these commands (this module does not import it: see station/stock_cli.py).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from station import cipher
from station.errors import DomainError
from station.messages import render

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
TRIES = 3


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _ask(lang: str, *, confirm: bool = False) -> str:
    if not _interactive():
        raise cipher.CipherError("cipher_passphrase_needed")
    prompt = "数据库密码" if lang == "zh" else "Database passphrase"
    first = click.prompt(prompt, hide_input=True, err=True)
    if confirm:
        again = click.prompt("再输入一次" if lang == "zh" else "Again", hide_input=True, err=True)
        return cipher.new_passphrase(first, again)
    return first


def unlock(path: Path, lang: str) -> None:
    """Make the station at ``path`` open to this process (nothing to do for a plaintext one)."""
    if cipher.unlock_from_keyring_or_env(path):
        return
    if not _interactive():
        raise cipher.CipherError("db_encrypted", path=str(path))
    for attempt in range(TRIES):
        passphrase = _ask(lang)
        try:
            cipher.check_passphrase(path, passphrase)
        except DomainError as exc:
            if attempt == TRIES - 1:
                raise
            click.echo(exc.message(lang), err=True)
            continue
        cipher.unlock(path, passphrase)
        return


def passphrase_for(file: Path, lang: str) -> str:
    """The passphrase of an encrypted file other than this station's (a backup): the environment's, or
    typed; checked."""
    given = os.environ.get(cipher.ENV)
    if given:
        cipher.check_passphrase(file, given)
        return given
    for attempt in range(TRIES):
        passphrase = _ask(lang)
        try:
            cipher.check_passphrase(file, passphrase)
            return passphrase
        except DomainError as exc:
            if attempt == TRIES - 1:
                raise
            click.echo(exc.message(lang), err=True)
    raise cipher.CipherError("db_wrong_passphrase", path=str(file))


def new_passphrase(lang: str) -> str:
    """A passphrase chosen for a station: STATION_PASSPHRASE, or typed twice."""
    given = os.environ.get(cipher.ENV)
    if given:
        return cipher.new_passphrase(given)
    return _ask(lang, confirm=True)


def _lang(c: Any) -> str:
    return getattr(c, "lang", "zh")


def _fail(exc: DomainError, lang: str) -> None:
    click.echo(exc.message(lang), err=True)
    sys.exit(2)


@click.command("encrypt", context_settings=CONTEXT, short_help="加密本机数据库 / Encrypt the database")
@click.option("--remember", is_flag=True,
              help="同时把密码存入本机系统钥匙串 / Also keep the passphrase in this computer's OS keyring")
@click.option("--json", "as_json", is_flag=True, help="结果输出为 JSON / Print the result as JSON")
@click.pass_obj
def encrypt_command(c: Any, remember: bool, as_json: bool) -> None:
    """把本机的明文数据库转换为加密数据库（SQLCipher）。先关闭工作站窗口和同步。密码从终端输入两次
    （脚本：STATION_PASSPHRASE）。副本逐条核对事件并重建检查后才替换原文件。

    Turn this station's plaintext database into an encrypted one (SQLCipher). Close the window and sync
    first. The passphrase is typed twice (scripts: STATION_PASSPHRASE). The copy is checked (every
    event, a rebuild check) before it replaces the file.
    """
    lang = _lang(c)
    path = c.db_path
    try:
        if not path.is_file():
            raise DomainError("db_missing", path=str(path))
        if cipher.is_encrypted(path):
            raise cipher.CipherError("cipher_already_encrypted", path=str(path))
        passphrase = new_passphrase(lang)
        done = cipher.encrypt(path, passphrase)
        if remember:
            cipher.keyring_set(path, passphrase)
    except DomainError as exc:
        _fail(exc, lang)
    left = cipher.plaintext_copies(c.data)
    if as_json:
        click.echo(json.dumps({**done, "plaintext_copies": [str(p) for p in left]}, ensure_ascii=False))
        return
    click.echo(render("cipher_encrypted", lang, **done))
    if remember:
        click.echo(render("cipher_keyring_saved", lang))
    if left:
        click.echo(render("cipher_plaintext_copies", lang, count=len(left), first=left[0]), err=True)


@click.command("decrypt", context_settings=CONTEXT, short_help="解密本机数据库 / Decrypt the database")
@click.pass_obj
def decrypt_command(c: Any) -> None:
    """把加密的数据库转换回明文（管理员，需要密码；先关闭工作站窗口和同步）。

    Turn this station's encrypted database back into plaintext (the admin, with the passphrase; close
    the window and sync first).
    """
    lang = _lang(c)
    path = c.db_path
    try:
        if not path.is_file():
            raise DomainError("db_missing", path=str(path))
        if not cipher.is_encrypted(path):
            raise cipher.CipherError("cipher_not_encrypted", path=str(path))
        if not cipher.available():
            raise cipher.CipherError("cipher_missing")
        unlock(path, lang)
        done = cipher.decrypt(path, cipher.key_for(path) or "")
    except DomainError as exc:
        _fail(exc, lang)
    click.echo(render("cipher_decrypted", lang, **done))


@click.command("passphrase", context_settings=CONTEXT,
               short_help="数据库密码与系统钥匙串 / The passphrase and the OS keyring")
@click.option("--remember", is_flag=True,
              help="把密码存入本机系统钥匙串（启动时不再询问） / Keep the passphrase in this computer's OS "
              "keyring (not asked at start)")
@click.option("--forget", is_flag=True,
              help="从系统钥匙串删除密码 / Remove the passphrase from the OS keyring")
@click.pass_obj
def passphrase_command(c: Any, remember: bool, forget: bool) -> None:
    """显示本机数据库是否加密；--remember 把密码存入系统钥匙串，--forget 删除。

    Show whether this station's database is encrypted; --remember keeps its passphrase in the OS
    keyring, --forget removes it.
    """
    lang = _lang(c)
    path = c.db_path
    try:
        if not path.is_file():
            raise DomainError("db_missing", path=str(path))
        if not cipher.is_encrypted(path):
            click.echo(render("cipher_status_plain", lang, path=path))
            return
        if forget:
            cipher.keyring_forget(path)
            click.echo(render("cipher_keyring_forgotten", lang))
            return
        if remember:
            unlock(path, lang)
            cipher.keyring_set(path, cipher.key_for(path) or "")
            click.echo(render("cipher_keyring_saved", lang))
            return
    except DomainError as exc:
        _fail(exc, lang)
    held = render("cipher_keyring_has" if cipher.keyring_get(path) else "cipher_keyring_none", lang)
    click.echo(render("cipher_status_encrypted", lang, path=path, version=cipher.version() or "-", keyring=held))


COMMANDS = (encrypt_command, decrypt_command, passphrase_command)
