"""``lumberyard migrate logstash.conf [-o out.toml]``: a Logstash pipeline as lumberyard config.

The config goes to ``-o`` (or stdout), the report (what was left to do by hand, what lumberyard
does itself, each field renaming) to stderr or ``--report``. ``--verify logstash.conf
sample.log`` then runs the translated config over the sample's lines and prints the documents
(as ``lumberyard parse`` does), so they can be compared with what Logstash produced.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from pipeline.errors import ConfigError, InputError

LogstashConf = Annotated[Path, typer.Argument(help="The Logstash pipeline config to translate.")]
Sample = Annotated[
    str | None,
    typer.Argument(help="With --verify: a log file (or -) to run the translated config over."),
]
Output = Annotated[
    Path | None, typer.Option("-o", "--output", help="Write the lumberyard config here.")
]
Report = Annotated[
    Path | None, typer.Option("--report", help="Write the report here instead of stderr.")
]
Verify = Annotated[
    bool, typer.Option("--verify", help="Run the translated config over SAMPLE; print documents.")
]
Strict = Annotated[
    bool, typer.Option("--strict", help="Exit non-zero when anything was left untranslated.")
]
Pretty = Annotated[bool, typer.Option("--pretty", help="Indent each verified document.")]
Ecs = Annotated[
    str, typer.Option("--ecs-compatibility", help="Grok capture names where the pipeline does "
                      "not say: disabled (Logstash 7, clientip/verb) or v1 (Logstash 8's default, "
                      "[source][address]).")
]


def run_migrate(source: Path, output: Path | None, report: Path | None, ecs: str = "disabled"
                ) -> tuple[str, int]:
    """Translate ``source``; write config and report; return the TOML and the untranslated count."""
    from pipeline.config import parse_config  # noqa: PLC0415 - command-time import
    from pipeline.migrate import migrate  # noqa: PLC0415

    if ecs not in ("disabled", "v1"):
        raise ConfigError(f"--ecs-compatibility {ecs!r}: expected disabled or v1")
    result = migrate(source, ecs)
    try:
        parse_config(result.toml, "<translated config>", environ={})
    except ConfigError as exc:  # the translation must load: a bug here, said plainly
        raise ConfigError(f"the translated config does not load: {exc}") from exc
    if output is not None:
        output.write_text(result.toml, encoding="utf-8")
    else:
        sys.stdout.write(result.toml)
        sys.stdout.flush()  # on a terminal the config ends before the report begins
    if report is not None:
        report.write_text(result.report, encoding="utf-8")
    else:
        sys.stderr.write(result.report)
    return result.toml, len(result.translation.unsupported)


def register(app: typer.Typer) -> None:
    @app.command()
    def migrate(
        source: LogstashConf, sample: Sample = None, *, output: Output = None,
        report: Report = None, verify: Verify = False, strict: Strict = False,
        pretty: Pretty = False, ecs_compatibility: Ecs = "disabled",
    ) -> None:
        """Translate a Logstash pipeline config into a lumberyard config, with a report."""
        if verify and sample is None:
            raise typer.BadParameter("--verify needs a SAMPLE log file after the config")
        if sample is not None and not verify:
            raise typer.BadParameter("a SAMPLE is only read with --verify")
        if verify:
            _verify(source, sample or "-", output, report, pretty=pretty, ecs=ecs_compatibility)
            return
        _, untranslated = run_migrate(source, output, report, ecs_compatibility)
        if strict and untranslated:
            raise ConfigError(f"{untranslated} part(s) of {source} were not translated "
                              "(see the report)")


def _verify(source: Path, sample: str, output: Path | None, report: Path | None, *,
            pretty: bool, ecs: str) -> None:
    """Translate (config to ``-o`` or a temporary file), then print the sample's documents."""
    from pipeline.cli._parse import run_parse  # noqa: PLC0415 - command-time import

    with tempfile.TemporaryDirectory(prefix="lumberyard-migrate-") as tmp:
        target = output or Path(tmp) / "lumberyard.toml"
        sink = report or Path(tmp) / "report.txt"
        run_migrate(source, target, sink, ecs)
        if report is None:
            sys.stderr.write(sink.read_text(encoding="utf-8"))
        summary = run_parse(sample, target, sys.stdout.buffer, pretty, None)
    sys.stdout.flush()
    typer.echo(summary.render(), err=True)
    if summary.problems:
        raise InputError("; ".join(summary.problems))
