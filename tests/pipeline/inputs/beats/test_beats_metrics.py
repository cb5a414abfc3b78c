"""The Beats input's own counters reach the metrics endpoint: a real server over real sockets
refuses, closes on protocol errors and limits, closes an idle client, and a scrape (a worker
snapshot rendered as the endpoint renders it) shows each of them by kind and by limit."""

from __future__ import annotations

import asyncio

from pipeline.inputs.beats import BeatsInput
from pipeline.observe import Telemetry
from tests.pipeline.inputs.beats.lumberjack import Client, window_bytes
from tests.pipeline.inputs.beats.test_beats_server import Harness, config, run
from tests.pipeline.observe.test_telemetry import scrape


async def quiet(beats: BeatsInput) -> None:
    """Until no connection is open (bounded by the scenario's timeout in ``run``)."""
    while beats.counters.connections_active:
        await asyncio.sleep(0.01)


async def incidents(beats: BeatsInput) -> None:
    """One refused connection, two protocol errors (one a limit) and one idle close."""
    tls_client = await Client.connect(beats.port)
    await tls_client.send(b"\x16\x03\x01\x00\x05")  # a TLS ClientHello on the plain port
    assert await tls_client.closed_by_server()
    await quiet(beats)
    greedy = await Client.connect(beats.port)
    await greedy.send(window_bytes([{"message": "x"}] * 3))  # max_events_per_window is 2
    assert await greedy.closed_by_server()
    await quiet(beats)
    idle = await Client.connect(beats.port)
    while not beats.counters.connections_active:
        await asyncio.sleep(0.01)
    refused = await Client.connect(beats.port)  # max_connections is 1
    assert (True, True) == (await refused.closed_by_server(), await idle.closed_by_server())
    for client in (tls_client, greedy, idle, refused):
        await client.close()


def test_refusals_protocol_errors_idle_closes_and_limits_are_scraped() -> None:
    """Each kind of incident and each limit tripped is a counter series of its own."""
    scraped: dict[str, float] = {}

    async def scenario() -> None:
        beats = BeatsInput(config(max_connections=1, max_events_per_window=2,
                                  idle_timeout_secs=0.3))
        async with Harness(beats):
            await incidents(beats)
            await quiet(beats)
            scraped.update(scrape(Telemetry(live_inputs=[beats])))

    run(scenario)
    kinds = {kind: scraped[f'lumberyard_beats_connection_incidents_total{{kind="{kind}"}}']
             for kind in ("refused", "protocol_error", "idle")}
    limits = {name: value for key, value in scraped.items()
              if key.startswith("lumberyard_input_limits_tripped_total")
              for name in [key.split('"')[1]]}
    assert {"refused": 1.0, "protocol_error": 2.0, "idle": 1.0} == kinds
    assert {"max_events_per_window": 1.0, "max_connections": 1.0} == limits
