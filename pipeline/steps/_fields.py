"""Small helpers shared by the steps: nested get/set on event dicts and the log's own keys.

The parse step leaves the log's own keys (a JSON object's keys or the grammar's captures) in
``event["@metadata"]["log_fields"]``; each later step *pops* the keys it maps to ECS, and
``keep_app_fields`` moves whatever is left into the app namespace. So nothing is mapped twice
and nothing is lost.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pipeline.runtime import METADATA, Event

LOG_FIELDS = "log_fields"
"""Key under ``@metadata`` holding the log's own keys not yet mapped by a step."""

MISSING: Any = object()
"""Sentinel for "no such key" (``None`` is a legitimate JSON value)."""


def log_fields(event: Event) -> dict[str, Any]:
    """The log's own not-yet-mapped keys (an empty dict if the event was never parsed)."""
    meta = event.get(METADATA)
    if type(meta) is dict:  # the parsed event: two dict gets, no exception machinery
        fields = meta.get(LOG_FIELDS)
        if type(fields) is dict:
            return fields
    return _fresh_log_fields(event)


def _fresh_log_fields(event: Event) -> dict[str, Any]:
    """:func:`log_fields` off the fast path: any shape of ``@metadata``, created if missing."""
    try:
        fields = event[METADATA][LOG_FIELDS]
    except (KeyError, TypeError):
        fields = None
    if isinstance(fields, dict):
        return fields
    fresh: dict[str, Any] = {}
    event.setdefault(METADATA, {})[LOG_FIELDS] = fresh
    return fresh


class LogKeyStep:
    """A step that maps some of the log's own keys: :meth:`map` gets them handed in.

    Alone it is an ordinary step; inside :class:`MapLogKeys` a run of them shares one fetch of
    the log's keys and one call from the chain.
    """

    name = "log_key_step"
    keys: frozenset[str] | None = None
    """Top-level log keys without which :meth:`map` does nothing; ``None``: it always acts."""
    looks_at: frozenset[str] = frozenset()
    """For a step that always acts: the log keys it takes, if any (its part of a log's shape,
    what :meth:`for_shape` is told about)."""

    def map(self, event: Event, fields: dict[str, Any]) -> None:
        """Move what this step knows from ``fields`` (the log's keys) onto ``event``."""
        raise NotImplementedError

    def __call__(self, event: Event) -> Event:
        self.map(event, log_fields(event))
        return event

    def for_shape(self, present: frozenset[str]) -> MapKeys | None:
        """:meth:`map` for logs having ``present`` of the steps' keys (or a subset: the keys
        only get popped), or None when it would do nothing there.

        :class:`MapLogKeys` asks once per log shape; a step may answer with a version that
        skips the per-event tests of which of its keys are there.
        """
        if self.keys is None or not self.keys.isdisjoint(present):
            return self.map
        return None


class MapLogKeys:
    """Several :class:`LogKeyStep` in order, as one step: the log's keys are fetched once."""

    name = "map_log_keys"

    def __init__(self, steps: Sequence[LogKeyStep]) -> None:
        self.steps = tuple(steps)
        self._keys = frozenset(
            key for step in steps for key in (step.looks_at if step.keys is None else step.keys)
        )
        self._plans: dict[tuple[str, ...], Plan] = {}
        self._by_present: dict[frozenset[str], Plan] = {}

    def __call__(self, event: Event) -> Event:
        fields = log_fields(event)
        plan = self._plans.get(tuple(fields))
        if plan is None:
            plan = self._plan(tuple(fields))
        for apply in plan:
            if apply is not None:
                apply(event, fields)
        return event

    def run_batch(self, events: list[Event]) -> None:
        """What calling this step on each event does, one part at a time over the batch.

        Events are grouped by their log's keys as written (a tuple: cheaper to build and look
        up than the set of the parts' keys it has, and an application writes its keys in one
        order); each part then runs, as the group's plan says, over the groups it applies to.
        No part drops.
        """
        shapes: dict[tuple[str, ...], list[tuple[Event, dict[str, Any]]]] = {}
        for event in events:
            fields = log_fields(event)
            written = tuple(fields)
            logs = shapes.get(written)
            if logs is None:
                logs = shapes[written] = []
            logs.append((event, fields))
        groups: list[tuple[Plan, list[tuple[Event, dict[str, Any]]]]] = []
        for written, logs in shapes.items():
            plan = self._plans.get(written)
            if plan is None:
                plan = self._plan(written)
            groups.append((plan, logs))
        for index in range(len(self.steps)):
            for by_step, logs in groups:
                apply = by_step[index]
                if apply is not None:
                    for event, fields in logs:
                        apply(event, fields)

    def _plan(self, written: tuple[str, ...]) -> Plan:
        """What each step runs for a log with the keys ``written`` (cached: logs of one shape
        keep coming, so this is worked out once per shape): by step, what it runs there (None
        where it does nothing).

        It depends only on which of the parts' keys the log has (steps only pop keys: a
        superset of what a part later finds), so logs with other keys besides share it.
        """
        if len(self._plans) >= _MAX_PLANS:
            self._plans.clear()
        present = self._keys.intersection(written)
        plan = self._by_present.get(present)
        if plan is None:
            if len(self._by_present) >= _MAX_PLANS:
                self._by_present.clear()
            plan = self._by_present[present] = tuple(step.for_shape(present) for step in self.steps)
        self._plans[written] = plan
        return plan


MapKeys = Callable[[Event, dict[str, Any]], None]
Plan = tuple["MapKeys | None", ...]
_MAX_PLANS = 4096
"""Bound on each of :class:`MapLogKeys`' caches: the logs' key tuples seen (a log shape is one
entry) and the sets of the parts' keys among them."""


def pop_first(fields: dict[str, Any], keys: Iterable[str]) -> Any:
    """Pop every one of ``keys`` present; return the first non-empty value, else ``MISSING``.

    Popping all spellings (``trace_id`` and ``traceId``) keeps the duplicates out of the app
    namespace once one of them has been mapped.
    """
    found: Any = MISSING
    for key in keys:
        if key in fields:  # `in` is cheaper than pop(key, default) for the usual absent key
            value = fields.pop(key)
            if found is MISSING and value not in (None, ""):
                found = value
    return found


def first_spelling(keys: Sequence[str]) -> Callable[[dict[str, Any]], Any]:
    """:func:`pop_first` for fixed ``keys``, as a closure built once per step.

    A log writes one spelling, nearly always the first (``level``, ``service``): when none of
    the others is there (one C-level ``isdisjoint``) only the first is popped.
    """
    keys = tuple(keys)
    first, others = keys[0], frozenset(keys[1:])

    def pop_one(fields: dict[str, Any]) -> Any:
        value = fields.pop(first, MISSING)
        return MISSING if value is None or value == "" else value

    if not others:  # one spelling (a log shape's): nothing to test
        return pop_one

    def pop(fields: dict[str, Any]) -> Any:
        return pop_one(fields) if others.isdisjoint(fields) else pop_first(fields, keys)

    return pop


def get_path(doc: dict[str, Any], path: tuple[str, ...]) -> Any:
    """``doc[a][b][c]`` for ``path == ("a", "b", "c")``, or ``MISSING``."""
    node: Any = doc
    for part in path:
        if not isinstance(node, dict):
            return MISSING
        node = node.get(part, MISSING)
        if node is MISSING:
            return MISSING
    return node


def set_path(doc: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set ``doc[a][b][c] = value``, creating (or replacing non-dict) intermediate objects."""
    node = doc
    for part in path[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[path[-1]] = value


def metadata(event: Event) -> dict[str, Any]:
    """``event.setdefault(METADATA, {})`` without building the unused default dict each call."""
    meta = event.get(METADATA)
    if meta is None:  # absent (or None: then setdefault hands back None, as it did)
        meta = event.setdefault(METADATA, {})
    return meta  # type: ignore[no-any-return]


def child(doc: dict[str, Any], key: str) -> dict[str, Any]:
    """``doc[key]`` as an object, created (or replacing a non-dict): ``set_path``'s one level."""
    node = doc.get(key)
    if type(node) is not dict and not isinstance(node, dict):
        node = doc[key] = {}
    return node


def set_default_path(doc: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Like :func:`set_path` but keeps a value that is already there (the shipper's wins)."""
    if get_path(doc, path) is MISSING:
        set_path(doc, path, value)


_NUMBER = (int, float)
"""``isinstance`` against a tuple: ``int | float`` would build a union at every call."""
TEXT_OR_INT = (str, int)
"""Ids and values compared as text: strings or integers (a tuple, for the same reason)."""


def as_text(value: Any) -> str | None:
    """A scalar as a clean string (numbers and bools in their JSON form); None if not scalar."""
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _NUMBER):
        return str(value)
    return None


def as_int(value: Any) -> int | None:
    """An integer from an int, an integral float or a decimal string; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        try:  # "--5" and superscript digits pass isdigit() but are no integer
            return int(value.strip())
        except ValueError:
            return None
    return None


def as_number(value: Any) -> float | None:
    """A finite number from a number or a numeric string; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, _NUMBER):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def add_tag(event: Event, tag: str) -> None:
    """Append ``tag`` to the event's ``tags`` once (creating the list if needed)."""
    tags = event.get("tags")
    if not isinstance(tags, list):
        tags = event["tags"] = [] if tags is None else [tags]
    if tag not in tags:
        tags.append(tag)
