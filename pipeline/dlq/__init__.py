"""The dead letter queue: events Elasticsearch refused, kept on disk until replayed.

:class:`DeadLetterQueue` stores :class:`DeadLetter` s in append-only NDJSON segments
(optionally mirrored to Kafka); :func:`replay` sends pending ones again through an output.
"""

from __future__ import annotations

from pipeline.dlq._config import DeadLetterQueueConfig
from pipeline.dlq._entry import DeadLetter
from pipeline.dlq._kafka import KafkaDeadLetterMirror
from pipeline.dlq._queue import DEFAULT_SEGMENT_BYTES, DeadLetterMirror, DeadLetterQueue
from pipeline.dlq._replay import REPLAY_INPUT, ReplaySummary, replay

__all__ = [
    "DEFAULT_SEGMENT_BYTES",
    "REPLAY_INPUT",
    "DeadLetter",
    "DeadLetterMirror",
    "DeadLetterQueue",
    "DeadLetterQueueConfig",
    "KafkaDeadLetterMirror",
    "ReplaySummary",
    "replay",
]
