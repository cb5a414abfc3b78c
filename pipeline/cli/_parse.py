"""``lumberyard parse FILE|-``: print the documents a file would become, and a summary.

The file is read by the same input the ``files`` command uses and runs through the same
chain of steps, so what is printed is exactly what would be indexed; the target index and
id are shown under ``@metadata`` (never indexed). The summary goes to stderr.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, BinaryIO

import typer

from pipeline.errors import InputError
from pipeline.runtime import METADATA, Event, count_failure_tags

if TYPE_CHECKING:
    from parsers import Parsers
    from pipeline.inputs import FileInput, FileUnit
    from pipeline.inputs.files import Joiner
    from pipeline.runtime import Batch, Chain

EXIT_INTERRUPTED = 130
"""Exit status after Ctrl-C (128 + SIGINT), as the shell and ``reprocess`` use."""
SHOWN_METADATA = ("_index", "_id", "grammar")
"""The ``@metadata`` keys printed with each document (the rest is pipeline plumbing)."""

Source = Annotated[str, typer.Argument(help="Log file (plain or compressed), or - for stdin.")]
Pretty = Annotated[bool, typer.Option("--pretty", help="Indent each document.")]
ConfigPath = Annotated[
    Path | None,
    typer.Option("--config", envvar="LUMBERYARD_CONFIG", help="Config file (parsers, enrich)."),
]


@dataclass
class ParseSummary:
    """What ``parse`` saw: lines, events, per-grammar, per-tag and per-event_type counts."""

    lines: int = 0
    events: int = 0
    grammars: Counter[str] = field(default_factory=Counter)
    tags: Counter[str] = field(default_factory=Counter)
    event_types: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    interrupted: bool = False

    def add(self, doc: Event) -> None:
        self.events += 1
        self.grammars[str(doc.get(METADATA, {}).get("grammar", "?"))] += 1
        self.event_types[str(doc.get("event_type", "?"))] += 1
        count_failure_tags(doc.get("tags"), self.tags)

    def render(self) -> str:
        """A few human lines for stderr."""
        rows = [f"lines: {self.lines}  events: {self.events}"]
        for title, counts in (
            ("grammars", self.grammars),
            ("event_types", self.event_types),
            ("failure tags", self.tags),
            ("dropped", self.dropped),
        ):
            text = "  ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "none"
            rows.append(f"{title}: {text}")
        rows.extend(f"problem: {p}" for p in self.problems)
        if self.interrupted:
            rows.append("interrupted (Ctrl-C): the counts cover the documents printed so far")
        return "\n".join(rows)


class _Problems:
    """Listener of the file input: remembers problems, ignores progress and checkpoints."""

    def __init__(self, summary: ParseSummary) -> None:
        self._summary = summary

    def on_checkpoint(self, unit: FileUnit, offset: int, finished: bool) -> None:
        """Nothing is resumed by ``parse``."""

    def on_progress(self, unit: FileUnit, raw_position: int, lines: int, events: int) -> None:
        """Progress is not shown."""

    def on_problem(self, unit: FileUnit, reason: str) -> None:
        self._summary.problems.append(reason)


def printable(event: Event) -> Event:
    """The document as it would be indexed, ``@timestamp`` first, plus the shown metadata."""
    meta = event.get(METADATA, {})
    doc: Event = {k: event[k] for k in ("@timestamp", "message") if k in event}
    doc.update((k, v) for k, v in event.items() if k not in doc and k != METADATA)
    doc[METADATA] = {k: meta[k] for k in SHOWN_METADATA if k in meta}
    return doc


class _Printer:
    """The Output of ``parse``: each document to ``write`` and into the summary, then acked."""

    name = "stdout"

    def __init__(self, summary: ParseSummary, write: Callable[[Event], None]) -> None:
        self._summary, self._write = summary, write

    async def write(self, batch: Batch) -> None:
        for event in batch.events:
            self._summary.add(event)
            self._write(printable(event))
        batch.ack()

    async def flush(self) -> None:
        """Everything is written as it comes."""

    async def close(self) -> None:
        """stdout is not ours to close."""


async def _drain(
    source: FileInput, chain: Chain, summary: ParseSummary, write: Callable[[Event], None]
) -> None:
    """The file through the chain to the printer, on the runtime every command shares."""
    from pipeline.runtime import Runtime  # noqa: PLC0415 - command-time, as the rest

    await Runtime([source], chain, _Printer(summary, write)).run()
    summary.lines = source.lines
    summary.dropped.update(chain.counters.dropped)


def run_parse(
    source: str, config_path: Path | None, out: BinaryIO, pretty: bool, stdin: BinaryIO | None
) -> ParseSummary:
    """Parse ``source`` (a path or ``-``), writing one document per line (or indented) to out."""
    # Command-time imports: grammars (pyparsing), config models and the input cost ~0.3 s,
    # which no other command should pay.
    import asyncio  # noqa: PLC0415

    import orjson  # noqa: PLC0415

    from parsers import Parsers  # noqa: PLC0415
    from pipeline.config import load_config  # noqa: PLC0415
    from pipeline.inputs import FileInput, inspect, stdin_unit  # noqa: PLC0415
    from pipeline.runtime import Chain  # noqa: PLC0415
    from pipeline.steps import build_steps  # noqa: PLC0415

    config = load_config(config_path)
    parsers = Parsers(config.parsers)
    chain = Chain(build_steps(config, parsers))
    unit = stdin_unit() if source == "-" else inspect(source)
    summary = ParseSummary()
    joiner: Callable[[], Joiner] | None = None
    if config.parsers.multiline is not None:
        joiner = _joiner_factory(parsers)
    reader = FileInput([unit], _Problems(summary), joiner, stdin=stdin,
                       max_line_bytes=config.parsers.max_line_bytes)
    option = orjson.OPT_INDENT_2 if pretty else 0

    def write(doc: dict[str, Any]) -> None:
        out.write(orjson.dumps(doc, option=option | orjson.OPT_APPEND_NEWLINE))

    # Not asyncio.run: its SIGINT handler only cancels the task at its next await, and its
    # exit waits for the reading thread (blocked on an idle pipe or FIFO). With Python's own
    # handler Ctrl-C raises KeyboardInterrupt here at once.
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(_drain(reader, chain, summary, write))
    except KeyboardInterrupt:
        summary.interrupted = True
        summary.lines = reader.lines
        summary.dropped.update(chain.counters.dropped)
        return summary
    loop.close()
    return summary


def _joiner_factory(parsers: Parsers) -> Callable[[], Joiner]:
    def make() -> Joiner:
        joiner = parsers.new_joiner()
        assert joiner is not None  # only called when multiline is configured
        return joiner

    return make


def register(app: typer.Typer) -> None:
    @app.command()
    def parse(source: Source, *, pretty: Pretty = False, config: ConfigPath = None) -> None:
        """Print the enriched documents SOURCE would become (summary on stderr)."""
        try:
            summary = run_parse(source, config, sys.stdout.buffer, pretty, None)
        except BrokenPipeError:  # `lumberyard parse big.log | head`
            sys.stderr.close()
            return
        sys.stdout.flush()
        typer.echo(summary.render(), err=True)
        if summary.interrupted:  # a reading thread may be blocked on a pipe: do not wait for it
            sys.stderr.flush()
            os._exit(EXIT_INTERRUPTED)
        if summary.problems:
            raise InputError("; ".join(summary.problems))
