"""The local Elasticsearch + Kafka stack lumberyard is developed and tested against.

Real servers from Maven Central, no Docker: ``python -m pipeline.stack up|down|status``.
Tests that need to stop a server or run one with special settings start a private
:class:`EsNode` / :class:`KafkaBroker` on free ports in a directory of their own.

The names below are loaded on first use (module ``__getattr__``), so importing the package,
or ``pipeline.stack._cli`` for the ``lumberyard`` command line, costs next to nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline._lazy import lazy_exports

if TYPE_CHECKING:
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

_WHERE = {
    "ES_USER": "_es",
    "EsNode": "_es",
    "es_health": "_es",
    "DEFAULT_ES_VERSION": "_fetch",
    "DEFAULT_KAFKA_VERSION": "_fetch",
    "cache_dir": "_fetch",
    "es_home": "_fetch",
    "java_home": "_fetch",
    "kafka_libs": "_fetch",
    "KafkaBroker": "_kafka",
    "kafka_answers": "_kafka",
    "free_port": "_proc",
    "port_open": "_proc",
    "Endpoints": "_stack",
    "Stack": "_stack",
    "StackConfig": "_stack",
    "external_endpoints": "_stack",
    "timed_up": "_stack",
}

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


__getattr__ = lazy_exports(__name__, _WHERE)
