"""Wiring: input -> chain of steps -> output, acknowledgements flowing back via the batch."""

from __future__ import annotations

from pipeline.runtime._chain import Chain
from pipeline.runtime._contracts import Input, Output


async def run(source: Input, chain: Chain, sink: Output) -> None:
    """Drain ``source`` through ``chain`` into ``sink`` and wait until everything is acked.

    ``sink.write`` may wait when the sink's bounded buffer is full; while it waits this loop
    does not ask the input for more, which is how backpressure reaches the input.
    """
    try:
        async for batch in source.batches():
            await sink.write(chain.apply(batch))
        await sink.flush()
    finally:
        await source.close()
