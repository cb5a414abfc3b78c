"""The Kafka input: a consumer group whose offsets move only over delivered records.

One fetch task polls the group's consumer (aiokafka) and turns each partition's records into
one :class:`Batch` (``stream = kafka:TOPIC/PARTITION``), queued for :meth:`KafkaInput.batches`.
A batch's ack feeds its partition's :class:`CommitBook`; acknowledged prefixes are committed
every ``commit_interval_secs``, on a rebalance and on close. Nothing else commits (auto-commit
is off), so a crash at any point re-reads from the last delivered offset: at least once, and
deterministic ``_id`` s make the second copy a 409.

Backpressure: when the queued bytes pass ``max_buffered_bytes`` (the pipeline stopped asking,
because the output waits), every assigned partition is paused; the task keeps polling, so the
member heartbeats and never exceeds ``max.poll.interval`` however long Elasticsearch is down.

Rebalance: the revoked partitions' queued batches are dropped (never handed on, so the new
owner reads them again), in-flight ones get ``revoke_wait_secs`` to be delivered and their
prefix is committed; acknowledgements arriving later are ignored, never committed.

Multiline (``[parsers.multiline]``, on by default): raw-line records are joined per partition
(``_joining``); a batch never ends past the first record of an event still open, an open event
is handed on after ``multiline_flush_secs`` without a record of its partition (not counting
time paused) and at stop, and dropped uncommitted on revoke (the next owner joins it again).

Poison records (not UTF-8, over ``max_value_bytes``) are written to the dead letter queue
(fsynced) with their topic/partition/offset before their batch is handed on, so the partition
keeps moving and the commit that passes them follows a durable record of them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import deque
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from pipeline.dlq import DeadLetter, DeadLetterQueue
from pipeline.errors import ConfigError, InputError, NotConnected
from pipeline.inputs.kafka._config import KafkaInputConfig
from pipeline.inputs.kafka._joining import EventJoiner, PartitionLines
from pipeline.inputs.kafka._offsets import CommitBook, Partition
from pipeline.inputs.kafka._records import (
    EMPTY,
    Poison,
    Record,
    joinable,
    poison_letter,
    record_event,
)
from pipeline.runtime import Batch, Counters, Event

if TYPE_CHECKING:
    from parsers import MultilineConfig
    from pipeline.observe._telemetry import InputGauges

log = logging.getLogger(__name__)

REVOKED = "kafka_revoked"
"""Drop reason of records read but not handed on when their partition was revoked (queued
batches, an event still being joined): never committed, the partition's next owner reads
them again."""


def stream_name(topic: str, partition: int) -> str:
    """The acknowledgement-ordering key of a partition's batches."""
    return f"kafka:{topic}/{partition}"


class _Queued(NamedTuple):
    """A fetched batch not yet handed on."""

    partition: Partition
    batch: Batch
    end: int
    """The offset its acknowledgement lets the partition's commit reach."""
    nbytes: int
    """Record bytes (the ``max_buffered_bytes`` budget)."""
    joined: int
    """Records folded into its events' first records (multiline)."""


class KafkaInput:
    """The :class:`pipeline.runtime.Input` reading a consumer group's partitions."""

    def __init__(
        self,
        config: KafkaInputConfig,
        dlq: DeadLetterQueue,
        counters: Counters | None = None,
        *,
        multiline: MultilineConfig | None = None,
        pattern_timeout_secs: float = 1.0,
    ) -> None:
        """``multiline``: the ``[parsers.multiline]`` rule raw lines are joined by (``None``:
        every record is an event of its own); ``pattern_timeout_secs`` the budget per line
        of a user's pattern (``[parsers]``)."""
        self.name = config.name
        self.config = config
        self.dlq = dlq
        self.counters = counters or Counters(config.name)
        self.book = CommitBook()
        self._queue: deque[_Queued] = deque()
        self._multiline = multiline
        self._pattern_timeout_secs = pattern_timeout_secs
        self._lines: dict[Partition, PartitionLines] = {}
        """Per partition with multiline, the joining of its raw lines."""
        self.queued_bytes = 0
        self._consumer: Any = None
        self._fetcher: asyncio.Task[None] | None = None
        self._wakeup: asyncio.Event | None = None
        self._stopping = False
        self._ended = False
        self._failure: BaseException | None = None
        self.paused = False
        self.revocations = 0
        """Rebalances that took partitions from this member (a stable group keeps it at 0)."""
        self._last_commit = 0.0

    # -- the Input contract -------------------------------------------------------------------

    async def batches(self) -> AsyncIterator[Batch]:
        """Batches per partition fetch until :meth:`stop`; raises what stopped the fetching."""
        if self._stopping:
            return  # stopped before it started: do not join the group at all
        await self._start()
        while True:
            while self._queue:
                queued = self._queue.popleft()
                self.queued_bytes -= queued.nbytes
                self.book.handed(queued.partition, queued.end)
                self.counters.sent += len(queued.batch.events)
                self.counters.joined += queued.joined
                yield queued.batch
            if self._failure is not None:
                raise self._failure
            if self._ended:
                return
            self._wakeup = asyncio.Event()
            await self._wakeup.wait()

    async def stop(self) -> None:
        """Stop fetching; :meth:`batches` ends once what was fetched is handed on."""
        self._stopping = True

    async def close(self) -> None:
        """Commit what is acknowledged, leave the group, release the connections."""
        self._stopping = True
        if self._fetcher is not None:
            await asyncio.gather(self._fetcher, return_exceptions=True)
        if self._consumer is not None:
            try:
                await self._commit(self.book.take_ready())
            finally:
                await self._consumer.stop()
                self._consumer = None

    @property
    def held_records(self) -> int:
        """Records read but not handed on yet (queued batches, events still being joined):
        between fetches, ``counters.reconciles(held_records)`` holds. (Copies first: a test
        may read it from another thread.)"""
        queued = sum(len(q.batch.events) + q.joined for q in tuple(self._queue))
        return queued + sum(lines.pending_records for lines in tuple(self._lines.values()))

    def observe(self) -> InputGauges:
        """Gauges for the metrics endpoint: per partition this member reads, the records
        between the partition's end (its high watermark at the last fetch) and the end of the
        acknowledged prefix, i.e. what is not yet in Elasticsearch or the DLQ."""
        from pipeline.observe._telemetry import InputGauges  # noqa: PLC0415 - metrics only

        consumer = self._consumer
        if consumer is None:
            return InputGauges()
        acknowledged = self.book.acknowledged()
        lag: dict[tuple[str, int], int] = {}
        for tp in consumer.assignment():
            high = consumer.highwater(tp)
            done = acknowledged.get((tp.topic, tp.partition))
            if high is not None and done is not None:
                lag[(tp.topic, tp.partition)] = max(0, high - done)
        return InputGauges(lag=lag)

    # -- fetching -----------------------------------------------------------------------------

    async def _start(self) -> None:
        if self._consumer is not None:
            return
        from aiokafka.errors import KafkaError  # noqa: PLC0415 - loads only when Kafka is used

        self._consumer = consumer = _consumer(self.config)
        listener = _listener(self)
        if self.config.topic_pattern is not None:
            consumer.subscribe(pattern=self.config.topic_pattern, listener=listener)
        else:
            consumer.subscribe(topics=self.config.topics, listener=listener)
        try:
            await consumer.start()
        except KafkaError as exc:
            self._consumer = None
            await consumer.stop()
            raise NotConnected(f"Kafka at {self.config.bootstrap()}: {exc}") from exc
        self._fetcher = asyncio.ensure_future(self._fetch())

    async def _fetch(self) -> None:
        from aiokafka.errors import KafkaError  # noqa: PLC0415 - loaded by _start already

        wait_ms = int(self.config.fetch_max_wait_secs * 1000)
        try:
            while not self._stopping:
                self._throttle()
                try:
                    fetched = await self._consumer.getmany(
                        timeout_ms=wait_ms, max_records=self.config.max_batch_records
                    )
                except KafkaError as exc:  # aiokafka retries what it can; this one is final
                    group = self.config.group
                    raise InputError(f"Kafka consumer of group {group!r}: {exc}") from exc
                revocations = self.revocations  # the fetch was read under this assignment
                for tp, records in fetched.items():
                    if records:
                        await self._take((tp.topic, tp.partition), records, revocations)
                self._flush_quiet()
                await self._commit_due()
        except Exception as exc:  # handed to batches(), which raises it
            self._failure = exc
        finally:
            self._flush_all()
            self._ended = True
            self._wake()

    def _throttle(self) -> None:
        """Pause every assigned partition while the queue is full; resume when it drained."""
        assigned = self._consumer.assignment()
        if self.queued_bytes >= self.config.max_buffered_bytes:
            if assigned:
                self._consumer.pause(*assigned)  # also covers partitions assigned since
            self.paused = True
        elif self.paused:
            self._consumer.resume(*assigned)
            self.paused = False

    async def _take(self, partition: Partition, records: list[Any], revocations: int) -> None:
        """One partition's records -> one batch (poison ones dead-lettered first).
        ``revocations``: :attr:`revocations` when the fetch was read; a rebalance since (while
        this or an earlier partition of the fetch wrote dead letters) drops the records."""
        if self.revocations != revocations:  # before anything (a joining) is made of them
            self.counters.received += len(records)
            self.counters.dropped[REVOKED] += len(records)
            return
        received_at = datetime.now(UTC).isoformat(timespec="milliseconds")
        lines = self._joining(partition, records[0].offset)
        now = time.monotonic()
        events: list[Event] = []
        letters: list[DeadLetter] = []
        nbytes = 0
        limit = self.config.max_value_bytes
        for cr in records:
            record = Record(cr.topic, cr.partition, cr.offset, cr.key, cr.value, cr.timestamp)
            nbytes += len(cr.value or b"")
            made = record_event(record, received_at, limit)
            if made is None:
                self.counters.dropped[EMPTY] += 1
            elif isinstance(made, Poison):
                letters.append(poison_letter(record, made, self.name))
            elif lines is None:
                events.append(made)
            elif joinable(record, made):
                events += lines.line(made, now)
            else:
                events += lines.whole(made)
        self.counters.received += len(records)
        if letters:
            await self.dlq.append(letters)
            self.counters.dead_lettered += len(letters)
        joined = lines.take_joined() if lines is not None else 0
        if self.revocations != revocations or partition not in self._consumer.assignment():
            # revoked since the fetch was read (while dead letters of this or an earlier
            # partition of the fetch were written), maybe assigned again and read from the
            # committed offset: whoever owns it now reads these records again
            self.counters.dropped[REVOKED] += len(events) + joined
            return
        end = records[-1].offset + 1
        if lines is not None:
            lines.read_end = end
            end = lines.batch_end()
        self._hand(partition, events, first=records[0].offset, end=end, nbytes=nbytes,
                   joined=joined)

    def _hand(self, partition: Partition, events: list[Event], *, first: int, end: int,
              nbytes: int, joined: int) -> None:
        """Queue ``events`` as a batch whose ack lets the partition's commit reach ``end``
        (``first``: where its commit book starts if this is the partition's first batch)."""
        lines = self._lines.get(partition)
        if lines is not None:
            if not events and end <= lines.issued_end:
                return  # nothing delivered, the commit cannot move: no batch at all
            first, lines.issued_end = lines.start, end
        ack = self.book.issue(partition, first, end)
        if not events:  # nothing left to deliver: handed and acknowledged at once
            self.book.handed(partition, end)
            self.counters.joined += joined
            ack()
            return
        batch = Batch(events, ack, self.name, stream_name(*partition))
        self._queue.append(_Queued(partition, batch, end, nbytes, joined))
        self.queued_bytes += nbytes
        self._wake()

    # -- multiline ----------------------------------------------------------------------------

    def _joining(self, partition: Partition, first: int) -> PartitionLines | None:
        """The partition's joining (made at its first record), ``None`` without multiline."""
        if self._multiline is None:
            return None
        lines = self._lines.get(partition)
        if lines is None:
            from parsers import MultilineJoiner  # noqa: PLC0415 - only with multiline

            joiner: EventJoiner = MultilineJoiner(self._multiline, self._pattern_timeout_secs)
            lines = self._lines[partition] = PartitionLines(joiner, first)
        return lines

    def _flush_quiet(self) -> None:
        """Hand on the events open longer than ``multiline_flush_secs`` with no new record.
        Time paused does not count: the next records may be in Kafka, just not fetched."""
        now = time.monotonic()
        for partition, lines in list(self._lines.items()):
            if self.paused:
                lines.hold(now)
            elif lines.due(now, self.config.multiline_flush_secs):
                self._flush(partition, lines)

    def _flush_all(self) -> None:
        """At stop: hand on every open event (the partitions are still assigned)."""
        for partition, lines in list(self._lines.items()):
            self._flush(partition, lines)

    def _flush(self, partition: Partition, lines: PartitionLines) -> None:
        events = lines.flush()
        if events:
            self._hand(partition, events, first=lines.start, end=lines.batch_end(), nbytes=0,
                       joined=lines.take_joined())

    def _wake(self) -> None:
        if self._wakeup is not None:
            self._wakeup.set()

    # -- committing ---------------------------------------------------------------------------

    async def _commit_due(self) -> None:
        now = time.monotonic()
        if now - self._last_commit >= self.config.commit_interval_secs:
            self._last_commit = now
            await self._commit(self.book.take_ready())

    async def _commit(self, offsets: dict[Partition, int]) -> None:
        """Commit ``offsets``; a failure (a rebalance under way) leaves them uncommitted."""
        if not offsets:
            return
        from aiokafka.errors import KafkaError  # noqa: PLC0415 - loaded by _start already
        from aiokafka.structs import TopicPartition  # noqa: PLC0415

        try:
            await self._consumer.commit({TopicPartition(*p): o for p, o in offsets.items()})
        except KafkaError as exc:
            self.counters.errors["kafka_commit"] += 1
            log.warning("Kafka commit of group %r failed, offsets stay uncommitted: %s",
                        self.config.group, exc)

    async def on_revoked(self, partitions: list[Partition]) -> None:
        """Drop the queued batches of ``partitions``; give in-flight ones time; commit; forget."""
        if not partitions:
            return
        self.revocations += 1
        revoked = set(partitions)
        kept = [entry for entry in self._queue if entry.partition not in revoked]
        for entry in self._queue:
            if entry.partition in revoked:
                self.queued_bytes -= entry.nbytes
                self.counters.dropped[REVOKED] += len(entry.batch.events) + entry.joined
        self._queue = deque(kept)
        for partition in partitions:  # events still being joined: never committed
            lines = self._lines.pop(partition, None)
            if lines is not None:
                self.counters.dropped[REVOKED] += lines.pending_records
        deadline = time.monotonic() + self.config.revoke_wait_secs
        while not self.book.settled(partitions) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await self._commit(self.book.release(partitions))


def _listener(source: KafkaInput) -> Any:
    from aiokafka import ConsumerRebalanceListener  # noqa: PLC0415

    class Listener(ConsumerRebalanceListener):  # type: ignore[misc]
        async def on_partitions_revoked(self, revoked: Any) -> None:
            await source.on_revoked([(tp.topic, tp.partition) for tp in revoked])

        async def on_partitions_assigned(self, assigned: Any) -> None:
            log.info("Kafka group %r: pid %d assigned %s", source.config.group, os.getpid(),
                     " ".join(f"{tp.topic}/{tp.partition}" for tp in sorted(assigned)))

    return Listener()


def _consumer(config: KafkaInputConfig) -> Any:
    """The aiokafka consumer for ``config``: manual commits, earliest offset for a new group."""
    from aiokafka import AIOKafkaConsumer  # noqa: PLC0415

    return AIOKafkaConsumer(
        bootstrap_servers=config.bootstrap().split(","),
        group_id=config.group,
        client_id=config.client_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=config.max_partition_fetch_bytes,
        fetch_max_bytes=max(config.max_buffered_bytes, config.max_partition_fetch_bytes),
        fetch_max_wait_ms=int(config.fetch_max_wait_secs * 1000),
        session_timeout_ms=int(config.session_timeout_secs * 1000),
        heartbeat_interval_ms=int(config.heartbeat_interval_secs * 1000),
        max_poll_interval_ms=int(config.max_poll_interval_secs * 1000),
        **_security(config),
    )


def _security(config: KafkaInputConfig) -> dict[str, Any]:
    """aiokafka's security keyword arguments (TLS context, SASL credentials)."""
    kwargs: dict[str, Any] = {"security_protocol": config.security_protocol}
    if config.security_protocol in ("SSL", "SASL_SSL"):
        from aiokafka.helpers import create_ssl_context  # noqa: PLC0415

        try:
            context = create_ssl_context(
                cafile=_path(config.ssl_cafile), certfile=_path(config.ssl_certfile),
                keyfile=_path(config.ssl_keyfile),
            )
        except OSError as exc:
            raise ConfigError(f"inputs.kafka: cannot load TLS files: {exc}") from exc
        context.check_hostname = config.ssl_check_hostname
        kwargs["ssl_context"] = context
    if config.security_protocol.startswith("SASL"):
        try:
            password = config.password()
        except (OSError, IndexError) as exc:
            raise ConfigError(f"inputs.kafka.sasl_password_file: cannot read: {exc}") from exc
        kwargs.update(sasl_mechanism=config.sasl_mechanism,
                      sasl_plain_username=config.sasl_username, sasl_plain_password=password)
    return kwargs


def _path(path: object) -> str | None:
    return None if path is None else str(path)
