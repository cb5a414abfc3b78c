"""Logstash conditions compiled to Python predicates, with Logstash's meaning.

A bare field is true when it exists and is not ``false``/``null`` (an empty string is true, as
in Ruby); ``==``/``!=`` compare values as they are; ``< > <= >=`` compare numbers with numbers
and strings with strings (anything else is false); ``=~``/``!~`` search a string field;
``in`` tests membership in a list or a substring of a string. Regexes are compiled once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

from ._ast import BoolOp, Compare, Condition, FieldRef, Method, Not, Number, Regexp, String

__all__ = ["FieldSource", "compile_condition"]


class FieldSource(Protocol):
    """What a predicate reads fields from."""

    def get(self, path: tuple[str, ...]) -> Any: ...


Predicate = Callable[[FieldSource], bool]
Operand = Callable[[FieldSource], Any]

_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b, ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b,
}
_BOOL: dict[str, Callable[[bool, bool], bool]] = {
    "and": lambda a, b: a and b, "or": lambda a, b: a or b,
    "xor": lambda a, b: a != b, "nand": lambda a, b: not (a and b),
}


def compile_condition(node: Condition) -> Predicate:
    """A predicate for ``node``; raises ``ValueError`` for what has no meaning here."""
    if isinstance(node, BoolOp):
        left, right, op = compile_condition(node.left), compile_condition(node.right), node.op
        if op == "and":
            return lambda f: left(f) and right(f)
        if op == "or":
            return lambda f: left(f) or right(f)
        combine = _BOOL[op]
        return lambda f: bool(combine(left(f), right(f)))
    if isinstance(node, Not):
        inner = compile_condition(node.operand)
        return lambda f: not inner(f)
    if isinstance(node, Compare):
        return _compare(node)
    operand = _operand(node)
    return lambda f: _truthy(operand(f))


def _truthy(value: Any) -> bool:
    return value is not None and value is not False


def _operand(node: Condition) -> Operand:
    """A value getter: a field's value or a constant."""
    if isinstance(node, FieldRef):
        path = node.path
        return lambda f: f.get(path)
    if isinstance(node, String):
        text = node.text
        return lambda f: text
    if isinstance(node, Number):
        number = node.value
        return lambda f: number
    if isinstance(node, list):
        items = [_operand(item) for item in node]  # type: ignore[arg-type]
        return lambda f: [item(f) for item in items]
    if isinstance(node, Method):
        raise ValueError(f"method call {node.name}() in a condition is not supported")
    raise ValueError(f"{type(node).__name__} cannot be a value here")


def _compare(node: Compare) -> Predicate:
    """``left OP right`` for every operator Logstash has."""
    left = _operand(node.left)
    op = node.op
    if op in ("=~", "!~"):
        pattern = node.right.pattern if isinstance(node.right, Regexp) else (
            node.right.text if isinstance(node.right, String) else None)
        if pattern is None:
            raise ValueError(f"{op} needs a regexp or a string on its right")
        search = re.compile(pattern).search
        hit = op == "=~"
        return lambda f: (isinstance(v := left(f), str) and search(v) is not None) == hit
    right = _operand(node.right)
    if op == "==":
        return lambda f: bool(left(f) == right(f))
    if op == "!=":
        return lambda f: bool(left(f) != right(f))
    if op in ("in", "not in"):
        inside = op == "in"
        return lambda f: _contains(right(f), left(f)) == inside
    order = _ORDER[op]
    return lambda f: _ordered(order, left(f), right(f))


def _contains(container: Any, item: Any) -> bool:
    if isinstance(container, list):
        return item in container
    if isinstance(container, str) and isinstance(item, str):
        return item in container
    return False


def _ordered(order: Callable[[Any, Any], bool], a: Any, b: Any) -> bool:
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool):
        return order(a, b)
    if isinstance(a, str) and isinstance(b, str):
        return order(a, b)
    return False
