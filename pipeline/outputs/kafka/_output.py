"""Publish events to a Kafka topic and acknowledge a batch once Kafka holds all of it.

The Beats -> Kafka mode: Filebeat's windows are acknowledged when their events are in Kafka
(``acks=all``, idempotent producer), and the Kafka workers take it from there. Each record is
the event as the Beat sent it (JSON, its pipeline ``@metadata`` replaced by a Beat mark; or the
line as read when the input kept it under ``@metadata.raw``), keyed by the event's source
identity, so the Kafka input gives it the same ``_id`` the Beats input would have (and a
resend is still one document).
Acknowledgements are released in write order per stream (:class:`pipeline.runtime.AckOrder`).

An event Kafka will not take because of its size (over ``max_request_bytes`` here, or over the
broker's or topic's ``max.message.bytes``) is dead-lettered (fsynced, with the size, the limit
and the stream it came from, e.g. the Beats peer) and counts as delivered for the ack, so a
resending Filebeat does not stall its whole stream on it; every other failure stays fatal.
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import Any

import orjson

from pipeline._defaults import DEFAULT_KAFKA_BOOTSTRAP
from pipeline.dlq import DeadLetter, DeadLetterQueue
from pipeline.errors import DeadLetterError, DeliveryError, NotConnected
from pipeline.ids import document_id
from pipeline.inputs._events import beat_metadata
from pipeline.outputs.kafka._config import KafkaOutputConfig
from pipeline.runtime import METADATA, AckOrder, Batch, Counters, Event

_BEAT_MARK = {"beat": "lumberyard"}
TOO_LARGE = "message_too_large"
"""``error_type`` of an event dead-lettered because Kafka refuses a record that large."""
log = logging.getLogger("lumberyard.outputs.kafka")


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
    beat = beat_metadata(meta) if isinstance(meta, dict) else {}
    # the Beat's own @metadata (beat, version: what an index pattern may name), as Filebeat's
    # output.kafka writes it; "beat" is what makes the Kafka input take it as a Beat's event
    document[METADATA] = beat if "beat" in beat else {**beat, **_BEAT_MARK}
    return orjson.dumps(document)


def record_key(event: Event) -> bytes | None:
    """The record key: the event's source identity (bytes), when it has one."""
    meta = event.get(METADATA)
    key = meta.get("source_id") if isinstance(meta, dict) else None
    return key if isinstance(key, bytes) else None


class KafkaOutput:
    """The :class:`pipeline.runtime.Output` publishing to one topic; ``dlq`` takes the events
    Kafka refuses for their size."""

    def __init__(
        self, config: KafkaOutputConfig, dlq: DeadLetterQueue, counters: Counters | None = None
    ) -> None:
        self.name = config.name
        self.config = config
        self.dlq = dlq
        self.counters = counters or Counters(config.name)
        self._order: AckOrder[_Ticket] = AckOrder()
        self._producer: Any = None
        self._too_large: tuple[type[BaseException], ...] = ()
        self._outstanding = 0
        self._idle: asyncio.Event | None = None
        self._failure: DeliveryError | None = None
        self._storing: set[asyncio.Task[None]] = set()

    async def write(self, batch: Batch) -> None:
        """Send every event; ``send`` waits while the producer's buffer is full. An event over
        ``max_request_bytes`` is dead-lettered before this returns."""
        self._raise_if_failed()
        producer = await self._started()
        self.counters.received += len(batch.events)
        stream = batch.ack_stream
        ticket = _Ticket(batch.ack, len(batch.events))
        self._order.enqueue(stream, ticket)
        refused: list[DeadLetter] = []
        for event in batch.events:
            value = record_value(event)
            try:
                sent = await producer.send(self.config.topic, value, key=record_key(event))
            except self._too_large as exc:  # aiokafka checks max_request_size before sending
                refused.append(self._letter(event, batch, len(value), exc))
                continue
            except Exception as exc:  # aiokafka's other errors
                raise DeliveryError(f"Kafka topic {self.config.topic!r}: {exc}") from exc
            self._outstanding += 1
            sent.add_done_callback(partial(self._confirmed, ticket=ticket, batch=batch,
                                           event=event, size=len(value)))
        if refused:
            self._outstanding += 1
            await self._store(refused, ticket, stream)
            self._raise_if_failed()

    def _confirmed(
        self, done: asyncio.Future[Any], *, ticket: _Ticket, batch: Batch, event: Event,
        size: int,
    ) -> None:
        failure = None if done.cancelled() else done.exception()
        if isinstance(failure, self._too_large):  # the broker's (or topic's) own limit
            letter = self._letter(event, batch, size, failure)
            task = asyncio.ensure_future(self._store([letter], ticket, batch.ack_stream))
            self._storing.add(task)
            task.add_done_callback(self._storing.discard)
            return  # still outstanding until the dead letter is stored
        if done.cancelled() or failure is not None:
            reason = "cancelled" if done.cancelled() else repr(failure)
            self.counters.errors["kafka_delivery"] += 1
            self._fail(f"publishing to Kafka topic {self.config.topic!r} failed: {reason}")
        else:
            self.counters.sent += 1
            self._settle(ticket, batch.ack_stream, 1)
        self._done_one()

    async def _store(self, letters: list[DeadLetter], ticket: _Ticket, stream: str) -> None:
        """Dead-letter ``letters`` (fsynced), then count them as settled for the ack."""
        try:
            await self.dlq.append(letters)
        except DeadLetterError as exc:
            self.counters.errors["dlq_write"] += len(letters)
            self._fail(f"Kafka topic {self.config.topic!r}: {exc}")
        else:
            self.counters.dead_lettered += len(letters)
            self.counters.errors[TOO_LARGE] += len(letters)
            for letter in letters:
                log.warning("dead-lettered an event Kafka refuses: %s", letter.reason)
            self._settle(ticket, stream, len(letters))
        finally:
            self._done_one()

    def _letter(self, event: Event, batch: Batch, size: int, exc: BaseException) -> DeadLetter:
        """The dead letter of an event Kafka refuses for its size: the event as the Beat sent
        it, the ``_id`` it would have had, and where it came from (the stream: the peer)."""
        meta = event.get(METADATA)
        source_id = meta.get("source_id") if isinstance(meta, dict) else None
        limit = self.config.max_request_bytes
        return DeadLetter(
            event={k: v for k, v in event.items() if k != METADATA}, error_type=TOO_LARGE,
            reason=f"record of {size} bytes refused by Kafka topic {self.config.topic!r} "
                   f"(max_request_bytes {limit}; or the broker's max.message.bytes): "
                   f"{type(exc).__name__}; from {batch.ack_stream}",
            index=None, doc_id=document_id(source_id) if isinstance(source_id, bytes) else None,
            input_name=batch.input_name,
        )

    def _settle(self, ticket: _Ticket, stream: str, count: int) -> None:
        ticket.remaining -= count
        if ticket.remaining == 0:
            self._order.release(stream)

    def _fail(self, message: str) -> None:
        self._failure = self._failure or DeliveryError(message)

    def _done_one(self) -> None:
        self._outstanding -= 1
        if self._idle is not None and (self._outstanding == 0 or self._failure is not None):
            self._idle.set()

    async def flush(self) -> None:
        """Wait until Kafka confirmed (or the DLQ stored) every record written so far."""
        if self._producer is not None:
            await self._producer.flush()
        while self._outstanding > 0 and self._failure is None:
            self._idle = asyncio.Event()
            await self._idle.wait()
        self._raise_if_failed()

    def report(self) -> str:
        """One line for the end-of-run log: what was published."""
        c = self.counters
        return (f"{self.name}: {c.sent} of {c.received} events published to "
                f"{self.config.topic}, {c.dead_lettered} dead-lettered (too large)")

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
            from aiokafka.errors import (  # noqa: PLC0415
                KafkaError,
                MessageSizeTooLargeError,
                RecordListTooLargeError,
                RecordTooLargeError,
            )

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
            self._too_large = (MessageSizeTooLargeError, RecordTooLargeError,
                               RecordListTooLargeError)
        return self._producer
