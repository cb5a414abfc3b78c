"""Kafka -> lumberyard serve -> Elasticsearch: docs/s, CPU per 1M docs of each side, consumer lag.

``python -m bench.bench_kafka --events 1000000 --workers 1 2``

For each worker count: a fresh topic (``--partitions``, default 6) filled with the seeded corpus
(one record per log record, a multiline record as one value) *before* the clock starts, then
``lumberyard serve --config <kafka only> --workers N`` consumes it into a private Elasticsearch
node (1 GiB heap, the project's templates, nothing else on it, so its CPU is ours). The run is
done when the group's committed offsets reach the end of every partition. Measured from the OS:
CPU-seconds of serve's process tree (``bench.measure.TreeSampler``) and of the Elasticsearch
JVM (``/proc/<pid>/stat``), documents counted in Elasticsearch, consumer lag (end offsets minus
committed) sampled every second and drawn as a PNG under ``bench/results/``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from elasticsearch import Elasticsearch
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

from bench.bench_sink import start_es
from bench.corpus import records
from bench.measure import TreeSampler, process_cpu_secs, tree_pids

RESULTS = Path(__file__).resolve().parent / "results"
SEED = 7
SAMPLE_SECS = 1.0


@dataclass
class KafkaRun:
    """One measured run: N workers draining one topic."""

    workers: int
    records: int
    docs: int
    wall_secs: float
    lumberyard_cpu_secs: float
    es_cpu_secs: float
    peak_rss_bytes: int
    lag: list[tuple[float, int]] = field(default_factory=list)

    @property
    def docs_per_sec(self) -> float:
        """Over the whole run, serve's start-up (grammars, template check) included."""
        return self.docs / self.wall_secs if self.wall_secs else 0.0

    @property
    def draining_docs_per_sec(self) -> float:
        """Records per second from the first commit seen to the end (lag 0): the consuming
        rate without serve's start-up (grammars, template check, group join)."""
        started = [(t, behind) for t, behind in self.lag if behind < self.records]
        if not started or self.wall_secs <= started[0][0]:
            return 0.0
        first_t, first_lag = started[0]
        return first_lag / (self.wall_secs - first_t)

    def per_million(self, cpu: float) -> float:
        return cpu * 1e6 / self.docs if self.docs else 0.0

    def row(self) -> str:
        ratio = self.lumberyard_cpu_secs / self.es_cpu_secs if self.es_cpu_secs else 0.0
        return (f"| {self.workers} | {self.records:,} | {self.docs:,} | {self.wall_secs:.1f} | "
                f"{self.docs_per_sec:,.0f} | {self.draining_docs_per_sec:,.0f} | "
                f"{self.per_million(self.lumberyard_cpu_secs):.1f} | "
                f"{self.per_million(self.es_cpu_secs):.1f} | {ratio:.2f} | "
                f"{self.peak_rss_bytes / 2**20:.0f} |")


HEADER = ("| workers | records | docs in ES | wall s | docs/s | draining docs/s | "
          "lumberyard CPU-s / 1M docs | ES CPU-s / 1M docs | lumberyard / ES CPU | "
          "serve peak RSS MiB |\n|---|---|---|---|---|---|---|---|---|---|")


def values(n: int) -> list[bytes]:
    """The corpus of ``n`` lines as record values (a multiline record is one value)."""
    return ["\n".join(lines).encode() for lines in records(n, SEED)]


def fill_topic(bootstrap: str, topic: str, partitions: int, data: list[bytes]) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(topic, partitions, 1)])
    finally:
        admin.close()
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=50,
                             batch_size=1 << 20)
    try:
        for n, value in enumerate(data):
            producer.send(topic, value=value, partition=n % partitions)
        producer.flush()
    finally:
        producer.close()


class Lag:
    """End offsets minus the group's committed offsets, summed over the topic's partitions."""

    def __init__(self, bootstrap: str, topic: str, group: str, partitions: int) -> None:
        self.group = group
        self.tps = [TopicPartition(topic, p) for p in range(partitions)]
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap)
        self.admin = KafkaAdminClient(bootstrap_servers=bootstrap)
        self.end = sum(self.consumer.end_offsets(self.tps).values())

    def __call__(self) -> int:
        offsets = self.admin.list_group_offsets(self.group).get(self.group, {})
        return self.end - sum(meta.offset for tp, meta in offsets.items() if tp in self.tps)

    def close(self) -> None:
        self.consumer.close()
        self.admin.close()


def write_config(path: Path, topic: str, prefix: str, es_url: str) -> None:
    path.write_text(
        "[inputs.beats]\nenabled = false\n\n"
        f'[inputs.kafka]\nenabled = true\ntopics = ["{topic}"]\ngroup = "{topic}"\n\n'
        f'[enrich]\nindex_prefix = "{prefix}"\n\n'
        f'[elasticsearch]\nurl = "{es_url}"\n',
        encoding="utf-8",
    )


def es_cpu_secs(node: object) -> float:
    """CPU-seconds of the node's process tree (the launcher and the JVM it forked)."""
    pid = node.process.pid()  # type: ignore[attr-defined]
    if pid is None:
        raise RuntimeError("the benchmark's Elasticsearch node is not running")
    return sum(process_cpu_secs(p, with_children=False) for p in tree_pids(int(pid)))


def run_once(args: argparse.Namespace, node: object, data: list[bytes], workers: int,
             work: Path) -> KafkaRun:
    topic = f"bench-kafka-{workers}w-{uuid.uuid4().hex[:8]}"
    prefix = f"{topic}-"
    fill_topic(args.bootstrap, topic, args.partitions, data)
    config = work / f"{topic}.toml"
    write_config(config, topic, prefix, node.url)  # type: ignore[attr-defined]
    lag = Lag(args.bootstrap, topic, topic, args.partitions)
    es_before = es_cpu_secs(node)
    start = time.monotonic()
    with (work / f"{topic}.log").open("wb") as log:
        proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("lumberyard")), "serve", "--config", str(config),
             "--workers", str(workers), "--data-dir", str(work / topic)],
            stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "KAFKA_BOOTSTRAP": args.bootstrap},
        )
    sampler = TreeSampler(proc.pid).start()
    series: list[tuple[float, int]] = []
    deadline = start + args.timeout_secs
    while time.monotonic() < deadline and proc.poll() is None:
        behind = lag()
        series.append((time.monotonic() - start, behind))
        if behind == 0:
            break
        time.sleep(SAMPLE_SECS)
    wall = time.monotonic() - start
    es_cpu = es_cpu_secs(node) - es_before
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=120)
    sampler.sample()
    sampler.stop()
    lag.close()
    with Elasticsearch(node.url, request_timeout=120) as es:  # type: ignore[attr-defined]
        es.indices.refresh(index=f"{prefix}*")
        docs = int(es.count(index=f"{prefix}*")["count"])
        es.indices.delete(index=f"{prefix}*")
    return KafkaRun(workers, len(data), docs, wall, sampler.cpu_secs, es_cpu, sampler.peak_rss,
                    series)


def input_only(args: argparse.Namespace, data: list[bytes]) -> None:
    """The Kafka input alone (records -> events, batches acked at once, offsets committed): its
    CPU-seconds per 1M records in this process, to set against serve's whole pipeline."""
    import asyncio
    import resource

    from pipeline.dlq import DeadLetterQueue
    from pipeline.inputs.kafka import KafkaInput, KafkaInputConfig

    topic = f"bench-kafka-input-{uuid.uuid4().hex[:8]}"
    fill_topic(args.bootstrap, topic, args.partitions, data)

    async def consume(dlq: DeadLetterQueue) -> float:
        source = KafkaInput(KafkaInputConfig(bootstrap_servers=args.bootstrap, topics=[topic],
                                             group=topic), dlq)
        seen, before = 0, resource.getrusage(resource.RUSAGE_SELF)
        async for batch in source.batches():
            seen += len(batch.events)
            batch.ack()
            if seen >= len(data):
                await source.stop()
        await source.close()
        after = resource.getrusage(resource.RUSAGE_SELF)
        return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)

    with tempfile.TemporaryDirectory() as tmp:
        dlq = DeadLetterQueue(Path(tmp))
        cpu = asyncio.run(consume(dlq))
        dlq.close()
    print(f"Kafka input alone: {len(data):,} records, {cpu:.1f} CPU-s, "
          f"{cpu * 1e6 / len(data):.1f} CPU-s per 1M records", flush=True)


def chart(runs: list[KafkaRun], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    for run in runs:
        ax.plot([t for t, _ in run.lag], [n for _, n in run.lag],
                label=f"{run.workers} worker(s): {run.docs_per_sec:,.0f} docs/s")
    ax.set_xlabel("seconds since serve started")
    ax.set_ylabel("consumer lag (records)")
    ax.set_title(f"lumberyard serve --kafka: lag draining {runs[0].records:,} records")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="corpus lines")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP", "127.0.0.1:9092"))
    parser.add_argument("--timeout-secs", type=float, default=1800)
    parser.add_argument("--input-only", action="store_true",
                        help="measure the Kafka input alone (no chain, no Elasticsearch)")
    args = parser.parse_args(argv)
    data = values(args.events)
    if args.input_only:
        input_only(args, data)
        return 0
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-kafka-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)  # the node runs as an unprivileged user that must enter it
        (work / "es").mkdir()
        node = start_es(work / "es")
        try:
            for workers in args.workers:
                run = run_once(args, node, data, workers, work)
                print(HEADER if not runs else "", run.row(), sep="\n" if not runs else "",
                      flush=True)
                runs.append(run)
        finally:
            node.stop()
    RESULTS.mkdir(exist_ok=True)
    chart(runs, RESULTS / f"{stamp}-kafka-lag.png")
    summary = [asdict(run) | {"docs_per_sec": run.docs_per_sec,
                              "draining_docs_per_sec": run.draining_docs_per_sec} for run in runs]
    (RESULTS / f"{stamp}-kafka.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(f"chart: bench/results/{stamp}-kafka-lag.png", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
