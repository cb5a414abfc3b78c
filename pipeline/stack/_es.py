"""One single-node Elasticsearch on 127.0.0.1, run from the integ-test-zip distribution.

Each node owns a directory (config, data, logs, tmp, pid, server.log), so several nodes
(the shared dev stack and private test nodes) run side by side on different ports. Elasticsearch
refuses to run as root: as root the node runs as the unprivileged system user ``lumberyard``,
which this module creates, and the node directory is handed over to it.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from pipeline.errors import StackError
from pipeline.stack._fetch import DEFAULT_ES_VERSION, es_home, java_home
from pipeline.stack._proc import ServerProcess, port_open

ES_USER = "lumberyard"
DROPPED_JVM_OPTIONS = ("-Xlog:", "-XX:+HeapDumpOnOutOfMemoryError", "-XX:HeapDumpPath")


class EsNode:
    """A local Elasticsearch node: start, stop, restart on the same data, extra settings."""

    def __init__(
        self,
        workdir: Path,
        http_port: int = 9200,
        transport_port: int = 9300,
        *,
        version: str = DEFAULT_ES_VERSION,
        heap_min: str = "512m",
        heap_max: str = "1g",
        settings: dict[str, Any] | None = None,
        name: str = "elasticsearch",
    ) -> None:
        self.workdir = workdir.absolute()
        self.http_port = http_port
        self.transport_port = transport_port
        self.version = version
        self.heap = (heap_min, heap_max)
        self.settings = dict(settings or {})
        self.name = name
        self.process = ServerProcess(f"Elasticsearch {name} on :{http_port}", self.workdir)

    @property
    def url(self) -> str:
        """The HTTP endpoint, e.g. ``http://127.0.0.1:9200``."""
        return f"http://127.0.0.1:{self.http_port}"

    def running(self) -> bool:
        """Whether this node's process is alive (ready or not)."""
        return self.process.pid() is not None

    def ready(self) -> bool:
        """Whether the node answers as Elasticsearch with a yellow or green cluster."""
        return es_health(self.url) in {"yellow", "green"}

    def start(self, timeout_secs: float = 180.0) -> None:
        """Start the node (no-op if already running) and wait until the cluster is yellow."""
        if not self.running():
            if port_open(self.http_port):
                raise StackError(f"port {self.http_port} is in use; cannot start {self.name}")
            self._spawn()
        self.process.wait_ready(self.ready, timeout_secs)

    def stop(self) -> bool:
        """Stop the node, keeping its data; True if it was running."""
        return self.process.stop()

    def restart(self, timeout_secs: float = 180.0) -> None:
        """Stop then start again on the same data directory and ports."""
        self.stop()
        self.start(timeout_secs)

    def peak_rss_bytes(self) -> int:
        """Peak RSS of the node's JVM so far (0 when stopped)."""
        return self.process.peak_rss_bytes()

    def _spawn(self) -> None:
        home = es_home(self.version)
        self._write_config(home)
        env = {
            "ES_PATH_CONF": str(self.workdir / "config"),
            "ES_JAVA_HOME": str(java_home()),
            # No heap pre-touch: faster start, RSS reflects use (the launcher turns it on).
            "ES_JAVA_OPTS": f"-Xms{self.heap[0]} -Xmx{self.heap[1]} -XX:-AlwaysPreTouch",
            "ES_TMPDIR": str(self.workdir / "tmp"),
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
        }
        argv = [str(home / "bin" / "elasticsearch")]
        if os.geteuid() == 0:
            _run_as_user(self.workdir, home)
            assignments = [f"{key}={value}" for key, value in env.items()]
            argv = [*_setpriv(ES_USER), "env", *assignments, *argv]
            env = {"PATH": env["PATH"]}
        self.process.spawn(argv, env)

    def _write_config(self, home: Path) -> None:
        config = self.workdir / "config"
        if not config.exists():
            shutil.copytree(home / "config", config)
        for sub in ("data", "logs", "tmp"):
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
        lines = [f"{key}: {json.dumps(value)}" for key, value in self.node_settings().items()]
        (config / "elasticsearch.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        jvm = (home / "config" / "jvm.options").read_text(encoding="utf-8").splitlines()
        kept = [line for line in jvm if not line.strip().startswith(DROPPED_JVM_OPTIONS)]
        kept.append(f"-XX:ErrorFile={self.workdir / 'logs' / 'hs_err_pid%p.log'}")
        (config / "jvm.options").write_text("\n".join(kept) + "\n", encoding="utf-8")

    def node_settings(self) -> dict[str, Any]:
        """elasticsearch.yml: a single dev node on loopback, no security, no disk watermarks."""
        base: dict[str, Any] = {
            "cluster.name": f"lumberyard-{self.name}",
            "node.name": self.name,
            "discovery.type": "single-node",
            "network.host": "127.0.0.1",
            "http.port": self.http_port,
            "transport.port": self.transport_port,
            "path.data": str(self.workdir / "data"),
            "path.logs": str(self.workdir / "logs"),
            "xpack.security.enabled": False,
            "cluster.routing.allocation.disk.threshold_enabled": False,
            "action.destructive_requires_name": False,
        }
        return base | self.settings


def es_health(url: str) -> str | None:
    """Cluster status ('green'/'yellow'/'red') if ``url`` is Elasticsearch, else None."""
    request = urllib.request.Request(f"{url}/_cluster/health?timeout=1s")  # noqa: S310 (http URL we build)
    try:
        with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310
            if response.headers.get("X-Elastic-Product") != "Elasticsearch":
                return None
            status: str = json.loads(response.read())["status"]
            return status
    except (OSError, ValueError, KeyError, urllib.error.URLError):
        return None


def _setpriv(user: str) -> list[str]:
    return ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", "--reset-env"]


def _run_as_user(workdir: Path, home: Path) -> None:
    """As root: make sure ES_USER exists, owns ``workdir`` and can reach it and ``home``."""
    _ensure_user(ES_USER)
    for path in (workdir, home):
        _check_traversable(path)
    shutil.chown(workdir, ES_USER, ES_USER)
    for child in workdir.rglob("*"):
        shutil.chown(child, ES_USER, ES_USER)


def _ensure_user(user: str) -> None:
    """Create the system user if missing (a concurrent creation by another process is fine)."""
    if _user_exists(user):
        return
    argv = ["useradd", "--system", "--user-group", "--no-create-home"]
    done = subprocess.run(
        [*argv, "--shell", "/usr/sbin/nologin", user], capture_output=True, text=True, check=False
    )
    if not _user_exists(user):
        raise StackError(f"cannot create user {user!r} to run Elasticsearch: {done.stderr.strip()}")


def _user_exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True


def es_user_can_enter(path: Path) -> bool:
    """Whether every existing ancestor of ``path`` lets other users pass (o+x)."""
    return all(p.stat().st_mode & 0o001 for p in path.parents if p.exists())


def _check_traversable(path: Path) -> None:
    for parent in path.parents:
        if not parent.stat().st_mode & 0o001:
            raise StackError(
                f"Elasticsearch runs as user {ES_USER!r} (it refuses root) but cannot enter "
                f"{parent}; put the node directory elsewhere (e.g. under /var/tmp) "
                f"or chmod o+x {parent}"
            )
