"""Environment variables for every config-file option: ``LUMBERYARD_<SECTION>_<KEY>``.

One scheme for everything: the key path of an option in the TOML file, upper-cased and joined
by ``_`` (``[elasticsearch] max_events`` is ``LUMBERYARD_ELASTICSEARCH_MAX_EVENTS``,
``[parsers.multiline] pattern`` is ``LUMBERYARD_PARSERS_MULTILINE_PATTERN``). The short names
people already set (``ES_URL``, ``ES_API_KEY``, ``KAFKA_BOOTSTRAP``, ...) are aliases; the long
name wins when both are set. A :data:`DEPRECATED` name is taken too, with a warning. An
environment value overrides the file's.

Values are strings; pydantic converts them (``"100"`` to an int, ``"true"`` to a bool). A value
starting with ``[`` or ``{`` is read as JSON; a list option also takes ``a,b,c``.
"""

from __future__ import annotations

import json
import logging
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

PREFIX = "LUMBERYARD_"

ALIASES: dict[str, tuple[str, ...]] = {
    "ES_URL": ("elasticsearch", "url"),
    "ES_API_KEY": ("elasticsearch", "api_key"),
    "ES_USER": ("elasticsearch", "user"),
    "ES_PASSWORD": ("elasticsearch", "password"),
    "ES_CA": ("elasticsearch", "ca"),
    "KAFKA_BOOTSTRAP": ("kafka", "bootstrap_servers"),
}
"""Short names kept from before the scheme (and used by the local stack and the tests)."""

DEPRECATED: dict[str, tuple[str, ...]] = {
    "LUMBERYARD_DLQ_DIR": ("dlq", "directory"),
}
"""Old names still taken, with a warning naming the one to use (the long name wins when both
are set). ``LUMBERYARD_DLQ_DIR`` was only ``dlq list/replay --dlq-dir``'s, so serve wrote to
``[dlq] directory`` while those read elsewhere; now it sets that key for every command."""

NOT_CONFIG = frozenset(
    {"CONFIG", "DATA_DIR", "DLQ_DIR", "CACHE", "JAVA_HOME", "STATE_DIR", "HTTP_HOST", "HTTP_PORT"}
)
"""``LUMBERYARD_*`` names that are not config-file options (command flags, the local stack;
``DLQ_DIR``: a :data:`DEPRECATED` name, taken there)."""

log = logging.getLogger("lumberyard.config")


@dataclass(frozen=True, slots=True)
class EnvValue:
    """One environment variable that sets a config option."""

    name: str
    path: tuple[str, ...]
    value: Any


def env_name(path: tuple[str, ...]) -> str:
    """The variable of a key path: ``("elasticsearch", "url")`` is
    ``LUMBERYARD_ELASTICSEARCH_URL``."""
    return PREFIX + "_".join(part.upper() for part in path)


def field_model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds directly or optionally (not in a list), else None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return field_model(args[0])
    return None


def _is_list(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_is_list(a) for a in typing.get_args(annotation))
    return origin in (list, tuple, set, frozenset)


def resolve(model: type[BaseModel], rest: str) -> tuple[tuple[str, ...], Any] | None:
    """The key path (and its annotation) ``rest`` (``MULTILINE_PATTERN``) names in ``model``."""
    for name, info in sorted(model.model_fields.items(), key=lambda kv: -len(kv[0])):
        upper = name.upper()
        if rest == upper:
            return (name,), info.annotation
        sub = field_model(info.annotation)
        if sub is not None and rest.startswith(upper + "_"):
            found = resolve(sub, rest[len(upper) + 1 :])
            if found is not None:
                return (name, *found[0]), found[1]
    return None


def _convert(raw: str, annotation: Any) -> Any:
    text = raw.strip()
    if text[:1] in "[{":
        try:
            return json.loads(text)
        except ValueError:
            return raw
    if _is_list(annotation):
        return [part.strip() for part in text.split(",") if part.strip()]
    return raw


def env_values(
    root: type[BaseModel], environ: Mapping[str, str]
) -> tuple[list[EnvValue], list[str]]:
    """The options ``environ`` sets, and the ``LUMBERYARD_<SECTION>_*`` names that set nothing.

    Aliases come first so that the long name, applied later, wins.
    """
    found: list[EnvValue] = []
    for alias, path in (*ALIASES.items(), *_deprecated(root, environ)):
        if alias in environ and path[0] in root.model_fields:
            annotation = _annotation(root, path)
            found.append(EnvValue(alias, path, _convert(environ[alias], annotation)))
    unknown: list[str] = []
    for name in sorted(environ):
        if not name.startswith(PREFIX) or name[len(PREFIX) :] in NOT_CONFIG:
            continue
        hit = resolve(root, name[len(PREFIX) :])
        if hit is not None and len(hit[0]) > 1:
            found.append(EnvValue(name, hit[0], _convert(environ[name], hit[1])))
        elif _section_of(root, name[len(PREFIX) :]) is not None:
            unknown.append(name)
    return found, unknown


def _deprecated(
    root: type[BaseModel], environ: Mapping[str, str]
) -> list[tuple[str, tuple[str, ...]]]:
    """The :data:`DEPRECATED` names ``environ`` sets, each warned about once per call."""
    taken = []
    for old, path in DEPRECATED.items():
        if old not in environ or path[0] not in root.model_fields:
            continue
        new = env_name(path)
        if new in environ:
            log.warning("%s is deprecated and ignored: %s is set (it wins)", old, new)
        else:
            log.warning("%s is deprecated: set %s instead", old, new)
        taken.append((old, path))
    return taken


def _annotation(root: type[BaseModel], path: tuple[str, ...]) -> Any:
    model: type[BaseModel] | None = root
    annotation: Any = None
    for part in path:
        if model is None or part not in model.model_fields:
            return None
        annotation = model.model_fields[part].annotation
        model = field_model(annotation)
    return annotation


def _section_of(root: type[BaseModel], rest: str) -> str | None:
    for name in root.model_fields:
        if rest.startswith(name.upper() + "_"):
            return name
    return None


def known_env_names(root: type[BaseModel]) -> list[str]:
    """Every ``LUMBERYARD_*`` name an option has (for "did you mean" and the reference)."""
    names: list[str] = []

    def walk(model: type[BaseModel], path: tuple[str, ...]) -> None:
        for name, info in model.model_fields.items():
            sub = field_model(info.annotation)
            if sub is not None:
                walk(sub, (*path, name))
            elif path:
                names.append(env_name((*path, name)))

    walk(root, ())
    return names


def apply(data: dict[str, Any], values: list[EnvValue]) -> dict[str, Any]:
    """A copy of the file's ``data`` with every environment value set at its key path."""
    merged: dict[str, Any] = _deep_copy(data)
    for item in values:
        node = merged
        for part in item.path[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        node[item.path[-1]] = item.value
    return merged


def _deep_copy(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: _deep_copy(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_deep_copy(value) for value in data]
    return data
