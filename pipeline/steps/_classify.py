"""``classify_event``: one ``event_type`` keyword per event from ordered, data-driven rules.

The rules are compiled once into deciders ``(event, log_fields) -> event_type | None``: each
path becomes a closure that walks its keys directly, and consecutive rules that only test one
path's value against a list (the app's explicit ``type``) share one dict lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pipeline.runtime import Event
from pipeline.steps._config import EventTypeRule
from pipeline.steps._fields import MISSING, get_path, log_fields

Fields = dict[str, Any]
Lookup = Callable[[Event, Fields], object]
Predicate = Callable[[Event, Fields], bool]
Decider = Callable[[Event, Fields], "str | None"]
_EMPTY: tuple[object, ...] = (MISSING, None, "", [], {})


def _lookup(path: tuple[str, ...]) -> Lookup:
    """A dotted path in the enriched document, else among the log's not-yet-mapped keys."""
    head = path[0]
    if len(path) == 1:  # the common case, without the generic walk

        def single(event: Event, fields: Fields) -> object:
            value = event.get(head, MISSING)
            return fields.get(head, MISSING) if value is MISSING else value

        return single
    rest = path[1:]

    def nested(event: Event, fields: Fields) -> object:
        node = event.get(head, MISSING)
        value = get_path(node, rest) if isinstance(node, dict) else MISSING
        if value is MISSING:
            node = fields.get(head, MISSING)
            value = get_path(node, rest) if isinstance(node, dict) else MISSING
        return value

    return nested


def _present(path: tuple[str, ...]) -> Predicate:
    lookup = _lookup(path)

    def check(event: Event, fields: Fields) -> bool:
        return lookup(event, fields) not in _EMPTY

    return check


def _value_in(path: tuple[str, ...], accepted: frozenset[str]) -> Predicate:
    lookup = _lookup(path)

    def check(event: Event, fields: Fields) -> bool:
        value = lookup(event, fields)
        return isinstance(value, str | int) and str(value).lower() in accepted

    return check


def compile_rule(rule: EventTypeRule) -> tuple[str, tuple[Predicate, ...]]:
    """A rule as ``(event_type, predicates)``; no predicates = matches everything."""
    predicates = [
        _value_in(tuple(path.split(".")), frozenset(v.lower() for v in values))
        for path, values in rule.field_in.items()
    ]
    predicates += [_present(tuple(path.split("."))) for path in rule.any_field]
    return rule.event_type, tuple(predicates)


def _rule_decider(
    event_type: str, predicates: tuple[Predicate, ...], heads: frozenset[str]
) -> Decider:
    """``event_type`` when any predicate holds (always, without predicates), else None."""
    if not predicates:
        return lambda event, fields: event_type
    if len(heads) == 1:  # e.g. gen_ai.*: absent from both dicts, no condition can hold
        (head,) = heads
        inner = _rule_decider(event_type, predicates, frozenset())
        return lambda event, fields: (
            inner(event, fields) if head in event or head in fields else None
        )
    if len(predicates) == 1:
        (only,) = predicates
        return lambda event, fields: event_type if only(event, fields) else None

    def decide(event: Event, fields: Fields) -> str | None:
        for check in predicates:
            if check(event, fields):
                return event_type
        return None

    return decide


def _table_decider(path: str, table: dict[str, str]) -> Decider:
    """Several one-condition ``field_in`` rules on one path: one lookup, one dict get."""
    lookup = _lookup(tuple(path.split(".")))

    def decide(event: Event, fields: Fields) -> str | None:
        value = lookup(event, fields)
        return table.get(str(value).lower()) if isinstance(value, str | int) else None

    return decide


def _only_value_test(rule: EventTypeRule) -> str | None:
    """The path of a rule whose single condition is a ``field_in`` test, else None."""
    if rule.any_field or len(rule.field_in) != 1:
        return None
    return next(iter(rule.field_in))


def compile_rules(rules: Sequence[EventTypeRule]) -> tuple[Decider, ...]:
    """The rules as deciders, in order; nothing after a catch-all (it always decides)."""
    deciders: list[Decider] = []
    index = 0
    while index < len(rules):
        path = _only_value_test(rules[index])
        if path is not None:
            table: dict[str, str] = {}
            while index < len(rules) and _only_value_test(rules[index]) == path:
                for value in rules[index].field_in[path]:
                    table.setdefault(value.lower(), rules[index].event_type)  # first rule wins
                index += 1
            if table:  # rules with no accepted value never match: nothing to add
                deciders.append(_table_decider(path, table))
            continue
        rule = rules[index]
        event_type, predicates = compile_rule(rule)
        heads = frozenset(p.split(".")[0] for p in (*rule.field_in, *rule.any_field))
        deciders.append(_rule_decider(event_type, predicates, heads))
        index += 1
        if not predicates:
            break
    return tuple(deciders)


class ClassifyEvent:
    """Set ``event_type``: the first rule any of whose conditions holds, else the fallback."""

    name = "classify_event"

    def __init__(self, rules: Sequence[EventTypeRule], fallback: str = "log") -> None:
        self._deciders = compile_rules(rules)
        self._fallback = fallback

    def __call__(self, event: Event) -> Event:
        event["event_type"] = self.classify(event)
        return event

    def classify(self, event: Event) -> str:
        """The event type ``event`` gets under these rules."""
        fields = log_fields(event)
        for decide in self._deciders:
            found = decide(event, fields)
            if found is not None:
                return found
        return self._fallback
