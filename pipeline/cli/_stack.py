"""``lumberyard stack up|down|status|env|fetch``: the local Elasticsearch + Kafka stack.

The commands live in :mod:`pipeline.stack._cli`; they are loaded only when ``lumberyard
stack ...`` runs, so other commands do not pay for the stack package's imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from typer import _click as click  # typer vendors click; its types are these

HELP = "The local Elasticsearch + Kafka stack (real servers from Maven Central, no Docker)."
"""The group's help; a test keeps it equal to ``pipeline.stack._cli.stack_app``'s."""


class LazyStackGroup(TyperGroup):
    """``stack``, whose subcommands are built from ``stack_app`` on first use."""

    def _load(self) -> None:
        if not self.commands:
            from pipeline.stack._cli import stack_app  # noqa: PLC0415 - only `stack` needs it

            self.commands.update(typer.main.get_group(stack_app).commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._load()
        return super().get_command(ctx, cmd_name)


def register(app: typer.Typer) -> None:
    """Mount the stack commands as ``lumberyard stack ...``."""
    app.add_typer(
        typer.Typer(), name="stack", cls=LazyStackGroup, help=HELP, no_args_is_help=True
    )
