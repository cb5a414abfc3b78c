"""The index template at start-up (``manage_template``): installed when missing, left alone
when present (``setup`` may have chosen other settings), skipped with ``--no-setup``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from pipeline.cli._serve import DEFAULT_DRAIN_TIMEOUT_SECS
from pipeline.runtime._runtime import DEFAULT_DRAIN_TIMEOUT_SECS as RUNTIME_DRAIN_TIMEOUT_SECS
from pipeline.serve import template_name
from pipeline.setup import TemplateOptions, setup_elasticsearch
from pipeline.setup._templates import base_name

LUMBERYARD = str(Path(sys.executable).parent / "lumberyard")


def reprocess(
    tmp_path: Path, es_url: str, prefix: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    """One line through ``reprocess`` into ``prefix``."""
    log = tmp_path / "app.log"
    line = {"@timestamp": "2025-09-12T10:00:00Z", "message": "hello"}
    log.write_text(json.dumps(line) + "\n", encoding="utf-8")
    argv = [LUMBERYARD, "reprocess", str(log), "--workers", "1", "--progress", "plain",
            "--es-url", es_url, "--index-prefix", prefix, "--data-dir", str(tmp_path / "data"),
            *extra]
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)


def installed(es: Elasticsearch, prefix: str) -> dict[str, object] | None:
    found = es.options(ignore_status=404).indices.get_index_template(name=base_name(prefix))
    if found.meta.status == 404:
        return None
    template: dict[str, object] = found["index_templates"][0]["index_template"]
    return template


@pytest.mark.integration
def test_reprocess_installs_a_missing_template_and_says_so(
    tmp_path: Path, es_url: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """A first reprocess into a new prefix installs its index template (before indexing:
    the day's index gets the template's mappings) and says so on stderr."""
    prefix = f"{unique_name}-"
    done = reprocess(tmp_path, es_url, prefix)
    template = installed(es_client, prefix)
    said = f"setup: index template '{unique_name}' was missing: installed" in done.stderr
    assert (0, True, [f"{prefix}*"]) == (
        done.returncode, said, template["index_patterns"] if template else None), done.stderr


@pytest.mark.integration
def test_no_setup_leaves_the_template_missing(
    tmp_path: Path, es_url: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """``--no-setup``: nothing is installed."""
    prefix = f"{unique_name}-"
    done = reprocess(tmp_path, es_url, prefix, "--no-setup")
    assert (0, None) == (done.returncode, installed(es_client, prefix)), done.stderr


@pytest.mark.integration
def test_a_present_template_is_left_as_it_is(
    tmp_path: Path, es_url: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """A template ``setup`` installed with other settings (2 replicas) is not overwritten."""
    prefix = f"{unique_name}-"
    setup_elasticsearch(es_client, TemplateOptions(index_prefix=prefix, replicas=2), es_url)
    before = installed(es_client, prefix)
    done = reprocess(tmp_path, es_url, prefix)
    assert (0, before) == (done.returncode, installed(es_client, prefix)), done.stderr


def test_names_written_out_match_their_sources() -> None:
    """The template name rule and the drain default, written out to avoid imports, match."""
    assert (base_name("universal-ai-tools-"), RUNTIME_DRAIN_TIMEOUT_SECS) == (
        template_name("universal-ai-tools-"), DEFAULT_DRAIN_TIMEOUT_SECS)
