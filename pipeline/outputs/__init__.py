"""Outputs: where events end up. Today one, Elasticsearch (``pipeline.outputs.elasticsearch``).

The re-exports load on first use, so importing a config model from a subpackage does not
bring in the HTTP stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.outputs.elasticsearch import ElasticsearchOutput, ElasticsearchOutputConfig

__all__ = ["ElasticsearchOutput", "ElasticsearchOutputConfig"]


def __getattr__(name: str) -> Any:
    """Load ``name`` from :mod:`pipeline.outputs.elasticsearch` on first access."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from pipeline.outputs import elasticsearch  # noqa: PLC0415 - the point: on first use

    value = getattr(elasticsearch, name)
    globals()[name] = value
    return value
