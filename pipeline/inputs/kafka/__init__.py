"""The Kafka input: a consumer group committing only offsets whose records are delivered.

``_records`` turns a record into an event (pure: raw line or Filebeat event, identity, poison),
``_joining`` joins a partition's raw lines into multiline events (pure), ``_offsets`` decides
what may be committed (pure), ``_input`` is :class:`KafkaInput` around an aiokafka consumer,
``_config`` its settings. Built on aiokafka directly, not faust-streaming:
faust's offset bookkeeping commits past records still in flight (ARCHITECTURE.md, "Why the
Kafka input is not faust", and ``tests/pipeline/inputs/kafka/test_kafka_faust_commit.py``).
Names load on first use, so reading the config model imports neither the input nor aiokafka.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline._lazy import lazy_exports

if TYPE_CHECKING:
    from pipeline.inputs.kafka._config import KafkaInputConfig
    from pipeline.inputs.kafka._input import REVOKED, KafkaInput, stream_name
    from pipeline.inputs.kafka._joining import PartitionLines
    from pipeline.inputs.kafka._offsets import CommitBook, Partition
    from pipeline.inputs.kafka._records import (
        EMPTY,
        INPUT_NAME,
        Poison,
        Record,
        joinable,
        kafka_metadata,
        poison_letter,
        record_event,
    )

_WHERE = {
    "EMPTY": "_records",
    "INPUT_NAME": "_records",
    "CommitBook": "_offsets",
    "KafkaInput": "_input",
    "KafkaInputConfig": "_config",
    "Partition": "_offsets",
    "PartitionLines": "_joining",
    "Poison": "_records",
    "REVOKED": "_input",
    "Record": "_records",
    "joinable": "_records",
    "kafka_metadata": "_records",
    "poison_letter": "_records",
    "record_event": "_records",
    "stream_name": "_input",
}

__all__ = [
    "EMPTY",
    "INPUT_NAME",
    "REVOKED",
    "CommitBook",
    "KafkaInput",
    "KafkaInputConfig",
    "Partition",
    "PartitionLines",
    "Poison",
    "Record",
    "joinable",
    "kafka_metadata",
    "poison_letter",
    "record_event",
    "stream_name",
]


__getattr__ = lazy_exports(__name__, _WHERE)
