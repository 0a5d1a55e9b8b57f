"""`station sync ...`: join a hub, run sync from a terminal, show its state."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import click

from station.messages import render
from sync.client.remote import SyncError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _fail(c: Any, exc: SyncError, **facts: Any) -> None:
    from sync.client.engine import error_message

    click.echo(error_message(exc, c.lang, **facts), err=True)
    sys.exit(3 if exc.retry else 2)


@click.group("sync", context_settings=CONTEXT)
def sync_group() -> None:
    """同步：加入现场主机、手动同步、查看状态。 / Sync: join a hub, sync now, show the state."""


@sync_group.command("join", context_settings=CONTEXT)
@click.argument("url", required=False)
@click.argument("code")
@click.pass_obj
def join_command(c: Any, url: str | None, code: str) -> None:
    """用一次性加入码加入现场主机（URL 可省略：扫描的码里有地址，或在局域网中查找）。

    Join a hub with a one-time code. URL may be left out when the scanned code carries it, or when
    exactly one hub is found on the LAN.
    """
    from sync.client import engine

    store = c.store()
    try:
        if not url and "url=" not in code:
            url = _only_hub(c)
        link = engine.join(store, url, code)
    except SyncError as exc:
        _fail(c, exc, station=store.origin)
    click.echo(render("sync_joined", c.lang, url=link["url"], site=link["site"], server_id=link["server_id"]))


def _only_hub(c: Any) -> str:
    from sync import discovery

    hubs = discovery.browse(timeout=3.0)
    if len(hubs) != 1:
        for hub in hubs:
            click.echo(f"{hub.url}\t{hub.site or '-'}\t{hub.name}", err=True)
        raise SyncError("bad_url", "give the hub's address" if hubs else render("sync_no_hubs", c.lang))
    return hubs[0].url


@sync_group.command("hubs", context_settings=CONTEXT)
@click.option("--timeout", type=float, default=3.0, show_default=True, help="查找秒数 / Seconds to listen")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / Print JSON")
@click.pass_obj
def hubs_command(c: Any, timeout: float, as_json: bool) -> None:
    """列出局域网内的现场主机（mDNS）。 / List the hubs announced on the LAN (mDNS)."""
    from dataclasses import asdict

    from sync import discovery

    hubs = discovery.browse(timeout=timeout)
    if not hubs and not as_json:
        click.echo(render("sync_no_hubs", c.lang))
    for hub in hubs:
        click.echo(
            json.dumps(asdict(hub), ensure_ascii=False)
            if as_json
            else f"{hub.url}\t{hub.site or '-'}\t{hub.name}"
        )


@sync_group.command("run", context_settings=CONTEXT)
@click.option(
    "--once",
    is_flag=True,
    help="只同步一轮；无待发送记录时退出码为 0 / One round; exit 0 when nothing is left to send",
)
@click.pass_obj
def run_command(c: Any, once: bool) -> None:
    """立即同步（不带 --once 时持续运行，Ctrl-C 停止）。 / Sync now (without --once: keep syncing until Ctrl-C)."""
    from sync.client import engine

    store = c.store()
    if not once:
        from sync.client.worker import SyncWorker

        worker = SyncWorker(c.db_path).start()
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            worker.stop()
        return
    try:
        syncer = engine.Syncer(store)
        pushed = syncer.push()
        pulled = syncer.pull()
    except SyncError as exc:
        engine.record_failure(store, exc)
        _fail(c, exc, station=store.origin)
    state = engine.status(store)
    click.echo(render("sync_done", c.lang, pushed=pushed, pulled=pulled, waiting=state["waiting"]))
    sys.exit(0 if state["waiting"] == 0 else 1)


@sync_group.command("status", context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / Print JSON")
@click.pass_obj
def status_command(c: Any, as_json: bool) -> None:
    """同步状态：上次成功时间、待发送条数、离线时间。 / Sync state: last success, events waiting, offline since."""
    from sync.client import engine

    state = engine.status(c.store())
    if as_json:
        click.echo(json.dumps(state, ensure_ascii=False))
        return
    if not state["joined"]:
        click.echo(render("sync_not_joined", c.lang))
        return
    click.echo(
        render(
            "sync_status_text", c.lang, **{k: (v if v not in (None, "") else "-") for k, v in state.items()}
        )
    )
