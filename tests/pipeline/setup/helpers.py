"""Cleaning up what an integration test installed under its own prefix."""

from __future__ import annotations

from elasticsearch import Elasticsearch


def remove_templates(es: Elasticsearch, prefix: str) -> None:
    """Delete the indices, index template and component templates of ``prefix``."""
    stem = prefix.rstrip("-")
    es.options(ignore_status=404).indices.delete(index=f"{prefix}*")
    es.options(ignore_status=404).indices.delete_index_template(name=stem)
    for part in ("settings", "ecs", "app"):
        es.options(ignore_status=404).cluster.delete_component_template(name=f"{stem}-{part}")
