"""Compression by content: sniff the magic bytes, then stream-decompress in chunks.

Names lie (``app.log.2.gz`` that is plain, ``dump`` that is zstd), so only the first bytes
decide. Every codec is driven through its incremental decompressor so that concatenated
members/frames work the same way everywhere, the raw position is known for progress, and a
file that ends mid-stream is reported as :class:`~pipeline.errors.TruncatedArchive`.
"""

from __future__ import annotations

import bz2
import lzma
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

import zstandard

from pipeline.errors import InputError, TruncatedArchive

RAW_CHUNK_BYTES = 256 * 1024
"""Compressed bytes read per step: small enough that 20x log compression stays bounded."""
OUT_CHUNK_BYTES = 1024 * 1024
"""Decompressed bytes handed on at most per piece: a run of zeros compresses ~1000x (gzip)
or far more (zstd), so 256 KiB read could otherwise become gigabytes at once."""
ZSTD_PIECE_BYTES = 128
"""zstd's streaming decoder has no output bound, so it is fed this little at a time: a block
holds at most 128 KiB and a run-length block takes 4 bytes, so a piece makes at most ~4 MiB
(feeding small pieces measured no slower than whole chunks)."""

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)


class _Decompressor(Protocol):
    @property
    def eof(self) -> bool: ...

    @property
    def unused_data(self) -> bytes: ...

    def decompress(self, data: bytes) -> bytes: ...


def _zstd() -> _Decompressor:
    obj: _Decompressor = zstandard.ZstdDecompressor().decompressobj()
    return obj


_FACTORIES: dict[str, Callable[[], _Decompressor]] = {
    "gzip": lambda: zlib.decompressobj(wbits=31),
    "bz2": bz2.BZ2Decompressor,
    "xz": lzma.LZMADecompressor,
    "zstd": _zstd,
}

_ZLIB_TYPE = type(zlib.decompressobj())
_CODEC_ERRORS = (zlib.error, OSError, EOFError, lzma.LZMAError, zstandard.ZstdError, ValueError)


def sniff(head: bytes) -> str:
    """The codec the first bytes announce: ``gzip``, ``bz2``, ``xz``, ``zstd`` or ``plain``."""
    for magic, codec in _MAGIC:
        if head.startswith(magic):
            return codec
    return "plain"


def sniff_file(path: str) -> str:
    """Sniff a file on disk; raises :class:`InputError` naming the path when unreadable."""
    try:
        with open(path, "rb") as handle:
            return sniff(handle.read(8))
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc


@dataclass
class Position:
    """How far a stream has been read: raw (on-disk) bytes, for progress against file size."""

    raw: int = 0


def decompressed_chunks(
    raw: BinaryIO, codec: str, name: str, position: Position | None = None
) -> Iterator[bytes]:
    """Yield the decompressed content of ``raw`` chunk by chunk (plain passes through).

    Raises :class:`TruncatedArchive` when the data ends inside a member/frame and
    :class:`InputError` when it is corrupt; both name ``name`` and the raw offset.
    """
    pos = position or Position()
    if codec == "plain":
        yield from _plain_chunks(raw, pos)
        return
    stream = _Stream(_FACTORIES[codec], name, pos, codec)
    while chunk := raw.read(RAW_CHUNK_BYTES):
        pos.raw += len(chunk)
        yield from stream.feed(chunk)
    if not stream.decoder.eof:
        raise TruncatedArchive(f"{name}: {codec} stream truncated at byte {pos.raw}")


def _plain_chunks(raw: BinaryIO, pos: Position) -> Iterator[bytes]:
    while chunk := raw.read(RAW_CHUNK_BYTES * 4):
        pos.raw += len(chunk)
        yield chunk


class _Stream:
    """One compressed stream of members/frames: compressed bytes in, bounded pieces out."""

    def __init__(
        self, factory: Callable[[], _Decompressor], name: str, pos: Position, codec: str
    ) -> None:
        self.factory = factory
        self.decoder = factory()
        self.name = name
        self.pos = pos
        self.codec = codec

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decompress ``data``; a finished member followed by more data starts the next."""
        if self.codec != "zstd":
            yield from self._feed(data)
            return
        buffered: list[bytes] = []
        size = 0
        for start in range(0, len(data), ZSTD_PIECE_BYTES):
            for out in self._feed(data[start : start + ZSTD_PIECE_BYTES]):
                buffered.append(out)
                size += len(out)
            if size >= OUT_CHUNK_BYTES:
                yield b"".join(buffered)
                buffered, size = [], 0
        if buffered:
            yield b"".join(buffered)

    def _feed(self, data: bytes) -> Iterator[bytes]:
        try:
            while data:
                if self.decoder.eof:
                    if not data.strip(b"\x00"):
                        break  # zero padding after the last member (tar-style blocks) is allowed
                    self.decoder = self.factory()
                yield from _pieces(self.decoder, data)
                data = self.decoder.unused_data if self.decoder.eof else b""
        except _CODEC_ERRORS as exc:
            raise InputError(f"{self.name}: corrupt {self.codec} data near byte "
                             f"{self.pos.raw}: {exc}") from exc


def _pieces(decoder: Any, data: bytes) -> Iterator[bytes]:
    """Everything ``data`` decompresses to, in pieces of at most :data:`OUT_CHUNK_BYTES`."""
    limit = OUT_CHUNK_BYTES
    if isinstance(decoder, _ZLIB_TYPE):  # the rest waits in unconsumed_tail
        while True:
            out = decoder.decompress(data, limit)
            if out:
                yield out
            data = decoder.unconsumed_tail
            if decoder.eof or (not data and len(out) < limit):
                return
    elif hasattr(decoder, "needs_input"):  # bz2, lzma: output pending until needs_input
        out = decoder.decompress(data, max_length=limit)
        while True:
            if out:
                yield out
            if decoder.eof or decoder.needs_input:
                return
            out = decoder.decompress(b"", max_length=limit)
    else:
        out = decoder.decompress(data)
        if out:
            yield out
