"""``lumberyard serve`` as the benchmarks start it: its config file and command line."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from bench.peers.lumberyard import lumberyard_head


def serve_missing() -> str | None:
    """Why ``lumberyard serve`` cannot be measured here (in the snapshot measured, when one is
    set, else as installed), or None."""
    from bench.peers import lumberyard

    if lumberyard.SOURCE is not None:
        found = (lumberyard.SOURCE / "pipeline" / "cli" / "_serve.py").exists()
    else:
        found = importlib.util.find_spec("pipeline.cli._serve") is not None
    return None if found else "lumberyard serve is not available yet (issue #11)"


FAST_FLUSH_SECS = 0.02
"""The tuned variant's ``[elasticsearch] flush_interval_secs``: a window smaller than a bulk
request (2048 < 5000 events) otherwise waits for the 1 s default timer before it is sent,
which caps a client that waits for each ACK (tst-send) at one window per second."""


def serve_config(workdir: Path, prefix: str, flush_secs: float | None = None) -> Path:
    """The config file of the measured ``serve``: the index prefix, and the bulk flush interval
    when given (everything else default)."""
    suffix = "" if flush_secs is None else f"-flush{flush_secs}"
    path = workdir / f"serve-{prefix.rstrip('-')}{suffix}.toml"
    text = f'[enrich]\nindex_prefix = "{prefix}"\n'
    if flush_secs is not None:
        text += f"[elasticsearch]\nflush_interval_secs = {flush_secs}\n"
    path.write_text(text, encoding="utf-8")
    return path


def serve_argv(config: Path, es_url: str, port: str, workers: int, data_dir: Path) -> list[str]:
    """``lumberyard serve`` on 127.0.0.1:port writing to ``es_url``."""
    head, _ = lumberyard_head()
    return [*head, "serve", "--config", str(config), "--es-url", es_url, "--beats-host",
            "127.0.0.1", "--beats-port", port, "--workers", str(workers), "--data-dir",
            str(data_dir)]


