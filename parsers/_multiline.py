"""Join continuation lines (stack traces, tracebacks) to the event they belong to.

Filebeat semantics: a line is *marked* when ``pattern`` is found in it, inverted by ``negate``.
``match="after"``: marked lines are appended to the event before them. ``match="before"``:
marked lines are collected and the next unmarked line ends the event. One joiner per stream
(file, partition, connection); the caller flushes it at end of input or after a quiet period.
Caps never drop a line: an event that would exceed ``max_lines``/``max_bytes`` is emitted and
the line starts the next one (counted in :attr:`MultilineJoiner.splits`).
"""

from __future__ import annotations

import re
from typing import Generic, TypeVar, cast

from pipeline.errors import GrammarError

from ._config import MultilineConfig

__all__ = ["MultilineJoiner"]

T = TypeVar("T")


def _nbytes(line: str) -> int:
    """UTF-8 size of ``line`` (cheap for ASCII)."""
    return len(line) if line.isascii() else len(line.encode("utf-8", "surrogatepass"))


class MultilineJoiner(Generic[T]):
    """Stateful joiner: :meth:`feed` lines with a token (e.g. offset); get completed events."""

    def __init__(self, config: MultilineConfig) -> None:
        try:
            self._search = re.compile(config.pattern).search
        except re.error as exc:
            raise GrammarError(f"multiline.pattern: {exc.msg} at position {exc.pos} of "
                               f"{config.pattern!r}") from exc
        self._negate = config.negate
        self._after = config.match == "after"
        self._json_whole = config.json_lines_whole
        self._max_lines = config.max_lines
        self._max_bytes = config.max_bytes
        self._lines: list[str] = []
        self._token: T | None = None
        self._size = 0
        self.splits = 0
        """Events cut in two because they reached a cap."""

    def feed(self, line: str, token: T) -> list[tuple[str, T]]:
        """Add one line (without its newline); returns the events it completed, oldest first."""
        if self._json_whole and line[:1] == "{":
            return [*self._take(), (line, token)]
        marked = (self._search(line) is not None) != self._negate
        if self._after:
            if marked and self._lines:
                return self._append(line, token)
            out = self._take()
            self._start(line, token)
            return out
        out = self._append(line, token)
        if not marked:
            out.extend(self._take())
        return out

    def feed_many(self, lines: list[str], tokens: list[T]) -> list[tuple[str, T]]:
        """:meth:`feed` for each line in turn, in one call per block of lines.

        With ``match="after"`` the common lines, one that starts an event or a whole JSON
        line, are handled here (emit the buffered event, start anew) without the per-line
        calls of :meth:`feed`; continuation lines go through :meth:`feed`: same result.
        """
        if not self._after:
            return [event for line, token in zip(lines, tokens, strict=True)
                    for event in self.feed(line, token)]
        search, negate, whole = self._search, self._negate, self._json_whole
        out: list[tuple[str, T]] = []
        emit = out.append
        for line, token in zip(lines, tokens, strict=True):
            json_whole = whole and line[:1] == "{"
            if not json_whole and (search(line) is not None) != negate:
                out.extend(self.feed(line, token))  # a continuation line: caps, joining
                continue
            buffered = self._lines
            if buffered:
                emit((buffered[0] if len(buffered) == 1 else "\n".join(buffered),
                      cast(T, self._token)))
            if json_whole:  # a whole event of its own: nothing stays buffered
                emit((line, token))
                self._lines, self._token, self._size = [], None, 0
            else:
                self._lines, self._token = [line], token
                self._size = len(line) if line.isascii() else _nbytes(line)
        return out

    def flush(self) -> list[tuple[str, T]]:
        """The event in progress, if any (end of input, or nothing new for a while)."""
        return self._take()

    @property
    def open_token(self) -> T | None:
        """The token of the event in progress (its first line's), ``None`` when none is."""
        return self._token if self._lines else None

    @property
    def pending(self) -> bool:
        """True while lines are buffered (the caller may want to flush after a timeout)."""
        return bool(self._lines)

    def _append(self, line: str, token: T) -> list[tuple[str, T]]:
        """Add to the current event; if a cap would be passed, emit it and start anew."""
        size = _nbytes(line) + 1
        if self._lines and (len(self._lines) >= self._max_lines
                            or self._size + size > self._max_bytes):
            self.splits += 1
            out = self._take()
            self._start(line, token)
            return out
        if not self._lines:
            self._token = token
        self._lines.append(line)
        self._size += size
        return []

    def _start(self, line: str, token: T) -> None:
        """Begin a new event with ``line``."""
        self._lines = [line]
        self._token = token
        self._size = _nbytes(line)

    def _take(self) -> list[tuple[str, T]]:
        """Emit the buffered event (if any) and clear the buffer."""
        if not self._lines:
            return []
        event = ("\n".join(self._lines), cast(T, self._token))
        self._lines = []
        self._size = 0
        self._token = None
        return [event]
