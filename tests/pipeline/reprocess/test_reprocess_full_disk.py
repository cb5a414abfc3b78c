"""``lumberyard reprocess`` with its data dir on a REAL full filesystem (a small tmpfs).

The state file (SQLite) and the dead letter queue both live in the data dir. When it fills
up the run stops with one clear error (no traceback, no "worker died"); after room is made
the next run finishes, and every line is in Elasticsearch or in a readable dead letter queue,
counted in Elasticsearch itself.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import orjson
import pytest
from elasticsearch import Elasticsearch

from pipeline.reprocess import STATE_FILE
from tests.fullfs import PAGE, fill, small_filesystem
from tests.pipeline.reprocess.archives import ArchiveSet
from tests.pipeline.reprocess.gate import BulkGate
from tests.pipeline.reprocess.test_reprocess_integration import (
    LUMBERYARD,
    _wait_for_a_checkpoint,
    counts,
    reprocess,
)

pytestmark = pytest.mark.integration

LINES = 2000


def conflicting_log(path: Path, es_client: Elasticsearch, prefix: str) -> Path:
    """The day's index is created first with ``message`` mapped as a number: even lines
    (a numeric message) are indexed, odd ones refused (mapper_parsing_exception): dead
    letters."""
    es_client.indices.create(index=f"{prefix}2025.09.12", mappings={
        "dynamic": False, "properties": {"message": {"type": "long"}}})
    with path.open("wb") as out:
        for n in range(LINES):
            out.write(orjson.dumps({
                "@timestamp": "2025-09-12T10:00:00.000Z", "level": "info",
                "service": "auth-service", "message": str(n) if n % 2 == 0 else f"login {n}",
            }) + b"\n")
    return path


def dead_letters(data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LUMBERYARD, "dlq", "list", "--data-dir", str(data_dir)],
                          capture_output=True, text=True, timeout=120, check=False)


def test_a_full_data_dir_stops_the_run_with_one_clear_error_and_loses_nothing(
    es_client: Elasticsearch, es_url: str, unique_name: str, tmp_path: Path
) -> None:
    """Run 1 on a full disk: non-zero, one line naming the full file, no traceback. Run 2
    with room: exit 0; indexed (counted in ES) + dead letters (all readable) = every line."""
    log = conflicting_log(tmp_path / "app.log", es_client, unique_name)
    with small_filesystem(tmp_path / "data", size="4m") as data:
        filler = fill(data, leave_bytes=40 * PAGE)
        # --no-setup: the refusals (dead letters) come from dynamic mapping, which the
        # index template would replace
        first = reprocess(str(log), "--workers", "1", "--index-prefix", unique_name,
                          "--no-setup", es_url=es_url, data_dir=data)
        output = first.stdout + first.stderr
        failures = [line for line in output.splitlines()
                    if "No space left" in line or "disk is full" in line]
        assert (1, 1, False, False) == (
            first.returncode, len(failures), "Traceback" in output, "died" in output), output
        filler.unlink()
        second = reprocess(str(log), "--workers", "1", "--index-prefix", unique_name,
                           "--no-setup", es_url=es_url, data_dir=data)
        listed = dead_letters(data)
        es_client.indices.refresh(index=f"{unique_name}*")
        indexed = es_client.count(index=f"{unique_name}*")["count"]
        letters = {orjson.loads(line)["id"] for line in listed.stdout.splitlines()}
        assert (0, 0, "", LINES, LINES // 2) == (
            second.returncode, listed.returncode, listed.stderr, indexed + len(letters),
            len(letters)), second.stdout + second.stderr


def test_a_state_file_on_a_disk_that_fills_mid_run_stops_with_one_clear_error(
    es_client: Elasticsearch, es_url: str, unique_name: str, tmp_path: Path
) -> None:
    """The disk fills after the first checkpoint: the run stops with one StateError line
    naming the state file (no sqlite traceback, no "worker died"); the next run, with room,
    indexes every line exactly once (counted in Elasticsearch)."""
    archives = ArchiveSet(tmp_path / "logs")
    archives.write("big.log", 40000)
    prefix = f"{unique_name}-"
    args = (str(archives.root), "--index-prefix", prefix, "--workers", "2")
    with small_filesystem(tmp_path / "data", size="8m") as data, BulkGate(es_url) as gate:
        running = reprocess(*args, es_url=gate.url, data_dir=data, wait=False)
        assert isinstance(running, subprocess.Popen)
        _wait_for_a_checkpoint(data / STATE_FILE, running)
        filler = fill(data)
        gate.release()
        stdout, stderr = running.communicate(timeout=300)
        output = stdout + stderr
        failures = [line for line in output.splitlines() if "StateError" in line]
        assert (1, 1, True, False, False) == (
            running.returncode, len(failures), str(data / STATE_FILE) in "".join(failures),
            "Traceback" in output, "died" in output), output
        filler.unlink()
        second = reprocess(*args, es_url=gate.url, data_dir=data)
    assert (0, dict(archives.per_day)) == (second.returncode, counts(es_client, prefix)), (
        second.stdout + second.stderr)
