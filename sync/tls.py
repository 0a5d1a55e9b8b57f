"""The hub's own TLS certificate, and how a desk pins it.

A hub on a site's LAN has no domain name and no certificate authority. It makes a self-signed
certificate once (kept in its store) and serves HTTPS with it. A desk that joins records the
certificate (checked against the fingerprint in the enrollment code when the code carries one) and
from then on trusts that certificate only: a rogue hub on the LAN cannot complete the handshake.
Personal data never crosses the site's Wi-Fi in clear.
"""

from __future__ import annotations

import datetime
import hashlib
import socket
import ssl
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def make_certificate(common_name: str, *, days: int = 3650) -> tuple[str, str]:
    """A self-signed certificate and its private key, both PEM (P-256: small and fast on old laptops)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64] or "vaxstation-hub")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        # its own authority: a pinned self-signed certificate must be acceptable as a trust anchor
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("vaxstation-hub")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return cert_pem, key_pem


def fingerprint(cert_pem: str) -> str:
    """SHA-256 of the certificate (DER), lowercase hex: what the enrollment code and mDNS carry."""
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(cert_pem)).hexdigest()


def short_fingerprint(fp: str) -> str:
    """The first 16 hex digits in groups of four, for people to compare by eye."""
    return " ".join(fp[i : i + 4] for i in range(0, 16, 4)).upper()


def fetch_certificate(url: str, timeout: float = 5.0) -> str:
    """The certificate an https server presents, without trusting it (first contact only)."""
    parts = urlsplit(url)
    port = parts.port or 443
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection((parts.hostname, port), timeout=timeout) as sock:
        with ctx.wrap_socket(sock, server_hostname=parts.hostname) as tls:
            der = tls.getpeercert(binary_form=True)
    return ssl.DER_cert_to_PEM_cert(der)


def pinned_context(cert_pem: str) -> ssl.SSLContext:
    """Trust exactly this certificate, whatever address the hub has today (DHCP moves it)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False  # the pin is the certificate itself, not a name
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=cert_pem)
    return ctx
