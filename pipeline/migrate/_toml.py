"""Write the translated config as TOML: tables, arrays of tables, scalars, lists, inline tables.

Only what the translation produces (str, int, float, bool, lists of those, dicts) is handled;
strings are written as TOML literal strings when they can be (regexes stay readable), else as
basic strings with escapes. A comment may precede each table (``# from line N``).
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["dumps"]

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
COMMENT = "__comment__"
"""A key whose value is written as a ``#`` comment line above the table that holds it."""


def _key(name: str) -> str:
    return name if name and set(name) <= _BARE else _string(name)


def _string(text: str) -> str:
    if "'" not in text and "\n" not in text and all(c >= " " or c == "\t" for c in text):
        return f"'{text}'"
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


INLINE = frozenset({"add_field", "rename", "replace", "convert", "pattern_definitions",
                    "field_in", "kv", "json_decode", "date", "grok"})
"""Maps written inline (``rename = { a = "b" }``): options, not sections."""


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def dumps(doc: dict[str, Any]) -> str:
    """``doc`` (top-level keys are tables) as TOML text."""
    out: list[str] = []
    for name, table in doc.items():
        _table(out, (name,), table, array=False)
    return "\n".join(out).strip() + "\n"


def _table(out: list[str], path: tuple[str, ...], table: dict[str, Any], array: bool) -> None:
    """One ``[a.b]`` (or ``[[a.b]]``) table, then its sub-tables."""
    header = ".".join(_key(p) for p in path)
    plain = {k: v for k, v in table.items() if k != COMMENT and (
        k in INLINE or not (isinstance(v, dict) or _is_table_list(v)))}
    subs = {k: v for k, v in table.items() if k not in plain and k != COMMENT}
    if plain or array or table.get(COMMENT) or not subs:
        out.append("")
        comment = table.get(COMMENT)
        if comment:
            out.extend(f"# {line}" for line in str(comment).splitlines())
        out.append(f"[[{header}]]" if array else f"[{header}]")
        out.extend(f"{_key(k)} = {_value(v)}" for k, v in plain.items())
    for key, sub in subs.items():
        if isinstance(sub, dict):
            _table(out, (*path, key), sub, array=False)
        else:
            for item in sub:
                _table(out, (*path, key), item, array=True)
