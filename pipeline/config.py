"""The lumberyard config file (TOML): one section per concern, validated once at startup.

Sections: ``[inputs]`` (the live inputs of ``serve``: ``[inputs.beats]``), ``[parsers]``
(grammars, multiline), ``[enrich]`` (service defaults, event-type rules, index prefix),
``[elasticsearch]`` (the bulk sink), ``[dlq]`` (dead letter queue).
Every error names the file, the key path and, when it can be found, the line.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from parsers import ParsersConfig
from pipeline.dlq import DeadLetterQueueConfig
from pipeline.errors import ConfigError
from pipeline.inputs.beats._config import BeatsInputConfig
from pipeline.outputs.elasticsearch import ElasticsearchOutputConfig
from pipeline.steps import EnrichConfig


class InputsConfig(BaseModel):
    """The live inputs ``lumberyard serve`` runs, one section each."""

    model_config = ConfigDict(extra="forbid")

    beats: BeatsInputConfig = Field(
        default_factory=BeatsInputConfig,
        description="The Beats (Lumberjack v2) server Filebeat ships to.",
    )


class LumberyardConfig(BaseModel):
    """The whole config file; every section is optional and has working defaults."""

    model_config = ConfigDict(extra="forbid")

    inputs: InputsConfig = Field(
        default_factory=InputsConfig, description="The live inputs of `lumberyard serve`."
    )
    parsers: ParsersConfig = Field(default_factory=ParsersConfig, description="Line parsing.")
    enrich: EnrichConfig = Field(default_factory=EnrichConfig, description="Enrichment/routing.")
    elasticsearch: ElasticsearchOutputConfig = Field(
        default_factory=ElasticsearchOutputConfig,
        description="The Elasticsearch bulk sink: batching, in-flight requests, retries, buffer.",
    )
    dlq: DeadLetterQueueConfig = Field(
        default_factory=DeadLetterQueueConfig,
        description="The dead letter queue for events Elasticsearch refuses.",
    )


def load_config(path: Path | None) -> LumberyardConfig:
    """Read and validate ``path``; ``None`` gives the defaults. Raises ``ConfigError``."""
    if path is None:
        return LumberyardConfig()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc}") from exc
    return parse_config(text, str(path))


def parse_config(text: str, source: str = "<config>") -> LumberyardConfig:
    """Validate TOML ``text``; errors name ``source``, the key and its line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: invalid TOML: {exc}") from exc
    try:
        return LumberyardConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, text, source)) from exc


def _describe(exc: ValidationError, text: str, source: str) -> str:
    """One line per problem: ``file:line: key.path: message``."""
    lines = []
    for error in exc.errors():
        loc = tuple(str(part) for part in error["loc"])
        where = f"{source}:{line}" if (line := _line_of(text, loc)) else source
        key = ".".join(loc) or "<root>"
        lines.append(f"{where}: {key}: {_message(error)}")
    return "\n".join(lines)


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
