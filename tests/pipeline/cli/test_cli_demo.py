"""``lumberyard demo`` end to end on the REAL Elasticsearch and Kafka of the test session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from tests.pipeline.setup.helpers import remove_templates

pytestmark = pytest.mark.integration

LUMBERYARD = str(Path(sys.executable).with_name("lumberyard"))
LINES = [
    '{"level":"info","message":"Business Event","timestamp":"2025-09-12T10:00:00.000Z",'
    '"service":"auth-service","environment":"production","type":"business_event",'
    '"event":"user_signup","data":{"plan":"pro"}}',
    "[2025-09-12T10:00:01.123Z] ERROR payment declined",
    "    at com.example.Pay.charge(Pay.java:42)",
    "[2025-09-13T08:00:00.000+14:00] INFO cache warmed size=42",
]


def test_demo_ships_logs_and_reports_what_kibana_would_see(
    tmp_path: Path, es_url: str, kafka_bootstrap: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """setup + reprocess + the Kibana-style aggregations: the stack trace joins its line, the
    +14:00 stamp lands on the UTC day before, and the summary names both indices."""
    logs = tmp_path / "app.log"
    logs.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    config = tmp_path / "demo.toml"
    config.write_text(
        f'[parsers.multiline]\npattern = "^[ \\t]"\nmatch = "after"\n'
        f'[enrich]\nindex_prefix = "{unique_name}-"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "ES_URL": es_url, "KAFKA_BOOTSTRAP": kafka_bootstrap}
    try:
        done = subprocess.run(
            [LUMBERYARD, "demo", "--logs", str(logs), "--config", str(config), "--no-wait",
             "--data-dir", str(tmp_path / "data")],
            capture_output=True, text=True, env=env, timeout=600, check=False,
        )
        _check(done, es_client, unique_name)
    finally:
        remove_templates(es_client, f"{unique_name}-")


def _check(
    done: subprocess.CompletedProcess[str], es_client: Elasticsearch, unique_name: str
) -> None:
    assert 0 == done.returncode, done.stderr + done.stdout
    assert "documents: 3" in done.stdout
    per_index = [line.split() for line in done.stdout.splitlines() if unique_name in line]
    assert [[f"{unique_name}-2025.09.12", "3"]] == [row for row in per_index if len(row) == 2]
    es_client.indices.refresh(index=f"{unique_name}-*")
    found = es_client.search(
        index=f"{unique_name}-*", query={"term": {"event_type": "error"}}, size=1
    )
    assert "at com.example.Pay.charge" in found["hits"]["hits"][0]["_source"]["message"]
