"""``setup`` and ``reprocess`` against servers that are not a working Elasticsearch: one line
naming the URL and what was expected, never a traceback or the server's whole page."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

LUMBERYARD = str(Path(sys.executable).parent / "lumberyard")
PAGE = b"<html><head><title>Welcome to nginx!</title></head><body>" + b"<p>x</p>" * 500


@contextmanager
def silent_server() -> Iterator[str]:
    """Accepts connections on 127.0.0.1 and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        accepted: list[socket.socket] = []
        stop = threading.Event()

        def accept() -> None:
            server.settimeout(0.2)
            while not stop.is_set():
                try:
                    accepted.append(server.accept()[0])
                except TimeoutError:
                    continue

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        try:
            yield f"http://u:secret@127.0.0.1:{server.getsockname()[1]}"
        finally:
            stop.set()
            thread.join(timeout=5)
            for conn in accepted:
                conn.close()


class _Html(BaseHTTPRequestHandler):
    def _page(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    do_GET = do_PUT = do_POST = do_HEAD = _page  # noqa: N815 -- http.server's handler names

    def log_message(self, *args: object) -> None:
        """Quiet."""


@contextmanager
def html_server() -> Iterator[str]:
    """A web server that is not Elasticsearch: an HTML page for every request."""
    server = HTTPServer(("127.0.0.1", 0), _Html)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://u:secret@127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LUMBERYARD, *args], capture_output=True, text=True, timeout=300,
                          check=False)


def one_line(done: subprocess.CompletedProcess[str], url: str) -> tuple[int, int, bool, bool]:
    """(exit, lines of output, the masked URL named, any trace of the page/password)."""
    output = (done.stdout + done.stderr).strip()
    masked = url.replace(":secret@", ":***@")
    leaked = "secret" in output or "<html>" in output or "Traceback" in output
    return done.returncode, len(output.splitlines()), masked in output, leaked


@pytest.mark.slow
def test_setup_against_a_server_that_never_answers() -> None:
    """Connection accepted, no answer: one NotConnected line saying what was expected."""
    with silent_server() as url:
        done = run("setup", "--es-url", url)
    assert ((1, 1, True, False), True) == (
        one_line(done, url), "is this an Elasticsearch HTTP port?" in done.stderr), done.stderr


@pytest.mark.parametrize("command", ["setup", "reprocess"])
def test_a_web_server_that_is_not_elasticsearch(command: str, tmp_path: Path) -> None:
    """An HTML page: one UnsupportedServer line naming the URL, not the page."""
    log = tmp_path / "app.log"
    log.write_bytes(b'{"message":"x"}\n')
    args = ["setup"] if command == "setup" else [
        "reprocess", str(log), "--data-dir", str(tmp_path / "data")]
    with html_server() as url:
        done = run(*args, "--es-url", url)
    assert ((1, 1, True, False), True) == (
        one_line(done, url), "is not Elasticsearch" in done.stderr), done.stdout + done.stderr
