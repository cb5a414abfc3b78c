"""Running an event through a chain of steps, counting intentional drops."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.errors import DropEvent
from pipeline.runtime._contracts import Batch, Event, Step
from pipeline.runtime._counters import Counters


class Chain:
    """A fixed sequence of steps, built once; :meth:`apply` runs a batch through it in place."""

    def __init__(self, steps: Sequence[Step], counters: Counters | None = None) -> None:
        self.steps: tuple[Step, ...] = tuple(steps)
        self.counters = counters or Counters("chain")

    def run(self, event: Event) -> Event | None:
        """One event through every step; ``None`` when a step dropped it."""
        try:
            for step in self.steps:
                event = step(event)
        except DropEvent as drop:
            self.counters.dropped[drop.reason] += 1
            return None
        return event

    def apply(self, batch: Batch) -> Batch:
        """Replace the batch's events by their processed form, leaving dropped ones out."""
        self.counters.received += len(batch.events)
        kept = [e for e in map(self.run, batch.events) if e is not None]
        self.counters.sent += len(kept)
        batch.events = kept
        return batch
