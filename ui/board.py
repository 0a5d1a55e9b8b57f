"""`station board`: the waiting-area board on its own, for a TV by the observation area.

The window is ``ui.boardwindow.BoardWindow`` (also importable from here). This module loads no Qt
until the board opens: the `station` command loads every command plugin to list it, and its other
commands must run without Qt (tests/test_layers.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

_WINDOW = ("BoardEntry", "BoardWindow", "board_screen")


def __getattr__(name: str) -> Any:  # ui.board.BoardWindow: the window, loaded (with Qt) when asked for
    if name in _WINDOW:
        from ui import boardwindow

        return getattr(boardwindow, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run_board(data: Path, lang: str, *, windowed: bool = False, config: Path | None = None) -> int:
    """Open the board alone on the station's database in ``data`` (no login: it only reads)."""
    from ui.boardwindow import BoardWindow

    return run_screen(data, lang, BoardWindow, lambda w: w.show_on_board_screen(), windowed=windowed,
                      config=config)


def run_screen(data: Path, lang: str, window: Callable[[Any], Any], full_screen: Callable[[Any], Any], *,
               windowed: bool = False, config: Path | None = None) -> int:
    """A read-only screen (the board, the calling screen) alone on the station in ``data``: an
    encrypted station's passphrase first, then ``window(hub)``, full screen on a second screen
    (``full_screen(w)``) unless ``windowed`` or there is none."""
    from station import cipher
    from station.errors import DomainError
    from station.settings import Settings
    from station.store import Store
    from ui.app import make_app
    from ui.boardwindow import board_screen
    from ui.hub import StationHub
    from ui.passphrase import unlock as unlock_station

    settings = Settings.load(config or data)
    path = data / "station.sqlite3"
    if cipher.is_encrypted(path):  # an encrypted station: its passphrase (keyring, environment or asked)
        make_app(lang)
        if not unlock_station(path, lang):
            return 1
    try:
        store = Store.open(path, create=False)
    except DomainError as exc:  # no station database in that folder
        click.echo(exc.message(lang), err=True)
        return 2
    app = make_app(lang)
    hub = StationHub(store, settings, lang=lang)
    screen = window(hub)
    if windowed or board_screen() is None:
        screen.show()
    else:
        full_screen(screen)
    try:
        return app.exec()
    finally:
        screen.close()
        hub.close()
        store.close()


@click.command("board")
@click.option(
    "--windowed",
    is_flag=True,
    help="在窗口中显示（不全屏） / In a window, not full screen on the second screen",
)
@click.pass_context
def board_command(ctx: click.Context, windowed: bool) -> None:
    """打开留观区大屏（只读，无需登录）。 / Open the waiting-area board (read-only, no login)."""
    sys.exit(run_board(ctx.obj.data, ctx.obj.lang, windowed=windowed))
