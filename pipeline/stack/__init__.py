"""The local Elasticsearch + Kafka stack lumberyard is developed and tested against.

Real servers from Maven Central, no Docker: ``python -m pipeline.stack up|down|status``.
Tests that need to stop a server or run one with special settings start a private
:class:`EsNode` / :class:`KafkaBroker` on free ports in a directory of their own.
"""

from __future__ import annotations

from pipeline.stack._es import ES_USER, EsNode, es_health
from pipeline.stack._fetch import (
    DEFAULT_ES_VERSION,
    DEFAULT_KAFKA_VERSION,
    cache_dir,
    es_home,
    java_home,
    kafka_libs,
)
from pipeline.stack._kafka import KafkaBroker, kafka_answers
from pipeline.stack._proc import free_port, port_open
from pipeline.stack._stack import Endpoints, Stack, StackConfig, external_endpoints, timed_up

__all__ = [
    "DEFAULT_ES_VERSION",
    "DEFAULT_KAFKA_VERSION",
    "ES_USER",
    "Endpoints",
    "EsNode",
    "KafkaBroker",
    "Stack",
    "StackConfig",
    "cache_dir",
    "es_health",
    "es_home",
    "external_endpoints",
    "free_port",
    "java_home",
    "kafka_answers",
    "kafka_libs",
    "port_open",
    "timed_up",
]
