"""``stack up|down|status|env|fetch|gotools``: the typer app behind ``python -m pipeline.stack``.

Kept inside the stack package (not ``pipeline.cli``) so ``make stack-up`` works even while
other commands are being written; ``lumberyard stack ...`` mounts this same app.
"""

from __future__ import annotations

import sys

import typer

from pipeline.errors import LumberyardError
from pipeline.stack._stack import Stack, external_endpoints, timed_up

stack_app = typer.Typer(
    name="stack",
    help="The local Elasticsearch + Kafka stack (real servers from Maven Central, no Docker).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

MIB = 1024 * 1024


@stack_app.command()
def up() -> None:
    """Start Elasticsearch and Kafka on 127.0.0.1 (downloads once), wait until ready."""
    external = external_endpoints()
    if external is not None:
        typer.echo(
            f"ES_URL/KAFKA_BOOTSTRAP are set; using {external.es_url} and "
            f"{external.kafka_bootstrap}, provisioning nothing"
        )
        return
    stack = Stack()
    endpoints, secs = timed_up(stack)
    started = ", ".join(endpoints.started) or "nothing (already running)"
    typer.echo(f"started {started} in {secs:.1f} s")
    _print_env(stack)


@stack_app.command()
def down() -> None:
    """Stop both servers (their data stays in the state directory)."""
    stopped = Stack().down()
    typer.echo(f"stopped {', '.join(stopped) or 'nothing (not running)'}")


@stack_app.command()
def status() -> None:
    """Show each server's state; exit 3 unless both are ready."""
    stack = Stack()
    lines = stack.status()
    rss = stack.peak_rss_bytes()
    for name, line in lines.items():
        typer.echo(f"{name:14} {line}  peak RSS {rss[name] // MIB} MiB")
    if not all(line.startswith(("green", "yellow", "ready")) for line in lines.values()):
        raise typer.Exit(3)


@stack_app.command()
def env() -> None:
    """Print shell exports pointing at the stack (eval "$(python -m pipeline.stack env)")."""
    _print_env(Stack())


@stack_app.command()
def fetch() -> None:
    """Download and unpack the artifacts only (for warming a CI cache)."""
    Stack().provision()
    typer.echo("artifacts ready")


@stack_app.command()
def gotools() -> None:
    """Build the genuine Go Beats clients (Filebeat OSS, go-lumber tst-send/tst-lj) once."""
    from pipeline.stack._gotools import build_all  # noqa: PLC0415 - command-time import

    for name, (path, secs) in build_all().items():
        typer.echo(f"{name:10} {path}  ({secs:.1f} s)")


def _print_env(stack: Stack) -> None:
    for key, value in stack.endpoints().env().items():
        typer.echo(f"export {key}={value}")


def main() -> None:
    """Entry point of ``python -m pipeline.stack``."""
    try:
        stack_app()
    except LumberyardError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)
