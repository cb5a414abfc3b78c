"""Retry policy: the backoff schedule, and what a finite retry budget does when nothing answers."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from pipeline.connections import EsConnection
from pipeline.dlq import DeadLetterQueue
from pipeline.outputs.elasticsearch import ElasticsearchOutput, ElasticsearchOutputConfig
from pipeline.runtime import Batch, backoff_delay
from pipeline.stack import free_port


class NoJitter(random.Random):
    """The random half always drawn at its low end, so the fixed half shows."""

    def uniform(self, a: float, b: float) -> float:
        return a


def test_backoff_doubles_then_caps() -> None:
    """The step doubles from the initial backoff and stops at the maximum (half is fixed)."""
    delays = [backoff_delay(n, 0.1, 1.0, NoJitter()) for n in range(1, 7)]
    assert [0.05, 0.1, 0.2, 0.4, 0.5, 0.5] == delays


@given(st.integers(1, 10_000), st.floats(0.001, 5), st.floats(5, 120), st.integers(0, 2**32))
def test_backoff_stays_within_half_step_and_step(
    attempt: int, initial: float, maximum: float, seed: int
) -> None:
    """Every delay is between half the capped step and the step: never zero, never above max."""
    step = min(maximum, initial * 2 ** min(attempt - 1, 30))
    delay = backoff_delay(attempt, initial, maximum, random.Random(seed))
    assert (True, True) == (step / 2 <= delay, delay <= step)


def test_exhausted_retries_dead_letter_and_ack(tmp_path: Path) -> None:
    """With max_retries set and nothing listening, events end in the DLQ as not_connected,
    the batch is acknowledged and the counts reconcile (no server involved: none answers)."""
    acked: list[str] = []
    config = ElasticsearchOutputConfig(
        max_retries=2, retry_initial_backoff_secs=0.01, retry_max_backoff_secs=0.02
    )
    output = ElasticsearchOutput(
        config, EsConnection(url=f"http://127.0.0.1:{free_port()}"), DeadLetterQueue(tmp_path)
    )
    events = [{"message": f"m{n}", "@metadata": {"_index": "i", "_id": f"{n}"}} for n in range(5)]

    async def scenario() -> None:
        await output.write(Batch(events, ack=lambda: acked.append("b"), input_name="beats"))
        await output.close()

    asyncio.run(scenario())
    letters = [letter for _, letter in output.dlq.pending()]
    stats = output.ledger.summary()["beats"]
    assert (["b"], 5, {"not_connected"}, True, 0) == (
        acked, len(letters), {le.error_type for le in letters},
        letters[0].reason.startswith("gave up after 2 retries"), stats["indexed"])
    assert (5, 5, True) == (stats["received"], stats["dead_lettered"], stats["reconciled"])
