"""The observability endpoint over real HTTP, with a real pipeline writing to the real ES.

A worker thread runs its own event loop (as a serve worker does): a FileInput, the real
enrichment chain (wrapped to count parse-failure tags) and the Elasticsearch output, plus the
heartbeat. The endpoint runs on its own thread; the test scrapes it like Prometheus would.
"""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import orjson
import pytest
from elasticsearch import Elasticsearch

from pipeline.config import parse_config
from pipeline.connections import EsConnection
from pipeline.dlq import DeadLetterQueue
from pipeline.inputs import FileInput, inspect
from pipeline.observe import (
    CATALOG,
    Endpoint,
    Heartbeat,
    MemorySink,
    Probes,
    TaggingProcessor,
    Telemetry,
    WorkerBoard,
    elasticsearch_probe,
    kafka_probe,
)
from pipeline.outputs.elasticsearch import ElasticsearchOutput
from pipeline.runtime import Chain, Counters
from pipeline.stack import free_port
from pipeline.steps import build_steps

pytestmark = pytest.mark.integration

LINES = [
    b'{"level":"info","message":"signup","service":"auth-service","type":"business_event"}',
    b"{broken json",
    b"{also broken",
    b'{"level":"error","message":"boom","service":"auth-service"}',
    b"2025-01-01T10:00:00Z plain words",
]


def get(url: str) -> tuple[int, bytes]:
    """GET ``url``: (status, body), 503 included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def samples(text: str) -> dict[str, float]:
    """``name{labels}`` -> value for every sample line of a scrape."""
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            found[key] = float(value)
    return found


class Worker:
    """One worker loop on its own thread: pipeline + heartbeat, blockable on purpose."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=120)

    def block(self, secs: float) -> None:
        """Make the loop stuck: a blocking call on it, as a bug would."""
        self.loop.call_soon_threadsafe(time.sleep, secs)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)
        self.loop.close()


def test_scrape_and_health_of_a_running_pipeline(
    es_url: str, es_client: Elasticsearch, es_prefix: str, tmp_path: Path
) -> None:
    """Counts in /metrics match what went into ES; /health, /live, /ready report; a stuck loop
    turns /health/live to 503 and back to 200 when it recovers."""
    log = tmp_path / "app.log"
    log.write_bytes(b"\n".join(LINES) + b"\n")
    prefix = es_prefix
    config = parse_config(f'[enrich]\nindex_prefix = "{prefix}"\n', "t.toml", {})
    worker = Worker()
    sink = MemorySink()
    endpoint = Endpoint(
        WorkerBoard.in_memory(sink),
        Probes(elasticsearch=elasticsearch_probe(EsConnection(url=es_url))),
        port=free_port(),
        stale_after_secs=1.0,
        check_interval_secs=0.5,
    )

    async def start() -> tuple[FileInput, ElasticsearchOutput, Heartbeat]:
        source = FileInput([inspect(str(log))])
        processor = TaggingProcessor(Chain(build_steps(config)))
        dlq = DeadLetterQueue(tmp_path / "dlq")
        output = ElasticsearchOutput(config.elasticsearch, EsConnection(url=es_url), dlq)
        counters = Counters("files")
        telemetry = Telemetry(inputs=lambda: [("files", counters)], processor=processor,
                              output=output, dlq=dlq)
        beat = Heartbeat(telemetry, sink, interval_secs=0.1)
        beat.start()
        async for batch in source.batches():
            counters.received += len(batch.events)
            await output.write(processor.apply(batch))
        await output.flush()
        beat.beat()  # a snapshot after the flush, taken on the loop (no waiting for the next)
        return source, output, beat

    endpoint.start()
    try:
        _, output, beat = worker.run(start())
        _assert_counts(endpoint, es_client, prefix, config.elasticsearch.buffer_max_bytes)
        for _ in range(100):  # the first ES check runs as the endpoint starts
            if "elasticsearch" in endpoint.results:
                break
            time.sleep(0.1)
        status, body = get(f"{endpoint.url}/health")
        health = orjson.loads(body)
        assert (200, "healthy") == (status, health["status"])
        assert {"elasticsearch", "buffer", "dlq", "workers"} == set(health["checks"])
        assert {"status", "message", "duration_ms", "checked_at"} == set(
            health["checks"]["elasticsearch"]
        )
        assert (200, 200) == (get(f"{endpoint.url}/health/live")[0],
                              get(f"{endpoint.url}/health/ready")[0])

        worker.block(5.0)  # stuck well past stale_after_secs, so polling sees the 503
        assert 503 == live_status_becomes(503, endpoint)
        assert 1.0 == samples(get(f"{endpoint.url}/metrics")[1].decode())[
            "lumberyard_workers_stale"
        ]
        assert 200 == live_status_becomes(200, endpoint)
        worker.run(beat.stop())
        worker.run(output.close())
    finally:
        endpoint.stop()
        worker.close()


def _assert_counts(endpoint: Endpoint, es_client: Elasticsearch, prefix: str, limit: int) -> None:
    """What /metrics says agrees with what is in Elasticsearch."""
    es_client.indices.refresh(index=f"{prefix}*")
    in_es = es_client.count(index=f"{prefix}*")["count"]
    status, body = get(f"{endpoint.url}/metrics")
    scraped = samples(body.decode())
    assert 200 == status
    assert (5, 5.0) == (in_es, scraped["lumberyard_bulk_items_total{result=\"indexed\"}"])
    sent = 'lumberyard_events_sent_total{component="elasticsearch",input="files"}'
    assert 5.0 == scraped[sent]
    assert 2.0 == scraped['lumberyard_parse_failures_total{tag="_jsonparsefailure"}']
    assert 5.0 == scraped['lumberyard_events_received_total{component="input",input="files"}']
    assert 1.0 == scraped["lumberyard_bulk_request_duration_seconds_count"]
    assert 0.0 == scraped["lumberyard_buffer_bytes_used"]
    assert limit == scraped["lumberyard_buffer_bytes_limit"]
    assert "process_resident_memory_bytes" in scraped
    types = [line.split()[2] for line in body.decode().splitlines() if line.startswith("# TYPE")]
    missing = [spec.name for spec in CATALOG if not any(t.startswith(spec.name) for t in types)]
    assert [] == missing  # every family of the catalog is in a real scrape


def live_status_becomes(wanted: int, endpoint: Endpoint, tries: int = 100) -> int:
    """Poll /health/live until it answers ``wanted`` (bounded: ``tries`` x 0.1 s); the last
    status seen."""
    status = 0
    for _ in range(tries):
        status = get(f"{endpoint.url}/health/live")[0]
        if status == wanted:
            break
        time.sleep(0.1)
    return status


def test_unreachable_elasticsearch_is_not_ready(tmp_path: Path) -> None:
    """With nobody on the ES port: /health unhealthy (503) naming it, /ready 503, /live 200."""
    sink = MemorySink()
    sink.put(Telemetry().snapshot())
    es = f"http://127.0.0.1:{free_port()}"
    endpoint = Endpoint(WorkerBoard.in_memory(sink),
                        Probes(elasticsearch=elasticsearch_probe(EsConnection(url=es))),
                        port=free_port(), stale_after_secs=60.0)
    endpoint.start()
    try:
        asyncio.run(endpoint.run_checks())
        status, body = get(f"{endpoint.url}/health")
        health = orjson.loads(body)
        assert (503, "unhealthy", "unhealthy") == (
            status, health["status"], health["checks"]["elasticsearch"]["status"]
        )
        assert health["checks"]["elasticsearch"]["message"].startswith("NotConnected: ")
        ready_status, ready = get(f"{endpoint.url}/health/ready")
        assert 503 == ready_status
        assert orjson.loads(ready)["message"].startswith("elasticsearch: NotConnected")
        assert 200 == get(f"{endpoint.url}/health/live")[0]
        assert 0.0 == samples(get(f"{endpoint.url}/metrics")[1].decode())[
            "lumberyard_elasticsearch_up"
        ]
    finally:
        endpoint.stop()


def test_unreachable_kafka_is_not_ready_when_events_go_to_kafka() -> None:
    """With ``--beats-to-kafka`` (no Elasticsearch probe) Kafka is where events are delivered:
    nobody on its port makes /ready 503 naming Kafka, while /live stays 200."""
    sink = MemorySink()
    sink.put(Telemetry().snapshot())
    endpoint = Endpoint(WorkerBoard.in_memory(sink),
                        Probes(kafka=kafka_probe(f"127.0.0.1:{free_port()}", 2.0)),
                        port=free_port(), stale_after_secs=60.0)
    endpoint.start()
    try:
        asyncio.run(endpoint.run_checks())
        ready_status, ready = get(f"{endpoint.url}/health/ready")
        assert (503, "not ready") == (ready_status, orjson.loads(ready)["status"])
        assert orjson.loads(ready)["message"].startswith("kafka: NotConnected: no Kafka broker")
        assert 200 == get(f"{endpoint.url}/health/live")[0]
    finally:
        endpoint.stop()


def test_port_in_use_is_a_clear_error() -> None:
    """A second endpoint on a taken port fails at start, naming the port and the flags."""
    first = Endpoint(WorkerBoard.in_memory(MemorySink()), Probes(), port=free_port())
    first.start()
    try:
        second = Endpoint(WorkerBoard.in_memory(MemorySink()), Probes(), port=first.port)
        with pytest.raises(Exception, match=f"127.0.0.1:{first.port}: cannot listen"):
            second.start()
    finally:
        first.stop()
