"""The Beats server over real sockets with the project's own client and pylogbeat: one batch
per window, the ACK only after the batch's ack, keepalives, limits, protocol errors, TLS.

The consumer here is the test itself (it decides when a batch is acknowledged); the tests that
claim delivery into Elasticsearch are in test_beats_delivery_integration.py.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from pylogbeat import PyLogBeatClient

from pipeline.errors import InputError
from pipeline.inputs.beats import BeatsInput, BeatsInputConfig, BeatsTlsConfig
from pipeline.runtime import METADATA, Batch
from tests.pipeline.inputs.beats.certs import Certs, make_certs
from tests.pipeline.inputs.beats.lumberjack import Client, window_bytes

DOCS = [
    {"message": f"line {i}", "log": {"file": {"path": "/var/log/a.log"}, "offset": 10 * i},
     "host": {"name": "web-1"}, "@timestamp": "2025-09-12T10:00:00.000Z"}
    for i in range(5)
]


def config(**settings: Any) -> BeatsInputConfig:
    return BeatsInputConfig(**({"host": "127.0.0.1", "port": 0} | settings))


class Harness:
    """A started BeatsInput and the batches it has yielded so far."""

    def __init__(self, beats: BeatsInput) -> None:
        self.beats = beats
        self.batches: asyncio.Queue[Batch] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Harness:
        await self.beats.start()
        self._task = asyncio.create_task(self._consume())
        return self

    async def _consume(self) -> None:
        async for batch in self.beats.batches():
            self.batches.put_nowait(batch)

    async def __aexit__(self, *exc: object) -> None:
        await self.beats.close()
        assert self._task is not None
        await self._task

    async def next_batch(self) -> Batch:
        return await asyncio.wait_for(self.batches.get(), 30)


def run(test: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(test(), 120))


def texts(batch: Batch) -> list[str]:
    return [event["message"] for event in batch.events]


@pytest.mark.parametrize("compress", [True, False])
def test_a_window_is_one_batch_acked_only_after_its_ack(compress: bool) -> None:
    """The ACK (highest seq) is written when the batch's ack runs, not when it is read."""

    async def scenario() -> None:
        async with Harness(BeatsInput(config(keepalive_interval_secs=3600))) as h:
            client = await Client.connect(h.beats.port)
            await client.send(window_bytes(DOCS, compress=compress))
            batch = await h.next_batch()
            written_before_ack = (h.beats.counters.acks, h.beats.counters.keepalives)
            batch.ack()
            assert ((0, 0), (ord("2"), 5)) == (written_before_ack, await client.read_ack())
            assert ([d["message"] for d in DOCS], "beats") == (texts(batch), batch.input_name)
            await client.close()

    run(scenario)


def test_sequences_restarting_per_window_and_never_resetting() -> None:
    """Filebeat numbers 1..n per window, pylogbeat-style clients keep counting: each window
    is ACKed with its own highest sequence."""

    async def scenario() -> None:
        async with Harness(BeatsInput(config())) as h:
            client = await Client.connect(h.beats.port)
            acks = []
            for first in (1, 1, 6, 11):
                sending = asyncio.ensure_future(client.send_window(DOCS, first_seq=first))
                (await h.next_batch()).ack()
                acks.append(await sending)
            assert [5, 5, 10, 15] == acks
            await client.close()

    run(scenario)


def test_v1_key_value_frames_are_acked_in_v1() -> None:
    """logstash-forwarder's v1 frames: line/host/file/offset become the Filebeat fields."""

    async def scenario() -> None:
        async with Harness(BeatsInput(config())) as h:
            client = await Client.connect(h.beats.port)
            pairs = [{"line": "hello", "host": "h1", "file": "/x.log", "offset": "42", "k": "v"}]
            await client.send(window_bytes(pairs, version=1, compress=False))
            batch = await h.next_batch()
            batch.ack()
            event = dict(batch.events[0])
            event.pop(METADATA)
            assert ((ord("1"), 1), {
                "message": "hello", "host": {"name": "h1"},
                "log": {"file": {"path": "/x.log"}, "offset": 42}, "k": "v",
            }) == (await client.read_ack(), event)
            await client.close()

    run(scenario)


def test_two_windows_in_flight_then_reading_waits_for_an_ack() -> None:
    """With two windows unacknowledged, the third is not read until the first is ACKed."""

    async def scenario() -> None:
        async with Harness(BeatsInput(config())) as h:
            client = await Client.connect(h.beats.port)
            for first in (1, 6, 11):
                await client.send(window_bytes(DOCS, first_seq=first))
            one, two = await h.next_batch(), await h.next_batch()
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(h.batches.get(), 0.3)
            one.ack()
            three = await h.next_batch()
            two.ack()
            three.ack()
            assert [5, 10, 15] == [await client.await_ack(s) for s in (5, 10, 15)]
            await client.close()

    run(scenario)


def test_acks_go_out_in_window_order() -> None:
    """A later window delivered first waits for the earlier one: ACKs leave in order."""

    async def scenario() -> None:
        async with Harness(BeatsInput(config())) as h:
            client = await Client.connect(h.beats.port)
            await client.send(window_bytes(DOCS, first_seq=1) + window_bytes(DOCS, first_seq=6))
            one, two = await h.next_batch(), await h.next_batch()
            two.ack()
            one.ack()
            assert [5, 10] == [(await client.read_ack())[1] for _ in range(2)]
            await client.close()

    run(scenario)


def test_keepalive_acks_while_a_window_waits() -> None:
    """An ACK of 0 arrives while the batch is undelivered; the real ACK follows."""

    async def scenario() -> None:
        async with Harness(BeatsInput(config(keepalive_interval_secs=0.1))) as h:
            client = await Client.connect(h.beats.port)
            await client.send(window_bytes(DOCS))
            batch = await h.next_batch()
            first = await client.read_ack()
            batch.ack()
            assert ((ord("2"), 0), 5) == (first, await client.await_ack(5))
            assert 1 <= h.beats.counters.keepalives
            await client.close()

    run(scenario)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x16\x03\x01\x02\x00\x01\x00", "TLS handshake"),
        (b"2Z\x00\x00\x00\x00", "unknown frame type 'Z'"),
        (window_bytes(DOCS)[:6] + b"2J\x00\x00\x00\x01\x00\x00\x00\x03{x}", "invalid JSON"),
        (window_bytes(DOCS)[:6] + b"2C\x00\x00\x00\x04abcd", "bad zlib"),
    ],
)
def test_a_protocol_error_closes_only_that_connection(
    data: bytes, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The broken client is closed with one log line naming it and the reason; a second
    client on the same server carries on."""

    async def scenario() -> None:
        async with Harness(BeatsInput(config())) as h:
            good, bad = await Client.connect(h.beats.port), await Client.connect(h.beats.port)
            await bad.send(data)
            assert await bad.closed_by_server()
            sending = asyncio.ensure_future(good.send_window(DOCS))
            (await h.next_batch()).ack()
            assert 5 == await sending
            peer = f"127.0.0.1:{bad.writer.get_extra_info('sockname')[1]}"
            lines = [r.getMessage() for r in caplog.records if "closing connection" in r.message]
            assert 1 == len(lines)
            assert (True, True, 1) == (
                peer in lines[0], reason in lines[0], h.beats.counters.protocol_errors,
            )
            await good.close()
            await bad.close()

    with caplog.at_level(logging.WARNING, logger="lumberyard.beats"):
        run(scenario)


@pytest.mark.parametrize(
    ("settings", "data", "limit"),
    [
        ({"max_events_per_window": 4}, window_bytes(DOCS), "max_events_per_window"),
        ({"max_event_bytes": 50}, window_bytes(DOCS, compress=False), "max_event_bytes"),
        (
            {"max_event_bytes": 100, "max_window_bytes": 200},
            window_bytes(DOCS * 4, compress=True),
            "max_window_bytes",
        ),
    ],
)
def test_limits_close_the_connection_and_count(
    settings: dict[str, int], data: bytes, limit: str
) -> None:
    """A window over a limit closes that connection; the counter names the limit."""

    async def scenario() -> None:
        async with Harness(BeatsInput(config(**settings))) as h:
            client = await Client.connect(h.beats.port)
            await client.send(data)
            assert await client.closed_by_server()
            assert {limit: 1} == h.beats.counters.limits
            await client.close()

    run(scenario)


def test_connections_over_the_limit_are_refused() -> None:
    """The connection beyond max_connections is closed at once and counted."""

    async def scenario() -> None:
        async with Harness(BeatsInput(config(max_connections=1))) as h:
            first = await Client.connect(h.beats.port)
            second = await Client.connect(h.beats.port)
            assert await second.closed_by_server()
            sending = asyncio.ensure_future(first.send_window(DOCS))
            (await h.next_batch()).ack()
            assert (5, 1, {"max_connections": 1}) == (
                await sending, h.beats.counters.connections_refused, h.beats.counters.limits,
            )
            await first.close()
            await second.close()

    run(scenario)


def test_idle_connections_are_closed() -> None:
    """A client that sends nothing is closed after idle_timeout_secs."""

    async def scenario() -> None:
        async with Harness(BeatsInput(config(idle_timeout_secs=0.2))) as h:
            client = await Client.connect(h.beats.port)
            assert await client.closed_by_server()
            assert 1 == h.beats.counters.idle_closed
            await client.close()

    run(scenario)


def test_a_client_leaving_inside_a_window_is_a_truncated_window() -> None:
    """A stream that ends inside a window is logged as such; nothing is handed on."""

    async def scenario() -> None:
        async with Harness(BeatsInput(config())) as h:
            client = await Client.connect(h.beats.port)
            await client.send(window_bytes(DOCS)[:20])
            await client.close()
            while h.beats.counters.protocol_errors == 0:
                await asyncio.sleep(0.01)
            assert (1, 0, 0) == (
                h.beats.counters.protocol_errors, h.beats.counters.windows, h.beats.budget.used,
            )

    run(scenario)


def test_pylogbeat_a_third_party_client() -> None:
    """pylogbeat (compressed windows, sequences that never reset) gets every window ACKed."""

    async def scenario() -> None:
        async with Harness(BeatsInput(config())) as h:

            def ship() -> None:
                with PyLogBeatClient("127.0.0.1", h.beats.port, timeout=30) as client:
                    client.send(DOCS[:3])
                    client.send(DOCS[3:])

            shipping = asyncio.get_running_loop().run_in_executor(None, ship)
            got = []
            for _ in range(2):
                batch = await h.next_batch()
                got += texts(batch)
                batch.ack()
            await shipping
            assert [d["message"] for d in DOCS] == got

    run(scenario)


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return make_certs(tmp_path_factory.mktemp("certs"))


def tls_config(certs: Certs, auth: str) -> BeatsInputConfig:
    tls = BeatsTlsConfig(
        certificate=certs.server_cert, key=certs.server_key,
        certificate_authorities=[certs.ca_cert], client_authentication=auth,  # type: ignore[arg-type]
    )
    return config(tls=tls)


@pytest.mark.parametrize(("auth", "with_cert"), [("required", True), ("optional", False)])
def test_tls_with_and_without_a_client_certificate(
    certs: Certs, auth: str, with_cert: bool
) -> None:
    """Over TLS a window is delivered and ACKed; with `required` a client certificate signed
    by the configured CA is presented (mutual TLS)."""

    async def scenario() -> None:
        async with Harness(BeatsInput(tls_config(certs, auth))) as h:
            client = await Client.connect(h.beats.port, certs.client_context(with_cert))
            sending = asyncio.ensure_future(client.send_window(DOCS))
            (await h.next_batch()).ack()
            assert 5 == await sending
            await client.close()

    run(scenario)


def test_tls_required_refuses_a_client_without_a_certificate(certs: Certs) -> None:
    """mTLS: a client that presents no certificate never gets a window through."""

    async def scenario() -> None:
        async with Harness(BeatsInput(tls_config(certs, "required"))) as h:
            client = await Client.connect(h.beats.port, certs.client_context(False))
            await client.send(window_bytes(DOCS))
            with pytest.raises((ConnectionError, OSError, asyncio.IncompleteReadError)):
                await client.read_ack()
            assert (0, True) == (h.beats.counters.windows, h.batches.empty())
            await client.close()

    run(scenario)




@pytest.fixture(scope="module")
def stranger(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    """Certificates of another CA, one the server does not trust."""
    return make_certs(tmp_path_factory.mktemp("stranger"))


async def refused_over_tls(
    h: Harness, context: ssl.SSLContext, caplog: pytest.LogCaptureFixture, reason: str
) -> None:
    """The handshake (or the first read after it) fails, no window gets through, and the
    server says so in one line naming the peer and ``reason``, counted as a protocol error
    (the connection's slot is given back)."""
    with pytest.raises((ConnectionError, OSError, asyncio.IncompleteReadError)):
        await ship_one_window(h.beats.port, context)
    while not h.beats.counters.protocol_errors:
        await asyncio.sleep(0.01)  # the server's side of the handshake ends on its own task
    lines = [r.getMessage() for r in caplog.records if "TLS handshake failed" in r.message]
    assert (1, True, True) == (
        len(lines), "closing connection from 127.0.0.1:" in lines[0], reason in lines[0],
    )
    assert (0, True, 1, 0) == (
        h.beats.counters.windows, h.batches.empty(), h.beats.counters.protocol_errors,
        h.beats.counters.connections_active,
    )


async def ship_one_window(port: int, context: ssl.SSLContext) -> None:
    """Connect, send a window and read its ACK (raises where TLS refuses the client)."""
    client = await Client.connect(port, context)
    try:
        await client.send(window_bytes(DOCS))
        await client.read_ack()
    finally:
        await client.close()


@pytest.mark.parametrize("auth", ["optional", "required"])
def test_tls_refuses_a_client_certificate_of_an_unknown_ca(
    certs: Certs, stranger: Certs, auth: str, caplog: pytest.LogCaptureFixture
) -> None:
    """`optional` verifies a certificate when one is sent, like `required`: a certificate of
    a CA that is not configured is refused in both modes."""
    context = ssl.create_default_context(cafile=str(certs.ca_cert))
    context.load_cert_chain(stranger.client_cert, stranger.client_key)

    async def scenario() -> None:
        async with Harness(BeatsInput(tls_config(certs, auth))) as h:
            await refused_over_tls(h, context, caplog, "CERTIFICATE_VERIFY_FAILED")

    with caplog.at_level(logging.WARNING, logger="lumberyard.beats"):
        run(scenario)


def test_tls_min_version_is_enforced_by_the_server(
    certs: Certs, caplog: pytest.LogCaptureFixture
) -> None:
    """With `min_version = "1.3"` a client offering at most TLS 1.2 is refused (the client
    itself supports 1.2, so the refusal is the server's)."""
    context = certs.client_context(False)
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    tls = tls_config(certs, "none").tls.model_copy(update={"min_version": "1.3"})

    async def scenario() -> None:
        async with Harness(BeatsInput(config(tls=tls))) as h:
            await refused_over_tls(h, context, caplog, "UNSUPPORTED_PROTOCOL")

    with caplog.at_level(logging.WARNING, logger="lumberyard.beats"):
        run(scenario)


def test_stop_during_a_tls_handshake_frees_the_connection(certs: Certs) -> None:
    """A client that connected to the TLS port and never shook hands is let go on stop: its
    slot is given back (asyncio never reports the end of an unfinished handshake)."""

    async def scenario() -> None:
        async with Harness(BeatsInput(tls_config(certs, "none"))) as h:
            _, writer = await asyncio.open_connection("127.0.0.1", h.beats.port)
            while not h.beats.counters.connections_active:
                await asyncio.sleep(0.01)
            await h.beats.stop()
            while h.beats.counters.connections_active:
                await asyncio.sleep(0.01)  # bounded by run()'s timeout
            assert (0, 0) == (h.beats.counters.connections_active, h.beats.counters.windows)
            writer.close()

    run(scenario)


def test_each_connection_is_its_own_stream() -> None:
    """Batches carry `beats:PEER#N`: one ack-ordering stream per connection."""

    async def scenario() -> None:
        async with Harness(BeatsInput(config())) as h:
            clients = [await Client.connect(h.beats.port) for _ in range(2)]
            streams = []
            for client in clients:
                sending = asyncio.ensure_future(client.send_window(DOCS))
                batch = await h.next_batch()
                streams.append(batch.stream)
                batch.ack()
                await sending
            expected = [
                f"beats:127.0.0.1:{c.writer.get_extra_info('sockname')[1]}#{n}"
                for n, c in enumerate(clients, start=1)
            ]
            assert expected == streams
            for client in clients:
                await client.close()

    run(scenario)


def test_reuse_port_lets_two_inputs_share_the_port() -> None:
    """With reuse_port (serve --workers) a second input binds the same port; without it the
    second one fails with an InputError naming the address."""

    async def scenario() -> None:
        first = BeatsInput(config(reuse_port=True))
        await first.start()
        second = BeatsInput(config(reuse_port=True, port=first.port))
        third = BeatsInput(config(port=first.port))
        try:
            await second.start()
            with pytest.raises(InputError) as error:
                await third.start()
            assert first.port == second.port
            assert f"beats: cannot listen on 127.0.0.1:{first.port}: " in str(error.value)
        finally:
            for beats in (first, second, third):
                await beats.close()

    run(scenario)


def test_stop_before_batches_never_listens() -> None:
    """A stop that comes before `batches` starts leaves nothing bound; `batches` just ends."""

    async def scenario() -> None:
        beats = BeatsInput(config())
        await beats.stop()
        assert [] == [batch async for batch in beats.batches()]
        await beats.close()
        with pytest.raises(RuntimeError):
            _ = beats.port

    run(scenario)


def test_observe_reports_connections_and_windows_waiting() -> None:
    """The metrics gauges: open connections and windows read but not yet ACKed."""

    async def scenario() -> None:
        async with Harness(BeatsInput(config())) as h:
            client = await Client.connect(h.beats.port)
            await client.send(window_bytes(DOCS))
            batch = await h.next_batch()
            before = h.beats.observe()
            batch.ack()
            await client.await_ack(5)
            after = h.beats.observe()
            assert ((1, 1), (1, 0)) == (
                (before.connections, before.windows_waiting),
                (after.connections, after.windows_waiting),
            )
            await client.close()

    run(scenario)
