"""Bytes to Filebeat-shaped events: split a block into lines, keep byte offsets, build dicts.

An event looks like what Filebeat would have shipped for the same line, so the same steps
make the same document: ``message``, ``log.file.path``, ``log.offset`` (byte offset of the
line's first byte) and ``@metadata.source_id`` from the content's
:class:`pipeline.ids.ContentIdentity`. Lines of Filebeat's own NDJSON output are unwrapped by
:func:`beat_event`, the one function every input that receives Beat events uses (the Beats
input, Kafka), so the same line gives the same event, with the same id, whichever way it came.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from pipeline.ids import ContentIdentity, Occurrences, beats_located_source_id, beats_source_id
from pipeline.runtime import METADATA, Event

INPUT_NAME = "files"
TRUNCATED_TAG = "_archive_truncated"
"""Tag of the partial last line of a truncated archive (its id differs from the full line's)."""
LINE_TRUNCATED_TAG = "_truncated"
"""Tag of a line longer than ``max_line_bytes``: its first bytes are kept, the rest skipped
while reading (as Filebeat's ``max_bytes``), so memory is bounded by the cap, not the line."""
INVALID_UTF8_TAG = "_invalid_utf8"
"""Tag of a line that is not valid UTF-8: kept with U+FFFD in place of the bad bytes."""
OWN_METADATA = frozenset({
    "source_id", "input", "received_at", "raw", "kafka", "grammar", "timestamp", "log_fields",
    "_index", "_id", "dlq_key",
})
"""``@metadata`` keys lumberyard sets itself; a Beat's ``@metadata`` keeps the others."""
FILEBEAT_DECODE_TAG = "_filebeat_decode_failure"
"""Tag of a line in a Filebeat NDJSON file that is not a Filebeat event: kept as a plain line."""


@dataclass(slots=True)
class Lines:
    """Complete lines of a block with the byte offset of each, and the unfinished rest."""

    texts: list[str]
    offsets: list[int]
    rest: bytes
    rest_offset: int
    invalid: list[int] | None = None
    """Offsets of the lines that were not valid UTF-8 (decoded with replacement)."""


def split_lines(block: bytes, base: int) -> Lines:
    """Split ``block`` (starting at byte ``base``) into lines; the bytes after the last
    newline are returned as ``rest``. ``\\r\\n`` endings lose their ``\\r``; blank lines
    are left out (Filebeat ships none) but still advance the offsets."""
    cut = block.rfind(b"\n") + 1
    body, rest = block[:cut], block[cut:]
    if not body:
        return Lines([], [], rest, base)
    if body.isascii():  # one decode, and character offsets are byte offsets
        texts, offsets = _ascii_lines(body.decode("ascii").split("\n"), base)
        return Lines(texts, offsets, rest, base + cut)
    invalid: list[int] = []
    texts, offsets = _utf8_lines(body.split(b"\n"), base, invalid)
    return Lines(texts, offsets, rest, base + cut, invalid)


def _ascii_lines(parts: list[str], base: int) -> tuple[list[str], list[int]]:
    parts.pop()  # the empty string after the final newline
    texts: list[str] = []
    offsets: list[int] = []
    position = base
    for text in parts:
        line = text[:-1] if text[-1:] == "\r" else text
        if line:
            texts.append(line)
            offsets.append(position)
        position += len(text) + 1
    return texts, offsets


def _utf8_lines(
    parts: list[bytes], base: int, invalid: list[int]
) -> tuple[list[str], list[int]]:
    parts.pop()
    texts: list[str] = []
    offsets: list[int] = []
    position = base
    for raw in parts:
        line = raw[:-1] if raw[-1:] == b"\r" else raw
        if line:
            try:
                texts.append(line.decode("utf-8"))
            except UnicodeDecodeError:
                texts.append(line.decode("utf-8", "replace"))
                invalid.append(position)
            offsets.append(position)
        position += len(raw) + 1
    return texts, offsets


def decode_line(raw: bytes) -> tuple[str, bool]:
    """One line's text, and whether it was valid UTF-8 (invalid bytes become U+FFFD)."""
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace"), False


def cut_utf8(raw: bytes, limit: int) -> bytes:
    """``raw`` cut to at most ``limit`` bytes, not splitting a UTF-8 sequence."""
    if len(raw) <= limit:
        return raw
    end = limit
    while end > limit - 3 and end > 0 and (raw[end] & 0xC0) == 0x80:
        end -= 1
    return raw[:end] if (raw[end] & 0xC0) != 0x80 else raw[:limit]


def last_line(rest: bytes) -> str:
    """The final line of a file that does not end with a newline."""
    text = rest.decode("utf-8", "replace")
    return text[:-1] if text.endswith("\r") else text


def plain_event(
    path: str, identity: ContentIdentity, text: str, offset: int, received_at: str
) -> Event:
    """The event for one log line read from ``path`` at byte ``offset``."""
    return plain_events(path, identity, [(text, offset)], received_at)[0]


def plain_events(
    path: str, identity: ContentIdentity, lines: list[tuple[str, int]], received_at: str
) -> list[Event]:
    """:func:`plain_event` for each ``(text, offset)`` of a block, built in one comprehension
    (once per line, so the call and the method lookup are left out of the loop)."""
    prefix = identity.prefix
    return [
        {
            "message": text,
            "log": {"file": {"path": path}, "offset": offset},
            METADATA: {
                "source_id": prefix(offset) + text.encode("utf-8", "surrogateescape"),
                "input": INPUT_NAME,
                "received_at": received_at,
            },
        }
        for text, offset in lines
    ]


def truncated_event(
    path: str, identity: ContentIdentity, text: str, offset: int, received_at: str
) -> Event:
    """The partial last line of a truncated archive: tagged, and with its own id."""
    event = plain_event(path, identity, text, offset, received_at)
    event["tags"] = [TRUNCATED_TAG]
    event[METADATA]["source_id"] += b"\x00partial"
    return event


def looks_like_filebeat(line: str) -> bool:
    """True when a line is an event of Filebeat's file/console output (NDJSON)."""
    try:
        doc = orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return isinstance(doc, dict) and _is_beat_event(doc)


def _is_beat_event(doc: Mapping[str, Any]) -> bool:
    meta, agent, log = doc.get("@metadata"), doc.get("agent"), doc.get("log")
    return (
        (isinstance(doc.get("message"), str | dict) or isinstance(doc.get("json"), dict))
        and "@timestamp" in doc
        and (
            (isinstance(meta, dict) and "beat" in meta)
            or (isinstance(agent, dict) and agent.get("type") == "filebeat")
            or (isinstance(log, dict) and isinstance(log.get("file"), dict))
        )
    )


def filebeat_event(
    path: str, identity: ContentIdentity, text: str, offset: int, received_at: str
) -> Event:
    """Unwrap one line of a Filebeat NDJSON file into the event the Beats input would see
    (with the Beats identity; one that does not say where its line was keeps the file's)."""
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError:
        doc = None
    if not isinstance(doc, dict) or not _is_beat_event(doc):
        fallback = plain_event(path, identity, text, offset, received_at)
        fallback["tags"] = [FILEBEAT_DECODE_TAG]
        return fallback
    anonymous = beats_located_source_id(doc) is None
    event = beat_event(doc, text.encode("utf-8", "surrogateescape"), INPUT_NAME, received_at)
    if anonymous:  # a beat event that does not say where its line was: where it is here
        event[METADATA]["source_id"] = identity.source_id(offset, text)
    event[METADATA]["raw"] = text  # the beat event as read: what --to-kafka publishes
    return event


def beat_event(
    doc: dict[str, Any], raw: bytes, input_name: str, received_at: str,
    seen: Occurrences | None = None,
) -> Event:
    """The pipeline event for one event a Beat shipped (``doc``, decoded from ``raw``),
    whichever way it came: the Beats protocol, a Filebeat NDJSON file, a Kafka record.

    Everything the Beat sent is kept as Logstash's beats input kept it (``message``,
    ``@timestamp`` — the time Filebeat read the line, used when the line has no time of its
    own —, ``fields``, ``log``, ``host``, ``agent``, ``input``, ``ecs``, ``tags``), the Beat's
    ``@metadata`` (``beat``, ``type``, ``version``, ...) included: it travels under the event's
    ``@metadata``, never indexed, for ``[enrich] index`` and field rules to read
    (``%{[@metadata][beat]}``); a key lumberyard uses itself (:data:`OWN_METADATA`, e.g. a
    ``_id`` a Beat's processor set) is not taken over. A line whose JSON Filebeat decoded itself
    (the log input's ``json.*`` options put it under ``json``; ``decode_json_fields`` leaves
    an object in ``message``) becomes a JSON line again, so the parsers and steps make of it
    what they make of the line. The source identity comes from
    :func:`pipeline.ids.beats_source_id` (``seen``: the occurrences of anonymous events in
    this stream, e.g. one Beats connection). ``doc`` is taken over, not copied.
    """
    _line_from_decoded_json(doc)
    source_id = beats_source_id(doc, raw, seen)
    beat = doc.pop(METADATA, None)
    meta = {"source_id": source_id, "input": input_name, "received_at": received_at}
    if isinstance(beat, dict) and beat:
        doc[METADATA] = {**{k: v for k, v in beat.items() if k not in OWN_METADATA}, **meta}
    else:
        doc[METADATA] = meta
    return doc


def beat_metadata(meta: Mapping[str, Any]) -> dict[str, Any]:
    """The Beat's own part of an event's ``@metadata`` (what :func:`beat_event` kept)."""
    return {k: v for k, v in meta.items() if k not in OWN_METADATA}


def _line_from_decoded_json(doc: dict[str, Any]) -> None:
    """Filebeat's decoded JSON object back into ``message`` as a JSON line (compact)."""
    message = doc.get("message")
    decoded = doc.get("json")
    if isinstance(decoded, dict):
        doc["message"] = orjson.dumps(doc.pop("json")).decode()
    elif isinstance(message, dict):
        doc["message"] = orjson.dumps(message).decode()
