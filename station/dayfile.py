"""The signed end-of-day file: a day's events (or all of them) for a USB stick, checkable on arrival.

The format is in ``docs/export.md``, byte by byte. In short: a ZIP of ``manifest.json`` (what the file
holds: site, station, per-origin seq ranges, counts, HLC range, the sha256 of the events part, the
signer's public key), ``manifest.sig`` (Ed25519 over the manifest's exact bytes) and ``events.jsonl``
(one event per line in its canonical form, the sync protocol's). With the district's key configured
the whole ZIP is sealed to it (``nacl.public.SealedBox``) behind a short header: sign, then seal.

Reading checks everything a file can prove about itself (``read``); whether its signer is trusted,
and whether the events follow on from what a node holds, depend on the node (``check_signer``,
``import_into`` for a laptop; ``sync/server/dayimport.py`` for a server). Nothing here imports sync/:
the server reads these files through this module.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import re
import uuid
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.signing import SigningKey

from station import __version__, keys
from station.errors import DomainError
from station.store import EVENT_COLUMNS, Event, Store

FORMAT = "vaxstation-day"
VERSION = 1
MANIFEST, SIGNATURE, EVENTS = "manifest.json", "manifest.sig", "events.jsonl"
MEMBERS = (MANIFEST, SIGNATURE, EVENTS)
SEAL_MAGIC = b"VAXDAY-SEALED-1\n"  # 16 bytes, then the district's X25519 public key (32), then the box
ZIP_MAGIC = b"PK\x03\x04"

# Limits a file must keep (checked before anything is decompressed or decrypted into memory).
MAX_FILE_BYTES = 256 * 2**20
MAX_MANIFEST_BYTES = 2**20
MAX_EVENTS_BYTES = 1024 * 2**20
MAX_LINE_BYTES = 128_000  # an event's payload is at most 64 KB in the sync protocol

# The event's fields in the canonical order of its JSON form (keys sorted), and their checks: the
# same as the sync protocol's (sync/protocol.py), which this module cannot import.
WIRE_FIELDS = EVENT_COLUMNS
_ORIGIN_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
_TYPE_RE = re.compile(r"[A-Z][A-Za-z]{1,39}")
_HLC_RE = re.compile(r"\d{13}\.\d{5}\.[A-Za-z0-9_-]{1,32}")
_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode

KEY_META = "station_key."  # a laptop keeps the keys it trusts in its meta table: station_key.<station>


def event_line(event: Event) -> bytes:
    """The event's canonical form (sorted keys, no spaces, UTF-8 as is), as sync digests it."""
    return _encode({f: getattr(event, f) for f in WIRE_FIELDS}).encode()


# --- writing -----------------------------------------------------------------------------------------
@dataclass
class Built:
    data: bytes  # the file's bytes
    manifest: dict[str, Any]
    sealed: bool


def _rows(store: Store, sql: str, params: list[Any]) -> list[Event]:
    return [Event.from_row(r) for r in store.conn.execute(sql, params)]


def select_events(store: Store, day: date | None) -> tuple[list[Event], dict[str, str | None]]:
    """The events of a file, by (origin, seq); and per origin the day of the event just before its
    first one (None when the file starts at seq 1). ``day`` None: everything held.

    A day's events of an origin are seq first..last, first and last being the first and last event
    the origin recorded on that local day (``recorded_at``), and every event between them: a range
    without holes, which is what a receiver can take after that origin's earlier days."""
    cols = ", ".join(EVENT_COLUMNS)
    if day is None:
        events = _rows(store, f"SELECT {cols} FROM events ORDER BY origin, seq", [])
        return events, {o: None for o in {e.origin for e in events}}
    ranges = store.conn.execute(
        "SELECT origin, min(seq), max(seq) FROM events WHERE substr(recorded_at, 1, 10) = ? "
        "GROUP BY origin ORDER BY origin",
        [day.isoformat()],
    ).fetchall()
    events: list[Event] = []
    before: dict[str, str | None] = {}
    for origin, first, last in ranges:
        events += _rows(
            store,
            f"SELECT {cols} FROM events WHERE origin = ? AND seq BETWEEN ? AND ? ORDER BY seq",
            [origin, first, last],
        )
        prev = store.scalar(
            "SELECT substr(recorded_at, 1, 10) FROM events WHERE origin = ? AND seq = ?", [origin, first - 1]
        )
        before[origin] = prev
    return events, before


def build(
    store: Store,
    *,
    day: date | None,
    site: str,
    signing_key: SigningKey,
    seal_to: str | None = None,
    now: datetime | None = None,
) -> Built:
    """The file of ``day`` (None: everything held), signed, and sealed to ``seal_to`` (the district's
    X25519 public key, base64) when given."""
    events, before = select_events(store, day)
    if not events:
        raise DomainError("export_empty", day=day.isoformat() if day else "-")
    body = b"".join(event_line(e) + b"\n" for e in events)
    origins: dict[str, dict[str, Any]] = {}
    for e in events:
        o = origins.setdefault(
            e.origin, {"first": e.seq, "last": e.seq, "count": 0, "before": before[e.origin]}
        )
        o["last"] = e.seq
        o["count"] += 1
    hlcs = [e.hlc for e in events]
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "site": site,
        "station": store.origin,
        "scope": "day" if day else "all",
        "day": day.isoformat() if day else None,
        "created_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "program": __version__,
        "signer": {
            "station": store.origin,
            "public_key": keys.public_b64(signing_key),
            "fingerprint": keys.fingerprint(signing_key),
        },
        "events": {
            "member": EVENTS,
            "sha256": hashlib.sha256(body).hexdigest(),
            "bytes": len(body),
            "count": len(events),
        },
        "origins": origins,
        "types": dict(sorted(Counter(e.type for e in events).items())),
        "hlc": {"min": min(hlcs), "max": max(hlcs)},
    }
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()
    signature = signing_key.sign(manifest_bytes).signature
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data, method in (
            (MANIFEST, manifest_bytes, zipfile.ZIP_DEFLATED),
            (SIGNATURE, signature, zipfile.ZIP_STORED),
            (EVENTS, body, zipfile.ZIP_DEFLATED),
        ):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compresslevel=6 if method == zipfile.ZIP_DEFLATED else None)
    data = out.getvalue()
    if seal_to:
        data = seal(data, seal_to)
    return Built(data, manifest, bool(seal_to))


def district_public_key(text: str) -> PublicKey:
    """The district's X25519 public key from its base64 text (the ``district_public_key`` setting)."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        if len(raw) != 32:
            raise ValueError
    except (ValueError, binascii.Error):
        raise DomainError("export_district_key_bad", value=text) from None
    return PublicKey(raw)


def seal(data: bytes, district_key: str) -> bytes:
    recipient = district_public_key(district_key)
    return SEAL_MAGIC + bytes(recipient) + SealedBox(recipient).encrypt(data)


def key_fingerprint(raw: bytes) -> str:
    return keys.fingerprint(raw)


# --- reading -----------------------------------------------------------------------------------------
@dataclass
class DayFile:
    """A file that passed every check it can pass on its own (signature, content, counts, ranges)."""

    manifest: dict[str, Any]
    events: list[Event]
    lines: list[bytes]  # each event's canonical form, as in the file
    sealed: bool = False

    @property
    def station(self) -> str:
        return self.manifest["station"]

    @property
    def site(self) -> str:
        return self.manifest["site"]

    @property
    def public_key(self) -> str:
        return self.manifest["signer"]["public_key"]

    @property
    def fingerprint(self) -> str:
        return keys.fingerprint(self.public_key)

    @property
    def label(self) -> str:
        """What the file covers, for messages: its day, or "all"."""
        return self.manifest["day"] or "all"

    def origins(self) -> dict[str, dict[str, Any]]:
        return self.manifest["origins"]


def read_path(path: Path, **kw: Any) -> DayFile:
    """``read`` of a file on disk."""
    return read(load_bytes(path), **kw)


def load_bytes(path: Path) -> bytes:
    """A file's bytes, refused before reading when it is larger than any day file may be."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DomainError("export_too_large", size=size, limit=MAX_FILE_BYTES)
        return path.read_bytes()
    except OSError as exc:
        raise DomainError("export_read_error", path=str(path), reason=exc.strerror or str(exc)) from None


def read(data: bytes, *, district_key: PrivateKey | None = None, where: str = "laptop") -> DayFile:
    """Open, unseal (with ``district_key``), and check a day file; DomainError("export_...") says why
    it is refused. ``where`` ("laptop" or "server") picks the advice for a sealed file."""
    if len(data) > MAX_FILE_BYTES:
        raise DomainError("export_too_large", size=len(data), limit=MAX_FILE_BYTES)
    sealed = data.startswith(SEAL_MAGIC)
    if sealed:
        data = unseal(data, district_key, where=where)
    if not data.startswith(ZIP_MAGIC):
        raise DomainError("export_not_a_day_file")
    manifest_bytes, signature, body = _members(data)
    manifest = _manifest(manifest_bytes)
    try:
        keys.verify_key(manifest["signer"]["public_key"]).verify(manifest_bytes, signature)
    except (BadSignatureError, ValueError):
        raise DomainError("export_bad_signature") from None
    part = manifest["events"]
    if len(body) != part["bytes"] or hashlib.sha256(body).hexdigest() != part["sha256"]:
        raise DomainError("export_tampered")
    events, lines = _events(body)
    _check_against_manifest(manifest, events)
    return DayFile(manifest, events, lines, sealed)


def unseal(data: bytes, district_key: PrivateKey | None, *, where: str) -> bytes:
    recipient = data[len(SEAL_MAGIC) : len(SEAL_MAGIC) + 32]
    if district_key is None:
        raise DomainError("export_sealed_laptop" if where == "laptop" else "export_sealed_no_key")
    if len(recipient) != 32:
        raise DomainError("export_damaged", reason="sealed header cut short")
    ours = bytes(district_key.public_key)
    if recipient != ours:
        raise DomainError(
            "export_sealed_other_key", file_key=keys.fingerprint(recipient), our_key=keys.fingerprint(ours)
        )
    try:
        return SealedBox(district_key).decrypt(data[len(SEAL_MAGIC) + 32 :])
    except CryptoError:
        raise DomainError(
            "export_damaged", reason="the sealed content does not open (cut short or altered)"
        ) from None


def _members(data: bytes) -> tuple[bytes, bytes, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = [i.filename for i in infos]
            if sorted(names) != sorted(MEMBERS):
                raise DomainError("export_damaged", reason=f"members {names}, expected {list(MEMBERS)}")
            by_name = {i.filename: i for i in infos}
            limits = {MANIFEST: MAX_MANIFEST_BYTES, SIGNATURE: 64, EVENTS: MAX_EVENTS_BYTES}
            out = []
            for name in MEMBERS:
                info = by_name[name]
                if info.flag_bits & 0x1:
                    raise DomainError("export_damaged", reason=f"{name} is encrypted")
                if info.file_size > limits[name]:
                    raise DomainError(
                        "export_member_too_large", member=name, size=info.file_size, limit=limits[name]
                    )
                with zf.open(info) as fh:
                    content = fh.read(limits[name] + 1)  # never more than the limit, whatever the header says
                if len(content) > limits[name]:
                    raise DomainError(
                        "export_member_too_large", member=name, size=len(content), limit=limits[name]
                    )
                out.append(content)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        raise DomainError("export_damaged", reason=str(exc) or type(exc).__name__) from None
    return out[0], out[1], out[2]


def _manifest(data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise DomainError("export_damaged", reason="manifest.json is not JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise DomainError("export_not_a_day_file")
    if manifest.get("version") != VERSION:
        raise DomainError("export_version", version=str(manifest.get("version")), known=VERSION)
    try:
        signer, part, origins = manifest["signer"], manifest["events"], manifest["origins"]
        ok = (
            isinstance(manifest["site"], str)
            and manifest["site"]
            and isinstance(manifest["station"], str)
            and _ORIGIN_RE.fullmatch(manifest["station"])
            and manifest["scope"] in ("day", "all")
            and (
                manifest["day"] is None
                or (isinstance(manifest["day"], str) and _DAY_RE.fullmatch(manifest["day"]))
            )
            and isinstance(signer, dict)
            and signer.get("station") == manifest["station"]
            and isinstance(signer.get("public_key"), str)
            and part.get("member") == EVENTS
            and isinstance(part.get("sha256"), str)
            and type(part.get("bytes")) is int
            and type(part.get("count")) is int
            and isinstance(origins, dict)
            and all(
                isinstance(r, dict)
                and type(r.get("first")) is int
                and type(r.get("last")) is int
                and type(r.get("count")) is int
                for r in origins.values()
            )
            and isinstance(manifest["types"], dict)
            and isinstance(manifest["hlc"], dict)
        )
    except (KeyError, TypeError, AttributeError):
        ok = False
    if not ok:
        raise DomainError("export_damaged", reason="manifest.json lacks a field or has a wrong one")
    return manifest


def _events(body: bytes) -> tuple[list[Event], list[bytes]]:
    if body and not body.endswith(b"\n"):
        raise DomainError(
            "export_bad_event", line=body.count(b"\n") + 1, reason="the last line has no newline"
        )
    lines = body.split(b"\n")[:-1] if body else []
    events = []
    for n, line in enumerate(lines, 1):
        events.append(_event(line, n))
    return events, lines


def _event(line: bytes, n: int) -> Event:
    def bad(reason: str) -> DomainError:
        return DomainError("export_bad_event", line=n, reason=reason)

    if len(line) > MAX_LINE_BYTES:
        raise bad("line too long")
    try:
        data = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise bad("not JSON") from None
    if not isinstance(data, dict) or set(data) != set(WIRE_FIELDS):
        raise bad("not an event's fields")
    checks = (
        (isinstance(data["id"], str) and _is_uuid(data["id"]), "id"),
        (isinstance(data["origin"], str) and _ORIGIN_RE.fullmatch(data["origin"]), "origin"),
        (type(data["seq"]) is int and 1 <= data["seq"] < 2**62, "seq"),
        (isinstance(data["hlc"], str) and _HLC_RE.fullmatch(data["hlc"]), "hlc"),
        (isinstance(data["type"], str) and _TYPE_RE.fullmatch(data["type"]), "type"),
        (data["visit_id"] is None or isinstance(data["visit_id"], str), "visit_id"),
        (data["staff_id"] is None or isinstance(data["staff_id"], str), "staff_id"),
        (isinstance(data["payload"], dict), "payload"),
        (isinstance(data["recorded_at"], str), "recorded_at"),
    )
    for ok, name in checks:
        if not ok:
            raise bad(f"bad {name}")
    event = Event(**data)
    try:
        canonical = event_line(event)
    except UnicodeEncodeError:
        raise bad("text is not valid Unicode") from None
    if canonical != line:
        raise bad("not in canonical form")
    return event


def _is_uuid(text: str) -> bool:
    try:
        return len(text) == 36 and str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False


def _check_against_manifest(manifest: dict[str, Any], events: list[Event]) -> None:
    """Every count, range and stamp the manifest states is what the events are."""

    def mismatch(what: str) -> DomainError:
        return DomainError("export_manifest_mismatch", what=what)

    if len(events) != manifest["events"]["count"]:
        raise mismatch("count")
    if dict(Counter(e.type for e in events)) != manifest["types"]:
        raise mismatch("types")
    origins = manifest["origins"]
    seen: dict[str, list[int]] = {}
    last_key: tuple[str, int] | None = None
    for e in events:
        key = (e.origin, e.seq)
        if last_key is not None and key <= last_key:
            raise mismatch(f"order at {e.origin} #{e.seq}")
        last_key = key
        seen.setdefault(e.origin, []).append(e.seq)
    if set(seen) != set(origins):
        raise mismatch("origins")
    for origin, seqs in seen.items():
        r = origins[origin]
        if seqs[0] != r["first"] or seqs[-1] != r["last"] or len(seqs) != r["count"]:
            raise mismatch(f"range of {origin}")
        if r["last"] - r["first"] + 1 != len(seqs):
            raise mismatch(f"a hole in {origin}")
        if manifest["scope"] == "all" and r["first"] != 1:
            raise mismatch(f"range of {origin}")
    hlcs = [e.hlc for e in events]
    if hlcs and (min(hlcs) != manifest["hlc"].get("min") or max(hlcs) != manifest["hlc"].get("max")):
        raise mismatch("hlc")


# --- trust ---------------------------------------------------------------------------------------------
def check_signer(day_file: DayFile, known: str | None, trust: str | None) -> str:
    """Whether a node may take this file from its signer: "known" (the key it holds for the station),
    "trusted" (a new key the operator named by its fingerprint). Refused otherwise: a station whose
    known key is another, an unknown key without ``trust``, or a ``trust`` that names another key."""
    if known is not None:
        if known != day_file.public_key:
            raise DomainError(
                "export_signer_changed",
                station=day_file.station,
                fingerprint=day_file.fingerprint,
                known=keys.fingerprint(known),
            )
        return "known"
    if not trust:
        raise DomainError("export_untrusted", station=day_file.station, fingerprint=day_file.fingerprint)
    if not keys.matches_fingerprint(day_file.public_key, trust):
        raise DomainError(
            "export_trust_mismatch", station=day_file.station, fingerprint=day_file.fingerprint, given=trust
        )
    return "trusted"


def gap_error(day_file: DayFile, origin: str, held: int) -> DomainError:
    """The refusal of a file whose ``origin`` range starts after what a node holds: which seqs must
    come first, and from which day's file."""
    r = day_file.origins()[origin]
    return DomainError(
        "export_gap",
        origin=origin,
        held=held,
        first=r["first"],
        need=f"{held + 1}-{r['first'] - 1}",
        before=r.get("before") or "?",
    )


# --- a laptop takes another laptop's file ---------------------------------------------------------------
@dataclass
class ImportResult:
    events: int
    new: int
    held: int
    station: str
    label: str
    trusted: str  # "known" or "trusted"
    per_origin: dict[str, int] = field(default_factory=dict)  # new events per origin


def laptop_site(store: Store, folder: Path) -> str:
    """This laptop's site: the site of the hub it joined, else its settings' site name."""
    from station.settings import Settings

    site = store.scalar("SELECT value FROM meta WHERE key = 'sync.site'")
    return site or Settings.load(folder).site_name.strip()


def known_key(store: Store, folder: Path, station: str) -> str | None:
    if station == store.origin:
        own = keys.station_key(folder)
        assert own is not None
        return keys.public_b64(own)
    return store.scalar("SELECT value FROM meta WHERE key = ?", [KEY_META + station])


def import_into(store: Store, day_file: DayFile, *, folder: Path, trust: str | None = None) -> ImportResult:
    """Take a checked file into this laptop's log through the idempotent ingest, in one transaction,
    or refuse it whole (nothing stored): another site, an untrusted signer, a range that does not
    follow on from what is held here, an event held here with other content."""
    here = laptop_site(store, folder)
    if not here:
        raise DomainError("export_no_site")
    if day_file.site != here:
        raise DomainError("export_wrong_site", site=day_file.site, here=here)
    trusted = check_signer(day_file, known_key(store, folder, day_file.station), trust)
    held = store.version_vector()
    for origin, r in sorted(day_file.origins().items()):
        if r["first"] > held.get(origin, 0) + 1:
            raise gap_error(day_file, origin, held.get(origin, 0))

    def refuse_any(report: Any) -> None:
        if report.rejected:
            event, code = report.rejected[0]
            raise DomainError("export_conflict", origin=event.origin, seq=event.seq, code=code)

    meta = {KEY_META + day_file.station: day_file.public_key} if trusted == "trusted" else None
    before = store.version_vector()
    report = store.ingest_report(day_file.events, meta=meta, before_commit=refuse_any)
    after = store.version_vector()
    return ImportResult(
        events=len(day_file.events),
        new=report.new,
        held=report.duplicates,
        station=day_file.station,
        label=day_file.label,
        trusted=trusted,
        per_origin={o: after.get(o, 0) - before.get(o, 0) for o in day_file.origins()},
    )
