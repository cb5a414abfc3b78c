"""The end-of-run numbers reconcile, the table shows them, progress lines read well."""

from __future__ import annotations

import asyncio
import io
from collections import Counter

from rich.console import Console

from pipeline.inputs import Problem
from pipeline.reprocess import (
    DryRunOutput,
    PlainDisplay,
    RunState,
    Summary,
    Tally,
    plain_line,
    raw_line,
    render,
)
from pipeline.runtime import Batch


def _tally(events: int, delivered: int, dropped: int) -> Tally:
    tally = Tally(lines=events, events=events, delivered=delivered)
    tally.dropped["before_since"] = dropped
    tally.indices["universal-ai-tools-2025.09.12"] = delivered
    return tally


def test_tallies_add_up_and_reconcile() -> None:
    """Two workers' tallies sum; in = delivered + dead-lettered + dropped."""
    summary = Summary(target="elasticsearch")
    summary.add(_tally(10, 8, 2))
    summary.add(_tally(5, 5, 0))
    expected = (15, 13, Counter({"before_since": 2}), True)
    assert expected == (summary.events, summary.delivered, summary.dropped, summary.reconciles)


def test_a_skipped_input_makes_the_run_not_ok() -> None:
    """Everything delivered but one file refused: the run reports failure (exit 1)."""
    summary = Summary(target="elasticsearch", problems=[Problem("/x.gz", "truncated")])
    summary.add(_tally(3, 3, 0))
    assert (True, False) == (summary.reconciles, summary.ok)


def test_undelivered_events_break_reconciliation() -> None:
    """Events read but never acknowledged (an interrupted run) are shown as undelivered."""
    summary = Summary(target="elasticsearch")
    summary.add(_tally(10, 7, 0))
    assert (3, False) == (summary.undelivered, summary.ok)


def test_render_shows_totals_indices_and_problems() -> None:
    """The table names the counts per index and each skipped path with its reason."""
    summary = Summary(target="elasticsearch", files=2, duration_secs=2.0)
    summary.add(_tally(10, 10, 0))
    summary.problems.append(Problem("/logs/cut.gz", "gzip stream truncated at byte 9"))
    out = io.StringIO()
    render(summary, Console(file=out, width=120))
    text = out.getvalue()
    assert [True] * 4 == [
        "│ universal-ai-tools-2025.09.12 │     10 │" in text,
        "│ docs/s                         │     5 │" in text,
        "skipped: /logs/cut.gz: gzip stream truncated at byte 9" in text,
        "reconciled                     │   yes" in text,
    ]


def test_plain_progress_line() -> None:
    """Bytes, share, events, rate, ETA and ranges in one line."""
    state = RunState(total_bytes=4 * 1048576, units_total=4)
    state.done_bytes, state.events, state.units_finished = 1048576, 1000, 1
    line = plain_line(state)
    assert line.startswith("reprocess: 1.0/4.0 MiB 25% | 1000 events ")
    assert line.endswith(" | 1/4 ranges")


def test_plain_display_prints_at_most_every_interval() -> None:
    """In a pipe, a refresh prints only once the interval has passed."""
    out = io.StringIO()
    display = PlainDisplay(out, every_secs=3600)
    display.refresh(RunState(total_bytes=1, units_total=1))
    quiet = out.getvalue()
    display = PlainDisplay(out, every_secs=0)
    display.refresh(RunState(total_bytes=1, units_total=1))
    assert ("", 1) == (quiet, out.getvalue().count("\n"))


def test_dry_run_output_acknowledges_and_counts() -> None:
    """The dry run writes nothing but acks each batch and counts its events delivered."""
    acked: list[int] = []
    sink = DryRunOutput()
    batch = Batch(events=[{"message": "a"}, {"message": "b"}], ack=lambda: acked.append(1))
    asyncio.run(sink.write(batch))
    assert ([1], 2, 2) == (acked, sink.counters.received, sink.counters.sent)


def test_raw_line_prefers_the_line_as_read() -> None:
    """--to-kafka publishes the Filebeat JSON as read, else the message."""
    beat = {"message": "m", "@metadata": {"raw": '{"message":"m"}'}}
    assert (b'{"message":"m"}', b"plain") == (raw_line(beat), raw_line({"message": "plain"}))


def test_workers_failing_on_the_same_error_make_one_line() -> None:
    """Every worker meets the same full disk: one line names them all; other failures and
    the dead letter queue's repairs get a line each."""
    summary = Summary(target="elasticsearch", fatal=[
        "worker 0: StateError: disk full", "worker 1: StateError: disk full",
        "worker 2 died (exit code -9)"])
    tally = Tally()
    tally.notices.append("segment-000001.ndjson: cut a torn last entry of 9 bytes")
    summary.add(tally)
    out = io.StringIO()
    render(summary, Console(file=out, width=200))
    assert ["dead letter queue: segment-000001.ndjson: cut a torn last entry of 9 bytes",
            "workers 0, 1 failed: StateError: disk full", "worker 2 died (exit code -9)"] == (
        out.getvalue().splitlines()[-3:])
