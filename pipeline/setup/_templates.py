"""The index templates in ``pipeline/setup/mappings/``, rendered for one deployment.

Rendering applies the deployment's choices (index prefix, replicas, refresh interval, the
total-fields guard) and stamps each body with a checksum in ``_meta`` so that installing is
idempotent: a template whose checksum already matches is left alone.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator

from pipeline.errors import ConfigError

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
"""The schema files (component templates, index template, Kibana data view): package data, so
an installed wheel has them too."""

COMPONENTS = ("settings", "ecs", "app")
"""Component template files ``component/universal-ai-tools-<part>.json``, in compose order."""

FLATTENED_FALLBACK: dict[str, Any] = {"type": "object", "enabled": False}
"""What a ``flattened`` field becomes on a server without that type: kept, not searchable."""

CHECKSUM_KEY = "lumberyard_checksum"

Kind = Literal["component_template", "index_template"]


class TemplateOptions(BaseModel):
    """What a deployment may choose about its indices (``lumberyard setup`` options)."""

    model_config = ConfigDict(extra="forbid")

    index_prefix: str = Field(default="universal-ai-tools-", description="Daily index name prefix.")
    extra_patterns: list[str] = Field(
        default_factory=list,
        description="More index patterns the index template covers ([enrich] index's names, "
        "e.g. filebeat-*).",
    )
    replicas: int = Field(default=0, ge=0, description="index.number_of_replicas (0 on one node).")
    refresh_interval: str = Field(
        default="5s", description="index.refresh_interval, e.g. 1s, 30s, -1."
    )
    total_fields_limit: int = Field(
        default=1000, ge=100, description="index.mapping.total_fields.limit."
    )
    flattened: bool = Field(
        default=True, description="Use `flattened`; False on servers without it."
    )
    lifecycle_policy: str | None = Field(
        default=None, description="ILM policy named in index.lifecycle.name (clusters with ILM)."
    )

    @field_validator("refresh_interval")
    @classmethod
    def _interval(cls, value: str) -> str:
        if value != "-1" and not (value[:-1].isdigit() and value[-1] in "sm"):
            raise ValueError(f"refresh_interval {value!r} must look like 1s, 30s, 1m or -1")
        return value


@dataclass(frozen=True)
class Template:
    """One rendered template: what to PUT where."""

    kind: Kind
    name: str
    body: dict[str, Any]

    @property
    def checksum(self) -> str:
        return str(self.body["_meta"][CHECKSUM_KEY])


def base_name(prefix: str) -> str:
    """``universal-ai-tools-`` -> ``universal-ai-tools``: the stem template names share."""
    return prefix.rstrip("-._") or prefix


def load_json(path: Path) -> dict[str, Any]:
    """A template file as a dict; a bad file stops setup naming it."""
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read template: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a template must be a JSON object")
    return data


def render_templates(options: TemplateOptions, mappings_dir: Path = MAPPINGS_DIR) -> list[Template]:
    """The component templates then the index template, ready to install in that order."""
    stem = base_name(options.index_prefix)
    components = []
    for part in COMPONENTS:
        body = load_json(mappings_dir / "component" / f"universal-ai-tools-{part}.json")
        components.append(Template("component_template", f"{stem}-{part}", _apply(body, options)))
    index = load_json(mappings_dir / "index-template.json")
    own = f"{options.index_prefix}*"
    index["index_patterns"] = [own, *(p for p in options.extra_patterns if p != own)]
    index["composed_of"] = [c.name for c in components]
    return [*components, Template("index_template", stem, _stamp(index))]


def _apply(body: dict[str, Any], options: TemplateOptions) -> dict[str, Any]:
    """Deployment options into one component template's body, then the checksum."""
    body = copy.deepcopy(body)
    template = body.setdefault("template", {})
    index = template.get("settings", {}).get("index")
    if index is not None:
        index["number_of_replicas"] = options.replicas
        index["refresh_interval"] = options.refresh_interval
        index["mapping"]["total_fields"]["limit"] = options.total_fields_limit
        if options.lifecycle_policy is not None:
            index["lifecycle"] = {"name": options.lifecycle_policy}
    if not options.flattened and "mappings" in template:
        _replace_flattened(template["mappings"].get("properties", {}))
    return _stamp(body)


def _replace_flattened(properties: dict[str, Any]) -> None:
    """Swap every ``flattened`` field (at any depth) for :data:`FLATTENED_FALLBACK`."""
    for name, field in properties.items():
        if field.get("type") == "flattened":
            properties[name] = dict(FLATTENED_FALLBACK)
        elif "properties" in field:
            _replace_flattened(field["properties"])


def _stamp(body: dict[str, Any]) -> dict[str, Any]:
    """Put a checksum of the body (without any previous stamp) into ``_meta``."""
    meta = body.setdefault("_meta", {})
    meta.pop(CHECKSUM_KEY, None)
    digest = hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]
    meta[CHECKSUM_KEY] = digest
    return body


def flattened_fields(templates: list[Template]) -> list[str]:
    """Dotted names of the ``flattened`` fields the rendered templates define."""
    found: list[str] = []
    for template in templates:
        props = template.body.get("template", {}).get("mappings", {}).get("properties", {})
        _collect_flattened(props, "", found)
    return found


def _collect_flattened(properties: dict[str, Any], prefix: str, found: list[str]) -> None:
    for name, field in properties.items():
        if field.get("type") == "flattened":
            found.append(prefix + name)
        elif "properties" in field:
            _collect_flattened(field["properties"], f"{prefix}{name}.", found)
