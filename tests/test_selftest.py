"""`station --self-test`: one line per check, non-zero exit with the reason on any failure, in a temporary
folder (never the user's station); each check can be pointed at a broken copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from station import selftest
from station.cli import cli
from station.paths import resource_dir


def _run(paths: selftest.Paths, *keys: str, lang: str = "en") -> dict[str, selftest.Result]:
    checks = [(k, fn) for k, fn in selftest.CHECKS if k in keys]
    return {r.key: r for r in selftest.run(lang=lang, paths=paths, checks=checks)}


def test_the_source_install_passes_every_check_and_leaves_the_station_alone(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("STATION_DATA", str(data))
    result = CliRunner().invoke(cli, ["--lang", "en", "--self-test"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    keys = [k for k, _ in selftest.CHECKS] + ["sync", "translations"]
    assert len(lines) == len(keys) + 1
    assert all(line.startswith("[ OK ]") for line in lines[:-1]), result.output
    assert "Sync: a server on a loopback port and an event exchanged" in result.output
    assert "Observation slip PDF (font embedded)" in result.output
    assert lines[-1].startswith(f"Self-test passed ({len(keys)} checks")
    assert not data.exists()  # the user's station was never opened


def test_a_failure_exits_non_zero_with_its_reason_in_chinese_by_default(tmp_path, monkeypatch):
    monkeypatch.setattr(selftest, "plugin_checks", lambda: [])
    monkeypatch.setattr(selftest, "CHECKS", [c for c in selftest.CHECKS if c[0] in ("rules", "messages")])
    monkeypatch.setenv("STATION_SELFTEST_RULES", str(tmp_path / "no-rules"))
    result = CliRunner().invoke(cli, ["--self-test"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("[失败] 接种规则：缺少 ") and "no-rules" in lines[0]
    assert lines[1].startswith("[通过] ")
    assert lines[-1] == "自检未通过：2 项中 1 项失败（rules）"


def test_missing_or_broken_rules_fail(tmp_path):
    broken = tmp_path / "rules"
    shutil.copytree(resource_dir() / "rules", broken)
    (broken / "products.toml").unlink()
    r = _run(selftest.Paths(rules=broken), "rules")["rules"]
    assert not r.ok and "products.toml" in r.detail
    (broken / "products.toml").write_text("[[product]]\ncode = 3\n", encoding="utf-8")
    r = _run(selftest.Paths(rules=broken), "rules")["rules"]
    assert not r.ok and r.detail


def test_a_corrupt_database_fails_and_the_slip_says_why_it_cannot_run(tmp_path):
    bad = tmp_path / "station.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    results = _run(selftest.Paths(database=bad), "database", "slip")
    assert not results["database"].ok and "not a station database" in results["database"].detail
    assert not results["slip"].ok and "database check failed" in results["slip"].detail
    assert bad.read_bytes().startswith(b"SQLite format 3\x00\xff")  # a copy was opened, not the file


def test_an_older_database_given_to_it_is_migrated_in_its_copy(tmp_path):
    fixture = Path(__file__).parent / "fixtures" / "station-0.1.0.sqlite3"
    before = fixture.read_bytes()
    r = _run(selftest.Paths(database=fixture), "database")["database"]
    assert r.ok, r.detail
    assert fixture.read_bytes() == before


@pytest.mark.parametrize("font", ["missing", "not_a_font"])
def test_no_font_fails(tmp_path, font):
    path = tmp_path / "font.ttc"
    if font == "not_a_font":
        path.write_bytes(b"\x00" * 1000)
    r = _run(selftest.Paths(font=path), "font")["font"]
    assert not r.ok and str(path) in r.detail


def test_damaged_translations_fail(tmp_path):
    folder = tmp_path / "i18n"
    shutil.copytree(resource_dir() / "i18n", folder)
    (folder / "station_en.qm").write_bytes(b"garbage")
    r = _run(selftest.Paths(i18n=folder), "messages")["messages"]
    assert not r.ok and "station_en.qm" in r.detail


def test_every_check_has_its_line_in_both_languages():
    from station.messages import catalogue

    keys = [k for k, _ in selftest.CHECKS] + [ep for ep in ("sync", "translations")]
    assert all(f"selftest_{k}" in catalogue() for k in keys)
