"""The product's own Logstash pipeline (DEVELOPERS.md): it translates with nothing left to do
by hand, and the translated config gives the very documents lumberyard's defaults give."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from bench.corpus import generate
from pipeline.config import LumberyardConfig, parse_config
from pipeline.ids import file_source_id
from pipeline.migrate import migrate
from pipeline.steps import build_steps

REFERENCE = Path(__file__).parent / "configs" / "00-reference.conf"


def _documents(config: LumberyardConfig, lines: list[str]) -> list[dict[str, Any] | str]:
    """Each line through the whole chain (a dropped event is its drop reason), arrival-time
    fields removed (they come from the clock, not the line)."""
    steps = build_steps(config)
    out: list[dict[str, Any] | str] = []
    for number, line in enumerate(lines):
        event: dict[str, Any] = {
            "message": line, "fields": {"service": "svc", "environment": "qa"},
            "@metadata": {"source_id": file_source_id(b"", number, line)}}
        if number % 3 == 0:
            del event["fields"]  # some shippers send no fields
        try:
            for step in steps:
                event = step(event)
        except Exception as exc:
            out.append(type(exc).__name__)
            continue
        event.get("event", {}).pop("ingested", None)
        if "timestamp" not in event.get("@metadata", {}):
            event.pop("@timestamp", None)  # no stamp in the line: the arrival time
        out.append(event)
    return out


def test_reference_translates_with_nothing_unsupported() -> None:
    """Every part of it is translated or done by lumberyard itself."""
    result = migrate(REFERENCE)
    assert [] == result.translation.unsupported
    assert {"service": "service.name", "environment": "service.environment",
            "level": "log.level", "log_message": "message", "timestamp": "@timestamp"} == (
        result.renames)


def test_reference_gives_the_documents_of_the_defaults() -> None:
    """Same lines, same documents: the translation is lumberyard's defaults (plus the hosts)."""
    result = migrate(REFERENCE)
    translated = parse_config(result.toml, "<translated>", environ={})
    assert ["http://elasticsearch:9200"] == translated.elasticsearch.hosts
    lines = list(generate(600, seed=15))
    expected = _documents(LumberyardConfig(), copy.deepcopy(lines))
    assert {"json", "bracketed", "plain"} == {
        d["@metadata"]["grammar"] for d in expected if isinstance(d, dict)}  # a varied sample
    assert expected == _documents(translated, lines)
