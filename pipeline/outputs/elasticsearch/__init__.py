"""The Elasticsearch bulk sink, split by job (encoder, classifier, service, health, output).

Only :class:`ElasticsearchOutput` and its config are the public surface; the pure pieces are
exported for tests and the benchmark. Names load on first use (module ``__getattr__``): the
config model alone (what ``pipeline.config`` needs) does not import aiohttp.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline._lazy import lazy_exports

if TYPE_CHECKING:
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
    from pipeline.outputs.elasticsearch._output import ElasticsearchOutput
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
    "check_health",
    "classify_item",
    "classify_response",
    "gzip_body",
    "join",
]

_WHERE = {
    "BulkOutcome": "_classifier",
    "ItemOutcome": "_classifier",
    "Verdict": "_classifier",
    "classify_item": "_classifier",
    "classify_response": "_classifier",
    "ElasticsearchOutputConfig": "_config",
    "BulkEncoder": "_encoder",
    "BulkItem": "_encoder",
    "join": "_encoder",
    "ClusterInfo": "_health",
    "check_health": "_health",
    "Ledger": "_ledger",
    "ElasticsearchOutput": "_output",
    "BulkService": "_service",
    "gzip_body": "_service",
}


__getattr__ = lazy_exports(__name__, _WHERE)
