"""``lumberyard setup``: install the index templates (and the Kibana data view) idempotently."""

from __future__ import annotations

from pathlib import Path
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
from pipeline.redact import redact

if TYPE_CHECKING:
    from pipeline.setup import KibanaAuth

Replicas = Annotated[int, typer.Option("--replicas", min=0, help="index.number_of_replicas.")]
Refresh = Annotated[str, typer.Option("--refresh-interval", help="index.refresh_interval.")]
TotalFields = Annotated[
    int, typer.Option("--total-fields-limit", min=100, help="Guard on mapped fields per index.")
]
RetentionDays = Annotated[
    int | None,
    typer.Option(
        "--retention-days",
        min=1,
        help="Delete daily indices this many days after creation: an ILM policy where the "
        "cluster has ILM (else a warning to run `lumberyard prune`).",
    ),
]
KibanaUrl = Annotated[
    str | None,
    typer.Option("--kibana-url", envvar="KIBANA_URL", help="Also create the Kibana data view."),
]
KibanaApiKey = Annotated[
    str | None, typer.Option("--kibana-api-key", envvar="KIBANA_API_KEY", help="Kibana API key.")
]
KibanaUser = Annotated[
    str | None, typer.Option("--kibana-user", envvar="KIBANA_USER", help="Kibana basic-auth user.")
]
KibanaPassword = Annotated[
    str | None,
    typer.Option("--kibana-password", envvar="KIBANA_PASSWORD", help="Kibana password."),
]
KibanaPasswordFile = Annotated[
    Path | None, typer.Option("--kibana-password-file", help="Read the Kibana password from it.")
]
KibanaCa = Annotated[
    Path | None, typer.Option("--kibana-ca", envvar="KIBANA_CA", help="CA file for Kibana https.")
]
KibanaSpace = Annotated[
    str | None, typer.Option("--kibana-space", help="Kibana space (default space if unset).")
]


def _kibana_auth(
    api_key: str | None,
    user: str | None,
    password: str | None,
    password_file: Path | None,
    ca: Path | None,
) -> KibanaAuth:
    """Kibana credentials; a password file wins over the option/env value."""
    from pipeline.setup import KibanaAuth  # noqa: PLC0415 - command-time, as in setup()

    if password_file is not None:
        password = password_file.read_text(encoding="utf-8").strip()
    return KibanaAuth(api_key=api_key, user=user, password=password, ca=ca)


def register(app: typer.Typer) -> None:
    @app.command()
    def setup(
        *,
        es_url: EsUrl = ES_URL_DEFAULT,
        es_api_key: EsApiKey = None,
        es_user: EsUser = None,
        es_password: EsPassword = None,
        es_password_file: EsPasswordFile = None,
        es_ca: EsCa = None,
        config: ConfigFile = None,
        replicas: Replicas = 0,
        refresh_interval: Refresh = "5s",
        total_fields_limit: TotalFields = 1000,
        retention_days: RetentionDays = None,
        kibana_url: KibanaUrl = None,
        kibana_api_key: KibanaApiKey = None,
        kibana_user: KibanaUser = None,
        kibana_password: KibanaPassword = None,
        kibana_password_file: KibanaPasswordFile = None,
        kibana_ca: KibanaCa = None,
        kibana_space: KibanaSpace = None,
    ) -> None:
        """Install the universal-ai-tools-* index templates; say what changed."""
        # Command-time imports: the elasticsearch client and the config models load only here.
        from elasticsearch import Elasticsearch  # noqa: PLC0415

        from pipeline.config import load_config  # noqa: PLC0415
        from pipeline.setup import (  # noqa: PLC0415
            DataView,
            TemplateOptions,
            ensure_data_view,
            setup_elasticsearch,
        )

        settings = load_config(config)
        prefix = settings.enrich.index_prefix
        options = TemplateOptions(
            index_prefix=prefix,
            extra_patterns=settings.enrich.template_patterns(),
            replicas=replicas,
            refresh_interval=refresh_interval,
            total_fields_limit=total_fields_limit,
        )
        conn = es_connection(
            url=es_url, api_key=es_api_key, user=es_user, password=es_password,
            password_file=es_password_file, ca=es_ca, base=settings.elasticsearch.connection(),
        )
        with Elasticsearch(**conn.client_kwargs()) as client:
            report = setup_elasticsearch(client, options, conn.url, retention_days)
        typer.echo(redact(f"Elasticsearch {'.'.join(map(str, report.version))} at {conn.url}"))
        for warning in report.warnings:
            typer.secho(warning, err=True, fg=typer.colors.YELLOW)
        for change in report.changes:
            typer.echo(f"  {change}")
        if not report.changed:
            typer.echo("  nothing to change")
        if kibana_url:
            auth = _kibana_auth(
                kibana_api_key, kibana_user, kibana_password, kibana_password_file, kibana_ca
            )
            view = DataView(title=f"{prefix}*", name=prefix.rstrip("-._"), id=prefix.rstrip("-._"))
            action = ensure_data_view(kibana_url, view, auth, kibana_space)
            typer.echo(f"Kibana data view {view.title} at {kibana_url}: {action}")
