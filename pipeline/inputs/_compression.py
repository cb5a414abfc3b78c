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
from typing import BinaryIO, Protocol

import zstandard

from pipeline.errors import InputError, TruncatedArchive

RAW_CHUNK_BYTES = 256 * 1024
"""Compressed bytes read per step: small enough that 20x log compression stays bounded."""

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
    factory = _FACTORIES[codec]
    decoder = factory()
    while chunk := raw.read(RAW_CHUNK_BYTES):
        pos.raw += len(chunk)
        out, decoder = _feed(decoder, factory, chunk, name=name, pos=pos, codec=codec)
        if out:
            yield out
    if not decoder.eof:
        raise TruncatedArchive(f"{name}: {codec} stream truncated at byte {pos.raw}")


def _plain_chunks(raw: BinaryIO, pos: Position) -> Iterator[bytes]:
    while chunk := raw.read(RAW_CHUNK_BYTES * 4):
        pos.raw += len(chunk)
        yield chunk


def _feed(
    decoder: _Decompressor,
    factory: Callable[[], _Decompressor],
    data: bytes,
    *,
    name: str,
    pos: Position,
    codec: str,
) -> tuple[bytes, _Decompressor]:
    """Feed ``data``; a finished member followed by more data starts the next member."""
    parts: list[bytes] = []
    try:
        while data:
            if decoder.eof:
                if not data.strip(b"\x00"):
                    break  # zero padding after the last member (tar-style blocks) is allowed
                decoder = factory()
            parts.append(decoder.decompress(data))
            data = decoder.unused_data if decoder.eof else b""
    except _CODEC_ERRORS as exc:
        raise InputError(f"{name}: corrupt {codec} data near byte {pos.raw}: {exc}") from exc
    return b"".join(parts), decoder
