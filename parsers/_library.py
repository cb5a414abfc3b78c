"""The grok pattern library: logstash-patterns-core's names, in either capture flavour.

``library("legacy")`` gives the names of Logstash's ``ecs_compatibility => disabled``
(``clientip``, ``verb``, ``response``); ``library("v1")`` the nested ECS fields of
``ecs_compatibility => v1`` (``[source][address]``, ``[http][request][method]``). A name whose
ECS form is not written here and which captures something is left out of the ``v1`` library,
so using it fails at startup with its name instead of capturing legacy names silently.
:func:`read_pattern_files` reads Logstash ``patterns_dir`` files (``NAME regex`` lines).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

from pipeline.errors import GrammarError

from . import (
    _library_apps,
    _library_bacula,
    _library_core,
    _library_ecs,
    _library_ecs_apps,
    _library_ecs_net,
    _library_ecs_zeek,
    _library_infra,
)

__all__ = ["FLAVOURS", "Flavour", "library", "read_pattern_files"]

Flavour = Literal["legacy", "v1"]
FLAVOURS: tuple[Flavour, ...] = ("legacy", "v1")

_CAPTURES = re.compile(r"%\{\w+:|\(\?<")
_LINE = re.compile(r"(?P<name>[A-Za-z0-9_]+)[ \t]+(?P<pattern>.+)")


@cache
def library(flavour: Flavour = "legacy") -> dict[str, str]:
    """Every library name -> grok text, in ``flavour``'s capture names (shared; do not change)."""
    legacy = {**_library_core.LEGACY, **_library_apps.LEGACY, **_library_infra.LEGACY,
              **_library_bacula.LEGACY}
    if flavour == "legacy":
        return legacy
    ecs = {**_library_core.ECS, **_library_ecs.ECS, **_library_ecs_apps.ECS,
           **_library_ecs_net.ECS, **_library_ecs_zeek.ECS, **_library_bacula.ECS}
    for name, text in legacy.items():
        if name not in ecs and not _CAPTURES.search(text):
            ecs[name] = text  # captures nothing: the same in both flavours
    return ecs


def read_pattern_files(paths: list[Path]) -> dict[str, str]:
    """Definitions from Logstash pattern files: each path a file or a directory of them.

    A line is ``NAME pattern``; blank lines and ``#`` comments are skipped; a later
    definition of a name replaces an earlier one (files of a directory are read in name order).
    """
    out: dict[str, str] = {}
    for path in paths:
        files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
        for file in files:
            out.update(_read_one(file))
    return out


def _read_one(file: Path) -> dict[str, str]:
    """One pattern file; a malformed line is a :class:`GrammarError` naming file and line."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GrammarError(f"patterns_dir: cannot read {file}: {exc}") from exc
    out: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.lstrip()  # trailing spaces are pattern text, as Logstash reads them
        if not line.strip() or line.startswith("#"):
            continue
        found = _LINE.fullmatch(line)
        if found is None:
            raise GrammarError(f"{file}:{number}: expected 'NAME pattern', got {line[:40]!r}")
        out[found.group("name")] = found.group("pattern")
    return out
