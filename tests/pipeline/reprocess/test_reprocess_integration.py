"""``lumberyard reprocess`` end to end on the REAL Elasticsearch and Kafka.

Each test runs the command as a separate process (so it can be killed like a user would),
into a prefix of its own (``--index-prefix``) with a data dir of its own.
"""

from __future__ import annotations

import gzip
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from kafka import KafkaConsumer
from kafka.admin import KafkaAdminClient, NewTopic

from pipeline.reprocess import STATE_FILE
from tests.pipeline.reprocess.archives import ArchiveSet, app_line, mixed_set
from tests.pipeline.reprocess.gate import BulkGate

pytestmark = pytest.mark.integration

LUMBERYARD = str(Path(sys.executable).parent / "lumberyard")


def reprocess(
    *args: str, es_url: str, data_dir: Path, wait: bool = True
) -> subprocess.CompletedProcess[str] | subprocess.Popen[str]:
    """Run ``lumberyard reprocess`` with a private data dir; plain progress (not a TTY)."""
    argv = [LUMBERYARD, "reprocess", *args, "--es-url", es_url, "--data-dir", str(data_dir)]
    env = {**os.environ, "COLUMNS": "200"}
    if not wait:
        return subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600, check=False)


def counts(es_client: Elasticsearch, prefix: str) -> dict[str, int]:
    """Documents per daily index suffix under ``prefix``."""
    es_client.indices.refresh(index=f"{prefix}*", allow_no_indices=True)
    found = es_client.cat.indices(index=f"{prefix}*", format="json", h="index,docs.count")
    return {row["index"][len(prefix) :]: int(row["docs.count"]) for row in found}


def test_mixed_archives_reach_their_daily_indices_once_even_when_run_twice(
    tmp_path: Path, es_url: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """Plain, rotated, gz, bz2, xz, zst (by content) and Filebeat NDJSON all become documents
    in the right daily index; a second run indexes nothing new and skips finished files."""
    archives = mixed_set(tmp_path / "logs")
    prefix = f"{unique_name}-"
    data = tmp_path / "data"
    first = reprocess(str(archives.root), "--index-prefix", prefix, "--workers", "2",
                      es_url=es_url, data_dir=data)
    assert 0 == first.returncode, first.stderr + first.stdout
    assert dict(archives.per_day) == counts(es_client, prefix)
    second = reprocess(str(archives.root), "--index-prefix", prefix, es_url=es_url, data_dir=data)
    assert (0, dict(archives.per_day)) == (second.returncode, counts(es_client, prefix))
    assert "│ ranges already done (skipped)  │     8 │" in second.stdout


def test_filebeat_events_keep_their_fields_and_host(
    tmp_path: Path, es_url: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """A Filebeat NDJSON line becomes the document of its message, with fields.* applied
    (service from fields.service) and host.name kept."""
    archives = ArchiveSet(tmp_path / "logs")
    archives.write_filebeat("filebeat.ndjson", 4)
    prefix = f"{unique_name}-"
    done = reprocess(str(archives.root), "--index-prefix", prefix, es_url=es_url,
                     data_dir=tmp_path / "data")
    assert 0 == done.returncode, done.stderr
    es_client.indices.refresh(index=f"{prefix}*")
    hits = es_client.search(index=f"{prefix}*", size=10, sort=["log.offset"])["hits"]["hits"]
    seen = [(h["_source"]["host"]["name"], h["_source"]["log"]["file"]["path"]) for h in hits]
    assert [("web-1", "/srv/app/app.log")] * 4 == seen


def test_dry_run_counts_per_index_and_writes_nothing(
    tmp_path: Path, es_url: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """--dry-run prints the counts per index it would write and creates no index."""
    archives = mixed_set(tmp_path / "logs")
    prefix = f"{unique_name}-"
    done = reprocess(str(archives.root), "--dry-run", "--index-prefix", prefix,
                     es_url=es_url, data_dir=tmp_path / "data")
    assert 0 == done.returncode, done.stderr
    for day, expected in archives.per_day.items():
        assert f"│ {prefix}{day} │ {expected:>6,} │" in done.stdout
    assert {} == counts(es_client, prefix)


def test_filters_drop_and_count_what_is_outside(
    tmp_path: Path, es_url: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """--since and --service keep only matching events; the rest are counted drops."""
    archives = ArchiveSet(tmp_path / "logs")
    archives.write("app.log", 300)
    prefix = f"{unique_name}-"
    done = reprocess(str(archives.root), "--index-prefix", prefix, "--since", "2025-09-13",
                     "--service", "payment-service", es_url=es_url, data_dir=tmp_path / "data")
    assert 0 == done.returncode, done.stderr
    # day 13 <=> odd i; payment-service <=> odd i for JSON lines (bracketed ones have none)
    kept = sum(1 for i in range(300) if i % 2 == 1 and i % 3 != 0)
    assert {"2025.09.13": kept} == counts(es_client, prefix)
    assert "before_since" in done.stdout


def test_killed_run_resumes_and_every_line_is_indexed_exactly_once(
    tmp_path: Path, es_url: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """SIGKILL in the middle, then the same command again: each line is one document, and
    the second run started from the acknowledged checkpoints (it read less than all).
    A gate in front of Elasticsearch holds bulk requests after the first few, so the
    signal provably lands mid-run however fast the machine is."""
    archives = ArchiveSet(tmp_path / "logs")
    archives.write("big.log", 40000)
    archives.write("big.log.1.gz", 20000, "gzip", start=40000)
    prefix, data = f"{unique_name}-", tmp_path / "data"
    args = (str(archives.root), "--index-prefix", prefix, "--workers", "2")
    with BulkGate(es_url) as gate:
        running = reprocess(*args, es_url=gate.url, data_dir=data, wait=False)
        assert isinstance(running, subprocess.Popen)
        _wait_for_a_checkpoint(data / STATE_FILE, running)
        running.send_signal(signal.SIGKILL)
        running.communicate(timeout=60)
        gate.release()  # the same URL again: checkpoints are scoped by target
        resumed = reprocess(*args, es_url=gate.url, data_dir=data)
    assert 0 == resumed.returncode, resumed.stderr + resumed.stdout
    assert dict(archives.per_day) == counts(es_client, prefix)
    events_in = _summary_value(resumed.stdout, "events in")
    assert 0 < events_in < 60000


def _wait_for_a_checkpoint(state: Path, running: subprocess.Popen[str]) -> None:
    """Until some range has an acknowledged offset past its start (a real mid-run state)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and running.poll() is None:
        if _acknowledged_ranges(state) > 0:
            return
        time.sleep(0.2)
    pytest.fail(f"no checkpoint before the run ended: {running.poll()}")


def _acknowledged_ranges(state: Path) -> int:
    if not state.exists():
        return 0
    db = sqlite3.connect(state, timeout=30)
    try:
        row = db.execute("SELECT COUNT(*) FROM checkpoints WHERE offset > start").fetchone()
        return int(row[0])
    except sqlite3.OperationalError:  # the run has not created its table yet
        return 0
    finally:
        db.close()


def _summary_value(stdout: str, name: str) -> int:
    for line in stdout.splitlines():
        cells = [c.strip() for c in line.strip("│ ").split("│")]
        if len(cells) == 2 and cells[0] == name:
            return int(cells[1].replace(",", ""))
    raise AssertionError(f"{name!r} not in summary:\n{stdout}")


def test_bad_inputs_are_reported_the_rest_indexed_and_the_exit_is_non_zero(
    tmp_path: Path, es_url: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """A truncated gzip, a binary file, an empty directory and a missing path are each
    named with a reason; good files and the whole lines before the cut are indexed; the cut
    line is indexed only with the _archive_truncated tag; exit status 1."""
    archives = ArchiveSet(tmp_path / "logs")
    archives.write("good.log", 50)
    body = b"".join(app_line(i, "cut") for i in range(3000))
    cut = tmp_path / "logs" / "cut.log.gz"
    cut.write_bytes(gzip.compress(body)[:-2000])
    (tmp_path / "logs" / "core.bin").write_bytes(b"\x7fELF\x02\x01\x00\x00" * 64)
    (tmp_path / "empty").mkdir()
    prefix = f"{unique_name}-"
    paths = [str(tmp_path / "logs"), str(tmp_path / "empty"), str(tmp_path / "missing.log")]
    done = reprocess(*paths, "--index-prefix", prefix, es_url=es_url, data_dir=tmp_path / "data")
    assert 1 == done.returncode, done.stdout
    out = " ".join(done.stdout.split())
    for expected in ("cut.log.gz", "truncated", "core.bin", "binary content", "empty",
                     "empty directory", "missing.log", "no such file or directory"):
        assert expected in out
    es_client.indices.refresh(index=f"{prefix}*")
    tagged = es_client.count(index=f"{prefix}*", query={"term": {"tags": "_archive_truncated"}})
    total = sum(counts(es_client, prefix).values())
    complete = _complete_lines_before_cut(cut)
    assert (1, 50 + complete + 1) == (tagged["count"], total)


def _complete_lines_before_cut(path: Path) -> int:
    content = bytearray()
    decoder = __import__("zlib").decompressobj(wbits=31)
    content += decoder.decompress(path.read_bytes())
    return bytes(content).count(b"\n")


def test_to_kafka_publishes_the_raw_lines(
    tmp_path: Path, es_url: str, kafka_bootstrap: str, unique_name: str
) -> None:
    """--to-kafka sends every line as read (a Filebeat line as its JSON) to the topic, keyed
    by its source id, and a re-run (finished) publishes nothing more."""
    archives = ArchiveSet(tmp_path / "logs")
    archives.write("app.log", 200)
    archives.write("app.log.1.gz", 100, "gzip", start=500)
    archives.write_filebeat("fb.ndjson", 20)
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    admin.create_topics([NewTopic(unique_name, num_partitions=2, replication_factor=1)])
    admin.close()
    args = (str(archives.root), "--to-kafka", unique_name, "--kafka-bootstrap", kafka_bootstrap)
    first = reprocess(*args, es_url=es_url, data_dir=tmp_path / "data")
    assert 0 == first.returncode, first.stderr + first.stdout
    again = reprocess(*args, es_url=es_url, data_dir=tmp_path / "data")
    assert 0 == again.returncode, again.stderr
    assert Counter(archives.lines) == Counter(_consume(kafka_bootstrap, unique_name))


def _consume(bootstrap: str, topic: str) -> list[bytes]:
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=5000,
    )
    values = [record.value for record in consumer]
    consumer.close()
    return values


def test_ctrl_c_stops_with_130_and_the_next_run_completes_exactly(
    tmp_path: Path, es_url: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """SIGINT to the command's process group (what Ctrl-C does) stops it with status 130
    after a summary; running again indexes the rest, each line once. (Held bulk requests
    keep the run in flight until the signal, as in the SIGKILL test.)"""
    archives = ArchiveSet(tmp_path / "logs")
    archives.write("big.log", 40000)
    prefix, data = f"{unique_name}-", tmp_path / "data"
    with BulkGate(es_url) as gate:
        args = [LUMBERYARD, "reprocess", str(archives.root), "--index-prefix", prefix,
                "--workers", "2", "--es-url", gate.url, "--data-dir", str(data)]
        with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True) as running:
            _wait_for_a_checkpoint(data / STATE_FILE, running)
            os.killpg(running.pid, signal.SIGINT)
            stdout, _ = running.communicate(timeout=120)
        assert (130, True) == (running.returncode, "events in" in stdout)
        gate.release()  # the same URL again: checkpoints are scoped by target
        resumed = reprocess(str(archives.root), "--index-prefix", prefix, es_url=gate.url,
                            data_dir=data)
    assert 0 == resumed.returncode, resumed.stderr
    assert dict(archives.per_day) == counts(es_client, prefix)


def test_stdin_is_reprocessed(
    tmp_path: Path, es_url: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """``-`` reads stdin (gzip recognised by content) into the same daily indices."""
    archives = ArchiveSet(tmp_path / "logs")
    path = archives.write("piped.log.gz", 60, "gzip")
    prefix = f"{unique_name}-"
    argv = [LUMBERYARD, "reprocess", "-", "--index-prefix", prefix, "--es-url", es_url,
            "--data-dir", str(tmp_path / "data")]
    with path.open("rb") as stdin:
        done = subprocess.run(argv, stdin=stdin, capture_output=True, text=True, timeout=300,
                              check=False)
    assert 0 == done.returncode, done.stderr + done.stdout
    assert dict(archives.per_day) == counts(es_client, prefix)


def test_multiline_files_split_across_workers_keep_each_trace_whole(
    tmp_path: Path, es_url: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """With a multiline config, a file cut into 1 MiB ranges for two workers gives one
    document per record (stack trace included), each with all of its lines."""
    records = [
        f"[2025-09-12T10:00:00.000Z] ERROR failure {i} {'x' * (i % 50)}"
        + "".join(f"\n    at module{j}.call(file.py:{j})" for j in range(i % 4))
        for i in range(30000)
    ]
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "traces.log").write_text("\n".join(records) + "\n")
    config = tmp_path / "lumberyard.toml"
    config.write_text('[parsers.multiline]\npattern = "^\\\\s"\nnegate = false\nmatch = "after"\n')
    prefix = f"{unique_name}-"
    done = reprocess(str(logs), "--config", str(config), "--index-prefix", prefix,
                     "--workers", "2", "--split-min-mib", "1", es_url=es_url,
                     data_dir=tmp_path / "data")
    assert 0 == done.returncode, done.stderr + done.stdout
    assert {"2025.09.12": len(records)} == counts(es_client, prefix)
    deepest = es_client.search(index=f"{prefix}*", query={"match_phrase": {
        "message": "failure 29999"}})["hits"]["hits"]
    assert [records[-1].split("] ERROR ", 1)[1]] == [
        h["_source"]["message"] for h in deepest
    ]
