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


def setup_elasticsearch(
    client: Elasticsearch, options: TemplateOptions, url: str, retention_days: int | None = None
) -> SetupReport:
    """Check the server, adapt to its field types, install every template in order; with
    ``retention_days``, first the ILM delete policy the templates then name (where ILM is)."""
    warnings = []
    policy_changes = []
    with translate_errors(url):
        version = server_version(client)
        check_version(version)
        if retention_days is not None:
            change, warning = _retention(client, options.index_prefix, retention_days)
            if change is not None:
                policy_changes.append(change)
                options = options.model_copy(update={"lifecycle_policy": change.name})
            warnings += [warning] if warning else []
        if options.flattened and not supports_field_type(client, "flattened"):
            names = ", ".join(flattened_fields(render_templates(options)))
            options = options.model_copy(update={"flattened": False})
            warnings.append(
                f"WARNING: this Elasticsearch has no `flattened` field type; {names} are "
                "kept in _source but NOT searchable"
            )
        report = SetupReport(
            version, policy_changes + install_all(client, render_templates(options))
        )
    report.warnings = warnings
    return report


def _retention(
    client: Elasticsearch, prefix: str, days: int
) -> tuple[Change | None, str | None]:
    """The ILM policy where the cluster has ILM, else the warning that says to prune."""
    from pipeline.retention import has_ilm, install_policy, policy_name  # noqa: PLC0415

    if not has_ilm(client):
        return None, (
            f"WARNING: this Elasticsearch has no index lifecycle management (ILM); old days "
            f"are NOT deleted by the cluster: run `lumberyard prune --keep-days {days} --yes` "
            "daily (cron or a systemd timer)"
        )
    name = policy_name(prefix)
    return Change("ilm_policy", name, install_policy(client, name, days)), None
