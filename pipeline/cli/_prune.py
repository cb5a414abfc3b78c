"""``lumberyard prune``: delete daily indices older than N days (a dry run unless ``--yes``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.cli.common import (
    ES_URL_DEFAULT,
    ConfigFile,
    EsApiKey,
    EsCa,
    EsPassword,
    EsPasswordFile,
    EsUrl,
    EsUser,
    es_connection,
)

if TYPE_CHECKING:
    from pipeline.retention import PrunePlan

KeepDays = Annotated[
    int,
    typer.Option(
        "--keep-days", min=0, help="Keep today and this many days before it (UTC, from the name)."
    ),
]
Yes = Annotated[bool, typer.Option("--yes", help="Really delete (otherwise only list).")]


def register(app: typer.Typer) -> None:
    @app.command()
    def prune(
        *,
        keep_days: KeepDays,
        yes: Yes = False,
        config: ConfigFile = None,
        es_url: EsUrl = ES_URL_DEFAULT,
        es_api_key: EsApiKey = None,
        es_user: EsUser = None,
        es_password: EsPassword = None,
        es_password_file: EsPasswordFile = None,
        es_ca: EsCa = None,
    ) -> None:
        """Delete <prefix>YYYY.MM.dd indices whose day is more than --keep-days ago."""
        from elasticsearch import Elasticsearch  # noqa: PLC0415 - command-time imports

        from pipeline.config import load_config  # noqa: PLC0415
        from pipeline.retention import delete_indices, plan_prune, prefix_indices  # noqa: PLC0415

        settings = load_config(config)
        prefix = settings.enrich.index_prefix
        conn = es_connection(
            url=es_url, api_key=es_api_key, user=es_user, password=es_password,
            password_file=es_password_file, ca=es_ca, base=settings.elasticsearch.connection(),
        )
        today = datetime.now(UTC).date()
        with Elasticsearch(**conn.client_kwargs()) as client:
            plan = plan_prune(prefix_indices(client, prefix), prefix, keep_days, today)
            _print_plan(plan, prefix, yes)
            if yes:
                deleted = delete_indices(client, [index.name for index in plan.delete])
                typer.echo(f"deleted {len(deleted)}")
            elif plan.delete:
                typer.echo("dry run: nothing deleted (add --yes to delete)")


def _print_plan(plan: PrunePlan, prefix: str, yes: bool) -> None:
    """What would be (or is being) deleted, kept and left alone."""
    verb = "deleting" if yes else "would delete"
    typer.echo(f"{prefix}YYYY.MM.dd before {plan.cutoff.isoformat()}: {verb} "
               f"{len(plan.delete)}, keeping {len(plan.keep)}")
    for index in plan.delete:
        typer.echo(f"  {verb} {index.name}")
    for name in plan.undated:
        typer.echo(f"  left alone (no day in its name): {name}")
