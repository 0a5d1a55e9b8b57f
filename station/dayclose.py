"""Closing the day: a ``DayClosed`` event, as synced (the server confirmed it holds everything) or offline.

As synced, the caller brings a reconciliation (``sync/client/reconcile.py``; this module imports no
sync code) that says complete and was made on what this laptop holds now. Offline, the day's export
file is the proof: its sha256 goes into the event, after the file was checked when it can be opened
here (signed by this laptop, for this day, holding every event of the day held here). Who closes
needs the ``close_day`` permission.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

from station import backup
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
    checked = _require_sound(store)
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
    backup.at_day_close(store, checked=checked)  # a checked copy of the closed day (never fails the closing)
    return payload


def _require_sound(store: Store) -> bool:
    """The full ``PRAGMA integrity_check`` before a day is closed: a damaged database closes nothing
    (``db_damaged``, with what to do). True when checked (a file), so the backup after need not again."""
    from station import integrity

    if store.path is None or store._depth:
        return False
    integrity.require_sound(store.conn, store.path)
    return True


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_export(store: Store, day: date, export: Path) -> dict[str, Any]:
    """What the export file proves, for the ``DayClosed`` record: its sha256 always; and, when it can be
    opened here (not sealed for the district), that it is a day file signed by this laptop's own key
    holding every event of the day held here (``station.dayfile``), else it is refused."""
    from station import dayfile, keys

    data = dayfile.load_bytes(export)
    facts: dict[str, Any] = {
        "export_sha256": hashlib.sha256(data).hexdigest(),
        "export_bytes": len(data),
        "export_name": export.name,
    }
    if data.startswith(dayfile.SEAL_MAGIC):
        # sealed for the district: only the district opens it; its sha256 is the proof kept here
        return {**facts, "export_sealed": True}
    opened = dayfile.read(data)  # refused with its reason when damaged, tampered, not a day file
    if opened.station != store.origin:
        raise DomainError("day_export_other_station", station=opened.station, here=store.origin)
    own = keys.station_key(Path(store.path).parent, create=False) if store.path else None
    if own is not None and keys.public_b64(own.verify_key) != opened.public_key:
        raise DomainError("day_export_other_key", fingerprint=opened.fingerprint)
    if opened.manifest.get("day") not in (day.isoformat(), None):
        raise DomainError("day_export_other_day", day=day.isoformat(), file_day=opened.label)
    held = {(e.origin, e.seq) for e in opened.events}
    wanted = {(e.origin, e.seq) for e in dayfile.select_events(store, day)[0]}
    if not wanted <= held:
        raise DomainError("day_export_incomplete", day=day.isoformat(), events=len(wanted - held))
    return {
        **facts,
        "export_sealed": False,
        "export_signer": opened.fingerprint,
        "export_events": len(opened.events),
    }


def close_offline(store: Store, day: date, *, staff_id: str, export: Path | None) -> dict[str, Any]:
    """Close ``day`` without the network: the export file (``station export``) is the proof."""
    checked = _require_sound(store)
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
            **check_export(store, day, export),
            "seqs": _versions(store),
        }
        store.append("DayClosed", payload, staff_id=staff_id)
    backup.at_day_close(store, checked=checked)  # a checked copy of the closed day (never fails the closing)
    return payload


def sign_in(store: Store, staff_id: str, pin: str) -> staffmod.Session:
    """The staff member closing the day, checked by PIN and permission (the command's --staff --pin):
    the Session itself, since a bare id closes nothing."""
    member = staffmod.login(store, staff_id, pin)
    staffmod.require(store, member, "close_day")
    return member
