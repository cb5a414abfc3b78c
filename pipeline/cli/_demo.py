"""``lumberyard demo``: the whole flow on the local stack, then wait for Ctrl-C.

1. Elasticsearch + Kafka: ``ES_URL``/``KAFKA_BOOTSTRAP`` if set, else the local stack (reused
   when already up, started otherwise).
2. ``lumberyard setup``: the index templates.
3. ``lumberyard reprocess`` of the given log files into the daily indices (run as the real
   command, printed first, so a newcomer sees what to type).
4. The queries Kibana issues for Discover and a dashboard: documents per daily index, terms
   on ``service.name`` and ``event_type``, the latest errors.
5. The endpoints; Ctrl-C stops what the demo started (``--keep`` leaves it running).
"""

from __future__ import annotations

import shlex
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipeline.errors import LumberyardError

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

    from pipeline.stack import Endpoints, Stack

_LUMBERYARD = str(Path(sys.executable).with_name("lumberyard"))


def register(app: typer.Typer) -> None:
    """Add the ``demo`` command."""

    @app.command()
    def demo(
        logs: Annotated[
            list[Path] | None,
            typer.Option("--logs", help="Log files/dirs to ship (make demo generates some)."),
        ] = None,
        config: Annotated[
            Path | None, typer.Option("--config", help="lumberyard config file (TOML).")
        ] = None,
        data_dir: Annotated[
            Path, typer.Option("--data-dir", help="Checkpoints and dead letters.")
        ] = Path(".stack/demo/data"),
        keep: Annotated[bool, typer.Option("--keep", help="Leave the stack running.")] = False,
        wait: Annotated[
            bool, typer.Option("--wait/--no-wait", help="Wait for Ctrl-C at the end.")
        ] = True,
    ) -> None:
        """Run the whole flow on the local stack: setup, ship logs, query them like Kibana."""
        stack, endpoints = _bring_up()
        try:
            _run_flow(endpoints, logs or [], config, data_dir)
            _print_endpoints(endpoints)
            if wait:
                typer.echo("Press Ctrl-C to stop.")
                _wait_for_interrupt()
        finally:
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


def _run_flow(endpoints: Endpoints, logs: list[Path], config: Path | None, data: Path) -> None:
    es_url = endpoints.es_url
    with_config = ["--config", str(config)] if config is not None else []
    _step("install the index templates", ["setup", "--es-url", es_url, *with_config])
    if not logs:
        typer.echo("no --logs given: nothing to ship (make demo generates a sample corpus)")
        return
    options = ["--es-url", es_url, "--data-dir", str(data), *with_config]
    _step("ship the logs", ["reprocess", *map(str, logs), *options])
    from elasticsearch import Elasticsearch  # noqa: PLC0415 - only the demo queries need it

    _show_like_kibana(Elasticsearch(es_url), _index_pattern(config))


def _step(title: str, args: list[str]) -> None:
    """Run one real ``lumberyard`` command, showing it first; a failure ends the demo."""
    typer.secho(f"\n== {title}\n$ lumberyard {shlex.join(args)}", bold=True)
    done = subprocess.run([_LUMBERYARD, *args], check=False)
    if done.returncode != 0:
        raise LumberyardError(f"'lumberyard {args[0]}' failed with exit status {done.returncode}")


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


def _show_latest_errors(es: Elasticsearch, pattern: str) -> None:
    query: dict[str, Any] = {"term": {"event_type": "error"}}
    found = es.search(index=pattern, size=3, query=query, sort=[{"@timestamp": "desc"}])
    typer.echo("latest errors:")
    for hit in found["hits"]["hits"]:
        doc = hit["_source"]
        service = doc.get("service", {}).get("name", "-")
        first_line = str(doc.get("message", "")).splitlines()[0][:70] if doc.get("message") else ""
        typer.echo(f"  {doc['@timestamp']}  {service:<20} {first_line}")


def _print_endpoints(endpoints: Endpoints) -> None:
    typer.secho("\n== endpoints", bold=True)
    typer.echo(f"Elasticsearch  {endpoints.es_url}")
    typer.echo(f"Kafka          {endpoints.kafka_bootstrap}")
    for key, value in endpoints.env().items():
        typer.echo(f"export {key}={value}")


def _wait_for_interrupt() -> None:
    """Block until SIGINT or SIGTERM."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
