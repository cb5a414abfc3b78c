"""What a Logstash pipeline config is made of, as the reader hands it to the translator.

Sections (``input``/``filter``/``output``) hold plugins and branches; a plugin has attributes
whose values are strings, numbers, barewords, arrays, hashes or (``codec => json {...}``)
plugins; a branch is ``if`` / ``else if`` / ``else`` clauses over conditions. Every node
carries the 1-based line it starts on, so the migration report can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

__all__ = [
    "Attribute", "Bareword", "BoolOp", "Branch", "Clause", "Compare", "Condition", "Config",
    "FieldRef", "Hash", "Method", "Not", "Number", "Plugin", "Regexp", "Section", "String",
    "Value",
]


@dataclass(frozen=True)
class String:
    """A quoted string: ``text`` as written between the quotes (Logstash's default, without
    ``config.support_escapes``) and ``unescaped`` with ``\\"``, ``\\n``, ... processed."""

    text: str
    unescaped: str
    line: int = 0


@dataclass(frozen=True)
class Number:
    """An integer or decimal literal."""

    value: int | float
    line: int = 0


@dataclass(frozen=True)
class Bareword:
    """An unquoted word used as a value (``codec => json``, ``ecs_compatibility => v1``)."""

    word: str
    line: int = 0


@dataclass(frozen=True)
class Regexp:
    """A ``/.../`` regular expression (``\\/`` kept as written)."""

    pattern: str
    line: int = 0


@dataclass(frozen=True)
class FieldRef:
    """A field reference ``[a][b]`` in a condition: its path."""

    path: tuple[str, ...]
    line: int = 0


@dataclass(frozen=True)
class Method:
    """A method call in a condition (``length([a])``): rarely used, kept for the report."""

    name: str
    args: tuple[Condition, ...]
    line: int = 0


@dataclass(frozen=True)
class Compare:
    """``left OP right`` with OP one of ``== != < > <= >= =~ !~ in not in``."""

    op: str
    left: Condition
    right: Condition
    line: int = 0


@dataclass(frozen=True)
class Not:
    """``!(condition)`` or ``![field]``."""

    operand: Condition
    line: int = 0


@dataclass(frozen=True)
class BoolOp:
    """``left OP right`` with OP one of ``and or xor nand``."""

    op: str
    left: Condition
    right: Condition
    line: int = 0


@dataclass(frozen=True)
class Hash:
    """``{ key => value ... }``: entries in order (keys may repeat, as Logstash allows)."""

    entries: tuple[tuple[str, Value], ...]
    line: int = 0

    def get(self, key: str) -> Value | None:
        """The last value given for ``key``, or ``None``."""
        found = None
        for name, value in self.entries:
            if name == key:
                found = value
        return found


@dataclass(frozen=True)
class Attribute:
    """``name => value`` inside a plugin block."""

    name: str
    value: Value
    line: int = 0


@dataclass(frozen=True)
class Plugin:
    """``name { attributes }``."""

    name: str
    attributes: tuple[Attribute, ...]
    line: int = 0

    def get(self, key: str) -> Value | None:
        """The value of attribute ``key`` (the last one if repeated), or ``None``."""
        found = None
        for attribute in self.attributes:
            if attribute.name == key:
                found = attribute.value
        return found


@dataclass(frozen=True)
class Clause:
    """One arm of a branch: ``if``/``else if`` (with a condition) or ``else`` (without)."""

    condition: Condition | None
    body: tuple[Plugin | Branch, ...]
    line: int = 0


@dataclass(frozen=True)
class Branch:
    """``if ... {} else if ... {} else {}``."""

    clauses: tuple[Clause, ...]
    line: int = 0


@dataclass(frozen=True)
class Section:
    """``input { ... }``, ``filter { ... }`` or ``output { ... }``."""

    kind: str
    body: tuple[Plugin | Branch, ...]
    line: int = 0


@dataclass(frozen=True)
class Config:
    """A whole pipeline config (sections in order; a kind may appear more than once)."""

    sections: tuple[Section, ...] = field(default_factory=tuple)

    def body(self, kind: str) -> tuple[Plugin | Branch, ...]:
        """Everything in the sections of ``kind``, in order."""
        return tuple(item for s in self.sections if s.kind == kind for item in s.body)


Value = Union[String, Number, Bareword, "list[Value]", Hash, Plugin]
"""A plugin attribute's value; arrays are Python lists of values."""
Condition = Union[
    Compare, Not, BoolOp, FieldRef, String, Number, Regexp, Method, "list[Value]"]
"""A condition or an operand of one (a bare field reference tests that the field is truthy)."""
