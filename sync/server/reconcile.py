"""Reconciliation: what this server holds, per origin, as counts and checksums per block of seqs.

A station proves "the server holds everything I recorded" by comparing its own events with these
answers (``sync/client/reconcile.py``): first every block's count and checksum, then, for a block that
differs, the seqs held there with their digests. Everything is computed from the rows actually held
(the ``events`` table's per-event ``digest``), never from the ``origins.hwm`` column: a row lost or
deleted behind the server's back shows as a hole.

A hub answers for its upstream too (``upstream=true``): it asks the district live, with its own
credential, and passes the district's answer on; when the district cannot be reached it says so, with
the district's last acknowledged marks that its forwarder kept (``upstream.acked``) and when.
"""

# no "from __future__ import annotations": FastAPI reads the handlers' annotations, which name the
# caller dependency local to install()
import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from sync import protocol
from sync.server.store import Credential, ServerStore

BLOCK = 1024  # seqs per block: 1,000,000 events of one laptop are 977 blocks (about 90 KB of answer)
MAX_BLOCKS_LISTED = 16  # blocks whose seqs one request may list (16 x 1,024 x 75 bytes: about 1.2 MB)
CHUNK_BLOCKS = 64  # blocks read per query on SQLite (the store's lock is taken per query)
MAX_ORIGINS_ASKED = 100  # origins named in one request (a site has a few dozen laptops at most)
MAX_BLOCK_NUMBER = 2**46  # block numbers beyond any seq (seqs stay below 2**62)
ACKED_KEY = (
    "upstream.acked"  # {"at": time, "hwm": {origin: seq}}: the district's last answer to the forwarder
)


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def block_of(seq: int, block: int = BLOCK) -> int:
    """Block 0 holds seqs 1..block, block 1 the next ones, and so on."""
    return (seq - 1) // block


def block_checksum(digests: list[str]) -> str:
    """sha256 over the block's event digests (hex) in seq order, concatenated."""
    return hashlib.sha256("".join(digests).encode()).hexdigest()


# --- what the store holds ----------------------------------------------------------------------------
def _is_postgres(store: ServerStore) -> bool:
    return type(store).__name__ == "PostgresStore"


def visible_origins(store: ServerStore, site: str | None, wanted: list[str] | None) -> list[str]:
    """The origins the caller may see (its site's; every one for a district), of ``wanted`` when given."""
    if site is None:
        rows = store.query("SELECT origin FROM origins ORDER BY origin")
    else:
        rows = store.query("SELECT origin FROM origins WHERE site = ? ORDER BY origin", [site])
    held = [r[0] for r in rows]
    if wanted is None:
        return held
    want = set(wanted)
    return [o for o in held if o in want]


def other_sites(store: ServerStore, site: str | None, origins: list[str]) -> set[str]:
    """Of ``origins``, those bound here to another site than ``site`` (none for a district caller): a
    hub passing its upstream's answer on never tells a caller about another site's laptops."""
    if site is None or not origins:
        return set()
    marks = ", ".join("?" * len(origins))
    rows = store.query(
        f"SELECT origin FROM origins WHERE site != ? AND origin IN ({marks})", [site, *origins]
    )
    return {r[0] for r in rows}


def origin_summary(store: ServerStore, origin: str, block: int = BLOCK) -> dict[str, Any]:
    """{"count", "max_seq", "blocks": [[block number, count, checksum], ...]} from the rows held."""
    if _is_postgres(store):
        rows = store.query(
            "SELECT (seq - 1) / ? AS b, count(*), "
            "encode(sha256(convert_to(string_agg(digest, '' ORDER BY seq), 'UTF8')), 'hex') "
            "FROM events WHERE origin = ? GROUP BY b ORDER BY b",
            [block, origin],
        )
        blocks = [[int(b), int(n), c] for b, n, c in rows]
        top = store.query("SELECT max(seq) FROM events WHERE origin = ?", [origin])[0][0] or 0
    else:
        blocks = []
        top = store.query("SELECT max(seq) FROM events WHERE origin = ?", [origin])[0][0] or 0
        step = block * CHUNK_BLOCKS
        for start in range(1, top + 1, step):
            rows = store.query(
                "SELECT seq, digest FROM events WHERE origin = ? AND seq >= ? AND seq < ? ORDER BY seq",
                [origin, start, start + step],
            )
            current, digests = None, []
            for seq, digest in rows:
                b = (seq - 1) // block
                if b != current:
                    if digests:
                        blocks.append([current, len(digests), block_checksum(digests)])
                    current, digests = b, []
                digests.append(digest)
            if digests:
                blocks.append([current, len(digests), block_checksum(digests)])
    return {"count": sum(b[1] for b in blocks), "max_seq": int(top), "blocks": blocks}


def summary(
    store: ServerStore, *, site: str | None, origins: list[str] | None, block: int = BLOCK
) -> dict[str, dict[str, Any]]:
    return {o: origin_summary(store, o, block) for o in visible_origins(store, site, origins)}


def block_seqs(
    store: ServerStore, origin: str, numbers: list[int], block: int = BLOCK
) -> dict[str, list[list[Any]]]:
    """{block number: [[seq, digest], ...]} for the blocks asked."""
    out: dict[str, list[list[Any]]] = {}
    for b in sorted(set(numbers)):
        rows = store.query(
            "SELECT seq, digest FROM events WHERE origin = ? AND seq >= ? AND seq <= ? ORDER BY seq",
            [origin, b * block + 1, (b + 1) * block],
        )
        out[str(b)] = [[int(s), d] for s, d in rows]
    return out


def acknowledged(store: ServerStore) -> dict[str, Any] | None:
    """The district's marks as the forwarder last heard them, and when (None when never)."""
    text = store.get_meta(ACKED_KEY)
    if not text:
        return None
    try:
        data = json.loads(text)
        return {"at": str(data["at"]), "hwm": {str(o): int(s) for o, s in data["hwm"].items()}}
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


OriginName = Annotated[str, Field(min_length=1, max_length=32, pattern=f"^{protocol.ORIGIN_RE.pattern}$")]
BlockNumber = Annotated[int, Field(ge=0, le=MAX_BLOCK_NUMBER)]


# --- answers ---------------------------------------------------------------------------------------------
class OriginOut(BaseModel):
    count: int
    max_seq: int
    blocks: list[list[Any]]


class UpstreamOut(BaseModel):
    linked: bool
    reachable: bool
    url: str | None = None
    server_id: str | None = None
    error: str | None = None
    acknowledged: dict[str, Any] | None = None  # {"at", "hwm": {origin: seq}}: kept by the forwarder
    forwarder: dict[str, Any] | None = None  # the forwarder's state in this process (serve --upstream)


class ReconcileOut(BaseModel):
    server_id: str  # whose holdings "origins" are
    time: str
    block: int
    origins: dict[str, OriginOut]
    via: str | None = None  # the hub that asked its upstream on the caller's behalf
    upstream: UpstreamOut | None = None


class BlocksOut(BaseModel):
    server_id: str
    origin: str
    block: int
    blocks: dict[str, list[list[Any]]]
    via: str | None = None
    upstream: UpstreamOut | None = None


def install(
    app: FastAPI,
    store: ServerStore,
    caller: Callable[..., Any],
    upstream_status: Callable[[], dict[str, Any] | None] | None = None,
) -> None:
    """Add ``GET /v1/reconcile`` and ``GET /v1/reconcile/blocks`` to the app."""
    from sync.server.app import ERRORS

    def scope(cred: Credential) -> str | None:
        return None if cred.role == "district" else cred.site

    def upstream_state(error: str | None, reachable: bool) -> dict[str, Any]:
        from sync.server.forward import upstream_link

        link = upstream_link(store)
        return {
            "linked": link is not None,
            "reachable": reachable,
            "url": link["url"] if link else None,
            "server_id": link["server_id"] if link else None,
            "error": error,
            "acknowledged": acknowledged(store) if link else None,
            "forwarder": upstream_status() if upstream_status else None,
        }

    def ask_upstream(
        path: str, params: list[tuple[str, Any]]
    ) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        """The district's answer to the same question, asked with this hub's credential; or why not."""
        from sync.client.remote import Remote, SyncError
        from sync.server.forward import upstream_link

        link = upstream_link(store)
        if link is None:
            return None, upstream_state(None, False)
        try:
            with Remote(
                link["url"] or "", token=link["token"], cert_pem=link["cert"], server_id=link["server_id"]
            ) as remote:
                answer = remote._checked(remote._call("GET", path, params=params, timeout=30))
        except SyncError as exc:
            return None, upstream_state(f"{exc.code}: {exc.reason}", False)
        return answer, upstream_state(None, True)

    @app.get(f"{protocol.PREFIX}/reconcile", response_model=ReconcileOut, responses=ERRORS)
    async def reconcile(
        cred: Annotated[Credential, Depends(caller)],
        origin: Annotated[list[OriginName], Query(max_length=MAX_ORIGINS_ASKED)] = [],  # noqa: B006 (FastAPI copies it)
        block: Annotated[int, Query(ge=1, le=65536)] = BLOCK,
        upstream: bool = False,
    ) -> dict[str, Any]:
        """Per origin (the caller's site; every site for a district): count, highest seq and, per block
        of ``block`` seqs, the count and checksum of the events held. ``upstream=true`` on a hub: the
        district's answer (asked live), or why it could not be asked."""
        if upstream:
            params = [("block", block), *(("origin", o) for o in origin)]
            answer, state = await run_in_threadpool(ask_upstream, f"{protocol.PREFIX}/reconcile", params)
            if answer is None:
                return {
                    "server_id": state["server_id"] or "",
                    "time": utcnow(),
                    "block": block,
                    "origins": {},
                    "via": store.server_id,
                    "upstream": state,
                }
            others = await run_in_threadpool(
                other_sites, store, scope(cred), list(answer.get("origins") or {})
            )
            held = {o: v for o, v in (answer.get("origins") or {}).items() if o not in others}
            return {**answer, "origins": held, "via": store.server_id, "upstream": state}
        origins = await run_in_threadpool(
            lambda: summary(store, site=scope(cred), origins=origin or None, block=block)
        )
        return {"server_id": store.server_id, "time": utcnow(), "block": block, "origins": origins}

    @app.get(f"{protocol.PREFIX}/reconcile/blocks", response_model=BlocksOut, responses=ERRORS)
    async def reconcile_blocks(
        cred: Annotated[Credential, Depends(caller)],
        origin: Annotated[str, Query(min_length=1, max_length=32, pattern=f"^{protocol.ORIGIN_RE.pattern}$")],
        number: Annotated[list[BlockNumber], Query(min_length=1, max_length=MAX_BLOCKS_LISTED)],
        block: Annotated[int, Query(ge=1, le=65536)] = BLOCK,
        upstream: bool = False,
    ) -> dict[str, Any]:
        """The seqs held, with their digests, in the blocks ``number`` (at most 16) of one origin."""
        if upstream:
            params = [("origin", origin), ("block", block), *(("number", n) for n in number)]
            answer, state = await run_in_threadpool(
                ask_upstream, f"{protocol.PREFIX}/reconcile/blocks", params
            )
            if answer is None:
                return {
                    "server_id": state["server_id"] or "",
                    "origin": origin,
                    "block": block,
                    "blocks": {},
                    "via": store.server_id,
                    "upstream": state,
                }
            if await run_in_threadpool(other_sites, store, scope(cred), [origin]):
                answer = {**answer, "blocks": {str(n): [] for n in number}}
            return {**answer, "via": store.server_id, "upstream": state}

        def read() -> dict[str, list[list[Any]]]:
            if not visible_origins(store, scope(cred), [origin]):
                return {str(n): [] for n in number}  # not held here (or another site's: the same answer)
            return block_seqs(store, origin, number, block)

        return {
            "server_id": store.server_id,
            "origin": origin,
            "block": block,
            "blocks": await run_in_threadpool(read),
        }
