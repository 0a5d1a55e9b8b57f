"""A station's own Ed25519 key: it signs the station's end-of-day files (``station/dayfile.py``).

A station is its folder: the private half lives beside ``station.sqlite3`` as ``station.key``
(base64 of the 32-byte seed, file mode 0600), made at ``station init`` or, for a station made before
keys existed, at its first export or join. The public half reaches the district at enrollment (the
join request carries it) or is compared by eye as a fingerprint (``station key``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from pathlib import Path

from nacl.signing import SigningKey, VerifyKey

from station.errors import DomainError

KEY_FILE = "station.key"
FINGERPRINT_DIGITS = 20  # hex digits of the sha256 of the public key a person compares, in groups of 4


def key_path(folder: Path) -> Path:
    return Path(folder) / KEY_FILE


def station_key(folder: Path, *, create: bool = True) -> SigningKey | None:
    """The station's signing key, made (0600) when the folder has none and ``create`` is set."""
    path = key_path(folder)
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        if not create:
            return None
        return _create(path)
    try:
        seed = base64.b64decode(text, validate=True)
        if len(seed) != 32:
            raise ValueError
    except (ValueError, binascii.Error):
        raise DomainError("station_key_damaged", path=str(path)) from None
    return SigningKey(seed)


def _create(path: Path) -> SigningKey:
    path.parent.mkdir(parents=True, exist_ok=True)
    key = SigningKey.generate()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(base64.b64encode(bytes(key)).decode() + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # never replaces a key another process made meanwhile
        except FileExistsError:
            return station_key(path.parent, create=False)  # type: ignore[return-value]
        except OSError:  # a file system without hard links
            if path.exists():
                return station_key(path.parent, create=False)  # type: ignore[return-value]
            os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return key


def public_b64(key: SigningKey | VerifyKey | bytes) -> str:
    """The public key as base64 of its 32 raw bytes (what the join sends and the manifest carries)."""
    if isinstance(key, SigningKey):
        key = key.verify_key
    return base64.b64encode(bytes(key)).decode()


def verify_key(text: str) -> VerifyKey:
    """A public key from its base64 text; ValueError when it is not 32 bytes of base64."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise ValueError("not base64") from None
    if len(raw) != 32:
        raise ValueError("not 32 bytes")
    return VerifyKey(raw)


def fingerprint(public_key: str | bytes | SigningKey | VerifyKey) -> str:
    """The first 20 hex digits of the sha256 of the raw public key, in groups of 4: ``3f9a 01bc ...``."""
    if isinstance(public_key, SigningKey | VerifyKey):
        raw = bytes(public_key.verify_key if isinstance(public_key, SigningKey) else public_key)
    elif isinstance(public_key, str):
        raw = base64.b64decode(public_key)
    else:
        raw = public_key
    digits = hashlib.sha256(raw).hexdigest()[:FINGERPRINT_DIGITS]
    return " ".join(digits[i : i + 4] for i in range(0, FINGERPRINT_DIGITS, 4))


def matches_fingerprint(public_key: str, given: str) -> bool:
    """True when an operator's ``--trust`` text names this key: its fingerprint (spaces, dashes or
    colons as they like, any case; at least the 20 digits shown), or the base64 key itself."""
    if given.strip() == public_key:
        return True
    digits = re.sub(r"[\s:\-]", "", given).lower()
    if len(digits) < FINGERPRINT_DIGITS or not re.fullmatch(r"[0-9a-f]+", digits):
        return False
    return hashlib.sha256(base64.b64decode(public_key)).hexdigest().startswith(digits)
