"""The shared local stack: one Elasticsearch and one Kafka, started and stopped together.

Servers and their data live under a state directory (``.stack/`` of the working directory
by default), so ``up`` in one process and ``down`` or ``status`` in another find the same
servers. When ``ES_URL`` / ``KAFKA_BOOTSTRAP`` are set, nothing is provisioned: those are used.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field

from pipeline.stack._es import EsNode, es_health, es_user_can_enter
from pipeline.stack._fetch import DEFAULT_ES_VERSION, DEFAULT_KAFKA_VERSION, es_home, kafka_libs
from pipeline.stack._kafka import KafkaBroker, kafka_answers


class StackConfig(BaseModel):
    """Ports, versions, heaps and directory of the local stack (env LUMBERYARD_<NAME>)."""

    state_dir: Path = Field(Path(".stack"), description="Server dirs, data and logs.")
    es_version: str = Field(DEFAULT_ES_VERSION, description="Elasticsearch version.")
    es_port: int = Field(9200, description="Elasticsearch HTTP port.")
    es_transport_port: int = Field(9300, description="Elasticsearch transport port.")
    es_heap_max: str = Field("1g", description="Elasticsearch -Xmx (-Xms is 512m).")
    kafka_version: str = Field(DEFAULT_KAFKA_VERSION, description="Kafka version.")
    kafka_port: int = Field(9092, description="Kafka client listener port.")
    kafka_controller_port: int = Field(9093, description="Kafka KRaft controller port.")
    kafka_heap_max: str = Field("512m", description="Kafka -Xmx.")
    timeout_secs: float = Field(240.0, description="How long to wait for readiness.")

    @classmethod
    def from_env(cls) -> StackConfig:
        """Defaults overridden by LUMBERYARD_STATE_DIR, LUMBERYARD_ES_PORT, ... variables."""
        values = {
            name: os.environ[f"LUMBERYARD_{name.upper()}"]
            for name in cls.model_fields
            if f"LUMBERYARD_{name.upper()}" in os.environ
        }
        return cls.model_validate(values)


@dataclass
class Endpoints:
    """Where the servers are, and whether this process started them."""

    es_url: str
    kafka_bootstrap: str
    provisioned: bool = False
    started: list[str] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        """The environment variables that point lumberyard (and its tests) at these servers."""
        return {"ES_URL": self.es_url, "KAFKA_BOOTSTRAP": self.kafka_bootstrap}


def external_endpoints() -> Endpoints | None:
    """Endpoints from ES_URL and KAFKA_BOOTSTRAP when both are set, else None."""
    es_url, bootstrap = os.environ.get("ES_URL"), os.environ.get("KAFKA_BOOTSTRAP")
    if es_url and bootstrap:
        return Endpoints(es_url.rstrip("/"), bootstrap)
    return None


class Stack:
    """The local Elasticsearch + Kafka pair under ``config.state_dir``."""

    def __init__(self, config: StackConfig | None = None) -> None:
        self.config = config or StackConfig.from_env()
        cfg = self.config
        root = cfg.state_dir.absolute()
        self.es = EsNode(
            _es_dir(root),
            cfg.es_port,
            cfg.es_transport_port,
            version=cfg.es_version,
            heap_max=cfg.es_heap_max,
            name="dev",
        )
        self.kafka = KafkaBroker(
            root / "kafka",
            cfg.kafka_port,
            cfg.kafka_controller_port,
            version=cfg.kafka_version,
            heap=cfg.kafka_heap_max,
            name="dev",
        )

    def endpoints(self, started: list[str] | None = None) -> Endpoints:
        """This stack's endpoints."""
        return Endpoints(self.es.url, self.kafka.bootstrap, provisioned=True, started=started or [])

    def servers(self) -> dict[str, EsNode | KafkaBroker]:
        """The servers by name."""
        return {"elasticsearch": self.es, "kafka": self.kafka}

    def provision(self) -> None:
        """Fetch every artifact (no-op when cached)."""
        kafka_libs(self.config.kafka_version)
        es_home(self.config.es_version)

    def up(self) -> Endpoints:
        """Start whatever is not running yet (both in parallel) and wait until both are ready.

        If either fails, the servers this call started are stopped again before raising.
        """
        with self._locked():
            self.provision()
            todo = [n for n, s in self.servers().items() if not s.running()]
            try:
                self._start_all()
            except BaseException:
                for name in todo:  # leave nothing half-up behind a failed start
                    self.servers()[name].stop()
                raise
        return self.endpoints(todo)

    def _start_all(self) -> None:
        with ThreadPoolExecutor(max_workers=2) as pool:
            timeout = self.config.timeout_secs
            futures = [pool.submit(s.start, timeout) for s in self.servers().values()]
            for future in futures:
                future.result()

    def down(self) -> list[str]:
        """Stop both servers (data is kept); returns what was running."""
        with self._locked():
            return [name for name, server in reversed(self.servers().items()) if server.stop()]

    def status(self) -> dict[str, str]:
        """One line per server: running/ready state and endpoint."""
        es_state = es_health(self.es.url) or ("starting" if self.es.running() else "down")
        kafka_ready = self.kafka.running() and kafka_answers(self.kafka.bootstrap)
        kafka_state = "ready" if kafka_ready else ("starting" if self.kafka.running() else "down")
        return {
            "elasticsearch": f"{es_state} {self.es.url} (version {self.config.es_version})",
            "kafka": f"{kafka_state} {self.kafka.bootstrap} (version {self.config.kafka_version})",
        }

    def peak_rss_bytes(self) -> dict[str, int]:
        """Peak RSS of each server's JVM so far."""
        return {"elasticsearch": self.es.peak_rss_bytes(), "kafka": self.kafka.peak_rss_bytes()}

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialise up/down between processes sharing the state dir (e.g. two test runs)."""
        root = self.config.state_dir.absolute()
        root.mkdir(parents=True, exist_ok=True)
        root.chmod(0o755)
        with (root / ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _es_dir(state_dir: Path) -> Path:
    """The ES node dir: in the state dir, unless root runs us where ES_USER cannot enter
    (a checkout under /root): then a fixed place under /var/lib derived from the state dir."""
    wanted = state_dir / "elasticsearch"
    if os.geteuid() != 0 or es_user_can_enter(wanted):
        return wanted
    digest = hashlib.sha256(str(state_dir).encode()).hexdigest()[:12]
    return Path("/var/lib/lumberyard") / f"stack-{digest}" / "elasticsearch"


def timed_up(stack: Stack) -> tuple[Endpoints, float]:
    """``stack.up()`` and how long it took in seconds."""
    began = time.monotonic()
    endpoints = stack.up()
    return endpoints, time.monotonic() - began
