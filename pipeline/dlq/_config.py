"""Settings of the dead letter queue, and building one from them."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from pipeline.connections import KafkaConnection
from pipeline.dlq._kafka import KafkaDeadLetterMirror
from pipeline.dlq._queue import DEFAULT_SEGMENT_BYTES, DeadLetterQueue


class DeadLetterQueueConfig(BaseModel):
    """Where dead letters go: segment files under the data dir, optionally a Kafka topic too."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    directory: Path | None = Field(
        default=None, description="Segment directory; none = <data dir>/dlq."
    )
    max_segment_bytes: int = Field(
        default=DEFAULT_SEGMENT_BYTES,
        gt=0,
        description="A segment is closed (fsynced) and a "
        "new one started once it reaches this size.",
    )
    kafka_topic: str | None = Field(
        default=None, description="Also send each dead letter to this Kafka topic."
    )

    def open(self, data_dir: Path, kafka: KafkaConnection | None = None) -> DeadLetterQueue:
        """The queue these settings describe (the Kafka mirror only with a topic set)."""
        mirror = None
        if self.kafka_topic:
            mirror = KafkaDeadLetterMirror(kafka or KafkaConnection(), self.kafka_topic)
        directory = self.directory or Path(data_dir) / "dlq"
        return DeadLetterQueue(directory, self.max_segment_bytes, mirror)
