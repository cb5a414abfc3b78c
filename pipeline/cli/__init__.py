"""The ``lumberyard`` command line.

Each command lives in its own private module ``pipeline/cli/_<name>.py`` exposing
``register(app: typer.Typer) -> None``; they are discovered here so that adding a command
touches no shared file. Only :class:`pipeline.errors.LumberyardError` is caught: it is
printed as ``Type: message`` and the process exits non-zero.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import typer

from pipeline.errors import LumberyardError
from pipeline.redact import redact

app = typer.Typer(
    name="lumberyard",
    help="Stream workers that replace Logstash: Beats/Kafka/files -> parse -> enrich -> "
    "Elasticsearch.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help texts name config sections as [section]: not rich markup
)


@app.callback()
def _root() -> None:
    """Stream workers replacing Logstash: Beats/Kafka/files -> parse -> enrich -> Elasticsearch."""


def _register_commands() -> None:
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name.startswith("_") and not module.name.startswith("__"):
            mod = importlib.import_module(f"{__name__}.{module.name}")
            register = getattr(mod, "register", None)
            if register is not None:
                register(app)


_register_commands()


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except LumberyardError as exc:
        print(redact(f"{type(exc).__name__}: {exc}"), file=sys.stderr)
        sys.exit(1)
