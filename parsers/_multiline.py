"""Join continuation lines (stack traces, tracebacks) to the event they belong to.

Filebeat semantics: a line is *marked* when ``pattern`` is found in it, inverted by ``negate``.
``match="after"``: marked lines are appended to the event before them. ``match="before"``:
marked lines are collected and the next unmarked line ends the event. One joiner per stream
(file, partition, connection); the caller flushes it at end of input or after a quiet period.
Caps never drop a line: an event that would exceed ``max_lines``/``max_bytes`` is emitted and
the line starts the next one (counted in :attr:`MultilineJoiner.splits`).

A user-supplied pattern (anything but the built-in default) gets a time budget per line: a
line on which it runs longer is taken as starting an event and its token is recorded in
:attr:`MultilineJoiner.timed_out` (the file input tags that event ``_groktimeout``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast

from pipeline.errors import GrammarError

from ._budget import PatternTimeout, compile_user_pattern
from ._config import DEFAULT_CONTINUATION, MultilineConfig

__all__ = ["MultilineJoiner"]

T = TypeVar("T")


def _nbytes(line: str) -> int:
    """UTF-8 size of ``line`` (cheap for ASCII)."""
    return len(line) if line.isascii() else len(line.encode("utf-8", "surrogatepass"))


class MultilineJoiner(Generic[T]):
    """Stateful joiner: :meth:`feed` lines with a token (e.g. offset); get completed events."""

    def __init__(self, config: MultilineConfig, timeout_secs: float = 1.0) -> None:
        self.timed_out: list[T] = []
        """Tokens of the lines on which the pattern ran out of its time budget."""
        self._token: T | None = None
        self._current: T | None = None
        self._search: Callable[[str], Any] = self._builtin_search(config.pattern)
        if config.pattern != DEFAULT_CONTINUATION:
            self._search = self._timed_search(config, timeout_secs)
        self._negate = config.negate
        self._after = config.match == "after"
        self._json_whole = config.json_lines_whole
        self._max_lines = config.max_lines
        self._max_bytes = config.max_bytes
        self._lines: list[str] = []
        self._size = 0
        self.splits = 0
        """Events cut in two because they reached a cap."""

    @staticmethod
    def _builtin_search(pattern: str) -> Callable[[str], Any]:
        try:
            return re.compile(pattern).search
        except re.error as exc:
            raise GrammarError(f"multiline.pattern: {exc.msg} at position {exc.pos} of "
                               f"{pattern!r}") from exc

    def _timed_search(self, config: MultilineConfig, timeout_secs: float
                      ) -> Callable[[str], Any]:
        """The user's pattern with a budget; a line it times out on starts an event."""
        search = compile_user_pattern(config.pattern, "multiline.pattern").search
        starts = object() if config.negate else None  # "marked" comes out False either way

        def timed(line: str) -> Any:
            try:
                return search(line, timeout=timeout_secs)
            except PatternTimeout:
                self.timed_out.append(cast(T, self._current))
                return starts

        return timed

    def starts_event(self, line: str) -> bool:
        """With ``match="after"``: True when ``line`` begins an event (it is not a
        continuation; a line the pattern times out on begins one too). Meant for a joiner
        kept for this test alone: it forgets which lines timed out."""
        starts = (self._search(line) is not None) == self._negate
        self.timed_out.clear()
        return starts

    def feed(self, line: str, token: T) -> list[tuple[str, T]]:
        """Add one line (without its newline); returns the events it completed, oldest first."""
        if self._json_whole and line[:1] == "{":
            return [*self._take(), (line, token)]
        self._current = token
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
            self._current = token
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
