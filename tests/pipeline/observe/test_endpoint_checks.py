"""The endpoint's remote checks survive what a probe did not translate, and the Kafka probe
tells a server that is not Kafka from a broker (no real broker is needed to refuse one)."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator

import pytest

from pipeline.check import kafka_api_versions
from pipeline.observe import Endpoint, Probes, WorkerBoard


async def _untranslated() -> str:
    raise RuntimeError("boom")


async def _fine() -> str:
    return "ok"


def test_an_untranslated_probe_error_is_an_unhealthy_result() -> None:
    """A probe raising a foreign error gives an unhealthy result naming it; the other probe's
    result is still kept (the periodic checks would otherwise stop for good)."""
    endpoint = Endpoint(WorkerBoard.in_memory(), Probes(elasticsearch=_untranslated, kafka=_fine))
    asyncio.run(endpoint.run_checks())
    found = {name: (r.status, r.message) for name, r in endpoint.results.items()}
    assert {"elasticsearch": ("unhealthy", "unexpected RuntimeError: boom"),
            "kafka": ("healthy", "ok")} == found


@pytest.fixture
def http_server() -> Iterator[str]:
    """A one-connection TCP server on 127.0.0.1 answering like an HTTP server would."""
    listener = socket.create_server(("127.0.0.1", 0))

    def answer() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(1024)
            connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    yield f"127.0.0.1:{listener.getsockname()[1]}"
    thread.join(timeout=10)
    listener.close()


def test_an_http_server_is_not_a_kafka_broker(http_server: str) -> None:
    """"HTTP" read as a Kafka length is 1.2 GB: refused as not Kafka, nothing that large read."""
    with pytest.raises(ValueError, match=r"^not a Kafka broker") as refused:
        kafka_api_versions(http_server, 5.0)
    assert "not a Kafka broker: an answer of 1213486160 bytes to ApiVersions" == str(refused.value)
