"""``lumberyard reprocess PATH...``: archived logs through the live chain, resumable."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline._defaults import DEFAULT_ES_URL, DEFAULT_KAFKA_BOOTSTRAP
from pipeline.cli.common import (
    DATA_DIR_DEFAULT,
    DataDir,
    EsApiKey,
    EsCa,
    EsPassword,
    EsPasswordFile,
    EsUrl,
    EsUser,
    KafkaBootstrap,
    es_connection,
)

if TYPE_CHECKING:
    from rich.console import Console

    from pipeline.reprocess import Display, Target

EXIT_INTERRUPTED = 130
EXIT_ALL_DEAD_LETTERED = 3
"""Every event went to the dead letter queue: most likely a mapping or template problem."""
MIB = 1024 * 1024
SPLIT_MIN_MIB_DEFAULT = 4
"""``pipeline.reprocess.DEFAULT_SPLIT_BYTES`` in MiB, written out so that building the
command line does not import the reprocess package (a test keeps the two equal)."""


def parse_time(value: str | None, option: str) -> datetime | None:
    """An ISO-8601 time or date (``2025-09-12``, ``2025-09-12T10:00:00Z``); naive = UTC."""
    if value is None:
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not an ISO-8601 time", param_hint=option) from exc
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


def _display(progress: str, console: Console) -> Display:
    from pipeline.reprocess import PlainDisplay, RichDisplay  # noqa: PLC0415 - command-time

    if progress == "bar" or (progress == "auto" and console.is_terminal):
        return RichDisplay(console)
    return PlainDisplay(sys.stderr)


def register(app: typer.Typer) -> None:
    @app.command("reprocess")
    def reprocess_command(  # noqa: PLR0917 - one parameter per CLI option
        paths: Annotated[
            list[str], typer.Argument(help="Files, directories, globs, or - for stdin.")
        ],
        since: Annotated[str | None, typer.Option(help="Only events at/after this time.")] = None,
        until: Annotated[str | None, typer.Option(help="Only events before this time.")] = None,
        service: Annotated[
            list[str] | None, typer.Option(help="Only this service (repeatable).")
        ] = None,
        environment: Annotated[
            list[str] | None, typer.Option(help="Only this environment (repeatable).")
        ] = None,
        index_prefix: Annotated[
            str | None, typer.Option(help="Daily index prefix (default from the config).")
        ] = None,
        workers: Annotated[
            int, typer.Option(min=1, help="Worker processes (default: number of cores).")
        ] = os.cpu_count() or 1,
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Count per index; write nothing.")
        ] = False,
        to_kafka: Annotated[
            str | None, typer.Option(help="Publish the raw lines to this topic instead.")
        ] = None,
        restart: Annotated[
            bool, typer.Option("--restart", help="Ignore checkpoints; read everything again.")
        ] = False,
        split_min_mib: Annotated[
            int, typer.Option(min=1, help="Split files into ranges of at least this many MiB.")
        ] = SPLIT_MIN_MIB_DEFAULT,
        progress: Annotated[
            str, typer.Option(help="auto (bar on a terminal), bar, or plain.")
        ] = "auto",
        es_url: EsUrl = DEFAULT_ES_URL,
        es_api_key: EsApiKey = None,
        es_user: EsUser = None,
        es_password: EsPassword = None,
        es_password_file: EsPasswordFile = None,
        es_ca: EsCa = None,
        kafka_bootstrap: KafkaBootstrap = DEFAULT_KAFKA_BOOTSTRAP,
        config: Annotated[
            Path | None, typer.Option("--config", envvar="LUMBERYARD_CONFIG", help="Config file.")
        ] = None,
        data_dir: DataDir = DATA_DIR_DEFAULT,
        no_setup: Annotated[
            bool, typer.Option("--no-setup", help="Do not install the index template when it "
                               "is missing (it is checked and installed by default).")
        ] = False,
    ) -> None:
        """Reprocess archived logs (plain, gz, bz2, xz, zst; Filebeat NDJSON) into
        Elasticsearch exactly as the live pipeline would: resumable, parallel, idempotent.
        Exits non-zero when any input was skipped or could not be read to its end."""
        if dry_run and to_kafka:
            raise typer.BadParameter("--dry-run and --to-kafka exclude each other")
        # Command-time imports: the reprocess package (and rich) load only for this command.
        from rich.console import Console  # noqa: PLC0415

        from pipeline.reprocess import STATE_FILE, Job, Options, render, reprocess  # noqa: PLC0415

        target: Target = "dry-run" if dry_run else "kafka" if to_kafka else "elasticsearch"
        connection = es_connection(
            url=es_url, api_key=es_api_key, user=es_user, password=es_password,
            password_file=es_password_file, ca=es_ca,
        )
        job = Job(
            target=target,
            config_path=str(config) if config else None,
            index_prefix=index_prefix,
            since=parse_time(since, "--since"),
            until=parse_time(until, "--until"),
            services=tuple(service or ()),
            environments=tuple(environment or ()),
            es=connection.model_dump(mode="json"),
            kafka_bootstrap=kafka_bootstrap,
            topic=to_kafka,
            data_dir=str(data_dir),
            state_path=None if dry_run else str(data_dir / STATE_FILE),
            setup=not no_setup,
        )
        err = Console(stderr=True)
        summary = reprocess(
            Options(
                paths=list(paths),
                job=job,
                workers=workers,
                restart=restart,
                split_min_bytes=split_min_mib * MIB,
            ),
            _display(progress, err),
        )
        render(summary, Console(soft_wrap=True))
        if summary.interrupted:
            raise typer.Exit(EXIT_INTERRUPTED)
        if not summary.ok:
            raise typer.Exit(1)
        if summary.all_dead_lettered:
            typer.echo("every event was dead-lettered, none indexed: check the index template "
                       "(lumberyard setup) and the reasons (lumberyard dlq list)", err=True)
            raise typer.Exit(EXIT_ALL_DEAD_LETTERED)
