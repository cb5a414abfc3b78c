"""Settings of the Kafka output (Beats -> Kafka mode): which topic, how records are batched.

``[beats_to_kafka]`` of the config file. The producer is always idempotent with ``acks=all``:
a batch is acknowledged only once every in-sync replica has its records, and a retried send is
never written twice.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from pipeline._defaults import DEFAULT_KAFKA_BOOTSTRAP

MIB = 1024 * 1024


class KafkaOutputConfig(BaseModel):
    """An idempotent producer publishing each event as it arrived, keyed by its source id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(
        default=False,
        description="`serve` publishes what the Beats input receives to `topic` instead of "
        "indexing it, ACKing each Filebeat window once Kafka holds it (`--beats-to-kafka`).",
    )
    name: str = Field(default="kafka-out", description="Name of this output in counters.")
    topic: str = Field(default="logs-raw", description="Topic the events are published to.")
    bootstrap_servers: str | None = Field(
        default=None,
        description="Comma-separated host:port list; unset: the `[kafka]` section's (env "
        f"KAFKA_BOOTSTRAP, default {DEFAULT_KAFKA_BOOTSTRAP}).",
    )
    linger_secs: float = Field(
        default=0.02, ge=0, description="How long the producer waits to fill a record batch."
    )
    max_batch_bytes: int = Field(
        default=512 * 1024, gt=0, description="Largest record batch per partition request."
    )
    max_request_bytes: int = Field(
        default=1 * MIB,
        gt=0,
        description="Largest produce request (and record, before compression); a larger "
        "event, or one the broker refuses over its `max.message.bytes`, is dead-lettered "
        "and its window still ACKed. Raise it with the broker's and topic's limit and the "
        "Kafka input's `max_value_bytes` (all 1 MiB by default).",
    )
    compression: str | None = Field(
        default="gzip", description="Record batch compression: gzip, or none (null)."
    )
    request_timeout_secs: float = Field(
        default=30.0, gt=0, description="How long one produce request may take."
    )
