"""The byte budget that bounds a stage's memory and makes writers wait (backpressure)."""

from __future__ import annotations

import asyncio

import pytest

from pipeline.errors import ConfigError, DeliveryError
from pipeline.runtime import ByteBudget


def test_acquire_within_capacity_does_not_wait() -> None:
    """Acquiring within capacity returns at once and counts the bytes."""

    async def scenario() -> int:
        budget = ByteBudget(100)
        await budget.acquire(60)
        await budget.acquire(40)
        return budget.used

    assert 100 == asyncio.run(scenario())


def test_full_budget_blocks_until_release() -> None:
    """A writer waits while the budget is spent and proceeds once bytes are released."""

    async def scenario() -> list[str]:
        budget = ByteBudget(100)
        log: list[str] = []
        await budget.acquire(80)

        async def writer() -> None:
            await budget.acquire(30)
            log.append("admitted")

        task = asyncio.create_task(writer())
        await asyncio.sleep(0)
        log.append(f"waiting={budget.waiting}")
        budget.release(80)
        await task
        log.append(f"used={budget.used}")
        return log

    assert ["waiting=1", "admitted", "used=30"] == asyncio.run(scenario())


def test_waiters_are_served_in_order() -> None:
    """A large waiter is not overtaken by later small ones (FIFO)."""

    async def scenario() -> list[int]:
        budget = ByteBudget(100)
        order: list[int] = []
        await budget.acquire(100)

        async def writer(n: int) -> None:
            await budget.acquire(n)
            order.append(n)

        tasks = [asyncio.create_task(writer(n)) for n in (90, 5, 5)]
        await asyncio.sleep(0)
        budget.release(100)
        await asyncio.sleep(0)
        budget.release(90)
        await asyncio.gather(*tasks)
        return order

    assert [90, 5, 5] == asyncio.run(scenario())


def test_oversized_item_is_admitted_alone() -> None:
    """One item bigger than the whole budget passes when nothing else is held: no deadlock."""

    async def scenario() -> int:
        budget = ByteBudget(10)
        await budget.acquire(50)
        return budget.used

    assert 50 == asyncio.run(scenario())


def test_cancelled_waiter_leaves_no_bytes_behind() -> None:
    """Cancelling a waiting writer does not leak its bytes or block the next writer."""

    async def scenario() -> int:
        budget = ByteBudget(10)
        await budget.acquire(10)
        task = asyncio.create_task(budget.acquire(5))
        await asyncio.sleep(0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        budget.release(10)
        await budget.acquire(10)
        return budget.used

    assert 10 == asyncio.run(scenario())


def test_fail_wakes_waiters_with_the_error() -> None:
    """When the consumer dies, waiting and future writers get its error instead of hanging."""

    async def scenario() -> tuple[str, str]:
        budget = ByteBudget(1)
        await budget.acquire(1)
        waiter = asyncio.create_task(budget.acquire(1))
        await asyncio.sleep(0)
        budget.fail(DeliveryError("sink stopped"))
        first = await asyncio.gather(waiter, return_exceptions=True)
        try:
            await budget.acquire(1)
        except DeliveryError as exc:
            return str(first[0]), str(exc)
        return str(first[0]), "no error"

    assert ("sink stopped", "sink stopped") == asyncio.run(scenario())


def test_capacity_must_be_positive() -> None:
    """A zero capacity is a configuration error, reported as such."""
    with pytest.raises(ConfigError, match="positive"):
        ByteBudget(0)
