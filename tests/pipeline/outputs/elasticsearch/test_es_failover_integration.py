"""Several Elasticsearch hosts: the sink fails over from one that is down to one that answers."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from pipeline.connections import EsConnection
from pipeline.dlq import DeadLetterQueue
from pipeline.errors import NotConnected
from pipeline.outputs.elasticsearch import (
    BulkService,
    ElasticsearchOutput,
    ElasticsearchOutputConfig,
)
from pipeline.runtime import Batch
from pipeline.stack import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def index(es_client: Elasticsearch) -> Iterator[str]:
    name = f"t-failover-{uuid.uuid4().hex[:8]}"
    yield name
    es_client.options(ignore_status=404).indices.delete(index=name)


def test_down_host_first_then_the_live_one(
    es_url: str, es_client: Elasticsearch, index: str, tmp_path: Path
) -> None:
    """hosts = [nobody, the real ES]: every event lands, and later requests go straight to
    the host that answered."""
    dead = f"http://127.0.0.1:{free_port()}"
    connection = EsConnection(hosts=[dead, es_url])
    config = ElasticsearchOutputConfig(max_events=10, flush_interval_secs=0.2)
    events = [{"message": f"m{n}", "@metadata": {"_index": index, "_id": f"id-{n}"}}
              for n in range(25)]

    async def send() -> str:
        output = ElasticsearchOutput(config, connection, DeadLetterQueue(tmp_path / "dlq"))
        await output.write(Batch(events, input_name="test"))
        await output.flush()
        await output.close()
        return output.service.base_url

    assert es_url == asyncio.run(send())
    es_client.indices.refresh(index=index)
    assert 25 == es_client.count(index=index)["count"]


def test_every_host_down_names_the_last(tmp_path: Path) -> None:
    """Two hosts, nobody listening on either: NotConnected after trying both."""
    hosts = [f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"]
    service = BulkService(EsConnection(hosts=hosts), ElasticsearchOutputConfig())

    async def get() -> None:
        try:
            await service.get_json("/")
        finally:
            await service.close()

    with pytest.raises(NotConnected, match=f"cannot connect to Elasticsearch at {hosts[1]}"):
        asyncio.run(get())
