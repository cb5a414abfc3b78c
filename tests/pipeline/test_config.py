"""The config file: TOML sections validated once, errors naming the file, key and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import LumberyardConfig, load_config, parse_config
from pipeline.errors import ConfigError
from pipeline.steps import default_event_type_rules

GOOD = """
[parsers]
timezone = "Europe/Berlin"

[enrich]
index_prefix = "logs-app-"
default_service = "svc"
keep_original = true

[[enrich.event_type_rules]]
event_type = "payment"
field_in = { "service.name" = ["payments"] }

[[enrich.event_type_rules]]
event_type = "log"
"""


def test_no_file_gives_defaults() -> None:
    """Without a config file every section has its defaults."""
    config = load_config(None)
    assert LumberyardConfig() == config
    assert "universal-ai-tools-" == config.enrich.index_prefix
    assert default_event_type_rules() == config.enrich.event_type_rules


def test_sections_are_read(tmp_path: Path) -> None:
    """Values from each section land in their models; rules keep their order."""
    path = tmp_path / "lumberyard.toml"
    path.write_text(GOOD, encoding="utf-8")
    config = load_config(path)
    assert ("Europe/Berlin", "logs-app-", "svc", True) == (
        config.parsers.timezone,
        config.enrich.index_prefix,
        config.enrich.default_service,
        config.enrich.keep_original,
    )
    assert ["payment", "log"] == [r.event_type for r in config.enrich.event_type_rules]


def test_bad_value_names_file_key_and_line(tmp_path: Path) -> None:
    """A bad value's error names the file, its line and the dotted key."""
    path = tmp_path / "bad.toml"
    path.write_text('[enrich]\ndefault_service = "x"\nindex_prefix = "Upper-"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert message.startswith(f"{path}:3: enrich.index_prefix: ")
    assert "'Upper-'" in message


def test_bad_rule_in_array_table_points_at_its_line() -> None:
    """The second [[enrich.event_type_rules]] entry's bad key is found on its own line."""
    text = GOOD.replace('event_type = "log"', 'event_type = "Bad Type"')
    with pytest.raises(ConfigError) as error:
        parse_config(text, "cfg.toml")
    assert str(error.value).startswith("cfg.toml:15: enrich.event_type_rules.1.event_type: ")


def test_unknown_section_and_key_are_refused() -> None:
    """Typos are errors, not silently ignored settings."""
    with pytest.raises(ConfigError) as error:
        parse_config("[enrichh]\nx = 1\n", "c.toml")
    assert "c.toml:1: enrichh: Extra inputs are not permitted" == str(error.value)
    with pytest.raises(ConfigError) as error:
        parse_config("[enrich]\nkeep_orignal = true\n", "c.toml")
    assert "c.toml:2: enrich.keep_orignal: Extra inputs are not permitted" == str(error.value)


def test_invalid_toml_names_the_file() -> None:
    """A TOML syntax error names the file and the position tomllib reports."""
    with pytest.raises(ConfigError) as error:
        parse_config("[enrich\n", "broken.toml")
    assert str(error.value).startswith("broken.toml: invalid TOML: ")
    assert "line 1" in str(error.value)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    """A path that does not exist is reported as such, naming it."""
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path / "nope.toml")
    assert str(error.value).startswith(f"{tmp_path / 'nope.toml'}: cannot read config file")


def test_sink_and_dlq_sections_are_read() -> None:
    """[elasticsearch] and [dlq] configure the sink and the dead letter queue of every command."""
    config = parse_config(
        "[elasticsearch]\nmax_events = 250\nmax_in_flight = 3\n"
        "[dlq]\nmax_segment_bytes = 4096\nkafka_topic = \"dead\"\n",
        "c.toml",
    )
    assert (250, 3) == (config.elasticsearch.max_events, config.elasticsearch.max_in_flight)
    assert (4096, "dead") == (config.dlq.max_segment_bytes, config.dlq.kafka_topic)


def test_sink_section_typo_names_file_line_and_key() -> None:
    """A misspelt sink option is refused with file, line and dotted key."""
    with pytest.raises(ConfigError) as error:
        parse_config("[elasticsearch]\nmax_event = 5\n", "c.toml")
    assert "c.toml:2: elasticsearch.max_event: Extra inputs are not permitted" == str(error.value)
