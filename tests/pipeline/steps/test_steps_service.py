"""service.name / service.environment / service.version: precedence and string forms."""

from __future__ import annotations

import pytest

from pipeline.steps import EnrichConfig
from tests.pipeline.steps.helpers import enrich


def test_shipper_fields_win_over_log_and_default() -> None:
    """Filebeat's fields.service/environment beat the log's own keys; fields is then dropped."""
    doc = enrich(
        {"service": "from-log", "environment": "staging"},
        fields={"service": "from-beats", "environment": "production"},
    )
    assert {"name": "from-beats", "environment": "production"} == doc["service"]
    assert "fields" not in doc
    assert "app" not in doc


def test_log_keys_win_over_defaults() -> None:
    """Without shipper fields, the log's service/environment are used."""
    doc = enrich({"service": "auth-service", "environment": "staging"})
    assert {"name": "auth-service", "environment": "staging"} == doc["service"]


def test_defaults_apply_last() -> None:
    """With neither, the configured defaults fill both."""
    config = EnrichConfig(default_service="svc", default_environment="dev")
    doc = enrich({}, config=config)
    assert {"name": "svc", "environment": "dev"} == doc["service"]


def test_other_shipper_fields_are_kept() -> None:
    """Filebeat fields other than service/environment stay under `fields`."""
    doc = enrich({}, fields={"service": "s", "team": "payments"})
    assert {"team": "payments"} == doc["fields"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(42, "42"), (3.5, "3.5"), (True, "true"), ({"name": "obj-svc"}, "obj-svc"), (" x ", "x")],
)
def test_non_string_service_becomes_its_string_form(value: object, expected: str) -> None:
    """A number (or bool, or {"name": ...} object) as service becomes a string name."""
    assert expected == enrich({"service": value})["service"]["name"]


def test_empty_or_unusable_service_falls_through() -> None:
    """An empty string or a list is no name: the default is used and nothing goes to app."""
    assert "unknown" == enrich({"service": ""})["service"]["name"]
    assert "unknown" == enrich({"service": ["a"]})["service"]["name"]


def test_env_spelling_and_version_string() -> None:
    """`env` counts as the environment; a numeric version is stored as a string."""
    doc = enrich({"env": "qa", "version": 2})
    assert {"name": "unknown", "environment": "qa", "version": "2"} == doc["service"]


def test_root_level_shipper_fields_are_used_and_removed() -> None:
    """Filebeat's fields_under_root puts service/environment at the top: used after fields.*."""
    doc = enrich({"service": "from-log"}, service="root-svc", environment="staging")
    assert {"name": "root-svc", "environment": "staging"} == doc["service"]
    assert "environment" not in doc


def test_a_logs_service_object_gives_its_environment() -> None:
    """A log's own service.environment beats the configured default (it was indexed under
    app.service.environment while service.environment said "production")."""
    doc = enrich({"service": {"name": "auth", "environment": "staging", "version": "1.2"}})
    assert ({"name": "auth", "environment": "staging", "version": "1.2"}, None) == (
        doc["service"], doc.get("app"))


def test_a_top_level_environment_wins_over_the_service_objects() -> None:
    """The log's environment key comes first; the object's then stays in app.service, kept."""
    doc = enrich({"environment": "qa", "service": {"name": "auth", "environment": "staging"}})
    assert ("qa", {"service": {"environment": "staging"}}) == (
        doc["service"]["environment"], doc.get("app"))


def test_shipper_fields_win_over_the_service_objects_environment() -> None:
    """fields.environment (the Logstash config's source) still comes first."""
    doc = enrich({"service": {"name": "auth", "env": "x", "environment": "staging"}},
                 fields={"environment": "production"})
    assert "production" == doc["service"]["environment"]
