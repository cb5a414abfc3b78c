"""A decoded window's events as pipeline events: the one Beat-event function for v2 JSON,
and version 1 key/value events (logstash-forwarder's ``line``, ``host``, ``file``,
``offset``) mapped onto the same fields first."""

from __future__ import annotations

from typing import Any

from pipeline.ids import Occurrences
from pipeline.inputs._events import beat_event
from pipeline.inputs.beats._codec import Window
from pipeline.runtime import Event

_V1_FIELDS = {"line": ("message",), "host": ("host", "name"), "file": ("log", "file", "path")}


def window_events(
    window: Window, input_name: str, received_at: str, seen: Occurrences | None = None
) -> list[Event]:
    """The window's events, each with its source identity (``pipeline.ids``; ``seen``: the
    connection's :class:`Occurrences`, so identical anonymous events stay distinct documents;
    it is moved on to the next window here)."""
    docs = window.events if window.version == 2 else [v1_fields(d) for d in window.events]
    try:
        return [
            beat_event(doc, raw, input_name, received_at, seen)
            for doc, raw in zip(docs, window.raws, strict=True)
        ]
    finally:
        if seen is not None:
            seen.end_window()


def v1_fields(pairs: dict[str, Any]) -> dict[str, Any]:
    """A v1 key/value event in the shape Filebeat sends: ``line`` -> ``message``, ``host`` ->
    ``host.name``, ``file`` -> ``log.file.path``, ``offset`` -> ``log.offset`` (a number);
    any other key is kept as it came."""
    doc: dict[str, Any] = {}
    for key, value in pairs.items():
        path = _V1_FIELDS.get(key)
        if path is None and key == "offset" and value.isdigit():
            doc.setdefault("log", {})["offset"] = int(value)
        elif path is None:
            doc[key] = value
        else:
            _set(doc, path, value)
    return doc


def _set(doc: dict[str, Any], path: tuple[str, ...], value: object) -> None:
    node = doc
    for key in path[:-1]:
        child = node.get(key)
        node = node.setdefault(key, {}) if isinstance(child, dict) or child is None else {}
    node[path[-1]] = value
