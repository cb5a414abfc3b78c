"""Producing test records to, and reading group offsets from, the real Kafka."""

from __future__ import annotations

from collections.abc import Iterable

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic


def create_topic(
    bootstrap: str, topic: str, partitions: int, configs: dict[str, str] | None = None
) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(topic, partitions, 1, topic_configs=configs or {})])
    finally:
        admin.close()


def produce(
    bootstrap: str, topic: str, values: Iterable[bytes], partitions: int,
    max_request_size: int = 1 << 20,
) -> int:
    """Send ``values`` round-robin over the partitions; returns how many were sent."""
    producer = KafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=20, batch_size=256 * 1024,
        max_request_size=max_request_size,
    )
    sent = 0
    try:
        for n, value in enumerate(values):
            producer.send(topic, value=value, partition=n % partitions)
            sent += 1
        producer.flush()
    finally:
        producer.close()
    return sent


def produce_to(bootstrap: str, topic: str, records: Iterable[tuple[int, bytes]]) -> int:
    """Send each ``(partition, value)`` in order (one partition keeps the order it is given);
    returns how many were sent."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20,
                             batch_size=256 * 1024, max_in_flight_requests_per_connection=1)
    sent = 0
    try:
        for partition, value in records:
            producer.send(topic, value=value, partition=partition)
            sent += 1
        producer.flush()
    finally:
        producer.close()
    return sent


def lines(start: int, count: int, day: str = "2025-09-12") -> Iterable[bytes]:
    """Distinct raw log lines (a timestamp the daily index is taken from)."""
    for n in range(start, start + count):
        yield f"{day} 10:{n // 60000 % 60:02d}:{n // 1000 % 60:02d},{n % 1000:03d} INFO " \
              f"[order-service] order n={n} placed".encode()


def end_offsets(bootstrap: str, topic: str, partitions: int) -> dict[int, int]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        return {tp.partition: offset for tp, offset in consumer.end_offsets(tps).items()}
    finally:
        consumer.close()


def committed(bootstrap: str, group: str, topic: str) -> dict[int, int]:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        offsets = admin.list_group_offsets(group).get(group, {})
    finally:
        admin.close()
    return {tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == topic}
