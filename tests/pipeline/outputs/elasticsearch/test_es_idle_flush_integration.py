"""A lone window is sent once its input falls quiet, not after the whole flush interval.

A Beats client sends its next window only after the ACK of the last one, so a window smaller
than a bulk request used to wait for ``flush_interval_secs`` (one window per second). Checked
on the REAL Elasticsearch: with an interval of an hour, only the idle flush can deliver.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from pipeline.runtime import Batch
from tests.pipeline.outputs.elasticsearch.test_es_output_integration import (
    app_events,
    count,
    make_output,
    prefix,
)

pytestmark = pytest.mark.integration
__all__ = ["prefix"]  # the fixture, imported for this module's tests

HOUR = 3600.0
GENEROUS_SECS = 120.0
"""Not a speed target: a bound so that a regression fails instead of hanging."""


def test_a_window_smaller_than_a_bulk_is_sent_when_the_input_is_quiet(
    es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """Each of three windows (one at a time, the next after the previous ACK, as Filebeat
    does) is indexed and acknowledged although no bulk request fills and no interval ends."""
    acked: list[int] = []

    async def client_like_filebeat() -> None:
        output = make_output(es_url, tmp_path, max_events=5000, flush_interval_secs=HOUR)
        for window in range(3):
            done = asyncio.Event()
            events = app_events(prefix, window * 100, 100)
            batch = Batch(events, ack=done.set, input_name="beats", stream="beats:peer#1")
            await output.write(batch)
            await asyncio.wait_for(done.wait(), GENEROUS_SECS)
            acked.append(window)
        await output.close()

    asyncio.run(client_like_filebeat())
    assert ([0, 1, 2], 300) == (acked, count(es_client, f"{prefix}-*"))
