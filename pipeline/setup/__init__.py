"""``lumberyard setup``: index templates into Elasticsearch, the data view into Kibana.

Idempotent: running it twice changes nothing the second time and says so.
"""

from __future__ import annotations

from elasticsearch import Elasticsearch

from pipeline.setup._install import (
    MIN_VERSION,
    Change,
    check_version,
    install_all,
    install_template,
    server_version,
    supports_field_type,
    translate_errors,
)
from pipeline.setup._kibana import (
    DataView,
    KibanaAuth,
    KibanaRequest,
    create_data_view_request,
    ensure_data_view,
    get_data_view_request,
    load_ndjson_data_view,
)
from pipeline.setup._templates import (
    FLATTENED_FALLBACK,
    MAPPINGS_DIR,
    Template,
    TemplateOptions,
    flattened_fields,
    render_templates,
)

__all__ = [
    "FLATTENED_FALLBACK",
    "MAPPINGS_DIR",
    "MIN_VERSION",
    "Change",
    "DataView",
    "KibanaAuth",
    "KibanaRequest",
    "SetupReport",
    "Template",
    "TemplateOptions",
    "check_version",
    "create_data_view_request",
    "ensure_data_view",
    "flattened_fields",
    "get_data_view_request",
    "install_all",
    "install_template",
    "load_ndjson_data_view",
    "render_templates",
    "server_version",
    "setup_elasticsearch",
    "supports_field_type",
]


class SetupReport:
    """What setup found and did: server version, template changes, fallbacks applied."""

    def __init__(self, version: tuple[int, int, int], changes: list[Change]) -> None:
        self.version = version
        self.changes = changes
        self.warnings: list[str] = []

    @property
    def changed(self) -> bool:
        return any(change.action != "unchanged" for change in self.changes)


def setup_elasticsearch(client: Elasticsearch, options: TemplateOptions, url: str) -> SetupReport:
    """Check the server, adapt to its field types, install every template in order."""
    warnings = []
    with translate_errors(url):
        version = server_version(client)
        check_version(version)
        if options.flattened and not supports_field_type(client, "flattened"):
            names = ", ".join(flattened_fields(render_templates(options)))
            options = options.model_copy(update={"flattened": False})
            warnings.append(
                f"WARNING: this Elasticsearch has no `flattened` field type; {names} are "
                "kept in _source but NOT searchable"
            )
        report = SetupReport(version, install_all(client, render_templates(options)))
    report.warnings = warnings
    return report
