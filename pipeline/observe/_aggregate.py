"""The endpoint side: the workers' latest snapshots, summed into one Prometheus exposition.

With ``serve --workers N`` every worker writes its snapshot to ``<run dir>/worker-<n>.json``
(:class:`~pipeline.observe.FileSink`); with one process the snapshot stays in memory. The
:class:`WorkerBoard` reads them; :func:`render_metrics` sums samples with equal names and
labels across workers (counters, gauges and histogram buckets all add up: each Kafka partition
and Beats connection belongs to one worker) and adds the endpoint's own series: worker
heartbeat ages, stale workers, the Elasticsearch check, and process metrics.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from prometheus_client import CollectorRegistry, ProcessCollector, generate_latest
from prometheus_client.core import Metric
from prometheus_client.registry import Collector

from pipeline.observe._catalog import CATALOG, PREFIX
from pipeline.observe._telemetry import MemorySink

SeriesKey = tuple[str, tuple[tuple[str, str], ...]]
"""A sample's name and its sorted labels."""


@dataclass(frozen=True, slots=True)
class WorkerView:
    """One worker as the endpoint sees it."""

    worker: int
    snapshot: dict[str, Any] | None

    def age(self, now: float) -> float | None:
        """Seconds since its last heartbeat (None: it never reported)."""
        return None if self.snapshot is None else max(0.0, now - float(self.snapshot["time"]))


class WorkerBoard:
    """Where the endpoint finds the workers' snapshots: memory sinks or a run directory."""

    def __init__(
        self, sinks: Sequence[MemorySink] = (), directory: Path | None = None, workers: int = 0
    ) -> None:
        self.sinks = list(sinks)
        self.directory = directory
        self.workers = workers if directory is not None else len(self.sinks)
        self.started = time.time()

    @classmethod
    def in_memory(cls, *sinks: MemorySink) -> WorkerBoard:
        return cls(sinks=sinks)

    @classmethod
    def in_directory(cls, directory: Path, workers: int) -> WorkerBoard:
        return cls(directory=Path(directory), workers=workers)

    def views(self) -> list[WorkerView]:
        if self.directory is None:
            return [WorkerView(i, sink.latest) for i, sink in enumerate(self.sinks)]
        return [WorkerView(i, self._read(i)) for i in range(self.workers)]

    def _read(self, worker: int) -> dict[str, Any] | None:
        assert self.directory is not None
        try:
            found = orjson.loads((self.directory / f"worker-{worker}.json").read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return None
        return found if isinstance(found, dict) else None


def stale_workers(views: Sequence[WorkerView], now: float, stale_after_secs: float,
                  started: float) -> list[str]:
    """``worker N: why`` for each worker whose loop missed its heartbeat (a new worker gets
    ``stale_after_secs`` from the endpoint's start to send its first one)."""
    stale = []
    for view in views:
        age = view.age(now)
        if age is None and now - started > stale_after_secs:
            stale.append(f"worker {view.worker}: no heartbeat since start")
        elif age is not None and age > stale_after_secs:
            stale.append(f"worker {view.worker}: last heartbeat {age:.1f}s ago")
    return stale


def summed_samples(views: Sequence[WorkerView]) -> dict[SeriesKey, float]:
    """Every worker's samples, equal (name, labels) added up."""
    total: dict[SeriesKey, float] = {}
    for view in views:
        if view.snapshot is None:
            continue
        for samples in view.snapshot["families"].values():
            for name, labels, value in samples:
                key = (str(name), tuple(sorted((str(k), str(v)) for k, v in labels.items())))
                total[key] = total.get(key, 0.0) + float(value)
    return total


class _Aggregated(Collector):
    """A collector yielding the catalog's families from the summed worker samples."""

    def __init__(self, endpoint_samples: Any) -> None:
        self._endpoint_samples = endpoint_samples

    def collect(self) -> Iterator[Metric]:
        samples = self._endpoint_samples()
        by_family: dict[str, list[tuple[str, dict[str, str], float]]] = {}
        owner = {series: spec.name for spec in CATALOG for series in spec.series_names}
        for (name, labels), value in sorted(samples.items()):
            if name in owner:
                by_family.setdefault(owner[name], []).append((name, dict(labels), value))
        for spec in CATALOG:
            metric = Metric(spec.name, spec.help, spec.kind)
            for name, labels, value in by_family.get(spec.name, []):
                metric.add_sample(name, labels, value)
            yield metric


def render_metrics(
    views: Sequence[WorkerView], extra: dict[SeriesKey, float],
    pids: Sequence[int] = (),
) -> bytes:
    """The Prometheus text exposition: summed worker samples, ``extra``, process metrics."""
    registry = CollectorRegistry(auto_describe=False)

    def samples() -> dict[SeriesKey, float]:
        merged = summed_samples(views)
        merged.update(extra)
        return merged

    registry.register(_Aggregated(samples))
    registry.register(ProcessCollector(registry=None))
    return generate_latest(registry)


def endpoint_series(
    views: Sequence[WorkerView], now: float, stale: list[str], es_up: bool | None
) -> dict[SeriesKey, float]:
    """The series only the endpoint knows: workers, heartbeat ages, the ES check."""
    series: dict[SeriesKey, float] = {
        (f"{PREFIX}_workers", ()): float(len(views)),
        (f"{PREFIX}_workers_stale", ()): float(len(stale)),
    }
    for view in views:
        age = view.age(now)
        if age is not None:
            key = (f"{PREFIX}_worker_heartbeat_age_seconds", (("worker", str(view.worker)),))
            series[key] = age
    if es_up is not None:
        series[(f"{PREFIX}_elasticsearch_up", ())] = 1.0 if es_up else 0.0
    return series
