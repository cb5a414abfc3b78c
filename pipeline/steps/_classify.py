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
from pipeline.steps._fields import MISSING, TEXT_OR_INT, get_path, log_fields

Fields = dict[str, Any]
Lookup = Callable[[Event, Fields], object]
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
    if len(path) == 2:  # log.level, gen_ai.system: written out (figure at _table_decider)
        second = path[1]

        def pair(event: Event, fields: Fields) -> object:
            node = event.get(head)
            if isinstance(node, dict):
                value = node.get(second, MISSING)
                if value is not MISSING:
                    return value
            node = fields.get(head)
            return node.get(second, MISSING) if isinstance(node, dict) else MISSING

        return pair
    rest = path[1:]

    def nested(event: Event, fields: Fields) -> object:
        node = event.get(head, MISSING)
        value = get_path(node, rest) if isinstance(node, dict) else MISSING
        if value is MISSING:
            node = fields.get(head, MISSING)
            value = get_path(node, rest) if isinstance(node, dict) else MISSING
        return value

    return nested


def _rule_decider(rule: EventTypeRule) -> Decider:
    """``rule.event_type`` when any condition holds (always, without conditions), else None."""
    event_type = rule.event_type
    tests = tuple(
        (_lookup(tuple(path.split("."))), frozenset(v.lower() for v in values))
        for path, values in rule.field_in.items()
    )
    by_head: dict[str, list[Lookup]] = {}
    for path in rule.any_field:
        by_head.setdefault(path.split(".")[0], []).append(_lookup(tuple(path.split("."))))
    present = tuple((first, tuple(lookups)) for first, lookups in by_head.items())
    if not tests and not present:
        return lambda event, fields: event_type
    heads = {path.split(".")[0] for path in (*rule.field_in, *rule.any_field)}
    head = heads.pop() if len(heads) == 1 else None  # e.g. gen_ai.*: absent, nothing can hold

    def decide(event: Event, fields: Fields) -> str | None:
        if head is not None and head not in event and head not in fields:
            return None
        for lookup, accepted in tests:
            value = lookup(event, fields)
            if isinstance(value, TEXT_OR_INT) and str(value).lower() in accepted:
                return event_type
        for first, lookups in present:  # error.message, error.type...: one test for `error`
            if first in event or first in fields:
                for lookup in lookups:
                    if lookup(event, fields) not in _EMPTY:
                        return event_type
        return None

    return decide


def _table_decider(path: str, table: dict[str, str]) -> Decider:
    """Several one-condition ``field_in`` rules on one path: one lookup, one dict get."""
    parts = tuple(path.split("."))
    # The app's own `type` (every event asks) with the lookup written out, one call less; with
    # _lookup's `pair` above it is what keeps this step's cost. Measured (issue #12 §5): both
    # folded into the general lookups made the classify_event pass 1.127 -> 1.213 CPU us/event
    # (+8%; Chain.apply +0.4%), in one process against this code over the same batches of
    # bench.corpus (20,000 lines, 15 rounds: `python -m bench.ab chain` with the fold in the
    # working tree; `python -m bench.bench_chain` prints the pass too).
    # Kept, though under 5% alone: the other #12 §5 folds already cost the whole chain 4-7%
    # (bench_chain, whole chain batched 11.53 -> 12.35 us/event with this one included).
    if len(parts) == 1:
        head = parts[0]

        def decide_top(event: Event, fields: Fields) -> str | None:
            value = event.get(head, MISSING)
            if value is MISSING:
                value = fields.get(head, MISSING)
            if type(value) is str:
                return table.get(value.lower())
            return table.get(str(value).lower()) if isinstance(value, TEXT_OR_INT) else None

        return decide_top
    lookup = _lookup(parts)

    def decide(event: Event, fields: Fields) -> str | None:
        value = lookup(event, fields)
        if type(value) is str:  # the usual case: no str() copy
            return table.get(value.lower())
        return table.get(str(value).lower()) if isinstance(value, TEXT_OR_INT) else None

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
        deciders.append(_rule_decider(rule))
        index += 1
        if _always(rule):
            break
    return tuple(deciders)


def _always(rule: EventTypeRule) -> bool:
    """A rule without conditions: it holds for every event."""
    return not (rule.field_in or rule.any_field)


class ClassifyEvent:
    """Set ``event_type``: the first rule any of whose conditions holds, else the fallback."""

    name = "classify_event"

    def __init__(self, rules: Sequence[EventTypeRule], fallback: str = "log") -> None:
        catch_all = next((n for n, rule in enumerate(rules) if _always(rule)), None)
        if catch_all is not None:  # it decides whatever reaches it: the fallback, no call
            fallback, rules = rules[catch_all].event_type, rules[:catch_all]
        self._deciders = compile_rules(rules)
        self._fallback = fallback

    def __call__(self, event: Event) -> Event:
        event["event_type"] = self.classify(event)
        return event

    def run_batch(self, events: list[Event]) -> None:
        """This step on each event (it drops none), without the chain's per-event call."""
        classify = self.classify
        for event in events:
            event["event_type"] = classify(event)

    def classify(self, event: Event) -> str:
        """The event type ``event`` gets under these rules."""
        fields = log_fields(event)
        for decide in self._deciders:
            found = decide(event, fields)
            if found is not None:
                return found
        return self._fallback
