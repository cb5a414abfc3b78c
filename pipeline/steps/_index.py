"""``route_index`` with an index pattern in Logstash's sprintf syntax (``[enrich] index``).

``%{[@metadata][beat]}-%{[@metadata][version]}-%{+YYYY.MM.dd}`` (Filebeat's standard pipeline)
names each document's index from its fields and its ``@timestamp``: ``%{[a][b]}`` (or
``%{name}``) is a field of the enriched document or of ``@metadata`` (the Beat's ``beat``,
``version``, ``type``), ``%{+FORMAT}`` the UTC time of ``@timestamp`` in Joda letters
(``yyyy``/``YYYY``, ``yy``, ``MM``, ``dd``, ``HH``, ``mm``, ``ss``, ``xxxx``.``ww`` for ISO weeks).

Where Logstash would write the reference as literal text (a missing field) or fail the bulk
item (a value Elasticsearch refuses in an index name: upper case, non-ASCII too, ``/``,
``,``, ...), the document goes to the fallback index, ``index_prefix`` + the day (covered by
the index template), tagged ``_index_fallback``: nothing is lost and the tag says which ones
to look at.
The pattern is compiled once, at startup; a bad one names what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from pipeline.runtime import Event
from pipeline.steps._fields import add_tag, metadata
from pipeline.steps._route import RouteIndex

__all__ = ["INDEX_FALLBACK_TAG", "IndexPattern", "RouteIndexPattern", "template_patterns"]

INDEX_FALLBACK_TAG = "_index_fallback"
_REFERENCE = re.compile(r"%\{([^}]*)\}")
_DATE_TOKEN = re.compile(r"'([^']*)'|([A-Za-z])\2*|[^A-Za-z']+")
_BAD_NAME = re.compile(r'[A-Z\\/*?"<>| ,#:]')
"""What Elasticsearch refuses in an index name (and upper case)."""
_SLICES = {"yyyy": (0, 4), "YYYY": (0, 4), "yy": (2, 4), "YY": (2, 4), "MM": (5, 7),
           "dd": (8, 10), "HH": (11, 13), "mm": (14, 16), "ss": (17, 19)}
"""Joda letters -> their characters in ``YYYY-MM-DDTHH:MM:SS.fffZ`` (``@timestamp``)."""
_MAX_CACHED = 4096

Part = Callable[[Event, str], str | None]
"""One piece of the name from the event and its ``@timestamp``; ``None``: no usable value."""


def _constant(text: str) -> Part:
    return lambda event, stamp: text


def _slice(start: int, end: int) -> Part:
    return lambda event, stamp: stamp[start:end]


def _week_part(token: str) -> Part:
    def week(event: Event, stamp: str) -> str | None:
        year, iso_week, _ = date(int(stamp[0:4]), int(stamp[5:7]), int(stamp[8:10])).isocalendar()
        return f"{iso_week:02d}" if token == "ww" else f"{year:04d}"  # noqa: S105 - a Joda letter
    return week


def _date_parts(fmt: str, where: str) -> list[Part]:
    """``%{+FORMAT}``: the pieces of the UTC time, as Logstash formats ``@timestamp``."""
    parts: list[Part] = []
    for found in _DATE_TOKEN.finditer(fmt):
        token = found.group(0)
        if found.group(1) is not None or not token[0].isalpha():
            parts.append(_constant(found.group(1) if found.group(1) is not None else token))
        elif token in _SLICES:
            parts.append(_slice(*_SLICES[token]))
        elif token in ("xxxx", "ww"):
            parts.append(_week_part(token))
        else:
            raise ValueError(f"{where}: %{{+{fmt}}}: {token!r} is not supported (known: "
                             f"{', '.join(sorted([*_SLICES, 'xxxx', 'ww']))})")
    return parts


def _field_part(text: str) -> Part:
    """``%{[a][b]}``: the field's text, from the document or its ``@metadata``."""
    path = tuple(text[1:-1].split("][")) if text.startswith("[") else (text,)

    def value(event: Event, stamp: str) -> str | None:
        node: Any = event
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return None
            node = node[key]
        if isinstance(node, bool) or not isinstance(node, str | int):
            return None  # a list or an object would make "a,b" or JSON of a name
        return str(node)
    return value


class IndexPattern:
    """A compiled ``[enrich] index`` pattern; :meth:`render` makes the name of one event."""

    def __init__(self, pattern: str, where: str = "enrich.index") -> None:
        self.pattern = pattern
        self._parts: list[Part] = []
        at = 0
        for found in _REFERENCE.finditer(pattern):
            self._literal(pattern[at:found.start()], where)
            inner = found.group(1)
            if inner.startswith("+"):
                self._parts += _date_parts(inner[1:], where)
            elif inner and not re.search(r"[\s%{]", inner):
                self._parts.append(_field_part(inner))
            else:
                raise ValueError(f"{where}: {found.group(0)!r} is not a field reference")
            at = found.end()
        self._literal(pattern[at:], where)
        self.head = pattern[:m.start()] if (m := _REFERENCE.search(pattern)) else pattern
        """The literal text before the first reference (what every name starts with)."""
        self._valid: dict[str, bool] = {}

    def _literal(self, text: str, where: str) -> None:
        if not text:
            return
        if _BAD_NAME.search(text) or "%{" in text or text != text.lower():
            raise ValueError(f"{where}: {text!r} cannot be part of an index name (lower case, "
                             'none of \\ / * ? " < > | , # : or spaces)')
        self._parts.append(_constant(text))

    def render(self, event: Event, stamp: str) -> str | None:
        """The index name of ``event`` (``stamp``: its ``@timestamp``), or ``None`` when a
        reference has no value or the name would be refused by Elasticsearch."""
        pieces = []
        for part in self._parts:
            piece = part(event, stamp)
            if piece is None:
                return None
            pieces.append(piece)
        name = "".join(pieces)
        valid = self._valid.get(name)
        if valid is None:
            if len(self._valid) >= _MAX_CACHED:
                self._valid.clear()
            valid = self._valid[name] = _acceptable(name)
        return name if valid else None


def _acceptable(name: str) -> bool:
    """Elasticsearch takes it as an index name, and it holds no unfilled reference.
    Lower case is Unicode's, as Elasticsearch checks it (``Ü`` is refused, ``é`` taken)."""
    return bool(name) and not _BAD_NAME.search(name) and name[0] not in "-_+." and (
        "%{" not in name and len(name.encode()) <= 255 and name == name.lower())


def template_patterns(pattern: str) -> list[str]:
    """The index template patterns a pattern's names fall under, when its literal head says
    (``web-%{[fields][app]}-%{+YYYY.MM.dd}`` -> ``web-*``); none when it starts with a
    reference (then ``index_template_patterns`` must say)."""
    head = IndexPattern(pattern).head
    return [f"{head}*"] if head else []


class RouteIndexPattern:
    """``@metadata._index`` from the pattern; the fallback (``prefix`` + day, tagged
    ``_index_fallback``) where the pattern gives no usable name."""

    name = "route_index"

    def __init__(self, pattern: str, fallback_prefix: str) -> None:
        self._pattern = IndexPattern(pattern)
        self._fallback = RouteIndex(fallback_prefix)

    def __call__(self, event: Event) -> Event:
        stamp: str = event["@timestamp"]
        name = self._pattern.render(event, stamp)
        if name is None:
            self._fallback(event)
            add_tag(event, INDEX_FALLBACK_TAG)
            return event
        metadata(event)["_index"] = name
        return event

