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
    """Open the calling screen alone on the station's database in ``data`` (no login: it only reads)."""
    from station.errors import DomainError
    from station.settings import Settings
    from station.store import Store
    from ui.app import make_app
    from ui.boardwindow import board_screen
    from ui.callscreen import CallScreen
    from ui.hub import StationHub

    settings = Settings.load(config or data)
    try:
        store = Store.open(data / "station.sqlite3", create=False)
    except DomainError as exc:  # no station database in that folder
        click.echo(exc.message(lang), err=True)
        return 2
    app = make_app(lang)
    hub = StationHub(store, settings, lang=lang)
    screen = CallScreen(hub)
    if windowed or board_screen() is None:
        screen.show()
    else:
        screen.show_on_call_screen()
    try:
        return app.exec()
    finally:
        screen.close()
        hub.close()
        store.close()


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
