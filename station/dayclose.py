"""Closing the day: a ``DayClosed`` event, as synced (the server confirmed it holds everything) or offline.

As synced, the caller brings a reconciliation (``sync/client/reconcile.py``; this module imports no
sync code) that says complete and was made on what this laptop holds now. Offline, the day's export
file is the proof: its sha256 goes into the event. Who closes needs the ``close_day`` permission.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

from station import staff as staffmod
from station.errors import DomainError
from station.store import Store


def closings(store: Store, day: date, origin: str | None = None) -> list[dict[str, Any]]:
    """The day's ``DayClosed`` events of this laptop (``origin``), oldest first, as payloads with who."""
    if not store.conn.execute("SELECT 1 FROM days WHERE day = ?", [day.isoformat()]).fetchone():
        return []  # no laptop closed it (the window asks often: the log is not read for nothing)
    rows = store.conn.execute(
        "SELECT staff_id, payload FROM events WHERE type = 'DayClosed' AND origin = ? "
        "AND json_extract(payload, '$.day') = ? ORDER BY seq",
        [origin or store.origin, day.isoformat()],
    ).fetchall()
    return [{**json.loads(p), "staff_id": s} for s, p in rows]


def _check_open(store: Store, day: date, mode: str) -> None:
    for done in closings(store, day):
        # an offline closing may be followed by a synced one (the network came back); nothing else
        if done.get("mode") == "synced" or mode == "offline":
            raise DomainError(
                "day_already_closed",
                day=day.isoformat(),
                at=done.get("at", "-"),
                staff=done.get("staff_id") or "-",
            )


def _versions(store: Store) -> dict[str, int]:
    return {o: int(s) for o, s in store.conn.execute("SELECT origin, max(seq) FROM events GROUP BY origin")}


def close_synced(store: Store, day: date, *, staff_id: str, reconciliation: dict[str, Any]) -> dict[str, Any]:
    """Close ``day`` as synced: only on a complete reconciliation of everything held here now."""
    with store.transaction():
        staffmod.require(store, staff_id, "close_day")
        _check_open(store, day, "synced")
        if not reconciliation.get("complete"):
            raise DomainError(
                "day_not_reconciled",
                day=day.isoformat(),
                events=int(reconciliation.get("missing_events") or 0),
                origins=", ".join(sorted(reconciliation.get("missing") or {})) or "-",
            )
        checked = {o: int(v["max_seq"]) for o, v in (reconciliation.get("local") or {}).items()}
        if reconciliation.get("station") != store.origin or checked != _versions(store):
            raise DomainError("day_reconcile_stale", day=day.isoformat())
        payload = {
            "day": day.isoformat(),
            "at": store.now().isoformat(),
            "station": store.origin,
            "mode": "synced",
            "target": reconciliation.get("target"),
            "server_id": next(
                (lv.get("server_id") for lv in reversed(reconciliation.get("levels") or [])), None
            ),
            "checked_at": reconciliation.get("checked_at"),
            "held_until": reconciliation.get("held_until"),
            "seqs": checked,
        }
        store.append("DayClosed", payload, staff_id=staff_id)
    return payload


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def close_offline(store: Store, day: date, *, staff_id: str, export: Path | None) -> dict[str, Any]:
    """Close ``day`` without the network: the export file (``station export``) is the proof."""
    with store.transaction():
        staffmod.require(store, staff_id, "close_day")
        _check_open(store, day, "offline")
        if export is None:
            raise DomainError("day_close_needs_export", day=day.isoformat())
        if not export.is_file():
            raise DomainError("day_export_missing", path=str(export))
        payload = {
            "day": day.isoformat(),
            "at": store.now().isoformat(),
            "station": store.origin,
            "mode": "offline",
            "export_sha256": file_sha256(export),
            "export_bytes": export.stat().st_size,
            "export_name": export.name,
            "seqs": _versions(store),
        }
        store.append("DayClosed", payload, staff_id=staff_id)
    return payload


def sign_in(store: Store, staff_id: str, pin: str) -> str:
    """The staff member closing the day, checked by PIN and permission (the command's --staff --pin)."""
    member = staffmod.login(store, staff_id, pin)
    staffmod.require(store, member.staff_id, "close_day")
    return member.staff_id
