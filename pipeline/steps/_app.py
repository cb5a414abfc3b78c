"""``keep_app_fields``: the log's keys no step mapped go to the app namespace, none are lost.

Free-form payloads (``data``, ``meta``, ``context``) stay at the top level, where the template
maps them as ``flattened``: a string from one service and an object from another then never
conflict, and ``data.user_id: 42`` searches keep working as they did with Logstash.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipeline.runtime import METADATA, Event
from pipeline.steps._fields import LOG_FIELDS

ALIAS_NAMES = ("level", "environment", "log_message", "timestamp")
"""Alias fields of the template: a document must not carry them (Elasticsearch refuses it)."""
_ALIASES = frozenset(ALIAS_NAMES)

FLATTENED_SCALAR_KEY = "value"
"""A payload logged as a scalar (``"data": "ok"``) is stored as ``{"value": "ok"}``."""


_NO_METADATA: dict[str, Any] = {}
"""Stands in for a missing ``@metadata`` (only ever popped from, with a default: stays empty)."""


class KeepAppFields:
    """Move what is left of ``@metadata.log_fields`` into ``<namespace>.*`` and the payloads."""

    name = "keep_app_fields"

    def __init__(self, namespace: str = "app", flattened: Sequence[str] = ()) -> None:
        self._namespace = namespace
        self._flattened = frozenset(flattened)

    def __call__(self, event: Event) -> Event:
        self.run_batch([event])
        return event

    def run_batch(self, events: list[Event]) -> None:
        """This step on each event (it drops none): the loop is the step, so the workers'
        batches pay no call per event."""
        namespace, flattened = self._namespace, self._flattened
        for event in events:
            fields = event.get(METADATA, _NO_METADATA).pop(LOG_FIELDS, None) or {}
            if not _ALIASES.isdisjoint(event):  # rare: one set operation for the usual event
                _take_aliases(event, fields)
            if not fields:
                continue
            app = event.get(namespace)
            if not flattened.isdisjoint(fields):
                _keep_payloads(event, fields, app, namespace, flattened)
            elif isinstance(app, dict):  # no payload keys: the rest is the app object
                app.update(fields)
            else:
                event[namespace] = fields


def _keep_payloads(
    event: Event, fields: dict[str, Any], app: Any, namespace: str, flattened: frozenset[str]
) -> None:
    """The log's keys left, payloads among them: those at the top level, the rest in ``app``."""
    if not isinstance(app, dict):
        app = {}
    for key, value in fields.items():
        if key in flattened:
            if value is not None:
                event[key] = value if isinstance(value, dict) else {FLATTENED_SCALAR_KEY: value}
        else:
            app[key] = value
    if app:
        event[namespace] = app


def _take_aliases(event: Event, fields: dict[str, Any]) -> None:
    """Move the alias names off the document among the log's keys (the log's own value wins)."""
    for name in ALIAS_NAMES:
        if name in event:
            fields.setdefault(name, event.pop(name))
