"""Showing a reprocess: a live progress bar on a terminal, a plain line every few seconds in a
pipe or CI, and the end-of-run summary table.

The parent process owns the display; workers only send numbers. ``RunState`` holds those
numbers, the displays render it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

PLAIN_EVERY_SECS = 5.0


@dataclass
class UnitProgress:
    """One range being read: its file, raw bytes total and done, events so far."""

    path: str
    total: int
    raw: int = 0
    events: int = 0
    skips_head: bool = False
    """A compressed range decompresses what precedes it without parsing: the raw bytes up
    to its first block are skipped work, taken off the totals instead of counted as done."""


@dataclass
class RunState:
    """Live numbers of a run, fed by worker messages."""

    total_bytes: int
    units_total: int
    started: float = field(default_factory=time.monotonic)
    units: dict[str, UnitProgress] = field(default_factory=dict)
    done_bytes: int = 0
    lines: int = 0
    events: int = 0
    units_finished: int = 0
    retrying: dict[int, str] = field(default_factory=dict)
    """Per worker, what its sink is retrying and since when."""

    def progress(self, key: str, raw: int, lines: int, events: int) -> None:
        """Apply one progress message."""
        unit = self.units.get(key)
        if unit is not None and unit.skips_head:
            unit.skips_head = False
            unit.total -= raw - unit.raw
            self.total_bytes -= raw - unit.raw
            unit.raw = raw
        if unit is not None:
            self.done_bytes += max(0, raw - unit.raw)
            unit.raw = max(unit.raw, raw)
            unit.events += events
        self.lines += lines
        self.events += events

    @property
    def elapsed(self) -> float:
        return max(time.monotonic() - self.started, 1e-9)

    @property
    def rate(self) -> float:
        """Events per second since the start."""
        return self.events / self.elapsed

    def eta(self) -> float | None:
        """Seconds left at the current byte rate, when it can be told."""
        if self.done_bytes <= 0 or self.total_bytes <= 0:
            return None
        left = max(self.total_bytes - self.done_bytes, 0)
        return left / (self.done_bytes / self.elapsed)


class Display(Protocol):
    """How a run is shown while it goes."""

    def start(self, key: str, unit: UnitProgress) -> None: ...

    def refresh(self, state: RunState) -> None: ...

    def finished(self, key: str) -> None: ...

    def close(self) -> None: ...


class PlainDisplay:
    """A line every few seconds (pipes, CI logs): bytes, events, rate, ETA."""

    def __init__(self, stream: TextIO, every_secs: float = PLAIN_EVERY_SECS) -> None:
        self._stream = stream
        self._every = every_secs
        self._last = time.monotonic()

    def start(self, key: str, unit: UnitProgress) -> None:
        """Nothing per file in plain mode."""

    def finished(self, key: str) -> None:
        """Nothing per file in plain mode."""

    def refresh(self, state: RunState) -> None:
        """Print a line when it is time."""
        if time.monotonic() - self._last >= self._every:
            self._last = time.monotonic()
            print(plain_line(state), file=self._stream, flush=True)

    def close(self) -> None:
        """Nothing to tear down."""


def plain_line(state: RunState) -> str:
    """``reprocess: 12.0/48.0 MiB 25% | 120000 events 40000/s | ETA 0:00:09 | 1/4 ranges``."""
    eta = state.eta()
    share = 100 * state.done_bytes / state.total_bytes if state.total_bytes else 0.0
    return (
        f"reprocess: {_mib(state.done_bytes)}/{_mib(state.total_bytes)} MiB {share:.0f}% | "
        f"{state.events} events {state.rate:.0f}/s | "
        f"ETA {_clock(eta) if eta is not None else '?'} | "
        f"{state.units_finished}/{state.units_total} ranges"
        + "".join(f" | {text}" for text in sorted(set(state.retrying.values())))
    )


def _mib(n: int) -> str:
    return f"{n / 1048576:.1f}"


def _clock(secs: float) -> str:
    whole = int(secs)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


class RichDisplay:
    """A rich progress bar for the whole run and one per file being read."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            TextColumn("{task.description}", justify="left"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TextColumn("{task.fields[events]:>10,} events {task.fields[rate]:>8,.0f}/s"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self._overall: TaskID | None = None
        self._tasks: dict[str, TaskID] = {}
        self._units: dict[str, UnitProgress] = {}
        self._progress.start()

    def start(self, key: str, unit: UnitProgress) -> None:
        """A file (range) is being read: give it a bar."""
        name = unit.path if len(unit.path) <= 40 else "…" + unit.path[-39:]
        self._tasks[key] = self._progress.add_task(name, total=unit.total, events=0, rate=0.0)
        self._units[key] = unit

    def finished(self, key: str) -> None:
        """A range is done: drop its bar."""
        task = self._tasks.pop(key, None)
        self._units.pop(key, None)
        if task is not None:
            self._progress.remove_task(task)

    def refresh(self, state: RunState) -> None:
        """Move every bar to the state's numbers."""
        if self._overall is None:
            self._overall = self._progress.add_task(
                "total", total=state.total_bytes, events=0, rate=0.0
            )
        retrying = "; ".join(sorted(set(state.retrying.values())))
        self._progress.update(
            self._overall, completed=state.done_bytes, events=state.events, rate=state.rate,
            description=f"total ({retrying})" if retrying else "total",
        )
        for key, task in self._tasks.items():
            unit = self._units[key]
            self._progress.update(task, completed=unit.raw, events=unit.events, rate=state.rate)

    def close(self) -> None:
        """Stop redrawing."""
        self._progress.stop()
