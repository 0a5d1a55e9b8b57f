"""Finding the site hub on the LAN: mDNS / DNS-SD (multicast DNS service discovery).

The hub calls :func:`advertise` when it starts serving; a desk calls :func:`browse` when it joins
and lists the hubs it hears. Discovery is a convenience only: a desk can always be given the hub's
URL by hand, so both functions *fail soft*. With no network, multicast blocked (many guest Wi-Fi
networks and some managed switches drop it) or any error in zeroconf, :func:`advertise` returns an
inactive :class:`Advertisement` whose ``error`` says why, and :func:`browse` logs and returns
``[]``. Neither raises into the server or the desk window.

Service type ``_vaxstation._tcp.local.``; the TXT record (see ``docs/sync-discovery.md``)::

    v=1            format of this TXT record; a desk lists only hubs of a version it reads
    id=<server_id> the hub's stable identity (a desk deduplicates on it)
    site=<site>    the site code, absent when the hub has none yet
    fp=<sha256>    SHA-256 of the hub's TLS certificate, lowercase hex (sync.tls.fingerprint);
                   present = the hub serves https, absent = plain http
    path=/v1       the API prefix (sync.protocol.PREFIX)

IPv4 only: a URL a person can read out and type in is the fallback, and the sites' LANs are IPv4.
Both calls block (advertise about two seconds while zeroconf probes the name, browse for its
timeout); called from a thread that runs an asyncio event loop (the server's start-up), the
zeroconf work runs on a helper thread, since zeroconf refuses to block its own loop.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import queue
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import ifaddr
from zeroconf import InterfaceChoice, IPVersion, ServiceBrowser, ServiceInfo, ServiceStateChange, Zeroconf

log = logging.getLogger(__name__)

SERVICE_TYPE = "_vaxstation._tcp.local."
TXT_VERSION = "1"
API_PATH = "/v1"  # the same as sync.protocol.PREFIX; kept here so discovery imports nothing else

_T = TypeVar("_T")
_LABEL_BYTES = 63  # a DNS label: the instance name and the host name are one label each


@dataclass(frozen=True)
class HubInfo:
    """A hub heard on the LAN."""

    name: str  # the instance name, for people ("Hub 朝阳站")
    url: str  # "https://ip:port" when the hub gave a certificate fingerprint, else "http://ip:port"
    server_id: str
    site: str | None
    fingerprint: str | None  # SHA-256 of its TLS certificate, lowercase hex; pin it on join
    addresses: tuple[str, ...]  # every IPv4 address it gave, the one in ``url`` first


class Advertisement:
    """A hub's registration on the LAN; ``close()`` (or leaving the ``with`` block) withdraws it.

    An advertisement that could not be made is inactive: ``active`` is False, ``error`` says why,
    and ``close()`` does nothing. Closing twice is harmless.
    """

    def __init__(
        self,
        *,
        error: str | None = None,
        zeroconf: Zeroconf | None = None,
        info: ServiceInfo | None = None,
    ) -> None:
        self.error = error
        self._zeroconf = zeroconf
        self._info = info
        self._lock = threading.Lock()

    @property
    def active(self) -> bool:
        return self._zeroconf is not None

    @property
    def name(self) -> str | None:
        """The instance name registered (zeroconf appends "-2", "-3"... when another hub has the name)."""
        return _instance_name(self._info.name) if self._info is not None else None

    @property
    def addresses(self) -> list[str]:
        return self._info.parsed_addresses(IPVersion.V4Only) if self._info is not None else []

    def close(self) -> None:
        with self._lock:
            zc, info, self._zeroconf = self._zeroconf, self._info, None
        if zc is None:
            return

        def withdraw() -> None:
            try:
                if info is not None:
                    zc.unregister_service(info)  # sends the goodbye: desks forget the hub at once
            except Exception as exc:  # withdrawing must never fail the caller
                log.warning("mDNS: could not withdraw %s: %s", info.name if info else "?", exc)
            finally:
                try:
                    zc.close()
                except Exception as exc:
                    log.warning("mDNS: closing zeroconf failed: %s", exc)

        _outside_event_loop(withdraw)

    def __enter__(self) -> Advertisement:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        if self.active:
            return f"<Advertisement {self.name!r} on {', '.join(self.addresses)}>"
        return f"<Advertisement inactive: {self.error}>"


def advertise(
    port: int,
    *,
    server_id: str,
    site: str | None,
    name: str | None = None,
    tls_fingerprint: str | None = None,
    addresses: list[str] | None = None,
) -> Advertisement:
    """Announce the hub listening on ``port``; never raises.

    ``addresses`` are the IPv4 addresses both advertised and answered on; by default every
    non-loopback IPv4 address of this machine. Loopback is used only when given here (tests, or a
    hub and its desk on one laptop). ``name`` defaults to "Vaccination hub <site or host name>".
    """
    try:
        return _outside_event_loop(
            lambda: _advertise(port, server_id, site, name, tls_fingerprint, addresses)
        )
    except Exception as exc:  # belt and braces: _advertise already catches
        return _inactive(f"{type(exc).__name__}: {exc}")


def browse(
    timeout: float = 2.0,
    *,
    interfaces: InterfaceChoice | Sequence[str] = InterfaceChoice.All,
) -> list[HubInfo]:
    """The hubs that answered within ``timeout`` seconds, one per server_id, sorted by name.

    ``interfaces`` is zeroconf's: every IPv4 interface by default (loopback included), or a list of
    this machine's IPv4 addresses. Takes the whole ``timeout``. Never raises: on any error it logs
    a warning and returns ``[]`` (a typed URL still works).
    """
    try:
        return _outside_event_loop(lambda: _browse(timeout, interfaces))
    except Exception as exc:  # belt and braces: _browse already catches
        log.warning("mDNS: looking for hubs failed (%s: %s)", type(exc).__name__, exc)
        return []


# -- advertising -----------------------------------------------------------------------------


def _advertise(
    port: int,
    server_id: str,
    site: str | None,
    name: str | None,
    fingerprint: str | None,
    addresses: list[str] | None,
) -> Advertisement:
    try:
        if not isinstance(port, int) or not 0 < port < 65536:
            raise ValueError(f"port {port!r} is not a TCP port")
        if not server_id:
            raise ValueError("a hub needs a server_id")
        if addresses is None:
            addresses = local_ipv4_addresses()
            if not addresses:
                return _inactive("no network: this machine has no non-loopback IPv4 address")
        addresses = list(dict.fromkeys(str(ipaddress.IPv4Address(a)) for a in addresses))
        if not addresses:
            return _inactive("no address to advertise")
        info = ServiceInfo(
            SERVICE_TYPE,
            f"{_label(name or _default_name(site))}.{SERVICE_TYPE}",
            port=port,
            properties=txt_properties(server_id=server_id, site=site, fingerprint=fingerprint),
            server=f"{_host_label(server_id)}.local.",
            addresses=[socket.inet_aton(a) for a in addresses],
        )
    except Exception as exc:
        return _inactive(f"{type(exc).__name__}: {exc}")

    zc: Zeroconf | None = None
    try:
        zc = Zeroconf(interfaces=addresses, ip_version=IPVersion.V4Only)
        zc.register_service(info, allow_name_change=True)
    except Exception as exc:  # a hub that cannot advertise still serves
        if zc is not None:
            try:
                zc.close()
            except Exception:
                pass
        return _inactive(f"mDNS on {', '.join(addresses)} failed: {type(exc).__name__}: {exc}".rstrip(": "))
    log.info("mDNS: advertising %r on %s port %d", _instance_name(info.name), ", ".join(addresses), port)
    return Advertisement(zeroconf=zc, info=info)


def txt_properties(*, server_id: str, site: str | None, fingerprint: str | None) -> dict[str, str]:
    """The TXT record a hub publishes (keys absent rather than empty)."""
    props = {"v": TXT_VERSION, "id": server_id}
    if site:
        props["site"] = site
    if fingerprint:
        props["fp"] = _normal_fingerprint(fingerprint)
    props["path"] = API_PATH
    return props


def local_ipv4_addresses(*, loopback: bool = False) -> list[str]:
    """This machine's IPv4 addresses, in adapter order; loopback only when asked for."""
    out: list[str] = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if not ip.is_IPv4:
                continue
            addr = ipaddress.IPv4Address(ip.ip)
            if addr.is_loopback and not loopback:
                continue
            if str(addr) not in out:
                out.append(str(addr))
    return out


def _inactive(reason: str) -> Advertisement:
    log.warning("mDNS: the hub is not advertised (%s); desks can still join by typing its URL", reason)
    return Advertisement(error=reason)


def _default_name(site: str | None) -> str:
    return f"Vaccination hub {site or socket.gethostname().split('.')[0] or 'hub'}"


def _label(text: str) -> str:
    """``text`` cut to one DNS label: 63 bytes of UTF-8, whole characters."""
    text = text.strip() or "Vaccination hub"
    data = text.encode()[:_LABEL_BYTES]
    return data.decode(errors="ignore").rstrip()


def _host_label(server_id: str) -> str:
    """A host name label for the hub's A record, unique per hub: vaxstation-<server id>."""
    slug = re.sub(r"[^a-z0-9-]+", "-", server_id.lower()).strip("-")
    return f"vaxstation-{slug}"[:_LABEL_BYTES].rstrip("-") or "vaxstation-hub"


def _normal_fingerprint(fp: str) -> str:
    return fp.replace(":", "").replace(" ", "").lower()


# -- browsing --------------------------------------------------------------------------------


def _browse(timeout: float, interfaces: InterfaceChoice | Sequence[str]) -> list[HubInfo]:
    try:
        zc = Zeroconf(interfaces=interfaces, ip_version=IPVersion.V4Only)
    except Exception as exc:
        log.warning(
            "mDNS: cannot look for hubs (%s: %s); type the hub's URL instead", type(exc).__name__, exc
        )
        return []
    try:
        infos = _collect(zc, max(0.0, float(timeout)))
        return hubs_from(infos.values())
    except Exception as exc:
        log.warning("mDNS: looking for hubs failed (%s: %s)", type(exc).__name__, exc)
        return []
    finally:
        try:
            zc.close()
        except Exception:
            pass


def _collect(zc: Zeroconf, timeout: float) -> dict[str, ServiceInfo]:
    """Resolve every instance announced before the deadline; instances that said goodbye drop out."""
    events: queue.Queue[tuple[ServiceStateChange, str]] = queue.Queue()

    def on_change(zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange) -> None:
        events.put((state_change, name))

    deadline = time.monotonic() + timeout
    browser = ServiceBrowser(zc, SERVICE_TYPE, handlers=[on_change])
    resolved: dict[str, ServiceInfo] = {}
    heard: set[str] = set()
    try:
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                change, name = events.get(timeout=remaining)
            except queue.Empty:
                break
            if change is ServiceStateChange.Removed:
                heard.discard(name)
                resolved.pop(name, None)
                continue
            heard.add(name)
            info = ServiceInfo(SERVICE_TYPE, name)
            left_ms = (deadline - time.monotonic()) * 1000
            if left_ms > 10 and info.request(zc, left_ms):
                resolved[name] = info
    finally:
        browser.cancel()
    for name in heard:  # the answers that came in late, or changed, are in the cache by now
        info = ServiceInfo(SERVICE_TYPE, name)
        if info.load_from_cache(zc):
            resolved[name] = info
    return resolved


def hubs_from(infos: Iterable[ServiceInfo]) -> list[HubInfo]:
    """Resolved records -> hubs: ours only (v=1 and an id), one per server_id, sorted by name."""
    own = _own_networks()
    by_id: dict[str, HubInfo] = {}
    for info in infos:
        hub = hub_from_info(info, own_networks=own)
        if hub is None:
            continue
        seen = by_id.get(hub.server_id)
        if seen is None:
            by_id[hub.server_id] = hub
            continue
        # one hub heard under two names (renamed after a clash) or twice: keep one, all addresses
        first, other = (seen, hub) if (seen.name, seen.url) <= (hub.name, hub.url) else (hub, seen)
        merged = first.addresses + tuple(a for a in other.addresses if a not in first.addresses)
        by_id[hub.server_id] = HubInfo(
            first.name, first.url, first.server_id, first.site or other.site,
            first.fingerprint or other.fingerprint, merged,
        )  # fmt: skip
    return sorted(by_id.values(), key=lambda h: (h.name.casefold(), h.name, h.server_id))


def hub_from_info(info: ServiceInfo, *, own_networks: Sequence[ipaddress.IPv4Network] = ()) -> HubInfo | None:
    """One resolved record -> a hub, or None when it is not one a desk can use."""
    props = {_text(k): _text(v) if v is not None else None for k, v in (info.properties or {}).items()}
    if props.get("v") != TXT_VERSION:
        log.info(
            "mDNS: skipping %s: TXT version %r, this desk reads %s", info.name, props.get("v"), TXT_VERSION
        )
        return None
    server_id = props.get("id")
    addresses = _rank(info.parsed_addresses(IPVersion.V4Only), own_networks)
    if not server_id or not addresses or not info.port:
        log.info("mDNS: skipping %s: no id, address or port", info.name)
        return None
    fingerprint = _normal_fingerprint(props["fp"]) if props.get("fp") else None
    scheme = "https" if fingerprint else "http"
    return HubInfo(
        name=_instance_name(info.name),
        url=f"{scheme}://{addresses[0]}:{info.port}",
        server_id=server_id,
        site=props.get("site") or None,
        fingerprint=fingerprint,
        addresses=tuple(addresses),
    )


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)


def _instance_name(full: str) -> str:
    suffix = "." + SERVICE_TYPE
    return full[: -len(suffix)] if full.endswith(suffix) else full


def _own_networks() -> list[ipaddress.IPv4Network]:
    nets = []
    try:
        for adapter in ifaddr.get_adapters():
            for ip in adapter.ips:
                if ip.is_IPv4:
                    nets.append(ipaddress.IPv4Network(f"{ip.ip}/{ip.network_prefix}", strict=False))
    except Exception as exc:  # only an ordering hint
        log.debug("mDNS: cannot list this machine's networks: %s", exc)
    return nets


def _rank(addresses: Iterable[str], own_networks: Sequence[ipaddress.IPv4Network]) -> list[str]:
    """Most likely reachable first: on one of this machine's subnets, then other LAN, then loopback."""
    unique = list(dict.fromkeys(addresses))

    def key(text: str) -> int:
        addr = ipaddress.IPv4Address(text)
        if addr.is_loopback:
            return 3
        if any(addr in net for net in own_networks if not net.network_address.is_loopback):
            return 0
        return 2 if addr.is_link_local else 1

    return sorted(unique, key=key)  # stable: the hub's own order within a rank


# -- threading -------------------------------------------------------------------------------


def _outside_event_loop(work: Callable[[], _T]) -> _T:
    """Run ``work`` here, or on a helper thread when this thread runs an asyncio loop.

    zeroconf binds to the running loop of the thread that creates it and then refuses blocking
    calls from that loop (EventLoopBlocked). ``work`` must not raise.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    box: list[_T] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            box.append(work())
        except BaseException as exc:
            failed.append(exc)

    helper = threading.Thread(target=run, name="vaxstation-mdns", daemon=True)
    helper.start()
    helper.join()
    if failed:
        raise failed[0]
    return box[0]
