"""``lumberyard setup`` against the real Elasticsearch of the dev stack.

Every test installs its templates under its own random prefix and removes them afterwards,
so the shared server keeps no lumberyard templates from the tests.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import NotConnected
from pipeline.setup import (
    MIN_VERSION,
    TemplateOptions,
    server_version,
    setup_elasticsearch,
    supports_field_type,
)
from pipeline.stack import free_port
from tests.pipeline.setup.helpers import remove_templates

pytestmark = pytest.mark.integration


@pytest.fixture
def prefix(es_client: Elasticsearch) -> Iterator[str]:
    """A unique index prefix whose templates and indices are removed after the test."""
    name = f"t-h3-setup-{uuid.uuid4().hex[:8]}-"
    yield name
    remove_templates(es_client, name)


def test_setup_installs_then_reports_nothing_to_change(
    es_client: Elasticsearch, es_url: str, prefix: str
) -> None:
    """First run creates all four templates; the second changes nothing; an option updates one."""
    options = TemplateOptions(index_prefix=prefix)
    first = setup_elasticsearch(es_client, options, es_url)
    second = setup_elasticsearch(es_client, options, es_url)
    third = setup_elasticsearch(es_client, options.model_copy(update={"replicas": 1}), es_url)
    assert ["created"] * 4 == [c.action for c in first.changes]
    assert (["unchanged"] * 4, False) == ([c.action for c in second.changes], second.changed)
    assert ["updated", "unchanged", "unchanged", "unchanged"] == [c.action for c in third.changes]
    assert [] == first.warnings


def test_new_daily_index_gets_the_schema(
    es_client: Elasticsearch, es_url: str, prefix: str
) -> None:
    """An index created under the prefix has 1 shard, the guard, flattened payloads, aliases."""
    setup_elasticsearch(es_client, TemplateOptions(index_prefix=prefix), es_url)
    index = f"{prefix}2025.09.12"
    es_client.indices.create(index=index)
    settings = es_client.indices.get_settings(index=index)[index]["settings"]["index"]
    mapping = es_client.indices.get_mapping(index=index)[index]["mappings"]
    assert ("1", "0", "true") == (
        settings["number_of_shards"],
        settings["number_of_replicas"],
        settings["mapping"]["ignore_malformed"],
    )
    assert "1000" == settings["mapping"]["total_fields"]["limit"]
    props = mapping["properties"]
    assert ["flattened"] * 4 == [props[k]["type"] for k in ("data", "meta", "context", "fields")]
    assert {"type": "alias", "path": "log.level"} == props["level"]
    assert {"type": "alias", "path": "service.environment"} == props["environment"]
    assert ("date", "text", "keyword") == (
        props["@timestamp"]["type"],
        props["message"]["type"],
        props["service"]["properties"]["name"]["type"],
    )


def test_server_facts_this_stack_relies_on(es_client: Elasticsearch) -> None:
    """The test server is a supported version and has `flattened`; a made-up type is absent."""
    assert MIN_VERSION <= server_version(es_client)[:2]
    assert supports_field_type(es_client, "flattened")
    assert not supports_field_type(es_client, "no_such_type")


def test_cli_setup_reports_changes(es_url: str, prefix: str, tmp_path: Path) -> None:
    """`lumberyard setup` prints the server version and one line per template, then nothing."""
    config = tmp_path / "lumberyard.toml"
    config.write_text(f'[enrich]\nindex_prefix = "{prefix}"\n', encoding="utf-8")
    args = ["setup", "--es-url", es_url, "--config", str(config)]
    first = CliRunner().invoke(app, args)
    second = CliRunner().invoke(app, args)
    assert (0, 0) == (first.exit_code, second.exit_code)
    stem = prefix.rstrip("-")
    assert f"  component template {stem}-settings: created" in first.stdout.splitlines()
    assert f"  index template {stem}: created" in first.stdout.splitlines()
    assert "  nothing to change" == second.stdout.splitlines()[-1]
    assert first.stdout.startswith("Elasticsearch 8.")


def test_unreachable_server_is_not_connected() -> None:
    """A port nobody listens on gives NotConnected naming the URL, not a traceback."""
    url = f"http://127.0.0.1:{free_port()}"
    with (
        Elasticsearch(url, request_timeout=5, retry_on_timeout=False, max_retries=0) as es,
        pytest.raises(NotConnected, match=url),
    ):
        setup_elasticsearch(es, TemplateOptions(), url)
