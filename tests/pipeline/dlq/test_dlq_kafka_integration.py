"""Dead letters mirrored to a real Kafka topic as well as to the segment files."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from kafka import KafkaConsumer

from pipeline.connections import KafkaConnection
from pipeline.dlq import DeadLetter, DeadLetterQueue, KafkaDeadLetterMirror

pytestmark = pytest.mark.integration


def letter(n: int) -> DeadLetter:
    return DeadLetter(
        event={"message": f"m{n}"}, error_type="document_parsing_exception", reason="bad",
        index="universal-ai-tools-2025.09.12", doc_id=f"id{n}", input_name="kafka", status=400,
    )


def test_letters_reach_the_topic_and_the_files(
    kafka_bootstrap: str, unique_name: str, tmp_path: Path
) -> None:
    """Each appended letter is one record on the topic and one line on disk."""
    mirror = KafkaDeadLetterMirror(KafkaConnection(bootstrap_servers=kafka_bootstrap), unique_name)
    dlq = DeadLetterQueue(tmp_path, mirror=mirror)
    dlq.append_sync([letter(1), letter(2)])
    dlq.append_sync([letter(3)])
    dlq.close()
    consumer = KafkaConsumer(
        unique_name, bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest",
        consumer_timeout_ms=20_000, enable_auto_commit=False,
    )
    ids = [orjson.loads(record.value)["id"] for _, record in zip(range(3), consumer, strict=False)]
    consumer.close()
    assert (["id1", "id2", "id3"], ["id1", "id2", "id3"]) == (
        ids, [found.doc_id for _, found in dlq.pending()])

