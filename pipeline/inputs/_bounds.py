"""Where a byte range of a file begins and ends, in lines and (with multiline) in events.

A range owns the lines whose first byte lies inside it; with multiline joining it owns the
events whose first line does. So no line or event is cut in two or read by two workers,
whatever offsets the ranges were cut at.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

StartsEvent = Callable[[str], bool]
"""True when a line begins a new multiline event (it is not a continuation line)."""


class Window:
    """Which content bytes a range owns: the lines whose first byte is in ``[begin, end)``.

    Content before the first line start at or after ``begin`` is skipped (it belongs to the
    range before, or was acknowledged already); the line that starts before ``end`` is read
    to its newline even past ``end``. Offsets are content (decompressed) offsets.
    """

    def __init__(self, begin: int, end: int | None) -> None:
        self.begin = begin
        self.end = end
        self.skipping = begin > 0
        self.done = False

    def cut(self, data: bytes, base: int) -> tuple[bytes, int]:
        """The owned part of ``data`` (which starts at ``base``) and its offset."""
        if self.skipping:
            data, base = self._skip(data, base)
            if self.skipping:
                return b"", base
            if self.end is not None and base >= self.end:
                self.done = True  # the first own line would start in the next range
                return b"", base
        if self.end is not None and base + len(data) >= self.end:
            newline = data.find(b"\n", max(0, self.end - 1 - base))
            if newline >= 0:
                self.done = True
                return data[: newline + 1], base
        return data, base

    def _skip(self, data: bytes, base: int) -> tuple[bytes, int]:
        newline = data.find(b"\n", max(0, self.begin - 1 - base))
        if newline < 0:
            return b"", base + len(data)
        self.skipping = False
        return data[newline + 1 :], base + newline + 1


class EventClip:
    """With multiline joining: skip the continuation lines a range begins with (they end
    an event of the range before) and stop at the first event starting past its end."""

    def __init__(self, starts_event: StartsEvent, skip_head: bool, end: int | None) -> None:
        self._starts_event = starts_event
        self.skipping = skip_head
        self.end = end
        self.stop_offset: int | None = None

    def clip(self, texts: list[str], offsets: list[int]) -> tuple[list[str], list[int]]:
        """The lines of a block that belong to this range's events."""
        first = self._first_own(texts) if self.skipping else 0
        last = len(texts)
        if self.end is not None:
            for i in range(max(first, bisect.bisect_left(offsets, self.end)), len(texts)):
                if self._starts_event(texts[i]):
                    last, self.stop_offset = i, offsets[i]
                    break
        if first == 0 and last == len(texts):
            return texts, offsets
        return texts[first:last], offsets[first:last]

    def _first_own(self, texts: list[str]) -> int:
        for i, text in enumerate(texts):
            if self._starts_event(text):
                self.skipping = False
                return i
        return len(texts)
