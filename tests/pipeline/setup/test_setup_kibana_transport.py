"""Sending the data view requests over HTTP, against a local server that records them.

No Kibana is available to the tests. This server plays no part of Kibana's logic: it answers
with fixed statuses so that the sending path (GET, then POST only on 404, errors mapped to
lumberyard's errors) is exercised over a real socket.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import orjson
import pytest

from pipeline.errors import AuthError, NotConnected
from pipeline.setup import DataView, KibanaAuth, ensure_data_view
from pipeline.stack import free_port


class Recorder(BaseHTTPRequestHandler):
    """Records (method, path, kbn-xsrf, body); answers GET with ``get_status``, POST 200."""

    seen: list[tuple[str, str, str | None, bytes]]
    get_status: int

    def _record(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.seen.append((self.command, self.path, self.headers.get("kbn-xsrf"), body))

    def do_GET(self) -> None:
        self._record()
        self.send_response(self.get_status)
        self.end_headers()
        self.wfile.write(b"{}")

    def do_POST(self) -> None:
        self._record()
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def serve(get_status: int) -> Iterator[tuple[str, list[tuple[str, str, str | None, bytes]]]]:
    seen: list[tuple[str, str, str | None, bytes]] = []
    handler = type("H", (Recorder,), {"seen": seen, "get_status": get_status})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


@pytest.fixture
def absent() -> Iterator[tuple[str, list[tuple[str, str, str | None, bytes]]]]:
    yield from serve(404)


@pytest.fixture
def present() -> Iterator[tuple[str, list[tuple[str, str, str | None, bytes]]]]:
    yield from serve(200)


@pytest.fixture
def refusing() -> Iterator[tuple[str, list[tuple[str, str, str | None, bytes]]]]:
    yield from serve(401)


def test_missing_view_is_created(
    absent: tuple[str, list[tuple[str, str, str | None, bytes]]],
) -> None:
    """GET answers 404, so the view is POSTed (with kbn-xsrf) and reported as created."""
    url, seen = absent
    assert "created" == ensure_data_view(url, DataView(), KibanaAuth(), space="ops")
    expected = [
        ("GET", "/s/ops/api/data_views/data_view/universal-ai-tools"),
        ("POST", "/s/ops/api/data_views/data_view"),
    ]
    assert expected == [(m, p) for m, p, _, _ in seen]
    assert "lumberyard" == seen[1][2]
    assert "@timestamp" == orjson.loads(seen[1][3])["data_view"]["timeFieldName"]


def test_existing_view_is_left_alone(
    present: tuple[str, list[tuple[str, str, str | None, bytes]]],
) -> None:
    """GET answers 200: nothing is posted, the view is reported unchanged."""
    url, seen = present
    assert "unchanged" == ensure_data_view(url, DataView(), KibanaAuth(api_key="k"))
    assert ["GET"] == [m for m, _, _, _ in seen]


def test_refused_credentials_are_an_auth_error(
    refusing: tuple[str, list[tuple[str, str, str | None, bytes]]],
) -> None:
    """401 becomes AuthError naming the URL."""
    url, _ = refusing
    with pytest.raises(AuthError, match="refused the credentials"):
        ensure_data_view(url, DataView(), KibanaAuth(user="u", password="p"))


def test_nobody_listening_is_not_connected() -> None:
    """No server on the port: NotConnected naming the URL."""
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(NotConnected, match="cannot reach Kibana"):
        ensure_data_view(url, DataView(), KibanaAuth())
