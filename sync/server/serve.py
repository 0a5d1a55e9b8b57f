"""Running the server: its TLS certificate, uvicorn, the upstream forwarder, the mDNS advertisement."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import tempfile
import threading
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import uvicorn

from sync import tls
from sync.server.app import create_app
from sync.server.forward import Forwarder, upstream_link
from sync.server.store import ServerStore

log = logging.getLogger("station.server")


def ensure_certificate(store: ServerStore) -> tuple[str, str]:
    """The hub's certificate and key, made once and kept in its store (so a copied hub keeps its pin)."""
    cert, key = store.get_meta("tls.cert"), store.get_meta("tls.key")
    if not cert or not key:
        cert, key = tls.make_certificate(f"vaxstation-hub-{store.server_id[:8]}")
        store.set_meta("tls.cert", cert)
        store.set_meta("tls.key", key)
    return cert, key


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class Server:
    """The app under uvicorn, in this thread (``run``) or a background one (``start``, for tests)."""

    def __init__(
        self,
        store: ServerStore,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        use_tls: bool = True,
        upstream: bool = False,
        advertise: bool = False,
        site: str | None = None,
        app_options: dict[str, Any] | None = None,
        graceful_seconds: float = 2.0,
    ) -> None:
        self.store = store
        self.host = host
        self.port = port or free_port(host if host not in ("0.0.0.0", "") else "127.0.0.1")
        self.use_tls = use_tls
        self.site = site
        self.forwarder = Forwarder(store) if upstream else None
        self.app = create_app(
            store, upstream_status=self.forwarder.status if self.forwarder else None, **(app_options or {})
        )
        if self.forwarder:
            self.app.state.notifier.listeners.append(self.forwarder.wake)
        self._advertise = advertise
        self._stack = ExitStack()
        self._thread: threading.Thread | None = None
        self.cert_pem: str | None = None
        ssl_args: dict[str, Any] = {}
        if use_tls:
            cert, key = ensure_certificate(store)
            self.cert_pem = cert
            folder = Path(tempfile.mkdtemp(prefix="vaxstation-tls-"))
            self._stack.callback(shutil.rmtree, folder, ignore_errors=True)
            (folder / "cert.pem").write_text(cert)
            key_path = folder / "key.pem"
            fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(key)
            ssl_args = {"ssl_certfile": str(folder / "cert.pem"), "ssl_keyfile": str(key_path)}
        config = uvicorn.Config(
            self.app,
            host=host,
            port=self.port,
            log_level="warning",
            access_log=False,
            timeout_keep_alive=75,
            timeout_graceful_shutdown=graceful_seconds,
            lifespan="off",
            **ssl_args,
        )
        self.uvicorn = uvicorn.Server(config)

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"{'https' if self.use_tls else 'http'}://{host}:{self.port}"

    def _starting(self) -> None:
        if self.forwarder:
            self.forwarder.start()
        if self._advertise:
            try:
                from sync import discovery

                ad = discovery.advertise(
                    self.port,
                    server_id=self.store.server_id,
                    site=self.site,
                    tls_fingerprint=tls.fingerprint(self.cert_pem) if self.cert_pem else None,
                )
                self._stack.callback(ad.close)
            except Exception as exc:  # finding the hub by name is a comfort; a typed address still works
                log.warning("mDNS advertisement failed: %s", exc)

    def run(self) -> None:
        """Serve until interrupted (Ctrl-C, SIGTERM)."""
        self._starting()
        try:
            self.uvicorn.run()
        finally:
            self.close()

    def start(self) -> Server:
        self._starting()
        self._thread = threading.Thread(target=self.uvicorn.run, name=f"server-{self.port}", daemon=True)
        self._thread.start()
        import time

        deadline = time.monotonic() + 20
        while not self.uvicorn.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the server on port {self.port} did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.uvicorn.should_exit = True
        if self._thread:
            self._thread.join(timeout=10)
        self.close()

    def close(self) -> None:
        if self.forwarder:
            self.forwarder.stop()
        self._stack.close()


__all__ = ["Server", "ensure_certificate", "free_port", "upstream_link"]
