"""The signed end-of-day file on laptops: the station's key, export, and another laptop importing it.

Real station files in tmp_path, a person taken through the four desks by the real commands, files
written and read as the commands do; a handful of runs of the real `station` command. Every refused
file must leave the receiving laptop exactly as it was (its events and every projected table).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from nacl.public import PrivateKey
from nacl.signing import SigningKey

from station import dayfile, flow, keys
from station.settings import Settings
from station.store import Store
from tests.conftest import DAY
from tests.domainkit import drive, refused
from tests.syncbed import Site, assert_converged, digest, first_morning

CJK = "\u4e00-\u9fff"
DAY2 = DAY + timedelta(days=1)


# --- helpers shared with tests/test_export_server.py --------------------------------------------------
def laptop(tmp_path: Path, clock, name: str, site: str = "site1") -> Store:
    """A station folder as the first-run set-up leaves it: its database, its settings (the site)."""
    folder = tmp_path / name
    store = Store.open(folder / "station.sqlite3", origin=name, now=clock)
    Settings(site_name=site, station_id=name, desk_roles=["admin"]).save(folder)
    return store


def fresh_day(store: Store, clock, people: int = 1) -> list[str]:
    """A fresh site's first morning (staff, a lot, bookings) and people through the four desks."""
    visits = first_morning(store, bookings_count=people)
    for visit in visits:
        drive(store, clock, visit, flow.RELEASED)
    return visits


def folder_of(store: Store) -> Path:
    assert store.path is not None
    return store.path.parent


def export(
    store: Store, day: date | None = DAY, *, seal_to: str | None = None, site: str | None = None
) -> bytes:
    folder = folder_of(store)
    return dayfile.build(
        store,
        day=day,
        site=site or dayfile.laptop_site(store, folder),
        signing_key=keys.station_key(folder),
        seal_to=seal_to,
    ).data


def fingerprint_of(store: Store) -> str:
    return keys.fingerprint(keys.station_key(folder_of(store)))


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rezip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in parts.items():
            zf.writestr(name, content)
    return out.getvalue()


def resign(parts: dict[str, bytes], key: SigningKey, edit=None) -> bytes:
    """The file with its manifest made to match its events again and signed by ``key`` (``edit``
    changes the manifest first): what a forger with another key can make."""
    manifest = json.loads(parts[dayfile.MANIFEST])
    body = parts[dayfile.EVENTS]
    manifest["events"].update(sha256=hashlib.sha256(body).hexdigest(), bytes=len(body))
    manifest["signer"].update(public_key=keys.public_b64(key), fingerprint=keys.fingerprint(key))
    if edit:
        edit(manifest)
    text = (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()
    return rezip({dayfile.MANIFEST: text, dayfile.SIGNATURE: key.sign(text).signature, dayfile.EVENTS: body})


def tamper_events(data: bytes) -> bytes:
    """One byte of one event changed (a dose's lot); manifest and signature left as they were."""
    parts = members(data)
    body = parts[dayfile.EVENTS]
    i = body.index(b'"lot_no":"LOT-A"') + len(b'"lot_no":"LOT-')
    parts[dayfile.EVENTS] = body[:i] + b"B" + body[i + 1 :]
    return rezip(parts)


def edit_manifest(data: bytes) -> bytes:
    parts = members(data)
    manifest = json.loads(parts[dayfile.MANIFEST])
    manifest["types"]["Injected"] += 1
    parts[dayfile.MANIFEST] = (
        json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    ).encode()
    return rezip(parts)


def truncate(data: bytes) -> bytes:
    return data[: len(data) * 2 // 3]


def held(store: Store) -> tuple[int, dict[str, str]]:
    """What a refused file must leave as it was: the events held and every projected table."""
    return store.scalar("SELECT count(*) FROM events"), digest(store)


def run_station(*args: str, data: Path, lang: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    cmd = [sys.executable, "-c", "from station.cli import main; main()", "--data", str(data)]
    if lang:
        cmd += ["--lang", lang]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, env=env, timeout=120)


# --- the key ---------------------------------------------------------------------------------------------
def test_init_makes_the_key_0600_and_station_key_prints_it(tmp_path):
    data = tmp_path / "desk"
    assert run_station("init", "--station-id", "desk-k", data=data).returncode == 0
    path = data / keys.KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    out = run_station("key", "--json", data=data)
    assert out.returncode == 0, out.stderr
    shown = json.loads(out.stdout)
    key = keys.station_key(data)
    assert shown["station"] == "desk-k"
    assert shown["public_key"] == keys.public_b64(key)
    assert base64.b64decode(shown["public_key"]) == bytes(key.verify_key)
    fp = shown["fingerprint"]
    assert fp == keys.fingerprint(key) and len(fp) == 24 and fp.count(" ") == 4
    assert hashlib.sha256(bytes(key.verify_key)).hexdigest().startswith(fp.replace(" ", ""))
    human = run_station("key", data=data)
    assert fp in human.stdout and "指纹" in human.stdout
    assert "Fingerprint" in run_station("key", data=data, lang="en").stdout
    # the same key every time: the folder is the station
    assert run_station("key", "--json", data=data).stdout == out.stdout


def test_a_station_from_before_keys_gets_one_at_its_first_export(tmp_path, clock):
    a = laptop(tmp_path, clock, "desk-a")
    fresh_day(a, clock)
    assert not (folder_of(a) / keys.KEY_FILE).exists()
    data = export(a)
    assert (folder_of(a) / keys.KEY_FILE).exists()
    assert json.loads(members(data)[dayfile.MANIFEST])["signer"]["public_key"] == keys.public_b64(
        keys.station_key(folder_of(a))
    )


def test_fingerprints_are_matched_as_people_type_them():
    key = SigningKey.generate()
    public = keys.public_b64(key)
    fp = keys.fingerprint(key)
    for typed in (fp, fp.replace(" ", ""), fp.upper().replace(" ", "-"), fp.replace(" ", ":"), public):
        assert keys.matches_fingerprint(public, typed), typed
    assert not keys.matches_fingerprint(public, fp[:-1])  # fewer digits than shown
    assert not keys.matches_fingerprint(public, keys.fingerprint(SigningKey.generate()))


# --- the file --------------------------------------------------------------------------------------------
def test_the_file_holds_the_days_events_in_canonical_form_and_a_true_manifest(tmp_path, clock):
    from sync.protocol import event_text

    a = laptop(tmp_path, clock, "desk-a")
    fresh_day(a, clock, people=2)
    data = export(a)
    parts = members(data)
    assert list(parts) == [dayfile.MANIFEST, dayfile.SIGNATURE, dayfile.EVENTS]
    manifest = json.loads(parts[dayfile.MANIFEST])
    events = a.events()
    # each line is the event's canonical form as sync digests it: the same event hashes the same everywhere
    assert parts[dayfile.EVENTS] == b"".join(event_text(e) + b"\n" for e in events)
    assert manifest["events"] == {
        "member": "events.jsonl",
        "sha256": hashlib.sha256(parts[dayfile.EVENTS]).hexdigest(),
        "bytes": len(parts[dayfile.EVENTS]),
        "count": len(events),
    }
    assert manifest["origins"] == {
        "desk-a": {"first": 1, "last": len(events), "count": len(events), "before": None}
    }
    assert sum(manifest["types"].values()) == len(events) and manifest["types"]["Injected"] == 2
    assert (
        manifest["site"] == "site1" and manifest["station"] == "desk-a" and manifest["day"] == DAY.isoformat()
    )
    assert manifest["hlc"] == {"min": min(e.hlc for e in events), "max": max(e.hlc for e in events)}
    keys.verify_key(manifest["signer"]["public_key"]).verify(
        parts[dayfile.MANIFEST], parts[dayfile.SIGNATURE]
    )


def test_a_day_is_each_origins_range_of_that_day_and_all_is_everything(tmp_path, clock):
    a = laptop(tmp_path, clock, "desk-a")
    fresh_day(a, clock)
    day1 = a.scalar("SELECT max(seq) FROM events")
    clock.advance(days=1)
    fresh_day_two(a, clock)
    total = a.scalar("SELECT max(seq) FROM events")
    m2 = json.loads(members(export(a, DAY2))[dayfile.MANIFEST])
    assert m2["origins"]["desk-a"] == {
        "first": day1 + 1,
        "last": total,
        "count": total - day1,
        "before": DAY.isoformat(),
    }
    everything = json.loads(members(export(a, None))[dayfile.MANIFEST])
    assert everything["scope"] == "all" and everything["day"] is None
    assert everything["origins"]["desk-a"]["first"] == 1 and everything["events"]["count"] == total
    with refused("export_empty"):
        export(a, DAY + timedelta(days=5))


def fresh_day_two(store: Store, clock) -> None:
    """A second day at the same site: one more booking, taken through the desks."""
    from station import bookings
    from tests.conftest import new_person

    visit = bookings.add_booking(store, new_person(name="第二天"), DAY2, "08:00-08:30", staff_id="admin1")
    drive(store, clock, visit, flow.RELEASED)


# --- another laptop takes the file -------------------------------------------------------------------------
def test_a_fresh_site_exported_and_imported_on_another_laptop_twice(tmp_path, clock):
    a = laptop(tmp_path, clock, "desk-a")
    fresh_day(a, clock)
    b = laptop(tmp_path, clock, "desk-b")
    data = export(a)
    day_file = dayfile.read(data)
    with refused("export_untrusted", station="desk-a", fingerprint=fingerprint_of(a)):
        dayfile.import_into(b, day_file, folder=folder_of(b))
    with refused("export_trust_mismatch"):
        dayfile.import_into(b, day_file, folder=folder_of(b), trust=keys.fingerprint(SigningKey.generate()))
    assert b.scalar("SELECT count(*) FROM events") == 0
    first = dayfile.import_into(b, day_file, folder=folder_of(b), trust=fingerprint_of(a))
    n = len(a.events())
    assert (first.new, first.held, first.trusted) == (n, 0, "trusted")
    assert_converged(a, b)
    before = held(b)
    again = dayfile.import_into(b, dayfile.read(data), folder=folder_of(b))  # the key is known now
    assert (again.new, again.held, again.trusted) == (0, n, "known")
    assert held(b) == before
    # the receiving laptop records on, after the imported events
    clock.advance(days=1)
    fresh_day_two(b, clock)
    assert b.scalar("SELECT count(*) FROM events WHERE origin = 'desk-b'") > 0


def test_a_laptop_takes_its_own_file_back_without_trust(tmp_path, clock):
    a = laptop(tmp_path, clock, "desk-a")
    fresh_day(a, clock)
    result = dayfile.import_into(a, dayfile.read(export(a)), folder=folder_of(a))
    assert (result.new, result.trusted) == (0, "known")


def test_a_file_whose_events_arrived_by_sync_changes_nothing(tmp_path, clock):
    site = Site(tmp_path, clock)
    try:
        a = site.station("desk-a")
        b = site.station("desk-b")
        Settings(site_name="site1").save(folder_of(a))
        fresh_day(a, clock)
        site.sync(a, b)
        assert_converged(a, b)
        before = held(b)
        result = dayfile.import_into(b, dayfile.read(export(a)), folder=folder_of(b), trust=fingerprint_of(a))
        assert (result.new, result.held) == (0, len(a.events()))
        assert held(b) == before
    finally:
        site.close()


def test_a_day_whose_earlier_days_are_missing_is_refused_naming_the_day_to_import_first(tmp_path, clock):
    a = laptop(tmp_path, clock, "desk-a")
    fresh_day(a, clock)
    day1 = a.scalar("SELECT max(seq) FROM events")
    clock.advance(days=1)
    fresh_day_two(a, clock)
    b = laptop(tmp_path, clock, "desk-b")
    fp = fingerprint_of(a)
    day2 = dayfile.read(export(a, DAY2))
    with refused(
        "export_gap", origin="desk-a", held=0, first=day1 + 1, need=f"1-{day1}", before=DAY.isoformat()
    ) as info:
        dayfile.import_into(b, day2, folder=folder_of(b), trust=fp)
    assert DAY.isoformat() in info.value.message("en") and "--all" in info.value.message("en")
    assert DAY.isoformat() in info.value.message("zh")
    assert b.scalar("SELECT count(*) FROM events") == 0
    dayfile.import_into(b, dayfile.read(export(a, DAY)), folder=folder_of(b), trust=fp)
    assert (
        dayfile.import_into(b, day2, folder=folder_of(b)).new
        == a.scalar("SELECT count(*) FROM events") - day1
    )
    assert_converged(a, b)
    # or everything at once, on a third laptop
    c = laptop(tmp_path, clock, "desk-c")
    assert dayfile.import_into(c, dayfile.read(export(a, None)), folder=folder_of(c), trust=fp).new == len(
        a.events()
    )
    assert_converged(a, c)


# --- refused files: the reason, and nothing stored -----------------------------------------------------------
@pytest.fixture
def pair(tmp_path, clock):
    """desk-a's first day, imported on desk-b (which so knows desk-a's key); desk-a's second day not yet."""
    a = laptop(tmp_path, clock, "desk-a")
    fresh_day(a, clock)
    b = laptop(tmp_path, clock, "desk-b")
    dayfile.import_into(b, dayfile.read(export(a)), folder=folder_of(b), trust=fingerprint_of(a))
    clock.advance(days=1)
    fresh_day_two(a, clock)
    yield a, b, export(a, DAY2)
    a.close()
    b.close()


def _import(b: Store, data: bytes, **kw):
    return dayfile.import_into(b, dayfile.read(data, **kw), folder=folder_of(b))


CASES = {
    "tampered byte in events": (tamper_events, "export_tampered"),
    "edited manifest": (edit_manifest, "export_bad_signature"),
    "truncated": (truncate, "export_damaged"),
    "re-signed by another key": (
        lambda d: resign(members(d), SigningKey.generate()),
        "export_signer_changed",
    ),
    "not a day file": (lambda d: b"hello" + d, "export_not_a_day_file"),
    "an extra member": (lambda d: rezip({**members(d), "x.txt": b"x"}), "export_damaged"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_refused_file_stores_nothing(pair, case):
    a, b, good = pair
    spoil, code = CASES[case]
    before = held(b)
    with refused(code) as info:
        _import(b, spoil(good))
    for lang in ("zh", "en"):
        assert "{" not in info.value.message(lang)
    assert held(b) == before
    assert _import(b, good).new > 0  # the genuine file still goes in


def test_signed_by_the_right_key_but_untrue_inside_is_refused(pair, tmp_path):
    """A bug or a forger with the station's own key: the manifest's counts and the lines are checked too."""
    a, b, good = pair
    key = keys.station_key(folder_of(a))
    parts = members(good)
    before = held(b)

    def more_injections(m):
        m["types"]["Injected"] += 1

    with refused("export_manifest_mismatch", what="types"):
        _import(b, resign(parts, key, more_injections))
    lines = parts[dayfile.EVENTS].split(b"\n")
    lines[0] = (
        json.dumps(json.loads(lines[0]), indent=1).replace("\n", "").encode()
    )  # same event, not canonical
    with refused("export_bad_event", line=1, reason="not in canonical form"):
        _import(b, resign({**parts, dayfile.EVENTS: b"\n".join(lines)}, key))
    dropped = b"\n".join(parts[dayfile.EVENTS].split(b"\n")[1:])  # the first event left out

    def fewer(m):
        m["events"]["count"] -= 1
        m["origins"]["desk-a"]["count"] -= 1
        m["origins"]["desk-a"]["first"] += 1

    first_type = json.loads(parts[dayfile.EVENTS].split(b"\n")[0])["type"]

    def fewer_of_type(m):
        fewer(m)
        m["types"][first_type] -= 1
        m["types"] = {k: v for k, v in m["types"].items() if v}
        m["hlc"]["min"] = json.loads(dropped.split(b"\n")[0])["hlc"]

    # a consistent file that starts one event later: refused for the gap it leaves here
    with refused("export_gap"):
        _import(b, resign({**parts, dayfile.EVENTS: dropped}, key, fewer_of_type))
    assert held(b) == before


def test_a_file_of_another_site_is_refused(tmp_path, clock):
    a = laptop(tmp_path, clock, "desk-a")
    fresh_day(a, clock)
    other = laptop(tmp_path, clock, "desk-x", site="site2")
    with refused("export_wrong_site", site="site1", here="site2"):
        dayfile.import_into(other, dayfile.read(export(a)), folder=folder_of(other), trust=fingerprint_of(a))
    assert other.scalar("SELECT count(*) FROM events") == 0


def test_a_sealed_file_is_refused_on_a_laptop_with_the_way_out(tmp_path, clock):
    a = laptop(tmp_path, clock, "desk-a")
    fresh_day(a, clock)
    district = PrivateKey.generate()
    sealed = export(a, seal_to=base64.b64encode(bytes(district.public_key)).decode())
    assert sealed.startswith(dayfile.SEAL_MAGIC)
    with refused("export_sealed_laptop") as info:
        dayfile.read(sealed)
    assert "--no-seal" in info.value.message("en") and "--no-seal" in info.value.message("zh")
    # the district opens it, and finds the very file --no-seal would have written (created_at aside)
    inner = dayfile.read(sealed, district_key=district, where="server")
    assert inner.sealed and [e.id for e in inner.events] == [e.id for e in a.events()]
    with refused("export_sealed_other_key"):
        dayfile.read(sealed, district_key=PrivateKey.generate(), where="server")
    with refused("export_damaged"):
        dayfile.read(sealed[:-10], district_key=district, where="server")


def test_a_zip_bomb_and_oversized_members_are_refused_before_unpacking(pair, monkeypatch):
    a, b, good = pair
    before = held(b)
    parts = members(good)
    # 64 MB of zeros packs into some 60 KB: refused on the size the archive states
    bomb = rezip({**parts, dayfile.EVENTS: bytes(64 * 2**20)})
    assert len(bomb) < 200_000
    monkeypatch.setattr(dayfile, "MAX_EVENTS_BYTES", 32 * 2**20)
    with refused("export_member_too_large", member="events.jsonl"):
        _import(b, bomb)
    # an archive that understates a member's size: never read past the limit, and the CRC fails
    lying = bytearray(rezip(parts))
    entries = [i for i in range(len(lying)) if lying.startswith(b"PK\x01\x02", i)]  # the central directory
    cd = entries[list(parts).index(dayfile.EVENTS)]
    lying[cd + 24 : cd + 28] = (100).to_bytes(4, "little")  # its stated unpacked size
    with refused("export_damaged"):
        _import(b, bytes(lying))
    monkeypatch.setattr(dayfile, "MAX_FILE_BYTES", len(good) - 1)
    with refused("export_too_large"):
        _import(b, good)
    assert held(b) == before


# --- the commands ---------------------------------------------------------------------------------------------
def test_export_and_import_day_from_the_terminal(tmp_path, clock):
    a = laptop(tmp_path, clock, "desk-a")
    fresh_day(a, clock)
    fp = fingerprint_of(a)
    a.close()
    data_a, data_b = tmp_path / "desk-a", tmp_path / "desk-b"
    assert run_station("init", "--station-id", "desk-b", data=data_b).returncode == 0
    Settings(site_name="site1", station_id="desk-b", desk_roles=["admin"]).save(data_b)
    out = run_station("export", "--out", str(tmp_path / "x.zip"), data=data_a)
    assert out.returncode == 2 and "--day" in out.stderr
    file = tmp_path / "usb" / "desk-a-2026-11-26.vaxday"
    out = run_station("export", "--day", DAY.isoformat(), "--out", str(file), data=data_a)
    assert out.returncode == 0, out.stderr
    assert "已签名" in out.stdout and fp in out.stdout and file.exists()
    # refused: untrusted, then tampered (a reason in the user's language, exit 2, no traceback)
    out = run_station("import-day", str(file), data=data_b)
    assert (
        out.returncode == 2 and fp in out.stderr and "--trust" in out.stderr and "Traceback" not in out.stderr
    )
    spoiled = tmp_path / "spoiled.vaxday"
    spoiled.write_bytes(tamper_events(file.read_bytes()))
    out = run_station("import-day", str(spoiled), "--trust", fp, data=data_b, lang="en")
    assert (
        out.returncode == 2
        and "do not match its signed manifest" in out.stderr
        and "Traceback" not in out.stderr
    )
    out = run_station("import-day", str(file), "--trust", fp, data=data_b)
    assert out.returncode == 0, out.stderr
    assert "新增" in out.stdout
    out = run_station("import-day", str(file), data=data_b, lang="en")
    assert out.returncode == 0 and "0 new" in out.stdout
    b, a = Store.open(data_b / "station.sqlite3"), Store.open(data_a / "station.sqlite3")
    try:
        assert_converged(a, b)
    finally:
        a.close()
        b.close()


def test_export_seals_to_the_district_key_in_the_settings(tmp_path, clock):
    a = laptop(tmp_path, clock, "desk-a")
    fresh_day(a, clock)
    a.close()
    district = PrivateKey.generate()
    folder = tmp_path / "desk-a"
    settings = Settings.load(folder)
    settings.district_public_key = base64.b64encode(bytes(district.public_key)).decode()
    settings.save(folder)
    sealed, plain = tmp_path / "sealed.vaxday", tmp_path / "plain.vaxday"
    out = run_station("export", "--day", DAY.isoformat(), "--out", str(sealed), data=folder)
    assert out.returncode == 0 and keys.fingerprint(bytes(district.public_key)) in out.stdout
    assert sealed.read_bytes().startswith(dayfile.SEAL_MAGIC)
    assert dayfile.read(sealed.read_bytes(), district_key=district, where="server").station == "desk-a"
    out = run_station("export", "--day", DAY.isoformat(), "--out", str(plain), "--no-seal", data=folder)
    assert out.returncode == 0 and plain.read_bytes().startswith(dayfile.ZIP_MAGIC)
    settings.district_public_key = "not a key"
    settings.save(folder)
    out = run_station("export", "--day", DAY.isoformat(), "--out", str(sealed), data=folder, lang="en")
    assert out.returncode == 2 and "district public key" in out.stderr


def test_export_needs_a_site(tmp_path):
    data = tmp_path / "bare"
    assert run_station("init", "--station-id", "desk-n", data=data).returncode == 0
    Store.open(data / "station.sqlite3").close()
    out = run_station("export", "--day", DAY.isoformat(), "--out", str(tmp_path / "f"), data=data, lang="en")
    assert out.returncode == 2 and "site name" in out.stderr
    out = run_station(
        "export", "--all", "--site", "site9", "--out", str(tmp_path / "f"), data=data, lang="en"
    )
    assert out.returncode == 2 and "no records" in out.stderr  # past the site: nothing recorded yet
