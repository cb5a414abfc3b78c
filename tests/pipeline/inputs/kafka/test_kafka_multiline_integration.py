"""Raw lines read from Kafka are joined into multiline events, per partition, on the real Kafka
and Elasticsearch: stack traces produced one record per line are one document each, an event
with no record after it is indexed after the flush timeout, partitions never mix, a
``kill -9`` of ``lumberyard serve --kafka`` mid-stream loses and doubles nothing, and with
multiline off every record is a document.

Documents are counted and read IN ELASTICSEARCH; every wait polls a condition up to a deadline.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan
from kafka_helpers import committed, create_topic, end_offsets, produce, produce_to
from kafka_worker import work
from test_kafka_input_integration import _wait, es_count, run_until, settings
from test_kafka_workers_integration import Workers, wait_for

from pipeline.inputs.kafka import REVOKED, KafkaInput
from tests.parsers.test_parsers_multiline import JAVA, PYTHON

pytestmark = pytest.mark.integration

PYTHON_2 = [
    "[2025-09-12T10:00:02Z] ERROR worker died",
    "Traceback (most recent call last):",
    '  File "a.py", line 1, in <module>',
    '  File "b.py", line 2, in run',
    "    step()",
    "KeyError: 'k'",
    "[2025-09-12T10:00:03Z] INFO next on 1",
]
FAST_FLUSH = {"multiline_flush_secs": 1.0}


@pytest.fixture
def prefix(es_client: Elasticsearch, unique_name: str) -> Iterator[str]:
    """The test's topic/group/index prefix; its indices are deleted afterwards."""
    yield unique_name
    es_client.options(ignore_status=404).indices.delete(index=f"{unique_name}-*")


def sources(es: Elasticsearch, prefix: str) -> list[dict[str, Any]]:
    es.options(ignore_status=404).indices.refresh(index=f"{prefix}-*")
    return [hit["_source"] for hit in scan(es, index=f"{prefix}-*", query={"query": {
        "match_all": {}}})]


def traces(es: Elasticsearch, prefix: str) -> list[str | None]:
    """Each document's ``error.stack_trace`` (``None`` without one), sorted."""
    found = [doc.get("error", {}).get("stack_trace") for doc in sources(es, prefix)]
    return sorted(found, key=lambda trace: trace or "")


def encoded(texts: list[str]) -> list[bytes]:
    return [text.encode() for text in texts]


def test_java_and_python_traces_are_one_document_each(
    kafka_bootstrap: str, es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """A Java trace and a Python traceback, one record per line, then a bracketed line:
    three documents, each trace whole in its document; every offset committed."""
    create_topic(kafka_bootstrap, prefix, 1)
    records = produce(kafka_bootstrap, prefix, encoded([*JAVA[:-1], *PYTHON]), 1)
    config = settings(kafka_bootstrap, es_url, prefix, tmp_path, input=FAST_FLUSH)
    asyncio.run(run_until(config, lambda: committed(kafka_bootstrap, prefix, prefix)
                          == {0: records}))
    assert (3, sorted([None, "\n".join(JAVA[1:6]), "\n".join(PYTHON[1:5])], key=str)) == (
        es_count(es_client, prefix), sorted(traces(es_client, prefix), key=str))


def test_last_event_is_indexed_after_the_flush_timeout(
    kafka_bootstrap: str, es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """A trace with no record after it: indexed whole while the worker keeps running (the
    flush timeout, not the stop, hands it on), then its offsets are committed."""
    create_topic(kafka_bootstrap, prefix, 1)
    produce(kafka_bootstrap, prefix, encoded(JAVA[:6]), 1)
    config = settings(kafka_bootstrap, es_url, prefix, tmp_path, input=FAST_FLUSH)
    seen: dict[str, Any] = {}

    def indexed_then_committed() -> bool:
        if "count" not in seen and es_count(es_client, prefix) > 0:
            seen["count"] = es_count(es_client, prefix)  # while the worker runs
        return "count" in seen and committed(kafka_bootstrap, prefix, prefix) == {0: 6}

    asyncio.run(run_until(config, indexed_then_committed))
    assert (1, ["\n".join(JAVA[1:6])], {0: 6}) == (
        seen.get("count"), traces(es_client, prefix),
        committed(kafka_bootstrap, prefix, prefix))


def test_open_event_holds_the_commit_and_stop_hands_it_on(
    kafka_bootstrap: str, es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """With a long flush timeout, the trace after a first line stays open: the commit stops
    at its first record (1) while its 6 records are held; stopping the worker (drain) hands
    it on and the commit passes it (7)."""
    create_topic(kafka_bootstrap, prefix, 1)
    produce(kafka_bootstrap, prefix, encoded(["[2025-09-12T09:59:59Z] INFO before",
                                              *JAVA[:6]]), 1)
    config = settings(kafka_bootstrap, es_url, prefix, tmp_path,
                      input={"multiline_flush_secs": 600.0, "commit_interval_secs": 0.2})
    started: list[KafkaInput] = []
    seen: dict[str, Any] = {}

    def held() -> bool:
        source = started[0] if started else None
        ready = (source is not None and source.held_records == 6
                 and es_count(es_client, prefix) == 1
                 and committed(kafka_bootstrap, prefix, prefix) == {0: 1})
        if ready and not seen:
            seen["held"] = (es_count(es_client, prefix), source.held_records if source else 0,
                            committed(kafka_bootstrap, prefix, prefix))
        return ready

    source = asyncio.run(run_until(config, held, started))
    assert ((1, 6, {0: 1}), 2, {0: 7}, True) == (
        seen.get("held"), es_count(es_client, prefix),
        committed(kafka_bootstrap, prefix, prefix),
        source.counters.reconciles() and source.counters.joined == 5)


def test_interleaved_partitions_are_joined_per_partition(
    kafka_bootstrap: str, es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """A Java trace on partition 0 and a Python one on partition 1, their lines produced
    alternately: each partition's lines are joined with each other only (4 documents)."""
    create_topic(kafka_bootstrap, prefix, 2)
    alternating = [value for pair in zip(JAVA, PYTHON_2, strict=True) for value in pair]
    produce(kafka_bootstrap, prefix, encoded(alternating), 2)
    config = settings(kafka_bootstrap, es_url, prefix, tmp_path, input=FAST_FLUSH)
    asyncio.run(run_until(config, lambda: committed(kafka_bootstrap, prefix, prefix)
                          == {0: 7, 1: 7}))
    expected = sorted([None, None, "\n".join(JAVA[1:6]), "\n".join(PYTHON_2[1:6])], key=str)
    assert (4, expected) == (es_count(es_client, prefix),
                             sorted(traces(es_client, prefix), key=str))


def test_rebalance_drops_open_events_uncommitted_and_they_are_joined_again(
    kafka_bootstrap: str, es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """Member A indexed the first line of both partitions and holds both traces open (commit
    at 1 on each); member B joins: A's open events of the revoked partitions are dropped
    uncommitted, and whoever owns each partition now reads its trace again from offset 1 and
    joins it. After both drain: 4 documents, both traces whole, every offset committed."""
    create_topic(kafka_bootstrap, prefix, 2)
    alternating = [value for pair in zip(JAVA[:6], PYTHON_2[:6], strict=True) for value in pair]
    produce(kafka_bootstrap, prefix, encoded(["[2025-09-12T09:59:58Z] INFO first on 0",
                                              "[2025-09-12T09:59:59Z] INFO first on 1",
                                              *alternating]), 2)
    config = settings(kafka_bootstrap, es_url, prefix, tmp_path,
                      input={"multiline_flush_secs": 600.0, "commit_interval_secs": 0.2,
                             "revoke_wait_secs": 1.0, "session_timeout_secs": 6.0,
                             "heartbeat_interval_secs": 1.0})

    async def scenario() -> tuple[KafkaInput, KafkaInput]:
        stop_a, stop_b = asyncio.Event(), asyncio.Event()
        started_a: list[KafkaInput] = []
        started_b: list[KafkaInput] = []
        worker_a = asyncio.ensure_future(work(config, stop_a, started_a))
        await _wait(lambda: bool(started_a) and started_a[0].held_records == 12
                    and committed(kafka_bootstrap, prefix, prefix) == {0: 1, 1: 1}, worker_a)
        worker_b = asyncio.ensure_future(work(config, stop_b, started_b))
        await _wait(lambda: started_a[0].revocations >= 1 and bool(started_b)
                    and started_a[0].held_records == 6 and started_b[0].held_records == 6,
                    worker_b)
        stop_a.set()
        stop_b.set()
        return await worker_a, await worker_b

    first, second = asyncio.run(scenario())
    expected = sorted([None, None, "\n".join(JAVA[1:6]), "\n".join(PYTHON_2[1:6])], key=str)
    assert (4, expected, {0: 7, 1: 7}, True, True) == (
        es_count(es_client, prefix), sorted(traces(es_client, prefix), key=str),
        committed(kafka_bootstrap, prefix, prefix),
        first.counters.dropped[REVOKED] >= 6,
        first.counters.reconciles() and second.counters.reconciles())


def test_multiline_off_every_record_is_a_document(
    kafka_bootstrap: str, es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """``[parsers.multiline] enabled = false``: the 7 lines of a Java trace are 7 documents."""
    create_topic(kafka_bootstrap, prefix, 1)
    produce(kafka_bootstrap, prefix, encoded(JAVA), 1)
    config = settings(kafka_bootstrap, es_url, prefix, tmp_path,
                      parsers={"multiline": {"enabled": False}})
    source = asyncio.run(run_until(config, lambda: committed(kafka_bootstrap, prefix, prefix)
                                   == {0: 7}))
    one_line = ["\n" not in doc["message"] for doc in sources(es_client, prefix)]
    assert (7, 0, [True] * 7) == (es_count(es_client, prefix), source.counters.joined,
                                  one_line)


def order_event(n: int) -> list[str]:
    """Event ``n`` of the stream: a Java trace of 1-4 frames, a Python traceback, or a line."""
    head = f"2025-09-12 10:{n // 60000 % 60:02d}:{n // 1000 % 60:02d},{n % 1000:03d}"
    if n % 4 == 0:
        return [f"{head} ERROR [order-service] order n={n} failed",
                *(f"\tat com.example.Order.step{k}(Order.java:{n})" for k in range(n % 5 or 1))]
    if n % 4 == 1:
        return [f"{head} ERROR [order-service] order n={n} crashed",
                "Traceback (most recent call last):",
                f'  File "order.py", line {n}, in place', f"    place({n})",
                f"ValueError: bad order n={n}"]
    return [f"{head} INFO [order-service] order n={n} placed"]


def test_serve_killed_mid_stream_every_event_indexed_once(
    kafka_bootstrap: str, es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """``lumberyard serve --kafka`` (multiline by default) ``kill -9``-ed a third of the way
    through 20,000 events (about 60,000 records, each event's lines in one of 3 partitions)
    and started again: every event is one document, whole, exactly once."""
    events = 20_000
    create_topic(kafka_bootstrap, prefix, 3)
    records = produce_to(kafka_bootstrap, prefix, (
        (n % 3, line.encode()) for n in range(events) for line in order_event(n)))
    workers = Workers({"bootstrap": kafka_bootstrap, "topic": prefix, "group": prefix,
                       "es_url": es_url, "prefix": f"{prefix}-"}, tmp_path)
    workers.config.write_text(workers.config.read_text(encoding="utf-8")
                              + "multiline_flush_secs = 2.0\n", encoding="utf-8")
    try:
        first = workers.start()
        wait_for(lambda: es_count(es_client, prefix) >= events // 3, "a third", workers)
        first.kill()
        first.wait()
        killed_at = committed(kafka_bootstrap, prefix, prefix)
        workers.start()
        ends = end_offsets(kafka_bootstrap, prefix, 3)
        wait_for(lambda: committed(kafka_bootstrap, prefix, prefix) == ends, "all committed",
                 workers)
        codes = workers.stop_all()
    finally:
        workers.kill_all()
    found = sorted((int(re.findall(r"n=(\d+)", doc["message"])[0]),
                    doc["message"].count("\n") + 1) for doc in sources(es_client, prefix))
    expected = [(n, len(order_event(n))) for n in range(events)]
    assert (events, expected, [-9, 0], True) == (
        es_count(es_client, prefix), found, codes, sum(killed_at.values()) < records)
