"""Scenario (a): parse + enrich + serialize only, on one core, no I/O.

lumberyard: the records of the corpus as the file input makes them (``plain_events``), in
batches through the chain ``lumberyard reprocess`` builds (``build_chain``: parse -> enrich ->
route -> id; ``Chain.apply``, as the workers call it, with their collector settings), then the
bulk encoder. The naive baseline: :func:`bench.peers.naive.to_doc` + ``orjson.dumps`` of
the action and the document. Both on the same joined records, CPU time of this (pinned) process.
``python -m bench.scenario_parse --lines N --seed S [--config TOML]`` prints JSON.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from bench.corpus import generate
from bench.peers.naive import logical_lines, to_doc
from pipeline.runtime import tune_gc_for_throughput

BATCH_RECORDS = 1024
"""Records per batch: what ``Chain.apply`` takes at a time from a worker's input block."""


def _lumberyard(config: Path | None) -> Callable[[list[str]], int]:
    """A pass over records as a reprocess worker makes it: the file input's events in batches,
    ``Chain.apply`` (parse -> enrich -> route -> id, step by step over each batch), then the
    bulk encoder; returns documents encoded."""
    from pipeline.ids import ContentIdentity
    from pipeline.inputs._events import plain_events
    from pipeline.outputs.elasticsearch._encoder import BulkEncoder
    from pipeline.reprocess._job import Job, build_chain
    from pipeline.runtime import Batch

    chain = build_chain(Job(target="dry-run", config_path=str(config) if config else None))
    encode = BulkEncoder().encode
    received = datetime.now(UTC).isoformat()

    def run(records: list[str]) -> int:
        done, offset = 0, 0
        identity = ContentIdentity("\n".join(records[:64]).encode())
        for start in range(0, len(records), BATCH_RECORDS):
            pairs = []
            for record in records[start : start + BATCH_RECORDS]:
                pairs.append((record, offset))
                offset += len(record) + 1
            batch = chain.apply(Batch(plain_events("/bench/corpus.log", identity, pairs, received)))
            for event in batch.events:
                encode(event)
            done += len(batch.events)
        return done

    return run


def _naive(prefix: str) -> Callable[[list[str]], int]:
    """A pass over records through the naive baseline's parse and serialisation."""
    today = datetime.now(UTC).strftime("%Y.%m.%d")
    dumps = orjson.dumps

    def run(records: list[str]) -> int:
        for record in records:
            day, doc = to_doc(record, today)
            dumps({"index": {"_index": prefix + day}})
            dumps(doc)
        return len(records)

    return run


def measure(run: Callable[[list[str]], int], records: list[str], repeat: int) -> dict[str, Any]:
    """Best of ``repeat`` passes by CPU time (this process is single-threaded and pinned)."""
    best_cpu, best_wall, docs = float("inf"), 0.0, 0
    for _ in range(repeat):
        cpu0, wall0 = time.process_time(), time.perf_counter()
        docs = run(records)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        if cpu < best_cpu:
            best_cpu, best_wall = cpu, wall
    return {"docs": docs, "cpu_secs": best_cpu, "wall_secs": best_wall,
            "docs_per_cpu_sec": docs / best_cpu if best_cpu else 0.0,
            "cpu_secs_per_million": best_cpu * 1e6 / docs if docs else 0.0}


def main(argv: list[str] | None = None) -> int:
    """Print ``{"lumberyard": {...}, "naive-python": {...}}`` for the given corpus."""
    parser = argparse.ArgumentParser(prog="python -m bench.scenario_parse")
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--config", type=Path, default=None, help="lumberyard config (TOML)")
    parser.add_argument("--prefix", default="universal-ai-tools-")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    records = list(logical_lines(generate(args.lines, args.seed)))
    tune_gc_for_throughput()  # as the reprocess workers run (the naive pass gets it too)
    results: dict[str, Any] = {"records": len(records)}
    passes = (("lumberyard", _lumberyard(args.config)), ("naive-python", _naive(args.prefix)))
    for name, run in passes:
        results[name] = measure(run, records, args.repeat)
    sys.stdout.write(orjson.dumps(results).decode() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
