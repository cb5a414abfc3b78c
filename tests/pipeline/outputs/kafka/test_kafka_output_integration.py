"""The Kafka output (Beats -> Kafka mode) against the real Kafka: batches are acknowledged in
write order once Kafka holds them, and the Kafka input reads back the events the Beats input
made, with the same source identities (so the same ``_id`` s in Elasticsearch)."""

from __future__ import annotations

import asyncio
import copy
import time
from pathlib import Path
from typing import Any

import orjson
import pytest

from pipeline.dlq import DeadLetterQueue
from pipeline.inputs._events import beat_event
from pipeline.inputs.kafka import KafkaInput, KafkaInputConfig
from pipeline.outputs.kafka import KafkaOutput, KafkaOutputConfig
from pipeline.runtime import METADATA, Batch, Event

pytestmark = pytest.mark.integration

AT = "2025-09-12T10:00:00.000Z"


def beat_doc(n: int, with_offset: bool = True) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@timestamp": "2025-09-12T10:00:01.000Z",
        "@metadata": {"beat": "filebeat", "type": "_doc", "version": "7.17.29"},
        "message": f"2025-09-12 10:00:00,{n:03d} INFO [auth-service] login ok user={n}",
        "log": {"file": {"path": "/var/log/auth.log"}},
        "host": {"name": "web-1"},
        "agent": {"type": "filebeat"},
    }
    if with_offset:
        doc["log"]["offset"] = n * 100
    return doc


def beats_events(numbers: range, with_offset: bool = True) -> list[Event]:
    """What the Beats input makes of these Filebeat events."""
    docs = [beat_doc(n, with_offset) for n in numbers]
    return [beat_event(doc, orjson.dumps(doc), "beats", AT) for doc in docs]


def without_meta(event: Event) -> Event:
    return {k: v for k, v in event.items() if k != METADATA}


def test_published_events_read_back_with_the_same_identity(
    kafka_bootstrap: str, unique_name: str, tmp_path: Path
) -> None:
    """Two windows' batches: acked in write order after Kafka confirmed them; the Kafka input
    reads the same documents and source ids back (also for events without a file offset,
    whose identity is their raw bytes)."""
    sent = [beats_events(range(3)), beats_events(range(3, 5), with_offset=False)]
    expected = [copy.deepcopy(e) for batch in sent for e in batch]
    acked: list[int] = []
    output = KafkaOutput(KafkaOutputConfig(topic=unique_name, bootstrap_servers=kafka_bootstrap))

    async def publish() -> None:
        for n, events in enumerate(sent):
            await output.write(Batch(events, lambda n=n: acked.append(n), "beats", "beats:c#1"))
        await output.flush()
        await output.close()

    asyncio.run(publish())
    got = asyncio.run(read_back(kafka_bootstrap, unique_name, tmp_path, len(expected)))
    assert (
        [0, 1],
        [without_meta(e) for e in expected],
        [e[METADATA]["source_id"] for e in expected],
        (5, 5),
    ) == (
        acked,
        [without_meta(e) for e in got],
        [e[METADATA]["source_id"] for e in got],
        (output.counters.received, output.counters.sent),
    )


async def read_back(bootstrap: str, topic: str, tmp: Path, count: int) -> list[Event]:
    dlq = DeadLetterQueue(tmp / "dlq")
    source = KafkaInput(KafkaInputConfig(bootstrap_servers=bootstrap, topics=[topic],
                                         group=topic), dlq)
    got: list[Event] = []

    async def read() -> None:
        async for batch in source.batches():
            got.extend(batch.events)
            batch.ack()

    reader = asyncio.ensure_future(read())
    deadline = time.monotonic() + 120
    while len(got) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    await source.stop()
    await reader
    await source.close()
    dlq.close()
    return got
