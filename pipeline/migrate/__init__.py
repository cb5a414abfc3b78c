"""``lumberyard migrate``: read a Logstash pipeline config and write the lumberyard config.

:func:`read_config` parses the Logstash config language into :mod:`._ast` nodes (syntax
errors name line and column); :func:`translate` turns it into a lumberyard config and notes;
:func:`migrate` does both and renders the TOML and the report (with each field renaming).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ._ast import Config
from ._reader import read_config, read_config_file, unescape
from ._report import ecs_names, render_report
from ._toml import dumps
from ._translate import Note, Translation, translate

__all__ = ["Config", "Migration", "Note", "Translation", "migrate", "read_config",
           "read_config_file", "translate", "unescape"]


@dataclass(frozen=True)
class Migration:
    """A translated pipeline: the lumberyard TOML, the report and the details behind them."""

    toml: str
    report: str
    translation: Translation
    renames: dict[str, str]


def migrate(path: Path, ecs_compatibility: str = "disabled") -> Migration:
    """Read ``path``, translate it, render the config and the report (grok capture names per
    ``ecs_compatibility`` where the pipeline does not say)."""
    translation = translate(read_config_file(path), ecs_compatibility)
    renames = ecs_names(list(translation.fields))
    header = (f"# lumberyard config translated from {path} by `lumberyard migrate`\n"
              "# (the report lists what was left to do by hand)\n")
    body = dumps(translation.config) if translation.config else ""
    return Migration(header + ("\n" + body if body else ""),
                     render_report(translation, renames, str(path)), translation, renames)
