"""The servers ``bench.lumber`` measures, and the sinks they write to, started for one run."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench.lumber import Target
from bench.peers.lumberyard import lumberyard_head
from bench.sinks import ElasticsearchSink, StandInSink, private_elasticsearch

PREFIX = "bench-lumber-"


def serve_missing() -> str | None:
    """Why ``lumberyard serve`` cannot be measured here, or None."""
    if importlib.util.find_spec("pipeline.cli._serve") is None:
        return "lumberyard serve is not available yet (issue #11)"
    return None


def serve_config(workdir: Path, prefix: str) -> Path:
    """The config file of the measured ``serve``: the index prefix (everything else default)."""
    path = workdir / f"serve-{prefix.rstrip('-')}.toml"
    path.write_text(f'[enrich]\nindex_prefix = "{prefix}"\n', encoding="utf-8")
    return path


def serve_argv(config: Path, es_url: str, port: str, workers: int, data_dir: Path) -> list[str]:
    """``lumberyard serve`` on 127.0.0.1:port writing to ``es_url``."""
    head, _ = lumberyard_head()
    return [*head, "serve", "--config", str(config), "--es-url", es_url, "--beats-host",
            "127.0.0.1", "--beats-port", port, "--workers", str(workers), "--data-dir",
            str(data_dir)]


def serve_target(name: str, workdir: Path, es_url: str, workers: int, *, setup: bool) -> Target:
    """``lumberyard serve`` on 127.0.0.1:{port} writing to ``es_url``."""
    argv = serve_argv(serve_config(workdir, PREFIX), es_url, "{port}", workers,
                      workdir / f"data-{name}")
    return Target(name, argv if setup else [*argv, "--no-setup"], lumberyard_head()[1])


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
            for n in sorted({1, workers}):
                targets.append(serve_target(f"lumberyard-null-{n}w", workdir, standin.url, n,
                                            setup=False))
            for n in sorted({1, workers}):
                targets.append(serve_target(f"lumberyard-es-{n}w", workdir, es.url, n,
                                            setup=True))
        yield tst_send, targets, skipped
