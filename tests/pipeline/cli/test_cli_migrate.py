"""``lumberyard migrate``: config to -o, report to stderr; --verify prints the documents."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import orjson
from typer.testing import CliRunner

from pipeline.cli import app

APACHE = """input { beats { port => 5044 } }
filter {
  grok { match => { "message" => "%{COMBINEDAPACHELOG}" } }
  date { match => [ "timestamp", "dd/MMM/yyyy:HH:mm:ss Z" ] }
  if [verb] == "HEAD" { drop { } }
  mutate { convert => { "response" => "integer" } rename => { "clientip" => "client_ip" } }
  geoip { source => "client_ip" }
}
output { elasticsearch { hosts => ["es:9200"] index => "web-%{+YYYY.MM.dd}" } }
"""
LINES = [
    '1.2.3.4 - - [24/Feb/2015:23:13:42 +0100] "GET /a HTTP/1.1" 200 12 "-" "curl/8"',
    '1.2.3.5 - - [24/Feb/2015:23:13:43 +0100] "HEAD /b HTTP/1.1" 200 0 "-" "curl/8"',
    "not an access log line",
]


def _files(tmp_path: Path) -> tuple[Path, Path]:
    conf, sample = tmp_path / "web.conf", tmp_path / "sample.log"
    conf.write_text(APACHE, encoding="utf-8")
    sample.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return conf, sample


def test_migrate_writes_config_and_reports(tmp_path: Path) -> None:
    """The config loads; the report names the untranslated geoip with its line."""
    conf, _ = _files(tmp_path)
    out = tmp_path / "lumberyard.toml"
    result = CliRunner().invoke(app, ["migrate", str(conf), "-o", str(out)])
    assert 0 == result.exit_code, result.output
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    assert ("web-", ["dd/MMM/yyyy:HH:mm:ss Z"]) == (
        data["enrich"]["index_prefix"], data["parsers"]["grammars"][0]["timestamp_formats"])
    assert "line 7: filter plugin 'geoip'" in result.stderr
    assert "line 3: verb -> app.verb" in result.stderr  # legacy names land in the app object


def test_strict_fails_when_something_is_left(tmp_path: Path) -> None:
    """--strict: a non-zero exit while the report lists work by hand."""
    conf, _ = _files(tmp_path)
    result = CliRunner().invoke(app, ["migrate", "--strict", str(conf), "-o",
                                      str(tmp_path / "x.toml")])
    assert 1 == result.exit_code


def test_verify_prints_the_documents(tmp_path: Path) -> None:
    """--verify: the sample's documents under the translated config (HEAD dropped)."""
    conf, sample = _files(tmp_path)
    result = CliRunner().invoke(app, ["migrate", "--verify", str(conf), str(sample)])
    assert 0 == result.exit_code, result.output
    docs: list[dict[str, Any]] = [orjson.loads(x) for x in result.stdout.splitlines()]
    first, failed = docs
    assert ("2015-02-24T22:13:42.000Z", "web-2015.02.24", 200, "GET", "1.2.3.4") == (
        first["@timestamp"], first["@metadata"]["_index"], first["app"]["response"],
        first["app"]["verb"], first["app"]["client_ip"])
    assert ["_grokparsefailure"] == failed["tags"]
    assert "dropped: field_rule=1" in result.stderr


def test_verify_with_ecs_names(tmp_path: Path) -> None:
    """--ecs-compatibility v1: the library's ECS capture names (typed as Logstash types them),
    at their ECS place in the document (lift_ecs_fields), not under app.*."""
    conf, sample = _files(tmp_path)
    result = CliRunner().invoke(app, ["migrate", "--verify", "--ecs-compatibility", "v1",
                                      str(conf), str(sample)])
    assert 0 == result.exit_code, result.output
    first = orjson.loads(result.stdout.splitlines()[0])
    assert ({"request": {"method": "GET"}, "response": {"status_code": 200,
             "body": {"bytes": 12}}, "version": "1.1"}, {"address": "1.2.3.4"}, "app" in first) == (
        first["http"], first["source"], False)


def test_verify_needs_a_sample(tmp_path: Path) -> None:
    """--verify without a sample is a usage error."""
    conf, _ = _files(tmp_path)
    assert 2 == CliRunner().invoke(app, ["migrate", "--verify", str(conf)]).exit_code


def test_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    """A broken Logstash config: ConfigError with file:line:column."""
    conf = tmp_path / "bad.conf"
    conf.write_text("filter {\n  mutate { add_field => }\n}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["migrate", str(conf)])
    assert 1 == result.exit_code
    assert f"{conf}:2:25: syntax error" in str(result.exception)
