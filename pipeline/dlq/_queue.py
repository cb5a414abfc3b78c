"""The dead letter queue: append-only NDJSON segment files, size-capped, fsynced.

Layout under ``directory``::

    segment-000001.ndjson   one DeadLetter per line, never rewritten
    segment-000002.ndjson   the next one once the previous reached max_segment_bytes
    done.log                keys (``segment-000001.ndjson:<byte offset>``) already replayed
    torn/                   torn tails cut off segments (``<segment>.<offset>.torn``)
    write.lock              flock()ed by each append: several processes may write one queue

The segments are a write-ahead log. An entry is pending until its key is in ``done.log``.
Appends are written whole and fsynced before :meth:`DeadLetterQueue.append` returns (the
sink acknowledges only then); a failed append (a full disk) is cut off again, so the segment
still ends on a complete line, and raises. Opening the queue for writing cuts a torn tail (a
crash or ``kill -9`` mid-write) off the last segment, keeping its bytes under ``torn/``
(counted in :attr:`DeadLetterQueue.notices`), so new entries always start on a fresh line.
Readers skip a damaged entry and report it (:attr:`DeadLetterQueue.damaged`) instead of
refusing the whole queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from pipeline.dlq._entry import DeadLetter
from pipeline.errors import DeadLetterError

SEGMENT_GLOB = "segment-*.ndjson"
DONE_LOG = "done.log"
TORN_DIR = "torn"
WRITE_LOCK = "write.lock"
DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024
_ENTRY_START = b'{"time":'
"""How every entry :meth:`DeadLetter.to_json` writes begins: lets a reader find a whole
entry that was appended onto a torn line by an older version."""
_SCAN_BYTES = 64 * 1024
log = logging.getLogger("lumberyard.dlq")


class DeadLetterMirror(Protocol):
    """Somewhere else dead letters are also sent (a Kafka topic); called from a worker thread."""

    def send(self, lines: Sequence[bytes]) -> None: ...

    def close(self) -> None: ...


class DeadLetterQueue:
    """Durable store of events Elasticsearch refused; see the module docstring for the layout."""

    def __init__(
        self,
        directory: Path,
        max_segment_bytes: int = DEFAULT_SEGMENT_BYTES,
        mirror: DeadLetterMirror | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.max_segment_bytes = max_segment_bytes
        self.mirror = mirror
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._segment: Path | None = None
        self._size = 0
        self.appended = 0
        self.notices: list[str] = []
        """What opening the queue repaired (a torn tail cut off and kept aside)."""
        self.damaged: list[str] = []
        """Entries readers skipped because they are not dead letters (key: reason)."""
        self.torn_bytes = 0

    # -- writing -----------------------------------------------------------------------------

    async def append(self, letters: Sequence[DeadLetter]) -> None:
        """Store ``letters`` durably (written and fsynced) without blocking the event loop."""
        if letters:
            await asyncio.to_thread(self.append_sync, letters)

    def append_sync(self, letters: Sequence[DeadLetter]) -> None:
        """Blocking :meth:`append`."""
        lines = [letter.to_json() for letter in letters]
        with self._lock:
            self._write(b"".join(lines))
        if self.mirror is not None:
            self.mirror.send(lines)

    def _write(self, data: bytes) -> None:
        with self._writers_lock():
            fd = self._open()
            start = self._size = self._whole_end(fd)
            try:
                _write_all(fd, data)
                os.fsync(fd)
            except OSError as exc:
                self._roll_back(fd)
                raise DeadLetterError(f"cannot write dead letters to {self._segment}: {exc}; "
                                      "the events stay unacknowledged") from exc
            self._size = start + len(data)
            if self._size >= self.max_segment_bytes:
                self._close_segment()
        self.appended += data.count(b"\n")

    def _whole_end(self, fd: int) -> int:
        """The segment's size now, after cutting a torn tail that another writer of this
        directory left when it died mid-write (it may have, since this one opened it)."""
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            assert self._segment is not None
            self._cut_torn_tail(self._segment)
            size = os.fstat(fd).st_size
        return size

    @contextlib.contextmanager
    def _writers_lock(self) -> Iterator[None]:
        """Exclusive among every process writing this directory (``serve --workers N`` share
        it): a roll-back or a torn-tail cut must never cut another writer's entries."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.directory / WRITE_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise DeadLetterError(f"cannot open a dead letter segment in {self.directory}: "
                                  f"{exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def _open(self) -> int:
        if self._fd is not None:
            return self._fd
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            segments = self.segments()
            last = segments[-1] if segments else None
            if last is not None:
                self._cut_torn_tail(last)
            if last is None or last.stat().st_size >= self.max_segment_bytes:
                last = self.directory / f"segment-{_number(last) + 1:06d}.ndjson"
            self._fd = os.open(last, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            self._segment, self._size = last, os.fstat(self._fd).st_size
        except OSError as exc:
            raise DeadLetterError(f"cannot open a dead letter segment in {self.directory}: "
                                  f"{exc}") from exc
        return self._fd

    def _roll_back(self, fd: int) -> None:
        """Cut a failed append off again (shrinking a file needs no free space); if even that
        fails, close the segment: the next open cuts the torn tail."""
        try:
            os.ftruncate(fd, self._size)
            os.fsync(fd)
        except OSError:
            os.close(fd)
            self._fd = None

    def _cut_torn_tail(self, segment: Path) -> None:
        """Cut a last line without its newline off ``segment``, keeping its bytes aside."""
        with segment.open("r+b") as handle:
            size = os.fstat(handle.fileno()).st_size
            end = _complete_end(handle, size)
            if end == size:
                return
            handle.seek(end)
            torn = handle.read(size - end)
            aside = self.directory / TORN_DIR / f"{segment.name}.{end}.torn"
            aside.parent.mkdir(exist_ok=True)
            aside.write_bytes(torn)
            _fsync_path(aside)
            handle.truncate(end)
            handle.flush()
            os.fsync(handle.fileno())
        self.torn_bytes += len(torn)
        notice = (f"{segment.name}: cut a torn last entry of {len(torn)} bytes at byte {end} "
                  f"(an interrupted write; kept in {aside})")
        self.notices.append(notice)
        # serve has no summary to print notices in: its log says it (at info, the level serve
        # logs at; reprocess and `dlq` print self.notices and leave logging unconfigured)
        log.info("dead letter queue: %s", notice)

    def _close_segment(self) -> None:
        if self._fd is not None:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None

    def close(self) -> None:
        """fsync and close the open segment (and the mirror)."""
        with self._lock:
            self._close_segment()
        if self.mirror is not None:
            self.mirror.close()

    # -- reading and marking done ------------------------------------------------------------

    def segments(self) -> list[Path]:
        """Segment files, oldest first."""
        return sorted(self.directory.glob(SEGMENT_GLOB)) if self.directory.exists() else []

    def entries(self) -> Iterator[tuple[str, DeadLetter]]:
        """Every complete entry ever written, as (key, letter), oldest first; damaged ones are
        skipped and recorded in :attr:`damaged`."""
        self.damaged = []
        for segment in self.segments():
            yield from _read_segment(segment, self.damaged)

    def pending(
        self, since: datetime | None = None, reason_match: str | None = None
    ) -> Iterator[tuple[str, DeadLetter]]:
        """Entries not yet replayed, optionally written since ``since`` / whose reason matches."""
        done = self.done_keys()
        since = since.replace(tzinfo=UTC) if since and since.tzinfo is None else since
        pattern = re.compile(reason_match) if reason_match else None
        for key, letter in self.entries():
            if key not in done and letter.matches(since, pattern):
                yield key, letter

    def done_keys(self) -> set[str]:
        """Keys of entries already replayed."""
        path = self.directory / DONE_LOG
        if not path.exists():
            return set()
        return {line for line in path.read_text(encoding="utf-8").splitlines() if line}

    def mark_done(self, keys: Iterable[str]) -> None:
        """Record these entries as replayed (appended and fsynced to ``done.log``)."""
        data = "".join(f"{key}\n" for key in keys).encode()
        if not data:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.directory / DONE_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise DeadLetterError(f"cannot record replayed entries in {self.directory}: "
                                  f"{exc}") from exc


def _number(segment: Path | None) -> int:
    return 0 if segment is None else int(segment.stem.split("-")[1])


def _write_all(fd: int, data: bytes) -> None:
    """``os.write`` until every byte is written (a nearly full disk takes part of a write)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _complete_end(handle: BinaryIO, size: int) -> int:
    """The offset just past the last newline of the file (0 when there is none)."""
    end = size
    while end > 0:
        start = max(0, end - _SCAN_BYTES)
        handle.seek(start)
        newline = handle.read(end - start).rfind(b"\n")
        if newline >= 0:
            return start + newline + 1
        end = start
    return 0


def _read_segment(segment: Path, damaged: list[str]) -> Iterator[tuple[str, DeadLetter]]:
    offset = 0
    with segment.open("rb") as handle:
        for line in handle:
            key = f"{segment.name}:{offset}"
            offset += len(line)
            if not line.endswith(b"\n"):
                damaged.append(f"{key}: torn last entry ({len(line)} bytes), skipped")
                return
            if line.strip():
                yield from _entries_of(line, key, segment.name, offset - len(line), damaged)


def _entries_of(
    line: bytes, key: str, name: str, offset: int, damaged: list[str]
) -> Iterator[tuple[str, DeadLetter]]:
    """The entry of one line; a damaged line is reported, and a whole entry that an older
    version appended onto a torn line is still found (its key is where it starts)."""
    try:
        yield key, DeadLetter.from_json(line, key)
        return
    except DeadLetterError as exc:
        damaged.append(f"{exc}; skipped")
    start = line.find(_ENTRY_START, 1)
    while start > 0:
        inner = f"{name}:{offset + start}"
        try:
            letter = DeadLetter.from_json(line[start:], inner)
        except DeadLetterError:
            start = line.find(_ENTRY_START, start + 1)
        else:
            yield inner, letter
            return
