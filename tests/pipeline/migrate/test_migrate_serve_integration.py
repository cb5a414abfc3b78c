"""A translated Filebeat pipeline run by ``lumberyard serve`` (a subprocess on 127.0.0.1) into
the REAL Elasticsearch: pylogbeat ships Beat events with their ``@metadata``; the documents
are counted in Elasticsearch under the index names Logstash's
``%{[@metadata][beat]}-%{[@metadata][version]}-%{+YYYY.MM.dd}`` gives them, with the day of
the time the pipeline's ``date`` read, and ``@metadata`` is in none of them."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from elasticsearch import Elasticsearch
from pylogbeat import PyLogBeatClient

from pipeline.migrate import migrate
from pipeline.setup import TemplateOptions, setup_elasticsearch
from pipeline.stack import free_port, port_open

pytestmark = pytest.mark.integration

LUMBERYARD = str(Path(sys.executable).parent / "lumberyard")
LIMIT_SECS = 120.0
FILEBEAT = """input { beats { port => 5044 } }
filter {
  date { match => ["[apache][time]", "dd/MMM/yyyy:HH:mm:ss Z"] target => "@timestamp" }
}
output {
  elasticsearch {
    hosts => ["http://localhost:9200"]
    index => "%{[@metadata][beat]}-%{[@metadata][version]}-%{+YYYY.MM.dd}"
  }
}
"""
META = {"beat": "filebeat", "type": "_doc", "version": "7.17.29"}


@pytest.fixture
def day(es_client: Elasticsearch) -> Iterator[tuple[str, str]]:
    """A day of this test's own (far in the future: no other test writes its filebeat-*
    indices) as (Apache's dd/MMM/yyyy, the index's yyyy.MM.dd); its indices removed after."""
    n = uuid.uuid4().int
    year, month, dom = 2100 + n % 800, 1 + n // 800 % 12, 1 + n // 9600 % 27  # +1 stays
    month_name = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                  "Dec"][month - 1]
    yield f"{dom:02d}/{month_name}/{year}", f"{year}.{month:02d}.{dom:02d}"
    es_client.options(ignore_status=404).indices.delete(
        index=f"filebeat-7.17.29-{year}.{month:02d}.*")


def _serve(tmp_path: Path, toml: str, prefix: str, es_url: str, port: int
           ) -> subprocess.Popen[str]:
    config = tmp_path / "lumberyard.toml"
    config.write_text(toml, encoding="utf-8")
    return subprocess.Popen(
        [LUMBERYARD, "serve", "--config", str(config), "--index-prefix", prefix,
         "--es-url", es_url, "--beats-host", "127.0.0.1", "--beats-port", str(port),
         "--data-dir", str(tmp_path / "data"), "--http-port", str(free_port()),
         "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_listening(process: subprocess.Popen[str], port: int) -> None:
    deadline = time.monotonic() + LIMIT_SECS
    while not port_open(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            out, _ = process.communicate(timeout=LIMIT_SECS)
            pytest.fail(f"serve did not start:\n{out}")
        time.sleep(0.1)


def _event(n: int, stamp: str, meta: dict[str, Any] | None) -> dict[str, Any]:
    line = orjson.dumps({"message": f"request {n}", "apache": {"time": stamp}}).decode()
    event: dict[str, Any] = {"@timestamp": "2025-09-12T10:00:00.000Z", "message": line,
                             "log": {"file": {"path": "/var/log/a.log"}, "offset": n * 100},
                             "host": {"name": "web-1"}}
    if meta is not None:
        event["@metadata"] = meta
    return event


def test_filebeat_index_pattern_and_date_through_serve(
        tmp_path: Path, es_client: Elasticsearch, es_url: str, prefix: str,
        day: tuple[str, str]) -> None:
    """The standard Filebeat pipeline, translated with nothing left by hand: events with the
    Beat's @metadata land in filebeat-7.17.29-<day of their Apache time, UTC>; one without
    @metadata goes to the fallback index, tagged; nothing else anywhere."""
    apache_day, index_day = day
    migration = migrate(_write(tmp_path / "filebeat.conf", FILEBEAT))
    assert [] == [n.text for n in migration.translation.notes if n.kind == "unsupported"]
    assert "index_template_patterns = ['filebeat-*']" in migration.toml
    events = [_event(n, f"{apache_day}:10:00:0{n} +0200", META) for n in range(5)]
    events.append(_event(5, f"{apache_day}:23:30:00 -0200", META))  # the next day in UTC
    events.append(_event(6, f"{apache_day}:10:00:00 +0200", None))  # no Beat @metadata
    # The shared cluster: two composable templates of one priority may not overlap, so this
    # run's template claims only its own days of filebeat-*, not all of them.
    year, month, dom = index_day.split(".")
    ours = f"filebeat-7.17.29-{year}.{month}.*"
    toml = migration.toml.replace("index_template_patterns = ['filebeat-*']",
                                  f"index_template_patterns = ['{ours}']")
    port = free_port()
    process = _serve(tmp_path, toml, prefix, es_url, port)
    try:
        _wait_listening(process, port)
        with PyLogBeatClient("127.0.0.1", port, timeout=60) as client:
            client.send(events)  # returns once the window is ACKed: all of it is delivered
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=LIMIT_SECS)
    assert 0 == process.returncode, out
    template = es_client.indices.get_index_template(name=prefix.rstrip("-"))
    next_day = f"{year}.{month}.{int(dom) + 1:02d}"
    es_client.indices.refresh(index=f"filebeat-7.17.29-{year}.{month}.*,{prefix}*",
                              allow_no_indices=True)
    hits = es_client.search(index=f"filebeat-7.17.29-{year}.{month}.*,{prefix}*", size=20,
                            query={"match_all": {}})["hits"]["hits"]
    found = sorted((h["_source"]["message"], h["_index"], h["_source"].get("tags", []),
                    "@metadata" in h["_source"]) for h in hits)
    assert [
        *[(f"request {n}", f"filebeat-7.17.29-{index_day}", [], False) for n in range(5)],
        ("request 5", f"filebeat-7.17.29-{next_day}", [], False),
        ("request 6", f"{prefix}{index_day}", ["_index_fallback"], False),
    ] == found
    installed = template.body["index_templates"][0]["index_template"]["index_patterns"]
    assert [f"{prefix}*", ours] == installed  # serve installed it, covering both


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def prefix(es_client: Elasticsearch, unique_name: str) -> Iterator[str]:
    """The fallback index prefix; its indices and the templates serve installed for it are
    removed afterwards."""
    yield f"{unique_name}-"
    es = es_client
    stem = unique_name
    es.options(ignore_status=404).indices.delete(index=f"{unique_name}-*")
    es.options(ignore_status=404).indices.delete_index_template(name=stem)
    for part in ("settings", "ecs", "app"):
        es.options(ignore_status=404).cluster.delete_component_template(name=f"{stem}-{part}")


def test_a_template_that_does_not_cover_the_index_is_named_at_start(
        tmp_path: Path, es_client: Elasticsearch, es_url: str, prefix: str) -> None:
    """A template installed before [enrich] index was set does not cover its names: the
    start says so (run setup) and the document still lands; `setup` then covers it."""
    setup_elasticsearch(es_client, TemplateOptions(index_prefix=prefix), es_url)
    stem = prefix.rstrip("-")
    config = _write(tmp_path / "l.toml", f"[enrich]\nindex_prefix = '{prefix}'\n"
                    f"index = '{stem}x-%{{+YYYY.MM.dd}}'\n")  # setup reads the prefix here
    log = _write(tmp_path / "app.log", '{"@timestamp": "2025-09-12T10:00:00Z", "message": "m"}\n')
    argv = [LUMBERYARD, "reprocess", str(log), "--config", str(config), "--workers", "1",
            "--progress", "plain", "--es-url", es_url, "--index-prefix", prefix,
            "--data-dir", str(tmp_path / "data")]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
        said = f"does not cover ['{stem}x-*']: run `lumberyard setup`" in done.stderr
        es_client.indices.refresh(index=f"{stem}x-*")
        landed = es_client.count(index=f"{stem}x-2025.09.12")["count"]
        setup = subprocess.run([LUMBERYARD, "setup", "--config", str(config), "--es-url", es_url],
                               capture_output=True, text=True, timeout=300, check=False)
        patterns = es_client.indices.get_index_template(name=stem)["index_templates"][0][
            "index_template"]["index_patterns"]
    finally:
        es_client.options(ignore_status=404).indices.delete(index=f"{stem}x-*")
    assert (0, True, 1, 0, [f"{prefix}*", f"{stem}x-*"]) == (
        done.returncode, said, landed, setup.returncode, patterns), done.stderr + setup.stderr
