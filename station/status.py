"""The day's live counts: what the header shows and `station status` prints."""

from __future__ import annotations

from datetime import date
from typing import Any

from station import stock
from station.store import Store

_REACHED = {
    "signed_in": "signed_in_at",
    "screened": "screened_at",
    "turned_away": "turned_away_at",
    "cancelled": "cancelled_at",
    "injected": "injected_at",
    "released": "released_at",
}


def latest_day(store: Store) -> date:
    """The newest day with visits (or today): not the default any more, see ``day_status``."""
    day = store.scalar("SELECT max(day) FROM visits")
    return date.fromisoformat(day) if day else store.now().date()


def day_status(store: Store, day: date | None = None) -> dict[str, Any]:
    """The counts of ``day``, by default today by the local clock: never the newest day in the log,
    which one visit stamped years ahead (a laptop with a wrong date) would make the default (#13)."""
    day = day or store.now().date()
    reached = ", ".join(f"count({col}) AS {key}" for key, col in _REACHED.items())
    counts = (
        store.one(
            f"""SELECT count(*) AS bookings, {reached},
                   sum(state = 'booked') AS bookings_left,
                   sum(state = 'signed_in') AS w_prescreen,
                   sum(state = 'screened') AS w_inject,
                   sum(state = 'injected') AS w_observe,
                   sum(state = 'observing') AS observing,
                   sum(state = 'released' AND EXISTS (
                       SELECT 1 FROM aefi a WHERE a.visit_id = visits.visit_id
                       AND a.handling = 'transferred_to_hospital')) AS transferred,
                   sum(conflict) AS conflicts
            FROM visits WHERE day = ?""",
            [day.isoformat()],
        )
        or {}
    )
    counts = {k: v or 0 for k, v in counts.items()}
    return {
        "day": day.isoformat(),
        "bookings": counts["bookings"],
        **{key: counts[key] for key in _REACHED},
        # handed over to hospital ends the observation too: counted apart from those who left
        "released": counts["released"] - counts["transferred"],
        "transferred": counts["transferred"],
        "waiting": {
            "prescreen": counts["w_prescreen"],
            "inject": counts["w_inject"],
            "observe": counts["w_observe"],
        },
        "observing": counts["observing"],
        "bookings_left": counts["bookings_left"],
        "doses_left": stock.doses_left(store, day),
        "conflicts": counts["conflicts"],
    }
