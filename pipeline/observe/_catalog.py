"""Every metric lumberyard exports, in one table: name, type, help, labels.

The exporter builds its families from this table, the dashboard and alert-rule tests check
their expressions against it, and the operations docs list it. Names carry the ``lumberyard_``
prefix; counters get ``_total`` in the exposition format (Prometheus' convention). Labels are
bounded: ``component``/``input`` are configured names, ``reason``/``error_type``/``tag``/
``result`` are code-chosen sets folded into ``other`` past a cap, ``topic``/``partition`` are
capped per worker, ``worker`` is bounded by ``serve --workers``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PREFIX = "lumberyard"

Kind = Literal["counter", "gauge", "histogram"]


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """One exported metric family."""

    name: str
    kind: Kind
    help: str
    labels: tuple[str, ...] = ()

    @property
    def series_names(self) -> tuple[str, ...]:
        """The sample names Prometheus stores for this family."""
        if self.kind == "counter":
            return (f"{self.name}_total",)
        if self.kind == "histogram":
            return tuple(f"{self.name}_{s}" for s in ("bucket", "sum", "count"))
        return (self.name,)


_IO = ("component", "input")

CATALOG: tuple[MetricSpec, ...] = (
    MetricSpec(f"{PREFIX}_events_received", "counter", "Events a component received.", _IO),
    MetricSpec(f"{PREFIX}_events_sent", "counter",
               "Events a component passed on (for the elasticsearch output: indexed).", _IO),
    MetricSpec(f"{PREFIX}_events_dead_lettered", "counter",
               "Events written to the dead letter queue.", _IO),
    MetricSpec(f"{PREFIX}_events_retries", "counter",
               "Events sent again after a retriable failure (not drops).", _IO),
    MetricSpec(f"{PREFIX}_events_dropped", "counter", "Events dropped on purpose, by reason.",
               (*_IO, "reason")),
    MetricSpec(f"{PREFIX}_errors", "counter", "Failures by bounded error type.",
               (*_IO, "error_type")),
    MetricSpec(f"{PREFIX}_parse_failures", "counter",
               "Events carrying a parse-failure tag (_grokparsefailure, ...), by tag.", ("tag",)),
    MetricSpec(f"{PREFIX}_bulk_request_duration_seconds", "histogram",
               "Duration of _bulk requests to Elasticsearch."),
    MetricSpec(f"{PREFIX}_bulk_items", "counter",
               "Bulk items by result: indexed, duplicate (409, already there), retried, "
               "dead_lettered.", ("result",)),
    MetricSpec(f"{PREFIX}_bulk_requests_in_flight", "gauge",
               "Bulk requests sent and not yet answered."),
    MetricSpec(f"{PREFIX}_buffer_bytes_used", "gauge",
               "Encoded bytes held by the output (queued, in flight, retrying)."),
    MetricSpec(f"{PREFIX}_buffer_bytes_limit", "gauge",
               "The output's buffer capacity in bytes (elasticsearch.buffer_max_bytes)."),
    MetricSpec(f"{PREFIX}_buffer_writers_waiting", "gauge",
               "Inputs blocked because the buffer is full (backpressure)."),
    MetricSpec(f"{PREFIX}_dlq_entries", "counter",
               "Dead letters appended to the queue by this instance."),
    MetricSpec(f"{PREFIX}_dlq_bytes", "gauge", "Bytes of dead-letter segment files on disk."),
    MetricSpec(f"{PREFIX}_beats_connections", "gauge", "Open Beats (Lumberjack) connections."),
    MetricSpec(f"{PREFIX}_beats_windows_waiting", "gauge",
               "Beats windows read and not yet acknowledged (waiting for delivery)."),
    MetricSpec(f"{PREFIX}_beats_connection_incidents", "counter",
               "Beats connections refused (max_connections) or closed by the server, by kind: "
               "refused, protocol_error, idle.", ("kind",)),
    MetricSpec(f"{PREFIX}_input_limits_tripped", "counter",
               "Times an input limit stopped a client, by option name (max_event_bytes, "
               "max_events_per_window, max_window_bytes, max_connections).", ("limit",)),
    MetricSpec(f"{PREFIX}_kafka_consumer_lag", "gauge",
               "Records between the partition's end and the end of what is delivered "
               "(acknowledged), per partition this instance reads.",
               ("topic", "partition")),
    MetricSpec(f"{PREFIX}_elasticsearch_up", "gauge",
               "1 when the last Elasticsearch health check passed, else 0."),
    MetricSpec(f"{PREFIX}_workers", "gauge", "Worker processes this instance runs."),
    MetricSpec(f"{PREFIX}_workers_stale", "gauge",
               "Workers whose event loop missed its heartbeat (stuck or gone)."),
    MetricSpec(f"{PREFIX}_worker_heartbeat_age_seconds", "gauge",
               "Seconds since each worker's loop last reported.", ("worker",)),
)

BY_NAME = {spec.name: spec for spec in CATALOG}

PROCESS_SERIES = (
    "process_cpu_seconds_total",
    "process_resident_memory_bytes",
    "process_virtual_memory_bytes",
    "process_open_fds",
    "process_max_fds",
    "process_start_time_seconds",
)
"""prometheus_client's standard process metrics, exported as well (Linux)."""


def exported_series() -> frozenset[str]:
    """Every sample name a scrape of lumberyard can contain."""
    return frozenset(n for spec in CATALOG for n in spec.series_names) | frozenset(PROCESS_SERIES)
