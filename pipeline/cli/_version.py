"""``lumberyard version``."""

from __future__ import annotations

import typer

from pipeline import __version__


def register(app: typer.Typer) -> None:
    @app.command()
    def version() -> None:
        """Print lumberyard's version."""
        typer.echo(__version__)
