"""Whole-request refusals from private Elasticsearch nodes: credentials and request size.

A node with security on answers 401 to a sink without credentials: the sink stops with an
AuthError and acknowledges nothing. A node with a tiny ``http.max_content_length`` answers 413:
the sink splits requests until they fit and dead-letters the one event that never can.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from pipeline.connections import EsConnection
from pipeline.dlq import DeadLetterQueue
from pipeline.errors import AuthError, StackError
from pipeline.outputs.elasticsearch import ElasticsearchOutput, ElasticsearchOutputConfig
from pipeline.runtime import Batch
from pipeline.stack import EsNode, port_open

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    # pipeline.stack lets a node's Popen object go while the JVM runs on (it is stopped by pid)
    pytest.mark.filterwarnings("ignore:Exception ignored in.*Popen.__del__"),
]

INDEX = "universal-ai-tools-2025.09.12"


def events(count: int, size: int = 200) -> list[dict[str, Any]]:
    return [
        {"message": "x" * size, "level": "info", "service": "auth-service",
         "@metadata": {"_index": INDEX, "_id": f"e{n}-{size}"}}
        for n in range(count)
    ]


def wait_for_http(node: EsNode, timeout_secs: float = 180.0) -> None:
    """A secured node cannot pass the stack's (unauthenticated) readiness check: wait for the
    HTTP port, then for an answer to a request."""
    deadline = time.monotonic() + timeout_secs
    while not port_open(node.http_port):
        if time.monotonic() > deadline or not node.running():
            raise StackError(f"secured node on :{node.http_port} never opened its HTTP port")
        time.sleep(0.5)


def test_missing_credentials_stop_the_sink_with_auth_error(
    private_es: Callable[..., EsNode], tmp_path: Path
) -> None:
    """401 on the bulk request: write/flush raise AuthError naming the status; no ack."""
    node = private_es(
        settings={"xpack.security.enabled": True, "xpack.security.http.ssl.enabled": False,
                  "xpack.security.transport.ssl.enabled": False},
        start=False,
    )
    node._spawn()
    wait_for_http(node)
    acked: list[str] = []
    output = ElasticsearchOutput(
        ElasticsearchOutputConfig(retry_max_backoff_secs=1.0), EsConnection(url=node.url),
        DeadLetterQueue(tmp_path),
    )

    async def scenario() -> None:
        try:
            await output.write(Batch(events(10), ack=lambda: acked.append("b")))
            await output.flush()
        finally:
            await output.close()

    with pytest.raises(AuthError, match="HTTP 401"):
        asyncio.run(scenario())
    assert ([], 0) == (acked, output.ledger.total.sent)


def test_too_large_requests_are_split_and_an_oversized_event_dead_lettered(
    private_es: Callable[..., EsNode], tmp_path: Path
) -> None:
    """413: requests are halved until they fit; the one event larger than the limit goes to the
    DLQ as request_too_large; all others are indexed once."""
    node = private_es(settings={"http.max_content_length": "8kb"})
    client = Elasticsearch(node.url)
    output = ElasticsearchOutput(
        ElasticsearchOutputConfig(max_events=200), EsConnection(url=node.url),
        DeadLetterQueue(tmp_path),
    )
    batch = events(300) + events(1, size=20_000)

    async def scenario() -> None:
        await output.write(Batch(batch, input_name="files"))
        await output.close()

    asyncio.run(scenario())
    client.indices.refresh(index=INDEX)
    letters = [letter for _, letter in output.dlq.pending()]
    assert (300, ["request_too_large"], ["e0-20000"]) == (
        int(client.count(index=INDEX)["count"]), [le.error_type for le in letters],
        [le.doc_id for le in letters])
    client.close()
