"""The translation's result and the helpers every part of it uses: notes, values as text,
Logstash's ``${VAR:default}``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from ._ast import Bareword, Hash, Number, String, Value
from ._reader import values_of

__all__ = ["IGNORED", "Note", "NoteKind", "Translation", "expand_env", "note_moved_message",
           "pairs", "text_of", "texts"]

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
    clause: tuple[int, int] | None = None
    """While a clause's own filters are translated: (its ``if``, its index); else ``None``."""
    grammar_groks: list[tuple[int, int] | None] = field(default_factory=list)
    """The clause of each grok that became grammars (see :mod:`._grok`)."""
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


_MOVED_TO_MESSAGE = re.compile(r"\[(msg|log_message)\]|^(msg|log_message)$")
"""Fields lumberyard's parse step moves into ``message`` before the field rules run."""


def note_moved_message(out: Translation, line: int, rule: dict[str, Any], name: str) -> None:
    """A rule on ``msg``/``log_message`` would find nothing (the log's message is already
    ``message`` when field rules run): said in the report, never a silent no-op."""
    names = [str(rule.get("when", ""))]
    for key, value in rule.items():
        if key in ("rename", "convert", "replace", "add_field"):
            names += list(value)
        elif key == "gsub":
            names += [item[0] for item in value]
        elif key == "kv":
            names.append(str(value.get("source", "")))
        elif key == "grok":
            names += list(value["match"])
        elif isinstance(value, list) and key != "when":
            names += [str(item) for item in value]
    moved = sorted({m.group(1) or m.group(2) for n in names
                    for m in _MOVED_TO_MESSAGE.finditer(n)})
    if moved:
        out.note(line, "unsupported", f"{name} on {moved}: lumberyard has already made the "
                 "log's message the event's `message` here; write the rule on [message]")
