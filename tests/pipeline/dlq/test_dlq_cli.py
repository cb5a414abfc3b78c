"""``lumberyard dlq list`` output and option errors, and building a DLQ from its config."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.dlq import DeadLetter, DeadLetterQueue, DeadLetterQueueConfig
from pipeline.errors import ConfigError


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
