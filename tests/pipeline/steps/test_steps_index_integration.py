"""``[enrich] index`` names in the real Elasticsearch: a value Elasticsearch would refuse in an
index name (upper case outside ASCII) sends the document to the fallback index, tagged, instead
of a bulk item refused and dead-lettered."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from parsers import Parsers
from pipeline.config import LumberyardConfig
from pipeline.connections import EsConnection
from pipeline.dlq import DeadLetterQueue
from pipeline.outputs.elasticsearch import ElasticsearchOutput, ElasticsearchOutputConfig
from pipeline.runtime import METADATA, Batch, Chain
from pipeline.setup import TemplateOptions, setup_elasticsearch
from pipeline.steps import build_steps
from tests.pipeline.setup.helpers import remove_templates
from tests.pipeline.steps.test_steps_integration import events

pytestmark = pytest.mark.integration


@pytest.fixture
def prefix(es_client: Elasticsearch, es_url: str, unique_name: str) -> Iterator[str]:
    """The test's own index prefix with lumberyard's templates installed; all removed after."""
    name = f"{unique_name}-"
    setup_elasticsearch(es_client, TemplateOptions(index_prefix=name), es_url)
    yield name
    remove_templates(es_client, name)
    es_client.indices.delete(index=f"{name}*", ignore_unavailable=True)


def test_a_team_elasticsearch_refuses_as_a_name_lands_in_the_fallback_index(
        es_client: Elasticsearch, es_url: str, prefix: str, tmp_path: Path) -> None:
    """Two lines, one per team; the second team's name has a capital U-umlaut: both are in
    Elasticsearch (counted there), the second in the fallback index, tagged, none refused."""
    batch = events(["first", "second"])  # no time of their own: received_at, 2025-09-14
    for event, team in zip(batch, ["team", "\u00dcberwachung"], strict=True):
        event[METADATA]["team"] = team
    config = LumberyardConfig.model_validate({"enrich": {
        "index_prefix": prefix, "index": f"{prefix}%{{[@metadata][team]}}-%{{+YYYY.MM.dd}}"}})
    chain = Chain(build_steps(config, Parsers(config.parsers)))
    output = ElasticsearchOutput(ElasticsearchOutputConfig(flush_interval_secs=0.1),
                                 EsConnection(url=es_url), DeadLetterQueue(tmp_path / "dlq"))

    async def run() -> None:
        await output.write(chain.apply(Batch(batch, input_name="index")))
        await output.close()

    asyncio.run(run())
    es_client.indices.refresh(index=f"{prefix}*")
    hits = es_client.search(index=f"{prefix}*")["hits"]["hits"]
    assert (0, [(f"{prefix}2025.09.14", "second", ["_index_fallback"]),
                (f"{prefix}team-2025.09.14", "first", [])]) == (
        output.counters.dead_lettered,
        sorted((hit["_index"], hit["_source"]["message"], hit["_source"].get("tags", []))
               for hit in hits))
