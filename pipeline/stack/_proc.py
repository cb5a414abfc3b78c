"""Run one server (a JVM) in the background and find it again later by its pid file.

A server is started in its own session so that stopping it signals the whole process group
(Elasticsearch's launcher forks the real JVM). The pid file lives in the server's own
directory with the process's start time; a pid is trusted only while ``/proc/<pid>/stat``
shows that same start time, so a recycled pid is never signalled.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing, suppress
from pathlib import Path

from pipeline.errors import StackError

LOG_TAIL_LINES = 40
# Servers this process spawned, kept referenced so they can be reaped (no zombies, no
# "subprocess still running" ResourceWarning when a Popen object is collected).
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something accepts TCP connections on host:port."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last lines of a log file, for error messages ('' if it does not exist)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def _stat(pid: int) -> list[str]:
    """Fields of /proc/<pid>/stat after the command name (state first), [] if gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _start_time(pid: int) -> str:
    """The process start time in clock ticks since boot ('' if gone): pid + this is unique."""
    fields = _stat(pid)
    return fields[19] if len(fields) > 19 else ""


def _alive(pid: int) -> bool:
    """Whether pid exists and is not a zombie (reaping it if it is our own child)."""
    fields = _stat(pid)
    if not fields:
        return False
    if fields[0] == "Z":
        # A multi-threaded process shows Z while its other threads still exit: only a
        # reaped child of ours is really gone.
        child = _CHILDREN.get(pid)
        if child is None:
            return False
        if child.poll() is None:
            return True
        del _CHILDREN[pid]
        return False
    return True


def peak_rss_bytes(pid: int) -> int | None:
    """Peak resident set size (VmHWM) of a process, or None if it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return None


class ServerProcess:
    """A background server whose pid, log and identity live in ``workdir``."""

    def __init__(self, name: str, workdir: Path, log_name: str = "server.log") -> None:
        self.name = name
        self.workdir = workdir
        self.pid_file = workdir / "pid"
        self.log_file = workdir / log_name

    def spawn(self, argv: Sequence[str], env: Mapping[str, str], cwd: Path | None = None) -> int:
        """Start argv detached (own session), output appended to the log; returns the pid."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            proc = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=cwd or self.workdir,
                env=dict(env),
                start_new_session=True,
            )
        _CHILDREN[proc.pid] = proc
        self.pid_file.write_text(f"{proc.pid} {_start_time(proc.pid)}\n", encoding="ascii")
        return proc.pid

    def pid(self) -> int | None:
        """The live pid of this server, or None (stale pid files are removed)."""
        try:
            pid_text, started = self.pid_file.read_text(encoding="ascii").split()
            pid = int(pid_text)
        except (OSError, ValueError):
            return None
        if _alive(pid) and _start_time(pid) == started:
            return pid
        self.pid_file.unlink(missing_ok=True)
        return None

    def group_pids(self) -> list[int]:
        """Every live process of this server's process group (the launcher and its JVM)."""
        pgid = self.pid()
        if pgid is None:
            return []
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with suppress(OSError):
                    if os.getpgid(int(entry.name)) == pgid and _alive(int(entry.name)):
                        pids.append(int(entry.name))
        return pids

    def peak_rss_bytes(self) -> int:
        """Largest peak RSS among the group's processes (the JVM), 0 when not running."""
        return max((peak_rss_bytes(p) or 0 for p in self.group_pids()), default=0)

    def wait_ready(self, ready: Callable[[], bool], timeout_secs: float) -> None:
        """Poll ``ready`` until true; raise StackError with the log tail on death or timeout."""
        deadline = time.monotonic() + timeout_secs
        while time.monotonic() < deadline:
            if self.pid() is None:
                raise self._failure("exited during startup")
            if ready():
                return
            time.sleep(0.5)
        raise self._failure(f"not ready after {timeout_secs:.0f} s")

    def stop(self, grace_secs: float = 30.0) -> bool:
        """SIGTERM the process group, SIGKILL after ``grace_secs``; True if it was running."""
        pid = self.pid()
        if pid is None:
            return False
        self._signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_secs
        while self.group_pids() and time.monotonic() < deadline:
            time.sleep(0.2)
        if self.group_pids():
            self._signal_group(pid, signal.SIGKILL)
            while self.group_pids():
                time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)
        child = _CHILDREN.pop(pid, None)
        if child is not None:
            child.wait(timeout=5)
        return True

    def _signal_group(self, pgid: int, sig: signal.Signals) -> None:
        with suppress(ProcessLookupError):
            os.killpg(pgid, sig)

    def _failure(self, what: str) -> StackError:
        tail = log_tail(self.log_file)
        return StackError(f"{self.name} {what}; log {self.log_file} ends with:\n{tail}")
