"""Chain: a batch step by step (``apply``) gives what each event one by one (``run``) gives."""

from __future__ import annotations

import copy
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import LumberyardConfig
from pipeline.errors import DropEvent
from pipeline.ids import file_source_id
from pipeline.runtime import METADATA, Batch, Chain, Event
from pipeline.runtime._chain import CHUNK_EVENTS
from pipeline.steps import build_steps

_CHAIN_STEPS = build_steps(LumberyardConfig())
"""The real chain, compiled once (grammars, rules); its steps keep no per-event state."""


class _Record:
    """A step appending its name to the event's ``seen`` list (and dropping ``drop == name``)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, event: Event) -> Event:
        if event.get("drop") == self.name:
            raise DropEvent(f"by_{self.name}")
        event.setdefault("seen", []).append(self.name)
        return event


def test_apply_runs_every_event_through_the_steps_in_order() -> None:
    """Each kept event met every step in order; dropped ones are left out, the rest in order."""
    chain = Chain([_Record("a"), _Record("b"), _Record("c")])
    batch = Batch([{"n": 0}, {"n": 1, "drop": "b"}, {"n": 2}, {"n": 3, "drop": "a"}, {"n": 4}])
    chain.apply(batch)
    expected = [{"n": n, "seen": ["a", "b", "c"]} for n in (0, 2, 4)]
    assert expected == batch.events


def test_apply_counts_drops_by_reason_and_reconciles() -> None:
    """received = sent + dropped, with each drop under the reason its step gave."""
    chain = Chain([_Record("a"), _Record("b")])
    chain.apply(Batch([{"drop": "a"}, {"drop": "b"}, {"drop": "b"}, {}]))
    assert (4, 1, {"by_a": 1, "by_b": 2}) == (
        chain.counters.received, chain.counters.sent, dict(chain.counters.dropped))
    assert chain.counters.reconciles()


def test_a_batch_bigger_than_a_chunk_keeps_order_and_drops_across_slices() -> None:
    """Slices of CHUNK_EVENTS: every event kept in order, drops on slice edges counted."""
    size = 2 * CHUNK_EVENTS + 5
    edges = {0, CHUNK_EVENTS - 1, CHUNK_EVENTS, 2 * CHUNK_EVENTS, size - 1}
    chain = Chain([_Record("a"), _Record("b")])
    batch = Batch([{"n": n, "drop": "b"} if n in edges else {"n": n} for n in range(size)])
    chain.apply(batch)
    expected = [{"n": n, "seen": ["a", "b"]} for n in range(size) if n not in edges]
    assert expected == batch.events
    assert (size, size - len(edges), {"by_b": len(edges)}) == (
        chain.counters.received, chain.counters.sent, dict(chain.counters.dropped))


def test_apply_of_an_empty_batch_is_empty() -> None:
    """No events, no counts."""
    chain = Chain([_Record("a")])
    assert [] == chain.apply(Batch([])).events
    assert (0, 0) == (chain.counters.received, chain.counters.sent)


_KEYS = st.sampled_from(
    ["level", "message", "msg", "timestamp", "@timestamp", "service", "environment", "version",
     "type", "event", "data", "meta", "trace_id", "spanId", "error", "err", "stack", "method",
     "statusCode", "url", "path", "duration", "duration_ms", "model", "provider", "hostname",
     "pid", "req", "other"]
)
_SCALARS = (
    st.none() | st.booleans() | st.integers(-5, 700)
    | st.sampled_from(["", "x", "GET", "info", "WARN", "error", "200", "/a?b=1",
                       "2025-09-12T10:00:00.123Z", "2025-09-12 10:00:00,5+02:00",
                       "http_request", "business_event", "boom\n    at a.b(C.java:1)"])
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.dictionaries(
        st.sampled_from(["name", "message", "type", "code", "method", "statusCode", "stack"]),
        inner, max_size=3),
    max_leaves=4,
)
_JSON_LINES = st.dictionaries(_KEYS, _VALUES, max_size=8).map(
    lambda doc: orjson.dumps(doc).decode())
_OTHER_LINES = st.sampled_from([
    "", "   ", "plain text", "{broken", "[1, 2]",
    "[2025-09-12T10:00:00.123Z] INFO user=u1 duration_ms=12 done",
    "[2025-09-12 10:00:00,123+0200] [ERROR] boom\n    at a.b(C.java:1)",
    "[2025-02-30T10:00:00.000Z] WARN not a real day",
])
_LINES = st.lists(_JSON_LINES | _OTHER_LINES, max_size=40)


def _events(lines: list[str]) -> list[Event]:
    """Events as the files input makes them, one per line."""
    return [
        {
            "message": line,
            "log": {"file": {"path": "/l/a.log"}, "offset": n},
            METADATA: {"source_id": file_source_id(b"", n, line), "input": "files",
                       "received_at": "2025-09-12T10:00:05.123+00:00"},
        }
        for n, line in enumerate(lines)
    ]


def _wire(event: Event) -> bytes:
    """The event as bytes in its own key order (what the bulk encoder would write, and more)."""
    return orjson.dumps(event, option=orjson.OPT_NON_STR_KEYS, default=repr)


@settings(max_examples=150, deadline=None)
@given(lines=_LINES)
def test_apply_gives_the_documents_run_gives(lines: list[str]) -> None:
    """The real chain over a batch: the same documents, byte for byte and in key order, and
    the same drop counts, as running each event through it alone."""
    one_by_one, batched = Chain(_CHAIN_STEPS), Chain(_CHAIN_STEPS)
    events = _events(lines)
    singles = [one_by_one.run(event) for event in copy.deepcopy(events)]
    expected: list[Any] = [_wire(event) for event in singles if event is not None]
    actual = [_wire(event) for event in batched.apply(Batch(events)).events]
    assert expected == actual
    assert dict(one_by_one.counters.dropped) == dict(batched.counters.dropped)


def test_real_chain_over_a_batch_of_several_chunks_equals_run() -> None:
    """The real chain over a batch spanning several slices gives run's documents, in order."""
    lines = [
        '{"level":"info","message":"a","timestamp":"2025-09-12T10:00:00.123Z","service":"s"}',
        "[2025-09-12 10:00:00,5+0200] [WARN] slow request duration_ms=12",
        "",
        '{"level":"error","type":"http_request","method":"GET","statusCode":503,"url":"/x"}',
        "plain text",
    ]
    events = _events([lines[n % len(lines)] for n in range(2 * CHUNK_EVENTS + 3)])
    one_by_one, batched = Chain(_CHAIN_STEPS), Chain(_CHAIN_STEPS)
    expected = [_wire(e) for e in map(one_by_one.run, copy.deepcopy(events)) if e is not None]
    actual = [_wire(event) for event in batched.apply(Batch(events)).events]
    assert expected == actual
    assert dict(one_by_one.counters.dropped) == dict(batched.counters.dropped)


class _Halve:
    """A batch step: ``run_batch`` halves ``n`` in every event, as calling it on each does."""

    name = "halve"

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, event: Event) -> Event:
        self.calls.append("event")
        event["n"] //= 2
        return event

    def run_batch(self, events: list[Event]) -> None:
        self.calls.append("batch")
        for event in events:
            event["n"] //= 2


def test_apply_hands_a_batch_step_the_whole_batch_and_run_calls_it_per_event() -> None:
    """A step with ``run_batch`` gets one call per batch from apply; run still calls it."""
    step = _Halve()
    chain = Chain([_Record("a"), step, _Record("b")])
    batch = chain.apply(Batch([{"n": 8}, {"n": 6, "drop": "a"}, {"n": 4}]))
    assert [{"n": 4, "seen": ["a", "b"]}, {"n": 2, "seen": ["a", "b"]}] == batch.events
    assert {"n": 1, "seen": ["a", "b"]} == chain.run({"n": 2})
    assert ["batch", "event"] == step.calls
