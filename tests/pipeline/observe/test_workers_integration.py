"""`serve --workers N` observability: worker processes beat into a run directory, the parent's
endpoint sums their counters and judges their liveness from outside their loops."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from pipeline.observe import Endpoint, Probes, WorkerBoard
from pipeline.stack import free_port
from tests.pipeline.observe.test_endpoint_integration import get, live_status_becomes, samples

REPO = Path(__file__).resolve().parents[3]

WORKER = """
import asyncio, sys
from pathlib import Path
from pipeline.observe import FileSink, Heartbeat, Telemetry
from pipeline.runtime import Counters

index, received, run_dir = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
counters = Counters("kafka")
counters.received = received
counters.dropped["filtered"] = index + 1

async def main():
    beat = Heartbeat(Telemetry(inputs=lambda: [("kafka", counters)]), FileSink(run_dir, index),
                     interval_secs=0.1)
    beat.start()
    await asyncio.sleep(120)  # the test terminates it long before

asyncio.run(main())
"""


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Two worker processes (3 and 4 events received), terminated after the test."""
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(i), str(n), str(tmp_path)], cwd=REPO)
        for i, n in enumerate((3, 4))
    ]
    yield procs
    for proc in procs:
        os.kill(proc.pid, signal.SIGCONT)
        proc.terminate()
        proc.wait(timeout=30)


def test_parent_sums_workers_and_sees_a_stuck_one(
    tmp_path: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    """received adds up to 7 and drops to 1 + 2; a stopped worker (SIGSTOP: its
    loop cannot run) makes /health/live 503 naming it, and it recovers on SIGCONT."""
    endpoint = Endpoint(WorkerBoard.in_directory(tmp_path, 2), Probes(), port=free_port(),
                        stale_after_secs=1.0)
    endpoint.start()
    try:
        for _ in range(200):  # bounded wait for both workers' first heartbeat
            if all((tmp_path / f"worker-{i}.json").exists() for i in (0, 1)):
                break
            time.sleep(0.1)
        scraped = samples(get(f"{endpoint.url}/metrics")[1].decode())
        key = '{component="input",input="kafka"}'
        assert 7.0 == scraped[f"lumberyard_events_received_total{key}"]
        dropped = 'lumberyard_events_dropped_total{component="input",input="kafka",' \
            'reason="filtered"}'
        assert (3.0, 2.0, 0.0) == (
            scraped[dropped], scraped["lumberyard_workers"], scraped["lumberyard_workers_stale"]
        )
        assert 200 == live_status_becomes(200, endpoint)
        os.kill(workers[1].pid, signal.SIGSTOP)
        assert 503 == live_status_becomes(503, endpoint)
        message = orjson.loads(get(f"{endpoint.url}/health/live")[1])["message"]
        assert message.startswith("worker 1: last heartbeat ")
        os.kill(workers[1].pid, signal.SIGCONT)
        assert 200 == live_status_becomes(200, endpoint)
    finally:
        endpoint.stop()
