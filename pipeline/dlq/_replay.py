"""Send pending dead letters again through an output, marking each done once delivered.

Entries go out under their original index and ``_id`` (``create``), so a replay that is
interrupted and run again, or run twice, indexes nothing twice. An entry refused again is
dead-lettered again (a new entry) by the output before its old one is marked done: nothing is
lost either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from pipeline.dlq._entry import DeadLetter
from pipeline.dlq._queue import DeadLetterQueue
from pipeline.runtime import Batch, Output

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
    """Replay the pending entries selected by ``since`` / ``reason_match``; wait for delivery."""
    selected = list(dlq.pending(since, reason_match))  # a snapshot: re-refusals are new entries
    summary = ReplaySummary(selected=len(selected))
    for start in range(0, len(selected), batch_size):
        await output.write(_batch(dlq, selected[start : start + batch_size], summary))
    await output.flush()
    return summary


def _batch(
    dlq: DeadLetterQueue, chunk: list[tuple[str, DeadLetter]], summary: ReplaySummary
) -> Batch:
    keys = [key for key, _ in chunk]
    events = [letter.to_event(key) for key, letter in chunk]
    return Batch(events, ack=partial(summary._done, dlq, keys), input_name=REPLAY_INPUT)
