"""Outputs: where events end up. Today one, Elasticsearch (``pipeline.outputs.elasticsearch``)."""

from __future__ import annotations

from pipeline.outputs.elasticsearch import ElasticsearchOutput, ElasticsearchOutputConfig

__all__ = ["ElasticsearchOutput", "ElasticsearchOutputConfig"]
