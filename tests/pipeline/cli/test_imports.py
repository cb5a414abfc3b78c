"""What a ``lumberyard`` process imports: each command pays only for its own dependencies.

Every check runs in a fresh interpreter (``sys.modules`` of this test process is full of
everything) and compares the heavy modules loaded against the expected list. Speed itself
is measured in ``bench/``, not here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from elasticsearch import Elasticsearch

import pipeline.outputs
import pipeline.outputs.elasticsearch
import pipeline.runtime
import pipeline.stack
from pipeline.cli._reprocess import MIB, SPLIT_MIN_MIB_DEFAULT
from pipeline.cli._stack import HELP
from pipeline.reprocess import DEFAULT_SPLIT_BYTES
from pipeline.setup import TemplateOptions, setup_elasticsearch
from pipeline.stack._cli import stack_app

HEAVY = (
    "aiohttp",
    "elastic_transport",
    "elasticsearch",
    "faust",
    "kafka",
    "matplotlib",
    "parsers",
    "pipeline.config",
    "pipeline.connections",
    "pipeline.reprocess",
    "pipeline.stack",
    "pyparsing",
)
"""Modules that cost tens to hundreds of milliseconds to import, or belong to one command.
(pydantic is not among them: typer itself coerces parameter values through it.)"""

CHAIN = ["parsers", "pipeline.config", "pipeline.connections", "pipeline.reprocess", "pyparsing"]
"""What every reprocess needs: the config models, the grammars and the reprocess package."""

_PROBE = """
import json, sys
heavy, argv = json.loads(sys.argv[1]), sys.argv[2:]
if argv == ["--import-only"]:
    import pipeline.cli
else:
    from pipeline.cli import main
    sys.argv = ["lumberyard", *argv]
    try:
        main()
    except SystemExit as exc:
        print(f"exit status {exc.code}", file=sys.stderr)
print(json.dumps(sorted(name for name in heavy if name in sys.modules)), file=sys.stderr)
"""


def heavy_modules_after(*argv: str) -> list[str]:
    """Run ``lumberyard ARGV`` (or only ``import pipeline.cli``) in a fresh interpreter and
    return the heavy modules it had loaded when the command returned."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(HEAVY), *argv],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert 0 == done.returncode, done.stderr
    assert "exit status 1" not in done.stderr, done.stderr
    loaded: list[str] = json.loads(done.stderr.splitlines()[-1])
    return loaded


@pytest.fixture
def small_log(tmp_path: Path) -> Path:
    """Three JSON log lines on one day."""
    path = tmp_path / "app.log"
    lines = [
        json.dumps({"@timestamp": f"2025-09-12T10:00:0{i}Z", "level": "info",
                    "service": "api", "message": f"hello {i}"})
        for i in range(3)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def prefix(es_client: Elasticsearch, unique_name: str) -> Iterator[str]:
    """An index prefix of this test's own, removed afterwards."""
    yield f"{unique_name}-"
    es_client.indices.delete(index=f"{unique_name}-*", allow_no_indices=True)


def test_importing_the_cli_loads_no_command_dependency() -> None:
    """``import pipeline.cli`` (which every worker and every command does) loads none."""
    assert [] == heavy_modules_after("--import-only")


@pytest.mark.parametrize("argv", [["--help"], ["version"], ["reprocess", "--help"]])
def test_help_and_version_load_no_command_dependency(argv: list[str]) -> None:
    """Help texts and ``version`` are built from the option definitions alone."""
    assert [] == heavy_modules_after(*argv)


def test_dry_run_loads_neither_http_nor_kafka(small_log: Path, tmp_path: Path) -> None:
    """``reprocess --dry-run`` loads the chain and nothing that talks to a server."""
    argv = ["reprocess", "--dry-run", "--workers", "1", "--progress", "plain",
            "--data-dir", str(tmp_path / "data"), str(small_log)]
    assert CHAIN == heavy_modules_after(*argv)


@pytest.mark.integration
def test_reprocess_into_elasticsearch_loads_aiohttp_but_no_client_and_no_kafka(
    small_log: Path, tmp_path: Path, es_url: str, prefix: str
) -> None:
    """Into the REAL Elasticsearch: the health check, the index template check and the sink
    go through aiohttp; the elasticsearch client (needed only to install a missing template),
    kafka-python (no ``--to-kafka``, no DLQ mirror) and the stack package stay unloaded."""
    with Elasticsearch(es_url) as client:
        setup_elasticsearch(client, TemplateOptions(index_prefix=prefix), es_url)
    argv = ["reprocess", "--workers", "1", "--progress", "plain", "--es-url", es_url,
            "--index-prefix", prefix, "--data-dir", str(tmp_path / "data"), str(small_log)]
    assert sorted(["aiohttp", *CHAIN]) == heavy_modules_after(*argv)


@pytest.mark.parametrize(
    "package",
    [pipeline.outputs, pipeline.outputs.elasticsearch, pipeline.runtime, pipeline.stack],
)
def test_lazy_packages_resolve_every_exported_name(package: ModuleType) -> None:
    """A package that loads its re-exports on first use still provides each name it lists."""
    assert [] == [name for name in package.__all__ if not hasattr(package, name)]


def test_cli_defaults_that_avoid_imports_match_their_sources() -> None:
    """Values written out in the CLI (to avoid importing their modules) equal the originals."""
    assert (DEFAULT_SPLIT_BYTES, stack_app.info.help) == (SPLIT_MIN_MIB_DEFAULT * MIB, HELP)
