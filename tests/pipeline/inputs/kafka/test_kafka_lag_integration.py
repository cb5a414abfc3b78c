"""The Kafka input's lag gauge on the real Kafka: per partition, the records not yet
acknowledged (delivered) up to the partition's end; zero once every batch is acknowledged."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from kafka_helpers import create_topic, end_offsets, lines, produce

from pipeline.dlq import DeadLetterQueue
from pipeline.inputs.kafka import KafkaInput, KafkaInputConfig
from pipeline.runtime import Batch

pytestmark = pytest.mark.integration

RECORDS = 40


def test_lag_until_acknowledged(kafka_bootstrap: str, unique_name: str, tmp_path: Path) -> None:
    """40 records on 2 partitions read and held: lag = each partition's end; after the acks: 0."""
    create_topic(kafka_bootstrap, unique_name, 2)
    produce(kafka_bootstrap, unique_name, lines(0, RECORDS), 2)
    config = KafkaInputConfig(bootstrap_servers=kafka_bootstrap, topics=[unique_name],
                              group=unique_name)

    async def scenario() -> tuple[dict[tuple[str, int], int], dict[tuple[str, int], int]]:
        source = KafkaInput(config, DeadLetterQueue(tmp_path / "dlq"))
        batches = source.batches()
        held: list[Batch] = []
        try:
            while sum(len(b.events) for b in held) < RECORDS:  # bounded by wait_for below
                held.append(await asyncio.wait_for(anext(batches), 120))
            before = dict(source.observe().lag)
            for batch in held:
                batch.ack()
            after = dict(source.observe().lag)
        finally:
            await source.stop()
            await batches.aclose()
            await source.close()
        return before, after

    before, after = asyncio.run(scenario())
    ends = end_offsets(kafka_bootstrap, unique_name, 2)
    assert ({(unique_name, p): ends[p] for p in (0, 1)}, {(unique_name, 0): 0, (unique_name, 1): 0}
            ) == (before, after)
