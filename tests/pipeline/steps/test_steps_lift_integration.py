"""Grok ecs-v1 captures in the real Elasticsearch: an Apache combined log line, parsed with
``ecs_compatibility = "v1"``, is indexed under the templates ``setup`` installs and found by
its ECS fields (a term on ``http.request.method``, a range on ``http.response.status_code``)."""

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
from pipeline.runtime import Batch, Chain
from pipeline.setup import TemplateOptions, setup_elasticsearch
from pipeline.steps import build_steps
from tests.pipeline.setup.helpers import remove_templates
from tests.pipeline.steps.test_steps_integration import events

pytestmark = pytest.mark.integration

LINES = [
    '10.0.0.1 - frank [12/Sep/2025:10:00:00 +0000] "GET /orders?id=42 HTTP/1.1" 200 512 '
    '"https://shop.example/" "Mozilla/5.0 (X11; Linux x86_64)"',
    '2001:db8::7 - - [12/Sep/2025:10:00:01 +0000] "POST /pay HTTP/1.1" 502 - "-" "curl/8.5.0"',
]


@pytest.fixture
def prefix(es_client: Elasticsearch, es_url: str, unique_name: str) -> Iterator[str]:
    """The test's own index prefix with lumberyard's templates installed; all removed after."""
    name = f"{unique_name}-"
    setup_elasticsearch(es_client, TemplateOptions(index_prefix=name), es_url)
    yield name
    remove_templates(es_client, name)


def _index(
    prefix: str, es_url: str, dlq: Path, lines: list[str] = LINES
) -> ElasticsearchOutput:
    """``lines`` through the v1 grok grammar and the whole chain into the real sink."""
    config = LumberyardConfig.model_validate({
        "parsers": {"ecs_compatibility": "v1", "grammars": [
            {"name": "apache", "pattern": "%{COMBINEDAPACHELOG}",
             "timestamp_formats": ["dd/MMM/yyyy:HH:mm:ss Z"]}]},
        "enrich": {"index_prefix": prefix},
    })  # fmt: skip
    chain = Chain(build_steps(config, Parsers(config.parsers)))
    output = ElasticsearchOutput(ElasticsearchOutputConfig(flush_interval_secs=0.1),
                                 EsConnection(url=es_url), DeadLetterQueue(dlq))

    async def run() -> None:
        await output.write(chain.apply(Batch(events(lines), input_name="ecs")))
        await output.close()

    asyncio.run(run())
    return output


def test_apache_v1_line_is_found_by_its_ecs_fields(es_client: Elasticsearch, es_url: str,
                                                   prefix: str, tmp_path: Path) -> None:
    """Both lines indexed, none dead-lettered; the term and range queries on the mapped
    fields find the right one, and the stored document carries the typed ECS fields."""
    output = _index(prefix, es_url, tmp_path / "dlq")
    assert (2, 0) == (output.counters.sent, output.counters.dead_lettered)
    index = f"{prefix}*"
    es_client.indices.refresh(index=index)
    by_method = es_client.search(index=index, query={"term": {"http.request.method": "GET"}})
    errors = es_client.search(
        index=index, query={"range": {"http.response.status_code": {"gte": 500}}})
    from_v6 = es_client.count(index=index, query={"term": {"source.address": "2001:db8::7"}})
    hits = by_method["hits"]["hits"]
    source = hits[0]["_source"]
    assert (1, ["/pay"], 1) == (
        len(hits), [h["_source"]["url"]["original"] for h in errors["hits"]["hits"]],
        from_v6["count"])
    expected = {
        "http": {"request": {"method": "GET", "referrer": "https://shop.example/"},
                 "version": "1.1", "response": {"status_code": 200, "body": {"bytes": 512}}},
        "url": {"original": "/orders?id=42", "path": "/orders", "query": "id=42"},
        "source": {"address": "10.0.0.1"},
        "user": {"name": "frank"},
        "user_agent": {"original": "Mozilla/5.0 (X11; Linux x86_64)"},
        "event_type": "http_request",
        "app": None,
    }  # fmt: skip
    assert expected == {key: source.get(key) for key in expected}
    mapping = es_client.indices.get_mapping(index=index)
    props = next(iter(mapping.values()))["mappings"]["properties"]
    assert ("long", "keyword") == (
        props["http"]["properties"]["response"]["properties"]["status_code"]["type"],
        props["user_agent"]["properties"]["original"]["type"])


JSON_LINES = [
    '{"level": "info", "message": "fetched", "http": {"request": {"method": "GET"}}, '
    '"url": {"original": "https://bob:s3cret@api.example/v1?x=1", "username": "bob", '
    '"password": "s3cret", "full": "https://bob:s3cret@api.example/v1?x=1"}}',
    '{"level": "info", "message": "started", "url": "https://amy:hunter2@db.example/",'
    ' "method": "GET"}',
    '{"level": "info", "message": "ready", "service": {"name": "billing", "version": "2.4.1",'
    ' "id": "d4c3", "node": {"name": "node-7"}, "build": "b77"}}',
]


def test_credentials_are_not_indexed_and_a_service_object_keeps_its_fields(
    es_client: Elasticsearch, es_url: str, prefix: str, tmp_path: Path
) -> None:
    """A log's url.password used to be indexed in clear under app.url.password and its
    service object lost all but name: in Elasticsearch now no document holds a password (only
    the mask), and service.version / id / node.name are found by a term query."""
    output = _index(prefix, es_url, tmp_path / "dlq", JSON_LINES)
    index = f"{prefix}*"
    es_client.indices.refresh(index=index)
    hits = es_client.search(index=index, size=10, sort=["log.offset"])["hits"]["hits"]
    sources = [hit["_source"] for hit in hits]
    in_clear = [s for s in sources if "s3cret" in str(s) or "hunter2" in str(s)]
    found = [es_client.count(index=index, query={"term": {field: value}})["count"]
             for field, value in (("service.node.name", "node-7"), ("service.id", "d4c3"),
                                  ("service.version", "2.4.1"), ("url.username", "bob"))]
    assert (3, 0, [], [1, 1, 1, 1]) == (
        output.counters.sent, output.counters.dead_lettered, in_clear, found)
    assert (
        {"original": "https://bob:***@api.example/v1?x=1", "full":
         "https://bob:***@api.example/v1?x=1", "username": "bob", "password": "***",
         "path": "/v1", "query": "x=1"},
        "https://amy:***@db.example/",
        {"name": "billing", "version": "2.4.1", "id": "d4c3", "node": {"name": "node-7"}},
        {"service": {"build": "b77"}},
    ) == (
        sources[0]["url"], sources[1]["url"]["original"],
        {k: v for k, v in sources[2]["service"].items() if k != "environment"},
        sources[2].get("app"),
    )
