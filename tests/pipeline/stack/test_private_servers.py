"""Private servers for tests that stop a server or need special settings."""

from __future__ import annotations

import itertools
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from kafka import KafkaConsumer, KafkaProducer

from pipeline.errors import StackError
from pipeline.stack import EsNode, KafkaBroker, Stack, StackConfig, free_port, port_open

pytestmark = pytest.mark.integration


def test_private_es_applies_extra_settings(private_es: Callable[..., EsNode]) -> None:
    """Settings passed to the factory reach the node (the 429 tests need a tiny write queue)."""
    node = private_es({"thread_pool.write.queue_size": 1})
    client = Elasticsearch(node.url)
    pools = client.nodes.info(metric="thread_pool")["nodes"]
    client.close()
    (info,) = pools.values()
    assert 1 == info["thread_pool"]["write"]["queue_size"]


def test_private_es_keeps_its_data_across_an_outage(private_es: Callable[..., EsNode]) -> None:
    """A document indexed before stop() is still there after start() on the same data dir."""
    node = private_es()
    client = Elasticsearch(node.url)
    client.index(index="outage", id="1", document={"kept": True}, refresh=True)
    node.stop()
    stopped_port_open = port_open(node.http_port)
    node.start()
    found = client.get(index="outage", id="1")
    client.close()
    assert (False, {"kept": True}) == (stopped_port_open, found["_source"])


def test_private_kafka_keeps_messages_across_a_restart(
    private_kafka: Callable[..., KafkaBroker],
) -> None:
    """Messages produced before restart() are consumable after it, on the same ports."""
    broker = private_kafka()
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all")
    producer.send("kept", b"before restart").get(timeout=30)
    producer.close()
    broker.restart()
    consumer = KafkaConsumer(
        "kept",
        bootstrap_servers=broker.bootstrap,
        auto_offset_reset="earliest",
        consumer_timeout_ms=30_000,
    )
    values = [record.value for record in itertools.islice(consumer, 1)]
    consumer.close()
    assert [b"before restart"] == values


def test_stopped_servers_leave_no_process(
    private_es: Callable[..., EsNode], private_kafka: Callable[..., KafkaBroker]
) -> None:
    """stop() ends every process of a server's group (launcher and JVM alike)."""
    node, broker = private_es(), private_kafka()
    running = (bool(node.process.group_pids()), bool(broker.process.group_pids()))
    node.stop()
    broker.stop()
    after = (node.process.group_pids(), broker.process.group_pids())
    assert ((True, True), ([], [])) == (running, after)


def test_a_failed_stack_start_leaves_nothing_running(tmp_path: Path) -> None:
    """When Elasticsearch cannot start (its port is taken), the Kafka started with it is stopped."""
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        config = StackConfig(
            state_dir=tmp_path,
            es_port=squatter.getsockname()[1],
            es_transport_port=free_port(),
            kafka_port=free_port(),
            kafka_controller_port=free_port(),
        )
        stack = Stack(config)
        with pytest.raises(StackError, match="is in use"):
            stack.up()
    assert (False, []) == (stack.kafka.running(), stack.kafka.process.group_pids())
