"""Enriched documents in the real Elasticsearch: daily indices, Kibana-style queries, replays.

Lines go through the full chain (real parsers, real steps) and the real bulk sink into
indices under a random prefix whose templates ``setup`` installed; all removed afterwards.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from elasticsearch import Elasticsearch

from pipeline.config import LumberyardConfig
from pipeline.connections import EsConnection
from pipeline.dlq import DeadLetterQueue
from pipeline.ids import ContentIdentity
from pipeline.outputs.elasticsearch import ElasticsearchOutput, ElasticsearchOutputConfig
from pipeline.runtime import METADATA, Batch, Chain
from pipeline.setup import TemplateOptions, setup_elasticsearch
from pipeline.steps import EnrichConfig, build_steps
from tests.pipeline.setup.helpers import remove_templates

pytestmark = pytest.mark.integration


def app_log(**fields: Any) -> str:
    """A line as the application's JSON logger writes it."""
    base = {"level": "info", "message": "Business Event", "service": "auth-service",
            "environment": "production", "version": "1.0.0"}  # fmt: skip
    return orjson.dumps(base | fields).decode()


# (line, expected daily index suffix, expected event_type)
CASES: list[tuple[str, str, str]] = [
    (app_log(type="business_event", event="user_signup", timestamp="2025-09-12T10:00:00.000Z",
             data={"userId": "u-1", "plan": "pro"}), "2025.09.12", "business_event"),
    (app_log(type="security_event", event="login_failed", level="warn",
             timestamp="2025-09-12T23:59:59.999Z"), "2025.09.12", "security_event"),
    (app_log(type="performance_event", duration_ms=812, message="slow query",
             timestamp="2025-09-13T00:00:00.000Z"), "2025.09.13", "performance_event"),
    (app_log(message="POST /api/pay", method="POST", url="/api/pay", statusCode=201,
             responseTime=35, timestamp="2025-09-13T08:00:00.000+14:00"),
     "2025.09.12", "http_request"),
    (app_log(message="model call", model="llama3", provider="ollama", prompt_tokens=12,
             service="ai-gateway", timestamp="2025-09-12T21:30:00.000-05:00"),
     "2025.09.13", "ai_request"),
    ("[2025-09-12T23:59:59.000-05:00] ERROR payment declined", "2025.09.13", "error"),
    (app_log(message="cache warmed", service=42, data="plain text payload",
             timestamp="2025-09-12T00:00:00.000Z"), "2025.09.12", "log"),
]  # fmt: skip


def events(lines: list[str], path: str = "/var/log/app/app.log") -> list[dict[str, Any]]:
    """Events as the file input makes them: message, log.file.path/offset, source id."""
    out, offset = [], 0
    identity = ContentIdentity("\n".join(lines).encode())
    for line in lines:
        meta = {"source_id": identity.source_id(offset, line), "input": "test",
                "received_at": "2025-09-14T00:00:00.000Z"}  # fmt: skip
        log = {"file": {"path": path}, "offset": offset}
        out.append({"message": line, "log": log, METADATA: meta})
        offset += len(line.encode()) + 1
    return out


def index_lines(es_url: str, prefix: str, lines: list[str], dlq: Path) -> ElasticsearchOutput:
    """Run the lines through the full chain and the bulk sink; return the (closed) sink."""
    config = LumberyardConfig(enrich=EnrichConfig(index_prefix=prefix))
    chain = Chain(build_steps(config))
    output = ElasticsearchOutput(
        ElasticsearchOutputConfig(max_events=100, flush_interval_secs=0.1),
        EsConnection(url=es_url),
        DeadLetterQueue(dlq),
    )

    async def run() -> None:
        await output.write(chain.apply(Batch(events(lines), input_name="test")))
        await output.close()

    asyncio.run(run())
    return output


@pytest.fixture
def prefix(es_client: Elasticsearch, es_url: str) -> Iterator[str]:
    """A random prefix with lumberyard's templates installed; everything removed afterwards."""
    name = f"t-h3-docs-{uuid.uuid4().hex[:8]}-"
    setup_elasticsearch(es_client, TemplateOptions(index_prefix=name), es_url)
    yield name
    remove_templates(es_client, name)


@pytest.fixture
def indexed(es_client: Elasticsearch, es_url: str, prefix: str, tmp_path: Path) -> str:
    """All CASES indexed once (nothing dead-lettered); returns the prefix."""
    output = index_lines(es_url, prefix, [line for line, _, _ in CASES], tmp_path / "dlq")
    assert (len(CASES), 0) == (output.counters.sent, output.counters.dead_lettered)
    es_client.indices.refresh(index=f"{prefix}*")
    return prefix


def _count(es: Elasticsearch, index: str, query: dict[str, Any] | None = None) -> int:
    return int(es.count(index=index, query=query or {"match_all": {}})["count"])


def test_every_event_type_lands_in_its_utc_day(es_client: Elasticsearch, indexed: str) -> None:
    """Midnight edges, +14:00 and -05:00 stamps: each document is in the index of its UTC date."""
    found = {}
    for hit in es_client.search(index=f"{indexed}*", size=100)["hits"]["hits"]:
        found[hit["_source"]["event_type"]] = hit["_index"].removeprefix(indexed)
    expected = {event_type: day for _, day, event_type in CASES}
    assert expected == found


def test_kibana_style_query(es_client: Elasticsearch, indexed: str) -> None:
    """Range on @timestamp over prefix*, terms aggs on service.name/event_type, match message."""
    query = {
        "bool": {
            "filter": [
                {
                    "range": {
                        "@timestamp": {"gte": "2025-09-12T00:00:00Z", "lt": "2025-09-13T00:00:00Z"}
                    }
                }
            ]
        }
    }
    answer = es_client.search(
        index=f"{indexed}*",
        size=0,
        query=query,
        aggs={
            "services": {"terms": {"field": "service.name"}},
            "types": {"terms": {"field": "event_type"}},
        },
    )
    services = {b["key"]: b["doc_count"] for b in answer["aggregations"]["services"]["buckets"]}
    types = {b["key"]: b["doc_count"] for b in answer["aggregations"]["types"]["buckets"]}
    assert 4 == answer["hits"]["total"]["value"]
    assert {"auth-service": 3, "42": 1} == services
    assert {"business_event": 1, "security_event": 1, "http_request": 1, "log": 1} == types
    declined = {"match": {"message": "declined"}}
    assert 1 == _count(es_client, f"{indexed}*", declined)


def test_old_logstash_field_names_still_search(es_client: Elasticsearch, indexed: str) -> None:
    """`level:error` and `environment:production` (aliases) answer like the ECS fields."""
    old = {"query_string": {"query": "level:error AND environment:production"}}
    new = {"query_string": {"query": "log.level:error AND service.environment:production"}}
    assert (1, 1) == (_count(es_client, f"{indexed}*", old), _count(es_client, f"{indexed}*", new))


def test_data_as_string_and_object_both_indexed(es_client: Elasticsearch, indexed: str) -> None:
    """`data` as an object (auth-service) and as a string (service 42) are both searchable."""
    index = f"{indexed}*"
    assert 2 == _count(es_client, index, {"exists": {"field": "data"}})
    assert 1 == _count(es_client, index, {"term": {"data.plan": "pro"}})
    assert 1 == _count(es_client, index, {"term": {"data.value": "plain text payload"}})


def test_ecs_fields_are_typed(es_client: Elasticsearch, indexed: str) -> None:
    """Status codes, durations (ns) and token counts are numbers Elasticsearch can range on."""
    index = f"{indexed}*"
    assert 1 == _count(es_client, index, {"range": {"http.response.status_code": {"gte": 200}}})
    assert 2 == _count(es_client, index, {"range": {"event.duration": {"gte": 35_000_000}}})
    assert 1 == _count(es_client, index, {"term": {"gen_ai.request.model": "llama3"}})


def test_indexing_the_same_input_twice_changes_nothing(
    es_client: Elasticsearch, es_url: str, indexed: str, tmp_path: Path
) -> None:
    """A replay writes the same ids: 409s count as done, the document count is unchanged."""
    before = _count(es_client, f"{indexed}*")
    again = index_lines(es_url, indexed, [line for line, _, _ in CASES], tmp_path / "dlq2")
    es_client.indices.refresh(index=f"{indexed}*")
    assert (len(CASES), len(CASES), 0) == (
        before,
        _count(es_client, f"{indexed}*"),
        again.counters.dead_lettered,
    )
