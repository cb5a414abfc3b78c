"""Translation of Logstash pipelines into lumberyard config, and the report's notes."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import parse_config
from pipeline.migrate import migrate, read_config, translate
from pipeline.migrate._toml import dumps

CONFIGS = Path(__file__).parent / "configs"


def _toml(text: str) -> tuple[dict[str, Any], list[tuple[int, str, str]]]:
    """The translated config as TOML data (it must load as a lumberyard config) and the notes."""
    result = translate(read_config(text))
    data = tomllib.loads(dumps(result.config)) if result.config else {}
    parse_config(dumps(result.config) if result.config else "", "<translated>", environ={})
    return data, [(n.line, n.kind, n.text) for n in result.notes]


def _unsupported(notes: list[tuple[int, str, str]]) -> list[int]:
    return [line for line, kind, _ in notes if kind == "unsupported"]


@pytest.mark.parametrize("path", sorted(CONFIGS.glob("*.conf")), ids=lambda p: p.stem)
def test_every_sample_translates_to_a_loadable_config(path: Path) -> None:
    """Whatever a sample holds, the translation loads as a lumberyard config."""
    result = migrate(path)
    parse_config(result.toml, str(path), environ={})


def test_grok_becomes_grammars_in_order_with_their_options() -> None:
    """Several patterns -> several grammars (first match wins, like break_on_match)."""
    data, notes = _toml(
        'filter {\n if [message] =~ /^</ {\n grok {\n id => "sys"\n'
        ' match => { "message" => ["^%{SYSLOGLINE}$", "%{WORD:w} x"] }\n'
        ' pattern_definitions => { "X" => "y+" }\n patterns_dir => ["/p"]\n'
        ' tag_on_failure => ["_sysfail"]\n ecs_compatibility => "v1"\n } } }')
    expected = [
        {"name": "sys_1", "pattern": "^%{SYSLOGLINE}$", "tag_on_failure": ["_sysfail"],
         "when_regex": "^<"},
        {"name": "sys_2", "pattern": "(?s:.*?)%{WORD:w} x(?s:.*)",
         "tag_on_failure": ["_sysfail"], "when_regex": "^<"},
    ]
    assert expected == data["parsers"]["grammars"]
    assert ({"X": "y+"}, ["/p"], "v1") == (
        data["parsers"]["pattern_definitions"], data["parsers"]["patterns_dir"],
        data["parsers"]["ecs_compatibility"])
    assert [] == _unsupported(notes)


def test_date_sets_the_grammars_timestamp_field_and_formats() -> None:
    """date { match => [field, formats] } on a field the grammar captures tells the grammar
    where and how to read the time (no field rule)."""
    data, notes = _toml('filter { grok { match => { "message" => "%{HTTPDATE:ts} %{GREEDYDATA}" } }'
                        ' date { match => ["ts", "dd/MMM/yyyy:HH:mm:ss Z", "ISO8601"] } }')
    (grammar,) = data["parsers"]["grammars"]
    assert ("ts", ["dd/MMM/yyyy:HH:mm:ss Z", "ISO8601"]) == (
        grammar["timestamp_field"], grammar["timestamp_formats"])
    assert "enrich" not in data
    assert [] == _unsupported(notes)


@pytest.mark.parametrize(("date", "expected"), [
    # a field no grammar captures (JSON, kv, Beats fields), nested
    ('match => ["[apache][time]", "dd/MMM/yyyy:HH:mm:ss Z"] target => "@timestamp"',
     {"field": "[apache][time]", "formats": ["dd/MMM/yyyy:HH:mm:ss Z"]}),
    # its own zone: Logstash's timezone is the filter's, not every grammar's
    ('match => ["logdate", "ISO8601", "UNIX_MS"] timezone => "Europe/Paris"',
     {"field": "logdate", "formats": ["ISO8601", "UNIX_MS"], "timezone": "Europe/Paris"}),
    # a target other than @timestamp, its own failure tag
    ('match => ["ts", "dd/MMM/yyyy:HH:mm:ss Z"] target => "[event][created]"'
     ' tag_on_failure => ["_bad_ts"] locale => "en-US"',
     {"field": "ts", "formats": ["dd/MMM/yyyy:HH:mm:ss Z"], "target": "[event][created]",
      "tag_on_failure": ["_bad_ts"]}),
])
def test_date_becomes_a_field_rule_where_no_grammar_does_its_job(
        date: str, expected: dict[str, Any]) -> None:
    """A date the grammars cannot do (another field, zone, target, tag) is a field rule's
    date at its place in the pipeline, after the grok grammars and before later mutates."""
    data, notes = _toml('filter { grok { match => { "message" => "%{HTTPDATE:ts} %{GREEDYDATA}" } }'
                        f' date {{ {date} }}\n mutate {{ add_tag => ["after"] }} }}')
    assert [{"date": expected}, {"add_tag": ["after"]}] == data["enrich"]["field_rules"]
    assert "timestamp_field" not in data["parsers"]["grammars"][0]
    assert [] == _unsupported(notes)


def test_grok_and_date_under_a_field_condition() -> None:
    """The grammar gets the condition as `when` (tested on the arriving event); the date
    under the same condition sets that grammar's stamp."""
    data, notes = _toml('filter { if [fields][kind] == "web" {\n'
                        ' grok { match => { "message" => "%{HTTPDATE:ts} %{GREEDYDATA:rest}" } }\n'
                        ' date { match => ["ts", "dd/MMM/yyyy:HH:mm:ss Z"] } } }')
    (grammar,) = data["parsers"]["grammars"]
    assert ('[fields][kind] == "web"', "ts", ["dd/MMM/yyyy:HH:mm:ss Z"]) == (
        grammar["when"], grammar["timestamp_field"], grammar["timestamp_formats"])
    assert [] == _unsupported(notes)


def test_conditional_mutate_and_drop_become_field_rules() -> None:
    """if / else if / else arms get conditions that exclude the arms before them."""
    data, notes = _toml('filter {\n if [level] == "debug" { drop {} }\n'
                        ' else if [env] in ["dev", "test"] { mutate { add_tag => "dev" } }\n'
                        ' else { mutate { rename => { "lvl" => "level" } lowercase => ["level"] '
                        'convert => { "n" => "integer" } gsub => ["m", "a", "b"] } } }')
    assert [
        {"drop": True, "when": '[level] == "debug"'},
        {"when": '!([level] == "debug") and [env] in ["dev", "test"]', "add_tag": ["dev"]},
        {"when": '!([level] == "debug") and !([env] in ["dev", "test"])',
         "rename": {"lvl": "level"}, "lowercase": ["level"], "convert": {"n": "integer"},
         "gsub": [["m", "a", "b"]]},
    ] == data["enrich"]["field_rules"]
    assert [] == _unsupported(notes)


def test_nested_conditions_combine() -> None:
    """A branch inside a branch: both conditions must hold."""
    data, _ = _toml('filter { if [a] { if [b] == 1 { mutate { add_tag => "x" } } } }')
    assert [{"when": "([a]) and ([b] == 1)", "add_tag": ["x"]}] == data["enrich"]["field_rules"]


def test_kv_becomes_a_field_rule() -> None:
    """kv (under its condition) is a field rule with the same options."""
    data, notes = _toml('filter { if [type] == "q" { kv { source => "qs" field_split => "&" '
                        'prefix => "q_" include_keys => ["a", "b"] } } }')
    assert [{"when": '[type] == "q"', "kv": {"source": "qs", "field_split": "&", "prefix": "q_",
                                             "include_keys": ["a", "b"]}}] == (
        data["enrich"]["field_rules"])
    assert [] == _unsupported(notes)


def test_json_on_another_field_becomes_a_field_rule() -> None:
    """json { source => "payload" target => "doc" } is a field rule's json decode."""
    data, notes = _toml('filter { json { source => "payload" target => "doc" '
                        'tag_on_failure => ["_bad"] } }')
    decode = {"source": "payload", "target": "doc", "tag_on_failure": ["_bad"]}
    assert [{"json_decode": decode}] == data["enrich"]["field_rules"]
    assert [] == _unsupported(notes)


def test_elasticsearch_output_options() -> None:
    """hosts, a static index prefix, credentials and the CA carry over."""
    data, notes = _toml('output { elasticsearch { hosts => ["es1:9200", "https://es2:9200"] '
                        'index => "logs-app-%{+YYYY.MM.dd}" user => "w" password => "p" '
                        'cacert => "/ca.pem" document_id => "%{id}" } }')
    assert {"hosts": ["http://es1:9200", "https://es2:9200"], "user": "w", "password": "p",
            "ca": "/ca.pem"} == data["elasticsearch"]
    assert "logs-app-" == data["enrich"]["index_prefix"]
    assert [1] == _unsupported(notes)  # document_id: lumberyard's own deterministic _id


def test_environment_variables_take_their_defaults() -> None:
    """${VAR:default} writes the default (noted); ${VAR} without one is reported."""
    data, notes = _toml('input { beats { port => "${PORT:5045}" } }\n'
                        'output { elasticsearch { hosts => ["${ES:es}:9200"] '
                        'index => "${IDX}-%{+YYYY.MM.dd}" } }')
    assert (5045, ["http://es:9200"]) == (data["inputs"]["beats"]["port"],
                                          data["elasticsearch"]["hosts"])
    assert [2, 2] == _unsupported(notes)  # ${IDX} has no default, so the index is not a prefix


def test_inputs() -> None:
    """beats port/TLS, kafka bootstrap servers; file paths become a reprocess hint."""
    data, notes = _toml('input { beats { port => 5045 ssl_certificate => "/c" ssl_key => "/k" '
                        'ssl_certificate_authorities => ["/ca"] ssl_verify_mode => "force_peer" } '
                        'kafka { bootstrap_servers => "k:9092" topics => ["t"] } '
                        'file { path => "/var/log/a.log" } }')
    assert {"port": 5045, "tls": {"certificate": "/c", "key": "/k",
                                  "certificate_authorities": ["/ca"],
                                  "client_authentication": "required"}} == data["inputs"]["beats"]
    assert "k:9092" == data["kafka"]["bootstrap_servers"]
    assert {"enabled": True, "topics": ["t"], "group": "logstash"} == data["inputs"]["kafka"]
    assert any("lumberyard reprocess '/var/log/a.log'" in text for _, _, text in notes)
    assert [] == _unsupported(notes)


def test_kafka_input_carries_its_topics_and_group() -> None:
    """Logstash's kafka input -> [inputs.kafka]: a topics pattern, the group and client id
    (the group's committed offsets carry over); an option it has no equivalent of is
    reported with its line."""
    data, notes = _toml('input {\n kafka { bootstrap_servers => "k:9092" group_id => "ls" '
                        'topics_pattern => "logs-.*"\n client_id => "c"\n'
                        ' auto_offset_reset => "latest" } }')
    assert ({"enabled": True, "group": "ls", "topic_pattern": "logs-.*", "client_id": "c"},
            [4]) == (data["inputs"]["kafka"], _unsupported(notes))


@pytest.mark.parametrize(("index", "expected"), [
    ("%{[@metadata][beat]}-%{[@metadata][version]}-%{+YYYY.MM.dd}",
     {"index": "%{[@metadata][beat]}-%{[@metadata][version]}-%{+YYYY.MM.dd}",
      "index_template_patterns": ["filebeat-*"]}),
    # a log key lumberyard renames: the reference points at its place in the document
    ("logs-%{[service]}-%{+xxxx.ww}", {"index": "logs-%{[service][name]}-%{+xxxx.ww}"}),
    ("logs-%{[fields][app]}-%{+YYYY.MM}", {"index": "logs-%{[fields][app]}-%{+YYYY.MM}"}),
])
def test_index_with_field_references(index: str, expected: dict[str, Any]) -> None:
    """An index built from fields is [enrich] index (with the template patterns it needs)."""
    data, notes = _toml(f'output {{ elasticsearch {{ index => "{index}" }} }}')
    assert expected == data["enrich"]
    assert [] == _unsupported(notes)


def test_index_named_by_the_pipelines_own_metadata() -> None:
    """%{[@metadata][target]} set by the pipeline's mutate: the template patterns come from
    the literal text of the values it writes."""
    data, notes = _toml('filter { mutate { add_field => { "[@metadata][t]" => "logs-%{[a]}" } }\n'
                        'if ![a] { mutate { replace => { "[@metadata][t]" => "other" } } } }\n'
                        'output { elasticsearch { index => "%{[@metadata][t]}-%{+YYYY.MM.dd}" } }')
    assert (["logs-*", "other*"], []) == (data["enrich"]["index_template_patterns"],
                                         _unsupported(notes))


@pytest.mark.parametrize(("text", "line"), [
    ("filter {\n\n  geoip { source => \"ip\" } }", 3),
    ("filter {\n  if [type] == \"x\" {\n    grok { patterns_dir => [\"/p\"] }\n"
     "  } }", 3),
    ("output {\n  kafka { topic_id => \"x\" } }", 2),
    ("filter {\n  mutate {\n    split => { \"a\" => \",\" } } }", 3),
    ("filter {\n  json { source => \"message\" target => \"doc\" } }", 2),
    ("filter {\n  mutate { add_field => { \"day\" => \"%{+YYYY.MM.dd}\" } } }", 2),
    ("filter {\n  json { source => \"message\" }\n"
     "  mutate { gsub => [\"msg\", \"x\", \"y\"] } }", 3),
    ("filter {\n  if [log_message] =~ /x/ {\n    mutate { add_tag => [\"x\"] } } }", 3),
    ("filter {\n  if [msg] == \"x\" {\n    drop {} } }", 3),
    ("filter {\n  kv { source => \"msg\" } }", 2),
    ("output {\n  elasticsearch { index => \"%{[a]}-%{+YYYY.MM.dd}\" } }", 2),
    ("output {\n  elasticsearch { index => \"Logs-%{[a]}\" } }", 2),
])
def test_untranslatable_parts_are_reported_with_their_line(text: str, line: int) -> None:
    """Never silently dropped: each untranslated piece is a note with its line."""
    _, notes = _toml(text)
    assert [line] == _unsupported(notes)


SEQUENCE = """filter {
  grok { match => { "message" => "%{COMBINEDAPACHELOG}" } }
  grok { match => { "request" => "%{URIPATH:path}(?:%{URIPARAM:query})?" } }
  grok { match => { "message" => "%{IP:first_ip}" } tag_on_failure => ["_no_ip"] }
  grok { match => { "agent" => ["%{WORD:browser}/%{NUMBER:browser_version}", "%{WORD:browser}"] }
         break_on_match => false overwrite => ["browser"] }
}"""


def test_groks_in_sequence_become_the_grammars_then_field_rules_in_order() -> None:
    """Logstash runs each grok in turn: the first on message is the grammars (first match
    wins among its patterns); every later one is a field rule's grok at its place, reading
    what the ones before made, with its own tags and options."""
    data, notes = _toml(SEQUENCE)
    assert ["grok_line2"] == [g["name"] for g in data["parsers"]["grammars"]]
    assert [
        {"grok": {"match": {"request": [
            "(?s:.*?)%{URIPATH:path}(?:%{URIPARAM:query})?(?s:.*)"]}}},
        {"grok": {"match": {"message": ["(?s:.*?)%{IP:first_ip}(?s:.*)"]},
                  "tag_on_failure": ["_no_ip"]}},
        {"grok": {"match": {"agent": [
            "(?s:.*?)%{WORD:browser}/%{NUMBER:browser_version}(?s:.*)",
            "(?s:.*?)%{WORD:browser}(?s:.*)"]},
                  "break_on_match": False, "overwrite": ["browser"]}},
    ] == data["enrich"]["field_rules"]
    assert [] == _unsupported(notes)
    assert any("the event's message as lumberyard's parsing left it" in text
               for line, _, text in notes if line == 4)


def test_groks_in_the_clauses_of_one_if_are_all_grammars() -> None:
    """if / else if / else: one clause runs, so their groks are one list of grammars, each
    under its clause's condition; a grok after the if is a rule again."""
    data, notes = _toml('filter {\n'
                        ' if [type] == "a" { grok { match => { "message" => "A%{INT:n}" } } }\n'
                        ' else if [type] == "b" {\n'
                        ' grok { match => { "message" => "B%{INT:n}" } } }\n'
                        ' else { grok { match => { "message" => "%{WORD:w}" } } }\n'
                        ' if [type] == "c" { grok { match => { "message" => "C%{INT:m}" } } }\n}')
    assert ['[type] == "a"', '!([type] == "a") and [type] == "b"',
            '!([type] == "a") and !([type] == "b")'] == [
        g["when"] for g in data["parsers"]["grammars"]]
    assert [{"when": '[type] == "c"', "grok": {"match": {"message": [
        "(?s:.*?)C%{INT:m}(?s:.*)"]}}}] == data["enrich"]["field_rules"]
    assert [] == _unsupported(notes)


def test_a_grok_on_another_field_or_matching_every_pattern_is_a_rule_from_the_start() -> None:
    """A first grok on another field, or with break_on_match => false, is no grammar (those
    read the line and stop at the first match); under [message] =~ it keeps the condition."""
    data, notes = _toml('filter {\n grok { match => { "payload" => "%{INT:n}" } }\n'
                        ' if [message] =~ /^a\\/b/ { grok { match => { "message" => ["%{WORD:a}", '
                        '"%{INT:b}"] } break_on_match => false } } }')
    assert "parsers" not in data or "grammars" not in data["parsers"]
    assert [{"grok": {"match": {"payload": ["(?s:.*?)%{INT:n}(?s:.*)"]}}},
            {"when": "[message] =~ /^a\\/b/", "grok": {
                "match": {"message": ["(?s:.*?)%{WORD:a}(?s:.*)", "(?s:.*?)%{INT:b}(?s:.*)"]},
                "break_on_match": False}}] == data["enrich"]["field_rules"]
    assert [] == _unsupported(notes)


def test_grok_options_on_a_match() -> None:
    """add_field/add_tag/remove_*: for the grammars, a rule on the lines they matched
    (@metadata.grammar); for a grok rule, its own options."""
    data, notes = _toml('filter {\n grok { match => { "message" => ["%{WORD:a} x", "%{INT:n}"] }\n'
                        ' add_tag => ["hit"] add_field => { "k" => "%{a}" } }\n'
                        ' grok { match => { "a" => "%{WORD:b}" } remove_field => ["a"] } }')
    assert [
        {"when": '[@metadata][grammar] in ["grok_line2_1", "grok_line2_2"]',
         "add_field": {"k": "%{a}"}, "add_tag": ["hit"]},
        {"grok": {"match": {"a": ["(?s:.*?)%{WORD:b}(?s:.*)"]}, "remove_field": ["a"]}},
    ] == data["enrich"]["field_rules"]
    assert [] == _unsupported(notes)


def test_date_with_options_on_success_is_a_rule_that_runs_them() -> None:
    """date's remove_field/add_tag (on success only) keep it a field rule, with them."""
    data, notes = _toml('filter { grok { match => { "message" => "%{HTTPDATE:timestamp} x" } }'
                        ' date { match => ["timestamp", "dd/MMM/yyyy:HH:mm:ss Z"]'
                        ' remove_field => ["timestamp"] add_tag => ["dated"] } }')
    assert [{"date": {"field": "timestamp", "formats": ["dd/MMM/yyyy:HH:mm:ss Z"],
                      "remove_field": ["timestamp"], "add_tag": ["dated"]}}] == data[
        "enrich"]["field_rules"]
    assert [] == _unsupported(notes)
