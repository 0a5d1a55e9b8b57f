"""Server stores for the tests, on both backends: a fresh SQLite file, or a fresh PostgreSQL schema.

PostgreSQL comes from ``STATION_TEST_PG`` (``./test`` sets it: ``scripts/postgres.sh`` starts a
private cluster). Without it, or when it does not answer, the PostgreSQL cases skip; when ``CI`` is
set they fail instead, so a CI run cannot pass without them.

tests/conftest.py loads this module as a plugin (``pytest_plugins``), so every test module has its
fixtures. (Elsewhere, import them as re-exports, which ruff reads as used and not redefined::

    from tests.pgfixtures import store_url as store_url
)

``store_url`` (or its other name ``server_store_url``) is parametrized over ``sqlite`` and
``postgres`` and gives a URL for ``sync.server.store.open_store``; ``server_store`` opens it and
closes it after the test. ``pg_schema_url()`` is the context manager underneath, for tests that
need a PostgreSQL store of their own (a server in a subprocess, for instance).
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

PG_ENV = "STATION_TEST_PG"
NO_PG = f"no PostgreSQL reachable (set {PG_ENV})"
KINDS = ("sqlite", "postgres")


@functools.cache
def _pg_problem() -> str | None:
    """Why PostgreSQL cannot be used (None when it can); asked once per test session."""
    url = os.environ.get(PG_ENV)
    if not url:
        return NO_PG
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=5, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # any failure means: not reachable
        return f"{NO_PG}: {type(exc).__name__}: {exc}".strip()
    return None


def require_pg() -> str:
    """The PostgreSQL URL of the tests; skips the test without one (fails it when CI is set)."""
    problem = _pg_problem()
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(f"{problem} -- CI is set, so the PostgreSQL tests must run", pytrace=False)
        pytest.skip(problem)
    return os.environ[PG_ENV]


def with_search_path(url: str, schema: str) -> str:
    """``url`` with ``options=-csearch_path=<schema>`` added: the store's tables go into that schema."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    query.append(("options", f"-csearch_path={schema}"))
    return urlunsplit(parts._replace(query=urlencode(query)))


@contextmanager
def pg_schema_url() -> Iterator[str]:
    """A URL whose tables land in a new, empty schema of the test database; dropped afterwards."""
    import psycopg
    from psycopg import sql

    base = require_pg()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield with_search_path(base, schema)
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


@contextmanager
def fresh_store_url(kind: str, folder: Path) -> Iterator[str]:
    """A URL for an empty store: ``kind`` is "sqlite" (a file in ``folder``) or "postgres"."""
    if kind == "sqlite":
        yield str(folder / f"server-{uuid.uuid4().hex[:8]}.sqlite3")
    elif kind == "postgres":
        with pg_schema_url() as url:
            yield url
    else:
        raise ValueError(kind)


def _store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_store_url(request.param, tmp_path) as url:
        yield url


store_url = pytest.fixture(params=KINDS, name="store_url")(_store_url)
server_store_url = pytest.fixture(params=KINDS, name="server_store_url")(_store_url)


@pytest.fixture
def server_store(store_url: str):
    from sync.server.store import open_store

    store = open_store(store_url)
    yield store
    store.close()
