"""The sink against private Elasticsearch nodes that misbehave: an outage and a write pool full.

Each test starts its own node on free ports with the ``private_es`` fixture (never the shared
dev stack); the node is stopped when the test ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from pipeline.connections import EsConnection
from pipeline.dlq import DeadLetterQueue
from pipeline.outputs.elasticsearch import ElasticsearchOutput, ElasticsearchOutputConfig
from pipeline.runtime import Batch
from pipeline.stack import EsNode

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    # pipeline.stack lets a node's Popen object go while the JVM runs on (it is stopped by pid)
    pytest.mark.filterwarnings("ignore:Exception ignored in.*Popen.__del__"),
]

INDEX = "universal-ai-tools-2025.09.12"
OUTAGE_SECS = 30.0


def events(start: int, count: int) -> list[dict[str, Any]]:
    """Application-shaped events with deterministic ids."""
    return [
        {
            "level": "info", "message": "Business Event", "service": "payment-service",
            "environment": "production", "type": "business_event", "event": "payment",
            "timestamp": "2025-09-12T10:00:00.000Z", "data": {"n": n, "amount": n % 97},
            "@metadata": {"_index": INDEX, "_id": f"evt-{n}", "input": "kafka"},
        }
        for n in range(start, start + count)
    ]


def create_index(url: str, shards: int) -> Elasticsearch:
    client = Elasticsearch(url)
    client.indices.create(
        index=INDEX, settings={"number_of_shards": shards, "number_of_replicas": 0}
    )
    return client


def indexed(client: Elasticsearch) -> int:
    client.indices.refresh(index=INDEX)
    return int(client.count(index=INDEX)["count"])


class Outage:
    """Stops the node once ``after`` events are indexed, keeps it down, then restarts it."""

    def __init__(self, node: EsNode, output: ElasticsearchOutput, after: int) -> None:
        self.node, self.output, self.after = node, output, after
        self.indexed_at_stop = -1
        self.peak_buffer = 0

    async def run(self) -> None:
        while self.output.ledger.total.sent < self.after:
            await asyncio.sleep(0.05)
        self.indexed_at_stop = self.output.ledger.total.sent
        await asyncio.to_thread(self.node.stop)
        await asyncio.sleep(OUTAGE_SECS)
        await asyncio.to_thread(self.node.start)

    async def watch_buffer(self) -> None:
        """Record the most bytes the sink ever held (the backpressure bound)."""
        while True:
            self.peak_buffer = max(self.peak_buffer, self.output._budget.used)
            await asyncio.sleep(0.01)


def test_outage_of_30s_mid_stream_loses_and_duplicates_nothing(
    private_es: Callable[..., EsNode], tmp_path: Path
) -> None:
    """ES stopped for 30 s while 200k events are indexed: afterwards every one is searchable
    exactly once, every batch was acked once and in order, the buffer stayed bounded."""
    node = private_es()
    client = create_index(node.url, shards=1)
    config = ElasticsearchOutputConfig(
        max_events=2000, buffer_max_bytes=8 * 1024 * 1024, max_bytes=2 * 1024 * 1024,
        retry_max_backoff_secs=2.0,
    )
    dlq = DeadLetterQueue(tmp_path / "dlq")
    output = ElasticsearchOutput(config, EsConnection(url=node.url, request_timeout_secs=10), dlq)
    acked: list[int] = []
    outage = Outage(node, output, after=60_000)

    async def scenario() -> None:
        watcher = asyncio.create_task(outage.watch_buffer())
        stopper = asyncio.create_task(outage.run())
        for i in range(200):
            batch = Batch(events(i * 1000, 1000), ack=lambda i=i: acked.append(i),
                          input_name="kafka")
            await output.write(batch)
        await stopper
        await output.close()
        watcher.cancel()

    asyncio.run(scenario())
    total = output.ledger.total
    assert (200_000, list(range(200)), 200_000, 0) == (
        indexed(client), acked, total.sent, total.dead_lettered)
    assert 0 < outage.indexed_at_stop < 200_000
    assert total.retries > 0
    assert outage.peak_buffer <= config.buffer_max_bytes
    client.close()


def test_write_pool_rejections_are_retried_without_loss(
    private_es: Callable[..., EsNode], tmp_path: Path
) -> None:
    """A node with a 1-thread, 1-slot write pool answers 429s; every event still lands once."""
    node = private_es(settings={"thread_pool.write.size": 1, "thread_pool.write.queue_size": 1})
    client = create_index(node.url, shards=6)
    config = ElasticsearchOutputConfig(
        max_events=1000, max_in_flight=4, retry_initial_backoff_secs=0.05,
        retry_max_backoff_secs=0.5,
    )
    dlq = DeadLetterQueue(tmp_path / "dlq")
    output = ElasticsearchOutput(config, EsConnection(url=node.url), dlq)

    async def scenario() -> None:
        for i in range(30):
            await output.write(Batch(events(i * 1000, 1000), input_name="beats"))
        await output.close()

    asyncio.run(scenario())
    stats = output.ledger.per_input["beats"]
    assert (30_000, 30_000, 0) == (indexed(client), stats.sent, stats.dead_lettered)
    assert stats.errors["es_rejected_execution_exception"] > 0
    assert stats.retries > 0
    client.close()
