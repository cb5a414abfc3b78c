"""Prometheus export of :class:`pipeline.runtime.Counters`, read at scrape time.

Components keep plain ints on the hot path; a collector reads them when Prometheus scrapes, so
counting costs nothing extra. Labels are bounded: ``component`` and ``input`` are names chosen
in configuration, ``error_type`` / ``reason`` are code-chosen sets, and any label beyond
``max_label_values`` distinct values per metric is folded into ``other``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from prometheus_client import start_http_server
from prometheus_client.core import CollectorRegistry, CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from pipeline.runtime import Counters

PREFIX = "lumberyard"
OTHER = "other"
CountersSource = Callable[[], Iterable[Counters]]


@dataclass(frozen=True, slots=True)
class _Tracked:
    component: str
    source: CountersSource


class CountersCollector(Collector):
    """A Prometheus collector over any number of components' counters."""

    def __init__(self, max_label_values: int = 32) -> None:
        self.max_label_values = max_label_values
        self._tracked: list[_Tracked] = []

    def track(self, component: str, counters: Counters | CountersSource) -> None:
        """Export ``counters`` (or every Counters a callable yields, one per input)."""
        source = counters if callable(counters) else (lambda c=counters: [c])
        self._tracked.append(_Tracked(component, source))

    def collect(self) -> Iterator[Metric]:
        """Called by prometheus_client on each scrape."""
        labels = ["component", "input"]
        families = {
            name: CounterMetricFamily(f"{PREFIX}_events_{name}", doc, labels=labels)
            for name, doc in (
                ("received", "Events a component received."),
                ("sent", "Events a component passed on (for an output: indexed)."),
                ("dead_lettered", "Events written to the dead letter queue."),
                ("retries", "Events sent again after a retriable failure (not drops)."),
            )
        }
        dropped = CounterMetricFamily(
            f"{PREFIX}_events_dropped", "Events dropped on purpose.", labels=[*labels, "reason"]
        )
        errors = CounterMetricFamily(
            f"{PREFIX}_errors", "Failures by bounded error type.", labels=[*labels, "error_type"]
        )
        bound = _Bounder(self.max_label_values)
        for tracked in self._tracked:
            for counters in tracked.source():
                key = [tracked.component, bound("input", counters.component)]
                families["received"].add_metric(key, counters.received)
                families["sent"].add_metric(key, counters.sent)
                families["dead_lettered"].add_metric(key, counters.dead_lettered)
                families["retries"].add_metric(key, counters.retries)
                _add_labelled(dropped, key, counters.dropped.items(), bound, "reason")
                _add_labelled(errors, key, counters.errors.items(), bound, "error_type")
        yield from families.values()
        yield dropped
        yield errors


class _Bounder:
    """Maps label values to themselves until ``limit`` distinct ones were seen, then 'other'."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._seen: dict[str, set[str]] = {}

    def __call__(self, label: str, value: str) -> str:
        seen = self._seen.setdefault(label, set())
        if value in seen or len(seen) < self.limit:
            seen.add(value)
            return value
        return OTHER


def _add_labelled(
    family: CounterMetricFamily,
    key: list[str],
    items: Iterable[tuple[str, int]],
    bound: _Bounder,
    label: str,
) -> None:
    folded: dict[str, int] = {}
    for value, count in items:
        name = bound(label, value)
        folded[name] = folded.get(name, 0) + count
    for name, count in folded.items():
        family.add_metric([*key, name], count)


def serve_metrics(
    collector: CountersCollector, port: int, addr: str = "127.0.0.1"
) -> CollectorRegistry:
    """Serve ``collector`` on ``http://addr:port/metrics`` from a daemon thread."""
    registry = CollectorRegistry()
    registry.register(collector)
    start_http_server(port, addr=addr, registry=registry)
    return registry
