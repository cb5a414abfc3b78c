"""Measurement from the OS: process-tree CPU and RSS, finite and daemon runs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bench.measure import process_cpu_secs, run_daemon, run_finite, tree_pids
from bench.peers import Launch

BUSY = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass\n"


def test_tree_includes_self() -> None:
    """The tree of this process contains this process first."""
    assert tree_pids(os.getpid())[0] == os.getpid()


def test_own_cpu_is_positive() -> None:
    """This test process has used some CPU; a vanished pid reads as zero."""
    assert process_cpu_secs(os.getpid()) > 0
    assert process_cpu_secs(2**22 + 7) == 0.0


def test_finite_run_counts_cpu_of_grandchildren(tmp_path: Path) -> None:
    """CPU burnt in a grandchild (reaped by the child) is part of the shipper's CPU."""
    script = f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {BUSY!r}])\n"
    sample = run_finite(Launch([sys.executable, "-c", script], daemon=False), lambda: 5, 5,
                        tmp_path / "out.log", timeout_secs=60)
    assert (0, True, 5) == (sample.exit_code, sample.complete, sample.docs)
    assert sample.cpu_secs >= 0.3


def test_failed_finite_run_is_noted(tmp_path: Path) -> None:
    """A shipper exiting non-zero is recorded with its exit code and where its log is."""
    sample = run_finite(Launch([sys.executable, "-c", "raise SystemExit(3)"], daemon=False),
                        lambda: 0, 10, tmp_path / "out.log", timeout_secs=60)
    assert (3, False) == (sample.exit_code, sample.complete)
    assert "exit 3" in sample.note


def test_daemon_stops_when_expected_count_reached(tmp_path: Path) -> None:
    """A daemon is stopped once the count reaches what was expected, and marked complete."""
    calls = iter(range(1, 100))
    sample = run_daemon(Launch([sys.executable, "-c", "import time; time.sleep(60)"],
                               daemon=True), lambda: next(calls), 3, tmp_path / "out.log",
                        stall_secs=30, poll_secs=0.05)
    assert (True, "") == (sample.complete, sample.note)


def test_daemon_that_stalls_is_incomplete(tmp_path: Path) -> None:
    """A daemon whose count stops growing is stopped and reported as stalled."""
    sample = run_daemon(Launch([sys.executable, "-c", "import time; time.sleep(60)"],
                               daemon=True), lambda: 2, 10, tmp_path / "out.log",
                        stall_secs=0.3, poll_secs=0.05)
    assert (False, 2) == (sample.complete, sample.docs)
    assert sample.note.startswith("stalled at 2 of 10")
