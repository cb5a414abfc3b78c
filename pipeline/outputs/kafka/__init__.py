"""The Kafka output: events published to a topic with an idempotent ``acks=all`` producer,
acknowledged once Kafka holds them (the Beats -> Kafka mode). Names load on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline._lazy import lazy_exports

if TYPE_CHECKING:
    from pipeline.outputs.kafka._config import KafkaOutputConfig
    from pipeline.outputs.kafka._output import KafkaOutput, record_key, record_value

_WHERE = {
    "KafkaOutput": "_output",
    "KafkaOutputConfig": "_config",
    "record_key": "_output",
    "record_value": "_output",
}

__all__ = ["KafkaOutput", "KafkaOutputConfig", "record_key", "record_value"]


__getattr__ = lazy_exports(__name__, _WHERE)
