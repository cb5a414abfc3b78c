"""The end of a reprocess: the numbers that must reconcile, and the table that shows them.

in (events read) = delivered (indexed, incl. already there) + dead-lettered + dropped (by
filters, counted per reason) + undelivered (only after an interruption or a fatal error).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rich.console import Console
from rich.table import Table

from pipeline.inputs import Problem
from pipeline.redact import redact
from pipeline.reprocess._worker import Tally


@dataclass
class Summary:
    """Totals of a run, summed over workers."""

    target: str
    files: int = 0
    ranges_done_before: int = 0
    lines: int = 0
    events: int = 0
    delivered: int = 0
    already_there: int = 0
    dead_lettered: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    indices: Counter[str] = field(default_factory=Counter)
    event_types: Counter[str] = field(default_factory=Counter)
    tags: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    fatal: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    """Repairs made on the way (a torn dead letter queue tail cut off and kept aside)."""
    duration_secs: float = 0.0
    interrupted: bool = False
    unknown_workers: list[int] = field(default_factory=list)
    """Workers stopped (Ctrl-C) or crashed before reporting their counts."""
    events_read: int = 0
    ranges_unfinished: int = 0
    """Ranges (files or parts of them) not read to their end: their checkpoints resume."""
    """Events read by all workers as their progress reported them (known even when a
    worker's own counts are not)."""

    def add_problem(self, problem: Problem) -> None:
        """Record an input that could not be read to its end, once: the ranges of one
        archive that all meet its truncation make one problem (the path is not repeated)."""
        path, reason = problem.path, problem.reason
        if reason.startswith(f"{path}: "):
            problem = Problem(path, reason[len(path) + 2 :])
        if problem not in self.problems:
            self.problems.append(problem)

    def add(self, tally: Tally) -> None:
        """Fold one worker's tally in."""
        self.lines += tally.lines
        self.events += tally.events
        self.delivered += tally.delivered
        self.already_there += tally.already_there
        self.dead_lettered += tally.dead_lettered
        self.notices.extend(tally.notices)
        for mine, theirs in (
            (self.dropped, tally.dropped),
            (self.indices, tally.indices),
            (self.event_types, tally.event_types),
            (self.tags, tally.tags),
            (self.errors, tally.errors),
        ):
            mine.update(theirs)

    @property
    def undelivered(self) -> int:
        """Events read but neither delivered, dead-lettered nor dropped (interrupted runs)."""
        return self.events - self.delivered - self.dead_lettered - sum(self.dropped.values())

    @property
    def reconciles(self) -> bool:
        """in = delivered + dead-lettered + dropped (never claimed while counts are missing)."""
        return self.undelivered == 0 and not self.unknown_workers

    @property
    def all_dead_lettered(self) -> bool:
        """Events were sent and every one of them went to the dead letter queue."""
        return self.dead_lettered > 0 and self.delivered == 0

    @property
    def docs_per_sec(self) -> float:
        return self.delivered / self.duration_secs if self.duration_secs > 0 else 0.0

    @property
    def ok(self) -> bool:
        """Nothing skipped, nothing failed, everything accounted for."""
        return not self.problems and not self.fatal and not self.interrupted and self.reconciles


def render(summary: Summary, console: Console) -> None:
    """Print the summary table, the per-index / per-type / per-tag counts and the problems."""
    console.print(_totals(summary))
    for title, counts in (
        ("events per index", summary.indices),
        ("events per event_type", summary.event_types),
        ("failures by tag", summary.tags),
        ("dropped by reason", summary.dropped),
        ("errors by type", summary.errors),
    ):
        if counts:
            console.print(_counts(title, counts))
    for problem in summary.problems:  # one greppable line each, never wrapped
        line = redact(f"skipped: {problem.path}: {problem.reason}")
        console.print(line, soft_wrap=True, markup=False, highlight=False)
    if summary.unknown_workers:
        who = ", ".join(map(str, summary.unknown_workers))
        console.print(f"counts unknown for worker{'s' if len(summary.unknown_workers) > 1 else ''}"
                      f" {who}: stopped before reporting them (the totals above leave them out);"
                      " what Elasticsearch acknowledged is checkpointed: run again to finish",
                      soft_wrap=True, markup=False, highlight=False)
    for notice in summary.notices:
        console.print(f"dead letter queue: {notice}", soft_wrap=True, markup=False,
                      highlight=False)
    for message in fatal_lines(summary.fatal):
        console.print(redact(message), soft_wrap=True, markup=False, highlight=False)


def fatal_lines(fatal: list[str]) -> list[str]:
    """One line per distinct failure: workers that stopped on the same error (every worker
    meets a full disk) are named together, not repeated."""
    workers: dict[str, list[str]] = {}
    for message in fatal:
        who, sep, what = message.partition(": ")
        if sep and who.startswith("worker "):
            workers.setdefault(what, []).append(who.removeprefix("worker "))
        else:
            workers.setdefault(message, [])
    return [
        f"worker{'s' if len(who) > 1 else ''} {', '.join(who)} failed: {what}" if who else what
        for what, who in workers.items()
    ]


def _totals(s: Summary) -> Table:
    table = Table(title=f"reprocess -> {s.target}", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    rows: list[tuple[str, int | str]] = [
        ("files", s.files),
        ("ranges already done (skipped)", s.ranges_done_before),
        ("lines", s.lines),
        ("events in", s.events),
        ("delivered" if s.target != "elasticsearch" else "indexed", s.delivered),
        ("  of which already there (409)", s.already_there),
        ("dead-lettered", s.dead_lettered),
        ("dropped", sum(s.dropped.values())),
        ("undelivered", s.undelivered),
        ("skipped inputs", len(s.problems)),
        ("duration", f"{s.duration_secs:.1f} s"),
        ("docs/s", f"{s.docs_per_sec:,.0f}"),
        ("reconciled", "yes" if s.reconciles else "unknown" if s.unknown_workers else "NO"),
    ]
    if s.unknown_workers:
        rows.insert(4, ("events read (from progress)", s.events_read))
    if s.ranges_unfinished:
        rows.insert(2, ("ranges not finished (resume next run)", s.ranges_unfinished))
    for name, value in rows:
        table.add_row(name, f"{value:,}" if isinstance(value, int) else value)
    return table


def _counts(title: str, counts: Counter[str]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("name")
    table.add_column("events", justify="right")
    for name, count in sorted(counts.items()):
        table.add_row(str(name), f"{count:,}")
    return table
