"""Translated pipelines against the real Elasticsearch: the documents they make fit the index
templates `lumberyard setup` installs (nothing dead-lettered) and are all there, counted in
Elasticsearch itself."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from bench.corpus import generate
from pipeline.config import parse_config
from pipeline.connections import EsConnection
from pipeline.dlq import DeadLetterQueue
from pipeline.migrate import migrate
from pipeline.outputs.elasticsearch import ElasticsearchOutput, ElasticsearchOutputConfig
from pipeline.runtime import Batch, Chain
from pipeline.steps import build_steps
from tests.pipeline.steps.test_steps_integration import events, prefix

pytestmark = pytest.mark.integration
__all__ = ["prefix"]  # the fixture: a prefix with the templates installed, removed afterwards

WEB = """input { beats { port => 5044 } }
filter {
  grok { match => { "message" => "%{COMBINEDAPACHELOG}" } }
  date { match => [ "timestamp", "dd/MMM/yyyy:HH:mm:ss Z" ] }
  if [verb] == "HEAD" or [request] =~ /^\\/health/ { drop { } }
  mutate { convert => { "response" => "integer" "bytes" => "integer" } remove_field => ["ident"] }
  kv { source => "request" field_split => "&?" prefix => "q_" }
}
output { elasticsearch { hosts => ["es:9200"] index => "web-%{+YYYY.MM.dd}" } }
"""
WEB_LINES = [
    '10.0.0.1 - - [12/Sep/2025:10:00:00 +0200] "GET /orders?id=42&page=2 HTTP/1.1" 200 512 '
    '"-" "curl/8"',
    '10.0.0.2 - ana [12/Sep/2025:23:59:59 -0500] "POST /pay HTTP/1.1" 502 - "https://x/" "m/1"',
    '10.0.0.3 - - [12/Sep/2025:10:00:01 +0200] "HEAD / HTTP/1.1" 200 0 "-" "probe"',
    '10.0.0.4 - - [12/Sep/2025:10:00:02 +0200] "GET /healthz HTTP/1.1" 200 2 "-" "probe"',
    "not an access log line at all",
]




def _index(toml: str, prefix: str, lines: list[str], es_url: str, dlq: Path
           ) -> tuple[ElasticsearchOutput, Chain]:
    """The lines through the translated config's chain into the real sink (under ``prefix``)."""
    config = parse_config(toml, "<translated>", environ={})
    config.enrich.index_prefix = prefix
    chain = Chain(build_steps(config))
    output = ElasticsearchOutput(ElasticsearchOutputConfig(max_events=200, flush_interval_secs=0.1),
                                 EsConnection(url=es_url), DeadLetterQueue(dlq))

    async def run() -> None:
        await output.write(chain.apply(Batch(events(lines), input_name="migrate")))
        await output.close()

    asyncio.run(run())
    return output, chain


@pytest.mark.parametrize("flavour", ["disabled", "v1"])
def test_translated_web_pipeline_indexes(es_client: Elasticsearch, es_url: str, prefix: str,
                                         tmp_path: Path, flavour: str) -> None:
    """Access lines (legacy or ECS grok names): the kept ones are in ES under the day of their
    own stamp, the dropped ones counted, none dead-lettered."""
    conf = tmp_path / "web.conf"
    conf.write_text(WEB, encoding="utf-8")
    output, chain = _index(migrate(conf, flavour).toml, prefix, WEB_LINES, es_url, tmp_path / "d")
    expected_drops = {"field_rule": 2} if flavour == "disabled" else {}  # ECS: no [verb] field
    assert (len(WEB_LINES) - sum(expected_drops.values()), 0, expected_drops) == (
        output.counters.sent, output.counters.dead_lettered, dict(chain.counters.dropped))
    es_client.indices.refresh(index=f"{prefix}*")
    days = {i: int(es_client.count(index=i)["count"])
            for i in es_client.indices.get(index=f"{prefix}*")}
    # 23:59:59 -0500 is the 13th in UTC; the line no grammar matched has the arrival day
    assert {f"{prefix}2025.09.12": 1 if flavour == "disabled" else 3,
            f"{prefix}2025.09.13": 1, f"{prefix}2025.09.14": 1} == days
    failed = es_client.count(index=f"{prefix}*", query={"term": {"tags": "_grokparsefailure"}})
    assert 1 == failed["count"]
    if flavour == "disabled":  # the rules' work is in the stored documents
        hits = es_client.search(index=f"{prefix}2025.09.12")["hits"]["hits"]
        app = hits[0]["_source"]["app"]
        assert (200, 512, "42", "2", False) == (
            app["response"], app["bytes"], app["q_id"], app["q_page"], "ident" in app)


def test_reference_pipeline_indexes_every_line(es_client: Elasticsearch, es_url: str,
                                               prefix: str, tmp_path: Path) -> None:
    """The product's own pipeline, translated: every event of a varied sample is in ES."""
    reference = Path(__file__).parent / "configs" / "00-reference.conf"
    lines = [line for line in generate(400, seed=3) if line.strip()]
    output, chain = _index(migrate(reference).toml, prefix, lines, es_url, tmp_path / "d")
    dropped = sum(chain.counters.dropped.values())
    assert (0, len(lines)) == (output.counters.dead_lettered, output.counters.sent + dropped)
    es_client.indices.refresh(index=f"{prefix}*")
    assert output.counters.sent == es_client.count(index=f"{prefix}*")["count"]


DATES = """filter {
  json { source => "message" }
  date { match => ["[apache][time]", "dd/MMM/yyyy:HH:mm:ss Z"] target => "@timestamp" }
  date { match => ["logdate", "ISO8601", "UNIX_MS"] timezone => "Europe/Paris" }
  date { match => ["started", "UNIX"] target => "started_at" }
}
output { elasticsearch { index => "app-%{+YYYY.MM.dd}" } }
"""
DATE_LINES = [
    '{"message": "a", "apache": {"time": "12/Sep/2025:23:30:00 -0200"}}',
    '{"message": "b", "logdate": "2025-09-10 01:30:00"}',
    '{"message": "c", "logdate": 1757289600000, "started": 1757289000}',
    '{"message": "d", "logdate": "yesterday"}',
]


def test_translated_dates_set_the_documents_time_and_day(
        es_client: Elasticsearch, es_url: str, prefix: str, tmp_path: Path) -> None:
    """date on fields no grammar captures (nested, with a zone, into a target): each document
    is in the daily index of the time its date read; the one it could not read is tagged and
    has its arrival day."""
    conf = tmp_path / "dates.conf"
    conf.write_text(DATES, encoding="utf-8")
    result = migrate(conf)
    assert [] == [n for n in result.translation.notes if n.kind == "unsupported"]
    output, _ = _index(result.toml, prefix, DATE_LINES, es_url, tmp_path / "d")
    assert (4, 0) == (output.counters.sent, output.counters.dead_lettered)
    es_client.indices.refresh(index=f"{prefix}*")
    found = es_client.search(index=f"{prefix}*", size=10)["hits"]["hits"]
    actual = sorted((h["_source"]["message"], h["_index"], h["_source"]["@timestamp"],
                     h["_source"].get("tags", []), h["_source"].get("app", {}).get("started_at"))
                    for h in found)
    assert [
        ("a", f"{prefix}2025.09.13", "2025-09-13T01:30:00.000Z", [], None),
        ("b", f"{prefix}2025.09.09", "2025-09-09T23:30:00.000Z", [], None),  # Paris: +02:00
        ("c", f"{prefix}2025.09.08", "2025-09-08T00:00:00.000Z", [], "2025-09-07T23:50:00.000Z"),
        ("d", f"{prefix}2025.09.14", "2025-09-14T00:00:00.000Z", ["_dateparsefailure"], None),
    ] == actual


GROKS = """filter {
  grok { match => { "message" => "%{COMBINEDAPACHELOG}" } }
  date { match => [ "timestamp", "dd/MMM/yyyy:HH:mm:ss Z" ] }
  grok { match => { "request" => "%{URIPATH:path}(?:%{URIPARAM:query})?" } }
  grok { match => { "agent" => "%{WORD:browser}/%{NUMBER:browser_version}" }
         tag_on_failure => ["_no_browser"] }
}"""
GROK_LINES = [
    '10.0.0.1 - - [12/Sep/2025:10:00:00 +0200] "GET /orders?id=42 HTTP/1.1" 200 512 "-" '
    '"curl/8.1"',
    '10.0.0.2 - - [12/Sep/2025:10:00:01 +0200] "GET /health HTTP/1.1" 200 2 "-" "-"',
    "not an access log line",
]


def test_groks_in_sequence_index_what_logstash_would(
        es_client: Elasticsearch, es_url: str, prefix: str, tmp_path: Path) -> None:
    """Three groks in a row, translated: the second and third read what the first captured
    (request, agent), each adds its own failure tag; the documents in ES say so."""
    conf = tmp_path / "groks.conf"
    conf.write_text(GROKS, encoding="utf-8")
    result = migrate(conf)
    assert [] == [n for n in result.translation.notes if n.kind == "unsupported"]
    output, _ = _index(result.toml, prefix, GROK_LINES, es_url, tmp_path / "d")
    assert (3, 0) == (output.counters.sent, output.counters.dead_lettered)
    es_client.indices.refresh(index=f"{prefix}*")
    hits = es_client.search(index=f"{prefix}*", size=10)["hits"]["hits"]
    app_keys = ("path", "query", "browser", "browser_version")
    actual = sorted((h["_source"]["message"][:9], h["_index"], h["_source"].get("tags", []),
                     {k: v for k, v in h["_source"].get("app", {}).items() if k in app_keys})
                    for h in hits)
    assert [
        ("10.0.0.1 ", f"{prefix}2025.09.12", [],
         {"path": "/orders", "query": "?id=42", "browser": "curl", "browser_version": "8.1"}),
        ("10.0.0.2 ", f"{prefix}2025.09.12", ["_no_browser"], {"path": "/health"}),
        # Logstash: the first grok fails (tagged); the others find no field: tagged too
        ("not an ac", f"{prefix}2025.09.14", ["_grokparsefailure", "_no_browser"], {}),
    ] == actual
