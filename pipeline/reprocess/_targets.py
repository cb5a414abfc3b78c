"""The two non-Elasticsearch targets of a reprocess: a dry run and a Kafka topic.

Both implement the Output contract. The dry run delivers nothing and acknowledges at once
(counts are kept by the worker). The Kafka target publishes each event's raw line with the
kafka-python producer (``acks=all``) and acknowledges a batch only when the broker has
confirmed every record of it, in write order per stream (the Output contract), so the file
checkpoint advances only on delivery.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from pipeline.errors import DeliveryError, NotConnected
from pipeline.runtime import METADATA, AckOrder, Batch, Counters


class DryRunOutput:
    """Writes nothing; every event counts as delivered so counts and acks still flow."""

    name = "dry-run"

    def __init__(self, counters: Counters | None = None) -> None:
        self.counters = counters or Counters(self.name)

    async def write(self, batch: Batch) -> None:
        """Count and acknowledge."""
        self.counters.received += len(batch.events)
        self.counters.sent += len(batch.events)
        batch.ack()

    async def flush(self) -> None:
        """Nothing is buffered."""

    async def close(self) -> None:
        """Nothing is open."""


def raw_line(event: dict[str, Any]) -> bytes:
    """What a reprocess publishes for an event: the line as read (a Filebeat event's JSON)."""
    meta = event.get(METADATA, {})
    raw = meta.get("raw")
    text = raw if isinstance(raw, str) else event.get("message", "")
    return str(text).encode("utf-8", "surrogateescape")


class _Ticket:
    """Records of one batch still waiting for the broker."""

    __slots__ = ("ack", "remaining", "stream")

    def __init__(self, ack: Callable[[], None], remaining: int, stream: str) -> None:
        self.ack = ack
        self.remaining = remaining
        self.stream = stream


class KafkaLinesOutput:
    """Publishes raw lines to ``topic``; the key is the event's source id (stable per line)."""

    name = "kafka"

    def __init__(self, bootstrap: str, topic: str, counters: Counters | None = None) -> None:
        # kafka-python (~0.15 s of imports) loads only when this target is used.
        from kafka import KafkaProducer  # noqa: PLC0415
        from kafka.errors import KafkaError  # noqa: PLC0415

        self.topic = topic
        self.counters = counters or Counters(self.name)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._outstanding = 0
        self._idle: asyncio.Event | None = None
        self._failure: str | None = None
        self._order: AckOrder[_Ticket] = AckOrder()
        try:
            self._producer = KafkaProducer(
                bootstrap_servers=bootstrap.split(","),
                acks="all",
                linger_ms=20,
                batch_size=512 * 1024,
                compression_type="gzip",
                retries=10,
                max_in_flight_requests_per_connection=1,
            )
        except KafkaError as exc:
            raise NotConnected(f"Kafka at {bootstrap}: {exc}") from exc

    async def write(self, batch: Batch) -> None:
        """Send every record; the batch is acknowledged from the delivery callbacks."""
        from kafka.errors import KafkaError  # noqa: PLC0415 - loaded by __init__ already

        self._raise_if_failed()
        self._loop = asyncio.get_running_loop()
        self.counters.received += len(batch.events)
        ticket = _Ticket(batch.ack, len(batch.events), batch.ack_stream)
        self._order.enqueue(ticket.stream, ticket)
        if not batch.events:
            return
        self._outstanding += len(batch.events)
        for event in batch.events:
            key = event.get(METADATA, {}).get("source_id")
            try:
                future = self._producer.send(self.topic, value=raw_line(event), key=key)
            except KafkaError as exc:  # e.g. no metadata for the topic within max_block_ms
                raise DeliveryError(f"Kafka topic {self.topic!r}: {exc}") from exc
            future.add_callback(self._on_success, ticket)
            future.add_errback(self._on_error)

    def _on_success(self, ticket: _Ticket, _metadata: object) -> None:
        """Runs on the producer's I/O thread: hop to the event loop."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._delivered, ticket)

    def _on_error(self, exc: BaseException) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._failed, f"{type(exc).__name__}: {exc}")

    def _delivered(self, ticket: _Ticket) -> None:
        self.counters.sent += 1
        self._outstanding -= 1
        ticket.remaining -= 1
        if ticket.remaining == 0:
            self._order.release(ticket.stream)
        self._wake()

    def _failed(self, reason: str) -> None:
        self.counters.errors["kafka_delivery"] += 1
        self._failure = f"publishing to Kafka topic {self.topic!r} failed: {reason}"
        self._wake()

    def _wake(self) -> None:
        if self._idle is not None and (self._outstanding == 0 or self._failure):
            self._idle.set()

    def _raise_if_failed(self) -> None:
        if self._failure is not None:
            raise DeliveryError(self._failure)

    async def flush(self) -> None:
        """Wait until the broker confirmed every record sent so far."""
        await asyncio.to_thread(self._producer.flush)
        while self._outstanding > 0 and self._failure is None:
            self._idle = asyncio.Event()
            await self._idle.wait()
        self._raise_if_failed()

    async def close(self) -> None:
        """Flush, then close the producer."""
        try:
            await self.flush()
        finally:
            await asyncio.to_thread(self._producer.close)
