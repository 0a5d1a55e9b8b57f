"""Encryption at rest (#13): a station encrypted with SQLCipher from nothing, an existing one encrypted
and decrypted, its backups encrypted, a wrong passphrase refused clearly, the window's prompt."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from station import backup, bookings, cipher, rebuild, stock
from station.cli import cli
from station.db import StationFileError
from station.errors import DomainError
from station.settings import Settings
from station.store import Store
from tests import domainkit as kit
from tests.conftest import DAY, add_staff, new_person, proven

pytest.importorskip("sqlcipher3")  # a core dependency; only a broken install lacks it

PASS = "correct horse battery"
NAME = "欧阳秘密"


@pytest.fixture(autouse=True)
def no_keys_held():
    """Each test starts with no passphrase held by the process (the registry is per process)."""
    cipher._keys.clear()
    yield
    cipher._keys.clear()


@pytest.fixture
def memory_keyring():
    """The OS keyring replaced by one in memory (no desktop keyring on CI)."""
    import keyring
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):
        priority = 1

        def __init__(self) -> None:
            super().__init__()
            self.held: dict[tuple[str, str], str] = {}

        def get_password(self, service, username):
            return self.held.get((service, username))

        def set_password(self, service, username, password):
            self.held[(service, username)] = password

        def delete_password(self, service, username):
            self.held.pop((service, username), None)

    before = keyring.get_keyring()
    ring = Memory()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != cipher.ENV}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"  # never this machine's keyring
    env.update(extra)
    return env


def _station(*args: str, env: dict[str, str] | None = None, code: str = "") -> subprocess.CompletedProcess:
    """``station ARGS`` in a real subprocess (stdin not a terminal: nobody can type a passphrase)."""
    argv = [sys.executable, "-c", code + "from station.cli import main; main()", *args]
    return subprocess.run(argv, capture_output=True, text=True, env=env or _env(), stdin=subprocess.DEVNULL,
                          timeout=120)


def _person_and_visit(store: Store) -> tuple[dict, str]:
    person = new_person(NAME)
    visit = bookings.add_booking(store, person, DAY, "08:00-08:30", staff_id="admin1")
    return person, visit


def _raw(path: Path) -> bytes:
    """The database file and its WAL, as bytes on disk."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def _secrets(person: dict) -> list[bytes]:
    return [NAME.encode(), person["id_number"].encode(), person["phone"].encode()]


def _ready(store: Store) -> None:
    add_staff(store)
    stock.receive(store, staff_id=proven(store), lot_no=kit.LOT, product="sinopharm_bbibp",
                  expiry=DAY + timedelta(days=90), vials=5)


def _events(store: Store) -> list[tuple]:
    return store.conn.execute("SELECT id, origin, seq, type, payload FROM events ORDER BY pos").fetchall()


def test_a_fresh_encrypted_station_holds_no_plaintext(tmp_path, clock):
    data = tmp_path / "site"
    made = _station("--data", str(data), "--lang", "en", "init", "--encrypt", "--station-id", "enc-1",
                    env=_env(STATION_PASSPHRASE=PASS))
    assert made.returncode == 0, made.stderr
    path = data / "station.sqlite3"
    assert cipher.is_encrypted(path)

    cipher.unlock(path, PASS)
    store = Store.open(path, now=clock)
    assert store.origin == "enc-1"
    _ready(store)
    person, visit = _person_and_visit(store)
    kit.drive(store, clock, visit, "released")  # sign-in, pre-screen, injection, observation, release
    assert store.scalar("SELECT name FROM people WHERE person_id = (SELECT person_id FROM visits "
                        "WHERE visit_id = ?)", [visit]) == NAME
    assert path.with_name(path.name + "-wal").exists()  # the WAL too, while the desk is open
    raw = _raw(path)
    for secret in _secrets(person):
        assert secret not in raw, secret
    assert b"SQLite format 3" not in raw[:16]
    store.close()
    for secret in _secrets(person):
        assert secret not in path.read_bytes()

    # the same day on a plaintext station does show them: the grep above would find them
    plain = Store.open(tmp_path / "plain" / "station.sqlite3", now=clock)
    _ready(plain)
    other, visit = _person_and_visit(plain)
    kit.drive(plain, clock, visit, "released")
    assert all(secret in _raw(plain.path) for secret in _secrets(other))
    plain.close()


def test_a_wrong_or_missing_passphrase_is_said_clearly(tmp_path, clock, monkeypatch):
    path = tmp_path / "station.sqlite3"
    cipher.unlock(path, PASS)
    store = Store.open(path, now=clock)
    _ready(store)
    store.close()
    cipher.lock(path)

    with pytest.raises(StationFileError) as info:  # no passphrase held: asked for, not "damaged"
        Store.open(path, now=clock)
    assert info.value.code == "db_encrypted"
    with kit.refused("db_wrong_passphrase"):
        cipher.check_passphrase(path, "not the passphrase")
    cipher.unlock(path, "not the passphrase")
    with kit.refused("db_wrong_passphrase"):
        Store.open(path, now=clock)
    cipher.lock(path)

    for lang in ("en", "zh"):  # the terminal: one line in the person's language, exit 2, no traceback
        wrong = _station("--data", str(tmp_path), "--lang", lang, "staff", "list",
                         env=_env(STATION_PASSPHRASE="not the passphrase"))
        assert wrong.returncode == 2
        assert DomainError("db_wrong_passphrase").message(lang) in wrong.stderr
        assert "Traceback" not in wrong.stderr and "not a database" not in wrong.stderr
    asked = _station("--data", str(tmp_path), "--lang", "en", "staff", "list")
    assert asked.returncode == 2 and "STATION_PASSPHRASE" in asked.stderr
    right = _station("--data", str(tmp_path), "--lang", "en", "staff", "list", env=_env(STATION_PASSPHRASE=PASS))
    assert right.returncode == 0, right.stderr
    assert "admin1" in right.stdout

    # a program without sqlcipher3 meeting the encrypted file says what to install
    blind = _station("--data", str(tmp_path), "--lang", "en", "staff", "list",
                     env=_env(STATION_PASSPHRASE=PASS), code="import sys; sys.modules['sqlcipher3'] = None; ")
    assert blind.returncode == 2
    assert "install" in blind.stderr and "sqlcipher3" in blind.stderr and "not damaged" in blind.stderr
    assert "Traceback" not in blind.stderr
    monkeypatch.setattr(cipher, "_sqlcipher", None)
    with kit.refused("db_encrypted_no_cipher"):
        Store.open(path, now=clock)


def test_encrypting_an_existing_station_keeps_every_event_and_decrypting_gives_it_back(store, clock, tmp_path):
    person, visit = _person_and_visit(store)
    kit.drive(store, clock, visit, "released")
    events = _events(store)
    [old] = backup.backup_station(tmp_path, settings=Settings())  # a plaintext backup from before
    assert old.ok and NAME.encode() in Path(old.file).read_bytes()
    store.close()
    path = tmp_path / "station.sqlite3"

    runner = CliRunner()
    done = runner.invoke(cli, ["--data", str(tmp_path), "--lang", "en", "encrypt"], env={cipher.ENV: PASS})
    assert done.exit_code == 0, done.output
    assert f"{len(events)} events, checked" in done.output
    assert "plaintext copies" in done.output and Path(old.file).name in done.output  # said, not hidden
    assert cipher.is_encrypted(path)
    # no plaintext -wal/-shm or half copy left; the mark (its own newest seq, no personal data) stays
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("station."))
    assert left in (["station.sqlite3"], ["station.sqlite3", "station.sqlite3.mark"])
    for secret in _secrets(person):
        assert secret not in _raw(path)

    again = runner.invoke(cli, ["--data", str(tmp_path), "--lang", "en", "encrypt"], env={cipher.ENV: PASS})
    assert again.exit_code == 2 and "already encrypted" in again.output
    cipher._keys.clear()
    cipher.unlock(path, PASS)
    reopened = Store.open(path, now=clock)
    assert _events(reopened) == events
    assert rebuild.check(reopened).ok
    reopened.close()
    cipher._keys.clear()

    short = runner.invoke(cli, ["--data", str(tmp_path / "other"), "init", "--encrypt"], env={cipher.ENV: "short"})
    assert short.exit_code == 2 and "至少 8 个字符" in short.output

    wrong = runner.invoke(cli, ["--data", str(tmp_path), "--lang", "en", "decrypt"], env={cipher.ENV: "wrong one!"})
    assert wrong.exit_code == 2 and "Wrong database passphrase" in wrong.output
    assert cipher.is_encrypted(path)
    back = runner.invoke(cli, ["--data", str(tmp_path), "--lang", "en", "decrypt"], env={cipher.ENV: PASS})
    assert back.exit_code == 0, back.output
    assert not cipher.is_encrypted(path)
    cipher._keys.clear()
    plain = Store.open(path, now=clock)
    assert _events(plain) == events
    plain.close()


def test_backups_of_an_encrypted_station_stay_encrypted_and_restore_with_the_key(tmp_path, clock):
    path = tmp_path / "station.sqlite3"
    cipher.unlock(path, PASS)
    store = Store.open(path, now=clock)
    _ready(store)
    person, visit = _person_and_visit(store)
    kit.drive(store, clock, visit, "released")
    events = _events(store)
    [result] = backup.backup_station(tmp_path, settings=Settings())
    assert result.ok, (result.error, result.detail)
    copy = Path(result.file)
    assert cipher.is_encrypted(copy)
    for secret in _secrets(person):
        assert secret not in copy.read_bytes()
    assert backup.verify(copy).ok  # this process holds the station's passphrase
    bookings.add_booking(store, new_person(), DAY, "08:30-09:00", staff_id="admin1")  # after the backup
    store.close()

    cipher._keys.clear()
    assert backup.verify(copy).error == "backup_encrypted"
    assert backup.verify(copy, "not the passphrase").error == "db_wrong_passphrase"
    assert backup.verify(copy, PASS).events == len(events)
    with kit.refused("backup_encrypted"):
        backup.restore(tmp_path, copy)
    done = backup.restore(tmp_path, copy, PASS)
    assert done["events"] == len(events)
    assert cipher.is_encrypted(path) and cipher.is_encrypted(done["replaced"])
    restored = Store.open(path, now=clock)  # restore unlocked it with the backup's passphrase
    assert _events(restored) == events
    restored.close()

    # the terminal: backup with STATION_PASSPHRASE, restore asks nothing more of the same station
    cipher._keys.clear()
    runner = CliRunner()
    made = runner.invoke(cli, ["--data", str(tmp_path), "--lang", "en", "backup", "--to", str(tmp_path / "usb")],
                         env={cipher.ENV: PASS})
    assert made.exit_code == 0, made.output
    [stick] = (tmp_path / "usb").glob("station-*.sqlite3")
    assert cipher.is_encrypted(stick)
    cipher._keys.clear()
    put = runner.invoke(cli, ["--data", str(tmp_path), "--lang", "en", "restore", str(stick)], env={cipher.ENV: PASS})
    assert put.exit_code == 0, put.output


def test_the_keyring_holds_the_passphrase_so_nobody_types_it(tmp_path, clock, memory_keyring):
    path = tmp_path / "station.sqlite3"
    runner = CliRunner()
    made = runner.invoke(cli, ["--data", str(tmp_path), "init", "--encrypt", "--remember"], env={cipher.ENV: PASS})
    assert made.exit_code == 0, made.output
    assert list(memory_keyring.held.values()) == [PASS]
    cipher._keys.clear()
    assert cipher.unlock_from_keyring_or_env(path, env=False)
    assert cipher.key_for(path) == PASS
    cipher._keys.clear()
    status = runner.invoke(cli, ["--data", str(tmp_path), "--lang", "en", "passphrase"])
    assert "encrypted (SQLCipher 4" in status.output and "holds its passphrase" in status.output
    gone = runner.invoke(cli, ["--data", str(tmp_path), "--lang", "en", "passphrase", "--forget"])
    assert gone.exit_code == 0 and memory_keyring.held == {}
    memory_keyring.held[(cipher.KEYRING_SERVICE, str(path.resolve()))] = "an old passphrase"
    with kit.refused("db_wrong_passphrase"):  # a stale keyring entry is said, not taken for damage
        cipher.unlock_from_keyring_or_env(path, env=False)


def test_the_window_asks_for_the_passphrase_before_the_login(tmp_path, clock, qtbot, station_qapp,
                                                             memory_keyring, monkeypatch):
    from ui import passphrase as ui_passphrase
    from ui.passphrase import PassphraseDialog

    path = tmp_path / "station.sqlite3"
    cipher.unlock(path, PASS)
    Store.open(path, now=clock).close()
    cipher._keys.clear()

    dialog = PassphraseDialog(path, "zh")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.passphrase, "wrong passphrase")
    qtbot.keyClick(dialog.passphrase, "\r")
    assert dialog.result() != PassphraseDialog.DialogCode.Accepted
    assert dialog.banner.text() == DomainError("db_wrong_passphrase").message("zh")
    assert dialog.passphrase.text() == "" and cipher.key_for(path) is None
    dialog.grab().save(str(Path(os.environ.get("STATION_SHOTS", tmp_path)) / "cipher-passphrase-zh.png"))
    dialog.remember.setChecked(True)
    qtbot.keyClicks(dialog.passphrase, PASS)
    qtbot.keyClick(dialog.passphrase, "\r")
    assert dialog.result() == PassphraseDialog.DialogCode.Accepted
    assert cipher.key_for(path) == PASS
    assert list(memory_keyring.held.values()) == [PASS]

    # next morning: the keyring opens it, no dialog
    cipher._keys.clear()
    monkeypatch.setattr(PassphraseDialog, "exec", lambda self: pytest.fail("asked although the keyring holds it"))
    assert ui_passphrase.unlock(path, "zh")
    Store.open(path, now=clock).close()

    # cancelled: the window does not open (ui/app.py returns 1 before the login)
    cipher._keys.clear()
    memory_keyring.held.clear()
    monkeypatch.setattr(PassphraseDialog, "exec", lambda self: PassphraseDialog.DialogCode.Rejected)
    from ui.app import run

    assert run(tmp_path, "zh") == 1


def test_a_plaintext_program_sees_the_dialog_say_what_to_install(tmp_path, clock, qtbot, station_qapp, monkeypatch):
    from ui.passphrase import PassphraseDialog

    path = tmp_path / "station.sqlite3"
    cipher.unlock(path, PASS)
    Store.open(path, now=clock).close()
    monkeypatch.setattr(cipher, "_sqlcipher", None)
    dialog = PassphraseDialog(path, "en")
    qtbot.addWidget(dialog)
    assert "sqlcipher3" in dialog.banner.text() and not dialog.passphrase.isEnabled()


def test_a_damaged_encrypted_station_is_refused_as_damage_not_as_a_wrong_passphrase(tmp_path, clock):
    """The integrity check on open runs through the keyed connection: bytes overwritten inside an
    encrypted file fail their page's HMAC and read as damage; the file is never written to."""
    import hashlib

    from station import demo

    path = tmp_path / "station.sqlite3"
    cipher.unlock(path, PASS)
    store = Store.open(path, origin="enc-dmg", now=clock)
    demo.load(store, DAY, seed=7)
    store.close()
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.seek(size // 2)
        fh.write(os.urandom(4096))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(DomainError) as refused:
        Store.open(path, now=clock)
    assert refused.value.code == "db_damaged", refused.value.code
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    done = CliRunner().invoke(cli, ["--data", str(tmp_path), "--lang", "en", "status"],
                              env={"STATION_PASSPHRASE": PASS})
    assert done.exit_code == 2 and "damaged" in done.output.lower(), done.output
