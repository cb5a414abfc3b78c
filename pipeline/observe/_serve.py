"""Observability wired into ``lumberyard serve``: the endpoint in the serving (parent) process,
a heartbeat on each worker's loop.

``start_endpoint`` runs in the process that ``serve`` starts: with one worker the snapshots
stay in memory (the endpoint is a thread of the same process); with ``--workers N`` it makes a
run directory (in /dev/shm where there is one) the forked workers write their snapshots to
(the endpoint stays in the parent).
``worker_heartbeat`` runs in each worker, after its runtime is built, and finds where to write
from what the parent set up before forking. Without the endpoint (``--no-http``) there is no
heartbeat and nothing is written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.check import kafka_bootstrap
from pipeline.config import LumberyardConfig
from pipeline.observe._aggregate import WorkerBoard
from pipeline.observe._endpoint import Endpoint, Probes
from pipeline.observe._probes import elasticsearch_probe, kafka_probe
from pipeline.observe._telemetry import (
    FileSink,
    Heartbeat,
    MemorySink,
    Sink,
    TaggingProcessor,
    Telemetry,
)

_memory: MemorySink | None = None
_run_dir: Path | None = None


def start_endpoint(
    config: LumberyardConfig, *, host: str, port: int, workers: int, data_dir: Path
) -> Endpoint:
    """Start serving /metrics and /health for this ``serve``; call before forking workers."""
    global _memory, _run_dir  # noqa: PLW0603 - what forked workers inherit, set once per serve
    if workers > 1:
        _run_dir = _run_directory(Path(data_dir))
        board = WorkerBoard.in_directory(_run_dir, workers)
    else:
        _memory = MemorySink()
        board = WorkerBoard.in_memory(_memory)
    endpoint = Endpoint(board, _probes(config), host, port)
    endpoint.start()
    return endpoint


def _run_directory(data_dir: Path) -> Path:
    """A fresh directory for the workers' snapshots: in memory (``/dev/shm``) where the system
    has it, so a full data disk does not stop the heartbeats (the workers would look stuck),
    else under ``<data dir>/run``; never one an earlier run left (a container's pid repeats)."""
    shm = Path("/dev/shm")  # noqa: S108 - a fresh private mkdtemp inside it, not a fixed name
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else data_dir / "run"
    base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"lumberyard-serve-{os.getpid()}-", dir=base))


def _probes(config: LumberyardConfig) -> Probes:
    """Elasticsearch unless Beats events go to Kafka instead; Kafka when serve uses it (a
    Kafka input or output, the DLQ's Kafka mirror)."""
    bootstrap = kafka_bootstrap(config)
    es = None if config.beats_to_kafka.enabled else config.elasticsearch.connection()
    return Probes(elasticsearch=None if es is None else elasticsearch_probe(es),
                  kafka=None if bootstrap is None else kafka_probe(bootstrap))


def stop_endpoint(endpoint: Endpoint) -> None:
    """Stop serving and remove the run directory of the workers' snapshots."""
    global _memory, _run_dir
    endpoint.stop()
    if _run_dir is not None:
        shutil.rmtree(_run_dir, ignore_errors=True)
    _memory, _run_dir = None, None


def worker_sink(worker: int) -> Sink | None:
    """Where worker ``worker`` writes its snapshots (None: no endpoint, no heartbeat)."""
    if _run_dir is not None:
        return FileSink(_run_dir, worker)
    return _memory


def worker_heartbeat(
    worker: int,
    *,
    runtime: Any,
    processor: TaggingProcessor | None,
    output: Any,
    dlq: Any,
    inputs: Sequence[object],
) -> Heartbeat | None:
    """The heartbeat of one worker's loop over its runtime (None without an endpoint)."""
    sink = worker_sink(worker)
    if sink is None:
        return None
    states = runtime.states
    telemetry = Telemetry(
        inputs=lambda: [(name, state.counters) for name, state in states.items()],
        processor=processor, output=output, dlq=dlq, live_inputs=inputs,
    )
    return Heartbeat(telemetry, sink)
