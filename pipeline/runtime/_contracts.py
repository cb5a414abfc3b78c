"""The three contracts every component of lumberyard is written against.

Flow goes one way: an :class:`Input` yields :class:`Batch` es, each event runs through a chain
of :class:`Step` s, an :class:`Output` writes the batch and, once every event of it is in
Elasticsearch or the dead letter queue, calls the batch's acknowledgement. Nothing downstream
calls upstream except through that acknowledgement.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
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
    """Events an input read together, and the handle that releases them at their source.

    ``input_name`` is who counts them (counters are per input); ``stream`` is the order they
    are acknowledged in: one Beats connection, one Kafka partition, one file (range). Acks are
    released in write order within a stream and independently across streams, so one slow
    connection never holds back another's acknowledgements. An empty ``stream`` means the
    input is one stream (:attr:`ack_stream` is then ``input_name``).
    """

    events: list[Event]
    ack: Ack = _noop
    input_name: str = "unknown"
    stream: str = ""

    @property
    def ack_stream(self) -> str:
        """The key acknowledgements are ordered by: ``stream``, or the input when unset."""
        return self.stream or self.input_name


@runtime_checkable
class Input(Protocol):
    """A source of batches, driven by the runtime (:mod:`pipeline.runtime._runtime`).

    Lifecycle, in this order:

    1. :meth:`batches` -- an async iterator of batches. A finite input (files, stdin) ends
       it at end of input; a live one (Beats, Kafka) runs until :meth:`stop`. The input
       reads only while its consumer asks for the next batch (the runtime does not while
       the output's byte budget is spent): that is how backpressure reaches the source. It
       never blocks the event loop (blocking reads and decompression go to a thread).
    2. :meth:`stop` -- stop accepting and reading (close the listening socket, pause the
       consumer); :meth:`batches` then ends once what was already read has been yielded.
       Called on SIGTERM/SIGINT; may come before :meth:`batches` starts or after it ended,
       and more than once.
    3. :meth:`close` -- called after the output has flushed and every ack of this input
       has fired (or the drain timed out): release sockets, consumers, files.

    :meth:`batches` may raise :class:`pipeline.errors.NotConnected` (its server is
    unreachable right now): the runtime calls :meth:`batches` again after an exponential
    backoff, until :meth:`stop`. Any other :class:`pipeline.errors.LumberyardError` ends that
    input (reported by name); the other inputs carry on.
    """

    name: str

    def batches(self) -> AsyncIterator[Batch]: ...

    async def stop(self) -> None: ...

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
    """Writes batches and acknowledges them.

    :meth:`write` may wait (backpressure: the output's byte budget is spent) and calls
    ``batch.ack`` later, exactly once, when every event of the batch is delivered (indexed,
    already there, or durably dead-lettered). Acknowledgements come back **in write order
    per stream** (:attr:`Batch.ack_stream`): a batch is acked only after every batch written
    before it with the same stream; batches of different streams never wait for each other.
    A source may thus release "everything up to here" (a Beats window, a Kafka offset, a
    file checkpoint) on each ack.
    """

    name: str

    async def write(self, batch: Batch) -> None: ...

    async def flush(self) -> None:
        """Wait until everything written so far is delivered and acknowledged."""

    async def close(self) -> None: ...
