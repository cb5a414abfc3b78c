"""The worker side of observability: snapshots of its counters, taken on its own event loop.

A worker never serves HTTP itself. Its :class:`Heartbeat` task wakes every ``interval_secs``,
takes a :class:`Telemetry` snapshot (plain data: metric samples and the facts /health needs)
and hands it to a sink: memory when the endpoint runs in the same process (a thread), a file
in the run directory when it runs in the parent of ``serve --workers N``. The snapshot's time
is the heartbeat: a loop that is stuck takes no snapshot, so the endpoint, outside the loop,
sees the heartbeat age grow and answers /health/live with 503.

Reading the counters costs nothing on the hot path: components keep plain ints and the
snapshot reads them between batches, on the same loop that writes them.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pipeline.observe._catalog import PREFIX
from pipeline.runtime import Batch, Counters, count_failure_tags

BULK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
"""Upper bounds (seconds) of the bulk duration histogram; +Inf is implied."""

MAX_LABEL_VALUES = 32
"""Distinct values per label before the rest is folded into ``other`` (bounded cardinality)."""

OTHER = "other"

Sample = tuple[str, dict[str, str], float]


class Histogram:
    """A fixed-bucket histogram of durations (cumulative buckets computed at snapshot)."""

    def __init__(self, bounds: tuple[float, ...] = BULK_BUCKETS) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)
        self.sum = 0.0

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(self.bounds, value)] += 1
        self.sum += value

    def samples(self, name: str) -> list[Sample]:
        out: list[Sample] = []
        running = 0
        for bound, count in zip((*self.bounds, float("inf")), self.counts, strict=True):
            running += count
            le = "+Inf" if bound == float("inf") else repr(bound)
            out.append((f"{name}_bucket", {"le": le}, float(running)))
        out += [(f"{name}_sum", {}, self.sum), (f"{name}_count", {}, float(running))]
        return out


@dataclass
class InputGauges:
    """What a live input reports about itself (any field it does not know stays None/empty)."""

    connections: int | None = None
    windows_waiting: int | None = None
    lag: Mapping[tuple[str, int], int] = field(default_factory=dict)
    """Kafka consumer lag per (topic, partition) this worker owns."""
    incidents: Mapping[str, int] = field(default_factory=dict)
    """Beats connection incidents so far by kind: ``refused``, ``protocol_error``, ``idle``."""
    limits: Mapping[str, int] = field(default_factory=dict)
    """Times each input limit tripped so far, by option name (``max_event_bytes``, ...)."""


class ObservableInput(Protocol):
    """An input that can say more than its counters: Beats connections, Kafka lag."""

    def observe(self) -> InputGauges: ...


class TaggingProcessor:
    """Wraps the enrichment chain (a runtime ``Processor``) to count parse-failure tags."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.counters: Counters = inner.counters
        self.tags: Counter[str] = Counter()

    def apply(self, batch: Batch) -> Batch:
        batch = self.inner.apply(batch)
        tags = self.tags
        for event in batch.events:
            if "tags" in event:
                count_failure_tags(event["tags"], tags)
        return batch


def _with_source(handed: Counters, source: Counters | None) -> Counters:
    """An input's row: what the runtime counted of the batches it handed on (``sent``: taken
    by the output; the chain's drops), joined with what the input counted itself before any
    batch (the Kafka input: every record read, poison records dead-lettered, empty ones
    dropped, commit errors), so received = sent + dead-lettered + dropped (+ in flight).
    Records joined into an earlier record's multiline event (``joined``) are not counted
    again: as for files, whose lines joined into an event are one event received."""
    if source is None:
        return handed
    return Counters(
        handed.component, received=source.received - source.joined, sent=handed.sent,
        dead_lettered=source.dead_lettered + handed.dead_lettered,
        dropped=source.dropped + handed.dropped, errors=source.errors + handed.errors,
        retries=handed.retries,
    )


@dataclass
class Telemetry:
    """Where one worker's numbers come from; every source is optional.

    ``inputs`` gives (name, counters) pairs (the runtime's per-input states); ``output`` is an
    ``ElasticsearchOutput`` (duck-typed: ``ledger``, ``buffer``, ``service``, ``name``).
    """

    inputs: Callable[[], Iterable[tuple[str, Counters]]] = lambda: ()
    processor: TaggingProcessor | None = None
    output: Any = None
    dlq: Any = None
    live_inputs: Iterable[object] = ()
    bulk_durations: Histogram = field(default_factory=Histogram)

    def __post_init__(self) -> None:
        service = getattr(self.output, "service", None)
        if service is not None:
            service.on_bulk = self.bulk_durations.observe

    def snapshot(self) -> dict[str, Any]:
        """Plain data (JSON-able): metric samples per family and the facts /health needs."""
        families: dict[str, list[Sample]] = {}
        self._events(families)
        self._output(families)
        self._inputs_gauges(families)
        self._dlq(families)
        return {
            "time": time.time(),
            "pid": os.getpid(),
            "families": {k: [list(s) for s in v] for k, v in families.items()},
            "health": self._health(),
        }

    def _events(self, families: dict[str, list[Sample]]) -> None:
        bound = _Bounder()
        own = {getattr(source, "name", None): counters for source in self.live_inputs
               if isinstance(counters := getattr(source, "counters", None), Counters)}
        rows: list[tuple[str, Counters]] = [
            ("input", _with_source(c, own.get(name))) for name, c in self.inputs()]
        if self.processor is not None:
            rows.append(("chain", self.processor.counters))
        ledger = getattr(self.output, "ledger", None)
        if ledger is not None:
            rows += [(self.output.name, c) for c in list(ledger.per_input.values())]
        elif isinstance(getattr(self.output, "counters", None), Counters):
            rows.append((self.output.name, self.output.counters))  # e.g. the Kafka output
        for component, counters in rows:
            labels = {"component": component, "input": bound("input", counters.component)}
            for name in ("received", "sent", "dead_lettered", "retries"):
                _add(families, f"{PREFIX}_events_{name}_total", labels, getattr(counters, name))
            for reason, count in counters.dropped.items():
                key = {**labels, "reason": bound("reason", reason)}
                _add(families, f"{PREFIX}_events_dropped_total", key, count)
            for error_type, count in counters.errors.items():
                key = {**labels, "error_type": bound("error_type", error_type)}
                _add(families, f"{PREFIX}_errors_total", key, count)
        if self.processor is not None:
            for tag, count in self.processor.tags.items():
                _add(families, f"{PREFIX}_parse_failures_total", {"tag": bound("tag", tag)}, count)

    def _output(self, families: dict[str, list[Sample]]) -> None:
        if getattr(self.output, "ledger", None) is None:  # only the Elasticsearch output
            return
        total = self.output.ledger.total
        duplicates = sum(self.output.ledger.already_indexed.values())
        results = {
            "indexed": total.sent - duplicates,
            "duplicate": duplicates,
            "retried": total.retries,
            "dead_lettered": total.dead_lettered,
        }
        for result, count in results.items():
            _add(families, f"{PREFIX}_bulk_items_total", {"result": result}, count)
        buffer = self.output.buffer
        _add(families, f"{PREFIX}_buffer_bytes_used", {}, buffer.used)
        _add(families, f"{PREFIX}_buffer_bytes_limit", {}, buffer.capacity)
        _add(families, f"{PREFIX}_buffer_writers_waiting", {}, buffer.waiting)
        _add(families, f"{PREFIX}_bulk_requests_in_flight", {}, self.output.service.in_flight)
        families[f"{PREFIX}_bulk_request_duration_seconds"] = self.bulk_durations.samples(
            f"{PREFIX}_bulk_request_duration_seconds"
        )

    def _inputs_gauges(self, families: dict[str, list[Sample]]) -> None:
        partitions = 0
        for source in self.live_inputs:
            observe = getattr(source, "observe", None)
            if observe is None:
                continue
            gauges: InputGauges = observe()
            if gauges.connections is not None:
                _add(families, f"{PREFIX}_beats_connections", {}, gauges.connections)
            if gauges.windows_waiting is not None:
                _add(families, f"{PREFIX}_beats_windows_waiting", {}, gauges.windows_waiting)
            _beats_incidents(families, gauges)
            for (topic, partition), lag in sorted(gauges.lag.items()):
                partitions += 1
                if partitions > MAX_LABEL_VALUES * 8:  # a cap, even for huge topics
                    break
                key = {"topic": topic, "partition": str(partition)}
                _add(families, f"{PREFIX}_kafka_consumer_lag", key, lag)

    def _dlq(self, families: dict[str, list[Sample]]) -> None:
        if self.dlq is None:
            return
        _add(families, f"{PREFIX}_dlq_entries_total", {}, self.dlq.appended)
        size = 0
        for segment in self.dlq.segments():
            with contextlib.suppress(OSError):
                size += segment.stat().st_size
        _add(families, f"{PREFIX}_dlq_bytes", {}, size)

    def _health(self) -> dict[str, Any]:
        health: dict[str, Any] = {}
        if getattr(self.output, "buffer", None) is not None:
            buffer = self.output.buffer
            health["buffer"] = {
                "used": buffer.used, "limit": buffer.capacity, "waiting": buffer.waiting
            }
        if self.dlq is not None:
            health["dlq"] = {"directory": str(self.dlq.directory), "appended": self.dlq.appended}
        return health


def _beats_incidents(families: dict[str, list[Sample]], gauges: InputGauges) -> None:
    """Refused and closed Beats connections by kind, and input limits tripped by name (both
    code-chosen sets, so the labels stay bounded)."""
    for kind, count in sorted(gauges.incidents.items()):
        _add(families, f"{PREFIX}_beats_connection_incidents_total", {"kind": kind}, count)
    for limit, count in sorted(gauges.limits.items()):
        _add(families, f"{PREFIX}_input_limits_tripped_total", {"limit": limit}, count)


def _add(
    families: dict[str, list[Sample]], name: str, labels: dict[str, str], value: float
) -> None:
    families.setdefault(name, []).append((name, labels, float(value)))


class _Bounder:
    """Label values map to themselves until ``limit`` distinct ones were seen, then 'other'."""

    def __init__(self, limit: int = MAX_LABEL_VALUES) -> None:
        self.limit = limit
        self._seen: dict[str, set[str]] = {}

    def __call__(self, label: str, value: str) -> str:
        seen = self._seen.setdefault(label, set())
        if value in seen or len(seen) < self.limit:
            seen.add(value)
            return value
        return OTHER


class Sink(Protocol):
    """Where a worker's heartbeat snapshots go."""

    def put(self, snapshot: dict[str, Any]) -> None: ...


class MemorySink:
    """The endpoint runs in this process (another thread): keep the latest snapshot."""

    def __init__(self) -> None:
        self.latest: dict[str, Any] | None = None

    def put(self, snapshot: dict[str, Any]) -> None:
        self.latest = snapshot  # one reference assignment: atomic for the reading thread


class FileSink:
    """The endpoint runs in the parent: write ``<dir>/worker-<n>.json`` atomically."""

    def __init__(self, directory: Path, worker: int) -> None:
        self.path = Path(directory) / f"worker-{worker}.json"
        self._tmp = self.path.with_suffix(".tmp")

    def put(self, snapshot: dict[str, Any]) -> None:
        import orjson  # noqa: PLC0415 - only workers of a multi-process serve need it

        self._tmp.write_bytes(orjson.dumps(snapshot))
        os.replace(self._tmp, self.path)


class Heartbeat:
    """The task on a worker's loop that snapshots its telemetry every ``interval_secs``."""

    def __init__(self, telemetry: Telemetry, sink: Sink, interval_secs: float = 1.0) -> None:
        self.telemetry = telemetry
        self.sink = sink
        self.interval_secs = interval_secs
        self._task: asyncio.Task[None] | None = None

    def start(self) -> asyncio.Task[None]:
        """Start beating on the running loop (one snapshot at once)."""
        self.beat()
        self._task = asyncio.ensure_future(self._run())
        return self._task

    def beat(self) -> None:
        """One snapshot now (also the last one on shutdown, so the final counts are seen)."""
        self.sink.put(self.telemetry.snapshot())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval_secs)
            self.beat()

    async def stop(self) -> None:
        """Stop beating after a final snapshot."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.beat()
