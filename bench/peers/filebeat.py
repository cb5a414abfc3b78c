"""Filebeat OSS 7.17.29 as a peer, in the two architectures users pick between.

* ``filebeat-es``: Filebeat ships straight to Elasticsearch and parses with its own processors
  (``decode_json_fields`` for JSON lines, ``dissect`` for bracketed ones, ``timestamp`` with
  the corpus's layouts, ``script`` moving a string ``data``/``context`` aside as the rsyslog
  peer does, a daily index from the event's time). Filebeat's Elasticsearch output first asks
  ``GET /`` for the version, which the integ-test-zip Elasticsearch answers with 405, so a
  minimal proxy in the driver process answers ``GET /`` and passes everything else through;
  its CPU is counted with Filebeat's.
* ``filebeat-lumberyard``: Filebeat ships to ``lumberyard serve`` over Lumberjack, which does
  the parsing and indexes into Elasticsearch; ``filebeat-lumberyard-flush20ms`` is the same
  with ``[elasticsearch] flush_interval_secs = 0.02`` (a Lumberjack window of 2048 is smaller
  than a bulk request of 5000, so by default it waits up to 1 s for the flush timer).

Each runs as one driver process (:func:`main` with ``MODE JOB.json``) whose
children are Filebeat (and lumberyard), so the harness measures the whole shipping path as one
process tree. Both read the plain corpus with the same multiline rule as every other peer.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.peers._job import BATCH_DOCS, Job, Launch
from bench.peers._serve import FAST_FLUSH_SECS

NAMES = ("filebeat-es", "filebeat-lumberyard", "filebeat-lumberyard-flush20ms")
ES_VERSION_ANSWER = {
    "name": "bench-proxy",
    "cluster_name": "bench",
    "version": {"number": "8.19.4", "build_flavor": "default", "lucene_version": "9.12.2"},
    "tagline": "You Know, for Search",
}
"""What the proxy answers to Filebeat's ``GET /`` (the Elasticsearch behind it is 8.19.4)."""

_SEPS, _FRACS, _ZONES = ("T", " "), (".", ","), ("Z07:00", "Z0700")
STAMP_LAYOUTS = [f"2006-01-02{s}15:04:05{f}999999999{z}"
                 for s in _SEPS for f in _FRACS for z in _ZONES]
"""Go layouts for every bracketed stamp variant of the corpus (``T``/space, ``.``/``,``,
``Z`` or an offset with or without a colon; the fraction is optional in each)."""

MOVE_STRING_PAYLOADS = """
function process(event) {
    var names = ["data", "context"];
    for (var i = 0; i < names.length; i++) {
        var value = event.Get(names[i]);
        if (typeof value === "string") {
            event.Put(names[i] + "_text", value);
            event.Delete(names[i]);
        }
    }
}
"""

SERVE_WORKERS = int(os.environ.get("BENCH_SERVE_WORKERS") or os.cpu_count() or 1)
"""``serve --workers`` (one per core, its default), and as many Filebeat connections
(``output.logstash.worker``) so that each worker process gets one (SO_REUSEPORT)."""

MULTILINE = {"pattern": "^[ \\t]", "negate": False, "match": "after"}


def filebeat_binary() -> Path | None:
    """The cached Filebeat build, or None if it was never built (it takes minutes)."""
    from pipeline.stack._gotools import FILEBEAT_VERSION, go_root

    binary = go_root() / "bin" / f"filebeat-{FILEBEAT_VERSION}"
    return binary if binary.exists() else None


def available() -> str | None:
    """Why Filebeat cannot run here, or None."""
    if filebeat_binary() is None:
        return "Filebeat is not built (python -m pipeline.stack gotools, ~4 min cold)"
    return None


def serve_available() -> str | None:
    """Why Filebeat -> ``lumberyard serve`` cannot run here, or None."""
    from bench.peers._serve import serve_missing

    return serve_missing() or available()


def launch_es(job: Job) -> Launch:
    """Filebeat -> proxy -> Elasticsearch, parsing with Filebeat's processors."""
    return _launch("es", job)


def launch_lumberyard(job: Job) -> Launch:
    """Filebeat -> lumberyard serve -> Elasticsearch."""
    return _launch("lumberyard", job)


def launch_lumberyard_fast_flush(job: Job) -> Launch:
    """Filebeat -> lumberyard serve with a 20 ms bulk flush interval -> Elasticsearch."""
    return _launch("lumberyard-flush20ms", job)


def _launch(mode: str, job: Job) -> Launch:
    from bench.peers import lumberyard

    spec = job.workdir / "job.json"
    fields = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(job).items()}
    source = lumberyard.SOURCE  # the snapshot being measured travels to the driver
    spec.write_text(json.dumps({"job": fields, "source": source and str(source)}),
                    encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    code = "import sys; from bench.peers.filebeat import main; sys.exit(main(sys.argv[1:]))"
    return Launch([sys.executable, "-c", code, mode, str(spec)], daemon=True, cwd=root)


def input_config(job: Job) -> dict[str, Any]:
    """The log input both architectures share: the plain corpus, read from its start."""
    return {"type": "log", "paths": [str(job.corpus)], "multiline": MULTILINE,
            "scan_frequency": "1s", "harvester_buffer_size": 65536}


def es_processors() -> list[dict[str, Any]]:
    """Filebeat's own parsing of the corpus, as close as its processors get to lumberyard's."""
    json_branch = [
        {"decode_json_fields": {"fields": ["message"], "target": "", "overwrite_keys": True,
                                "add_error_key": True}},
        {"script": {"lang": "javascript", "source": MOVE_STRING_PAYLOADS}},
        {"timestamp": {"field": "timestamp", "layouts": ["2006-01-02T15:04:05.999Z07:00"],
                       "ignore_missing": True, "ignore_failure": True}},
    ]
    bracket_branch = [
        {"dissect": {"tokenizer": "[%{ts}] %{level} %{msg}", "field": "message",
                     "target_prefix": "", "ignore_failure": True}},
        {"timestamp": {"field": "ts", "layouts": STAMP_LAYOUTS, "ignore_missing": True,
                       "ignore_failure": True}},
        # the stamp is in @timestamp now; left as text, dynamic mapping would take the first
        # one's shape as a date format and refuse the other variants
        {"drop_fields": {"fields": ["ts"], "ignore_missing": True}},
    ]
    return [{"if": {"regexp": {"message": "^\\{"}}, "then": json_branch,
             "else": bracket_branch}]


def filebeat_config(job: Job, mode: str, target: str) -> dict[str, Any]:
    """filebeat.yml for one mode; ``target`` is host:port of the proxy or of lumberyard."""
    config: dict[str, Any] = {
        "filebeat.inputs": [input_config(job)],
        "queue.mem": {"events": 8192, "flush.min_events": 2048, "flush.timeout": "1s"},
        "logging.level": "warning",
        "logging.metrics.enabled": False,
        "http.enabled": False,
    }
    if mode == "es":
        config["processors"] = es_processors()
        config["output.elasticsearch"] = {
            "hosts": [f"http://{target}"], "index": f"{job.index_prefix}%{{+yyyy.MM.dd}}",
            "bulk_max_size": BATCH_DOCS, "worker": 1, "compression_level": 0}
        config.update({"setup.template.enabled": False, "setup.ilm.enabled": False})
    else:
        config["output.logstash"] = {"hosts": [target], "bulk_max_size": 2048,
                                     "compression_level": 3, "worker": SERVE_WORKERS}
    return config


class _Proxy(BaseHTTPRequestHandler):
    """Answers ``GET /`` itself, relays every other request to the upstream Elasticsearch."""

    protocol_version = "HTTP/1.1"
    upstream: tuple[str, int] = ("127.0.0.1", 9200)
    _conn: http.client.HTTPConnection | None = None

    def log_message(self, format: str, *args: Any) -> None:
        """No line per request."""

    def _relay(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.command == "GET" and self.path.split("?")[0] == "/":
            self._answer(200, json.dumps(ES_VERSION_ANSWER).encode(), "application/json")
            return
        if self._conn is None:  # one upstream connection per client connection
            self._conn = http.client.HTTPConnection(*self.upstream, timeout=120)
        conn = self._conn
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("host", "connection", "content-length")}
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        self._answer(resp.status, resp.read(), resp.getheader("Content-Type") or "",
                     resp.getheader("Content-Encoding"))

    def finish(self) -> None:
        """Close the upstream connection with the client's."""
        super().finish()
        if self._conn is not None:
            self._conn.close()

    def _answer(self, status: int, payload: bytes, ctype: str,
                encoding: str | None = None) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _relay  # noqa: N815 - http.server names


def start_proxy(upstream: str) -> ThreadingHTTPServer:
    """The ``GET /`` proxy on a free 127.0.0.1 port in front of ``upstream`` (a URL)."""
    parts = urlsplit(upstream)
    _Proxy.upstream = (parts.hostname or "127.0.0.1", parts.port or 9200)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def serve_argv(job: Job, port: int, workers: int, flush_secs: float | None = None) -> list[str]:
    """``lumberyard serve`` on 127.0.0.1:port into the job's Elasticsearch and index prefix
    (Filebeat's input joins multiline records before sending, as in both architectures), with
    the bulk flush interval ``flush_secs`` when given (else the default)."""
    from bench.peers._serve import serve_argv as argv
    from bench.peers._serve import serve_config

    config = serve_config(job.workdir, job.index_prefix, flush_secs)
    return argv(config, job.url, str(port), workers, job.workdir / "lumberyard-data")


def main(argv: list[str]) -> int:
    """The driver: start the path's processes, wait for SIGTERM, stop them."""
    from bench.peers import lumberyard
    from pipeline.stack import free_port, port_open

    mode, spec = argv
    loaded = json.loads(Path(spec).read_text(encoding="utf-8"))
    job = Job(**{k: Path(v) if k in ("corpus", "corpus_gz", "workdir") else v
                 for k, v in loaded["job"].items()})
    lumberyard.SOURCE = Path(loaded["source"]) if loaded["source"] else None
    children: list[subprocess.Popen[bytes]] = []
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if mode == "es":
        target = f"127.0.0.1:{start_proxy(job.url).server_address[1]}"
    else:
        port = free_port()
        workers = SERVE_WORKERS
        env = {**os.environ, **lumberyard.lumberyard_head()[1]}
        with (job.workdir / "lumberyard.log").open("wb") as out:
            # cwd: a ``python -c`` puts its working directory first on sys.path, so it runs
            # in the snapshot for the snapshot to be what is imported
            flush = FAST_FLUSH_SECS if mode == "lumberyard-flush20ms" else None
            children.append(subprocess.Popen(serve_argv(job, port, workers, flush), stdout=out,
                                             stderr=subprocess.STDOUT, env=env,
                                             cwd=lumberyard.SOURCE))
        for _ in range(600):
            if port_open(port) or children[0].poll() is not None:
                break
            time.sleep(0.1)
        target = f"127.0.0.1:{port}"
    binary = filebeat_binary()
    assert binary is not None, available()
    cfg = job.workdir / "filebeat.yml"
    cfg.write_text(json.dumps(filebeat_config(job, mode, target), indent=1), encoding="utf-8")
    with (job.workdir / "filebeat.log").open("wb") as out:
        children.append(subprocess.Popen(
            [str(binary), "-e", "-c", str(cfg.resolve()), "--strict.perms=false",
             "--path.home", str(job.workdir), "--path.data", str(job.workdir / "fb-data"),
             "--path.logs", str(job.workdir / "fb-logs")], stdout=out, stderr=subprocess.STDOUT))
    while not stop.wait(0.5):
        if any(child.poll() is not None for child in children):
            break
    for child in reversed(children):
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    return 0
