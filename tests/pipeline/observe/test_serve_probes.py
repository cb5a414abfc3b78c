"""Which remote checks serve's endpoint runs, from the config: Elasticsearch unless Beats
events go to Kafka; Kafka when a Kafka input or the Beats -> Kafka output is on."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest

from pipeline.config import parse_config
from pipeline.observe import Probes
from pipeline.observe._serve import _probes, _run_directory


def _run(probes: Probes) -> dict[str, str]:
    """Each configured probe run once against the real servers: name -> its message."""
    found = {"elasticsearch": probes.elasticsearch, "kafka": probes.kafka}
    return {name: asyncio.run(probe()) for name, probe in found.items() if probe is not None}


@pytest.mark.integration
def test_plain_serve_checks_elasticsearch_only(es_url: str) -> None:
    """Only Elasticsearch is checked (the real one answers), and readiness follows it."""
    probes = _probes(parse_config(f'[elasticsearch]\nurl = "{es_url}"\n', "c", {}))
    messages = _run(probes)
    assert (["elasticsearch"], "elasticsearch") == (list(messages), probes.destination)
    assert messages["elasticsearch"].startswith("Elasticsearch 8."), messages


@pytest.mark.integration
def test_kafka_input_adds_the_kafka_check(es_url: str, kafka_bootstrap: str) -> None:
    """A Kafka input adds the Kafka check (its broker answers); events still go to ES."""
    text = (f'[elasticsearch]\nurl = "{es_url}"\n[inputs.kafka]\nenabled = true\n'
            f'bootstrap_servers = "{kafka_bootstrap}"\n')
    probes = _probes(parse_config(text, "c", {}))
    messages = _run(probes)
    assert (["elasticsearch", "kafka"], "elasticsearch") == (list(messages), probes.destination)
    assert messages["kafka"].startswith(f"broker {kafka_bootstrap} answers ("), messages


@pytest.mark.integration
def test_beats_to_kafka_checks_kafka_instead(kafka_bootstrap: str) -> None:
    """Beats -> Kafka: Kafka is checked and readiness follows it; Elasticsearch is not used."""
    text = f'[beats_to_kafka]\nenabled = true\nbootstrap_servers = "{kafka_bootstrap}"\n'
    probes = _probes(parse_config(text, "c", {}))
    messages = _run(probes)
    assert (["kafka"], "kafka") == (list(messages), probes.destination)
    assert messages["kafka"].startswith(f"broker {kafka_bootstrap} answers ("), messages


@pytest.mark.integration
def test_dlq_kafka_mirror_adds_the_kafka_check(es_url: str, kafka_bootstrap: str) -> None:
    """Dead letters mirrored to a Kafka topic make Kafka part of /health (it was left out)."""
    text = (f'[elasticsearch]\nurl = "{es_url}"\n[kafka]\nbootstrap_servers = "{kafka_bootstrap}"'
            '\n[dlq]\nkafka_topic = "dead-letters"\n')
    probes = _probes(parse_config(text, "c", {}))
    messages = _run(probes)
    assert (["elasticsearch", "kafka"], "elasticsearch") == (list(messages), probes.destination)
    assert messages["kafka"].startswith(f"broker {kafka_bootstrap} answers ("), messages


def test_cli_defaults_are_the_endpoints() -> None:
    """The CLI writes the endpoint's defaults out (no aiohttp import to build it): equal."""
    from pipeline.cli.common import DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT
    from pipeline.observe import DEFAULT_HOST, DEFAULT_PORT

    assert (DEFAULT_HOST, DEFAULT_PORT) == (DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT)


def test_the_workers_run_directory_is_fresh_and_off_the_data_disk(tmp_path: Path) -> None:
    """Each serve gets a new, empty snapshot directory (never an earlier run's files), in
    /dev/shm where it is writable, so a full data dir cannot stop the heartbeats."""
    first, second = _run_directory(tmp_path), _run_directory(tmp_path)
    try:
        shm = Path("/dev/shm")
        expected_base = shm if shm.is_dir() and os.access(shm, os.W_OK) else tmp_path / "run"
        assert (True, [], [], expected_base, expected_base) == (
            first != second, list(first.iterdir()), list(second.iterdir()),
            first.parent, second.parent)
    finally:
        shutil.rmtree(first)
        shutil.rmtree(second)
