"""Everything the steps write has a home in the templates: no field goes unmapped by accident."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.runtime import METADATA
from pipeline.setup import TemplateOptions, render_templates
from pipeline.steps import EnrichConfig
from tests.pipeline.steps.helpers import enrich

RICH_LOGS: list[tuple[dict[str, Any], str]] = [
    (
        {
            "level": "error", "service": "s", "environment": "e", "version": "1", "type": "x",
            "event": "a", "trace_id": "t", "span_id": "s", "transaction_id": "x",
            "request_id": "r", "user_id": "u", "method": "GET", "url": "https://h/p?q=1",
            "statusCode": 500, "duration_ms": 3, "model": "m", "provider": "p",
            "prompt_tokens": 1, "completion_tokens": 2, "logger": "l", "pid": 1,
            "hostname": "h", "error": {"message": "m", "name": "E", "code": 1, "stack": "s"},
            "data": {"k": 1}, "meta": "v", "context": [1],
        },
        "m",
    ),
]  # fmt: skip
SHIPPER = {
    "host": {"name": "h"},
    "log": {"file": {"path": "/p"}, "offset": 1},
    "agent": {"type": "filebeat", "version": "8", "name": "n", "id": "i", "ephemeral_id": "e",
              "hostname": "h"},
    "fields": {"service": "s", "team": "t"},
    "tags": ["a"],
    "input": {"type": "filestream"},
    "ecs": {"version": "8.0.0"},
}  # fmt: skip


def _properties() -> dict[str, Any]:
    """The merged root properties of the component templates."""
    merged: dict[str, Any] = {}
    for template in render_templates(TemplateOptions()):
        merged.update(template.body.get("template", {}).get("mappings", {}).get("properties", {}))
    return merged


def _unmapped(doc: dict[str, Any], props: dict[str, Any], prefix: str = "") -> list[str]:
    """Leaf paths of ``doc`` with no mapping (flattened and app.* count as mapped)."""
    missing = []
    for key, value in doc.items():
        field = props.get(key)
        if field is None:
            missing.append(prefix + key)
        elif field.get("type") in ("flattened",) or field.get("dynamic") is True:
            continue
        elif isinstance(value, dict):
            missing += _unmapped(value, field.get("properties", {}), f"{prefix}{key}.")
        elif "properties" in field:
            missing.append(prefix + key)  # a scalar where the schema has an object
    return missing


@pytest.mark.parametrize(("log", "message"), RICH_LOGS)
def test_every_enriched_field_is_mapped(log: dict[str, Any], message: str) -> None:
    """The document of a log using every mapped key, from a Filebeat event, is fully mapped."""
    doc = enrich(log, message, **SHIPPER)
    doc.pop(METADATA)
    assert [] == _unmapped(doc, _properties())


def test_keep_original_and_stack_trace_fields_are_mapped() -> None:
    """event.original and error.stack_trace from a multi-line message are mapped too."""
    doc = enrich({}, "boom\n\tat a.B(C.java:1)", config=EnrichConfig(keep_original=True))
    doc.pop(METADATA)
    doc.setdefault("event", {})["original"] = "raw"
    assert [] == _unmapped(doc, _properties())
