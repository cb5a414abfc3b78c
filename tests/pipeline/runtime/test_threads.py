"""off_loop: a blocking iterator driven from a worker thread, never on the event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import aclosing

import pytest

from pipeline.errors import InputError
from pipeline.runtime import off_loop


def test_items_are_computed_off_the_event_loop_thread_in_order() -> None:
    """Every item comes in order, and none was computed on the loop's thread."""
    threads: list[int] = []

    def items() -> Iterator[int]:
        for n in range(5):
            threads.append(threading.get_ident())
            yield n

    async def scenario() -> tuple[list[int], int]:
        return [n async for n in off_loop(items())], threading.get_ident()

    got, loop_thread = asyncio.run(scenario())
    assert ([0, 1, 2, 3, 4], False) == (got, loop_thread in threads)


def test_an_error_surfaces_after_the_items_before_it() -> None:
    """The iterator's error is raised where it happened: after the items it yielded."""

    def items() -> Iterator[int]:
        yield 1
        raise InputError("app.log.gz: corrupt gzip data near byte 10")

    got: list[int] = []

    async def scenario() -> None:
        async for n in off_loop(items()):
            got.append(n)

    with pytest.raises(InputError, match="corrupt gzip"):
        asyncio.run(scenario())
    assert [1] == got


def test_leaving_early_closes_the_iterator_and_reads_nothing_ahead() -> None:
    """A consumer that stops early closes the blocking iterator (its file); nothing was read
    beyond what it asked for (memory and backpressure as on the loop)."""
    events: list[str] = []

    def items() -> Iterator[int]:
        try:
            for n in range(100):
                events.append(f"read {n}")
                yield n
        finally:
            events.append("closed")

    async def scenario() -> None:
        async with aclosing(off_loop(items())) as numbers:
            async for _ in numbers:
                break

    asyncio.run(scenario())
    assert ["read 0", "closed"] == events
