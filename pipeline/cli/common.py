"""Options shared by every command that talks to Elasticsearch or Kafka.

Their environment variables follow the config file's scheme (``LUMBERYARD_ELASTICSEARCH_URL``
is ``[elasticsearch] url``), with the short names (``ES_URL``, ...) kept as aliases.

Building these costs no import beyond typer: every ``lumberyard`` process builds all of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline._defaults import DEFAULT_DATA_DIR, DEFAULT_ES_URL, DEFAULT_KAFKA_BOOTSTRAP

if TYPE_CHECKING:
    from pipeline.connections import EsConnection

def _env(section: str, key: str, *aliases: str) -> list[str]:
    """The scheme's variable for ``[section] key``, then the short aliases."""
    return [f"LUMBERYARD_{section.upper()}_{key.upper()}", *aliases]


EsUrl = Annotated[
    str, typer.Option("--es-url", envvar=_env("elasticsearch", "url", "ES_URL"),
                      help="Elasticsearch URL.")
]
EsApiKey = Annotated[
    str | None,
    typer.Option("--es-api-key", envvar=_env("elasticsearch", "api_key", "ES_API_KEY"),
                 help="Elasticsearch API key.", show_envvar=True),
]
EsUser = Annotated[
    str | None,
    typer.Option("--es-user", envvar=_env("elasticsearch", "user", "ES_USER"),
                 help="Basic-auth user."),
]
EsPassword = Annotated[
    str | None,
    typer.Option("--es-password", envvar=_env("elasticsearch", "password", "ES_PASSWORD"),
                 help="Basic-auth password."),
]
EsPasswordFile = Annotated[
    Path | None,
    typer.Option("--es-password-file", envvar=_env("elasticsearch", "password_file"),
                 help="Read the basic-auth password from this file."),
]
EsCa = Annotated[
    Path | None,
    typer.Option("--es-ca", envvar=_env("elasticsearch", "ca", "ES_CA"),
                 help="CA certificate file."),
]
KafkaBootstrap = Annotated[
    str,
    typer.Option("--kafka-bootstrap",
                 envvar=_env("kafka", "bootstrap_servers", "KAFKA_BOOTSTRAP"),
                 help="Kafka bootstrap servers."),
]

DEFAULT_HTTP_HOST = "127.0.0.1"
DEFAULT_HTTP_PORT = 9600
"""``pipeline.observe.DEFAULT_HOST`` / ``DEFAULT_PORT``, written out so that building the
command line imports no aiohttp (a test keeps them equal)."""
HttpHost = Annotated[
    str,
    typer.Option("--http-host", envvar="LUMBERYARD_HTTP_HOST",
                 help="Address of /metrics and /health (0.0.0.0 in a container)."),
]
HttpPort = Annotated[
    int,
    typer.Option("--http-port", envvar="LUMBERYARD_HTTP_PORT", min=0, max=65535,
                 help="Port of /metrics, /health, /health/live, /health/ready."),
]
NoHttp = Annotated[
    bool, typer.Option("--no-http", help="Do not serve /metrics and /health.")
]

DataDir = Annotated[
    Path,
    typer.Option(
        "--data-dir",
        envvar="LUMBERYARD_DATA_DIR",
        help="Where checkpoints and dead letters live (the DLQ in <dir>/dlq).",
    ),
]
DATA_DIR_DEFAULT = Path(DEFAULT_DATA_DIR)

ConfigFile = Annotated[
    Path | None,
    typer.Option("--config", envvar="LUMBERYARD_CONFIG",
                 help="Config file (TOML): [elasticsearch], [enrich] index_prefix, [dlq]."),
]
"""``--config`` of the operator commands (setup, prune, dlq): the settings serve runs with."""

ES_URL_DEFAULT = DEFAULT_ES_URL
KAFKA_BOOTSTRAP_DEFAULT = DEFAULT_KAFKA_BOOTSTRAP


def es_connection(
    *,
    url: str = DEFAULT_ES_URL,
    api_key: str | None = None,
    user: str | None = None,
    password: str | None = None,
    password_file: Path | None = None,
    ca: Path | None = None,
    base: EsConnection | None = None,
) -> EsConnection:
    """The connection from CLI options over ``base`` (the config file's ``[elasticsearch]``:
    hosts, cloud_id, secrets files...). A URL other than the default replaces base's hosts;
    a password file wins over the option."""
    from pipeline.connections import EsConnection  # noqa: PLC0415 - pydantic: only when used

    if password_file is not None:
        password = password_file.read_text(encoding="utf-8").strip()
    given = {"api_key": api_key, "user": user, "password": password, "ca": ca}
    update: dict[str, object] = {k: v for k, v in given.items() if v is not None}
    if base is None or url != DEFAULT_ES_URL:
        update.update(url=url, hosts=[], cloud_id=None)
    return (base or EsConnection()).model_copy(update=update)
