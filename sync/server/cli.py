"""`station-server`: the site hub, the district server, and a hub forwarding upstream; one program."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from sync import tls
from sync.protocol import ProtocolError
from sync.server.viewers import viewer
from sync.server.views import VIEWS_HELP, conflicts_command, summary_command

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
DB_HELP = "数据库：文件路径（SQLite）或 postgresql://… / Database: a file (SQLite) or postgresql://..."


def _open(db: str):
    from sync.server.store import open_store

    try:
        return open_store(db)
    except Exception as exc:  # a clear line, not a traceback, for a wrong path or an unreachable server
        raise click.ClickException(f"{db}: {exc}") from None


@click.group(context_settings=CONTEXT)
def main() -> None:
    """接种点同步服务器：现场主机、区级服务器、向上转发。

    The sync server: a site hub on the LAN, the district's server, or a hub forwarding upstream.
    """


# the live view's commands: viewer accounts, the district summary, the open conflicts
main.add_command(viewer)
main.add_command(summary_command)
main.add_command(conflicts_command)


@main.command(context_settings=CONTEXT)
@click.option("--db", required=True, help=DB_HELP)
@click.option("--host", default="0.0.0.0", show_default=True, help="监听地址 / Address to listen on")
@click.option("--port", default=8765, show_default=True, type=int, help="端口 / Port")
@click.option(
    "--upstream",
    metavar="URL",
    help="向此服务器转发本机全部记录（先用 join 加入） / Forward every event to this server (join it first)",
)
@click.option(
    "--tls/--no-tls",
    "use_tls",
    default=True,
    show_default=True,
    help="HTTPS（自签名证书，工作站加入时固定） / HTTPS with a self-signed certificate the desks pin; "
    "--no-tls behind a reverse proxy that does TLS",
)
@click.option(
    "--advertise/--no-advertise",
    default=True,
    show_default=True,
    help="在局域网广播本主机（mDNS） / Announce this hub on the LAN (mDNS)",
)
@click.option("--site", help="广播中的现场名称 / Site name in the announcement")
@click.option("--views", "views_dir", metavar="DIR", help=VIEWS_HELP)
@click.option(
    "--clock-margin-hours",
    type=click.FloatRange(0, 24 * 366, min_open=True),
    default=24,
    show_default=True,
    help="拒收时间比本机时钟快超过此小时数的记录（该电脑日期有误） / Refuse events stamped more than this "
    "many hours ahead of this computer's clock (a laptop with a wrong date)",
)
def serve(
    db: str,
    host: str,
    port: int,
    upstream: str | None,
    use_tls: bool,
    advertise: bool,
    site: str | None,
    views_dir: str | None,
    clock_margin_hours: float,
) -> None:
    """运行同步服务器。 / Run the sync server."""
    from sync.client.remote import normalize_url
    from sync.server.forward import upstream_link
    from sync.server.serve import Server

    store = _open(db)
    store.clock_margin_hours = clock_margin_hours
    if upstream:
        link = upstream_link(store)
        if link is None or normalize_url(link["url"] or "") != normalize_url(upstream):
            raise click.ClickException(
                f"先加入上级服务器 / Join the upstream server first: station-server join --db {db} {upstream} CODE"
            )
    server = Server(
        store, host=host, port=port, use_tls=use_tls, upstream=bool(upstream), advertise=advertise, site=site
    )
    live = server.app.state.live  # the live page: its site views' folder, kept caught up in a thread
    live.folder, live.background = views_dir, True
    fp = tls.fingerprint(server.cert_pem) if server.cert_pem else None
    click.echo(
        f"station-server {server.url.replace('127.0.0.1', host)}  server_id={store.server_id}"
        + (f"  fingerprint={tls.short_fingerprint(fp)}" if fp else ""),
        err=True,
    )
    server.run()


@main.command(context_settings=CONTEXT)
@click.option("--db", required=True, help=DB_HELP)
@click.option("--site", help="现场名称（工作站、主机必填） / Site (needed for station and hub codes)")
@click.option(
    "--role",
    type=click.Choice(["station", "hub", "district"]),
    default="station",
    show_default=True,
    help="身份 / What the code enrolls",
)
@click.option(
    "--hours", type=click.IntRange(1, 24 * 14), default=24, show_default=True, help="有效小时数 / Valid for"
)
@click.option("--url", help="写入二维码的服务器地址 / The server address to put in the QR code")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / Print JSON")
def enroll(db: str, site: str | None, role: str, hours: int, url: str | None, as_json: bool) -> None:
    """生成一次性加入码（工作站用 station sync join 加入）。 / Print a one-time enrollment code."""
    from sync.server.app import enroll as make_code
    from sync.server.serve import ensure_certificate

    store = _open(db)
    try:
        out = make_code(store, role=role, site=site, hours=hours)
    except ProtocolError as exc:
        raise click.ClickException(exc.reason) from None
    cert, _ = ensure_certificate(store)
    out["fingerprint"] = tls.fingerprint(cert)
    out["qr"] = join_text(out["code"], out["fingerprint"], url)
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    import segno

    segno.make(out["qr"], error="m").terminal(compact=True)
    click.echo(f"加入码 / code: {out['code']}   ({role}, {site or '*'}, {out['expires_at']})")
    click.echo(f"证书指纹 / fingerprint: {tls.short_fingerprint(out['fingerprint'])}")


def join_text(code: str, fingerprint: str | None, url: str | None) -> str:
    """What the enrollment QR holds: the code, the certificate's fingerprint, and the address if known."""
    from urllib.parse import urlencode

    query: dict[str, str] = {"code": code}
    if fingerprint:
        query["fp"] = fingerprint
    if url:
        query["url"] = url
    return "vaxstation:join?" + urlencode(query)


@main.command(context_settings=CONTEXT)
@click.option("--db", required=True, help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / Print JSON")
def stats(db: str, as_json: bool) -> None:
    """各来源、各类型的记录数。 / Events held, per origin and per type."""
    store = _open(db)
    out: dict[str, Any] = store.stats()
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    click.echo(f"server_id {out['server_id']}  events {out['events']}  head {out['head']}")
    for origin, n in sorted(out["origins"].items()):
        click.echo(f"  {origin}\t{n}")
    for kind, n in sorted(out["types"].items()):
        click.echo(f"  {kind}\t{n}")


@main.command(context_settings=CONTEXT)
@click.option("--db", required=True, help=DB_HELP)
@click.argument("url")
@click.argument("code")
@click.option(
    "--name", default="hub", show_default=True, help="本主机在上级的名称 / This hub's name upstream"
)
def join(db: str, url: str, code: str, name: str) -> None:
    """本主机加入上级服务器（区级），之后用 serve --upstream 转发。 / Join an upstream (district) server."""
    from sync.client.engine import redeem
    from sync.client.remote import SyncError

    store = _open(db)
    try:
        link = redeem(url, code, name)
    except SyncError as exc:
        raise click.ClickException(f"{exc.code}: {exc.reason}") from None
    for key in ("url", "token", "cert", "server_id"):
        store.set_meta(f"upstream.{key}", link.get(key))
    click.echo(f"{link['url']}  server_id={link['server_id']}  role={link['role']}  site={link['site']}")


@main.command(context_settings=CONTEXT)
@click.option("--db", required=True, help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / Print JSON")
def credentials(db: str, as_json: bool) -> None:
    """列出已加入的工作站和主机。 / List the credentials issued (stations and hubs that joined)."""
    store = _open(db)
    for c in store.credentials():
        row = {
            "token_id": c.token_id,
            "role": c.role,
            "site": c.site,
            "station": c.station,
            "created_at": c.created_at,
            "revoked_at": c.revoked_at,
        }
        click.echo(
            json.dumps(row, ensure_ascii=False) if as_json else "\t".join(str(v or "-") for v in row.values())
        )


@main.command(context_settings=CONTEXT)
@click.option("--db", required=True, help=DB_HELP)
@click.argument("token_id")
def revoke(db: str, token_id: str) -> None:
    """吊销一个凭证（丢失的电脑）。 / Revoke a credential (a lost laptop)."""
    from sync.server.app import utcnow

    store = _open(db)
    if not store.revoke(token_id, now=utcnow()):
        click.echo(f"{token_id}: 未找到或已吊销 / unknown or already revoked", err=True)
        sys.exit(1)
    click.echo(f"{token_id} revoked")


def _lang(lang: str | None) -> str:
    import os

    lang = lang or os.environ.get("STATION_LANG", "zh")
    return "en" if lang.startswith("en") else "zh"


LANG_HELP = "输出语言，默认中文 / Language of messages, Chinese by default"


@main.command(
    "district-key",
    context_settings=CONTEXT,
    short_help="生成区级加密密钥对 / Make the district's key pair for sealed files",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="私钥文件（不覆盖已有文件） / The private key file to write (never over an existing one)",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help=LANG_HELP)
def district_key(out: Path, lang: str | None) -> None:
    """生成区级加密密钥对（X25519）：私钥写入文件，打印公钥。

    Make the district's X25519 key pair: the private half goes to a file (mode 0600), the public half
    is printed for each station's district_public_key setting.
    """
    import base64

    from station import keys
    from station.errors import DomainError
    from station.messages import render
    from sync.server.dayimport import make_district_key

    try:
        key = make_district_key(out)
    except DomainError as exc:
        click.echo(exc.message(_lang(lang)), err=True)
        sys.exit(2)
    public = bytes(key.public_key)
    click.echo(
        render(
            "export_district_key_written",
            _lang(lang),
            path=str(out),
            public_key=base64.b64encode(public).decode(),
            fingerprint=keys.fingerprint(public),
        )
    )


@main.command(
    "import",
    context_settings=CONTEXT,
    short_help="导入工作站的日终文件 / Import a station's end-of-day file",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", required=True, help=DB_HELP)
@click.option(
    "--key",
    "key_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="区级私钥文件（加密的文件需要） / The district's private key file (for a sealed file)",
)
@click.option(
    "--trust",
    metavar="FINGERPRINT",
    help="信任此指纹的签名者（未加入过的工作站） / Trust the signer with this fingerprint (a station "
    "that never joined)",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help=LANG_HELP)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / Print JSON")
def import_command(
    file: Path, db: str, key_file: Path | None, trust: str | None, lang: str | None, as_json: bool
) -> None:
    """导入工作站的日终文件：解密、核对签名和清单，全部通过才保存；重复导入不改变任何记录。

    Import a station's end-of-day file: unseal, check the signature and the manifest, and keep the
    events only when every check passes; importing again changes nothing.
    """
    from dataclasses import asdict

    from station import dayfile
    from station.errors import DomainError
    from station.messages import render
    from sync.server.dayimport import import_file, load_district_key

    language = _lang(lang)
    try:
        district = load_district_key(key_file) if key_file else None
        data = dayfile.load_bytes(file)
        store = _open(db)
        try:
            result = import_file(store, data, district_key=district, trust=trust)
        finally:
            store.close()
    except DomainError as exc:
        if as_json:
            click.echo(json.dumps({"ok": False, **exc.as_dict()}, ensure_ascii=False))
        click.echo(exc.message(language), err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps({"ok": True, **asdict(result)}, ensure_ascii=False))
        return
    if result.trusted == "trusted":
        click.echo(
            render("export_key_trusted", language, station=result.station, fingerprint=result.fingerprint)
        )
    click.echo(
        render(
            "export_imported",
            language,
            station=result.station,
            day=result.label,
            events=result.events,
            new=result.new,
            held=result.held,
        )
    )
