"""Runtime: inputs run concurrently through the chain into one output, and drain on stop."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator

from pipeline.errors import DeliveryError, DropEvent, InputError, NotConnected
from pipeline.runtime import Batch, Chain, Event, Outcome, Runtime, run_until_signalled


class ListInput:
    """A finite input: the given batches of ``n`` events each, then the end."""

    def __init__(self, name: str, sizes: list[int], stream: str = "", log: list[str] | None = None):
        self.name = name
        self.sizes = sizes
        self.stream = stream
        self.acked: list[int] = []
        self.log = log if log is not None else []

    async def batches(self) -> AsyncIterator[Batch]:
        for number, size in enumerate(self.sizes):
            events: list[Event] = [{"n": i, "drop": i == 0 and size > 1} for i in range(size)]
            yield Batch(events, lambda n=number: self.acked.append(n), self.name, self.stream)

    async def stop(self) -> None:
        self.log.append(f"stop {self.name}")

    async def close(self) -> None:
        self.log.append(f"close {self.name}")


class LiveInput:
    """A live input: yields what is put on its queue until stopped (one batch per item)."""

    def __init__(self, name: str, log: list[str]) -> None:
        self.name = name
        self.queue: asyncio.Queue[int | None] = asyncio.Queue()
        self.acked = 0
        self.log = log

    async def batches(self) -> AsyncIterator[Batch]:
        while (size := await self.queue.get()) is not None:
            yield Batch([{"n": i} for i in range(size)], self._ack, self.name, f"{self.name}#1")

    def _ack(self) -> None:
        self.acked += 1

    async def stop(self) -> None:
        self.log.append(f"stop {self.name}")
        self.queue.put_nowait(None)

    async def close(self) -> None:
        self.log.append(f"close {self.name}")


class FlakyInput(ListInput):
    """Raises NotConnected on its first ``failures`` calls of batches(), then reads."""

    def __init__(self, name: str, sizes: list[int], failures: int) -> None:
        super().__init__(name, sizes)
        self.failures = failures

    async def batches(self) -> AsyncIterator[Batch]:
        if self.failures:
            self.failures -= 1
            raise NotConnected("broker at 127.0.0.1:1 refused the connection")
        async for batch in super().batches():
            yield batch


class BrokenInput(ListInput):
    """Yields one batch, then fails for good."""

    async def batches(self) -> AsyncIterator[Batch]:
        yield Batch([{"n": 0}], lambda: self.acked.append(0), self.name)
        raise InputError("broken.log: cannot read: I/O error")


class MemoryOutput:
    """Keeps what it is written; acks at once, or only on :meth:`release` when ``hold``."""

    name = "memory"

    def __init__(self, log: list[str] | None = None, hold: bool = False) -> None:
        self.events: list[Event] = []
        self.held: list[Batch] = []
        self.hold = hold
        self.log = log if log is not None else []
        self.fail_with: Exception | None = None

    async def write(self, batch: Batch) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.events += batch.events
        if self.hold:
            self.held.append(batch)
        else:
            batch.ack()

    async def flush(self) -> None:
        self.log.append("flush")
        while self.held:
            await asyncio.sleep(3600)  # held batches are never acked: the drain must time out

    async def close(self) -> None:
        self.log.append("close output")
        await self.flush()


class DropFlagged:
    """A step dropping events marked ``drop``."""

    name = "drop_flagged"

    def __call__(self, event: Event) -> Event:
        if event.get("drop"):
            raise DropEvent("flagged")
        return event


def _run(runtime: Runtime) -> Outcome:
    return asyncio.run(runtime.run())


def test_inputs_run_concurrently_into_one_output_with_counters_per_input() -> None:
    """Two finite inputs go through the chain into one output; each counts what it read and
    what the chain dropped; every batch is acknowledged; the run ends when both are done."""
    a, b = ListInput("a", [3, 1]), ListInput("b", [2])
    output = MemoryOutput()
    outcome = _run(Runtime([a, b], Chain([DropFlagged()]), output))
    counts = {n: (s.counters.received, dict(s.counters.dropped), s.pending_events)
              for n, s in outcome.inputs.items()}
    assert (True, {"a": (4, {"flagged": 1}, 0), "b": (2, {"flagged": 1}, 0)}, [0, 1], [0], 4) == (
        outcome.ok, counts, a.acked, b.acked, len(output.events))


def test_stop_drains_live_input_then_closes_after_the_flush() -> None:
    """On stop the input stops reading, what it read is written, the output flushes, and
    only then are the inputs closed; the outcome is clean."""
    log: list[str] = []

    async def scenario() -> tuple[Outcome, int]:
        live = LiveInput("beats", log)
        runtime = Runtime([live], Chain([]), MemoryOutput(log))
        task = asyncio.ensure_future(runtime.run())
        live.queue.put_nowait(2)
        live.queue.put_nowait(3)
        while live.acked < 2:
            await asyncio.sleep(0)
        runtime.stop()
        return await task, live.acked

    outcome, acked = asyncio.run(scenario())
    assert ((True, True, 2), ["stop beats", "flush", "close output", "flush", "close beats"]) == (
        (outcome.ok, outcome.stopped, acked), log)


def test_drain_timeout_names_what_was_left_unacknowledged() -> None:
    """An output that never acks: the drain gives up after its timeout, the outcome is not ok
    and says which input, how many events and which stream were left unacknowledged."""
    log: list[str] = []

    async def scenario() -> Outcome:
        live = LiveInput("beats", log)
        runtime = Runtime([live], Chain([]), MemoryOutput(log, hold=True), drain_timeout_secs=0.05)
        task = asyncio.ensure_future(runtime.run())
        live.queue.put_nowait(4)
        while not runtime.states["beats"].pending_events:
            await asyncio.sleep(0)
        runtime.stop()
        return await task

    outcome = asyncio.run(scenario())
    expected = ("drain timed out; left unacknowledged (their sources resend): "
                "beats: 4 events in 1 batches on 1 streams (beats#1)")
    assert (False, True, expected, "close beats") == (
        outcome.ok, outcome.timed_out, outcome.describe(), log[-1])


def test_not_connected_is_retried_with_backoff_until_the_input_reads() -> None:
    """An input raising NotConnected is asked again after a backoff; its events arrive and
    the failed attempts are counted as errors, not as a failure of the input."""
    flaky = FlakyInput("kafka", [2], failures=2)
    runtime = Runtime([flaky], Chain([]), MemoryOutput(), reconnect_initial_secs=0.001,
                      reconnect_max_secs=0.002)
    outcome = _run(runtime)
    state = outcome.inputs["kafka"]
    assert (True, [0], {"not_connected": 2}, 2) == (
        outcome.ok, flaky.acked, dict(state.counters.errors), state.counters.received)


def test_stop_ends_a_reconnect_wait() -> None:
    """A stop during the backoff after NotConnected ends that input at once."""

    async def scenario() -> Outcome:
        flaky = FlakyInput("kafka", [1], failures=1)
        runtime = Runtime([flaky], Chain([]), MemoryOutput(), reconnect_initial_secs=3600,
                          reconnect_max_secs=3600)
        task = asyncio.ensure_future(runtime.run())
        while not runtime.states["kafka"].counters.errors:
            await asyncio.sleep(0)
        runtime.stop()
        return await task

    outcome = asyncio.run(scenario())
    assert (True, 0) == (outcome.ok, outcome.inputs["kafka"].counters.received)


def test_a_failing_input_ends_alone_and_is_reported() -> None:
    """An input error ends that input (what it yielded is still delivered); the other input
    carries on; the outcome names the failed input."""
    broken, good = BrokenInput("files", []), ListInput("other", [1, 1])
    outcome = _run(Runtime([broken, good], Chain([]), MemoryOutput()))
    assert (False, {"files": "InputError: broken.log: cannot read: I/O error"}, [0], [0, 1]) == (
        outcome.ok, outcome.failures(), broken.acked, good.acked)


class UnboundInput(ListInput):
    """A server input whose port is taken: binding fails with a bare OSError."""

    async def batches(self) -> AsyncIterator[Batch]:
        raise OSError(98, "address already in use")
        yield  # pragma: no cover - makes this an async generator


def test_an_untranslated_os_error_ends_that_input_with_its_message() -> None:
    """An OSError escaping an input (a port in use) is that input's failure, named."""
    outcome = _run(Runtime([UnboundInput("beats", [])], Chain([]), MemoryOutput()))
    assert {"beats": "OSError: [Errno 98] address already in use"} == outcome.failures()


def test_sigint_starts_the_drain() -> None:
    """Under run_until_signalled, SIGINT (like SIGTERM) stops the inputs and drains."""
    log: list[str] = []

    async def scenario() -> Outcome:
        live = LiveInput("beats", log)
        runtime = Runtime([live], Chain([]), MemoryOutput(log))
        task = asyncio.ensure_future(run_until_signalled(runtime))
        live.queue.put_nowait(2)
        while not live.acked:
            await asyncio.sleep(0)
        os.kill(os.getpid(), signal.SIGINT)
        return await task

    outcome = asyncio.run(scenario())
    assert (True, True, "stop beats") == (outcome.ok, outcome.stopped, log[0])


def test_output_failure_stops_every_input() -> None:
    """When the output fails for good, live inputs are stopped and the outcome says why."""
    log: list[str] = []

    async def scenario() -> Outcome:
        live = LiveInput("beats", log)
        output = MemoryOutput(log)
        output.fail_with = DeliveryError("Elasticsearch refused our credentials")
        runtime = Runtime([live], Chain([]), output)
        task = asyncio.ensure_future(runtime.run())
        live.queue.put_nowait(1)
        return await task

    outcome = asyncio.run(scenario())
    assert (False, "DeliveryError: Elasticsearch refused our credentials", "stop beats") == (
        outcome.ok, outcome.output_failure, log[0])


def test_an_input_counts_what_it_passed_on() -> None:
    """An input's ``sent`` is what the output took from it after the chain's drops (it stayed
    0: inputs counted only what they read), so received = sent + dropped once all is acked."""
    a = ListInput("a", [3, 1, 2])
    outcome = _run(Runtime([a], Chain([DropFlagged()]), MemoryOutput()))
    c = outcome.inputs["a"].counters
    assert (6, 4, 2, True) == (c.received, c.sent, c.dropped_total, c.reconciles())
