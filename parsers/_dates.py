"""Logstash ``date`` filter formats: Joda-style patterns, ``ISO8601``, ``UNIX``, ``UNIX_MS``.

A user grammar's ``timestamp_formats`` are compiled at startup into one parser trying each
format in order, as the date filter does; a Joda pattern (``dd/MMM/yyyy:HH:mm:ss Z``) becomes a
``strptime`` format (English month and day names, as Logstash's default locale). Stamps without
an offset are read in the configured zone. Results are aware UTC datetimes, or ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

from pipeline.errors import GrammarError

__all__ = ["date_parser", "joda_to_strptime"]

_JODA = {
    "yyyy": "%Y", "yy": "%y", "YYYY": "%Y", "YY": "%y", "MMMM": "%B", "MMM": "%b", "MM": "%m",
    "M": "%m", "dd": "%d", "d": "%d", "HH": "%H", "H": "%H", "hh": "%I", "h": "%I", "mm": "%M",
    "m": "%M", "ss": "%S", "s": "%S", "Z": "%z", "ZZ": "%z", "a": "%p", "EEEE": "%A",
    "EEE": "%a", "E": "%a",
}
_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|[^A-Za-z']+")


def joda_to_strptime(pattern: str) -> tuple[str, bool]:
    """``(strptime format, has_zone)`` for a Joda pattern; letters we cannot map are refused."""
    out: list[str] = []
    for found in _TOKEN.finditer(pattern):
        token = found.group(0)
        if token.startswith("'"):
            out.append(token[1:-1].replace("''", "'").replace("%", "%%") or "'")
        elif token[0].isalpha():
            if token[0] == "S":
                out.append("%f")  # fractions of a second, up to 6 digits
            elif token in _JODA:
                out.append(_JODA[token])
            else:
                raise GrammarError(f"date format {pattern!r}: {token!r} is not supported "
                                   f"(known: {', '.join(sorted(_JODA))}, S...)")
        else:
            out.append(token.replace("%", "%%"))
    text = "".join(out)
    return text, "%z" in text


def _strptime(fmt: str, has_zone: bool, zone: tzinfo) -> Callable[[str], datetime | None]:
    parse = datetime.strptime

    def one(text: str) -> datetime | None:
        try:
            when = parse(text, fmt)
        except ValueError:
            return None
        if not has_zone:
            when = when.replace(tzinfo=zone)
        if "%Y" not in fmt and "%y" not in fmt:  # no year: the current one, as Logstash does
            when = when.replace(year=datetime.now(UTC).year)
        return when.astimezone(UTC)
    return one


def _unix(scale: float) -> Callable[[str], datetime | None]:
    def one(text: str) -> datetime | None:
        try:
            return datetime.fromtimestamp(float(text) / scale, UTC)
        except (ValueError, OverflowError, OSError):
            return None
    return one


def date_parser(formats: list[str], zone: tzinfo, iso8601: Callable[[str], datetime | None]
                ) -> Callable[[str], datetime | None]:
    """One parser trying ``formats`` in order (``ISO8601`` uses the given ISO parser)."""
    parsers: list[Callable[[str], datetime | None]] = []
    for name in formats:
        if name == "ISO8601":
            parsers.append(iso8601)
        elif name == "UNIX":
            parsers.append(_unix(1.0))
        elif name == "UNIX_MS":
            parsers.append(_unix(1000.0))
        else:
            parsers.append(_strptime(*joda_to_strptime(name), zone))

    def parse(text: str) -> datetime | None:
        for one in parsers:
            when = one(text)
            if when is not None:
                return when
        return None
    return parse
