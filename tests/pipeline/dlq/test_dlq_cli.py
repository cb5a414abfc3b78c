"""``lumberyard dlq list`` output and option errors, and building a DLQ from its config."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.dlq import DeadLetter, DeadLetterQueue, DeadLetterQueueConfig
from pipeline.errors import ConfigError, NotConnected
from pipeline.stack import free_port


def store(directory: Path, *reasons: str) -> None:
    dlq = DeadLetterQueue(directory)
    dlq.append_sync([
        DeadLetter({"message": reason}, "document_parsing_exception", reason, "idx", f"id{n}")
        for n, reason in enumerate(reasons)
    ])
    dlq.close()


def test_list_prints_one_json_line_per_pending_entry(tmp_path: Path) -> None:
    """Each pending entry is one JSON object on stdout with its key, index, id and event."""
    store(tmp_path / "dlq", "mapper [a] failed", "mapper [b] failed")
    result = CliRunner().invoke(app, ["dlq", "list", "--data-dir", str(tmp_path)])
    rows = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert (0, ["id0", "id1"], "segment-000001.ndjson:0", {"message": "mapper [a] failed"}) == (
        result.exit_code, [r["id"] for r in rows], rows[0]["key"], rows[0]["event"])


def test_list_filters_by_reason(tmp_path: Path) -> None:
    """--reason-match narrows the listing."""
    store(tmp_path, "mapper [a] failed", "mapper [b] failed")
    result = CliRunner().invoke(app, ["dlq", "list", "--dlq-dir", str(tmp_path),
                                      "--reason-match", r"\[b\]"])
    assert ["id1"] == [orjson.loads(line)["id"] for line in result.stdout.splitlines()]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [("--since", "yesterday", "not an ISO 8601 time"),
     ("--reason-match", "([", "not a regular expression")],
)
def test_bad_options_are_config_errors(tmp_path: Path, option: str, value: str,
                                       message: str) -> None:
    """A malformed --since or --reason-match is a ConfigError naming the option."""
    result = CliRunner().invoke(app, ["dlq", "list", "--dlq-dir", str(tmp_path), option, value])
    assert (ConfigError, True) == (
        type(result.exception), f"{option}: {value!r} is {message}" in str(result.exception))


def test_config_places_the_queue_under_the_data_dir(tmp_path: Path) -> None:
    """Without an explicit directory the queue lives in <data dir>/dlq, with the set cap."""
    dlq = DeadLetterQueueConfig(max_segment_bytes=1000).open(tmp_path)
    assert (tmp_path / "dlq", 1000, None) == (dlq.directory, dlq.max_segment_bytes, dlq.mirror)


NO_ENV_ENDPOINTS = {"ES_URL": None, "LUMBERYARD_ELASTICSEARCH_URL": None, "LUMBERYARD_CONFIG": None,
                    "LUMBERYARD_DLQ_DIR": None, "LUMBERYARD_DATA_DIR": None}


def test_list_finds_the_queue_the_config_places(tmp_path: Path) -> None:
    """With ``[dlq] directory`` in the config (where serve writes), `dlq list --config` reads
    that queue, not <data dir>/dlq."""
    store(tmp_path / "elsewhere", "mapper [a] failed")
    config = tmp_path / "lumberyard.toml"
    config.write_text(f'[dlq]\ndirectory = "{tmp_path / "elsewhere"}"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["dlq", "list", "--data-dir", str(tmp_path / "data"),
                                      "--config", str(config)], env=NO_ENV_ENDPOINTS)
    assert (0, ["id0"]) == (result.exit_code,
                            [orjson.loads(line)["id"] for line in result.stdout.splitlines()])


def test_replay_uses_the_config_connection(tmp_path: Path) -> None:
    """`dlq replay --config` sends to the config's ``[elasticsearch]`` (no --es-url, no ES_URL):
    with nobody on that port it fails naming it, and the entry stays pending."""
    store(tmp_path / "dlq", "mapper [a] failed")
    url = f"http://127.0.0.1:{free_port()}"
    config = tmp_path / "lumberyard.toml"
    config.write_text(f'[elasticsearch]\nurl = "{url}"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["dlq", "replay", "--config", str(config),
                                      "--data-dir", str(tmp_path)], env=NO_ENV_ENDPOINTS)
    pending = [key for key, _ in DeadLetterQueue(tmp_path / "dlq").pending()]
    assert (NotConnected, True, ["segment-000001.ndjson:0"]) == (
        type(result.exception), url in str(result.exception), pending), result.output


def test_list_reads_the_queue_the_environment_names(tmp_path: Path) -> None:
    """`dlq list` finds the queue under LUMBERYARD_DLQ_DIRECTORY (the name serve reads too)
    and, deprecated, under LUMBERYARD_DLQ_DIR."""
    store(tmp_path / "elsewhere", "mapper [a] failed")
    ids = []
    for name in ("LUMBERYARD_DLQ_DIRECTORY", "LUMBERYARD_DLQ_DIR"):
        env = {**NO_ENV_ENDPOINTS, "LUMBERYARD_DLQ_DIRECTORY": None,
               name: str(tmp_path / "elsewhere")}
        result = CliRunner().invoke(app, ["dlq", "list", "--data-dir", str(tmp_path / "data")],
                                    env=env)
        ids.append((result.exit_code, [orjson.loads(x)["id"] for x in result.stdout.splitlines()]))
    assert [(0, ["id0"]), (0, ["id0"])] == ids
