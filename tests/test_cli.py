"""The `station` command, run as a real subprocess against a data folder in tmp_path."""

from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from station.cli import cli
from station.identity import make_resident_id

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


def english(text: str) -> bool:
    return len(ENGLISH_WORD.findall(text)) >= 2


HEADER = ["姓名", "身份证号", "手机号", "工作单位", "预约日期", "预约时段"]
DAY = "2026-11-26"
VALID_F = "11010519491231002X"  # F, born 1949-12-31
VALID_M = make_resident_id("440305", date(1990, 5, 17), 123)  # M


def run(*args: str, data: Path | None = None, env_data: Path | None = None, input: str | None = None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    if env_data is not None:
        env["STATION_DATA"] = str(env_data)
    cmd = [sys.executable, "-m", "station.cli"]
    if data is not None:
        cmd += ["--data", str(data)]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, env=env, input=input, timeout=120)


# After the first staff member, staff management and imports from a terminal log an admin in (#13).
ADMIN = ("--admin", "boss", "--admin-pin", "2468")
AS_ADMIN = ("--staff", "boss", "--pin", "2468")


def with_admin(data: Path) -> None:
    out = run("staff", "add", "boss", "--name", "站长", "--role", "admin", "--pin", "2468", data=data)
    assert out.returncode == 0, out.stderr


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def good_rows(n: int = 3) -> list[list[str]]:
    return [
        [
            f"人{i}",
            make_resident_id("110105", date(1980 + i, 3, 4), 100 + i),
            f"1381234{i:04d}",
            "街道办",
            DAY,
            "08:00-08:30",
        ]
        for i in range(n)
    ]


def event_count(data: Path) -> int:
    db = data / "station.sqlite3"
    if not db.exists():
        return 0
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        conn.close()


# --- help -------------------------------------------------------------------------------------


def _description(help_text: str) -> str:
    """The text between the usage line and the first section (Options:/Commands:)."""
    body = help_text.split("\n", 1)[1]
    return re.split(r"^(?:Options|Commands):", body, maxsplit=1, flags=re.M)[0]


def _all_commands() -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = [()]
    for name, cmd in cli.commands.items():
        out.append((name,))
        for sub in getattr(cmd, "commands", {}):
            out.append((name, sub))
    return out


def test_group_help_is_bilingual_and_lists_every_command_in_both_languages(tmp_path):
    out = run("--help", env_data=tmp_path)
    assert out.returncode == 0, out.stderr
    text = _description(out.stdout)
    assert CJK.search(text) and "Vaccination Station" in text
    listing = out.stdout.split("Commands:", 1)[1].strip().splitlines()
    names = {line.split()[0] for line in listing}
    assert names >= {"init", "demo", "import-bookings", "check-id", "status", "rebuild", "staff"}
    for line in listing:
        assert CJK.search(line) and english(line), f"one language only: {line!r}"


@pytest.mark.parametrize("command", _all_commands()[1:], ids=lambda c: " ".join(c))
def test_each_command_help_is_bilingual(tmp_path, command):
    out = run(*command, "--help", env_data=tmp_path)
    assert out.returncode == 0, out.stderr
    text = _description(out.stdout)
    assert CJK.search(text), out.stdout
    assert english(text), out.stdout
    options = re.split(r"^(?:Commands):", out.stdout.split("Options:", 1)[1], flags=re.M)[0]
    for block in re.split(r"\n(?=  -)", options.strip("\n")):
        if "--help" not in block:
            assert CJK.search(block) and english(block), f"option help not bilingual: {block!r}"
    if len(command) == 1 and hasattr(cli.commands[command[0]], "commands"):
        for line in out.stdout.split("Commands:", 1)[1].strip().splitlines():
            assert CJK.search(line) and english(line), line
    assert not (tmp_path / "station.sqlite3").exists()  # help opens no database


# --- check-id ---------------------------------------------------------------------------------


def test_check_id_exit_codes(tmp_path):
    assert run("check-id", VALID_F, VALID_M, env_data=tmp_path).returncode == 0
    bad = VALID_F[:-1] + "1"
    out = run("--lang", "en", "check-id", VALID_F, bad, env_data=tmp_path)
    assert out.returncode == 1
    assert "valid" in out.stdout and "check digit" in out.stdout
    out = run("check-id", "1101051949", env_data=tmp_path)
    assert out.returncode == 1
    assert "{" not in out.stdout and "10" in out.stdout  # the length is filled in


def test_check_id_json_lines(tmp_path):
    bad = VALID_F[:-1] + "1"
    out = run("check-id", "--json", VALID_F, bad, VALID_M, env_data=tmp_path)
    assert out.returncode == 1
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(lines) == 3
    for line in lines:
        assert set(line) == {"id", "valid", "reason", "birth_date", "sex"}
    assert lines[0] == {"id": VALID_F, "valid": True, "reason": None, "birth_date": "1949-12-31", "sex": "F"}
    assert lines[1]["id"] == bad and lines[1]["valid"] is False
    assert (
        lines[1]["reason"] == "id_bad_checksum" and lines[1]["birth_date"] is None and lines[1]["sex"] is None
    )
    assert lines[2] == {"id": VALID_M, "valid": True, "reason": None, "birth_date": "1990-05-17", "sex": "M"}


def test_check_id_needs_an_argument(tmp_path):
    assert run("check-id", env_data=tmp_path).returncode == 2


# --- status -----------------------------------------------------------------------------------

STATUS_KEYS = {
    "day",
    "bookings",
    "signed_in",
    "screened",
    "turned_away",
    "cancelled",
    "transferred",
    "injected",
    "released",
    "waiting",
    "observing",
    "bookings_left",
    "doses_left",
    "conflicts",
}


def test_status_json_keys_and_day(tmp_path):
    data = tmp_path / "d"
    with_admin(data)
    out = run(
        "import-bookings", str(write_csv(tmp_path / "b.csv", [HEADER, *good_rows(3)])), *AS_ADMIN, data=data
    )
    assert out.returncode == 0, out.stderr
    out = run("status", "--json", data=data)
    assert out.returncode == 0, out.stderr
    # today by the local clock, not the newest day with records (#13: one visit stamped years ahead)
    assert json.loads(out.stdout)["day"] == date.today().isoformat()
    out = run("status", "--json", "--day", DAY, data=data)
    counts = json.loads(out.stdout)
    assert set(counts) == STATUS_KEYS
    assert set(counts["waiting"]) == {"prescreen", "inject", "observe"}
    assert counts["day"] == DAY
    assert counts["bookings"] == 3 and counts["bookings_left"] == 3
    assert counts["signed_in"] == 0 and counts["doses_left"] == 0
    out = run("status", "--json", "--day", "2026-11-25", data=data)
    other = json.loads(out.stdout)
    assert other["day"] == "2026-11-25" and other["bookings"] == 0 and set(other) == STATUS_KEYS
    out = run("--lang", "en", "status", "--day", DAY, data=data)
    assert out.returncode == 0 and "booked 3" in out.stdout and DAY in out.stdout
    out = run("status", "--day", DAY, data=data)
    assert "预约 3" in out.stdout
    out = run("status", "--day", "26/11/2026", data=data)
    assert out.returncode == 2 and "YYYY-MM-DD" in out.stderr


def test_status_reads_station_data_from_the_environment(tmp_path):
    out = run("status", "--json", env_data=tmp_path / "envdata")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["bookings"] == 0
    assert (tmp_path / "envdata" / "station.sqlite3").exists()


# --- import-bookings --------------------------------------------------------------------------


def test_import_a_good_file_then_again(tmp_path):
    data = tmp_path / "d"
    good = write_csv(tmp_path / "good.csv", [HEADER, *good_rows(4)])
    with_admin(data)
    out = run("--lang", "en", "import-bookings", str(good), data=data)  # no admin given, no input
    assert out.returncode != 0 and event_count(data) == 1  # the admin only
    out = run("--lang", "en", "import-bookings", str(good), data=data, input="boss\n2468\n")  # prompted
    assert out.returncode == 0, out.stderr
    assert "Imported 4 bookings; 0 were already imported; 0 rows rejected" in out.stdout
    assert event_count(data) == 5
    out = run("--lang", "en", "import-bookings", str(good), *AS_ADMIN, data=data)
    assert out.returncode == 0
    assert "Imported 0 bookings; 4 were already imported" in out.stdout
    assert event_count(data) == 5


def test_a_file_with_one_bad_row_imports_nothing(tmp_path):
    data = tmp_path / "d"
    rows = good_rows(3)
    rows[1][1] = rows[1][1][:-1] + ("0" if rows[1][1][-1] != "0" else "1")  # wrong check digit, line 3
    bad = write_csv(tmp_path / "bad.csv", [HEADER, *rows])
    out = run("import-bookings", str(bad), data=data)
    assert out.returncode == 1
    assert "第 3 行" in out.stderr and "校验位" in out.stderr
    assert "未导入任何预约" in out.stderr
    assert "Traceback" not in out.stderr
    assert event_count(data) == 0
    assert not (tmp_path / "bad.csv.rejects.csv").exists()

    out = run("--lang", "en", "import-bookings", str(bad), data=data)
    assert out.returncode == 1
    assert "Line 3" in out.stderr and "check digit" in out.stderr and "nothing was imported" in out.stderr
    assert not CJK.search(out.stderr.replace(rows[1][0], ""))
    assert event_count(data) == 0


def test_skip_bad_imports_the_good_rows_and_writes_rejects(tmp_path):
    data = tmp_path / "d"
    rows = good_rows(3)
    rows[2][5] = "18:00-08:00"  # line 4: the slot ends before it starts
    bad = write_csv(tmp_path / "mixed.csv", [HEADER, *rows])
    with_admin(data)
    out = run("--lang", "en", "import-bookings", "--skip-bad", str(bad), *AS_ADMIN, data=data)
    assert out.returncode == 0, out.stderr
    assert "Imported 2 bookings; 0 were already imported; 1 rows rejected" in out.stdout
    rejects = tmp_path / "mixed.csv.rejects.csv"
    assert rejects.exists() and str(rejects) in out.stdout
    with rejects.open(encoding="utf-8-sig", newline="") as fh:
        written = list(csv.DictReader(fh))
    assert len(written) == 1
    assert written[0]["line"] == "4" and written[0]["code"] == "import_bad_slot"
    assert written[0]["姓名"] == rows[2][0]
    assert event_count(data) == 1 + 2
    # the other engineer's rows, fixed, go in afterwards; the two already in are not doubled
    fixed = write_csv(tmp_path / "fixed.csv", [HEADER, *good_rows(3)])
    out = run("--lang", "en", "import-bookings", str(fixed), *AS_ADMIN, data=data)
    assert "Imported 1 bookings; 2 were already imported" in out.stdout
    assert event_count(data) == 1 + 3


def test_import_of_a_missing_or_unreadable_file(tmp_path):
    data = tmp_path / "d"
    out = run("import-bookings", str(tmp_path / "nope.csv"), data=data)
    assert out.returncode == 2
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x00\x01\x02binary\xff")
    out = run("--lang", "en", "import-bookings", str(junk), data=data)
    assert out.returncode == 2 and "Cannot read junk.csv" in out.stderr and "Traceback" not in out.stderr


# --- a foreign database -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [("status",), ("rebuild", "--check"), ("staff", "list"), ("demo", "--bookings", "5")]
)
def test_a_garbage_database_is_named_not_traced(tmp_path, command):
    data = tmp_path / "d"
    data.mkdir()
    garbage = data / "station.sqlite3"
    garbage.write_bytes(os.urandom(4096))
    before = garbage.read_bytes()
    out = run(*command, data=data)
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    assert "不是接种点数据库" in out.stderr and str(garbage) in out.stderr
    out = run("--lang", "en", *command, data=data)
    assert out.returncode != 0 and "is not a station database" in out.stderr
    assert garbage.read_bytes() == before


# --- staff ------------------------------------------------------------------------------------


def _staff(data: Path) -> dict[str, dict]:
    out = run("staff", "list", "--json", data=data)
    assert out.returncode == 0, out.stderr
    return {m["staff_id"]: m for m in map(json.loads, out.stdout.splitlines())}


def test_staff_round_trip(tmp_path):
    data = tmp_path / "d"
    with_admin(data)  # the first member needs no admin
    out = run(
        "staff",
        "add",
        "nurse1",
        "--name",
        "护士 甲",
        "--role",
        "vaccinator",
        "--role",
        "observer",
        "--pin",
        "2468",
        *ADMIN,
        data=data,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\t")[0] == "nurse1"
    # the admin's id and PIN from the prompts (a pipe here)
    out = run(
        "staff", "add", "doc1", "--name", "Dr Li", "--role", "prescreen", "--pin", "13579", data=data,
        input="boss\n2468\n",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert _staff(data) == {
        "boss": {"staff_id": "boss", "name": "站长", "roles": ["admin"], "active": True},
        "doc1": {"staff_id": "doc1", "name": "Dr Li", "roles": ["prescreen"], "active": True},
        "nurse1": {
            "staff_id": "nurse1",
            "name": "护士 甲",
            "roles": ["vaccinator", "observer"],
            "active": True,
        },
    }
    out = run("--lang", "en", "staff", "disable", "nurse1", *ADMIN, data=data)
    assert out.returncode == 0 and "disabled" in out.stdout
    assert _staff(data)["nurse1"]["active"] is False
    out = run("staff", "list", data=data)
    assert "已停用" in out.stdout and "在岗" in out.stdout
    out = run("--lang", "en", "staff", "enable", "nurse1", *ADMIN, data=data)
    assert out.returncode == 0 and "active" in out.stdout
    assert _staff(data)["nurse1"]["active"] is True
    out = run("staff", "set-pin", "doc1", *ADMIN, data=data, input="8642\n8642\n")
    assert out.returncode == 0, out.stderr


def test_staff_refusals_are_translated(tmp_path):
    data = tmp_path / "d"
    with_admin(data)
    run("staff", "add", "nurse1", "--name", "N", "--role", "vaccinator", "--pin", "2468", *ADMIN, data=data)
    out = run(
        "--lang",
        "en",
        "staff",
        "add",
        "nurse1",
        "--name",
        "N",
        "--role",
        "vaccinator",
        "--pin",
        "2468",
        *ADMIN,
        data=data,
    )
    assert out.returncode == 2 and "Staff id nurse1 already exists" in out.stderr
    out = run(
        "--lang", "en", "staff", "add", "n2", "--name", "N", "--role", "vaccinator", "--pin", "12", *ADMIN,
        data=data,
    )  # fmt: skip
    assert out.returncode == 2 and "4 to 12 digits" in out.stderr
    out = run("staff", "disable", "ghost", *ADMIN, data=data)
    assert out.returncode == 2 and "ghost" in out.stderr and CJK.search(out.stderr)
    out = run("staff", "add", "n3", "--name", "N", "--role", "janitor", "--pin", "2468", *ADMIN, data=data)
    assert out.returncode == 2 and "janitor" in out.stderr
    out = run(
        "--lang", "en", "staff", "disable", "nurse1", "--admin", "nurse1", "--admin-pin", "2468", data=data
    )
    assert out.returncode == 2 and "may not do this" in out.stderr
    assert set(_staff(data)) == {"boss", "nurse1"}
    assert "Traceback" not in out.stderr


def test_init_and_version(tmp_path):
    data = tmp_path / "d"
    out = run("init", "--station-id", "desk-7", data=data)
    assert out.returncode == 0 and "station=desk-7" in out.stdout
    out = run("init", "--station-id", "other", data=data)
    assert "station=desk-7" in out.stdout  # a station keeps its id
    out = run("--version", data=data)
    assert out.returncode == 0 and re.search(r"\d+\.\d+", out.stdout)
