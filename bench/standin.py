"""A stand-in ``_bulk`` endpoint that answers like Elasticsearch 8 and only counts documents.

Benchmark equipment, not a fake of Elasticsearch in a test: it lets the harness measure what a
shipper costs without the cost of indexing. It speaks enough of ES 8 for the shippers under test
(lumberyard, the elasticsearch-py client, rsyslog omelasticsearch, syslog-ng elasticsearch-http):
``GET /`` with ``X-Elastic-Product: Elasticsearch`` and an 8.x version, ``POST /_bulk`` and
``/<index>/_bulk`` (gzip bodies too) answering ``201 created`` per item, ``/<pattern>/_count``,
and ``GET /_standin/stats`` with the per-index document counts.

In-process: ``url = StandIn().start()``; as a process: ``python -m bench.standin --port P``.
"""

from __future__ import annotations

import argparse
import fnmatch
import gzip
import itertools
import sys
import threading
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

import orjson

VERSION = "8.19.0"
ROOT_INFO = {
    "name": "standin", "cluster_name": "lumberyard-bench", "cluster_uuid": "standin",
    "version": {"number": VERSION, "build_flavor": "default", "lucene_version": "9.12.0",
                "minimum_wire_compatibility_version": "7.17.0",
                "minimum_index_compatibility_version": "7.0.0"},
    "tagline": "You Know, for Search",
}
_SOURCE_OPS = frozenset({"index", "create", "update"})
"""Bulk operations followed by a source line; ``delete`` has none."""
_SHARDS = {"total": 1, "successful": 1, "failed": 0}


class BulkError(ValueError):
    """A ``_bulk`` body the stand-in cannot read: names the line."""


@dataclass
class Tally:
    """Thread-safe counts of everything the stand-in received."""

    docs: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    bulk_requests: int = 0
    body_bytes: int = 0
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, per_index: dict[str, int], nbytes: int) -> None:
        """Record one bulk request's documents per index."""
        with self.lock:
            self.bulk_requests += 1
            self.body_bytes += nbytes
            for index, count in per_index.items():
                self.docs[index] = self.docs.get(index, 0) + count

    def snapshot(self) -> dict[str, Any]:
        """Counts as JSON-ready data."""
        with self.lock:
            return {"docs_total": sum(self.docs.values()),
                    "indices": dict(sorted(self.docs.items())), "requests": self.requests,
                    "bulk_requests": self.bulk_requests,
                    "body_bytes": self.body_bytes, "errors": self.errors}

    def count(self, pattern: str) -> int:
        """Documents in indices matching a comma-separated list of ``fnmatch`` patterns."""
        pats = [p for p in pattern.split(",") if p] or ["*"]
        with self.lock:
            return sum(n for index, n in self.docs.items()
                       if any(fnmatch.fnmatchcase(index, p) for p in pats))

    def reset(self) -> None:
        """Forget everything (between benchmark runs)."""
        with self.lock:
            self.docs.clear()
            self.requests = self.bulk_requests = self.body_bytes = self.errors = 0


_ids = itertools.count(1)


def bulk_response(body: bytes, default_index: str | None) -> tuple[bytes, dict[str, int]]:
    """The ES 8 response to a ``_bulk`` body (every item created) and its documents per index."""
    lines = [line for line in body.split(b"\n") if line.strip()]
    items: list[dict[str, Any]] = []
    per_index: dict[str, int] = {}
    i = 0
    while i < len(lines):
        op, meta = _action(lines[i], i + 1)
        index = meta.get("_index", default_index)
        if not isinstance(index, str) or not index:
            raise BulkError(f"line {i + 1}: {op} action names no _index and the URL gives none")
        if op in _SOURCE_OPS:
            if i + 1 >= len(lines):
                raise BulkError(f"line {i + 1}: {op} action without a source line")
            i += 2
        else:
            i += 1
        per_index[index] = per_index.get(index, 0) + (op != "delete")
        items.append(_item(op, index, meta.get("_id")))
    payload = {"errors": False, "took": 1, "items": items}
    return orjson.dumps(payload), per_index


def _action(line: bytes, lineno: int) -> tuple[str, dict[str, Any]]:
    """One action line as ``(op, metadata)``."""
    try:
        action = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise BulkError(f"line {lineno}: action is not JSON: {exc}") from exc
    if not isinstance(action, dict) or len(action) != 1:
        raise BulkError(f"line {lineno}: action must be an object with one key")
    op, meta = next(iter(action.items()))
    if op not in _SOURCE_OPS and op != "delete":
        raise BulkError(f"line {lineno}: unknown bulk operation {op!r}")
    if not isinstance(meta, dict):
        raise BulkError(f"line {lineno}: {op} metadata must be an object")
    return op, meta


def _item(op: str, index: str, doc_id: Any) -> dict[str, Any]:
    seq = next(_ids)
    status, result = (200, "deleted") if op == "delete" else (201, "created")
    if op == "update":
        status, result = 200, "updated"
    return {op: {"_index": index, "_id": str(doc_id) if doc_id is not None else f"standin-{seq}",
                 "_version": 1, "result": result, "_shards": _SHARDS, "_seq_no": seq,
                 "_primary_term": 1, "status": status}}


def _read_chunked(rfile: Any) -> bytes:
    """A ``Transfer-Encoding: chunked`` request body."""
    parts: list[bytes] = []
    while True:
        size = int(rfile.readline().split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            return b"".join(parts)
        parts.append(rfile.read(size))
        rfile.readline()


class _Handler(BaseHTTPRequestHandler):
    """Routes the few ES endpoints shippers use; everything else is acknowledged."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: a benchmark endpoint logs nothing per request."""

    def _reply(self, status: int, payload: Any) -> None:
        data = payload if isinstance(payload, bytes) else orjson.dumps(payload)
        self.send_response(status)
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            raw = _read_chunked(self.rfile)
        else:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("Content-Encoding", "").lower() == "gzip":
            return gzip.decompress(raw)
        if self.headers.get("Content-Encoding", "").lower() == "deflate":
            return zlib.decompress(raw)
        return raw

    def _path(self) -> list[str]:
        return [unquote(p) for p in urlsplit(self.path).path.split("/") if p]

    def do_GET(self) -> None:
        """``/``, ``/_standin/stats``, ``/<pattern>/_count``, ``/_cluster/health``."""
        self._count_request()
        parts = self._path()
        tally = self.server.tally
        if not parts:
            self._reply(200, ROOT_INFO)
        elif parts in (["_standin", "stats"], ["_stats"]):
            self._reply(200, tally.snapshot())
        elif parts[-1] == "_count":
            self._reply(200, {"count": tally.count(parts[0] if len(parts) > 1 else "*"),
                              "_shards": _SHARDS})
        elif parts[:2] == ["_cluster", "health"]:
            self._reply(200, {"cluster_name": "lumberyard-bench", "status": "green"})
        else:
            self._reply(200, {"acknowledged": True})

    do_HEAD = do_GET  # noqa: N815 - the name http.server dispatches HEAD to

    def do_POST(self) -> None:
        """``/_bulk`` and ``/<index>/_bulk``; ``/_standin/reset``; anything else is acknowledged."""
        self._count_request()
        parts, body = self._path(), self._body()
        if parts and parts[-1] == "_bulk":
            self._bulk(body, parts[0] if len(parts) == 2 else None)
        elif parts == ["_standin", "reset"]:
            self.server.tally.reset()
            self._reply(200, {"acknowledged": True})
        elif parts and parts[-1] == "_count":
            self._reply(200, {"count": self.server.tally.count(parts[0] if len(parts) > 1 else "*"),
                              "_shards": _SHARDS})
        else:
            self._reply(200, {"acknowledged": True, "_shards": _SHARDS})

    def do_PUT(self) -> None:
        """``_bulk`` (the Python client PUTs it); templates, indices, settings are acknowledged."""
        parts = self._path()
        if parts and parts[-1] == "_bulk":
            self.do_POST()
            return
        self._count_request()
        self._body()
        self._reply(200, {"acknowledged": True, "shards_acknowledged": True})

    def _bulk(self, body: bytes, default_index: str | None) -> None:
        try:
            response, per_index = bulk_response(body, default_index)
        except BulkError as exc:
            with self.server.tally.lock:
                self.server.tally.errors += 1
            self._reply(400, {"error": {"type": "illegal_argument_exception", "reason": str(exc)},
                              "status": 400})
            return
        self.server.tally.add(per_index, len(body))
        self._reply(200, response)

    def _count_request(self) -> None:
        with self.server.tally.lock:
            self.server.tally.requests += 1


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, port: int, tally: Tally) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.tally = tally


class StandIn:
    """The stand-in endpoint, run in a background thread of this process."""

    def __init__(self, port: int = 0) -> None:
        self.tally = Tally()
        self._server = _Server(port, self.tally)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> str:
        """Serve in a daemon thread; return the URL."""
        self._thread = threading.Thread(target=self._server.serve_forever, name="standin",
                                        daemon=True)
        self._thread.start()
        return self.url

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> StandIn:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.standin --port P``: print the URL, serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m bench.standin", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0 = free)")
    args = parser.parse_args(argv)
    server = StandIn(args.port)
    sys.stdout.write(server.url + "\n")
    sys.stdout.flush()
    try:
        server._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
