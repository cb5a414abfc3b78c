"""pyparsing grammars compile into one anchored regex; what a regex cannot express falls back."""

from __future__ import annotations

import re

import pyparsing as pp
import pytest

from parsers import PyparsingMatcher, RegexMatcher, block, compile_grammar, typed
from pipeline.errors import GrammarError


def test_sequence_of_blocks_compiles_to_a_regex_with_named_fields() -> None:
    """Literals, blocks and results names become one regex with the fields by name."""
    grammar = (pp.Suppress("[") + block("TIMESTAMP_ISO8601")("timestamp") + "]"
               + block("LOGLEVEL")("level") + block("GREEDYDATA")("msg"))
    matcher = compile_grammar("g", grammar)
    expected = {"timestamp": "2025-09-12T10:00:00Z", "level": "WARN", "msg": "disk low"}
    actual = matcher.match("[2025-09-12T10:00:00Z] WARN disk low")
    assert ("regex", expected) == (matcher.mode, actual)


def test_compiled_regex_skips_whitespace_where_pyparsing_does() -> None:
    """With default whitespace handling, the regex accepts what pyparsing itself accepts."""
    grammar = pp.Word(pp.alphas)("a") + pp.Literal("=") + block("INT")("n")
    matcher = compile_grammar("g", grammar)
    text = "  key   =  42  "
    expected = dict(grammar.parse_string(text, parse_all=True).as_dict())
    assert expected == matcher.match(text)


def test_leave_whitespace_makes_spaces_exact() -> None:
    """A grammar built with leave_whitespace() matches its literal spacing only."""
    grammar = (block("WORD")("a") + pp.Literal(" ") + block("WORD")("b")).leave_whitespace()
    matcher = compile_grammar("g", grammar)
    assert ({"a": "x", "b": "y"}, None) == (matcher.match("x y"), matcher.match("x  y"))


def test_match_is_anchored_at_both_ends() -> None:
    """A prefix or suffix the grammar does not cover makes the line not match."""
    matcher = compile_grammar("g", block("INT")("n").leave_whitespace(), honor_whitespace=False)
    actual = (matcher.match("x5"), matcher.match("5x"), matcher.match("5"))
    assert (None, None, {"n": "5"}) == actual


def test_typed_conversions_run_after_the_match() -> None:
    """typed() and pyparsing's convert_to_integer/float give ints and floats."""
    grammar = (typed(block("INT"), "int")("count")
               + pp.Word(pp.nums + ".").set_parse_action(pp.common.convert_to_float)("ratio")
               + pp.Word(pp.nums).set_parse_action(pp.common.convert_to_integer)("code"))
    matcher = compile_grammar("g", grammar)
    assert ("regex", {"count": 3, "ratio": 0.5, "code": 200}) == (
        matcher.mode, matcher.match("3 0.5 200"))


def test_alternatives_optionals_and_repetition_compile() -> None:
    """MatchFirst, Opt, One/ZeroOrMore, Keyword, CaselessLiteral, CharsNotIn translate."""
    grammar = ((pp.Keyword("GET") | pp.CaselessLiteral("post"))("method")
               + pp.Opt(pp.Literal("v") + block("INT")("version"))
               + pp.OneOrMore(pp.Word(pp.alphas))
               + pp.ZeroOrMore(pp.Literal("!"))
               + pp.CharsNotIn(";")("rest"))
    matcher = compile_grammar("g", grammar.leave_whitespace(), honor_whitespace=False)
    assert ("regex", {"method": "POST", "version": "2", "rest": "x"}) == (
        matcher.mode, matcher.match("POSTv2abc!!x"))


def test_skip_to_and_lookaheads_compile() -> None:
    """SkipTo, FollowedBy and NotAny become lazy runs and lookaheads."""
    grammar = (pp.SkipTo(":")("head") + ":" + ~pp.Literal("x") + pp.FollowedBy(pp.Word(pp.nums))
               + pp.Word(pp.nums)("n")).leave_whitespace()
    matcher = compile_grammar("g", grammar, honor_whitespace=False)
    assert ("regex", {"head": "abc", "n": "12"}, None) == (
        matcher.mode, matcher.match("abc:12"), matcher.match("abc:x1"))


def test_named_groups_inside_a_regex_element_become_fields() -> None:
    """A pp.Regex with (?P<name>...) reports the group by name, as pyparsing does."""
    matcher = compile_grammar("g", pp.Regex(r"(?P<user>\w+)@(?P<host>[\w.]+)"))
    assert {"user": "ana", "host": "example.org"} == matcher.match("ana@example.org")


def test_regex_flags_are_scoped_into_the_pattern() -> None:
    """IGNORECASE on one element applies to that element only."""
    grammar = (pp.Regex("abc", flags=re.IGNORECASE)("a") + pp.Literal("X")).leave_whitespace()
    matcher = compile_grammar("g", grammar, honor_whitespace=False)
    assert ({"a": "ABC"}, None) == (matcher.match("ABCX"), matcher.match("ABCx"))


def test_longest_match_or_falls_back_to_pyparsing() -> None:
    """pp.Or (longest alternative) is not a regex alternation: pyparsing's parser runs it."""
    grammar = pp.Word(pp.nums)("digits") ^ pp.Word(pp.alphanums)("word")
    matcher = compile_grammar("g", grammar)
    assert (PyparsingMatcher, {"word": "12ab"}) == (type(matcher), matcher.match("12ab"))


def test_recursive_grammar_falls_back_and_still_parses() -> None:
    """A recursive Forward is not regular; the fallback parses nested brackets."""
    nested = pp.Forward()
    nested <<= pp.Literal("(") + pp.ZeroOrMore(nested) + pp.Literal(")")
    matcher = compile_grammar("nested", nested("all"))
    assert ("pyparsing", {"all": ["(", "(", ")", "(", ")", ")"]}, None) == (
        matcher.mode, matcher.match("(()())"), matcher.match("(()"))


def test_arbitrary_parse_action_falls_back_and_is_applied() -> None:
    """An unknown parse action runs on pyparsing; an action that raises means no match."""
    upper = pp.Word(pp.alphas).add_parse_action(lambda t: t[0].upper())("w")
    boom = pp.Word(pp.alphas).add_parse_action(lambda t: 1 / 0)("w")
    assert ({"w": "ABC"}, None) == (compile_grammar("u", upper).match("abc"),
                                    compile_grammar("b", boom).match("abc"))


def test_names_inside_repetition_fall_back() -> None:
    """A regex keeps only the last repeat of a group, so those grammars use pyparsing."""
    grammar = pp.OneOrMore(pp.Group(pp.Word(pp.alphas)("k") + "=" + pp.Word(pp.nums)("v")))
    assert "pyparsing" == compile_grammar("g", grammar).mode


def test_compiled_and_pyparsing_agree_on_unambiguous_grammars() -> None:
    """For a grammar without ambiguity the regex and pyparsing return the same fields."""
    grammar = (block("IPV4")("ip") + block("HTTPMETHOD")("verb") + block("URIPATH")("path")
               + block("POSINT")("status"))
    text = "10.1.2.3 GET /api/v1/users 200"
    compiled = compile_grammar("g", grammar)
    assert (isinstance(compiled, RegexMatcher),
            dict(grammar.parse_string(text, parse_all=True).as_dict())) == (
        True, compiled.match(text))


def test_invalid_compiled_pattern_is_a_grammar_error_naming_the_grammar() -> None:
    """A regex that cannot compile stops startup with the grammar's name and the position."""
    with pytest.raises(GrammarError, match=r"grammar 'broken': missing \), .* at position 0"):
        RegexMatcher("broken", "(abc", [])


def test_undefined_forward_is_a_grammar_error_naming_the_grammar() -> None:
    """A Forward never given an expression cannot parse anything: startup fails."""
    with pytest.raises(GrammarError, match=r"grammar 'half': Forward .* is never defined"):
        compile_grammar("half", pp.Literal("a") + pp.Forward())


def test_pyparsing_fallback_keeps_tabs_as_the_log_wrote_them() -> None:
    """pyparsing expands tabs to spaces unless told not to; the fallback matcher keeps them,
    as the regex path does."""
    grammar = pp.Literal("k=") + pp.QuotedString('"')("text")
    fallback = PyparsingMatcher("quoted", grammar, "test")
    assert {"text": "a\tb"} == fallback.match('k="a\tb"')
