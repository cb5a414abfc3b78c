"""The servers ``bench.lumber`` measures, and the sinks they write to, started for one run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench.lumber import Target
from bench.peers._serve import FAST_FLUSH_SECS, serve_argv, serve_config, serve_missing
from bench.peers.lumberyard import lumberyard_head
from bench.sinks import ElasticsearchSink, StandInSink, private_elasticsearch

PREFIX = "bench-lumber-"


def serve_target(name: str, workdir: Path, es_url: str, workers: int, *, setup: bool,
                 flush_secs: float | None = None) -> Target:
    """``lumberyard serve`` on 127.0.0.1:{port} writing to ``es_url``."""
    argv = serve_argv(serve_config(workdir, PREFIX, flush_secs), es_url, "{port}", workers,
                      workdir / f"data-{name}")
    from bench.peers import lumberyard

    return Target(name, argv if setup else [*argv, "--no-setup"], lumberyard_head()[1],
                  lumberyard.SOURCE)


@contextmanager
def lumber_targets(workdir: Path, workers: int, es_url: str | None) -> Iterator[
        tuple[Path, list[Target], dict[str, str]]]:
    """(tst-send, the targets in order, the skipped ones with why); sinks stopped at the end."""
    from pipeline.stack._gotools import lumber_tool

    tst_send, tst_lj = lumber_tool("tst-send"), lumber_tool("tst-lj")
    targets = [Target("tst-lj", [str(tst_lj), "-bind", "127.0.0.1:{port}", "-v2"])]
    skipped: dict[str, str] = {}
    with ExitStack() as stack:
        reason = serve_missing()
        if reason:
            skipped["lumberyard serve"] = reason
        else:
            standin = StandInSink()
            stack.callback(standin.close)
            es = ElasticsearchSink(es_url) if es_url else private_elasticsearch(workdir / "es")
            stack.callback(es.close)
            for sink, url, setup in (("null", standin.url, False), ("es", es.url, True)):
                for n in sorted({1, workers}):
                    targets.append(serve_target(f"lumberyard-{sink}-{n}w", workdir, url, n,
                                                setup=setup))
                targets.append(serve_target(f"lumberyard-{sink}-1w-flush20ms", workdir, url, 1,
                                            setup=setup, flush_secs=FAST_FLUSH_SECS))
        yield tst_send, targets, skipped
