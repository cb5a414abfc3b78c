"""Until ``lumberyard serve`` is on main: the same wiring in one process, for the interop tests.

``python -c 'from tests.interop.harness import main; main()' CONFIG DATA_DIR`` runs the
Beats input of CONFIG through the live chain (``build_steps``) into the Elasticsearch output
with its DLQ under DATA_DIR, until SIGTERM. Only library code of lumberyard runs here; the
interop tests switch to ``serve`` itself as soon as it exists (see ``serve.py``).
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path


async def _run(config_path: Path, data_dir: Path) -> None:
    from pipeline.config import load_config
    from pipeline.inputs.beats import BeatsInput
    from pipeline.outputs.elasticsearch import ElasticsearchOutput
    from pipeline.runtime import Chain
    from pipeline.steps import build_steps

    config = load_config(config_path)
    source = BeatsInput(config.inputs.beats)
    chain = Chain(build_steps(config))
    dlq = config.dlq.open(data_dir)
    sink = ElasticsearchOutput(config.elasticsearch, config.elasticsearch.connection(), dlq)
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stopping.set)

    async def pump() -> None:
        async for batch in source.batches():
            await sink.write(chain.apply(batch))

    task = asyncio.create_task(pump())
    await stopping.wait()
    await source.stop()
    await task
    await sink.flush()
    await sink.close()
    await source.close()


def main() -> None:
    """Entry point: CONFIG DATA_DIR."""
    asyncio.run(_run(Path(sys.argv[1]), Path(sys.argv[2])))
