"""Compile a pyparsing grammar into one anchored Python regex with named groups.

pyparsing runs at 11k-27k lines/s; the ``re`` engine at ~1.5M. So at startup every supported
element (literals, regexes, words, whitespace, sequences, alternatives, options, repetitions,
lookaheads, ``SkipTo``, ``Combine``/``Group``/``Suppress``) is translated into one expression;
results names become named groups and typed conversions run on the captured text afterwards.
Whatever a regex cannot express (``Or``'s longest match, ``Each``, recursion, arbitrary parse
actions, names inside repetitions) makes the whole grammar run on pyparsing's own parser.

The compiled form has grok semantics: the regex backtracks where pyparsing (a PEG parser) would
not, so ``DATA``/``GREEDYDATA`` followed by more pattern works as it does in Logstash.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import pyparsing as pp

from pipeline.errors import GrammarError

from ._blocks import KeyValues, TrailingPairs, converter_of

__all__ = ["Capture", "Matcher", "PyparsingMatcher", "RegexMatcher", "compile_grammar",
           "field_path", "strip_groups", "to_regex"]

_UNBOUNDED = 1 << 30
_NAMED_GROUP = re.compile(r"\(\?P<([A-Za-z_]\w*)>")
_BACKREF = re.compile(r"\\[1-9]|\(\?P=")
_INLINE_FLAGS = {re.IGNORECASE: "i", re.MULTILINE: "m", re.DOTALL: "s", re.VERBOSE: "x",
                 re.ASCII: "a"}


@dataclass(frozen=True, slots=True)
class Capture:
    """One named group of a compiled grammar and what to do with the text it captured."""

    field: str
    group: str
    convert: Callable[[str], Any] | None = None
    merge: Callable[[str], dict[str, Any]] | None = None
    """For ``key=value`` runs: split the span and merge its pairs into the fields."""
    split: Callable[[str], tuple[Any, dict[str, Any]]] | None = None
    """For text ending in ``key=value`` pairs: ``(value for the field, pairs to merge)``;
    only called when the text holds a ``=``."""


class Matcher(Protocol):
    """A compiled grammar: the fields of a fully matching line, or ``None``."""

    name: str
    mode: str

    def match(self, text: str) -> dict[str, Any] | None: ...


class _Unsupported(Exception):  # internal signal, not an error users see
    """An element the regex translation cannot express faithfully."""


class RegexMatcher:
    """The fast path: one ``fullmatch`` and a dict built from the groups."""

    mode = "regex"

    def __init__(self, name: str, pattern: str, captures: list[Capture], grok: bool = False
                 ) -> None:
        try:
            self.regex = re.compile(pattern)
        except re.error as exc:
            near = pattern[max(0, (exc.pos or 0) - 20):(exc.pos or 0) + 20]
            raise GrammarError(f"grammar {name!r}: {exc.msg} at position {exc.pos} of the "
                               f"compiled pattern, near {near!r}") from exc
        self.name = name
        self.pattern = pattern
        self._fullmatch = self.regex.fullmatch
        self.captures = tuple(captures)
        index = [self.regex.groupindex[c.group] for c in captures]
        self._build = (_grok_builder if grok else _builder)(name, self.captures, index)

    def match(self, text: str) -> dict[str, Any] | None:
        """Fields captured from ``text`` (which must match as a whole), or ``None``."""
        found = self._fullmatch(text)
        if found is None:
            return None
        return self._build(found.groups())


def _merge(out: dict[str, Any], pairs: dict[str, Any]) -> None:
    """Merge ``key=value`` pairs; a key already captured by the grammar becomes ``kv_<key>``."""
    for key, value in pairs.items():
        out[f"kv_{key}" if key in out else key] = value


def _builder(name: str, captures: tuple[Capture, ...], index: list[int], skip_empty: bool = False
             ) -> Callable[[tuple[str | None, ...]], dict[str, Any]]:
    """Generate the straight-line function turning ``match.groups()`` into the fields dict.

    Compiling the post-processing too (like dataclasses generate ``__init__``) keeps it to
    one tuple index and one ``None`` test per group: no loop, no per-capture lookups.
    Field names enter the source only through ``repr`` of a str; converters by name.
    With ``skip_empty`` an empty capture is left out too (grok's rule).
    """
    has = "if v:" if skip_empty else "if v is not None:"
    namespace: dict[str, Any] = {"_merge": _merge}
    body = ["def build(g):", "    out = {}"]
    merges: list[str] = []
    for i, (cap, group) in enumerate(zip(captures, index, strict=True)):
        body.append(f"    v = g[{group - 1}]")
        if cap.split is not None:
            namespace[f"s{i}"] = cap.split
            body += [f"    t{i} = None",
                     f"    if v is not None and '=' not in v: out[{cap.field!r}] = v",
                     f"    elif v is not None: t{i} = s{i}(v)",
                     f"    if t{i} is not None and t{i}[0] is not None:",
                     f"        out[{cap.field!r}] = t{i}[0]"]
            merges.append(f"    if t{i} is not None and t{i}[1]: _merge(out, t{i}[1])")
        elif cap.merge is not None:
            namespace[f"m{i}"] = cap.merge
            body.append(f"    p{i} = None if v is None else m{i}(v)")
            merges.append(f"    if p{i}: _merge(out, p{i})")
        elif cap.convert is not None:
            namespace[f"c{i}"] = cap.convert
            body.append(f"    {has} out[{cap.field!r}] = c{i}(v)")
        else:
            body.append(f"    {has} out[{cap.field!r}] = v")
    return _define(name, [*body, *merges, "    return out"], namespace)


def _define(name: str, body: list[str], namespace: dict[str, Any]
            ) -> Callable[[tuple[str | None, ...]], dict[str, Any]]:
    """The ``build`` function whose source lines are ``body``, compiled in ``namespace``."""
    code = compile("\n".join(body) + "\n", f"<grammar {name!r}>", "exec")
    exec(code, namespace)  # noqa: S102 - source generated from reprs, not from input
    build: Callable[[tuple[str | None, ...]], dict[str, Any]] = namespace["build"]
    return build


_TARGET = re.compile(r"\[([^\[\]]+)\]")


def field_path(field: str) -> tuple[str, ...]:
    """Logstash's field reference: ``[http][request][method]`` -> its parts; ``a.b`` is one key."""
    if field.startswith("[") and field.endswith("]"):
        parts = tuple(_TARGET.findall(field))
        if "".join(f"[{p}]" for p in parts) == field:
            return parts
    return (field,)


def _put(out: dict[str, Any], path: tuple[str, ...], value: Any, add: bool) -> None:
    """Set ``path`` in ``out`` (creating objects); with ``add`` a value already there becomes a
    list of both, as grok collects a name captured twice."""
    for part in path[:-1]:
        inner = out.get(part)
        if not isinstance(inner, dict):
            inner = out[part] = {}
        out = inner
    last = path[-1]
    if add and last in out:
        old = out[last]
        out[last] = [*old, value] if isinstance(old, list) else [old, value]
    else:
        out[last] = value


def _grok_builder(name: str, captures: tuple[Capture, ...], index: list[int]
                  ) -> Callable[[tuple[str | None, ...]], dict[str, Any]]:
    """The builder with Logstash grok's semantics: empty captures are left out, ``[a][b]``
    targets nest, and a name captured by several groups that matched collects a list."""
    seen: dict[str, int] = {}
    for cap in captures:
        seen[cap.field] = seen.get(cap.field, 0) + 1
    plain = [c for c in captures if c.merge is None and c.split is None]
    if all(seen[c.field] == 1 and field_path(c.field) == (c.field,) for c in plain):
        return _builder(name, captures, index, skip_empty=True)
    namespace: dict[str, Any] = {"_put": _put, "_merge": _merge}
    body, merges = ["def build(g):", "    out = {}"], []
    for i, (cap, group) in enumerate(zip(captures, index, strict=True)):
        body.append(f"    v = g[{group - 1}]")
        if cap.merge is not None:
            namespace[f"m{i}"] = cap.merge
            body.append(f"    p{i} = m{i}(v) if v else None")
            merges.append(f"    if p{i}: _merge(out, p{i})")
            continue
        value = "v"
        if cap.convert is not None:
            namespace[f"c{i}"] = cap.convert
            value = f"c{i}(v)"
        path, add = field_path(cap.field), seen[cap.field] > 1
        body.append(f"    if v: _put(out, {path!r}, {value}, {add})")
    return _define(name, [*body, *merges, "    return out"], namespace)


class PyparsingMatcher:
    """The fallback: pyparsing's own parser, for grammars a regex cannot express."""

    mode = "pyparsing"

    def __init__(self, name: str, element: pp.ParserElement, reason: str) -> None:
        self.name = name
        self.reason = reason
        self._element = element.copy().streamline()
        self._element.parse_with_tabs()  # pyparsing expands tabs to spaces by default: keep them

    def match(self, text: str) -> dict[str, Any] | None:
        """Fields of a full parse, or ``None``; user parse actions that raise count as no match."""
        try:
            result = self._element.parse_string(text, parse_all=True)
        except Exception:  # user grammars' actions may raise anything; never crash
            return None
        out: dict[str, Any] = {k: _plain(v) for k, v in result.as_dict().items()}
        for token in result:
            if isinstance(token, dict):
                for key, value in token.items():
                    out.setdefault(key, value)
        return out


def _plain(value: Any) -> Any:
    """pyparsing results -> JSON-ready values (lists stay lists, tokens stay scalars)."""
    if isinstance(value, pp.ParseResults):
        return [_plain(v) for v in value]
    return value


class _Translator:
    """Walks a pyparsing element tree and emits the equivalent regex, collecting captures."""

    def __init__(self, honor_whitespace: bool, grammar: str = "?") -> None:
        self.grammar = grammar
        self.captures: list[Capture] = []
        self._honor_ws = honor_whitespace
        self._active: set[int] = set()

    def regex(self, el: pp.ParserElement) -> str:
        """The regex for ``el``: whitespace skip, then a named group if it has a results name."""
        understood, convert = converter_of(el)
        if not understood:
            raise _Unsupported(f"{el} has a parse action")
        if el.ignoreExprs:
            raise _Unsupported(f"{el} ignores expressions")
        slot = len(self.captures)
        named = bool(el.resultsName) or isinstance(el, KeyValues)
        if named:
            self.captures.append(Capture("", ""))  # reserve: outer groups number first
        body = self._body(el)
        if named:
            group = f"g{slot}"
            merge = el.extract if isinstance(el, KeyValues) else None
            split = el.split_pairs if isinstance(el, TrailingPairs) else None
            self.captures[slot] = Capture(el.resultsName or "", group, convert, merge, split)
            body = f"(?P<{group}>{body})"
        return self._whitespace(el) + body

    def _whitespace(self, el: pp.ParserElement) -> str:
        """pyparsing skips whitespace before tokens (not before compounds: no ``\\s*\\s*``)."""
        if not (self._honor_ws and el.skipWhitespace and el.whiteChars):
            return ""
        if not isinstance(el, pp.Token | pp.Combine):
            return ""
        return "[" + "".join(re.escape(c) for c in sorted(el.whiteChars)) + "]*"

    def _body(self, el: pp.ParserElement) -> str:  # noqa: PLR0911, PLR0912 - one dispatch
        """Dispatch on the element's class (subclasses before their bases)."""
        if isinstance(el, KeyValues):
            return el.regex
        if isinstance(el, pp.Regex):
            return self._regex_token(el)
        if isinstance(el, pp.Keyword):
            return _keyword(el)
        if isinstance(el, pp.Literal):
            text = re.escape(el.match)
            return f"(?i:{text})" if isinstance(el, pp.CaselessLiteral) else text
        if isinstance(el, pp.Word):
            return _word(el)
        if isinstance(el, pp.CharsNotIn):
            return f"[^{_chars(el.notChars)}]{_bounds(el.minLen, el.maxLen)}"
        if isinstance(el, pp.White):
            return f"[{_chars(el.matchWhite)}]{_bounds(el.minLen, el.maxLen)}"
        if isinstance(el, pp.StringEnd):
            return r"\Z"
        if isinstance(el, pp.StringStart):
            return r"\A"
        if isinstance(el, pp.LineEnd):
            return r"(?:\n|\Z)"
        if isinstance(el, pp.Empty):
            return ""
        if isinstance(el, pp.And):
            return "".join(self.regex(e) for e in el.exprs)
        if isinstance(el, pp.MatchFirst):
            return "(?:" + "|".join(self.regex(e) for e in el.exprs) + ")"
        return self._enhance(el)

    def _enhance(self, el: pp.ParserElement) -> str:  # noqa: PLR0911 - one dispatch
        """Elements wrapping one other element."""
        if isinstance(el, pp.Opt):
            if type(el.defaultValue).__name__ != "_NullToken":
                raise _Unsupported(f"{el} has a default value")
            return f"(?:{self.regex(el.expr)})?"
        if isinstance(el, pp.ZeroOrMore | pp.OneOrMore):
            return self._repeat(el)
        if isinstance(el, pp.FollowedBy):
            return f"(?={self.regex(el.expr)})"
        if isinstance(el, pp.NotAny):
            return f"(?!{self.regex(el.expr)})"
        if isinstance(el, pp.SkipTo):
            return self._skip_to(el)
        if isinstance(el, pp.Combine):
            if el.joinString or not el.adjacent:
                raise _Unsupported(f"{el} joins with {el.joinString!r} / is not adjacent")
            return self.regex(el.expr)
        if isinstance(el, pp.Suppress | pp.Group):
            return self.regex(el.expr)
        if isinstance(el, pp.Forward):
            return self._forward(el)
        raise _Unsupported(f"{type(el).__name__} element {el}")

    def _regex_token(self, el: pp.Regex) -> str:
        """A ``pp.Regex``: its own named groups become captures too (as pyparsing reports them)."""
        pattern = str(el.pattern)
        if _BACKREF.search(pattern):
            raise _Unsupported(f"{el} uses back-references")
        flags = "".join(c for f, c in _INLINE_FLAGS.items() if el.flags & f)
        if el.flags & ~sum(_INLINE_FLAGS):
            raise _Unsupported(f"{el} uses flags a pattern cannot scope")

        def rename(found: re.Match[str]) -> str:
            self.captures.append(Capture(found.group(1), f"g{len(self.captures)}"))
            return f"(?P<g{len(self.captures) - 1}>"

        body = _NAMED_GROUP.sub(rename, pattern)
        return f"(?{flags}:{body})" if flags else f"(?:{body})"

    def _repeat(self, el: pp.ZeroOrMore | pp.OneOrMore) -> str:
        """Repetition; a regex keeps only the last repeat of a group: names inside are refused."""
        before = len(self.captures)
        inner = self.regex(el.expr)
        if len(self.captures) != before:
            raise _Unsupported(f"{el} repeats named results")
        if el.not_ender is not None:
            inner = f"(?!{self.regex(el.not_ender)}){inner}"
        return f"(?:{inner})" + ("*" if isinstance(el, pp.ZeroOrMore) else "+")

    def _skip_to(self, el: pp.SkipTo) -> str:
        """``SkipTo(x)``: the shortest run before ``x`` (consuming ``x`` if ``include``)."""
        if el.failOn is not None or el.ignoreExpr is not None:
            raise _Unsupported(f"{el} has fail_on/ignore")
        if el.includeMatch:
            return f"(?s:.*?){self.regex(el.expr)}"
        before = len(self.captures)
        ahead = self.regex(el.expr)
        del self.captures[before:]
        return f"(?s:.*?)(?={strip_groups(ahead)})"

    def _forward(self, el: pp.Forward) -> str:
        """A non-recursive ``Forward`` is its expression; recursion is not regular."""
        if el.expr is None:
            raise GrammarError(f"grammar {self.grammar!r}: Forward {el} is never defined "
                               "(missing '<<=')")
        if id(el) in self._active:
            raise _Unsupported(f"recursive Forward {el}")
        self._active.add(id(el))
        try:
            return self.regex(el.expr)
        finally:
            self._active.discard(id(el))


def strip_groups(pattern: str) -> str:
    """Named groups -> plain groups (a lookahead must not define captures twice)."""
    return re.sub(r"\(\?P<g\d+>", "(?:", pattern)


def _chars(chars: str | set[str]) -> str:
    """A character-class body for ``chars``."""
    return "".join(re.escape(c) for c in sorted(chars))


def _bounds(low: int, high: int) -> str:
    """``{low,high}`` with pyparsing's huge sentinel read as unbounded."""
    if high == 0 or high >= _UNBOUNDED:
        return f"{{{low},}}" if low != 1 else "+"
    return f"{{{low},{high}}}"


def _keyword(el: pp.Keyword) -> str:
    """A keyword: not preceded or followed by an identifier character."""
    ident = _chars(el.identChars)
    text = re.escape(el.match)
    if el.caseless:
        text = f"(?i:{text})"
    return f"(?<![{ident}]){text}(?![{ident}])"


def _word(el: pp.Word) -> str:
    """pyparsing already derives a regex for most words; otherwise build it from the char sets."""
    if getattr(el, "reString", ""):
        return f"(?:{el.reString})"
    low = max(el.minLen - 1, 0)
    rest = f"{{{low},{el.maxLen - 1}}}" if el.maxLen < _UNBOUNDED else f"{{{low},}}"
    word = f"[{_chars(el.init_chars)}][{_chars(el.bodyChars)}]{rest}"
    return rf"\b{word}\b" if el.asKeyword else word


def to_regex(element: pp.ParserElement, honor_whitespace: bool = False, grammar: str = "?"
             ) -> tuple[str, list[Capture]]:
    """The regex for ``element`` and its captures; raises ``_Unsupported`` if it has none."""
    translator = _Translator(honor_whitespace, grammar)
    return translator.regex(element), translator.captures


def compile_grammar(name: str, element: pp.ParserElement, honor_whitespace: bool = True) -> Matcher:
    """Compile a pyparsing grammar: a :class:`RegexMatcher` when possible, else pyparsing's parser.

    With ``honor_whitespace`` the regex skips whitespace where pyparsing would (before each
    token, and at the end, as ``parse_all`` does); grammars built with ``leave_whitespace()``
    match exactly.
    """
    try:
        body, captures = to_regex(element, honor_whitespace, name)
    except _Unsupported as exc:
        return PyparsingMatcher(name, element, str(exc))
    trailing = r"[ \t\r\n]*" if honor_whitespace else ""
    return RegexMatcher(name, body + trailing, captures)
