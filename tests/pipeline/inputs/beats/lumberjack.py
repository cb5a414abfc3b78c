"""A Lumberjack client of the project's own, for what Filebeat, go-lumber and pylogbeat don't
do: uncompressed and v1 frames, sequences restarting per window or not, broken frames, TLS with
a client certificate. It writes raw bytes, so a test can send anything."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import struct
from typing import Any

import orjson

from pipeline.inputs.beats import encode_compressed, encode_data, encode_json, encode_window

ACK = struct.Struct(">BBI")


def window_bytes(
    docs: list[dict[str, Any]], *, first_seq: int = 1, compress: bool = True, version: int = 2
) -> bytes:
    """One window of ``docs`` (JSON for v2, key/value pairs for v1), compressed or not."""
    if version == 1:
        frames = b"".join(encode_data(first_seq + i, d) for i, d in enumerate(docs))
    else:
        frames = b"".join(
            encode_json(first_seq + i, orjson.dumps(d)) for i, d in enumerate(docs)
        )
    body = encode_compressed(frames, version) if compress else frames
    return encode_window(len(docs), version) + body


class Client:
    """One connection: send windows or raw bytes, read ACKs."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.keepalives = 0

    @classmethod
    async def connect(
        cls, port: int, ssl_context: ssl.SSLContext | None = None, host: str = "127.0.0.1"
    ) -> Client:
        reader, writer = await asyncio.open_connection(
            host, port, ssl=ssl_context, server_hostname="localhost" if ssl_context else None
        )
        return cls(reader, writer)

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def read_ack(self) -> tuple[int, int]:
        """The next ACK frame as ``(version byte, seq)``."""
        version, kind, seq = ACK.unpack(await self.reader.readexactly(6))
        assert ord("A") == kind
        return version, seq

    async def await_ack(self, seq: int) -> int:
        """Read ACKs until ``seq`` (ACKs of 0 are keepalives, counted); returns the seq."""
        while True:
            _, got = await self.read_ack()
            if got == 0 and seq != 0:
                self.keepalives += 1
                continue
            return got

    async def send_window(self, docs: list[dict[str, Any]], **how: Any) -> int:
        """Send one window and wait for its ACK; returns the acknowledged sequence."""
        first = how.get("first_seq", 1)
        await self.send(window_bytes(docs, **how))
        return await self.await_ack(first + len(docs) - 1)

    async def closed_by_server(self) -> bool:
        """True once the server has closed the connection (EOF, or a reset when it closed
        with bytes of ours unread)."""
        try:
            return b"" == await self.reader.read(1)
        except ConnectionResetError:
            return True

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError, ssl.SSLError):
            await self.writer.wait_closed()
