"""The ``[enrich]`` section of the lumberyard config: defaults, event-type rules, index prefix."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pipeline.steps._index import IndexPattern, template_patterns
from pipeline.steps._rules import FieldRule

APP_EVENT_TYPES = ("business_event", "security_event", "performance_event")
"""What the application's structured logger writes in its ``type`` field."""

EVENT_TYPES = (*APP_EVENT_TYPES, "http_request", "ai_request", "error", "log")

_INDEX_PREFIX = re.compile(r"^[a-z0-9][a-z0-9._+-]*$")
_TEMPLATE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._+*-]*$")
_PATH = re.compile(r"^[^.\s][^\s]*$")


class EventTypeRule(BaseModel):
    """One rule: the event gets ``event_type`` when ANY of its conditions holds.

    Paths are dotted and looked up first in the enriched document (``log.level``,
    ``http.request.method``), then in the log's own keys not yet mapped (``type``, ``model``).
    A rule without conditions matches every event (a catch-all).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: str = Field(description="The keyword written to the event's `event_type`.")
    field_in: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Path -> accepted values (compared as lower-case strings).",
    )
    any_field: list[str] = Field(
        default_factory=list, description="Paths of which any one present (non-empty) matches."
    )

    @field_validator("event_type")
    @classmethod
    def _keyword(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", value):
            raise ValueError(f"event_type {value!r} must be a lower-case snake_case keyword")
        return value

    @model_validator(mode="after")
    def _paths(self) -> EventTypeRule:
        for path in (*self.field_in, *self.any_field):
            if not _PATH.match(path) or path.endswith(".") or ".." in path:
                raise ValueError(f"field path {path!r} is not a dotted field name")
        return self


def default_event_type_rules() -> list[EventTypeRule]:
    """The issue's defaults, in order: explicit app type, ai_request, http_request, error, log."""
    explicit = [EventTypeRule(event_type=t, field_in={"type": [t]}) for t in APP_EVENT_TYPES]
    return [
        *explicit,
        EventTypeRule(
            event_type="ai_request",
            any_field=["gen_ai.request.model", "gen_ai.system"],
        ),
        EventTypeRule(
            event_type="http_request",
            any_field=["http.request.method", "http.response.status_code"],
        ),
        EventTypeRule(
            event_type="error",
            field_in={"log.level": ["error", "fatal"]},
            any_field=["error.message", "error.type", "error.stack_trace"],
        ),
        EventTypeRule(event_type="log"),
    ]


class EnrichConfig(BaseModel):
    """How events are enriched, classified and routed to their daily index."""

    model_config = ConfigDict(extra="forbid")

    index_prefix: str = Field(
        default="universal-ai-tools-",
        description="Daily index name = prefix + UTC date of @timestamp as YYYY.MM.dd (with "
        "`index`: the fallback index).",
    )
    index: str | None = Field(
        default=None,
        description="Index name pattern in Logstash's syntax instead of the prefix: "
        "%{[field]} of the document or its @metadata (a Beat's beat, version, type), "
        "%{+YYYY.MM.dd} the UTC date of @timestamp, e.g. "
        "'%{[@metadata][beat]}-%{[@metadata][version]}-%{+YYYY.MM.dd}'. A document whose "
        "reference has no usable value goes to index_prefix + day, tagged _index_fallback.",
    )
    index_template_patterns: list[str] = Field(
        default_factory=list,
        description="Index patterns (e.g. 'filebeat-*') the index template also covers for "
        "the names `index` makes; default: its text before the first %{...} + '*'.",
    )
    default_service: str = Field(
        default="unknown",
        description="service.name when neither fields.service nor the log has one.",
    )
    default_environment: str = Field(
        default="production",
        description="service.environment when neither fields.environment nor the log has one.",
    )
    event_type_rules: list[EventTypeRule] = Field(
        default_factory=default_event_type_rules,
        description="Evaluated in order, first match wins; see docs/fields.md for the defaults.",
    )
    fallback_event_type: str = Field(default="log", description="event_type when no rule matches.")
    keep_original: bool = Field(
        default=False, description="Keep the raw line in event.original (doubles the stored size)."
    )
    app_namespace: str = Field(
        default="app", description="Object that receives the log's keys which have no ECS field."
    )
    flattened_fields: list[str] = Field(
        default_factory=lambda: ["data", "meta", "context"],
        description="Free-form payload keys kept at the top level as `flattened` fields.",
    )
    duration_unit: str = Field(
        default="ms", description="Unit of a bare `duration` key in logs: ns, us, ms or s."
    )
    field_rules: list[FieldRule] = Field(
        default_factory=list,
        description="Conditional edits and drops (Logstash mutate/drop), run in order right "
        "after parsing on the log's own keys; see docs/migrate.md.",
    )

    @field_validator("index_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not _INDEX_PREFIX.match(value):
            raise ValueError(
                f"index_prefix {value!r} must be lower-case and start with a letter or digit"
            )
        return value

    @field_validator("index")
    @classmethod
    def _index(cls, value: str | None) -> str | None:
        if value is not None:
            IndexPattern(value)  # a ValueError naming what is wrong fails the load
        return value

    @field_validator("index_template_patterns")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        for pattern in value:
            if not _TEMPLATE_PATTERN.match(pattern):
                raise ValueError(f"index template pattern {pattern!r} must be lower case and "
                                 "start with a letter or digit (e.g. 'filebeat-*')")
        return value

    @model_validator(mode="after")
    def _covered(self) -> EnrichConfig:
        if self.index is not None and not self.template_patterns():
            raise ValueError(f"index {self.index!r} starts with a field reference: set "
                             "index_template_patterns (e.g. ['filebeat-*']) so the index "
                             "template covers the indices it makes")
        return self

    def template_patterns(self) -> list[str]:
        """The index patterns the index template covers besides ``index_prefix*``."""
        if self.index is None:
            return []
        return self.index_template_patterns or template_patterns(self.index)

    @field_validator("default_service", "default_environment", "app_namespace")
    @classmethod
    def _non_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value

    @field_validator("duration_unit")
    @classmethod
    def _unit(cls, value: str) -> str:
        if value not in ("ns", "us", "ms", "s"):
            raise ValueError(f"duration_unit {value!r} must be one of ns, us, ms, s")
        return value
