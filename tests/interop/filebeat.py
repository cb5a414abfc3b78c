"""The genuine Filebeat as a subprocess: a private home, a generated filebeat.yml, stop/kill.

Filebeat reads its config from an absolute ``-c`` path and, since the test files are owned by
whoever runs the tests, runs with ``--strict.perms=false``. Its registry lives in the private
``data`` directory, so a restarted Filebeat resumes where it stopped.
"""

from __future__ import annotations

import json
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STOP_SECS = 30.0


@dataclass
class Filebeat:
    """One Filebeat tailing ``paths`` and shipping to Logstash-protocol ``hosts``."""

    binary: Path
    home: Path
    paths: list[Path]
    hosts: list[str]
    fields: dict[str, str] = field(default_factory=dict)
    ca: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> Path:
        """Filebeat's own log (stderr, ``-e``)."""
        return self.home / "filebeat.log"

    def config(self) -> dict[str, Any]:
        """filebeat.yml as a dict (JSON is YAML, so it is written as JSON)."""
        output: dict[str, Any] = {
            "hosts": self.hosts,
            "bulk_max_size": 512,
            "timeout": 30,
            "backoff.init": "250ms",
            "backoff.max": "2s",
        }
        if self.ca is not None:
            output["ssl.certificate_authorities"] = [str(self.ca)]
            output["ssl.verification_mode"] = "full"
        return {
            "filebeat.inputs": [
                {
                    "type": "log",
                    "paths": [str(p) for p in self.paths],
                    "fields": self.fields,
                    "scan_frequency": "1s",
                }
            ],
            "filebeat.registry.flush": "0s",
            "queue.mem": {"events": 4096, "flush.min_events": 512, "flush.timeout": "100ms"},
            "output.logstash": output,
            "logging.level": "info",
            "logging.metrics.enabled": False,
            "http.enabled": False,
            **self.extra,
        }

    def start(self) -> Filebeat:
        """Write the config and start Filebeat in the background (its stderr to :attr:`log`)."""
        self.home.mkdir(parents=True, exist_ok=True)
        cfg = self.home / "filebeat.yml"
        cfg.write_text(json.dumps(self.config(), indent=2), encoding="utf-8")
        argv = [
            str(self.binary), "-e", "-c", str(cfg.resolve()), "--strict.perms=false",
            "--path.home", str(self.home), "--path.data", str(self.home / "data"),
            "--path.logs", str(self.home / "logs"),
        ]  # fmt: skip
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
        return self

    def stop(self) -> None:
        """SIGTERM (Filebeat flushes its registry), SIGKILL if it lingers."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(STOP_SECS)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def log_tail(self, lines: int = 30) -> str:
        """The end of Filebeat's log, for assertion messages."""
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])
