"""The index template at start-up: checked, and installed when missing (Logstash's
``manage_template``).

Without it a first run writes dynamic mappings that no later ``setup`` can undo for that day's
index. An installed template is left as it is (``setup`` may have installed it with other
replicas or refresh settings); only a missing one is installed, with ``setup``'s defaults. The
check goes through the sink's own HTTP service; the elasticsearch client (and the setup
package) load only to install.
"""

from __future__ import annotations

import asyncio
from fnmatch import fnmatchcase as fnmatch
from typing import Any

from pipeline.connections import EsConnection
from pipeline.errors import AuthError, NotConnected
from pipeline.outputs.elasticsearch import BulkService


def template_name(prefix: str) -> str:
    """The index template's name for an index prefix (``setup``'s ``base_name``)."""
    return prefix.rstrip("-._") or prefix


async def ensure_template(service: BulkService, connection: EsConnection, prefix: str,
                          extra: list[str] | None = None) -> str:
    """Install the index template for ``prefix`` (and the ``extra`` index patterns of an
    ``[enrich] index``) if Elasticsearch has none by that name; say what was found or done
    (one line for the log), and which of the patterns an installed one does not cover."""
    name = template_name(prefix)
    status, body = await service.get_json(f"/_index_template/{name}")
    if status == 200:
        have = _installed_patterns(body)
        missing = [p for p in extra or [] if not any(fnmatch(p.rstrip("*"), q) for q in have)]
        if missing:
            return (f"index template {name!r} is installed but does not cover {missing}: "
                    "run `lumberyard setup` (indices there get dynamic mappings until then)")
        return f"index template {name!r} is installed"
    if status in (401, 403):
        raise AuthError(f"GET /_index_template/{name} on {service.base_url} answered HTTP "
                        f"{status}: checking the template needs the manage_index_templates "
                        "privilege (or run `lumberyard setup` and start with --no-setup)")
    if status != 404:
        raise NotConnected(f"GET /_index_template/{name} on {service.base_url} answered HTTP "
                           f"{status}")
    changes = await asyncio.to_thread(_install, connection, prefix, extra or [])
    return f"index template {name!r} was missing: installed ({changes})"


def _installed_patterns(body: Any) -> list[str]:
    """``index_patterns`` of ``GET /_index_template/NAME``'s answer."""
    templates = body.get("index_templates") if isinstance(body, dict) else None
    first = templates[0] if isinstance(templates, list) and templates else {}
    patterns = first.get("index_template", {}).get("index_patterns", [])
    return [patterns] if isinstance(patterns, str) else list(patterns)


def _install(connection: EsConnection, prefix: str, extra: list[str]) -> str:
    from elasticsearch import Elasticsearch  # noqa: PLC0415 - only when a template is missing

    from pipeline.setup import TemplateOptions, setup_elasticsearch  # noqa: PLC0415

    with Elasticsearch(**connection.client_kwargs()) as client:
        report = setup_elasticsearch(
            client, TemplateOptions(index_prefix=prefix, extra_patterns=extra), connection.url)
    return ", ".join(str(change) for change in report.changes)


async def check_elasticsearch(connection: EsConnection, service: BulkService, prefix: str,
                              *, setup: bool, extra: list[str] | None = None) -> list[str]:
    """Before anything is read: the sink's health check (reachable, 8.x, ``_bulk`` allowed),
    then, unless ``setup`` is off, the index template (installed when missing)."""
    from pipeline.outputs.elasticsearch import check_health  # noqa: PLC0415

    info = await check_health(service)
    found = [f"Elasticsearch {info.version} at {connection.describe()}, cluster {info.status}"]
    if setup:
        found.append(await ensure_template(service, connection, prefix, extra))
    return found
