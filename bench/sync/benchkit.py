"""What the sync benchmarks share: a fresh hub store on either backend, and percentiles."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


@contextmanager
def hub_url(kind: str, folder: Path) -> Iterator[str]:
    """A fresh hub store: a SQLite file, or a new schema of STATION_TEST_PG's database."""
    if kind == "sqlite":
        yield str(folder / "hub.sqlite3")
        return
    if not os.environ.get("STATION_TEST_PG"):
        raise SystemExit('--backend postgres needs STATION_TEST_PG (eval "$(bash scripts/postgres.sh)")')
    from tests.pgfixtures import pg_schema_url

    with pg_schema_url() as url:
        yield url
