"""Where shippers send documents in a benchmark: the stand-in endpoint or a real Elasticsearch.

A sink counts what landed under an index prefix, clears it between runs, and reports the CPU
its server used, so the harness can put the sink's cost next to the shipper's.
"""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Protocol

import orjson

from bench.measure import process_cpu_secs

_ROOT = Path(__file__).resolve().parents[1]


def http(method: str, url: str, body: bytes | None = None, timeout: float = 60.0) -> Any:
    """One JSON request; returns the decoded body (``None`` for 404)."""
    req = urllib.request.Request(url, data=body, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            exc.close()
            return None
        raise
    return orjson.loads(raw) if raw else None


class Sink(Protocol):
    """A ``_bulk`` endpoint under measurement."""

    name: str
    url: str

    def count(self, prefix: str) -> int: ...

    def reset(self, prefix: str) -> None: ...

    def indices(self, prefix: str) -> dict[str, int]: ...

    def cpu_secs(self) -> float: ...

    def close(self) -> None: ...


class StandInSink:
    """``python -m bench.standin`` in a process of its own (its CPU is not the shipper's)."""

    name = "standin"

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.standin", "--port", "0"],
                                     stdout=subprocess.PIPE, text=True, cwd=_ROOT)
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.close()
            raise RuntimeError(f"the stand-in did not start (said {self.url!r})")

    def count(self, prefix: str) -> int:
        return int(http("GET", f"{self.url}/{prefix}*/_count")["count"])

    def reset(self, prefix: str) -> None:
        http("POST", f"{self.url}/_standin/reset", b"")

    def indices(self, prefix: str) -> dict[str, int]:
        stats = http("GET", f"{self.url}/_standin/stats")["indices"]
        return {k: int(v) for k, v in stats.items() if k.startswith(prefix)}

    def cpu_secs(self) -> float:
        return process_cpu_secs(self.proc.pid)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


class ElasticsearchSink:
    """A real Elasticsearch: documents counted after a refresh, CPU from its node stats."""

    name = "elasticsearch"

    def __init__(self, url: str, owner: Any = None) -> None:
        self.url = url.rstrip("/")
        self.owner = owner
        """The private ``pipeline.stack.EsNode`` to stop at the end, if we started one."""

    def count(self, prefix: str) -> int:
        target = f"{self.url}/{prefix}*"
        http("POST", f"{target}/_refresh?ignore_unavailable=true&allow_no_indices=true", b"")
        found = http("GET", f"{target}/_count?ignore_unavailable=true&allow_no_indices=true")
        return int(found["count"]) if found else 0

    def indices(self, prefix: str) -> dict[str, int]:
        self.count(prefix)  # refreshes
        listed = http("GET", f"{self.url}/_cat/indices/{prefix}*?format=json&h=index,docs.count")
        return {e["index"]: int(e["docs.count"]) for e in listed or []}

    def reset(self, prefix: str) -> None:
        """Delete the indices under ``prefix`` by name (wildcard deletes may be refused), and
        the index templates for them: ``lumberyard serve``/``reprocess`` install theirs at start,
        and a peer run after them must meet the empty cluster it would meet alone."""
        listed = http("GET", f"{self.url}/_cat/indices/{prefix}*?format=json&h=index") or []
        names = sorted(entry["index"] for entry in listed)
        for start in range(0, len(names), 50):
            http("DELETE", f"{self.url}/{','.join(names[start:start + 50])}")
        found = http("GET", f"{self.url}/_index_template") or {"index_templates": []}
        for entry in found["index_templates"]:
            template = entry["index_template"]
            if f"{prefix}*" in template.get("index_patterns", []):
                http("DELETE", f"{self.url}/_index_template/{entry['name']}")
                for component in template.get("composed_of", []):
                    http("DELETE", f"{self.url}/_component_template/{component}")

    def cpu_secs(self) -> float:
        stats = http("GET", f"{self.url}/_nodes/_local/stats/process")
        nodes = list(stats["nodes"].values())
        return float(sum(n["process"]["cpu"]["total_in_millis"] for n in nodes)) / 1000.0

    def peak_rss_bytes(self) -> int:
        """The private node's peak RSS (0 for an external one)."""
        return int(self.owner.peak_rss_bytes()) if self.owner is not None else 0

    def close(self) -> None:
        if self.owner is not None:
            self.owner.stop()


def private_elasticsearch(workdir: Path) -> ElasticsearchSink:
    """Start a private single-node ES (the local stack's build) on free ports in ``workdir``."""
    from pipeline.stack import EsNode, free_port

    node = EsNode(workdir, free_port(), free_port(), heap_min="1g", heap_max="1g",
                  name="bench", settings={"action.destructive_requires_name": False})
    node.start()
    sink = ElasticsearchSink(node.url, owner=node)
    warm_up(sink)
    return sink


def warm_up(sink: ElasticsearchSink, docs: int = 50_000, prefix: str = "bench-warmup-") -> None:
    """Index and drop a throw-away corpus so the JVM is warm before the first measured run
    (otherwise whichever shipper goes first pays for Elasticsearch's JIT compilation)."""
    from datetime import UTC, datetime

    from bench.corpus import generate
    from bench.peers.naive import logical_lines, to_doc

    today = datetime.now(UTC).strftime("%Y.%m.%d")
    body: list[bytes] = []
    for n, record in enumerate(logical_lines(generate(docs, seed=99)), start=1):
        day, doc = to_doc(record, today)
        body += [orjson.dumps({"index": {"_index": prefix + day}}), orjson.dumps(doc)]
        if n % 1000 == 0:
            http("POST", f"{sink.url}/_bulk", b"\n".join(body) + b"\n")
            body.clear()
    if body:
        http("POST", f"{sink.url}/_bulk", b"\n".join(body) + b"\n")
    sink.reset(prefix)
