"""Blocking work off the event loop: an input's reads run in a worker thread.

An input shares its event loop with every other input (a slow disk, a pipe that waits or a big
decompression must not stall the Beats connections). :func:`off_loop` drives a blocking
iterator from a worker thread, one item when asked: nothing is read ahead, so memory and
backpressure stay what they were on the loop (a read-ahead block measured ~no CPU gain and
one more decompressed block held).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Iterator
from concurrent.futures import Executor
from typing import TypeVar

T = TypeVar("T")

_END = object()


def _next(items: Iterator[T]) -> T | object:
    return next(items, _END)


async def off_loop(
    items: Iterator[T], executor: Executor | None = None
) -> AsyncGenerator[T, None]:
    """The items of ``items``, each computed in a worker thread (of ``executor``, else the
    loop's default) when the caller asks for it. Exceptions of the iterator surface where they
    happened; on close ``items`` is closed (after a read in flight, if the caller was cancelled
    during one, has finished)."""
    loop = asyncio.get_running_loop()
    pending: asyncio.Future[object] | None = None
    try:
        while True:
            pending = loop.run_in_executor(executor, _next, items)
            item = await pending
            if item is _END:
                return
            yield item  # type: ignore[misc] # not _END, so a T
    finally:
        if pending is not None and not pending.done():
            await asyncio.wait({pending})  # a thread cannot be cancelled: let it finish
        if pending is not None and not pending.cancelled():
            pending.exception()  # retrieved: an error after the consumer left is not an error
        close = getattr(items, "close", None)
        if close is not None:
            close()
