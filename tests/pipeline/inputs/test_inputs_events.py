"""Blocks become lines with exact byte offsets; lines become Filebeat-shaped events."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.ids import ContentIdentity, beats_source_id, file_source_id
from pipeline.inputs import FILEBEAT_DECODE_TAG, split_lines
from pipeline.inputs._events import (
    beat_event,
    filebeat_event,
    looks_like_filebeat,
    plain_event,
)

AT = "2025-09-12T10:00:00.000+00:00"
HEAD = b"[2025-09-12T10:00:00.000Z] INFO first line of the file\n"


def test_offsets_are_byte_offsets_of_each_line_start() -> None:
    """Offsets count bytes (UTF-8), start at the block's base and skip blank lines."""
    lines = split_lines("é one\n\ntwo\r\nthree".encode(), 100)
    expected = (["é one", "two"], [100, 108], b"three", 113)
    assert expected == (lines.texts, lines.offsets, lines.rest, lines.rest_offset)


def test_ascii_blocks_take_the_same_offsets() -> None:
    """The one-decode ASCII path gives the offsets the UTF-8 path would."""
    lines = split_lines(b"a\r\n\nbb\nccc\n", 0)
    assert (["a", "bb", "ccc"], [0, 4, 7], b"", 11) == (
        lines.texts,
        lines.offsets,
        lines.rest,
        lines.rest_offset,
    )


def test_invalid_utf8_is_replaced_not_raised() -> None:
    """Bytes that are not UTF-8 become U+FFFD; the offsets still count the raw bytes."""
    lines = split_lines(b"\xff\xfeok\nnext\n", 0)
    assert (["\ufffd\ufffdok", "next"], [0, 5]) == (lines.texts, lines.offsets)


@given(st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=30))
def test_every_offset_points_at_its_line_in_the_block(parts: list[bytes]) -> None:
    """For any block, each line's offset is where that line's bytes start."""
    block = b"\n".join(parts) + b"\n"
    lines = split_lines(block, 7)
    for text, offset in zip(lines.texts, lines.offsets, strict=True):
        raw = block[offset - 7 :].split(b"\n", 1)[0]
        expected = raw[:-1] if raw.endswith(b"\r") else raw
        assert expected.decode("utf-8", "replace") == text


def test_plain_event_has_the_filebeat_shape_and_file_source_id() -> None:
    """message, log.file.path, log.offset and @metadata.source_id from the content's identity."""
    event = plain_event("/var/log/app.log", ContentIdentity(HEAD), "hello", 42, AT)
    expected = {
        "message": "hello",
        "log": {"file": {"path": "/var/log/app.log"}, "offset": 42},
        "@metadata": {
            "source_id": file_source_id(HEAD, 42, "hello"),
            "input": "files",
            "received_at": AT,
        },
    }
    assert expected == event


BEAT = {
    "@timestamp": "2025-09-12T10:00:00.000Z",
    "@metadata": {"beat": "filebeat", "type": "_doc", "version": "8.15.0"},
    "message": "[2025-09-12T10:00:00.123Z] ERROR payment declined",
    "log": {"offset": 1234, "file": {"path": "/srv/app/app.log"}},
    "host": {"name": "web-1"},
    "fields": {"service": "payment-service", "environment": "staging"},
    "agent": {"type": "filebeat"},
    "ecs": {"version": "8.0.0"},
}


def test_filebeat_lines_are_recognised() -> None:
    """A line of Filebeat's file output is a beat event; an app JSON log is not."""
    app = '{"level":"info","message":"m","timestamp":"2025-09-12T10:00:00.000Z"}'
    beat = orjson.dumps(BEAT).decode()
    assert (True, False) == (looks_like_filebeat(beat), looks_like_filebeat(app))


def test_filebeat_event_keeps_what_filebeat_sent_with_the_beats_id() -> None:
    """The unwrapped event keeps everything Filebeat sent (@timestamp, message, fields, log,
    host, agent, ecs; @metadata under its own); its id is the one the Beats input gives it."""
    line = orjson.dumps(BEAT).decode()
    event = filebeat_event("/archive/filebeat.ndjson", ContentIdentity(b""), line, 0, AT)
    meta = event.pop("@metadata")
    expected = {key: value for key, value in BEAT.items() if key != "@metadata"}
    assert (expected, beats_source_id(BEAT, line.encode())) == (event, meta["source_id"])


def test_the_beats_metadata_travels_under_the_events_metadata() -> None:
    """The Beat's @metadata (beat, type, version: what %{[@metadata][beat]} names) is kept
    under the event's @metadata, never indexed; keys lumberyard sets itself are its own."""
    doc = {**BEAT, "@metadata": {**BEAT["@metadata"], "_id": "from-a-processor",  # type: ignore[dict-item]
                                 "input": "x", "pipeline": "p1"}}
    event = beat_event(doc, orjson.dumps(doc), "beats", AT)
    assert {"beat": "filebeat", "type": "_doc", "version": "8.15.0", "pipeline": "p1",
            "source_id": beats_source_id(BEAT, b""), "input": "beats",
            "received_at": AT} == event["@metadata"]


def test_a_non_beat_line_in_a_filebeat_file_is_kept_and_tagged() -> None:
    """A line that is not a beat event becomes a plain event tagged for inspection."""
    event = filebeat_event("/a.ndjson", ContentIdentity(b""), "not json", 10, AT)
    assert ("not json", [FILEBEAT_DECODE_TAG]) == (event["message"], event["tags"])


@pytest.mark.parametrize(
    "shipped",
    [
        {"json": {"level": "warn", "message": "disk 91% full"}},  # log input json.* options
        {"message": {"level": "warn", "message": "disk 91% full"}},  # decode_json_fields
    ],
)
def test_json_that_filebeat_decoded_becomes_a_json_line_again(shipped: dict[str, object]) -> None:
    """The object Filebeat decoded is handed to the parsers as the JSON line it came from."""
    doc = {**BEAT, **shipped}
    if "json" in shipped:
        del doc["message"]
    line = orjson.dumps(doc).decode()
    event = filebeat_event("/archive/filebeat.ndjson", ContentIdentity(b""), line, 0, AT)
    assert ('{"level":"warn","message":"disk 91% full"}', False, []) == (
        event["message"], "json" in event, event.get("tags", []),
    )
