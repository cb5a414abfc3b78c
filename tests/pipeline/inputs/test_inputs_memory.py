"""Peak memory is bounded by the line cap, not by the line (measured in a subprocess).

Each input is generated lazily (written, or gzip members repeated, in chunks) and read by
FileInput with the default 1 MiB cap in a fresh interpreter, which reports how far its peak
resident memory (``ru_maxrss``) grew while reading. This is a memory bound, not a time.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import zstandard

MIB = 1024 * 1024
GROWTH_BOUND_MIB = 16
"""Peak growth allowed while reading: the 1 MiB cap, the 1 MiB read and decompression pieces,
a block's lines and events (observed: see the test ids' files below)."""

READER = """
import asyncio, json, resource, sys
from pipeline.inputs import FileInput, inspect

unit = inspect(sys.argv[1])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

async def read():
    rows = []
    async for batch in FileInput([unit]).batches():
        rows += [(e["log"]["offset"], len(e["message"]), e.get("tags", [])) for e in batch.events]
        batch.ack()
    return rows

rows = asyncio.run(read())
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"events": len(rows), "tagged": [r for r in rows if r[2]],
                  "growth_mib": (after - before) / 1024}))
"""


def read_in_subprocess(path: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", READER, str(path)], capture_output=True,
                          text=True, timeout=900, check=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def write_plain_monster(path: Path, size: int) -> None:
    with path.open("wb") as out:
        out.write(b"before\n")
        chunk = b"x" * MIB
        for _ in range(size // MIB):
            out.write(chunk)
        out.write(b"\nafter\n")


def write_gzip_members(path: Path, head: bytes, member_content: bytes, members: int) -> None:
    """``head`` then ``members`` copies of one gzip member (concatenated members are one
    stream): gigabytes of content from a few MB on disk, without compressing them all."""
    member = gzip.compress(member_content, compresslevel=9)
    with path.open("wb") as out:
        out.write(gzip.compress(head))
        for _ in range(members):
            out.write(member)


def lines(count: int) -> bytes:
    return b"".join(b'{"level":"info","message":"line %d"}\n' % n for n in range(count))


def test_a_200_mb_line(tmp_path: Path) -> None:
    """One 200 MB line between two short ones: three events, the long one cut to 1 MiB."""
    path = tmp_path / "monster.log"
    write_plain_monster(path, 200 * MIB)
    result = read_in_subprocess(path)
    assert (3, [[7, MIB, ["_truncated"]]], True) == (
        result["events"], result["tagged"], result["growth_mib"] < GROWTH_BOUND_MIB), result


def test_a_2_gb_newline_free_line_gzipped(tmp_path: Path) -> None:
    """2 GiB of content without a newline, gzipped: one event, its first MiB."""
    path = tmp_path / "blob.log.gz"
    write_gzip_members(path, b"", b"abcdefgh" * (8 * MIB), 32)
    result = read_in_subprocess(path)
    assert (1, [[0, MIB, ["_truncated"]]], True) == (
        result["events"], result["tagged"], result["growth_mib"] < GROWTH_BOUND_MIB), result


@pytest.mark.slow
def test_lines_followed_by_10_gb_of_zeros(tmp_path: Path) -> None:
    """2,000 lines, then 10 GiB of NUL bytes (gzipped): the lines, then one cut event."""
    path = tmp_path / "zeros.log.gz"
    head = lines(2000)
    write_gzip_members(path, head, b"\x00" * (64 * MIB), 160)
    result = read_in_subprocess(path)
    assert (2001, [[len(head), MIB, ["_truncated"]]], True) == (
        result["events"], result["tagged"], result["growth_mib"] < GROWTH_BOUND_MIB), result


def test_lines_then_2_gb_of_zeros_zstd(tmp_path: Path) -> None:
    """zstd's decoder has no output bound of its own (it is fed in small pieces): 2,000
    lines, then 2 GiB of zeros in zstd frames: the lines, then one cut event, memory bounded."""
    path = tmp_path / "zeros.log.zst"
    head = lines(2000)
    frame = zstandard.ZstdCompressor().compress(b"\x00" * (64 * MIB))
    with path.open("wb") as out:
        out.write(zstandard.ZstdCompressor().compress(head))
        for _ in range(32):
            out.write(frame)
    result = read_in_subprocess(path)
    assert (2001, [[len(head), MIB, ["_truncated"]]], True) == (
        result["events"], result["tagged"], result["growth_mib"] < GROWTH_BOUND_MIB), result
