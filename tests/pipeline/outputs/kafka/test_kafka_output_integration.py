"""The Kafka output (Beats -> Kafka mode) against the real Kafka: batches are acknowledged in
write order once Kafka holds them, and the Kafka input reads back the events the Beats input
made, with the same source identities (so the same ``_id`` s in Elasticsearch)."""

from __future__ import annotations

import asyncio
import copy
import random
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from kafka.admin import KafkaAdminClient, NewTopic

from pipeline.dlq import DeadLetterQueue
from pipeline.ids import document_id
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
    dlq = DeadLetterQueue(tmp_path / "out-dlq")
    output = KafkaOutput(KafkaOutputConfig(topic=unique_name, bootstrap_servers=kafka_bootstrap),
                         dlq)

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


def big_event(n: int, size: int) -> Event:
    """A Beats event whose message alone is ``size`` bytes (random text, so gzip cannot
    shrink it under any limit)."""
    doc = beat_doc(n)
    doc["message"] = random.Random(n).randbytes(size // 2).hex()
    return beat_event(doc, orjson.dumps(doc), "beats", AT)


def publish(output: KafkaOutput, batches: list[list[Event]], stream: str) -> list[int]:
    """Write each batch (flushing after each), close; the batches acked, in ack order."""
    acked: list[int] = []

    async def run() -> None:
        for n, events in enumerate(batches):
            await output.write(Batch(events, lambda n=n: acked.append(n), "beats", stream))
            await output.flush()
        await output.close()

    asyncio.run(run())
    return acked


def test_event_over_max_request_bytes_is_dead_lettered_and_acked(
    kafka_bootstrap: str, unique_name: str, tmp_path: Path
) -> None:
    """An event over the producer's 1 MiB default limit (Filebeat allows far larger ones)
    used to raise DeliveryError and stop serve, and the resent window crash-looped it: now it
    goes to the DLQ with its size and peer, the window is acked, the others are published."""
    stream = "beats:127.0.0.1:53122#7"
    big = big_event(1, 1536 * 1024)
    batches = [[*beats_events(range(1)), big, *beats_events(range(2, 3))],
               beats_events(range(3, 5))]
    expected = [without_meta(e) for e in (batches[0][0], batches[0][2], *batches[1])]
    big_doc, big_id = without_meta(big), document_id(big[METADATA]["source_id"])
    dlq = DeadLetterQueue(tmp_path / "out-dlq")
    output = KafkaOutput(KafkaOutputConfig(topic=unique_name, bootstrap_servers=kafka_bootstrap),
                         dlq)
    acked = publish(output, batches, stream)
    letters = [letter for _, letter in dlq.entries()]
    got = asyncio.run(read_back(kafka_bootstrap, unique_name, tmp_path, len(expected)))
    c = output.counters
    assert (
        [0, 1], expected, (5, 4, 1, True),
        [("message_too_large", None, big_id, big_doc, "beats")], True,
    ) == (
        acked, [without_meta(e) for e in got], (c.received, c.sent, c.dead_lettered,
                                                  c.reconciles()),
        [(x.error_type, x.index, x.doc_id, x.event, x.input_name) for x in letters],
        stream in letters[0].reason and "max_request_bytes 1048576" in letters[0].reason,
    )


def test_event_over_the_topics_limit_is_dead_lettered_and_acked(
    kafka_bootstrap: str, unique_name: str, tmp_path: Path
) -> None:
    """The broker refusing a record over the topic's ``max.message.bytes`` (under the
    producer's limit) failed the output; now the record is dead-lettered and acked too."""
    create_topic(kafka_bootstrap, unique_name, {"max.message.bytes": "20000"})
    big = big_event(1, 60_000)
    batches = [[big], beats_events(range(2, 4))]
    expected = [without_meta(e) for e in batches[1]]
    dlq = DeadLetterQueue(tmp_path / "out-dlq")
    output = KafkaOutput(KafkaOutputConfig(topic=unique_name, bootstrap_servers=kafka_bootstrap,
                                           compression=None), dlq)
    acked = publish(output, batches, "beats:127.0.0.1:53123#8")
    letters = [letter for _, letter in dlq.entries()]
    got = asyncio.run(read_back(kafka_bootstrap, unique_name, tmp_path, len(expected)))
    c = output.counters
    assert ([0, 1], expected, (3, 2, 1), [("message_too_large", without_meta(big))]) == (
        acked, [without_meta(e) for e in got], (c.received, c.sent, c.dead_lettered),
        [(x.error_type, x.event) for x in letters],
    )


def create_topic(bootstrap: str, topic: str, configs: dict[str, str]) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(topic, 1, 1, topic_configs=configs)])
    finally:
        admin.close()


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
