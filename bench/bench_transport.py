"""Client-side cost of the bulk path: lumberyard's aiohttp ``BulkService`` vs the official
``elasticsearch`` client's transport (``AsyncElasticsearch.bulk`` with the same NDJSON bytes).

The issue asked to use the official client's transport where it gives several hosts, API
keys, CA/fingerprint and cloud_id "for free without a measurable cost on the bulk path". Both
send identical pre-encoded bodies to the stand-in ``_bulk`` endpoint (a separate process that
indexes nothing), so the CPU this process spends per document is the transport's own cost.

    .venv/bin/python -m bench.bench_transport --requests 200 --docs-per-request 2000
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
import urllib.request

import orjson
from elasticsearch import AsyncElasticsearch

from pipeline.connections import EsConnection
from pipeline.outputs.elasticsearch import BulkService, ElasticsearchOutputConfig
from pipeline.stack import free_port


def body(docs: int) -> bytes:
    """A bulk body of ``docs`` create items shaped like an enriched log event (~450 B)."""
    lines = []
    for n in range(docs):
        lines.append(orjson.dumps({"create": {"_index": "bench-transport", "_id": f"id-{n}"}}))
        lines.append(orjson.dumps({
            "@timestamp": "2025-09-12T10:00:00.000Z", "message": f"GET /api/v1/items/{n} 200",
            "log": {"level": "info"}, "service": {"name": "api", "environment": "production"},
            "http": {"request": {"method": "GET"}, "response": {"status_code": 200}},
            "event_type": "http_request", "app": {"user_id": n, "tenant": "acme"},
        }))
    return b"\n".join(lines) + b"\n"


async def ours(url: str, payload: bytes, requests: int) -> None:
    service = BulkService(EsConnection(url=url), ElasticsearchOutputConfig(max_in_flight=2))
    try:
        for _ in range(requests):
            status, _ = await service.bulk(payload)
            assert status == 200
    finally:
        await service.close()


async def official(url: str, payload: bytes, requests: int) -> None:
    client = AsyncElasticsearch(url, request_timeout=30)
    try:
        for _ in range(requests):
            await client.bulk(operations=payload, filter_path="errors,items.*.status")
    finally:
        await client.close()


def measure(
    name: str, run: object, url: str, payload: bytes, *, requests: int, docs: int
) -> float:
    cpu, wall = time.process_time(), time.perf_counter()
    asyncio.run(run(url, payload, requests))  # type: ignore[operator]
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    per_doc = 1e6 * cpu / (requests * docs)
    print(f"{name:28} {requests * docs / wall:10.0f} docs/s  {per_doc:6.2f} us CPU/doc (client)")
    return per_doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_transport", description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--docs-per-request", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    port = free_port()
    standin = subprocess.Popen([sys.executable, "-m", "bench.standin", "--port", str(port)])
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        payload = body(args.docs_per_request)
        print(f"{args.requests} requests x {args.docs_per_request} docs, "
              f"{len(payload) / args.docs_per_request:.0f} B/doc, median of {args.repeat}")
        results: dict[str, list[float]] = {"aiohttp BulkService": [], "AsyncElasticsearch.bulk": []}
        for _ in range(args.repeat):
            for name, run in (("aiohttp BulkService", ours), ("AsyncElasticsearch.bulk", official)):
                results[name].append(measure(name, run, url, payload, requests=args.requests,
                                             docs=args.docs_per_request))
        for name, values in results.items():
            print(f"median {name:21} {sorted(values)[len(values) // 2]:6.2f} us CPU/doc")
    finally:
        standin.terminate()
        standin.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
