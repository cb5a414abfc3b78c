"""Exponential backoff with jitter, shared by the output's retries and the runtime's reconnects."""

from __future__ import annotations

import random


def backoff_delay(attempt: int, initial: float, maximum: float, rng: random.Random) -> float:
    """Exponential backoff with 'equal jitter': the step doubles per attempt up to ``maximum``;
    half of it is waited for sure, half at random, so retrying clients spread out."""
    step = min(maximum, initial * 2 ** min(attempt - 1, 30))
    return float(step / 2 + rng.uniform(0, step / 2))
