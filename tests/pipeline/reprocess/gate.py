"""A pass-through proxy in front of the REAL Elasticsearch: records, and can hold, bulk requests.

Tests that interrupt a run (Ctrl-C, ``kill -9``) must interrupt it *in the middle*: with a
fast pipeline a small archive may be finished before the signal arrives. The gate passes
``_bulk`` requests through to Elasticsearch until requests carrying ``open_docs``
documents have fully succeeded (one that is retried, after a 429 or with refused items, does
not count), then holds later ones until :meth:`BulkGate.release`, so the run is provably
mid-flight when it is signalled. Every request that passes reaches the real server
unchanged; the gate itself answers nothing.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

_FORWARDED_HEADERS = ("Content-Type", "Content-Encoding", "Accept", "Authorization")
_HOLD_LIMIT_SECS = 300.0


class BulkGate:
    """Proxy ``127.0.0.1:<free port>`` -> ``upstream``; bulk requests past the first N wait."""

    def __init__(self, upstream: str, open_docs: int = 15000) -> None:
        self.upstream = upstream.rstrip("/")
        self.open_docs = open_docs
        self.docs_succeeded = 0
        self.bulk_docs: list[int] = []
        """Documents in each bulk request as it arrived, in arrival order (held or not)."""
        self._lock = threading.Lock()
        self._released = threading.Event()
        self.outage = threading.Event()
        """While set, bulk requests with documents are answered 503 (an overloaded cluster),
        not forwarded (the empty one of a health check still passes)."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def release(self) -> None:
        """Let every held and future request through."""
        self._released.set()

    @staticmethod
    def _is_bulk(path: str) -> bool:
        return path.split("?", maxsplit=1)[0].endswith("/_bulk")

    def _admit(self, path: str, body: bytes | None) -> None:
        if not self._is_bulk(path):
            return
        with self._lock:
            self.bulk_docs.append((body or b"").count(b"\n") // 2)  # action + source
            held = self.docs_succeeded >= self.open_docs
        if held:
            self._released.wait(_HOLD_LIMIT_SECS)

    def _answered(self, path: str, status: int, body: bytes | None, payload: bytes) -> None:
        # a 200 whose items were refused (per-item 429s) will be retried: not a success
        if self._is_bulk(path) and status == 200 and b'"errors":false' in payload:
            with self._lock:
                self.docs_succeeded += (body or b"").count(b"\n") // 2  # action + source

    def __enter__(self) -> BulkGate:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        gate = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the test output is the place for failures, not access logs."""

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if gate.outage.is_set() and gate._is_bulk(self.path) and body:
                    self._reply(503, {"Content-Type": "application/json"},
                                b'{"error":"unavailable","status":503}')
                    return
                gate._admit(self.path, body)
                headers = {k: v for k in _FORWARDED_HEADERS if (v := self.headers.get(k))}
                request = urllib.request.Request(
                    gate.upstream + self.path, data=body, headers=headers, method=self.command
                )
                try:
                    with urllib.request.urlopen(request, timeout=120) as response:
                        status, headers, payload = (
                            response.status, dict(response.headers), response.read()
                        )
                except urllib.error.HTTPError as error:
                    status, headers, payload = error.code, dict(error.headers), error.read()
                try:
                    self._reply(status, headers, payload)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client was killed while its request was held
                gate._answered(self.path, status, body, payload)

            def _reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    if name.lower() not in {"transfer-encoding", "connection", "content-length"}:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            # the stdlib dispatches on these names
            do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _forward  # noqa: N815

        return Handler
