"""Unmapped keys go to the app namespace; data/meta/context stay top-level for `flattened`."""

from __future__ import annotations

from pipeline.steps import EnrichConfig
from tests.pipeline.steps.helpers import enrich


def test_unknown_keys_go_to_app_namespace() -> None:
    """Keys with no ECS home are kept, under `app`."""
    doc = enrich({"orderId": "o-1", "amount": 12.5, "nested": {"a": 1}})
    assert {"orderId": "o-1", "amount": 12.5, "nested": {"a": 1}} == doc["app"]


def test_namespace_is_configurable() -> None:
    """`app_namespace` renames the object."""
    doc = enrich({"orderId": "o-1"}, config=EnrichConfig(app_namespace="labels_app"))
    assert {"orderId": "o-1"} == doc["labels_app"]


def test_payload_object_and_string_both_indexable() -> None:
    """data as an object stays as is; data as a string is wrapped as {"value": ...}."""
    assert {"user": {"id": 7}} == enrich({"data": {"user": {"id": 7}}})["data"]
    assert {"value": "plain"} == enrich({"data": "plain"})["data"]
    assert {"value": 3} == enrich({"meta": 3})["meta"]
    assert {"value": ["a", "b"]} == enrich({"context": ["a", "b"]})["context"]


def test_null_payload_is_dropped() -> None:
    """`data: null` carries nothing and is not indexed."""
    assert "data" not in enrich({"data": None})


def test_metadata_working_keys_are_removed() -> None:
    """After the chain @metadata no longer holds the log's working keys."""
    meta = enrich({"x": 1})["@metadata"]
    assert "log_fields" not in meta


def test_alias_names_never_stay_at_the_root() -> None:
    """Top-level level/log_message/timestamp (aliases in the template) are used or moved to app."""
    doc = enrich({}, level="WARN", log_message="old", timestamp="t")
    assert "warn" == doc["log"]["level"]
    assert {"log_message": "old", "timestamp": "t"} == doc["app"]
    assert not {"level", "environment", "log_message", "timestamp"} & doc.keys()
