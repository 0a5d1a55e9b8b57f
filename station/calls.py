"""What the calling screen (叫号屏) shows and says, read from the store (no Qt).

A call is a ``Called`` event (station/inject.py ``call_next`` and ``recall``): every one is a call
announced, so a recall is a new call of the same number. Calls from other laptops arrive in the same
table by sync. The screen also shows who comes next at each step (pre-screen, injection: the order
the desks take them in) and who may leave observation.

The spoken words: queue numbers are read digit by digit, as Chinese clinics and banks call them
("A023" -> "A零二三号": a speech engine given "A023" says "A 零 二十三"), the desk number as a
number ("3号接种台").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from station import inject, observe, signin
from station.store import Store

_DIGITS_ZH = "零一二三四五六七八九"


@dataclass(frozen=True)
class Call:
    """One call as the screen shows it."""

    event_id: str
    visit_id: str
    number: str  # "A023"
    desk: str  # "3"
    at: str  # ISO time of the call
    waiting: bool  # the person is still called to this desk (not injected, not marked absent since)


def calls(store: Store, day: date, limit: int = 6) -> list[Call]:
    """The day's calls, newest first (by the log's clock, so calls from every laptop interleave)."""
    rows = store.all(
        """SELECT e.id, e.visit_id, e.payload, v.queue_prefix, v.queue_no, v.state, v.called_desk
           FROM events e JOIN visits v ON v.visit_id = e.visit_id
           WHERE e.type = 'Called' AND v.day = ? ORDER BY e.hlc DESC, e.pos DESC LIMIT ?""",
        [day.isoformat(), int(limit)],
    )
    out = []
    for r in rows:
        payload: dict[str, Any] = json.loads(r["payload"])
        desk = str(payload.get("desk") or "")
        out.append(
            Call(
                event_id=r["id"],
                visit_id=r["visit_id"],
                number=signin.format_queue_no(r["queue_prefix"], r["queue_no"]),
                desk=desk,
                at=str(payload.get("at") or ""),
                waiting=r["state"] == "screened" and r["called_desk"] == desk,
            )
        )
    return out


def next_numbers(store: Store, day: date, limit: int = 5) -> dict[str, list[str]]:
    """The next queue numbers of each step, in the order the desks take them: ``prescreen`` (signed
    in, sign-in order) and ``inject`` (screened, ``inject.queue``'s order, leaving out whoever is
    called to a desk now: they are on the screen as a call)."""
    pre = store.all(
        f"""SELECT v.queue_prefix, v.queue_no FROM visits v
            WHERE v.day = ? AND v.state = 'signed_in' ORDER BY {signin.QUEUE_ORDER} LIMIT ?""",
        [day.isoformat(), int(limit)],
    )
    waiting = [v for v in inject.queue(store, day) if not v["called_desk"]]
    return {
        "prescreen": [signin.queue_label(r) for r in pre],
        "inject": [signin.queue_label(v) for v in waiting[:limit]],
    }


def may_leave(store: Store, now: datetime) -> list[str]:
    """Queue numbers of the people whose observation time is over (the board's green tiles)."""
    rows = signin.add_queue_prefix(store, observe.observing(store, now.date().isoformat()))
    return [signin.queue_label(r) for r in rows if observe.minutes_left(r, now) == 0]


def spoken_number(number: str) -> str:
    """A queue number as called aloud in Chinese: "A023" -> "A零二三" (digit by digit)."""
    return "".join(_DIGITS_ZH[int(c)] if c.isdigit() else c for c in number)


def spoken_call(number: str, desk: str, lang: str = "zh") -> str:
    """What the voice says for a call to an injection desk."""
    if lang.startswith("en"):
        digits = " ".join(number)  # "A 0 2 3": one by one, as in Chinese
        return f"Number {digits}, please go to injection desk {desk}."
    return f"请{spoken_number(number)}号到{desk}号接种台"
