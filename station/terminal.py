"""The terminal's login: commands that act for a staff member prove it with the member's PIN.

There is no terminal shortcut any more (ids starting ``cli:`` were taken for an admin unchecked,
#13): the staff id comes from ``--staff`` / ``--admin`` or a prompt, the PIN from ``--pin`` /
``--admin-pin`` or a hidden prompt (which also reads a pipe), and both are checked like a login at a
desk (lockout included). The result is a :class:`station.staff.Session` to pass to the domain.
"""

from __future__ import annotations

from typing import Any

import click

from station import staff as staffmod

PIN_HELP = "操作人密码（不给则提示输入） / The staff member's PIN (prompted when absent)"


def session(obj: Any, staff_id: str | None, pin: str | None, *, admin: bool = False) -> staffmod.Session:
    """Log ``staff_id`` in on the command's store (``obj`` is the run's Ctx): prompts for what is missing."""
    who = "admin" if admin else "staff"
    staff_id = staff_id or click.prompt(obj.t(f"{who}_id_prompt"))
    pin = pin or click.prompt(obj.t(f"{who}_pin_prompt"), hide_input=True)
    return staffmod.login(obj.store(), staff_id.strip(), pin)
