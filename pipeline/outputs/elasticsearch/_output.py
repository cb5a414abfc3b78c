"""The Elasticsearch bulk sink: batches events, sends them, retries, dead-letters, acknowledges.

``write`` encodes a batch, then waits for room in the byte budget (backpressure: the caller
stops reading its input while it waits). Encoded items accumulate into a request that is cut at
``max_events`` / ``max_bytes``, as soon as the writers fall idle (a loop turn passes with no
write: nothing more is ready to read), or after ``flush_interval_secs`` at the latest; at most
``max_in_flight``
requests are outstanding. Every ``write`` gives the event loop one turn before it returns: an
input that reads without awaiting anything (a file) would otherwise starve the sending tasks
and the flush timer, and nothing would be sent until the budget is full or the input ends.
Each response is classified per item: done items and dead-lettered ones (after the DLQ fsync)
settle their batch ticket; retried ones go again, alone, after an exponential backoff with
jitter. A batch is acknowledged once all its events are settled.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from pipeline.connections import EsConnection
from pipeline.dlq import DeadLetter, DeadLetterQueue
from pipeline.errors import DeliveryError, EncodeError, LumberyardError
from pipeline.outputs.elasticsearch._classifier import (
    BulkOutcome,
    ItemOutcome,
    Verdict,
    classify_response,
    error_label,
)
from pipeline.outputs.elasticsearch._config import ElasticsearchOutputConfig
from pipeline.outputs.elasticsearch._encoder import BulkEncoder, BulkItem, join
from pipeline.outputs.elasticsearch._health import ClusterInfo, check_health
from pipeline.outputs.elasticsearch._ledger import BatchTicket, Ledger
from pipeline.outputs.elasticsearch._retrying import Retrying
from pipeline.outputs.elasticsearch._service import BulkService
from pipeline.runtime import METADATA, Batch, ByteBudget, Counters, Event, backoff_delay


@dataclass(slots=True)
class _Pending:
    """An encoded event waiting for Elasticsearch, with its ticket and retry count."""

    item: BulkItem
    ticket: BatchTicket
    attempts: int = 0


class ElasticsearchOutput:
    """The :class:`pipeline.runtime.Output` that bulk-indexes into Elasticsearch."""

    def __init__(
        self,
        config: ElasticsearchOutputConfig,
        connection: EsConnection,
        dlq: DeadLetterQueue,
        counters: Counters | None = None,
    ) -> None:
        self.name = config.name
        self.config = config
        self.dlq = dlq
        self.counters = counters or Counters(config.name)
        self.ledger = Ledger(self.counters)
        self.service = BulkService(connection, config)
        self._encoder = BulkEncoder(config.default_index)
        self._budget = ByteBudget(config.buffer_max_bytes)
        self._slots = asyncio.Semaphore(config.max_in_flight)
        self._open: list[_Pending] = []
        self._open_bytes = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._ticker: asyncio.Task[None] | None = None
        self._writes = 0
        self._idle_check_armed = False
        self._idle: asyncio.Event | None = None
        self._fatal: BaseException | None = None
        self._rng = random.Random()  # noqa: S311 -- jitter, not cryptography
        self.retrying = Retrying(f"Elasticsearch at {self.service.base_url}")
        """Whether (and since when, why) deliveries are being retried: said once, then at
        growing intervals; its ``status`` is shown in progress lines."""

    # -- the Output contract -------------------------------------------------------------------

    async def write(self, batch: Batch) -> None:
        """Take ``batch``; waits while the buffer is full; ``batch.ack`` is called on delivery."""
        self._raise_if_failed()
        self._start_ticker()
        ticket = self.ledger.open(batch.ack, batch.input_name, len(batch.events), batch.stream)
        items, letters = self._encode(batch.events, ticket)
        if letters:
            await self._store_letters(letters)
        sizes = [len(p.item.data) for p in items]
        await self._budget.acquire(sum(sizes))
        self._raise_if_failed()
        self._add(items, sizes)
        self._watch_for_idle()
        await asyncio.sleep(0)  # one loop turn: requests cut so far start, the timer can fire

    async def flush(self) -> None:
        """Send what is buffered and wait until every event written so far is acknowledged."""
        self._cut()
        while self.ledger.outstanding > 0 and self._fatal is None:
            idle = self._idle = asyncio.Event()
            await idle.wait()
        self._raise_if_failed()

    async def close(self) -> None:
        """Flush, then stop the timer and release connections (the DLQ stays open: not ours)."""
        try:
            if self._fatal is None:
                await self.flush()
        finally:
            await self._stop()

    async def healthcheck(self) -> ClusterInfo:
        """Check Elasticsearch the way the sink uses it (same session, auth and ``_bulk``)."""
        return await check_health(self.service)

    @property
    def buffer(self) -> ByteBudget:
        """The byte budget (read by /metrics and /health: used, capacity, writers waiting)."""
        return self._budget

    def report(self) -> str:
        """Reconciliation summary per input, printable at the end of a CLI run."""
        return self.ledger.report()

    # -- accumulating and cutting requests ----------------------------------------------------

    def _encode(
        self, events: Sequence[Event], ticket: BatchTicket
    ) -> tuple[list[_Pending], list[tuple[DeadLetter, BatchTicket]]]:
        items: list[_Pending] = []
        letters: list[tuple[DeadLetter, BatchTicket]] = []
        for event in events:
            try:
                items.append(_Pending(self._encoder.encode(event), ticket))
            except EncodeError as exc:
                letters.append((_unencodable(event, ticket, str(exc)), ticket))
        return items, letters

    def _add(self, items: list[_Pending], sizes: list[int]) -> None:
        """Append to the open request, cutting it each time it reaches a limit."""
        max_events, max_bytes = self.config.max_events, self.config.max_bytes
        for pending, size in zip(items, sizes, strict=True):
            self._open.append(pending)
            self._open_bytes += size
            if len(self._open) >= max_events or self._open_bytes >= max_bytes:
                self._cut()

    def _cut(self) -> None:
        if not self._open:
            return
        items, self._open, self._open_bytes = self._open, [], 0
        self._spawn(self._deliver(items))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self._fail(task.exception())  # type: ignore[arg-type]
        self._wake()

    def _watch_for_idle(self) -> None:
        """Cut the open request once a whole loop turn passes without a write.

        A busy input writes again before that (its next batch is ready), so requests fill; a
        Beats client waits for the ACK of the window it sent, so its window must not wait for
        the flush interval (it did: serve ACKed about one window per second). Checked with two
        ``call_soon`` hops rather than a timer: no clock, no per-write timer.
        """
        self._writes += 1
        if not self._idle_check_armed and self._open:
            self._arm_idle_check(hop=1)

    def _arm_idle_check(self, hop: int) -> None:
        self._idle_check_armed = True
        asyncio.get_running_loop().call_soon(self._idle_check, self._writes, hop)

    def _idle_check(self, writes_seen: int, hop: int) -> None:
        self._idle_check_armed = False
        if not self._open:
            return
        if self._writes != writes_seen:  # written meanwhile: watch from the newest write
            self._arm_idle_check(hop=1)
        elif hop == 1:  # the writer's own next step may still be queued: look once more
            self._arm_idle_check(hop=2)
        else:
            self._cut()

    def _start_ticker(self) -> None:
        if self._ticker is None:
            self._ticker = asyncio.ensure_future(self._tick())

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self.config.flush_interval_secs)
            self._cut()

    # -- delivering ---------------------------------------------------------------------------

    async def _deliver(self, items: list[_Pending]) -> None:
        """Send ``items`` until each is done or dead-lettered; retried ones go again alone."""
        attempt = 0
        while items:
            async with self._slots:
                outcome = await self._send(items)
            if outcome.split:
                half = len(items) // 2
                await asyncio.gather(self._deliver(items[:half]), self._deliver(items[half:]))
                return
            items = await self._settle(items, outcome)
            if items:
                attempt += 1
                await asyncio.sleep(self._backoff(attempt))

    async def _send(self, items: list[_Pending]) -> BulkOutcome:
        try:
            status, body = await self.service.bulk(join([p.item for p in items]))
        except LumberyardError as exc:
            if not exc.retriable:
                raise
            label = error_label(_snake(type(exc).__name__))
            outcome = ItemOutcome(Verdict.RETRY, 0, label, str(exc))
            return BulkOutcome((outcome,) * len(items), whole_request=True)
        return classify_response(status, body, len(items))

    async def _settle(self, items: list[_Pending], outcome: BulkOutcome) -> list[_Pending]:
        """Apply per-item verdicts; returns the items to retry."""
        if outcome.all_done:  # the usual answer: count per ticket, no per-item verdicts
            if self.retrying.since is not None:
                self.retrying.succeeded()
            self._budget.release(sum([len(p.item.data) for p in items]))
            for ticket, count in Counter([p.ticket for p in items]).items():
                self.ledger.indexed(ticket, count, 0)
            self._wake()
            return []
        retry: list[_Pending] = []
        letters: list[tuple[_Pending, ItemOutcome]] = []
        done: Counter[BatchTicket] = Counter()
        duplicates: Counter[BatchTicket] = Counter()
        done_bytes = 0
        for pending, verdict in zip(items, outcome.items, strict=True):
            if verdict.verdict is Verdict.DONE:
                done[pending.ticket] += 1
                done_bytes += len(pending.item.data)
                if verdict.status == 409:
                    duplicates[pending.ticket] += 1
            elif verdict.verdict is Verdict.DEAD_LETTER or self._exhausted(pending):
                letters.append((pending, verdict))
            else:
                retry.append(pending)
                if not outcome.whole_request:
                    self.ledger.failed({pending.ticket.input_name}, verdict.error_type, 1)
        self._budget.release(done_bytes)
        for ticket, count in done.items():
            self.ledger.indexed(ticket, count, duplicates[ticket])
        if retry and outcome.whole_request:
            inputs = {p.ticket.input_name for p in retry}
            self.ledger.failed(inputs, outcome.items[0].error_type, len(retry))
        if letters:
            await self._store_letters([(_refused(p, o), p.ticket) for p, o in letters])
            self._budget.release(sum(len(p.item.data) for p, _ in letters))
        self._note_retries(retry, outcome)
        self._wake()
        return retry

    def _note_retries(self, retry: list[_Pending], outcome: BulkOutcome) -> None:
        """Tell :attr:`retrying` whether this answer starts, continues or ends retries."""
        if retry:
            first = next(v for v in outcome.items if v.verdict is Verdict.RETRY)
            reason = (first.reason or first.error_type)[:200]
            self.retrying.failed(len(retry), f"HTTP {first.status}: {reason}" if first.status
                                 else reason)
        elif self.retrying.since is not None:
            self.retrying.succeeded()

    def _exhausted(self, pending: _Pending) -> bool:
        pending.attempts += 1
        return self.config.max_retries is not None and pending.attempts > self.config.max_retries

    async def _store_letters(self, letters: list[tuple[DeadLetter, BatchTicket]]) -> None:
        await self.dlq.append([letter for letter, _ in letters])
        for letter, ticket in letters:
            self.ledger.dead_lettered(ticket, letter.error_type)
        self._wake()

    def _backoff(self, attempt: int) -> float:
        return backoff_delay(
            attempt, self.config.retry_initial_backoff_secs, self.config.retry_max_backoff_secs,
            self._rng,
        )

    # -- failure and shutdown -----------------------------------------------------------------

    def _fail(self, exc: BaseException) -> None:
        if self._fatal is None:
            self._fatal = exc
            self._budget.fail(exc if isinstance(exc, DeliveryError) else DeliveryError(str(exc)))

    def _raise_if_failed(self) -> None:
        if self._fatal is not None:
            raise self._fatal

    def _wake(self) -> None:
        if self._idle is not None and (self.ledger.outstanding == 0 or self._fatal is not None):
            self._idle.set()

    async def _stop(self) -> None:
        tasks = [t for t in (self._ticker, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._ticker = None
        await self.service.close()


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def _refused(pending: _Pending, outcome: ItemOutcome) -> DeadLetter:
    item = pending.item
    reason = outcome.reason
    if outcome.verdict is Verdict.RETRY:
        reason = f"gave up after {pending.attempts - 1} retries: {reason}"
    return DeadLetter(
        event=orjson.loads(item.source), error_type=outcome.error_type or "unknown",
        reason=reason, index=item.index, doc_id=item.doc_id,
        input_name=pending.ticket.input_name, status=outcome.status,
    )


def _unencodable(event: Event, ticket: BatchTicket, reason: str) -> DeadLetter:
    meta = event.get(METADATA)
    meta = meta if isinstance(meta, dict) else {}
    index, doc_id = meta.get("_index"), meta.get("_id")
    return DeadLetter(
        event={k: v for k, v in event.items() if k != METADATA}, error_type="encode_error",
        reason=reason, index=index if isinstance(index, str) else None,
        doc_id=doc_id if isinstance(doc_id, str) else None, input_name=ticket.input_name,
    )
