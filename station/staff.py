"""Staff: who may do what, and the proof that they are who they say (PINs, sessions, lockout).

PINs are stored as salted argon2id hashes (argon2-cffi; the cost is measured in bench/bench_pin.py);
scrypt hashes made before still verify and are re-hashed at the member's next good login (a
``StaffChanged`` with ``rehashed: true``). An unknown staff id is checked against a dummy hash, so
it takes as long to refuse as a known one. Five wrong PINs in a row lock a staff id for 30 s, each
further wrong PIN for twice as long (at most an hour), by the station's clock; the wrong PINs
(``LoginFailed``) and the locks (``StaffLockedOut``) are events like any other, so they sync, and
the admin sees them (:func:`lockouts`). A new PIN set by the admin ends a lock.

:func:`login` returns a :class:`Session`: the staff id proven by its PIN, which the window and the
terminal act with. Permissions in ``PROVEN_ONLY`` are refused to a bare staff id.

A site whose only admin forgot the PIN gets back in with the recovery code shown once at set-up:
only its hash is kept (in this laptop's ``meta``), using it records a ``StaffChanged`` with the new
PIN, and a used code is spent (a new one is made and shown).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

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
        {"manage_staff", "import_bookings", "receive_stock", "waste_dose", "resolve_conflict", "close_day", "correct_records"}
    ),
}
ADMIN_TASKS = PERMISSIONS["admin"]
# Every permission is used with a Session (a PIN proven at login), never a bare staff id. A store
# whose ``trusts_named_staff`` is set (the demo while it generates its day; the test bed) lets a
# bare id do the desk work, but never these: naming a doctor's id must not cancel a booking,
# naming an admin's must not make staff, set PINs or correct another's records (the author's
# own correction within the window: station/corrections.py).
PROVEN_ONLY = frozenset({"manage_staff", "cancel_booking", "correct_records"})

# argon2id, RFC 9106's second choice (64 MiB, 3 passes) with one lane: 0.2-0.37 s per check on the
# project's 2-core machine under load (bench/bench_pin.py). tests/conftest.py lowers it in tests.
_ARGON2: dict[str, int] = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 1}
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # the hashes made before argon2id: verified, then replaced
LOCK_AFTER = 5  # wrong PINs in a row
LOCK_FIRST_SECONDS = 30
LOCK_MAX_SECONDS = 3600
RECOVERY_KEY = "staff.recovery_hash"  # meta: the hash of this laptop's admin recovery code
# no 0/O, 1/I: read off paper and typed back by a tired person; 16 of 32 letters is 80 bits
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_STAFF_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
_PROOF = object()  # only login() holds it: a Session is not made by naming an id
_DUMMY: dict[tuple[int, ...], str] = {}


@dataclass(frozen=True)
class Staff:
    staff_id: str
    name: str
    roles: tuple[str, ...]
    active: bool

    def may(self, permission: str) -> bool:
        return self.active and any(permission in PERMISSIONS[r] for r in self.roles if r in PERMISSIONS)


class Session(str):
    """A staff member proven by their PIN at login: what the window and the terminal act with.

    It is the staff id (a ``str``), so every command that records ``staff_id`` takes it unchanged;
    ``require`` tells it from a bare id. Only :func:`login` makes one. Any change to the text
    (``strip()``, ``str()``) gives a plain id back: the proof does not travel with a copy.
    """

    member: Staff
    proven_at: datetime

    def __new__(cls, member: Staff, proven_at: datetime, *, proof: object = None) -> Session:
        if proof is not _PROOF:
            raise TypeError("a Session comes from staff.login()")
        self = super().__new__(cls, member.staff_id)
        self.member = member
        self.proven_at = proven_at
        return self

    def __reduce__(self) -> Any:  # no pickled copies: they would carry the proof elsewhere
        raise TypeError("a Session is not copied")

    @property
    def staff_id(self) -> str:
        return str(self)

    @property
    def name(self) -> str:
        return self.member.name

    @property
    def roles(self) -> tuple[str, ...]:
        return self.member.roles

    @property
    def active(self) -> bool:
        return self.member.active

    def may(self, permission: str) -> bool:
        return self.member.may(permission)


# --- PIN hashes --------------------------------------------------------------------------------


def _hasher() -> PasswordHasher:
    return PasswordHasher(**_ARGON2)  # argon2id is the default type


def hash_pin(pin: str) -> str:
    """A salted argon2id hash of ``pin``, carrying its own parameters."""
    return _hasher().hash(pin)


def scrypt_hash(pin: str, salt: bytes | None = None) -> str:
    """The hash PINs had before argon2id (kept to test and measure the upgrade path)."""
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_pin_hash(pin: str, stored: str) -> bool:
    if stored.startswith("$argon2"):
        try:
            return _hasher().verify(stored, pin)
        except (VerificationError, InvalidHashError):
            return False
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def needs_rehash(stored: str) -> bool:
    """Whether a stored hash is of an older kind or cost than the one in use now."""
    if not stored.startswith("$argon2"):
        return True
    try:
        return _hasher().check_needs_rehash(stored)
    except InvalidHashError:
        return True


def _dummy_hash() -> str:
    """A hash of nothing anyone can type, at today's cost: what an unknown id is checked against."""
    key = tuple(sorted(_ARGON2.values()))
    if key not in _DUMMY:
        _DUMMY[key] = hash_pin(os.urandom(16).hex())
    return _DUMMY[key]


def get(store: Store, staff_id: str) -> Staff | None:
    row = store.one("SELECT staff_id, name, roles, active FROM staff WHERE staff_id = ?", [staff_id])
    if row is None:
        return None
    return Staff(
        row["staff_id"], row["name"], tuple(filter(None, row["roles"].split(","))), bool(row["active"])
    )


def require(store: Store, staff_id: str | None, permission: str) -> None:
    """Refuse unless ``staff_id`` may do ``permission`` (checked in the domain, not the UI).

    ``staff_id`` is a :class:`Session` from :func:`login`. A bare id is refused
    (``session_required``), except on a store that ``trusts_named_staff`` for the permissions
    outside ``PROVEN_ONLY``.
    """
    member = get(store, staff_id) if staff_id else None
    if member is None:
        raise DomainError("staff_unknown", staff=staff_id or "-")
    if not member.active:
        raise DomainError("staff_disabled", staff=staff_id)
    if not member.may(permission):
        raise DomainError("not_permitted", staff=staff_id, action=permission)
    if not isinstance(staff_id, Session) and (permission in PROVEN_ONLY or not store.trusts_named_staff):
        raise DomainError("session_required", staff=str(staff_id), action=permission)


def _locked_until(row: dict[str, Any], now: datetime) -> datetime | None:
    if not row.get("locked_until"):
        return None
    until = datetime.fromisoformat(row["locked_until"])
    return until if until > now else None


def _locked(staff_id: str, until: datetime, now: datetime) -> DomainError:
    seconds = max(1, math.ceil((until - now).total_seconds()))
    return DomainError("login_locked", staff=staff_id, until=until.strftime("%H:%M:%S"), seconds=seconds)


def lock_seconds(failures: int) -> int:
    """How long a staff id is locked after ``failures`` wrong PINs in a row (0: not locked)."""
    if failures < LOCK_AFTER:
        return 0
    return min(LOCK_FIRST_SECONDS * 2 ** min(failures - LOCK_AFTER, 20), LOCK_MAX_SECONDS)


def _record_failure(store: Store, staff_id: str) -> DomainError:
    """Record a wrong PIN (and the lock it brings); the error to show."""
    with store.transaction():
        row = store.one("SELECT failed_logins FROM staff WHERE staff_id = ?", [staff_id])
        failures = (row["failed_logins"] if row else 0) + 1
        now = store.now()
        store.append("LoginFailed", {"staff_id": staff_id, "failures": failures, "at": now.isoformat()})
        seconds = lock_seconds(failures)
        until = now + timedelta(seconds=seconds)
        if seconds:
            store.append(
                "StaffLockedOut",
                {
                    "staff_id": staff_id,
                    "failures": failures,
                    "seconds": seconds,
                    "until": until.isoformat(),
                    "at": now.isoformat(),
                },
            )
    return _locked(staff_id, until, now) if seconds else DomainError("bad_login")


def login(store: Store, staff_id: str, pin: str) -> Session:
    """Check ``pin`` for ``staff_id``; the :class:`Session` to act with, or ``bad_login``.

    The hash is checked outside the write transaction (it takes a third of a second); what the
    attempt changes (a wrong PIN, the end of a streak, a re-hash) is recorded after.
    """
    row = store.one("SELECT pin_hash, failed_logins, locked_until FROM staff WHERE staff_id = ?", [staff_id])
    now = store.now()
    if row is not None:
        until = _locked_until(row, now)
        if until is not None:  # not even the right PIN, and nothing tried is counted
            raise _locked(staff_id, until, now)
    # an unknown id costs one hash check too: the time taken does not tell which ids exist
    ok = verify_pin_hash(pin, row["pin_hash"] if row else _dummy_hash())
    if row is None:
        raise DomainError("bad_login")
    if not ok:
        raise _record_failure(store, staff_id)
    member = get(store, staff_id)
    assert member is not None
    if not member.active:
        raise DomainError("staff_disabled", staff=staff_id)
    fresh_hash = hash_pin(pin) if needs_rehash(row["pin_hash"]) else None
    if row["failed_logins"] or fresh_hash:
        with store.transaction():
            held = store.one("SELECT pin_hash, failed_logins FROM staff WHERE staff_id = ?", [staff_id])
            at = store.now().isoformat()
            if held and held["failed_logins"]:
                store.append(
                    "LoginSucceeded",
                    {"staff_id": staff_id, "after_failures": held["failed_logins"], "at": at},
                    staff_id=staff_id,
                )
            if held and fresh_hash and held["pin_hash"] == row["pin_hash"]:  # not changed meanwhile
                store.append(
                    "StaffChanged",
                    {"staff_id": staff_id, "pin_hash": fresh_hash, "rehashed": True, "at": at},
                    staff_id=staff_id,
                )
    return Session(member, now, proof=_PROOF)


def lockouts(store: Store) -> list[dict[str, Any]]:
    """Staff with wrong PINs in a row now, or locked before: for the admin (newest first)."""
    now = store.now()
    rows = store.all(
        """SELECT staff_id, name, failed_logins, locked_until, lockouts, last_failed_at FROM staff
           WHERE failed_logins > 0 OR lockouts > 0 ORDER BY last_failed_at DESC, staff_id"""
    )
    for row in rows:
        row["locked"] = _locked_until(row, now) is not None
    return rows


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


def _hash_if_valid(pin: str | None) -> str | None:
    """The new PIN's hash, made before the write transaction (a third of a second); checked inside."""
    if pin is None or not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 12):
        return None
    return hash_pin(pin)


def add(
    store: Store,
    staff_id: str,
    name: str,
    roles: list[str],
    pin: str,
    *,
    by: str | None,
    pin_hash: str | None = None,
) -> Staff:
    """Add a staff member: ``by`` a Session with ``manage_staff``, except for the station's first.

    ``pin_hash``: a hash of ``pin`` made earlier (the demo's one PIN for all its staff).
    """
    new_hash = pin_hash or _hash_if_valid(pin)
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
                "pin_hash": new_hash,
                "at": store.now().isoformat(),
            },
            staff_id=by or staff_id,  # the first member (set-up) is recorded as added by themself
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
    """Disable, enable, change roles or set a new PIN (which supersedes the old hash); ``by`` a Session."""
    new_hash = _hash_if_valid(pin)
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
            payload["pin_hash"] = new_hash  # the projection keeps this one only
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
    new_hash = _hash_if_valid(new_pin)
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
                "pin_hash": new_hash,
                "recovered": True,
                "at": store.now().isoformat(),
            },
            staff_id=staff_id,
        )
        next_code = new_recovery_code(store)
    member = get(store, staff_id)
    assert member is not None
    return member, next_code
