"""Blocking work off the event loop: an input's reads run in a thread, one item ahead.

An input shares its event loop with every other input (a slow disk or a big decompression
must not stall the Beats connections). :func:`read_ahead` drives a blocking iterator in a
worker thread and already computes the next item while the caller works on this one: at most
one item ahead, so backpressure still reaches the source.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Iterator
from typing import TypeVar

T = TypeVar("T")

_END = object()


def _next(items: Iterator[T]) -> T | object:
    return next(items, _END)


async def read_ahead(items: Iterator[T]) -> AsyncGenerator[T, None]:
    """The items of ``items``, each computed in a thread; the next one is under way while the
    caller holds this one. Exceptions of the iterator surface in order, where they happened.
    On close the item in flight is awaited (a thread cannot be cancelled) and ``items`` closed.
    """
    pending = asyncio.ensure_future(asyncio.to_thread(_next, items))
    try:
        while (item := await pending) is not _END:
            pending = asyncio.ensure_future(asyncio.to_thread(_next, items))
            yield item  # type: ignore[misc] # not _END, so a T
    finally:
        if not pending.done():
            await asyncio.wait({pending})
        if not pending.cancelled():
            pending.exception()  # retrieved: an error after the consumer left is not an error
        close = getattr(items, "close", None)
        if close is not None:
            close()
