"""The one long-running runtime: every input through the steps into one output, drained on stop.

Each input gets a pump: it asks the input for a batch, runs it through the processor (the
enrichment :class:`~pipeline.runtime.Chain`), and awaits ``output.write``. A pump asks for
the next batch only when ``write`` returned, so a spent output byte budget stops every input
from reading (backpressure). Pumps run concurrently on one event loop; inputs never block it.

Acknowledgements flow back through the handle each batch carries; the runtime wraps it to know,
per input and stream, what is still unacknowledged. :meth:`Runtime.stop` (SIGTERM/SIGINT)
starts the drain: every input stops accepting, what was read is written, the output flushes and
the acks fire; if that takes longer than ``drain_timeout_secs``, the runtime gives up and its
:class:`Outcome` names what was left unacknowledged (its sources will send it again).

``serve`` and the reprocess workers both run their inputs here, so a new input or output plugs
in at one place.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import signal
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pipeline.errors import LumberyardError, NotConnected
from pipeline.runtime._backoff import backoff_delay
from pipeline.runtime._contracts import Batch, Input, Output
from pipeline.runtime._counters import Counters

log = logging.getLogger("lumberyard.runtime")

DEFAULT_DRAIN_TIMEOUT_SECS = 30.0
RECONNECT_INITIAL_SECS = 0.5
RECONNECT_MAX_SECS = 30.0
ABORT_GRACE_SECS = 0.2
"""After a drain timeout or an output failure, how long the output's close may run before it
is cancelled (it flushes first, which would wait for acks that will not come)."""


class Processor(Protocol):
    """What runs between input and output: a :class:`~pipeline.runtime.Chain`, or a wrapper
    of one. ``apply`` processes a batch in place (dropped events left out); drops are counted
    per reason in ``counters.dropped``."""

    counters: Counters

    def apply(self, batch: Batch) -> Batch: ...


@dataclass
class InputState:
    """One input as the runtime sees it: counters and what is still owed an acknowledgement."""

    name: str
    counters: Counters
    pending_batches: Counter[str] = field(default_factory=Counter)
    """Batches written but not acknowledged, per stream (streams with none are left out)."""
    pending_events: int = 0
    acked_batches: int = 0
    failure: str | None = None
    """Why the input ended early (``Type: message``), or ``None``."""

    def summary(self) -> str:
        """One line: read, dropped by the chain, batches acknowledged, events pending, errors."""
        c = self.counters
        errors = ", ".join(f"{k}={v}" for k, v in sorted(c.errors.items())) or "none"
        return (f"{self.name}: received={c.received} dropped={c.dropped_total} "
                f"acked_batches={self.acked_batches} pending_events={self.pending_events} "
                f"errors[{errors}]{' failed: ' + self.failure if self.failure else ''}")

    def unacknowledged(self) -> str:
        """``name: N events in M batches on K streams (a, b, ...)``, for the drain report."""
        streams = sorted(self.pending_batches)
        shown = ", ".join(streams[:5]) + (", ..." if len(streams) > 5 else "")
        batches = sum(self.pending_batches.values())
        return (f"{self.name}: {self.pending_events} events in {batches} batches on "
                f"{len(streams)} streams ({shown})")


@dataclass
class Outcome:
    """How a run ended."""

    inputs: dict[str, InputState]
    stopped: bool = False
    """A stop was requested (signal), rather than every input ending by itself."""
    timed_out: bool = False
    """The drain did not finish within its timeout: some batches were never acknowledged."""
    output_error: LumberyardError | None = None
    """Why the output failed for good (then nothing more was delivered), or ``None``."""

    @property
    def output_failure(self) -> str | None:
        """:attr:`output_error` as ``Type: message``."""
        exc = self.output_error
        return None if exc is None else f"{type(exc).__name__}: {exc}"

    @property
    def ok(self) -> bool:
        """Everything read was acknowledged, and neither an input nor the output failed."""
        return not (self.timed_out or self.output_failure or self.failures())

    def failures(self) -> dict[str, str]:
        """Inputs that ended early, with why."""
        return {n: s.failure for n, s in self.inputs.items() if s.failure is not None}

    def left_unacknowledged(self) -> list[str]:
        """One line per input that still had batches waiting for their acknowledgement."""
        return [s.unacknowledged() for s in self.inputs.values() if s.pending_batches]

    def describe(self) -> str:
        """What went wrong, for the log and the exit message ("" when :attr:`ok`)."""
        parts = []
        if self.timed_out:
            left = "; ".join(self.left_unacknowledged()) or "nothing"
            parts.append(f"drain timed out; left unacknowledged (their sources resend): {left}")
        if self.output_failure:
            parts.append(f"output failed: {self.output_failure}")
        parts.extend(f"input {n} failed: {why}" for n, why in sorted(self.failures().items()))
        return "; ".join(parts)


class _OutputFailed(Exception):
    """``output.write`` raised: the shared output is broken, every pump must end."""


class Runtime:
    """Runs ``inputs`` concurrently through ``processor`` into ``output`` until they end or
    :meth:`stop` is called; :meth:`run` returns the :class:`Outcome`."""

    def __init__(
        self,
        inputs: Sequence[Input],
        processor: Processor,
        output: Output,
        *,
        drain_timeout_secs: float = DEFAULT_DRAIN_TIMEOUT_SECS,
        reconnect_initial_secs: float = RECONNECT_INITIAL_SECS,
        reconnect_max_secs: float = RECONNECT_MAX_SECS,
    ) -> None:
        names = [source.name for source in inputs]
        if len(set(names)) != len(names):
            raise ValueError(f"input names must be unique, got {names}")
        self.inputs = tuple(inputs)
        self.processor = processor
        self.output = output
        self.drain_timeout_secs = drain_timeout_secs
        self._reconnect = (reconnect_initial_secs, reconnect_max_secs)
        self.states = {source.name: InputState(source.name, Counters(source.name))
                       for source in inputs}
        self._stop_requested = asyncio.Event()
        self._output_error: LumberyardError | None = None
        self._inputs_stopped = False
        self._rng = random.Random()  # noqa: S311 -- jitter, not cryptography

    def stop(self) -> None:
        """Start the drain (safe from a signal handler, idempotent)."""
        self._stop_requested.set()

    async def run(self) -> Outcome:
        """Pump every input until it ends (or :meth:`stop`), flush, then close inputs and output."""
        flow = asyncio.ensure_future(self._flow())
        stop = asyncio.ensure_future(self._stop_requested.wait())
        outcome = Outcome(self.states)
        try:
            await asyncio.wait({flow, stop}, return_when=asyncio.FIRST_COMPLETED)
            if not flow.done():
                outcome.stopped = True
                outcome.timed_out = not await self._drain(flow)
            elif flow.exception() is not None:
                raise flow.exception()  # type: ignore[misc] # a bug, not an input/output error
        finally:
            stop.cancel()
            if not flow.done():
                flow.cancel()
                await asyncio.gather(flow, return_exceptions=True)
            await self._close(abort=outcome.timed_out or self._output_error is not None)
        outcome.output_error = self._output_error
        return outcome

    async def _drain(self, flow: asyncio.Future[None]) -> bool:
        """Stop the inputs and wait for the flow (pumps + flush) up to the drain timeout."""
        log.info("draining: stopping %d inputs", len(self.inputs))
        await self._stop_inputs()
        try:
            await asyncio.wait_for(asyncio.shield(flow), self.drain_timeout_secs)
        except TimeoutError:
            return False
        return True

    async def _flow(self) -> None:
        pumps = [asyncio.ensure_future(self._pump(source)) for source in self.inputs]
        await asyncio.gather(*pumps)
        if self._output_error is None:
            try:
                await self.output.flush()
            except LumberyardError as exc:
                self._output_error = exc

    async def _stop_inputs(self) -> None:
        """Every input's :meth:`~pipeline.runtime.Input.stop`, once."""
        if self._inputs_stopped:
            return
        self._inputs_stopped = True
        for source in self.inputs:
            try:
                await source.stop()
            except LumberyardError as exc:
                log.warning("input %s: stopping failed: %s", source.name, exc)

    async def _close(self, *, abort: bool) -> None:
        """Close the output, then the inputs (stopped first, as their contract says). When
        aborting nothing more will be acknowledged: the output gets a short grace to start
        closing, then is cancelled (its close releases its connections on cancellation)."""
        await self._stop_inputs()
        closing = asyncio.ensure_future(self.output.close())
        if abort:
            await asyncio.wait({closing}, timeout=ABORT_GRACE_SECS)
            closing.cancel()
        try:
            await closing
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # the runtime itself is being cancelled, not just the output's close
            # else aborted: the output's tasks were stopped and its connections released
        except LumberyardError as exc:
            if self._output_error is None:
                self._output_error = exc
        for source in self.inputs:
            try:
                await source.close()
            except LumberyardError as exc:
                log.warning("input %s: closing failed: %s", source.name, exc)

    # -- one pump per input -------------------------------------------------------------------

    async def _pump(self, source: Input) -> None:
        """Batches of ``source`` through the processor into the output; reconnects with
        backoff on :class:`NotConnected`; another input error (or an ``OSError`` the input
        did not translate, such as a port already in use) ends this input only."""
        state = self.states[source.name]
        attempt = 0
        while True:
            try:
                async for batch in source.batches():
                    attempt = 0
                    await self._write(batch, state)
                return
            except NotConnected as exc:
                attempt += 1
                state.counters.errors["not_connected"] += 1
                delay = backoff_delay(attempt, *self._reconnect, self._rng)
                log.warning("input %s: %s; retrying in %.1fs", source.name, exc, delay)
                if await self._stopped_within(delay):
                    return
            except _OutputFailed:
                return
            except (LumberyardError, OSError) as exc:  # OSError: an input's untranslated I/O
                state.failure = f"{type(exc).__name__}: {exc}"
                state.counters.errors["input_failed"] += 1
                log.error("input %s failed: %s", source.name, state.failure)
                return

    async def _stopped_within(self, delay: float) -> bool:
        """Sleep ``delay`` seconds unless a stop comes first; whether it did."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop_requested.wait(), delay)
        return self._stop_requested.is_set()

    async def _write(self, batch: Batch, state: InputState) -> None:
        received = len(batch.events)
        before = Counter(self.processor.counters.dropped)
        batch = self.processor.apply(batch)
        state.counters.received += received
        state.counters.dropped.update(self.processor.counters.dropped - before)
        self._track(batch, state)
        passed_on = len(batch.events)
        try:
            await self.output.write(batch)
        except LumberyardError as exc:
            if self._output_error is None:
                self._output_error = exc  # reported once, by the caller, from the Outcome
            self.stop()
            raise _OutputFailed from exc
        state.counters.sent += passed_on  # taken by the output: received = sent + dropped

    @staticmethod
    def _track(batch: Batch, state: InputState) -> None:
        """Wrap the batch's ack to keep what ``state`` still owes, per stream."""
        stream, events, release = batch.ack_stream, len(batch.events), batch.ack
        state.pending_batches[stream] += 1
        state.pending_events += events

        def ack() -> None:
            state.pending_batches[stream] -= 1
            if not state.pending_batches[stream]:
                del state.pending_batches[stream]
            state.pending_events -= events
            state.acked_batches += 1
            release()

        batch.ack = ack


async def run_until_signalled(runtime: Runtime) -> Outcome:
    """:meth:`Runtime.run` with SIGTERM and SIGINT starting its drain."""
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT)
    for signum in signals:
        loop.add_signal_handler(signum, runtime.stop)
    try:
        return await runtime.run()
    finally:
        for signum in signals:
            loop.remove_signal_handler(signum)
