"""``lumberyard demo`` end to end on the REAL Elasticsearch and Kafka of the test session:
serve in the background, the genuine Filebeat tailing live logs, an archive reprocessed and
another sent through Kafka."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from pipeline.cli._demo_live import ENVIRONMENT, SERVICES, sample_lines
from tests.pipeline.setup.helpers import remove_templates

pytestmark = pytest.mark.integration

LUMBERYARD = str(Path(sys.executable).with_name("lumberyard"))
ARCHIVE = [
    '{"level":"info","message":"Business Event","timestamp":"2025-09-12T10:00:00.000Z",'
    '"service":"auth-service","environment":"production","type":"business_event",'
    '"event":"user_signup","data":{"plan":"pro"}}',
    "[2025-09-12T10:00:01.123Z] ERROR payment declined",
    "    at com.example.Pay.charge(Pay.java:42)",
    "[2025-09-13T08:00:00.000+14:00] INFO cache warmed size=42",
]
THROUGH_KAFKA = [
    "[2025-09-20T10:00:00.000Z] INFO order shipped id=1",
    "[2025-09-20T10:00:01.000Z] WARN order late id=2",
]


def test_sample_lines_start_a_trace_with_a_bracketed_line() -> None:
    """The writer's stack trace follows its bracketed ERROR line and its lines do not start
    with '[' or '{' (what the demo's Filebeat multiline pattern joins)."""
    lines = sample_lines("auth-service", random.Random(1), trace=True)
    error = next(i for i, line in enumerate(lines) if "ERROR" in line)
    assert lines[error].startswith("[")
    assert all(not line.startswith(("[", "{")) for line in lines[error + 1 :])


def test_demo_runs_the_live_flow_and_reports_what_kibana_would_see(
    tmp_path: Path, es_url: str, kafka_bootstrap: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """Every path lands: the archive (its stack trace joined, the +14:00 stamp on the UTC day
    before), the lines sent through Kafka, and Filebeat's live lines with service and
    environment from filebeat.yml's fields and their stack traces whole."""
    archive, through_kafka = tmp_path / "app.log", tmp_path / "kafka.log"
    archive.write_text("\n".join(ARCHIVE) + "\n", encoding="utf-8")
    through_kafka.write_text("\n".join(THROUGH_KAFKA) + "\n", encoding="utf-8")
    config = tmp_path / "demo.toml"
    config.write_text(
        f'[parsers.multiline]\npattern = "^[ \\t]"\nmatch = "after"\n'
        f'[enrich]\nindex_prefix = "{unique_name}-"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "ES_URL": es_url, "KAFKA_BOOTSTRAP": kafka_bootstrap}
    try:
        done = subprocess.run(
            [LUMBERYARD, "demo", "--logs", str(archive), "--kafka-logs", str(through_kafka),
             "--config", str(config), "--no-wait", "--data-dir", str(tmp_path / "data")],
            capture_output=True, text=True, env=env, timeout=600, check=False,
        )  # fmt: skip
        assert 0 == done.returncode, done.stderr + done.stdout
        _check_archive_and_kafka(es_client, unique_name)
        _check_live(es_client, unique_name)
        assert "via Filebeat -> serve (Beats)" in done.stdout
        assert "lumberyard_events_sent_total" in done.stdout  # serve's own metrics, scraped
    finally:
        remove_templates(es_client, f"{unique_name}-")


def _count(es_client: Elasticsearch, index: str, query: dict[str, object] | None = None) -> int:
    es_client.indices.refresh(index=index)
    return int(es_client.count(index=index, query=query or {"match_all": {}})["count"])


def _check_archive_and_kafka(es_client: Elasticsearch, unique_name: str) -> None:
    assert 3 == _count(es_client, f"{unique_name}-2025.09.12")
    assert 2 == _count(es_client, f"{unique_name}-2025.09.20")
    found = es_client.search(
        index=f"{unique_name}-2025.09.12", query={"term": {"event_type": "error"}}, size=1
    )
    assert "at com.example.Pay.charge" in found["hits"]["hits"][0]["_source"]["message"]


def _check_live(es_client: Elasticsearch, unique_name: str) -> None:
    live = {"term": {"service.environment": ENVIRONMENT}}
    pattern = f"{unique_name}-*"
    assert _count(es_client, pattern, live) > 0
    services = es_client.search(
        index=pattern, query=live, size=0,
        aggs={"s": {"terms": {"field": "service.name", "size": 10}}},
    )["aggregations"]["s"]["buckets"]  # fmt: skip
    assert set(SERVICES) >= {bucket["key"] for bucket in services}
    trace = {"bool": {"filter": [live, {"match_phrase": {"message": "card expired"}}]}}
    hits = es_client.search(index=pattern, query=trace, size=1)["hits"]["hits"]
    assert 1 == len(hits)
    assert "at com.example.pay.Charge.run" in hits[0]["_source"]["message"]  # one event
