"""The Beats -> Kafka mode end to end on the real servers: pylogbeat ships Filebeat-shaped
events to ``serve --beats-to-kafka TOPIC`` (each window ACKed once Kafka holds it), then
``serve --kafka`` indexes the topic: every event is in Elasticsearch once, under the ``_id``
the direct Beats -> Elasticsearch path gives it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from pylogbeat import PyLogBeatClient

from pipeline.ids import beats_source_id, document_id
from pipeline.stack import free_port, port_open

pytestmark = pytest.mark.integration

LUMBERYARD = str(Path(sys.executable).parent / "lumberyard")
LIMIT_SECS = 180.0
EVENTS = 600


def beat_docs(n: int) -> list[dict[str, Any]]:
    """Events as Filebeat ships them: where each line was (host, file, offset) and the line."""
    return [{"@timestamp": "2025-09-12T10:00:00.000Z",
             "message": f"2025-09-12 10:00:{i % 60:02d},000 INFO [auth-service] login ok n={i}",
             "log": {"file": {"path": "/var/log/auth.log"}, "offset": i * 80},
             "host": {"name": "web-1"}, "agent": {"type": "filebeat"}} for i in range(n)]


@pytest.fixture
def prefix(es_client: Elasticsearch, unique_name: str) -> Iterator[str]:
    yield f"{unique_name}-"
    es_client.options(ignore_status=404).indices.delete(index=f"{unique_name}-*")


_STARTED: list[subprocess.Popen[bytes]] = []


@pytest.fixture(autouse=True)
def _no_serve_left() -> Iterator[None]:
    """A failed test leaves no ``serve`` running behind it (a passing one stopped its own)."""
    yield
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=LIMIT_SECS)


def serve(tmp: Path, name: str, *args: str) -> subprocess.Popen[bytes]:
    with (tmp / f"{name}.log").open("wb") as out:
        proc = subprocess.Popen(
            [LUMBERYARD, "serve", "--workers", "1", "--no-setup", "--no-http",
             "--data-dir", str(tmp / name), *args],
            stdout=out, stderr=subprocess.STDOUT,
        )
    _STARTED.append(proc)
    return proc


def wait_until(check: Any, what: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + LIMIT_SECS
    while not check():
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}:\n{log.read_text(errors='replace')}")
        time.sleep(0.2)


def count(es_client: Elasticsearch, prefix: str) -> int:
    """Documents under ``prefix``; -1 while the index's shards are still starting (Elasticsearch
    answers a search on them 503), so a polling wait asks again instead of failing."""
    quiet = es_client.options(ignore_status=(404, 503))
    quiet.indices.refresh(index=f"{prefix}*")
    answer = quiet.count(index=f"{prefix}*")
    return -1 if answer.meta.status == 503 else int(answer.get("count", 0))


def stop(proc: subprocess.Popen[bytes]) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=LIMIT_SECS)


def test_beats_to_kafka_then_workers_index_each_event_once(  # noqa: PLR0917 - fixtures
    kafka_bootstrap: str, es_url: str, es_client: Elasticsearch, prefix: str, unique_name: str,
    tmp_path: Path,
) -> None:
    """600 events in windows of 100 through Kafka: 600 documents, the Beats path's ids."""
    port = free_port()
    edge = serve(tmp_path, "edge", "--beats-host", "127.0.0.1", "--beats-port", str(port),
                 "--beats-to-kafka", unique_name, "--es-url", "http://127.0.0.1:1")
    log = tmp_path / "edge.log"
    wait_until(lambda: port_open(port), "serve to listen", edge, log)
    docs = beat_docs(EVENTS)
    with PyLogBeatClient("127.0.0.1", port, timeout=60) as client:
        for start in range(0, EVENTS, 100):
            client.send(docs[start : start + 100])  # returns once the window is ACKed
    edge_code = stop(edge)
    worker = serve(tmp_path, "worker", "--no-beats", "--kafka", "--kafka-bootstrap",
                   kafka_bootstrap, "--kafka-topic", unique_name, "--kafka-group", unique_name,
                   "--es-url", es_url, "--index-prefix", prefix)
    wlog = tmp_path / "worker.log"

    def indexed() -> int:
        return count(es_client, prefix)

    wait_until(lambda: indexed() >= EVENTS, "the worker to index the topic", worker, wlog)
    worker_code = stop(worker)
    hits = es_client.search(index=f"{prefix}*", size=EVENTS, source=False)["hits"]["hits"]
    expected = sorted(document_id(beats_source_id(doc, b"")) for doc in beat_docs(EVENTS))
    assert (0, 0, EVENTS, expected) == (
        edge_code, worker_code, indexed(), sorted(hit["_id"] for hit in hits))


def test_an_event_kafka_refuses_is_dead_lettered_and_the_stream_flows_on(  # noqa: PLR0917
    kafka_bootstrap: str, es_url: str, es_client: Elasticsearch, prefix: str, unique_name: str,
    tmp_path: Path,
) -> None:
    """One 1.5 MiB event (Filebeat ships up to its max_bytes, 10 MiB by default) among 200 in
    windows of 50: serve used to stop on it and crash-loop on the resent window. Now its window
    is ACKed, it is in the edge's DLQ naming the peer, and the other 199 are indexed."""
    port = free_port()
    edge = serve(tmp_path, "edge", "--beats-host", "127.0.0.1", "--beats-port", str(port),
                 "--beats-to-kafka", unique_name, "--es-url", "http://127.0.0.1:1")
    log = tmp_path / "edge.log"
    wait_until(lambda: port_open(port), "serve to listen", edge, log)
    docs = beat_docs(200)
    docs[70]["message"] = "x" * (1536 * 1024)
    with PyLogBeatClient("127.0.0.1", port, timeout=60) as client:
        for start in range(0, 200, 50):
            client.send(docs[start : start + 50])  # returns once the window is ACKed
    edge_code = stop(edge)
    letters = [json.loads(line) for segment in sorted((tmp_path / "edge" / "dlq").glob("*.ndjson"))
               for line in segment.read_bytes().splitlines()]
    worker = serve(tmp_path, "worker", "--no-beats", "--kafka", "--kafka-bootstrap",
                   kafka_bootstrap, "--kafka-topic", unique_name, "--kafka-group", unique_name,
                   "--es-url", es_url, "--index-prefix", prefix)

    def indexed() -> int:
        return count(es_client, prefix)

    wait_until(lambda: indexed() >= 199, "the worker to index the topic", worker,
               tmp_path / "worker.log")
    worker_code = stop(worker)
    hits = es_client.search(index=f"{prefix}*", size=200, source=False)["hits"]["hits"]
    kept = [doc for n, doc in enumerate(beat_docs(200)) if n != 70]
    expected = sorted(document_id(beats_source_id(doc, b"")) for doc in kept)
    assert (0, 0, 199, expected, [("message_too_large", docs[70]["message"], True)]) == (
        edge_code, worker_code, indexed(), sorted(hit["_id"] for hit in hits),
        [(x["error_type"], x["event"]["message"], "from beats:127.0.0.1:" in x["reason"])
         for x in letters],
    )
