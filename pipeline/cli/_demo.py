"""``lumberyard demo``: the live job end to end on the local stack, until Ctrl-C.

1. Elasticsearch + Kafka: ``ES_URL``/``KAFKA_BOOTSTRAP`` if set, else the local stack (reused
   when already up, started otherwise).
2. ``lumberyard setup``: the index templates.
3. ``lumberyard serve`` in the background: Beats on a free local port, the Kafka input on the
   demo topic (``--no-live`` skips this and the next step).
4. A genuine Filebeat (built once from the Go module proxy, cached) tailing application logs
   that keep being written, ``fields.service``/``fields.environment`` set in its filebeat.yml.
5. An archive reprocessed straight into Elasticsearch, another published to Kafka with
   ``reprocess --to-kafka`` for serve's Kafka input (each run as the real command, printed
   first, so a newcomer sees what to type).
6. What landed, as Kibana would ask for it: documents per daily index, per path, terms on
   ``service.name`` and ``event_type``, the latest errors, a few documents; then the endpoints.
7. Ctrl-C stops what the demo started: the writer, Filebeat, serve (drained) and the stack
   (``--keep`` leaves the stack running).
"""

from __future__ import annotations

import shlex
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipeline.errors import LumberyardError

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

    from pipeline.cli._demo_live import LiveFlow
    from pipeline.stack import Endpoints, Stack

_LUMBERYARD = str(Path(sys.executable).with_name("lumberyard"))
SETTLE_SECS = 3.0
ARRIVAL_TIMEOUT_SECS = 180.0


def register(app: typer.Typer) -> None:
    """Add the ``demo`` command."""

    @app.command()
    def demo(  # noqa: PLR0917 - one parameter per CLI option
        logs: Annotated[
            list[Path] | None,
            typer.Option("--logs", help="Log files/dirs reprocessed straight into ES."),
        ] = None,
        kafka_logs: Annotated[
            list[Path] | None,
            typer.Option("--kafka-logs", help="Log files published to Kafka for serve to read."),
        ] = None,
        config: Annotated[
            Path | None, typer.Option("--config", help="lumberyard config file (TOML).")
        ] = None,
        data_dir: Annotated[
            Path, typer.Option("--data-dir", help="Checkpoints, dead letters, live logs.")
        ] = Path(".stack/demo/data"),
        live: Annotated[
            bool, typer.Option("--live/--no-live", help="Run serve, Filebeat and a log writer.")
        ] = True,
        keep: Annotated[bool, typer.Option("--keep", help="Leave the stack running.")] = False,
        wait: Annotated[
            bool, typer.Option("--wait/--no-wait", help="Wait for Ctrl-C at the end.")
        ] = True,
    ) -> None:
        """Run the live flow on the local stack: setup, serve, Filebeat, Kafka, an archive,
        then show what landed the way Kibana would ask for it."""
        from pipeline.cli._demo_live import LiveFlow  # noqa: PLC0415 - demo only

        stack, endpoints = _bring_up()
        flow = LiveFlow(data_dir / "live")
        try:
            _run_flow(endpoints, flow if live else None, logs=logs or [],
                      kafka_logs=kafka_logs or [], config=config, data=data_dir)  # fmt: skip
            _print_endpoints(endpoints, flow if live else None)
            if wait:
                typer.echo("Filebeat keeps shipping; press Ctrl-C to stop.")
                _wait_for_interrupt()
        finally:
            for problem in flow.stop():
                typer.secho(problem, err=True, fg=typer.colors.RED)
            if stack is not None and not keep:
                for name in endpoints.started:
                    stack.servers()[name].stop()
                typer.echo(f"stopped {', '.join(endpoints.started) or 'nothing we started'}")


def _bring_up() -> tuple[Stack | None, Endpoints]:
    from pipeline.stack import Stack, external_endpoints, timed_up  # noqa: PLC0415 - demo only

    endpoints = external_endpoints()
    if endpoints is not None:
        return None, endpoints
    stack = Stack()
    endpoints, secs = timed_up(stack)
    typer.echo(f"stack ready in {secs:.1f} s")
    return stack, endpoints


def _run_flow(
    endpoints: Endpoints, flow: LiveFlow | None, *, logs: list[Path], kafka_logs: list[Path],
    config: Path | None, data: Path,
) -> None:
    from elasticsearch import Elasticsearch  # noqa: PLC0415 - only the demo queries need it

    es_url, bootstrap = endpoints.es_url, endpoints.kafka_bootstrap
    with_config = ["--config", str(config)] if config is not None else []
    _step("install the index templates", ["setup", "--es-url", es_url, *with_config])
    topic = f"lumberyard-demo-{int(time.time())}"
    if flow is not None:
        _start_live(flow, es_url=es_url, bootstrap=bootstrap, topic=topic,
                    with_config=with_config, data=data)
    options = ["--es-url", es_url, "--data-dir", str(data), "--progress", "plain", *with_config]
    if logs:
        _step("reprocess an archive into Elasticsearch", ["reprocess", *map(str, logs), *options])
    if kafka_logs and flow is not None:
        _step("publish an archive to Kafka (serve's Kafka input indexes it)",
              ["reprocess", *map(str, kafka_logs), "--to-kafka", topic, "--kafka-bootstrap",
               bootstrap, *options])  # fmt: skip
    es = Elasticsearch(es_url)
    pattern = _index_pattern(config)
    if flow is not None:
        _await_arrivals(es, pattern, flow)
    _show_like_kibana(es, pattern)


def _start_live(
    flow: LiveFlow, *, es_url: str, bootstrap: str, topic: str, with_config: list[str],
    data: Path,
) -> None:
    """serve (Beats + Kafka) in the background, then the log writer and Filebeat."""
    from pipeline.stack import free_port  # noqa: PLC0415 - demo only
    from pipeline.stack._gotools import filebeat_binary  # noqa: PLC0415 - demo only

    port, flow.http_port = free_port(), free_port()
    options = ["--es-url", es_url, "--beats-host", "127.0.0.1", "--beats-port", str(port),
               "--http-host", "127.0.0.1", "--http-port", str(flow.http_port),
               "--kafka", "--kafka-bootstrap", bootstrap, "--kafka-topic", topic,
               "--kafka-group", f"{topic}-group", "--workers", "1",
               "--data-dir", str(data / "serve"), *with_config]  # fmt: skip
    _announce("serve Beats and Kafka in the background", ["serve", *options])
    flow.start_serve(options, port)
    typer.secho("\n== a genuine Filebeat tails application logs that keep being written", bold=True)
    typer.echo("(built from the Go module proxy on first use: ~4 min and ~310 MB, then cached)")
    binary = filebeat_binary()
    flow.start_filebeat(binary, port)
    typer.echo(f"filebeat -c {flow.workdir / 'filebeat' / 'filebeat.yml'}  ->  127.0.0.1:{port}")
    typer.echo(f"application logs: {flow.workdir / 'logs'}  (service/environment in fields.*)")


def _announce(title: str, args: list[str]) -> None:
    typer.secho(f"\n== {title}\n$ lumberyard {shlex.join(args)}", bold=True)


def _step(title: str, args: list[str]) -> None:
    """Run one real ``lumberyard`` command, showing it first; a failure ends the demo."""
    _announce(title, args)
    done = subprocess.run([_LUMBERYARD, *args], check=False)
    if done.returncode != 0:
        raise LumberyardError(f"'lumberyard {args[0]}' failed with exit status {done.returncode}")


def _await_arrivals(es: Elasticsearch, pattern: str, flow: LiveFlow) -> None:
    """Wait until Filebeat's lines are arriving and the archive counts have settled."""
    from pipeline.cli._demo_live import ENVIRONMENT  # noqa: PLC0415 - demo only

    typer.secho("\n== waiting for the live events to land", bold=True)
    deadline = time.monotonic() + ARRIVAL_TIMEOUT_SECS
    live_query = {"term": {"service.environment": ENVIRONMENT}}
    previous, stable_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        es.indices.refresh(index=pattern, ignore_unavailable=True, allow_no_indices=True)
        live = _count(es, pattern, live_query)
        rest = _count(es, pattern, {"bool": {"must_not": live_query}})
        if rest != previous:
            previous, stable_since = rest, time.monotonic()
        if live > 0 and time.monotonic() - stable_since >= SETTLE_SECS:
            typer.echo(f"via Filebeat -> serve (Beats): {live} documents and counting")
            typer.echo(f"via reprocess and Kafka -> serve: {rest} documents")
            return
        time.sleep(1.0)
    raise LumberyardError(
        "the live events did not arrive in time; serve's log:\n" + flow.tail("serve")
        + "\nFilebeat's log:\n" + flow.tail("filebeat")
    )


def _count(es: Elasticsearch, pattern: str, query: dict[str, Any]) -> int:
    answer = es.count(index=pattern, query=query, ignore_unavailable=True, allow_no_indices=True)
    return int(answer["count"])


def _index_pattern(config: Path | None) -> str:
    from pipeline.config import load_config  # noqa: PLC0415 - only this command needs it

    return f"{load_config(config).enrich.index_prefix}*"


def _show_like_kibana(es: Elasticsearch, pattern: str) -> None:
    """The searches Discover and a dashboard would send, and their answers."""
    typer.secho(f"\n== what Kibana sees in {pattern}", bold=True)
    es.indices.refresh(index=pattern)
    aggs = {
        "per_index": {"terms": {"field": "_index", "size": 20}},
        "per_service": {"terms": {"field": "service.name", "size": 10}},
        "per_event_type": {"terms": {"field": "event_type", "size": 10}},
    }
    answer = es.search(index=pattern, size=0, aggs=aggs, track_total_hits=True)
    typer.echo(f"documents: {answer['hits']['total']['value']}")
    for name, agg in answer["aggregations"].items():
        typer.echo(f"{name}:")
        for bucket in agg["buckets"]:
            typer.echo(f"  {bucket['key']:<40} {bucket['doc_count']:>8}")
    _show_latest_errors(es, pattern)
    _show_documents(es, pattern)


def _show_latest_errors(es: Elasticsearch, pattern: str) -> None:
    query: dict[str, Any] = {"term": {"event_type": "error"}}
    found = es.search(index=pattern, size=3, query=query, sort=[{"@timestamp": "desc"}])
    typer.echo("latest errors:")
    for hit in found["hits"]["hits"]:
        doc = hit["_source"]
        service = doc.get("service", {}).get("name", "-")
        first_line = str(doc.get("message", "")).splitlines()[0][:70] if doc.get("message") else ""
        typer.echo(f"  {doc['@timestamp']}  {service:<20} {first_line}")


def _show_documents(es: Elasticsearch, pattern: str) -> None:
    """The newest documents, as Discover lists them."""
    found = es.search(index=pattern, size=3, sort=[{"@timestamp": "desc"}])
    typer.echo("newest documents:")
    for hit in found["hits"]["hits"]:
        typer.echo(f"  {hit['_index']} {hit['_id']}")
        typer.echo(f"    {_short(hit['_source'])}")


def _short(doc: dict[str, Any], width: int = 160) -> str:
    import orjson  # noqa: PLC0415 - demo only

    text = orjson.dumps(doc).decode()
    return text if len(text) <= width else text[: width - 3] + "..."


def _print_endpoints(endpoints: Endpoints, flow: LiveFlow | None) -> None:
    typer.secho("\n== endpoints", bold=True)
    typer.echo(f"Elasticsearch  {endpoints.es_url}")
    typer.echo(f"Kafka          {endpoints.kafka_bootstrap}")
    if flow is not None:
        typer.echo(f"serve's log    {flow.log('serve')}")
        base = f"http://127.0.0.1:{flow.http_port}"
        typer.echo(f"metrics        {base}/metrics   health {base}/health")
        _show_metrics(f"{base}/metrics")
    typer.echo("Kibana         point elasticsearch.hosts at the Elasticsearch above; "
               "`lumberyard setup --kibana-url URL` creates the data view")  # fmt: skip
    for key, value in endpoints.env().items():
        typer.echo(f"export {key}={value}")


def _show_metrics(url: str) -> None:
    """A few of serve's own counters, as Prometheus scrapes them."""
    import urllib.request  # noqa: PLC0415 - demo only

    wanted = ("lumberyard_events_received_total", "lumberyard_events_sent_total",
              "lumberyard_events_dead_lettered_total")  # fmt: skip
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - our own endpoint
        text = answer.read().decode()
    for line in text.splitlines():
        if line.startswith(wanted):
            typer.echo(f"  {line}")


def _wait_for_interrupt() -> None:
    """Block until SIGINT or SIGTERM."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
