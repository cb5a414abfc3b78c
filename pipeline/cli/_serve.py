"""``lumberyard serve``: the live inputs (Beats on :5044 by default) into Elasticsearch.

Runs until SIGTERM/SIGINT, then drains: inputs stop accepting, what was read is delivered and
acknowledged, and the process exits 0 within ``--drain-timeout-secs`` (else non-zero, naming
what was left unacknowledged; its sources send it again).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipeline.cli.common import (
    DATA_DIR_DEFAULT,
    DEFAULT_HTTP_HOST,
    DEFAULT_HTTP_PORT,
    DataDir,
    EsApiKey,
    EsCa,
    EsPassword,
    EsPasswordFile,
    EsUser,
    HttpHost,
    HttpPort,
    NoHttp,
)

if TYPE_CHECKING:
    from pipeline.config import LumberyardConfig

CORES = os.cpu_count() or 1
DEFAULT_DRAIN_TIMEOUT_SECS = 30.0
"""``pipeline.runtime._runtime.DEFAULT_DRAIN_TIMEOUT_SECS``, written out so that building the
command line imports no runtime (a test keeps the two equal)."""

ConfigPath = Annotated[
    Path | None, typer.Option("--config", envvar="LUMBERYARD_CONFIG", help="Config file.")
]
ServeEsUrl = Annotated[
    str | None,
    typer.Option("--es-url", envvar=["LUMBERYARD_ELASTICSEARCH_URL", "ES_URL"],
                 help="Elasticsearch URL (default: [elasticsearch] url of the config)."),
]
IndexPrefix = Annotated[
    str | None,
    typer.Option("--index-prefix", help="Daily index prefix (default: [enrich] index_prefix)."),
]
BeatsHost = Annotated[
    str | None,
    typer.Option("--beats-host", help="Beats listen address (default 0.0.0.0, or "
                 "[inputs.beats] host)."),
]
BeatsPort = Annotated[
    int | None,
    typer.Option("--beats-port", min=0, max=65535,
                 help="Beats listen port (default 5044, or [inputs.beats] port)."),
]
NoBeats = Annotated[
    bool, typer.Option("--no-beats", help="Do not run the Beats input ([inputs.beats] enabled).")
]
Workers = Annotated[
    int,
    typer.Option("--workers", min=1,
                 help="Processes sharing the Beats port (SO_REUSEPORT); default: one per core."),
]
DrainTimeout = Annotated[
    float,
    typer.Option("--drain-timeout-secs", min=0.0,
                 help="On SIGTERM/SIGINT, how long to wait for in-flight events to be "
                 "acknowledged before exiting non-zero."),
]
Kafka = Annotated[
    bool, typer.Option("--kafka", help="Run the Kafka input ([inputs.kafka] enabled).")
]
KafkaBootstrap = Annotated[
    str | None,
    typer.Option("--kafka-bootstrap",
                 help="Kafka host:port list (default: [inputs.kafka], else [kafka] "
                 "bootstrap_servers, env KAFKA_BOOTSTRAP, else 127.0.0.1:9092)."),
]
KafkaTopic = Annotated[
    list[str] | None,
    typer.Option("--kafka-topic",
                 help="Topic to consume (repeatable; default logs-raw). A value with a "
                 "character no topic name has (e.g. '^logs-.*') is a pattern."),
]
BeatsToKafka = Annotated[
    str | None,
    typer.Option("--beats-to-kafka", metavar="TOPIC",
                 help="Publish what the Beats input receives to this Kafka topic (idempotent, "
                 "acks=all; a window is ACKed once Kafka has it) instead of indexing it; "
                 "`serve --kafka` workers index the topic."),
]
KafkaGroup = Annotated[
    str | None,
    typer.Option("--kafka-group", help="Consumer group (default lumberyard); every worker and "
                 "every machine with the same group splits the partitions."),
]
NoSetup = Annotated[
    bool,
    typer.Option("--no-setup", help="Do not check (and install when missing) the index template "
                 "at start."),
]


def _overridden(config: LumberyardConfig, options: dict[str, Any]) -> LumberyardConfig:
    """The config with the options given on the command line over it (``None`` = not given)."""
    given = {k: v for k, v in options.items() if v is not None}
    es: dict[str, Any] = {k: given[k] for k in ("url", "api_key", "user", "password", "ca")
                          if k in given}
    if "password_file" in given:
        es["password"] = Path(given["password_file"]).read_text(encoding="utf-8").strip()
    beats: dict[str, Any] = {k: given[k] for k in ("host", "port") if k in given}
    if given.get("no_beats"):
        beats["enabled"] = False
    if given.get("workers", 1) > 1:
        beats["reuse_port"] = True
    inputs = config.inputs.model_copy(update={
        "beats": config.inputs.beats.model_copy(update=beats),
        "kafka": _kafka_overridden(config, given),
    })
    enrich = config.enrich
    if "index_prefix" in given:  # validated like the file's value (the steps derive from it)
        enrich = enrich.model_validate(
            {**enrich.model_dump(), "index_prefix": given["index_prefix"]}
        )
    to_kafka = config.beats_to_kafka
    if "beats_to_kafka" in given:
        to_kafka = to_kafka.model_copy(update={"enabled": True, "topic": given["beats_to_kafka"]})
    return config.model_copy(update={
        "elasticsearch": config.elasticsearch.model_copy(update=es), "inputs": inputs,
        "enrich": enrich, "beats_to_kafka": to_kafka,
    })


def _observe(config: LumberyardConfig, host: str, port: int, workers: int,
             data_dir: Path) -> Any:
    """/metrics and /health, bound before forking (workers inherit where to beat); with
    several workers its thread starts after the fork."""
    from pipeline.observe import start_endpoint  # noqa: PLC0415 - aiohttp only with it on

    return start_endpoint(config, host=host, port=port, workers=workers, data_dir=data_dir)


_TOPIC_NAME = re.compile(r"[A-Za-z0-9._-]+")
"""What a Kafka topic name may hold; a ``--kafka-topic`` with anything else is a pattern."""


def _kafka_overridden(config: LumberyardConfig, given: dict[str, Any]) -> Any:
    """``[inputs.kafka]`` with ``--kafka``, ``--kafka-bootstrap/-topic/-group`` over it."""
    kafka: dict[str, Any] = {}
    if given.get("kafka"):
        kafka["enabled"] = True
    if "kafka_bootstrap" in given:
        kafka["bootstrap_servers"] = given["kafka_bootstrap"]
    if "kafka_group" in given:
        kafka["group"] = given["kafka_group"]
    topics = given.get("kafka_topic") or []
    patterns = [t for t in topics if not _TOPIC_NAME.fullmatch(t)]
    if len(patterns) > 1 or (patterns and len(topics) > 1):
        raise typer.BadParameter("give either topic names or one pattern",
                                 param_hint="--kafka-topic")
    if patterns:
        kafka.update(topic_pattern=patterns[0], topics=[])
    elif topics:
        kafka.update(topics=topics, topic_pattern=None)
    return config.inputs.kafka.model_validate({**config.inputs.kafka.model_dump(), **kafka})


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_command(  # noqa: PLR0917 - one parameter per CLI option
        config: ConfigPath = None,
        es_url: ServeEsUrl = None,
        es_api_key: EsApiKey = None,
        es_user: EsUser = None,
        es_password: EsPassword = None,
        es_password_file: EsPasswordFile = None,
        es_ca: EsCa = None,
        index_prefix: IndexPrefix = None,
        beats_host: BeatsHost = None,
        beats_port: BeatsPort = None,
        no_beats: NoBeats = False,
        workers: Workers = CORES,
        drain_timeout_secs: DrainTimeout = DEFAULT_DRAIN_TIMEOUT_SECS,
        no_setup: NoSetup = False,
        data_dir: DataDir = DATA_DIR_DEFAULT,
        http_host: HttpHost = DEFAULT_HTTP_HOST,
        http_port: HttpPort = DEFAULT_HTTP_PORT,
        no_http: NoHttp = False,
        kafka: Kafka = False,
        kafka_bootstrap: KafkaBootstrap = None,
        kafka_topic: KafkaTopic = None,
        kafka_group: KafkaGroup = None,
        beats_to_kafka: BeatsToKafka = None,
    ) -> None:
        """Receive live events (Filebeat's output.logstash on :5044; Kafka when enabled) and
        index them into Elasticsearch until SIGTERM/SIGINT, then drain."""
        # Command-time imports: the config, grammars and the serving code load only here.
        import logging  # noqa: PLC0415

        from pipeline.config import load_config  # noqa: PLC0415
        from pipeline.observe import configure_logging  # noqa: PLC0415
        from pipeline.serve import run_fleet, run_worker, startup  # noqa: PLC0415

        configure_logging()  # structlog: JSON lines off a terminal
        logging.getLogger("elastic_transport").setLevel(logging.WARNING)  # a line per request
        settings = _overridden(load_config(config), {
            "url": es_url, "api_key": es_api_key, "user": es_user, "password": es_password,
            "password_file": es_password_file, "ca": es_ca, "host": beats_host,
            "port": beats_port, "no_beats": no_beats, "workers": workers,
            "index_prefix": index_prefix, "kafka": kafka, "kafka_bootstrap": kafka_bootstrap,
            "kafka_topic": kafka_topic, "kafka_group": kafka_group,
            "beats_to_kafka": beats_to_kafka,
        })
        startup(settings, setup=not no_setup)
        endpoint = None if no_http else _observe(settings, http_host, http_port, workers, data_dir)
        try:
            if workers == 1:
                status = run_worker(settings, data_dir, drain_timeout_secs)
                if status:
                    raise typer.Exit(status)
                return
            after_fork = endpoint.start if endpoint is not None else None
            failures = run_fleet(settings, data_dir, drain_timeout_secs, workers, after_fork)
            if failures:
                typer.secho("serve: " + "; ".join(failures), err=True, fg=typer.colors.RED)
                raise typer.Exit(1)
        finally:
            if endpoint is not None:
                from pipeline.observe import stop_endpoint  # noqa: PLC0415

                stop_endpoint(endpoint)
