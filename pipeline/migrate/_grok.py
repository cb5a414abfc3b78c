"""Logstash's grok filters -> the grammars the parse step tries, or field rules' ``grok``.

Logstash runs every grok filter in turn on the event: the second one runs whether the first
matched or not, can read the fields the first made, and each adds its ``tag_on_failure``.
lumberyard's grammars are one list tried on the line, the first match wins: that is one grok
filter (its patterns with ``break_on_match``), or several whose conditions exclude each other
(the clauses of one ``if / else if / else``). So the first grok on ``message`` (and the groks in
the other clauses of its ``if``) become ``[[parsers.grammars]]``; every later grok, a grok on
another field and one with ``break_on_match => false`` become a field rule's ``grok`` at their
place (:mod:`pipeline.steps._rule_grok`), which runs after parsing in the pipeline's order.
"""

from __future__ import annotations

import re
from typing import Any

from ._ast import Plugin
from ._model import IGNORED as _IGNORED
from ._model import Translation, note_moved_message, text_of
from ._model import pairs as _pairs
from ._model import texts as _texts

__all__ = ["BUILTIN_GROK", "grok"]

_SLASH = re.compile(r"(?<!\\)/")
"""A ``/`` that would end a ``/regex/`` written back into a condition."""
BUILTIN_GROK = r"\[%{TIMESTAMP_ISO8601:timestamp}\] %{WORD:level} %{GREEDYDATA:log_message}"
"""The grok of the pipeline lumberyard replaces: its bracketed grammar does this (and more)."""


def grok(out: Translation, plugin: Plugin, when: str | None, regex: str | None) -> None:
    """One grok filter: grammars when it is the line's first grok (see the module doc), else
    a field rule."""
    match = plugin.get("match")
    pairs = _pairs(match) if match is not None else []
    if not pairs:
        out.note(plugin.line, "unsupported", "grok without match")
        return
    fields = {f for f, _ in pairs}
    all_patterns = text_of(plugin.get("break_on_match")) == "false"
    if fields != {"message"} or all_patterns or not _grammar_slot(out):
        _grok_rule(out, plugin, when, regex, pairs)
        return
    out.grammar_groks.append(out.clause)
    patterns = [p for _, p in pairs]
    if patterns == [BUILTIN_GROK]:
        out.note(plugin.line, "builtin", "grok '[ts] LEVEL message': lumberyard's built-in "
                 "bracketed grammar (also '[ts] [LEVEL] msg', loggers, trailing k=v)")
        for name in ("timestamp", "level", "log_message"):
            out.fields.setdefault(name, plugin.line)
        return
    if when is not None:
        out.note(plugin.line, "info", f"grok under {when}: the grammar's `when`, tested on the "
                 "event as it arrived (Beats/Kafka fields), before any other filter")
    _grammars(out, plugin, when, regex, patterns)


def _grammar_slot(out: Translation) -> bool:
    """Whether this grok may join the grammars: none is there yet, or each grok there is in
    another clause of the same ``if`` (only one of them runs on an event)."""
    key = out.clause
    return not out.grammar_groks or (key is not None and all(
        taken is not None and taken[0] == key[0] and taken[1] != key[1]
        for taken in out.grammar_groks))


def _grammars(out: Translation, plugin: Plugin, when: str | None, regex: str | None,
              patterns: list[str]) -> None:
    _grok_options(out, plugin, rule=False)
    base = text_of(plugin.get("id")) or f"grok_line{plugin.line}"
    tags = _texts(plugin.get("tag_on_failure")) if plugin.get("tag_on_failure") is not None \
        else ["_grokparsefailure"]
    for index, pattern in enumerate(patterns):
        grammar: dict[str, Any] = {
            "__comment__": f"grok at line {plugin.line}",
            "name": base if len(patterns) == 1 else f"{base}_{index + 1}",
            "pattern": _unanchored(pattern),
            "tag_on_failure": tags,
        }
        if regex is not None:
            grammar["when_regex"] = regex
        if when is not None:
            grammar["when"] = when
        out.append(grammar, "parsers", "grammars")
        captured = _captures(pattern, out.config["parsers"], plugin.line, out)
        out.captures[grammar["name"]] = captured
        for name in captured:
            out.fields.setdefault(name, plugin.line)
    names = [g["name"] for g in out.config["parsers"]["grammars"][-len(patterns):]]
    ops = _on_match(out, plugin)
    if ops:  # what grok does on a match: a rule on the lines these grammars matched
        quoted = ", ".join(f'"{name}"' for name in names)  # ["x"] alone is a field name
        when = f"[@metadata][grammar] == {quoted}" if len(names) == 1 else (
            f"[@metadata][grammar] in [{quoted}]")
        out.append({"__comment__": f"grok at line {plugin.line}: on a match", "when": when,
                    **ops}, "enrich", "field_rules")


def _grok_rule(out: Translation, plugin: Plugin, when: str | None, regex: str | None,
               pairs: list[tuple[str, str]]) -> None:
    """A field rule's grok, at the filter's place: patterns per field, in order."""
    _grok_options(out, plugin, rule=True)
    match: dict[str, list[str]] = {}
    for field, pattern in pairs:
        match.setdefault(field, []).append(_unanchored(pattern))
    spec: dict[str, Any] = {"match": match}
    if text_of(plugin.get("break_on_match")) == "false":
        spec["break_on_match"] = False
    if plugin.get("overwrite") is not None:
        spec["overwrite"] = _texts(plugin.get("overwrite"))
    if plugin.get("tag_on_failure") is not None:
        spec["tag_on_failure"] = _texts(plugin.get("tag_on_failure"))
    spec.update(_on_match(out, plugin))
    if regex is not None:  # if [message] =~ /re/ { grok {...} }: the rule's condition
        escaped = _SLASH.sub(r"\\/", regex)
        when = f"[message] =~ /{escaped}/"
    rule: dict[str, Any] = {"__comment__": f"grok at line {plugin.line}"}
    if when is not None:
        rule["when"] = when
    rule["grok"] = spec
    out.append(rule, "enrich", "field_rules")
    note_moved_message(out, plugin.line, rule, "grok")
    for _, pattern in pairs:
        for name in _captures(pattern, out.config.get("parsers", {}), plugin.line, out):
            out.fields.setdefault(name, plugin.line)
    where = ", ".join(sorted(match))
    out.note(plugin.line, "info", f"grok on {where}: a field rule's grok, after parsing and "
             "the rules before it, in the pipeline's order (it reads what earlier filters made)"
             + ("; [message] is the event's message as lumberyard's parsing left it: the line, "
                "or the log's own message for a JSON or '[ts] LEVEL msg' line"
                if "message" in match else ""))


_ON_MATCH = ("add_field", "add_tag", "remove_field", "remove_tag")
"""grok's options applied only when it matched."""


def _on_match(out: Translation, plugin: Plugin) -> dict[str, Any]:
    ops: dict[str, Any] = {}
    for name in _ON_MATCH:
        value = plugin.get(name)
        if value is not None:
            ops[name] = dict(_pairs(value)) if name == "add_field" else _texts(value)
    for target in ops.get("add_field", {}):
        out.fields.setdefault(target, plugin.line)
    return ops


def _grok_options(out: Translation, plugin: Plugin, *, rule: bool) -> None:
    parsers = out.section("parsers") if not rule else out.config.get("parsers", {})
    for attr in plugin.attributes:
        if attr.name in ("patterns_dir", "pattern_definitions", "ecs_compatibility"):
            _library_option(out, attr.name, attr.value)
        elif attr.name == "overwrite" and not rule:
            if set(_texts(attr.value)) - {"message"}:
                out.note(attr.line, "unsupported", "grok overwrite of fields other than message")
            else:
                out.note(attr.line, "builtin", "overwrite message: a grammar's 'message' "
                         "capture replaces the line as the event's message")
        elif attr.name not in ("match", "tag_on_failure", "named_captures_only", "overwrite",
                               "break_on_match", *_ON_MATCH, *_IGNORED):
            out.note(attr.line, "unsupported", f"grok option {attr.name!r}")
    flavour = parsers.get("ecs_compatibility", out.ecs)
    if flavour != "disabled":
        out.section("parsers")["ecs_compatibility"] = "v1"


def _library_option(out: Translation, name: str, value: Any) -> None:
    """patterns_dir, pattern_definitions, ecs_compatibility: the grok library every grammar
    and rule shares (``[parsers]``)."""
    parsers = out.section("parsers")
    if name == "patterns_dir":
        parsers.setdefault("patterns_dir", []).extend(_texts(value))
    elif name == "pattern_definitions":
        parsers.setdefault("pattern_definitions", {}).update(dict(_pairs(value)))
    else:
        parsers["ecs_compatibility"] = "disabled" if text_of(value) == "disabled" else "v1"


def _unanchored(pattern: str) -> str:
    """Logstash's grok searches the line; lumberyard's grammars match all of it."""
    head = "" if pattern.startswith("^") else "(?s:.*?)"
    tail = "" if pattern.endswith("$") and not pattern.endswith("\\$") else "(?s:.*)"
    return f"{head}{pattern}{tail}"


def _captures(pattern: str, parsers: dict[str, Any], line: int, out: Translation) -> list[str]:
    """The field names a grok pattern captures, library patterns expanded."""
    from parsers import compile_grok  # noqa: PLC0415 - the grammars load only to translate grok
    from pipeline.errors import GrammarError  # noqa: PLC0415

    flavour = "v1" if parsers.get("ecs_compatibility") == "v1" else "legacy"
    try:
        matcher = compile_grok("grok", pattern, parsers.get("pattern_definitions", {}),
                               flavour)  # type: ignore[arg-type]
    except GrammarError as exc:
        if "patterns_dir" not in parsers:  # with pattern files, their names are unknown here
            out.note(line, "unsupported", f"grok pattern does not compile: {exc}")
        names = re.findall(r"%\{\w+:([^:}=]+)", pattern) + re.findall(r"\(\?<([^>=!]+)>",
                                                                     pattern)
        return list(dict.fromkeys(names))
    return list(dict.fromkeys(c.field for c in matcher.captures if c.field))
