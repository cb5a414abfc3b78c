"""Planning: checkpoints are kept per job, resumed for the same file, dropped for a new one."""

from __future__ import annotations

import gzip
from pathlib import Path

from pipeline.reprocess import CheckpointStore, Splitting, job_key, make_plan

ONE_RANGE = Splitting(parts=1, min_bytes=1 << 20)


def _store(tmp_path: Path, job: str = "job") -> CheckpointStore:
    return CheckpointStore(tmp_path / "state" / "checkpoints.sqlite", job)


def _log(tmp_path: Path, name: str = "app.log", lines: int = 100) -> Path:
    path = tmp_path / name
    path.write_bytes(b"".join(b"line %d\n" % i for i in range(lines)))
    return path


def test_a_new_file_is_planned_from_its_start_and_stored(tmp_path: Path) -> None:
    """First sight: one unit from offset 0, and the state file now knows the file."""
    path = _log(tmp_path)
    store = _store(tmp_path)
    plan = make_plan([str(path)], store, ONE_RANGE)
    stored = store.ranges(str(path))
    assert ([0], [(0, False)]) == (
        [u.resume for u in plan.units],
        [(c.offset, c.finished) for c in stored],
    )


def test_a_checkpointed_file_resumes_and_a_finished_one_is_skipped(tmp_path: Path) -> None:
    """The acknowledged offset becomes the resume point; finished ranges are not read."""
    first, second = _log(tmp_path, "a.log"), _log(tmp_path, "b.log")
    store = _store(tmp_path)
    plan = make_plan([str(first), str(second)], store, ONE_RANGE)
    store.save(plan.units[0], 70, finished=False)
    store.save(plan.units[1], second.stat().st_size, finished=True)
    again = make_plan([str(first), str(second)], store, ONE_RANGE)
    assert ([(str(first), 70)], [str(second)]) == (
        [(u.path, u.resume) for u in again.units],
        [u.path for u in again.done],
    )


def test_a_replaced_file_starts_over(tmp_path: Path) -> None:
    """Different content under the same name (new fingerprint) ignores the old checkpoint."""
    path = _log(tmp_path)
    store = _store(tmp_path)
    plan = make_plan([str(path)], store, ONE_RANGE)
    store.save(plan.units[0], 50, finished=False)
    path.write_bytes(b"completely different\n" * 10)
    assert [0] == [u.resume for u in make_plan([str(path)], store, ONE_RANGE).units]


def test_checkpoints_are_scoped_by_job(tmp_path: Path) -> None:
    """Another target (another job key) does not see this job's checkpoints."""
    path = _log(tmp_path)
    mine = _store(tmp_path, job_key("elasticsearch", "http://es", "a-"))
    plan = make_plan([str(path)], mine, ONE_RANGE)
    mine.save(plan.units[0], path.stat().st_size, finished=True)
    other = _store(tmp_path, job_key("elasticsearch", "http://es", "b-"))
    assert (1, 0) == (len(make_plan([str(path)], other, ONE_RANGE).units), len(plan.done))


def test_forget_job_is_a_restart(tmp_path: Path) -> None:
    """``--restart`` drops the job's checkpoints: everything is planned from the start."""
    path = _log(tmp_path)
    store = _store(tmp_path)
    plan = make_plan([str(path)], store, ONE_RANGE)
    store.save(plan.units[0], path.stat().st_size, finished=True)
    assert 1 == store.forget_job()
    assert [0] == [u.resume for u in make_plan([str(path)], store, ONE_RANGE).units]


def test_large_plain_files_are_split_and_keep_their_ranges(tmp_path: Path) -> None:
    """A big plain file becomes ranges; a later run with other splitting reuses them."""
    path = _log(tmp_path, lines=5000)
    store = _store(tmp_path)
    first = make_plan([str(path)], store, Splitting(parts=4, min_bytes=1000))
    again = make_plan([str(path)], store, Splitting(parts=2, min_bytes=1000))
    starts = [u.start for u in first.units]
    assert (4, starts) == (len(starts), [u.start for u in again.units])


def test_bad_inputs_become_problems_and_the_rest_is_planned(tmp_path: Path) -> None:
    """Binary, truncated-at-the-head and missing files are named with reasons."""
    good = _log(tmp_path)
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"\x7fELF\x00\x00")
    cut = tmp_path / "cut.gz"
    cut.write_bytes(gzip.compress(b"x\n" * 100)[:-6])
    paths = [str(good), str(binary), str(cut), str(tmp_path / "gone.log")]
    plan = make_plan(paths, None, ONE_RANGE)
    reasons = {p.path: p.reason for p in plan.problems}
    assert [str(good)] == [u.path for u in plan.units]
    assert {
        str(binary): "binary content (NUL byte at offset 4; 2 of its first 6 bytes are NUL), "
                     "not a log file",
        str(cut): f"gzip stream truncated at byte {cut.stat().st_size}",
        str(tmp_path / "gone.log"): "no such file or directory",
    } == reasons
