"""Step 1, sign-in: find the booking (or register a walk-in) and hand out the next queue number.

A queue number is the sign-in desk's letter and the desk's next number for the day (A001, B001),
so two sign-in laptops cut off from each other never hand out the same one (each laptop has its
own letter, the ``queue_prefix`` setting). ``format_queue_no`` is the one way a number is shown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from station import bookings, flow
from station import staff as staffmod
from station.errors import DomainError
from station.identity import age_on, normalize_id
from station.rules import Rules
from station.settings import HEALTH_CODE_RULES
from station.store import Store

# Why a person was signed in without a green health code seen, as picked at the desk (the window
# shows each in the staff's language); anything else is recorded as typed.
NO_CODE_REASONS = ("no_smartphone", "app_unavailable", "paper_proof")
REASON_MAX_CHARS = 200


@dataclass(frozen=True)
class Found:
    person: dict[str, Any]
    visit: dict[str, Any] | None  # today's live visit, None when the person has no booking today


def find(store: Store, id_number: str, day: date, id_type: str = "resident_id") -> Found | None:
    """Who is this ID number, and are they booked for ``day``? None when the person is unknown."""
    number = normalize_id(id_number) if id_type == "resident_id" else id_number.strip().upper()
    person = bookings.find_person(store, number, id_type)
    if person is None:
        return None
    return Found(person, bookings.visit_on(store, person["person_id"], day))


DEFAULT_PREFIX = "A"  # a desk without a letter of its own, and every number given before letters
_QUEUE_REF = re.compile(r"([A-Za-z]?)(\d{1,6})")


# Queue order (pre-screen, injection) is sign-in order, for ``visits v``: with two sign-in desks
# the bare numbers would put every B behind the A of the same number. The sign-in time decides,
# then the sign-in event's HLC (the log's order, for sign-ins in the same instant), then the number.
QUEUE_ORDER = """v.signed_in_at,
    (SELECT min(e.hlc) FROM events e WHERE e.visit_id = v.visit_id AND e.type = 'SignedIn'),
    v.queue_prefix, v.queue_no"""


def normalize_prefix(prefix: str | None) -> str:
    """A sign-in desk's letter, upper case; ValueError for anything but one letter A-Z."""
    letter = (prefix or DEFAULT_PREFIX).strip().upper()
    if len(letter) != 1 or not "A" <= letter <= "Z":
        raise ValueError(f"queue prefix must be one letter A-Z, not {prefix!r}")
    return letter


def format_queue_no(prefix: str | None, queue_no: int | None) -> str:
    """The queue number as shown and called: "A001" (three digits at least); "" when none yet."""
    if queue_no is None:
        return ""
    return f"{prefix or DEFAULT_PREFIX}{int(queue_no):03d}"


def queue_label(visit: Mapping[str, Any]) -> str:
    """A visit row's queue number as shown (see ``format_queue_no``)."""
    return format_queue_no(visit.get("queue_prefix"), visit.get("queue_no"))


def parse_queue_no(text: str) -> tuple[str, int] | None:
    """What staff type or call: "A023", "a23" -> ("A", 23); plain digits "23" mean desk A.
    None when ``text`` is not a queue number."""
    text = (text or "").strip()
    m = _QUEUE_REF.fullmatch(text)
    if m is None or not text.isascii():
        return None
    return (m.group(1).upper() or DEFAULT_PREFIX, int(m.group(2)))


def find_by_queue_no(store: Store, day: date | str, text: str) -> dict[str, Any] | None:
    """The visit of ``day`` holding the queue number in ``text`` (see ``parse_queue_no``)."""
    ref = parse_queue_no(text)
    if ref is None:
        return None
    day = day if isinstance(day, str) else day.isoformat()
    return store.one(
        """SELECT * FROM visits WHERE day = ? AND queue_prefix = ? AND queue_no = ?
           ORDER BY signed_in_at, visit_id LIMIT 1""",
        [day, *ref],
    )


def add_queue_prefix(store: Store, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fill in ``queue_prefix`` (by ``visit_id``) on rows read without it, so ``queue_label`` shows
    them right; returns ``rows``."""
    ids = list(dict.fromkeys(r["visit_id"] for r in rows if "queue_prefix" not in r and r.get("visit_id")))
    prefixes: dict[str, str | None] = {}
    for start in range(0, len(ids), 500):  # well under SQLite's limit on bound parameters
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        sql = f"SELECT visit_id, queue_prefix FROM visits WHERE visit_id IN ({marks})"
        prefixes.update((r["visit_id"], r["queue_prefix"]) for r in store.all(sql, chunk))
    for r in rows:
        if "queue_prefix" not in r:
            r["queue_prefix"] = prefixes.get(r.get("visit_id") or "")
    return rows


def _health_fields(rule: str, health_code: str | None, reason: str | None) -> dict[str, Any]:
    """What the SignedIn event records of the health-code check under the site's ``rule``.

    ``health_code``: "green" when a green code was seen (the camera tells the colour), else None.
    With ``green_required``, signing in without one needs the ``reason`` (DomainError
    ``health_code_required``); with ``not_checked`` a green code seen is still recorded."""
    if rule not in HEALTH_CODE_RULES:
        raise ValueError(f"health-code rule must be one of {HEALTH_CODE_RULES}, not {rule!r}")
    if health_code not in (None, "green"):
        raise ValueError(f"only a green health code signs in, not {health_code!r}")
    reason = " ".join((reason or "").split())[:REASON_MAX_CHARS] or None
    if health_code == "green":
        return {"health_code": "green"}
    if rule == "green_required":
        if reason is None:
            raise DomainError("health_code_required")
        return {"health_code": "not_seen", "health_code_reason": reason}
    return {"health_code_reason": reason} if reason else {}


def health_check(store: Store, visit_id: str) -> dict[str, Any]:
    """The health-code check recorded at the visit's sign-in: ``health_code`` ("green", "not_seen",
    or None when the site did not check) and the ``reason`` for signing in without one."""
    row = store.one(
        """SELECT json_extract(payload, '$.health_code') AS code,
                  json_extract(payload, '$.health_code_reason') AS reason
           FROM events WHERE visit_id = ? AND type = 'SignedIn' ORDER BY hlc LIMIT 1""",
        [visit_id],
    )
    return {"health_code": row["code"] if row else None, "reason": row["reason"] if row else None}


def age_warning(rules: Rules, birth_date: date | str | None, day: date) -> DomainError | None:
    """A warning (not a refusal) when no product in the rules fits the person's age on ``day``:
    ``age_no_product_young`` below every product's minimum, else ``age_no_product``. None when one
    fits, or when the birth date is not known (a document other than the resident ID)."""
    if not birth_date:
        return None
    born = date.fromisoformat(birth_date) if isinstance(birth_date, str) else birth_date
    if born > day:
        return None  # the ID number's own check says what is wrong with it
    age = age_on(born, day)
    products = list(rules.products.values())
    if not products or any(p.age_min <= age and (p.age_max is None or age <= p.age_max) for p in products):
        return None
    youngest = min(p.age_min for p in products)
    if age < youngest:
        return DomainError("age_no_product_young", age=age, min_age=youngest)
    return DomainError("age_no_product", age=age)


def _next_queue_no(store: Store, day: str, prefix: str = DEFAULT_PREFIX) -> int:
    return store.scalar(
        "SELECT coalesce(max(queue_no), 0) + 1 FROM visits WHERE day = ? AND queue_prefix = ?", [day, prefix]
    )


def sign_in(
    store: Store,
    visit_id: str,
    *,
    staff_id: str,
    desk: str | None = None,
    method: str = "typed",
    prefix: str = DEFAULT_PREFIX,
    health_code_rule: str = "not_checked",
    health_code: str | None = None,
    health_code_reason: str | None = None,
) -> dict[str, Any]:
    """Sign a booked visit in and give it the next queue number of this desk's letter ``prefix``.

    ``health_code_rule`` is the site's (settings): with ``green_required`` a green ``health_code``
    seen or the ``health_code_reason`` for signing in without one is needed, and recorded."""
    prefix = normalize_prefix(prefix)
    health = _health_fields(health_code_rule, health_code, health_code_reason)
    with store.transaction():
        staffmod.require(store, staff_id, "sign_in")
        visit = bookings.visit(store, visit_id)
        flow.check_step("SignedIn", visit["state"], visit_id)
        today = store.now().date().isoformat()
        if visit["day"] != today:
            raise DomainError("booking_other_day", day=visit["day"], today=today)
        store.append(
            "SignedIn",
            {
                "queue_no": _next_queue_no(store, visit["day"], prefix),
                "queue_prefix": prefix,
                "desk": desk,
                "method": method,
                **health,
                "at": store.now().isoformat(),
            },
            visit_id=visit_id,
            staff_id=staff_id,
        )
        return bookings.visit(store, visit_id)


def walk_in(
    store: Store,
    person: dict[str, Any],
    *,
    staff_id: str,
    desk: str | None = None,
    method: str = "typed",
    product: str | None = None,
    prefix: str = DEFAULT_PREFIX,
    health_code_rule: str = "not_checked",
    health_code: str | None = None,
    health_code_reason: str | None = None,
) -> dict[str, Any]:
    """Sign in a person without a booking: the booking is created and signed in as one step (the
    health-code rule as in ``sign_in``: refused before anything is booked)."""
    prefix = normalize_prefix(prefix)
    _health_fields(health_code_rule, health_code, health_code_reason)
    with store.transaction():
        staffmod.require(store, staff_id, "sign_in")
        day = store.now().date()
        visit_id = bookings.add_booking(
            store, person, day, None, staff_id=staff_id, source="walk_in", product=product
        )
        return sign_in(
            store,
            visit_id,
            staff_id=staff_id,
            desk=desk,
            method=method,
            prefix=prefix,
            health_code_rule=health_code_rule,
            health_code=health_code,
            health_code_reason=health_code_reason,
        )
