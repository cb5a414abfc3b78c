"""map_log_keys: running the log-key steps as one step changes nothing about the document."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.runtime import Batch, Chain, Step
from pipeline.steps import EnrichConfig, _fields, enrich_steps
from pipeline.steps._fields import MISSING, MapLogKeys, first_spelling, pop_first
from tests.pipeline.steps.helpers import NOW, parsed_event

_KEYS = (
    "service", "serviceName", "env", "environment", "version", "level", "severity", "lvl",
    "trace_id", "traceId", "spanId", "request_id", "user_id", "method", "statusCode", "status",
    "duration_ms", "duration", "latency_ms", "url", "path", "route", "req", "res", "model",
    "provider", "prompt_tokens", "output_tokens", "event", "logger", "pid", "hostname", "host",
    "error", "err", "stack", "stackTrace", "type", "data", "other",
)
_SCALARS = st.one_of(
    st.sampled_from(["", "x", "GET", "info", "WARN", "200", "/a?b=1", "  at x"]),
    st.integers(-5, 700),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.dictionaries(
        st.sampled_from(["name", "message", "type", "code", "method", "url", "statusCode"]),
        inner,
        max_size=3,
    ),
    max_leaves=4,
)
_LOGS = st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=8)
_TOP = st.fixed_dictionaries(
    {},
    optional={
        "level": _SCALARS,
        "service": st.sampled_from(["root", 3]),
        "fields": st.fixed_dictionaries({"service": st.just("shipped")}),
        # fresh objects each draw: st.just(dict) hands every example the same dict, which the
        # steps write into (http.request.method...), so examples leaked into each other
        "http": st.builds(lambda: {"version": "1.1"}),
        "host": st.builds(lambda: {"name": "web-1"}),
    },
)


def _unfused(steps: list[Step]) -> list[Step]:
    """The chain with each log-key step as a step of its own, fetching the log's keys itself."""
    parts = (step.steps if isinstance(step, MapLogKeys) else (step,) for step in steps)
    return [part for group in parts for part in group]


_MESSAGES = st.sampled_from(["m", "boom\n    at a.b(C.java:1)"])
_BATCHES = st.lists(st.tuples(_LOGS, _TOP, _MESSAGES), max_size=12)
"""Batches of parsed events: a log, top-level fields and a one-line or multiline message."""


@settings(max_examples=300, deadline=None)
@given(log=_LOGS, top=_TOP, message=_MESSAGES)
def test_one_step_or_many_same_document(
    log: dict[str, Any], top: dict[str, Any], message: str
) -> None:
    """The fused step (one fetch of the log's keys, absent steps skipped) = each step alone."""
    steps = enrich_steps(EnrichConfig(), clock=lambda: NOW)
    event = parsed_event(log, message, **top)
    expected = Chain(_unfused(steps)).run(copy.deepcopy(event))
    actual = Chain(steps).run(event)
    assert expected == actual


@settings(max_examples=200, deadline=None)
@given(batch=_BATCHES)
def test_batch_or_one_by_one_same_documents(
    batch: list[tuple[dict[str, Any], dict[str, Any], str]],
) -> None:
    """``run_batch`` (each part over the batch, where the log has its keys) = the step per event."""
    step = next(s for s in enrich_steps(EnrichConfig()) if isinstance(s, MapLogKeys))
    events = [parsed_event(log, message, **top) for log, top, message in batch]
    expected = [step(event) for event in copy.deepcopy(events)]
    step.run_batch(events)
    assert [list(e.items()) for e in expected] == [list(e.items()) for e in events]
    assert expected == events


@settings(max_examples=200, deadline=None)
@given(batch=_BATCHES)
def test_enrich_chain_apply_or_run_same_documents(
    batch: list[tuple[dict[str, Any], dict[str, Any], str]],
) -> None:
    """The enrich steps over a batch (``Chain.apply``: map_log_keys, classify_event and
    keep_app_fields by ``run_batch``) = each event through ``Chain.run``, key order too."""
    events = [parsed_event(log, message, **top) for log, top, message in batch]
    one_by_one = Chain(enrich_steps(EnrichConfig(), clock=lambda: NOW))
    expected = [one_by_one.run(event) for event in copy.deepcopy(events)]
    actual = Chain(enrich_steps(EnrichConfig(), clock=lambda: NOW)).apply(Batch(events)).events
    assert [list(e.items()) for e in expected if e is not None] == [
        list(e.items()) for e in actual
    ]
    assert expected == actual


def test_plans_stay_bounded_when_every_log_has_its_own_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """More log shapes than the plan caches hold: they are emptied and refilled (never grow
    past the bound) and every document is still that of the steps one by one."""
    monkeypatch.setattr(_fields, "_MAX_PLANS", 8)
    fused = next(s for s in enrich_steps(EnrichConfig()) if isinstance(s, MapLogKeys))
    step = MapLogKeys(fused.steps)
    logs = [
        {f"k{n}": n, "level": "warn", **({"method": "GET"} if n % 3 else {"error": "x"})}
        for n in range(40)
    ]
    events = [parsed_event(log) for log in logs]
    expected = Chain(_unfused([step])).apply(Batch(copy.deepcopy(events))).events
    sizes = []
    for start in range(0, len(events), 5):
        step.run_batch(events[start : start + 5])
        sizes.append((len(step._plans) <= 8, len(step._by_present) <= 8))
    assert [(True, True)] * 8 == sizes
    assert expected == events


_SPELLINGS = (("level", "severity", "lvl"), ("service", "serviceName"), ("env",))


@settings(max_examples=300, deadline=None)
@given(
    log=st.dictionaries(
        st.sampled_from(["level", "severity", "lvl", "service", "serviceName", "env", "other"]),
        st.one_of(st.none(), st.just(""), st.just(0), st.just([]), _SCALARS),
        max_size=5,
    ),
    keys=st.sampled_from(_SPELLINGS),
)
def test_first_spelling_pops_as_pop_first(log: dict[str, Any], keys: tuple[str, ...]) -> None:
    """The closure (only the first spelling popped when no other is there) = pop_first:
    the same value found and the same keys left."""
    expected_fields, actual_fields = dict(log), dict(log)
    expected = pop_first(expected_fields, keys)
    actual = first_spelling(keys)(actual_fields)
    assert (expected, expected_fields) == (actual, actual_fields)
    assert (expected is MISSING) == (actual is MISSING)
