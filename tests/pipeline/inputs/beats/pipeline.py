"""The Beats input wired to the real chain and the real Elasticsearch output, in-process, for
the tests that claim delivery (they count documents in Elasticsearch)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from pipeline.config import LumberyardConfig
from pipeline.connections import EsConnection
from pipeline.dlq import DeadLetterQueue
from pipeline.inputs.beats import BeatsInput, BeatsInputConfig
from pipeline.outputs.elasticsearch import ElasticsearchOutput, ElasticsearchOutputConfig
from pipeline.runtime import Chain
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
        self._task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        return self.beats.port

    async def __aenter__(self) -> Pipeline:
        await self.beats.start()
        self._task = asyncio.create_task(self._run())
        return self

    async def _run(self) -> None:
        """The runtime's loop in miniature: input -> chain -> output, until the input stops."""
        async for batch in self.beats.batches():
            await self.output.write(self.chain.apply(batch))
        await self.output.flush()
        await self.beats.close()

    async def __aexit__(self, *exc: object) -> None:
        await self.beats.stop()
        assert self._task is not None
        try:
            await self._task
        finally:
            await self.output.close()
