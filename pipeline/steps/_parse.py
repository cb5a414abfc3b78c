"""``parse_message``: run the compiled grammars over the raw line and keep what they found."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from pipeline.errors import DropEvent
from pipeline.runtime import METADATA, Event
from pipeline.steps._fields import LOG_FIELDS, add_tag, metadata, set_path

TIMESTAMP_KEYS = ("@timestamp", "timestamp")
"""Keys the parsers read the event time from; dropped once it became ``@metadata.timestamp``
(a stamp that failed to parse stays, in the app namespace, next to ``_dateparsefailure``)."""

MESSAGE_KEYS = ("message", "msg", "log_message")
"""The log's own message (JSON ``message``/``msg``, the bracketed grammar's ``log_message``):
the first that is a string becomes ``message``, as Logstash's json filter and grok did."""

BLANK_GRAMMAR = "blank"
NO_MESSAGE_GRAMMAR = "none"
"""``@metadata.grammar`` of an event that carried no ``message`` at all."""


class ParsedLine(Protocol):
    """What ``parsers.Parsers.parse`` returns (``parsers.ParseResult``)."""

    @property
    def message(self) -> str: ...
    @property
    def fields(self) -> dict[str, Any]:
        """A fresh dict on every parse, owned by the caller: the steps pop from it, uncopied."""
    @property
    def timestamp(self) -> datetime | None: ...
    @property
    def stamp_text(self) -> str | None: ...
    @property
    def tags(self) -> list[str]: ...
    @property
    def grammar(self) -> str: ...


class LineParser(Protocol):
    """Anything with ``parse(line) -> ParsedLine``: the real ``parsers.Parsers`` (which also
    takes the event, when its ``needs_event`` says a grammar has a ``when`` condition)."""

    def parse(self, line: str) -> ParsedLine: ...


class ParseMessage:
    """Parse ``message``; leave the log's keys in ``@metadata.log_fields`` for later steps.

    ``@metadata.grammar`` names the grammar that matched and ``@metadata.timestamp`` holds the
    parsed datetime (or the stamp text, when it already is the indexed form); failure tags
    (``_jsonparsefailure``...) are appended to ``tags``.
    """

    name = "parse_message"

    def __init__(self, parser: LineParser, *, keep_original: bool = False) -> None:
        self._parse = parser.parse
        self._keep_original = keep_original
        self._with_event = bool(getattr(parser, "needs_event", False))

    def __call__(self, event: Event) -> Event:
        message = event.get("message")
        if message is None:  # nothing to parse (not a log line): enrich what is there
            event.setdefault(METADATA, {})["grammar"] = NO_MESSAGE_GRAMMAR
            return event
        raw = message if type(message) is str else _text(message)
        result = self._parse(raw, event) if self._with_event else self._parse(raw)  # type: ignore[call-arg]
        grammar = result.grammar
        if grammar == BLANK_GRAMMAR:
            raise DropEvent("blank_line")
        fields = result.fields  # fresh per parse and ours: later steps pop from it, no copy
        meta = metadata(event)
        meta["grammar"] = grammar
        timestamp = result.timestamp
        if timestamp is not None:
            text = result.stamp_text
            meta["timestamp"] = text if text is not None else timestamp
            for key in TIMESTAMP_KEYS:
                if key in fields:
                    del fields[key]
        own = fields.get("message")  # the usual JSON log: its own message, found first
        if isinstance(own, str):
            del fields["message"]
            event["message"] = own
        else:
            event["message"] = _own_message(fields, result.message) if fields else result.message
        meta[LOG_FIELDS] = fields
        if result.tags:
            for tag in result.tags:
                add_tag(event, tag)
        if self._keep_original:
            set_path(event, ("event", "original"), raw)
        return event


def _own_message(fields: dict[str, Any], line: str) -> str:
    """Pop the log's own message out of ``fields``; the (cleaned) line when it has none."""
    for key in MESSAGE_KEYS:
        message = fields.get(key)
        if isinstance(message, str):
            del fields[key]
            return message
    return line


def _text(value: object) -> str:
    """The raw line as text: bytes are decoded leniently, a missing message is empty."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    return "" if value is None else str(value)
