"""The translation's result and the helpers every part of it uses: notes, values as text,
Logstash's ``${VAR:default}``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from ._ast import Bareword, Hash, Number, String, Value
from ._reader import values_of

__all__ = ["IGNORED", "Note", "NoteKind", "Translation", "expand_env", "pairs", "text_of",
           "texts"]

NoteKind = Literal["unsupported", "builtin", "info"]
IGNORED = frozenset({"id", "enable_metric", "periodic_flush"})
"""Plugin options with no effect on the documents."""


@dataclass(frozen=True)
class Note:
    """One line of the report: what happened to a piece of the Logstash config."""

    line: int
    kind: NoteKind
    text: str


@dataclass
class Translation:
    """The lumberyard config (a TOML-ready dict) and the report."""

    config: dict[str, Any] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    fields: dict[str, int] = field(default_factory=dict)
    """Field names the pipeline writes (grok captures, add_field, rename targets) -> line."""
    captures: dict[str, list[str]] = field(default_factory=dict)
    """Grammar name -> the fields its grok pattern captures."""
    dates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    """Each date filter's line and field rule, for :func:`._translate._dates_to_grammars`."""
    files: list[str] = field(default_factory=list)
    """Paths of ``file`` inputs: ``lumberyard reprocess`` reads them."""
    ecs: str = "disabled"
    """The grok library's capture names when a grok does not say (Logstash's
    ``ecs_compatibility``)."""

    @property
    def unsupported(self) -> list[Note]:
        """What must be done by hand."""
        return [n for n in self.notes if n.kind == "unsupported"]

    def note(self, line: int, kind: NoteKind, text: str) -> None:
        self.notes.append(Note(line, kind, text))

    def section(self, *path: str) -> dict[str, Any]:
        node = self.config
        for part in path:
            node = node.setdefault(part, {})
        return node

    def append(self, item: dict[str, Any], *path: str) -> None:
        parent = self.section(*path[:-1])
        parent.setdefault(path[-1], []).append(item)


def text_of(value: Value | None) -> str | None:
    """A scalar value as text (strings as written, numbers, barewords); else ``None``."""
    if isinstance(value, String):
        return value.text
    if isinstance(value, Bareword):
        return value.word
    if isinstance(value, Number):
        return str(value.value)
    return None


_ENV = re.compile(r"\$\{(\w+)(?::([^}]*))?\}")


def expand_env(out: Translation, line: int, text: str) -> str:
    """Logstash's ``${VAR:default}``: the default is written (a note says so); ``${VAR}``
    without one stays and is reported (lumberyard reads its own LUMBERYARD_* variables)."""
    def one(found: re.Match[str]) -> str:
        name, default = found.group(1), found.group(2)
        if default is None:
            out.note(line, "unsupported", f"${{{name}}} has no default: set the value in the "
                     "config or its LUMBERYARD_<SECTION>_<KEY> variable")
            return found.group(0)
        out.note(line, "info", f"${{{name}:{default}}}: the default {default!r} is written; "
                 "override it with the LUMBERYARD_<SECTION>_<KEY> variable")
        return default
    return _ENV.sub(one, text) if "${" in text else text


def texts(value: Value | None) -> list[str]:
    if value is None:
        return []
    return [t for v in values_of(value) if (t := text_of(v)) is not None]


def pairs(value: Value | None) -> list[tuple[str, str]]:
    """A hash (``{a => b}``) or a flat array (``[a, b, c, d]``) as pairs of texts."""
    if isinstance(value, Hash):
        out = []
        for key, item in value.entries:
            out += [(key, t) for t in texts(item)]
        return out
    items = texts(value)
    return list(zip(items[::2], items[1::2], strict=False))
