"""A time budget per line for the patterns a user supplies (grok grammars, ``when_regex``,
the multiline ``pattern``), so a runaway pattern cannot stall a worker.

A regex with catastrophic backtracking (``(a+)+b`` on forty ``a``) takes longer than the age of
the universe on the stdlib ``re``, which cannot be interrupted. User patterns are compiled
with the ``regex`` package instead, whose matching takes a ``timeout``: past the budget it
gives up and the line is tagged ``_groktimeout`` (as Logstash's grok ``timeout_millis`` does)
and counted; the next line goes on. The built-in grammars are ours, checked, and keep ``re``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import regex

from pipeline.errors import GrammarError

__all__ = ["GROK_TIMEOUT_TAG", "PatternTimeout", "compile_user_pattern", "timed_search"]

GROK_TIMEOUT_TAG = "_groktimeout"
"""Tag of a line on which a user pattern ran out of its time budget."""

PatternTimeout = TimeoutError
"""What a timed match raises when the budget is spent (``regex`` raises the builtin)."""


def compile_user_pattern(pattern: str, where: str) -> Any:
    """``pattern`` compiled by ``regex``; a bad one is a :class:`GrammarError` naming
    ``where`` (the config key) and the position."""
    try:
        return regex.compile(pattern)
    except regex.error as exc:
        raise GrammarError(f"{where}: {exc.msg} at position {exc.pos} of {pattern!r}") from exc


def timed_search(pattern: str, where: str, timeout_secs: float) -> Callable[[str], bool]:
    """``text -> pattern found in text``, raising :data:`PatternTimeout` past the budget."""
    search = compile_user_pattern(pattern, where).search

    def found(text: str) -> bool:
        return search(text, timeout=timeout_secs) is not None

    return found


class TimedMatcher:
    """A compiled user grok grammar whose match has a time budget per line.

    Wraps what :func:`parsers.compile_grok` built (its regex text and the function turning
    groups into fields) and matches with ``regex`` and ``timeout``; past the budget
    :meth:`match` raises :data:`PatternTimeout`.
    """

    mode = "regex"

    def __init__(self, inner: Any, timeout_secs: float) -> None:
        self.name: str = inner.name
        self.pattern: str = inner.pattern
        self._fullmatch = compile_user_pattern(inner.pattern, f"grammar {inner.name!r}").fullmatch
        self._build = inner._build
        self._timeout = timeout_secs

    def match(self, text: str) -> dict[str, Any] | None:
        """Fields captured from ``text`` (matched as a whole), or ``None``; raises
        :data:`PatternTimeout` when the budget is spent."""
        found = self._fullmatch(text, timeout=self._timeout)
        if found is None:
            return None
        fields: dict[str, Any] = self._build(found.groups())
        return fields
