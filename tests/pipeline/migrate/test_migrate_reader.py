"""The Logstash config reader: every config under ``configs/`` parses, into the right nodes,
and syntax errors name the line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.migrate import read_config, read_config_file, unescape
from pipeline.migrate._ast import (
    Bareword,
    BoolOp,
    Branch,
    Compare,
    FieldRef,
    Hash,
    Not,
    Number,
    Plugin,
    Regexp,
    String,
)

CONFIGS = sorted((Path(__file__).parent / "configs").glob("*.conf"))


@pytest.mark.parametrize("path", CONFIGS, ids=[p.stem for p in CONFIGS])
def test_every_sample_config_parses(path: Path) -> None:
    """Each sample (what real pipelines contain) reads without error."""
    read_config_file(path)


def test_there_are_a_few_dozen_samples() -> None:
    """The samples cover the language broadly (the issue asks for a few dozen)."""
    assert len(CONFIGS) >= 36


def _filters(text: str) -> tuple[Plugin | Branch, ...]:
    return read_config(text).body("filter")


def test_plugin_attributes_and_value_kinds() -> None:
    """Strings, numbers, barewords, arrays, hashes and plugin values keep their kinds."""
    config = read_config('input { kafka { topics => ["a", "b"] consumer_threads => 4 '
                         'codec => json { charset => "UTF-8" } decorate_events => true '
                         'ratio => 0.5 } }')
    (kafka,) = config.body("input")
    assert isinstance(kafka, Plugin)
    assert [String("a", "a", 1), String("b", "b", 1)] == kafka.get("topics")
    assert Number(4, 1) == kafka.get("consumer_threads")
    assert Number(0.5, 1) == kafka.get("ratio")
    assert Bareword("true", 1) == kafka.get("decorate_events")
    codec = kafka.get("codec")
    assert isinstance(codec, Plugin)
    assert ("json", String("UTF-8", "UTF-8", 1)) == (codec.name, codec.get("charset"))


def test_hash_entries_keep_order_and_keys_of_every_kind() -> None:
    """Hash keys may be strings, barewords or numbers; entries keep their order."""
    (mutate,) = _filters('filter { mutate { add_field => { "a" => "1" bb => "2" 3 => "x" } } }')
    assert isinstance(mutate, Plugin)
    value = mutate.get("add_field")
    assert isinstance(value, Hash)
    assert ["a", "bb", "3"] == [key for key, _ in value.entries]


def test_strings_keep_their_text_and_know_their_escapes() -> None:
    """Text is kept as written (Logstash's default); escapes are processed on request."""
    (mutate,) = _filters(r'filter { mutate { add_field => { "q" => "say \"hi\"\t" } } }')
    assert isinstance(mutate, Plugin)
    value = mutate.get("add_field")
    assert isinstance(value, Hash)
    assert String(r'say \"hi\"\t', 'say "hi"\t', 1) == value.get("q")
    assert "C:\\temp\n" == unescape(r"C:\\temp\n")


def test_branch_clauses_and_lines() -> None:
    """if / else if / else become one branch with three clauses, each with its line."""
    (branch,) = _filters('filter {\n if [type] == "a" { drop {} }\n else if [type] == "b" '
                         '{ drop {} }\n else { mutate {} }\n}')
    assert isinstance(branch, Branch)
    assert [2, 3, 4] == [clause.line for clause in branch.clauses]
    assert branch.clauses[2].condition is None
    assert Compare("==", FieldRef(("type",), 2), String("a", "a", 2), 2) == (
        branch.clauses[0].condition)


def test_boolean_precedence_and_binds_tighter_than_or() -> None:
    """``a or b and c`` is ``a or (b and c)``; ``xor`` sits between them."""
    (branch,) = _filters("filter { if [a] or [b] and [c] { drop {} } }")
    assert isinstance(branch, Branch)
    a, b, c = (FieldRef((x,), 1) for x in "abc")
    assert BoolOp("or", a, BoolOp("and", b, c, 1), 1) == branch.clauses[0].condition


@pytest.mark.parametrize(("condition", "expected"), [
    ('"x" in [tags]', Compare("in", String("x", "x", 1), FieldRef(("tags",), 1), 1)),
    ('"x" not in [tags]', Compare("not in", String("x", "x", 1), FieldRef(("tags",), 1), 1)),
    ("[m] =~ /^a\\/b$/", Compare("=~", FieldRef(("m",), 1), Regexp("^a\\/b$", 1), 1)),
    ("![a][b]", Not(FieldRef(("a", "b"), 1), 1)),
    ("[n] >= -2", Compare(">=", FieldRef(("n",), 1), Number(-2, 1), 1)),
    ("[@metadata][beat]", FieldRef(("@metadata", "beat"), 1)),
])
def test_condition_forms(condition: str, expected: object) -> None:
    """Each operator reads into the node it means."""
    (branch,) = _filters(f"filter {{ if {condition} {{ drop {{}} }} }}")
    assert isinstance(branch, Branch)
    assert expected == branch.clauses[0].condition


def test_sections_of_one_kind_concatenate() -> None:
    """Several ``filter`` sections run in order, as Logstash concatenates them."""
    config = read_config_file(Path(__file__).parent / "configs" / "23-several-sections.conf")
    assert ["mutate", "mutate"] == [p.name for p in config.body("filter")  # type: ignore[union-attr]
                                    ]
    assert 2 == len(config.body("input"))


@pytest.mark.parametrize(("text", "where"), [
    ("input { beats { port => } }", "x.conf:1:25:"),
    ("input {\n  beats {\n    port 5044\n  }\n}", "x.conf:3:5:"),
    ("filter {\n  if [a] == { drop {} }\n}", "x.conf:2:13:"),
    ("output {", "x.conf:1:9:"),
    ('filter { mutate { add_field => { "a" => "b" } }', "x.conf:1:48:"),
    ("inputs { }", "x.conf:1:1:"),
    ('filter { grok { match => { "message" => "unterminated } } }', "x.conf:1:"),
])
def test_syntax_errors_name_line_and_column(text: str, where: str) -> None:
    """A syntax error says file:line:column and what was expected."""
    with pytest.raises(ConfigError, match="syntax error") as info:
        read_config(text, "x.conf")
    assert str(info.value).startswith(where)


def test_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    """A missing file is reported with its path."""
    with pytest.raises(ConfigError, match="cannot read Logstash config"):
        read_config_file(tmp_path / "nope.conf")


def test_an_array_condition_is_one_condition() -> None:
    """``if [a, "b"]`` (an array rvalue, true when not empty) is the clause's one condition,
    not its items spread over the clause (a cut sample found it: TypeError before)."""
    config = read_config('filter { if [le, "trace"] { drop { } } }')
    (branch,) = config.body("filter")
    assert (2, "drop") == (len(branch.clauses[0].condition), branch.clauses[0].body[0].name)  # type: ignore[union-attr, arg-type]
