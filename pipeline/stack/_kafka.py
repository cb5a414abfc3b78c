"""One Kafka 4 broker in KRaft mode (combined broker + controller) on 127.0.0.1.

The broker runs from the jars fetched by :mod:`pipeline.stack._fetch`; its directory holds
server.properties, the log4j2 config, the data (formatted once with ``kafka.tools.StorageTool``)
and server.log. Only WARN and above is logged so the log tail in errors stays readable.
"""

from __future__ import annotations

import base64
import subprocess
import uuid
from pathlib import Path
from typing import Any

from pipeline.errors import StackError
from pipeline.stack._fetch import DEFAULT_KAFKA_VERSION, java_home, kafka_libs
from pipeline.stack._proc import ServerProcess, port_open

LOG4J2 = """\
status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stdout.ref = STDOUT
logger.started.name = kafka.server.KafkaRaftServer
logger.started.level = INFO
"""


class KafkaBroker:
    """A local single-node Kafka: format once, start, stop, restart on the same data."""

    def __init__(
        self,
        workdir: Path,
        port: int = 9092,
        controller_port: int = 9093,
        *,
        version: str = DEFAULT_KAFKA_VERSION,
        heap: str = "512m",
        properties: dict[str, Any] | None = None,
        name: str = "kafka",
    ) -> None:
        self.workdir = workdir.absolute()
        self.port = port
        self.controller_port = controller_port
        self.version = version
        self.heap = heap
        self.properties = dict(properties or {})
        self.name = name
        self.process = ServerProcess(f"Kafka {name} on :{port}", self.workdir)

    @property
    def bootstrap(self) -> str:
        """The bootstrap address, e.g. ``127.0.0.1:9092``."""
        return f"127.0.0.1:{self.port}"

    def running(self) -> bool:
        """Whether the broker's process is alive (ready or not)."""
        return self.process.pid() is not None

    def ready(self) -> bool:
        """Whether the broker answers a metadata request."""
        return port_open(self.port) and kafka_answers(self.bootstrap)

    def start(self, timeout_secs: float = 120.0) -> None:
        """Start the broker (no-op if already running) and wait until it serves metadata."""
        if not self.running():
            if port_open(self.port) or port_open(self.controller_port):
                raise StackError(
                    f"port {self.port} or {self.controller_port} is already in use; "
                    f"cannot start {self.name}"
                )
            self._spawn()
        self.process.wait_ready(self.ready, timeout_secs)

    def stop(self) -> bool:
        """Stop the broker, keeping its data; True if it was running."""
        return self.process.stop()

    def restart(self, timeout_secs: float = 120.0) -> None:
        """Stop then start again on the same data directory and ports."""
        self.stop()
        self.start(timeout_secs)

    def peak_rss_bytes(self) -> int:
        """Peak RSS of the broker's JVM so far (0 when stopped)."""
        return self.process.peak_rss_bytes()

    def server_properties(self) -> dict[str, Any]:
        """server.properties: KRaft combined mode, replication factor 1 everywhere."""
        base: dict[str, Any] = {
            "process.roles": "broker,controller",
            "node.id": 1,
            "controller.quorum.voters": f"1@127.0.0.1:{self.controller_port}",
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(self.workdir / "data"),
            "num.partitions": 1,
            "auto.create.topics.enable": "true",
            "offsets.topic.replication.factor": 1,
            "offsets.topic.num.partitions": 10,
            "transaction.state.log.replication.factor": 1,
            "transaction.state.log.min.isr": 1,
            "share.coordinator.state.topic.replication.factor": 1,
            "share.coordinator.state.topic.min.isr": 1,
            "group.initial.rebalance.delay.ms": 0,
        }
        return base | self.properties

    def _java(self, main: str, *args: str, heap: str) -> list[str]:
        return [
            str(java_home() / "bin" / "java"),
            "-Xms128m",
            f"-Xmx{heap}",
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self.workdir / 'log4j2.properties'}",
            "-cp",
            f"{kafka_libs(self.version)}/*",
            main,
            *args,
        ]

    def _spawn(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        config = self.workdir / "server.properties"
        lines = [f"{key}={value}" for key, value in self.server_properties().items()]
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        (self.workdir / "log4j2.properties").write_text(LOG4J2, encoding="utf-8")
        if not (self.workdir / "data" / "meta.properties").exists():
            self._format(config)
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
        self.process.spawn(self._java("kafka.Kafka", str(config), heap=self.heap), env)

    def _format(self, config: Path) -> None:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        argv = self._java(
            "kafka.tools.StorageTool",
            "format",
            "--config",
            str(config),
            f"--cluster-id={cluster_id}",  # one argument: a urlsafe id may start with '-'
            "--ignore-formatted",
            heap="256m",
        )
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            output = done.stdout + done.stderr
            raise StackError(f"formatting Kafka storage in {self.workdir} failed:\n{output}")


def kafka_answers(bootstrap: str) -> bool:
    """Whether a Kafka broker at ``bootstrap`` serves a metadata request (lists topics)."""
    from kafka import KafkaAdminClient  # noqa: PLC0415 (kafka-python is slow to import)
    from kafka.errors import KafkaError  # noqa: PLC0415

    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
    except (KafkaError, OSError, ValueError):
        return False
    try:
        admin.list_topics()
    except (KafkaError, OSError):
        return False
    finally:
        admin.close()
    return True
