"""``lumberyard check``: every mistake in a config file (and its environment), before starting.

Unlike loading, which stops at the first broken section, the check keeps going: TOML syntax,
unknown sections and keys (with the closest known name), wrong types, environment variables
that set nothing, grammars and rules that do not compile (name and position), and certificate
or secret files that are missing. Each problem names where it is (``file:line`` or ``env NAME``)
and the key path. With ``connect`` it also asks Elasticsearch (the sink's own health check and
the index template) and Kafka whether they answer. Secret values never appear in a message.
"""

from __future__ import annotations

import asyncio
import difflib
import os
import re
import socket
import struct
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from pipeline import _env
from pipeline.config import LumberyardConfig, _line_of, problems, read_config_text
from pipeline.errors import ConfigError, LumberyardError
from pipeline.redact import redact

if TYPE_CHECKING:
    from parsers import ParsersConfig

_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_FILE_FIELD = re.compile(r"(ca|cert|certificate|key|file|authorities)s?$")


@dataclass(frozen=True, slots=True)
class Finding:
    """One line of the report: where, what, and whether it is a problem."""

    where: str
    key: str
    message: str
    ok: bool = False

    def __str__(self) -> str:
        """``where: key: message``, credentials masked (a URL, or a pydantic error quoting
        the value it refused, may carry a password)."""
        key = f"{self.key}: " if self.key else ""
        return redact(f"{self.where}: {key}{self.message}")


@dataclass
class Checked:
    """The outcome of checking a config: its problems and, when there are none, the config."""

    findings: list[Finding]
    config: LumberyardConfig | None
    uses_kafka: bool = False

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if not f.ok]


def check_config(path: Path | None, environ: Mapping[str, str] | None = None) -> Checked:
    """Every problem of ``path`` (``None``: defaults) with ``environ``'s values over it."""
    environ = os.environ if environ is None else environ
    source = str(path) if path is not None else "<defaults>"
    try:
        text = "" if path is None else read_config_text(path)
    except ConfigError as exc:
        return Checked([Finding(source, "", str(exc).removeprefix(f"{source}: "))], None)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = f"{source}:{m.group(1)}" if (m := _TOML_AT.search(str(exc))) else source
        return Checked([Finding(where, "", f"invalid TOML: {exc}")], None)
    values, unknown = _env.env_values(LumberyardConfig, environ)
    findings = [_unknown_env(name) for name in unknown]
    merged = _env.apply(data, values)
    findings += list(_validate(merged, text, source, values))
    findings += _deep(_valid_sections(merged), text, source, values)
    if findings:
        return Checked(findings, None)
    config = LumberyardConfig.model_validate(merged)
    uses_kafka = "kafka" in merged or kafka_bootstrap(config) is not None
    return Checked(findings, config, uses_kafka)


def _valid_sections(data: dict[str, Any]) -> dict[str, BaseModel]:
    """Each section that validates on its own (so one broken section hides nothing else)."""
    sections: dict[str, BaseModel] = {}
    for name, info in LumberyardConfig.model_fields.items():
        model = _env.field_model(info.annotation)
        if model is None:
            continue
        try:
            sections[name] = model.model_validate(data.get(name, {}))
        except ValidationError:
            continue
    return sections


def _unknown_env(name: str) -> Finding:
    close = difflib.get_close_matches(name, _env.known_env_names(LumberyardConfig), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return Finding(f"env {name}", "", f"sets no option{hint}")


def _validate(
    data: dict[str, Any], text: str, source: str, values: list[_env.EnvValue]
) -> Iterator[Finding]:
    """Validation errors of every section, an unknown key with its closest known name."""
    try:
        LumberyardConfig.model_validate(data)
    except ValidationError as exc:
        for line, error in zip(problems(exc, text, source, values), exc.errors(), strict=True):
            where, key, message = line.split(": ", 2)
            if error["type"] == "extra_forbidden":
                message += _did_you_mean(error["loc"])
            yield Finding(where, key, message)


def _did_you_mean(loc: tuple[Any, ...]) -> str:
    """`` (did you mean 'x'?)`` for an unknown key at ``loc``, from its model's fields."""
    model = _model_at(loc[:-1])
    if model is None:
        return ""
    close = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model holding the keys at ``loc`` (list indices are stepped over)."""
    model: type[BaseModel] | None = LumberyardConfig
    for part in loc:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return None
        annotation = model.model_fields[part].annotation
        model = _env.field_model(annotation) or _list_item_model(annotation)
    return model


def _list_item_model(annotation: Any) -> type[BaseModel] | None:
    args = getattr(annotation, "__args__", ())
    return next((m for a in args if (m := _env.field_model(a)) is not None), None)


def _deep(
    sections: dict[str, BaseModel], text: str, source: str, values: list[_env.EnvValue]
) -> list[Finding]:
    """What validation cannot see: grammars and rules compiled, files present."""
    by_path = {item.path: item.name for item in values}

    def where(path: tuple[str, ...]) -> str:
        if path in by_path:
            return f"env {by_path[path]}"
        line = _line_of(text, path)
        return f"{source}:{line}" if line else source

    found = [Finding(where(p), ".".join(p), m) for p, m in _compile_errors(sections)]
    for name, section in sections.items():
        found += [Finding(where(p), ".".join(p), m) for p, m in _file_errors(section, (name,))]
    return found


def _compile_errors(sections: dict[str, BaseModel]) -> Iterator[tuple[tuple[str, ...], str]]:
    """Each user grammar compiled on its own (so every bad one is named), then the rest."""
    from parsers import ParsersConfig  # noqa: PLC0415 - compiling is check-time work
    from pipeline.steps import EnrichConfig, enrich_steps  # noqa: PLC0415

    parsers = sections.get("parsers")
    if isinstance(parsers, ParsersConfig):
        yield from _grammar_errors(parsers)
    enrich = sections.get("enrich")
    if isinstance(enrich, EnrichConfig):
        try:
            enrich_steps(enrich)
        except LumberyardError as exc:
            yield ("enrich",), str(exc)


def _grammar_errors(parsers: ParsersConfig) -> Iterator[tuple[tuple[str, ...], str]]:
    from parsers import Parsers, ParsersConfig  # noqa: PLC0415

    for index, spec in enumerate(parsers.grammars):
        alone = ParsersConfig(grammars=[spec], pattern_definitions=parsers.pattern_definitions)
        try:
            Parsers(alone)
        except LumberyardError as exc:
            yield ("parsers", "grammars", str(index), "pattern"), _renumber(str(exc), index)
    if parsers.multiline is not None:
        try:
            Parsers(ParsersConfig(multiline=parsers.multiline))
        except (LumberyardError, re.error) as exc:
            yield ("parsers", "multiline", "pattern"), str(exc)


def _renumber(message: str, index: int) -> str:
    """A grammar checked alone is number 0; say its real number."""
    return message.replace("parsers.grammars[0]", f"parsers.grammars[{index}]")


def _file_errors(
    section: BaseModel, root: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], str]]:
    """Certificate, key and secret files that are set but missing or unreadable."""
    for path, value in _walk(section, root):
        name = path[-2] if path[-1].isdigit() else path[-1]
        if isinstance(value, Path) and _FILE_FIELD.search(name):
            if not value.is_file():
                yield path, f"file {value} does not exist (or is not a file)"
            elif not os.access(value, os.R_OK):
                yield path, f"file {value} is not readable by this user"


def _walk(model: BaseModel, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from _walk(value, (*path, name))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _walk(item, (*path, name, str(index)))
                else:
                    yield (*path, name, str(index)), item
        else:
            yield (*path, name), value


def kafka_bootstrap(config: LumberyardConfig) -> str | None:
    """The bootstrap servers of the Kafka ``serve`` uses with ``config`` (None: none): Beats ->
    Kafka, the Kafka input, or the DLQ's Kafka mirror; each section's own servers, else
    ``[kafka]``'s, as serve resolves them."""
    if config.beats_to_kafka.enabled:
        return config.beats_to_kafka.bootstrap_servers or config.kafka.bootstrap_servers
    if config.inputs.kafka.enabled:
        return config.inputs.kafka.bootstrap_servers or config.kafka.bootstrap_servers
    return config.kafka.bootstrap_servers if config.dlq.kafka_topic else None


def check_connections(config: LumberyardConfig, *, kafka: bool) -> list[Finding]:
    """Elasticsearch (the sink's health check, then the index template) and, when the config
    uses it, Kafka answer."""
    findings = asyncio.run(_check_elasticsearch(config))
    if kafka:
        findings.append(_check_kafka(kafka_bootstrap(config) or config.kafka.bootstrap_servers))
    return findings


async def _check_elasticsearch(config: LumberyardConfig) -> list[Finding]:
    from pipeline.outputs.elasticsearch import BulkService, check_health  # noqa: PLC0415
    from pipeline.setup._templates import base_name  # noqa: PLC0415

    connection = config.elasticsearch.connection()
    where = f"elasticsearch {connection.describe()}"
    service = BulkService(connection, config.elasticsearch)
    try:
        info = await check_health(service)
        template = base_name(config.enrich.index_prefix)
        status, body = await service.get_json(f"/_index_template/{template}")
    except LumberyardError as exc:
        return [Finding(where, "", f"{type(exc).__name__}: {exc}")]
    finally:
        await service.close()
    found = [Finding(where, "", f"Elasticsearch {info.version}, cluster {info.status}", ok=True)]
    found.append(_template_finding(where, template, config.enrich.index_prefix, status, body,
                                   extra=config.enrich.template_patterns()))
    return found


def _template_finding(where: str, name: str, prefix: str, status: int, body: Any, *,
                      extra: list[str] | None = None) -> Finding:
    """Whether the index template covers the prefix's indices and ``extra``, the patterns of
    ``[enrich] index``'s names."""
    if status == 404:
        return Finding(where, "", f"index template {name!r} is missing: run `lumberyard setup`")
    templates = (body or {}).get("index_templates") or [{}]
    patterns = (templates[0].get("index_template") or {}).get("index_patterns") or []
    wanted = [f"{prefix}*", *(p for p in extra or [] if p != f"{prefix}*")]
    missing = [p for p in wanted if p not in patterns]
    if status != 200 or missing:
        return Finding(where, "", f"index template {name!r} does not cover "
                       f"{', '.join(missing or wanted)} (HTTP {status}, patterns {patterns}): "
                       "run `lumberyard setup`")
    return Finding(where, "", f"index template {name!r} covers {', '.join(wanted)}", ok=True)


def _check_kafka(bootstrap: str, timeout_secs: float = 5.0) -> Finding:
    where = f"kafka {bootstrap}"
    reasons = []
    for server in (part.strip() for part in bootstrap.split(",") if part.strip()):
        try:
            versions = kafka_api_versions(server, timeout_secs)
        except (OSError, ValueError) as exc:
            reasons.append(f"{server}: {exc}")
            continue
        return Finding(where, "", f"answers ({versions} API versions from {server})", ok=True)
    return Finding(where, "", f"does not answer: {'; '.join(reasons)}")


_MAX_API_VERSIONS_BYTES = 1 << 20
"""Far above a real ApiVersions answer (a few hundred bytes): a larger size is not Kafka."""


def kafka_api_versions(server: str, timeout_secs: float) -> int:
    """Ask one broker for its API versions (Kafka's ApiVersions v0, key 18): how many it lists.

    A raw exchange of the Kafka protocol with short timeouts and nothing left open, rather
    than a client library that retries and keeps sockets around after a failure.
    """
    host, _, port = server.rpartition(":")
    client = b"lumberyard-check"
    body = struct.pack(">hhih", 18, 0, 1, len(client)) + client
    with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_secs) as sock:
        sock.sendall(struct.pack(">i", len(body)) + body)
        size = struct.unpack(">i", _read_exactly(sock, 4))[0]
        if not 10 <= size <= _MAX_API_VERSIONS_BYTES:  # e.g. an HTTP server's "HTTP" = 1.2 GB
            raise ValueError(f"not a Kafka broker: an answer of {size} bytes to ApiVersions")
        answer = _read_exactly(sock, size)
    correlation, error, count = struct.unpack(">ihi", answer[:10])
    if correlation != 1 or error != 0:
        raise ValueError(f"ApiVersions answered error code {error}")
    return int(count)


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("connection closed mid-answer")
        data += chunk
    return data
