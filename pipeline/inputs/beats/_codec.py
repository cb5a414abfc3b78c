"""The Lumberjack protocol (v2, and v1's key/value frames) as a pure state machine.

Bytes in (:meth:`Decoder.receive_data`), complete windows out (:meth:`Decoder.next_window`),
ACK bytes from :func:`encode_ack`: no sockets, no clock, no asyncio (the shape of h11).

Wire format, every integer a big-endian u32, every frame ``version byte, type byte, body``:

- ``W`` window: the number of events that follow; a window ends when that many have come.
- ``J`` (v2) JSON event: ``seq, length, payload``; ``D`` (v1) key/value event: ``seq, pair
  count, (key length, key, value length, value) * count``.
- ``C`` compressed: ``length, zlib stream``; the stream inflates to more ``J``/``D`` frames.
- ``A`` ACK (server to client): the highest sequence number of the window it acknowledges.

Filebeat numbers the events of each window from 1; other clients (pylogbeat) keep counting
across windows. Either way a window is acknowledged with the highest sequence it carried.

Memory: every call to :meth:`Decoder.next_window` inflates at most ``step_bytes``, a window may
inflate to at most ``max_window_bytes`` and one event may take at most ``max_event_bytes``, so
a zlib bomb or an absurd length prefix is refused before it is held. :attr:`Decoder.held` is
what the decoder holds right now, for the caller's memory budget.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

import orjson

from pipeline.errors import LimitExceeded, ProtocolError

V1 = ord("1")
V2 = ord("2")
TLS_HANDSHAKE = 0x16
"""First byte of a TLS ClientHello: a TLS client talking to a plain-text port."""

WINDOW, JSON, DATA, COMPRESSED, ACK = (ord(c) for c in "WJDCA")
_U32 = struct.Struct(">I")
_U32X2 = struct.Struct(">II")
_ACK = struct.Struct(">BBI")
_HEADER = 2
"""Version byte + type byte."""

DEFAULT_STEP_BYTES = 256 * 1024


def encode_ack(version: int, seq: int) -> bytes:
    """The ACK frame for ``seq`` in protocol ``version`` (1 or 2)."""
    return _ACK.pack(V1 if version == 1 else V2, ACK, seq & 0xFFFFFFFF)


def encode_window(count: int, version: int = 2) -> bytes:
    """A window frame announcing ``count`` events (for clients and tests)."""
    return _ACK.pack(V1 if version == 1 else V2, WINDOW, count)


def encode_json(seq: int, payload: bytes) -> bytes:
    """A v2 JSON data frame."""
    return b"2J" + _U32X2.pack(seq, len(payload)) + payload


def encode_data(seq: int, pairs: dict[str, str]) -> bytes:
    """A v1 key/value data frame."""
    parts = [b"1D", _U32X2.pack(seq, len(pairs))]
    for key, value in pairs.items():
        for text in (key.encode(), value.encode()):
            parts += [_U32.pack(len(text)), text]
    return b"".join(parts)


def encode_compressed(frames: bytes, version: int = 2, level: int = 3) -> bytes:
    """A compressed frame holding ``frames``."""
    body = zlib.compress(frames, level)
    return bytes((V1 if version == 1 else V2, COMPRESSED)) + _U32.pack(len(body)) + body


@dataclass(slots=True)
class Window:
    """One complete window: its events (decoded JSON objects or v1 key/value dicts), the raw
    bytes of each, the sequence number to acknowledge and the bytes it holds."""

    version: int
    events: list[dict[str, Any]] = field(default_factory=list)
    raws: list[bytes] = field(default_factory=list)
    highest_seq: int = 0
    nbytes: int = 0


def _describe_version(byte: int) -> str:
    if byte == TLS_HANDSHAKE:
        return "got 0x16, a TLS handshake: the client speaks TLS to a plain-text port"
    shown = f" ({chr(byte)!r})" if 0x20 <= byte < 0x7F else ""
    return f"bad version byte 0x{byte:02x}{shown}, expected '2' or '1'"


class Decoder:
    """Frames of one connection in, windows out. Raises :class:`ProtocolError` (or its
    :class:`LimitExceeded`) on anything that breaks the protocol; the connection is then
    unusable, since the byte stream has lost its framing."""

    def __init__(
        self,
        max_events_per_window: int = 16384,
        max_event_bytes: int = 16 * 1024 * 1024,
        max_window_bytes: int = 64 * 1024 * 1024,
        step_bytes: int = DEFAULT_STEP_BYTES,
    ) -> None:
        self.max_events_per_window = max_events_per_window
        self.max_event_bytes = max_event_bytes
        self.max_window_bytes = max_window_bytes
        self.step_bytes = step_bytes
        self._raw = bytearray()
        self._inner = bytearray()
        """Inflated bytes of the current compressed frame not yet parsed into frames."""
        self._zlib: Any = None
        self._zin = b""
        """Compressed input handed to zlib but not consumed yet (its ``unconsumed_tail``)."""
        self._compressed_left = 0
        """Bytes of the current compressed frame still to come from the wire."""
        self._window: Window | None = None
        self._count = 0
        self._inflated = 0
        self._step_left = step_bytes
        """What the current :meth:`next_window` call may still inflate."""
        self.needs_data = True
        """After :meth:`next_window` returned ``None``: True if it waits for bytes, False if it
        only stopped after ``step_bytes`` of inflation (call it again)."""

    @property
    def held(self) -> int:
        """Bytes held: unparsed input, inflated but unparsed bytes, the open window's events."""
        open_bytes = self._window.nbytes if self._window is not None else 0
        return len(self._raw) + len(self._zin) + len(self._inner) + open_bytes

    @property
    def in_window(self) -> bool:
        """A window has been announced and is not complete yet."""
        return self._window is not None

    @property
    def wanted(self) -> int:
        """How many more bytes the frame being read needs (at least 1): read at most this
        many, so a read never takes bytes of the next window before this one is done."""
        if self._zlib is not None:
            return max(1, self._compressed_left)
        need = self._frame_size(self._raw) or (6 if len(self._raw) < 6 else 10)
        if need == 10 and self._raw[1:2] == b"D":
            need = self._data_extent(self._raw, 0)[0]  # the v1 frame as far as its prefixes go
        return max(1, need - len(self._raw))

    def receive_data(self, data: bytes | bytearray) -> None:
        """Add bytes read from the connection."""
        self._raw += data

    def next_window(self) -> Window | None:
        """The next complete window, or ``None`` (see :attr:`needs_data`)."""
        self._step_left = self.step_bytes
        while True:
            if self._zlib is not None:
                if not self._pump():
                    return None
                if self._zlib is not None or self._window is None:
                    continue
                if len(self._window.events) == self._count:
                    return self._finish()
                continue
            size = self._frame_size(self._raw)
            if size == 0 or len(self._raw) < size:
                self.needs_data = True
                return None
            done = self._outer_frame(size)
            if done is not None:
                return done

    # -- outer frames -----------------------------------------------------------------------

    def _frame_size(self, buf: bytearray, at: int = 0) -> int:
        """Size of the frame at ``buf[at:]`` (0 while its header is incomplete). A compressed
        frame counts only its 6-byte header: the stream is inflated as it comes. Validates
        what it reads, so a bad length is refused before its bytes are awaited."""
        have = len(buf) - at
        if have < _HEADER:
            if have:
                self._version_of(buf[at])
            return 0
        version, kind = self._version_of(buf[at]), buf[at + 1]
        if kind in (WINDOW, COMPRESSED):
            return 6
        if kind == JSON and version == V2:
            if have < 10:
                return 0
            length: int = _U32.unpack_from(buf, at + 6)[0]
            self._check_event_size(length)
            return 10 + length
        if kind == DATA:
            return self._data_frame_size(buf, at)
        raise ProtocolError(f"unknown frame type {_show(kind)} in protocol version {chr(version)}")

    def _version_of(self, byte: int) -> int:
        if byte not in (V1, V2):
            raise ProtocolError(_describe_version(byte))
        if self._window is not None and byte != (V1 if self._window.version == 1 else V2):
            raise ProtocolError(
                f"frame of version {chr(byte)} inside a version {self._window.version} window"
            )
        return byte

    def _data_frame_size(self, buf: bytearray, at: int) -> int:
        """Size of a v1 key/value frame, walking its length prefixes (0 until all are here)."""
        extent, complete = self._data_extent(buf, at)
        return extent if complete else 0

    def _data_extent(self, buf: bytearray, at: int) -> tuple[int, bool]:
        """How far the v1 frame at ``buf[at:]`` is known to reach (up to the first length
        prefix not received yet, or the whole frame) and whether that is the whole frame:
        reads then take a key or value at a time, not a byte at a time."""
        if len(buf) - at < 10:
            return 10, False
        pairs = _U32.unpack_from(buf, at + 6)[0]
        if pairs == 0:
            raise ProtocolError("key/value frame with no pairs")
        position = at + 10
        for _ in range(pairs * 2):
            if len(buf) < position + 4:
                return position + 4 - at, False
            position += 4 + _U32.unpack_from(buf, position)[0]
            self._check_event_size(position - at - 10)
        return position - at, len(buf) >= position

    def _outer_frame(self, size: int) -> Window | None:
        kind = self._raw[1]
        if kind == WINDOW:
            return self._open_window(self._raw[0], _U32.unpack_from(self._raw, 2)[0], size)
        if self._window is None:
            raise ProtocolError(f"{_show(kind)} frame before any window frame")
        if kind == COMPRESSED:
            self._open_compressed(_U32.unpack_from(self._raw, 2)[0])
            del self._raw[:size]
            return None
        frame = bytes(self._raw[:size])
        del self._raw[:size]
        self._add_event(frame)
        return self._finish() if len(self._window.events) == self._count else None

    def _open_window(self, version_byte: int, count: int, size: int) -> Window | None:
        if self._window is not None:
            raise ProtocolError(
                f"window frame after {len(self._window.events)} of {self._count} events "
                "of the previous window"
            )
        if count > self.max_events_per_window:
            raise LimitExceeded(
                "max_events_per_window",
                f"window of {count} events exceeds max_events_per_window "
                f"({self.max_events_per_window})",
            )
        del self._raw[:size]
        self._window = Window(version=1 if version_byte == V1 else 2)
        self._count = count
        self._inflated = 0
        return self._finish() if count == 0 else None

    def _finish(self) -> Window:
        window = self._window
        assert window is not None
        self._window = None
        return window

    # -- compressed frames ------------------------------------------------------------------

    def _open_compressed(self, length: int) -> None:
        if length > self.max_window_bytes:
            raise LimitExceeded(
                "max_window_bytes",
                f"compressed frame of {length} bytes exceeds max_window_bytes "
                f"({self.max_window_bytes})",
            )
        if length == 0:
            raise ProtocolError("compressed frame of 0 bytes")
        self._zlib = zlib.decompressobj()
        self._zin = b""
        self._compressed_left = length

    def _pump(self) -> bool:
        """Inflate up to ``step_bytes`` of the compressed frame and parse the frames it holds.
        False when it must wait for bytes or stopped after a step (see ``needs_data``)."""
        if self._step_left <= 0:  # this call has inflated its share (0 is "no limit" to zlib)
            self.needs_data = False
            return False
        take = min(len(self._raw), self._compressed_left)
        if take:
            self._zin += self._raw[:take]
            del self._raw[:take]
            self._compressed_left -= take
        try:
            out = self._zlib.decompress(self._zin, self._step_left)
        except zlib.error as exc:
            raise ProtocolError(f"bad zlib data in compressed frame: {exc}") from exc
        self._zin = self._zlib.unconsumed_tail
        self._step_left -= len(out)
        self._count_inflated(len(out))
        if out:
            self._inner += out
            self._parse_inner()
        if self._zlib.eof:
            return self._close_compressed()
        if self._zin or self._step_left <= 0:
            self.needs_data = False
            return False
        if self._compressed_left == 0:
            raise ProtocolError("compressed frame ends before its zlib stream does")
        self.needs_data = True
        return False

    def _count_inflated(self, nbytes: int) -> None:
        self._inflated += nbytes
        if self._inflated > self.max_window_bytes:
            raise LimitExceeded(
                "max_window_bytes",
                f"window inflates to more than max_window_bytes ({self.max_window_bytes})",
            )

    def _close_compressed(self) -> bool:
        if self._zlib.unused_data or self._zin:
            raise ProtocolError("bytes after the end of the zlib stream in a compressed frame")
        if self._compressed_left:
            raise ProtocolError(
                f"zlib stream ends {self._compressed_left} bytes before its compressed frame"
            )
        if self._inner:
            raise ProtocolError(f"compressed frame ends inside a frame ({len(self._inner)} bytes)")
        self._zlib = None
        self._zin = b""
        return True

    def _parse_inner(self) -> None:
        """Every complete frame in the inflated bytes becomes an event of the open window."""
        inner = self._inner
        position = self._json_run(inner)
        end = len(inner)
        while end - position >= _HEADER:
            self._version_of(inner[position])
            if inner[position + 1] in (WINDOW, COMPRESSED):
                raise ProtocolError(f"{_show(inner[position + 1])} frame inside a compressed frame")
            size = self._frame_size(inner, position)
            if size == 0 or end - position < size:
                break
            self._add_event(bytes(inner[position : position + size]))
            position += size
        if end - position == 1:
            self._version_of(inner[position])
        del inner[:position]

    def _json_run(self, inner: bytearray) -> int:
        """The hot path: complete v2 JSON frames from the start of ``inner``, parsed in one
        loop with the checks of :meth:`_frame_size` and :meth:`_add_event` written out.
        Returns where it stopped; anything else (a partial frame, v1, an error to describe)
        is left to the general loop."""
        window = self._window
        if window is None or window.version != 2:
            return 0
        events, raws, unpack, loads = window.events, window.raws, _U32X2.unpack_from, orjson.loads
        position, end, room = 0, len(inner), self._count - len(events)
        highest, nbytes, max_event = window.highest_seq, 0, self.max_event_bytes
        while end - position >= 10 and inner[position] == V2 and inner[position + 1] == JSON:
            seq, length = unpack(inner, position + 2)
            stop = position + 10 + length
            if length > max_event or stop > end or room == 0:
                break  # the general loop raises or waits
            raw = bytes(inner[position + 10 : stop])
            try:
                doc = loads(raw)
            except orjson.JSONDecodeError:
                doc = None
            events.append(doc if type(doc) is dict else _json_object(raw, seq))  # raises
            raws.append(raw)
            nbytes += length
            room -= 1
            highest = max(highest, seq)
            position = stop
        window.highest_seq = highest
        window.nbytes += nbytes
        return position

    # -- events -----------------------------------------------------------------------------

    def _check_event_size(self, length: int) -> None:
        if length > self.max_event_bytes:
            raise LimitExceeded(
                "max_event_bytes",
                f"event of {length} bytes exceeds max_event_bytes ({self.max_event_bytes})",
            )

    def _add_event(self, frame: bytes) -> None:
        window = self._window
        assert window is not None
        if len(window.events) >= self._count:
            raise ProtocolError(f"more events than the {self._count} the window announced")
        seq = _U32.unpack_from(frame, 2)[0]
        if frame[1] == JSON:
            raw = frame[10:]
            doc = _json_object(raw, seq)
        else:
            doc, raw = _key_values(frame, seq), frame[10:]
        window.events.append(doc)
        window.raws.append(raw)
        window.nbytes += len(raw)
        window.highest_seq = max(window.highest_seq, seq)


def _json_object(raw: bytes, seq: int) -> dict[str, Any]:
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ProtocolError(f"invalid JSON in event seq {seq}: {exc}") from exc
    if not isinstance(doc, dict):
        raise ProtocolError(f"event seq {seq} is JSON but not an object")
    return doc


def _key_values(frame: bytes, seq: int) -> dict[str, Any]:
    pairs = _U32.unpack_from(frame, 6)[0]
    position, values = 10, []
    for _ in range(pairs * 2):
        length = _U32.unpack_from(frame, position)[0]
        values.append(frame[position + 4 : position + 4 + length].decode("utf-8", "replace"))
        position += 4 + length
    return dict(zip(values[::2], values[1::2], strict=True))


def _show(kind: int) -> str:
    return f"{chr(kind)!r}" if 0x20 <= kind < 0x7F else f"0x{kind:02x}"
