"""Property tests: no input makes the parsers raise or hang, and results are always indexable."""

from __future__ import annotations

import re
from datetime import UTC

import orjson
import pyparsing as pp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers import (
    BRACKETED,
    GrammarSpec,
    MultilineConfig,
    MultilineJoiner,
    ParseResult,
    Parsers,
    ParsersConfig,
    TimestampParser,
    TrailingPairs,
    compile_grammar,
)
from parsers._builtin import bracketed_matcher
from parsers._grok import _block_regex

KNOWN_TAGS = {"_jsonparsefailure", "_grokparsefailure", "_dateparsefailure", "_jsonnotobject",
              "_truncated", "_invalid_utf8", "_nul_removed"}
KNOWN_GRAMMARS = {"json", "bracketed", "plain", "blank", "kv_user"}
PROPS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PARSERS = Parsers(ParsersConfig(max_line_bytes=256, grammars=[GrammarSpec(
    name="kv_user", pattern=r"%{WORD:k}: %{DATA:d} %{KV}", when_prefix="U")]))

stamps = st.from_regex(
    r"\A\d{2,4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:?\d{2}(:?\d{1,2}([.,:]\d{1,9})?)?"
    r"(Z|[+-]\d{1,2}:?\d{2})?\Z")
STAMP_SHAPE = re.compile(_block_regex("TIMESTAMP_ISO8601"))
words = st.text(st.sampled_from("ab =\"'[]{}:,.-_\t\\é\x00"), max_size=40)
bracketed_lines = st.builds(lambda s, lvl, rest: f"[{s}] {lvl} {rest}", stamps,
                            st.sampled_from(["INFO", "[WARN]", "ERROR [x.y]", "é", ""]), words)
json_like = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False)
    | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5),
                                                                        children, max_size=3),
    max_leaves=10,
).map(lambda v: orjson.dumps(v).decode())


def check(result: ParseResult) -> None:
    """The invariants every result keeps: indexable, tagged with known tags, UTC or no time."""
    assert isinstance(result.message, str)
    assert isinstance(result.fields, dict)
    assert set(result.tags) <= KNOWN_TAGS
    assert result.grammar in KNOWN_GRAMMARS
    assert result.timestamp is None or result.timestamp.tzinfo is UTC
    orjson.dumps({"message": result.message, "@timestamp": result.timestamp, **{
        k: v for k, v in result.fields.items() if isinstance(k, str)}})
    assert "\x00" not in result.message
    assert len(result.message.encode("utf-8")) <= 256


@pytest.mark.timeout(300)
@PROPS
@given(st.binary(max_size=600))
def test_no_bytes_make_parse_raise(raw: bytes) -> None:
    """Arbitrary bytes (invalid UTF-8, NULs, over the cap) parse to a valid result."""
    check(PARSERS.parse(raw))


@pytest.mark.timeout(300)
@PROPS
@given(st.text(max_size=400))
def test_no_text_makes_parse_raise(text: str) -> None:
    """Arbitrary str input, lone surrogates included, parses to a valid result."""
    check(PARSERS.parse(text))


@pytest.mark.timeout(300)
@PROPS
@given(st.one_of(bracketed_lines, json_like, st.builds("{}{}".format, st.sampled_from(
    ["{", "[", "U", "U k: x a=", '{"timestamp":'], ), words)))
def test_structured_looking_lines_never_raise(line: str) -> None:
    """Lines close to the grammars (stamps of every shape, JSON of any shape) never raise."""
    check(PARSERS.parse(line))


@pytest.mark.timeout(300)
@PROPS
@given(stamps)
def test_stamps_parse_or_are_tagged_as_logstash_does(stamp: str) -> None:
    """A stamp of TIMESTAMP_ISO8601's shape gives a UTC time or exactly _dateparsefailure;
    any other digits-and-dashes stamp makes the line a _grokparsefailure."""
    result = PARSERS.parse(f"[{stamp}] INFO x")
    if STAMP_SHAPE.fullmatch(stamp) is None:
        assert ["_grokparsefailure"] == result.tags
    else:
        assert True is ((result.timestamp is not None and result.tags == [])
                        or (result.timestamp is None and result.tags == ["_dateparsefailure"]))


def reference_split(text: str) -> tuple[str | None, dict[str, str]]:
    """Trailing pairs found forwards, token by token (quote-free text only): the spec."""
    tokens = text.split(" ")
    index = len(tokens)
    pair = re.compile(r"[A-Za-z_@][\w.@\[\]-]*=(?:[^\s\"'][^\s]*|)")
    while index > 0 and (tokens[index - 1] == "" or pair.fullmatch(tokens[index - 1])):
        index -= 1
    if all(t == "" for t in tokens[index:]):
        return text, {}
    message = " ".join(tokens[:index]).rstrip(" ") or None
    pairs: dict[str, str] = {}
    for token in tokens[index:]:
        if token:
            key, _, value = token.partition("=")
            pairs.setdefault(key, value)
    return message, pairs


@pytest.mark.timeout(300)
@PROPS
@given(st.text(st.sampled_from("ab_= .-@9"), max_size=40))
def test_trailing_pairs_agree_with_a_token_by_token_reference(text: str) -> None:
    """The reversed-regex split finds the same message and pairs as a forward token scan."""
    assert reference_split(text) == TrailingPairs().split_pairs(text)


@pytest.mark.timeout(300)
@PROPS
@given(st.lists(st.text(st.sampled_from("ab \t[at{"), max_size=8), max_size=30),
       st.booleans(), st.sampled_from(["after", "before"]), st.integers(1, 5))
def test_multiline_never_loses_or_reorders_lines(
        lines: list[str], negate: bool, match: str, max_lines: int) -> None:
    """Whatever the settings, the joined events contain every line once, in order."""
    joiner: MultilineJoiner[int] = MultilineJoiner(MultilineConfig(
        pattern=r"^[ \t]", negate=negate, match=match, max_lines=max_lines))  # type: ignore[arg-type]
    events = [e for i, line in enumerate(lines) for e in joiner.feed(line, i)] + joiner.flush()
    rejoined = [line for text, _ in events for line in text.split("\n")]
    assert (lines, sorted(t for _, t in events)) == (rejoined, [t for _, t in events])


@pytest.mark.timeout(120)
@pytest.mark.parametrize("line", [
    "[2025-09-12T10:00:00Z] INFO " + "a=b " * 250_000 + "x y",
    "[2025-09-12T10:00:00Z] INFO m " + "a=b " * 250_000,
    "[2025-09-12T10:00:00Z] INFO a=" + " " * 1_000_000 + "x",
    "[2025-09-12T10:00:00Z] INFO " + '"' * 1_000_000 + "=",
    "[2025-09-12T10:00:00Z]" + " " * 1_000_000 + "INFO",
    "[2025-09-12T10:00:00Z] INFO " + "[" * 1_000_000,
    "{" * 1_000_000,
    "[" + "2025-09-12T10:00:00" * 50_000,
])
def test_adversarial_megabyte_lines_finish(line: str) -> None:
    """1 MiB lines shaped to make a backtracking regex blow up still parse (linear time)."""
    result = Parsers().parse(line.encode())
    assert (True, "_truncated" in result.tags) == (isinstance(result.fields, dict),
                                                  len(line) > 1024 * 1024)


UNAMBIGUOUS = (pp.Word(pp.alphas)("key") + pp.Literal("=")
               + (pp.Word(pp.nums)("number") | pp.Regex(r'"[^"]*"')("text"))
               + pp.Opt(pp.Literal(";") + pp.Word(pp.alphas, exact=2)("unit")))
REFERENCE = UNAMBIGUOUS.copy().parse_with_tabs()
"""pyparsing as the reference, without its default of expanding tabs to spaces in the input:
a log's tabs are data (the compiled matchers keep them)."""


@pytest.mark.timeout(300)
@PROPS
@given(st.text(st.sampled_from('ab=9"; \t'), max_size=16))
def test_compiled_grammar_agrees_with_pyparsing(text: str) -> None:
    """On an unambiguous grammar the compiled regex accepts exactly what pyparsing accepts,
    with the same fields (whitespace skipping included)."""
    try:
        expected: dict[str, object] | None = dict(
            REFERENCE.parse_string(text, parse_all=True).as_dict())
    except pp.ParseException:
        expected = None
    assert ("regex", expected) == (COMPILED.mode, COMPILED.match(text))


COMPILED = compile_grammar("unambiguous", UNAMBIGUOUS)
near_common_stamps = st.from_regex(
    r"\A[0-9]{4}-[0-3][0-9]-[0-3][0-9][T ][0-2][0-9]:[0-6][0-9](:[0-6][0-9]([.,:][0-9]{0,4})?)?"
    r"(Z|[+-][0-2][0-9]:?[0-6][0-9])?[\] ]?\Z")
"""ASCII stamps around the edges of the common shape (hour 24, minute 60, ``:`` fraction...)."""
GENERAL_BRACKETED = compile_grammar("bracketed", BRACKETED, honor_whitespace=False)
"""The bracketed grammar as compiled, without the common-stamp branch tried first."""


@pytest.mark.timeout(300)
@PROPS
@given(st.one_of(bracketed_lines, st.builds("[{}]{}".format, stamps, words),
                 st.builds("[{}] INFO {}".format, near_common_stamps, words),
                 st.builds("[{}{}".format, near_common_stamps, words)))
def test_common_stamp_branch_changes_no_match(line: str) -> None:
    """The bracketed matcher (common stamps tried first) matches and captures exactly what the
    grammar compiled without that branch does."""
    assert GENERAL_BRACKETED.match(line) == bracketed_matcher().match(line)


def _canonical_shaped(month: int, day: int, hour: int, minute: int) -> st.SearchStrategy[str]:
    """``YYYY-MM-DDTHH:MM:SS.fff`` + ``Z``/``+00:00``; bounds 0 / 23 / 59 keep to the grammar."""
    return st.builds(
        "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}{}".format,
        st.integers(1, 9999), st.integers(month, 13 if month == 0 else 12),
        st.integers(day, 32 if day == 0 else 31),
        st.integers(0, hour), st.integers(0, minute), st.integers(0, minute + 1),
        st.integers(0, 999),
        st.sampled_from(["Z", "+00:00"]))


@pytest.mark.timeout(300)
@PROPS
@given(st.one_of(
    st.tuples(_canonical_shaped(0, 0, 25, 61), st.just("json")),
    st.tuples(_canonical_shaped(1, 1, 23, 59), st.just("bracketed"))))  # the grammar's shape
def test_carried_utc_stamps_mean_what_a_datetime_would(case: tuple[str, str]) -> None:
    """A ``...fffZ``/``+00:00`` stamp carried as text gives the same datetime, tags and
    ``@timestamp`` text as the datetime path (``TimestampParser``): Feb 30 still fails."""
    stamp, grammar = case
    line = (orjson.dumps({"timestamp": stamp}).decode() if grammar == "json"
            else f"[{stamp}] INFO m")
    result = Parsers().parse(line)
    expected = TimestampParser().parse(stamp)
    expected_text = (None if expected is None
                     else expected.isoformat(timespec="milliseconds")[:-6] + "Z")
    assert (expected, expected_text) == (result.timestamp, result.utc_stamp())
    assert ([] if expected is not None else ["_dateparsefailure"]) == result.tags
