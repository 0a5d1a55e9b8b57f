"""The server's side of end-of-day files: the registry of station keys, and importing a file.

A station's Ed25519 public key reaches the server with its join (``register_key``, source 'join') or
from an operator who compared its fingerprint (``import_file(trust=...)``, source 'trusted'). A
station id holds one key: a join or a file under another key is refused, never overwritten.

``import_file`` reads the file through ``station/dayfile.py`` (the format lives there), checks what
only the server can (the signer's key, the site each origin is bound to, that each origin's range
follows on from what is held, that events held already are the same), and only then pushes the
events through the store's idempotent push, in one transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nacl.public import PrivateKey

from station import dayfile, keys
from station.errors import DomainError
from sync import protocol
from sync.protocol import ProtocolError
from sync.server.sqlcommon import SqlStore, prepared_from_wire
from sync.server.store import ServerStore


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --- the key registry -----------------------------------------------------------------------------
def station_key(store: ServerStore, station: str) -> tuple[str, str] | None:
    """(public key, site) registered for a station id, or None."""
    rows = store.query("SELECT public_key, site FROM station_keys WHERE station = ?", [station])
    return (rows[0][0], rows[0][1]) if rows else None


def check_join_key(store: ServerStore, station: str, public_key: str | None) -> None:
    """Before a join redeems its code: a station id whose registered key is another is refused
    (``station_key_taken``), so the code is not spent on a laptop that cannot register."""
    if not public_key:
        return
    try:
        keys.verify_key(public_key)
    except ValueError:
        raise ProtocolError("bad_request", "public_key must be 32 bytes of base64") from None
    held = station_key(store, station)
    if held is not None and held[0] != public_key:
        raise ProtocolError(
            "station_key_taken",
            f"station {station!r} is registered with another key ({keys.fingerprint(held[0])})",
        )


def register_key(store: ServerStore, station: str, site: str, public_key: str, source: str) -> bool:
    """Keep a station's key; True when it is new. The first key of a station id stays: registering
    another raises ProtocolError("station_key_taken")."""
    store.execute(
        [
            (
                "INSERT INTO station_keys (station, site, public_key, registered_at, source) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (station) DO NOTHING",
                [station, site, public_key, _now(), source],
            )
        ]
    )
    held = station_key(store, station)
    if held is None or held[0] != public_key:
        raise ProtocolError("station_key_taken", f"station {station!r} is registered with another key")
    return True


# --- district keys ----------------------------------------------------------------------------------
def load_district_key(path: Path) -> PrivateKey:
    import base64
    import binascii

    try:
        raw = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
        if len(raw) != 32:
            raise ValueError
    except (OSError, ValueError, binascii.Error, UnicodeDecodeError):
        raise DomainError("export_district_key_file_bad", path=str(path)) from None
    return PrivateKey(raw)


def make_district_key(path: Path) -> PrivateKey:
    """A new X25519 key pair, the private half written to ``path`` (0600, never over a file)."""
    import base64
    import os

    key = PrivateKey.generate()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise DomainError("export_district_key_exists", path=str(path)) from None
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(base64.b64encode(bytes(key)).decode() + "\n")
    return key


# --- importing a file -------------------------------------------------------------------------------
@dataclass
class ServerImport:
    events: int
    new: int
    held: int
    station: str
    site: str
    label: str
    trusted: str  # "known" or "trusted"
    fingerprint: str  # the signer's
    per_origin: dict[str, int] = field(default_factory=dict)


def import_file(
    store: ServerStore,
    data: bytes,
    *,
    district_key: PrivateKey | None = None,
    trust: str | None = None,
) -> ServerImport:
    """Check a day file and push its events; DomainError when refused (then nothing is stored)."""
    day_file = dayfile.read(data, district_key=district_key, where="server")
    site = day_file.site
    if not protocol.SITE_RE.fullmatch(site):
        raise DomainError("export_bad_site", site=site)
    # every event as the sync protocol checks it (storable text, payload size...), with the digest
    # and payload text the store keeps
    wires = []
    for n, (event, line) in enumerate(zip(day_file.events, day_file.lines, strict=True), 1):
        try:
            wire = protocol.decode_wire(protocol.encode_event(event))
        except ProtocolError as exc:
            raise DomainError("export_bad_event", line=n, reason=exc.reason) from None
        if wire.text != line:
            raise DomainError("export_bad_event", line=n, reason="not in canonical form")
        wires.append(wire)
    registered = station_key(store, day_file.station)
    if registered is not None and registered[1] != site:
        raise DomainError("export_wrong_site", site=site, here=registered[1])
    trusted = dayfile.check_signer(day_file, registered[0] if registered else None, trust)
    origins = sorted(day_file.origins())
    bound = _bound(store, origins)
    for origin in origins:
        b = bound.get(origin)
        if b is not None and b[0] != site:
            raise DomainError("export_origin_other_site", origin=origin, site=site, bound=b[0])
        held = b[1] if b else 0
        if day_file.origins()[origin]["first"] > held + 1:
            raise dayfile.gap_error(day_file, origin, held)
    _check_held_digests(store, day_file, wires, bound)
    events = [w.event for w in wires]
    if isinstance(store, SqlStore):
        result = store.push(
            events, site=site, allowed_origins=set(origins), prepared=prepared_from_wire(wires)
        )
    else:
        result = store.push(events, site=site, allowed_origins=set(origins))
    if result.rejected:  # the checks above make this a race with another writer of these origins
        r = result.rejected[0]
        raise DomainError("export_conflict", origin=r.origin, seq=r.seq, code=r.error)
    if trusted == "trusted":
        try:
            register_key(store, day_file.station, site, day_file.public_key, "trusted")
        except ProtocolError:
            raise DomainError(
                "export_signer_changed",
                station=day_file.station,
                fingerprint=day_file.fingerprint,
                known="?",
            ) from None
    after = _bound(store, origins)
    return ServerImport(
        events=len(events),
        new=result.accepted,
        held=result.duplicates,
        station=day_file.station,
        site=site,
        label=day_file.label,
        trusted=trusted,
        fingerprint=day_file.fingerprint,
        per_origin={o: after.get(o, ("", 0))[1] - bound.get(o, ("", 0))[1] for o in origins},
    )


def _bound(store: ServerStore, origins: list[str]) -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    for origin in origins:
        rows = store.query("SELECT site, hwm FROM origins WHERE origin = ?", [origin])
        if rows:
            out[origin] = (rows[0][0], int(rows[0][1]))
    return out


def _check_held_digests(
    store: ServerStore, day_file: dayfile.DayFile, wires: list[Any], bound: dict[str, tuple[str, int]]
) -> None:
    """Events of the file the server holds already must be the same events (same digest)."""
    by_key = {(w.event.origin, w.event.seq): hashlib.sha256(w.text).hexdigest() for w in wires}
    for origin, r in day_file.origins().items():
        held = bound.get(origin, ("", 0))[1]
        top = min(held, r["last"])
        if top < r["first"]:
            continue
        rows = store.query(
            "SELECT seq, digest FROM events WHERE origin = ? AND seq >= ? AND seq <= ?",
            [origin, r["first"], top],
        )
        for seq, digest in rows:
            if by_key.get((origin, int(seq))) != digest:
                raise DomainError("export_conflict", origin=origin, seq=int(seq), code="event_mismatch")
