"""An in-process Kafka worker for the integration tests: KafkaInput -> the real chain ->
Elasticsearch on the runtime, so a test can watch the input while it runs (the process-level
tests run ``lumberyard serve --kafka`` itself). Settings: ``bootstrap``, ``topic``, ``group``,
``es_url``, ``prefix`` (index prefix), ``dlq_dir``, optional ``input`` / ``output`` (extra
KafkaInputConfig / ElasticsearchOutputConfig fields) and ``parsers`` (the ``[parsers]``
section: multiline joins raw lines by default, as in ``serve``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from pipeline.config import LumberyardConfig
from pipeline.connections import EsConnection
from pipeline.dlq import DeadLetterQueue
from pipeline.inputs.kafka import KafkaInput, KafkaInputConfig
from pipeline.outputs.elasticsearch import ElasticsearchOutput, ElasticsearchOutputConfig
from pipeline.runtime import Chain, Runtime
from pipeline.steps import build_steps


def make_input(
    settings: dict[str, Any], dlq: DeadLetterQueue, lumberyard: LumberyardConfig
) -> KafkaInput:
    """The input as ``serve`` builds it (``[parsers.multiline]`` and its pattern budget)."""
    config = KafkaInputConfig(
        bootstrap_servers=settings["bootstrap"], topics=[settings["topic"]],
        group=settings["group"], **settings.get("input", {}),
    )
    parsers = lumberyard.parsers
    return KafkaInput(config, dlq, multiline=parsers.multiline,
                      pattern_timeout_secs=parsers.pattern_timeout_secs)


async def work(
    settings: dict[str, Any], until: asyncio.Event, started: list[KafkaInput] | None = None
) -> KafkaInput:
    """Run the pipeline until ``until`` is set; returns the input (its counters)."""
    config = LumberyardConfig.model_validate({"enrich": {"index_prefix": settings["prefix"]},
                                              "parsers": settings.get("parsers", {})})
    chain = Chain(build_steps(config))
    dlq = DeadLetterQueue(Path(settings["dlq_dir"]))
    sink = ElasticsearchOutput(
        ElasticsearchOutputConfig(max_events=2000, flush_interval_secs=0.2,
                                  **settings.get("output", {})),
        EsConnection(url=settings["es_url"]), dlq,
    )
    source = make_input(settings, dlq, config)
    if started is not None:
        started.append(source)

    runtime = Runtime([source], chain, sink)

    async def stop_when_told() -> None:
        await until.wait()
        runtime.stop()

    stopper = asyncio.ensure_future(stop_when_told())
    try:
        await runtime.run()  # drains on stop: input stopped, output flushed, then closed
    finally:
        stopper.cancel()
        dlq.close()
    return source

