"""``map_*`` steps: move the log's own keys that have an ECS home onto their ECS fields.

Each step knows a few spellings per field (``trace_id``/``traceId``/``traceID``...), takes the
first that converts to a valid value and leaves anything it cannot use where it was, so it
ends up in the app namespace instead of being lost or mis-typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from pipeline.redact import redact
from pipeline.runtime import Event
from pipeline.steps._fields import (
    TEXT_OR_INT,
    LogKeyStep,
    MapKeys,
    as_int,
    as_number,
    as_text,
    child,
    set_default_path,
    set_path,
)

Convert = Callable[[Any], Any]
Path = tuple[str, ...]


def _paths(*keys: str) -> tuple[Path, ...]:
    """``"req.method"`` -> ``("req", "method")``: nested keys of the log's own object."""
    return tuple(tuple(key.split(".")) for key in keys)


def take(fields: dict[str, Any], paths: Sequence[Path], convert: Convert) -> Any:
    """Pop the first of ``paths`` whose value converts (not None); return the converted value.

    A value that does not convert stays put; an object emptied by the pop is removed.
    """
    for path in paths:
        if len(path) == 1:  # a top-level key: nothing to walk, nothing to prune
            key = path[0]
            if key in fields:
                value = convert(fields[key])
                if value is not None:
                    del fields[key]
                    return value
            continue
        parent = fields
        for part in path[:-1]:
            child = parent.get(part)
            if not isinstance(child, dict):
                break
            parent = child
        else:
            if path[-1] in parent:
                value = convert(parent[path[-1]])
                if value is not None:
                    del parent[path[-1]]
                    _prune(fields, path[:-1])
                    return value
    return None


def _prune(fields: dict[str, Any], path: Path) -> None:
    """Drop the (nested) object at ``path`` if taking a key left it empty."""
    if path and fields.get(path[0]) == {} and len(path) == 1:
        del fields[path[0]]
    elif len(path) > 1 and isinstance(fields.get(path[0]), dict):
        _prune(fields[path[0]], path[1:])
        if fields[path[0]] == {}:
            del fields[path[0]]


class MapFields(LogKeyStep):
    """A table of ``(ECS path, log key spellings, converter)``; each row sets one ECS field."""

    def __init__(self, name: str, rows: Sequence[tuple[str, tuple[str, ...], Convert]]) -> None:
        self.name = name
        self._rows: Rows = tuple(
            (tuple(target.split(".")), _paths(*keys), convert) for target, keys, convert in rows
        )
        self._keys = self.keys = frozenset(path[0] for _, paths, _ in self._rows for path in paths)

    def map(self, event: Event, fields: dict[str, Any]) -> None:
        if not self._keys.isdisjoint(fields):  # the usual case: one set operation per event
            _map_rows(self._rows, event, fields)

    def for_shape(self, present: frozenset[str]) -> MapKeys | None:
        """The rows with a spelling among ``present``, each trying only the spellings there
        (absent ones stay absent: steps only pop); None when no row has one."""
        rows = tuple(
            (target, there, convert)
            for target, paths, convert in self._rows
            for there in (tuple(path for path in paths if path[0] in present),)
            if there
        )
        return partial(_map_rows, rows) if rows else None


Rows = tuple[tuple[Path, tuple[Path, ...], Convert], ...]


def _map_rows(rows: Rows, event: Event, fields: dict[str, Any]) -> None:
    """Each row's first spelling in ``fields`` that converts, set at the row's ECS path."""
    for target, paths, convert in rows:
        value = take(fields, paths, convert)
        if value is not None:
            set_path(event, target, value)


# --- converters -------------------------------------------------------------------------

_HTTP_METHOD = re.compile(r"^[A-Za-z]{3,10}$")


def _identifier(value: Any) -> str | None:
    """Trace/span/user ids: strings or integers (some tracers log ids as numbers)."""
    return as_text(value) if isinstance(value, TEXT_OR_INT) else None


_METHODS_AS_WRITTEN = {
    written: method.upper()
    for method in ("get", "post", "put", "delete", "patch", "head", "options", "connect", "trace")
    for written in (method, method.upper(), method.title())
}
"""The usual methods as loggers write them: one dict get instead of the pattern and upper()."""


def http_method(value: Any) -> str | None:
    if type(value) is str:
        method = _METHODS_AS_WRITTEN.get(value)
        if method is not None:
            return method
    return value.upper() if isinstance(value, str) and _HTTP_METHOD.match(value) else None


def status_code(value: Any) -> int | None:
    code = value if type(value) is int else as_int(value)  # an int: as_int hands it back
    return code if code is not None and 100 <= code <= 599 else None


def _string(value: Any) -> str | None:
    return as_text(value) if isinstance(value, str) else None


def non_negative_int(value: Any) -> int | None:
    """A count or pid: 0 up to Elasticsearch's ``long`` (a bigger one could not be indexed)."""
    number = as_int(value)
    return number if number is not None and 0 <= number <= _MAX_LONG else None


def _duration(factor: float) -> Convert:
    """Converter of a duration in some unit to whole nanoseconds (ECS ``event.duration``)."""

    def convert(value: Any) -> int | None:
        number = as_number(value)
        if number is None or number < 0 or number * factor > _MAX_LONG:
            return None
        return round(number * factor)

    return convert


_MAX_LONG = 2**63 - 1
"""Elasticsearch ``long``: a longer duration is left in the app namespace, not overflowed."""

NS_PER_UNIT = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def map_trace() -> MapFields:
    """``trace.id``, ``span.id``, ``transaction.id``, ``http.request.id``, ``user.id``."""
    return MapFields(
        "map_trace",
        [
            ("trace.id", ("trace_id", "traceId", "traceID", "trace.id"), _identifier),
            ("span.id", ("span_id", "spanId", "spanID", "span.id"), _identifier),
            ("transaction.id", ("transaction_id", "transactionId"), _identifier),
            ("http.request.id", ("request_id", "requestId", "req_id", "reqId"), _identifier),
            ("user.id", ("user_id", "userId"), _identifier),
        ],
    )


def map_http(duration_unit: str) -> MapFields:
    """HTTP method and status, plus ``event.duration`` (ns) from the usual duration keys."""
    unit = NS_PER_UNIT[duration_unit]
    return MapFields(
        "map_http",
        [
            (
                "http.request.method",
                ("method", "http_method", "httpMethod", "req.method"),
                http_method,
            ),
            (
                "http.response.status_code",
                ("statusCode", "status_code", "status", "http_status", "res.statusCode"),
                status_code,
            ),
            ("event.duration", ("duration_ns", "durationNs"), _duration(1.0)),
            ("event.duration", ("duration_us", "durationUs"), _duration(1e3)),
            (
                "event.duration",
                ("duration_ms", "durationMs", "responseTime", "response_time", "latency_ms"),
                _duration(1e6),
            ),
            ("event.duration", ("duration_s", "duration_secs"), _duration(1e9)),
            ("event.duration", ("duration",), _duration(unit)),
        ],
    )


class MapUrl(LogKeyStep):
    """``url.path`` (and ``url.original``/``url.query``) once the event is an HTTP one.

    ``path``/``url`` mean a request path only beside a method or status code; in any other log
    they are left alone (a file path is not a URL).
    """

    name = "map_url"
    _KEYS = _paths("url", "path", "originalUrl", "route", "endpoint", "req.url")
    keys = frozenset(path[0] for path in _KEYS)

    def map(self, event: Event, fields: dict[str, Any]) -> None:
        http = event.get("http")
        if not isinstance(http, dict):
            return
        raw = take(fields, self._KEYS, _string)
        if raw is not None:
            raw = redact(raw)  # a password in the URL is never indexed in clear
            set_path(event, ("url", "original"), raw)
            add_url_parts(child(event, "url"), raw)


def add_url_parts(url: dict[str, Any], raw: str) -> None:
    """``url.path`` (``/`` when empty) and ``url.query`` of the URL ``raw`` into ``url``.

    A text ``urlsplit`` refuses (``http://[x``: a broken IPv6 host) keeps only its
    ``url.original``: a malformed URL in one log line must not stop the chain.
    """
    try:
        parts = urlsplit(raw)
    except ValueError:
        return
    url["path"] = parts.path or "/"
    if parts.query:
        url["query"] = parts.query


def map_ai() -> MapFields:
    """A model call: ``gen_ai.request.model``, ``gen_ai.system`` (provider), token usage."""
    return MapFields(
        "map_ai",
        [
            ("gen_ai.request.model", ("model", "ai_model", "aiModel", "llm_model"), _string),
            ("gen_ai.system", ("provider", "ai_provider", "aiProvider"), _string),
            (
                "gen_ai.usage.input_tokens",
                ("input_tokens", "prompt_tokens", "promptTokens", "inputTokens"),
                non_negative_int,
            ),
            (
                "gen_ai.usage.output_tokens",
                ("output_tokens", "completion_tokens", "completionTokens", "outputTokens"),
                non_negative_int,
            ),
        ],
    )


def map_misc() -> MapFields:
    """``event.action`` (the app's ``event``), ``log.logger``, ``process.pid``."""
    return MapFields(
        "map_misc",
        [
            ("event.action", ("event", "action"), _string),
            ("log.logger", ("logger", "logger_name", "loggerName"), _string),
            ("process.pid", ("pid",), non_negative_int),
        ],
    )


class MapHost(LogKeyStep):
    """The log's ``hostname`` fills ``host.name`` only when the shipper sent none."""

    name = "map_host"
    _KEYS = _paths("hostname", "host")
    keys = frozenset(path[0] for path in _KEYS)

    def map(self, event: Event, fields: dict[str, Any]) -> None:
        host = take(fields, self._KEYS, _string)
        if host is not None:
            set_default_path(event, ("host", "name"), host)
            set_path(event, ("host", "hostname"), host)
