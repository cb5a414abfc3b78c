"""``apply_field_rules``: conditional field edits and drops, as Logstash's mutate/drop do them.

Each ``[[enrich.field_rules]]`` entry has an optional ``when`` condition written in Logstash's
condition syntax (``[level] == "debug" and "x" not in [tags]``) and the operations to apply
when it holds: a json decode, a kv split, a grok (:mod:`._rule_grok`) and a date (Logstash's
date filter on any field: :mod:`._rule_date`) first, then mutate's, in mutate's order (rename,
replace, convert, gsub, uppercase, lowercase, strip, then add_field, add_tag, remove_field,
remove_tag); or ``drop``.
The rules run right after parsing, on the log's own keys under their Logstash names
(``level``, ``service``), so the ECS mapping that follows sees the result. A field ``[a][b]``
is looked up in the log's keys first, then in the event (``message``, ``tags``, Filebeat's
``fields``).
Conditions and templates are compiled once, at startup; a bad one names its rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator

from pipeline.errors import ConfigError, DropEvent
from pipeline.runtime import METADATA, Event
from pipeline.steps._fields import LOG_FIELDS, add_tag, metadata, set_path
from pipeline.steps._route import format_timestamp
from pipeline.steps._rule_date import TIMESTAMP_TARGET, DateParse, compile_date
from pipeline.steps._rule_grok import GrokMatch, GrokRule, compile_grok_rule
from pipeline.steps._rule_success import OnSuccess

if TYPE_CHECKING:
    from parsers import ParsersConfig

__all__ = ["ApplyFieldRules", "DateParse", "FieldRule", "GrokMatch", "JsonDecode",
           "KeyValueSplit", "field_ref"]

Kind = Literal["integer", "float", "string", "boolean"]
_REF = re.compile(r"%\{([^}]+)\}")
_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


def field_ref(text: str) -> tuple[str, ...]:
    """``[a][b]`` -> ``("a", "b")``; ``a`` -> ``("a",)`` (a dotted name is one key, as in
    Logstash)."""
    if text.startswith("[") and text.endswith("]"):
        return tuple(text[1:-1].split("]["))
    return (text,)


class KeyValueSplit(BaseModel):
    """Logstash's kv filter: ``key=value`` pairs of a field become fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(default="message", description="Field holding the pairs.")
    target: str | None = Field(default=None, description="Object to put the pairs in; none = "
                               "next to the log's own keys.")
    prefix: str = Field(default="", description="Put before every key.")
    field_split: str = Field(default=" ", min_length=1,
                             description="Characters that separate pairs.")
    value_split: str = Field(default="=", min_length=1,
                             description="Characters that separate a key from its value.")
    include_keys: list[str] = Field(default_factory=list, description="Only these keys.")
    exclude_keys: list[str] = Field(default_factory=list, description="Never these keys.")

    def compile(self) -> Callable[[str], dict[str, Any]]:
        """The splitter: quoted values keep their spaces, a repeated key collects a list."""
        fs, vs = re.escape(self.field_split), re.escape(self.value_split)
        pairs = re.compile(rf"([^{fs}{vs}]+)[{vs}](\"[^\"]*\"|'[^']*'|[^{fs}]*)")
        include, exclude = set(self.include_keys), set(self.exclude_keys)

        def split(text: str) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for key, raw in pairs.findall(text):
                if (include and key not in include) or key in exclude:
                    continue
                value = raw[1:-1] if len(raw) >= 2 and raw[0] in "\"'" and raw[-1] == raw[0] \
                    else raw
                name = self.prefix + key
                old = out.get(name)
                out[name] = value if old is None else (
                    [*old, value] if isinstance(old, list) else [old, value])
            return out
        return split


class JsonDecode(BaseModel):
    """Logstash's json filter on a field other than the line: its JSON text becomes fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(description="Field holding the JSON text.")
    target: str | None = Field(default=None, description="Object to put the result in; none "
                               "= an object's keys next to the log's own keys.")
    tag_on_failure: list[str] = Field(default_factory=lambda: ["_jsonparsefailure"],
                                      description="Tags an event gets when the text is not JSON.")


class FieldRule(BaseModel):
    """One conditional edit: when ``when`` holds (or always), apply the operations below."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    when: str | None = Field(
        default=None,
        description="Logstash condition, e.g. '[level] == \"debug\"' or '\"x\" in [tags]'; "
        "none = always.",
    )
    drop: bool = Field(default=False, description="Drop the event (counted as field_rule).")
    json_decode: JsonDecode | None = Field(
        default=None, description="Decode a field's JSON text first (Logstash's json filter).")
    kv: KeyValueSplit | None = Field(
        default=None, description="Split key=value pairs of a field first (Logstash's kv).")
    grok: GrokMatch | None = Field(
        default=None, description="Match grok patterns against fields (Logstash's grok "
        "filter after the first: it reads what earlier filters made), after json and kv.")
    date: DateParse | None = Field(
        default=None, description="Read a field's time into @timestamp or a target field "
        "(Logstash's date filter), after json, kv and grok.")
    rename: dict[str, str] = Field(default_factory=dict, description="Old field -> new field.")
    replace: dict[str, str] = Field(
        default_factory=dict, description="Field -> value (%{[field]} references filled in)."
    )
    convert: dict[str, Kind] = Field(
        default_factory=dict, description="Field -> integer, float, string or boolean."
    )
    gsub: list[tuple[str, str, str]] = Field(
        default_factory=list,
        description="[field, regex, replacement] triples: every match replaced (\\1 groups).",
    )
    uppercase: list[str] = Field(default_factory=list, description="Fields to upper-case.")
    lowercase: list[str] = Field(default_factory=list, description="Fields to lower-case.")
    strip: list[str] = Field(default_factory=list, description="Fields to strip of spaces.")
    add_field: dict[str, str] = Field(
        default_factory=dict,
        description="Field -> value (%{[field]} filled in); an existing field becomes a list.",
    )
    add_tag: list[str] = Field(default_factory=list, description="Tags to add.")
    remove_field: list[str] = Field(default_factory=list, description="Fields to remove.")
    remove_tag: list[str] = Field(default_factory=list, description="Tags to remove.")

    @field_validator("when")
    @classmethod
    def _condition(cls, value: str | None) -> str | None:
        try:  # a syntax error fails the config load, with its column
            compile_when(value, "condition")
        except ConfigError as exc:
            raise ValueError(str(exc)) from exc
        return value

    @field_validator("gsub")
    @classmethod
    def _regexes(cls, value: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
        for _, pattern, _ in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"gsub regex {pattern!r}: {exc.msg}") from exc
        return value


class _Fields:
    """Reads and writes of ``[a][b]`` over the log's keys and the event (see module doc)."""

    __slots__ = ("event", "log")

    def __init__(self, event: Event) -> None:
        self.event = event
        meta = event.get(METADATA)
        log = meta.get(LOG_FIELDS) if isinstance(meta, dict) else None
        self.log: dict[str, Any] = log if isinstance(log, dict) else {}

    def _root(self, head: str) -> dict[str, Any]:
        if head in self.log or head in ("message", "tags", "fields", METADATA):
            return self.log if head in self.log else self.event
        return self.event if head in self.event else self.log

    def get(self, path: tuple[str, ...]) -> Any:
        node: Any = self._root(path[0])
        for part in path:
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def set(self, path: tuple[str, ...], value: Any) -> None:
        set_path(self._root(path[0]), path, value)

    def pop(self, path: tuple[str, ...]) -> Any:
        node: Any = self._root(path[0])
        for part in path[:-1]:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            return node.pop(path[-1], None)
        return None


def _template(text: str) -> Callable[[_Fields], str]:
    """``"%{[a][b]} x"`` -> a function filling the references (unknown ones stay as written)."""
    if "%{" not in text:
        return lambda fields: text

    def fill(fields: _Fields) -> str:
        def one(found: re.Match[str]) -> str:
            value = fields.get(field_ref(found.group(1)))
            return found.group(0) if value is None else str(value)
        return _REF.sub(one, text)
    return fill


def _add(fields: _Fields, path: tuple[str, ...], value: str) -> None:
    """add_field: a new field, or one more value of an existing one (a list)."""
    old = fields.get(path)
    if old is None:
        fields.set(path, value)
    else:
        fields.set(path, [*old, value] if isinstance(old, list) else [old, value])


def _remove_tags(event: Event, names: list[str]) -> None:
    tags = event.get("tags")
    if names and isinstance(tags, list):
        event["tags"] = [t for t in tags if t not in names]


def _convert(value: Any, kind: Kind) -> Any:
    """mutate's convert; text that does not convert is kept as it was."""
    if isinstance(value, list):
        return [_convert(v, kind) for v in value]
    text = str(value)
    try:
        if kind == "integer":
            return int(float(text)) if not isinstance(value, bool) else int(value)
        if kind == "float":
            return float(text)
    except ValueError:
        return value
    if kind == "boolean":
        low = text.lower()
        return True if low in _TRUE else False if low in _FALSE else value
    return text


class _Rule:
    """One compiled rule: its predicate and its operations, run in mutate's order."""

    def __init__(self, index: int, rule: FieldRule, parsers: ParsersConfig | None = None
                 ) -> None:
        self.rule = rule
        self.when = compile_when(rule.when, f"enrich.field_rules[{index}].when")
        self.replace = [(field_ref(k), _template(v)) for k, v in rule.replace.items()]
        self.common = _Success(rule)
        self.gsub = [(field_ref(f), re.compile(p), r.replace("\\0", "\\g<0>"))
                     for f, p, r in rule.gsub]
        self.kv = None if rule.kv is None else (
            field_ref(rule.kv.source),
            None if rule.kv.target is None else field_ref(rule.kv.target), rule.kv.compile())
        self.date = None if rule.date is None else _Date(rule.date)
        self.grok = None if rule.grok is None else compile_grok_rule(
            rule.grok, f"enrich.field_rules[{index}]", parsers)
        self.grok_done = None if rule.grok is None else _Success(rule.grok)

    def apply(self, event: Event) -> None:
        fields = _Fields(event)
        if self.when is not None and not self.when(fields):
            return
        rule = self.rule
        if rule.drop:
            raise DropEvent("field_rule")
        self._extract(fields, event)
        for old, new in rule.rename.items():
            value = fields.pop(field_ref(old))
            if value is not None:
                fields.set(field_ref(new), value)
        for path, fill in self.replace:
            fields.set(path, fill(fields))
        self._edit(fields)
        self.common.apply(fields, event)

    def _extract(self, fields: _Fields, event: Event) -> None:
        """json and kv: fields out of a field's text, before the mutate operations."""
        if self.rule.json_decode is not None:
            _decode(fields, self.rule.json_decode, event)
        if self.kv is not None:
            self._split(fields, *self.kv)
        if self.grok is not None:
            self._grok(self.grok, fields, event)
        if self.date is not None:
            self.date.apply(fields, event)

    def _grok(self, grok: GrokRule, fields: _Fields, event: Event) -> None:
        """grok, then its add_field/add_tag/remove_field/remove_tag when it matched."""
        matched, tags = grok.apply(fields.get, fields.set)
        for tag in tags:
            add_tag(event, tag)
        if matched and self.grok_done is not None:
            self.grok_done.apply(fields, event)

    @staticmethod
    def _split(fields: _Fields, source: tuple[str, ...], target: tuple[str, ...] | None,
               split: Callable[[str], dict[str, Any]]) -> None:
        """kv: the pairs of ``source`` next to the log's keys, or in the ``target`` object."""
        text = fields.get(source)
        if not isinstance(text, str):
            return
        pairs = split(text)
        if target is not None and pairs:
            fields.set(target, pairs)
            return
        for key, value in pairs.items():
            fields.set((key,), value)

    def _edit(self, fields: _Fields) -> None:
        """convert, gsub, uppercase, lowercase, strip: in place, on fields that exist."""
        rule = self.rule
        for name, kind in rule.convert.items():
            value = fields.get(field_ref(name))
            if value is not None:
                fields.set(field_ref(name), _convert(value, kind))
        for path, pattern, repl in self.gsub:
            value = fields.get(path)
            if isinstance(value, str):
                fields.set(path, pattern.sub(repl, value))
        for names, change in ((rule.uppercase, str.upper), (rule.lowercase, str.lower),
                              (rule.strip, str.strip)):
            for name in names:
                value = fields.get(field_ref(name))
                if isinstance(value, str):
                    fields.set(field_ref(name), change(value))


_PARSED_STAMPS = frozenset({("timestamp",), ("@timestamp",)})
"""Fields the parse step reads ISO 8601 from (and tags ``_dateparsefailure`` when it cannot):
a date rule that reads one of them with its own formats supersedes that failure."""


def _remove_tag(event: Event, tag: str) -> None:
    tags = event.get("tags")
    if isinstance(tags, list) and tag in tags:
        tags.remove(tag)


class _Success:
    """The common options compiled once (add_field, add_tag, remove_field, remove_tag, in
    that order): a filter's when it succeeded, or the tail of a field rule's operations."""

    __slots__ = ("add", "remove", "tags", "untag")

    def __init__(self, spec: OnSuccess | FieldRule) -> None:
        self.add = [(field_ref(k), _template(v)) for k, v in spec.add_field.items()]
        self.tags = [_template(tag) for tag in spec.add_tag]
        self.remove = [field_ref(name) for name in spec.remove_field]
        self.untag = spec.remove_tag

    def apply(self, fields: _Fields, event: Event) -> None:
        for path, fill in self.add:
            _add(fields, path, fill(fields))
        for fill in self.tags:
            add_tag(event, fill(fields))
        for path in self.remove:
            fields.pop(path)
        _remove_tags(event, self.untag)


class _Date:
    """A rule's compiled ``date``: the event's time (``@metadata.timestamp``, which
    ``set_timestamp`` turns into ``@timestamp`` and ``route_index`` into the daily index) or
    a target field, from the source field's text."""

    __slots__ = ("done", "read", "source", "tags", "target")

    def __init__(self, spec: DateParse) -> None:
        self.done = _Success(spec) if spec.any else None
        self.source = field_ref(spec.field)
        self.read = compile_date(spec)
        target = field_ref(spec.target)
        self.target = None if target == (TIMESTAMP_TARGET,) else target
        self.tags = spec.tag_on_failure

    def apply(self, fields: _Fields, event: Event) -> None:
        value = fields.get(self.source)
        if value is None:  # no such field: the date filter does nothing
            return
        moment = self.read(value)
        if moment is None:
            for tag in self.tags:
                add_tag(event, tag)
            return
        if self.target is None:
            metadata(event)["timestamp"] = moment
            if self.source in _PARSED_STAMPS:  # the parser's own try on this field failed
                _remove_tag(event, "_dateparsefailure")
        else:
            fields.set(self.target, format_timestamp(moment))
        if self.done is not None:
            self.done.apply(fields, event)


class ApplyFieldRules:
    """Every rule, in order, on each event (built once; a rule with ``drop`` drops)."""

    name = "apply_field_rules"

    def __init__(self, rules: list[FieldRule], parsers: ParsersConfig | None = None) -> None:
        """``parsers``: the grammars' config, whose library, pattern files, flavour and time
        budget a rule's grok patterns use."""
        self._rules = [_Rule(i, rule, parsers) for i, rule in enumerate(rules)]

    def __call__(self, event: Event) -> Event:
        for rule in self._rules:
            rule.apply(event)
        return event


def _decode(fields: _Fields, spec: JsonDecode, event: Event) -> None:
    """json: the source's text decoded into the target (or, an object, next to the keys)."""
    text = fields.get(field_ref(spec.source))
    if not isinstance(text, str):
        return
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        for tag in spec.tag_on_failure:
            add_tag(event, tag)
        return
    if spec.target is not None:
        fields.set(field_ref(spec.target), value)
    elif isinstance(value, dict):
        for key, item in value.items():
            fields.set((key,), item)


def compile_when(text: str | None, where: str) -> Callable[[_Fields], bool] | None:
    """The predicate of a ``when`` text (``None`` for none); a bad one names ``where``."""
    if text is None:
        return None
    from pipeline.migrate._conditions import compile_condition  # noqa: PLC0415 - only with rules
    from pipeline.migrate._reader import read_condition  # noqa: PLC0415

    try:
        return compile_condition(read_condition(text, where))
    except ConfigError:
        raise
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from exc
