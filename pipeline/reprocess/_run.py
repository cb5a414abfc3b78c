"""Running a reprocess: plan, start the worker processes, follow them, sum up.

The parent plans (discovery, inspection, checkpoints, byte ranges), starts ``workers``
processes (forked, see :func:`_context`), puts the units on a queue they take them
from, and reads their messages to drive the progress display. Stdin, which only this
process can read, is read by a thread running the same worker code. Ctrl-C stops the
workers; what they had acknowledged is already in the state file, so the next run resumes
there.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import queue
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from multiprocessing.context import ForkContext, ForkServerContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.connections import EsConnection
from pipeline.inputs import FileUnit, Problem, stdin_unit
from pipeline.reprocess._job import Job, build_chain, build_joiner, splittable
from pipeline.reprocess._plan import Plan, Splitting, make_plan
from pipeline.reprocess._progress import Display, RunState, UnitProgress
from pipeline.reprocess._state import CheckpointStore
from pipeline.reprocess._summary import Summary
from pipeline.reprocess._worker import Tally, work, worker_main

if TYPE_CHECKING:
    from pipeline.outputs.elasticsearch import ClusterInfo

DEFAULT_SPLIT_BYTES = 4 * 1024 * 1024
"""Files are cut into ranges of at least this much content (one per worker at most): a few
seconds of work each. A range of a compressed file decompresses what precedes it and skips
it, which costs ~1% of parsing it, so even one ``.gz`` keeps every worker busy."""
CRASH_GRACE_SECS = 2.0


@dataclass
class Options:
    """A reprocess request: the PATH arguments, the job, and how to run it."""

    paths: list[str]
    job: Job
    workers: int = 1
    restart: bool = False
    split_min_bytes: int = DEFAULT_SPLIT_BYTES


@dataclass
class _Fleet:
    """The running workers and what the parent heard from them."""

    processes: dict[int, BaseProcess] = field(default_factory=dict)
    threads: dict[int, threading.Thread] = field(default_factory=dict)
    tallied: set[int] = field(default_factory=set)
    dead_since: dict[int, float] = field(default_factory=dict)
    units: Any = None
    """The unit queue: the parent must hold it until the workers have unpickled it."""

    @property
    def size(self) -> int:
        return len(self.processes) + len(self.threads)


def reprocess(options: Options, display: Display) -> Summary:
    """Run the whole reprocess; returns the summary (never raises for bad input files)."""
    started = time.monotonic()
    _validate(options.job)
    options = _scoped(options)
    job = options.job
    plan = _plan(options)
    summary = Summary(
        target=job.target if job.target != "kafka" else f"kafka:{job.topic}",
        files=len(plan.files) + int(plan.stdin),
        ranges_done_before=len(plan.done),
        problems=list(plan.problems),
    )
    if plan.units or plan.stdin:
        state = RunState(total_bytes=plan.raw_bytes, units_total=len(plan.units) + plan.stdin)
        _follow(_start(plan, options), plan, state, summary, display)
    summary.duration_secs = time.monotonic() - started
    return summary


def _validate(job: Job) -> None:
    """Grammars and the multiline pattern compile here, once, before anything else happens."""
    build_chain(job)
    build_joiner(job)


def _scoped(options: Options) -> Options:
    """For Elasticsearch: check it before anything is read (fail fast) and scope checkpoints
    by the cluster's uuid, so the same cluster through another URL resumes where it was."""
    job = options.job
    if job.target != "elasticsearch":
        return options
    info, found = check_elasticsearch(job)
    for line in found[1:]:  # what became of the template
        print(f"setup: {line}", file=sys.stderr)
    return replace(options, job=replace(job, cluster=info.cluster_uuid or None))


def _plan(options: Options) -> Plan:
    """Plan the units from the checkpoints of the job's scope."""
    job = options.job
    store = CheckpointStore(Path(job.state_path), job.job) if job.state_path else None
    try:
        if store is not None and options.restart:
            store.forget_job()
        splitting = Splitting(options.workers, options.split_min_bytes, splittable(job))
        return make_plan(options.paths, store, splitting)
    finally:
        if store is not None:
            store.close()


def check_elasticsearch(job: Job) -> tuple[ClusterInfo, list[str]]:
    """Fail fast, before reading anything, when Elasticsearch cannot be reached, is not 8.x or
    refuses the credentials on ``_bulk``: the sink's own health check over its own aiohttp
    service (the elasticsearch client would cost ~0.3 CPU-s of imports); then, unless
    ``--no-setup``, install the index template when it is missing (``serve`` does the same).
    What was found, one line each, and the cluster (its uuid scopes the checkpoints)."""
    from pipeline.outputs.elasticsearch import BulkService, check_health  # noqa: PLC0415
    from pipeline.reprocess._job import load  # noqa: PLC0415 - a local edit of this function
    from pipeline.serve import ensure_template  # noqa: PLC0415

    config = load(job)
    connection = EsConnection(**(job.es or {}))
    service = BulkService(connection, config.elasticsearch)

    async def check() -> tuple[ClusterInfo, list[str]]:
        try:
            info = await check_health(service)
            where = connection.describe()
            found = [f"Elasticsearch {info.version} at {where}, cluster {info.status}"]
            if job.setup:
                prefix = config.enrich.index_prefix
                found.append(await ensure_template(service, connection, prefix,
                                                   config.enrich.template_patterns()))
            return info, found
        finally:
            await service.close()

    return asyncio.run(check())


def _start(plan: Plan, options: Options) -> tuple[_Fleet, Any]:
    """Start the workers, then hand them the units (big ones first: they finish evenly)."""
    context = _context()
    units: Any = context.Queue()
    reports: Any = context.Queue()
    fleet = _Fleet(units=units)
    count = min(options.workers, len(plan.units))
    for worker in range(count):
        process = context.Process(
            target=worker_main, args=(worker, options.job, units, reports), daemon=True
        )
        process.start()
        fleet.processes[worker] = process
    for unit in sorted(plan.units, key=lambda u: -u.raw_span):
        units.put(unit)
    for _ in range(count):
        units.put(None)
    if plan.stdin:
        worker = len(fleet.processes)
        thread = threading.Thread(
            target=_stdin_worker, args=(worker, options.job, reports), daemon=True
        )
        thread.start()
        fleet.threads[worker] = thread
    return fleet, reports


def _context() -> ForkContext | ForkServerContext:
    """``fork`` while this process has one thread: a worker then starts with the modules,
    compiled grammars and config already loaded (a spawned one imports and compiles them all
    again: ~0.7 CPU-s each). With other threads alive (the progress bar's refresher) a fork
    could copy a lock one of them holds, so then ``forkserver``: one clean process imports
    the worker code once and forks the workers."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    multiprocessing.set_forkserver_preload(["pipeline.reprocess._worker"])
    return multiprocessing.get_context("forkserver")


class _Once:
    """A unit source holding a single unit (stdin)."""

    def __init__(self, unit: FileUnit) -> None:
        self._unit: FileUnit | None = unit

    def get(self) -> FileUnit | None:
        unit, self._unit = self._unit, None
        return unit


def _stdin_worker(worker: int, job: Job, reports: Any) -> None:
    asyncio.run(work(worker, job, _Once(stdin_unit()), reports))


def _follow(
    started: tuple[_Fleet, Any], plan: Plan, state: RunState, summary: Summary, display: Display
) -> None:
    """Read worker messages until every worker has reported its tally (or died)."""
    fleet, reports = started
    sizes = {u.key: u for u in plan.units}
    try:
        while len(fleet.tallied) < fleet.size:
            try:
                message = reports.get(timeout=0.25)
            except queue.Empty:
                _check_crashes(fleet, summary)
            else:
                _handle(message, fleet, sizes, state=state, summary=summary, display=display)
            display.refresh(state)
    except KeyboardInterrupt:
        summary.interrupted = True
        _stop(fleet)
    finally:
        display.close()
        summary.events_read = state.events
        summary.ranges_unfinished = state.units_total - state.units_finished
        untallied = [w for w in (*fleet.processes, *fleet.threads) if w not in fleet.tallied]
        summary.unknown_workers = sorted({*summary.unknown_workers, *untallied})


def _handle(
    message: tuple[Any, ...],
    fleet: _Fleet,
    units: dict[str, FileUnit],
    *,
    state: RunState,
    summary: Summary,
    display: Display,
) -> None:
    kind = message[0]
    if kind == "progress":
        state.progress(*message[1:])
    elif kind == "start":
        _, key, path, _worker = message
        unit = units.get(key)
        total = unit.raw_span if unit is not None else 0
        done = unit.resume - unit.start if unit is not None and unit.codec == "plain" else 0
        skips = unit is not None and unit.codec != "plain" and unit.resume > 0
        progress = UnitProgress(path=path, total=total, raw=done, skips_head=skips)
        state.units[key] = progress
        display.start(key, progress)
    elif kind == "finished":
        state.units_finished += 1
        display.finished(message[1])
    elif kind == "retrying":
        _, worker, status = message
        if status is None:
            state.retrying.pop(worker, None)
        else:
            state.retrying[worker] = status
    elif kind == "problem":
        summary.add_problem(Problem(message[1], message[2]))
    elif kind == "fatal":
        summary.fatal.append(f"worker {message[1]}: {message[2]}")
    elif kind == "tally":
        tally: Tally = message[2]
        summary.add(tally)
        fleet.tallied.add(message[1])


def _check_crashes(fleet: _Fleet, summary: Summary) -> None:
    """A worker that died without its tally (killed, crashed) is reported once."""
    now = time.monotonic()
    for worker, process in fleet.processes.items():
        if worker in fleet.tallied or process.is_alive():
            continue
        since = fleet.dead_since.setdefault(worker, now)
        if now - since > CRASH_GRACE_SECS:
            summary.fatal.append(f"worker {worker} died (exit code {process.exitcode})")
            fleet.tallied.add(worker)
            summary.unknown_workers.append(worker)


def _stop(fleet: _Fleet) -> None:
    for process in fleet.processes.values():
        process.terminate()
    for process in fleet.processes.values():
        process.join(timeout=10)
