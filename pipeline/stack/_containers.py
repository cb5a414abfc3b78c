"""Fallback for machines without Java/Maven but with Docker: the stack as testcontainers.

Used by the test fixtures only when the local stack cannot be provisioned and a Docker
engine answers. The images match the local stack's versions as closely as published images
allow (Confluent's cp-kafka 8.0 is Apache Kafka 4.0).
"""

from __future__ import annotations

from typing import Any

from pipeline.stack._fetch import DEFAULT_ES_VERSION
from pipeline.stack._stack import Endpoints

ES_IMAGE = "docker.elastic.co/elasticsearch/elasticsearch:{version}"
KAFKA_IMAGE = "confluentinc/cp-kafka:8.0.0"


def docker_answers() -> bool:
    """Whether a Docker engine is reachable from here."""
    try:
        import docker  # type: ignore[import-untyped]  # noqa: PLC0415 (optional path)

        client = docker.from_env(timeout=3)
        client.ping()
        client.close()
    except Exception:  # any failure at all means: no usable Docker
        return False
    return True


class ContainerStack:
    """Elasticsearch and Kafka in containers; ``start`` returns their endpoints."""

    def __init__(self, es_version: str = DEFAULT_ES_VERSION) -> None:
        from testcontainers.community.elasticsearch import (  # noqa: PLC0415
            ElasticSearchContainer,
        )
        from testcontainers.community.kafka import KafkaContainer  # noqa: PLC0415

        self._es: Any = ElasticSearchContainer(ES_IMAGE.format(version=es_version)).with_env(
            "ES_JAVA_OPTS", "-Xms512m -Xmx1g"
        )
        self._kafka: Any = KafkaContainer(KAFKA_IMAGE).with_kraft()

    def start(self) -> Endpoints:
        """Start both containers and wait for them (testcontainers' own wait strategies)."""
        self._es.start()
        self._kafka.start()
        return Endpoints(self._es.get_url(), self._kafka.get_bootstrap_server(), provisioned=True)

    def stop(self) -> None:
        """Stop and remove both containers."""
        self._kafka.stop()
        self._es.stop()
