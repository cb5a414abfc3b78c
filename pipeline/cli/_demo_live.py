"""The live half of ``lumberyard demo``: what runs in the background until Ctrl-C.

- ``lumberyard serve`` (Beats on a free 127.0.0.1 port, the Kafka input on the demo topic);
- a genuine Filebeat (the one the interop tests build, cached) tailing application logs that a
  writer thread keeps appending to, one file per service, ``fields.service`` and
  ``fields.environment`` set per file in filebeat.yml, as an operator would;
- the writer itself: JSON business events, bracketed lines and now and then a stack trace,
  stamped with the current time.

Everything started here is stopped by :meth:`LiveFlow.stop`, serve last, with SIGTERM so it
drains (acknowledges what it holds) before it exits.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipeline.errors import LumberyardError

SERVICES = ("auth-service", "payment-service", "search-service")
ENVIRONMENT = "live-demo"
LINES_PER_SEC = 40
START_SECS = 120.0
STOP_SECS = 60.0
_LUMBERYARD = str(Path(sys.executable).with_name("lumberyard"))


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sample_lines(service: str, rng: random.Random, *, trace: bool = False) -> list[str]:
    """One burst of what ``service`` logs: a JSON event, a bracketed line, and a stack trace
    when ``trace`` (or now and then)."""
    event = rng.choice(("user_signup", "order_placed", "payment_captured", "search"))
    lines = [
        json.dumps({
            "level": "info", "message": "Business Event", "timestamp": _stamp(),
            "type": "business_event", "event": event,
            "data": {"userId": f"u-{rng.randrange(1000)}", "amount": rng.randrange(1, 500)},
        }),
        f"[{_stamp()}] INFO {service} handled request in {rng.randrange(2, 90)} ms",
    ]  # fmt: skip
    if trace or rng.random() < 0.1:
        lines += [
            f"[{_stamp()}] ERROR payment declined for order {rng.randrange(10_000)}",
            "java.lang.IllegalStateException: card expired",
            "    at com.example.pay.Charge.run(Charge.java:42)",
            "    at com.example.pay.Worker.loop(Worker.java:17)",
        ]
    return lines


class LogWriter(threading.Thread):
    """Appends sample lines to one file per service until :meth:`stop` (a daemon thread)."""

    def __init__(self, directory: Path, lines_per_sec: int = LINES_PER_SEC) -> None:
        super().__init__(name="demo-log-writer", daemon=True)
        directory.mkdir(parents=True, exist_ok=True)
        self.paths = {service: directory / f"{service}.log" for service in SERVICES}
        self.written = 0
        self._interval = len(SERVICES) * 2 / lines_per_sec
        self._stopped = threading.Event()
        self._rng = random.Random(7)  # noqa: S311 -- sample data, not cryptography

    def run(self) -> None:
        while not self._stopped.wait(self._interval):
            first_burst = self.written == 0  # every file starts with a stack trace
            for service, path in self.paths.items():
                lines = sample_lines(service, self._rng, trace=first_burst)
                with path.open("a", encoding="utf-8") as out:
                    out.write("".join(f"{line}\n" for line in lines))
                self.written += len(lines)

    def stop(self) -> None:
        self._stopped.set()
        self.join(timeout=5)


def filebeat_config(writer: LogWriter, beats_port: int, data: Path) -> dict[str, object]:
    """filebeat.yml (as JSON, which is YAML): one log input per service file -> serve."""
    inputs = [
        {
            "type": "log", "paths": [str(path)], "scan_frequency": "1s",
            "fields": {"service": service, "environment": ENVIRONMENT},
            # Filebeat joins stack traces itself (Beats events arrive whole): every line that
            # does not start with '[' or '{' continues the event before it.
            "multiline.pattern": r"^[\[{]", "multiline.negate": True, "multiline.match": "after",
        }
        for service, path in writer.paths.items()
    ]  # fmt: skip
    return {
        "filebeat.inputs": inputs,
        "output.logstash": {"hosts": [f"127.0.0.1:{beats_port}"]},
        "path.data": str(data),
        "logging.metrics.enabled": False,
        "http.enabled": False,
    }


@dataclass
class LiveFlow:
    """The background processes of the demo and where their logs go."""

    workdir: Path
    http_port: int = 0
    """serve's /metrics and /health port (0 until serve is started)."""
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    writer: LogWriter | None = None

    def log(self, name: str) -> Path:
        """Where process ``name`` writes its output."""
        return self.workdir / f"{name}.log"

    def start(self, name: str, argv: list[str], *, ready_port: int | None = None) -> None:
        """Start ``argv`` in the background; wait until ``ready_port`` accepts, if given."""
        from pipeline.stack import port_open  # noqa: PLC0415 - demo only

        self.workdir.mkdir(parents=True, exist_ok=True)
        with self.log(name).open("ab") as out:
            proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
        self.procs[name] = proc
        deadline = time.monotonic() + START_SECS
        while ready_port is not None and not port_open(ready_port):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise LumberyardError(f"{name} did not start; its log:\n{self.tail(name)}")
            time.sleep(0.2)

    def start_serve(self, options: list[str], beats_port: int) -> None:
        """``lumberyard serve`` with the given options, waiting for its Beats port."""
        self.start("serve", [_LUMBERYARD, "serve", *options], ready_port=beats_port)

    def start_filebeat(self, binary: Path, beats_port: int) -> None:
        """The log writer, then Filebeat tailing its files into serve's Beats port."""
        self.writer = LogWriter(self.workdir / "logs")
        self.writer.start()
        home = self.workdir / "filebeat"
        home.mkdir(parents=True, exist_ok=True)
        cfg = home / "filebeat.yml"
        config = filebeat_config(self.writer, beats_port, home / "data")
        cfg.write_text(json.dumps(config, indent=2), encoding="utf-8")
        argv = [str(binary), "-e", "-c", str(cfg.resolve()), "--strict.perms=false",
                "--path.home", str(home)]  # fmt: skip
        self.start("filebeat", argv)

    def tail(self, name: str, lines: int = 20) -> str:
        """The end of a process's log, for error messages."""
        path = self.log(name)
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> list[str]:
        """Stop the writer, then Filebeat, then serve (SIGTERM: it drains); returns problems."""
        if self.writer is not None:
            self.writer.stop()
        problems = []
        for name in ("filebeat", "serve"):
            proc = self.procs.pop(name, None)
            if proc is None or proc.poll() is not None:
                continue
            proc.send_signal(signal.SIGTERM)
            try:
                status = proc.wait(STOP_SECS)
            except subprocess.TimeoutExpired:
                proc.kill()
                status = proc.wait()
            if name == "serve" and status != 0:
                problems.append(f"serve exited with {status}; its log: {self.log(name)}")
        return problems
