"""Reconciliation from a station: does the server (and the district behind a hub) hold everything here?

Per origin held in this station's database, the events are digested as the server digests them
(``sync.protocol.event_digest``: sha256 of the canonical form) and summed up per block of 1,024 seqs
(count and checksum); the server answers the same from the rows it holds (``GET /v1/reconcile``). A
block that differs is narrowed down by asking the seqs the server holds there with their digests
(``GET /v1/reconcile/blocks``), so what is missing comes out as exact seq ranges in a few requests.

Through a hub the question is asked twice: of the hub, and of its upstream (``upstream=true``: the hub
asks the district live with its own credential). When the district cannot be reached, the hub passes
on the district's last acknowledged marks (kept by its forwarder) and when it heard them: that is
reported as such ("acknowledged", not checked now), and the answer is not complete.

The result (``reconcile``) is a JSON object; ``complete`` and ``missing`` are about the furthest server
(the district when the linked server forwards to one), checked now.
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from station.store import Store
from sync.client.remote import Remote, SyncError

BLOCK = 1024
LAST_KEY = "reconcile.last"  # the last result, for the admin page and the day's closing
BLOCKS_KEY = "reconcile.blocks"  # {origin: {block: checksum}} of the full blocks held here

# An event's canonical form put together by SQLite from its row, as the push does (sync/client/engine.py):
# the keys in canonical order, text through json_quote, the payload column as stored.
_FIELDS = ("hlc", "id", "origin", "payload", "recorded_at", "seq", "staff_id", "type", "visit_id")
_TEXT = " || ',' || ".join(
    f"'\"{f}\":' || " + (f if f in ("payload", "seq") else f"json_quote({f})") for f in _FIELDS
)
_DIGEST_SQL = f"SELECT seq, CAST('{{' || {_TEXT} || '}}' AS BLOB) FROM events WHERE origin = ? AND seq >= ? AND seq <= ? ORDER BY seq"


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _sha(text: bytes) -> str:
    return hashlib.sha256(text).hexdigest()


# --- this station's side ---------------------------------------------------------------------------------
def local_origins(store: Store) -> dict[str, dict[str, int]]:
    """{origin: {"count", "max_seq"}} of every origin held here."""
    rows = store.conn.execute("SELECT origin, count(*), max(seq) FROM events GROUP BY origin ORDER BY origin")
    return {o: {"count": n, "max_seq": m} for o, n, m in rows}


def local_digests(store: Store, origin: str, first: int, last: int) -> list[tuple[int, str]]:
    """(seq, digest) of the events of ``origin`` with first <= seq <= last, in seq order."""
    return [(s, _sha(t)) for s, t in store.conn.execute(_DIGEST_SQL, [origin, first, last])]


def local_blocks(
    store: Store, origin: str, max_seq: int, block: int = BLOCK, *, only: set[int] | None = None
) -> dict[int, tuple[int, str]]:
    """{block number: (count, checksum)}, the server's summary computed over this station's rows (of the
    blocks ``only`` when given)."""
    out: dict[int, tuple[int, str]] = {}
    step = block * 64
    if only is not None and len(only) * 4 < (max_seq // block) + 1:  # a few blocks: read just those
        spans = [(b * block + 1, (b + 1) * block) for b in sorted(only)]
    else:
        spans = [(start, start + step - 1) for start in range(1, max_seq + 1, step)]
    for first, last in spans:
        current, digests = None, []
        for seq, text in store.conn.execute(_DIGEST_SQL, [origin, first, last]):
            b = (seq - 1) // block
            if only is not None and b not in only:
                continue
            if b != current:
                if digests:
                    out[current] = (len(digests), _sha("".join(digests).encode()))
                current, digests = b, []
            digests.append(_sha(text))
        if digests:
            out[current] = (len(digests), _sha("".join(digests).encode()))
    return out


def local_summary(
    store: Store, local: dict[str, dict[str, int]], *, cache: bool = True
) -> dict[str, dict[int, tuple[int, str]]]:
    """``local_blocks`` of every origin held here. A full block (all its 1,024 seqs held) never changes
    (events are immutable, a copy with other content is refused), so its checksum is kept in ``meta``
    (``reconcile.blocks``) and only new or partial blocks are digested again."""
    kept: dict[str, dict[str, str]] = {}
    if cache:
        row = store.conn.execute("SELECT value FROM meta WHERE key = ?", [BLOCKS_KEY]).fetchone()
        kept = json.loads(row[0]) if row else {}
    out: dict[str, dict[int, tuple[int, str]]] = {}
    changed = False
    for origin, mine in local.items():
        if mine["count"] == mine["max_seq"]:  # seqs 1..max_seq all held (as ingest keeps them): no query
            last = (mine["max_seq"] - 1) // BLOCK
            counts = {b: BLOCK for b in range(last)}
            counts[last] = mine["max_seq"] - last * BLOCK
        else:
            counts = dict(
                store.conn.execute(
                    "SELECT (seq - 1) / ?, count(*) FROM events WHERE origin = ? GROUP BY 1", [BLOCK, origin]
                ).fetchall()
            )
        known = kept.get(origin, {})
        todo = {b for b, n in counts.items() if not (n == BLOCK and str(b) in known)}
        blocks = {b: (BLOCK, known[str(b)]) for b in counts if b not in todo}
        if todo:
            blocks.update(local_blocks(store, origin, mine["max_seq"], only=todo))
        out[origin] = blocks
        full = {str(b): c for b, (n, c) in blocks.items() if n == BLOCK}
        if cache and full != known:
            kept[origin], changed = full, True
    if changed:
        from sync.client.engine import set_meta

        set_meta(store, {BLOCKS_KEY: json.dumps(kept, sort_keys=True)})
    return out


def ranges(seqs: list[int]) -> list[list[int]]:
    """Sorted seqs as [first, last] runs."""
    out: list[list[int]] = []
    for s in sorted(seqs):
        if out and s == out[-1][1] + 1:
            out[-1][1] = s
        else:
            out.append([s, s])
    return out


def count_in(rs: dict[str, list[list[int]]]) -> int:
    return sum(b - a + 1 for runs in rs.values() for a, b in runs)


def held_until(store: Store, missing: dict[str, list[list[int]]]) -> str | None:
    """The latest time (``recorded_at``) up to which every event recorded here is held: the newest event
    when nothing is missing, else the last one recorded before the first missing one."""
    if not missing:
        return store.conn.execute("SELECT max(recorded_at) FROM events").fetchone()[0]
    first = None
    for origin, runs in missing.items():
        for a, b in runs:
            t = store.conn.execute(
                "SELECT min(recorded_at) FROM events WHERE origin = ? AND seq BETWEEN ? AND ?", [origin, a, b]
            ).fetchone()[0]
            if t is not None and (first is None or t < first):
                first = t
    if first is None:
        return store.conn.execute("SELECT max(recorded_at) FROM events").fetchone()[0]
    return store.conn.execute(
        "SELECT max(recorded_at) FROM events WHERE recorded_at < ?", [first]
    ).fetchone()[0]


# --- asking the server -----------------------------------------------------------------------------------
def ask_summary(remote: Remote, origins: list[str], *, upstream: bool) -> dict[str, Any]:
    params: list[tuple[str, Any]] = [("block", BLOCK), *(("origin", o) for o in origins)]
    if upstream:
        params.append(("upstream", "true"))
    answer = remote._call("GET", "/v1/reconcile", params=params, timeout=max(remote.timeout, 120))
    return _checked(remote, answer, upstream)


def ask_blocks(remote: Remote, origin: str, numbers: list[int], *, upstream: bool) -> dict[str, Any]:
    params: list[tuple[str, Any]] = [("origin", origin), ("block", BLOCK), *(("number", n) for n in numbers)]
    if upstream:
        params.append(("upstream", "true"))
    answer = remote._call("GET", "/v1/reconcile/blocks", params=params, timeout=max(remote.timeout, 60))
    return _checked(remote, answer, upstream)


def _checked(remote: Remote, answer: dict[str, Any], upstream: bool) -> dict[str, Any]:
    if upstream:
        if remote.server_id and answer.get("via") != remote.server_id:
            raise SyncError("hub_changed", f"this address now answers as server {answer.get('via')}")
        return answer
    return remote._checked(answer)


def compare(
    store: Store,
    remote: Remote,
    local: dict[str, dict[str, int]],
    mine_blocks: dict[str, dict[int, tuple[int, str]]],
    *,
    upstream: bool,
) -> dict[str, Any]:
    """One server's holdings against this station's: {"reachable", "server_id", "complete", "missing",
    "differ", "missing_events", "held_until", "upstream" (the hub's word about its upstream)}."""
    answer = ask_summary(remote, list(local), upstream=upstream)
    state = answer.get("upstream")
    if upstream and state and not state.get("reachable"):
        return {
            "reachable": False,
            "linked": bool(state.get("linked")),
            "server_id": answer.get("server_id"),
            "upstream": state,
        }
    held = answer.get("origins") or {}
    missing: dict[str, list[list[int]]] = {}
    differ: dict[str, list[list[int]]] = {}
    for origin in local:
        theirs = held.get(origin) or {"blocks": []}
        their_blocks = {int(b): (int(n), c) for b, n, c in theirs["blocks"]}
        my_blocks = mine_blocks[origin]
        lost: list[int] = []
        changed: list[int] = []
        to_list: list[int] = []
        for b, (n, checksum) in my_blocks.items():
            other = their_blocks.get(b)
            if other is None:  # nothing of this block there
                lost += [
                    s
                    for (s,) in store.conn.execute(
                        "SELECT seq FROM events WHERE origin = ? AND seq BETWEEN ? AND ?",
                        [origin, b * BLOCK + 1, (b + 1) * BLOCK],
                    )
                ]
            elif other != (n, checksum):
                to_list.append(b)
        for i in range(0, len(to_list), 16):
            chunk = to_list[i : i + 16]
            listed = ask_blocks(remote, origin, chunk, upstream=upstream)
            state = listed.get("upstream")
            if upstream and state and not state.get("reachable"):
                return {
                    "reachable": False,
                    "linked": True,
                    "server_id": listed.get("server_id"),
                    "upstream": state,
                }
            for b in chunk:
                there = {int(s): d for s, d in listed["blocks"].get(str(b), [])}
                for seq, digest in local_digests(store, origin, b * BLOCK + 1, (b + 1) * BLOCK):
                    if seq not in there:
                        lost.append(seq)
                    elif there[seq] != digest:
                        changed.append(seq)
        if lost:
            missing[origin] = ranges(lost)
        if changed:
            differ[origin] = ranges(changed)
    return {
        "reachable": True,
        "linked": True,
        "server_id": answer.get("server_id"),
        "checked_at": answer.get("time"),
        "complete": not missing and not differ,
        "missing": missing,
        "differ": differ,
        "missing_events": count_in(missing),
        "held_until": held_until(
            store, {o: missing.get(o, []) + differ.get(o, []) for o in {*missing, *differ}}
        ),
        "upstream": state,
    }


def from_acknowledged(
    store: Store, local: dict[str, dict[str, int]], state: dict[str, Any]
) -> dict[str, Any]:
    """The district out of reach: what its last acknowledged marks (the hub's forwarder) cover."""
    ack = state.get("acknowledged") or None
    marks = (ack or {}).get("hwm") or {}
    missing = {}
    for origin, mine in local.items():
        mark = int(marks.get(origin, 0))
        if mine["max_seq"] > mark:
            missing[origin] = [[mark + 1, mine["max_seq"]]]
    return {
        "reachable": False,
        "linked": True,
        "server_id": state.get("server_id"),
        "error": state.get("error"),
        "complete": False,
        "acknowledged_at": ack["at"] if ack else None,
        "missing": missing,
        "differ": {},
        "missing_events": count_in(missing),
        "held_until": held_until(store, missing) if ack else None,
    }


def reconcile(
    store: Store, remote: Remote | None = None, *, keep: bool = True, cache: bool = True
) -> dict[str, Any]:
    """Compare this station's events with the linked server's, and with the district behind it
    (``cache``: use and keep the checksums of full blocks, ``local_summary``)."""
    from sync.client.engine import remote_for

    own = remote is None
    remote = remote or remote_for(store, timeout=30)
    try:
        local = local_origins(store)
        mine = local_summary(store, local, cache=cache)
        server = compare(store, remote, local, mine, upstream=False)
        server["level"] = "server"
        levels = [server]
        up = compare(store, remote, local, mine, upstream=True)
        state = up.get("upstream") or {}
        if up["reachable"]:
            up["level"] = "upstream"
            levels.append(up)
        elif state.get("linked"):
            up = from_acknowledged(store, local, state)
            up["level"] = "upstream"
            levels.append(up)
    finally:
        if own:
            remote.close()
    top = levels[-1]
    result = {
        "complete": bool(top.get("complete")) and top["reachable"],
        "missing": top["missing"],
        "differ": top.get("differ", {}),
        "missing_events": top["missing_events"],
        "checked_at": utcnow(),
        "held_until": top.get("held_until"),
        "target": top["level"],
        "confirmed": top["reachable"],
        "station": store.origin,
        "url": remote.url,
        "local": local,
        "levels": [{k: v for k, v in lv.items() if k != "upstream"} for lv in levels],
    }
    if keep:
        from sync.client.engine import set_meta

        set_meta(store, {LAST_KEY: json.dumps(result, ensure_ascii=False)})
    return result


def last(store: Store) -> dict[str, Any] | None:
    """The last result kept by ``reconcile``."""
    row = store.conn.execute("SELECT value FROM meta WHERE key = ?", [LAST_KEY]).fetchone()
    return json.loads(row[0]) if row else None


def hhmm(text: str | None) -> str:
    """'2026-11-26T17:05:00+08:00' -> '17:05' (the station's own clock, as recorded)."""
    if not text:
        return "-"
    try:
        return datetime.fromisoformat(text).strftime("%H:%M")
    except ValueError:
        return text[11:16] or text


# --- the commands: `station reconcile` and `station close-day` (plugins: pyproject.toml) -------------------
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def describe(result: dict[str, Any], lang: str) -> list[str]:
    """The result as lines for a person: who holds everything up to when, or what is missing."""
    from station.messages import render

    lines = []
    levels = result.get("levels") or []
    if len(levels) > 1 and levels[0].get("complete"):
        lines.append(render("reconcile_hub_complete", lang, until=hhmm(levels[0].get("held_until"))))
    elif len(levels) > 1 and levels[0].get("reachable"):
        lines.append(render("reconcile_hub_missing", lang, events=levels[0].get("missing_events", 0)))
    target = render(f"reconcile_target_{result.get('target', 'server')}", lang)
    top = levels[-1] if levels else {}
    if result.get("complete"):
        lines.append(
            render(
                "reconcile_complete",
                lang,
                target=target,
                until=hhmm(result.get("held_until")),
                checked=hhmm(datetime.fromisoformat(result["checked_at"]).astimezone().isoformat()),
            )
        )
        return _sentences(lines)
    if not result.get("confirmed"):
        if top.get("acknowledged_at"):
            at = datetime.fromisoformat(top["acknowledged_at"]).astimezone().isoformat()
            lines.append(
                render(
                    "reconcile_upstream_acknowledged",
                    lang,
                    reason=top.get("error") or "-",
                    until=hhmm(result.get("held_until")),
                    at=hhmm(at),
                )
            )
        else:
            lines.append(render("reconcile_upstream_unconfirmed", lang, reason=top.get("error") or "-"))
    if result.get("missing"):
        lines.append(
            render(
                "reconcile_missing",
                lang,
                target=target,
                events=result.get("missing_events", 0),
                until=hhmm(result.get("held_until")),
            )
        )
        for origin, runs in sorted(result["missing"].items()):
            text = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in runs)
            lines.append(
                render(
                    "reconcile_missing_origin",
                    lang,
                    origin=origin,
                    ranges=text,
                    count=sum(b - a + 1 for a, b in runs),
                )
            )
    for origin, runs in sorted((result.get("differ") or {}).items()):
        text = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in runs)
        lines.append(render("reconcile_differ_origin", lang, origin=origin, ranges=text))
    return _sentences(lines)


def _sentences(lines: list[str]) -> list[str]:
    """A line that starts with the target's name ("the district ...") starts with a capital."""
    return [line[:1].upper() + line[1:] for line in lines]


def _server_remote(c: Any, server: str | None) -> Remote | None:
    """--server URL: the same credential and pin, at another address (None: the link as kept)."""
    if not server:
        return None
    from sync.client.engine import load_link

    link = load_link(c.store())
    if link is None:
        raise SyncError("not_joined", "this station has not joined a hub (station sync join URL CODE)")
    return Remote(server, token=link["token"], cert_pem=link["cert"], server_id=link["server_id"], timeout=30)


def _sync_failed(c: Any, exc: SyncError) -> None:
    from sync.client.engine import error_message

    click.echo(error_message(exc, c.lang, station=c.store().origin), err=True)
    sys.exit(3 if exc.retry else 2)


@click.command(
    "reconcile",
    context_settings=CONTEXT,
    short_help="核对服务器是否已收到全部记录 / Does the server hold it all?",
)
@click.option(
    "--server",
    metavar="URL",
    help="服务器地址（默认：本机加入的主机） / Server address (default: the joined hub)",
)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / Print JSON")
@click.pass_obj
def reconcile_command(c: Any, server: str | None, as_json: bool) -> None:
    """核对：服务器（及其上级区级服务器）是否已收到本机的全部记录；缺少时退出码为 1。

    Reconcile: does the server (and the district behind a hub) hold every record held here? Lists the
    missing seq ranges per laptop; exit 1 when something is missing or not confirmed.
    """
    store = c.store()
    try:
        remote = _server_remote(c, server)
        try:
            result = reconcile(store, remote)
        finally:
            if remote is not None:
                remote.close()
    except SyncError as exc:
        _sync_failed(c, exc)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        for line in describe(result, c.lang):
            click.echo(line)
    sys.exit(0 if result["complete"] else 1)


@click.command(
    "close-day", context_settings=CONTEXT, short_help="日终关账（已同步或离线） / Close a day (synced or offline)"
)
@click.option("--day", required=True, help="日期 YYYY-MM-DD / The day")
@click.option("--staff", "staff_id", required=True, help="管理员工号 / Admin's staff id")
@click.option("--pin", help="密码（不给则提示输入） / PIN (prompted when absent)")
@click.option(
    "--offline",
    is_flag=True,
    help="无网络时日结，以导出文件为凭证 / Close without the network; the export file is the proof",
)
@click.option(
    "--export",
    "export",
    type=click.Path(dir_okay=False, path_type=Path),
    help="当天的导出文件（station export） / The day's export file (station export)",
)
@click.option(
    "--server",
    metavar="URL",
    help="核对用的服务器地址（默认：本机加入的主机） / Server to reconcile with (default: the joined hub)",
)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / Print JSON")
@click.pass_obj
def close_day_command(
    c: Any,
    day: str,
    staff_id: str,
    pin: str | None,
    offline: bool,
    export: Path | None,
    server: str | None,
    as_json: bool,
) -> None:
    """日结：核对完整后记录当天已结束（离线时用导出文件作凭证）。

    Close the day: recorded as synced only when the server (the district behind a hub) holds everything
    held here; --offline --export FILE closes it without the network, the file's sha256 as the proof.
    """
    from datetime import date as date_cls

    from station import dayclose
    from station.errors import DomainError
    from station.messages import render

    try:
        the_day = date_cls.fromisoformat(day)
    except ValueError:
        raise click.BadParameter(f"{day!r}: YYYY-MM-DD", param_hint="--day") from None
    store = c.store()
    try:
        who = dayclose.sign_in(store, staff_id, pin or click.prompt("PIN", hide_input=True))
        if offline:
            payload = dayclose.close_offline(store, the_day, staff_id=who, export=export)
        else:
            try:
                remote = _server_remote(c, server)
                try:
                    result = reconcile(store, remote)
                finally:
                    if remote is not None:
                        remote.close()
            except SyncError as exc:
                _sync_failed(c, exc)
            if not result["complete"]:
                for line in describe(result, c.lang):
                    click.echo(line, err=True)
            payload = dayclose.close_synced(store, the_day, staff_id=who, reconciliation=result)
    except DomainError as exc:
        click.echo(exc.message(c.lang), err=True)
        sys.exit(1 if exc.code == "day_not_reconciled" else 2)
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False))
    elif offline:
        click.echo(render("day_closed_offline", c.lang, day=day, sha256=payload["export_sha256"]))
    else:
        click.echo(render("day_closed_synced", c.lang, day=day, until=hhmm(payload.get("held_until"))))
