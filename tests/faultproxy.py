"""A TCP proxy on a loopback port that breaks connections on purpose: the network a site really has.

Between a desk and its hub (bytes only: TLS passes through untouched). Modes, changeable at any
time: ``pass``; ``cut_after`` N bytes from the client (a push cut mid-batch); ``drop_replies`` after N
bytes from the client (the request reaches the hub, its answer never comes back: the hub stored a
batch that the desk thinks failed);
``refuse`` (connections closed at once: cable out).
"""

from __future__ import annotations

import socket
import threading


class FaultProxy:
    def __init__(self, target_port: int, *, host: str = "127.0.0.1") -> None:
        self.target = (host, target_port)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.mode = "pass"
        self.cut_after = 0
        self.generation = 0
        self.cuts = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def set(self, mode: str, cut_after: int = 0) -> None:
        """Change the mode; open (kept-alive) connections follow it, counting bytes from now on."""
        self.mode, self.cut_after = mode, cut_after
        self.generation += 1

    def close(self) -> None:
        self._stop.set()
        self.sock.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            if self.mode == "refuse":
                client.close()
                self.cuts += 1
                continue
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        done = threading.Event()
        counted = {"up": 0, "generation": self.generation}

        def close_both() -> None:
            done.set()
            for s in (client, upstream):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        def up() -> None:  # client -> hub
            try:
                while not done.is_set():
                    data = client.recv(65536)
                    if not data:
                        break
                    if counted["generation"] != self.generation:
                        counted.update(up=0, generation=self.generation)
                    sent = counted["up"]
                    if self.mode == "cut_after" and sent + len(data) > self.cut_after:
                        upstream.sendall(data[: max(0, self.cut_after - sent)])
                        self.cuts += 1
                        break
                    upstream.sendall(data)
                    counted["up"] = sent + len(data)
            except OSError:
                pass
            close_both()

        def down() -> None:  # hub -> client
            try:
                while not done.is_set():
                    data = upstream.recv(65536)
                    if not data:
                        break
                    if (
                        self.mode == "drop_replies" and counted["up"] > self.cut_after
                    ):  # the request went through
                        self.cuts += 1
                        break
                    client.sendall(data)
            except OSError:
                pass
            close_both()

        t = threading.Thread(target=up, daemon=True)
        t.start()
        down()
        t.join(5)
        client.close()
        upstream.close()
