"""`station sync ...` and `station-server ...` as a site's IT helper types them: real processes,
a real hub, real files; messages in Chinese unless --lang en."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from station.store import Store
from sync.server.serve import Server
from sync.server.store import open_store
from tests.syncbed import assert_converged

BIN = Path(sys.executable).parent


def run(*args: str, data: Path | None = None, lang: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    cmd = [sys.executable, "-m", "station.cli"]
    if data is not None:
        cmd += ["--data", str(data)]
    if lang:
        cmd += ["--lang", lang]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, env=env, timeout=120)


def server(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from sync.server import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_station_server_help_and_every_command_start():
    """The installed command used to crash (ModuleNotFoundError: sync.server)."""
    script = BIN / "station-server"
    out = subprocess.run(
        [str(script) if script.exists() else "station-server", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    for command in ("serve", "enroll", "stats", "join", "credentials", "revoke"):
        assert command in out.stdout
        assert server(command, "--help").returncode == 0


def test_enroll_stats_and_a_fresh_site_joined_from_the_terminal(tmp_path):
    hub_db = tmp_path / "hub.sqlite3"
    enrolled = server("enroll", "--db", str(hub_db), "--site", "街道一", "--json")
    assert enrolled.returncode == 0, enrolled.stderr
    code = json.loads(enrolled.stdout)
    assert set(code) >= {"code", "fingerprint", "expires_at", "site", "role", "qr"}
    # the human form draws the QR on the terminal and prints the fingerprint
    human = server("enroll", "--db", str(hub_db), "--site", "街道一")
    assert "加入码" in human.stdout and "证书指纹" in human.stdout
    assert any(block in human.stdout for block in "█▀▄")  # the QR drawn on the terminal

    store = open_store(str(hub_db))
    hub = Server(store).start()
    try:
        desk = tmp_path / "desk"
        assert run("init", "--station-id", "desk-qd", data=desk).returncode == 0
        assert (
            run(
                "staff", "add", "admin", "--name", "管理员", "--role", "admin", "--pin", "2468", data=desk
            ).returncode
            == 0
        )
        # not joined yet
        status = run("sync", "status", data=desk)
        assert "尚未加入" in status.stdout
        # a wrong code is refused in Chinese, nothing kept
        bad = run("sync", "join", hub.url, "ZZZZ-ZZZZ-ZZZZ", data=desk)
        assert bad.returncode == 2 and "加入码无效" in bad.stderr
        joined = run("sync", "join", hub.url, code["code"], data=desk)
        assert joined.returncode == 0, joined.stderr
        assert "已加入" in joined.stdout and "街道一" in joined.stdout
        once = run("sync", "run", "--once", data=desk)
        assert once.returncode == 0, once.stderr
        state = json.loads(run("sync", "status", "--json", data=desk).stdout)
        assert state["joined"] and state["waiting"] == 0 and state["site"] == "街道一" and state["last_ok"]
        stats = json.loads(server("stats", "--db", str(hub_db), "--json").stdout)
        assert stats["events"] == state["local_seq"] == stats["origins"]["desk-qd"]
        creds = [
            json.loads(line)
            for line in server("credentials", "--db", str(hub_db), "--json").stdout.splitlines()
        ]
        assert [c["station"] for c in creds] == ["desk-qd"]
    finally:
        hub.stop()
        store.close()

    # the hub is gone: the desk keeps recording; sync says offline, exits 3, and counts what waits
    assert (
        run(
            "staff",
            "add",
            "qd01",
            "--name",
            "签到",
            "--role",
            "signin",
            "--pin",
            "2468",
            "--admin",
            "admin",
            "--admin-pin",
            "2468",
            data=desk,
        ).returncode
        == 0
    )
    offline = run("sync", "run", "--once", data=desk)
    assert offline.returncode == 3 and "连不上同步服务器" in offline.stderr
    state = json.loads(run("sync", "status", "--json", data=desk).stdout)
    assert state["waiting"] == 1 and state["offline_since"]
    english = run("sync", "status", data=desk, lang="en")
    assert "1 waiting" in english.stdout and "offline since" in english.stdout


def test_a_hub_joins_the_district_and_forwards_by_itself(tmp_path, clock):
    """station-server join (hub -> district), then the hub serving with its forwarder on."""
    district_db, hub_db = tmp_path / "district.sqlite3", tmp_path / "hub.sqlite3"
    district_store = open_store(str(district_db))
    district = Server(district_store).start()
    hub_store = hub = None
    try:
        code = json.loads(
            server("enroll", "--db", str(district_db), "--site", "site1", "--role", "hub", "--json").stdout
        )
        joined = server("join", "--db", str(hub_db), district.url, code["qr"], "--name", "hub-site1")
        assert joined.returncode == 0, joined.stderr
        # serving --upstream without having joined that address is refused with a clear line
        wrong = server("serve", "--db", str(tmp_path / "other.sqlite3"), "--upstream", district.url)
        assert wrong.returncode != 0 and "join" in wrong.stderr
        hub_store = open_store(str(hub_db))
        hub = Server(hub_store, upstream=True).start()
        desk = Store.open(tmp_path / "desk" / "station.sqlite3", origin="desk-a", now=clock)
        from station import staff as staffmod
        from sync.client import engine
        from sync.server.app import enroll

        staffmod.add(desk, "admin1", "管理员", ["admin"], "2468", by="admin1")
        engine.join(desk, hub.url, enroll(hub_store, role="station", site="site1")["code"])
        engine.Syncer(desk).push()
        deadline = time.monotonic() + 15
        while district_store.hwm(site=None).get("desk-a") != 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert district_store.hwm(site=None) == {"desk-a": 1}
        assert hub.forwarder.status()["last_ok"] and not hub.forwarder.status()["blocked"]
        from tests.syncbed import materialize

        view = materialize(district_store, tmp_path / "view.sqlite3")
        assert_converged(desk, view)
        view.close()
        desk.close()
    finally:
        if hub:
            hub.stop()
        if hub_store:
            hub_store.close()
        district.stop()
        district_store.close()


def test_revoke_a_lost_laptop(tmp_path):
    hub_db = tmp_path / "hub.sqlite3"
    store = open_store(str(hub_db))
    hub = Server(store).start()
    try:
        code = json.loads(server("enroll", "--db", str(hub_db), "--site", "s1", "--json").stdout)["code"]
        desk = tmp_path / "desk"
        run("init", "--station-id", "desk-lost", data=desk)
        assert run("sync", "join", hub.url, code, data=desk).returncode == 0
        token_id = json.loads(server("credentials", "--db", str(hub_db), "--json").stdout.splitlines()[0])[
            "token_id"
        ]
        assert server("revoke", "--db", str(hub_db), token_id).returncode == 0
        assert server("revoke", "--db", str(hub_db), token_id).returncode == 1
        out = run("staff", "add", "a1", "--name", "甲", "--role", "admin", "--pin", "2468", data=desk)
        assert out.returncode == 0
        refused = run("sync", "run", "--once", data=desk)
        assert refused.returncode == 2 and "凭证" in refused.stderr
    finally:
        hub.stop()
        store.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sync_help_is_bilingual(lang):
    out = run("sync", "--help", lang=lang)
    assert out.returncode == 0 and "join" in out.stdout and "同步" in out.stdout and "Sync" in out.stdout
