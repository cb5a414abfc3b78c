"""Compression is recognised by content and streamed; truncation and corruption are named."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
from collections.abc import Callable

import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import InputError, TruncatedArchive
from pipeline.inputs import decompressed_chunks, sniff

TEXT = b"".join(b"line %d of the archive\n" % i for i in range(20000))

COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "bz2": bz2.compress,
    "xz": lzma.compress,
    "zstd": lambda data: zstandard.ZstdCompressor().compress(data),
}


def _read(data: bytes, codec: str) -> bytes:
    return b"".join(decompressed_chunks(io.BytesIO(data), codec, "archive"))


@pytest.mark.parametrize("codec", sorted(COMPRESSORS))
def test_sniff_recognises_each_codec_by_its_magic(codec: str) -> None:
    """The first bytes, not the name, tell the codec."""
    assert codec == sniff(COMPRESSORS[codec](b"hello\n"))


def test_sniff_calls_anything_else_plain() -> None:
    """Text (and an empty file) is plain."""
    assert ("plain", "plain") == (sniff(b'{"level":"info"}'), sniff(b""))


@pytest.mark.parametrize("codec", sorted(COMPRESSORS))
def test_round_trip_of_every_codec(codec: str) -> None:
    """Decompressed chunks join to exactly the original content."""
    assert TEXT == _read(COMPRESSORS[codec](TEXT), codec)


@pytest.mark.parametrize("codec", sorted(COMPRESSORS))
def test_concatenated_members_are_all_read(codec: str) -> None:
    """``cat a.gz b.gz`` (and the same for bz2/xz/zstd frames) is one stream of both."""
    data = COMPRESSORS[codec](b"first\n") + COMPRESSORS[codec](b"second\n")
    assert b"first\nsecond\n" == _read(data, codec)


@pytest.mark.parametrize("codec", sorted(COMPRESSORS))
def test_truncated_archive_raises_truncated_naming_the_file(codec: str) -> None:
    """An archive cut in the middle raises TruncatedArchive with its name, after the
    content that could be decompressed."""
    data = COMPRESSORS[codec](TEXT)
    with pytest.raises(TruncatedArchive, match=r"^archive: .*truncated"):
        _read(data[: len(data) // 2], codec)


def test_trailing_zero_padding_after_gzip_is_accepted() -> None:
    """Zero bytes after the last member (tape/tar padding) are not an error."""
    assert b"x\n" == _read(gzip.compress(b"x\n") + b"\x00" * 512, "gzip")


def test_corrupt_gzip_is_an_input_error_with_the_position() -> None:
    """Garbage inside a gzip member is reported as corrupt, naming the file."""
    data = bytearray(gzip.compress(TEXT))
    data[20:60] = b"\xff" * 40
    with pytest.raises(InputError, match=r"^archive: corrupt gzip data near byte"):
        _read(bytes(data), "gzip")


@settings(max_examples=200, deadline=None)
@given(codec=st.sampled_from(sorted(COMPRESSORS)), noise=st.binary(max_size=2048))
def test_no_bytes_raise_anything_but_input_errors(codec: str, noise: bytes) -> None:
    """Whatever follows a magic number, reading either works or raises an InputError."""
    data = COMPRESSORS[codec](b"")[:6] + noise
    outcome = "read"
    try:
        _read(data, codec)
    except InputError as exc:
        outcome = str(exc).split(":", 1)[0]
    assert outcome in {"read", "archive"}
