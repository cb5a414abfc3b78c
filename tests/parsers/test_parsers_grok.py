"""User grok patterns compile to the same kind of regex; bad ones fail naming what and where."""

from __future__ import annotations

import pytest

from parsers import compile_grok
from pipeline.errors import GrammarError

LOGSTASH_LINE = r"\[%{TIMESTAMP_ISO8601:timestamp}\] %{WORD:level} %{GREEDYDATA:log_message}"


def test_logstash_filter_line_extracts_its_three_fields() -> None:
    """The grok line of the Logstash filter we replace, verbatim."""
    expected = {"timestamp": "2025-09-12T10:00:00.123Z", "level": "ERROR",
                "log_message": "payment declined"}
    actual = compile_grok("app", LOGSTASH_LINE).match(
        "[2025-09-12T10:00:00.123Z] ERROR payment declined")
    assert expected == actual


def test_typed_fields_and_unnamed_references() -> None:
    """%{NAME:field:int|float} converts; %{NAME} matches without capturing."""
    matcher = compile_grok("http", r"%{IP:client} %{HTTPMETHOD} %{URIPATH:path} "
                                   r"%{INT:status:int} %{NUMBER:took:float}")
    assert {"client": "10.0.0.1", "path": "/x", "status": 404, "took": 0.25} == matcher.match(
        "10.0.0.1 GET /x 404 0.25")


def test_user_definitions_may_refer_to_each_other_and_to_blocks() -> None:
    """pattern_definitions extend the blocks; a definition's own captures are kept."""
    definitions = {"SERVICE": r"[a-z]+(?:-[a-z]+)*", "TAGGED": r"%{SERVICE:service}@%{INT:v:int}"}
    matcher = compile_grok("svc", r"%{TAGGED} up", definitions)
    assert {"service": "auth-service", "v": 3} == matcher.match("auth-service@3 up")


def test_oniguruma_named_groups_capture() -> None:
    """(?<field>...) in the literal regex text captures like in Logstash."""
    matcher = compile_grok("onig", r"user=(?<user>\w+) %{GREEDYDATA:rest}")
    assert {"user": "ana", "rest": "logged in"} == matcher.match("user=ana logged in")


def test_kv_reference_merges_pairs() -> None:
    """%{KV} merges its pairs; a key the pattern already captured becomes kv_<key>."""
    matcher = compile_grok("kv", r"%{WORD:level} %{KV}")
    assert {"level": "INFO", "kv_level": "x", "a": "1"} == matcher.match("INFO level=x a=1")


def test_same_field_in_alternatives_takes_the_one_that_matched() -> None:
    """Two alternatives naming the same field give that field from whichever matched."""
    matcher = compile_grok("alt", r"(?:\[%{WORD:level}\]|%{WORD:level}) %{GREEDYDATA:msg}")
    assert ({"level": "A", "msg": "x"}, {"level": "B", "msg": "y"}) == (
        matcher.match("[A] x"), matcher.match("B y"))


@pytest.mark.parametrize(("pattern", "message"), [
    (r"%{NOPE:x}", r"grammar 'bad': unknown pattern %\{NOPE\} at position 0 of its pattern"),
    (r"ab %{WORD:x:bool}", r"unknown type 'bool' at position 3 of its pattern"),
    (r"ab %{WORD:x", r"malformed reference at position 3 of its pattern"),
    (r"(%{WORD:x}", r"missing \), unterminated subpattern"),
])
def test_bad_patterns_name_the_grammar_and_position(pattern: str, message: str) -> None:
    """Unknown names/types, malformed references and bad regex text fail at compile time."""
    with pytest.raises(GrammarError, match=message):
        compile_grok("bad", pattern)


def test_self_referencing_definitions_fail_instead_of_looping() -> None:
    """A definition that refers to itself is reported, not expanded forever."""
    with pytest.raises(GrammarError, match=r"nest deeper than 32 .* in definition 'LOOP'"):
        compile_grok("loop", r"%{LOOP}", {"LOOP": r"a%{LOOP}"})


def test_error_in_a_definition_names_the_definition() -> None:
    """A bad reference inside a definition names that definition."""
    with pytest.raises(GrammarError, match=r"unknown pattern %\{MISSING\} at position 1 of "
                                           r"definition 'OUTER'"):
        compile_grok("g", r"%{OUTER}", {"OUTER": r"x%{MISSING}"})
