"""``lumberyard parse``: the documents a file becomes, and the summary on stderr."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import Any

import orjson
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.cli._parse import run_parse
from pipeline.ids import document_id, file_source_id

LINES = [
    '{"level":"info","message":"Business Event","timestamp":"2025-09-12T10:00:00.000Z",'
    '"service":"auth-service","environment":"production","version":"1.0.0",'
    '"type":"business_event","event":"user_signup","data":{"userId":"u-1"}}',
    "",
    "[2025-09-12T23:30:00.000-05:00] ERROR payment declined",
    '{"level": "warn", "message": ',
    "plain words",
]


def _write(tmp_path: Path, lines: list[str], name: str = "app.log") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _docs(raw: bytes) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in raw.splitlines()]


def test_documents_with_index_and_id(tmp_path: Path) -> None:
    """Each non-blank line prints one document with @metadata._index/_id from file + offset."""
    path = _write(tmp_path, LINES)
    out = io.BytesIO()
    run_parse(str(path), None, out, False, None)
    docs = _docs(out.getvalue())
    offsets = [0, len(LINES[0]) + 2]
    expected_meta = [
        {
            "_index": "universal-ai-tools-2025.09.12",
            "_id": document_id(file_source_id(path.read_bytes(), offsets[0], LINES[0])),
            "grammar": "json",
        },
        {
            "_index": "universal-ai-tools-2025.09.13",
            "_id": document_id(file_source_id(path.read_bytes(), offsets[1], LINES[2])),
            "grammar": "bracketed",
        },
    ]
    assert expected_meta == [d["@metadata"] for d in docs[:2]]
    assert ["Business Event", "payment declined"] == [d["message"] for d in docs[:2]]
    assert ["business_event", "error", "log", "log"] == [d["event_type"] for d in docs]
    assert {"file": {"path": str(path)}, "offset": 0, "level": "info"} == docs[0]["log"]


def test_summary_counts(tmp_path: Path) -> None:
    """Lines, events, per-grammar, per-event_type and failure-tag counts are reported."""
    summary = run_parse(str(_write(tmp_path, LINES)), None, io.BytesIO(), False, None)
    assert (4, 4) == (summary.lines, summary.events)
    assert {"json": 2, "bracketed": 1, "plain": 1} == dict(summary.grammars)
    assert {"_jsonparsefailure": 1} == dict(summary.tags)
    assert {"business_event": 1, "error": 1, "log": 2} == dict(summary.event_types)


def test_cli_pretty_and_stderr_summary(tmp_path: Path) -> None:
    """--pretty indents the JSON; the summary goes to stderr, not into the documents."""
    path = _write(tmp_path, LINES[:1])
    result = CliRunner().invoke(app, ["parse", "--pretty", str(path)])
    assert 0 == result.exit_code
    assert result.stdout.startswith('{\n  "@timestamp": "2025-09-12T10:00:00.000Z",\n')
    assert "business_event" == orjson.loads(result.stdout)["event_type"]
    assert "lines: 1  events: 1" == result.stderr.splitlines()[0]


def test_stdin_and_compressed_files(tmp_path: Path) -> None:
    """`-` reads stdin; a .gz file is read by content, giving the same documents."""
    plain = _write(tmp_path, LINES[:1])
    packed = tmp_path / "app.log.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    from_gz = io.BytesIO()
    run_parse(str(packed), None, from_gz, False, None)
    from_stdin = io.BytesIO()
    run_parse("-", None, from_stdin, False, io.BytesIO(plain.read_bytes()))
    gz_doc, stdin_doc = _docs(from_gz.getvalue())[0], _docs(from_stdin.getvalue())[0]
    assert gz_doc["service"] == stdin_doc["service"]
    assert "Business Event" == stdin_doc["message"]


def test_multiline_config_joins_stack_traces(tmp_path: Path) -> None:
    """With [parsers.multiline] a Java stack trace is one event with error.stack_trace."""
    config = tmp_path / "lumberyard.toml"
    config.write_text("[parsers.multiline]\n", encoding="utf-8")
    trace = [
        "[2025-09-12T10:00:00.000Z] ERROR charge failed",
        "java.lang.IllegalStateException: boom",
        "\tat a.B.c(B.java:10)",
        "[2025-09-12T10:00:01.000Z] INFO next",
    ]
    out = io.BytesIO()
    summary = run_parse(str(_write(tmp_path, trace)), config, out, False, None)
    docs = _docs(out.getvalue())
    assert 2 == summary.events
    assert (
        "java.lang.IllegalStateException: boom\n\tat a.B.c(B.java:10)"
        == (docs[0]["error"]["stack_trace"])
    )
    assert ("error", "log") == (docs[0]["event_type"], docs[1]["event_type"])


def test_missing_file_fails_naming_it(tmp_path: Path) -> None:
    """A path that cannot be read exits non-zero with the path in the message."""
    missing = tmp_path / "nope.log"
    result = CliRunner().invoke(app, ["parse", str(missing)])
    assert 1 == result.exit_code
    assert f"{missing}: cannot read" in str(result.exception)


def test_bad_config_fails_naming_file_and_key(tmp_path: Path) -> None:
    """A bad config value stops parse before reading, naming the file and key."""
    config = tmp_path / "c.toml"
    config.write_text('[enrich]\nduration_unit = "hours"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["parse", "--config", str(config), "-"], input="x\n")
    assert 1 == result.exit_code
    assert f"{config}:2: enrich.duration_unit" in str(result.exception)
