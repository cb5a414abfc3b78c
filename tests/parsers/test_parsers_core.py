"""Parsers.parse: JSON, bracketed and plain lines, user grammars, tags, repairs of bad input."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from parsers import (
    BLANK,
    GrammarSpec,
    MultilineConfig,
    ParseCounts,
    ParseResult,
    Parsers,
    ParsersConfig,
)
from pipeline.errors import ConfigError, GrammarError

APP_JSON = (b'{"level":"info","message":"Business Event","timestamp":"2025-09-12T10:00:00.000Z",'
            b'"service":"auth-service","environment":"production","version":"1.0.0",'
            b'"type":"business_event","event":"user_signup","data":{"userId":"u1"}}\n')
T0 = datetime(2025, 9, 12, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def parsers() -> Parsers:
    """Default configuration (UTC, 1 MiB lines, no user grammars)."""
    return Parsers()


def test_application_json_line_keeps_its_object_and_time(parsers: Parsers) -> None:
    """The app's JSON object comes back as-is; its timestamp becomes the event time."""
    expected = ParseResult(APP_JSON.decode().rstrip("\n"), orjson.loads(APP_JSON), T0, [], "json")
    assert expected == parsers.parse(APP_JSON)


def test_at_timestamp_wins_over_timestamp(parsers: Parsers) -> None:
    """@timestamp is preferred, as Logstash's json filter does."""
    result = parsers.parse('{"@timestamp":"2025-09-12T10:00:00Z","timestamp":"1999-01-01T00:00Z"}')
    assert T0 == result.timestamp


def test_json_without_a_stamp_has_no_time_and_no_tag(parsers: Parsers) -> None:
    """No stamp is not a failure: the caller uses the time received."""
    assert (None, []) == (parsers.parse('{"a":1}').timestamp, parsers.parse('{"a":1}').tags)


@pytest.mark.parametrize("stamp", ['"2025-02-30T10:00:00Z"', '"soon"', "1757671200", "null"])
def test_json_stamp_that_is_no_time_is_tagged(parsers: Parsers, stamp: str) -> None:
    """A stamp that is not an ISO 8601 time tags _dateparsefailure and keeps the object."""
    result = parsers.parse('{"timestamp":%s,"a":1}' % stamp)  # noqa: UP031 - JSON braces
    expected_tags = [] if stamp == "null" else ["_dateparsefailure"]
    assert (None, expected_tags, 1) == (result.timestamp, result.tags, result.fields["a"])


@pytest.mark.parametrize("line", ['{"level":"info","message":"Busi', "{not json}", "{}{}",
                                  '{"a":1} trailing'])
def test_broken_json_is_tagged_and_kept(parsers: Parsers, line: str) -> None:
    """JSON that does not parse: _jsonparsefailure, no fields, the line kept in message."""
    assert ParseResult(line, {}, None, ["_jsonparsefailure"], "json") == parsers.parse(line)


def test_deeply_nested_json_is_a_parse_failure_not_a_crash(parsers: Parsers) -> None:
    """Nesting beyond orjson's limit is tagged like any other bad JSON."""
    line = '{"a":' + "[" * 5000 + "]" * 5000 + "}"
    result = parsers.parse(line)
    assert (["_jsonparsefailure"], "json") == (result.tags, result.grammar)


@pytest.mark.parametrize(("line", "fields"), [
    ("[2025-09-12T10:00:00.000Z] ERROR payment declined",
     {"level": "ERROR", "log_message": "payment declined"}),
    ("[2025-09-12T10:00:00.000Z] [WARN] cache miss",
     {"level": "WARN", "log_message": "cache miss"}),
    ("[2025-09-12T10:00:00.000Z] INFO [payments.gateway] captured",
     {"level": "INFO", "logger": "payments.gateway", "log_message": "captured"}),
    ("[2025-09-12T10:00:00.000Z] INFO request done service=auth-service duration_ms=12 user=u_1",
     {"level": "INFO", "log_message": "request done", "service": "auth-service",
      "duration_ms": "12", "user": "u_1"}),
    ('[2025-09-12T10:00:00.000Z] INFO a=1 msg="two words"', {"level": "INFO", "a": "1",
                                                             "msg": "two words"}),
    ("[2025-09-12T10:00:00.000Z] DEBUG", {"level": "DEBUG"}),
])
def test_bracketed_variants(parsers: Parsers, line: str, fields: dict[str, str]) -> None:
    """Each bracketed variant gives its fields and the stamp as event time."""
    expected = ParseResult(line, {"timestamp": "2025-09-12T10:00:00.000Z", **fields}, T0, [],
                           "bracketed")
    assert expected == parsers.parse(line)


@pytest.mark.parametrize("stamp", [
    "2025-09-12T10:00:00Z", "2025-09-12 10:00:00.000Z", "2025-09-12T12:00:00,000+02:00",
    "2025-09-12T05:00:00-0500", "2025-09-12T15:30:00.000000+05:30", "2025-09-12 10:00:00",
])
def test_bracketed_timestamp_variants_give_the_same_instant(parsers: Parsers, stamp: str) -> None:
    """T/space, ./, fractions, Z or offsets (with or without colon), naive (= UTC)."""
    assert T0 == parsers.parse(f"[{stamp}] INFO x").timestamp


def test_impossible_bracketed_stamp_is_a_date_failure(parsers: Parsers) -> None:
    """Feb 30 matches the grammar but is no time: fields kept, _dateparsefailure, time None."""
    result = parsers.parse("[2025-02-30T10:00:00Z] INFO x")
    assert ("bracketed", None, ["_dateparsefailure"], "x") == (
        result.grammar, result.timestamp, result.tags, result.fields["log_message"])


@pytest.mark.parametrize("line", ["[2025-13-45T99:61:00Z] INFO x", "[not a stamp] INFO x",
                                  "[2025-09-12T10:00:00Z]", "[2025-09-12T10:00:00Z] :( x"])
def test_bracketed_lines_that_do_not_match_are_grok_failures(parsers: Parsers, line: str) -> None:
    """A '[' line the grammar rejects: _grokparsefailure, nothing extracted, line kept."""
    assert ParseResult(line, {}, None, ["_grokparsefailure"], "bracketed") == parsers.parse(line)


def test_multiline_event_keeps_the_trace_in_the_message(parsers: Parsers) -> None:
    """A joined stack trace stays in log_message (the message matches newlines)."""
    line = "[2025-09-12T10:00:00Z] ERROR boom\n    at a.b(C.java:1)\n    at d.e(F.java:2)"
    assert "boom\n    at a.b(C.java:1)\n    at d.e(F.java:2)" == parsers.parse(line).fields[
        "log_message"]


@pytest.mark.parametrize(("line", "tags"), [
    ("[1, 2, 3]", ["_grokparsefailure", "_jsonnotobject"]),
    ("42", ["_jsonnotobject"]),
    ('"just a string"', ["_jsonnotobject"]),
    ("true", ["_jsonnotobject"]),
])
def test_json_arrays_and_scalars_are_tagged_not_objects(
        parsers: Parsers, line: str, tags: list[str]) -> None:
    """JSON that is not an object is kept as text and tagged _jsonnotobject."""
    assert (tags, {}) == (parsers.parse(line).tags, parsers.parse(line).fields)


def test_plain_text_is_kept_without_tags(parsers: Parsers) -> None:
    """A line no grammar claims is a plain event."""
    assert ParseResult("server started", {}, None, [], "plain") == parsers.parse("server started")


@pytest.mark.parametrize("line", ["", "   ", "\t\r\n", b"\n", b"  \r\n", "\x00\x00", "\u3000"])
def test_blank_lines_are_reported_as_blank(parsers: Parsers, line: str | bytes) -> None:
    """Empty / whitespace-only (or NUL-only) lines get grammar 'blank' and is_blank agrees."""
    assert BLANK == parsers.parse(line).grammar


def test_is_blank() -> None:
    """is_blank is the cheap pre-check callers can use to skip and count."""
    assert (True, True, False) == (Parsers.is_blank(b" \n"), Parsers.is_blank(""),
                                   Parsers.is_blank(" x "))


def test_invalid_utf8_is_replaced_and_tagged(parsers: Parsers) -> None:
    """Invalid bytes become U+FFFD, the line is still parsed, _invalid_utf8 is added."""
    result = parsers.parse(b"[2025-09-12T10:00:00Z] INFO caf\xe9 \xff")
    assert ("caf\ufffd \ufffd", ["_invalid_utf8"], T0) == (
        result.fields["log_message"], result.tags, result.timestamp)


def test_lone_surrogates_in_str_input_are_replaced(parsers: Parsers) -> None:
    """str input that cannot be UTF-8 encoded is repaired the same way (orjson can dump it)."""
    result = parsers.parse("abc \udcff")
    assert ("_invalid_utf8", True) == (result.tags[0], "\udcff" not in result.message)


def test_nul_bytes_are_removed_and_tagged(parsers: Parsers) -> None:
    """NULs are stripped (files padded with NULs after a crash) and tagged."""
    result = parsers.parse(b'{"a":\x00"b"}')
    assert ({"a": "b"}, ["_nul_removed"]) == (result.fields, result.tags)


def test_long_lines_are_cut_at_max_line_bytes() -> None:
    """Lines over max_line_bytes are cut (never mid-character) and tagged _truncated."""
    small = Parsers(ParsersConfig(max_line_bytes=16))
    result = small.parse(("é" * 20).encode())
    assert ("é" * 8, ["_truncated"]) == (result.message, result.tags)


def test_truncated_json_is_a_json_failure_too() -> None:
    """A cut JSON line is kept as text with both tags."""
    small = Parsers(ParsersConfig(max_line_bytes=20))
    assert ["_truncated", "_jsonparsefailure"] == small.parse(APP_JSON).tags


def test_crlf_line_endings_are_ignored(parsers: Parsers) -> None:
    """A trailing CR LF is not part of the message."""
    assert "x=1" == parsers.parse(b"[2025-09-12T10:00:00Z] INFO note x=1\r\n").message[-3:]


def test_timezone_applies_to_naive_stamps() -> None:
    """The configured zone is used for stamps without an offset."""
    tokyo = Parsers(ParsersConfig(timezone="Asia/Tokyo"))
    assert T0 == tokyo.parse("[2025-09-12 19:00:00] INFO x").timestamp


def test_unknown_timezone_fails_at_startup() -> None:
    """A bad zone is a ConfigError naming the key."""
    with pytest.raises(ConfigError, match=r"parsers\.timezone"):
        Parsers(ParsersConfig(timezone="Nowhere/Land"))


def test_user_grammars_are_tried_first_and_report_their_name() -> None:
    """A matching user grammar wins over the built-ins; its stamp is the event time."""
    config = ParsersConfig(grammars=[GrammarSpec(
        name="nginx",
        pattern=r"%{IP:client} \[%{TIMESTAMP_ISO8601:timestamp}\] %{INT:status:int}")])
    result = Parsers(config).parse("10.0.0.1 [2025-09-12T10:00:00Z] 404")
    assert ParseResult("10.0.0.1 [2025-09-12T10:00:00Z] 404",
                       {"client": "10.0.0.1", "timestamp": "2025-09-12T10:00:00Z", "status": 404},
                       T0, [], "nginx") == result


def test_user_grammar_guards_and_fallthrough() -> None:
    """when_prefix / when_regex skip a grammar; a non-matching line falls to the built-ins."""
    config = ParsersConfig(grammars=[
        GrammarSpec(name="a", pattern=r"%{GREEDYDATA:all}", when_prefix="A:"),
        GrammarSpec(name="b", pattern=r"%{GREEDYDATA:all}", when_regex=r"\bB\b"),
    ])
    parsers = Parsers(config)
    assert ["a", "b", "plain"] == [parsers.parse(x).grammar for x in ("A: x", "x B y", "C")]


def test_bad_user_grammar_fails_at_startup_naming_it() -> None:
    """A grammar with an unknown pattern stops construction with its name and position."""
    config = ParsersConfig(grammars=[GrammarSpec(name="mine", pattern=r"x %{NOPE:y}")])
    with pytest.raises(GrammarError, match=r"grammar 'mine': unknown pattern %\{NOPE\} at "
                                           r"position 2"):
        Parsers(config)


def test_bad_when_regex_names_the_config_key() -> None:
    """An invalid when_regex names parsers.grammars[i].when_regex."""
    config = ParsersConfig(grammars=[GrammarSpec(name="g", pattern="x", when_regex="(")])
    with pytest.raises(GrammarError, match=r"parsers.grammars\[0\].when_regex \('g'\)"):
        Parsers(config)


def test_bad_multiline_pattern_fails_at_startup() -> None:
    """The multiline pattern is compiled by the constructor too."""
    with pytest.raises(GrammarError, match=r"multiline\.pattern"):
        Parsers(ParsersConfig(multiline=MultilineConfig(pattern="[")))


def test_new_joiner_follows_the_config() -> None:
    """Joining on by default (a fresh joiner per call); switched off -> no joiner."""
    off = Parsers(ParsersConfig(multiline=MultilineConfig(enabled=False)))
    on = Parsers()
    joiner = on.new_joiner()
    assert (None, True, False) == (off.new_joiner(), joiner is not None,
                                   joiner is on.new_joiner())


def test_counts_reconcile_lines_blank_grammars_and_tags(parsers: Parsers) -> None:
    """ParseCounts adds up to the lines given: events + blank, per grammar and per tag."""
    counts = ParseCounts()
    lines: list[str | bytes] = [APP_JSON, "", "[x] y", "[2025-09-12T10:00:00Z] INFO ok", "{bad",
                                "plain"]
    for line in lines:
        counts.add(parsers.parse(line))
    assert {"lines": 6, "blank": 1, "events": 5,
            "grammars": {"bracketed": 2, "json": 2, "plain": 1},
            "tags": {"_grokparsefailure": 1, "_jsonparsefailure": 1}} == counts.as_dict()


def test_grammar_names_lists_user_then_builtins() -> None:
    """grammar_names is the order grammars are tried (for per-grammar counters)."""
    config = ParsersConfig(grammars=[GrammarSpec(name="mine", pattern="x")])
    assert ["mine", "json", "bracketed", "plain"] == Parsers(config).grammar_names


def test_user_grammar_may_not_take_a_builtin_name() -> None:
    """Per-grammar counts must stay unambiguous: 'json' etc. are reserved."""
    config = ParsersConfig(grammars=[GrammarSpec(name="json", pattern="x")])
    with pytest.raises(GrammarError, match=r"parsers.grammars\[0\].name: 'json' is a built-in"):
        Parsers(config)


def test_byte_order_mark_is_dropped(parsers: Parsers) -> None:
    """A UTF-8 BOM opening a file does not hide the JSON object behind it."""
    result = parsers.parse(b'\xef\xbb\xbf{"a":1}')
    assert ('{"a":1}', {"a": 1}, "json") == (result.message, result.fields, result.grammar)


@pytest.mark.parametrize("line", [APP_JSON.decode().rstrip("\n"), "[2025-09-12T10:00:00Z] INFO a=1",
                                  "{broken", "[x] no stamp", "plain", ""])
def test_fields_are_a_fresh_dict_the_caller_owns(parsers: Parsers, line: str) -> None:
    """Each parse returns its own fields dict (callers mutate it without copying), even for
    the same line and for results without fields."""
    first, second = parsers.parse(line), parsers.parse(line)
    first.fields["changed"] = True
    third = parsers.parse(line)
    assert (True, False, False) == ("changed" in first.fields, "changed" in second.fields,
                                    "changed" in third.fields)


@pytest.mark.parametrize("clean", [
    '{"msg":"caf\\u00e9","@timestamp":"2025-09-12T10:00:00.000Z"}',
    '{"msg":"x","timestamp":"2025-09-12T12:00:00+02:00"}',
    '{"msg":"x","timestamp":"soon"}',
    "[2025-09-12T10:00:00.000Z] INFO caf\u00e9",
    "[2025-09-12 10:00:00,5] WARN x",
    "[2025-02-30T10:00:00Z] INFO x",
])
def test_a_repaired_line_parses_as_its_clean_form(parsers: Parsers, clean: str) -> None:
    """A line that takes the repair path (a CRLF ending, non-ASCII bytes) gives the fields,
    time, tags, grammar and indexed stamp its clean ASCII-or-not form gives: the JSON and
    bracketed grammars are one code for both paths."""
    def seen(result: ParseResult) -> tuple[object, ...]:
        return (result.fields, result.timestamp, result.tags, result.grammar, result.utc_stamp())

    expected = seen(parsers.parse(clean))
    actual = seen(parsers.parse(clean.encode() + b"\r\n"))
    assert expected == actual
