"""``lumberyard serve`` as a subprocess on 127.0.0.1: pylogbeat ships events, they are counted
in the REAL Elasticsearch, SIGTERM drains and exits 0; ``--workers 2`` shares the port; a drain
that cannot finish exits non-zero naming what was left unacknowledged."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from pylogbeat import ConnectionException, PyLogBeatClient

from pipeline.stack import free_port
from tests.pipeline.inputs.kafka.kafka_helpers import (
    committed,
    create_topic,
    end_offsets,
    lines,
    produce,
)
from tests.pipeline.reprocess.gate import BulkGate

pytestmark = pytest.mark.integration

LUMBERYARD = str(Path(sys.executable).parent / "lumberyard")
START_LIMIT_SECS = 120.0
EXIT_LIMIT_SECS = 120.0


def remove_prefix(es: Elasticsearch, prefix: str) -> None:
    """Indices and the templates serve installed for ``prefix``."""
    stem = prefix.rstrip("-")
    es.options(ignore_status=404).indices.delete(index=f"{prefix}*")
    es.options(ignore_status=404).indices.delete_index_template(name=stem)
    for part in ("settings", "ecs", "app"):
        es.options(ignore_status=404).cluster.delete_component_template(name=f"{stem}-{part}")


@pytest.fixture
def prefix(es_client: Elasticsearch, unique_name: str) -> Iterator[str]:
    """An index prefix of this test's own; its indices and templates removed afterwards."""
    yield f"{unique_name}-"
    remove_prefix(es_client, f"{unique_name}-")


class Serve:
    """``lumberyard serve`` on 127.0.0.1 and a free port, its output captured."""

    def __init__(self, tmp_path: Path, prefix: str, es_url: str, *extra: str,
                 config_text: str = "", port: int | None = None) -> None:
        self.port = port or free_port()
        self.http_port = free_port()  # /metrics and /health: never the shared default 9600
        config = tmp_path / "lumberyard.toml"
        config.write_text('[enrich]\nindex_prefix = "overridden-by-the-option-"\n' + config_text,
                          encoding="utf-8")
        argv = [LUMBERYARD, "serve", "--config", str(config), "--index-prefix", prefix,
                "--es-url", es_url,
                "--beats-host", "127.0.0.1", "--beats-port", str(self.port),
                "--data-dir", str(tmp_path / "data"), "--http-port", str(self.http_port),
                *extra]
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_listening(self, workers: int = 1, what: str = "serving beats") -> None:
        """Until every worker said it serves and the port takes a connection (bounded; fails
        with the output so far)."""
        deadline = time.monotonic() + START_LIMIT_SECS
        while sum(what in line for line in self.lines) < workers or not self._accepts(what):
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("serve did not start:\n" + "".join(self.lines))
            time.sleep(0.1)

    def _accepts(self, what: str) -> bool:
        if what != "serving beats":
            return True
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=10):
                return True
        except OSError:
            return False

    def terminate(self) -> int:
        """SIGTERM, then its exit status (bounded)."""
        self.process.send_signal(signal.SIGTERM)
        return self.wait()

    def wait(self) -> int:
        """Its exit status (bounded), all its output read."""
        status = self.process.wait(timeout=EXIT_LIMIT_SECS)
        self._reader.join(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()
        return status

    @property
    def output(self) -> str:
        return "".join(self.lines)


class HoldEvents(BulkGate):
    """Passes the health check's empty ``_bulk``; holds every bulk request carrying events."""

    def __init__(self, upstream: str) -> None:
        super().__init__(upstream, open_docs=0)

    def _admit(self, path: str, body: bytes | None) -> None:
        if body:
            super()._admit(path, body)


def ship(port: int, docs: list[dict[str, Any]], window: int) -> None:
    """Send ``docs`` with pylogbeat in windows of ``window``, each waiting for its ACK."""
    with PyLogBeatClient("127.0.0.1", port, timeout=60) as client:
        for start in range(0, len(docs), window):
            client.send(docs[start : start + window])


def docs(n: int, tag: str) -> list[dict[str, Any]]:
    return [{"@timestamp": "2025-09-12T10:00:00.000Z", "message": f"{tag} event {i}",
             "fields": {"service": "checkout"}} for i in range(n)]


def count(es: Elasticsearch, prefix: str) -> int:
    es.indices.refresh(index=f"{prefix}*", allow_no_indices=True)
    return int(es.count(index=f"{prefix}*", allow_no_indices=True)["count"])


def test_events_from_pylogbeat_land_in_elasticsearch_and_sigterm_drains(
    tmp_path: Path, prefix: str, es_url: str, es_client: Elasticsearch
) -> None:
    """Every event pylogbeat sent (and saw ACKed) is in Elasticsearch once; the missing
    index template was installed at start; SIGTERM drains and the exit status is 0."""
    serve = Serve(tmp_path, prefix, es_url, "--workers", "1")
    try:
        serve.wait_listening()
        ship(serve.port, docs(500, "a"), window=100)
        ship(serve.port, docs(250, "b"), window=250)
    finally:
        status = serve.terminate()
    template = es_client.options(ignore_status=404).indices.get_index_template(
        name=prefix.rstrip("-"))
    assert (0, 750, True) == (status, count(es_client, prefix), template.meta.status == 200), (
        serve.output)


def test_two_workers_share_the_beats_port(
    tmp_path: Path, prefix: str, es_url: str, es_client: Elasticsearch
) -> None:
    """``--workers 2``: both processes listen on the one port (SO_REUSEPORT); events over
    several connections all land once; SIGTERM to the parent drains both, exit 0."""
    serve = Serve(tmp_path, prefix, es_url, "--workers", "2")
    try:
        serve.wait_listening(workers=2)
        clients = [threading.Thread(target=ship, args=(serve.port, docs(200, f"c{n}"), 50))
                   for n in range(6)]
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=EXIT_LIMIT_SECS)
    finally:
        status = serve.terminate()
    serving = sorted(line.split("worker ")[1].split(":")[0] for line in serve.lines
                     if f"serving beats on 127.0.0.1:{serve.port}" in line)
    drained = sum("drained: every event read was acknowledged" in line for line in serve.lines)
    assert (0, ["0", "1"], 2, 1200) == (status, serving, drained, count(es_client, prefix)), (
        serve.output)


def test_a_drain_that_cannot_finish_exits_non_zero_naming_what_was_left(
    tmp_path: Path, prefix: str, es_url: str
) -> None:
    """Elasticsearch holds every bulk request: on SIGTERM the drain gives up after its
    timeout, and serve exits non-zero saying which input left how many events unacked."""
    with HoldEvents(es_url) as gate:
        serve = Serve(tmp_path, prefix, gate.url, "--workers", "1", "--drain-timeout-secs", "1")
        try:
            serve.wait_listening()
            sender = threading.Thread(target=_ship_quietly, args=(serve.port, docs(20, "x")))
            sender.start()
            deadline = time.monotonic() + START_LIMIT_SECS
            while not gate.bulk_docs and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            status = serve.terminate()
        sender.join(timeout=EXIT_LIMIT_SECS)
    left = [line for line in serve.lines if "left unacknowledged" in line]
    assert (3, 1, True) == (status, len(left), "beats: 20 events in 1 batches" in "".join(left)), (
        serve.output)


def _ship_quietly(port: int, events: list[dict[str, Any]]) -> None:
    """Ship, expecting the server to go away before the ACK (the connection is closed)."""
    with contextlib.suppress(OSError, ConnectionException):
        ship(port, events, window=len(events))


def test_kafka_is_one_more_input(
    tmp_path: Path, prefix: str, es_url: str, es_client: Elasticsearch, kafka_bootstrap: str
) -> None:
    """``[inputs.kafka] enabled = true`` with ``--no-beats``: the same runtime consumes a
    3-partition topic into Elasticsearch (counted there); SIGTERM drains, commits, exits 0."""
    unique_name = prefix.rstrip("-")  # the topic and group of this test
    create_topic(kafka_bootstrap, unique_name, 3)
    produce(kafka_bootstrap, unique_name, lines(0, 300), 3)
    kafka = (f'[inputs.kafka]\nenabled = true\nbootstrap_servers = "{kafka_bootstrap}"\n'
             f'topics = ["{unique_name}"]\ngroup = "{unique_name}"\n')
    serve = Serve(tmp_path, prefix, es_url, "--workers", "1", "--no-beats", config_text=kafka)
    try:
        serve.wait_listening(what="serving kafka")
        deadline = time.monotonic() + START_LIMIT_SECS
        while count(es_client, prefix) < 300 and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        status = serve.terminate()
    done = committed(kafka_bootstrap, unique_name, unique_name)
    assert (0, 300, end_offsets(kafka_bootstrap, unique_name, 3)) == (
        status, count(es_client, prefix), done), serve.output


def test_a_worker_that_cannot_bind_fails_the_fleet(
    tmp_path: Path, prefix: str, es_url: str
) -> None:
    """The Beats port is taken (without SO_REUSEPORT): each worker reports its input failed
    with the bind error, and the parent exits 1 naming the workers that failed."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        serve = Serve(tmp_path, prefix, es_url, "--workers", "2", port=taken.getsockname()[1])
        status = serve.wait()
    failed = [line for line in serve.lines
              if f"input beats failed: InputError: beats: cannot listen on 127.0.0.1:{serve.port}"
              in line]
    summary = [line for line in serve.lines if line.startswith("serve: lumberyard-serve-")]
    assert (1, True, 1) == (status, len(failed) >= 1, len(summary)), serve.output


def test_no_input_enabled_is_refused_before_anything_starts(tmp_path: Path, es_url: str) -> None:
    """``--no-beats`` without Kafka: a ConfigError saying no input is enabled, exit 1."""
    done = subprocess.run(
        [LUMBERYARD, "serve", "--no-beats", "--es-url", es_url, "--data-dir",
         str(tmp_path / "data")], capture_output=True, text=True, timeout=120, check=False,
    )
    assert (1, True) == (done.returncode, "ConfigError: serve: no input is enabled" in done.stderr)
