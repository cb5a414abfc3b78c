"""FileInput: archived log files (plain or compressed, or stdin) as batches of events.

Reads each :class:`FileUnit` in large blocks (in a worker thread, so neither the reads nor
the decompression ever block the event loop), turns complete lines into Filebeat-shaped
events (optionally joined into multiline events first) and yields one :class:`Batch` per
block. Each batch's ack feeds an :class:`OffsetTracker`; the listener hears the
checkpoint move only over the contiguous acknowledged prefix. Problems with a file (corrupt,
truncated) go to the listener with the path and reason; the input then moves on.
"""

from __future__ import annotations

import asyncio
import bisect
import sys
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, aclosing, nullcontext
from datetime import UTC, datetime
from typing import BinaryIO, Protocol

from pipeline.errors import InputError, TruncatedArchive
from pipeline.ids import FINGERPRINT_BYTES, ContentIdentity
from pipeline.inputs._acks import OffsetTracker
from pipeline.inputs._bounds import EventClip, StartsEvent, Window
from pipeline.inputs._compression import Position, decompressed_chunks, sniff
from pipeline.inputs._discovery import STDIN
from pipeline.inputs._events import (
    INPUT_NAME,
    INVALID_UTF8_TAG,
    LINE_TRUNCATED_TAG,
    Lines,
    cut_utf8,
    decode_line,
    filebeat_event,
    last_line,
    plain_events,
    split_lines,
    truncated_event,
)
from pipeline.inputs._units import STREAM, FileUnit
from pipeline.runtime import Batch, Event, off_loop

DEFAULT_MAX_LINE_BYTES = 1024 * 1024
"""Bytes of a line kept at most (``parsers.max_line_bytes``'s default)."""
GROK_TIMEOUT_TAG = "_groktimeout"
"""Tag of an event on whose line a user pattern (here: multiline) ran out of its budget."""
BATCH_EVENTS = 1024
"""Events per batch at most: a block of content (often 10k lines) is handed on in parts this
size, so the chain, the encoder and the output each walk a batch that stays in the CPU cache
(measured: ~10% less CPU per event than block-sized batches)."""


class Joiner(Protocol):
    """Multiline joining (``parsers.MultilineJoiner``): lines with a token in, events out."""

    def feed(self, line: str, token: int) -> list[tuple[str, int]]: ...

    def feed_many(self, lines: list[str], tokens: list[int]) -> list[tuple[str, int]]: ...

    def flush(self) -> list[tuple[str, int]]: ...

    @property
    def open_token(self) -> int | None: ...

    timed_out: list[int]
    """Offsets of lines on which a user pattern ran out of its time budget."""


class UnitListener(Protocol):
    """What the reader of units reports: checkpoints, progress and problems."""

    def on_checkpoint(self, unit: FileUnit, offset: int, finished: bool) -> None: ...

    def on_progress(self, unit: FileUnit, raw_position: int, lines: int, events: int) -> None: ...

    def on_problem(self, unit: FileUnit, reason: str) -> None: ...


class _Ignore:
    """A listener that listens to nothing (tests, ad-hoc reads)."""

    def on_checkpoint(self, unit: FileUnit, offset: int, finished: bool) -> None:
        """Checkpoints are not kept."""

    def on_progress(self, unit: FileUnit, raw_position: int, lines: int, events: int) -> None:
        """Progress is not shown."""

    def on_problem(self, unit: FileUnit, reason: str) -> None:
        """Problems are not reported."""


def stdin_unit() -> FileUnit:
    """The unit for ``-``: stdin, not resumable, size unknown."""
    return FileUnit(path=STDIN, codec=STREAM, size=0, fingerprint="")


class FileInput:
    """Implements the Input contract over a sequence of units (which may be a lazy queue)."""

    name = INPUT_NAME

    def __init__(
        self,
        units: Iterable[FileUnit],
        listener: UnitListener | None = None,
        joiner_factory: Callable[[], Joiner] | None = None,
        stdin: BinaryIO | None = None,
        starts_event: StartsEvent | None = None,
        *,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    ) -> None:
        self._units = units
        self.max_line_bytes = max_line_bytes
        """A longer line keeps its first bytes (tagged ``_truncated``); the rest is skipped
        while reading, so memory stays bounded by this cap whatever the input."""
        self._listener = listener or _Ignore()
        self._joiner_factory = joiner_factory
        self._starts_event = starts_event
        """With multiline: which lines begin an event (lets ranges split on event bounds)."""
        self._stdin = stdin
        self._stopped = False
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="file-input")
        """The one thread that reads and decompresses (one thread, one malloc arena: the
        default pool's threads each kept decompressed blocks in an arena of their own)."""
        self.lines = 0
        self.events = 0

    async def batches(self) -> AsyncIterator[Batch]:
        """Batches of every unit in turn; a unit with a problem is reported and left.

        Taking the next unit (a queue shared by workers), opening, reading and decompressing
        run in a thread, never on the event loop; lines, events and acks stay on the loop.
        """
        units, loop = iter(self._units), asyncio.get_running_loop()
        try:
            while not self._stopped:
                unit = await loop.run_in_executor(self._reader, next, units, None)
                if unit is None:
                    return
                async for batch in _UnitReader(unit, self).batches():
                    yield batch
        finally:
            self._reader.shutdown(wait=False)  # its thread ends: everything was read

    async def stop(self) -> None:
        """Read no further: the unit being read ends after the block in hand (its checkpoint
        stays at the acknowledged prefix, so a resumed run reads the rest), no unit starts."""
        self._stopped = True

    async def close(self) -> None:
        """Nothing stays open between batches; the reading thread ends."""
        self._reader.shutdown(wait=False)


class _UnitReader:
    """Reads one unit: blocks -> lines -> (joined) events -> batches with tracked acks."""

    def __init__(self, unit: FileUnit, owner: FileInput) -> None:
        self.unit = unit
        self.owner = owner
        self.listener = owner._listener
        multiline = owner._joiner_factory is not None and not unit.filebeat
        self.joiner = owner._joiner_factory() if multiline and owner._joiner_factory else None
        self.tracker = OffsetTracker(unit.resume, self._checkpoint)
        self.stream = f"file:{unit.key}"
        """Each unit is its own ack stream: a slow file never holds back another's checkpoint."""
        self.id_path = "stdin" if unit.path == STDIN else unit.path
        self.identity = ContentIdentity(unit.head)
        self.codec = unit.codec
        self.position = Position()
        self.open_seq: int | None = None
        self.received_at = ""
        self.carry = b""
        self.carry_offset = unit.resume
        self.long: bytes | None = None
        """The kept head of an over-long line whose rest is being skipped."""
        self.long_to = 0
        """With :attr:`long`: how far the skipping has read (the line's end at end of file)."""
        self.marks: dict[int, str] = {}
        """Tags for the lines at these offsets (truncated, invalid UTF-8)."""
        self.clip: EventClip | None = None
        if self.joiner is not None and owner._starts_event is not None:
            head = unit.start > 0 and unit.resume == unit.start  # a checkpoint is an event start
            self.clip = EventClip(owner._starts_event, head, unit.end)

    def _checkpoint(self, offset: int, finished: bool) -> None:
        self.listener.on_checkpoint(self.unit, offset, finished)

    async def batches(self) -> AsyncIterator[Batch]:
        """Every batch of the unit; problems are reported to the listener, never raised."""
        try:
            reader = self.owner._reader
            with await asyncio.get_running_loop().run_in_executor(reader, self._open) as raw:
                async with aclosing(off_loop(self._blocks(raw), reader)) as blocks:
                    async for block, base, raw_done in blocks:
                        for batch in self._block_batch(block, base, raw_done):
                            yield batch
                        if self.clip is not None and self.clip.stop_offset is not None:
                            break
                        if self.owner._stopped:
                            return  # not finished: the rest is read again from the checkpoint
                for batch in self._final():
                    yield batch
        except TruncatedArchive as exc:
            for batch in self._truncated_tail(str(exc)):
                yield batch
        except InputError as exc:
            self.listener.on_problem(self.unit, str(exc))
        except OSError as exc:
            self.listener.on_problem(self.unit, f"{self.unit.path}: cannot read: {exc}")

    def _open(self) -> AbstractContextManager[BinaryIO]:
        if self.unit.path == STDIN:
            return nullcontext(self._sniffed(self.owner._stdin or sys.stdin.buffer, "stdin"))
        if self.unit.codec == STREAM:  # a FIFO given by path: one stream, like stdin
            return self._sniffed(open(self.unit.path, "rb"), self.unit.path)
        return open(self.unit.path, "rb")

    def _sniffed(self, stream: BinaryIO, name: str) -> BinaryIO:
        """Sniff a stream's codec from its first bytes (peeked, not consumed); its ids come
        from its content head, read as the blocks come (:meth:`_head_first`)."""
        peek = getattr(stream, "peek", None)
        head: bytes = peek(8192) if peek is not None else b""
        self.codec = sniff(head)  # its ids come from the content read, not from this peek
        return stream

    def _blocks(self, raw: BinaryIO) -> Iterator[tuple[bytes, int, int]]:
        """Content blocks from the resume offset (to the range end), with their offsets and
        the raw bytes read so far (runs in a thread: blocking reads and decompression)."""
        unit, seekable = self.unit, self.codec == "plain" and self.unit.codec != STREAM
        base = 0
        if seekable and unit.resume > 0:
            base = unit.resume - 1  # one byte early: is the resume point a line start?
            raw.seek(base)
            self.position.raw = base
        window = Window(unit.resume, unit.end if self.clip is None else None)
        chunks = decompressed_chunks(raw, self.codec, unit.path, self.position)
        if unit.codec == STREAM:  # stdin or a FIFO: no inspection saw its head
            chunks = self._head_first(chunks)
        for chunk in chunks:
            block, start = window.cut(chunk, base)
            base += len(chunk)
            if block:
                yield block, start, self.position.raw
            if window.done:
                return

    def _head_first(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        """stdin or a FIFO: hold the first chunks until they make the content head that
        identifies its lines (or the stream ends), so the timing of the writes decides no id."""
        held = b""
        for chunk in chunks:
            held += chunk
            if len(held) >= FINGERPRINT_BYTES:
                break
        self.identity = ContentIdentity(held)
        if held:
            yield held
        yield from chunks

    def _block_batch(self, block: bytes, base: int, raw_position: int) -> Iterator[Batch]:
        ended: tuple[str, int] | None = None
        if self.long is not None:  # skipping the rest of an over-long line
            newline = block.find(b"\n")
            self.long_to = base + (len(block) if newline < 0 else newline + 1)
            if newline < 0:
                self.listener.on_progress(self.unit, self._raw_done(raw_position), 0, 0)
                return
            ended = self._end_long()
            block, base = block[newline + 1 :], base + newline + 1
        data = self.carry + block if self.carry else block
        lines = split_lines(data, base - len(self.carry))
        if ended is not None:
            lines.texts.insert(0, ended[0])
            lines.offsets.insert(0, ended[1])
        if lines.invalid:
            self.marks.update(dict.fromkeys(lines.invalid, INVALID_UTF8_TAG))
        if len(data) > self.owner.max_line_bytes:
            self._cap_lines(lines)
        self.carry, self.carry_offset = lines.rest, lines.rest_offset
        if len(self.carry) > self.owner.max_line_bytes:
            self.long, self.carry = cut_utf8(self.carry, self.owner.max_line_bytes), b""
            self.long_to = self.carry_offset + len(lines.rest)
        if self.clip is not None:
            lines.texts, lines.offsets = self.clip.clip(lines.texts, lines.offsets)
            if self.clip.stop_offset is not None:
                self.carry, self.carry_offset = b"", self.clip.stop_offset
        self.owner.lines += len(lines.texts)
        pairs = self._join(lines)
        raw_done = self._raw_done(raw_position)
        self.listener.on_progress(self.unit, raw_done, len(lines.texts), len(pairs))
        for start in range(0, len(pairs), BATCH_EVENTS):
            part = pairs[start : start + BATCH_EVENTS]
            after = start + BATCH_EVENTS
            end = pairs[after][1] if after < len(pairs) else lines.rest_offset
            yield self._batch(part, end)

    def _cap_lines(self, lines: Lines) -> None:
        """Cut the complete lines of a block that are over the cap (the same cut and tag as a
        line too long to be held; a block is bounded, so these were never a memory risk)."""
        cap = self.owner.max_line_bytes
        texts = lines.texts
        for i, text in enumerate(texts):
            if len(text) * 4 > cap:
                raw = text.encode("utf-8", "surrogatepass")
                if len(raw) > cap:
                    texts[i] = cut_utf8(raw, cap).decode("utf-8", "replace")
                    self.marks[lines.offsets[i]] = LINE_TRUNCATED_TAG

    def _raw_done(self, raw_position: int) -> int:
        """Raw bytes of the unit read up to a block (``raw_position`` read with it: the
        reading thread is the one that moves ``self.position``)."""
        return raw_position - (self.unit.start if self.codec == "plain" else 0)

    def _end_long(self) -> tuple[str, int]:
        """The kept head of the over-long line that just ended, marked ``_truncated``."""
        assert self.long is not None
        text, valid = decode_line(self.long.removesuffix(b"\r"))
        self.long = None
        self.owner.lines += 1
        self.marks[self.carry_offset] = LINE_TRUNCATED_TAG
        if not valid:
            self.marks[self.carry_offset + 1] = INVALID_UTF8_TAG  # same line: see _mark
        return text, self.carry_offset

    def _mark(self, events: list[Event], pairs: list[tuple[str, int]]) -> None:
        """Tag the events holding marked lines. A joined event holds the lines from its own
        offset up to the next event's; marks of the event the joiner still holds wait."""
        offsets = [offset for _, offset in pairs]
        open_from = self.joiner.open_token if self.joiner is not None else None
        waiting: dict[int, str] = {}
        for offset, tag in self.marks.items():
            if open_from is not None and offset >= open_from:
                waiting[offset] = tag
                continue
            at = bisect.bisect_right(offsets, offset) - 1
            if at < 0:
                continue
            tags = events[at].setdefault("tags", [])
            if tag not in tags:
                tags.append(tag)
        self.marks = waiting

    def _join(self, lines: Lines) -> list[tuple[str, int]]:
        if self.joiner is None:
            return list(zip(lines.texts, lines.offsets, strict=True))
        pairs = self.joiner.feed_many(lines.texts, lines.offsets)
        if self.joiner.timed_out:
            self.marks.update(dict.fromkeys(self.joiner.timed_out, GROK_TIMEOUT_TAG))
            self.joiner.timed_out.clear()
        return pairs

    def _make(self, pairs: list[tuple[str, int]]) -> list[Event]:
        self.received_at = at = datetime.now(UTC).isoformat(timespec="milliseconds")
        path = self.id_path
        if self.unit.filebeat:
            events = [filebeat_event(path, self.identity, text, off, at) for text, off in pairs]
        else:
            events = plain_events(path, self.identity, pairs, at)
        if self.marks:
            self._mark(events, pairs)
        return events

    def _batch(self, pairs: list[tuple[str, int]], end: int) -> Batch:
        """A batch; with multiline its end is only known once the next event starts."""
        events = self._make(pairs)
        if self.joiner is None:
            _, ack = self.tracker.issue(end)
        else:
            if self.open_seq is not None:
                self.tracker.set_end(self.open_seq, pairs[0][1])
            self.open_seq, ack = self.tracker.issue(None)
        self.owner.events += len(events)
        return Batch(events=events, ack=ack, input_name=INPUT_NAME, stream=self.stream)

    def _final(self) -> Iterator[Batch]:
        """Flush the multiline joiner and a last line without newline; then finish."""
        end = self.carry_offset + len(self.carry)
        if self.long is not None:  # an over-long last line without its newline
            end = self.long_to
            text, offset = self._end_long()
            self.carry = b""
            pairs = self._join(Lines([text], [offset], b"", end))
            pairs += self.joiner.flush() if self.joiner is not None else []
            if pairs:
                yield self._batch(pairs, end)
            self.tracker.finish(end)
            return
        pairs = self.joiner.flush() if self.joiner is not None else []
        if self.carry.strip():
            pairs.append((last_line(self.carry), self.carry_offset))
            self.owner.lines += 1
        self.carry = b""
        if pairs:
            yield self._batch(pairs, end)
        self.tracker.finish(end)

    def _truncated_tail(self, reason: str) -> Iterator[Batch]:
        """Index what a truncated archive held: complete lines as usual, the cut line tagged
        (with an id of its own). The checkpoint stays before the cut line and the unit is
        not finished, so a repaired archive is read again from there."""
        self.listener.on_problem(self.unit, reason)
        cut_long = self.long is not None
        if self.long is not None:  # the archive ends inside an over-long line: keep its head
            self.carry, self.long = self.long, None
        pairs = self.joiner.flush() if self.joiner is not None else []
        events = self._make(pairs) if pairs else []
        if self.carry.strip():
            text = last_line(self.carry)
            at = self.received_at or datetime.now(UTC).isoformat(timespec="milliseconds")
            events.append(truncated_event(
                self.id_path, self.identity, text, self.carry_offset, at
            ))
            if cut_long:
                events[-1]["tags"].append(LINE_TRUNCATED_TAG)
            self.owner.lines += 1
        if events:
            self.owner.events += len(events)
            if self.joiner is not None and self.open_seq is not None:
                self.tracker.set_end(self.open_seq, self.carry_offset)
                self.open_seq = None
            _, ack = self.tracker.issue(self.carry_offset)
            yield Batch(events=events, ack=ack, input_name=INPUT_NAME, stream=self.stream)
        elif self.joiner is not None and self.open_seq is not None:
            self.tracker.set_end(self.open_seq, self.carry_offset)
