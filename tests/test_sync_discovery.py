"""Finding the hub by mDNS / DNS-SD (sync/discovery.py), over real multicast.

Three real set-ups, each skipped with its reason when the machine lacks it:

- loopback, one process and two: ``Zeroconf(interfaces=["127.0.0.1"])`` sends and hears its
  multicast on ``lo``. Linux delivers it even without the MULTICAST flag on lo; a probe with plain
  sockets checks that first, so a kernel that does not shows up as a skip, not as a failure here.
- two network namespaces joined by a veth pair (root and iproute2): a hub and a desk as two
  machines on one LAN, the hub advertising its default (non-loopback) addresses.
- a network namespace with no interface up (root and unshare): "no network" for real.

Every hub here carries a random server id and name so that a concurrent run, or a real hub on this
machine, cannot be mistaken for ours.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import os
import shutil
import socket
import struct
import subprocess
import sys
import textwrap
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from zeroconf import IPVersion, ServiceInfo, Zeroconf

from sync import discovery
from sync.discovery import SERVICE_TYPE, Advertisement, HubInfo, advertise, browse

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"
NOT_OURS = "203.0.113.9"  # TEST-NET-3: an address no machine here has
FP = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
WAIT = 1.5  # a browse on loopback hears an answer within milliseconds


def _loopback_multicast_problem() -> str | None:
    """Why multicast sent on lo does not come back here, or None when it does (plain sockets)."""
    group = "224.0.0.251"
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        rx.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        rx.bind(("", 0))
        port = rx.getsockname()[1]
        rx.setsockopt(
            socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(group) + socket.inet_aton(LOOPBACK)
        )
        tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(LOOPBACK))
        tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
        tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, struct.pack("b", 1))
        rx.settimeout(2.0)
        tx.sendto(b"vaxstation-probe", (group, port))
        return None if rx.recv(64) == b"vaxstation-probe" else "another datagram came back"
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        rx.close()
        tx.close()


@pytest.fixture(scope="module")
def loopback_mdns() -> None:
    problem = _loopback_multicast_problem()
    if problem:
        pytest.skip(
            f"multicast on lo does not loop back on this machine ({problem}); the loopback round trips "
            "need it. As root, `ip link set lo multicast on` may help; the fail-soft tests still run."
        )


def _token() -> str:
    return uuid.uuid4().hex[:8]


def _ours(hubs: list[HubInfo], *ids: str) -> list[HubInfo]:
    return [h for h in hubs if h.server_id in ids]


def _raw_txt(instance: str) -> dict[bytes, bytes | None]:
    """The TXT record as a plain zeroconf client on the LAN reads it."""
    zc = Zeroconf(interfaces=[LOOPBACK], ip_version=IPVersion.V4Only)
    try:
        info = zc.get_service_info(SERVICE_TYPE, f"{instance}.{SERVICE_TYPE}", timeout=3000)
    finally:
        zc.close()
    assert info is not None, instance
    return dict(info.properties)


# -- loopback, one process -------------------------------------------------------------------


@pytest.fixture(scope="module")
def loopback_hubs(loopback_mdns):
    """Three registrations on lo: hub one (https, a site), the same hub again under another name
    (a clash renamed it, say), and hub two (plain http, no site yet). Browsed once."""
    token = _token()
    one, two = f"hub-one-{token}", f"hub-two-{token}"
    specs = [
        dict(port=8443, server_id=one, site="朝阳-1", name=f"Hub B 朝阳 {token}", tls_fingerprint=FP),
        dict(port=8443, server_id=one, site="朝阳-1", name=f"Hub Z {token}", tls_fingerprint=FP),
        dict(port=8080, server_id=two, site=None, name=f"Hub A {token}"),
    ]
    with ThreadPoolExecutor(len(specs)) as pool:  # each registration probes its name for ~2 s
        ads = list(pool.map(lambda kw: advertise(addresses=[LOOPBACK], **kw), specs))
    try:
        assert [a.error for a in ads] == [None, None, None]
        hubs = browse(WAIT, interfaces=[LOOPBACK])
        yield {"ads": ads, "hubs": _ours(hubs, one, two), "one": one, "two": two, "token": token}
    finally:
        for ad in ads:
            ad.close()


def test_a_hub_advertised_on_loopback_is_found_with_its_txt_fields(loopback_hubs):
    hubs = loopback_hubs["hubs"]
    token = loopback_hubs["token"]
    one = next(h for h in hubs if h.server_id == loopback_hubs["one"])
    assert one == HubInfo(
        name=f"Hub B 朝阳 {token}",
        url="https://127.0.0.1:8443",  # a fingerprint: the hub serves https
        server_id=loopback_hubs["one"],
        site="朝阳-1",
        fingerprint=FP,
        addresses=(LOOPBACK,),
    )
    two = next(h for h in hubs if h.server_id == loopback_hubs["two"])
    assert (two.url, two.site, two.fingerprint) == ("http://127.0.0.1:8080", None, None)


def test_hubs_are_one_per_server_id_sorted_by_name(loopback_hubs):
    token = loopback_hubs["token"]
    assert [h.name for h in loopback_hubs["hubs"]] == [f"Hub A {token}", f"Hub B 朝阳 {token}"]


def test_the_txt_record_as_any_mdns_client_reads_it(loopback_hubs):
    ad_one, _, ad_two = loopback_hubs["ads"]
    assert _raw_txt(ad_one.name) == {
        b"v": b"1",
        b"id": loopback_hubs["one"].encode(),
        b"site": "朝阳-1".encode(),
        b"fp": FP.encode(),
        b"path": b"/v1",
    }
    # no site, no certificate: the keys are absent, not empty
    assert _raw_txt(ad_two.name) == {b"v": b"1", b"id": loopback_hubs["two"].encode(), b"path": b"/v1"}


def test_an_advertisement_reports_what_it_registered(loopback_hubs):
    ad = loopback_hubs["ads"][0]
    assert ad.active and ad.error is None
    assert ad.name == f"Hub B 朝阳 {loopback_hubs['token']}"
    assert ad.addresses == [LOOPBACK]
    assert "Hub B" in repr(ad)


# -- loopback, two processes -----------------------------------------------------------------

_HUB_PROCESS = textwrap.dedent(
    """
    import json, sys
    from sync.discovery import advertise
    with advertise(**json.loads(sys.argv[1])) as ad:
        print("error" if ad.error else "advertising", ad.error or ad.name, flush=True)
        sys.stdin.read()  # until the test closes our stdin
    print("closed", flush=True)
    """
)


def _hub_process(*prefix: str, **kwargs) -> subprocess.Popen:
    """A hub in its own interpreter (``prefix``: e.g. ip netns exec NS), advertising until stdin closes."""
    hub = subprocess.Popen(
        [*prefix, sys.executable, "-c", _HUB_PROCESS, json.dumps(kwargs)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    status = hub.stdout.readline()
    if not status.startswith("advertising"):
        hub.kill()
        _, err = hub.communicate(timeout=20)
        pytest.fail(f"the hub process did not advertise: {status!r} {err}")
    return hub


def test_a_hub_in_another_process_is_found_and_gone_once_closed(loopback_mdns):
    server_id = f"hub-proc-{_token()}"
    hub = _hub_process(port=8123, server_id=server_id, site="S2", addresses=[LOOPBACK])
    try:
        found = _ours(browse(WAIT, interfaces=[LOOPBACK]), server_id)
        assert [(h.name, h.url, h.site, h.fingerprint) for h in found] == [
            ("Vaccination hub S2", "http://127.0.0.1:8123", "S2", None)  # the default name
        ]
        out, _ = hub.communicate("", timeout=20)
        assert out.strip() == "closed"
        assert _ours(browse(WAIT, interfaces=[LOOPBACK]), server_id) == []  # the goodbye was heard
    finally:
        if hub.poll() is None:
            hub.kill()
            hub.wait()


def test_advertise_and_browse_work_from_inside_an_asyncio_loop(loopback_mdns):
    """The server starts its advertisement from its event loop; zeroconf must not block on it."""
    server_id = f"hub-loop-{_token()}"

    async def main():
        ad = advertise(8001, server_id=server_id, site="L1", addresses=[LOOPBACK])
        try:
            return ad.error, _ours(browse(WAIT, interfaces=[LOOPBACK]), server_id)
        finally:
            ad.close()

    error, found = asyncio.run(main())
    assert error is None
    assert [h.url for h in found] == ["http://127.0.0.1:8001"]


# -- two machines on one LAN: two network namespaces and a veth pair -------------------------


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=20)


@pytest.fixture
def lan_pair():
    """Namespaces hub and desk, each with one end of a veth pair on 10.213.7.0/24, lo up too."""
    if os.geteuid() != 0 or shutil.which("ip") is None:
        pytest.skip("needs root and iproute2 (`ip netns`) to make two namespaces joined by a veth pair")
    tag = f"vx{os.getpid() % 100000}{_token()[:4]}"
    hub_ns, desk_ns = f"{tag}h", f"{tag}d"
    made: list[str] = []
    try:
        for ns in (hub_ns, desk_ns):
            _ip("netns", "add", ns)
            made.append(ns)
        _ip("link", "add", f"{tag}h", "type", "veth", "peer", "name", f"{tag}d")
        for ns, addr in ((hub_ns, "10.213.7.1/24"), (desk_ns, "10.213.7.2/24")):
            _ip("link", "set", ns, "netns", ns)  # each end is named after its namespace
            _ip("-n", ns, "addr", "add", addr, "dev", ns)
            _ip("-n", ns, "link", "set", ns, "up")
            _ip("-n", ns, "link", "set", "lo", "up")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        for ns in made:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        err = getattr(exc, "stderr", b"") or b""
        pytest.skip(f"cannot make a veth pair between namespaces here: {exc} {err.decode(errors='replace')}")
    try:
        yield hub_ns, desk_ns
    finally:
        for ns in made:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)


_DESK_PROCESS = textwrap.dedent(
    """
    import json, sys
    from sync.discovery import browse
    print(json.dumps([h.__dict__ for h in browse(float(sys.argv[1]))]))
    """
)


def test_a_desk_finds_a_hub_on_another_machine_by_its_lan_address(lan_pair):
    """Default addresses: the hub advertises its LAN address (not loopback) and answers on it."""
    hub_ns, desk_ns = lan_pair
    server_id = f"hub-lan-{_token()}"
    hub = _hub_process(
        "ip", "netns", "exec", hub_ns, port=8443, server_id=server_id, site="S2", tls_fingerprint=FP
    )
    try:
        desk = subprocess.run(
            ["ip", "netns", "exec", desk_ns, sys.executable, "-c", _DESK_PROCESS, "2.0"],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert desk.returncode == 0, desk.stderr
        found = [h for h in json.loads(desk.stdout) if h["server_id"] == server_id]
        assert len(found) == 1, desk.stdout
        assert found[0]["url"] == "https://10.213.7.1:8443"
        assert found[0]["addresses"] == ["10.213.7.1"]  # lo is up in the hub's namespace, and left out
        assert (found[0]["site"], found[0]["fingerprint"]) == ("S2", FP)
    finally:
        if hub.poll() is None:
            hub.communicate("", timeout=20)


# -- failing soft ----------------------------------------------------------------------------


def test_no_network_at_all_gives_an_inactive_advertisement_and_no_hubs():
    """A namespace with only lo, and lo down: what a laptop with no network sees."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare (util-linux) for a network namespace with no network")
    script = textwrap.dedent(
        """
        import json
        from sync.discovery import advertise, browse
        ad = advertise(8443, server_id="x", site="S")
        lo = advertise(8443, server_id="x", site="S", addresses=["127.0.0.1"])  # lo is down
        print(json.dumps([ad.active, ad.error, lo.active, lo.error, browse(0.5)]))
        ad.close(); lo.close()
        """
    )
    out = subprocess.run(
        ["unshare", "--net", sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if out.returncode != 0 and "unshare" in out.stderr and "Operation not permitted" in out.stderr:
        pytest.skip(f"unshare --net is not permitted here: {out.stderr.strip()}")
    assert out.returncode == 0, out.stderr
    active, error, lo_active, lo_error, hubs = json.loads(out.stdout)
    assert (active, lo_active, hubs) == (False, False, [])
    assert "no network" in error
    assert "127.0.0.1" in lo_error
    assert "not advertised" in out.stderr and "cannot look for hubs" in out.stderr  # logged, not raised


def test_advertising_on_an_address_this_machine_lacks_is_inactive_and_says_why(caplog):
    caplog.set_level(logging.WARNING, logger="sync.discovery")
    with advertise(8443, server_id="x", site="S", addresses=[NOT_OURS]) as ad:
        assert isinstance(ad, Advertisement)
        assert not ad.active and ad.name is None and ad.addresses == []
        assert NOT_OURS in ad.error
    ad.close()  # again: harmless
    assert "inactive" in repr(ad)
    assert "not advertised" in caplog.text


@pytest.mark.parametrize(
    "kwargs, says",
    [
        (dict(port=0), "port"),
        (dict(port=70000), "port"),
        (dict(server_id=""), "server_id"),
        (dict(addresses=["not-an-ip"]), "not-an-ip"),
        (dict(addresses=[]), "no address"),
        (dict(addresses=["::1"]), "::1"),  # IPv4 only
    ],
)
def test_bad_arguments_give_an_inactive_advertisement_not_an_exception(kwargs, says):
    args = dict(port=8443, server_id="x", site=None, addresses=[LOOPBACK]) | kwargs
    ad = advertise(args.pop("port"), **args)
    assert not ad.active
    assert says in ad.error


def test_browsing_on_an_interface_that_cannot_be_bound_returns_nothing_and_logs(caplog):
    caplog.set_level(logging.WARNING, logger="sync.discovery")
    started = time.monotonic()
    assert browse(5.0, interfaces=[NOT_OURS]) == []
    assert time.monotonic() - started < 2  # fails at once, does not sit out the timeout
    assert "cannot look for hubs" in caplog.text


def test_a_zeroconf_exception_while_registering_is_caught_and_zeroconf_closed(monkeypatch):
    closed = []

    class Refusing(Zeroconf):
        def register_service(self, *args, **kwargs):
            raise OSError(101, "Network is unreachable")

        def close(self):
            closed.append(True)
            super().close()

    monkeypatch.setattr(discovery, "Zeroconf", Refusing)
    ad = advertise(8443, server_id="x", site=None, addresses=[LOOPBACK])
    assert not ad.active
    assert "Network is unreachable" in ad.error and LOOPBACK in ad.error
    assert closed == [True]


def test_a_zeroconf_exception_while_browsing_is_caught(monkeypatch, caplog):
    caplog.set_level(logging.WARNING, logger="sync.discovery")

    def broken(*args, **kwargs):
        raise RuntimeError("the browser broke")

    monkeypatch.setattr(discovery, "ServiceBrowser", broken)
    assert browse(0.2, interfaces=[LOOPBACK]) == []
    assert "the browser broke" in caplog.text


def test_a_failing_withdrawal_does_not_raise(monkeypatch, loopback_mdns):
    ad = advertise(8443, server_id=f"hub-w-{_token()}", site=None, addresses=[LOOPBACK])
    assert ad.active

    def broken(*args, **kwargs):
        raise OSError("gone")

    monkeypatch.setattr(ad._zeroconf, "unregister_service", broken)
    ad.close()  # logs, closes zeroconf all the same
    assert not ad.active


# -- the parts without a network -------------------------------------------------------------


def _info(name: str, props: dict, addresses: list[str], port: int = 8443) -> ServiceInfo:
    return ServiceInfo(
        SERVICE_TYPE,
        f"{name}.{SERVICE_TYPE}",
        port=port,
        properties=props,
        server="h.local.",
        addresses=[socket.inet_aton(a) for a in addresses],
    )


def test_txt_properties_leave_out_what_the_hub_lacks_and_normalise_the_fingerprint():
    assert discovery.txt_properties(server_id="s", site=None, fingerprint=None) == {
        "v": "1",
        "id": "s",
        "path": "/v1",
    }
    colons = ":".join(FP[i : i + 2] for i in range(0, 64, 2)).upper()
    props = discovery.txt_properties(server_id="s", site="朝阳-1", fingerprint=colons)
    assert props == {"v": "1", "id": "s", "site": "朝阳-1", "fp": FP, "path": "/v1"}


def test_records_a_desk_cannot_use_are_skipped():
    ok = {"v": "1", "id": "s1", "path": "/v1"}
    assert discovery.hub_from_info(_info("a", ok, ["10.0.0.5"])) is not None
    assert discovery.hub_from_info(_info("b", {**ok, "v": "2"}, ["10.0.0.5"])) is None  # a newer format
    assert discovery.hub_from_info(_info("c", {"v": "1"}, ["10.0.0.5"])) is None  # no id
    assert discovery.hub_from_info(_info("d", ok, [])) is None  # no address


def test_the_url_uses_the_address_on_the_desks_own_subnet():
    info = _info("a", {"v": "1", "id": "s1"}, ["127.0.0.1", "169.254.3.4", "172.17.0.1", "192.168.5.7"])
    hub = discovery.hub_from_info(info, own_networks=[ipaddress.IPv4Network("192.168.5.0/24")])
    assert hub.url == "http://192.168.5.7:8443"
    assert hub.addresses == ("192.168.5.7", "172.17.0.1", "169.254.3.4", "127.0.0.1")


def test_hubs_from_merges_one_hub_heard_twice_and_sorts_by_name():
    infos = [
        _info("zeta", {"v": "1", "id": "s1", "fp": FP}, ["10.0.0.5"]),
        _info("Alpha", {"v": "1", "id": "s2"}, ["10.0.0.6"]),
        _info("beta", {"v": "1", "id": "s1", "fp": FP}, ["10.0.0.9"]),
    ]
    hubs = discovery.hubs_from(infos)
    assert [(h.name, h.server_id) for h in hubs] == [("Alpha", "s2"), ("beta", "s1")]
    assert hubs[1].addresses == ("10.0.0.9", "10.0.0.5")


def test_default_addresses_leave_out_loopback():
    assert LOOPBACK not in discovery.local_ipv4_addresses()
    assert LOOPBACK in discovery.local_ipv4_addresses(loopback=True)


def test_a_long_name_is_cut_to_one_dns_label_on_a_character_boundary():
    label = discovery._label("接种点" * 30)
    assert len(label.encode()) <= 63 and label == "接种点" * 7
    assert discovery._host_label("A3F0 c9/..x") == "vaxstation-a3f0-c9-x"
