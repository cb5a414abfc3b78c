"""The three contracts every component of lumberyard is written against.

Flow goes one way: an :class:`Input` yields :class:`Batch` es, each event runs through a chain
of :class:`Step` s, an :class:`Output` writes the batch and, once every event of it is in
Elasticsearch or the dead letter queue, calls the batch's acknowledgement. Nothing downstream
calls upstream except through that acknowledgement.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

Event = dict[str, Any]
"""One log event. Keys under :data:`METADATA` travel with it but are never indexed."""

METADATA = "@metadata"
"""Pipeline-only data on an event (Logstash's ``[@metadata]``): never sent to Elasticsearch.

Well-known keys: ``source_id`` (bytes naming where the event came from, built by
``pipeline.ids`` — the deterministic ``_id`` is a hash of it), ``input`` (the
input's name, for per-input counters), ``_index`` and ``_id`` (set by the routing steps).
"""

Ack = Callable[[], None]
"""Called exactly once, when every event of a batch is delivered (indexed or dead-lettered)."""


def _noop() -> None:
    """An acknowledgement for batches whose source needs none (tests, dry runs)."""


@dataclass(slots=True)
class Batch:
    """Events an input read together, and the handle that releases them at their source."""

    events: list[Event]
    ack: Ack = _noop
    input_name: str = "unknown"
    nbytes: int = 0
    """Raw bytes the events took at the source: what the bounded buffers account."""
    extra: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Input(Protocol):
    """A source of batches. Ends its iterator at end of input (finite sources only).

    May raise :class:`pipeline.errors.NotConnected` (caller retries with backoff) or
    :class:`pipeline.errors.InputError` (names the source). Must stop reading while the
    consumer of :meth:`batches` is not asking for more: that is how backpressure reaches it.
    """

    name: str

    def batches(self) -> AsyncIterator[Batch]: ...

    async def close(self) -> None: ...


@runtime_checkable
class Step(Protocol):
    """``event -> event``, configured once at construction; raises ``DropEvent`` to drop.

    What a step makes of an event depends on that event alone (caches are fine): a chain may
    run one step over a whole batch before the next step (``Chain.apply`` does).
    """

    name: str

    def __call__(self, event: Event) -> Event: ...


@runtime_checkable
class BatchStep(Step, Protocol):
    """A step that can also take a batch's events at once: one call per batch (or slice of a
    big one), not per event.

    ``run_batch(events)`` leaves each event as ``step(event)`` would and drops none;
    ``Chain.apply`` uses it (``Chain.run`` still calls the step per event).
    """

    def run_batch(self, events: list[Event]) -> None: ...


@runtime_checkable
class Output(Protocol):
    """Writes batches. :meth:`write` may wait (backpressure) and calls ``batch.ack`` later."""

    name: str

    async def write(self, batch: Batch) -> None: ...

    async def flush(self) -> None:
        """Wait until everything written so far is delivered and acknowledged."""

    async def close(self) -> None: ...
