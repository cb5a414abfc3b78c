"""``lumberyard serve`` as a subprocess on a free 127.0.0.1 port: start, kill -9, restart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.stack import free_port, port_open

MAIN = "import sys; sys.argv[0] = 'lumberyard'; from pipeline.cli import main; main()"
START_SECS = 120.0
STOP_SECS = 60.0


@dataclass
class Serve:
    """One ``lumberyard serve`` with the Beats input on ``port``, writing to ``es_url``."""

    workdir: Path
    es_url: str
    index_prefix: str
    tls: tuple[Path, Path] | None = None
    """(certificate, key) for a TLS Beats port."""
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> Path:
        """Where serve's output goes (appended across restarts)."""
        return self.workdir / "serve.log"

    def config(self) -> str:
        """lumberyard.toml: the Beats input on 127.0.0.1:port (TLS if given), the ES and index."""
        lines = [
            "[elasticsearch]", f"url = {json.dumps(self.es_url)}", "",
            "[enrich]", f"index_prefix = {json.dumps(self.index_prefix)}", "",
            "[inputs.beats]", 'host = "127.0.0.1"', f"port = {self.port}", "",
        ]  # fmt: skip
        if self.tls is not None:
            lines += ["[inputs.beats.tls]", f"certificate = {json.dumps(str(self.tls[0]))}",
                      f"key = {json.dumps(str(self.tls[1]))}", ""]  # fmt: skip
        return "\n".join(lines)

    def argv(self) -> list[str]:
        """The command line: the installed console script's code under this interpreter."""
        cfg = self.workdir / "lumberyard.toml"
        cfg.write_text(self.config(), encoding="utf-8")
        return [sys.executable, "-c", MAIN, "serve", "--config", str(cfg), "--workers", "1",
                "--data-dir", str(self.workdir / "data"),
                "--http-port", str(free_port())]  # never the shared default 9600; fmt: skip

    def start(self) -> Serve:
        """Start and wait until the Beats port accepts connections."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                self.argv(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + START_SECS
        while not port_open(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"lumberyard serve did not start:\n{self.log_tail()}")
            time.sleep(0.1)
        return self

    def kill9(self) -> None:
        """SIGKILL the whole process group (workers included): nothing is drained."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> int | None:
        """SIGTERM (drain), SIGKILL if it has not exited after STOP_SECS; the exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(STOP_SECS)
        except subprocess.TimeoutExpired:
            self.kill9()
            return None

    def log_tail(self, lines: int = 40) -> str:
        """The end of serve's log, for assertion messages."""
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])
