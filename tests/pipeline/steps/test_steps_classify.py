"""event_type: data-driven rules in order, first match wins, with the issue's defaults."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from pipeline.runtime import METADATA
from pipeline.steps import EnrichConfig, EventTypeRule
from pipeline.steps._classify import ClassifyEvent
from pipeline.steps._fields import MISSING
from tests.pipeline.steps.helpers import enrich


@pytest.mark.parametrize(
    ("log", "expected"),
    [
        ({"type": "business_event", "event": "user_signup"}, "business_event"),
        ({"type": "security_event", "level": "error"}, "security_event"),
        ({"type": "performance_event", "duration_ms": 5}, "performance_event"),
        ({"type": "business_event", "model": "m", "method": "GET"}, "business_event"),
        ({"model": "claude", "method": "POST", "status": 200}, "ai_request"),
        ({"provider": "ollama"}, "ai_request"),
        ({"method": "GET", "status": 500, "level": "error"}, "http_request"),
        ({"statusCode": 200}, "http_request"),
        ({"level": "fatal"}, "error"),
        ({"level": "warn", "error": {"message": "x"}}, "error"),
        ({"level": "info", "type": "audit"}, "log"),
        ({}, "log"),
    ],
)
def test_default_rules(log: dict[str, object], expected: str) -> None:
    """Explicit app type > ai_request > http_request > error > log."""
    assert expected == enrich(log)["event_type"]


def test_explicit_type_is_kept_in_app_namespace() -> None:
    """The log's own `type` is kept (app.type) next to the derived event_type."""
    doc = enrich({"type": "business_event"})
    assert {"type": "business_event"} == doc["app"]


def test_custom_rules_first_match_wins() -> None:
    """Configured rules replace the defaults and are evaluated in order."""
    rules = [
        EventTypeRule(event_type="payment", field_in={"service.name": ["payments"]}),
        EventTypeRule(event_type="http_request", any_field=["http.request.method"]),
    ]
    config = EnrichConfig(event_type_rules=rules, fallback_event_type="other")
    assert (
        "payment" == enrich({"service": "PAYMENTS", "method": "GET"}, config=config)["event_type"]
    )
    assert "http_request" == enrich({"method": "GET"}, config=config)["event_type"]
    assert "other" == enrich({}, config=config)["event_type"]


@pytest.mark.parametrize(
    "bad",
    [
        {"event_type": "Not Keyword"},
        {"event_type": "x", "any_field": ["a..b"]},
        {"event_type": "x", "field_in": {" a": ["v"]}},
        {"event_type": "x", "unknown": 1},
    ],
)
def test_bad_rules_fail_at_startup(bad: dict[str, object]) -> None:
    """A malformed rule is rejected when the config is loaded, not per event."""
    with pytest.raises(ValidationError):
        EventTypeRule.model_validate(bad)


# --- the compiled rules decide exactly as the rules read -------------------------------------

_PATHS = ("type", "kind", "a.b", "a.c", "log.level")
_VALUES = st.one_of(
    st.sampled_from(["x", "X", "y", "", "error", "1", "true"]),
    st.integers(-1, 2),
    st.booleans(),
    st.none(),
    st.just([]),
    st.just({}),
)


def _reference(rules: list[EventTypeRule], event: dict[str, Any], fields: dict[str, Any]) -> str:
    """The rules read literally: first rule with any condition holding; 'log' otherwise."""

    def lookup(path: str) -> object:
        for doc in (event, fields):
            node: object = doc
            for part in path.split("."):
                node = node.get(part, MISSING) if isinstance(node, dict) else MISSING
            if node is not MISSING:
                return node
        return MISSING

    def value_in(path: str, values: list[str]) -> bool:
        value = lookup(path)
        return isinstance(value, str | int) and str(value).lower() in {v.lower() for v in values}

    for rule in rules:
        conditions = [value_in(p, vs) for p, vs in rule.field_in.items()]
        conditions += [lookup(p) not in (MISSING, None, "", [], {}) for p in rule.any_field]
        if not (rule.field_in or rule.any_field) or any(conditions):
            return rule.event_type
    return "log"


def _nest(flat: dict[str, object]) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for path, value in flat.items():
        head, _, tail = path.partition(".")
        if tail:
            child = doc.setdefault(head, {})
            if isinstance(child, dict):
                child[tail] = value
        else:
            doc.setdefault(head, value)
    return doc


_TYPES = st.sampled_from(["one", "two", "three"])
_ACCEPTED = st.lists(st.sampled_from(["x", "Y", "1", "true"]))
_VALUE_RULE = st.builds(  # the shape that compiles into a shared value table
    EventTypeRule, event_type=_TYPES, field_in=st.fixed_dictionaries({"type": _ACCEPTED})
)
_ANY_RULE = st.builds(
    EventTypeRule,
    event_type=_TYPES,
    field_in=st.dictionaries(st.sampled_from(_PATHS), _ACCEPTED, max_size=2),
    any_field=st.lists(st.sampled_from(_PATHS), max_size=2),
)
_RULES = st.lists(st.one_of(_VALUE_RULE, _ANY_RULE), max_size=5)
_DOCS = st.dictionaries(st.sampled_from(_PATHS), _VALUES, max_size=4).map(_nest)


@settings(max_examples=400, deadline=None)
@given(rules=_RULES, event=_DOCS, fields=_DOCS)
def test_compiled_rules_decide_as_the_rules_read(
    rules: list[EventTypeRule], event: dict[str, Any], fields: dict[str, Any]
) -> None:
    """Merged value tables and per-path closures pick the same event_type as a literal reading
    (a catch-all rule anywhere included), by ``classify``, the step and its ``run_batch``."""
    expected = _reference(rules, event, fields)
    step = ClassifyEvent(rules)
    actual = step.classify({**event, METADATA: {"log_fields": fields}})
    one = step({**event, METADATA: {"log_fields": fields}})
    batch = [{**event, METADATA: {"log_fields": fields}}]
    step.run_batch(batch)
    assert (expected, expected, expected) == (actual, one["event_type"], batch[0]["event_type"])
