"""Document identity end to end: ``lumberyard reprocess`` into the REAL Elasticsearch.

A file's lines are identified by the file's content, not its name (pipeline.ids): a log
rotated in place keeps both generations, the same content gzipped and moved adds nothing,
and a stream with repeated identical lines keeps every one of them, even when piped twice.
"""

from __future__ import annotations

import gzip
import subprocess
import time
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from tests.pipeline.reprocess.gate import BulkGate
from tests.pipeline.reprocess.test_reprocess_integration import LUMBERYARD, reprocess

pytestmark = pytest.mark.integration


def generation(name: str, count: int) -> bytes:
    """``count`` log lines of one generation of a log (all on 2025-09-12)."""
    return b"".join(
        b"[2025-09-12T10:%02d:%02d.000Z] INFO %s request %d served\n"
        % (n // 60 % 60, n % 60, name.encode(), n)
        for n in range(count)
    )


def messages(es_client: Elasticsearch, prefix: str) -> list[str]:
    """Every indexed document's message (sorted), read back from Elasticsearch."""
    es_client.indices.refresh(index=f"{prefix}*")
    hits = es_client.search(
        index=f"{prefix}*", size=10000, source=["message"], query={"match_all": {}}
    )["hits"]["hits"]
    return sorted(hit["_source"]["message"] for hit in hits)


def expected_messages(*contents: bytes) -> list[str]:
    """The messages the parser makes of these lines (the text after the level)."""
    out = []
    for content in contents:
        for line in content.decode().splitlines():
            out.append(line.split(" INFO ", 1)[1])
    return sorted(out)


def test_rotated_in_place_then_gzipped_and_moved(
    tmp_path: Path, es_url: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """app.log is reprocessed, rotated to app.log.1 with a new app.log in its place, and both
    are reprocessed: every line of both generations is indexed (the new one used to answer
    409 for the old one's path + offsets). Then app.log.1 gzipped into another directory and
    reprocessed adds no document (it used to add 1,000 duplicates)."""
    logs, data, prefix = tmp_path / "logs", tmp_path / "data", f"{unique_name}-"
    logs.mkdir()
    first, second = generation("old", 1000), generation("new", 1000)
    (logs / "app.log").write_bytes(first)
    runs = [reprocess(str(logs), "--index-prefix", prefix, es_url=es_url, data_dir=data)]
    (logs / "app.log").rename(logs / "app.log.1")
    (logs / "app.log").write_bytes(second)
    runs.append(reprocess(str(logs), "--index-prefix", prefix, es_url=es_url, data_dir=data))
    both = messages(es_client, prefix)
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "app.log.1.gz").write_bytes(gzip.compress((logs / "app.log.1").read_bytes()))
    (logs / "app.log.1").unlink()
    runs.append(reprocess(str(archive), "--index-prefix", prefix, es_url=es_url, data_dir=data))
    assert [0, 0, 0] == [run.returncode for run in runs], [r.stderr for r in runs]
    assert expected_messages(first, second) == both
    assert expected_messages(first, second) == messages(es_client, prefix)


def pipe(content: bytes, prefix: str, es_url: str, data: Path) -> int:
    """``lumberyard reprocess -`` with ``content`` on stdin; returns the exit code."""
    argv = [LUMBERYARD, "reprocess", "-", "--index-prefix", prefix, "--es-url", es_url,
            "--data-dir", str(data)]
    done = subprocess.run(argv, input=content, capture_output=True, timeout=300, check=False)
    return done.returncode


def test_repeated_identical_lines_on_stdin_are_all_kept_and_a_replay_adds_none(
    tmp_path: Path, es_url: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """A stream where the same line occurs 20 times gives 20 documents; piping the same
    stream again adds none; a different stream that starts with the same lines adds its own."""
    prefix = f"{unique_name}-"
    same = b"[2025-09-12T10:00:00.000Z] INFO heartbeat ok\n"
    stream = same * 20 + generation("tail", 30)
    other = same * 20 + generation("other", 30)
    codes = [pipe(content, prefix, es_url, tmp_path / "data") for content in (stream, stream)]
    after_replay = messages(es_client, prefix)
    codes.append(pipe(other, prefix, es_url, tmp_path / "data"))
    assert [0, 0, 0] == codes
    assert expected_messages(stream) == after_replay
    assert expected_messages(stream, other) == messages(es_client, prefix)


SLOW_WRITER_BOUND_SECS = 8.0
"""How long the slow producer waits after its first write (at most; less when documents
show up): long enough for the reader to have started on what it was given."""


def test_a_stream_gets_the_same_ids_however_slowly_it_was_written(
    tmp_path: Path, es_url: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """The same stream written slowly (a few lines, a pause, the rest) and then piped at full
    speed is indexed once: ids come from the content, not from what the first read returned
    (they used to hash the first read, so the fast run added every line again)."""
    prefix = f"{unique_name}-"
    stream = generation("slow", 200)
    argv = [LUMBERYARD, "reprocess", "-", "--index-prefix", prefix, "--es-url", es_url,
            "--data-dir", str(tmp_path / "data")]
    with subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL) as slow:
        assert slow.stdin is not None
        slow.stdin.write(stream[:300])
        slow.stdin.flush()
        deadline = time.monotonic() + SLOW_WRITER_BOUND_SECS
        while time.monotonic() < deadline and not indexed_any(es_client, prefix):
            time.sleep(0.2)
        slow.stdin.write(stream[300:])
        slow.stdin.close()
        slow_code = slow.wait(timeout=300)
    codes = [slow_code, pipe(stream, prefix, es_url, tmp_path / "data")]
    assert ([0, 0], expected_messages(stream)) == (codes, messages(es_client, prefix))


def indexed_any(es_client: Elasticsearch, prefix: str) -> bool:
    """Whether any document under ``prefix`` is searchable yet."""
    es_client.indices.refresh(index=f"{prefix}*", allow_no_indices=True)
    found = es_client.count(index=f"{prefix}*", allow_no_indices=True)["count"]
    return bool(found)


def test_checkpoints_belong_to_the_cluster_not_to_the_url(
    tmp_path: Path, es_url: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """A finished reprocess, run again against the same cluster through another URL (a
    pass-through proxy), skips the finished file: checkpoints are scoped by the cluster's
    uuid (they used to be scoped by the URL, so the second run read everything again)."""
    logs, data, prefix = tmp_path / "logs", tmp_path / "data", f"{unique_name}-"
    logs.mkdir()
    (logs / "app.log").write_bytes(generation("once", 500))
    first = reprocess(str(logs), "--index-prefix", prefix, es_url=es_url, data_dir=data)
    with BulkGate(es_url, open_docs=10**9) as gate:
        again = reprocess(str(logs), "--index-prefix", prefix, es_url=gate.url, data_dir=data)
        requests_through_gate = list(gate.bulk_docs)
    assert (0, 0) == (first.returncode, again.returncode), again.stderr
    assert "│ ranges already done (skipped)  │     1 │" in again.stdout, again.stdout
    assert ([0], 500) == (requests_through_gate, len(messages(es_client, prefix)))
