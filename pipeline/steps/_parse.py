"""``parse_message``: run the compiled grammars over the raw line and keep what they found."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from pipeline.runtime import METADATA, Event
from pipeline.steps._fields import LOG_FIELDS, add_tag, set_path

TIMESTAMP_KEYS = ("timestamp", "@timestamp", "time", "ts")
"""Keys a log may carry its own time in; dropped once the parser turned one into a datetime."""

MESSAGE_KEYS = ("message", "msg", "log_message")
"""Keys the parser may have taken the message from; dropped when equal to the message."""


class ParsedLine(Protocol):
    """What ``parsers.Parsers.parse`` returns (``parsers.ParseResult``)."""

    @property
    def message(self) -> str: ...
    @property
    def fields(self) -> Mapping[str, Any]: ...
    @property
    def timestamp(self) -> datetime | None: ...
    @property
    def tags(self) -> list[str]: ...
    @property
    def grammar(self) -> str: ...


class LineParser(Protocol):
    """Anything with ``parse(line) -> ParsedLine``: the real ``parsers.Parsers``."""

    def parse(self, line: str) -> ParsedLine: ...


class ParseMessage:
    """Parse ``message``; leave the log's keys in ``@metadata.log_fields`` for later steps.

    ``@metadata.grammar`` names the grammar that matched and ``@metadata.timestamp`` holds the
    parsed datetime; failure tags (``_jsonparsefailure``...) are appended to ``tags``.
    """

    name = "parse_message"

    def __init__(self, parser: LineParser, *, keep_original: bool = False) -> None:
        self._parse = parser.parse
        self._keep_original = keep_original

    def __call__(self, event: Event) -> Event:
        raw = _text(event.get("message"))
        result = self._parse(raw)
        fields = dict(result.fields)
        meta = event.setdefault(METADATA, {})
        meta["grammar"] = result.grammar
        if result.timestamp is not None:
            meta["timestamp"] = result.timestamp
            for key in TIMESTAMP_KEYS:
                fields.pop(key, None)
        for key in MESSAGE_KEYS:
            if fields.get(key) == result.message:
                del fields[key]
        meta[LOG_FIELDS] = fields
        event["message"] = result.message
        for tag in result.tags:
            add_tag(event, tag)
        if self._keep_original:
            set_path(event, ("event", "original"), raw)
        return event


def _text(value: object) -> str:
    """The raw line as text: bytes are decoded leniently, a missing message is empty."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    return "" if value is None else str(value)
