"""``serve``'s Kafka options over ``[inputs.kafka]``: given ones win, the rest stay the file's."""

from __future__ import annotations

from typing import Any

import pytest
import typer

from pipeline.cli._serve import _overridden
from pipeline.config import parse_config

FILE = """
[inputs.kafka]
topics = ["from-file"]
group = "file-group"
max_batch_records = 500
"""


def kafka(**options: Any) -> tuple[object, ...]:
    config = _overridden(parse_config(FILE), options).inputs.kafka
    return (config.enabled, config.bootstrap_servers, config.topics, config.topic_pattern,
            config.group, config.max_batch_records)


class TestKafkaOptions:
    def test_nothing_given_keeps_the_file(self) -> None:
        """Off unless asked; the file's topics, group and limits stay."""
        assert (False, None, ["from-file"], None, "file-group", 500) == kafka()

    def test_options_win(self) -> None:
        """--kafka, --kafka-bootstrap, repeated --kafka-topic and --kafka-group over the file."""
        assert (True, "k1:9092,k2:9092", ["a", "b.c"], None, "g", 500) == kafka(
            kafka=True, kafka_bootstrap="k1:9092,k2:9092", kafka_topic=["a", "b.c"],
            kafka_group="g")

    def test_a_pattern_topic(self) -> None:
        """A value no topic name could be is a pattern, replacing the topic list."""
        assert (True, None, [], "^logs-.*", "file-group", 500) == kafka(
            kafka=True, kafka_topic=["^logs-.*"])

    def test_pattern_and_names_together_are_refused(self) -> None:
        """Names and a pattern at once: a clear error naming the option."""
        with pytest.raises(typer.BadParameter, match="either topic names or one pattern"):
            kafka(kafka_topic=["a", "^b.*"])
