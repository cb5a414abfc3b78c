"""Beats into the REAL Elasticsearch: every event once, the same document as reprocess makes
for the same Filebeat event, a resend after a lost ACK is no duplicate.

Documents are counted in Elasticsearch itself, never in our own counters.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from elasticsearch import Elasticsearch

from tests.pipeline.inputs.beats.lumberjack import Client
from tests.pipeline.inputs.beats.pipeline import Pipeline

pytestmark = pytest.mark.integration

LUMBERYARD = str(Path(sys.executable).parent / "lumberyard")


def filebeat_events(path: str, count: int, start: int = 0) -> list[dict[str, Any]]:
    """Events as Filebeat 7.17 ships them, over a mix of lines: JSON with its own time, a
    bracketed line with its time, a plain line without any (it keeps Filebeat's), and JSON
    that Filebeat decoded itself (`decode_json_fields` in place, the log input's `json.*`)."""
    events = []
    for i in range(start, start + count):
        kind = i % 5
        message: str | dict[str, str]
        decoded = {"level": "warn", "message": f"disk {i} full", "service": "disk-watch"}
        if kind == 0:
            message = orjson.dumps({
                "timestamp": f"2025-09-12T10:{i % 60:02d}:00.000Z", "level": "info",
                "message": f"user signed up {i}", "user_id": i,
            }).decode()
        elif kind == 1:
            message = f"[2025-09-12T11:{i % 60:02d}:00.000Z] ERROR payment {i} declined"
        elif kind == 2:
            message = f"plain line {i} without a time of its own"
        else:
            message = decoded
        events.append({
            "@timestamp": f"2025-09-13T08:{i % 60:02d}:{i % 59:02d}.{i % 1000:03d}Z",
            "@metadata": {"beat": "filebeat", "type": "_doc", "version": "7.17.29"},
            "message": message,
            "log": {"file": {"path": path}, "offset": i * 120},
            "host": {"name": "web-1"},
            "agent": {"type": "filebeat", "version": "7.17.29", "hostname": "web-1"},
            "input": {"type": "log"},
            "ecs": {"version": "1.12.0"},
            "fields": {"service": "payment-service", "environment": "staging"},
        })
        if kind == 4:
            events[-1]["json"] = events[-1].pop("message")
    return events


def documents(es: Elasticsearch, prefix: str) -> dict[str, dict[str, Any]]:
    """Every document under ``prefix`` by ``_id``, without ``event.ingested``."""
    es.indices.refresh(index=f"{prefix}*")
    hits = es.search(index=f"{prefix}*", size=10000, query={"match_all": {}})["hits"]["hits"]
    docs = {}
    for hit in hits:
        source = hit["_source"]
        source.get("event", {}).pop("ingested", None)
        docs[hit["_id"]] = source
    return docs


def es_count(es: Elasticsearch, prefix: str) -> int:
    es.indices.refresh(index=f"{prefix}*", allow_no_indices=True)
    return int(es.count(index=f"{prefix}*", allow_no_indices=True)["count"])


@pytest.fixture
def prefix(es_client: Elasticsearch, unique_name: str) -> Any:
    name = f"{unique_name}-"
    yield name
    es_client.options(ignore_status=404).indices.delete(index=f"{name}*")


def test_every_window_of_several_clients_is_in_elasticsearch_once(
    es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """Three clients, four windows each (compressed and not): every event is a document;
    a window sent again (its ACK lost) adds nothing (the same _id: a 409)."""

    async def scenario() -> None:
        async with Pipeline(es_url, prefix, tmp_path / "dlq") as p:
            clients = [await Client.connect(p.port) for _ in range(3)]

            async def ship(n: int, client: Client) -> list[int]:
                acks = []
                for w in range(4):
                    docs = filebeat_events(f"/var/log/app-{n}.log", 100, start=w * 100)
                    acks.append(await client.send_window(docs, compress=w % 2 == 0))
                return acks

            acks = await asyncio.gather(*(ship(n, c) for n, c in enumerate(clients)))
            again = await clients[0].send_window(filebeat_events("/var/log/app-0.log", 100))
            for client in clients:
                await client.close()
        assert ([[100] * 4] * 3, 100) == (acks, again)

    asyncio.run(asyncio.wait_for(scenario(), 300))
    assert 1200 == es_count(es_client, prefix)


def test_the_same_document_as_reprocess_of_filebeat_ndjson(
    es_url: str, es_client: Elasticsearch, unique_name: str, tmp_path: Path
) -> None:
    """The same Filebeat events, once through Beats and once as Filebeat's NDJSON output
    through `lumberyard reprocess`, give the same documents under the same _id (all fields
    but event.ingested); a line without its own time keeps Filebeat's @timestamp, and
    fields.service / fields.environment become service.*."""
    events = filebeat_events("/srv/app/app.log", 60)
    via_beats, via_files = f"{unique_name}-beats-", f"{unique_name}-files-"
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "filebeat.ndjson").write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in events))

    async def ship() -> int:
        async with Pipeline(es_url, via_beats, tmp_path / "dlq") as p:
            client = await Client.connect(p.port)
            acked = await client.send_window(events)
            await client.close()
            return acked

    try:
        assert 60 == asyncio.run(asyncio.wait_for(ship(), 300))
        done = subprocess.run(
            [LUMBERYARD, "reprocess", str(logs), "--index-prefix", via_files, "--es-url", es_url,
             "--data-dir", str(tmp_path / "data")],
            capture_output=True, text=True, timeout=600, check=False,
            env={**os.environ, "COLUMNS": "200"},
        )
        assert 0 == done.returncode, done.stderr + done.stdout
        beats_docs, file_docs = documents(es_client, via_beats), documents(es_client, via_files)
        assert (60, file_docs) == (len(beats_docs), beats_docs)
        decoded = [d["log"]["level"] for d in beats_docs.values() if d["message"][:5] == "disk "]
        assert ["warn"] * 24 == decoded  # Filebeat's decoded JSON went through the parsers
        plain = [d for d in beats_docs.values() if d["message"].startswith("plain line 2 ")]
        assert [("2025-09-13T08:02:02.002Z", "payment-service", "staging")] == [
            (d["@timestamp"], d["service"]["name"], d["service"]["environment"]) for d in plain
        ]
    finally:
        es_client.options(ignore_status=404).indices.delete(index=f"{unique_name}-*")


def test_a_window_whose_events_are_all_dropped_is_still_acked(
    es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """Blank lines are dropped on purpose: their window is ACKed all the same (the client
    must not wait for ever), and the next window's events are indexed."""
    blank = [{**e, "message": "   "} for e in filebeat_events("/var/log/blank.log", 3)]

    async def scenario() -> list[int]:
        async with Pipeline(es_url, prefix, tmp_path / "dlq") as p:
            client = await Client.connect(p.port)
            acks = [await client.send_window(blank),
                    await client.send_window(filebeat_events("/var/log/a.log", 4))]
            await client.close()
            return acks

    assert [3, 4] == asyncio.run(asyncio.wait_for(scenario(), 300))
    assert 4 == es_count(es_client, prefix)


def test_file_identity_of_newer_filebeats_and_anonymous_events(
    es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """The same first line of a rotated file (same path and offset, another inode, device or
    fingerprint) is a document of its own; identical anonymous events (no file, no offset:
    tst-send, other beats) are each kept. Sending both windows again on a new connection (as
    after a lost ACK) adds nothing."""
    base = {"@timestamp": "2025-09-13T08:00:00.000Z", "host": {"name": "web-1"},
            "message": "service started"}
    located = [
        {**base, "log": {"offset": 0, "file": {"path": "/var/log/app.log", **file}}}
        for file in ({"inode": "100", "device_id": "64769"}, {"inode": "200", "device_id": "64769"},
                     {"inode": "100", "device_id": "2049"}, {"fingerprint": "9f8e7d"})
    ]
    anonymous = [{"message": "tick"}, {"message": "tick"}, {"message": "tick"}, {"message": "t"}]

    async def ship() -> list[int]:
        acks = []
        async with Pipeline(es_url, prefix, tmp_path / "dlq") as p:
            for _ in range(2):
                client = await Client.connect(p.port)
                acks += [await client.send_window(located), await client.send_window(anonymous)]
                await client.close()
        return acks

    assert [4, 4, 4, 4] == asyncio.run(asyncio.wait_for(ship(), 300))
    assert 8 == es_count(es_client, prefix)


def test_identical_anonymous_windows_on_one_connection_are_each_kept(
    es_url: str, es_client: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    """tst-send's pattern: the same anonymous window (with a duplicate inside) three times on
    one connection is nine documents, although anonymous events are counted per window (the
    bounded table); the same three windows again on a new connection add nothing."""
    anonymous = [{"message": "tick"}, {"message": "tick"}, {"message": "t"}]

    async def ship() -> list[int]:
        acks = []
        async with Pipeline(es_url, prefix, tmp_path / "dlq") as p:
            for _ in range(2):
                client = await Client.connect(p.port)
                acks += [await client.send_window(anonymous) for _ in range(3)]
                await client.close()
        return acks

    assert [3] * 6 == asyncio.run(asyncio.wait_for(ship(), 300))
    assert 9 == es_count(es_client, prefix)
