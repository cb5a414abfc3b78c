"""``lumberyard serve``: the live inputs (Beats on :5044 by default) into Elasticsearch.

Runs until SIGTERM/SIGINT, then drains: inputs stop accepting, what was read is delivered and
acknowledged, and the process exits 0 within ``--drain-timeout-secs`` (else non-zero, naming
what was left unacknowledged; its sources send it again).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipeline.cli.common import (
    DATA_DIR_DEFAULT,
    DataDir,
    EsApiKey,
    EsCa,
    EsPassword,
    EsPasswordFile,
    EsUser,
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
    typer.Option("--es-url", envvar="ES_URL",
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
    inputs = config.inputs.model_copy(
        update={"beats": config.inputs.beats.model_copy(update=beats)}
    )
    enrich = config.enrich
    if "index_prefix" in given:  # validated like the file's value (the steps derive from it)
        enrich = enrich.model_validate(
            {**enrich.model_dump(), "index_prefix": given["index_prefix"]}
        )
    return config.model_copy(update={
        "elasticsearch": config.elasticsearch.model_copy(update=es), "inputs": inputs,
        "enrich": enrich,
    })


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
    ) -> None:
        """Receive live events (Filebeat's output.logstash on :5044; Kafka when enabled) and
        index them into Elasticsearch until SIGTERM/SIGINT, then drain."""
        # Command-time imports: the config, grammars and the serving code load only here.
        import logging  # noqa: PLC0415

        from pipeline.config import load_config  # noqa: PLC0415
        from pipeline.serve import run_fleet, run_worker, startup  # noqa: PLC0415

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        logging.getLogger("elastic_transport").setLevel(logging.WARNING)  # a line per request
        settings = _overridden(load_config(config), {
            "url": es_url, "api_key": es_api_key, "user": es_user, "password": es_password,
            "password_file": es_password_file, "ca": es_ca, "host": beats_host,
            "port": beats_port, "no_beats": no_beats, "workers": workers,
            "index_prefix": index_prefix,
        })
        startup(settings, setup=not no_setup)
        if workers == 1:
            status = run_worker(settings, data_dir, drain_timeout_secs)
            if status:
                raise typer.Exit(status)
            return
        failures = run_fleet(settings, data_dir, drain_timeout_secs, workers)
        if failures:
            typer.secho("serve: " + "; ".join(failures), err=True, fg=typer.colors.RED)
            raise typer.Exit(1)
