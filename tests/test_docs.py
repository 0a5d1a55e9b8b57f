"""Docs stay true: every CLI command and every setting is documented."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from station.cli import cli
from station.settings import Settings

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _commands(group: click.Group, prefix: str = "station") -> list[str]:
    out = []
    for name, command in group.commands.items():
        if name == "gui":
            continue
        if isinstance(command, click.Group):
            out += _commands(command, f"{prefix} {name}")
        else:
            out.append(f"{prefix} {name}")
    return out


def test_every_cli_command_is_in_docs_cli_md():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    commands = _commands(cli)
    assert len(commands) >= 9
    missing = [c for c in commands if f"`{c}" not in text]
    assert missing == []


def test_every_cli_option_is_in_docs_cli_md():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")

    def options(group: click.Group):
        for command in group.commands.values():
            if isinstance(command, click.Group):
                yield from options(command)
            else:
                for param in command.params:
                    if isinstance(param, click.Option):
                        yield from (o for o in param.opts if o.startswith("--") and o != "--help")

    missing = sorted({o for o in options(cli) if o not in text})
    assert missing == []


def test_every_setting_is_in_docs_ui_md():
    text = (DOCS / "ui.md").read_text(encoding="utf-8")
    missing = [f.name for f in dataclasses.fields(Settings) if f"`{f.name}`" not in text]
    assert missing == []
