"""Logstash pipeline (read by :mod:`._reader`) -> lumberyard config, plus a report.

What lumberyard does by itself (Filebeat's ``fields.service``/``fields.environment``, JSON
lines, the ``[ts] LEVEL message`` grok, ISO 8601 ``date``, the daily index) is recognised and
needs no config; grok becomes ``[[parsers.grammars]]``, ``date`` their timestamp formats,
``mutate``/``drop`` under conditions ``[[enrich.field_rules]]``, inputs and the Elasticsearch
output their sections (:mod:`._endpoints`). Everything else is a :class:`Note` with its line,
never dropped silently.
"""

from __future__ import annotations

import re
from typing import Any

from ._ast import (
    Bareword,
    BoolOp,
    Branch,
    Compare,
    Condition,
    Config,
    FieldRef,
    Method,
    Not,
    Number,
    Plugin,
    Regexp,
    String,
)
from ._endpoints import translate_input, translate_output
from ._grok import BUILTIN_GROK, grok
from ._model import IGNORED as _IGNORED
from ._model import Note, Translation, text_of
from ._model import note_moved_message as _note_moved_message
from ._model import pairs as _pairs
from ._model import texts as _texts

__all__ = ["BUILTIN_GROK", "Note", "Translation", "condition_text", "translate"]

_CONVERT = {"integer": "integer", "integer_eu": "integer", "float": "float", "float_eu": "float",
            "string": "string", "boolean": "boolean"}


def translate(config: Config, ecs_compatibility: str = "disabled") -> Translation:
    """The translation of a whole pipeline; grok's capture names follow the pipeline's
    ``ecs_compatibility``, else ``ecs_compatibility`` here (``disabled`` or ``v1``)."""
    out = Translation()
    out.ecs = ecs_compatibility
    for item in config.body("input"):
        translate_input(out, item)
    _filters(out, config.body("filter"), None)
    for item in config.body("output"):
        translate_output(out, item)
    _dates_to_grammars(out)
    return out


def condition_text(node: Condition) -> str:  # noqa: PLR0911 - one case per node kind
    """A condition written back in Logstash syntax (what ``field_rules.when`` reads)."""
    if isinstance(node, BoolOp):
        return f"({condition_text(node.left)} {node.op} {condition_text(node.right)})"
    if isinstance(node, Not):
        return f"!({condition_text(node.operand)})"
    if isinstance(node, Compare):
        return f"{condition_text(node.left)} {node.op} {condition_text(node.right)}"
    if isinstance(node, FieldRef):
        return "".join(f"[{p}]" for p in node.path)
    if isinstance(node, String):
        quoted = re.sub(r'(?<!\\)"', r'\\"', node.text)  # a '...' string may hold "
        return f'"{quoted}"'  # the text as written: its escapes are still there
    if isinstance(node, Number):
        return str(node.value)
    if isinstance(node, Bareword):  # an array's bareword item is its text
        return f'"{node.word}"'
    if isinstance(node, Regexp):
        return f"/{node.pattern}/"
    if isinstance(node, Method):
        return f"{node.name}(" + ", ".join(condition_text(a) for a in node.args) + ")"
    return "[" + ", ".join(condition_text(v) for v in node) + "]"  # type: ignore[arg-type]


def _and(a: str | None, b: str) -> str:
    return b if a is None else f"({a}) and ({b})"


# ---- filters ------------------------------------------------------------------------------

def _filters(out: Translation, body: tuple[Plugin | Branch, ...], when: str | None) -> None:
    for item in body:
        if isinstance(item, Branch):
            _branch(out, item, when)
        else:
            _filter(out, item, when)


def _branch(out: Translation, branch: Branch, when: str | None) -> None:
    if _builtin_branch(out, branch):
        return
    earlier: list[str] = []
    outer = out.clause
    for index, clause in enumerate(branch.clauses):
        parts = [f"!({c})" for c in earlier]
        if clause.condition is not None:
            own = condition_text(clause.condition)
            parts.append(own)
            earlier.append(own)
        condition = " and ".join(parts) if parts else None
        clause_when = when if condition is None else _and(when, condition)
        message_regex = _message_regex(clause.condition) if not earlier[:-1] else None
        for item in clause.body:
            out.clause = (id(branch), index)  # a nested `if` sets its own, then comes back
            if isinstance(item, Plugin) and item.name in ("grok", "json") and (
                    message_regex is not None and when is None):
                _filter(out, item, None, message_regex)
            elif isinstance(item, Branch):
                _branch(out, item, clause_when)
            else:
                _filter(out, item, clause_when)
    out.clause = outer


def _message_regex(condition: Condition | None) -> str | None:
    """``[message] =~ /re/`` -> ``re`` (a grammar's ``when_regex``)."""
    if isinstance(condition, Compare) and condition.op == "=~" and (
            condition.left == FieldRef(("message",), condition.left.line)  # type: ignore[union-attr]
    ):
        right = condition.right
        return right.pattern if isinstance(right, Regexp) else text_of(right)  # type: ignore[arg-type]
    return None


def _builtin_branch(out: Translation, branch: Branch) -> bool:
    """``if [fields][service] { mutate { add_field => { "service" => "%{[fields][service]}" }}}``
    (and environment): lumberyard reads ``fields.*`` itself."""
    if len(branch.clauses) != 1:
        return False
    clause = branch.clauses[0]
    cond = clause.condition
    if not (isinstance(cond, FieldRef) and len(cond.path) == 2 and cond.path[0] == "fields"
            and cond.path[1] in ("service", "environment") and len(clause.body) == 1):
        return False
    plugin = clause.body[0]
    name = cond.path[1]
    if not (isinstance(plugin, Plugin) and plugin.name == "mutate"
            and [a.name for a in plugin.attributes] == ["add_field"]
            and _pairs(plugin.get("add_field")) == [(name, f"%{{[fields][{name}]}}")]):
        return False
    out.note(branch.line, "builtin", f"{name} from [fields][{name}]: lumberyard sets "
             f"service.{'name' if name == 'service' else 'environment'} from Filebeat's "
             f"fields.{name} (then the log's own key, then [enrich] defaults)")
    out.fields.setdefault(name, branch.line)
    return True


def _filter(out: Translation, plugin: Plugin | Branch, when: str | None,
            message_regex: str | None = None) -> None:
    assert isinstance(plugin, Plugin)
    handler = _FILTERS.get(plugin.name)
    if handler is None:
        out.note(plugin.line, "unsupported", f"filter plugin {plugin.name!r}")
        return
    handler(out, plugin, when, message_regex)


def _json(out: Translation, plugin: Plugin, when: str | None, regex: str | None) -> None:
    source = text_of(plugin.get("source"))
    target = text_of(plugin.get("target"))
    others = [a for a in plugin.attributes if a.name not in (
        "source", "target", "skip_on_invalid_json", "tag_on_failure", *_IGNORED)]
    for attr in others:
        out.note(attr.line, "unsupported", f"json option {attr.name!r}")
    if source == "message" and when is None and target is None:
        out.note(plugin.line, "builtin", "json on message: lumberyard's built-in JSON grammar "
                 "parses '{...}' lines (tag _jsonparsefailure)")
        return
    if source is None or source == "message":
        out.note(plugin.line, "unsupported", "json on [message] with a target or under a "
                 "condition (the built-in JSON grammar reads every '{...}' line)")
        return
    decode: dict[str, Any] = {"source": source}
    if target is not None:
        decode["target"] = target
    tags = plugin.get("tag_on_failure")
    if tags is not None:
        decode["tag_on_failure"] = _texts(tags)
    rule: dict[str, Any] = {"__comment__": f"json at line {plugin.line}"}
    if when is not None:
        rule["when"] = when
    rule["json_decode"] = decode
    out.append(rule, "enrich", "field_rules")


def _date(out: Translation, plugin: Plugin, when: str | None, regex: str | None) -> None:
    """A date filter becomes a field rule at its place; :func:`_dates_to_grammars` later
    folds it into the grok grammars that capture its field, when that is the same thing."""
    match = _texts(plugin.get("match"))
    if len(match) < 2:
        out.note(plugin.line, "unsupported", "date without a match field and formats")
        return
    spec: dict[str, Any] = {"field": match[0], "formats": match[1:]}
    for attr in plugin.attributes:
        text = text_of(attr.value)
        if attr.name in ("timezone", "target") and text is not None and "%{" not in text:
            if text != ("@timestamp" if attr.name == "target" else None):
                spec[attr.name] = text
        elif attr.name == "tag_on_failure":
            spec["tag_on_failure"] = _texts(attr.value)
        elif attr.name == "locale" and (text or "en").lower().startswith("en"):
            continue  # lumberyard reads English month and day names, as this locale
        elif attr.name == "add_field":
            spec["add_field"] = dict(_pairs(attr.value))
            for target in spec["add_field"]:
                out.fields.setdefault(target, attr.line)
        elif attr.name in ("add_tag", "remove_field", "remove_tag"):
            spec[attr.name] = _texts(attr.value)
        elif attr.name != "match" and attr.name not in _IGNORED:
            out.note(attr.line, "unsupported", f"date option {attr.name} => {text!r}")
    rule: dict[str, Any] = {"__comment__": f"date at line {plugin.line}"}
    if when is not None:
        rule["when"] = when
    rule["date"] = spec
    _note_moved_message(out, plugin.line, {"date": [spec["field"]]}, "date")
    out.append(rule, "enrich", "field_rules")
    out.dates.append((plugin.line, rule))


def _dates_to_grammars(out: Translation) -> None:
    """A date on a field that every grok grammar under its condition captures, into
    ``@timestamp`` with the default failure tag (and a time zone only for ``timestamp``, which
    the parse step reads in ``[parsers] timezone`` anyway), is those grammars' timestamp field
    and formats; an ISO 8601 ``timestamp`` with no grammar is what the built-in grammars do.
    Every other date stays the field rule :func:`_date` wrote."""
    every = out.config.get("parsers", {}).get("grammars", [])
    for line, rule in out.dates:
        spec, when = rule["date"], rule.get("when")
        name, formats = spec["field"], spec["formats"]
        grammars = [g for g in every if when is None or g.get("when") == when]
        zone = spec.get("timezone")
        plain = not set(spec) & {"target", "tag_on_failure", "add_field", "add_tag",
                                 "remove_field", "remove_tag"} and (zone is None or (
            name == "timestamp" and out.config.get("parsers", {}).get("timezone", zone) == zone))
        if plain and grammars and all(name in out.captures.get(g["name"], ()) for g in grammars):
            for grammar in grammars:
                grammar["timestamp_field"] = name
                if formats != ["ISO8601"]:
                    grammar["timestamp_formats"] = formats
            _fold(out, rule, spec)
            out.note(line, "info", f"date on {name!r} ({', '.join(formats)}): the grammars' "
                     "timestamp_field/timestamp_formats")
        elif plain and not every and when is None and name == "timestamp" and (
                formats == ["ISO8601"]):
            _fold(out, rule, spec)
            out.note(line, "builtin", "date ISO8601 on timestamp: lumberyard sets "
                     "@timestamp (UTC) from the log's stamp, tag _dateparsefailure")
        else:
            target = spec.get("target", "@timestamp")
            out.note(line, "info", f"date on {name!r} ({', '.join(formats)}) -> {target}: a "
                     "field rule's date, after parsing, in the pipeline's order")


def _fold(out: Translation, rule: dict[str, Any], spec: dict[str, Any]) -> None:
    """Take a date's field rule out again: the parse step does its job."""
    rules = out.config["enrich"]["field_rules"]
    rules[:] = [r for r in rules if r is not rule]
    if not rules:
        del out.config["enrich"]["field_rules"]
        if not out.config["enrich"]:
            del out.config["enrich"]
    if "timezone" in spec:
        out.section("parsers")["timezone"] = spec["timezone"]


def _mutate(out: Translation, plugin: Plugin, when: str | None, regex: str | None) -> None:
    rule: dict[str, Any] = {"__comment__": f"mutate at line {plugin.line}"}
    if when is not None:
        rule["when"] = when
    for attr in plugin.attributes:
        name = attr.name
        if name in ("rename", "replace", "add_field"):
            rule[name] = dict(_pairs(attr.value))
            targets = rule[name].values() if name == "rename" else rule[name].keys()
            for target in targets:
                out.fields.setdefault(target, attr.line)
        elif name == "convert":
            pairs = dict(_pairs(attr.value))
            bad = {k: v for k, v in pairs.items() if v not in _CONVERT}
            if bad:
                out.note(attr.line, "unsupported", f"mutate convert to {sorted(set(bad.values()))}")
            rule["convert"] = {k: _CONVERT[v] for k, v in pairs.items() if v in _CONVERT}
        elif name == "gsub":
            items = _texts(attr.value)
            rule["gsub"] = [list(items[i:i + 3]) for i in range(0, len(items) - 2, 3)]
        elif name in ("uppercase", "lowercase", "strip", "add_tag", "remove_field", "remove_tag"):
            rule[name] = _texts(attr.value)
        elif name not in _IGNORED:
            out.note(attr.line, "unsupported", f"mutate {name!r}")
    for name in ("add_field", "replace"):
        if any("%{+" in value for value in rule.get(name, {}).values()):
            out.note(plugin.line, "unsupported", f"mutate {name} with a %{{+date}} reference "
                     "(field rules fill in field references only)")
    _note_moved_message(out, plugin.line, rule, "mutate")
    if len(rule) > (2 if when is not None else 1):
        out.append(rule, "enrich", "field_rules")


def _drop(out: Translation, plugin: Plugin, when: str | None, regex: str | None) -> None:
    rule: dict[str, Any] = {"__comment__": f"drop at line {plugin.line}", "drop": True}
    if when is not None:
        rule["when"] = when
    else:
        out.note(plugin.line, "info", "drop without a condition drops every event")
    for attr in plugin.attributes:
        if attr.name not in _IGNORED:
            out.note(attr.line, "unsupported", f"drop option {attr.name!r}")
    _note_moved_message(out, plugin.line, rule, "drop")
    out.append(rule, "enrich", "field_rules")


_KV_OPTIONS = ("source", "target", "prefix", "field_split", "value_split", "include_keys",
               "exclude_keys")


def _kv(out: Translation, plugin: Plugin, when: str | None, regex: str | None) -> None:
    kv: dict[str, Any] = {}
    for attr in plugin.attributes:
        if attr.name in ("include_keys", "exclude_keys"):
            kv[attr.name] = _texts(attr.value)
        elif attr.name in _KV_OPTIONS and text_of(attr.value) is not None:
            kv[attr.name] = text_of(attr.value)
        elif attr.name not in _IGNORED:
            out.note(attr.line, "unsupported", f"kv option {attr.name!r}")
    rule: dict[str, Any] = {"__comment__": f"kv at line {plugin.line}"}
    if when is not None:
        rule["when"] = when
    rule["kv"] = kv
    _note_moved_message(out, plugin.line, rule, "kv")
    out.append(rule, "enrich", "field_rules")


_FILTERS = {"json": _json, "grok": grok, "date": _date, "mutate": _mutate, "drop": _drop,
            "kv": _kv}
