"""One ``serve`` process: the enabled inputs through the chain into Elasticsearch, on the
runtime, until SIGTERM/SIGINT drains it.

The inputs are built in one place (:func:`build_inputs`): a new live input plugs in there.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.config import LumberyardConfig
from pipeline.dlq import DeadLetterQueue
from pipeline.errors import ConfigError
from pipeline.observe import TaggingProcessor, worker_heartbeat
from pipeline.outputs.elasticsearch import BulkService, ElasticsearchOutput
from pipeline.runtime import Chain, Input, Outcome, Runtime, run_until_signalled
from pipeline.serve._template import check_elasticsearch
from pipeline.steps import build_steps

if TYPE_CHECKING:
    from pipeline.outputs.kafka import KafkaOutput

log = logging.getLogger("lumberyard.serve")


def build_inputs(config: LumberyardConfig, dlq: DeadLetterQueue) -> list[Input]:
    """The live inputs the config enables (``[inputs.beats]``, ``[inputs.kafka]``)."""
    inputs: list[Input] = []
    if config.inputs.beats.enabled:
        from pipeline.inputs.beats import BeatsInput  # noqa: PLC0415 - only what is enabled

        inputs.append(BeatsInput(config.inputs.beats))
    if config.inputs.kafka.enabled:
        from pipeline.inputs.kafka import KafkaInput  # noqa: PLC0415

        kafka = config.inputs.kafka
        if kafka.bootstrap_servers is None:
            kafka = kafka.model_copy(update={"bootstrap_servers": config.kafka.bootstrap_servers})
        inputs.append(KafkaInput(kafka, dlq, multiline=config.parsers.multiline,
                                 pattern_timeout_secs=config.parsers.pattern_timeout_secs))
    if not inputs:
        raise ConfigError("serve: no input is enabled (--no-beats, or [inputs.beats] "
                          "enabled = false, and [inputs.kafka] enabled is not true)")
    return inputs


def startup(config: LumberyardConfig, *, setup: bool) -> None:
    """Fail fast, before any worker starts: no input enabled, a grammar that does not
    compile, Elasticsearch unreachable or refusing us; then the index template (``setup``)."""
    if not (config.inputs.beats.enabled or config.inputs.kafka.enabled):
        raise ConfigError("serve: no input is enabled (--no-beats, or [inputs.beats] "
                          "enabled = false, and [inputs.kafka] enabled is not true)")
    if config.beats_to_kafka.enabled:
        _check_beats_to_kafka(config)
        return  # nothing goes to Elasticsearch from this process
    build_steps(config)
    connection = config.elasticsearch.connection()

    async def check() -> list[str]:
        service = BulkService(connection, config.elasticsearch)
        try:
            return await check_elasticsearch(connection, service, config.enrich.index_prefix,
                                              setup=setup,
                                              extra=config.enrich.template_patterns())
        finally:
            await service.close()

    for line in asyncio.run(check()):
        log.info("%s", line)


async def serve_once(
    config: LumberyardConfig, data_dir: Path, drain_timeout_secs: float, worker: int = 0
) -> Outcome:
    """Run the enabled inputs until a signal drains them; the outcome of the run."""
    dlq = config.dlq.open(data_dir, config.kafka)
    output: ElasticsearchOutput | KafkaOutput
    if config.beats_to_kafka.enabled:  # raw events to a topic: no steps, no Elasticsearch
        output, chain = _beats_to_kafka_output(config, dlq), Chain([])
        target = f"Kafka topic {config.beats_to_kafka.topic}"
    else:
        output = ElasticsearchOutput(config.elasticsearch, config.elasticsearch.connection(),
                                     dlq)
        chain, target = Chain(build_steps(config)), config.elasticsearch.connection().describe()
    try:
        inputs = build_inputs(config, dlq)
        processor = TaggingProcessor(chain)  # counts parse-failure tags for /metrics
        runtime = Runtime(inputs, processor, output, drain_timeout_secs=drain_timeout_secs)
        heartbeat = worker_heartbeat(worker, runtime=runtime, processor=processor,
                                     output=output, dlq=dlq, inputs=inputs)
        log.info("worker %d: serving %s into %s", worker,
                 ", ".join(_describe(source) for source in inputs), target)
        if heartbeat is not None:
            heartbeat.start()
        try:
            outcome = await run_until_signalled(runtime)
        finally:
            if heartbeat is not None:
                await heartbeat.stop()
    finally:
        dlq.close()
    for state in outcome.inputs.values():
        log.info("worker %d: input %s", worker, state.summary())
    log.info("worker %d: output %s", worker, output.report().replace("\n", "; "))
    return outcome


def _check_beats_to_kafka(config: LumberyardConfig) -> None:
    """The Beats -> Kafka mode takes the Beats input alone (its workers run elsewhere)."""
    if not config.inputs.beats.enabled:
        raise ConfigError("serve: [beats_to_kafka] (--beats-to-kafka) needs the Beats input")
    if config.inputs.kafka.enabled:
        raise ConfigError("serve: [beats_to_kafka] (--beats-to-kafka) publishes Beats events "
                          "to Kafka; run the Kafka input (--kafka) in another serve")


def _beats_to_kafka_output(config: LumberyardConfig, dlq: DeadLetterQueue) -> KafkaOutput:
    from pipeline.outputs.kafka import KafkaOutput  # noqa: PLC0415 - only in this mode

    settings = config.beats_to_kafka
    if settings.bootstrap_servers is None:
        settings = settings.model_copy(
            update={"bootstrap_servers": config.kafka.bootstrap_servers})
    return KafkaOutput(settings, dlq)


def _describe(source: Input) -> str:
    config = getattr(source, "config", None)
    host, port = getattr(config, "host", None), getattr(config, "port", None)
    return f"{source.name} on {host}:{port}" if host is not None else source.name
