"""Lumberjack throughput and ACK latency: ``python -m bench.lumber`` (part of ``make bench``).

* **events/s**: go-lumber's ``tst-send`` (windows of 2048 events, zlib level 3, one
  connection, the next window after the ACK) against a server for ``--secs`` seconds after a
  warm-up; the rate is the growth of its ``/debug/vars`` ``ACKed`` counter. Servers: go-lumber's
  no-op ``tst-lj`` (the reference), ``lumberyard serve`` into the stand-in ``_bulk`` endpoint
  (a null output: it answers every item 201 and keeps nothing) and into a real Elasticsearch,
  with 1 and N workers.
* **ACK latency** at half the peak rate each server reached: a paced client of this module
  sends the same kind of window every ``2048 / (peak / 2)`` seconds and times send -> ACK.

The CPU-seconds of each server's process tree during the measured window are reported per
million events. Results go to ``bench/results/lumber-<date>.json``, a chart, and the
``bench:lumber`` section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import struct
import subprocess
import sys
import time
import urllib.request
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.measure import process_cpu_secs, tree_pids

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
WINDOW = 2048
COMPRESS = 3
START, END = "<!-- bench:lumber:start -->", "<!-- bench:lumber:end -->"
LOREM = ("Lorem ipsum dolor sit amet, consetetur sadipscing elitr,",
         "sed diam nonumy eirmod tempor invidunt ut labore et dolore magna aliquyam erat,",
         "sed diam voluptua. At vero eos et accusam et justo duo dolores et ea rebum. Stet",
         "clita kasd gubergren, no sea takimata sanctus est Lorem ipsum dolor sit amet.")


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as resp:
        return json.loads(resp.read())


def tree_cpu(pid: int) -> float:
    """CPU-seconds of a process and its live descendants."""
    return sum(process_cpu_secs(p) for p in tree_pids(pid))


def wait_port(port: int, proc: subprocess.Popen[bytes], secs: float = 60.0) -> None:
    """Until something accepts on 127.0.0.1:port; raise if ``proc`` died or time ran out."""
    deadline = time.monotonic() + secs
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {secs:.0f} s")


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after 30 s (only the process we started)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class Throughput:
    """One tst-send measurement."""

    events: int
    secs: float
    server_cpu_secs: float
    client_cpu_secs: float

    @property
    def events_per_sec(self) -> float:
        """ACKed events per wall-clock second."""
        return self.events / self.secs if self.secs else 0.0

    def as_dict(self) -> dict[str, float]:
        """JSON-ready, with the derived figures."""
        per_m = self.server_cpu_secs * 1e6 / self.events if self.events else 0.0
        return {"events": self.events, "secs": self.secs, "events_per_sec": self.events_per_sec,
                "server_cpu_secs": self.server_cpu_secs,
                "server_cpu_secs_per_million": per_m, "client_cpu_secs": self.client_cpu_secs}


def tst_send_rate(tst_send: Path, port: int, server_pid: int, *, warmup: float,
                  secs: float) -> Throughput:
    """Run tst-send against 127.0.0.1:port; ACKed events over ``secs`` after ``warmup``."""
    prof = free_port()
    argv = ["timeout", "--signal=KILL", str(int(warmup + secs + 60)), str(tst_send),
            "-c", f"127.0.0.1:{port}", "-batch", str(WINDOW), "-compress", str(COMPRESS),
            "-httpprof", f"127.0.0.1:{prof}"]
    client = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{prof}/debug/vars"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with suppress(OSError):
                if _get_json(url)["ACKed"] > 0:
                    break
            time.sleep(0.2)
        time.sleep(warmup)
        a0, t0 = _get_json(url)["ACKed"], time.monotonic()
        s0, c0 = tree_cpu(server_pid), tree_cpu(client.pid)
        time.sleep(secs)
        a1, t1 = _get_json(url)["ACKed"], time.monotonic()
        s1, c1 = tree_cpu(server_pid), tree_cpu(client.pid)
    finally:
        client.kill()
        client.wait()
    return Throughput(a1 - a0, t1 - t0, s1 - s0, c1 - c0)


def encode_window(events: list[bytes], level: int = COMPRESS) -> bytes:
    """A Lumberjack v2 window: ``2W`` count, then one ``2C`` block of ``2J`` frames (seq 1..n)."""
    frames = b"".join(b"2J" + struct.pack(">II", seq, len(raw)) + raw
                      for seq, raw in enumerate(events, start=1))
    block = zlib.compress(frames, level)
    return b"2W" + struct.pack(">I", len(events)) + b"2C" + struct.pack(">I", len(block)) + block


def sample_events(n: int = WINDOW) -> list[bytes]:
    """Events shaped like tst-send's (a time, a type, a lorem line, an offset), each unique."""
    now = datetime.now(UTC)
    return [json.dumps({"@timestamp": now.isoformat(), "type": "filebeat",
                        "message": f"{LOREM[i % len(LOREM)]} #{i}", "offset": 1000 + i},
                       separators=(",", ":")).encode() for i in range(n)]


def _await_ack(sock: socket.socket, last_seq: int, buf: bytearray) -> None:
    """Read ACK frames until one carries ``last_seq`` (earlier ones are keepalives)."""
    while True:
        while len(buf) >= 6:
            frame, rest = bytes(buf[:6]), buf[6:]
            buf[:] = rest
            if frame[:2] != b"2A":
                raise RuntimeError(f"unexpected frame {frame!r} from the server")
            if struct.unpack(">I", frame[2:])[0] == last_seq:
                return
        chunk = sock.recv(4096)
        if not chunk:
            raise RuntimeError("the server closed the connection")
        buf += chunk


def ack_latency(port: int, rate: float, secs: float) -> dict[str, float]:
    """Windows of 2048 at ``rate`` events/s for ``secs``: send -> ACK latency p50/p99 (ms)."""
    window = encode_window(sample_events())
    interval = WINDOW / rate
    latencies: list[float] = []
    buf = bytearray()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        start = time.monotonic()
        n = 0
        while time.monotonic() - start < secs:
            due = start + n * interval
            if (pause := due - time.monotonic()) > 0:
                time.sleep(pause)
            sent = time.monotonic()
            sock.sendall(window)
            _await_ack(sock, WINDOW, buf)
            latencies.append((time.monotonic() - sent) * 1000)
            n += 1
        elapsed = time.monotonic() - start
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {"target_events_per_sec": rate, "achieved_events_per_sec": n * WINDOW / elapsed,
            "windows": n, "p50_ms": cuts[49], "p99_ms": cuts[98], "max_ms": max(latencies)}


@contextmanager
def running(argv: list[str], port: int, log: Path, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """A server started from ``argv``, listening on ``port``, stopped at the end."""
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=cwd,
                                env={**os.environ, **(env or {})}, start_new_session=True)
    try:
        wait_port(port, proc)
        yield proc
    finally:
        stop(proc)


@dataclass
class Target:
    """A server under measurement: how to start it on a port."""

    name: str
    argv: list[str]
    env: dict[str, str] | None = None
    cwd: Path | None = None
    """Where it runs: the snapshot measured, for a ``python -c`` to import it (not the tree)."""


def measure_target(target: Target, tst_send: Path, workdir: Path, *, warmup: float,
                   secs: float) -> dict[str, Any]:
    """Peak events/s with tst-send, then ACK latency at half that rate, on fresh servers."""
    row: dict[str, Any] = {"name": target.name}
    for phase in ("peak", "latency"):
        port = free_port()
        argv = [a.replace("{port}", str(port)) for a in target.argv]
        log = workdir / f"{target.name}-{phase}.log"
        with running(argv, port, log, target.env, target.cwd) as proc:
            if phase == "peak":
                row["peak"] = tst_send_rate(tst_send, port, proc.pid, warmup=warmup,
                                            secs=secs).as_dict()
            else:
                half = row["peak"]["events_per_sec"] / 2
                row["latency"] = ack_latency(port, half, secs) if half > 0 else {}
    print(f"  {target.name:24s} {row['peak']['events_per_sec']:>10,.0f} events/s  "
          f"server {row['peak']['server_cpu_secs_per_million']:6.1f} cpu-s/1M  ACK p50 "
          f"{row['latency'].get('p50_ms', 0):6.1f} ms p99 {row['latency'].get('p99_ms', 0):6.1f}"
          f" ms at {row['latency'].get('achieved_events_per_sec', 0):,.0f} events/s", flush=True)
    return row


def main(argv: list[str] | None = None) -> int:
    """Measure every target this machine can run; write results, chart and BENCHMARKS.md."""
    from bench.lumber_targets import lumber_targets

    p = argparse.ArgumentParser(prog="python -m bench.lumber", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--secs", type=float, default=15.0, help="measured seconds per phase")
    p.add_argument("--warmup", type=float, default=3.0)
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="N of 'N workers'")
    p.add_argument("--targets", default="", help="comma-separated names (default: all)")
    p.add_argument("--es-url", help="Elasticsearch for the serve-es targets (default: private)")
    p.add_argument("--lumberyard-rev", default="HEAD",
                   help="commit of lumberyard to measure, or 'worktree' (default HEAD)")
    p.add_argument("--publish", action="store_true", help="update BENCHMARKS.md")
    p.add_argument("--out", type=Path, default=RESULTS)
    p.add_argument("--workdir", type=Path, default=Path("/var/tmp/lumberyard-bench/lumber"))
    a = p.parse_args(argv)
    a.workdir.mkdir(parents=True, exist_ok=True)
    from bench.lumber_report import write
    from bench.peers import lumberyard
    from bench.run import snapshot

    lumberyard.SOURCE, commit = snapshot(a.lumberyard_rev, a.workdir.parent)
    print(f"lumberyard: {commit}", flush=True)

    with lumber_targets(a.workdir, a.workers, a.es_url) as (tst_send, targets, skipped):
        wanted = set(filter(None, a.targets.split(",")))
        rows = []
        for name, reason in skipped.items():
            print(f"  skipping {name}: {reason}", flush=True)
        for target in targets:
            if not wanted or target.name in wanted:
                rows.append(measure_target(target, tst_send, a.workdir, warmup=a.warmup,
                                           secs=a.secs))
    results = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "secs": a.secs,
               "warmup": a.warmup, "window": WINDOW, "compress": COMPRESS,
               "workers": a.workers, "cores": os.cpu_count(), "load_avg": os.getloadavg(),
               "rows": rows, "skipped": skipped, "lumberyard_commit": commit,
               "argv": sys.argv}
    for path in write(results, a.out, ROOT / "BENCHMARKS.md" if a.publish else None):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
