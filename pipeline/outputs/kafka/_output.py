"""Publish events to a Kafka topic and acknowledge a batch once Kafka holds all of it.

The Beats -> Kafka mode: Filebeat's windows are acknowledged when their events are in Kafka
(``acks=all``, idempotent producer), and the Kafka workers take it from there. Each record is
the event as the Beat sent it (JSON, its pipeline ``@metadata`` replaced by a Beat mark; or the
line as read when the input kept it under ``@metadata.raw``), keyed by the event's source
identity, so the Kafka input gives it the same ``_id`` the Beats input would have (and a
resend is still one document).
Acknowledgements are released in write order per stream (:class:`pipeline.runtime.AckOrder`).
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from pipeline._defaults import DEFAULT_KAFKA_BOOTSTRAP
from pipeline.errors import DeliveryError, NotConnected
from pipeline.outputs.kafka._config import KafkaOutputConfig
from pipeline.runtime import METADATA, AckOrder, Batch, Counters, Event

_BEAT_MARK = {"beat": "lumberyard"}


class _Ticket:
    """A written batch: its ack and how many of its records Kafka has not confirmed yet."""

    __slots__ = ("ack", "remaining")

    def __init__(self, ack: Any, remaining: int) -> None:
        self.ack = ack
        self.remaining = remaining


def record_value(event: Event) -> bytes:
    """The record for ``event``: the raw text the input kept, else the event as JSON."""
    meta = event.get(METADATA)
    raw = meta.get("raw") if isinstance(meta, dict) else None
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    document = {k: v for k, v in event.items() if k != METADATA}
    document[METADATA] = _BEAT_MARK  # what makes the Kafka input take it as a Beat's event
    return orjson.dumps(document)


def record_key(event: Event) -> bytes | None:
    """The record key: the event's source identity (bytes), when it has one."""
    meta = event.get(METADATA)
    key = meta.get("source_id") if isinstance(meta, dict) else None
    return key if isinstance(key, bytes) else None


class KafkaOutput:
    """The :class:`pipeline.runtime.Output` publishing to one topic."""

    def __init__(self, config: KafkaOutputConfig, counters: Counters | None = None) -> None:
        self.name = config.name
        self.config = config
        self.counters = counters or Counters(config.name)
        self._order: AckOrder[_Ticket] = AckOrder()
        self._producer: Any = None
        self._outstanding = 0
        self._idle: asyncio.Event | None = None
        self._failure: DeliveryError | None = None

    async def write(self, batch: Batch) -> None:
        """Send every event; ``send`` waits while the producer's buffer is full."""
        self._raise_if_failed()
        producer = await self._started()
        self.counters.received += len(batch.events)
        stream = batch.ack_stream
        ticket = _Ticket(batch.ack, len(batch.events))
        self._order.enqueue(stream, ticket)
        for event in batch.events:
            try:
                sent = await producer.send(self.config.topic, record_value(event),
                                           key=record_key(event))
            except Exception as exc:  # aiokafka's errors, a too large record
                raise DeliveryError(f"Kafka topic {self.config.topic!r}: {exc}") from exc
            self._outstanding += 1
            sent.add_done_callback(lambda done, t=ticket: self._confirmed(done, t, stream))

    def _confirmed(self, done: asyncio.Future[Any], ticket: _Ticket, stream: str) -> None:
        self._outstanding -= 1
        if done.cancelled() or done.exception() is not None:
            reason = "cancelled" if done.cancelled() else repr(done.exception())
            self.counters.errors["kafka_delivery"] += 1
            self._failure = self._failure or DeliveryError(
                f"publishing to Kafka topic {self.config.topic!r} failed: {reason}")
        else:
            self.counters.sent += 1
            ticket.remaining -= 1
            if ticket.remaining == 0:
                self._order.release(stream)
        if self._idle is not None and (self._outstanding == 0 or self._failure is not None):
            self._idle.set()

    async def flush(self) -> None:
        """Wait until Kafka confirmed every record written so far."""
        if self._producer is not None:
            await self._producer.flush()
        while self._outstanding > 0 and self._failure is None:
            self._idle = asyncio.Event()
            await self._idle.wait()
        self._raise_if_failed()

    def report(self) -> str:
        """One line for the end-of-run log: what was published."""
        c = self.counters
        return f"{self.name}: {c.sent} of {c.received} events published to {self.config.topic}"

    async def close(self) -> None:
        """Flush, then stop the producer."""
        try:
            if self._failure is None:
                await self.flush()
        finally:
            if self._producer is not None:
                await self._producer.stop()
                self._producer = None

    def _raise_if_failed(self) -> None:
        if self._failure is not None:
            raise self._failure

    async def _started(self) -> Any:
        if self._producer is None:
            from aiokafka import AIOKafkaProducer  # noqa: PLC0415 - only when this output runs
            from aiokafka.errors import KafkaError  # noqa: PLC0415

            config = self.config
            bootstrap = config.bootstrap_servers or DEFAULT_KAFKA_BOOTSTRAP
            producer = AIOKafkaProducer(
                bootstrap_servers=bootstrap.split(","), acks="all",
                enable_idempotence=True, linger_ms=int(config.linger_secs * 1000),
                max_batch_size=config.max_batch_bytes, max_request_size=config.max_request_bytes,
                compression_type=config.compression,
                request_timeout_ms=int(config.request_timeout_secs * 1000),
            )
            try:
                await producer.start()
            except KafkaError as exc:
                await producer.stop()
                raise NotConnected(f"Kafka at {bootstrap}: {exc}") from exc
            self._producer = producer
        return self._producer
