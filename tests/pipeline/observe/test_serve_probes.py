"""Which remote checks serve's endpoint runs, from the config: Elasticsearch unless Beats
events go to Kafka; Kafka when a Kafka input or the Beats -> Kafka output is on."""

from __future__ import annotations

from pipeline.config import parse_config
from pipeline.observe._serve import _probes


def test_plain_serve_checks_elasticsearch_only() -> None:
    probes = _probes(parse_config("", "c", {}))
    assert (True, False) == (probes.elasticsearch is not None, probes.kafka is not None)


def test_kafka_input_adds_the_kafka_check() -> None:
    probes = _probes(parse_config("[inputs.kafka]\nenabled = true\n", "c", {}))
    assert (True, True) == (probes.elasticsearch is not None, probes.kafka is not None)


def test_beats_to_kafka_checks_kafka_instead() -> None:
    probes = _probes(parse_config("[beats_to_kafka]\nenabled = true\n", "c", {}))
    assert (False, True) == (probes.elasticsearch is not None, probes.kafka is not None)


def test_cli_defaults_are_the_endpoints() -> None:
    """The CLI writes the endpoint's defaults out (no aiohttp import to build it): equal."""
    from pipeline.cli.common import DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT
    from pipeline.observe import DEFAULT_HOST, DEFAULT_PORT

    assert (DEFAULT_HOST, DEFAULT_PORT) == (DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT)
