"""The Elasticsearch bulk sink, split by job (encoder, classifier, service, health, output).

Only :class:`ElasticsearchOutput` and its config are the public surface; the pure pieces are
exported for tests and the benchmark.
"""

from __future__ import annotations

from pipeline.outputs.elasticsearch._classifier import (
    BulkOutcome,
    ItemOutcome,
    Verdict,
    classify_item,
    classify_response,
)
from pipeline.outputs.elasticsearch._config import ElasticsearchOutputConfig
from pipeline.outputs.elasticsearch._encoder import BulkEncoder, BulkItem, join
from pipeline.outputs.elasticsearch._health import ClusterInfo, check_health
from pipeline.outputs.elasticsearch._ledger import Ledger
from pipeline.outputs.elasticsearch._output import ElasticsearchOutput, backoff_delay
from pipeline.outputs.elasticsearch._service import BulkService, gzip_body

__all__ = [
    "BulkEncoder",
    "BulkItem",
    "BulkOutcome",
    "BulkService",
    "ClusterInfo",
    "ElasticsearchOutput",
    "ElasticsearchOutputConfig",
    "ItemOutcome",
    "Ledger",
    "Verdict",
    "backoff_delay",
    "check_health",
    "classify_item",
    "classify_response",
    "gzip_body",
    "join",
]
