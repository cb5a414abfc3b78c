"""No document is refused over another service's field types: the app.* mapping on the REAL
Elasticsearch (``setup``'s templates, then ``lumberyard reprocess``).

``app`` holds the keys a log has that map to no ECS field. Mapped dynamically, the first
service to log ``quota`` as a number made every later ``"quota": "unlimited"`` a mapping error
(dead-lettered); ``subobjects: false`` with keyword leaves (and a numeric ``.num`` sub-field)
takes every shape, and numbers still answer range queries.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from pipeline.setup import TemplateOptions, setup_elasticsearch
from tests.pipeline.reprocess.test_reprocess_integration import reprocess
from tests.pipeline.setup.helpers import remove_templates

pytestmark = pytest.mark.integration

SERVICES = [
    {"service": "billing", "account": "bob", "quota": 5, "flag": True},
    {"service": "auth", "account": {"id": 7, "name": "x"}, "quota": "unlimited", "flag": "yes"},
    {"service": "search", "account": ["a", 1], "quota": {"soft": 1, "hard": 2}, "flag": {"on": 1}},
    {"service": "ledger", "account": [{"k": 1}, {"k": "v"}], "quota": 12.5},
]


@pytest.fixture
def prefix(es_client: Elasticsearch) -> Iterator[str]:
    """A unique index prefix whose templates and indices are removed after the test."""
    name = f"t-h-safety-app-{uuid.uuid4().hex[:8]}-"
    yield name
    remove_templates(es_client, name)


def test_conflicting_app_field_types_across_services_are_all_indexed(
    tmp_path: Path, es_url: str, es_client: Elasticsearch, prefix: str
) -> None:
    """Four services log ``account``, ``quota`` and ``flag`` as strings, numbers, objects and
    lists: every document is indexed (none dead-lettered), a term query finds a string and
    an object's leaf, and ``app.quota.num`` answers a numeric range."""
    setup_elasticsearch(es_client, TemplateOptions(index_prefix=prefix), es_url)
    logs = tmp_path / "logs"
    logs.mkdir()
    lines = [json.dumps({"level": "info", "message": f"event {n}",
                         "timestamp": "2025-09-12T10:00:00.000Z", **fields})
             for n, fields in enumerate(SERVICES)]
    (logs / "app.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = reprocess(str(logs), "--index-prefix", prefix, es_url=es_url, data_dir=tmp_path / "d")
    es_client.indices.refresh(index=f"{prefix}*")

    def found(query: dict[str, object]) -> list[str]:
        hits = es_client.search(index=f"{prefix}*", query=query, sort=["log.offset"])
        return [hit["_source"]["message"] for hit in hits["hits"]["hits"]]

    assert (0, 4) == (done.returncode, es_client.count(index=f"{prefix}*")["count"]), done.stdout
    assert (["event 0"], ["event 1"], ["event 3"], ["event 0", "event 3"]) == (
        found({"term": {"app.account": "bob"}}),
        found({"term": {"app.account.id": "7"}}),
        found({"range": {"app.quota.num": {"gt": 10}}}),
        found({"range": {"app.quota.num": {"gte": 5}}}),
    )
