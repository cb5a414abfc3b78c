"""What to read: a file (or a byte range of one), inspected once before any reading starts.

Inspection sniffs the compression from content, fingerprints the head (so a checkpoint is
only trusted for the same file), refuses binary files and detects Filebeat NDJSON output.
Large plain files are split into byte ranges that start and end on line boundaries, so
several workers can read one file without any line being cut or read twice.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import os
from dataclasses import dataclass, replace

from pipeline.errors import InputError
from pipeline.ids import FINGERPRINT_BYTES as CONTENT_HEAD_BYTES
from pipeline.inputs._compression import decompressed_chunks, sniff
from pipeline.inputs._discovery import special_kind
from pipeline.inputs._events import looks_like_filebeat

FINGERPRINT_BYTES = 4096
"""Raw bytes hashed to recognise a file again (Filebeat fingerprints 1 KiB the same way)."""
HEAD_BYTES = 64 * 1024
"""Decompressed bytes looked at to detect binary content and Filebeat NDJSON."""
MAX_LINE_SCAN = 1024 * 1024
"""How far past a nominal split point to look for the next newline."""


@dataclass(frozen=True, slots=True)
class FileUnit:
    """One unit of work: ``path`` from ``start`` to ``end`` (``None`` = end of file).

    ``resume`` is where reading starts (the acknowledged checkpoint, ``>= start``); offsets
    of compressed files count decompressed bytes. ``size`` is the raw size on disk.
    ``fingerprint`` recognises the file on disk again (for checkpoints); ``head`` is its first
    content bytes, which identify its lines (:class:`pipeline.ids.ContentIdentity`).
    """

    path: str
    codec: str
    size: int
    fingerprint: str
    filebeat: bool = False
    start: int = 0
    end: int | None = None
    resume: int = 0
    head: bytes = b""

    @property
    def key(self) -> str:
        """The checkpoint key: the path and where the range starts."""
        return f"{self.path}#{self.start}"

    @property
    def raw_span(self) -> int:
        """Raw bytes this unit reads on disk (for progress): a compressed range reads all."""
        if self.codec != "plain":
            return self.size
        return (self.end if self.end is not None else self.size) - self.start


STREAM = "sniff"
"""The codec of a unit read once as a stream (stdin, a FIFO): sniffed when it is opened."""


def stream_unit(path: str) -> FileUnit:
    """A FIFO (or a character device) given by path: read once, like stdin; no size, no
    fingerprint, never resumed."""
    return FileUnit(path=path, codec=STREAM, size=0, fingerprint="")


def inspect(path: str) -> FileUnit:
    """Open, sniff and fingerprint ``path``; raises :class:`InputError` naming the path and
    the reason when it cannot be read, is corrupt at its start, or holds binary data. A FIFO
    or character device becomes a :func:`stream_unit` (opening it could wait for a writer);
    a socket or block device is refused."""
    try:
        kind = special_kind(os.stat(path).st_mode)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if kind in {"FIFO", "character device"}:
        return stream_unit(path)
    if kind is not None:
        raise InputError(f"{path}: a {kind}, not a file to read")
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            raw_head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    codec = sniff(raw_head)
    content = _content_head(path, codec, raw_head)
    _refuse_binary(path, content)
    fingerprint = hashlib.blake2b(raw_head[:FINGERPRINT_BYTES], digest_size=16).hexdigest()
    first = next((ln for ln in content.split(b"\n") if ln.strip()), b"")
    filebeat = looks_like_filebeat(first.decode("utf-8", "replace"))
    return FileUnit(
        path=path, codec=codec, size=size, fingerprint=fingerprint, filebeat=filebeat,
        head=content[:CONTENT_HEAD_BYTES],
    )


def _content_head(path: str, codec: str, raw_head: bytes) -> bytes:
    """The first decompressed bytes (a short archive that is truncated fails here)."""
    if codec == "plain":
        return raw_head
    out = bytearray()
    try:
        for chunk in decompressed_chunks(io.BytesIO(raw_head), codec, path):
            out += chunk
            if len(out) >= HEAD_BYTES:
                break
    except InputError:
        if len(raw_head) < HEAD_BYTES or not out:
            raise  # the whole file was in the head: truncated or corrupt for real
    return bytes(out[:HEAD_BYTES])


BINARY_NUL_SHARE = 0.1
"""A head with more NUL bytes than this share is binary (an image, a core dump), not a log
with a stray NUL: a line with a few NULs is read and tagged ``_nul_removed``."""


def _refuse_binary(path: str, content: bytes) -> None:
    nuls = content.count(b"\x00")
    if nuls and nuls > BINARY_NUL_SHARE * len(content):
        raise InputError(f"{path}: binary content (NUL byte at offset {content.find(0)}; "
                         f"{nuls} of its first {len(content)} bytes are NUL), not a log file")


def split_ranges(unit: FileUnit, parts: int, min_bytes: int) -> list[FileUnit]:
    """Split a file into up to ``parts`` ranges of at least ``min_bytes`` of content.

    A range owns the lines whose first byte lies inside it (the reader skips to the first
    line start and reads the last line to its end), so no line is cut or read twice. Plain
    files are cut at line starts; compressed ones at estimated content offsets (each range
    decompresses from the start and skips what is not its own: cheap next to parsing).
    """
    content = unit.size if unit.codec == "plain" else content_size_estimate(unit)
    if parts < 2 or content < 2 * min_bytes:
        return [unit]
    count = min(parts, content // min_bytes)
    cuts = [0]
    nominal = [content * i // count for i in range(1, count)]
    if unit.codec == "plain":
        with open(unit.path, "rb") as handle:
            found = [_line_start_after(handle, n) for n in nominal]
    else:
        found = list(nominal)
    for cut in found:
        if cut is not None and cut > cuts[-1] and cut < content:
            cuts.append(cut)
    bounds: list[int | None] = [*cuts, None]  # the last range reads to the end, as it grows
    return [
        replace(unit, start=a, end=b, resume=a)
        for a, b in itertools.pairwise(bounds)
        if a is not None
    ]


def content_size_estimate(unit: FileUnit) -> int:
    """Decompressed size of a compressed file: gzip's ISIZE trailer when plausible, else the
    head's compression ratio times the file size. Only range sizes depend on it."""
    with open(unit.path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
        handle.seek(max(unit.size - 4, 0))
        trailer = handle.read(4)
    if unit.codec == "gzip" and len(trailer) == 4:
        isize = int.from_bytes(trailer, "little")
        if isize >= unit.size:
            return isize
    content = 0
    try:
        for chunk in decompressed_chunks(io.BytesIO(head), unit.codec, unit.path):
            content += len(chunk)
    except InputError:
        pass  # the head is a prefix: it ends mid-stream by design
    return unit.size * max(content, 1) // max(len(head), 1)


def _line_start_after(handle: io.BufferedReader, nominal: int) -> int | None:
    """The offset of the first line starting at or after ``nominal``."""
    handle.seek(nominal - 1)
    scanned = handle.read(MAX_LINE_SCAN)
    newline = scanned.find(b"\n")
    return None if newline < 0 else nominal + newline
