"""Hundreds of Beats at once and Elasticsearch going away: memory stays under the one
configured cap, the excess is slowed (its sockets are not read), nothing crashes, and every
event is in the REAL Elasticsearch once (counted there)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from pipeline.stack import EsNode
from tests.pipeline.inputs.beats.lumberjack import Client, window_bytes
from tests.pipeline.inputs.beats.pipeline import Pipeline
from tests.pipeline.inputs.beats.test_beats_delivery_integration import (
    es_count,
    filebeat_events,
    prefix,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]
__all__ = ["prefix"]  # the fixture: an index prefix whose indices go afterwards

MIB = 1024 * 1024


def _status(key: str) -> int:
    """A ``/proc/self/status`` value in bytes (VmRSS, VmHWM)."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1]) * 1024
    raise KeyError(key)


def _reset_peak_rss() -> None:
    Path("/proc/self/clear_refs").write_text("5", encoding="ascii")


async def _herd(port: int, windows: list[bytes], events: int) -> list[int]:
    """Every client connected first, then all send their window at the same moment."""
    clients = await asyncio.gather(*(Client.connect(port) for _ in windows))
    go = asyncio.Event()

    async def one(client: Client, data: bytes) -> int:
        await go.wait()
        await client.send(data)
        acked = await client.await_ack(events)
        await client.close()
        return acked

    tasks = [asyncio.create_task(one(c, w)) for c, w in zip(clients, windows, strict=True)]
    go.set()
    return await asyncio.gather(*tasks)


def test_thundering_herd_of_500_clients_stays_under_the_memory_cap(
    es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """500 clients each send a compressed window of 200 events at once, through a 4 MiB
    total cap (a tenth of the ~42 MB of JSON they send): every client is ACKed, none refused,
    the budget never went over the cap, the process grew by a bounded amount, and all 100,000
    events are documents in Elasticsearch."""
    clients, events, cap = 500, 200, 4 * MIB
    windows = [
        window_bytes(filebeat_events(f"/var/log/host-{n}/app.log", events)) for n in range(clients)
    ]
    inflated = sum(len(w) for w in windows)
    beats = {"max_memory_bytes": cap, "max_window_bytes": MIB, "max_event_bytes": 64 * 1024}
    output = {"max_bytes": MIB // 2, "buffer_max_bytes": 2 * MIB, "max_events": 2000}
    measured: dict[str, int] = {}

    async def scenario() -> list[int]:
        async with Pipeline(es_url, prefix, tmp_path / "dlq", beats=beats, output=output) as p:
            baseline = _status("VmRSS")
            _reset_peak_rss()
            acks = await _herd(p.port, windows, events)
            measured.update(
                rss_growth=_status("VmHWM") - baseline, peak=p.beats.peak_memory,
                refused=p.beats.counters.connections_refused,
                errors=p.beats.counters.protocol_errors,
            )
            return acks

    acks = asyncio.run(asyncio.wait_for(scenario(), 900))
    print(f"herd: sent {inflated} compressed bytes; measured {measured}")
    assert ([events] * clients, 0, 0) == (acks, measured["refused"], measured["errors"])
    assert measured["peak"] <= cap
    # The cap counts events' JSON bytes; decoded, an event takes ~5-8 times that, and the
    # 500 clients of this test live in the same process. Unbounded (a 1 GiB cap) the same
    # herd grew this process by ~350 MB; under the 4 MiB cap by ~46 MB.
    assert measured["rss_growth"] < 24 * cap
    assert clients * events == es_count(es_client, prefix)


def test_elasticsearch_down_holds_the_sockets_then_everything_arrives(
    private_es: Callable[..., EsNode], tmp_path: Path
) -> None:
    """With Elasticsearch stopped, 20 clients each pipeline 4 more windows: the server reads
    until the 1.5 MiB cap is reached and then reads no more (most windows stay in the
    sockets), every connection stays open and gets keepalive ACKs, nothing more is ACKed;
    once Elasticsearch is back every window is ACKed and every event is a document there."""
    node = private_es()
    es = Elasticsearch(node.url)
    clients, later, events, cap = 20, 4, 100, 3 * MIB // 2
    beats = {"max_memory_bytes": cap, "max_window_bytes": MIB // 4, "max_event_bytes": 64 * 1024,
             "keepalive_interval_secs": 0.5}
    output = {"max_bytes": MIB // 4, "buffer_max_bytes": MIB // 2, "max_events": 500,
              "retry_max_backoff_secs": 1.0}
    observed: dict[str, Any] = {}

    async def scenario() -> list[list[int]]:
        loop = asyncio.get_running_loop()
        async with Pipeline(node.url, "outage-", tmp_path / "dlq", beats=beats,
                            output=output) as p:
            conns = [await Client.connect(p.port) for _ in range(clients)]
            first = await asyncio.gather(*(
                c.send_window(filebeat_events(f"/l/{n}.log", events)) for n, c in enumerate(conns)
            ))
            await loop.run_in_executor(None, node.stop)
            for n, client in enumerate(conns):
                for r in range(1, later + 1):
                    docs = filebeat_events(f"/l/{n}.log", events, start=r * events)
                    client.writer.write(window_bytes(docs))
            while p.beats.budget.waiting == 0:
                await asyncio.sleep(0.05)  # until the cap is reached: reading has stopped
            observed.update(
                open=p.beats.counters.connections_active, acked_while_down=p.beats.counters.acks,
                read_while_down=p.beats.counters.windows - clients, peak=p.beats.peak_memory,
            )
            await loop.run_in_executor(None, node.start)

            async def acks_of(client: Client) -> list[int]:
                return [await client.await_ack(events) for _ in range(later)]

            rest = await asyncio.gather(*(acks_of(c) for c in conns))
            observed["keepalives"] = sum(c.keepalives for c in conns)
            for client in conns:
                await client.close()
            return [[a, *r] for a, r in zip(first, rest, strict=True)]

    acks = asyncio.run(asyncio.wait_for(scenario(), 900))
    print(f"outage: observed {observed}")
    assert [[events] * (later + 1)] * clients == acks
    assert (clients, clients) == (observed["open"], observed["acked_while_down"])
    assert observed["read_while_down"] < clients * later
    assert observed["peak"] <= cap
    assert 0 < observed["keepalives"]
    es.indices.refresh(index="outage-*")
    assert clients * (later + 1) * events == int(es.count(index="outage-*")["count"])
