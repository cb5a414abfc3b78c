"""The remote checks the endpoint runs: Elasticsearch the way the sink uses it, Kafka answers."""

from __future__ import annotations

import asyncio

from pipeline.connections import EsConnection
from pipeline.errors import NotConnected
from pipeline.observe._endpoint import Probe


def elasticsearch_probe(connection: EsConnection) -> Probe:
    """The sink's own health check (version, cluster not red, ``_bulk`` accepts our
    credentials) on a fresh session each time, closed afterwards."""

    async def probe() -> str:
        from pipeline.outputs.elasticsearch import (  # noqa: PLC0415 - endpoint-time import
            BulkService,
            ElasticsearchOutputConfig,
            check_health,
        )

        service = BulkService(connection, ElasticsearchOutputConfig(max_in_flight=1))
        try:
            info = await check_health(service)
        finally:
            await service.close()
        return f"Elasticsearch {info.version} at {service.base_url}, cluster {info.status}"

    return probe


def kafka_probe(bootstrap: str, timeout_secs: float = 3.0) -> Probe:
    """A broker of ``bootstrap`` answers Kafka's ApiVersions request."""

    async def probe() -> str:
        from pipeline.check import kafka_api_versions  # noqa: PLC0415

        reasons = []
        for server in (s.strip() for s in bootstrap.split(",") if s.strip()):
            try:
                count = await asyncio.to_thread(kafka_api_versions, server, timeout_secs)
            except (OSError, ValueError) as exc:
                reasons.append(f"{server}: {exc}")
                continue
            return f"broker {server} answers ({count} API versions)"
        raise NotConnected(f"no Kafka broker answers: {'; '.join(reasons)}")

    return probe
