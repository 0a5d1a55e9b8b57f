"""The sync server (`station-server`): app, stores, enrollment, upstream forwarding."""


def main() -> None:
    from sync.server.cli import main as cli

    cli(prog_name="station-server")
