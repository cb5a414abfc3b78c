"""Outputs: where events end up. Elasticsearch (``pipeline.outputs.elasticsearch``), and Kafka
(``pipeline.outputs.kafka``) for ``serve --beats-to-kafka``.

The re-exports load on first use, so importing a config model from a subpackage does not
bring in the HTTP stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline._lazy import lazy_exports

if TYPE_CHECKING:
    from pipeline.outputs.elasticsearch import ElasticsearchOutput, ElasticsearchOutputConfig

__all__ = ["ElasticsearchOutput", "ElasticsearchOutputConfig"]


__getattr__ = lazy_exports(__name__, dict.fromkeys(__all__, "elasticsearch"))
