"""Benchmark of the Elasticsearch bulk sink: docs/s and where the CPU goes.

Two targets, each a separate process so CPU is attributed cleanly (from /proc):

* a private real Elasticsearch node (``pipeline.stack.EsNode`` on free ports, never the shared
  dev stack): docs/s and CPU-seconds of lumberyard vs the ES JVM, across ``max_events`` and
  ``max_in_flight`` (and gzip at the best point) -- the defaults are picked from this;
* the stand-in ``_bulk`` endpoint (``python -m bench.standin``): it indexes nothing, so the
  lumberyard CPU per document is the sink's own cost (encode + HTTP + classify + ack).

Events come from the seeded benchmark corpus (``bench.corpus``), parsed to dicts before the
clock starts. Usage::

    .venv/bin/python -m bench.bench_sink                   # full matrix, ~200k docs per run
    .venv/bin/python -m bench.bench_sink --docs 50000 --quick
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from bench.corpus import generate
from pipeline.config import LumberyardConfig
from pipeline.connections import EsConnection
from pipeline.dlq import DeadLetterQueue
from pipeline.outputs.elasticsearch import ElasticsearchOutput, ElasticsearchOutputConfig
from pipeline.runtime import METADATA, Batch, Chain
from pipeline.setup import TemplateOptions, setup_elasticsearch
from pipeline.stack import EsNode, free_port
from pipeline.steps import build_steps

CLK_TCK = os.sysconf("SC_CLK_TCK")
BATCH = 1000  # events per input batch, as an input would hand them over


@dataclass
class Run:
    """One measured configuration."""

    target: str
    max_events: int
    max_in_flight: int
    gzip: bool
    docs: int
    wall_secs: float
    lumberyard_cpu_secs: float
    server_cpu_secs: float
    dead_lettered: int = 0

    @property
    def docs_per_sec(self) -> float:
        return self.docs / self.wall_secs

    @property
    def lumberyard_us_per_doc(self) -> float:
        return 1e6 * self.lumberyard_cpu_secs / self.docs

    def row(self) -> str:
        server = f"{self.server_cpu_secs:7.2f}" if self.target == "es" else "   n/a "
        return (
            f"{self.target:8} {self.max_events:6} {self.max_in_flight:3} "
            f"{'gz' if self.gzip else '--':2} {self.docs_per_sec:9.0f} "
            f"{self.lumberyard_cpu_secs:7.2f} {server} {self.lumberyard_us_per_doc:8.1f} "
            f"{self.dead_lettered:6}"
        )


HEADER = "target   events  in gz    docs/s  ly_cpu  es_cpu  ly_us/doc    dlq"


def corpus_events(n: int) -> list[dict[str, Any]]:
    """``n`` corpus lines run through the project's real parse + enrich chain, as in production."""
    chain = Chain(build_steps(LumberyardConfig()))
    raw = [
        {"message": line, METADATA: {"source_id": f"bench:{n}".encode(), "input": "bench"}}
        for n, line in enumerate(generate(n, seed=7))
    ]
    return chain.apply(Batch(raw)).events


def route(events: list[dict[str, Any]], index: str) -> None:
    """Send every event to this run's index (ids stay the chain's deterministic ones)."""
    for event in events:
        event[METADATA]["_index"] = index


def process_cpu(pids: list[int]) -> float:
    """CPU-seconds (user + system, incl. reaped children) of these processes, from /proc."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15])
    return total / CLK_TCK


def self_cpu() -> float:
    times = os.times()
    return times.user + times.system


async def push(output: ElasticsearchOutput, events: list[dict[str, Any]]) -> None:
    for start in range(0, len(events), BATCH):
        await output.write(Batch(events[start : start + BATCH], input_name="bench"))
    await output.close()


def measure(
    target: str,
    url: str,
    server_pids: list[int],
    events: list[dict[str, Any]],
    *,
    max_events: int,
    in_flight: int,
    gzip: bool,
) -> Run:
    """One run: fresh index, push every event, read wall and CPU before/after."""
    index = f"universal-ai-tools-bench-{max_events}-{in_flight}-{int(gzip)}-{time.time_ns()}"
    route(events, index)
    config = ElasticsearchOutputConfig(
        max_events=max_events,
        max_in_flight=in_flight,
        gzip=gzip,
        max_bytes=64 * 1024 * 1024,
        buffer_max_bytes=256 * 1024 * 1024,
    )
    with tempfile.TemporaryDirectory() as dlq_dir:
        output = ElasticsearchOutput(config, EsConnection(url=url), DeadLetterQueue(Path(dlq_dir)))
        cpu0, server0, wall0 = self_cpu(), process_cpu(server_pids), time.perf_counter()
        asyncio.run(push(output, events))
        wall = time.perf_counter() - wall0
        cpu, server = self_cpu() - cpu0, process_cpu(server_pids) - server0
    total = output.ledger.total
    if total.sent + total.dead_lettered != len(events):
        raise RuntimeError(
            f"{target}: only {total.sent} of {len(events)} indexed: {output.report()}"
        )
    if target == "es":
        _delete_index(url, index)
    return Run(
        target, max_events, in_flight, gzip, len(events), wall, cpu, server, total.dead_lettered
    )


def _delete_index(url: str, index: str) -> None:
    request = urllib.request.Request(f"{url}/{index}", method="DELETE")
    with urllib.request.urlopen(request, timeout=60):
        pass


def start_standin() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.standin", "--port", str(free_port())],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def start_es(workdir: Path) -> EsNode:
    workdir.chmod(0o755)
    node = EsNode(
        workdir, free_port(), free_port(), heap_min="1g", heap_max="1g", name="bench-sink"
    )
    node.start()
    with Elasticsearch(node.url) as client:  # the project's index templates, as in production
        setup_elasticsearch(client, TemplateOptions(), node.url)
    return node


def configs(quick: bool) -> list[tuple[int, int, bool]]:
    """(max_events, max_in_flight, gzip) to measure: the matrix, then gzip at 5000 x 2."""
    sizes, flights = (
        ([1000, 5000], [1, 2]) if quick else ([500, 1000, 2000, 5000, 10000], [1, 2, 4])
    )
    return [(size, flight, False) for size in sizes for flight in flights] + [(5000, 2, True)]


def sweep(
    target: str, url: str, pids: list[int], events: list[dict[str, Any]], quick: bool
) -> list[Run]:
    runs = []
    for size, flight, gzip in configs(quick):
        runs.append(
            measure(target, url, pids, events, max_events=size, in_flight=flight, gzip=gzip)
        )
        print(runs[-1].row(), flush=True)
    return runs


def run_all(args: argparse.Namespace) -> list[Run]:
    events = corpus_events(args.docs)
    # A live pipeline holds only the batches in flight, not a whole corpus: keep the cyclic GC
    # from rescanning 200k resident dicts on every collection (that cost is the bench's own).
    gc.freeze()
    runs: list[Run] = []
    print(HEADER, flush=True)
    if not args.no_standin:
        proc, url = start_standin()
        try:
            runs += sweep("standin", url, [proc.pid], events, args.quick)
        finally:
            proc.terminate()
            proc.wait()
    if args.no_es:
        return runs
    with tempfile.TemporaryDirectory(prefix="lumberyard-bench-sink-", dir="/var/tmp") as tmp:
        node = start_es(Path(tmp))
        try:
            pids = node.process.group_pids()
            # warm-up (JIT, mappings), not reported
            measure("es", node.url, pids, events, max_events=5000, in_flight=2, gzip=False)
            runs += sweep("es", node.url, pids, events, args.quick)
        finally:
            node.stop()
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_sink",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--docs", type=int, default=200_000, help="documents per run")
    parser.add_argument("--quick", action="store_true", help="a 2x2 matrix instead of 5x3")
    parser.add_argument("--no-es", action="store_true", help="stand-in only")
    parser.add_argument("--no-standin", action="store_true", help="real Elasticsearch only")
    parser.add_argument("--json", type=Path, help="also write the runs here")
    args = parser.parse_args(argv)
    runs = run_all(args)
    if args.json:
        rows = [asdict(r) | {"docs_per_sec": r.docs_per_sec} for r in runs]
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
