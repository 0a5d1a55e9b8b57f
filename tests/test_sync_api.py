"""The sync server's HTTP surface, on a real server (uvicorn on a loopback port, TLS, the pinned certificate).

What a client meets: every error is ``{"error": code, "reason": text}`` with its proper status, the one
open door (``/health``) and the schema, long-poll, paging and checksums, what each role may read and
push, and a schemathesis fuzz run against the served OpenAPI schema (no answer is ever a 5xx).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sync import protocol, tls
from sync.server.app import enroll
from sync.server.serve import Server
from sync.server.store import ServerStore, open_store
from tests.pgfixtures import store_url as store_url  # noqa: F401  (fixture, parametrized: sqlite, postgres)

V1 = protocol.PREFIX


# --- a hub on a loopback port, and clients that pin its certificate -------------------------------------
class Hub:
    def __init__(self, url: str, *, cert: tuple[str, str] | None = None, **app_options: Any) -> None:
        self.store: ServerStore = open_store(url)
        if cert:  # the hub's certificate and key, as the hub keeps them (else it makes its own)
            self.store.set_meta("tls.cert", cert[0])
            self.store.set_meta("tls.key", cert[1])
        self.server = Server(self.store, port=0, use_tls=True, graceful_seconds=0.1, app_options=app_options)
        self.server.start()
        self.url = self.server.url
        assert self.url.startswith("https://")
        self._clients: list[httpx.Client] = []

    def client(self, token: str | None = None, timeout: float = 10.0) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        c = httpx.Client(
            base_url=self.url,
            verify=tls.pinned_context(self.server.cert_pem),
            headers=headers,
            timeout=timeout,
        )
        self._clients.append(c)
        return c

    def code(self, role: str = "station", site: str | None = "site1", hours: int = 24) -> str:
        return enroll(self.store, role=role, site=site, hours=hours)["code"]

    def join(self, station: str, role: str = "station", site: str | None = "site1") -> dict[str, Any]:
        r = self.client().post(f"{V1}/join", json={"code": self.code(role, site), "station": station})
        assert r.status_code == 200, r.text
        return r.json()

    def as_(self, station: str, role: str = "station", site: str | None = "site1") -> httpx.Client:
        """A client holding a fresh credential of ``station``."""
        return self.client(self.join(station, role, site)["token"])

    def close(self) -> None:
        for c in self._clients:
            c.close()
        self.server.stop()
        self.store.close()


@pytest.fixture
def hub(tmp_path) -> Iterator[Hub]:
    """A hub on SQLite: for what the app decides whatever the store (errors, limits, the schema)."""
    h = Hub(str(tmp_path / "hub.sqlite3"))
    yield h
    h.close()


@pytest.fixture
def any_hub(store_url) -> Iterator[Hub]:  # noqa: F811
    """A hub on each store: SQLite (a site hub) and PostgreSQL (a district)."""
    h = Hub(store_url)
    yield h
    h.close()


def events(origin: str, n: int, start: int = 1, **fields: Any) -> list[dict[str, Any]]:
    """``n`` events of ``origin`` in wire form, seq ``start``..``start + n - 1``."""
    return [
        {
            "id": str(uuid.uuid4()),
            "origin": origin,
            "seq": seq,
            "hlc": f"{1764115200000 + seq:013d}.00000.{origin}",
            "type": "SignedIn",
            "visit_id": f"v-{origin}-{seq}",
            "staff_id": "sign1",
            "payload": {"n": seq, "name": "张三", "desk": "S1"},
            "recorded_at": "2026-11-26T08:00:00+08:00",
            **fields,
        }
        for seq in range(start, start + n)
    ]


def push(client: httpx.Client, batch: list[dict[str, Any]]) -> dict[str, Any]:
    r = client.post(f"{V1}/events", json={"events": batch})
    assert r.status_code == 200, r.text
    return r.json()


def pull_all(client: httpx.Client, *, limit: int = protocol.MAX_PAGE) -> tuple[list[dict], list[dict]]:
    """Every event readable by the client, page by page: (events, pages)."""
    after, got, pages = 0, [], []
    while True:
        r = client.get(f"{V1}/events", params={"after": after, "limit": limit})
        assert r.status_code == 200, r.text
        page = r.json()
        pages.append(page)
        got += page["events"]
        after = page["next"]
        if not page["more"]:
            return got, pages
        assert len(pages) < 1000


def assert_error(r: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """An error answer: the status, a JSON body of exactly {"error", "reason"}, the code when given."""
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json"), r.headers
    body = r.json()
    assert set(body) == {"error", "reason"}, body
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["reason"], str) and body["reason"]
    if code is not None:
        assert body["error"] == code, body
    return body


# The authenticated endpoints, each with a request that would succeed with a credential.
AUTHED = [
    ("GET", f"{V1}/hello", {}),
    ("GET", f"{V1}/hwm", {}),
    ("GET", f"{V1}/events", {"params": {"after": 0}}),
    ("POST", f"{V1}/events", {"json": {"events": []}}),
]


# --- 1. errors: JSON, and the right status -----------------------------------------------------------
def test_every_v1_endpoint_but_join_needs_a_live_credential(hub):
    token = hub.join("desk-a")
    ok = hub.client(token["token"])
    revoked = hub.join("desk-r")
    assert hub.store.revoke(revoked["token_id"], now="2026-11-26T09:00:00+00:00")
    assert ok.get("/health").json()["status"] == "ok"
    callers = {
        "none": hub.client(),
        "unknown": hub.client("not-a-token-at-all"),
        "revoked": hub.client(revoked["token"]),
        "empty bearer": hub.client(),
        "basic": hub.client(),
    }
    callers["empty bearer"].headers["Authorization"] = "Bearer"
    callers["basic"].headers["Authorization"] = f"Basic {token['token']}"  # the right secret, wrong scheme
    for method, path, kw in AUTHED:
        assert ok.request(method, path, **kw).status_code == 200, (method, path)
        for who, client in callers.items():
            r = client.request(method, path, **kw)
            body = assert_error(r, 401, "unauthorized")
            assert r.headers.get("www-authenticate", "").lower().startswith("bearer"), (who, r.headers)
            assert token["token"] not in body["reason"]
    # join is the door in: no credential needed (and a bad code is 403, not 401)
    assert_error(hub.client().post(f"{V1}/join", json={"code": "AAAA-BBBB-CCCC", "station": "x"}), 403)


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": protocol.MAX_PAGE + 1},
        {"limit": 5000},
        {"limit": "ten"},
        {"after": -1},
        {"after": 2**63},
        {"after": "1.5"},
        {"wait": 99},
        {"wait": protocol.MAX_WAIT_SECONDS + 0.001},
        {"wait": -1},
        {"wait": "nan"},
        {"wait": "inf"},
        {"wait": "soon"},
    ],
)
def test_bad_query_parameters_are_400(hub, params):
    c = hub.as_("desk-a")
    body = assert_error(c.get(f"{V1}/events", params=params), 400, "bad_request")
    assert next(iter(params)) in body["reason"]


def test_malformed_push_bodies_are_400(hub):
    c = hub.as_("desk-a")
    json_ct = {"content-type": "application/json"}
    for content in (
        b"",
        b"{",
        b"not json",
        b"\xff\xfe",
        b"[]",
        b"null",
        b'"events"',
        b"{}",
        b'{"events": 3}',
        b'{"events": {"0": {}}}',
        b'{"events": "[]"}',
        b'{"events": [1, 2]}',
        b'{"events": [[]]}',
    ):
        assert_error(c.post(f"{V1}/events", content=content, headers=json_ct), 400, "bad_request")
    # a form, not JSON
    assert_error(c.post(f"{V1}/events", data={"events": "[]"}), 400, "bad_request")
    # one event over the batch limit
    over = [{}] * (protocol.MAX_BATCH_EVENTS + 1)
    body = assert_error(c.post(f"{V1}/events", json={"events": over}), 400, "bad_request")
    assert "events" in body["reason"]
    # at the limit it is a push (each event then refused on its own)
    answer = push(c, [{}] * protocol.MAX_BATCH_EVENTS)
    assert answer["accepted"] == 0 and len(answer["rejected"]) == protocol.MAX_BATCH_EVENTS
    assert {r["error"] for r in answer["rejected"]} == {"malformed_event"}
    # a join body
    for body in (
        {},
        {"code": "X"},
        {"station": "desk-z"},
        {"code": "", "station": "desk-z"},
        {"code": "ABCD", "station": "no spaces"},
        {"code": "ABCD", "station": "x" * 33},
        {"code": "A" * 65, "station": "desk-z"},
        [],
        "code",
    ):
        assert_error(hub.client().post(f"{V1}/join", json=body), 400, "bad_request")


def test_unknown_paths_are_404_and_wrong_methods_405(hub):
    c = hub.as_("desk-a")
    for client in (c, hub.client()):
        for path in ("/", "/nope", f"{V1}/nope", "/v2/events", f"{V1}/events/1", f"{V1}"):
            assert_error(client.get(path), 404, "not_found")
    for method, path in (
        ("DELETE", f"{V1}/events"),
        ("PUT", f"{V1}/events"),
        ("GET", f"{V1}/join"),
        ("POST", "/health"),
        ("POST", f"{V1}/hello"),
        ("PATCH", f"{V1}/hwm"),
    ):
        r = c.request(method, path)
        assert_error(r, 405, "method_not_allowed")
        allowed = {m.strip() for m in r.headers["allow"].split(",")}
        assert allowed == ALLOWED[path], (method, path, allowed)  # every method of the path, not some


ALLOWED = {
    f"{V1}/events": {"GET", "POST"},
    f"{V1}/join": {"POST"},
    f"{V1}/hello": {"GET"},
    f"{V1}/hwm": {"GET"},
    "/health": {"GET"},
}


def test_a_body_over_the_limit_is_413_with_or_without_content_length(hub):
    c = hub.as_("desk-a")
    over = protocol.MAX_BODY_BYTES + 1
    json_ct = {"content-type": "application/json"}
    # with Content-Length: refused before it is read
    r = c.post(f"{V1}/events", content=b" " * over, headers=json_ct)
    assert_error(r, 413, "too_large")
    assert r.request.headers["content-length"] == str(over)

    # chunked, no Content-Length: refused once the limit is passed
    def chunks(total: int) -> Iterator[bytes]:
        piece = b" " * 65536
        sent = 0
        while sent < total:
            n = min(len(piece), total - sent)
            yield piece[:n]
            sent += n

    r = c.post(f"{V1}/events", content=chunks(over), headers=json_ct)
    assert "content-length" not in r.request.headers and r.request.headers["transfer-encoding"] == "chunked"
    assert_error(r, 413, "too_large")
    # also without a credential: the size is checked first
    assert_error(hub.client().post(f"{V1}/events", content=chunks(over), headers=json_ct), 413, "too_large")
    # just under the limit, chunked, the body arrives whole (and here is a push)
    batch = events("desk-a", 3)
    text = json.dumps({"events": batch}).encode()
    padded = text[:-1] + b" " * (protocol.MAX_BODY_BYTES - len(text)) + b"}"
    assert len(padded) == protocol.MAX_BODY_BYTES

    def whole() -> Iterator[bytes]:
        for i in range(0, len(padded), 65536):
            yield padded[i : i + 65536]

    r = c.post(f"{V1}/events", content=whole(), headers=json_ct)
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 3


def test_a_credential_over_its_rate_is_429_with_retry_after(tmp_path):
    h = Hub(str(tmp_path / "hub.sqlite3"), rate=2, burst=3)
    try:
        a, b = h.as_("desk-a"), h.as_("desk-b")
        # a burst of 3, whatever the endpoint: the 4th request in well under half a second is refused
        answers = [a.request(method, path, **kw) for method, path, kw in AUTHED]
        assert [r.status_code for r in answers] == [200, 200, 200, 429], [r.text for r in answers]
        r = answers[-1]
        assert_error(r, 429, "rate_limited")
        retry = int(r.headers["retry-after"])
        assert 1 <= retry <= 2
        # another credential has its own allowance
        assert b.get(f"{V1}/hwm").status_code == 200
        # /health is not rate limited by a credential's bucket
        assert a.get("/health").status_code == 200
        time.sleep(retry)
        assert a.get(f"{V1}/hello").status_code == 200
    finally:
        h.close()


def test_repeated_bad_join_attempts_are_429(hub):
    anon = hub.client()
    statuses = []
    for i in range(30):
        r = anon.post(f"{V1}/join", json={"code": f"WRNG-CODE-{i:04d}", "station": "desk-x"})
        statuses.append(r.status_code)
        if r.status_code == 429:
            assert_error(r, 429, "rate_limited")
            assert int(r.headers["retry-after"]) >= 1
            break
        assert_error(r, 403, "bad_code")
    assert statuses[-1] == 429 and 5 <= len(statuses) <= 20, statuses
    # even the right code waits now: guessing is not sped up by knowing one
    assert_error(anon.post(f"{V1}/join", json={"code": hub.code(), "station": "desk-x"}), 429, "rate_limited")


def test_an_unknown_used_or_expired_code_is_403_bad_code(hub):
    anon = hub.client()
    code = hub.code()
    plain = code.replace("-", "")
    wrong_last = plain[:-1] + ("Y" if plain[-1] == "Z" else "Z")  # one character off (never the code itself)
    for attempt in ("AAAA-BBBB-CCCC", "not a code at all", wrong_last):
        assert_error(anon.post(f"{V1}/join", json={"code": attempt, "station": "desk-a"}), 403, "bad_code")
    first = anon.post(f"{V1}/join", json={"code": code.lower(), "station": "desk-a"})  # typed by hand
    assert first.status_code == 200, first.text
    assert_error(anon.post(f"{V1}/join", json={"code": code, "station": "desk-b"}), 403, "bad_code")
    expired = hub.code(hours=-1)
    assert_error(anon.post(f"{V1}/join", json={"code": expired, "station": "desk-c"}), 403, "bad_code")
    # a station id held in another site: 403 too, with its own code
    other = hub.code(site="site2")
    assert_error(anon.post(f"{V1}/join", json={"code": other, "station": "desk-a"}), 403, "station_id_taken")


def test_an_unexpected_failure_is_a_json_500(hub):
    c = hub.as_("desk-a")

    def broken(**kw):
        raise RuntimeError("disk on fire")

    hub.store.hwm = broken  # the instance attribute shadows the method for this hub only
    r = c.get(f"{V1}/hwm")
    body = assert_error(r, 500, "server_error")
    assert "disk on fire" not in body["reason"]  # internals stay in the server's log
    assert c.get(f"{V1}/hello").status_code == 200  # and the server goes on


# --- 2. the open door and the schema ------------------------------------------------------------------
def test_health_is_open_and_says_which_server(hub):
    r = hub.client().get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["server_id"] == hub.store.server_id
    assert body["version"] == protocol.VERSION and isinstance(body["program"], str)


def test_the_openapi_schema_is_served_and_lists_the_endpoints(hub):
    r = hub.client().get("/openapi.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    doc = r.json()
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for path, methods in (
        (f"{V1}/events", {"get", "post"}),
        (f"{V1}/join", {"post"}),
        (f"{V1}/hello", {"get"}),
        (f"{V1}/hwm", {"get"}),
        ("/health", {"get"}),
    ):
        assert path in paths, sorted(paths)
        assert methods <= set(paths[path]), (path, paths[path])
    # the credential is declared where it is needed, and only there
    for path, item in paths.items():
        for method, op in item.items():
            needs = bool(op.get("security"))
            assert needs == (path.startswith(V1) and path != f"{V1}/join"), (method, path)
            if needs:
                assert "401" in op["responses"], (method, path)
    # errors are declared with their shape
    assert doc["components"]["schemas"]["ErrorOut"]["required"] == ["error", "reason"]


# --- 3. long-poll, checksums, paging ------------------------------------------------------------------
def test_a_waiting_pull_returns_as_soon_as_another_desk_pushes(any_hub):
    reader, writer = any_hub.as_("desk-r"), any_hub.as_("desk-w")
    head = reader.get(f"{V1}/hello").json()["head"]
    result: dict[str, Any] = {}

    def wait_for_it() -> None:
        t0 = time.monotonic()
        result["response"] = reader.get(f"{V1}/events", params={"after": head, "wait": 5}, timeout=15)
        result["took"] = time.monotonic() - t0

    t = threading.Thread(target=wait_for_it)
    t.start()
    time.sleep(0.5)  # the pull is waiting by now
    assert t.is_alive()
    sent = events("desk-w", 2)
    push(writer, sent)
    t.join(10)
    assert not t.is_alive()
    r = result["response"]
    assert r.status_code == 200, r.text
    page = r.json()
    assert [e["id"] for e in page["events"]] == [e["id"] for e in sent]
    assert result["took"] < 3, result["took"]  # woken by the push, not by the 5 s deadline


def test_a_waiting_pull_with_nothing_new_returns_empty_after_wait(any_hub):
    reader = any_hub.as_("desk-r")
    other_site = any_hub.as_("desk-o", site="site2")
    push(reader, events("desk-r", 1))
    head = reader.get(f"{V1}/hello").json()["head"]

    def pushes_elsewhere() -> None:  # another site's events wake the waiter, which waits on
        time.sleep(0.3)
        push(other_site, events("desk-o", 1))

    t = threading.Thread(target=pushes_elsewhere)
    t.start()
    t0 = time.monotonic()
    r = reader.get(f"{V1}/events", params={"after": head, "wait": 1.5})
    took = time.monotonic() - t0
    t.join(10)
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["events"] == [] and page["positions"] == [] and page["more"] is False
    assert page["next"] == head
    assert page["checksum"] == protocol.page_checksum([])
    assert 1.4 <= took < 3.5, took
    # wait=0 answers at once
    t0 = time.monotonic()
    assert reader.get(f"{V1}/events", params={"after": page["head"], "wait": 0}).json()["events"] == []
    assert time.monotonic() - t0 < 1


def test_pages_carry_their_checksum_and_paging_gives_every_event_once(any_hub):
    a, b = any_hub.as_("desk-a"), any_hub.as_("desk-b")
    sent = []
    for i in range(4):  # interleaved pushes from two desks
        for client, origin in ((a, "desk-a"), (b, "desk-b")):
            batch = events(origin, 5, start=5 * i + 1)
            push(client, batch)
            sent += batch
    assert len(sent) == 40
    for limit in (1, 7, 10, 40, 1000):
        got, pages = pull_all(a, limit=limit)
        assert [e["id"] for e in got] == [e["id"] for e in sent], limit  # all, once, in push order
        for i, page in enumerate(pages):
            decoded = [protocol.decode_event(e) for e in page["events"]]
            assert page["checksum"] == protocol.page_checksum(decoded)
            assert len(page["events"]) == len(page["positions"]) <= limit
            assert page["positions"] == sorted(page["positions"])
            if page["positions"]:
                assert page["next"] == page["positions"][-1]
            last = i == len(pages) - 1
            assert page["more"] is (not last), (limit, i, len(pages), page["more"])
        # no empty page at the end when the events fill the pages exactly
        assert pages[-1]["events"] or len(pages) == 1
        assert len(pages) == -(-40 // limit)
        positions = [p for page in pages for p in page["positions"]]
        assert len(set(positions)) == 40
    # after the last position: nothing, and nothing more
    page = a.get(f"{V1}/events", params={"after": pages[-1]["next"]}).json()
    assert page["events"] == [] and page["more"] is False


def test_more_is_false_when_the_rest_of_the_log_is_another_sites(any_hub):
    mine, theirs = any_hub.as_("desk-a"), any_hub.as_("desk-x", site="site2")
    push(mine, events("desk-a", 5))
    push(theirs, events("desk-x", 5))
    page = mine.get(f"{V1}/events", params={"after": 0, "limit": 5}).json()
    assert len(page["events"]) == 5 and page["head"] > page["next"]
    assert page["more"] is False  # the rest of the log is site2's: nothing more for this desk
    assert {e["origin"] for e in page["events"]} == {"desk-a"}
    page = mine.get(f"{V1}/events", params={"after": 0, "limit": 4}).json()
    assert page["more"] is True


# --- 4. who may read and push what --------------------------------------------------------------------
def test_a_district_reads_every_site(any_hub):
    s1, s2 = any_hub.as_("desk-a"), any_hub.as_("desk-b", site="site2")
    push(s1, events("desk-a", 3))
    push(s2, events("desk-b", 4))
    district = any_hub.as_("district-1", role="district", site=None)
    hello = district.get(f"{V1}/hello").json()
    assert hello["role"] == "district" and hello["site"] is None
    got, _ = pull_all(district, limit=2)
    assert sorted((e["origin"], e["seq"]) for e in got) == [("desk-a", i) for i in (1, 2, 3)] + [
        ("desk-b", i) for i in (1, 2, 3, 4)
    ]
    assert district.get(f"{V1}/hwm").json()["hwm"] == {"desk-a": 3, "desk-b": 4}
    # a station reads its own site only
    got, _ = pull_all(s1)
    assert {e["origin"] for e in got} == {"desk-a"}
    assert s1.get(f"{V1}/hwm").json()["hwm"] == {"desk-a": 3}


def test_a_hub_credential_pushes_its_sites_origins_and_they_are_bound_to_its_site(any_hub):
    hub_link = any_hub.as_("hub-site1", role="hub", site="site1")
    assert hub_link.get(f"{V1}/hello").json()["role"] == "hub"
    batch = events("desk-a", 2) + events("desk-b", 3) + events("hub-site1", 1)
    answer = push(hub_link, batch)
    assert answer["accepted"] == 6 and answer["rejected"] == []
    assert answer["hwm"] == {"desk-a": 2, "desk-b": 3, "hub-site1": 1}
    # bound to site1: a site1 station reads them, a site2 station does not
    got, _ = pull_all(any_hub.as_("desk-c"))
    assert sorted({e["origin"] for e in got}) == ["desk-a", "desk-b", "hub-site1"]
    got, _ = pull_all(any_hub.as_("desk-z", site="site2"))
    assert got == []
    # another site's hub may not push them
    other_hub = any_hub.as_("hub-site2", role="hub", site="site2")
    answer = push(other_hub, events("desk-a", 1, start=3))
    assert answer["accepted"] == 0 and [r["error"] for r in answer["rejected"]] == ["origin_other_site"]
    # and a station of site1 sends on from where the hub left its origin
    desk_a = any_hub.as_("desk-a")
    assert push(desk_a, events("desk-a", 1, start=3))["accepted"] == 1


def test_a_station_pushes_its_own_origin_only(any_hub):
    a = any_hub.as_("desk-a")
    batch = events("desk-a", 2) + events("desk-b", 1) + events("desk-a", 1, start=3)
    answer = push(a, batch)
    assert answer["accepted"] == 3
    assert answer["rejected"] == [
        {
            "index": 2,
            "origin": "desk-b",
            "seq": 1,
            "error": "origin_not_allowed",
            "reason": answer["rejected"][0]["reason"],
        }
    ]
    assert answer["hwm"]["desk-a"] == 3
    got, _ = pull_all(a)
    assert {e["origin"] for e in got} == {"desk-a"}


# --- pushes the stores cannot keep: rejected, never a 500 ------------------------------------------------
def test_text_that_cannot_be_stored_is_a_rejected_event_not_a_500(any_hub):
    """Lone surrogates (valid JSON escapes, not Unicode) and NUL in text columns (PostgreSQL refuses
    them) are refused event by event, on both stores alike; the good events of the batch are kept."""
    a = any_hub.as_("desk-a")
    good = events("desk-a", 2)
    bad = [
        dict(events("desk-a", 1, start=3)[0], payload={"name": "\ud800"}),
        dict(events("desk-a", 1, start=3)[0], visit_id="v-\udfff"),
        dict(events("desk-a", 1, start=3)[0], staff_id="sign\x00"),
        dict(events("desk-a", 1, start=3)[0], recorded_at="2026-11-26\x00"),
        dict(events("desk-a", 1, start=3)[0], visit_id="v\x00"),
        {**events("desk-a", 1, start=3)[0], "\ud83d": 1},  # an unknown field named by a lone surrogate
        dict(events("desk-a", 1, start=3)[0], origin="desk-\ud800"),
    ]
    body = json.dumps({"events": [good[0], *bad, good[1]]}).encode()  # ensure_ascii: \udXXX escapes
    r = a.post(f"{V1}/events", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["accepted"] == 2
    assert [x["index"] for x in answer["rejected"]] == list(range(1, 1 + len(bad)))
    assert {x["error"] for x in answer["rejected"]} == {"malformed_event"}
    json.dumps(answer).encode()  # the answer itself is plain Unicode
    # a NUL inside the payload is fine: JSON text escapes it, and it comes back as it went
    nul = events("desk-a", 1, start=3, payload={"note": "a\x00b"})
    assert push(a, nul)["accepted"] == 1
    got, _ = pull_all(a)
    assert got[-1]["payload"] == {"note": "a\x00b"}
    assert [e["id"] for e in got] == [good[0]["id"], good[1]["id"], nul[0]["id"]]


def _storable(text: str | None, column: bool) -> bool:
    if text is None:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return not (column and "\x00" in text)


def test_any_text_in_an_event_comes_back_as_sent_or_is_refused_as_malformed(any_hub):
    """Property: whatever text a desk's event carries (any code point, NUL, lone surrogates), the push
    is answered (never a 5xx); the event is kept exactly as sent, or refused ``malformed_event``
    precisely when it holds text the stores cannot keep."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    hub_link = any_hub.as_("hub-1", role="hub")  # pushes any origin of its site: a new one per example
    texts = st.text(max_size=12) | st.text(
        st.sampled_from(["\x00", "\ud800", "\udfff", "a", "张"]), max_size=4
    )
    values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | texts,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
        max_leaves=6,
    )
    made = iter(range(1, 10**6))

    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(
        visit_id=st.none() | texts,
        staff_id=st.none() | texts,
        recorded_at=texts,
        payload=st.dictionaries(texts, values, max_size=4),
    )
    def push_one(visit_id, staff_id, recorded_at, payload) -> None:
        origin = f"desk-{next(made)}"
        fields = {"visit_id": visit_id, "staff_id": staff_id, "recorded_at": recorded_at, "payload": payload}
        event = events(origin, 1, **fields)[0]
        body = json.dumps({"events": [event]}).encode()  # ensure_ascii: a lone surrogate goes as \udXXX
        r = hub_link.post(f"{V1}/events", content=body, headers={"content-type": "application/json"})
        assert r.status_code == 200, r.text
        answer = r.json()
        sent = json.loads(body)["events"][0]  # as the server reads it: "\ud83d\ude00" is one character
        keepable = all(
            _storable(sent[f], column=True) for f in ("visit_id", "staff_id", "recorded_at")
        ) and _storable(json.dumps(sent["payload"], ensure_ascii=False), column=False)
        if not keepable:
            assert answer["accepted"] == 0
            assert [x["error"] for x in answer["rejected"]] == ["malformed_event"], answer
            return
        assert answer["accepted"] == 1, answer
        got, pages = pull_all(hub_link)
        assert [e for e in got if e["origin"] == origin] == [sent]
        for page in pages:
            decoded = [protocol.decode_event(e) for e in page["events"]]
            assert page["checksum"] == protocol.page_checksum(decoded)

    push_one()


def test_a_join_code_in_bad_unicode_is_a_400_or_403_not_a_500(hub):
    anon = hub.client()
    for raw in (b'{"code":"\\ud800AAAA","station":"desk-a"}', b'{"code":"A\\u0000B","station":"desk-a"}'):
        r = anon.post(f"{V1}/join", content=raw, headers={"content-type": "application/json"})
        assert r.status_code in (400, 403), r.text
        assert_error(r, r.status_code)


# --- 5. fuzzing the served schema with schemathesis --------------------------------------------------------
# Driven from here, operation by operation: schemathesis's pytest loader for a schema served by a fixture
# (``schemathesis.pytest.from_fixture``) does not run under pytest 9 (it sets ``Node._nodeid``), and driving
# the cases here lets a fuzzed long-poll be kept short. Each operation gets schemathesis's coverage cases
# (boundaries, wrong types, missing parts; positive and negative), then Hypothesis-generated cases,
# positive and negative. Every response goes through schemathesis's default checks: not_a_server_error,
# and conformance to the schema (status, content type, headers, body), negative data rejected,
# positive data accepted, unsupported methods (405 and its Allow), ignored auth...
FUZZ_EXAMPLES = 25  # Hypothesis cases per operation and mode: the fuzz tests stay within about a minute


def loopback_certificate() -> tuple[str, str]:
    """A hub certificate like ``sync.tls.make_certificate``'s that also names 127.0.0.1: requests (under
    schemathesis) checks the address against the certificate and cannot be given the desks' pinned SSL
    context for every request it sends (its checks send probes of their own). Trusting this one file
    is still a pin."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "vaxstation-hub-fuzz")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("vaxstation-hub"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    return (
        cert.public_bytes(serialization.Encoding.PEM).decode(),
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode(),
    )


def short_wait(case) -> None:
    """A fuzzed long-poll waits at most 0.2 s (long-poll has its own tests above), so the run stays short.
    Values the server must refuse (over 30, negative, not a number) are sent as generated."""
    query = case.query
    if not isinstance(query, dict) or "wait" not in query:
        return
    try:
        wait = float(query["wait"])
    except (TypeError, ValueError, OverflowError):
        return
    if 0.2 < wait <= protocol.MAX_WAIT_SECONDS:
        query["wait"] = 0.2


def fuzz(hub: Hub, token: str | None, cert_file: Path) -> dict[str, dict[int, int]]:
    """Every operation of the schema the live hub serves, fuzzed; returns the statuses seen per operation."""
    import hypothesis
    import hypothesis.errors
    import schemathesis
    from hypothesis import HealthCheck, Phase
    from schemathesis import GenerationMode

    config = schemathesis.Config()
    schema = schemathesis.openapi.from_url(f"{hub.url}/openapi.json", config=config, verify=str(cert_file))
    schema.config.update(base_url=hub.url, request_timeout=10, tls_verify=str(cert_file))
    schema.config.generation.update(
        # an unknown query parameter is ignored, not refused (a newer desk may send one to an older hub)
        allow_extra_parameters=False,
        # with a credential, every request carries it (its absence is the unauthenticated run)
        with_security_parameters=token is None,
    )
    assert schema.config.checks_config_for().get_by_name(name="not_a_server_error").enabled
    headers = {"Authorization": f"Bearer {token}"} if token else None
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    seen: dict[str, dict[int, int]] = {}

    def call(case) -> None:
        short_wait(case)
        response = case.call_and_validate(headers=headers, verify=str(cert_file))
        statuses = seen.setdefault(case.operation.label, {})
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    for result in schema.get_all_operations():
        operation = result.ok()
        for case in schema.iter_coverage_cases(
            operation, generation_modes=modes, generation_config=schema.config.generation
        ):
            call(case)
        for mode in modes:

            @hypothesis.settings(
                max_examples=FUZZ_EXAMPLES,
                deadline=None,
                database=None,
                phases=[Phase.explicit, Phase.generate, Phase.shrink],
                suppress_health_check=list(HealthCheck),
            )
            @hypothesis.given(operation.as_strategy(generation_mode=mode))
            def fuzz_case(case) -> None:
                call(case)

            try:
                fuzz_case()
            except hypothesis.errors.Unsatisfiable:
                # nothing to make invalid (no parameters, no body): the positive cases cover it
                assert mode is GenerationMode.NEGATIVE and not operation.query and not operation.body
    return seen


@pytest.fixture
def fuzz_hub(store_url, tmp_path) -> Iterator[tuple[Hub, Path]]:  # noqa: F811
    cert = loopback_certificate()
    cert_file = tmp_path / "hub-cert.pem"
    cert_file.write_text(cert[0])
    # generous limits: the fuzzer is to reach the handlers, not the limiter (tested above)
    h = Hub(store_url, cert=cert, rate=10_000, burst=10_000, join_rate=10_000)
    yield h, cert_file
    h.close()


def test_fuzz_with_a_station_credential(fuzz_hub):
    hub, cert_file = fuzz_hub
    push(hub.as_("desk-fuzz"), events("desk-fuzz", 3))  # something to read
    token = hub.join("desk-fuzz")["token"]
    seen = fuzz(hub, token, cert_file)
    assert set(seen) == OPERATIONS
    for label in OPERATIONS - {f"POST {V1}/join", "GET /health"}:  # the credential got in
        assert any(200 <= s < 300 for s in seen[label]), (label, seen[label])
    assert all(s < 500 for statuses in seen.values() for s in statuses), seen


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_fuzz_without_a_credential(fuzz_hub):
    hub, cert_file = fuzz_hub
    seen = fuzz(hub, None, cert_file)
    assert set(seen) == OPERATIONS
    for label in OPERATIONS - {f"POST {V1}/join", "GET /health"}:  # nothing but a refusal
        assert {s for s in seen[label] if s != 405} <= {400, 401, 413}, (label, seen[label])
        assert 401 in seen[label], (label, seen[label])
    assert all(s < 500 for statuses in seen.values() for s in statuses), seen


OPERATIONS = {
    f"GET {V1}/events",
    f"POST {V1}/events",
    f"POST {V1}/join",
    f"GET {V1}/hello",
    f"GET {V1}/hwm",
    f"GET {V1}/reconcile",  # sync/server/reconcile.py
    f"GET {V1}/reconcile/blocks",
    "GET /health",
}
