"""Applies events to the tables. Deterministic: the same events in HLC order give the same tables.

The commands validate before they append, so a local event always applies cleanly. Events from
other laptops may contradict what is here (two injections of one visit while cut off): they are
applied as far as they can be, never dropped, and the visit is flagged ``conflict`` for the admin.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from station import flow
from station.signin import format_queue_no
from station.store import EVENT_COLUMNS, Event

Handler = Callable[[sqlite3.Connection, Event], None]
HANDLERS: dict[str, Handler] = {}


def handles(*types: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for t in types:
            HANDLERS[t] = fn
        return fn

    return register


def apply(conn: sqlite3.Connection, event: Event) -> None:
    handler = HANDLERS.get(event.type)
    if handler is None:
        _conflict(conn, event, "unknown_event_type", {"type": event.type})
        return
    handler(conn, event)


def reproject_visit(conn: sqlite3.Connection, visit_id: str) -> None:
    """Rebuild one visit's rows from its events in HLC order (a late event arrived from sync)."""
    for table in ("screenings", "doses", "observations", "aefi", "conflicts"):
        conn.execute(f"DELETE FROM {table} WHERE visit_id = ?", [visit_id])
    conn.execute("DELETE FROM visits WHERE visit_id = ?", [visit_id])
    rows = conn.execute(
        f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE visit_id = ? ORDER BY hlc", [visit_id]
    ).fetchall()
    for row in rows:
        apply(conn, Event.from_row(row))


# Events that touch rows outside any visit, by the payload field naming those rows.
_KEYED: dict[str, tuple[str, tuple[str, ...], str, str]] = {
    # kind: (payload field, event types, table, key column)
    "staff": (
        "staff_id",
        ("StaffAdded", "StaffChanged", "LoginFailed", "StaffLockedOut", "LoginSucceeded"),
        "staff",
        "staff_id",
    ),
    "lot": (
        "lot_no",
        ("StockReceived", "VialOpened", "VialDiscarded", "DoseWasted", "LotFlagged", "LotDecided"),
        "lots",
        "lot_no",
    ),
    "day": ("day", ("DayClosed",), "days", "day"),
}
# Rows of other tables rebuilt with a kind's rows (same key column).
_ALSO_REBUILT: dict[str, tuple[str, ...]] = {"lot": ("receipts", "vials")}
_KIND_OF = {t: kind for kind, (_, types, _, _) in _KEYED.items() for t in types}


def rows_key(event: Event) -> tuple[str, str] | None:
    """Which rows an event's outcome depends on: ("visit", id), ("staff", id), ("lot", no), ("day", day)."""
    if event.visit_id:
        return ("visit", event.visit_id)
    kind = _KIND_OF.get(event.type)
    if kind is None:
        return None
    value = event.payload.get(_KEYED[kind][0])
    return (kind, value) if value is not None else None


def _keyed_where(kind: str) -> tuple[str, list[Any]]:
    field, types, _, _ = _KEYED[kind]
    marks = ", ".join("?" * len(types))
    return f"visit_id IS NULL AND type IN ({marks}) AND json_extract(payload, '$.{field}') = ?", list(types)


def later_applied(conn: sqlite3.Connection, event: Event, key: tuple[str, str]) -> bool:
    """Whether the log already holds a later (by HLC) event for the same rows: ``event`` is late."""
    kind, value = key
    if kind == "visit":
        sql, params = "visit_id = ?", []
    else:
        sql, params = _keyed_where(kind)
    found = conn.execute(
        f"SELECT 1 FROM events WHERE hlc > ? AND id != ? AND {sql} LIMIT 1",
        [event.hlc, event.id, *params, value],
    ).fetchone()
    return found is not None


def reproject(conn: sqlite3.Connection, key: tuple[str, str]) -> None:
    """Rebuild the rows named by ``key`` (see rows_key) from their events in HLC order."""
    kind, value = key
    if kind == "visit":
        reproject_visit(conn, value)
        return
    _, _, table, column = _KEYED[kind]
    where, params = _keyed_where(kind)
    rows = conn.execute(
        f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE {where} ORDER BY hlc", [*params, value]
    ).fetchall()
    events = [Event.from_row(r) for r in rows]
    ids = [e.id for e in events]
    marks = ", ".join("?" * len(ids))
    conn.execute(f"DELETE FROM conflicts WHERE event_id IN ({marks})", ids)
    conn.execute(f"DELETE FROM {table} WHERE {column} = ?", [value])
    for other in _ALSO_REBUILT.get(kind, ()):
        conn.execute(f"DELETE FROM {other} WHERE {column} = ?", [value])
    for event in events:
        apply(conn, event)
    # Resolutions of the conflicts just recreated.
    resolved = conn.execute(
        f"""SELECT {", ".join(EVENT_COLUMNS)} FROM events WHERE type = 'ConflictResolved'
            AND json_extract(payload, '$.conflict_event_id') IN ({marks}) ORDER BY hlc""",
        ids,
    ).fetchall()
    for row in resolved:
        apply(conn, Event.from_row(row))


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _json(value: Any) -> str:
    # one encoder for every call: json.dumps with these options builds a new one each time
    return _ENCODER.encode(value)


def _conflict(conn: sqlite3.Connection, event: Event, code: str, detail: dict[str, Any]) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO conflicts (event_id, visit_id, code, detail) VALUES (?, ?, ?, ?)",
        [event.id, event.visit_id, code, _json(detail)],
    )
    if event.visit_id:
        conn.execute("UPDATE visits SET conflict = 1 WHERE visit_id = ?", [event.visit_id])


def _visit_state(conn: sqlite3.Connection, visit_id: str | None) -> str | None:
    row = conn.execute("SELECT state FROM visits WHERE visit_id = ?", [visit_id]).fetchone()
    return row[0] if row else None


def _step(conn: sqlite3.Connection, event: Event, stamp_column: str | None, **extra: Any) -> bool:
    """Move the visit along the flow; on an illegal step record a conflict. True when it moved."""
    state = _visit_state(conn, event.visit_id)
    if state is None:
        _conflict(conn, event, "visit_unknown", {"type": event.type})
        return False
    code = flow.refusal(event.type, state)
    if code:
        _conflict(conn, event, code, {"type": event.type, "state": state, "origin": event.origin})
        return False
    sets = {"state": flow.next_state(event.type, state, event.payload), "last_hlc": event.hlc, **extra}
    if stamp_column:
        sets[stamp_column] = event.payload["at"]
    assignments = ", ".join(f"{k} = ?" for k in sets)
    conn.execute(f"UPDATE visits SET {assignments} WHERE visit_id = ?", [*sets.values(), event.visit_id])
    return True


@handles("BookingAdded")
def _booking_added(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    person = p["person"]
    new_person = conn.execute(
        """INSERT INTO people (person_id, id_type, id_number, name, phone, unit, birth_date, sex)
           VALUES (:person_id, :id_type, :id_number, :name, :phone, :unit, :birth_date, :sex)
           ON CONFLICT (person_id) DO NOTHING""",
        {
            k: person.get(k)
            for k in ("person_id", "id_type", "id_number", "name", "phone", "unit", "birth_date", "sex")
        },
    )
    if _visit_state(conn, event.visit_id) is not None:
        _conflict(conn, event, "duplicate_visit_id", {})
        return
    # The person's other live bookings that day, first booked first (by the booking's HLC).
    twins = conn.execute(
        """SELECT v.visit_id, e.id, e.hlc FROM visits v
           JOIN events e ON e.visit_id = v.visit_id AND e.type = 'BookingAdded'
           WHERE v.person_id = ? AND +v.day = ? AND v.state != 'cancelled'
           ORDER BY e.hlc""",
        [person["person_id"], p["day"]],
    ).fetchall()
    conn.execute(
        """INSERT INTO visits (visit_id, person_id, day, slot, booking_no, product, source, state, booked_at, last_hlc)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?)""",
        [
            event.visit_id,
            person["person_id"],
            p["day"],
            p.get("slot"),
            p.get("booking_no"),
            p.get("product"),
            p["source"],
            p["at"],
            event.hlc,
        ],
    )
    if new_person.rowcount != 1:  # a first booking already wrote the person as it gives them
        _refresh_person(conn, person["person_id"])
    earlier = [t for t in twins if t[2] < event.hlc]
    if earlier:
        _conflict(conn, event, "duplicate_booking", {"other_visit": earlier[0][0], "day": p["day"]})
    # A booking made later elsewhere arrived first: the conflict is still the later booking's, and it
    # names the first booking, exactly as when the events are applied in HLC order.
    first = earlier[0][0] if earlier else event.visit_id
    for visit_id, event_id, _ in (t for t in twins if t[2] > event.hlc):
        detail = _json({"other_visit": first, "day": p["day"]})
        conn.execute(
            """INSERT INTO conflicts (event_id, visit_id, code, detail) VALUES (?, ?, 'duplicate_booking', ?)
               ON CONFLICT (event_id) DO UPDATE SET detail = excluded.detail""",
            [event_id, visit_id, detail],
        )
        conn.execute(
            """UPDATE visits SET conflict = 1 WHERE visit_id = ? AND EXISTS
               (SELECT 1 FROM conflicts WHERE visit_id = ? AND resolution IS NULL)""",
            [visit_id, visit_id],
        )


def _refresh_person(conn: sqlite3.Connection, person_id: str) -> None:
    """Name, phone and unit as the person's bookings give them in HLC order (the latest wins)."""
    name = phone = unit = None
    for event_id, visit_id, payload in conn.execute(
        """SELECT e.id, e.visit_id, e.payload FROM visits v
           JOIN events e ON e.visit_id = v.visit_id AND e.type = 'BookingAdded'
           WHERE v.person_id = ? ORDER BY e.hlc""",
        [person_id],
    ).fetchall():
        person = {**json.loads(payload)["person"], **_corrected_fields(conn, visit_id, event_id)}
        name = person.get("name") or name
        phone = person.get("phone") if person.get("phone") is not None else phone
        unit = person.get("unit") if person.get("unit") is not None else unit
    if name is not None:
        conn.execute(
            "UPDATE people SET name = ?, phone = ?, unit = ? WHERE person_id = ?",
            [name, phone, unit, person_id],
        )


@handles("SignedIn")
def _signed_in(conn: sqlite3.Connection, event: Event) -> None:
    queue_no = event.payload["queue_no"]
    prefix = event.payload.get("queue_prefix") or "A"  # signed in before desks had letters: desk A
    if not _step(conn, event, "signed_in_at", queue_no=queue_no, queue_prefix=prefix):
        return
    # Two sign-in laptops cut off from each other can hand out the same number (the same letter set
    # on both): the later sign-in (by HLC, whatever order the events arrived in) is the conflict,
    # so every node agrees. The detail names the number as shown ("A001").
    shown = format_queue_no(prefix, queue_no)
    day = conn.execute("SELECT day FROM visits WHERE visit_id = ?", [event.visit_id]).fetchone()[0]
    twins = conn.execute(
        """SELECT v.visit_id, e.id, e.hlc FROM visits v
           JOIN events e ON e.visit_id = v.visit_id AND e.type = 'SignedIn'
           WHERE v.day = ? AND v.queue_prefix = ? AND v.queue_no = ? AND v.visit_id != ? ORDER BY e.hlc""",
        [day, prefix, queue_no, event.visit_id],
    ).fetchall()
    earlier = [t for t in twins if t[2] < event.hlc]
    if earlier:
        _conflict(conn, event, "duplicate_queue_no", {"other_visit": earlier[0][0], "queue_no": shown})
    first = earlier[0][0] if earlier else event.visit_id
    for visit_id, event_id, _ in (t for t in twins if t[2] > event.hlc):
        conn.execute(
            """INSERT INTO conflicts (event_id, visit_id, code, detail) VALUES (?, ?, 'duplicate_queue_no', ?)
               ON CONFLICT (event_id) DO UPDATE SET detail = excluded.detail""",
            [event_id, visit_id, _json({"other_visit": first, "queue_no": shown})],
        )
        conn.execute("UPDATE visits SET conflict = 1 WHERE visit_id = ?", [visit_id])


@handles("Screened")
def _screened(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    if _visit_state(conn, event.visit_id) is None:
        _conflict(conn, event, "visit_unknown", {"type": event.type})
        return
    conn.execute(
        """INSERT INTO screenings (event_id, visit_id, outcome, temperature, answers, reasons, notes, staff_id, at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            event.id,
            event.visit_id,
            p["outcome"],
            p.get("temperature"),
            _json(p.get("answers", {})),
            _json(p.get("reasons", [])),
            _json(p.get("notes", [])),
            event.staff_id,
            p["at"],
        ],
    )
    person_id = conn.execute("SELECT person_id FROM visits WHERE visit_id = ?", [event.visit_id]).fetchone()[
        0
    ]
    for i, dose in enumerate(p.get("declared_doses", [])):
        conn.execute(
            """INSERT OR IGNORE INTO doses (event_id, visit_id, person_id, product, dose_number, source, day)
               VALUES (?, ?, ?, ?, ?, 'declared', ?)""",
            [f"{event.id}:{i}", event.visit_id, person_id, dose["product"], dose["dose_number"], dose["day"]],
        )
    passed = p["outcome"] == "pass"
    extra = {} if passed else {"turned_away_at": p["at"], "reason": (p.get("reasons") or [None])[0]}
    _step(conn, event, "screened_at", **extra)


@handles("BookingCancelled")
def _cancelled(conn: sqlite3.Connection, event: Event) -> None:
    _step(conn, event, "cancelled_at", reason=event.payload.get("reason"))


@handles("Injected")
def _injected(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    row = conn.execute("SELECT person_id FROM visits WHERE visit_id = ?", [event.visit_id]).fetchone()
    if row is None:
        _conflict(conn, event, "visit_unknown", {"type": event.type})
        return
    # A dose that was given is recorded even when it contradicts the visit's state: it happened.
    conn.execute(
        """INSERT INTO doses (event_id, visit_id, person_id, product, lot_no, dose_number, desk, vaccinator,
                              body_site, source, day, at, vial_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'here', ?, ?, ?)""",
        [
            event.id,
            event.visit_id,
            row[0],
            p["product"],
            p["lot_no"],
            p["dose_number"],
            p.get("desk"),
            event.staff_id,
            p.get("body_site"),
            p["at"][:10],
            p["at"],
            p.get("vial_id"),
        ],
    )
    _step(conn, event, "injected_at")


def _plus_minutes(at: str, minutes: int) -> str:
    return (datetime.fromisoformat(at) + timedelta(minutes=minutes)).isoformat()


@handles("ObservationStarted")
def _observation_started(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    if _step(conn, event, "observing_at"):
        conn.execute(
            "INSERT INTO observations (visit_id, seat, minutes, started_at, until) VALUES (?, ?, ?, ?, ?)",
            [event.visit_id, p.get("seat"), p["minutes"], p["at"], _plus_minutes(p["at"], p["minutes"])],
        )
        if conn.execute("SELECT 1 FROM aefi WHERE visit_id = ? LIMIT 1", [event.visit_id]).fetchone():
            _extend_observation(conn, event.visit_id)  # a reaction reported before seating still counts


@handles("AdverseEventReported")
def _aefi(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    state = _visit_state(conn, event.visit_id)
    if state is None:
        _conflict(conn, event, "visit_unknown", {"type": event.type})
        return
    conn.execute(
        """INSERT INTO aefi (aefi_id, visit_id, category, severity, serious, onset_at, handling, extend_minutes,
                             notes, staff_id, at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            p["aefi_id"],
            event.visit_id,
            p["category"],
            p["severity"],
            int(bool(p.get("serious"))),
            p.get("onset_at"),
            p["handling"],
            int(p.get("extend_minutes") or 0),
            p.get("notes", ""),
            event.staff_id,
            p["at"],
        ],
    )
    code = flow.refusal(event.type, state)
    if code:
        _conflict(conn, event, code, {"type": event.type, "state": state})
    elif state == flow.RELEASED and p.get("seen_state") not in (None, flow.RELEASED):
        # Recorded on a laptop that still had the person in observation, while another released them.
        _conflict(conn, event, "reaction_after_release", {"type": event.type, "state": state})
    if int(p.get("extend_minutes") or 0) and state == flow.OBSERVING:
        _extend_observation(conn, event.visit_id)


def _extend_observation(conn: sqlite3.Connection, visit_id: str) -> None:
    """Each reaction's extension is added to the end of the observation as it stood when the
    reaction was reported (or to the report's time, when that end had already passed): "extend by
    30 minutes" two minutes after seating means 30 minutes more than planned. Recomputed from the
    start and every reaction in the order they were reported, compared as times, not text, so
    laptops writing different UTC offsets still agree."""
    row = conn.execute(
        "SELECT started_at, minutes FROM observations WHERE visit_id = ?", [visit_id]
    ).fetchone()
    if row is None:
        return
    until = datetime.fromisoformat(_plus_minutes(row[0], row[1]))
    reactions = [
        (datetime.fromisoformat(at), int(extend))
        for at, extend in conn.execute(
            "SELECT at, extend_minutes FROM aefi WHERE visit_id = ? AND extend_minutes > 0", [visit_id]
        )
    ]
    for at, extend in sorted(reactions, key=lambda r: r[0]):
        until = max(until, at) + timedelta(minutes=extend)
    conn.execute("UPDATE observations SET until = ? WHERE visit_id = ?", [until.isoformat(), visit_id])


@handles("Released")
def _released(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    if _step(conn, event, "released_at"):
        conn.execute(
            "UPDATE observations SET released_at = ?, released_by = ?, override_reason = ? WHERE visit_id = ?",
            [p["at"], event.staff_id, p.get("override_reason"), event.visit_id],
        )
        seen = p.get("reactions_seen")  # None: recorded before laptops said what they knew
        held = conn.execute("SELECT count(*) FROM aefi WHERE visit_id = ?", [event.visit_id]).fetchone()[0]
        if seen is not None and held > seen:
            # A reaction reported on another laptop that the releasing laptop had not heard of.
            _conflict(conn, event, "released_during_reaction", {"type": event.type, "reactions": held - seen})


@handles("StockReceived")
def _stock_received(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    doses = p["vials"] * p["doses_per_vial"]
    carton = p.get("carton_code")
    # A carton is received once: a second receipt of it (by HLC, so every laptop agrees, e.g. two
    # laptops cut off from each other) is kept as a conflict for the admin and not counted.
    first = (
        carton
        and conn.execute(
            "SELECT event_id FROM receipts WHERE carton_code = ? AND duplicate = 0 AND hlc < ? LIMIT 1",
            [carton, event.hlc],
        ).fetchone()
    )
    conn.execute(
        """INSERT INTO receipts (event_id, lot_no, hlc, carton_code, delivery_note, vials, doses, fridge,
                                 staff_id, at, duplicate)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            event.id,
            p["lot_no"],
            event.hlc,
            carton,
            p.get("delivery_note"),
            p["vials"],
            doses,
            p.get("fridge"),
            event.staff_id,
            p["at"],
            1 if first else 0,
        ],
    )
    if first:
        _conflict(conn, event, "carton_already_received", {"carton": carton, "lot": p["lot_no"]})
        return
    conn.execute(
        """INSERT INTO lots (lot_no, product, expiry, doses_per_vial, vials_received, doses_received, doses_used,
                             manufacturer, fridge)
           VALUES (?, ?, ?, ?, ?, ?,
                   (SELECT count(*) FROM doses d WHERE d.lot_no = ? AND d.source = 'here'), ?, ?)
           ON CONFLICT (lot_no) DO UPDATE SET vials_received = vials_received + excluded.vials_received,
               doses_received = doses_received + excluded.doses_received,
               manufacturer = coalesce(manufacturer, excluded.manufacturer),
               fridge = coalesce(fridge, excluded.fridge)""",
        # doses_used counts doses already recorded against the lot (a delivery that arrives by sync
        # after the injections); from then on the triggers on doses keep it
        [
            p["lot_no"],
            p["product"],
            p["expiry"],
            p["doses_per_vial"],
            p["vials"],
            doses,
            p["lot_no"],
            p.get("manufacturer"),
            p.get("fridge"),
        ],
    )


@handles("VialOpened")
def _vial_opened(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    conn.execute("UPDATE lots SET vials_opened = vials_opened + 1 WHERE lot_no = ?", [p["lot_no"]])
    if not p.get("vial_id"):
        return
    # doses_used counts doses recorded against the vial already (its lot rebuilt after a late
    # event); from then on the triggers on doses keep it
    conn.execute(
        """INSERT INTO vials (vial_id, lot_no, product, desk, doses, opened_at, expires_at, opened_by,
                              scanned_code, doses_used)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT count(*) FROM doses WHERE vial_id = ?))
           ON CONFLICT (vial_id) DO NOTHING""",
        [
            p["vial_id"],
            p["lot_no"],
            p["product"],
            p["desk"],
            p["doses"],
            p["at"],
            p["expires_at"],
            event.staff_id,
            p.get("scanned_code"),
            p["vial_id"],
        ],
    )


@handles("VialDiscarded")
def _vial_discarded(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    conn.execute(
        """UPDATE vials SET discarded_at = ?, discard_reason = ?, doses_wasted = doses_wasted + ?
           WHERE vial_id = ? AND discarded_at IS NULL""",
        [p["at"], p["reason"], p["doses"], p["vial_id"]],
    )
    conn.execute(
        "UPDATE lots SET doses_wasted = doses_wasted + ? WHERE lot_no = ?", [p["doses"], p["lot_no"]]
    )


@handles("DoseWasted")
def _dose_wasted(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    conn.execute(
        "UPDATE lots SET doses_wasted = doses_wasted + ? WHERE lot_no = ?", [p["doses"], p["lot_no"]]
    )


@handles("LotFlagged")
def _lot_flagged(conn: sqlite3.Connection, event: Event) -> None:
    # held for the admin's decision; a lot already quarantined stays so
    conn.execute(
        "UPDATE lots SET status = 'hold', status_reason = ? WHERE lot_no = ? AND status != 'quarantined'",
        [event.payload["reason"], event.payload["lot_no"]],
    )


@handles("LotDecided")
def _lot_decided(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    status = "quarantined" if p["decision"] == "quarantine" else "ok"
    conn.execute(
        "UPDATE lots SET status = ?, status_reason = ? WHERE lot_no = ?", [status, p["reason"], p["lot_no"]]
    )


@handles("ColdReadingsRecorded")
def _cold_readings(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    conn.executemany(
        """INSERT OR IGNORE INTO cold_readings (reading_id, fridge, at, celsius, outside, source, staff_id)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [
            (
                f"{event.id}:{i}",
                p["fridge"],
                r["at"],
                r["celsius"],
                int(bool(r["outside"])),
                p["source"],
                event.staff_id,
            )
            for i, r in enumerate(p["readings"])
        ],
    )


@handles("StockCounted")
def _stock_counted(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    conn.execute(
        """INSERT OR IGNORE INTO stock_counts (event_id, day, lot_no, expected_doses, counted_vials,
                                               counted_doses, difference, reason, staff_id, at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            event.id,
            p["day"],
            p["lot_no"],
            p["expected_doses"],
            p["counted_vials"],
            p["counted_doses"],
            p["difference"],
            p.get("reason"),
            event.staff_id,
            p["at"],
        ],
    )


@handles("StaffAdded")
def _staff_added(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    held = conn.execute("SELECT 1 FROM staff WHERE staff_id = ?", [p["staff_id"]]).fetchone()
    if held:
        _conflict(conn, event, "duplicate_staff", {"staff_id": p["staff_id"]})
        return
    conn.execute(
        "INSERT INTO staff (staff_id, name, roles, pin_hash, active, added_at) VALUES (?, ?, ?, ?, 1, ?)",
        [p["staff_id"], p["name"], ",".join(p["roles"]), p["pin_hash"], p["at"]],
    )


@handles("StaffChanged")
def _staff_changed(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    sets: dict[str, Any] = {}
    if "active" in p:
        sets["active"] = int(bool(p["active"]))
    if "roles" in p:
        sets["roles"] = ",".join(p["roles"])
    if "pin_hash" in p:
        # a new PIN supersedes the old hash and ends a lockout (the admin's way to unlock)
        sets.update(pin_hash=p["pin_hash"], failed_logins=0, locked_until=None)
    if sets:
        assignments = ", ".join(f"{k} = ?" for k in sets)
        conn.execute(f"UPDATE staff SET {assignments} WHERE staff_id = ?", [*sets.values(), p["staff_id"]])


@handles("LoginFailed")
def _login_failed(conn: sqlite3.Connection, event: Event) -> None:
    conn.execute(
        "UPDATE staff SET failed_logins = failed_logins + 1, last_failed_at = ? WHERE staff_id = ?",
        [event.payload["at"], event.payload["staff_id"]],
    )


@handles("StaffLockedOut")
def _staff_locked_out(conn: sqlite3.Connection, event: Event) -> None:
    conn.execute(
        "UPDATE staff SET locked_until = ?, lockouts = lockouts + 1 WHERE staff_id = ?",
        [event.payload["until"], event.payload["staff_id"]],
    )


@handles("LoginSucceeded")
def _login_succeeded(conn: sqlite3.Connection, event: Event) -> None:
    conn.execute(
        "UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE staff_id = ?",
        [event.payload["staff_id"]],
    )


@handles("DayClosed")
def _day_closed(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    conn.execute(
        "INSERT OR REPLACE INTO days (day, closed_at, closed_by) VALUES (?, ?, ?)",
        [p["day"], p["at"], event.staff_id],
    )


@handles("ConflictResolved")
def _conflict_resolved(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    conn.execute(
        "UPDATE conflicts SET resolved_by = ?, resolution = ? WHERE event_id = ?",
        [event.staff_id, p["resolution"], p["conflict_event_id"]],
    )
    if event.visit_id:
        open_left = conn.execute(
            "SELECT 1 FROM conflicts WHERE visit_id = ? AND resolution IS NULL", [event.visit_id]
        ).fetchone()
        if not open_left:
            conn.execute("UPDATE visits SET conflict = 0 WHERE visit_id = ?", [event.visit_id])


@handles("Called", "CallMissed")
def _called(conn: sqlite3.Connection, event: Event) -> None:
    # A call that crossed with the injection on another laptop is stale, not a contradiction:
    # it stays in the log and changes nothing.
    if _visit_state(conn, event.visit_id) != flow.SCREENED:
        return
    if event.type == "Called":
        conn.execute(
            "UPDATE visits SET called_desk = ?, called_at = ?, last_hlc = ? WHERE visit_id = ?",
            [event.payload["desk"], event.payload["at"], event.hlc, event.visit_id],
        )
    else:
        conn.execute(
            "UPDATE visits SET called_desk = NULL, called_at = NULL, missed = missed + 1, last_hlc = ? "
            "WHERE visit_id = ?",
            [event.hlc, event.visit_id],
        )


@handles("UnitsImported")
def _units_imported(conn: sqlite3.Connection, event: Event) -> None:
    # A unit's headcount is its latest import's by HLC: an older import arriving late changes nothing.
    p = event.payload
    conn.executemany(
        """INSERT INTO units (unit, headcount, hlc, event_id, at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (unit) DO UPDATE SET headcount = excluded.headcount, hlc = excluded.hlc,
               event_id = excluded.event_id, at = excluded.at
           WHERE excluded.hlc > units.hlc""",
        [(u["unit"], int(u["headcount"]), event.hlc, event.id, p["at"]) for u in p["units"]],
    )


@handles("CallOutcomeRecorded")
def _call_outcome(conn: sqlite3.Connection, event: Event) -> None:
    # Every outcome is kept; the reminder list shows a person's latest by HLC.
    p = event.payload
    conn.execute(
        """INSERT OR IGNORE INTO call_outcomes (outcome_id, person_id, dose_number, outcome, called_at, note,
                                                hlc, staff_id, at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            event.id,
            p["person_id"],
            p.get("dose_number"),
            p["outcome"],
            p.get("called_at"),
            p.get("note"),
            event.hlc,
            event.staff_id,
            p["at"],
        ],
    )


# --- corrections (#13, station/corrections.py) ------------------------------------------------------
# A RecordCorrected / RecordVoided carries its target's visit id, so it is re-projected with the
# visit's events in HLC order; one that arrives before its target changes nothing until the target
# arrives (the target is then late, and the visit is re-projected with both).


def _corrected_fields(conn: sqlite3.Connection, visit_id: str | None, target_id: str) -> dict[str, Any]:
    """The fields of ``target_id`` as its corrections in the log give them (the latest by HLC wins)."""
    fields: dict[str, Any] = {}
    for (payload,) in conn.execute(
        "SELECT payload FROM events WHERE visit_id IS ? AND type = 'RecordCorrected' "
        "AND json_extract(payload, '$.target') = ? ORDER BY hlc",
        [visit_id, target_id],
    ):
        fields.update(json.loads(payload)["fields"])
    return fields


def _target(conn: sqlite3.Connection, event: Event) -> Event | None:
    row = conn.execute(
        f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE id = ?", [event.payload["target"]]
    ).fetchone()
    if row is None:
        return None
    target = Event.from_row(row)
    return target if target.hlc < event.hlc else None  # a correction is always of an earlier record


@handles("RecordCorrected")
def _record_corrected(conn: sqlite3.Connection, event: Event) -> None:
    target = _target(conn, event)
    if target is None or _visit_state(conn, target.visit_id) is None:
        return
    fields = event.payload["fields"]
    if target.type == "BookingAdded":
        _refresh_person(conn, target.payload["person"]["person_id"])
    elif target.type == "Screened" and "temperature" in fields:
        conn.execute(
            "UPDATE screenings SET temperature = ? WHERE event_id = ?", [fields["temperature"], target.id]
        )
    elif target.type == "Injected":
        cur = conn.execute("SELECT * FROM doses WHERE event_id = ?", [target.id])
        row = cur.fetchone()
        if row is None:
            return
        dose = dict(zip([d[0] for d in cur.description], row, strict=True))
        if "lot_no" in fields and fields["lot_no"] != dose["lot_no"]:
            dose["vial_id"] = None  # the dose did not come from the old lot's vial
        dose.update({k: fields[k] for k in ("body_site", "lot_no", "dose_number") if k in fields})
        # deleted and inserted again, so the triggers move the dose between lots and vials
        conn.execute("DELETE FROM doses WHERE event_id = ?", [target.id])
        conn.execute(
            f"INSERT INTO doses ({', '.join(dose)}) VALUES ({', '.join('?' * len(dose))})",
            list(dose.values()),
        )
    elif target.type == "AdverseEventReported":
        sets = {k: fields[k] for k in ("notes", "handling") if k in fields}
        if "handling" in sets and sets["handling"] == "transferred_to_hospital":
            sets["serious"] = 1
        if sets:
            assignments = ", ".join(f"{k} = ?" for k in sets)
            conn.execute(
                f"UPDATE aefi SET {assignments} WHERE aefi_id = ?",
                [*sets.values(), target.payload["aefi_id"]],
            )


_VOID_STATES = {
    "BookingAdded": (flow.BOOKED, flow.SIGNED_IN),
    "SignedIn": (flow.SIGNED_IN,),
    "Screened": (flow.SCREENED, flow.TURNED_AWAY),
    "Injected": (flow.INJECTED, flow.OBSERVING),
    "AdverseEventReported": flow.STATES,
}


@handles("RecordVoided")
def _record_voided(conn: sqlite3.Connection, event: Event) -> None:
    target = _target(conn, event)
    if target is None:
        return
    visit_id = target.visit_id
    state = _visit_state(conn, visit_id)
    if state is None:
        return
    if state not in _VOID_STATES.get(target.type, ()) or (
        target.type == "Injected"
        and conn.execute("SELECT 1 FROM aefi WHERE visit_id = ? LIMIT 1", [visit_id]).fetchone()
    ):
        # Another laptop moved the person on before this void arrived: kept for the admin.
        _conflict(conn, event, "void_too_late", {"type": target.type, "state": state})
        return
    if target.type == "BookingAdded":
        person_id = conn.execute("SELECT person_id FROM visits WHERE visit_id = ?", [visit_id]).fetchone()[0]
        for table in ("screenings", "doses", "observations", "aefi", "conflicts"):
            conn.execute(f"DELETE FROM {table} WHERE visit_id = ?", [visit_id])
        conn.execute("DELETE FROM visits WHERE visit_id = ?", [visit_id])
        others = conn.execute(
            "SELECT 1 FROM visits WHERE person_id = ? UNION ALL SELECT 1 FROM doses WHERE person_id = ? LIMIT 1",
            [person_id, person_id],
        ).fetchone()
        if others:
            _refresh_person(conn, person_id)
        else:
            conn.execute("DELETE FROM people WHERE person_id = ?", [person_id])
        return
    back: dict[str, Any] = {"last_hlc": event.hlc}
    if target.type == "SignedIn":
        back.update(state=flow.BOOKED, queue_no=None, queue_prefix=None, signed_in_at=None)
    elif target.type == "Screened":
        conn.execute("DELETE FROM screenings WHERE event_id = ?", [target.id])
        conn.execute(
            "DELETE FROM doses WHERE visit_id = ? AND source = 'declared' AND event_id LIKE ?",
            [visit_id, f"{target.id}:%"],
        )
        back.update(
            state=flow.SIGNED_IN,
            screened_at=None,
            turned_away_at=None,
            reason=None,
            called_desk=None,
            called_at=None,
        )
    elif target.type == "Injected":
        conn.execute("DELETE FROM doses WHERE event_id = ?", [target.id])  # the triggers give it back
        conn.execute("DELETE FROM observations WHERE visit_id = ?", [visit_id])
        back.update(
            state=flow.SCREENED, injected_at=None, observing_at=None, called_desk=None, called_at=None
        )
    elif target.type == "AdverseEventReported":
        conn.execute("DELETE FROM aefi WHERE aefi_id = ?", [target.payload["aefi_id"]])
        row = conn.execute(
            "SELECT started_at, minutes FROM observations WHERE visit_id = ?", [visit_id]
        ).fetchone()
        if row is not None:
            conn.execute(
                "UPDATE observations SET until = ? WHERE visit_id = ?",
                [_plus_minutes(row[0], row[1]), visit_id],
            )
            _extend_observation(conn, visit_id)
        return
    assignments = ", ".join(f"{k} = ?" for k in back)
    conn.execute(f"UPDATE visits SET {assignments} WHERE visit_id = ?", [*back.values(), visit_id])


@handles("ChecklistItemTicked", "ChecklistItemUnticked")
def _checklist(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    if event.type == "ChecklistItemUnticked":
        conn.execute("DELETE FROM checklist WHERE day = ? AND item = ?", [p["day"], p["item"]])
        return
    conn.execute(
        """INSERT OR REPLACE INTO checklist (day, item, staff_id, at, note, event_id)
           VALUES (?, ?, ?, ?, ?, ?)""",
        [p["day"], p["item"], event.staff_id, p["at"], p.get("note") or "", event.id],
    )
