"""go-lumber's ``tst-send`` against ``lumberyard serve``: what it saw ACKed is what ES holds.

tst-send resends one batch of 2048 events forever and counts ACKed events on ``/debug/vars``.
A relay between it and serve cuts the client's direction after a few seconds (a window cut in
half is never complete, so never indexed nor ACKed) while ACKs still flow back; once both
counts have settled, every ACKed event must be accounted for in Elasticsearch.

tst-send's events carry no ``host.name`` / ``log.file.path`` / ``log.offset``: they are
anonymous, identified (``pipeline.ids.beats_source_id``) by their bytes + the window they came
in on the connection + how many times the same bytes came before in it, so each resend of the
batch is kept as documents of its own (issue #12: identical events of an anonymous source are
all kept) and ES holds one document per ACKed event.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from elasticsearch import ApiError, Elasticsearch

from pipeline.stack import free_port
from tests.interop.relay import Relay
from tests.interop.serve import Serve

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(1800)]

SEND_SECS = 8
BATCH = 2048
SETTLED_SECS = 5.0
"""Both counts unchanged for this long after the cut: everything in flight has landed."""
SETTLE_LIMIT_SECS = 120.0


def acked(prof_port: int) -> int:
    """tst-send's ``ACKed`` expvar."""
    with urllib.request.urlopen(f"http://127.0.0.1:{prof_port}/debug/vars", timeout=5) as resp:
        return int(json.loads(resp.read())["ACKed"])


def es_count(es: Elasticsearch, prefix: str) -> int:
    """Documents under ``prefix``* after a refresh (asked again, bounded, while a new daily
    index's shard is still starting: 503)."""
    for attempt in range(30):
        try:
            es.indices.refresh(index=f"{prefix}*", ignore_unavailable=True, allow_no_indices=True)
            found = es.count(index=f"{prefix}*", ignore_unavailable=True, allow_no_indices=True)
            return int(found["count"])
        except ApiError as exc:
            if exc.status_code != 503 or attempt == 29:
                raise
            time.sleep(1.0)
    raise AssertionError("unreachable")


def settled(es: Elasticsearch, prefix: str, prof_port: int) -> tuple[int, int]:
    """(ACKed, documents) once neither has changed for SETTLED_SECS (bounded)."""
    deadline = time.monotonic() + SETTLE_LIMIT_SECS
    last = (acked(prof_port), es_count(es, prefix))
    since = time.monotonic()
    while time.monotonic() - since < SETTLED_SECS and time.monotonic() < deadline:
        time.sleep(0.5)
        now = (acked(prof_port), es_count(es, prefix))
        if now != last:
            last, since = now, time.monotonic()
    return last


def test_acked_events_are_the_documents_in_es(
    tmp_path: Path, tst_send_binary: Path, es_url: str, es_client: Elasticsearch,
    unique_name: str,
) -> None:
    """tst-send (windows of 2048, compressed) for a few seconds: every ACKed window is in ES;
    each resend is kept: as many documents as ACKed events (module docstring, issue #12)."""
    prefix = f"{unique_name}-"
    serve = Serve(tmp_path / "serve", es_url, prefix).start()
    relay = Relay(("127.0.0.1", serve.port))
    prof = free_port()
    argv = ["timeout", "--signal=KILL", "600", str(tst_send_binary), "-c",
            f"127.0.0.1:{relay.port}", "-batch", str(BATCH), "-compress", "3",
            "-httpprof", f"127.0.0.1:{prof}"]  # fmt: skip
    client = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(SEND_SECS)
        relay.cut()
        acked_events, documents = settled(es_client, prefix, prof)
    finally:
        client.kill()
        client.wait()
        relay.close()
        serve.stop()
    assert (True, 0, acked_events) == (acked_events > BATCH, acked_events % BATCH, documents), (
        serve.log_tail()
    )
