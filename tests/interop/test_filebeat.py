"""The genuine Filebeat 7.17.29 shipping to ``lumberyard serve``: every line once, in the REAL ES.

Filebeat tails a log file (``fields.service`` / ``fields.environment`` set in filebeat.yml)
and ships with ``output.logstash`` to serve on 127.0.0.1, plain and over TLS; lumberyard is
also killed with SIGKILL mid-stream and restarted, and Filebeat's registry and resend must
still bring every line in exactly once. Documents are counted in Elasticsearch, by the
sequence number each line carries.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import pytest
from elasticsearch import ApiError, Elasticsearch, helpers

from tests.interop.filebeat import Filebeat
from tests.interop.serve import Serve
from tests.interop.tls import make_server_cert

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(1800)]

FIELDS = {"service": "checkout", "environment": "staging"}
SEQ = re.compile(r"interop-seq-(\d{6})")
SETTLE_SECS = 180.0
"""Upper bound on waiting for the documents: the loop ends as soon as they are all there."""


def write_lines(path: Path, start: int, count: int) -> None:
    """Append ``count`` plain log lines numbered from ``start`` (each names its number)."""
    with path.open("a", encoding="utf-8") as out:
        for n in range(start, start + count):
            out.write(f"INFO order accepted interop-seq-{n:06d} amount={n % 97}\n")


def documents(es: Elasticsearch, prefix: str) -> list[dict[str, object]]:
    """Every document's ``_source`` under ``prefix``* (after a refresh); a search that meets
    a daily index whose shard is still starting (503) is asked again, a bounded number of times.
    """
    for _ in range(30):
        try:
            return _documents(es, prefix)
        except ApiError as exc:
            if exc.status_code != 503:
                raise
            time.sleep(1.0)
    return _documents(es, prefix)


def _documents(es: Elasticsearch, prefix: str) -> list[dict[str, object]]:
    es.indices.refresh(index=f"{prefix}*", ignore_unavailable=True, allow_no_indices=True)
    hits = helpers.scan(
        es, index=f"{prefix}*", query={"query": {"match_all": {}}}, size=5000,
        ignore_unavailable=True, allow_no_indices=True,
    )  # fmt: skip
    return [hit["_source"] for hit in hits]


def seq_counts(docs: list[dict[str, object]]) -> Counter[int]:
    """How many documents carry each line number (wherever lumberyard put the line's text)."""
    return Counter(int(m.group(1)) for doc in docs if (m := SEQ.search(str(doc))))


def wait_for_count(es: Elasticsearch, prefix: str, expected: int) -> list[dict[str, object]]:
    """The documents once ``expected`` are there (bounded wait), or what is there at the end."""
    deadline = time.monotonic() + SETTLE_SECS
    docs = documents(es, prefix)
    while len(docs) < expected and time.monotonic() < deadline:
        time.sleep(1.0)
        docs = documents(es, prefix)
    time.sleep(2.0)  # anything extra (a duplicate) would land now
    return documents(es, prefix)


def service_of(doc: dict[str, object]) -> tuple[object, object]:
    """(service.name, service.environment) of a document."""
    service = doc.get("service")
    assert isinstance(service, dict), doc
    return service.get("name"), service.get("environment")


def check_once(docs: list[dict[str, object]], lines: int) -> None:
    """Every line number 1..lines exactly once (no other document), all with the service and
    environment of Filebeat's fields. Shows at most 20 missing line numbers."""
    counts = seq_counts(docs)
    missing = [n for n in range(1, lines + 1) if n not in counts][:20]
    duplicated = {n: c for n, c in counts.items() if c > 1}
    assert (lines, [], {}) == (len(docs), missing, duplicated)
    assert {("checkout", "staging")} == {service_of(doc) for doc in docs}


def _ship(tmp_path: Path, filebeat_binary: Path, serve: Serve, lines: int,
          ca: Path | None = None) -> tuple[Filebeat, Path]:
    log = tmp_path / "app.log"
    write_lines(log, 1, lines)
    beat = Filebeat(filebeat_binary, tmp_path / "filebeat", [log], [f"127.0.0.1:{serve.port}"],
                    FIELDS, ca=ca)
    return beat.start(), log


def test_plain_every_line_once(
    tmp_path: Path, filebeat_binary: Path, es_url: str, es_client: Elasticsearch,
    unique_name: str,
) -> None:
    """Filebeat tails a file to serve over plain TCP; each line is in ES once, with
    service/environment from Filebeat's fields, also lines appended while it runs."""
    prefix = f"{unique_name}-"
    serve = Serve(tmp_path / "serve", es_url, prefix).start()
    beat, log = _ship(tmp_path, filebeat_binary, serve, 3000)
    try:
        write_lines(log, 3001, 2000)
        docs = wait_for_count(es_client, prefix, 5000)
    finally:
        beat.stop()
        serve.stop()
    check_once(docs, 5000)


def test_tls_every_line_once(
    tmp_path: Path, filebeat_binary: Path, es_url: str, es_client: Elasticsearch,
    unique_name: str,
) -> None:
    """The same over TLS: Filebeat verifies serve's certificate against the test CA."""
    prefix = f"{unique_name}-"
    tls = make_server_cert(tmp_path / "tls")
    serve = Serve(tmp_path / "serve", es_url, prefix, tls=(tls.cert, tls.key)).start()
    beat, _ = _ship(tmp_path, filebeat_binary, serve, 3000, ca=tls.ca)
    try:
        docs = wait_for_count(es_client, prefix, 3000)
    finally:
        beat.stop()
        serve.stop()
    assert "" == _tls_errors(beat), beat.log_tail()
    check_once(docs, 3000)


def _tls_errors(beat: Filebeat) -> str:
    text = beat.log.read_text(encoding="utf-8", errors="replace")
    return "\n".join(ln for ln in text.splitlines() if "x509" in ln or "tls:" in ln)


def test_kill9_mid_stream_and_restart(
    tmp_path: Path, filebeat_binary: Path, es_url: str, es_client: Elasticsearch,
    unique_name: str,
) -> None:
    """lumberyard is SIGKILLed while Filebeat ships (10,000 lines written, the first ones in ES)
    and started again on the same port after 10,000 more were written: Filebeat resends what
    was not ACKed, and each of the 20,000 lines is in ES exactly once."""
    prefix = f"{unique_name}-"
    serve = Serve(tmp_path / "serve", es_url, prefix).start()
    beat, log = _ship(tmp_path, filebeat_binary, serve, 10_000)
    try:
        _wait_some(es_client, prefix)
        serve.kill9()
        write_lines(log, 10_001, 10_000)
        serve.start()
        docs = wait_for_count(es_client, prefix, 20_000)
    finally:
        beat.stop()
        serve.stop()
    # the kill cut windows in flight: Filebeat says so, and publishes them again
    in_flight = "Failed to publish events" in beat.log.read_text(encoding="utf-8")
    assert in_flight, beat.log_tail()
    check_once(docs, 20_000)


def _wait_some(es: Elasticsearch, prefix: str) -> None:
    """Until the first lines are in ES: the moment to kill lumberyard mid-stream."""
    deadline = time.monotonic() + SETTLE_SECS
    while time.monotonic() < deadline:
        if len(documents(es, prefix)) > 0:
            return
        time.sleep(0.05)
    raise AssertionError(f"no document arrived in {SETTLE_SECS:.0f} s")
