"""``[enrich] index``: Logstash's sprintf index names from fields, @metadata and the day."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from pipeline.runtime import METADATA
from pipeline.steps import EnrichConfig, enrich_steps
from pipeline.steps._index import IndexPattern, RouteIndexPattern, template_patterns

STAMP = "2025-09-12T08:00:00.000Z"
BEAT = {"beat": "filebeat", "version": "7.17.29", "type": "_doc"}


def _route(pattern: str, event: dict[str, Any]) -> dict[str, Any]:
    return RouteIndexPattern(pattern, "fallback-")({"@timestamp": STAMP, **event})


@pytest.mark.parametrize(("pattern", "event", "expected"), [
    ("%{[@metadata][beat]}-%{[@metadata][version]}-%{+YYYY.MM.dd}", {METADATA: BEAT},
     "filebeat-7.17.29-2025.09.12"),
    ("logs-%{[service][name]}-%{+yyyy.MM}", {"service": {"name": "checkout"}},
     "logs-checkout-2025.09"),
    ("logs-%{env}-%{+xxxx.ww}", {"env": "prod"}, "logs-prod-2025.37"),  # ISO week
    ("logs-%{[n]}-%{+yyyy.MM.dd.HH}", {"n": 7}, "logs-7-2025.09.12.08"),
    ("logs-%{+YYYY}-'x'", {}, "logs-2025-'x'"),  # outside %{+...} quotes are text
    ("logs-%{+'week'ww}", {}, "logs-week37"),
])
def test_the_index_is_named_from_fields_and_the_day(pattern: str, event: dict[str, Any],
                                                    expected: str) -> None:
    """References take the document's (or @metadata's) values, %{+...} the UTC time."""
    out = _route(pattern, event)
    assert (expected, []) == (out[METADATA]["_index"], out.get("tags", []))


@pytest.mark.parametrize("event", [
    {METADATA: {"version": "7.17.29"}},  # no beat: Logstash would write the reference itself
    {METADATA: {**BEAT, "beat": "FileBeat"}},  # upper case: Elasticsearch refuses it
    {METADATA: {**BEAT, "beat": "\u00dcberwachung"}},  # non-ASCII upper case: refused too
    {METADATA: {**BEAT, "beat": "a/b"}},
    {METADATA: {**BEAT, "beat": ["a", "b"]}},  # a list: "a,b"
    {METADATA: {**BEAT, "beat": {"x": 1}}},
    {METADATA: {**BEAT, "beat": "_x"}},  # a name may not start with _
    {METADATA: {**BEAT, "beat": "%{[x]}"}},  # a value a rule left unfilled
])
def test_no_usable_value_goes_to_the_fallback_index_tagged(event: dict[str, Any]) -> None:
    """Where the name would be wrong or refused, the document still lands: in the fallback
    index (prefix + day, covered by the template), tagged _index_fallback."""
    out = _route("%{[@metadata][beat]}-%{[@metadata][version]}-%{+YYYY.MM.dd}", event)
    assert ("fallback-2025.09.12", ["_index_fallback"]) == (
        out[METADATA]["_index"], out["tags"])


@pytest.mark.parametrize(("pattern", "error"), [
    ("Logs-%{+YYYY.MM.dd}", "'Logs-' cannot be part of an index name"),
    ("\u00fcber-%{+YYYY}-\u00c4", "'-\u00c4' cannot be part of an index name"),
    ("logs %{+YYYY}", "cannot be part of an index name"),
    ("logs-%{+YYYY.qq}", "'qq' is not supported"),
    ("logs-%{}", "is not a field reference"),
    ("logs-%{a b}", "is not a field reference"),
])
def test_a_bad_pattern_fails_at_startup(pattern: str, error: str) -> None:
    """A pattern that cannot make an index name stops the config load, naming the part."""
    with pytest.raises(ValueError, match=error):
        IndexPattern(pattern)


def test_template_patterns_come_from_the_literal_head() -> None:
    """web-%{...} -> web-*; a pattern starting with a reference must name its own."""
    assert (["web-*"], []) == (template_patterns("web-%{[a]}-%{+YYYY}"),
                               template_patterns("%{[a]}-%{+YYYY}"))
    config = EnrichConfig(index="%{[@metadata][beat]}-%{+YYYY.MM.dd}",
                          index_template_patterns=["filebeat-*", "metricbeat-*"])
    assert ["filebeat-*", "metricbeat-*"] == config.template_patterns()
    assert [] == EnrichConfig().template_patterns()
    with pytest.raises(ValidationError, match="set index_template_patterns"):
        EnrichConfig(index="%{[@metadata][beat]}-%{+YYYY.MM.dd}")
    with pytest.raises(ValidationError, match="must be lower case"):
        EnrichConfig(index="x-%{+YYYY}", index_template_patterns=["*"])


def test_the_chain_routes_with_the_pattern() -> None:
    """enrich_steps puts the pattern's route in place of the prefix's."""
    steps = enrich_steps(EnrichConfig(index="app-%{[service][name]}-%{+YYYY.MM.dd}"))
    event: dict[str, Any] = {"message": "m", "fields": {"service": "pay"},
                             METADATA: {"source_id": b"x", "timestamp": STAMP}}
    for step in steps:
        event = step(event)
    assert "app-pay-2025.09.12" == event[METADATA]["_index"]
