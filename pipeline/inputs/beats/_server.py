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
import logging
import socket
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pipeline.errors import InputError, LimitExceeded, ProtocolError
from pipeline.ids import Occurrences
from pipeline.inputs.beats._codec import DEFAULT_STEP_BYTES, Decoder, Window, encode_ack
from pipeline.inputs.beats._config import BeatsInputConfig
from pipeline.inputs.beats._events import window_events
from pipeline.inputs.beats._tls import server_context
from pipeline.runtime import Batch, ByteBudget

if TYPE_CHECKING:
    from pipeline.observe._telemetry import InputGauges

log = logging.getLogger("lumberyard.beats")

READ_BYTES = 64 * 1024
"""Most bytes taken from a socket at once."""
HEADROOM = DEFAULT_STEP_BYTES + READ_BYTES
"""What one connection may reserve on top of its window while reading it."""
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
        self._ssl = server_context(config.tls)
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._server: asyncio.Server | None = None
        self._connections: set[_Connection] = set()
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
                ssl=self._ssl,
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
        """Gauges for the metrics endpoint: open connections, windows awaiting their ACK."""
        from pipeline.observe._telemetry import InputGauges  # noqa: PLC0415 - metrics only

        waiting = sum(len(connection.pending) for connection in self._connections)
        return InputGauges(connections=len(self._connections), windows_waiting=waiting)

    # -- called by connections --------------------------------------------------------------

    def _protocol(self) -> _Connection:
        self._serial += 1
        return _Connection(self, self._serial)

    def admit(self, connection: _Connection) -> bool:
        if self._stopping or len(self._connections) >= self.config.max_connections:
            self.counters.connections_refused += 1
            self.trip("max_connections")
            return False
        self._connections.add(connection)
        self.counters.connections_opened += 1
        self.counters.connections_active = len(self._connections)
        return True

    def forget(self, connection: _Connection) -> None:
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


@dataclass(slots=True)
class _Pending:
    """A window handed on and not acknowledged yet."""

    version: int
    seq: int
    nbytes: int
    done: bool = False


class _Connection(asyncio.BufferedProtocol):
    """One client: the protocol side reads only when the task asks for bytes (exactly as many
    as the frame being read needs); the task decodes, reserves memory and hands windows on."""

    def __init__(self, owner: BeatsInput, serial: int) -> None:
        self.owner = owner
        config = owner.config
        self.decoder = Decoder(
            config.max_events_per_window, config.max_event_bytes, config.max_window_bytes
        )
        self.serial = serial
        self.peer = "?"
        self.stream = f"beats:?#{serial}"
        self.seen = Occurrences()
        """Anonymous events (no path, no offset) seen on this connection: their ids count them."""
        self.transport: asyncio.Transport | None = None
        self._buffer = owner.read_buffer
        self._want = 0
        self._got = 0
        self._arrived = asyncio.Event()
        self._eof = False
        self._closed = False
        self._charged = 0
        """Budget bytes this connection holds: its decoder plus windows not yet ACKed."""
        self.pending: deque[_Pending] = deque()
        self._pending_bytes = 0
        self._window_done = asyncio.Event()
        self._last_write = time.monotonic()
        self._task: asyncio.Task[None] | None = None
        self._gated = False

    # -- protocol callbacks -----------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer)
        self.stream = f"beats:{self.peer}#{self.serial}"
        transport.pause_reading()
        if not self.owner.admit(self):
            log.debug("beats: refusing %s: max_connections reached", self.peer)
            transport.abort()
            self._closed = True
            return
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._task = asyncio.get_running_loop().create_task(self._run(), name=self.stream)

    def get_buffer(self, sizehint: int) -> memoryview:
        return memoryview(self._buffer)[: max(1, self._want)]

    def buffer_updated(self, nbytes: int) -> None:
        self.decoder.receive_data(self._buffer[:nbytes])
        self._want -= nbytes
        self._got += nbytes
        if self.transport is not None:
            self.transport.pause_reading()
        self._arrived.set()

    def eof_received(self) -> bool:
        self._eof = True
        self._arrived.set()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._eof = True
        self._closed = True
        self._arrived.set()
        self._window_done.set()
        self.owner.forget(self)

    # -- the connection's task --------------------------------------------------------------

    async def _run(self) -> None:
        try:
            await self._serve()
        except ProtocolError as exc:
            self.owner.counters.protocol_errors += 1
            if isinstance(exc, LimitExceeded):
                self.owner.trip(exc.limit)
            log.warning("beats: closing connection from %s: %s", self.peer, exc)
        except TimeoutError:
            self.owner.counters.idle_closed += 1
            log.info("beats: closing idle connection from %s", self.peer)
        except asyncio.CancelledError:
            pass
        finally:
            self._ungate()
            self._settle(0)
            self._drop_decoder()
            if self.transport is not None and not self.pending:
                self.transport.close()

    async def _serve(self) -> None:
        decoder = self.decoder
        while not self._closed:
            if decoder.needs_data:
                await self._wait_for_window_room()
                if not await self._read():
                    return
            await self._reserve(DEFAULT_STEP_BYTES)
            window = decoder.next_window()
            if window is not None:
                self._ungate()
                self._hand_on(window)  # before settling: its bytes stay held, as pending
            self._settle(DEFAULT_STEP_BYTES)
            if window is not None:
                continue
            if decoder.in_window and not self._gated:
                await self.owner.gate.acquire()
                self._gated = True

    async def _wait_for_window_room(self) -> None:
        """At a window boundary with ``max_windows_in_flight`` windows unacknowledged, wait."""
        limit = self.owner.config.max_windows_in_flight
        while not self.decoder.in_window and len(self.pending) >= limit and not self._closed:
            self._window_done.clear()
            await self._window_done.wait()

    async def _read(self) -> bool:
        """Read what the frame needs (at most ``READ_BYTES``); False at a clean end of stream
        (between windows), a ProtocolError when the stream ends inside one."""
        if self._closed or self.transport is None:
            return False
        want = min(self.decoder.wanted, READ_BYTES)
        await self._reserve(want)
        try:
            self._want, self._got = want, 0
            self._arrived.clear()
            self.transport.resume_reading()
            idle = not self.pending or self.decoder.in_window
            timeout = self.owner.config.idle_timeout_secs if idle else None
            await asyncio.wait_for(self._arrived.wait(), timeout)
        finally:
            self._settle(want)
        if self._got:
            return True
        if self.decoder.in_window or self.decoder.held:
            raise ProtocolError(
                f"connection closed inside a window ({self.decoder.held} bytes of it read)"
            )
        return False

    def stop_reading(self) -> None:
        """Stop reading (drain): the task ends, windows handed on still get their ACKs."""
        if self._task is not None:
            self._task.cancel()

    def close(self) -> None:
        self._closed = True
        if self._task is not None:
            self._task.cancel()
        if self.transport is not None:
            self.transport.close()

    # -- memory -----------------------------------------------------------------------------

    async def _reserve(self, nbytes: int) -> None:
        await self.owner.budget.acquire(nbytes)
        self.owner.note_memory()

    def _settle(self, reserved: int) -> None:
        """Give back what a step reserved beyond what the connection now really holds."""
        now = self.decoder.held + self._pending_bytes
        give_back = reserved - (now - self._charged)
        self._charged = now
        self.owner.budget.release(max(0, give_back))

    def _drop_decoder(self) -> None:
        """The connection is done reading: what its decoder held is freed."""
        held = self.decoder.held
        self.decoder = Decoder()
        self._charged -= held
        self.owner.budget.release(held)

    def _ungate(self) -> None:
        if self._gated:
            self._gated = False
            self.owner.gate.release()

    # -- windows and ACKs -------------------------------------------------------------------

    def _hand_on(self, window: Window) -> None:
        if self.owner.stopping:
            return  # read as the input stopped: never ACKed, so the client sends it again
        pending = _Pending(window.version, window.highest_seq, window.nbytes)
        self.pending.append(pending)
        self._pending_bytes += window.nbytes
        received_at = datetime.now(UTC).isoformat(timespec="milliseconds")
        events = window_events(window, self.owner.name, received_at, self.seen)
        if not events:
            self._acknowledge(pending)
            return
        self.owner.emit(
            Batch(
                events=events,
                ack=lambda: self._acknowledge(pending),
                input_name=self.owner.name,
                stream=self.stream,
            )
        )

    def _acknowledge(self, pending: _Pending) -> None:
        """A window is delivered: ACK it and every delivered window before it, in order."""
        pending.done = True
        while self.pending and self.pending[0].done:
            head = self.pending.popleft()
            self._pending_bytes -= head.nbytes
            self._charged -= head.nbytes
            self.owner.budget.release(head.nbytes)
            self._write(encode_ack(head.version, head.seq))
            self.owner.counters.acks += 1
        self._window_done.set()
        if not self.pending and self._task is not None and self._task.done():
            self.close()

    def keepalive_due(self, now: float, interval: float) -> bool:
        """Write an ACK of 0 when a window waits and nothing was written for ``interval``."""
        if not self.pending or now - self._last_write < interval:
            return False
        self._write(encode_ack(self.pending[0].version, 0))
        return True

    def _write(self, data: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)
            self._last_write = time.monotonic()
