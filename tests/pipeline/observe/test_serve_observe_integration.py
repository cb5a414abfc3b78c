"""The endpoint of a running `lumberyard serve --workers 2`, scraped like Prometheus does:
counts agree with the documents in the REAL Elasticsearch, parse failures are counted by tag,
both workers beat, /health is healthy, and SIGTERM still drains to exit 0."""

from __future__ import annotations

import time
from pathlib import Path

import orjson
import pytest
from elasticsearch import Elasticsearch
from kafka import KafkaProducer

from tests.pipeline.observe.test_endpoint_integration import get, samples
from tests.pipeline.serve.test_serve_integration import Serve, count, docs, prefix, ship

pytestmark = pytest.mark.integration
__all__ = ["prefix"]  # the fixture: an index prefix whose indices and templates go afterwards

N_GOOD, N_BROKEN = 120, 30


def scrape_until(url: str, key: str, wanted: float, tries: int = 300) -> dict[str, float]:
    """Scrape until ``key`` reaches ``wanted`` (heartbeats come every second; bounded)."""
    scraped: dict[str, float] = {}
    for _ in range(tries):
        scraped = samples(get(f"{url}/metrics")[1].decode())
        if scraped.get(key) == wanted:
            break
        time.sleep(0.1)
    return scraped


def test_scrape_a_running_serve(tmp_path: Path, es_url: str, es_client: Elasticsearch,
                                prefix: str) -> None:
    events = docs(N_GOOD, "good") + [
        {"@timestamp": "2025-09-12T10:00:00.000Z", "message": f'{{"broken": {i}',
         "fields": {"service": "checkout"}} for i in range(N_BROKEN)
    ]
    serve = Serve(tmp_path, prefix, es_url, "--workers", "2")
    url = f"http://127.0.0.1:{serve.http_port}"
    try:
        serve.wait_listening(workers=2)
        ship(serve.port, events, window=50)
        total = N_GOOD + N_BROKEN
        assert total == count(es_client, prefix)
        indexed = 'lumberyard_bulk_items_total{result="indexed"}'
        scraped = scrape_until(url, indexed, float(total))
        assert (float(total), float(total), float(total), float(N_BROKEN), 2.0, 0.0) == (
            scraped[indexed],
            scraped['lumberyard_events_received_total{component="input",input="beats"}'],
            scraped['lumberyard_events_sent_total{component="input",input="beats"}'],
            scraped['lumberyard_parse_failures_total{tag="_jsonparsefailure"}'],
            scraped["lumberyard_workers"],
            scraped["lumberyard_workers_stale"],
        )
        assert "lumberyard_beats_connections" in scraped
        for _ in range(100):  # the endpoint's first Elasticsearch check
            health = orjson.loads(get(f"{url}/health")[1])
            if "elasticsearch" in health["checks"]:
                break
            time.sleep(0.1)
        assert ("healthy", "healthy") == (
            health["status"], health["checks"]["elasticsearch"]["status"]
        )
        assert (200, 200) == (get(f"{url}/health/live")[0], get(f"{url}/health/ready")[0])
    finally:
        status = serve.terminate()
    assert 0 == status, serve.output


def test_the_kafka_input_counts_what_it_passed_on(  # noqa: PLR0917 - fixtures
    tmp_path: Path, es_url: str, es_client: Elasticsearch, prefix: str, kafka_bootstrap: str,
    unique_name: str,
) -> None:
    """serve --kafka over 41 records: 39 JSON lines, one not UTF-8 (poison: dead-lettered by
    the input), one empty (dropped by the input). Once the 39 are in Elasticsearch, the
    input's row says 41 read = 39 sent + 1 dead-lettered + 1 dropped (sent stayed 0, and the
    input's own dead letters and drops were not exported; the chain's drops are counted in
    the same row: tests/pipeline/runtime)."""
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    for n in range(39):
        producer.send(unique_name, f'{{"level": "info", "message": "order {n}"}}'.encode())
    for value in (b"\xff\xfe not utf-8", b""):
        producer.send(unique_name, value)
    producer.flush()
    producer.close()
    serve = Serve(tmp_path, prefix, es_url, "--no-beats", "--kafka", "--kafka-bootstrap",
                  kafka_bootstrap, "--kafka-topic", unique_name, "--kafka-group", unique_name)
    url = f"http://127.0.0.1:{serve.http_port}"
    key = '{component="input",input="kafka"}'
    try:
        serve.wait_listening(what="serving kafka")
        for _ in range(600):  # bounded: until the topic is indexed
            if count(es_client, prefix) >= 39:
                break
            time.sleep(0.2)
        scraped = scrape_until(url, f"lumberyard_events_sent_total{key}", 39.0)
    finally:
        status = serve.terminate()
    dropped = sum(v for k, v in scraped.items()
                  if k.startswith("lumberyard_events_dropped_total{") and 'input="kafka"' in k
                  and 'component="input"' in k)
    assert (0, 39, 41.0, 39.0, 1.0, 1.0) == (
        status, count(es_client, prefix), scraped[f"lumberyard_events_received_total{key}"],
        scraped[f"lumberyard_events_sent_total{key}"],
        scraped[f"lumberyard_events_dead_lettered_total{key}"], dropped)
