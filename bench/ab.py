"""A change's cost, measured in one process: a committed revision's code against the working tree.

``python -m bench.ab [--rev REV] [--lines N] [--rounds R] {chain,parse}`` loads ``pipeline/``
and ``parsers/`` of ``REV`` (default ``HEAD``: the code before an uncommitted change) as the
packages ``pipeline_ab`` / ``parsers_ab`` beside the working tree's, and times both over the
same input, alternating A and B slice by slice, with the collector off while timed:

* ``chain``: each of ``Chain.apply``'s passes over batches of 1,024 ``bench.corpus`` events
  (as ``bench.bench_chain`` times them), and their sum;
* ``parse``: ``bench.bench_parse``'s "lumberyard parse+dumps" over its mixed corpus, from
  ``str`` and from ``bytes``.

It prints the minimum and the median over the rounds for A, B and B/A. Separate runs of
``bench_chain`` / ``bench_parse`` on a shared machine differ by several percent between runs
of the same code; alternated in one process they agree within ~1% (``--same`` compares REV
with itself, to see that floor). Issue #12 §5 takes a simplification that costs under 5%.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from bench.bench_chain import BATCH, file_events
from bench.bench_parse import lumberyard, mixed_corpus
from bench.corpus import generate

_IMPORT = re.compile(r"^(\s*)(from|import) (pipeline|parsers)(?=[. ]|$)", re.MULTILINE)
ROOT = Path(__file__).resolve().parent.parent


def load_revision(rev: str, into: Path) -> tuple[ModuleType, ModuleType]:
    """``pipeline`` and ``parsers`` of ``rev`` as ``pipeline_ab`` and ``parsers_ab``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "pipeline", "parsers"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    for name in ("pipeline", "parsers"):
        (into / name).rename(into / f"{name}_ab")
    for source in into.rglob("*.py"):
        source.write_text(rename_imports(source.read_text()))
    sys.path.insert(0, str(into))
    return importlib.import_module("pipeline_ab"), importlib.import_module("parsers_ab")


def rename_imports(source: str) -> str:
    """``source`` importing ``pipeline_ab`` / ``parsers_ab`` where it imported the packages."""
    return _IMPORT.sub(r"\1\2 \3_ab", source)


Timer = Callable[[int], list[float]]
"""One slice of the work on one side: CPU seconds per row (the rows the report names)."""


def chain_timer(pipeline: Any, lines: int) -> tuple[list[str], Timer]:
    """The chain's passes over the ``n``-th batch of the corpus."""
    config = importlib.import_module(f"{pipeline.__name__}.config")
    steps = importlib.import_module(f"{pipeline.__name__}.steps")
    runtime = importlib.import_module(f"{pipeline.__name__}.runtime")
    chain = runtime.Chain(steps.build_steps(config.LumberyardConfig()))
    passes = getattr(chain, "passes", None) or chain._passes
    corpus = list(generate(lines, seed=7))

    def run(n: int) -> list[float]:
        events = file_events(corpus[n * BATCH : (n + 1) * BATCH])
        costs = []
        for run_pass in passes:
            begin = time.process_time()
            events = run_pass(events)
            costs.append(time.process_time() - begin)
        return [*costs, sum(costs)]

    names = [f"{getattr(step, 'name', '?')} pass" for step in chain.steps]
    return [*names, "Chain.apply (the passes)"], run


def parse_timer(parsers: Any, lines: int) -> tuple[list[str], Timer]:
    """bench_parse's parse+dumps over the ``n``-th 1,000 lines, as str and as bytes."""
    loop = lumberyard(parsers.Parsers())
    text = mixed_corpus(lines, 1)
    raw = [line.encode() for line in text]

    def run(n: int) -> list[float]:
        costs = []
        for chunk in (text[n * 1000 : (n + 1) * 1000], raw[n * 1000 : (n + 1) * 1000]):
            begin = time.process_time()
            loop(chunk)
            costs.append(time.process_time() - begin)
        return costs

    return ["parse+dumps (str)", "parse+dumps (bytes)"], run


def measure(timers: dict[str, Timer], slices: int, rounds: int) -> dict[str, list[list[float]]]:
    """Per side, per round: the rows' CPU seconds summed over the slices, A and B alternating."""
    totals: dict[str, list[list[float]]] = {side: [] for side in timers}
    for round_ in range(rounds):
        sums: dict[str, list[float]] = {}
        gc.collect()
        gc.disable()
        try:
            for n in range(slices):
                for side in ("A", "B") if (round_ + n) % 2 == 0 else ("B", "A"):
                    costs = timers[side](n)
                    sums[side] = [a + b for a, b in zip(sums.get(side, [0.0] * len(costs)),
                                                        costs, strict=True)]
        finally:
            gc.enable()
        for side in timers:
            totals[side].append(sums[side])
    return totals


def report(names: list[str], totals: dict[str, list[list[float]]], per: int, unit: str) -> None:
    """Min and median per row, A, B and B/A (CPU us per event or per line)."""
    print(f"{'':28} {'A min':>8} {'B min':>8} {'B/A':>6}   {'A med':>8} {'B med':>8} {'B/A':>6}"
          f"   ({unit})")
    for row, name in enumerate(names):
        a = [costs[row] * 1e6 / per for costs in totals["A"]]
        b = [costs[row] * 1e6 / per for costs in totals["B"]]
        low_a, low_b = min(a), min(b)
        mid_a, mid_b = statistics.median(a), statistics.median(b)
        print(f"{name[:28]:28} {low_a:8.3f} {low_b:8.3f} {low_b / low_a:6.3f}   "
              f"{mid_a:8.3f} {mid_b:8.3f} {mid_b / mid_a:6.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["chain", "parse"])
    parser.add_argument("--rev", default="HEAD", help="the A side (default HEAD)")
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--same", action="store_true", help="B is REV too: the noise floor")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lumberyard-ab-") as where:
        pipeline_a, parsers_a = load_revision(args.rev, Path(where))
        import parsers as parsers_b  # after the revision's copy is loaded
        import pipeline as pipeline_b
        if args.same:
            pipeline_b, parsers_b = pipeline_a, parsers_a
        if args.what == "chain":
            (names, timer_a), (_, timer_b) = (chain_timer(p, args.lines)
                                              for p in (pipeline_a, pipeline_b))
            slices = -(-args.lines // BATCH)
        else:
            (names, timer_a), (_, timer_b) = (parse_timer(p, args.lines)
                                              for p in (parsers_a, parsers_b))
            slices = -(-args.lines // 1000)
        totals = measure({"A": timer_a, "B": timer_b}, slices, args.rounds)
    print(f"A = {args.rev}, B = {'the same' if args.same else 'the working tree'}: "
          f"{args.what}, {args.lines} lines, {args.rounds} rounds, alternated per slice")
    report(names, totals, args.lines, "CPU us per event" if args.what == "chain" else
           "CPU us per line")
    return 0


if __name__ == "__main__":
    sys.exit(main())
