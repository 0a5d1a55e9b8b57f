"""Imports only point down: station/ never imports Qt, ui/ or sync/; sync/ never imports Qt or ui/."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "station": {"PySide6", "PyQt5", "PyQt6", "shiboken6", "ui", "sync"},
    "sync": {"PySide6", "PyQt5", "PyQt6", "shiboken6", "ui"},
}


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    """Top-level names imported by a file, including importlib.import_module("...") / __import__("...")."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                names.add(node.args[0].value.split(".")[0])
    return names


def test_the_scan_sees_imports(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import os\nfrom PySide6.QtCore import QObject\nimport importlib\nimportlib.import_module('ui.main')\n"
        "def f():\n    import sync.client\n"
    )
    assert {"os", "PySide6", "importlib", "ui", "sync"} <= _imports(probe)


@pytest.mark.parametrize("package", ["station", "sync"])
def test_no_upward_imports_in_the_source(package):
    files = _modules(package)
    assert files, package
    bad = {
        str(p.relative_to(ROOT)): sorted(_imports(p) & FORBIDDEN[package])
        for p in files
        if _imports(p) & FORBIDDEN[package]
    }
    assert not bad, bad


_PROBE = r"""
import importlib, json, pkgutil, sys
import station, sync
loaded = []
for pkg in (station, sync):
    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        importlib.import_module(info.name)
        loaded.append(info.name)
print(json.dumps({
    "loaded": loaded,
    "qt": sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6")),
    "ui": sorted(m for m in sys.modules if m == "ui" or m.startswith("ui.")),
}))
"""


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STATION_", "QT_"))}
    env["STATION_DATA"] = str(tmp_path / "data")
    return env


def _run_python(script: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """Run ``script`` in a fresh interpreter (nothing imported yet) and expect it to succeed."""
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_clean_env(tmp_path),
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out


def test_importing_every_station_and_sync_module_loads_no_qt(tmp_path):
    out = _run_python(_PROBE, tmp_path)
    result = json.loads(out.stdout)
    expected = {f"station.{p.stem}" for p in (ROOT / "station").glob("*.py") if p.stem != "__init__"}
    assert expected <= set(result["loaded"])
    assert result["qt"] == []
    assert result["ui"] == []


_STATION_ONLY = r"""
import importlib, pkgutil, sys
import station
for info in pkgutil.walk_packages(station.__path__, "station."):
    importlib.import_module(info.name)
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("sync", "ui", "PySide6"))
print(",".join(bad))
"""


def test_station_alone_loads_neither_sync_nor_ui(tmp_path):
    out = _run_python(_STATION_ONLY, tmp_path)
    assert out.stdout.strip() == ""


_CLI = r"""
import sys
from station.cli import main
for args in (["--help"], ["--lang", "en", "status", "--json"], ["check-id", "11010519491231002X"]):
    try:
        main(args)
    except SystemExit as exc:
        assert not exc.code, (args, exc.code)
print("QT-LOADED" if any(m.split(".")[0] == "PySide6" for m in sys.modules) else "NO-QT")
"""


def test_the_command_line_runs_without_loading_qt(tmp_path):
    out = _run_python(_CLI, tmp_path)
    assert out.stdout.strip().endswith("NO-QT"), out.stdout
