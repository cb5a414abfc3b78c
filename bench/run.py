"""The benchmark harness: ``python -m bench.run [--full]`` (``make bench``, ``make bench FULL=1``).

Scenarios, each one entry of :data:`SCENARIOS` (a Beats or Kafka input becomes one more):

* ``parse``   (a) parse + enrich + serialize only, one core, lumberyard vs the naive baseline;
* ``standin`` (b) archive -> the stand-in ``_bulk`` endpoint, every shipper;
* ``es``      (c) archive -> a real Elasticsearch (a private node, or ``--es-url``).

Every shipper reads the same seeded corpus and writes the same daily indices; each run starts
from empty indices and is verified by counting the documents that landed. Figures are medians
of ``--runs`` runs, written to ``bench/results/<date>.json`` with PNG charts, and BENCHMARKS.md
gets the latest table.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from bench import report
from bench.corpus import CorpusStats, write_corpus
from bench.measure import Sample, run_daemon, run_finite
from bench.peers import SHIPPERS, Job
from bench.peers import lumberyard as lumberyard_peer
from bench.peers.install import ensure_installed
from bench.sinks import ElasticsearchSink, Sink, StandInSink, private_elasticsearch

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
WORK = Path("/var/tmp/lumberyard-bench")
LUMBERYARD_CONFIG = '[parsers.multiline]\npattern = "^[ \\t]"\n'
"""The same multiline rule the peers get: a line starting with whitespace continues a record."""


@dataclass
class Settings:
    """One benchmark run's knobs."""

    lines: int
    runs: int
    seed: int = 1
    scenarios: list[str] = field(default_factory=lambda: ["parse", "standin", "es"])
    shippers: list[str] = field(default_factory=lambda: list(SHIPPERS))
    es_url: str | None = None
    index_prefix: str = "universal-ai-tools-"
    publish: bool = False
    """Whether this run replaces the figures in BENCHMARKS.md and ``latest-*.png``."""
    lumberyard_rev: str = "HEAD"
    """The commit of lumberyard to measure (a snapshot), or ``worktree`` for the tree as is."""
    install: bool = True
    stall_secs: float = 30.0
    timeout_secs: float = 3600.0
    workdir: Path = WORK
    out: Path = RESULTS


@dataclass
class Corpus:
    """The corpus files of this run and what they contain."""

    plain: Path
    gz: Path
    stats: CorpusStats


def make_corpus(settings: Settings) -> Corpus:
    """Write the plain and gzip corpus (regenerated every run: generation is deterministic)."""
    base = settings.workdir / f"corpus-{settings.lines}-{settings.seed}"
    plain, gz = base.with_suffix(".log"), base.with_suffix(".log.gz")
    stats = write_corpus(plain, settings.lines, settings.seed)
    write_corpus(gz, settings.lines, settings.seed, gzip=True)
    return Corpus(plain, gz, stats)


def run_shipper(name: str, sink: Sink, corpus: Corpus, settings: Settings,
                run_dir: Path) -> dict[str, Any]:
    """One shipper, one run, from empty indices; the sample plus the sink's CPU."""
    sink.reset(settings.index_prefix)
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    job = Job(corpus.plain, corpus.gz, sink.url, settings.index_prefix, run_dir,
              corpus.stats.records)
    launch = SHIPPERS[name].launch(job)
    if name == "lumberyard":
        (run_dir / "lumberyard.toml").write_text(LUMBERYARD_CONFIG, encoding="utf-8")
        launch.argv += ["--config", str(run_dir / "lumberyard.toml")]

    def count() -> int:
        return sink.count(settings.index_prefix)

    sink_cpu0 = sink.cpu_secs()
    if launch.daemon:
        sample = run_daemon(launch, count, job.expected_docs, run_dir / "output.log",
                            stall_secs=settings.stall_secs)
    else:
        sample = run_finite(launch, count, job.expected_docs, run_dir / "output.log",
                            timeout_secs=settings.timeout_secs)
    row = _row(sample, sink.cpu_secs() - sink_cpu0)
    row["indices"] = sink.indices(settings.index_prefix)
    row["load_avg_1m"] = os.getloadavg()[0]
    row["days_match"] = days_match(row["indices"], corpus.stats, settings.index_prefix)
    return row


def days_match(indices: dict[str, int], stats: CorpusStats, prefix: str) -> bool:
    """Whether every dated record landed in its UTC day's index (the rest are parse failures)."""
    return all(indices.get(prefix + day, 0) == n for day, n in stats.days.items())


def _row(sample: Sample, sink_cpu: float) -> dict[str, Any]:
    row = asdict(sample)
    row.update(complete=sample.complete, docs_per_sec=sample.docs_per_sec,
               cpu_secs_per_million=sample.cpu_secs_per_million,
               docs_per_cpu_sec=sample.docs / sample.cpu_secs if sample.cpu_secs else 0.0,
               sink_cpu_secs=sink_cpu)
    return row


MEDIAN_KEYS = ("wall_secs", "cpu_secs", "peak_rss_bytes", "docs", "docs_per_sec",
               "cpu_secs_per_million", "docs_per_cpu_sec", "sink_cpu_secs")


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over runs; complete only if every run indexed everything."""
    median = {key: statistics.median(r[key] for r in runs) for key in MEDIAN_KEYS}
    median["complete"] = all(r["complete"] for r in runs)
    median["days_match"] = all(r["days_match"] for r in runs)
    median["notes"] = sorted({r["note"] for r in runs if r["note"]})
    return median


def shipping_scenario(sink_factory: Callable[[], Sink]) -> Callable[..., dict[str, Any]]:
    """A scenario that runs every available shipper ``runs`` times into one sink."""

    def scenario(settings: Settings, corpus: Corpus, ready: list[str]) -> dict[str, Any]:
        sink = sink_factory()
        per: dict[str, list[dict[str, Any]]] = {name: [] for name in ready}
        try:
            for index in range(settings.runs):
                order = ready[index % len(ready):] + ready[:index % len(ready)]
                for name in order:
                    row = run_shipper(name, sink, corpus, settings,
                                      settings.workdir / "runs" / sink.name / name)
                    per[name].append(row)
                    _progress(sink.name, name, index, row)
            sink.reset(settings.index_prefix)
            extra = {"sink_url": sink.url, "sink_peak_rss_bytes": getattr(
                sink, "peak_rss_bytes", lambda: 0)()}
        finally:
            sink.close()
        return {**extra, "shippers": {n: {"runs": r, "median": summarise(r)}
                                      for n, r in per.items()}}

    return scenario


def _progress(sink: str, name: str, index: int, row: dict[str, Any]) -> None:
    state = "ok" if row["complete"] else f"INCOMPLETE ({row['note']})"
    state += "" if row["days_match"] else ", daily indices differ from the corpus"
    print(f"  [{sink}] run {index + 1} {name:13s} {row['docs']:>9,} docs "
          f"{row['docs_per_sec']:>9,.0f} docs/s {row['cpu_secs']:>7.1f} cpu-s "
          f"{row['peak_rss_bytes'] / 2**20:>6.0f} MiB  sink cpu {row['sink_cpu_secs']:.1f} s  "
          f"{state}", flush=True)


def parse_scenario(settings: Settings, corpus: Corpus, ready: list[str]) -> dict[str, Any]:
    """Scenario (a), in a pinned subprocess so nothing else shares its core or its GIL."""
    config = settings.workdir / "lumberyard.toml"
    config.write_text(LUMBERYARD_CONFIG, encoding="utf-8")
    argv = [sys.executable, "-m", "bench.scenario_parse", "--lines", str(settings.lines),
            "--seed", str(settings.seed), "--repeat", str(settings.runs), "--config", str(config),
            "--prefix", settings.index_prefix]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(p) for p in (lumberyard_peer.SOURCE, ROOT) if p is not None])}
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, check=False, env=env)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1:] or [f"exit {proc.returncode}"]}
    result: dict[str, Any] = orjson.loads(proc.stdout)
    for name in ("lumberyard", "naive-python"):
        print(f"  [parse] {name:13s} {result[name]['docs_per_cpu_sec']:>9,.0f} docs per cpu-s",
              flush=True)
    return result


def _es_sink(settings: Settings) -> Callable[[], Sink]:
    def make() -> Sink:
        if settings.es_url:
            return ElasticsearchSink(settings.es_url)
        return private_elasticsearch(settings.workdir / "es-node")

    return make


def scenarios(settings: Settings) -> dict[str, Callable[..., dict[str, Any]]]:
    """Name -> scenario. A Beats or Kafka input scenario is one more entry here."""
    return {"parse": parse_scenario,
            "standin": shipping_scenario(StandInSink),
            "es": shipping_scenario(_es_sink(settings))}


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    mem = int(Path("/proc/meminfo").read_text().split()[1]) * 1024
    return {"cpu": model, "cores": os.cpu_count(), "memory_bytes": mem,
            "kernel": platform.release(), "python": platform.python_version(),
            "os": _os_name(), "load_avg_at_start": os.getloadavg()}


def _os_name() -> str:
    for line in Path("/etc/os-release").read_text().splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip('"')
    return platform.system()


def available(settings: Settings) -> tuple[list[str], dict[str, str]]:
    """The shippers that can run, and why the others cannot."""
    problems = ensure_installed() if settings.install else {}
    skipped: dict[str, str] = {}
    for name in settings.shippers:
        reason = SHIPPERS[name].available()
        if reason:
            skipped[name] = problems.get("install") or reason
    return [n for n in settings.shippers if n not in skipped], skipped


def snapshot(rev: str, workdir: Path) -> tuple[Path | None, str]:
    """``git archive`` lumberyard's packages (and, at revisions from before they moved into
    ``pipeline/setup/``, the root ``mappings/`` templates ``serve`` installs) at ``rev`` into
    ``workdir``; (path, commit)."""
    if rev == "worktree":
        return None, "worktree"
    commit = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.strip()
    dest = workdir / f"src-{commit}"
    if not dest.exists():
        tmp = workdir / f"src-{commit}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        old_mappings = subprocess.run(["git", "ls-tree", "--name-only", commit, "mappings"],
                                      cwd=ROOT, capture_output=True, text=True,
                                      check=True).stdout.strip()
        parts = ["pipeline", "parsers", *(["mappings"] if old_mappings else [])]
        archive = subprocess.run(["git", "archive", commit, *parts], cwd=ROOT,
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
        tmp.rename(dest)
    return dest, commit


def execute(settings: Settings,
            save: Callable[[dict[str, Any]], object] = lambda _: None) -> dict[str, Any]:
    """Run everything asked for, ``save`` after each scenario; return the results document."""
    settings.workdir.mkdir(parents=True, exist_ok=True)
    lumberyard_peer.SOURCE, commit = snapshot(settings.lumberyard_rev, settings.workdir)
    print(f"lumberyard: {commit}", flush=True)
    ready, skipped = available(settings)
    for name, reason in skipped.items():
        print(f"  skipping {name}: {reason}", flush=True)
    print(f"corpus: {settings.lines:,} lines, seed {settings.seed}", flush=True)
    corpus = make_corpus(settings)
    started = datetime.now(UTC)
    results: dict[str, Any] = {
        "date": started.isoformat(timespec="seconds"), "machine": machine(),
        "settings": {k: str(v) if isinstance(v, Path) else v
                     for k, v in asdict(settings).items()},
        "corpus": corpus.stats.as_dict(), "skipped": skipped, "scenarios": {},
        "lumberyard_commit": commit,
    }
    for name, scenario in scenarios(settings).items():
        if name in settings.scenarios:
            print(f"scenario {name}", flush=True)
            t0 = time.monotonic()
            results["scenarios"][name] = scenario(settings, corpus, ready)
            results["scenarios"][name]["duration_secs"] = time.monotonic() - t0
            results["machine"]["load_avg_at_end"] = os.getloadavg()
            results["ratios"] = report.ratios(results)
            save(results)
    return results


def parse_args(argv: list[str] | None) -> Settings:
    """Command-line options -> Settings (quick by default, ``--full`` for the issue sizes)."""
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--full", action="store_true", help="1M lines, 3 runs (default: quick)")
    p.add_argument("--lines", type=int, help="corpus lines (quick 50k, full 1M)")
    p.add_argument("--runs", type=int, default=3, help="runs per shipper (median reported)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--scenarios", default="parse,standin,es", help="comma-separated")
    p.add_argument("--shippers", default=",".join(SHIPPERS), help="comma-separated")
    p.add_argument("--es-url", help="use this Elasticsearch instead of a private node")
    p.add_argument("--index-prefix", default="universal-ai-tools-")
    p.add_argument("--lumberyard-rev", default="HEAD",
                   help="commit of lumberyard to measure, or 'worktree' (default HEAD)")
    p.add_argument("--no-install", action="store_true", help="do not apt-get the peers")
    p.add_argument("--publish", action="store_true",
                   help="update BENCHMARKS.md and latest-*.png (implied by --full)")
    p.add_argument("--out", type=Path, default=RESULTS, help="results directory")
    a = p.parse_args(argv)
    unknown = set(a.shippers.split(",")) - set(SHIPPERS)
    if unknown:
        p.error(f"unknown shipper(s) {sorted(unknown)}; known: {sorted(SHIPPERS)}")
    return Settings(lines=a.lines or (1_000_000 if a.full else 50_000), runs=a.runs,
                    seed=a.seed, scenarios=a.scenarios.split(","),
                    shippers=a.shippers.split(","), es_url=a.es_url,
                    index_prefix=a.index_prefix, lumberyard_rev=a.lumberyard_rev,
                    publish=a.full or a.publish, install=not a.no_install, out=a.out)


def main(argv: list[str] | None = None) -> int:
    """Run; after each scenario write the results, charts and BENCHMARKS.md; print the table."""
    settings = parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the finally blocks stop every process we started
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    written: list[Path] = []

    def save(results: dict[str, Any]) -> None:
        written[:] = report.write(results, settings.out,
                                  ROOT / "BENCHMARKS.md" if settings.publish else None)

    results = execute(settings, save)
    print(report.table(results))
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
