"""``serve --workers N``: N processes sharing the Beats port (``SO_REUSEPORT``).

The parent checks Elasticsearch and the template once, then forks the workers (each with the
config and grammars already loaded), forwards SIGTERM/SIGINT to them, and waits. Each worker
drains like a single ``serve``. The exit status is 0 only when every worker drained cleanly;
a worker that dies or fails stops the others (a supervisor restarts the whole service).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType

from pipeline.config import LumberyardConfig
from pipeline.runtime import die_with_parent
from pipeline.serve._process import serve_once

log = logging.getLogger("lumberyard.serve")

EXIT_UNDRAINED = 3
"""A worker's exit status when its drain timed out or an input/output failed."""


def run_worker(config: LumberyardConfig, data_dir: Path, drain_timeout_secs: float,
               worker: int = 0) -> int:
    """One serving process to its end; its exit status (logs why when not 0)."""
    outcome = asyncio.run(serve_once(config, data_dir, drain_timeout_secs, worker))
    if outcome.ok:
        log.info("worker %d: drained: every event read was acknowledged", worker)
        return 0
    log.error("worker %d: %s", worker, outcome.describe())
    return EXIT_UNDRAINED


def _worker_main(config: LumberyardConfig, data_dir: Path, drain_timeout_secs: float,
                 worker: int) -> None:
    die_with_parent()
    for signum in (signal.SIGTERM, signal.SIGINT):  # not the parent's forwarding handler
        signal.signal(signum, signal.SIG_DFL)
    sys.exit(run_worker(config, data_dir, drain_timeout_secs, worker))


class Fleet:
    """The worker processes of one ``serve``: started, signalled, waited for."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.processes: list[BaseProcess] = []
        self.stopping = False

    def start(self, config: LumberyardConfig, data_dir: Path, drain_timeout_secs: float) -> None:
        """Fork the workers (after start-up: config, grammars and checks are done once)."""
        context = multiprocessing.get_context("fork")
        for worker in range(self.workers):
            process = context.Process(
                target=_worker_main, args=(config, data_dir, drain_timeout_secs, worker),
                name=f"lumberyard-serve-{worker}",
            )
            process.start()
            self.processes.append(process)

    def forward(self, signum: int, _frame: FrameType | None = None) -> None:
        """A signal to the parent is a signal to every worker still running."""
        self.stopping = True
        for process in self.processes:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signum)

    def wait(self) -> list[str]:
        """Wait for every worker; what went wrong (empty when all exited 0). A worker that
        ends before a stop was asked for stops the others."""
        running = {p.sentinel: p for p in self.processes}
        while running:
            for sentinel in wait(list(running)):
                process = running.pop(sentinel)  # type: ignore[arg-type] # sentinels are ints
                process.join()
                if not self.stopping:
                    log.error("%s ended (exit status %s) without being asked: stopping the "
                              "others", process.name, process.exitcode)
                    self.forward(signal.SIGTERM)
        return [f"{p.name} exited with status {p.exitcode}" for p in self.processes
                if p.exitcode != 0]


def run_fleet(config: LumberyardConfig, data_dir: Path, drain_timeout_secs: float,
              workers: int, on_started: Callable[[], None] | None = None) -> list[str]:
    """Run ``workers`` serving processes until they end; what failed. ``on_started`` runs in
    the parent once every worker is forked (e.g. the HTTP endpoint's thread)."""
    fleet = Fleet(workers)
    previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    for signum in previous:
        signal.signal(signum, fleet.forward)
    try:
        fleet.start(config, data_dir, drain_timeout_secs)
        if on_started is not None:
            on_started()
        return fleet.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
