"""Rendering the templates, refusing unsupported servers, and the Kibana data view requests.

Kibana is not available to the tests: the data view is checked as the request lumberyard
builds and as the ``.ndjson`` export it ships, not against a running Kibana.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import orjson
import pytest

from pipeline.errors import ConfigError, UnsupportedServer
from pipeline.setup import (
    FLATTENED_FALLBACK,
    MAPPINGS_DIR,
    DataView,
    KibanaAuth,
    TemplateOptions,
    check_version,
    create_data_view_request,
    flattened_fields,
    get_data_view_request,
    load_ndjson_data_view,
    render_templates,
)

NDJSON = MAPPINGS_DIR / "kibana" / "universal-ai-tools-data-view.ndjson"


def _by_name(options: TemplateOptions) -> dict[str, dict[str, object]]:
    return {t.name: t.body for t in render_templates(options)}


def test_default_render_names_and_order() -> None:
    """Three component templates, then the index template composed of them, for the prefix."""
    templates = render_templates(TemplateOptions())
    expected = [
        ("component_template", "universal-ai-tools-settings"),
        ("component_template", "universal-ai-tools-ecs"),
        ("component_template", "universal-ai-tools-app"),
        ("index_template", "universal-ai-tools"),
    ]
    assert expected == [(t.kind, t.name) for t in templates]
    index = templates[-1].body
    assert ["universal-ai-tools-*"] == index["index_patterns"]
    assert [t.name for t in templates[:3]] == index["composed_of"]


def test_options_reach_the_settings() -> None:
    """Replicas, refresh interval and the total-fields guard are the deployment's; 1 shard."""
    options = TemplateOptions(replicas=2, refresh_interval="30s", total_fields_limit=2000)
    index = _by_name(options)["universal-ai-tools-settings"]["template"]["settings"]["index"]  # type: ignore[index]
    expected = {
        "number_of_shards": 1,
        "number_of_replicas": 2,
        "refresh_interval": "30s",
        "mapping": {
            "total_fields": {"limit": 2000, "ignore_dynamic_beyond_limit": True},
            "ignore_malformed": True,
            "depth": {"limit": 20},
        },
    }
    assert expected == index


def test_prefix_renames_every_template() -> None:
    """Another index prefix renames the templates and their pattern consistently."""
    names = list(_by_name(TemplateOptions(index_prefix="logs-x-")))
    assert ["logs-x-settings", "logs-x-ecs", "logs-x-app", "logs-x"] == names


def test_checksum_is_stable_and_sensitive() -> None:
    """The same options give the same checksums; a changed option changes only its template."""
    first = render_templates(TemplateOptions())
    again = render_templates(TemplateOptions())
    other = render_templates(TemplateOptions(replicas=1))
    assert [t.checksum for t in first] == [t.checksum for t in again]
    assert [False, True, True, True] == [
        a.checksum == b.checksum for a, b in zip(first, other, strict=True)
    ]


def test_flattened_payloads_and_fallback() -> None:
    """data/meta/context and Beats `fields` are flattened; the fallback disables them."""
    templates = render_templates(TemplateOptions())
    assert ["fields", "data", "meta", "context"] == flattened_fields(templates)
    fallback = render_templates(TemplateOptions(flattened=False))
    assert [] == flattened_fields(fallback)
    app = {t.name: t.body for t in fallback}["universal-ai-tools-app"]
    assert FLATTENED_FALLBACK == app["template"]["mappings"]["properties"]["data"]


def test_aliases_for_old_logstash_names() -> None:
    """`level`, `environment`, `log_message` and `timestamp` are aliases of the ECS fields."""
    ecs = _by_name(TemplateOptions())["universal-ai-tools-ecs"]
    props = ecs["template"]["mappings"]["properties"]  # type: ignore[index]
    aliases = {k: v["path"] for k, v in props.items() if v.get("type") == "alias"}
    expected = {
        "level": "log.level",
        "environment": "service.environment",
        "log_message": "message",
        "timestamp": "@timestamp",
    }
    assert expected == aliases


def test_bad_refresh_interval_is_refused() -> None:
    """A refresh interval Elasticsearch would reject is refused before any request."""
    with pytest.raises(ValueError, match="refresh_interval"):
        TemplateOptions(refresh_interval="soon")


def test_broken_template_file_names_the_file(tmp_path: Path) -> None:
    """A template file that is not JSON stops setup, naming the file."""
    (tmp_path / "component").mkdir()
    bad = tmp_path / "component" / "universal-ai-tools-settings.json"
    bad.write_text("{nope", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(str(bad))):
        render_templates(TemplateOptions(), tmp_path)


@pytest.mark.parametrize("version", [(7, 17, 9), (8, 12, 2), (10, 0, 0), (6, 8, 0)])
def test_unsupported_versions_are_refused(version: tuple[int, int, int]) -> None:
    """Servers older than 8.13 or newer than 9.x are refused, naming the version found."""
    with pytest.raises(UnsupportedServer) as error:
        check_version(version)
    assert ".".join(map(str, version)) in str(error.value)
    assert "8.13" in str(error.value)


@pytest.mark.parametrize("version", [(8, 13, 0), (8, 19, 4), (9, 1, 0)])
def test_supported_versions_pass(version: tuple[int, int, int]) -> None:
    """8.13 .. 9.x are accepted."""
    assert check_version(version) is None


def test_create_data_view_request_with_api_key() -> None:
    """POST /api/data_views/data_view, kbn-xsrf, ApiKey auth, the view with @timestamp."""
    request = create_data_view_request(
        "https://kibana:5601/", DataView(), KibanaAuth(api_key="a2V5"), space="ops"
    )
    assert ("POST", "https://kibana:5601/s/ops/api/data_views/data_view") == (
        request.method,
        request.url,
    )
    assert "ApiKey a2V5" == request.headers["Authorization"]
    assert "kbn-xsrf" in request.headers
    assert request.body is not None
    expected = {
        "data_view": {
            "id": "universal-ai-tools",
            "title": "universal-ai-tools-*",
            "name": "universal-ai-tools",
            "timeFieldName": "@timestamp",
            "allowNoIndex": True,
        },
        "override": False,
    }
    assert expected == orjson.loads(request.body)


def test_get_data_view_request_with_basic_auth() -> None:
    """GET by id, basic auth built from user and password, no body."""
    request = get_data_view_request(
        "http://127.0.0.1:5601", DataView(), KibanaAuth(user="elastic", password="p:w")
    )
    token = base64.b64encode(b"elastic:p:w").decode()
    assert ("GET", "http://127.0.0.1:5601/api/data_views/data_view/universal-ai-tools") == (
        request.method,
        request.url,
    )
    assert (f"Basic {token}", None) == (request.headers["Authorization"], request.body)


def test_ndjson_export_is_valid_and_matches_the_templates() -> None:
    """Each line is JSON; the one index-pattern covers the index template's pattern."""
    lines = [orjson.loads(line) for line in NDJSON.read_bytes().splitlines()]
    assert 2 == len(lines)
    assert 1 == lines[1]["exportedCount"]
    view = load_ndjson_data_view(NDJSON)
    index = render_templates(TemplateOptions())[-1].body
    assert DataView() == view
    assert [view.title] == index["index_patterns"]


def test_ndjson_without_index_pattern_is_refused(tmp_path: Path) -> None:
    """A file with no data view in it is reported, naming the file."""
    path = tmp_path / "x.ndjson"
    path.write_bytes(b'{"type": "dashboard", "id": "d", "attributes": {}}\n')
    with pytest.raises(ConfigError, match=r"x\.ndjson"):
        load_ndjson_data_view(path)


def test_the_index_template_also_covers_an_index_patterns_names() -> None:
    """[enrich] index's names (e.g. filebeat-*) are in the index template's index_patterns,
    after the prefix's own (the fallback index's)."""
    options = TemplateOptions(index_prefix="logs-", extra_patterns=["filebeat-*", "logs-*"])
    assert ["logs-*", "filebeat-*"] == _by_name(options)["logs"]["index_patterns"]
