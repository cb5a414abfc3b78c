"""Mirror dead letters to a Kafka topic as well as to the segment files (optional).

The files stay the source of truth for ``dlq list`` / ``dlq replay``; the topic lets other
consumers (alerting, a second site) see refusals as they happen. Each line is one record,
sent with ``acks=all`` and flushed before the append returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipeline.connections import KafkaConnection
from pipeline.errors import DeadLetterError


class KafkaDeadLetterMirror:
    """Sends dead letter lines to ``topic``; blocking, called from the DLQ's worker thread."""

    def __init__(self, connection: KafkaConnection, topic: str) -> None:
        self.topic = topic
        self._bootstrap = connection.bootstrap_servers
        self._producer: Any = None

    def _open(self) -> Any:
        # kafka-python (~0.15 s of imports) loads only when a mirror is configured and used.
        from kafka import KafkaProducer  # noqa: PLC0415
        from kafka.errors import KafkaError  # noqa: PLC0415

        if self._producer is None:
            try:
                self._producer = KafkaProducer(
                    bootstrap_servers=self._bootstrap.split(","), acks="all", linger_ms=5
                )
            except KafkaError as exc:
                raise DeadLetterError(
                    f"cannot reach Kafka at {self._bootstrap} for DLQ topic {self.topic}: {exc}"
                ) from exc
        return self._producer

    def send(self, lines: Sequence[bytes]) -> None:
        """Produce each line (without its newline) and wait until Kafka has them all."""
        from kafka.errors import KafkaError  # noqa: PLC0415 - see _open

        producer = self._open()
        try:
            futures = [producer.send(self.topic, value=line.rstrip(b"\n")) for line in lines]
            producer.flush()
            for future in futures:
                future.get(timeout=30)
        except KafkaError as exc:
            raise DeadLetterError(f"cannot send dead letters to Kafka topic {self.topic} "
                                  f"at {self._bootstrap}: {exc}") from exc

    def close(self) -> None:
        """Flush and close the producer."""
        if self._producer is not None:
            self._producer.close()
            self._producer = None
