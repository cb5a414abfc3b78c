"""``lumberyard stack up|down|status|env|fetch``: the local Elasticsearch + Kafka stack."""

from __future__ import annotations

import typer

from pipeline.stack._cli import stack_app


def register(app: typer.Typer) -> None:
    """Mount the stack commands as ``lumberyard stack ...``."""
    app.add_typer(stack_app, name="stack")
