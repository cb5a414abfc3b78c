"""``lumberyard dlq list`` and ``lumberyard dlq replay``: inspect and re-send dead letters."""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.cli.common import (
    DATA_DIR_DEFAULT,
    ES_URL_DEFAULT,
    ConfigFile,
    DataDir,
    EsApiKey,
    EsCa,
    EsPassword,
    EsPasswordFile,
    EsUrl,
    EsUser,
    es_connection,
)
from pipeline.errors import ConfigError

if TYPE_CHECKING:
    from pipeline.config import LumberyardConfig
    from pipeline.connections import EsConnection
    from pipeline.dlq import DeadLetterQueue, ReplaySummary

DlqDir = Annotated[
    Path | None,
    typer.Option("--dlq-dir", help="DLQ directory (overrides `[dlq] directory`, env "
                 "LUMBERYARD_DLQ_DIRECTORY)."),
]
Since = Annotated[
    str | None,
    typer.Option("--since", help="Only entries written at/after this ISO time (UTC if no zone)."),
]
ReasonMatch = Annotated[
    str | None,
    typer.Option("--reason-match", help="Only entries whose 'error_type: reason' matches RE."),
]


def register(app: typer.Typer) -> None:
    dlq_app = typer.Typer(help="The dead letter queue: events Elasticsearch refused.",
                          no_args_is_help=True)

    @dlq_app.command("list")
    def list_(
        data_dir: DataDir = DATA_DIR_DEFAULT,
        dlq_dir: DlqDir = None,
        since: Since = None,
        reason_match: ReasonMatch = None,
        config: ConfigFile = None,
    ) -> None:
        """Print one JSON line per pending (not yet replayed) entry."""
        import orjson  # noqa: PLC0415 - command-time imports keep `lumberyard` startup cheap

        from pipeline.config import load_config  # noqa: PLC0415

        queue = _queue(load_config(config), data_dir, dlq_dir)
        for key, letter in queue.pending(_parse_since(since), _check_regex(reason_match)):
            record = orjson.loads(letter.to_json())
            sys.stdout.write(orjson.dumps({"key": key, **record}).decode() + "\n")
        _report_damage(queue)

    @dlq_app.command("replay")
    def replay_(  # noqa: PLR0917 -- typer maps each CLI option to a parameter
        data_dir: DataDir = DATA_DIR_DEFAULT,
        dlq_dir: DlqDir = None,
        since: Since = None,
        reason_match: ReasonMatch = None,
        es_url: EsUrl = ES_URL_DEFAULT,
        es_api_key: EsApiKey = None,
        es_user: EsUser = None,
        es_password: EsPassword = None,
        es_password_file: EsPasswordFile = None,
        es_ca: EsCa = None,
        config: ConfigFile = None,
    ) -> None:
        """Re-send pending entries to their original index and _id; mark them done."""
        import asyncio  # noqa: PLC0415 - see list_

        from pipeline.config import load_config  # noqa: PLC0415

        settings = load_config(config)
        connection = es_connection(
            url=es_url, api_key=es_api_key, user=es_user, password=es_password,
            password_file=es_password_file, ca=es_ca, base=settings.elasticsearch.connection(),
        )
        queue = _queue(settings, data_dir, dlq_dir)
        summary, report = asyncio.run(
            _replay(queue, connection, _parse_since(since), _check_regex(reason_match))
        )
        typer.echo(f"replayed {summary.marked_done} of {summary.selected} selected entries")
        typer.echo(report)
        _report_damage(queue)

    app.add_typer(dlq_app, name="dlq")


def _queue(settings: LumberyardConfig, data_dir: Path, dlq_dir: Path | None) -> DeadLetterQueue:
    """The queue serve writes with these settings: ``--dlq-dir``, else the config's
    ``[dlq] directory``, else ``<data dir>/dlq`` (no Kafka mirror: reading only)."""
    from pipeline.dlq import DeadLetterQueue  # noqa: PLC0415 - command-time import

    directory = dlq_dir or settings.dlq.directory or data_dir / "dlq"
    return DeadLetterQueue(directory, settings.dlq.max_segment_bytes)


async def _replay(
    queue: DeadLetterQueue, connection: EsConnection, since: datetime | None, reason: str | None
) -> tuple[ReplaySummary, str]:
    from pipeline.dlq import replay  # noqa: PLC0415 - command-time imports, as above
    from pipeline.outputs.elasticsearch import (  # noqa: PLC0415
        ElasticsearchOutput,
        ElasticsearchOutputConfig,
    )

    output = ElasticsearchOutput(ElasticsearchOutputConfig(name="dlq-replay"), connection, queue)
    try:
        await output.healthcheck()
        summary = await replay(queue, output, since, reason)
    finally:
        await output.close()
        queue.close()
    return summary, output.report()


def _report_damage(queue: DeadLetterQueue) -> None:
    """Damaged entries the readers skipped and repairs made on open, one line each on stderr
    (the rest was read)."""
    for notice in queue.notices:
        typer.echo(f"dead letter queue: {notice}", err=True)
    for problem in queue.damaged:
        typer.echo(f"damaged dead letter entry: {problem}", err=True)
    if queue.damaged:
        typer.echo(f"{len(queue.damaged)} damaged entries skipped", err=True)


def _parse_since(since: str | None) -> datetime | None:
    if since is None:
        return None
    try:
        return datetime.fromisoformat(since)
    except ValueError as exc:
        raise ConfigError(f"--since: {since!r} is not an ISO 8601 time") from exc


def _check_regex(pattern: str | None) -> str | None:
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"--reason-match: {pattern!r} is not a regular expression: "
                              f"{exc}") from exc
    return pattern
