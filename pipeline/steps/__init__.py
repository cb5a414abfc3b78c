"""The enrichment chain: parse -> service/environment -> level -> ECS -> classify -> route -> id.

Every step is built once from the config (:func:`build_steps`) and then run per event with no
config lookups. The steps mapping the log's own keys (service ... host, then the log's
ECS-shaped objects: ``lift_ecs_fields``) run as one ``map_log_keys`` step: one fetch of those
keys, and a step whose keys the log lacks is skipped (each is still a step on its own). See
docs/fields.md for what ends up where; bench/bench_chain.py measures the cost per step and
checks the output against a recorded one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from parsers import Parsers
from pipeline.runtime import Step
from pipeline.steps._app import KeepAppFields
from pipeline.steps._classify import ClassifyEvent
from pipeline.steps._config import (
    APP_EVENT_TYPES,
    EVENT_TYPES,
    EnrichConfig,
    EventTypeRule,
    default_event_type_rules,
)
from pipeline.steps._ecs import MapHost, MapUrl, map_ai, map_http, map_misc, map_trace
from pipeline.steps._error import MapError
from pipeline.steps._fields import MapLogKeys
from pipeline.steps._index import RouteIndexPattern
from pipeline.steps._level import LEVELS, NormaliseLevel, normalise_level_value
from pipeline.steps._lift import ECS_LEAVES, LiftEcsFields
from pipeline.steps._parse import LineParser, ParsedLine, ParseMessage
from pipeline.steps._route import (
    AssignId,
    Clock,
    RouteIndex,
    SetTimestamp,
    filter_events,
    format_timestamp,
)
from pipeline.steps._service import AddServiceVersion, add_environment, add_service

if TYPE_CHECKING:
    from pipeline.config import LumberyardConfig

__all__ = [
    "APP_EVENT_TYPES",
    "ECS_LEAVES",
    "EVENT_TYPES",
    "LEVELS",
    "EnrichConfig",
    "EventTypeRule",
    "LineParser",
    "ParseMessage",
    "ParsedLine",
    "build_steps",
    "default_event_type_rules",
    "enrich_steps",
    "filter_events",
    "format_timestamp",
    "normalise_level_value",
]


def enrich_steps(config: EnrichConfig, *, clock: Clock | None = None) -> list[Step]:
    """Everything after parsing: ECS mapping, classification, timestamp, index and id."""
    log_keys = MapLogKeys(
        [
            add_service(config.default_service),
            add_environment(config.default_environment),
            AddServiceVersion(),
            NormaliseLevel(),
            map_trace(),
            map_http(config.duration_unit),
            MapUrl(),
            map_ai(),
            MapError(),
            map_misc(),
            MapHost(),
            LiftEcsFields(),
        ]
    )
    return [
        log_keys,
        ClassifyEvent(config.event_type_rules, config.fallback_event_type),
        KeepAppFields(config.app_namespace, config.flattened_fields),
        SetTimestamp(clock) if clock is not None else SetTimestamp(),
        RouteIndex(config.index_prefix) if config.index is None
        else RouteIndexPattern(config.index, config.index_prefix),
        AssignId(),
    ]


def build_steps(config: LumberyardConfig, parser: LineParser | None = None) -> list[Step]:
    """The full chain, parse -> enrich -> route -> id, with the real parsers unless given one."""
    parse = ParseMessage(
        parser if parser is not None else Parsers(config.parsers),
        keep_original=config.enrich.keep_original,
    )
    rules: list[Step] = []
    if config.enrich.field_rules:  # no cost at all without rules
        from pipeline.steps._rules import ApplyFieldRules  # noqa: PLC0415 - only with rules

        rules.append(ApplyFieldRules(config.enrich.field_rules, config.parsers))
    return [parse, *rules, *enrich_steps(config.enrich)]
