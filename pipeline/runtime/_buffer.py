"""A byte budget: the bound on what a stage holds in memory, and the source of backpressure.

A writer :meth:`ByteBudget.acquire` s the bytes it is about to hold and waits while the budget is
spent; the consumer :meth:`ByteBudget.release` s them once delivered. Waiters are served in FIFO
order so a large batch is not starved by small ones. One item larger than the whole budget is
admitted alone (when nothing else is held) rather than deadlocking.
"""

from __future__ import annotations

import asyncio
from collections import deque

from pipeline.errors import ConfigError


class ByteBudget:
    """At most ``capacity`` bytes held at once; :meth:`acquire` waits (FIFO) when full."""

    def __init__(self, capacity: int) -> None:
        if capacity <= 0:
            raise ConfigError(f"buffer capacity must be positive bytes, got {capacity}")
        self.capacity = capacity
        self._used = 0
        self._waiters: deque[tuple[int, asyncio.Future[None]]] = deque()
        self._failure: BaseException | None = None

    @property
    def used(self) -> int:
        """Bytes currently held."""
        return self._used

    @property
    def waiting(self) -> int:
        """Writers currently blocked on a full budget."""
        return sum(1 for _, fut in self._waiters if not fut.done())

    def _fits(self, nbytes: int) -> bool:
        return self._used + nbytes <= self.capacity or self._used == 0

    async def acquire(self, nbytes: int) -> None:
        """Hold ``nbytes`` more, waiting while that would exceed the capacity."""
        if nbytes < 0:
            raise ValueError(f"cannot acquire a negative byte count ({nbytes})")
        if self._failure is not None:
            raise self._failure
        if not self._waiters and self._fits(nbytes):
            self._used += nbytes
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((nbytes, fut))
        try:
            await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.release(nbytes)  # granted just as we were cancelled: give it back
            self._wake()
            raise

    def release(self, nbytes: int) -> None:
        """Give back ``nbytes`` and admit as many waiters as now fit, in order."""
        self._used = max(0, self._used - nbytes)
        self._wake()

    def _wake(self) -> None:
        while self._waiters:
            nbytes, fut = self._waiters[0]
            if fut.done():
                self._waiters.popleft()
                continue
            if not self._fits(nbytes):
                return
            self._waiters.popleft()
            self._used += nbytes
            fut.set_result(None)

    def fail(self, exc: BaseException) -> None:
        """The consumer is gone for good: wake every waiter with ``exc``, refuse new ones."""
        self._failure = exc
        while self._waiters:
            _, fut = self._waiters.popleft()
            if not fut.done():
                fut.set_exception(exc)
