"""Where a reprocess worker spends its CPU: one worker, in-process, under cProfile.

Runs the worker code of ``lumberyard reprocess`` (``pipeline.reprocess._worker.work``) on a
gzip corpus into the stand-in endpoint and prints the CPU share of each stage (decode+split,
multiline join, chain steps, encoder, output/HTTP) and the top functions.
``python -m bench.profile_reprocess [--lines N] [--top K]``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import queue
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.corpus import write_corpus
from bench.run import LUMBERYARD_CONFIG
from bench.standin import StandIn

STAGES = (
    ("chain steps", ("pipeline/steps/", "pipeline/runtime/_chain")),
    ("parsers", ("parsers/",)),
    ("bulk encoder", ("outputs/elasticsearch/_encoder",)),
    ("ES output + HTTP", ("outputs/elasticsearch/", "aiohttp", "yarl", "multidict")),
    ("file input (gunzip, split, join)", ("pipeline/inputs/", "gzip", "zlib", "_compression")),
    ("ids", ("pipeline/ids",)),
    ("asyncio", ("asyncio/",)),
)


def profile(lines: int, workdir: Path, url: str) -> pstats.Stats:
    """Run one worker over a fresh corpus under cProfile."""
    from pipeline.inputs._units import inspect
    from pipeline.reprocess._job import Job
    from pipeline.reprocess._worker import work

    corpus = workdir / "corpus.log.gz"
    write_corpus(corpus, lines, seed=1, gzip=True)
    config = workdir / "lumberyard.toml"
    config.write_text(LUMBERYARD_CONFIG, encoding="utf-8")
    job = Job(target="elasticsearch", config_path=str(config), es={"url": url},
              data_dir=str(workdir / "data"))
    units: queue.Queue[Any] = queue.Queue()
    units.put(inspect(str(corpus)))
    units.put(None)
    reports: queue.Queue[Any] = queue.Queue()
    prof = cProfile.Profile()
    prof.enable()
    asyncio.run(work(0, job, units, reports))
    prof.disable()
    return pstats.Stats(prof)


def shares(stats: pstats.Stats) -> dict[str, float]:
    """Own (tottime) CPU per stage, by the file each function lives in."""
    total: dict[str, float] = defaultdict(float)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in raw.items():
        stage = next((name for name, marks in STAGES if any(m in filename for m in marks)),
                     "other (builtins, orjson, re, ...)")
        total[stage] += tottime
    return dict(sorted(total.items(), key=lambda kv: -kv[1]))


def main(argv: list[str] | None = None) -> int:
    """Print the stage shares and the top functions by own time."""
    parser = argparse.ArgumentParser(prog="python -m bench.profile_reprocess")
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args(argv)
    with StandIn() as standin, tempfile.TemporaryDirectory(prefix="ly-profile-") as tmp:
        stats = profile(args.lines, Path(tmp), standin.url)
        docs = standin.tally.snapshot()["docs_total"]
    table = shares(stats)
    whole = sum(table.values())
    print(f"{docs:,} documents, {whole:.1f} CPU-s profiled ({whole * 1e6 / max(docs, 1):.0f} "
          f"CPU-s per 1M docs with profiler overhead)")
    for stage, secs in table.items():
        print(f"  {stage:36s} {secs:7.2f} s  {100 * secs / whole:5.1f} %")
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
