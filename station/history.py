"""A person's dose history as the rules see it: doses given here and doses declared at pre-screen."""

from __future__ import annotations

from datetime import date

from station.rules import PastDose
from station.store import Store


def past_doses(store: Store, person_id: str) -> list[PastDose]:
    rows = store.conn.execute(
        "SELECT product, dose_number, day FROM doses WHERE person_id = ? ORDER BY day", [person_id]
    ).fetchall()
    return [PastDose(product, number, date.fromisoformat(day)) for product, number, day in rows]
