"""Kafka records to pipeline events (pure): raw lines or Filebeat ``output.kafka`` events.

A record's value is either one raw log line or a Filebeat event as JSON. The event is the one
the file input / ``reprocess`` (raw line) or the Beats input (Filebeat event) gives for the same
line, so the same steps make the same document. Its source identity, in order:

1. the record key, when it is a lumberyard source identity (``reprocess --to-kafka`` keys each
   line by it, the Beats -> Kafka mode each event by its Beats identity): a resend at a new
   offset is still the same ``_id``; a key of the older ``file``/path/offset form also gives
   back ``log.file.path`` / ``log.offset``;
2. a Filebeat event's own identity (host + file + offset + message, as the Beats input);
3. topic + partition + offset (``pipeline.ids.kafka_record_source_id``).

Raw lines without a carried identity may be joined into multiline events by the input
(:func:`joinable`, ``_joining``); Filebeat events and keyed records are complete events.
Kafka's own metadata (topic, partition, offset, key, timestamp) travels under
``@metadata.kafka`` for enrichment. Values that are not UTF-8 or larger than the configured
limit are *poison*: :func:`record_event` returns a :class:`Poison` naming why, and the input
dead-letters it with its topic/partition/offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from pipeline.dlq import DeadLetter
from pipeline.ids import CARRIED_KINDS, document_id, kafka_record_source_id, kafka_source_id
from pipeline.inputs._events import _is_beat_event, beat_event
from pipeline.runtime import METADATA, Event

INPUT_NAME = "kafka"
PREVIEW_BYTES = 1024
"""How much of a poison value a dead letter keeps (escaped), to see what it was."""
_LUMBERYARD_KEYS = (*CARRIED_KINDS, b"beats-raw\x00")  # and the Beats fallback of before
"""Prefixes of the source identities pipeline.ids builds: a key starting so is one of them."""


@dataclass(frozen=True, slots=True)
class Record:
    """What the input needs of one Kafka record (aiokafka's ConsumerRecord, decoupled)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp: int | None = None
    """Milliseconds since the epoch (the record's create or log-append time)."""


@dataclass(frozen=True, slots=True)
class Poison:
    """A record that cannot become an event: the bounded error type and a readable reason."""

    error_type: str
    reason: str


EMPTY = "empty_record"
"""Drop reason of a record without a value (a tombstone) or with only a line ending."""


def record_event(record: Record, received_at: str, max_value_bytes: int) -> Event | Poison | None:
    """The event for ``record``; a :class:`Poison` when it cannot be one; ``None`` when empty."""
    value = record.value
    if not value:
        return None
    if len(value) > max_value_bytes:
        return Poison(
            "kafka_value_too_large",
            f"value of {len(value)} bytes is over max_value_bytes ({max_value_bytes})",
        )
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Poison("kafka_invalid_utf8", f"value is not UTF-8 (byte {exc.start}: {exc.reason})")
    text = text.removesuffix("\n").removesuffix("\r")
    if not text:
        return None
    doc = _beat_doc(text)
    if doc is not None:
        where = (record.topic, record.partition, record.offset)
        source_id = kafka_record_source_id(*where, record.key, doc)  # before beat_event takes doc
        event = beat_event(doc, value, INPUT_NAME, received_at)
        event[METADATA]["source_id"] = source_id
        event[METADATA]["raw"] = text  # as the file input keeps it (what --to-kafka publishes)
    else:
        event = line_event(record, text, received_at)
    event[METADATA]["kafka"] = kafka_metadata(record)
    return event


def _beat_doc(text: str) -> dict[str, Any] | None:
    """The decoded Filebeat event when ``text`` is one (JSON with a Beat's marks), else None."""
    if text[0] != "{":
        return None
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    return doc if isinstance(doc, dict) and _is_beat_event(doc) else None


def line_event(record: Record, text: str, received_at: str) -> Event:
    """A raw log line: identified by a lumberyard key when it has one, else by its offset."""
    event: Event = {"message": text}
    key = record.key
    if key is not None and _is_source_key(key):
        source_id = key
        parts = key.split(b"\x00")
        if len(parts) == 3 and parts[0] == b"file" and parts[2].isdigit():
            path = parts[1].decode("utf-8", "surrogateescape")
            event["log"] = {"file": {"path": path}, "offset": int(parts[2])}
    else:
        source_id = kafka_source_id(record.topic, record.partition, record.offset)
    event[METADATA] = {"source_id": source_id, "input": INPUT_NAME, "received_at": received_at}
    return event


def joinable(record: Record, event: Event) -> bool:
    """True for a raw line without a carried identity: a line lumberyard splits itself, which
    multiline may join (``_joining``). A Filebeat event (it keeps its JSON as ``@metadata.raw``)
    or a record keyed by a lumberyard source identity is a complete event."""
    return "raw" not in event[METADATA] and not _is_source_key(record.key)


def _is_source_key(key: bytes | None) -> bool:
    """A key that is a source identity built by pipeline.ids (lumberyard published it)."""
    return key is not None and key.startswith(_LUMBERYARD_KEYS)


def kafka_metadata(record: Record) -> dict[str, Any]:
    """``@metadata.kafka``: where the record was and its key (text) and timestamp (ms)."""
    key = record.key
    return {
        "topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "key": None if key is None else key.decode("utf-8", "replace"),
        "timestamp": record.timestamp,
    }


def poison_letter(record: Record, poison: Poison, input_name: str) -> DeadLetter:
    """The dead letter of a poison record: where it was, why, and a preview of the value."""
    value = record.value or b""
    where = f"{record.topic}/{record.partition}@{record.offset}"
    return DeadLetter(
        event={
            "message": value[:PREVIEW_BYTES].decode("utf-8", "backslashreplace"),
            "kafka": kafka_metadata(record),
            "kafka_value_bytes": len(value),
        },
        error_type=poison.error_type,
        reason=f"Kafka record {where}: {poison.reason}",
        index=None,
        doc_id=document_id(kafka_source_id(record.topic, record.partition, record.offset)),
        input_name=input_name,
    )

