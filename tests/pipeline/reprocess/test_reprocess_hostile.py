"""Hostile input through ``lumberyard reprocess`` into the REAL Elasticsearch.

Counts are taken in Elasticsearch itself. A monster line (2,000 lines, then 10 GiB of NUL
bytes without a newline, gzipped) no longer takes memory in proportion to the line: every
line before it is indexed, the monster becomes one cut event (all NULs: once they are removed
it is a blank line, an intentional drop counted as ``blank_line``), and the run's peak
memory (the command and its worker, measured by a wrapper process) stays within a few MiB of
a run over a small file.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from pipeline.reprocess import STATE_FILE
from tests.pipeline.inputs.test_inputs_memory import GROWTH_BOUND_MIB, lines, write_gzip_members
from tests.pipeline.inputs.test_inputs_special_files import feed
from tests.pipeline.reprocess.archives import ArchiveSet
from tests.pipeline.reprocess.gate import BulkGate
from tests.pipeline.reprocess.test_reprocess_integration import (
    LUMBERYARD,
    _wait_for_a_checkpoint,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

MIB = 1024 * 1024
RUN_GROWTH_BOUND_MIB = 2 * GROWTH_BOUND_MIB
"""A whole run (command + worker, ES client, progress) against a run over the small file alone.
Wider than the input's own bound: glibc's malloc raises its mmap threshold once a 1 MiB piece
is freed, so later pieces come from the heap and fragment it by some MiB (16-19 MiB measured on
a loaded machine, 0 on a quiet one). A cost proportional to the input would be GiB here
(4.3 GB before the cap applied while reading)."""
WRAPPER = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"rc": done.returncode, "out": done.stdout + done.stderr, "peak_kib": peak}))
"""


def reprocess_measured(path: Path, prefix: str, es_url: str, data: Path) -> dict[str, object]:
    argv = [LUMBERYARD, "reprocess", str(path), "--workers", "1", "--index-prefix", prefix,
            "--es-url", es_url, "--data-dir", str(data), "--progress", "plain"]
    done = subprocess.run([sys.executable, "-c", WRAPPER, *argv], capture_output=True,
                          text=True, timeout=900, check=True)
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_lines_before_a_10_gb_run_of_zeros_are_indexed_in_bounded_memory(
    es_client: Elasticsearch, es_url: str, unique_name: str, tmp_path: Path
) -> None:
    """2,000 JSON lines then 10 GiB of zeros: 2,000 documents in ES, the cut zeros dropped as
    a blank line, reconciled, exit 0; peak memory within RUN_GROWTH_BOUND_MIB of reprocessing the
    2,000 lines alone."""
    small, monster = tmp_path / "small.log.gz", tmp_path / "zeros.log.gz"
    write_gzip_members(small, lines(2000), b"", 0)
    write_gzip_members(monster, lines(2000), b"\x00" * (64 * MIB), 160)
    base = reprocess_measured(small, f"{unique_name}-small-", es_url, tmp_path / "d1")
    run = reprocess_measured(monster, f"{unique_name}-big-", es_url, tmp_path / "d2")
    es_client.indices.refresh(index=f"{unique_name}-big-*")
    count = es_client.count(index=f"{unique_name}-big-*")["count"]
    out = " ".join(str(run["out"]).split())
    growth = (int(str(run["peak_kib"])) - int(str(base["peak_kib"]))) / 1024
    assert (0, 0, 2000, True, True, True) == (
        base["rc"], run["rc"], count, "│ blank_line │ 1 │" in out, "reconciled │ yes" in out,
        growth < RUN_GROWTH_BOUND_MIB), (growth, run)


RUNAWAY_CONFIG = """
[parsers]
pattern_timeout_secs = 0.05

[[parsers.grammars]]
name = "runaway"
pattern = "(a|a)+"
"""


@pytest.mark.timeout(600)
def test_a_runaway_grammar_tags_its_lines_and_the_worker_goes_on(
    es_client: Elasticsearch, es_url: str, unique_name: str, tmp_path: Path
) -> None:
    """A user grammar with catastrophic backtracking: each hostile line is indexed tagged
    _groktimeout, every other line as usual (counted in ES)."""
    config = tmp_path / "lumberyard.toml"
    config.write_text(RUNAWAY_CONFIG)
    log = tmp_path / "app.log"
    hostile = b"a" * 40 + b"!\n"
    log.write_bytes(lines(50) + hostile * 3 + lines(50))
    run = subprocess.run(
        [LUMBERYARD, "reprocess", str(log), "--workers", "1", "--index-prefix", unique_name,
         "--config", str(config), "--es-url", es_url, "--data-dir", str(tmp_path / "data")],
        capture_output=True, text=True, timeout=600, check=False)
    es_client.indices.refresh(index=f"{unique_name}*")
    count = es_client.count(index=f"{unique_name}*")["count"]
    timed_out = es_client.count(index=f"{unique_name}*",
                                query={"term": {"tags": "_groktimeout"}})["count"]
    assert (0, 103, 3) == (run.returncode, count, timed_out), run.stdout + run.stderr


@pytest.mark.timeout(600)
def test_fifos_one_in_a_directory_skipped_one_given_read_as_a_stream(
    es_client: Elasticsearch, es_url: str, unique_name: str, tmp_path: Path
) -> None:
    """A directory holding a log file and a FIFO, plus a FIFO given by path: the log file and
    the given FIFO's lines are indexed (counted in ES); the directory's FIFO is named as
    skipped (exit 1), not waited on."""
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "app.log").write_bytes(lines(30))
    os.mkfifo(logs / "syslog.pipe")
    given = tmp_path / "given.pipe"
    os.mkfifo(given)
    writer = feed(given, lines(20))
    run = subprocess.run(
        [LUMBERYARD, "reprocess", str(logs), str(given), "--workers", "2", "--index-prefix",
         unique_name, "--es-url", es_url, "--data-dir", str(tmp_path / "data")],
        capture_output=True, text=True, timeout=600, check=False)
    writer.join(timeout=60)
    es_client.indices.refresh(index=f"{unique_name}*")
    count = es_client.count(index=f"{unique_name}*")["count"]
    out = " ".join(run.stdout.split())
    assert (1, 50, True) == (
        run.returncode, count, f"{logs / 'syslog.pipe'}: FIFO inside a directory" in out), out


def test_a_run_where_every_event_is_dead_lettered_exits_3(
    es_client: Elasticsearch, es_url: str, unique_name: str, tmp_path: Path
) -> None:
    """An index whose mapping refuses every document: nothing in ES, every line in the DLQ,
    and the exit status says so (3) instead of success."""
    es_client.indices.create(index=f"{unique_name}2025.09.12", mappings={
        "dynamic": "strict", "properties": {"message": {"type": "long"}}})
    log = tmp_path / "app.log"
    log.write_bytes(b"".join(
        b'{"@timestamp":"2025-09-12T10:00:00.000Z","message":"line %d"}\n' % n
        for n in range(20)))
    run = subprocess.run(
        [LUMBERYARD, "reprocess", str(log), "--workers", "1", "--index-prefix", unique_name,
         "--es-url", es_url, "--data-dir", str(tmp_path / "data")],
        capture_output=True, text=True, timeout=600, check=False)
    es_client.indices.refresh(index=f"{unique_name}*")
    count = es_client.count(index=f"{unique_name}*")["count"]
    listed = subprocess.run([LUMBERYARD, "dlq", "list", "--data-dir", str(tmp_path / "data")],
                            capture_output=True, text=True, timeout=120, check=True)
    assert (3, 0, 20, True) == (
        run.returncode, count, len(listed.stdout.splitlines()),
        "every event was dead-lettered" in run.stderr), run.stdout + run.stderr


def test_a_truncated_gz_read_in_two_ranges_is_reported_once(tmp_path: Path) -> None:
    """Two workers split a cut archive (its size trailer is garbage, so both ranges read to
    the cut): one skipped input, one line naming the file once."""
    body = b"".join(b'{"level":"info","message":"line %d"}\n' % n for n in range(300_000))
    cut = tmp_path / "cut.log.gz"
    cut.write_bytes(gzip.compress(body)[:-2000])
    run = subprocess.run(
        [LUMBERYARD, "reprocess", str(cut), "--dry-run", "--workers", "2",
         "--data-dir", str(tmp_path / "data")],
        capture_output=True, text=True, timeout=600, check=False)
    skipped = [line for line in run.stdout.splitlines() if line.startswith("skipped: ")]
    assert (1, [f"skipped: {cut}: gzip stream truncated at byte {cut.stat().st_size}"]) == (
        run.returncode, skipped), run.stdout


def test_after_ctrl_c_the_summary_says_which_counts_are_unknown(
    es_url: str, unique_name: str, tmp_path: Path
) -> None:
    """Ctrl-C stops the workers before they report: the summary does not claim "events in 0,
    reconciled yes"; it shows the events read (from progress) and names the workers whose
    counts are unknown."""
    archives = ArchiveSet(tmp_path / "logs")
    archives.write("big.log", 40000)
    data = tmp_path / "data"
    with BulkGate(es_url) as gate:
        args = [LUMBERYARD, "reprocess", str(archives.root), "--index-prefix", unique_name,
                "--workers", "2", "--es-url", gate.url, "--data-dir", str(data)]
        with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True) as running:
            _wait_for_a_checkpoint(data / STATE_FILE, running)
            os.killpg(running.pid, signal.SIGINT)
            stdout, _ = running.communicate(timeout=120)
        gate.release()
    out = " ".join(stdout.split())
    read = int(out.split("events read (from progress) │ ")[1].split()[0].replace(",", ""))
    assert (130, True, True, True) == (
        running.returncode, "reconciled │ unknown" in out,
        "counts unknown for worker 0: stopped before reporting them" in out, read > 0), out


def test_retrying_through_an_outage_is_said_and_shown_then_everything_lands(
    es_client: Elasticsearch, es_url: str, unique_name: str, tmp_path: Path
) -> None:
    """Bulk requests answered 503 for a while: stderr says what is retried and since when,
    the progress line shows it; after the outage every line is in ES, exit 0."""
    log = tmp_path / "app.log"
    log.write_bytes(lines(2000))
    with BulkGate(es_url) as gate:
        gate.outage.set()
        args = [LUMBERYARD, "reprocess", str(log), "--index-prefix", unique_name,
                "--workers", "1", "--es-url", gate.url, "--data-dir", str(tmp_path / "data"),
                "--progress", "plain"]
        with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) as running:
            assert running.stderr is not None
            seen: list[str] = []
            deadline = time.monotonic() + 300  # a bound on the wait, not a timing assertion
            for line in running.stderr:  # a progress line every 5 s keeps this loop turning
                seen.append(line)
                if time.monotonic() > deadline:
                    break
                if any("retrying" in s and "since" in s and "HTTP 503" in s for s in seen) and (
                        any(s.startswith("reprocess: ") and "| retrying" in s for s in seen)):
                    break
            gate.outage.clear()
            _, rest = running.communicate(timeout=300)
    es_client.indices.refresh(index=f"{unique_name}*")
    count = es_client.count(index=f"{unique_name}*")["count"]
    said = "".join(seen) + rest
    assert (0, 2000, True) == (running.returncode, count, "delivering again" in said), said


@pytest.mark.timeout(600)
def test_kafka_unreachable_the_summary_shows_what_was_not_sent(tmp_path: Path) -> None:
    """--to-kafka with no broker at the address: the worker's error, and the file counted as
    a range not finished (not a clean "0 undelivered, reconciled")."""
    log = tmp_path / "app.log"
    log.write_bytes(lines(10))
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    run = subprocess.run(
        [LUMBERYARD, "reprocess", str(log), "--to-kafka", "logs", "--kafka-bootstrap",
         f"127.0.0.1:{port}", "--data-dir", str(tmp_path / "data")],
        capture_output=True, text=True, timeout=600, check=False)
    out = " ".join(run.stdout.split())
    assert (1, True, True) == (
        run.returncode, "ranges not finished (resume next run) │ 1" in out,
        f"failed: NotConnected: Kafka at 127.0.0.1:{port}" in out), out


def test_a_crashed_worker_is_named_and_its_counts_are_unknown(
    es_url: str, unique_name: str, tmp_path: Path
) -> None:
    """kill -9 of the worker mid-run: the summary says it died, that its counts are unknown,
    and does not claim to reconcile; the exit status is 1."""
    archives = ArchiveSet(tmp_path / "logs")
    archives.write("big.log", 40000)
    data = tmp_path / "data"
    with BulkGate(es_url) as gate:
        args = [LUMBERYARD, "reprocess", str(archives.root), "--index-prefix", unique_name,
                "--workers", "1", "--es-url", gate.url, "--data-dir", str(data)]
        with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) as running:
            _wait_for_a_checkpoint(data / STATE_FILE, running)
            children = Path(f"/proc/{running.pid}/task/{running.pid}/children").read_text()
            for child in children.split():
                os.kill(int(child), signal.SIGKILL)
            gate.release()
            stdout, _ = running.communicate(timeout=120)
    out = " ".join(stdout.split())
    assert (1, True, True, True) == (
        running.returncode, "worker 0 died (exit code -9)" in out,
        "counts unknown for worker 0" in out, "reconciled │ unknown" in out), out
