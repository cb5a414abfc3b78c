"""The runtime contracts (Input, Step, Output), the step chain, counters and the runtime.

Names are loaded on first use (module ``__getattr__``): the contracts and counters are cheap,
the byte budget brings asyncio, and the command line needs only the former to start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline._lazy import lazy_exports

if TYPE_CHECKING:
    from pipeline.runtime._backoff import backoff_delay
    from pipeline.runtime._buffer import ByteBudget
    from pipeline.runtime._chain import Chain
    from pipeline.runtime._contracts import METADATA, Ack, Batch, Event, Input, Output, Step
    from pipeline.runtime._counters import Counters, count_failure_tags
    from pipeline.runtime._gc import tune_gc_for_throughput
    from pipeline.runtime._ordering import AckOrder
    from pipeline.runtime._process import die_with_parent
    from pipeline.runtime._runtime import (
        InputState,
        Outcome,
        Processor,
        Runtime,
        run_until_signalled,
    )
    from pipeline.runtime._threads import off_loop

_WHERE = {
    "backoff_delay": "_backoff",
    "ByteBudget": "_buffer",
    "Chain": "_chain",
    "METADATA": "_contracts",
    "Ack": "_contracts",
    "Batch": "_contracts",
    "Event": "_contracts",
    "Input": "_contracts",
    "Output": "_contracts",
    "Step": "_contracts",
    "Counters": "_counters",
    "count_failure_tags": "_counters",
    "tune_gc_for_throughput": "_gc",
    "AckOrder": "_ordering",
    "die_with_parent": "_process",
    "InputState": "_runtime",
    "Outcome": "_runtime",
    "Processor": "_runtime",
    "Runtime": "_runtime",
    "run_until_signalled": "_runtime",
    "off_loop": "_threads",
}

__all__ = [
    "METADATA",
    "Ack",
    "AckOrder",
    "Batch",
    "ByteBudget",
    "Chain",
    "Counters",
    "Event",
    "Input",
    "InputState",
    "Outcome",
    "Output",
    "Processor",
    "Runtime",
    "Step",
    "backoff_delay",
    "count_failure_tags",
    "die_with_parent",
    "off_loop",
    "run_until_signalled",
    "tune_gc_for_throughput",
]


__getattr__ = lazy_exports(__name__, _WHERE)
