"""The Logstash pipeline config language, read with a pyparsing grammar into :mod:`._ast` nodes.

The grammar follows what Logstash accepts: sections ``input``/``filter``/``output`` holding
plugins (``name { key => value ... }``) and branches (``if``/``else if``/``else``); values are
strings (double or single quoted; a backslash escapes the next character), numbers, barewords,
arrays, hashes and plugins; conditions compare rvalues (strings, numbers, field references
``[a][b]``, arrays, regexps, method calls) with ``== != < > <= >= =~ !~ in``/``not in``,
negate with ``!``, group with parentheses and join with ``and``/``nand``/``xor``/``or`` (in that
order of precedence). ``#`` starts a comment anywhere a space may go. A syntax error is a
:class:`ConfigError` naming the file, line and column, and what was expected there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pyparsing as pp

from pipeline.errors import ConfigError

from ._ast import (
    Attribute,
    Bareword,
    BoolOp,
    Branch,
    Clause,
    Compare,
    Condition,
    Config,
    FieldRef,
    Hash,
    Method,
    Not,
    Number,
    Plugin,
    Regexp,
    Section,
    String,
    Value,
)

__all__ = ["read_condition", "read_config", "read_config_file", "unescape", "values_of"]

_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "\\": "\\", '"': '"', "'": "'"}
_PRECEDENCE = (("and", "nand"), ("xor",), ("or",))


def unescape(text: str) -> str:
    """Logstash's ``config.support_escapes``: ``\\n \\r \\t \\0 \\\\ \\" \\'``; others stay."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPES:
            out.append(_ESCAPES[text[i + 1]])
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _line(source: str, loc: int) -> int:
    """The line where the token at ``loc`` starts (pyparsing may hand the position before the
    spaces and comments that precede it)."""
    while loc < len(source):
        if source[loc] in " \t\r\n":
            loc += 1
        elif source[loc] == "#":
            end = source.find("\n", loc)
            loc = len(source) if end < 0 else end
        else:
            break
    return pp.lineno(loc, source)


def _string(source: str, loc: int, tokens: pp.ParseResults) -> String:
    text = str(tokens[0])[1:-1]
    return String(text, unescape(text), _line(source, loc))


def _number(source: str, loc: int, tokens: pp.ParseResults) -> Number:
    text = str(tokens[0])
    value: int | float = float(text) if "." in text else int(text)
    return Number(value, _line(source, loc))


def _selector(source: str, loc: int, tokens: pp.ParseResults) -> FieldRef:
    text = str(tokens[0])
    return FieldRef(tuple(part for part in text[1:-1].split("][")), _line(source, loc))


def _fold(source: str, loc: int, tokens: pp.ParseResults) -> list[Condition]:
    """``e1 op e2 op e3 ...`` -> a tree: ``and``/``nand`` bind tightest, then ``xor``, ``or``.
    Returned as one token (an array condition, ``if [a, "b"]``, is a list: returned bare,
    pyparsing would spread its items over the clause)."""
    items: list[Any] = list(tokens)
    line = _line(source, loc)
    for ops in _PRECEDENCE:
        folded: list[Any] = [items[0]]
        for op, right in zip(items[1::2], items[2::2], strict=True):
            if op in ops:
                folded[-1] = BoolOp(op, folded[-1], right, line)
            else:
                folded += [op, right]
        items = folded
    return [cast(Condition, items[0])]


@dataclass(frozen=True)
class _Atoms:
    """The leaves of the grammar: literals, words, regexps, field references, arrays."""

    string: pp.ParserElement
    number: pp.ParserElement
    bareword: pp.ParserElement
    name: pp.ParserElement
    regexp: pp.ParserElement
    selector: pp.ParserElement


def _atoms() -> _Atoms:
    """Strings (both quotes, escapes kept for :func:`unescape`), numbers, barewords, plugin and
    attribute names, ``/regexps/`` and ``[field][references]``."""
    string = (pp.Regex(r'"(?:\\.|[^"\\])*"') | pp.Regex(r"'(?:\\.|[^'\\])*'")).set_name(
        "string").set_parse_action(_string)
    number = pp.Regex(r"-?[0-9]+(?:\.[0-9]*)?(?![A-Za-z_])").set_name("number")
    number.set_parse_action(_number)
    bareword = pp.Regex(r"[A-Za-z_][A-Za-z0-9_]+").set_name("bareword")
    bareword.set_parse_action(lambda s, loc, t: Bareword(str(t[0]), _line(s, loc)))
    name_word = pp.Regex(r"[A-Za-z0-9_-]+").set_name("name")
    name = (name_word | string).set_parse_action(
        lambda t: t[0].text if isinstance(t[0], String) else str(t[0]))
    regexp = pp.Regex(r"/(?:\\.|[^/\\])*/").set_name("regexp")
    regexp.set_parse_action(lambda s, loc, t: Regexp(str(t[0])[1:-1], _line(s, loc)))
    selector = pp.Regex(r"(?:\[[^\]\[,]+\])+").set_name("field reference [a][b]")
    selector.set_parse_action(_selector)
    return _Atoms(string, number, bareword, name, regexp, selector)


def _plugins(atoms: _Atoms) -> tuple[pp.ParserElement, pp.ParserElement]:
    """Plugin blocks ``name { attribute => value ... }`` with hashes and arrays as values;
    returns the plugin and the array (conditions use arrays too)."""
    value, plugin = pp.Forward(), pp.Forward()
    array = pp.Group(_LBRACK + pp.Opt(pp.DelimitedList(value)) + _RBRACK).set_name("array")
    array.set_parse_action(lambda t: [list(t[0])])
    hash_key = (atoms.number | atoms.bareword | atoms.string).set_parse_action(
        lambda t: t[0].text if isinstance(t[0], String) else
        str(t[0].word if isinstance(t[0], Bareword) else t[0].value))
    entry = pp.Group(hash_key + _ARROW - value)
    hash_ = (_LBRACE + pp.Group(pp.ZeroOrMore(entry)) - _RBRACE).set_name("hash")
    hash_.set_parse_action(
        lambda s, loc, t: Hash(tuple((e[0], e[1]) for e in t[0]), _line(s, loc)))
    value <<= (plugin | atoms.bareword | atoms.string | atoms.number | array | hash_).set_name(
        "a value (string, number, bareword, array, hash or plugin)")
    attribute = (atoms.name + _ARROW - value).set_name("attribute")
    attribute.set_parse_action(lambda s, loc, t: Attribute(t[0], t[1], _line(s, loc)))
    keyword = pp.Keyword("if") | pp.Keyword("else")
    plugin <<= (~keyword + atoms.name + _LBRACE + pp.Group(pp.ZeroOrMore(attribute)) - _RBRACE)
    plugin.set_parse_action(lambda s, loc, t: Plugin(t[0], tuple(t[1]), _line(s, loc)))
    return plugin, array


def _condition(atoms: _Atoms, array: pp.ParserElement) -> pp.ParserElement:
    """``if`` conditions: comparisons, ``=~``, ``in``, ``!``, parentheses, boolean operators
    (folded by precedence in :func:`_fold`)."""
    condition, rvalue = pp.Forward(), pp.Forward()
    method = atoms.bareword + pp.Suppress("(") + pp.Group(pp.Opt(pp.DelimitedList(rvalue))) + \
        pp.Suppress(")")
    method.set_parse_action(lambda s, loc, t: Method(t[0].word, tuple(t[1]), _line(s, loc)))
    rvalue <<= (atoms.string | atoms.number | atoms.selector | array | method | atoms.regexp
                ).set_name("a field reference [a][b], string, number, array, regexp or method call")
    compare_op = pp.Regex(r"==|!=|<=|>=|<|>|=~|!~") | pp.Keyword("in") | (
        pp.Keyword("not") + pp.Keyword("in")).set_parse_action(lambda: "not in")
    compare = rvalue + compare_op - rvalue
    compare.set_parse_action(lambda s, loc, t: Compare(str(t[1]), t[0], t[2], _line(s, loc)))
    grouped = pp.Suppress("(") + condition + pp.Suppress(")")
    negative = pp.Suppress("!") - (grouped | atoms.selector)
    negative.set_parse_action(lambda s, loc, t: Not(t[0], _line(s, loc)))
    expression = grouped | negative | compare | rvalue
    bool_op = pp.Keyword("and") | pp.Keyword("nand") | pp.Keyword("xor") | pp.Keyword("or")
    condition <<= (expression + pp.ZeroOrMore(bool_op - expression)).set_parse_action(_fold)
    return condition


def _sections(plugin: pp.ParserElement, condition: pp.ParserElement) -> pp.ParserElement:
    """``input``/``filter``/``output`` sections of plugins and ``if / else if / else``
    branches, comments ignored."""
    body = pp.Forward()
    block = _LBRACE + pp.Group(body) - _RBRACE
    if_clause = pp.Keyword("if") - condition + block
    else_if = pp.Keyword("else") + pp.Keyword("if") - condition + block
    else_clause = pp.Keyword("else") + block
    if_clause.set_parse_action(lambda s, loc, t: Clause(t[1], tuple(t[2]), _line(s, loc)))
    else_if.set_parse_action(lambda s, loc, t: Clause(t[2], tuple(t[3]), _line(s, loc)))
    else_clause.set_parse_action(lambda s, loc, t: Clause(None, tuple(t[1]), _line(s, loc)))
    branch = if_clause + pp.ZeroOrMore(else_if) + pp.Opt(else_clause)
    branch.set_parse_action(lambda s, loc, t: Branch(tuple(t), _line(s, loc)))
    body <<= pp.ZeroOrMore(branch | plugin)
    kind = pp.Keyword("input") | pp.Keyword("filter") | pp.Keyword("output")
    section = kind - block
    section.set_parse_action(lambda s, loc, t: Section(str(t[0]), tuple(t[1]), _line(s, loc)))
    config = pp.ZeroOrMore(section) + pp.StringEnd().set_name("end of the config")
    config.ignore(pp.Regex(r"#[^\n]*"))
    return config


def _grammar() -> tuple[pp.ParserElement, pp.ParserElement]:
    """The whole config grammar, and the condition grammar on its own (for field rules)."""
    atoms = _atoms()
    plugin, array = _plugins(atoms)
    condition = _condition(atoms, array)
    return _sections(plugin, condition), condition + pp.StringEnd().set_name(
        "end of the condition")


_LBRACE, _RBRACE = pp.Suppress("{"), pp.Suppress("}")
_LBRACK, _RBRACK = pp.Suppress("["), pp.Suppress("]")
_ARROW = pp.Suppress("=>")
_GRAMMAR, _CONDITION = _grammar()


def read_condition(text: str, source: str = "<condition>") -> Condition:
    """One condition (``[level] == "debug" and "x" in [tags]``); errors name the column."""
    try:
        return cast(Condition, _CONDITION.parse_string(text, parse_all=True)[0])
    except pp.ParseBaseException as exc:
        raise ConfigError(f"{source}: syntax error at column {exc.column} of {text!r}: "
                          f"{_expected(exc)}") from None


def read_config(text: str, source: str = "<config>") -> Config:
    """Parse a pipeline config; a syntax error names ``source``, the line and the column."""
    try:
        result = _GRAMMAR.parse_string(text, parse_all=True)
    except pp.ParseBaseException as exc:
        line = exc.line.strip()
        near = f" near {line[:60]!r}" if line else ""
        raise ConfigError(f"{source}:{exc.lineno}:{exc.column}: syntax error: "
                          f"{_expected(exc)}{near}") from None
    return Config(tuple(cast(Section, s) for s in result))


def _expected(exc: pp.ParseBaseException) -> str:
    """pyparsing's message without its own position (we print ours)."""
    message = str(exc.msg)
    return message if message.startswith("Expected") else f"expected {message}"


def read_config_file(path: Path) -> Config:
    """Read and parse ``path`` (UTF-8); a file that cannot be read is a :class:`ConfigError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read Logstash config: {exc}") from exc
    return read_config(text, str(path))


def values_of(value: Value) -> list[Value]:
    """An attribute value as a list (a single value is a one-item list)."""
    return value if isinstance(value, list) else [value]
