"""One Beats connection: an ``asyncio.BufferedProtocol`` that reads only when its task asks,
and the task that decodes windows, reserves memory and hands them on (see ``_server``).

The protocol side fills :attr:`Owner.read_buffer` with at most what the frame being read still
needs and copies it into the connection's :class:`Decoder` in the same callback; the task
reserves budget before each read and inflation step, waits at a window boundary while
``max_windows_in_flight`` windows are unacknowledged, and writes ACKs in window order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from pipeline.errors import LimitExceeded, ProtocolError
from pipeline.ids import Occurrences
from pipeline.inputs.beats._codec import DEFAULT_STEP_BYTES, Decoder, Window, encode_ack
from pipeline.inputs.beats._config import BeatsInputConfig
from pipeline.inputs.beats._events import window_events
from pipeline.runtime import Batch, ByteBudget

log = logging.getLogger("lumberyard.beats")

READ_BYTES = 64 * 1024
"""Most bytes taken from a socket at once."""
HEADROOM = DEFAULT_STEP_BYTES + READ_BYTES
"""What one connection may reserve on top of its window while reading it."""


class Counting(Protocol):
    """The counters a connection bumps (``BeatsCounters``)."""

    protocol_errors: int
    idle_closed: int
    acks: int


class Owner(Protocol):
    """What a connection needs from the input that accepted it (``BeatsInput``)."""

    name: str
    config: BeatsInputConfig
    budget: ByteBudget
    gate: asyncio.Semaphore
    read_buffer: bytearray
    tls: ssl.SSLContext | None

    @property
    def counters(self) -> Counting: ...

    @property
    def stopping(self) -> bool: ...

    def admit(self, connection: Connection) -> bool: ...

    def forget(self, connection: Connection) -> None: ...

    def trip(self, limit: str) -> None: ...

    def emit(self, batch: Batch) -> None: ...

    def note_memory(self) -> None: ...


@dataclass(slots=True)
class _Pending:
    """A window handed on and not acknowledged yet."""

    version: int
    seq: int
    nbytes: int
    done: bool = False


class Connection(asyncio.BufferedProtocol):
    """One client: the protocol side reads only when the task asks for bytes (exactly as many
    as the frame being read needs); the task decodes, reserves memory and hands windows on."""

    def __init__(self, owner: Owner, serial: int) -> None:
        self.owner = owner
        config = owner.config
        self.decoder = Decoder(
            config.max_events_per_window, config.max_event_bytes, config.max_window_bytes
        )
        self.serial = serial
        self.peer = "?"
        self.stream = f"beats:?#{serial}"
        self.seen = Occurrences()
        """Where anonymous events (no path, no offset) occur on this connection: their ids
        count them per window (pipeline.ids)."""
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
            if self.owner.tls is not None:
                await self._handshake(self.owner.tls)
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

    async def _handshake(self, context: ssl.SSLContext) -> None:
        """TLS over the accepted socket. Done here, not by ``create_server(ssl=...)``, because
        asyncio drops a failed handshake silently: here it is a ProtocolError naming the peer
        and the reason (an unknown client CA, no certificate under mTLS, an old TLS version,
        plain text on the TLS port), logged and counted like any other."""
        assert self.transport is not None
        loop = asyncio.get_running_loop()
        try:
            tls = await loop.start_tls(
                self.transport, self, context, server_side=True,
                ssl_handshake_timeout=self.owner.config.idle_timeout_secs,
            )
        except OSError as exc:  # ssl.SSLError, a reset, the handshake timeout
            self._closed = True
            self.owner.forget(self)  # asyncio does not report the end of a failed handshake
            raise ProtocolError(f"TLS handshake failed: {exc}") from exc
        except asyncio.CancelledError:  # stopped mid-handshake: likewise never reported
            self._closed = True
            self.owner.forget(self)
            raise
        assert isinstance(tls, asyncio.Transport)
        self.transport = tls
        tls.pause_reading()  # read only when the task asks, as on a plain connection

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
