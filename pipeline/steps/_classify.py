"""``classify_event``: one ``event_type`` keyword per event from ordered, data-driven rules."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pipeline.runtime import Event
from pipeline.steps._config import EventTypeRule
from pipeline.steps._fields import MISSING, get_path, log_fields

Predicate = Callable[[Event], bool]


def _lookup(event: Event, path: tuple[str, ...]) -> object:
    """A dotted path in the enriched document, else among the log's not-yet-mapped keys."""
    if len(path) == 1:  # the common case, without the generic walk
        value = event.get(path[0], MISSING)
        return log_fields(event).get(path[0], MISSING) if value is MISSING else value
    value = get_path(event, path)
    if value is MISSING:
        value = get_path(log_fields(event), path)
    return value


def _present(path: tuple[str, ...]) -> Predicate:
    def check(event: Event) -> bool:
        return _lookup(event, path) not in (MISSING, None, "", [], {})

    return check


def _value_in(path: tuple[str, ...], accepted: frozenset[str]) -> Predicate:
    def check(event: Event) -> bool:
        value = _lookup(event, path)
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


class ClassifyEvent:
    """Set ``event_type``: the first rule any of whose conditions holds, else the fallback."""

    name = "classify_event"

    def __init__(self, rules: Sequence[EventTypeRule], fallback: str = "log") -> None:
        self._rules = tuple(compile_rule(rule) for rule in rules)
        self._fallback = fallback

    def __call__(self, event: Event) -> Event:
        event["event_type"] = self.classify(event)
        return event

    def classify(self, event: Event) -> str:
        """The event type ``event`` gets under these rules."""
        for event_type, predicates in self._rules:
            if not predicates or any(check(event) for check in predicates):
                return event_type
        return self._fallback
