"""Send pending dead letters again through an output, marking each done once delivered.

Entries go out under their original index and ``_id`` (``create``), so a replay that is
interrupted and run again, or run twice, indexes nothing twice. An entry refused again is
dead-lettered again (a new entry) by the output before its old one is marked done: nothing is
lost either way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from pipeline.dlq._entry import DeadLetter
from pipeline.dlq._queue import DeadLetterQueue
from pipeline.runtime import Batch, Chain, Output, Runtime

REPLAY_INPUT = "dlq-replay"


@dataclass
class ReplaySummary:
    """How many entries a replay selected and how many were acknowledged (marked done)."""

    selected: int = 0
    marked_done: int = 0

    def _done(self, dlq: DeadLetterQueue, keys: list[str]) -> None:
        dlq.mark_done(keys)
        self.marked_done += len(keys)


async def replay(
    dlq: DeadLetterQueue,
    output: Output,
    since: datetime | None = None,
    reason_match: str | None = None,
    batch_size: int = 1000,
) -> ReplaySummary:
    """Replay the pending entries selected by ``since`` / ``reason_match``; wait for delivery.

    The entries are an input like any other, on the runtime (no steps: they were enriched
    before they were refused); the runtime closes ``output`` when everything is acknowledged.
    """
    selected = list(dlq.pending(since, reason_match))  # a snapshot: re-refusals are new entries
    summary = ReplaySummary(selected=len(selected))
    letters = _Letters(dlq, selected, summary, batch_size)
    outcome = await Runtime([letters], Chain([]), output).run()
    if outcome.output_error is not None:
        raise outcome.output_error
    return summary


class _Letters:
    """The Input contract over a snapshot of pending entries, ``batch_size`` at a time."""

    name = REPLAY_INPUT

    def __init__(self, dlq: DeadLetterQueue, selected: list[tuple[str, DeadLetter]],
                 summary: ReplaySummary, batch_size: int) -> None:
        self._dlq, self._selected, self._summary = dlq, selected, summary
        self._batch_size = batch_size
        self._stopped = False

    async def batches(self) -> AsyncIterator[Batch]:
        for start in range(0, len(self._selected), self._batch_size):
            if self._stopped:
                return
            yield _batch(self._dlq, self._selected[start : start + self._batch_size],
                         self._summary)

    async def stop(self) -> None:
        """No more batches (the rest stays pending)."""
        self._stopped = True

    async def close(self) -> None:
        """The queue is the caller's to close."""


def _batch(
    dlq: DeadLetterQueue, chunk: list[tuple[str, DeadLetter]], summary: ReplaySummary
) -> Batch:
    keys = [key for key, _ in chunk]
    events = [letter.to_event(key) for key, letter in chunk]
    return Batch(events, ack=partial(summary._done, dlq, keys), input_name=REPLAY_INPUT)
