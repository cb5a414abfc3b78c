"""The session's Elasticsearch and Kafka are genuine servers, driven by the official clients."""

from __future__ import annotations

import pytest
from elasticsearch import Elasticsearch, helpers
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

pytestmark = pytest.mark.integration

DOCS = 1000
PARTITIONS = 3


def test_elasticsearch_indexes_and_searches_bulk_documents(
    es_client: Elasticsearch, unique_name: str
) -> None:
    """1,000 documents bulk-indexed with the official client come back from a search."""
    es_client.indices.create(index=unique_name, settings={"number_of_replicas": 0})
    actions = ({"_index": unique_name, "_id": str(i), "n": i} for i in range(DOCS))
    indexed, errors = helpers.bulk(es_client, actions, refresh="wait_for")
    found = es_client.search(index=unique_name, size=DOCS, sort=["n"], track_total_hits=True)
    es_client.indices.delete(index=unique_name)
    assert (DOCS, []) == (indexed, errors)
    assert DOCS == found["hits"]["total"]["value"]
    assert list(range(DOCS)) == [hit["_source"]["n"] for hit in found["hits"]["hits"]]


def test_elasticsearch_identifies_itself_as_elasticsearch(
    es_client: Elasticsearch, unique_name: str
) -> None:
    """Responses carry the X-Elastic-Product header the official client insists on."""
    response = es_client.indices.create(index=unique_name)
    es_client.indices.delete(index=unique_name)
    assert "Elasticsearch" == response.meta.headers.get("X-Elastic-Product")


def test_elasticsearch_supports_templates_and_flattened(
    es_client: Elasticsearch, unique_name: str
) -> None:
    """Component + composable index templates apply, and a flattened field is searchable.

    The lumberyard mappings depend on both; the integ-test-zip distribution must keep them.
    """
    es_client.cluster.put_component_template(
        name=unique_name,
        template={"mappings": {"properties": {"data": {"type": "flattened"}}}},
    )
    es_client.indices.put_index_template(
        name=unique_name, index_patterns=[f"{unique_name}-*"], composed_of=[unique_name]
    )
    index = f"{unique_name}-2025.09.12"
    es_client.index(index=index, document={"data": {"plan": {"tier": "gold"}}}, refresh=True)
    hits = es_client.search(index=index, query={"term": {"data.plan.tier": "gold"}})
    mapping = es_client.indices.get_mapping(index=index)
    es_client.indices.delete(index=index)
    es_client.indices.delete_index_template(name=unique_name)
    es_client.cluster.delete_component_template(name=unique_name)
    assert 1 == hits["hits"]["total"]["value"]
    assert "flattened" == mapping[index]["mappings"]["properties"]["data"]["type"]


def test_kafka_group_consumes_and_commits_every_message(
    kafka_bootstrap: str, unique_name: str
) -> None:
    """1,000 messages on a 3-partition topic are consumed by a group whose commits stick."""
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    admin.create_topics([NewTopic(unique_name, PARTITIONS, 1)])
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    for i in range(DOCS):
        producer.send(unique_name, key=str(i).encode(), value=f"message {i}".encode())
    producer.flush()
    producer.close()
    values = _consume(kafka_bootstrap, unique_name, DOCS)
    committed = admin.list_group_offsets(unique_name)[unique_name]
    ends = _end_offsets(kafka_bootstrap, unique_name)
    admin.delete_topics([unique_name])
    admin.close()
    assert sorted(f"message {i}" for i in range(DOCS)) == sorted(values)
    assert ends == {tp.partition: meta.offset for tp, meta in committed.items()}
    assert DOCS == sum(ends.values())


def _consume(bootstrap: str, topic: str, count: int) -> list[str]:
    """Read ``count`` messages as consumer group ``topic``, then commit synchronously."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=topic,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=60_000,
    )
    values: list[str] = []
    for record in consumer:
        values.append(record.value.decode())
        if len(values) == count:
            break
    consumer.commit()
    consumer.close()
    return values


def _end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
    ends = consumer.end_offsets(partitions)
    consumer.close()
    return {tp.partition: offset for tp, offset in ends.items()}
