"""Staff: who may do what. PINs are stored as salted scrypt hashes; every event names its staff.

A site whose only admin forgot the PIN gets back in with the recovery code shown once at set-up:
only its hash is kept (in this laptop's ``meta``), using it records a ``StaffChanged`` with the new
PIN, and a used code is spent (a new one is made and shown).
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import os
import re
from dataclasses import dataclass

from station.errors import DomainError
from station.store import Store

ROLES = ("signin", "prescreen", "vaccinator", "observer", "admin")

# What each role may do. Only pre-screen staff cancel bookings; only vaccinators inject.
PERMISSIONS: dict[str, frozenset[str]] = {
    "signin": frozenset({"sign_in"}),
    "prescreen": frozenset({"screen", "cancel_booking"}),
    "vaccinator": frozenset({"inject", "start_observation", "report_aefi", "open_vial", "waste_dose"}),
    "observer": frozenset({"start_observation", "release", "release_early", "report_aefi"}),
    "admin": frozenset(
        {"manage_staff", "import_bookings", "receive_stock", "waste_dose", "resolve_conflict", "close_day"}
    ),
}
ADMIN_TASKS = PERMISSIONS["admin"]

# Commands run from the terminal act as "cli:<login>" and may do the admin's desk work only.
CLI_PREFIX = "cli:"

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
RECOVERY_KEY = "staff.recovery_hash"  # meta: the scrypt hash of this laptop's admin recovery code
# no 0/O, 1/I: read off paper and typed back by a tired person; 16 of 32 letters is 80 bits
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_STAFF_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


@dataclass(frozen=True)
class Staff:
    staff_id: str
    name: str
    roles: tuple[str, ...]
    active: bool

    def may(self, permission: str) -> bool:
        return self.active and any(permission in PERMISSIONS[r] for r in self.roles if r in PERMISSIONS)


def cli_actor() -> str:
    try:
        login = getpass.getuser()
    except Exception:  # no login name on some service accounts
        login = "unknown"
    return CLI_PREFIX + login


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_pin_hash(pin: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def get(store: Store, staff_id: str) -> Staff | None:
    row = store.one("SELECT staff_id, name, roles, active FROM staff WHERE staff_id = ?", [staff_id])
    if row is None:
        return None
    return Staff(
        row["staff_id"], row["name"], tuple(filter(None, row["roles"].split(","))), bool(row["active"])
    )


def require(store: Store, staff_id: str | None, permission: str) -> None:
    """Refuse with ``not_permitted`` unless ``staff_id`` may do ``permission`` (checked in the domain, not the UI)."""
    if staff_id and staff_id.startswith(CLI_PREFIX) and permission in ADMIN_TASKS:
        return
    member = get(store, staff_id) if staff_id else None
    if member is None:
        raise DomainError("staff_unknown", staff=staff_id or "-")
    if not member.active:
        raise DomainError("staff_disabled", staff=staff_id)
    if not member.may(permission):
        raise DomainError("not_permitted", staff=staff_id, action=permission)


def login(store: Store, staff_id: str, pin: str) -> Staff:
    row = store.one("SELECT pin_hash FROM staff WHERE staff_id = ?", [staff_id])
    if row is None or not verify_pin_hash(pin, row["pin_hash"]):
        raise DomainError("bad_login")
    member = get(store, staff_id)
    assert member is not None
    if not member.active:
        raise DomainError("staff_disabled", staff=staff_id)
    return member


def _check_roles(roles: list[str] | tuple[str, ...]) -> list[str]:
    bad = [r for r in roles if r not in ROLES]
    if bad:
        raise DomainError("role_unknown", role=",".join(bad), roles=",".join(ROLES))
    if not roles:  # no box ticked on the Staff tab: "unknown role: -" said nothing useful
        raise DomainError("roles_missing")
    return sorted(set(roles), key=ROLES.index)


def _check_pin(pin: str) -> None:
    # isascii: str.isdigit() also takes "²" and other scripts' digits, which no PIN pad types
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 12):
        raise DomainError("pin_too_weak")


def add(store: Store, staff_id: str, name: str, roles: list[str], pin: str, *, by: str) -> Staff:
    with store.transaction():
        if store.scalar("SELECT count(*) FROM staff"):
            require(store, by, "manage_staff")
        if not _STAFF_ID.fullmatch(staff_id):  # match() lets "$" pass a trailing newline
            raise DomainError("staff_id_invalid", staff=staff_id)
        if not name.strip():
            raise DomainError("staff_name_missing")
        if get(store, staff_id):
            raise DomainError("staff_exists", staff=staff_id)
        _check_pin(pin)
        store.append(
            "StaffAdded",
            {
                "staff_id": staff_id,
                "name": name.strip(),
                "roles": _check_roles(roles),
                "pin_hash": hash_pin(pin),
                "at": store.now().isoformat(),
            },
            staff_id=by,
        )
    member = get(store, staff_id)
    assert member is not None
    return member


def change(
    store: Store,
    staff_id: str,
    *,
    by: str,
    active: bool | None = None,
    roles: list[str] | None = None,
    pin: str | None = None,
) -> Staff:
    with store.transaction():
        require(store, by, "manage_staff")
        if get(store, staff_id) is None:
            raise DomainError("staff_unknown", staff=staff_id)
        payload: dict = {"staff_id": staff_id, "at": store.now().isoformat()}
        if active is not None:
            payload["active"] = active
        if active is False or (roles is not None and "admin" not in roles):
            others = store.scalar(
                "SELECT count(*) FROM staff WHERE active = 1 AND staff_id != ? AND ',' || roles || ',' LIKE '%,admin,%'",
                [staff_id],
            )
            member = get(store, staff_id)
            if member and "admin" in member.roles and member.active and not others:
                raise DomainError("last_admin", staff=staff_id)
        if roles is not None:
            payload["roles"] = _check_roles(roles)
        if pin is not None:
            _check_pin(pin)
            payload["pin_hash"] = hash_pin(pin)
        store.append("StaffChanged", payload, staff_id=by)
    member = get(store, staff_id)
    assert member is not None
    return member


def list_staff(store: Store) -> list[Staff]:
    rows = store.all("SELECT staff_id FROM staff ORDER BY staff_id")
    return [m for r in rows if (m := get(store, r["staff_id"]))]


# --- recovery code -----------------------------------------------------------------------------


def _normal_code(code: str) -> str:
    return re.sub(r"[\s\-]", "", code).upper()


def has_recovery_code(store: Store) -> bool:
    return bool(store.scalar("SELECT value FROM meta WHERE key = ?", [RECOVERY_KEY]))


def new_recovery_code(store: Store) -> str:
    """Make this laptop's admin recovery code (replacing any earlier one); only its hash is kept.

    Returned once, to be shown and written down: ``ABCD-EFGH-JKLM-NPQR``.
    """
    raw = "".join(RECOVERY_ALPHABET[b % 32] for b in os.urandom(16))  # 256 % 32 == 0: no bias
    with store.transaction():
        store.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [RECOVERY_KEY, hash_pin(raw)],
        )
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def recover(store: Store, staff_id: str, code: str, new_pin: str) -> tuple[Staff, str]:
    """Give admin ``staff_id`` a new PIN with the recovery code; returns them and the next code.

    Recorded as ``StaffChanged`` (``recovered: true``) by the admin; the used code is spent.
    """
    staff_id = staff_id.strip()
    with store.transaction():
        stored = store.scalar("SELECT value FROM meta WHERE key = ?", [RECOVERY_KEY])
        if not stored:
            raise DomainError("recovery_not_set")
        if not verify_pin_hash(_normal_code(code), stored):
            raise DomainError("recovery_code_wrong")
        member = get(store, staff_id)
        if member is None:
            raise DomainError("staff_unknown", staff=staff_id or "-")
        if "admin" not in member.roles:
            raise DomainError("recovery_not_admin", staff=staff_id)
        if not member.active:
            raise DomainError("staff_disabled", staff=staff_id)
        _check_pin(new_pin)
        store.append(
            "StaffChanged",
            {
                "staff_id": staff_id,
                "pin_hash": hash_pin(new_pin),
                "recovered": True,
                "at": store.now().isoformat(),
            },
            staff_id=staff_id,
        )
        next_code = new_recovery_code(store)
    member = get(store, staff_id)
    assert member is not None
    return member, next_code
