"""Viewer accounts of the live page: a site viewer (the street office) sees one site, a district viewer
every site. Kept in the server's ``viewers`` table; passwords as salted scrypt hashes.

Also the ``station-server viewer`` commands (add, list, disable).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import re
import secrets
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from sync.server.store import ServerStore

# scrypt, 32 MB and some 80 ms a check: slow for a guesser with a stolen file, fine for a login
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
NAME_RE = re.compile(r"[\w.\-]{1,32}")  # letters (Chinese too), digits, _ . -
MIN_PASSWORD = 8


@dataclass(frozen=True)
class Viewer:
    name: str
    site: str | None  # None: a district viewer (every site)
    created_at: str
    disabled_at: str | None = None

    @property
    def district(self) -> bool:
        return self.site is None


class ViewerError(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, maxmem=2**26, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32, maxmem=2**26
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def add(store: ServerStore, name: str, password: str, *, site: str | None) -> Viewer:
    """A new viewer: of ``site``, or of the whole district when site is None."""
    from sync.protocol import SITE_RE

    if not NAME_RE.fullmatch(name):
        raise ViewerError("bad_name", "a viewer name is 1-32 letters, digits, _ . or -")
    if site is not None and not SITE_RE.fullmatch(site):
        raise ViewerError("bad_site", f"not a site name: {site!r}")
    if len(password) < MIN_PASSWORD:
        raise ViewerError("weak_password", f"the password needs at least {MIN_PASSWORD} characters")
    if store.query("SELECT 1 FROM viewers WHERE name = ?", [name]):
        raise ViewerError("viewer_exists", f"a viewer named {name!r} exists already (disabled ones too)")
    created = _now()
    store.execute(
        [
            (
                "INSERT INTO viewers (name, password_hash, site, created_at) VALUES (?, ?, ?, ?)",
                [name, hash_password(password), site, created],
            )
        ]
    )
    return Viewer(name, site, created)


def all_viewers(store: ServerStore) -> list[Viewer]:
    rows = store.query("SELECT name, site, created_at, disabled_at FROM viewers ORDER BY name")
    return [Viewer(*r) for r in rows]


def get(store: ServerStore, name: str) -> Viewer | None:
    """The viewer, when it exists and is not disabled."""
    rows = store.query(
        "SELECT name, site, created_at, disabled_at FROM viewers WHERE name = ? AND disabled_at IS NULL",
        [name],
    )
    return Viewer(*rows[0]) if rows else None


def disable(store: ServerStore, name: str) -> bool:
    """Disable a viewer (its sessions end at their next request); False when unknown or disabled."""
    (n,) = store.execute(
        [("UPDATE viewers SET disabled_at = ? WHERE name = ? AND disabled_at IS NULL", [_now(), name])]
    )
    return n > 0


def check(store: ServerStore, name: str, password: str) -> Viewer | None:
    """The live viewer with this name and password, else None (the same work is done either way)."""
    rows = store.query(
        "SELECT name, site, created_at, disabled_at, password_hash FROM viewers WHERE name = ?", [name]
    )
    if not rows:
        verify_password(password, _dummy_hash())  # as slow as a wrong password: names are not probed
        return None
    if not verify_password(password, rows[0][4]) or rows[0][3] is not None:
        return None
    return Viewer(*rows[0][:4])


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(8))


# --- station-server viewer ... ---------------------------------------------------------------------
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
DB_HELP = "数据库：文件路径（SQLite）或 postgresql://… / Database: a file (SQLite) or postgresql://..."


def _open(db: str) -> ServerStore:
    from sync.server.cli import _open as open_db

    return open_db(db)


@click.group(context_settings=CONTEXT)
def viewer() -> None:
    """实时页面的查看账号（街道、区）。 / Accounts for the live page (a site's or the district's)."""


@viewer.command("add", context_settings=CONTEXT)
@click.argument("name")
@click.option("--db", required=True, help=DB_HELP)
@click.option("--site", help="只可查看此现场（不填：全区） / Sees this site only (without it: every site)")
@click.option(
    "--password-file",
    type=click.File("r", encoding="utf-8"),
    help="从文件第一行读取密码（不填则提示输入） / Read the password from this file's first line (else prompted)",
)
def viewer_add(name: str, db: str, site: str | None, password_file) -> None:
    """新建查看账号。 / Add a viewer account."""
    if password_file is not None:
        password = password_file.readline().rstrip("\r\n")
    else:
        password = click.prompt("密码 / Password", hide_input=True, confirmation_prompt=True)
    store = _open(db)
    try:
        v = add(store, name, password, site=site)
    except ViewerError as exc:
        raise click.ClickException(f"{exc.code}: {exc.reason}") from None
    finally:
        store.close()
    click.echo(f"{v.name}\t{v.site or '*'}\t{v.created_at}")


@viewer.command("list", context_settings=CONTEXT)
@click.option("--db", required=True, help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / Print JSON")
def viewer_list(db: str, as_json: bool) -> None:
    """列出查看账号。 / List the viewer accounts."""
    store = _open(db)
    try:
        for v in all_viewers(store):
            row = {"name": v.name, "site": v.site, "created_at": v.created_at, "disabled_at": v.disabled_at}
            click.echo(
                json.dumps(row, ensure_ascii=False)
                if as_json
                else "\t".join(str(x or ("*" if k == "site" else "-")) for k, x in row.items())
            )
    finally:
        store.close()


@viewer.command("disable", context_settings=CONTEXT)
@click.argument("name")
@click.option("--db", required=True, help=DB_HELP)
def viewer_disable(name: str, db: str) -> None:
    """停用查看账号（其登录随即失效）。 / Disable a viewer account (its sessions end at once)."""
    store = _open(db)
    try:
        done = disable(store, name)
    finally:
        store.close()
    if not done:
        click.echo(f"{name}: 未找到或已停用 / unknown or already disabled", err=True)
        sys.exit(1)
    click.echo(f"{name} disabled")
