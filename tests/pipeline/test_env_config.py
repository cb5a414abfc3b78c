"""Every config option from the environment: LUMBERYARD_<SECTION>_<KEY>, short aliases kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline._env import env_values, known_env_names
from pipeline.config import LumberyardConfig, load_config, parse_config
from pipeline.errors import ConfigError


def test_long_names_set_nested_options() -> None:
    """Section and key path, upper-cased: ints, bools and nested sections all converted."""
    environ = {
        "LUMBERYARD_ELASTICSEARCH_MAX_EVENTS": "7",
        "LUMBERYARD_ELASTICSEARCH_GZIP": "true",
        "LUMBERYARD_PARSERS_MULTILINE_PATTERN": "^x",
        "LUMBERYARD_ENRICH_INDEX_PREFIX": "logs-",
        "LUMBERYARD_DLQ_KAFKA_TOPIC": "dead",
    }
    config = parse_config("", "c.toml", environ)
    assert (7, True, "^x", "logs-", "dead") == (
        config.elasticsearch.max_events,
        config.elasticsearch.gzip,
        config.parsers.multiline.pattern if config.parsers.multiline else None,
        config.enrich.index_prefix,
        config.dlq.kafka_topic,
    )


def test_environment_wins_over_the_file() -> None:
    """The file says 3, the environment 9: 9."""
    config = parse_config(
        "[elasticsearch]\nmax_events = 3\n", "c.toml", {"LUMBERYARD_ELASTICSEARCH_MAX_EVENTS": "9"}
    )
    assert 9 == config.elasticsearch.max_events


def test_short_aliases_and_long_name_wins() -> None:
    """ES_URL / KAFKA_BOOTSTRAP / ES_API_KEY still work; the long name wins over the alias."""
    environ = {
        "ES_URL": "http://alias:9200",
        "ES_API_KEY": "a2V5",
        "KAFKA_BOOTSTRAP": "k1:9092",
    }
    config = parse_config("", "c.toml", environ)
    assert ("http://alias:9200", "a2V5", "k1:9092") == (
        config.elasticsearch.url,
        config.elasticsearch.api_key,
        config.kafka.bootstrap_servers,
    )
    both = {**environ, "LUMBERYARD_ELASTICSEARCH_URL": "http://long:9200"}
    assert "http://long:9200" == parse_config("", "c.toml", both).elasticsearch.url


def test_lists_take_json_or_commas() -> None:
    """hosts = a,b or a JSON list."""
    commas = parse_config("", "c", {"LUMBERYARD_ELASTICSEARCH_HOSTS": "http://a:1, http://b:2"})
    as_json = parse_config("", "c", {"LUMBERYARD_ELASTICSEARCH_HOSTS": '["http://a:1"]'})
    assert ["http://a:1", "http://b:2"] == commas.elasticsearch.hosts
    assert ["http://a:1"] == as_json.elasticsearch.hosts


def test_bad_environment_value_names_the_variable() -> None:
    """The error says which variable holds the bad value, not the file."""
    with pytest.raises(ConfigError) as error:
        parse_config("", "c.toml", {"LUMBERYARD_ELASTICSEARCH_MAX_EVENTS": "seven"})
    assert str(error.value).startswith(
        "env LUMBERYARD_ELASTICSEARCH_MAX_EVENTS: elasticsearch.max_events: "
    )


def test_other_lumberyard_variables_are_not_options() -> None:
    """LUMBERYARD_CONFIG, the stack's LUMBERYARD_ES_PORT... set nothing and are not reported;
    a misspelt option in a config section is reported as unknown."""
    environ = {
        "LUMBERYARD_CONFIG": "x.toml",
        "LUMBERYARD_ES_PORT": "9201",
        "LUMBERYARD_DATA_DIR": "/d",
        "LUMBERYARD_ELASTICSEARCH_MAX_EVENT": "1",
    }
    values, unknown = env_values(LumberyardConfig, environ)
    assert ([], ["LUMBERYARD_ELASTICSEARCH_MAX_EVENT"]) == (values, unknown)


def test_every_option_has_a_name() -> None:
    """The names include every section's options (what the reference documents)."""
    names = known_env_names(LumberyardConfig)
    for expected in (
        "LUMBERYARD_ELASTICSEARCH_URL",
        "LUMBERYARD_ELASTICSEARCH_API_KEY_FILE",
        "LUMBERYARD_KAFKA_BOOTSTRAP_SERVERS",
        "LUMBERYARD_PARSERS_MULTILINE_MAX_LINES",
        "LUMBERYARD_DLQ_DIRECTORY",
    ):
        assert expected in names


def test_load_config_reads_os_environ(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """load_config applies the process environment by default."""
    monkeypatch.setenv("LUMBERYARD_ENRICH_DEFAULT_SERVICE", "from-env")
    path = tmp_path / "c.toml"
    path.write_text('[enrich]\ndefault_service = "from-file"\n', encoding="utf-8")
    assert "from-env" == load_config(path).enrich.default_service


def test_secrets_stay_out_of_repr() -> None:
    """An API key, a password or a key passphrase never shows in the config's repr (logs,
    tracebacks)."""
    config = parse_config(
        '[elasticsearch]\napi_key = "S3CRET-KEY"\nuser = "u"\npassword = "S3CRET-PW"\n'
        '[inputs.kafka]\nsasl_username = "u"\nsasl_password = "S3CRET-SASL"\n'
        '[inputs.beats.tls]\nkey_passphrase = "S3CRET-PASS"\n', "c"
    )
    shown = repr(config)
    assert [] == [s for s in ("S3CRET-KEY", "S3CRET-PW", "S3CRET-SASL", "S3CRET-PASS")
                  if s in shown]


def test_the_dlq_directory_has_one_name_and_the_old_one_is_deprecated(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """LUMBERYARD_DLQ_DIRECTORY ([dlq] directory) is the name; LUMBERYARD_DLQ_DIR (once only
    `dlq list/replay`'s, so serve wrote elsewhere) sets the same key for every command, with a
    deprecation warning, and loses to the documented name when both are set."""
    old_only = load_config(None, {"LUMBERYARD_DLQ_DIR": "/var/old"})
    warned = [r.getMessage() for r in caplog.records]
    caplog.clear()
    both = load_config(None, {"LUMBERYARD_DLQ_DIR": "/var/old",
                              "LUMBERYARD_DLQ_DIRECTORY": "/var/new"})
    assert (
        Path("/var/old"),
        ["LUMBERYARD_DLQ_DIR is deprecated: set LUMBERYARD_DLQ_DIRECTORY instead"],
        Path("/var/new"), ["LUMBERYARD_DLQ_DIR is deprecated and ignored: "
                           "LUMBERYARD_DLQ_DIRECTORY is set (it wins)"],
    ) == (old_only.dlq.directory, warned, both.dlq.directory,
          [r.getMessage() for r in caplog.records])
