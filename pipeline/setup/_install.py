"""Installing the rendered templates into Elasticsearch, idempotently, saying what changed.

The server is checked first: lumberyard's templates need Elasticsearch 8.13 or later
(``index.mapping.total_fields.ignore_dynamic_beyond_limit``); older servers, OpenSearch and
anything that is not Elasticsearch are refused with a clear message.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

import elasticsearch
from elasticsearch import Elasticsearch

from pipeline.errors import AuthError, ConfigError, NotConnected, UnsupportedServer
from pipeline.setup._templates import CHECKSUM_KEY, Template

MIN_VERSION = (8, 13)
MAX_MAJOR = 9

Action = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class Change:
    """What installing one template did."""

    kind: str
    name: str
    action: Action

    def __str__(self) -> str:
        return f"{self.kind.replace('_', ' ')} {self.name}: {self.action}"


@contextmanager
def translate_errors(url: str) -> Iterator[None]:
    """Elasticsearch client exceptions as lumberyard errors naming the server."""
    try:
        yield
    except elasticsearch.AuthenticationException as exc:
        raise AuthError(f"{url}: credentials refused (401): {exc.message}") from exc
    except elasticsearch.AuthorizationException as exc:
        raise AuthError(f"{url}: not allowed to manage templates (403): {exc.message}") from exc
    except elasticsearch.UnsupportedProductError as exc:
        raise UnsupportedServer(f"{url}: the server is not Elasticsearch: {exc}") from exc
    except elasticsearch.ConnectionTimeout as exc:
        raise NotConnected(f"{url}: no answer from Elasticsearch (connection accepted, "
                           "request timed out): is this an Elasticsearch HTTP port?") from exc
    except elasticsearch.ConnectionError as exc:
        raise NotConnected(f"{url}: cannot reach Elasticsearch: {exc}") from exc
    except elasticsearch.ApiError as exc:
        raise ConfigError(f"{url}: Elasticsearch refused the request: {_reason(exc)}") from exc


def _reason(exc: elasticsearch.ApiError) -> str:
    """The root-cause reason of an API error (the useful part of its body)."""
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error", {})
    if isinstance(error, dict):
        return f"{error.get('type', exc.status_code)}: {error.get('reason', exc.message)}"
    return f"{exc.status_code}: {exc.message}"


def server_version(client: Elasticsearch) -> tuple[int, int, int]:
    """The lowest Elasticsearch version among the cluster's nodes.

    Read from the nodes info API, not ``GET /``: minimal distributions (the integration-test
    build) do not serve the root endpoint.
    """
    info = client.nodes.info(node_id="_all", metric="_none", filter_path="nodes.*.version")
    versions = [_parse_version(node["version"]) for node in info.get("nodes", {}).values()]
    if not versions:
        raise UnsupportedServer("the server reported no node versions: is it Elasticsearch?")
    return min(versions)


def _parse_version(text: str) -> tuple[int, int, int]:
    numbers = text.split("-", maxsplit=1)[0].split(".")
    try:
        major, minor, patch = (int(n) for n in (*numbers, "0", "0")[:3])
    except ValueError as exc:
        raise UnsupportedServer(f"unreadable server version {text!r}") from exc
    return major, minor, patch


def check_version(version: tuple[int, int, int]) -> None:
    """Refuse servers outside Elasticsearch 8.13 .. 9.x, saying which version was found."""
    if version[:2] < MIN_VERSION or version[0] > MAX_MAJOR:
        found = ".".join(map(str, version))
        raise UnsupportedServer(
            f"Elasticsearch {found} is not supported: lumberyard needs 8.13 or later "
            f"(up to {MAX_MAJOR}.x) for its index templates"
        )


def install_template(client: Elasticsearch, template: Template) -> Change:
    """PUT one template unless an identical one (same checksum) is installed."""
    current = _installed_checksum(client, template)
    if current == template.checksum:
        return Change(template.kind, template.name, "unchanged")
    _put(client, template)
    return Change(template.kind, template.name, "created" if current is None else "updated")


def _installed_checksum(client: Elasticsearch, template: Template) -> str | None:
    """The checksum of the installed template; ``""`` if it is not ours; None if absent."""
    try:
        if template.kind == "component_template":
            found = client.cluster.get_component_template(name=template.name)
            body = found["component_templates"][0]["component_template"]
        else:
            found = client.indices.get_index_template(name=template.name)
            body = found["index_templates"][0]["index_template"]
    except elasticsearch.NotFoundError:
        return None
    meta: dict[str, Any] = body.get("_meta") or {}
    return str(meta.get(CHECKSUM_KEY, ""))


def _put(client: Elasticsearch, template: Template) -> None:
    if template.kind == "component_template":
        client.cluster.put_component_template(name=template.name, **template.body)
    else:
        client.indices.put_index_template(name=template.name, **template.body)


def install_all(client: Elasticsearch, templates: list[Template]) -> list[Change]:
    """Install templates in order (components before the index template using them)."""
    return [install_template(client, template) for template in templates]


def supports_field_type(client: Elasticsearch, field_type: str) -> bool:
    """Whether the server knows ``field_type``: validate a throwaway component template.

    Component templates are validated on PUT, so this costs one request and leaves nothing
    behind but a template named ``lumberyard-probe-<type>-<random>`` that is deleted right
    away (random: serve, reprocess and setup may probe at the same time).
    """
    name = f"lumberyard-probe-{field_type}-{uuid.uuid4().hex[:8]}"  # setups may run at once
    mappings = {"properties": {"probe": {"type": field_type}}}
    try:
        client.cluster.put_component_template(name=name, template={"mappings": mappings})
    except elasticsearch.BadRequestError as exc:
        if "No handler for type" in str(exc) or "mapper_parsing_exception" in str(exc):
            return False
        raise
    client.options(ignore_status=404).cluster.delete_component_template(name=name)
    return True
