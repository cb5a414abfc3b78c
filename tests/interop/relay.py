"""A TCP relay on 127.0.0.1 that can stop passing the client's bytes on (a one-way cut).

go-lumber's ``tst-send`` never stops sending, so a test that compares its ACKed count with
what reached Elasticsearch needs a clean end: after :meth:`Relay.cut`, nothing more from the
client reaches the server while the server's ACKs still reach the client. A window that was
half forwarded is never complete at the server, so it is neither indexed nor ACKed.
"""

from __future__ import annotations

import socket
import threading
from contextlib import suppress

CHUNK = 65536


class Relay:
    """Accepts on a free port and relays each connection to ``upstream`` (host, port)."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self._upstream = upstream
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._cut = threading.Event()
        self._closed = threading.Event()
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._spawn(self._accept_loop)

    def cut(self) -> None:
        """From now on drop what clients send; keep passing the server's answers back."""
        self._cut.set()

    def close(self) -> None:
        """Stop accepting and close every relayed connection."""
        self._closed.set()
        for sock in [self._listener, *self._sockets]:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for thread in self._threads:
            thread.join(10)

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self._upstream)
            self._sockets += [client, server]
            self._spawn(self._pump, client, server, True)
            self._spawn(self._pump, server, client, False)

    def _pump(self, src: socket.socket, dst: socket.socket, from_client: bool) -> None:
        while True:
            try:
                data = src.recv(CHUNK)
            except OSError:
                return
            if not data:
                with suppress(OSError):
                    dst.shutdown(socket.SHUT_WR)
                return
            if from_client and self._cut.is_set():
                continue
            try:
                dst.sendall(data)
            except OSError:
                return
