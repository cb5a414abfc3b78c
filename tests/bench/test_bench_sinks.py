"""The Elasticsearch sink's reset leaves the cluster as a shipper would find it alone."""

from __future__ import annotations

import pytest
from elasticsearch import Elasticsearch

from bench.sinks import ElasticsearchSink


@pytest.mark.integration
def test_reset_drops_the_indices_and_templates_of_the_prefix(
    es_url: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """Indices under the prefix and the index template (with its component templates) that
    targets them are gone; templates of other prefixes stay."""
    prefix, other = f"{unique_name}-", f"{unique_name}x-"
    es_client.cluster.put_component_template(name=f"{unique_name}-c", template={"settings": {}})
    es_client.indices.put_index_template(
        name=unique_name, index_patterns=[f"{prefix}*"], composed_of=[f"{unique_name}-c"]
    )
    es_client.indices.put_index_template(name=f"{unique_name}x", index_patterns=[f"{other}*"])
    es_client.index(index=f"{prefix}2025.09.12", document={"m": 1}, refresh=True)
    try:
        ElasticsearchSink(es_url).reset(prefix)
        left = (
            es_client.indices.exists(index=f"{prefix}2025.09.12").body,
            es_client.indices.exists_index_template(name=unique_name).body,
            es_client.cluster.exists_component_template(name=f"{unique_name}-c").body,
            es_client.indices.exists_index_template(name=f"{unique_name}x").body,
        )
    finally:
        es_client.indices.delete_index_template(name=f"{unique_name}x")
    assert (False, False, False, True) == left
