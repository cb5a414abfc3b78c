"""``Parsers``: one line (bytes or str) -> a :class:`ParseResult`, never an exception.

Dispatch is on the first character, as the Logstash filter it replaces did: ``{`` -> JSON
(orjson), ``[`` -> the bracketed grammar, anything else -> plain text. User grammars are tried
first. Bad input is repaired and tagged, never raised: invalid UTF-8 is replaced
(``_invalid_utf8``), NUL bytes are removed (``_nul_removed``), long lines are cut at
``max_line_bytes`` (``_truncated``). Blank lines come back with grammar ``"blank"``: callers
skip them and count them (:attr:`ParseCounts.blank`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from pipeline.errors import GrammarError

from ._budget import GROK_TIMEOUT_TAG, PatternTimeout, TimedMatcher, compile_user_pattern
from ._builtin import bracketed_matcher
from ._compile import Matcher
from ._config import GrammarSpec, ParsersConfig
from ._dates import date_parser
from ._grok import compile_grok
from ._library import Flavour, read_pattern_files
from ._multiline import MultilineJoiner
from ._timestamps import TimestampParser, zone

__all__ = ["BLANK", "ParseCounts", "ParseResult", "Parsers"]

BLANK = "blank"
"""Grammar of an empty / whitespace-only line: not an event; skip it and count it."""
_BUILTIN_NAMES = frozenset({"json", "bracketed", "plain", BLANK})

_loads = orjson.loads
_fromisoformat = datetime.fromisoformat
_JSONError = orjson.JSONDecodeError
_JSON_SCALAR_START = frozenset('"-0123456789tfn')


@dataclass(slots=True)
class ParseResult:
    """What a line became: the cleaned text, extracted fields, event time, tags, grammar."""

    message: str
    """The decoded line (invalid UTF-8 replaced, NULs removed, capped at max_line_bytes)."""
    fields: dict[str, Any]
    """The JSON object as-is, or the grammar's captures by name (typed, key=value merged).
    A fresh dict on every call, owned by the caller: change it in place, no copy needed."""
    timestamp: datetime | None
    """Aware UTC; ``None`` when there is no stamp or it failed (then ``_dateparsefailure``)."""
    tags: list[str]
    """Logstash-style tags: ``_jsonparsefailure``, ``_grokparsefailure``, ``_dateparsefailure``,
    ``_jsonnotobject``, ``_truncated``, ``_invalid_utf8``, ``_nul_removed``."""
    grammar: str
    """``json`` | ``bracketed`` | ``plain`` | ``blank`` | a user grammar's name."""
    stamp_text: str | None = field(default=None, compare=False, repr=False)
    """The stamp as the log wrote it when that already is the indexed ``...SS.fffZ`` form.
    (Positional too: a keyword argument costs the hot path ~0.1 us per result.)"""

    def utc_stamp(self) -> str | None:
        """The indexed ``@timestamp``, ``YYYY-MM-DDTHH:MM:SS.fffZ`` (milliseconds truncated)."""
        if self.stamp_text is None and self.timestamp is not None:  # parser datetimes are UTC
            self.stamp_text = self.timestamp.isoformat(timespec="milliseconds")[:-6] + "Z"
        return self.stamp_text


@dataclass(slots=True)
class ParseCounts:
    """Per-grammar and per-tag counts (``lumberyard parse``'s summary, metrics)."""

    lines: int = 0
    blank: int = 0
    grammars: Counter[str] = field(default_factory=Counter)
    tags: Counter[str] = field(default_factory=Counter)

    def add(self, result: ParseResult) -> None:
        """Count one parsed line."""
        self.lines += 1
        if result.grammar == BLANK:
            self.blank += 1
            return
        self.grammars[result.grammar] += 1
        for tag in result.tags:
            self.tags[tag] += 1

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view (``events`` = lines that are not blank)."""
        return {"lines": self.lines, "blank": self.blank, "events": self.lines - self.blank,
                "grammars": dict(self.grammars.most_common()),
                "tags": dict(self.tags.most_common())}


@dataclass(frozen=True, slots=True)
class _UserGrammar:
    """A compiled user grammar with its cheap pre-check."""

    name: str
    matcher: Matcher
    applies: Callable[[str], bool]
    timestamp_field: str
    stamp: Callable[[str], datetime | None]
    tag_on_failure: tuple[str, ...] = ()
    when: Callable[[Any], bool] | None = None
    """The grammar's ``when`` condition over the arriving event's fields (``None``: always)."""


def _cut(raw: bytes, limit: int) -> bytes:
    """``raw`` cut to at most ``limit`` bytes, not splitting a UTF-8 sequence."""
    end = limit
    while end > 0 and limit - end < 3 and (raw[end] & 0xC0) == 0x80:
        end -= 1
    return raw[:end] if (raw[end] & 0xC0) != 0x80 else raw[:limit]


class Parsers:
    """All grammars, compiled at construction; :meth:`parse` turns one line into a result."""

    def __init__(self, config: ParsersConfig | None = None) -> None:
        self.config = config or ParsersConfig()
        self._stamps = TimestampParser(self.config.timezone)
        self._max = self.config.max_line_bytes
        self._bracketed_match = bracketed_matcher().match
        self._stamp = self._stamps.parse
        self._definitions = {**read_pattern_files(self.config.patterns_dir),
                             **self.config.pattern_definitions}
        self._flavour: Flavour = "v1" if self.config.ecs_compatibility == "v1" else "legacy"
        self._user = tuple(self._compile(i, spec) for i, spec in enumerate(self.config.grammars))
        self._builtin_only = not self._user
        self.needs_event = any(g.when is not None for g in self._user)
        """True when a grammar has a ``when`` condition: callers pass the event to parse."""
        if self.config.multiline is not None:
            MultilineJoiner[object](self.config.multiline)  # fail at startup on a bad pattern

    def _compile(self, index: int, spec: GrammarSpec) -> _UserGrammar:
        """One user grammar; errors name it (and the config key of a bad ``when_regex``)."""
        if spec.name in _BUILTIN_NAMES:
            raise GrammarError(f"parsers.grammars[{index}].name: {spec.name!r} is a built-in "
                               f"grammar's name ({', '.join(sorted(_BUILTIN_NAMES))})")
        budget = self.config.pattern_timeout_secs
        inner = compile_grok(spec.name, spec.pattern, self._definitions, self._flavour)
        matcher: Matcher = TimedMatcher(inner, budget) if hasattr(inner, "_build") else inner
        applies: Callable[[str], bool] = _always
        if spec.when_prefix is not None:
            applies = _prefix(spec.when_prefix)
        if spec.when_regex is not None:
            search = compile_user_pattern(
                spec.when_regex, f"parsers.grammars[{index}].when_regex ({spec.name!r})"
            ).search
            first = applies
            applies = lambda text: (  # noqa: E731
                first(text) and search(text, timeout=budget) is not None)
        stamp: Callable[[str], datetime | None] = self._stamp
        if spec.timestamp_formats != ["ISO8601"]:
            stamp = date_parser(spec.timestamp_formats, zone(self.config.timezone), self._stamp)
        when = None
        if spec.when is not None:
            from pipeline.steps._rules import compile_when  # noqa: PLC0415 - only with `when`

            when = compile_when(spec.when, f"parsers.grammars[{index}].when ({spec.name!r})")
        return _UserGrammar(spec.name, matcher, applies, spec.timestamp_field, stamp,
                            tuple(spec.tag_on_failure), when)

    @property
    def grammar_names(self) -> list[str]:
        """Every grammar a result can name, in the order they are tried."""
        return [g.name for g in self._user] + ["json", "bracketed", "plain"]

    def new_joiner(self) -> MultilineJoiner[Any] | None:
        """A fresh multiline joiner for one stream, or ``None`` when multiline is off."""
        if self.config.multiline is None:
            return None
        return MultilineJoiner(self.config.multiline, self.config.pattern_timeout_secs)

    @staticmethod
    def is_blank(line: str | bytes) -> bool:
        """True for empty / whitespace-only lines (they are skipped and counted, not events)."""
        return not line.strip()

    def parse(self, line: str | bytes, event: Mapping[str, Any] | None = None) -> ParseResult:
        """Parse one line (a trailing newline is ignored). Never raises.

        A clean ASCII ``{...}`` or ``[...`` line with no user grammars goes straight to its
        grammar; everything else takes :meth:`_parse`. ``event`` (the event as it arrived) is
        what grammars with a ``when`` condition test.
        """
        if type(line) is bytes and line.isascii():  # decoded once, here
            line = line.decode("ascii")
        if type(line) is str and line.isascii() and self._builtin_only and (
                len(line) <= self._max and "\x00" not in line):
            first, last = line[:1], line[-1:]
            if first == "{" and last == "}":  # an object or nothing: no scalar/array checks
                return self._json(line, [])
            if first == "[" and last != "\n":
                return self._bracketed(line, [])
        return self._parse(line, event)

    def _parse(self, line: str | bytes, event: Mapping[str, Any] | None = None) -> ParseResult:
        """Every line :meth:`parse` does not answer at once: repair, user grammars, dispatch."""
        tags: list[str]
        if type(line) is str and line.isascii() and len(line) <= self._max and (
                "\x00" not in line and line[-1:] != "\n"):
            text, tags = line, []
        elif type(line) is bytes and line.isascii() and len(line) <= self._max and (
                b"\x00" not in line and line[-1:] != b"\n"):
            text, tags = line.decode("ascii"), []
        else:
            text, tags = self._repair(line)
        if not text or (text[0].isspace() and text.isspace()):
            return ParseResult(text, {}, None, tags, BLANK)
        if self._user:
            matched = self._try_user(text, tags, event)
            if matched is not None:
                return matched
        first = text[0] if not text[0].isspace() else text.lstrip()[0]
        if first == "{":
            return self._json(text, tags)
        if first == "[":
            return self._bracketed(text, tags)
        return self._plain(text, tags, first)

    def _json(self, text: str, tags: list[str]) -> ParseResult:
        """A ``{`` line: the object and its stamp (``@timestamp``, else ``timestamp``)."""
        try:
            obj = _loads(text)
        except _JSONError:
            tags.append("_jsonparsefailure")
            return ParseResult(text, {}, None, tags, "json")
        stamp = obj.get("@timestamp")
        if stamp is None:
            stamp = obj.get("timestamp")
            if stamp is None:
                return ParseResult(text, obj, None, tags, "json")
        return self._stamped(text, obj, stamp if type(stamp) is str else None, tags, "json")

    def _bracketed(self, text: str, tags: list[str]) -> ParseResult:
        """A ``[`` line through the bracketed grammar."""
        found = self._bracketed_match(text)
        if found is None:
            return self._grok_failure(text, tags)
        return self._stamped(text, found, found["timestamp"], tags, "bracketed")

    def _stamped(self, text: str, fields: dict[str, Any], stamp: str | None, tags: list[str],
                 grammar: str) -> ParseResult:
        """The result with its stamp read (``_dateparsefailure`` when it is no real time); a
        stamp already in the indexed ``...SS.fffZ`` form is carried as text as well."""
        when = None
        if stamp is not None:
            if len(stamp) == 24 and stamp[23] == "Z" and stamp[4:20:3] == "--T::.":
                try:
                    when = _fromisoformat(stamp)
                except ValueError:
                    when = None
                else:
                    return ParseResult(text, fields, when, tags, grammar, stamp)
            when = self._stamp(stamp)
        if when is None:
            tags.append("_dateparsefailure")
        return ParseResult(text, fields, when, tags, grammar)

    def _try_user(self, text: str, tags: list[str], event: Mapping[str, Any] | None = None
                  ) -> ParseResult | None:
        """The first user grammar that applies and matches, or ``None`` (then the failure tags
        of the grammars that applied are added). A grammar that runs out of its time budget
        tags the line ``_groktimeout`` and ends the user grammars for it (as Logstash's grok
        does); the built-in ones still parse it."""
        failed: list[str] = []
        for grammar in self._user:
            if grammar.when is not None and (event is None or not grammar.when(_Arrived(event))):
                continue
            try:
                if not grammar.applies(text):
                    continue
                found = grammar.matcher.match(text)
            except PatternTimeout:
                tags.append(GROK_TIMEOUT_TAG)
                return None
            if found is not None:
                stamp = found.get(grammar.timestamp_field)
                when = grammar.stamp(stamp) if isinstance(stamp, str) else None
                if stamp is not None and when is None:
                    tags.append("_dateparsefailure")
                return ParseResult(text, found, when, tags, grammar.name)
            failed += grammar.tag_on_failure
        tags.extend(dict.fromkeys(t for t in failed if t not in tags))
        return None

    def _grok_failure(self, text: str, tags: list[str]) -> ParseResult:
        """A ``[`` line the bracketed grammar rejects (``_jsonnotobject`` too for a JSON array)."""
        tags.append("_grokparsefailure")
        if text.rstrip().endswith("]") and _is_json(text):
            tags.append("_jsonnotobject")
        return ParseResult(text, {}, None, tags, "bracketed")

    def _plain(self, text: str, tags: list[str], first: str) -> ParseResult:
        """Plain text: no fields; a bare JSON scalar is tagged ``_jsonnotobject``."""
        if first in _JSON_SCALAR_START and _is_json(text):
            tags.append("_jsonnotobject")
        return ParseResult(text, {}, None, tags, "plain")

    def _decode(self, raw: bytes) -> tuple[str, list[str]]:
        """Bytes -> text: cap, strip the line ending, replace invalid UTF-8, remove NULs."""
        tags: list[str] = []
        if len(raw) > self._max:
            raw = _cut(raw, self._max)
            tags.append("_truncated")
        if raw.endswith(b"\n"):
            raw = raw.rstrip(b"\r\n")
        try:
            text = raw.decode()
        except UnicodeDecodeError:
            text = raw.decode(errors="replace")
            tags.append("_invalid_utf8")
        if "\x00" in text:
            text = text.replace("\x00", "")
            tags.append("_nul_removed")
        if text[:1] == "\ufeff":  # a byte order mark opening a file is not part of the line
            text = text[1:]
        return text, tags

    def _repair(self, line: str | bytes) -> tuple[str, list[str]]:
        """Anything but a clean ASCII line; str gets the bytes treatment (lone surrogates count
        as invalid UTF-8)."""
        if isinstance(line, str):
            return self._decode(line.encode("utf-8", "surrogatepass"))
        return self._decode(bytes(line))


class _Arrived:
    """The arriving event's fields for a grammar's ``when`` (``[a][b]`` walks the dicts)."""

    __slots__ = ("event",)

    def __init__(self, event: Mapping[str, Any]) -> None:
        self.event = event

    def get(self, path: tuple[str, ...]) -> Any:
        node: Any = self.event
        for part in path:
            if not isinstance(node, Mapping) or part not in node:
                return None
            node = node[part]
        return node


def _always(text: str) -> bool:
    """The pre-check of a grammar without ``when``."""
    return True


def _prefix(prefix: str) -> Callable[[str], bool]:
    """A pre-check for lines starting with ``prefix``."""
    return lambda text: text.startswith(prefix)


def _is_json(text: str) -> bool:
    """True if ``text`` is a JSON document (only asked on failure paths)."""
    try:
        _loads(text)
    except _JSONError:
        return False
    return True
