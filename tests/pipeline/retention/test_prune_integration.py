"""`lumberyard prune` and `setup --retention-days` against the real Elasticsearch.

The stack's integ-test-zip Elasticsearch has no ILM: setup must say so and fall back to
prune, and the templates must not name a policy the cluster cannot run.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.retention import has_ilm
from pipeline.stack import free_port

pytestmark = pytest.mark.integration


def _config(tmp_path: Path, es_prefix: str) -> Path:
    path = tmp_path / "lumberyard.toml"
    path.write_text(f'[enrich]\nindex_prefix = "{es_prefix}"\n', encoding="utf-8")
    return path


def _day(days_ago: int) -> str:
    return (datetime.now(UTC).date() - timedelta(days=days_ago)).strftime("%Y.%m.%d")


def test_prune_dry_run_then_yes(
    es_client: Elasticsearch, es_url: str, es_prefix: str, tmp_path: Path
) -> None:
    """Dry run deletes nothing; --yes deletes exactly the old days, never the undated index."""
    old, older, recent = f"{es_prefix}{_day(10)}", f"{es_prefix}{_day(40)}", f"{es_prefix}{_day(2)}"
    undated = f"{es_prefix}archive"
    other = f"x{es_prefix}{_day(40)}"
    for name in (old, older, recent, undated, other):
        es_client.indices.create(index=name)
    try:
        args = ["prune", "--keep-days", "7", "--es-url", es_url,
                "--config", str(_config(tmp_path, es_prefix))]
        dry = CliRunner().invoke(app, args)
        assert 0 == dry.exit_code
        assert [f"  would delete {older}", f"  would delete {old}",
                f"  left alone (no day in its name): {undated}"] == dry.stdout.splitlines()[1:4]
        assert {old, older, recent, undated} == set(es_client.indices.get(index=f"{es_prefix}*"))
        real = CliRunner().invoke(app, [*args, "--yes"])
        assert (0, "deleted 2") == (real.exit_code, real.stdout.splitlines()[-1])
        assert {recent, undated} == set(es_client.indices.get(index=f"{es_prefix}*"))
        assert es_client.indices.exists(index=other)
    finally:
        es_client.options(ignore_status=404).indices.delete(index=other)


def test_setup_without_ilm_falls_back(
    es_client: Elasticsearch, es_url: str, es_prefix: str, tmp_path: Path
) -> None:
    """No ILM here: a warning naming prune, no policy change, no lifecycle in the template."""
    assert not has_ilm(es_client)
    result = CliRunner().invoke(
        app, ["setup", "--es-url", es_url, "--config", str(_config(tmp_path, es_prefix)),
              "--retention-days", "30"],
    )
    assert 0 == result.exit_code
    assert "run `lumberyard prune --keep-days 30 --yes` daily" in result.stderr
    assert "ilm policy" not in result.stdout
    stem = es_prefix.rstrip("-")
    settings = es_client.cluster.get_component_template(name=f"{stem}-settings")
    index = settings["component_templates"][0]["component_template"]["template"]["settings"]
    assert "lifecycle" not in index["index"]


def test_prune_reaches_es_through_the_config_files_hosts(
    es_client: Elasticsearch, es_url: str, es_prefix: str, tmp_path: Path
) -> None:
    """No --es-url: [elasticsearch] hosts of the file, a dead one first, the live one next."""
    old = f"{es_prefix}{_day(40)}"
    es_client.indices.create(index=old)
    config = tmp_path / "lumberyard.toml"
    dead = f"http://127.0.0.1:{free_port()}"
    config.write_text(f'[enrich]\nindex_prefix = "{es_prefix}"\n'
                      f'[elasticsearch]\nhosts = ["{dead}", "{es_url}"]\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["prune", "--keep-days", "7", "--config", str(config)])
    assert (0, f"  would delete {old}") == (result.exit_code, result.stdout.splitlines()[1])
