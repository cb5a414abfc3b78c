"""``lumberyard demo``: bring the local stack up, print where everything is, wait for Ctrl-C.

A first version: the full demo flow (generate logs, run the pipeline, show indices) is added on
top once the pipeline exists. Servers already running are left running on exit.
"""

from __future__ import annotations

import signal
import threading

import typer

from pipeline.stack import Endpoints, Stack, external_endpoints, timed_up


def register(app: typer.Typer) -> None:
    """Add the ``demo`` command."""

    @app.command()
    def demo(
        keep: bool = typer.Option(False, "--keep", help="Leave the stack running on exit."),
    ) -> None:
        """Start Elasticsearch + Kafka locally, print the endpoints, stop on Ctrl-C."""
        endpoints = external_endpoints()
        stack = None
        if endpoints is None:
            stack = Stack()
            endpoints, secs = timed_up(stack)
            typer.echo(f"stack ready in {secs:.1f} s")
        _print_endpoints(endpoints)
        _wait_for_interrupt()
        if stack is not None and not keep:
            for name in endpoints.started:
                stack.servers()[name].stop()
            typer.echo(f"stopped {', '.join(endpoints.started) or 'nothing we started'}")


def _print_endpoints(endpoints: Endpoints) -> None:
    typer.echo(f"Elasticsearch  {endpoints.es_url}")
    typer.echo(f"Kafka          {endpoints.kafka_bootstrap}")
    for key, value in endpoints.env().items():
        typer.echo(f"export {key}={value}")
    typer.echo("Press Ctrl-C to stop.")


def _wait_for_interrupt() -> None:
    """Block until SIGINT or SIGTERM."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
