"""`station call-screen`: the calling screen (叫号屏) on its own, for a TV in the waiting hall.

The window is ``ui.callscreen.CallScreen``. This module loads no Qt until the screen opens: the
`station` command loads every command plugin to list it, and its other commands must run without Qt
(tests/test_layers.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click


def run_call_screen(data: Path, lang: str, *, windowed: bool = False, config: Path | None = None) -> int:
    """Open the calling screen alone on the station's database in ``data`` (no login: it only reads;
    an encrypted station's passphrase first, as for the board)."""
    from ui.board import run_screen
    from ui.callscreen import CallScreen

    return run_screen(data, lang, CallScreen, lambda w: w.show_on_call_screen(), windowed=windowed,
                      config=config)


@click.command("call-screen")
@click.option(
    "--windowed",
    is_flag=True,
    help="在窗口中显示（不全屏） / In a window, not full screen on the second screen",
)
@click.pass_context
def call_screen_command(ctx: click.Context, windowed: bool) -> None:
    """打开叫号屏（只读，无需登录，语音叫号）。 / Open the calling screen (read-only, no login, spoken calls)."""
    sys.exit(run_call_screen(ctx.obj.data, ctx.obj.lang, windowed=windowed))
