"""The bulk sink against the real Elasticsearch of the dev stack: index, ack, dead-letter, replay.

Every test writes to indices under its own random prefix and deletes them afterwards.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.connections import EsConnection
from pipeline.dlq import DeadLetterQueue
from pipeline.errors import NotConnected
from pipeline.outputs.elasticsearch import ElasticsearchOutput, ElasticsearchOutputConfig
from pipeline.runtime import Batch
from pipeline.stack import free_port

pytestmark = pytest.mark.integration

DAYS = ("2025.09.12", "2025.09.13")


@pytest.fixture
def prefix(es_client: Elasticsearch) -> Iterator[str]:
    """A unique index prefix; its indices are deleted after the test."""
    name = f"h4-sink-{uuid.uuid4().hex[:10]}"
    yield name
    es_client.options(ignore_status=404).indices.delete(index=f"{name}-*")


def app_events(prefix: str, start: int, count: int, day: str = DAYS[0]) -> list[dict[str, Any]]:
    """Events shaped like the application's JSON logs, routed by @metadata."""
    return [
        {
            "level": "info", "message": "Business Event", "service": "auth-service",
            "environment": "production", "type": "business_event", "event": "user_signup",
            "timestamp": f"{day.replace('.', '-')}T10:00:00.000Z", "data": {"n": n},
            "@metadata": {"_index": f"{prefix}-{day}", "_id": f"{day}-{n}", "input": "test"},
        }
        for n in range(start, start + count)
    ]


def count(es: Elasticsearch, index: str) -> int:
    es.indices.refresh(index=index)
    return int(es.count(index=index)["count"])


def make_output(es_url: str, dlq_dir: Path, **config: Any) -> ElasticsearchOutput:
    settings = {"max_events": 500, "flush_interval_secs": 0.2} | config
    return ElasticsearchOutput(
        ElasticsearchOutputConfig(**settings), EsConnection(url=es_url), DeadLetterQueue(dlq_dir)
    )


async def write_all(output: ElasticsearchOutput, batches: list[Batch]) -> None:
    for batch in batches:
        await output.write(batch)
    await output.close()


def test_batches_indexed_once_and_acked_in_order(
    es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """Every event ends up in its day index, each batch is acked once, in write order."""
    acked: list[int] = []
    batches = [
        Batch(app_events(prefix, i * 700, 700), ack=lambda i=i: acked.append(i), input_name="beats")
        for i in range(6)
    ]
    output = make_output(es_url, tmp_path)
    asyncio.run(write_all(output, batches))
    summary = output.ledger.summary()["beats"]
    assert (4200, list(range(6)), 4200, 0, True) == (
        count(es_client, f"{prefix}-*"), acked, summary["indexed"], summary["dead_lettered"],
        summary["reconciled"])


def test_second_delivery_is_already_there_not_a_duplicate(
    es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """Sending the same events again (a replay) is answered 409 and counted as indexed once."""
    first = make_output(es_url, tmp_path)
    asyncio.run(write_all(first, [Batch(app_events(prefix, 0, 300), input_name="kafka")]))
    again = make_output(es_url, tmp_path)
    asyncio.run(write_all(again, [Batch(app_events(prefix, 0, 300), input_name="kafka")]))
    summary = again.ledger.summary()["kafka"]
    assert (300, 300, 300, 0) == (
        count(es_client, f"{prefix}-*"), summary["indexed"], summary["already_indexed"],
        summary["dead_lettered"])


def test_empty_batch_is_acked_without_a_request(es_url: str, tmp_path: Path) -> None:
    """A batch whose events were all dropped upstream is acknowledged at once."""
    acked: list[str] = []

    async def scenario() -> list[str]:
        output = make_output(es_url, tmp_path)
        await output.write(Batch([], ack=lambda: acked.append("empty"), input_name="files"))
        seen = list(acked)
        await output.close()
        return seen

    assert ["empty"] == asyncio.run(scenario())


def test_conflicting_day_index_dead_letters_exactly_its_events_then_replay_indexes_all(
    es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """A day index with a conflicting mapping: its events go to the DLQ, the rest are indexed,
    counts reconcile; after deleting it, ``dlq replay`` indexes them all once, twice is a no-op.
    """
    bad = f"{prefix}-{DAYS[1]}"
    es_client.indices.create(index=bad, mappings={"properties": {"message": {"type": "long"}}})
    acked: list[int] = []
    batches = [
        Batch(app_events(prefix, 0, 1000, DAYS[0]) + app_events(prefix, 0, 400, DAYS[1]),
              ack=lambda: acked.append(1), input_name="beats"),
        Batch(app_events(prefix, 1000, 500, DAYS[0]), ack=lambda: acked.append(2),
              input_name="beats"),
    ]
    output = make_output(es_url, tmp_path)
    asyncio.run(write_all(output, batches))
    summary = output.ledger.summary()["beats"]
    pending = list(output.dlq.pending())
    assert (1500, 0, 1900, 1500, 400, [1, 2]) == (
        count(es_client, f"{prefix}-{DAYS[0]}"), count(es_client, bad), summary["received"],
        summary["indexed"], summary["dead_lettered"], acked)
    assert ({bad}, {"document_parsing_exception"}, 400) == (
        {letter.index for _, letter in pending}, {letter.error_type for _, letter in pending},
        len({letter.doc_id for _, letter in pending}))

    es_client.indices.delete(index=bad)
    runner = CliRunner()
    args = ["dlq", "replay", "--dlq-dir", str(tmp_path), "--es-url", es_url]
    first = runner.invoke(app, args)
    second = runner.invoke(app, args)
    listed = runner.invoke(app, ["dlq", "list", "--dlq-dir", str(tmp_path)])
    assert (0, 0, "") == (first.exit_code, second.exit_code, listed.stdout)
    assert ("replayed 400 of 400 selected entries", "replayed 0 of 0 selected entries") == (
        first.stdout.splitlines()[0], second.stdout.splitlines()[0])
    assert (1500, 400) == (count(es_client, f"{prefix}-{DAYS[0]}"), count(es_client, bad))


def test_events_that_cannot_be_encoded_are_dead_lettered_and_acked(
    es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """An event without a target index is kept in the DLQ; the batch is still acked."""
    acked: list[str] = []
    events = [*app_events(prefix, 0, 10), {"message": "no route", "@metadata": {}}]
    output = make_output(es_url, tmp_path)
    asyncio.run(write_all(output, [Batch(events, ack=lambda: acked.append("b"), input_name="x")]))
    letters = [letter for _, letter in output.dlq.pending()]
    assert (10, ["b"], ["encode_error"], {"message": "no route"}) == (
        count(es_client, f"{prefix}-*"), acked, [le.error_type for le in letters], letters[0].event)


def test_healthcheck_reports_the_cluster(es_url: str, tmp_path: Path) -> None:
    """The health check reaches Elasticsearch 8 through the sink's own session and _bulk path."""

    async def scenario() -> str:
        output = make_output(es_url, tmp_path)
        try:
            info = await output.healthcheck()
        finally:
            await output.close()
        return info.version.split(".")[0]

    assert "8" == asyncio.run(scenario())


def test_healthcheck_on_a_closed_port_says_not_connected(tmp_path: Path) -> None:
    """Nothing listening is reported as NotConnected naming the URL."""
    url = f"http://127.0.0.1:{free_port()}"

    async def scenario() -> None:
        output = make_output(url, tmp_path)
        try:
            await output.healthcheck()
        finally:
            await output.close()

    with pytest.raises(NotConnected, match=url):
        asyncio.run(scenario())


def test_gzip_bodies_are_indexed(
    es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """With gzip on, Elasticsearch decodes the compressed bulk bodies and indexes everything."""
    output = make_output(es_url, tmp_path, gzip=True)
    asyncio.run(write_all(output, [Batch(app_events(prefix, 0, 1200), input_name="files")]))
    assert (1200, 1200) == (count(es_client, f"{prefix}-*"), output.ledger.total.sent)


def test_replay_filters_and_re_refusals_lose_nothing(
    es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """Replay selects by --reason-match; entries refused again are new DLQ entries, the old
    ones are marked done: the pending count stays, nothing is lost, nothing is indexed twice."""
    bad = f"{prefix}-{DAYS[1]}"
    es_client.indices.create(index=bad, mappings={"properties": {"message": {"type": "long"}}})
    output = make_output(es_url, tmp_path)
    events = [*app_events(prefix, 0, 50, DAYS[1]), {"message": "unrouted", "@metadata": {}}]
    asyncio.run(write_all(output, [Batch(events, input_name="beats")]))
    before = {key for key, _ in output.dlq.pending()}
    unrouted = {key for key, letter in output.dlq.pending() if letter.error_type == "encode_error"}

    runner = CliRunner()
    args = ["dlq", "replay", "--dlq-dir", str(tmp_path), "--es-url", es_url]
    result = runner.invoke(app, [*args, "--reason-match", "^document_parsing_exception"])
    after = list(DeadLetterQueue(tmp_path).pending())
    assert (0, "replayed 50 of 50 selected entries") == (
        result.exit_code, result.stdout.splitlines()[0])
    assert (51, 51, unrouted) == (len(before), len(after), before & {key for key, _ in after})
    assert 0 == count(es_client, bad)


def test_replay_since_selects_recent_entries(
    es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """--since leaves older entries pending and replays only those written at/after T."""
    bad = f"{prefix}-{DAYS[1]}"
    es_client.indices.create(index=bad, mappings={"properties": {"message": {"type": "long"}}})
    output = make_output(es_url, tmp_path)
    asyncio.run(write_all(output, [Batch(app_events(prefix, 0, 20, DAYS[1]), input_name="b")]))
    cut = datetime.now(UTC)
    output = make_output(es_url, tmp_path)
    asyncio.run(write_all(output, [Batch(app_events(prefix, 20, 30, DAYS[1]), input_name="b")]))
    es_client.indices.delete(index=bad)
    result = CliRunner().invoke(app, ["dlq", "replay", "--dlq-dir", str(tmp_path), "--es-url",
                                      es_url, "--since", cut.isoformat()])
    assert (0, 30, 20) == (
        result.exit_code, count(es_client, bad), len(list(DeadLetterQueue(tmp_path).pending())))
