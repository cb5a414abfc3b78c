"""The Beats input wired by the real runtime to the real chain and the real Elasticsearch
output, in-process, for the tests that claim delivery (they count documents in Elasticsearch)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from pipeline.config import LumberyardConfig
from pipeline.connections import EsConnection
from pipeline.dlq import DeadLetterQueue
from pipeline.inputs.beats import BeatsInput, BeatsInputConfig
from pipeline.outputs.elasticsearch import ElasticsearchOutput, ElasticsearchOutputConfig
from pipeline.runtime import Chain, Outcome, Runtime
from pipeline.steps import EnrichConfig, build_steps


class Pipeline:
    """``async with Pipeline(...) as p``: BeatsInput -> full chain -> ElasticsearchOutput,
    on 127.0.0.1 and a free port; on exit the input stops, the output flushes and closes."""

    def __init__(
        self, es_url: str, prefix: str, dlq_dir: Path, *,
        beats: dict[str, Any] | None = None, output: dict[str, Any] | None = None,
    ) -> None:
        config = LumberyardConfig(enrich=EnrichConfig(index_prefix=prefix))
        self.beats = BeatsInput(BeatsInputConfig(host="127.0.0.1", port=0, **(beats or {})))
        self.chain = Chain(build_steps(config))
        settings = {"max_events": 1000, "flush_interval_secs": 0.2} | (output or {})
        self.output = ElasticsearchOutput(
            ElasticsearchOutputConfig(**settings), EsConnection(url=es_url),
            DeadLetterQueue(dlq_dir),
        )
        self.runtime = Runtime([self.beats], self.chain, self.output)
        self._task: asyncio.Task[Outcome] | None = None

    @property
    def port(self) -> int:
        return self.beats.port

    async def __aenter__(self) -> Pipeline:
        await self.beats.start()
        self._task = asyncio.create_task(self.runtime.run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Drain as on SIGTERM: the input stops, what was read is delivered and ACKed."""
        self.runtime.stop()
        assert self._task is not None
        outcome = await self._task
        assert (False, None) == (outcome.timed_out, outcome.output_error)
