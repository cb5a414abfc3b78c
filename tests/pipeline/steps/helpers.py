"""Building events the way inputs and ``parse_message`` leave them, for the step tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pipeline.runtime import METADATA, Chain, Event
from pipeline.steps import EnrichConfig, enrich_steps

NOW = datetime(2025, 9, 12, 11, 0, 0, 500000, tzinfo=UTC)


def parsed_event(log_keys: dict[str, Any], message: str = "m", **top: Any) -> Event:
    """An event as parse_message leaves it: the log's keys under @metadata.log_fields."""
    meta = {"source_id": b"file\x00/l/a.log\x000", "input": "test", "log_fields": dict(log_keys)}
    return {"message": message, METADATA: meta, **top}


def enrich(
    log_keys: dict[str, Any], message: str = "m", config: EnrichConfig | None = None, **top: Any
) -> Event:
    """Run the enrich steps (everything after parsing) over one parsed event."""
    chain = Chain(enrich_steps(config or EnrichConfig(), clock=lambda: NOW))
    result = chain.run(parsed_event(log_keys, message, **top))
    assert result is not None
    return result
