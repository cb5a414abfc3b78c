"""Observability of a running lumberyard: metrics, health, liveness, readiness, its own logs.

Workers snapshot their counters on their own loop (:class:`Telemetry`, :class:`Heartbeat`);
the :class:`Endpoint` serves the snapshots summed, outside every worker loop, on
127.0.0.1:9600 by default: ``/metrics`` (Prometheus, ``lumberyard_`` prefix; the families are
listed in :data:`CATALOG`), ``/health``, ``/health/live`` and ``/health/ready``.
"""

from __future__ import annotations

from pipeline.observe._aggregate import WorkerBoard, WorkerView, render_metrics
from pipeline.observe._catalog import CATALOG, PREFIX, MetricSpec, exported_series
from pipeline.observe._endpoint import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    CheckResult,
    Endpoint,
    Probes,
)
from pipeline.observe._logging import configure_logging, get_logger
from pipeline.observe._probes import elasticsearch_probe, kafka_probe
from pipeline.observe._serve import start_endpoint, stop_endpoint, worker_heartbeat, worker_sink
from pipeline.observe._telemetry import (
    FileSink,
    Heartbeat,
    Histogram,
    InputGauges,
    MemorySink,
    ObservableInput,
    TaggingProcessor,
    Telemetry,
)

__all__ = [
    "CATALOG",
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "PREFIX",
    "CheckResult",
    "Endpoint",
    "FileSink",
    "Heartbeat",
    "Histogram",
    "InputGauges",
    "MemorySink",
    "MetricSpec",
    "ObservableInput",
    "Probes",
    "TaggingProcessor",
    "Telemetry",
    "WorkerBoard",
    "WorkerView",
    "configure_logging",
    "elasticsearch_probe",
    "exported_series",
    "get_logger",
    "kafka_probe",
    "render_metrics",
    "start_endpoint",
    "stop_endpoint",
    "worker_heartbeat",
    "worker_sink",
]
