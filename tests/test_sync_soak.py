"""Two short runs of the fault soak (bench/sync/soak.py): after random writes on three desks, cut and
refused connections, lost answers, a hub SIGKILLed and restarted, replayed batches and concurrent
rounds, every event is on every node exactly once and every desk holds the same tables.

A behaviour check with fixed seeds, one run per hub store (SQLite; PostgreSQL when STATION_TEST_PG
is set, required when CI is). The long soak is ``.venv/bin/python bench/sync/soak.py``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.pgfixtures import fresh_store_url

STEPS = 25
SOAK_PATH = Path(__file__).resolve().parent.parent / "bench" / "sync" / "soak.py"


def _soak_module():
    """bench/sync/soak.py, imported by its path (bench/ is not a package)."""
    name = "bench_sync_soak"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, SOAK_PATH)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # its dataclasses look their module up while it loads
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.mark.parametrize(("backend", "seed"), [("sqlite", 4037), ("postgres", 4088)])
def test_a_short_fault_soak_loses_nothing_and_converges(tmp_path, fast_pins, backend, seed):
    soak = _soak_module()
    planned = {op for _, op, _ in soak.make_plan(seed, STEPS)}
    assert planned == set(soak.OPS)  # the seed plans every kind of operation, kills included
    with fresh_store_url(backend, tmp_path) as url:
        result = soak.RunResult(0, seed, backend)
        soak.Soak(tmp_path, url, seed=seed, steps=STEPS, rush_max=300).run(result)
    summary = result.line() + "".join(f"\n  {d}" for d in result.details + result.anomalies)
    assert result.events > 20, summary
    assert (result.lost, result.duplicated, result.differing) == (0, 0, 0), summary
    assert result.rebuild_failures == 0 and result.hangs == 0, summary
    assert result.anomalies == [], summary
