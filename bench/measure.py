"""Run one shipper and measure it from the OS: wall time, CPU-seconds of its process tree, peak RSS.

CPU is read from ``/proc`` (``utime + stime`` of every live process in the tree, plus the
``cutime + cstime`` of children they already reaped) and, for a shipper that exits by itself,
from ``wait4``'s rusage, which includes every descendant it reaped. Peak RSS is the largest sum
of ``VmRSS`` over the tree seen by a 100 ms sampler. A daemon (rsyslog, syslog-ng) never exits:
it is done when the target holds the expected number of documents, or has stalled.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.peers._job import Launch

CLK_TCK = os.sysconf("SC_CLK_TCK")
SAMPLE_SECS = 0.1


@dataclass
class Sample:
    """One measured run of one shipper."""

    wall_secs: float
    cpu_secs: float
    peak_rss_bytes: int
    docs: int
    expected_docs: int
    exit_code: int | None
    note: str = ""

    @property
    def complete(self) -> bool:
        """Whether the target holds at least the documents expected."""
        return self.docs >= self.expected_docs

    @property
    def docs_per_sec(self) -> float:
        """Documents indexed per wall-clock second."""
        return self.docs / self.wall_secs if self.wall_secs > 0 else 0.0

    @property
    def cpu_secs_per_million(self) -> float:
        """CPU-seconds of the shipper's process tree per million documents."""
        return self.cpu_secs * 1e6 / self.docs if self.docs else 0.0


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2:].split()  # fields from "state" on; comm may hold spaces


def tree_pids(root: int) -> list[int]:
    """``root`` and all its live descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry))
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(children.get(pid, ()))
    return pids


def process_cpu_secs(pid: int, with_children: bool = True) -> float:
    """CPU-seconds of one process (and the children it reaped); 0 if it is gone."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if with_children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / CLK_TCK


def _rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class TreeSampler:
    """Samples a process tree's CPU and RSS in a thread until stopped."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.cpu_secs = 0.0
        self.peak_rss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="sampler", daemon=True)

    def start(self) -> TreeSampler:
        self._thread.start()
        return self

    def sample(self) -> None:
        """Read the tree once; CPU only ever grows (a reaped child moves into cutime)."""
        pids = tree_pids(self.root)
        cpu = sum(process_cpu_secs(pid) for pid in pids)
        self.cpu_secs = max(self.cpu_secs, cpu)
        self.peak_rss = max(self.peak_rss, sum(_rss_bytes(pid) for pid in pids))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(SAMPLE_SECS):
            self.sample()


def run_finite(launch: Launch, count: Callable[[], int], expected: int, log: Path, *,
               timeout_secs: float) -> Sample:
    """Run a shipper that exits when done; CPU from rusage, docs counted afterwards."""
    start = time.monotonic()
    with log.open("wb") as out:
        proc = subprocess.Popen(launch.argv, stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, **launch.env}, cwd=launch.cwd)
    sampler = TreeSampler(proc.pid).start()
    status, usage = _wait(proc, timeout_secs)
    wall = time.monotonic() - start
    sampler.stop()
    cpu = max(sampler.cpu_secs, usage.ru_utime + usage.ru_stime) if usage else sampler.cpu_secs
    code = os.waitstatus_to_exitcode(status) if status is not None else None
    note = "" if code == 0 else f"exit {code}; see {log}"
    return Sample(wall, cpu, sampler.peak_rss, count(), expected, code, note)


def _wait(proc: subprocess.Popen[bytes], timeout_secs: float) -> tuple[
        int | None, resource.struct_rusage | None]:
    deadline = time.monotonic() + timeout_secs
    while time.monotonic() < deadline:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return status, usage
        time.sleep(0.05)
    _terminate(proc)
    return None, None


def run_daemon(launch: Launch, count: Callable[[], int], expected: int, log: Path, *,
               stall_secs: float, poll_secs: float = 0.5) -> Sample:
    """Run a daemon until the target holds ``expected`` documents or stops growing."""
    start = time.monotonic()
    with log.open("wb") as out:
        proc = subprocess.Popen(launch.argv, stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, **launch.env}, cwd=launch.cwd)
    sampler = TreeSampler(proc.pid).start()
    docs, last_change, note = 0, time.monotonic(), ""
    try:
        while True:
            time.sleep(poll_secs)
            if proc.poll() is not None:
                note = f"exited early with {proc.returncode}; see {log}"
                break
            now_docs = count()
            if now_docs != docs:
                docs, last_change = now_docs, time.monotonic()
            if docs >= expected:
                break
            if time.monotonic() - last_change > stall_secs:
                note = f"stalled at {docs} of {expected} documents; see {log}"
                break
        wall = (last_change if note else time.monotonic()) - start
        sampler.sample()
    finally:
        sampler.stop()
        _terminate(proc)
    return Sample(wall, sampler.cpu_secs, sampler.peak_rss, count(), expected, None, note)


def _terminate(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after 10 s; only the process we started."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
