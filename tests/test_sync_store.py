"""The server store (sync/server/store.py), the same tests on SQLite and on PostgreSQL.

The fixtures ``store_url`` and ``server_store`` come from tests/pgfixtures.py (a conftest plugin).
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace

import pytest

from station.store import Event
from sync.protocol import ProtocolError
from sync.server.sqlcommon import SCHEMA_VERSION
from sync.server.store import PushResult, open_store

NOW = "2026-11-26T08:00:00+08:00"
LATER = "2026-11-26T09:00:00+08:00"
DAY_END = "2026-11-26T23:59:59+08:00"


def ev(origin: str, seq: int, *, type_: str = "SignedIn", **payload) -> Event:
    """The event ``origin``/``seq``: the same arguments give the same event (and digest)."""
    return Event(
        id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{origin}/{seq}")),
        origin=origin,
        seq=seq,
        hlc=f"{1764115200000 + seq:013d}.{seq % 100000:05d}.{origin}",
        type=type_,
        visit_id=f"visit-{seq}",
        staff_id="sign1",
        payload={"n": seq, "name": "张三", "nested": {"b": [1, 2.5, None], "a": True}, **payload},
        recorded_at=NOW,
    )


def run(origin: str, first: int, last: int, **kw) -> list[Event]:
    return [ev(origin, seq, **kw) for seq in range(first, last + 1)]


def everything(store, *, site=None, page=1000) -> list[tuple[int, Event]]:
    out, after = [], 0
    while True:
        got = store.read(after, page, site=site)
        if not got.events:
            return out
        out.extend(got.events)
        after = got.next


def errors(result: PushResult) -> list[tuple[int, str]]:
    return [(r.index, r.error) for r in result.rejected]


# --- push -------------------------------------------------------------------------------------------


def test_push_stores_a_batch_and_is_idempotent(server_store):
    result = server_store.push(run("a", 1, 3), site="s1", allowed_origins=None)
    assert (result.accepted, result.duplicates, result.rejected, result.hwm) == (3, 0, [], {"a": 3})

    again = server_store.push(run("a", 1, 3), site="s1", allowed_origins=None)
    assert (again.accepted, again.duplicates, again.rejected, again.hwm) == (0, 3, [], {"a": 3})

    overlap = server_store.push(run("a", 2, 5), site="s1", allowed_origins={"a"})
    assert (overlap.accepted, overlap.duplicates, overlap.rejected, overlap.hwm) == (2, 2, [], {"a": 5})

    held = everything(server_store)
    assert [e for _pos, e in held] == run("a", 1, 5)  # payloads come back as they went in
    assert [pos for pos, _e in held] == [1, 2, 3, 4, 5]


def test_empty_push(server_store):
    assert server_store.push([], site="s1", allowed_origins=None) == PushResult()
    assert server_store.head() == 0


def test_each_event_of_a_batch_is_checked_on_its_own(server_store):
    server_store.push(run("a", 1, 2), site="s1", allowed_origins=None)
    server_store.push(run("b", 1, 1), site="s2", allowed_origins=None)
    changed = replace(ev("a", 2), payload={"n": "not the same"})
    batch = [
        ev("a", 3),  # 0 good
        changed,  # 1 held with another digest
        ev("a", 5),  # 2 a gap (the next is 4)
        ev("b", 2),  # 3 b belongs to site s2
        ev("c", 1),  # 4 not in allowed_origins
        ev("a", 4),  # 5 good
        ev("a", 4),  # 6 the same again in the batch: a duplicate
        replace(ev("a", 4), hlc="1764115200000.00000.a"),  # 7 added by this batch with another digest
        ev("d", 1),  # 8 a new origin: bound to s1
        ev("a", 1),  # 9 held, same digest: a duplicate
        ev("d", 3),  # 10 a gap in a new origin
    ]
    result = server_store.push(batch, site="s1", allowed_origins={"a", "b", "d"})
    assert result.accepted == 3
    assert result.duplicates == 2
    assert errors(result) == [
        (1, "event_mismatch"),
        (2, "event_gap"),
        (3, "origin_other_site"),
        (4, "origin_not_allowed"),
        (7, "event_mismatch"),
        (10, "event_gap"),
    ]
    by_index = {r.index: r for r in result.rejected}
    assert (by_index[2].origin, by_index[2].seq) == ("a", 5)
    assert "next is 4" in by_index[2].reason
    assert result.hwm == {"a": 4, "b": 1, "c": 0, "d": 1}

    held = [e for _pos, e in everything(server_store)]
    assert held == [*run("a", 1, 2), ev("b", 1), ev("a", 3), ev("a", 4), ev("d", 1)]
    assert server_store.hwm(site="s1") == {"a": 4, "d": 1}
    assert server_store.hwm(site="s2") == {"b": 1}


def test_a_new_origin_starts_at_one_and_is_bound_only_when_it_gets_an_event(server_store):
    result = server_store.push(run("a", 2, 3), site="s1", allowed_origins=None)
    assert errors(result) == [(0, "event_gap"), (1, "event_gap")]
    assert result.hwm == {"a": 0}
    assert server_store.hwm(site=None) == {}
    # nothing held, nothing bound: another site may still take the origin
    assert server_store.push(run("a", 1, 1), site="s2", allowed_origins=None).accepted == 1
    assert errors(server_store.push(run("a", 2, 2), site="s1", allowed_origins=None)) == [
        (0, "origin_other_site")
    ]


def test_hwm_by_site(server_store):
    server_store.push(run("a", 1, 4) + run("b", 1, 2), site="s1", allowed_origins=None)
    server_store.push(run("c", 1, 7), site="s2", allowed_origins=None)
    assert server_store.hwm(site="s1") == {"a": 4, "b": 2}
    assert server_store.hwm(site="s2") == {"c": 7}
    assert server_store.hwm(site="nowhere") == {}
    assert server_store.hwm(site=None) == {"a": 4, "b": 2, "c": 7}


def test_prepare_gives_the_protocols_digest_and_payload_text():
    """The stores take each event's digest and canonical payload from one JSON encoding."""
    from sync.protocol import canonical, event_digest
    from sync.server.sqlcommon import _SPLICE_OK, prepare

    assert _SPLICE_OK
    tricky = [
        ev("a", 1),
        replace(ev("a", 2), visit_id=None, staff_id=None, payload={}),
        replace(
            ev("a", 3), staff_id='quote " and ,"recorded_at":', payload={"recorded_at": ',"payload":"x"'}
        ),
        replace(ev("a", 4), payload={"payload": {"payload": [1, "\u2028", "\\", "é", None, 1.5e300]}}),
        replace(ev("a", 5), hlc=5, payload={"n": 1}),  # not a plain event: the plain way
    ]
    assert prepare(tricky) == [(event_digest(e), canonical(e.payload).decode()) for e in tricky]


# --- reading ----------------------------------------------------------------------------------------


def test_read_pages_by_position_and_filters_by_site(server_store):
    assert server_store.read(0, 10, site=None) == server_store.read(0, 10, site="s1")
    empty = server_store.read(0, 10, site=None)
    assert (empty.events, empty.next, empty.head) == ([], 0, 0)

    for seq in range(1, 6):  # the two sites interleaved in the log
        server_store.push([ev("a", seq)], site="s1", allowed_origins=None)
        server_store.push([ev("x", seq)], site="s2", allowed_origins=None)
    assert server_store.head() == 10

    first = server_store.read(0, 3, site="s1")
    assert [(pos, e.origin, e.seq) for pos, e in first.events] == [(1, "a", 1), (3, "a", 2), (5, "a", 3)]
    assert (first.next, first.head) == (5, 10)
    second = server_store.read(first.next, 3, site="s1")
    assert [(pos, e.seq) for pos, e in second.events] == [(7, 4), (9, 5)]
    assert (second.next, second.head) == (9, 10)
    last = server_store.read(second.next, 3, site="s1")
    assert (last.events, last.next, last.head) == ([], 9, 10)

    everyone = server_store.read(4, 3, site=None)
    assert [(pos, e.origin, e.seq) for pos, e in everyone.events] == [(5, "a", 3), (6, "x", 3), (7, "a", 4)]
    assert everyone.next == 7
    assert [e for _pos, e in everything(server_store, site="s2", page=2)] == run("x", 1, 5)
    assert server_store.read(0, 10, site="nowhere").events == []


def test_events_after_for_forwarding_upstream(server_store):
    server_store.push(run("b", 1, 3), site="s1", allowed_origins=None)
    server_store.push(run("a", 1, 4), site="s2", allowed_origins=None)
    server_store.push(run("c", 1, 2), site="s1", allowed_origins=None)

    got = server_store.events_after({"a": 2, "c": 2, "z": 9}, 100)
    assert [(e.origin, e.seq) for e in got] == [("a", 3), ("a", 4), ("b", 1), ("b", 2), ("b", 3)]
    assert got[0] == ev("a", 3)
    assert [(e.origin, e.seq) for e in server_store.events_after({}, 4)] == [
        ("a", 1),
        ("a", 2),
        ("a", 3),
        ("a", 4),
    ]
    assert [(e.origin, e.seq) for e in server_store.events_after({"a": 3}, 3)] == [
        ("a", 4),
        ("b", 1),
        ("b", 2),
    ]
    assert server_store.events_after({"a": 4, "b": 3, "c": 2}, 100) == []


def test_stats(server_store):
    server_store.push(run("a", 1, 3) + run("b", 1, 1, type_="Injected"), site="s1", allowed_origins=None)
    server_store.push(run("c", 1, 2, type_="Injected"), site="s2", allowed_origins=None)
    server_store.push(run("c", 5, 5), site="s2", allowed_origins=None)  # a gap: not counted anywhere
    assert server_store.stats() == {
        "events": 6,
        "origins": {"a": 3, "b": 1, "c": 2},
        "types": {"Injected": 3, "SignedIn": 3},
        "sites": {"s1": 4, "s2": 2},
        "server_id": server_store.server_id,
        "head": 6,
    }


# --- enrollment and credentials -----------------------------------------------------------------


def test_a_code_is_single_use(server_store):
    server_store.add_code("h1", role="station", site="s1", expires_at="2026-11-26T10:00:00+08:00")
    cred = server_store.redeem("h1", station="desk-1", token_hash="t1", token_id="id1", now=NOW)
    assert (cred.token_id, cred.role, cred.site, cred.station, cred.created_at, cred.revoked_at) == (
        "id1",
        "station",
        "s1",
        "desk-1",
        NOW,
        None,
    )
    assert server_store.credential("t1") == cred
    assert server_store.redeem("h1", station="desk-2", token_hash="t2", token_id="id2", now=NOW) is None
    assert server_store.redeem("unknown", station="desk-2", token_hash="t2", token_id="id2", now=NOW) is None
    assert server_store.credential("t2") is None


def test_an_expired_code_is_refused(server_store):
    server_store.add_code("h1", role="station", site="s1", expires_at="2026-11-26T08:30:00+08:00")
    # the same instant written in UTC: expired at 00:30Z
    assert (
        server_store.redeem("h1", station="d", token_hash="t", token_id="i", now="2026-11-26T00:30:00+00:00")
        is None
    )
    assert server_store.redeem("h1", station="d", token_hash="t", token_id="i", now=LATER) is None
    # not used by the refusals: still good before it expires
    assert server_store.redeem("h1", station="d", token_hash="t", token_id="i", now=NOW) is not None


def test_hub_and_district_codes(server_store):
    server_store.add_code("hub", role="hub", site="s1", expires_at=DAY_END)
    server_store.add_code("dist", role="district", site=None, expires_at=DAY_END)
    hub = server_store.redeem("hub", station="hub-s1", token_hash="th", token_id="ih", now=NOW)
    district = server_store.redeem("dist", station="up", token_hash="td", token_id="id", now=NOW)
    assert (hub.role, hub.site, hub.station) == ("hub", "s1", "hub-s1")
    assert (district.role, district.site) == ("district", None)
    assert server_store.credential("td") == district


def test_a_station_id_live_in_another_site_is_taken(server_store):
    for code, site in [("c1", "s1"), ("c2", "s2"), ("c3", "s1"), ("c4", "s2")]:
        server_store.add_code(code, role="station", site=site, expires_at=DAY_END)
    first = server_store.redeem("c1", station="desk-1", token_hash="t1", token_id="i1", now=NOW)
    with pytest.raises(ProtocolError) as refused:
        server_store.redeem("c2", station="desk-1", token_hash="t2", token_id="i2", now=NOW)
    assert refused.value.code == "station_id_taken"
    # the refusal used nothing up; the same site may enroll the station again
    assert server_store.redeem("c3", station="desk-1", token_hash="t3", token_id="i3", now=NOW) is not None
    server_store.revoke(first.token_id, now=NOW)
    server_store.revoke("i3", now=NOW)
    # once its credentials are revoked the id is free
    assert server_store.redeem("c2", station="desk-1", token_hash="t2", token_id="i2", now=NOW).site == "s2"


def test_a_station_id_whose_events_belong_to_another_site_is_taken(server_store):
    """Its events are bound to s1 (forwarded by s1's hub): a desk of s2 with that id could never push."""
    server_store.push([ev("desk-9", 1)], site="s1", allowed_origins=None)
    server_store.add_code("c", role="station", site="s2", expires_at=DAY_END)
    with pytest.raises(ProtocolError) as refused:
        server_store.redeem("c", station="desk-9", token_hash="t", token_id="i", now=NOW)
    assert refused.value.code == "station_id_taken"
    server_store.add_code("c1", role="station", site="s1", expires_at=DAY_END)
    assert server_store.redeem("c1", station="desk-9", token_hash="t1", token_id="i1", now=NOW).site == "s1"


def test_credentials_and_revoke(server_store):
    server_store.add_code("c1", role="station", site="s1", expires_at=DAY_END)
    server_store.add_code("c2", role="hub", site="s1", expires_at=DAY_END)
    a = server_store.redeem("c1", station="desk-1", token_hash="ta", token_id="ia", now=NOW)
    b = server_store.redeem("c2", station="hub", token_hash="tb", token_id="ib", now=LATER)
    assert server_store.credentials() == [a, b]

    assert server_store.revoke("ia", now=LATER) is True
    assert server_store.revoke("ia", now=LATER) is False
    assert server_store.revoke("nobody", now=LATER) is False
    assert server_store.credential("ta") is None
    assert server_store.credential("tb") == b
    assert server_store.credentials() == [replace(a, revoked_at=LATER), b]


# --- small state, reopening -------------------------------------------------------------------------


def test_meta(server_store):
    assert server_store.get_meta("upstream") is None
    server_store.set_meta("upstream", "https://district.example")
    server_store.set_meta("upstream", "https://district2.example")
    assert server_store.get_meta("upstream") == "https://district2.example"
    server_store.set_meta("upstream", None)
    assert server_store.get_meta("upstream") is None
    server_store.set_meta("missing", None)  # deleting what is not there is fine
    assert server_store.get_meta("schema_version") == str(SCHEMA_VERSION)
    assert server_store.get_meta("server_id") == server_store.server_id


def test_reopening_keeps_the_server_id_and_the_data(store_url):
    store = open_store(store_url)
    server_id = store.server_id
    uuid.UUID(server_id)
    store.push(run("a", 1, 3), site="s1", allowed_origins=None)
    store.add_code("c", role="station", site="s1", expires_at=DAY_END)
    store.set_meta("k", "v")
    store.close()

    store = open_store(store_url)
    try:
        assert store.server_id == server_id
        assert store.get_meta("k") == "v"
        assert [e for _pos, e in everything(store)] == run("a", 1, 3)
        assert store.redeem("c", station="d", token_hash="t", token_id="i", now=NOW) is not None
        result = store.push(run("a", 3, 4), site="s1", allowed_origins=None)
        assert (result.accepted, result.duplicates, result.hwm) == (1, 1, {"a": 4})
        assert store.head() == 4
    finally:
        store.close()


def test_two_stores_have_their_own_ids(tmp_path, store_url):
    store = open_store(store_url)
    other = open_store(str(tmp_path / "other.sqlite3"))
    try:
        assert store.server_id != other.server_id
    finally:
        store.close()
        other.close()


# --- concurrency --------------------------------------------------------------------------------------


def test_concurrent_pushes_keep_the_log_contiguous(server_store):
    """Several stations push at once while a reader pages along: every event is read exactly once,
    positions only grow, and with nothing rolled back they run 1..N without a hole."""
    # many small batches and a greedy reader: without the store's ordering, a reader here skips
    # events (PostgreSQL: a position drawn early and committed late) in nearly every run
    writers, batches, size = 6, 40, 5
    total = writers * batches * size
    errors_seen: list[BaseException] = []
    read: list[tuple[int, Event]] = []
    done = threading.Event()

    def push(origin: str) -> None:
        try:
            for b in range(batches):
                result = server_store.push(
                    run(origin, b * size + 1, (b + 1) * size), site="s1", allowed_origins={origin}
                )
                assert (result.accepted, result.rejected) == (size, [])
        except BaseException as exc:
            errors_seen.append(exc)

    def reader() -> None:
        after = 0
        try:
            while True:
                finished = done.is_set()  # read once more after the writers are done
                page = server_store.read(after, 1000, site="s1")
                read.extend(page.events)
                after = page.next
                if finished and not page.events:
                    return
        except BaseException as exc:
            errors_seen.append(exc)

    threads = [threading.Thread(target=push, args=(f"st{i}",)) for i in range(writers)]
    reading = threading.Thread(target=reader)
    reading.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    reading.join()
    assert errors_seen == []

    positions = [pos for pos, _e in read]
    assert positions == list(range(1, total + 1))
    assert sorted((e.origin, e.seq) for _pos, e in read) == sorted(
        (f"st{i}", seq) for i in range(writers) for seq in range(1, batches * size + 1)
    )
    for i in range(writers):  # each origin's events in seq order along the log
        assert [e.seq for _pos, e in read if e.origin == f"st{i}"] == list(range(1, batches * size + 1))
    assert server_store.hwm(site="s1") == {f"st{i}": batches * size for i in range(writers)}


def test_one_batch_pushed_at_once_through_two_stores(store_url):
    """Two store objects on one database (two server processes, say), four pushes of one origin's
    batch together: each event is stored once, the other pushes count it as a duplicate; none fails."""
    stores = [open_store(store_url), open_store(store_url)]
    batch = run("a", 1, 200)
    results: list[PushResult] = []
    errors_seen: list[BaseException] = []
    start = threading.Barrier(4)

    def push(store) -> None:
        try:
            start.wait()
            results.append(store.push(batch, site="s1", allowed_origins=None))
        except BaseException as exc:
            errors_seen.append(exc)

    threads = [threading.Thread(target=push, args=(stores[i % 2],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors_seen == []
        assert sum(r.accepted for r in results) == 200
        assert sum(r.duplicates for r in results) == 600
        assert all(r.rejected == [] and r.hwm == {"a": 200} for r in results)
        assert [pos for pos, _e in everything(stores[1])] == list(range(1, 201))
        assert stores[0].server_id == stores[1].server_id
    finally:
        for store in stores:
            store.close()


def test_a_newer_schema_is_refused(store_url):
    store = open_store(store_url)
    store.set_meta("schema_version", "99")
    store.close()
    with pytest.raises(RuntimeError, match="schema version 99 is newer"):
        open_store(store_url)


def test_a_version_1_hub_file_is_upgraded_in_place(tmp_path):
    """A hub's SQLite file from the first release opens, keeps its log, and gains the new tables."""
    import sqlite3

    from sync.server import sqlitestore

    path = tmp_path / "hub.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(sqlitestore.MIGRATIONS[0])
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("INSERT INTO meta VALUES ('schema_version', '1'), ('server_id', 'old-hub')")
    db.execute("INSERT INTO origins (origin, site, hwm) VALUES ('desk-1', 'site-a', 0)")
    db.close()

    store = open_store(str(path))
    try:
        assert store.server_id == "old-hub"
        assert store.get_meta("schema_version") == str(SCHEMA_VERSION)
        result = store.push(run("desk-1", 1, 3), site="site-a", allowed_origins={"desk-1"})
        assert result.accepted == 3
    finally:
        store.close()
    db = sqlite3.connect(path)
    pushed = db.execute("SELECT hwm, last_push_at FROM origins WHERE origin = 'desk-1'").fetchone()
    assert pushed[0] == 3 and pushed[1] is not None
    assert db.execute("SELECT count(*) FROM station_keys").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM viewers").fetchone() == (0,)
    db.close()


def test_plain_sql_reads_and_writes_in_one_transaction(server_store):
    """``query`` and ``execute`` take ``?`` on both databases; a failing write leaves nothing."""
    server_store.execute(
        [
            (
                "INSERT INTO viewers (name, password_hash, site, created_at) VALUES (?, ?, ?, ?)",
                ("街道办", "h", "s1", NOW),
            ),
            (
                "INSERT INTO viewers (name, password_hash, site, created_at) VALUES (?, ?, ?, ?)",
                ("区疾控", "h", None, NOW),
            ),
        ]
    )
    assert server_store.query(
        "SELECT name FROM viewers WHERE site IS NULL OR site LIKE ? ORDER BY name", ("s%",)
    ) == [
        ("区疾控",),
        ("街道办",),
    ]
    with pytest.raises(Exception):  # noqa: B017 - sqlite3 and psycopg raise their own IntegrityError
        server_store.execute(
            [
                ("UPDATE viewers SET disabled_at = ? WHERE name = ?", (LATER, "街道办")),
                (
                    "INSERT INTO viewers (name, password_hash, site, created_at) VALUES (?, ?, ?, ?)",
                    ("区疾控", "h", None, NOW),
                ),
            ]
        )
    assert server_store.query("SELECT disabled_at FROM viewers WHERE name = ?", ("街道办",)) == [(None,)]
    assert server_store.execute([("DELETE FROM viewers WHERE site = ?", ("s1",))]) == [1]


def test_an_event_stamped_far_ahead_of_the_servers_clock_is_refused(server_store):
    """A laptop with its date ten years ahead (#13): the hub refuses its events (``event_future``),
    those after it wait (``event_gap``), and nothing of it reaches the other desks' pulls."""
    now_ms = 1764115200000  # the server's clock: the stamps of ``ev`` (2025-11-26)
    server_store.wall_ms = lambda: now_ms
    ten_years = 10 * 365 * 24 * 3_600_000

    def ahead(seq: int, by_ms: int) -> Event:
        e = ev("z", seq)
        return replace(e, hlc=f"{now_ms + by_ms:013d}.00000.z")

    result = server_store.push([ev("a", 1), ahead(1, ten_years), ahead(2, ten_years)], site="s1",
                               allowed_origins=None)
    assert errors(result) == [(1, "event_future"), (2, "event_gap")]
    assert "87600 hours ahead" in result.rejected[0].reason
    assert result.hwm == {"a": 1, "z": 0}
    assert [e.origin for _pos, e in everything(server_store)] == ["a"]

    # within the margin (23 hours ahead: a time zone set wrong, a slow BIOS clock): taken
    soon = server_store.push([ahead(1, 23 * 3_600_000)], site="s1", allowed_origins=None)
    assert (soon.accepted, soon.rejected) == (1, [])
    # the margin is the server's setting; None turns the check off (a hub whose own clock is wrong)
    server_store.clock_margin_hours = None
    late = server_store.push([ahead(2, ten_years)], site="s1", allowed_origins=None)
    assert (late.accepted, late.rejected) == (1, [])
