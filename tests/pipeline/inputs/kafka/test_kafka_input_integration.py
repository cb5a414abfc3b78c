"""The Kafka input on the real Kafka and Elasticsearch of the stack, in this process.

Every test uses its own topic, group and index prefix (``unique_name``) and counts documents
IN ELASTICSEARCH. Loops waiting for the servers are bounded by a deadline.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from elasticsearch import Elasticsearch
from kafka_helpers import committed, create_topic, end_offsets, lines, produce, produce_to
from kafka_worker import work

from parsers import MultilineConfig
from pipeline.dlq import DeadLetter, DeadLetterQueue
from pipeline.inputs.kafka import KafkaInput, KafkaInputConfig
from pipeline.runtime import Batch

pytestmark = pytest.mark.integration

DEADLINE_SECS = 240


@pytest.fixture
def prefix(es_client: Elasticsearch, unique_name: str) -> Iterator[str]:
    """The test's index prefix; its indices are deleted afterwards."""
    yield unique_name
    es_client.options(ignore_status=404).indices.delete(index=f"{unique_name}-*")


def es_count(es: Elasticsearch, prefix: str) -> int:
    es.options(ignore_status=404).indices.refresh(index=f"{prefix}-*")
    answer = es.options(ignore_status=404).count(index=f"{prefix}-*")
    return int(answer.get("count", 0))


def settings(kafka: str, es_url: str, name: str, tmp: Path, **extra: Any) -> dict[str, Any]:
    return {"bootstrap": kafka, "topic": name, "group": name, "es_url": es_url,
            "prefix": f"{name}-", "dlq_dir": str(tmp / "dlq"), **extra}


async def run_until(
    config: dict[str, Any], done: Any, started: list[KafkaInput] | None = None
) -> KafkaInput:
    """Run a worker until ``done()`` is true (checked every 0.5 s), then stop it cleanly."""
    until = asyncio.Event()
    worker = asyncio.ensure_future(work(config, until, started))
    deadline = time.monotonic() + DEADLINE_SECS
    while not worker.done() and time.monotonic() < deadline:
        if await asyncio.to_thread(done):
            break
        await asyncio.sleep(0.5)
    until.set()
    return await worker


def test_every_record_indexed_once_and_offsets_committed(
    kafka_bootstrap: str, es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """20k raw lines on 3 partitions: 20k documents, the group committed every partition's end,
    and a second run of the group reads nothing again."""
    create_topic(kafka_bootstrap, prefix, 3)
    total = produce(kafka_bootstrap, prefix, lines(0, 20_000), 3)
    config = settings(kafka_bootstrap, es_url, prefix, tmp_path)
    source = asyncio.run(run_until(config, lambda: es_count(es_client, prefix) >= total))
    again = asyncio.run(_short_run(config))
    assert (20_000, end_offsets(kafka_bootstrap, prefix, 3), 20_000, 0) == (
        es_count(es_client, prefix), committed(kafka_bootstrap, prefix, prefix),
        source.counters.received, again.counters.received,
    )


async def _short_run(config: dict[str, Any]) -> KafkaInput:
    """A second member of the group for a few seconds (long enough to be assigned and fetch)."""
    started: list[KafkaInput] = []
    ends = time.monotonic() + 8
    return await run_until(config, lambda: time.monotonic() > ends, started)


def test_poison_records_are_dead_lettered_and_the_partition_moves(
    kafka_bootstrap: str, es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """A value that is not UTF-8 and a 5 MB value land in the DLQ with topic/partition/offset;
    the lines after them are indexed and the committed offset passes them."""
    create_topic(kafka_bootstrap, prefix, 1, {"max.message.bytes": str(8 << 20)})
    values = [*lines(0, 100), b"bad \xff\xfe bytes", b"x" * (5 << 20), *lines(100, 100)]
    produce(kafka_bootstrap, prefix, values, 1, max_request_size=8 << 20)
    config = settings(kafka_bootstrap, es_url, prefix, tmp_path)
    source = asyncio.run(run_until(
        config, lambda: committed(kafka_bootstrap, prefix, prefix).get(0) == len(values)))
    letters = [letter for _, letter in DeadLetterQueue(tmp_path / "dlq").pending()]
    assert (
        200,
        {0: 202},
        [("kafka_invalid_utf8", 100), ("kafka_value_too_large", 101)],
        [f"Kafka record {prefix}/0@100", f"Kafka record {prefix}/0@101"],
        (202, 200, 2),
    ) == (
        es_count(es_client, prefix),
        committed(kafka_bootstrap, prefix, prefix),
        [(letter.error_type, letter.event["kafka"]["offset"]) for letter in letters],
        [letter.reason.split(":")[0] for letter in letters],
        (source.counters.received, source.counters.sent, source.counters.dead_lettered),
    )


def test_elasticsearch_down_for_a_minute_nothing_lost_group_stable(
    kafka_bootstrap: str, private_es: Any, unique_name: str, tmp_path: Path
) -> None:
    """Elasticsearch stopped for 60 s mid-stream (3x max_poll_interval): the input pauses its
    partitions but keeps polling, so it is never revoked; what it holds stays under its bound;
    after the restart every record is in Elasticsearch once and the offsets are at the end."""
    node = private_es()
    es = Elasticsearch(node.url, request_timeout=30)
    create_topic(kafka_bootstrap, unique_name, 3)
    produce(kafka_bootstrap, unique_name, lines(0, 10_000), 3)
    limit = 128 * 1024
    config = settings(
        kafka_bootstrap, node.url, unique_name, tmp_path,
        input={"max_buffered_bytes": limit, "max_batch_records": 500,
               "max_poll_interval_secs": 20.0, "session_timeout_secs": 6.0,
               "heartbeat_interval_secs": 1.0},
        output={"buffer_max_bytes": 256 * 1024, "max_bytes": 128 * 1024,
                "retry_max_backoff_secs": 2.0},
    )
    seen: dict[str, Any] = {"peak": 0, "paused": False, "revocations_during": None}

    async def scenario() -> KafkaInput:
        until = asyncio.Event()
        started: list[KafkaInput] = []
        worker = asyncio.ensure_future(work(config, until, started))
        await _wait(lambda: es_count(es, unique_name) >= 10_000, worker)
        source = started[0]
        await asyncio.to_thread(node.stop)
        await asyncio.to_thread(produce, kafka_bootstrap, unique_name, lines(10_000, 40_000), 3)
        outage_ends = time.monotonic() + 60
        while time.monotonic() < outage_ends:
            seen["peak"] = max(seen["peak"], source.queued_bytes)
            seen["paused"] = seen["paused"] or source.paused
            await asyncio.sleep(0.2)
        seen["revocations_during"] = source.revocations
        await asyncio.to_thread(node.start)
        await _wait(lambda: es_count(es, unique_name) >= 50_000, worker)
        until.set()
        return await worker

    source = asyncio.run(scenario())
    assert (50_000, end_offsets(kafka_bootstrap, unique_name, 3), 0, True, True) == (
        es_count(es, unique_name), committed(kafka_bootstrap, unique_name, unique_name),
        seen["revocations_during"], seen["paused"], seen["peak"] <= limit + 500 * 200,
    )
    assert source.counters.reconciles()


async def _wait(check: Any, worker: asyncio.Future[Any]) -> None:
    """Until ``check()`` holds; raises what ended the worker if it ends first."""
    deadline = time.monotonic() + DEADLINE_SECS
    while not await asyncio.to_thread(check) and time.monotonic() < deadline:
        if worker.done():
            worker.result()
            raise AssertionError("the worker ended early")
        await asyncio.sleep(0.5)


def test_rebalance_never_commits_what_was_not_delivered(
    kafka_bootstrap: str, unique_name: str, tmp_path: Path
) -> None:
    """Member A holds (never acks) the batches it read from both partitions; B joins. A's
    revoke waits ``revoke_wait_secs`` and commits nothing; A's late acks of the revoked batches
    commit nothing either; each partition is committed to its end only by the member that owns
    it now, once that member's own batches are acknowledged."""
    create_topic(kafka_bootstrap, unique_name, 2)
    produce(kafka_bootstrap, unique_name, lines(0, 200), 2)
    dlq = DeadLetterQueue(tmp_path / "dlq")
    options = {"revoke_wait_secs": 1.0, "commit_interval_secs": 0.1, "session_timeout_secs": 6.0,
               "heartbeat_interval_secs": 1.0}
    config = KafkaInputConfig(bootstrap_servers=kafka_bootstrap, topics=[unique_name],
                              group=unique_name, **options)
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        first, second = KafkaInput(config, dlq), KafkaInput(config, dlq)
        held: list[Batch] = []
        reader_a = asyncio.ensure_future(_collect(first, held))
        await _until(lambda: {b.stream for b in held} == {f"kafka:{unique_name}/0",
                                                          f"kafka:{unique_name}/1"})
        reader_b = asyncio.ensure_future(_collect(second, None))
        await _until(lambda: first.revocations >= 1)  # A is in its revoke wait (1 s) now
        old, held[:] = list(held), []  # what A read before the rebalance
        await _until(lambda: second.counters.received > 0)
        seen["after_revoke"] = await asyncio.to_thread(committed, kafka_bootstrap,
                                                       unique_name, unique_name)
        for batch in old:
            batch.ack()  # late acks of revoked batches
        await asyncio.sleep(1.0)
        seen["after_late_acks"] = await asyncio.to_thread(committed, kafka_bootstrap,
                                                          unique_name, unique_name)
        await _until(lambda: sum(len(b.events) for b in held) >= 100)
        for batch in held:
            batch.ack()
        await _until(lambda: committed(kafka_bootstrap, unique_name, unique_name)
                     == {0: 100, 1: 100})
        for source, reader in ((first, reader_a), (second, reader_b)):
            await source.stop()
            await reader
            await source.close()

    asyncio.run(scenario())
    dlq.close()
    b_partition = {p: o for p, o in seen["after_late_acks"].items() if o > 0}
    assert ({}, 1, [100], {0: 100, 1: 100}) == (
        {p: o for p, o in seen["after_revoke"].items() if o > 0}, len(b_partition),
        list(b_partition.values()), committed(kafka_bootstrap, unique_name, unique_name),
    )


async def _collect(source: KafkaInput, into: list[Batch] | None) -> None:
    """Read ``source`` until it ends: keep the batches in ``into`` unacknowledged, or ack."""
    async for batch in source.batches():
        if into is None:
            batch.ack()
        else:
            into.append(batch)


async def _until(check: Any) -> None:
    deadline = time.monotonic() + 120
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("gave up waiting")
        await asyncio.sleep(0.1)


class _RebalancingQueue(DeadLetterQueue):
    """The real dead letter queue, whose first append waits for ``during()`` (a rebalance)."""

    during: Any = None

    async def append(self, letters: Sequence[DeadLetter]) -> None:
        during, self.during = self.during, None
        if during is not None:
            await during()
        await super().append(letters)


@pytest.mark.parametrize("multiline", [None, MultilineConfig()], ids=["lines", "multiline"])
def test_a_fetch_read_before_a_rebalance_is_not_handed_after_it(
    kafka_bootstrap: str, unique_name: str, tmp_path: Path, multiline: MultilineConfig | None
) -> None:
    """Member A holds (never acks) its batches of offsets 0..4 of both partitions; then one fetch
    brings 5..9 of both, offset 5 poison. While the first partition's poison is written, B
    joins and leaves: both partitions are revoked and come back to A, read again from 0; A
    acks every batch but those holding offset 0. The rest of that fetch, read before the
    rebalance, is not handed on (counted kafka_revoked): handed on a fresh commit book starting
    at 5, its ack committed 10 past 0..4, which nobody delivered. With multiline, the joining
    that fetch began stayed: the re-read was joined to it on a book starting at 5. A commit
    never passes a record not delivered (or dead-lettered)."""
    create_topic(kafka_bootstrap, unique_name, 2)
    produce_to(kafka_bootstrap, unique_name, [(p, line) for p in (0, 1) for line in lines(0, 5)])
    dlq = _RebalancingQueue(tmp_path / "dlq")
    config = KafkaInputConfig(
        bootstrap_servers=kafka_bootstrap, topics=[unique_name], group=unique_name,
        max_value_bytes=200, revoke_wait_secs=0.2, multiline_flush_secs=600.0,
        commit_interval_secs=0.1, session_timeout_secs=6.0, heartbeat_interval_secs=0.5)
    source = KafkaInput(config, dlq, multiline=multiline)
    delivered: dict[int, set[int]] = {0: set(), 1: set()}
    prefixes: dict[int, int] = {}  # what the commit book would commit (the acked prefix)

    async def rebalance() -> None:
        other = AIOKafkaConsumer(unique_name, bootstrap_servers=kafka_bootstrap,
                                 group_id=unique_name, enable_auto_commit=False,
                                 heartbeat_interval_ms=500, session_timeout_ms=6000)
        await other.start()
        await _until_async(lambda: source.revocations >= 1 and bool(other.assignment()))
        await other.stop()
        await _until_async(lambda: source.revocations >= 2
                           and len(source._consumer.assignment()) == 2)

    async def scenario() -> None:
        batches = source.batches()
        held = [await anext(batches), await anext(batches)]  # 0..4 of each, never acked
        dlq.during = rebalance
        await asyncio.to_thread(produce_to, kafka_bootstrap, unique_name, [
            (p, line) for p in (0, 1) for line in [b"x" * 300, *lines(5, 4)]])
        seen: dict[int, set[int]] = {0: set(), 1: set()}
        while any({0, 1, 2, 3, 4, 6, 7, 8} - offsets for offsets in seen.values()):
            batch = await asyncio.wait_for(anext(batches), 120)
            offsets = [(e["@metadata"]["kafka"]["partition"], e["@metadata"]["kafka"]["offset"])
                       for e in batch.events]
            for partition, offset in offsets:
                seen[partition].add(offset)
            if all(offset != 0 for _, offset in offsets):  # offset 0 of each: never delivered
                batch.ack()
                for partition, offset in offsets:
                    delivered[partition].add(offset)
        prefixes.update({p: o for (_, p), o in source.book.acknowledged().items()})
        await source.stop()
        async for _ in batches:
            pass
        await source.close()
        assert 2 == len(held)

    asyncio.run(scenario())
    dlq.close()
    limits = {p: min({*range(10)} - offsets - {5}) for p, offsets in delivered.items()}
    assert ({0: 0, 1: 0}, {}, {0: 0, 1: 0}, True) == (limits, {
        p: o for p, o in committed(kafka_bootstrap, unique_name, unique_name).items()
        if o > limits[p]}, prefixes, source.counters.reconciles())


async def _until_async(check: Any) -> None:
    deadline = time.monotonic() + 120
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("gave up waiting")
        await asyncio.sleep(0.1)
