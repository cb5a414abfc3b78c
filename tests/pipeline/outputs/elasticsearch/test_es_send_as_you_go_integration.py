"""The sink sends as it goes: what the REAL Elasticsearch receives while an input still reads.

A pass-through proxy in front of the dev stack's Elasticsearch records the documents in each
bulk request as it arrives. The inputs here read the way a file input does: they never await
anything between batches (reading and parsing are CPU work), and they stop as soon as the
server has seen a request (or after a bound, well past the point where the sink should have
sent). Before the fix the sink sent nothing until its 64 MiB budget was full or the input
ended, so these inputs ran to their bound and the first request came only at ``close``.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from pipeline.connections import EsConnection
from pipeline.dlq import DeadLetterQueue
from pipeline.outputs.elasticsearch import ElasticsearchOutput, ElasticsearchOutputConfig
from pipeline.runtime import Batch
from tests.pipeline.reprocess.gate import BulkGate

pytestmark = pytest.mark.integration

READ_BOUND = 400
"""Batches an input reads at most: 4 s of simulated reading, far past one request's time."""
READ_SECS_PER_BATCH = 0.01
"""Blocking work per batch, as parsing a block of lines is (no await in it)."""


@pytest.fixture
def index(es_client: Elasticsearch) -> Iterator[str]:
    name = f"h-safety-sendgo-{uuid.uuid4().hex[:10]}"
    yield name
    es_client.options(ignore_status=404).indices.delete(index=name)


def events(index: str, start: int, count: int) -> list[dict[str, Any]]:
    return [
        {"message": f"line {n}", "@metadata": {"_index": index, "_id": f"doc-{n}"}}
        for n in range(start, start + count)
    ]


async def read_until_seen(
    output: ElasticsearchOutput, gate: BulkGate, index: str, first: int, then: int
) -> int:
    """Write ``first`` events, then batches of ``then`` (a CPU-bound read each) until the
    server has seen a bulk request; returns how many batches were read by then."""
    await output.write(Batch(events(index, 0, first), input_name="files"))
    read = 1
    while not gate.bulk_docs and read < READ_BOUND:
        time.sleep(READ_SECS_PER_BATCH)  # reading blocks the loop, as a file read does
        await output.write(Batch(events(index, read * 1000, then), input_name="files"))
        read += 1
    return read


def run(
    es_url: str, tmp_path: Path, index: str, first: int, then: int, **config: Any
) -> tuple[int, int]:
    """Batches read until the server saw a request, and the documents in that request."""
    with BulkGate(es_url, open_docs=10**9) as gate:
        output = ElasticsearchOutput(
            ElasticsearchOutputConfig(**config), EsConnection(url=gate.url),
            DeadLetterQueue(tmp_path),
        )

        async def scenario() -> int:
            try:
                return await read_until_seen(output, gate, index, first, then)
            finally:
                await output.close()

        read = asyncio.run(scenario())
        return read, gate.bulk_docs[0]


def test_a_full_request_is_sent_while_the_input_keeps_reading(
    es_url: str, es_client: Elasticsearch, index: str, tmp_path: Path
) -> None:
    """Batches of 100 into requests of 500: the first request the server sees holds exactly
    500 documents and arrives while the input is still reading (well before its bound)."""
    read, first_request = run(
        es_url, tmp_path, index, first=100, then=100,
        max_events=500, flush_interval_secs=600,
    )
    es_client.indices.refresh(index=index)
    indexed = es_client.count(index=index)["count"]
    assert (500, True, read * 100) == (first_request, read < READ_BOUND, indexed)


def test_a_partial_request_is_sent_after_the_interval_whatever_the_input_does(
    es_url: str, es_client: Elasticsearch, index: str, tmp_path: Path
) -> None:
    """10 events, then an input that keeps reading lines that all get dropped (empty
    batches): the 10 are sent by the flush timer while the input still reads."""
    read, first_request = run(
        es_url, tmp_path, index, first=10, then=0,
        max_events=5000, flush_interval_secs=0.2,
    )
    es_client.indices.refresh(index=index)
    indexed = es_client.count(index=index)["count"]
    assert (10, True, 10) == (first_request, read < READ_BOUND, indexed)
