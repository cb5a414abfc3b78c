"""The Kafka input: a consumer group committing only offsets whose records are delivered.

Built on aiokafka directly, not faust-streaming: faust's offset bookkeeping commits past
records still in flight (see ARCHITECTURE.md, "Why not faust", and
``tests/pipeline/inputs/kafka/test_faust_commit.py``).
"""

from __future__ import annotations

from pipeline.inputs.kafka._config import KafkaInputConfig
from pipeline.inputs.kafka._input import KafkaInput, stream_name
from pipeline.inputs.kafka._offsets import CommitBook, Partition
from pipeline.inputs.kafka._records import (
    EMPTY,
    INPUT_NAME,
    Poison,
    Record,
    kafka_metadata,
    poison_letter,
    record_event,
)

__all__ = [
    "EMPTY",
    "INPUT_NAME",
    "CommitBook",
    "KafkaInput",
    "KafkaInputConfig",
    "Partition",
    "Poison",
    "Record",
    "kafka_metadata",
    "poison_letter",
    "record_event",
    "stream_name",
]
