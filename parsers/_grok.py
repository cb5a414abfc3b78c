"""Grok patterns (``\\[%{TIMESTAMP_ISO8601:timestamp}\\] %{WORD:level}``) compiled like grammars.

Literal text is regex text, as in Logstash; each ``%{NAME[:field[:type]]}`` becomes the regex
the compiler derives from the pyparsing building block ``NAME``, a user pattern definition or
the pattern library (:mod:`parsers._library`, in the chosen ECS flavour), wrapped in a named
group when it has a field. Also as in Logstash: ``[a][b]`` fields nest, ``%{NAME=regex}`` and
``%{NAME:field=regex}`` define ``NAME`` inline, Oniguruma's ``(?<field>...)`` captures, empty
captures are left out, a name captured twice collects a list, and ``.`` matches newlines
(Logstash compiles grok with Ruby's ``MULTILINE``, which is Python's ``DOTALL``).
Errors name the grammar, the offending reference and its position in the pattern.
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.errors import GrammarError

from ._blocks import BLOCKS, CONVERTERS
from ._compile import Capture, RegexMatcher, strip_groups, to_regex
from ._library import Flavour, library

__all__ = ["compile_grok"]

_REF = re.compile(r"%\{(?P<name>\w+)(?::(?P<field>[^:{}=]+))?(?::(?P<type>\w+))?"
                  r"(?:=(?P<inline>[^{}]*))?\}")
_ONIG_GROUP = re.compile(r"\(\?<([A-Za-z_@\[][\w.@\[\]-]*)>")
_MAX_DEPTH = 32


@cache
def _block_regex(name: str) -> str:
    """The regex of a built-in block (translated once per process)."""
    pattern, captures = to_regex(BLOCKS[name].copy().leave_whitespace())
    return strip_groups(pattern) if captures else pattern  # a block itself captures nothing


class _Expander:
    """Expands one grok pattern into a regex, collecting its captures."""

    def __init__(self, grammar: str, definitions: dict[str, str], flavour: Flavour) -> None:
        self.grammar = grammar
        self.definitions = dict(definitions)  # inline definitions are added as they are met
        self.library = library(flavour)
        self.flavour = flavour
        self.captures: list[Capture] = []

    def expand(self, text: str, where: str, depth: int = 0) -> str:
        """Regex for grok ``text``; ``where`` names it in errors (the grammar or a definition)."""
        if depth > _MAX_DEPTH:
            raise GrammarError(f"grammar {self.grammar!r}: pattern definitions nest deeper than "
                               f"{_MAX_DEPTH} (a definition refers to itself?) in {where}")
        out: list[str] = []
        pos = 0
        while (start := text.find("%{", pos)) >= 0:
            out.append(self._literal(text[pos:start]))
            ref = _REF.match(text, start)
            if ref is None:
                raise GrammarError(f"grammar {self.grammar!r}: malformed reference at position "
                                   f"{start} of {where}: {text[start:start + 30]!r}")
            out.append(self._reference(ref, where, depth))
            pos = ref.end()
        out.append(self._literal(text[pos:]))
        return "".join(out)

    def _literal(self, text: str) -> str:
        """Regex text as written, with Oniguruma ``(?<name>`` turned into captures."""
        def capture(found: re.Match[str]) -> str:
            group = f"g{len(self.captures)}"
            self.captures.append(Capture(found.group(1), group))
            return f"(?P<{group}>"

        return _ONIG_GROUP.sub(capture, text)

    def _reference(self, ref: re.Match[str], where: str, depth: int) -> str:
        """``%{NAME:field:type}`` -> (named group around) the pattern NAME stands for."""
        name, field, kind = ref.group("name"), ref.group("field"), ref.group("type")
        at = f"position {ref.start()} of {where}"
        if kind is not None and kind not in CONVERTERS:
            raise GrammarError(f"grammar {self.grammar!r}: unknown type {kind!r} at {at} "
                               f"(known: {', '.join(sorted(CONVERTERS))})")
        if name == "KV" and field is None:
            field = ""  # key=value runs always merge their pairs into the fields
        slot = len(self.captures)
        if field is not None:
            self.captures.append(Capture("", ""))
        if ref.group("inline") is not None:
            self.definitions[name] = ref.group("inline")
        body = self._pattern(name, at, depth)
        if field is None:
            return f"(?:{body})"
        merge = BLOCKS["KV"].extract if name == "KV" else None  # type: ignore[attr-defined]
        convert = CONVERTERS[kind] if kind is not None else None
        self.captures[slot] = Capture(field, f"g{slot}", convert, merge)
        return f"(?P<g{slot}>{body})"

    def _pattern(self, name: str, at: str, depth: int) -> str:
        """A user definition (expanded recursively) or a built-in block."""
        if name in self.definitions:
            return self.expand(self.definitions[name], f"definition {name!r}", depth + 1)
        if name in BLOCKS:
            return _block_regex(name)
        if name in self.library:
            return self.expand(self.library[name], f"library pattern {name!r}", depth + 1)
        hint = ""
        if self.flavour == "v1" and name in library("legacy"):
            hint = " (it has no ecs-v1 form yet: set ecs_compatibility = \"disabled\")"
        raise GrammarError(f"grammar {self.grammar!r}: unknown pattern %{{{name}}} at {at}{hint}")


def compile_grok(name: str, pattern: str, definitions: dict[str, str] | None = None,
                 flavour: Flavour = "legacy") -> RegexMatcher:
    """One anchored regex for grok ``pattern``; :class:`GrammarError` names what is wrong.

    ``definitions`` (user patterns) win over the building blocks, which win over the library;
    ``flavour`` picks the library's capture names (``legacy`` or ECS ``v1``).
    """
    expander = _Expander(name, definitions or {}, flavour)
    regex = f"(?s:{expander.expand(pattern, 'its pattern')})"  # Logstash's '.' takes newlines
    try:
        return RegexMatcher(name, regex, expander.captures, grok=True)
    except GrammarError as exc:
        raise GrammarError(f"{exc} (grok pattern {pattern!r})") from exc
