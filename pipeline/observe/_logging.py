"""lumberyard's own logs: structlog, one JSON object per line when not on a terminal.

Normal operation writes no line per event: components log incidents (a connection lost, a
retry storm starting, a drain timing out), once each. The standard ``logging`` records of the
runtime and libraries go through the same renderer, so every line has one shape: ``timestamp``
(UTC ISO 8601), ``level``, ``logger``, ``event`` and the incident's fields; an exception's
traceback stays inside its line. Keys that name secrets are masked before rendering.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog

from pipeline.redact import redact

SECRET_KEYS = frozenset(
    {"password", "api_key", "apikey", "secret", "token", "authorization", "key_passphrase"}
)
MASK = "***"


def _mask_secrets(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key, value in event.items():
        if key.lower() in SECRET_KEYS and value is not None:
            event[key] = MASK
        elif isinstance(value, str):
            event[key] = redact(value)  # a URL's password inside a message or a field
    return event


def configure_logging(
    level: str = "info", *, json: bool | None = None, stream: TextIO | None = None
) -> None:
    """Route structlog and stdlib logging to ``stream`` (stderr): JSON lines unless ``json``
    is False or (when None) the stream is a terminal."""
    stream = stream or sys.stderr
    as_json = (not stream.isatty()) if json is None else json
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _mask_secrets,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if as_json
        else structlog.dev.ConsoleRenderer(colors=stream.isatty())
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            _mask_secrets,  # again: the formatted traceback may quote a URL
            renderer,
        ],
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


def get_logger(name: str) -> Any:
    """A structlog logger named ``name`` (``lumberyard.<component>``)."""
    return structlog.get_logger(name)
