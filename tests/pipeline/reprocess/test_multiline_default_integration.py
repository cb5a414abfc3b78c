"""Stack traces stay one document by default: ``lumberyard reprocess`` with no config at all,
into the REAL Elasticsearch (each continuation line used to be a document of its own)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from tests.parsers.test_parsers_multiline import GO, JAVA, NODE, PYTHON
from tests.pipeline.reprocess.test_reprocess_integration import reprocess

pytestmark = pytest.mark.integration


def test_traces_are_one_document_each_without_any_multiline_setting(
    tmp_path: Path, es_url: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """Java, Python, Go and Node traces after a bracketed line, with JSON and timestamped lines
    between them: one document per event, each holding its whole trace."""
    logs, prefix = tmp_path / "logs", f"{unique_name}-"
    logs.mkdir()
    lines = [*JAVA[:-1], *PYTHON[:-1], *GO[:-1], *NODE]
    (logs / "app.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = reprocess(str(logs), "--index-prefix", prefix, es_url=es_url, data_dir=tmp_path / "d")
    es_client.indices.refresh(index=f"{prefix}*")
    hits = es_client.search(index=f"{prefix}*", size=100, sort=["log.offset"])["hits"]["hits"]
    texts = [json.dumps(hit["_source"]) for hit in hits]
    last_lines = [JAVA[-2], PYTHON[-2], GO[-2], NODE[-2], "next"]  # the JSON line: its message
    assert 0 == done.returncode, done.stderr
    assert [True] * 5 == [json.dumps(line)[1:-1] in text
                          for line, text in zip(last_lines, texts, strict=True)]
