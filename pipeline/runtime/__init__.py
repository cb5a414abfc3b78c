"""The runtime contracts (Input, Step, Output), the step chain, counters and the runner."""

from __future__ import annotations

from pipeline.runtime._buffer import ByteBudget
from pipeline.runtime._chain import Chain
from pipeline.runtime._contracts import METADATA, Ack, Batch, Event, Input, Output, Step
from pipeline.runtime._counters import Counters, count_failure_tags
from pipeline.runtime._runner import run

__all__ = [
    "METADATA",
    "Ack",
    "Batch",
    "ByteBudget",
    "Chain",
    "Counters",
    "Event",
    "Input",
    "Output",
    "Step",
    "count_failure_tags",
    "run",
]
