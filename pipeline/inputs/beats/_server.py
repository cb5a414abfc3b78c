"""BeatsInput: the asyncio Lumberjack server around the sans-IO :class:`Decoder`.

One :class:`Batch` per window, its ``stream`` the connection (``beats:PEER#N``) and its ``ack``
the ACK frame for the window's highest sequence, written once every event of it is in
Elasticsearch or the dead letter queue, in window order per connection.

Memory: one :class:`ByteBudget` of ``max_memory_bytes`` is shared by every connection. A
connection reserves budget before each read (it reads no more than the frame it is in needs,
so nothing of the next window is taken early) and before each inflation step, and keeps what
its windows hold until they are acknowledged. When the budget is spent no socket is read:
TCP's flow control slows the clients (backpressure), they are never buffered without bound.
A partly read window can only finish by reading more, so at most ``max_memory_bytes //
(max_window_bytes + headroom)`` windows are read at once (the *gate*): windows in progress can
never fill the budget among themselves and wait for each other for ever.

While a window waits for delivery, an ACK of sequence 0 (what Logstash sends) is written every
``keepalive_interval_secs``: go-lumber's client takes any ACK below the window's size as "still
working" and restarts its read timeout, so Filebeat's 30 s timeout never fires.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pipeline.errors import InputError
from pipeline.inputs.beats._config import BeatsInputConfig
from pipeline.inputs.beats._connection import HEADROOM, READ_BYTES, Connection
from pipeline.inputs.beats._tls import server_context
from pipeline.runtime import Batch, ByteBudget

if TYPE_CHECKING:
    from pipeline.observe._telemetry import InputGauges

_END = object()


@dataclass(slots=True)
class BeatsCounters:
    """What the Beats input counts; ``limits`` by option name when a limit trips."""

    connections_opened: int = 0
    connections_active: int = 0
    connections_refused: int = 0
    protocol_errors: int = 0
    idle_closed: int = 0
    windows: int = 0
    events: int = 0
    acks: int = 0
    keepalives: int = 0
    limits: dict[str, int] = field(default_factory=dict)


class BeatsInput:
    """The Input contract over a Lumberjack v2 (and v1) server."""

    def __init__(self, config: BeatsInputConfig, name: str = "beats") -> None:
        self.name = name
        self.config = config
        self.counters = BeatsCounters()
        self.budget = ByteBudget(config.max_memory_bytes)
        self.gate = asyncio.Semaphore(
            max(1, config.max_memory_bytes // (config.max_window_bytes + HEADROOM))
        )
        self.peak_memory = 0
        """Highest budget use seen (bytes): what the thundering-herd test reads."""
        self.read_buffer = bytearray(READ_BYTES)
        """One buffer every connection reads into: the transport fills it and the protocol
        copies the bytes into its decoder in the same callback, so no connection keeps one."""
        self.tls = server_context(config.tls)
        """The TLS context, or None: connections do their own handshake (see ``_connection``)."""
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._server: asyncio.Server | None = None
        self._connections: set[Connection] = set()
        self._serial = 0
        self._stopping = False
        self._keepalive: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        """The port actually bound (useful with ``port = 0``)."""
        if self._server is None:
            raise RuntimeError("BeatsInput.start() has not run")
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        """Bind and listen (``batches`` calls it when needed); not once stopped. An address
        that cannot be bound is an :class:`InputError` naming it."""
        if self._server is not None or self._stopping:
            return
        loop = asyncio.get_running_loop()
        try:
            self._server = await loop.create_server(
                self._protocol,
                self.config.host,
                self.config.port,
                reuse_port=self.config.reuse_port or None,
                backlog=1024,
            )
        except OSError as exc:
            where = f"{self.config.host}:{self.config.port}"
            raise InputError(f"{self.name}: cannot listen on {where}: {exc}") from exc
        self._keepalive = asyncio.create_task(self._keepalives(), name=f"{self.name}-keepalive")

    async def batches(self) -> AsyncIterator[Batch]:
        """One batch per window, until :meth:`stop`; then what was read is still yielded."""
        await self.start()
        while True:
            item = await self._queue.get()
            if item is _END:
                return
            yield item

    async def stop(self) -> None:
        """Stop accepting and reading; a window read in part is dropped (never ACKed, so the
        client resends it). :meth:`batches` ends after the windows already read."""
        if self._stopping:
            return
        self._stopping = True
        if self._server is not None:
            self._server.close()
        for connection in list(self._connections):
            connection.stop_reading()
        self._queue.put_nowait(_END)

    async def close(self) -> None:
        """Close every connection and the listener (after the last ACK was written)."""
        await self.stop()
        if self._keepalive is not None:
            self._keepalive.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keepalive
        for connection in list(self._connections):
            connection.close()
        if self._server is not None:
            await self._server.wait_closed()

    def observe(self) -> InputGauges:
        """What the metrics endpoint exports: open connections, windows awaiting their ACK,
        refused/closed connections by kind and limits tripped (the counters, read now)."""
        from pipeline.observe._telemetry import InputGauges  # noqa: PLC0415 - metrics only

        waiting = sum(len(connection.pending) for connection in self._connections)
        counters = self.counters
        incidents = {
            "refused": counters.connections_refused,
            "protocol_error": counters.protocol_errors,
            "idle": counters.idle_closed,
        }
        return InputGauges(
            connections=len(self._connections), windows_waiting=waiting,
            incidents=incidents, limits=dict(counters.limits),
        )

    # -- called by connections --------------------------------------------------------------

    def _protocol(self) -> Connection:
        self._serial += 1
        return Connection(self, self._serial)

    def admit(self, connection: Connection) -> bool:
        if self._stopping or len(self._connections) >= self.config.max_connections:
            self.counters.connections_refused += 1
            self.trip("max_connections")
            return False
        self._connections.add(connection)
        self.counters.connections_opened += 1
        self.counters.connections_active = len(self._connections)
        return True

    def forget(self, connection: Connection) -> None:
        self._connections.discard(connection)
        self.counters.connections_active = len(self._connections)

    def trip(self, limit: str) -> None:
        self.counters.limits[limit] = self.counters.limits.get(limit, 0) + 1

    @property
    def stopping(self) -> bool:
        """:meth:`stop` has run: no window is handed on any more."""
        return self._stopping

    def emit(self, batch: Batch) -> None:
        self.counters.windows += 1
        self.counters.events += len(batch.events)
        self._queue.put_nowait(batch)

    def note_memory(self) -> None:
        self.peak_memory = max(self.peak_memory, self.budget.used)

    async def _keepalives(self) -> None:
        interval = self.config.keepalive_interval_secs
        while True:
            await asyncio.sleep(interval / 2)
            now = time.monotonic()
            for connection in list(self._connections):
                if connection.keepalive_due(now, interval):
                    self.counters.keepalives += 1
