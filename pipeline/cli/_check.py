"""``lumberyard check``: find every mistake in a config file before starting anything."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ConfigPath = Annotated[
    Path | None,
    typer.Option("--config", envvar="LUMBERYARD_CONFIG", help="Config file to check."),
]
Connect = Annotated[
    bool,
    typer.Option(
        "--connect", help="Also check that Elasticsearch (and its index template) and Kafka answer."
    ),
]


def register(app: typer.Typer) -> None:
    @app.command()
    def check(*, config: ConfigPath = None, connect: Connect = False) -> None:
        """Report every problem of the config (and LUMBERYARD_* variables); exit 1 if any."""
        from pipeline.check import check_config, check_connections  # noqa: PLC0415

        checked = check_config(config)
        for finding in checked.problems:
            typer.echo(str(finding), err=True)
        if checked.config is None:
            count = len(checked.problems)
            typer.echo(f"{count} problem{'s' * (count != 1)} found", err=True)
            raise typer.Exit(1)
        typer.echo(f"{config or 'defaults'}: ok")
        if connect:
            failed = False
            for finding in check_connections(checked.config, kafka=checked.uses_kafka):
                typer.echo(str(finding), err=not finding.ok)
                failed |= not finding.ok
            if failed:
                raise typer.Exit(1)
