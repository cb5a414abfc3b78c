"""A reprocess job: what to apply and where to send it, picklable so workers can rebuild it.

Workers rebuild the live pipeline's chain from the same config file (``build_steps``), so a
reprocessed line becomes exactly the document the stream workers would have made. Filters
(``--since/--until/--service/--environment``) are one more step at the end of the chain;
their drops are counted intentional drops.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pipeline.connections import DEFAULT_DATA_DIR, EsConnection, KafkaConnection
from pipeline.reprocess._state import job_key
from pipeline.reprocess._targets import DryRunOutput, KafkaLinesOutput
from pipeline.runtime import Chain, Output

if TYPE_CHECKING:
    from pipeline.config import LumberyardConfig
    from pipeline.inputs import Joiner, StartsEvent

Target = Literal["elasticsearch", "dry-run", "kafka"]


@dataclass(frozen=True)
class Job:
    """Everything a worker needs; plain data only (sent to spawned processes)."""

    target: Target
    config_path: str | None = None
    index_prefix: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    services: tuple[str, ...] = ()
    environments: tuple[str, ...] = ()
    es: dict[str, Any] | None = None
    kafka_bootstrap: str = "127.0.0.1:9092"
    topic: str | None = None
    data_dir: str = DEFAULT_DATA_DIR
    state_path: str | None = None
    setup: bool = True
    """Install the index template when it is missing (``--no-setup``: leave it)."""
    cluster: str | None = None
    """The Elasticsearch cluster's uuid, when it tells it: scopes checkpoints instead of the URL."""

    @property
    def filtering(self) -> bool:
        """Whether any filter is set (the Kafka target then runs the chain to apply them)."""
        return any((self.since, self.until, self.services, self.environments))

    @property
    def job(self) -> str:
        """The checkpoint scope: the target and the filters, not the run options. For
        Elasticsearch the target is the cluster (its uuid), whatever URL reached it."""
        es_target = self.cluster or (self.es or {}).get("url")
        where = (
            (self.topic, self.kafka_bootstrap)
            if self.target == "kafka"
            else (es_target, load(self).enrich.index_prefix)
        )
        filters = (self.since, self.until, self.services, self.environments)
        return job_key(self.target, *where, *filters)


_CONFIGS: dict[tuple[str | None, str | None], LumberyardConfig] = {}


def load(job: Job) -> LumberyardConfig:
    """The job's config (cached per process), with ``--index-prefix`` applied."""
    key = (job.config_path, job.index_prefix)
    if key not in _CONFIGS:
        from pipeline.config import load_config  # noqa: PLC0415 - not needed until a job runs

        config = load_config(Path(job.config_path) if job.config_path else None)
        if job.index_prefix is not None:
            enrich = config.enrich.model_validate(
                {**config.enrich.model_dump(), "index_prefix": job.index_prefix}
            )
            config = config.model_copy(update={"enrich": enrich})
        _CONFIGS[key] = config
    return _CONFIGS[key]


def build_chain(job: Job) -> Chain:
    """The live chain (parse -> enrich -> route -> id) plus the job's filters."""
    from pipeline.steps import build_steps, filter_events  # noqa: PLC0415 - compiles grammars

    steps = build_steps(load(job))
    if job.filtering:
        steps.append(
            filter_events(
                since=job.since,
                until=job.until,
                services=job.services or None,
                environments=job.environments or None,
            )
        )
    return Chain(steps)


def build_joiner(job: Job) -> Callable[[], Joiner] | None:
    """A factory of multiline joiners when the config asks for multiline, else ``None``."""
    multiline = load(job).parsers.multiline
    if multiline is None:
        return None
    from parsers import MultilineJoiner  # noqa: PLC0415

    budget = load(job).parsers.pattern_timeout_secs

    def make() -> Joiner:
        joiner: Joiner = MultilineJoiner(multiline, budget)
        return joiner

    return make


def event_starts(job: Job) -> StartsEvent | None:
    """For ``match = "after"`` multiline: the test telling a line that begins an event (a
    line that is not a continuation), so files can be split on event bounds. ``None`` when
    there is no multiline or bounds depend on the line before (``match = "before"``)."""
    multiline = load(job).parsers.multiline
    if multiline is None or multiline.match != "after":
        return None
    from parsers import MultilineJoiner  # noqa: PLC0415

    budget = load(job).parsers.pattern_timeout_secs
    return MultilineJoiner[int](multiline, budget).starts_event


def max_line_bytes(job: Job) -> int:
    """The line cap the file input applies while reading (``parsers.max_line_bytes``)."""
    return load(job).parsers.max_line_bytes


def splittable(job: Job) -> bool:
    """Whether files may be cut into ranges: no multiline, or multiline with event bounds."""
    return load(job).parsers.multiline is None or event_starts(job) is not None


def build_output(job: Job) -> Output:
    """The job's target: Elasticsearch (with the DLQ under the data dir), dry run or Kafka."""
    if job.target == "dry-run":
        return DryRunOutput()
    if job.target == "kafka":
        return KafkaLinesOutput(job.kafka_bootstrap, job.topic or "")
    from pipeline.outputs.elasticsearch import ElasticsearchOutput  # noqa: PLC0415

    config = load(job)
    kafka = KafkaConnection(bootstrap_servers=job.kafka_bootstrap)
    dlq = config.dlq.open(Path(job.data_dir), kafka)
    return ElasticsearchOutput(config.elasticsearch, EsConnection(**(job.es or {})), dlq)
