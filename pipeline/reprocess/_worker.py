"""One reprocess worker: units from a shared queue -> FileInput -> the live chain -> target.

A worker is a process of its own (the chain is CPU-bound Python), with its own event loop,
output and state-file connection. It reports progress, checkpoints and problems to the
parent through a queue and ends with its counts. It dies with its parent (``kill -9`` of
the command leaves no orphan indexing behind) and leaves Ctrl-C to the parent.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pipeline.errors import DeliveryError, LumberyardError, StateError
from pipeline.inputs import FileInput, FileUnit
from pipeline.reprocess._job import (
    Job,
    build_chain,
    build_joiner,
    build_output,
    event_starts,
    max_line_bytes,
)
from pipeline.reprocess._state import CheckpointStore
from pipeline.runtime import (
    METADATA,
    Batch,
    Chain,
    Event,
    Output,
    Runtime,
    count_failure_tags,
    die_with_parent,
    tune_gc_for_throughput,
)

PROGRESS_EVERY_SECS = 0.25
CHECKPOINT_EVERY_SECS = 0.2

Message = tuple[Any, ...]


class Reports(Protocol):
    """Where a worker's messages go (a multiprocessing or a thread queue)."""

    def put(self, item: Message) -> None: ...


class Units(Protocol):
    """Where a worker takes its units from; ``None`` means no more."""

    def get(self) -> FileUnit | None: ...


@dataclass
class Tally:
    """What one worker saw, sent to the parent at the end and summed there."""

    lines: int = 0
    events: int = 0
    indices: Counter[str] = field(default_factory=Counter)
    event_types: Counter[str] = field(default_factory=Counter)
    tags: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)
    delivered: int = 0
    already_there: int = 0
    dead_lettered: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    notices: list[str] = field(default_factory=list)
    """What the dead letter queue repaired on open (a torn tail cut off and kept aside)."""

    def count(self, events: list[Event]) -> None:
        """Count the events that go to the target, per index, type and failure tag."""
        self.indices.update([event[METADATA].get("_index", "-") for event in events])
        self.event_types.update([event.get("event_type", "-") for event in events])
        tags = self.tags
        for event in events:
            if "tags" in event:
                count_failure_tags(event["tags"], tags)


class Reporter:
    """The FileInput listener of a worker: throttled progress, checkpoints, problems."""

    def __init__(self, worker: int, reports: Reports, store: CheckpointStore | None) -> None:
        self.worker = worker
        self.reports = reports
        self.store = store
        self._progress: dict[str, list[int]] = {}
        self._sent_at = time.monotonic()
        self._unsaved: dict[str, tuple[FileUnit, int, bool]] = {}
        self._saved_at = time.monotonic()
        self.failure: StateError | None = None
        """The state file could not be written (a full disk): every later save raises it."""

    @property
    def has_unsaved(self) -> bool:
        return bool(self._unsaved)

    def on_checkpoint(self, unit: FileUnit, offset: int, finished: bool) -> None:
        """Store the acknowledged offset (throttled; a finished range at once)."""
        self._unsaved[unit.key] = (unit, offset, finished)
        if finished or time.monotonic() - self._saved_at > CHECKPOINT_EVERY_SECS:
            self.save()
        if finished:
            self.reports.put(("finished", unit.key))

    def on_progress(self, unit: FileUnit, raw_position: int, lines: int, events: int) -> None:
        """Accumulate and send progress a few times a second."""
        entry = self._progress.setdefault(unit.key, [0, 0, 0])
        entry[0] = raw_position
        entry[1] += lines
        entry[2] += events
        if time.monotonic() - self._sent_at > PROGRESS_EVERY_SECS:
            self.send_progress()

    def on_problem(self, unit: FileUnit, reason: str) -> None:
        """A unit could not be read to its end: tell the parent at once."""
        self.reports.put(("problem", unit.path, reason))

    def send_progress(self) -> None:
        """Send what accumulated since the last message."""
        for key, (raw, lines, events) in self._progress.items():
            self.reports.put(("progress", key, raw, lines, events))
        self._progress = {k: [v[0], 0, 0] for k, v in self._progress.items()}
        self._sent_at = time.monotonic()

    def save(self) -> None:
        """Write pending checkpoints to the state file; a failure stops the run (raised from
        the acknowledgement that asked for the save, and from every save after it)."""
        if self.failure is not None:
            raise self.failure
        if self.store is not None:
            try:
                for unit, offset, finished in self._unsaved.values():
                    self.store.save(unit, offset, finished)
            except StateError as exc:
                self.failure = exc
                raise
        self._unsaved.clear()
        self._saved_at = time.monotonic()


def queued(units: Units, reporter: Reporter) -> Iterator[FileUnit]:
    """Take units until the sentinel; announce each to the parent."""
    while (unit := units.get()) is not None:
        reporter.reports.put(("start", unit.key, unit.path, reporter.worker))
        yield unit


async def work(worker: int, job: Job, units: Units, reports: Reports) -> None:
    """Run units through the chain into the job's target until the queue is empty: the one
    long-running runtime, with one input (the files of the shared queue)."""
    tally = Tally()
    store = CheckpointStore(Path(job.state_path), job.job) if job.state_path else None
    reporter = Reporter(worker, reports, store)
    fatal: LumberyardError | None = None
    try:
        chain, sink = build_chain(job), build_output(job)
        joiner, starts = build_joiner(job), event_starts(job)
        source = FileInput(queued(units, reporter), reporter, joiner, starts_event=starts,
                           max_line_bytes=max_line_bytes(job))
        tune_gc_for_throughput()  # after start-up: what it built is frozen out of collection
        saver = asyncio.create_task(_save_periodically(reporter))
        watcher = asyncio.create_task(_report_retrying(worker, sink, reports))
        try:
            outcome = await Runtime([source], _Steps(chain, tally, job), sink).run()
        finally:
            saver.cancel()
            watcher.cancel()
            _collect(tally, source, chain, sink)
        if outcome.output_error is not None:
            fatal = outcome.output_error  # one line, as when the sink raised it
        elif not outcome.ok:
            reports.put(("fatal", worker, outcome.describe()))
    except LumberyardError as exc:
        fatal = exc
    finally:
        reporter.send_progress()
        try:
            reporter.save()
        except StateError as exc:
            fatal = reporter.failure if isinstance(fatal, DeliveryError) else fatal or exc
        if fatal is not None:
            reports.put(("fatal", worker, f"{type(fatal).__name__}: {fatal}"))
        reports.put(("tally", worker, tally))
        if store is not None:
            store.close()


async def _save_periodically(reporter: Reporter) -> None:
    """Write throttled checkpoints even when no new ack arrives to trigger it.

    Without this, the last acknowledged offset before a stall (Elasticsearch down, a held
    request) would wait in memory for the next ack, and a ``kill -9`` would lose it.
    """
    while reporter.failure is None:
        await asyncio.sleep(CHECKPOINT_EVERY_SECS)
        if reporter.has_unsaved:
            with contextlib.suppress(StateError):  # raised again by the next ack, and at the end
                reporter.save()


async def _report_retrying(worker: int, sink: Output, reports: Reports) -> None:
    """Tell the parent when the sink starts or stops retrying (its progress line shows it)."""
    retrying = getattr(sink, "retrying", None)
    if retrying is None:
        return
    said: str | None = None
    while True:
        await asyncio.sleep(PROGRESS_EVERY_SECS)
        status = retrying.status
        if (status is None) != (said is None) or (status and status[:40] != (said or "")[:40]):
            reports.put(("retrying", worker, status))
            said = status


class _Steps:
    """The runtime's processor in a reprocess: the chain (for the Kafka target only when
    filtering: it gets the lines as read), then the tally of what goes to the target."""

    def __init__(self, chain: Chain, tally: Tally, job: Job) -> None:
        self.counters = chain.counters
        self._chain = chain
        self._tally = tally
        self._raw_lines = job.target == "kafka"
        self._run_chain = job.filtering or not self._raw_lines

    def apply(self, batch: Batch) -> Batch:
        if self._run_chain:
            if self._raw_lines:
                _keep_raw(batch)
            self._chain.apply(batch)
            self._tally.count(batch.events)
        return batch


def _keep_raw(batch: Batch) -> None:
    """Kafka gets the line as read, not the parsed message: remember it before the chain."""
    for event in batch.events:
        event[METADATA].setdefault("raw", event["message"])


def _collect(tally: Tally, source: FileInput, chain: Chain, sink: Output) -> None:
    tally.lines, tally.events = source.lines, source.events
    tally.dropped.update(chain.counters.dropped)
    counters = getattr(sink, "counters", None)
    if counters is not None:
        tally.delivered = counters.sent
        tally.dead_lettered = counters.dead_lettered
        tally.errors.update(counters.errors)
    dlq = getattr(sink, "dlq", None)
    if dlq is not None:
        tally.notices.extend(dlq.notices)
    ledger = getattr(sink, "ledger", None)
    if ledger is not None:
        tally.already_there = sum(ledger.already_indexed.values())


class _QueueUnits:
    """Adapts a multiprocessing queue of units (``None`` = stop) to :class:`Units`.

    Waits for the end marker however long the queue stalls (a busy parent, a slow pickling of
    a large plan): the parent puts one ``None`` per worker after the units, and a worker dies
    with its parent, so the wait always ends. It runs off the event loop (FileInput asks for
    the next unit in a thread), so the sending tasks go on meanwhile.
    """

    def __init__(self, source: Any) -> None:
        self._source = source

    def get(self) -> FileUnit | None:
        unit: FileUnit | None = self._source.get()
        return unit


def worker_main(worker: int, job: Job, units: Any, reports: Any) -> None:
    """Entry point of a worker process."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    asyncio.run(work(worker, job, _QueueUnits(units), reports))
