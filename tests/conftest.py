"""Session fixtures giving tests a REAL Elasticsearch and Kafka, plus private servers.

Where the servers come from, in order:

1. ``ES_URL`` and ``KAFKA_BOOTSTRAP`` set: those servers, nothing is provisioned.
2. Otherwise the local stack (``.stack/`` of this repo, 127.0.0.1:9200 / 9092): reused when
   already running (and then left running), else started here and stopped at session end.
3. No Java/Maven but a Docker engine answers: testcontainers.

Fixtures: ``es_url`` (str), ``es_client`` (official client), ``kafka_bootstrap`` (str),
``unique_name`` (an index/topic/group name no other test uses), and two factories for tests
that must stop a server or run one with special settings: ``private_es(settings=...)`` and
``private_kafka(properties=...)`` start a node of their own on free ports, stopped afterwards.
``filebeat_binary``, ``tst_send_binary`` and ``tst_lj_binary`` are the genuine Go Beats clients
(built once into the cache by ``pipeline.stack._gotools``).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from pipeline.errors import StackError
from pipeline.stack import (
    Endpoints,
    EsNode,
    KafkaBroker,
    Stack,
    StackConfig,
    es_health,
    external_endpoints,
    free_port,
    kafka_answers,
)

REPO = Path(__file__).resolve().parent.parent
NO_SERVERS = (
    "No Elasticsearch/Kafka for the integration tests: {why}\n"
    "Either install Java 17 and Maven (apt-get install openjdk-17-jdk-headless maven) so the "
    "local stack can start, or point the tests at running servers: "
    "ES_URL=http://127.0.0.1:9200 KAFKA_BOOTSTRAP=127.0.0.1:9092 make test"
)


def _local_stack() -> Stack:
    config = StackConfig.from_env()
    if "LUMBERYARD_STATE_DIR" not in os.environ:
        config = config.model_copy(update={"state_dir": REPO / ".stack"})
    return Stack(config)


def _already_serving(stack: Stack) -> bool:
    return es_health(stack.es.url) is not None and kafka_answers(stack.kafka.bootstrap)


@pytest.fixture(scope="session")
def stack_endpoints() -> Iterator[Endpoints]:
    """Where the session's Elasticsearch and Kafka are (see the module docstring)."""
    external = external_endpoints()
    if external is not None:
        yield external
        return
    stack = _local_stack()
    if _already_serving(stack):
        yield stack.endpoints()
        return
    try:
        endpoints = stack.up()
    except StackError as exc:
        yield from _containers_or_fail(str(exc))
        return
    yield endpoints
    for name in endpoints.started:
        stack.servers()[name].stop()


def _containers_or_fail(why: str) -> Iterator[Endpoints]:
    from pipeline.stack._containers import ContainerStack, docker_answers

    if not docker_answers():
        pytest.fail(NO_SERVERS.format(why=why), pytrace=False)
    containers = ContainerStack()
    yield containers.start()
    containers.stop()


@pytest.fixture(scope="session")
def es_url(stack_endpoints: Endpoints) -> str:
    """The Elasticsearch URL every integration test uses."""
    return stack_endpoints.es_url


@pytest.fixture(scope="session")
def kafka_bootstrap(stack_endpoints: Endpoints) -> str:
    """The Kafka bootstrap address every integration test uses."""
    return stack_endpoints.kafka_bootstrap


@pytest.fixture(scope="session")
def es_client(es_url: str) -> Iterator[Elasticsearch]:
    """The official Elasticsearch client on ``es_url``."""
    client = Elasticsearch(es_url, request_timeout=60)
    yield client
    client.close()


@pytest.fixture
def unique_name(request: pytest.FixtureRequest) -> Iterator[str]:
    """A lowercase name (index, topic, group) unique to this test run and test.

    ``serve`` and ``reprocess`` install the index templates of a missing index prefix: a test
    on the real Elasticsearch has those of its name removed afterwards (wildcards only match
    this name, which no other test uses)."""
    stem = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:40]
    name = f"t-{stem}-{uuid.uuid4().hex[:8]}"
    uses_es = "es_url" in request.fixturenames
    client: Elasticsearch | None = request.getfixturevalue("es_client") if uses_es else None
    yield name
    if client is not None:
        quiet = client.options(ignore_status=404)
        quiet.indices.delete_index_template(name=f"{name}*")
        quiet.cluster.delete_component_template(name=f"{name}*")


@pytest.fixture
def es_prefix(es_client: Elasticsearch, unique_name: str) -> Iterator[str]:
    """An index prefix unique to this test; its indices and templates are removed afterwards."""
    from tests.pipeline.setup.helpers import remove_templates

    prefix = f"{unique_name}-"
    yield prefix
    remove_templates(es_client, prefix)


@pytest.fixture(scope="session")
def private_root() -> Iterator[Path]:
    """A directory for private servers that the unprivileged ES user can enter (not 0700)."""
    root = Path(tempfile.mkdtemp(prefix="lumberyard-private-", dir=tempfile.gettempdir()))
    root.chmod(0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def private_es(private_root: Path) -> Iterator[Callable[..., EsNode]]:
    """Factory: ``private_es(settings={...}, start=True)`` -> a running EsNode of this test.

    Free ports, its own data dir; ``node.stop()`` / ``node.start()`` / ``node.restart()`` keep
    the data (outage tests). Every node is stopped when the test ends.
    """
    nodes: list[EsNode] = []

    def make(settings: dict[str, Any] | None = None, *, start: bool = True) -> EsNode:
        workdir = private_root / f"es-{uuid.uuid4().hex[:8]}"
        node = EsNode(
            workdir,
            free_port(),
            free_port(),
            heap_min="512m",
            heap_max="512m",
            settings=settings,
            name=workdir.name,
        )
        nodes.append(node)
        if start:
            node.start()
        return node

    yield make
    for node in nodes:
        node.stop()


@pytest.fixture
def private_kafka(private_root: Path) -> Iterator[Callable[..., KafkaBroker]]:
    """Factory: ``private_kafka(properties={...}, start=True)`` -> a running KafkaBroker.

    Free ports, its own data dir; stop/start/restart keep the data. Stopped when the test ends.
    """
    brokers: list[KafkaBroker] = []

    def make(properties: dict[str, Any] | None = None, *, start: bool = True) -> KafkaBroker:
        workdir = private_root / f"kafka-{uuid.uuid4().hex[:8]}"
        broker = KafkaBroker(
            workdir,
            free_port(),
            free_port(),
            heap="384m",
            properties=properties,
            name=workdir.name,
        )
        brokers.append(broker)
        if start:
            broker.start()
        return broker

    yield make
    for broker in brokers:
        broker.stop()


# --- Genuine Go Beats clients (pipeline/stack/_gotools.py): built once into the cache ---------


def _go_tool(build: Callable[[], Path]) -> Path:
    try:
        return build()
    except StackError as exc:
        pytest.fail(f"cannot build a Go client for the interop tests: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def filebeat_binary() -> Path:
    """The genuine OSS Filebeat 7.17.29, built from the Go module proxy on first use (minutes)."""
    from pipeline.stack._gotools import filebeat_binary as build

    return _go_tool(build)


@pytest.fixture(scope="session")
def tst_send_binary() -> Path:
    """go-lumber's ``tst-send`` (a Lumberjack v2 client resending one batch forever)."""
    from pipeline.stack._gotools import lumber_tool

    return _go_tool(lambda: lumber_tool("tst-send"))


@pytest.fixture(scope="session")
def tst_lj_binary() -> Path:
    """go-lumber's ``tst-lj`` (the reference Lumberjack server that ACKs and discards)."""
    from pipeline.stack._gotools import lumber_tool

    return _go_tool(lambda: lumber_tool("tst-lj"))
