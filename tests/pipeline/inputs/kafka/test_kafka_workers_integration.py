"""Kafka workers as separate processes on the real Kafka and Elasticsearch: ``kill -9`` one of
three in a group, or the only one, and every record still ends up in Elasticsearch once.

The number of records is ``LUMBERYARD_KAFKA_TEST_EVENTS`` (default 300,000, as the issue asks:
about 1.5 minutes per test on the 2 shared cores of the dev machine, half of it producing).
Documents are counted IN ELASTICSEARCH; loops waiting for them are bounded by a deadline.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from elasticsearch import Elasticsearch
from kafka_helpers import committed, create_topic, end_offsets, lines, produce

pytestmark = pytest.mark.integration

EVENTS = int(os.environ.get("LUMBERYARD_KAFKA_TEST_EVENTS", "300000"))
WORKER = Path(__file__).with_name("kafka_worker.py")
DEADLINE_SECS = 600


@pytest.fixture
def prefix(es_client: Elasticsearch, unique_name: str) -> Iterator[str]:
    """The test's topic/group/index prefix; its indices are deleted afterwards."""
    yield unique_name
    es_client.options(ignore_status=404).indices.delete(index=f"{unique_name}-*")


def es_count(es: Elasticsearch, prefix: str) -> int:
    es.options(ignore_status=404).indices.refresh(index=f"{prefix}-*")
    return int(es.options(ignore_status=404).count(index=f"{prefix}-*").get("count", 0))


class Workers:
    """Worker processes of one group, with their output in files under ``tmp``."""

    def __init__(self, settings: dict[str, Any], tmp: Path) -> None:
        self.settings = settings
        self.tmp = tmp
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        n = len(self.procs)
        with (self.tmp / f"worker-{n}.out").open("wb") as out, \
                (self.tmp / f"worker-{n}.err").open("wb") as err:
            proc = subprocess.Popen(
                [sys.executable, str(WORKER), orjson.dumps(self.settings).decode()],
                stdout=out, stderr=err,
            )
        self.procs.append(proc)
        return proc

    def stop_all(self) -> list[int]:
        """SIGTERM the live ones (they drain and commit) and wait; returns the exit codes."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        return [proc.wait(timeout=120) for proc in self.procs]

    def kill_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def wait_for(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_SECS
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.5)


@pytest.fixture
def workers(
    kafka_bootstrap: str, es_url: str, prefix: str, tmp_path: Path
) -> Iterator[Workers]:
    """Workers of the group ``prefix`` consuming the topic ``prefix`` (6 partitions, EVENTS
    raw lines produced before they start)."""
    create_topic(kafka_bootstrap, prefix, 6)
    produce(kafka_bootstrap, prefix, lines(0, EVENTS), 6)
    settings = {
        "bootstrap": kafka_bootstrap, "topic": prefix, "group": prefix, "es_url": es_url,
        "prefix": f"{prefix}-", "dlq_dir": str(tmp_path / "dlq"),
        "input": {"session_timeout_secs": 6.0, "heartbeat_interval_secs": 1.0},
    }
    group = Workers(settings, tmp_path)
    yield group
    group.kill_all()


def test_three_workers_one_killed_every_record_indexed_once(
    kafka_bootstrap: str, es_client: Elasticsearch, prefix: str, workers: Workers
) -> None:
    """3 workers on 6 partitions, ``kill -9`` of one a third of the way: the other two take
    its partitions over; all records are in Elasticsearch exactly once, offsets at the end."""
    victim = workers.start()
    workers.start()
    workers.start()
    wait_for(lambda: es_count(es_client, prefix) >= EVENTS // 3, "a third indexed")
    victim.kill()
    victim.wait()
    wait_for(lambda: es_count(es_client, prefix) >= EVENTS, "every record indexed")
    codes = workers.stop_all()
    assert (EVENTS, end_offsets(kafka_bootstrap, prefix, 6), [-9, 0, 0]) == (
        es_count(es_client, prefix), committed(kafka_bootstrap, prefix, prefix), codes)


def test_only_worker_killed_and_restarted_every_record_indexed_once(
    kafka_bootstrap: str, es_client: Elasticsearch, prefix: str, workers: Workers
) -> None:
    """The only worker is ``kill -9``-ed a third of the way and started again: it resumes at
    the committed offsets; all records are in Elasticsearch exactly once."""
    first = workers.start()
    wait_for(lambda: es_count(es_client, prefix) >= EVENTS // 3, "a third indexed")
    first.kill()
    first.wait()
    killed_at = committed(kafka_bootstrap, prefix, prefix)
    workers.start()
    wait_for(lambda: es_count(es_client, prefix) >= EVENTS, "every record indexed")
    codes = workers.stop_all()
    assert (EVENTS, end_offsets(kafka_bootstrap, prefix, 6), [-9, 0], True) == (
        es_count(es_client, prefix), committed(kafka_bootstrap, prefix, prefix), codes,
        sum(killed_at.values()) < EVENTS,
    )
