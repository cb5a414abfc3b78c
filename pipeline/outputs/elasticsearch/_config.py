"""Settings of the Elasticsearch bulk sink, with the defaults the benchmark picked.

Every field carries a description and a default so the README's configuration reference can be
generated from this model. Sizes are bytes, durations seconds (``*_secs``).

Defaults from ``python -m bench.bench_sink`` (200k enriched events, one 1 GiB ES node, 2 shared
cores): Elasticsearch's CPU per document falls from ~40-78 us at 500 events/request to ~24-30 us
from 2000 on and is flat beyond (5000 x 2 in flight was fastest, 18k docs/s); more requests in
flight buy nothing when ES is CPU-bound on the same cores; the sink itself costs ~5 us/doc and
gzip adds ~2 us/doc and more ES CPU, so it is off for local clusters.
"""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

MIB = 1024 * 1024


class ElasticsearchOutputConfig(BaseModel):
    """How the sink batches, bounds memory, compresses and retries bulk requests."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(
        default="elasticsearch", description="Name of this output in counters and logs."
    )
    max_events: int = Field(
        default=5000, gt=0, description="A bulk request is sent once it holds this many events."
    )
    max_bytes: int = Field(
        default=10 * MIB,
        gt=0,
        description="A bulk request is sent once its body reaches this many bytes.",
    )
    flush_interval_secs: float = Field(
        default=1.0,
        gt=0,
        description="A partly filled bulk request is sent after at most this long.",
    )
    idle_flush_secs: float = Field(
        default=0.02,
        gt=0,
        description="A partly filled bulk request is sent once no event was added to it for "
        "this long (Logstash's pipeline.batch.delay): a Beats window, which its client resends "
        "only after the ACK, is not held for the whole flush interval; a busy input still "
        "fills whole requests.",
    )
    max_in_flight: int = Field(
        default=2, gt=0, description="Bulk requests outstanding at once against Elasticsearch."
    )
    gzip: bool = Field(
        default=False, description="Compress request bodies (Content-Encoding: gzip)."
    )
    gzip_level: int = Field(default=1, ge=1, le=9, description="gzip level when gzip is on.")
    buffer_max_bytes: int = Field(
        default=64 * MIB,
        gt=0,
        description="Encoded events held (queued, in flight, retrying) before write() waits: "
        "the backpressure bound.",
    )
    retry_initial_backoff_secs: float = Field(
        default=0.1, gt=0, description="First wait before retrying a failed request or item."
    )
    retry_max_backoff_secs: float = Field(
        default=10.0, gt=0, description="Longest wait between retries (backoff doubles up to this)."
    )
    max_retries: int | None = Field(
        default=None,
        ge=0,
        description="Retries per request or item before it is dead-lettered; none = retry "
        "forever, as Logstash does, while backpressure holds the inputs.",
    )
    default_index: str | None = Field(
        default=None,
        description="Index for events without @metadata._index; none = such events are "
        "dead-lettered.",
    )

    @model_validator(mode="after")
    def _buffer_holds_a_request(self) -> Self:
        if self.buffer_max_bytes < self.max_bytes:
            raise ValueError(
                f"buffer_max_bytes ({self.buffer_max_bytes}) must be at least max_bytes "
                f"({self.max_bytes}) or no full request can ever be formed"
            )
        if self.retry_max_backoff_secs < self.retry_initial_backoff_secs:
            raise ValueError("retry_max_backoff_secs must be >= retry_initial_backoff_secs")
        return self
