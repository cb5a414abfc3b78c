"""``apply_field_rules``: Logstash mutate/drop under Logstash conditions, in mutate's order."""

from __future__ import annotations

from typing import Any

import pytest

from parsers import ParsersConfig
from pipeline.errors import ConfigError, DropEvent, GrammarError
from pipeline.runtime import METADATA
from pipeline.steps._route import SetTimestamp
from pipeline.steps._rules import ApplyFieldRules, FieldRule


def _event(log: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"message": "m", METADATA: {"log_fields": log}, **top}


def _run(rules: list[dict[str, Any]], event: dict[str, Any]) -> dict[str, Any]:
    return ApplyFieldRules([FieldRule.model_validate(r) for r in rules])(event)


@pytest.mark.parametrize(("when", "log", "expected"), [
    ('[level] == "debug"', {"level": "debug"}, True),
    ('[level] == "debug"', {"level": "info"}, False),
    ("[n] >= 500 and [n] < 600", {"n": 503}, True),
    ("[n] >= 500", {"n": "503"}, False),  # a string is not compared with a number
    ("[a] or [b]", {"b": ""}, True),  # an empty string is true, as in Ruby
    ("![a]", {"a": False}, True),
    ('"x" in [tags]', {}, True),
    ('"y" not in [tags]', {}, True),
    ('[level] in ["warn", "error"]', {"level": "error"}, True),
    ('[msg] =~ /^GET /', {"msg": "GET /a"}, True),
    ('[msg] !~ "health"', {"msg": "/healthz"}, False),
    ("[a] xor [b]", {"a": 1, "b": 1}, False),
    ("[a] nand [b]", {"a": 1}, True),
    ("[http][status] == 200", {"http": {"status": 200}}, True),
    ("[fields][service] == \"api\"", {}, True),  # Filebeat's fields live on the event
])
def test_conditions_mean_what_logstash_means(when: str, log: dict[str, Any],
                                             expected: bool) -> None:
    """A rule with ``when`` applies exactly when Logstash's condition would hold."""
    event = _event(log, tags=["x"], fields={"service": "api"})
    out = _run([{"when": when, "add_tag": ["hit"]}], event)
    assert expected == ("hit" in out["tags"])


def test_drop_raises_drop_event() -> None:
    """drop = true drops the event, counted under field_rule."""
    with pytest.raises(DropEvent, match="field_rule"):
        _run([{"when": '[level] == "debug"', "drop": True}], _event({"level": "debug"}))


def test_operations_in_mutate_order() -> None:
    """rename, replace, convert, gsub, case, strip, then add_field/tag, remove_field/tag."""
    event = _event({"lvl": " WARN ", "bytes": "12.7", "path": "/a?b", "junk": 1,
                    "env": "x"}, tags=["old", "keep"])
    out = _run([{
        "rename": {"lvl": "level"}, "replace": {"kind": "%{[env]}-k"},
        "convert": {"bytes": "integer"}, "gsub": [["path", "[?]", "_"]],
        "lowercase": ["level"], "strip": ["level"],
        "add_field": {"[host][role]": "web %{env}", "env": "y"}, "add_tag": ["new"],
        "remove_field": ["junk"], "remove_tag": ["old"],
    }], event)
    assert {"level": "warn", "bytes": 12, "path": "/a_b", "env": ["x", "y"], "kind": "x-k",
            "host": {"role": "web x"}} == out[METADATA]["log_fields"]
    assert ["keep", "new"] == out["tags"]


def test_unknown_reference_stays_as_written() -> None:
    """%{missing} is left in the text, as Logstash's sprintf does."""
    out = _run([{"add_field": {"a": "%{nope}"}}], _event({}))
    assert "%{nope}" == out[METADATA]["log_fields"]["a"]


@pytest.mark.parametrize(("kind", "value", "expected"), [
    ("integer", "7", 7), ("integer", "x", "x"), ("float", "1.5", 1.5),
    ("boolean", "yes", True), ("boolean", "F", False), ("string", 5, "5"),
])
def test_convert(kind: str, value: Any, expected: Any) -> None:
    """mutate's conversions; what does not convert is kept."""
    out = _run([{"convert": {"v": kind}}], _event({"v": value}))
    assert expected == out[METADATA]["log_fields"]["v"]


def test_bad_condition_fails_at_config_load() -> None:
    """A syntax error in ``when`` is a config error naming its column."""
    with pytest.raises(ValueError, match="column 11"):
        FieldRule.model_validate({"when": "[level] ==", "drop": True})


def test_bad_condition_names_the_rule_in_the_step() -> None:
    """Built from unchecked rules (model_construct), the step names the rule."""
    rule = FieldRule.model_construct(when="[a] == ", drop=True)
    with pytest.raises(ConfigError, match=r"enrich.field_rules\[0\].when"):
        ApplyFieldRules([rule])


def test_kv_splits_pairs_before_the_other_operations() -> None:
    """Logstash's kv: quoted values keep spaces, repeated keys collect, prefix, include."""
    out = _run([{"kv": {"prefix": "q_", "exclude_keys": ["skip"]}, "convert": {"q_n": "integer"}}],
               _event({}, message='n=7 who="a b" n=8 skip=1'))
    assert {"q_n": [7, 8], "q_who": "a b"} == out[METADATA]["log_fields"]


def test_kv_into_a_target_object() -> None:
    """With target the pairs go into that object; field_split/value_split are characters."""
    out = _run([{"kv": {"source": "qs", "target": "[query]", "field_split": "&",
                        "value_split": ":"}}], _event({"qs": "x:1&y:2"}))
    assert {"x": "1", "y": "2"} == out[METADATA]["log_fields"]["query"]


def test_json_decodes_a_field_into_a_target_or_next_to_the_keys() -> None:
    """Logstash's json on a field: an object merges (or goes to target); bad JSON is tagged."""
    merged = _run([{"json_decode": {"source": "payload"}}],
                  _event({"payload": '{"a": 1, "b": [2]}'}))
    targeted = _run([{"json_decode": {"source": "payload", "target": "[doc]"}}],
                    _event({"payload": '{"a": 1}'}))
    bad = _run([{"json_decode": {"source": "payload"}}], _event({"payload": "{nope"}))
    assert ({"payload": '{"a": 1, "b": [2]}', "a": 1, "b": [2]}, {"a": 1},
            ["_jsonparsefailure"]) == (
        merged[METADATA]["log_fields"], targeted[METADATA]["log_fields"]["doc"], bad["tags"])


@pytest.mark.parametrize(("date", "log", "expected_stamp", "expected_tags"), [
    ({"field": "[apache][time]", "formats": ["dd/MMM/yyyy:HH:mm:ss Z"]},
     {"apache": {"time": "12/Sep/2025:10:00:00 +0200"}}, "2025-09-12T08:00:00.000Z", []),
    ({"field": "logdate", "formats": ["ISO8601", "UNIX_MS"], "timezone": "Europe/Paris"},
     {"logdate": "2025-09-12 10:00:00"}, "2025-09-12T08:00:00.000Z", []),  # summer: +02:00
    ({"field": "logdate", "formats": ["ISO8601", "UNIX_MS"]},
     {"logdate": 1757664000123}, "2025-09-12T08:00:00.123Z", []),  # a JSON number
    ({"field": "logdate", "formats": ["UNIX"]}, {"logdate": ["1757664000", "1"]},
     "2025-09-12T08:00:00.000Z", []),  # an array: its first value
    ({"field": "logdate", "formats": ["MMM dd yyyy HH:mm:ss"]}, {"logdate": "nope"},
     None, ["_dateparsefailure"]),
    ({"field": "logdate", "formats": ["ISO8601"], "tag_on_failure": ["_bad", "_date"]},
     {"logdate": "nope"}, None, ["_bad", "_date"]),
    ({"field": "logdate", "formats": ["ISO8601"]}, {}, None, []),  # no field: nothing at all
])
def test_date_sets_the_event_time(date: dict[str, Any], log: dict[str, Any],
                                  expected_stamp: str | None, expected_tags: list[str]) -> None:
    """date reads the field with the first format that takes it into the event's time (what
    set_timestamp makes @timestamp and the daily index of); text none reads is tagged."""
    event = _run([{"date": date}], _event(log))
    moment = event[METADATA].get("timestamp")
    stamp = None if moment is None else SetTimestamp()(event)["@timestamp"]
    assert (expected_stamp, expected_tags) == (stamp, event.get("tags", []))


def test_date_into_a_target_field_keeps_the_event_time() -> None:
    """target other than @timestamp: the field gets the ISO 8601 UTC text, the time stays."""
    event = _event({"start": "12/Sep/2025:10:00:00 +0200"})
    event[METADATA]["timestamp"] = "2025-01-01T00:00:00.000Z"
    out = _run([{"date": {"field": "start", "formats": ["dd/MMM/yyyy:HH:mm:ss Z"],
                          "target": "[event][start]"}}], event)
    assert ("2025-09-12T08:00:00.000Z", "2025-01-01T00:00:00.000Z") == (
        out[METADATA]["log_fields"]["event"]["start"], out[METADATA]["timestamp"])


def test_date_on_timestamp_supersedes_the_parsers_failure() -> None:
    """A JSON log's non-ISO ``timestamp`` fails the parser (tagged); the pipeline's own date
    on that field reads it and the parser's tag goes."""
    event = _event({"timestamp": "12/Sep/2025:10:00:00 +0200"}, tags=["_dateparsefailure"])
    out = _run([{"date": {"field": "timestamp", "formats": ["dd/MMM/yyyy:HH:mm:ss Z"]}}], event)
    assert [] == out["tags"]


@pytest.mark.parametrize(("date", "error"), [
    ({"field": "a", "formats": ["qqq"]}, "'qqq' is not supported"),
    ({"field": "a", "formats": ["ISO8601"], "timezone": "Mars/Olympus"}, "unknown time zone"),
    ({"field": "a", "formats": []}, "at least 1 item"),
])
def test_a_bad_date_fails_the_config_load(date: dict[str, Any], error: str) -> None:
    """A format or zone lumberyard cannot read stops it at startup, named."""
    with pytest.raises(ValueError, match=error):
        FieldRule.model_validate({"date": date})


def _grok_run(grok: dict[str, Any], event: dict[str, Any], parsers: Any = None
              ) -> dict[str, Any]:
    return ApplyFieldRules([FieldRule.model_validate({"grok": grok})], parsers)(event)


def test_grok_reads_what_an_earlier_filter_made() -> None:
    """A grok rule matches a field the line's grammar captured (request -> path, query);
    typed captures are typed, [a][b] targets nest."""
    out = _grok_run({"match": {"request": [
        "%{URIPATH:path}(?:%{URIPARAM:query})?(?: %{INT:[http][n]:int})?"]}},
        _event({"request": "/orders?id=42 7"}))
    assert {"request": "/orders?id=42 7", "path": "/orders", "query": "?id=42",
            "http": {"n": 7}} == out[METADATA]["log_fields"]
    assert [] == out.get("tags", [])


def test_grok_failure_tags_add_to_the_ones_there() -> None:
    """No pattern matched: tag_on_failure joins the tags an earlier grok left (once each)."""
    out = _grok_run({"match": {"message": ["%{INT:n}"]}, "tag_on_failure": ["_second", "_x"]},
                    _event({}, tags=["_grokparsefailure", "_x"]))
    assert ["_grokparsefailure", "_x", "_second"] == out["tags"]


@pytest.mark.parametrize(("break_on_match", "expected"), [
    (True, {"a": "GET"}),
    (False, {"a": "GET", "b": "x"}),  # every pattern tried, all captures kept
])
def test_break_on_match(break_on_match: bool, expected: dict[str, Any]) -> None:
    """break_on_match (default): the first pattern that matches ends the filter."""
    out = _grok_run({"match": {"message": ["%{WORD:a} (?s:.*)", "(?s:.*?) %{WORD:b}"]},
                     "break_on_match": break_on_match}, {"message": "GET x", METADATA: {
                         "log_fields": {}}})
    assert expected == out[METADATA]["log_fields"]


def test_a_capture_into_a_field_with_text_makes_a_list_unless_overwritten() -> None:
    """As grok does: an existing text field becomes [old, new]; overwrite replaces it."""
    event = _event({"verb": "POST", "code": "1"})
    event["message"] = "GET 2"
    out = _grok_run({"match": {"message": ["%{WORD:verb} %{INT:code}"]},
                     "overwrite": ["code"]}, event)
    assert {"verb": ["POST", "GET"], "code": "2"} == out[METADATA]["log_fields"]


def test_grok_uses_the_grammars_library_settings() -> None:
    """pattern_definitions (and patterns_dir, ecs_compatibility) of [parsers] apply; a
    pattern that does not compile stops the start, naming the rule."""
    parsers = ParsersConfig(pattern_definitions={"TICKET": "T-[0-9]+"})
    out = _grok_run({"match": {"message": ["%{TICKET:ticket}"]}},
                    {"message": "T-12", METADATA: {"log_fields": {}}}, parsers)
    assert {"ticket": "T-12"} == out[METADATA]["log_fields"]
    with pytest.raises(GrammarError, match=r"enrich.field_rules\[0\].grok.*NOPE"):
        _grok_run({"match": {"message": ["%{NOPE:x}"]}}, _event({}))


@pytest.mark.parametrize(("message", "expected_tags", "expected_log"), [
    ("GET /a", ["old", "verb_GET"], {"verb": "GET", "seen": "GET!"}),
    ("---", ["old", "gone", "_grokparsefailure"], {"junk": 1}),  # no match: none of them
])
def test_grok_add_and_remove_apply_on_a_match_only(
        message: str, expected_tags: list[str], expected_log: dict[str, Any]) -> None:
    """grok's add_field/add_tag/remove_field/remove_tag, as Logstash's common options:
    only when a pattern matched."""
    event = {"message": message, "tags": ["old", "gone"], METADATA: {"log_fields": {"junk": 1}}}
    out = _grok_run({"match": {"message": ["%{WORD:verb} (?s:.*)"]},
                     "add_field": {"seen": "%{verb}!"}, "add_tag": ["verb_%{verb}"],
                     "remove_field": ["junk"], "remove_tag": ["gone"]}, event)
    assert (expected_tags, expected_log) == (out["tags"], out[METADATA]["log_fields"])


@pytest.mark.parametrize(("stamp", "expected_tags", "expected_log"), [
    ("12/Sep/2025:10:00:00 +0200", ["dated"], {}),
    ("yesterday", ["_dateparsefailure"], {"ts": "yesterday"}),  # failed: none of them
])
def test_date_options_apply_when_it_read_the_time(
        stamp: str, expected_tags: list[str], expected_log: dict[str, Any]) -> None:
    """date's add_tag/remove_field, as Logstash's common options: on success only."""
    out = _run([{"date": {"field": "ts", "formats": ["dd/MMM/yyyy:HH:mm:ss Z"],
                          "remove_field": ["ts"], "add_tag": ["dated"]}}], _event({"ts": stamp}))
    assert (expected_tags, expected_log) == (out["tags"], out[METADATA]["log_fields"])
