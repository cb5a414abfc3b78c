"""A field rule's ``date``: Logstash's date filter on any field, with its own formats and zone.

``date = { field = 'logdate', formats = ['dd/MMM/yyyy:HH:mm:ss Z', 'ISO8601'], timezone =
'Europe/Paris' }`` reads the field's text with the first format that takes it (Joda patterns,
``ISO8601``, ``UNIX``, ``UNIX_MS``: :mod:`parsers._dates`) and makes it the event's
``@timestamp`` (so also its daily index), or writes it to ``target`` as an indexed ISO 8601
UTC string, as Logstash serialises a timestamp. A field that is missing leaves the event alone;
text no format reads tags the event (``_dateparsefailure``) and changes nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field, field_validator

from parsers._dates import date_parser
from parsers._timestamps import TimestampParser, zone
from pipeline.errors import ConfigError, GrammarError
from pipeline.steps._rule_success import OnSuccess

__all__ = ["TIMESTAMP_TARGET", "DateParse", "compile_date"]

TIMESTAMP_TARGET = "@timestamp"


class DateParse(OnSuccess):
    """Logstash's date filter: a field's time text -> ``@timestamp`` (or ``target``);
    add_field, add_tag, remove_field, remove_tag apply when it read the time."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str = Field(description="Field holding the time text ([a][b] for a nested one).")
    formats: list[str] = Field(
        min_length=1,
        description="Tried in order: a Joda pattern such as 'dd/MMM/yyyy:HH:mm:ss Z', "
        "ISO8601, UNIX or UNIX_MS.",
    )
    timezone: str = Field(
        default="UTC", description="IANA zone of times written without an offset.")
    target: str = Field(
        default=TIMESTAMP_TARGET,
        description="@timestamp (the document's time and daily index) or a field that "
        "receives the time as an ISO 8601 UTC string.",
    )
    tag_on_failure: list[str] = Field(
        default_factory=lambda: ["_dateparsefailure"],
        description="Tags an event gets when no format reads the field's text.",
    )

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            zone(value)
        except ConfigError as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("formats")
    @classmethod
    def _formats(cls, value: list[str]) -> list[str]:
        try:  # a pattern with letters we cannot read fails the config load, named
            date_parser(value, zone("UTC"), TimestampParser().parse)
        except GrammarError as exc:
            raise ValueError(str(exc)) from exc
        return value


def compile_date(spec: DateParse) -> Callable[[Any], datetime | None]:
    """The parser of ``spec``'s formats: a field's value -> aware UTC datetime, or ``None``.

    A number is read as its text (``UNIX``/``UNIX_MS`` stamps often arrive as JSON numbers);
    a list as its first item, as the date filter reads an array field.
    """
    parse = date_parser(spec.formats, zone(spec.timezone), TimestampParser(spec.timezone).parse)
    seen: dict[str, datetime | None] = {}  # logs repeat a second many times: strptime once

    def read(value: Any) -> datetime | None:
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return None
        text = str(value).strip()
        if text in seen:
            return seen[text]
        if len(seen) >= _MAX_CACHED:
            seen.clear()
        moment = seen[text] = parse(text)
        return moment
    return read


_MAX_CACHED = 4096
"""Bound on a date rule's text -> time cache (a day has 86,400 seconds; logs come in order)."""
