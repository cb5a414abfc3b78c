"""event_type: data-driven rules in order, first match wins, with the issue's defaults."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pipeline.steps import EnrichConfig, EventTypeRule
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
