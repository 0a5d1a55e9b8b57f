"""The one-folder build: build.spec carries what PyInstaller cannot see by itself, ./test builds it once
and runs its self-test. (The build itself runs in ./test, not here: it takes minutes.)"""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build.spec"
BUNDLE = ROOT / "dist" / "VaccinationStation"


def test_the_spec_compiles_and_names_what_the_import_analysis_misses():
    text = SPEC.read_text(encoding="utf-8")
    compile(text, str(SPEC), "exec")
    assert 'copy_metadata("vaccination-station")' in text  # entry points: the commands and the self-test
    assert '"resources"' in text and '"templates"' in text
    assert 'collect_data_files("biip")' in text
    for package in ("station", "sync", "ui"):
        assert f'"{package}"' in text
    for unused in ("QtQml", "QtQuick", "QtWebEngineCore", "QtMultimedia", "QtSql"):
        assert unused in text
    assert "upx=True" not in text
    for helper in ("station_main.py", "server_main.py", "rth_zbar.py"):
        assert (ROOT / "scripts" / "pyinstaller" / helper).is_file() and helper in text


def test_every_entry_point_is_in_a_package_the_spec_collects():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    groups = project["project"]["entry-points"]
    assert {"vaccination_station.commands", "vaccination_station.selftest"} <= set(groups)
    targets = [t for group in groups.values() for t in group.values()]
    targets += list(project["project"]["scripts"].values())
    assert targets and all(t.split(".")[0] in ("station", "sync", "ui") for t in targets)
    assert "pyinstaller" in " ".join(project["project"]["optional-dependencies"]["build"])


def test_test_builds_the_bundle_once_and_runs_its_self_test():
    script = (ROOT / "scripts" / "build-app").read_text(encoding="utf-8")
    assert os.access(ROOT / "scripts" / "build-app", os.X_OK)
    assert "--self-test" in script and "build.spec" in script
    test = (ROOT / "test").read_text(encoding="utf-8")
    assert test.count("scripts/build-app") == 1


@pytest.mark.skipif(not (BUNDLE / "station").exists() or not os.environ.get("STATION_TEST_BUNDLE"),
                    reason="set STATION_TEST_BUNDLE=1 after scripts/build-app to test the bundle here")
def test_the_built_bundle_passes_its_self_test(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "STATION_DATA": str(tmp_path / "data")}
    done = subprocess.run([str(BUNDLE / "station"), "--lang", "en", "--self-test"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Self-test passed" in done.stdout
    assert not (tmp_path / "data").exists()
