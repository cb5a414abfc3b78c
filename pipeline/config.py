"""The lumberyard config file (TOML): one section per concern, validated once at startup.

Sections: ``[inputs]`` (the live inputs of ``serve``: ``[inputs.beats]``,
``[inputs.kafka]``), ``[parsers]`` (grammars, multiline), ``[enrich]`` (service defaults,
event-type rules, index prefix), ``[elasticsearch]`` (the connection and the bulk sink),
``[kafka]`` (the connection), ``[dlq]`` (dead letter queue). Every option can also be set by
an environment variable ``LUMBERYARD_<SECTION>_<KEY>`` (see ``pipeline._env``), which wins over
the file. Every error names the file, the key path and, when it can be found, the line (or the
environment variable that set the value).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from parsers import ParsersConfig
from pipeline import _env
from pipeline.connections import EsConnection, KafkaConnection
from pipeline.dlq import DeadLetterQueueConfig
from pipeline.errors import ConfigError
from pipeline.inputs.beats._config import BeatsInputConfig
from pipeline.inputs.kafka._config import KafkaInputConfig
from pipeline.outputs.elasticsearch import ElasticsearchOutputConfig
from pipeline.outputs.kafka._config import KafkaOutputConfig
from pipeline.steps import EnrichConfig


class ElasticsearchSection(ElasticsearchOutputConfig, EsConnection):
    """``[elasticsearch]``: where the cluster is and how to authenticate (the connection), and
    how the sink batches, bounds memory and retries (the output)."""

    def connection(self) -> EsConnection:
        """The connection part alone."""
        return EsConnection(**{name: getattr(self, name) for name in EsConnection.model_fields})


class InputsConfig(BaseModel):
    """The live inputs ``lumberyard serve`` runs, one section each."""

    model_config = ConfigDict(extra="forbid")

    beats: BeatsInputConfig = Field(
        default_factory=BeatsInputConfig,
        description="The Beats (Lumberjack v2) server Filebeat ships to.",
    )
    kafka: KafkaInputConfig = Field(
        default_factory=KafkaInputConfig,
        description="The Kafka consumer group reading log topics (raw lines or Filebeat events).",
    )


class LumberyardConfig(BaseModel):
    """The whole config file; every section is optional and has working defaults."""

    model_config = ConfigDict(extra="forbid")

    inputs: InputsConfig = Field(
        default_factory=InputsConfig, description="The live inputs of `lumberyard serve`."
    )
    parsers: ParsersConfig = Field(default_factory=ParsersConfig, description="Line parsing.")
    enrich: EnrichConfig = Field(default_factory=EnrichConfig, description="Enrichment/routing.")
    elasticsearch: ElasticsearchSection = Field(
        default_factory=ElasticsearchSection,
        description="Elasticsearch: the connection, and the bulk sink (batching, in-flight "
        "requests, retries, buffer).",
    )
    kafka: KafkaConnection = Field(
        default_factory=KafkaConnection, description="Where Kafka is (inputs, DLQ mirror)."
    )
    beats_to_kafka: KafkaOutputConfig = Field(
        default_factory=KafkaOutputConfig,
        description="The Beats -> Kafka mode of `serve`: Filebeat's events go to a topic "
        "(the Kafka workers index them), not to Elasticsearch.",
    )
    dlq: DeadLetterQueueConfig = Field(
        default_factory=DeadLetterQueueConfig,
        description="The dead letter queue for events Elasticsearch refuses.",
    )


def load_config(
    path: Path | None, environ: Mapping[str, str] | None = None
) -> LumberyardConfig:
    """Read and validate ``path`` (``None``: no file, the defaults) with the environment's
    ``LUMBERYARD_*`` values over it (``environ`` defaults to ``os.environ``).
    Raises ``ConfigError``."""
    text = "" if path is None else read_config_text(path)
    return parse_config(text, str(path or "<defaults>"), os.environ if environ is None else environ)


def read_config_text(path: Path) -> str:
    """The file's text, or a ``ConfigError`` naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc}") from exc


def parse_config(
    text: str, source: str = "<config>", environ: Mapping[str, str] | None = None
) -> LumberyardConfig:
    """Validate TOML ``text`` (with ``environ``'s values over it, when given); errors name
    ``source``, the key and its line, or the variable that set the value."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: invalid TOML: {exc}") from exc
    values, _ = _env.env_values(LumberyardConfig, environ or {})
    try:
        return LumberyardConfig.model_validate(_env.apply(data, values))
    except ValidationError as exc:
        raise ConfigError(describe(exc, text, source, values)) from exc


def describe(
    exc: ValidationError, text: str, source: str, values: list[_env.EnvValue] | None = None
) -> str:
    """One line per problem: ``file:line: key.path: message`` (``env NAME`` for env values)."""
    return "\n".join(problems(exc, text, source, values))


def problems(
    exc: ValidationError, text: str, source: str, values: list[_env.EnvValue] | None = None
) -> list[str]:
    """:func:`describe`'s lines, as a list."""
    by_path = {item.path: item.name for item in values or ()}
    lines = []
    for error in exc.errors():
        loc = tuple(str(part) for part in error["loc"])
        env = next((by_path[loc[:n]] for n in range(len(loc), 0, -1) if loc[:n] in by_path), None)
        if env is not None:
            where = f"env {env}"
        else:
            where = f"{source}:{line}" if (line := _line_of(text, loc)) else source
        key = ".".join(loc) or "<root>"
        lines.append(f"{where}: {key}: {_message(error)}")
    return lines


def _message(error: Any) -> str:
    """pydantic's message, without its 'Value error, ' prefix."""
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def _line_of(text: str, loc: tuple[str, ...]) -> int | None:
    """Best-effort 1-based line of ``loc`` in the TOML text: its key, else its table header.

    ``[[a.b]]`` array tables count their occurrences, so ``a.b.2.key`` finds the third one.
    """
    table: tuple[str, ...] = ()
    arrays: dict[tuple[str, ...], int] = {}
    header_line = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("["):
            table = _header(line, arrays)
            if loc[: len(table)] == table and header_line is None:
                header_line = number
            continue
        key = line.partition("=")[0].strip().strip('"')
        if "=" in line and len(loc) > len(table) and (*table, key) == loc[: len(table) + 1]:
            return number
    return header_line


def _header(line: str, arrays: dict[tuple[str, ...], int]) -> tuple[str, ...]:
    """The key path a ``[table]`` or ``[[array.table]]`` header opens."""
    path = tuple(p.strip().strip('"') for p in line.strip("[] ").split("."))
    if not line.startswith("[["):
        return path
    arrays[path] = arrays.get(path, -1) + 1
    return (*path, str(arrays[path]))
