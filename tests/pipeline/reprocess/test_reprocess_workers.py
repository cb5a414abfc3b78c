"""How reprocess workers are started, and the collector settings they run with."""

from __future__ import annotations

import gc
import queue
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from pipeline.inputs import FileUnit
from pipeline.reprocess._run import _context
from pipeline.reprocess._worker import _QueueUnits
from pipeline.runtime import tune_gc_for_throughput
from pipeline.runtime._gc import YOUNG_THRESHOLD
from tests.pipeline.reprocess.archives import mixed_set
from tests.pipeline.reprocess.test_reprocess_integration import counts, reprocess


@pytest.fixture
def other_thread() -> Iterator[threading.Thread]:
    """A second thread alive for the duration of the test (like the progress refresher)."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    yield thread
    stop.set()
    thread.join()


def test_workers_are_forked_while_the_parent_has_one_thread() -> None:
    """With only the main thread alive a fork copies no lock another thread holds: fork."""
    alive = [t for t in threading.enumerate() if t is not threading.main_thread()]
    assert ([], "fork") == (alive, _context().get_start_method())


def test_workers_come_from_a_fork_server_while_other_threads_run(
    other_thread: threading.Thread,
) -> None:
    """With another thread alive, workers are forked from a clean fork server instead."""
    assert "forkserver" == _context().get_start_method()


def test_tuned_collector_freezes_start_up_objects_and_collects_less_often() -> None:
    """After tuning, start-up objects are frozen and young collections wait for 100k
    allocations; restored afterwards so the rest of the suite runs with the defaults."""
    before = gc.get_threshold()
    try:
        tune_gc_for_throughput()
        assert (YOUNG_THRESHOLD, 50, 100) == gc.get_threshold()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


@pytest.mark.integration
def test_with_the_progress_bar_the_fork_server_workers_index_everything(
    tmp_path: Path, es_url: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """``--progress bar`` runs a refresher thread, so the workers come from the fork server:
    every archive still lands in its daily index, once."""
    archives = mixed_set(tmp_path / "logs")
    prefix = f"{unique_name}-"
    done = reprocess(str(archives.root), "--index-prefix", prefix, "--workers", "2",
                     "--progress", "bar", es_url=es_url, data_dir=tmp_path / "data")
    assert 0 == done.returncode, done.stderr + done.stdout
    assert dict(archives.per_day) == counts(es_client, prefix)


class _Stalled:
    """A unit queue that has nothing for longer than any timeout a reader could pass, then
    the unit and the end marker (as a busy parent delivers them)."""

    def __init__(self, items: list[FileUnit | None]) -> None:
        self.items = items

    def get(self, block: bool = True, timeout: float | None = None) -> FileUnit | None:
        if timeout is not None:
            raise queue.Empty  # the stall outlasts the timeout
        return self.items.pop(0)


def test_a_worker_waits_for_the_end_marker_through_a_stall() -> None:
    """A stalled unit queue is not the end of the input: only the ``None`` marker is (a
    worker used to take a 5-second stall for the end and leave its units to no one)."""
    unit = FileUnit(path="/l/a.log", codec="plain", size=10, fingerprint="f")
    units = _QueueUnits(_Stalled([unit, None]))
    assert [unit, None] == [units.get(), units.get()]
