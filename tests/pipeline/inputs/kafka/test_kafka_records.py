"""Kafka records -> events (pure): raw lines, Filebeat events, lumberyard keys, poison, empty."""

from __future__ import annotations

import orjson

from pipeline.ids import ContentIdentity, beats_source_id, file_source_id, kafka_source_id
from pipeline.inputs._events import filebeat_event
from pipeline.inputs.kafka import EMPTY, Poison, Record, poison_letter, record_event
from pipeline.runtime import METADATA

AT = "2025-09-12T10:00:00.000Z"
LINE = "2025-09-12 10:00:00,123 ERROR [auth-service] login failed user=42"
BEAT = {
    "@timestamp": "2025-09-12T10:00:01.000Z",
    "@metadata": {"beat": "filebeat", "type": "_doc", "version": "7.17.29"},
    "message": LINE,
    "log": {"file": {"path": "/var/log/app/auth.log"}, "offset": 1234},
    "host": {"name": "web-1"},
    "agent": {"type": "filebeat"},
    "fields": {"env": "production"},
}


def record(value: bytes | None, key: bytes | None = None, offset: int = 7) -> Record:
    return Record("logs-raw", 3, offset, key, value, 1757671200000)


def without_meta(event: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in event.items() if k != METADATA}


class TestRawLines:
    def test_raw_line_is_identified_by_topic_partition_offset(self) -> None:
        """A plain line without a lumberyard key: message only, id from where it sits."""
        event = record_event(record(LINE.encode() + b"\n"), AT, 1 << 20)
        assert isinstance(event, dict)
        assert ({"message": LINE}, kafka_source_id("logs-raw", 3, 7)) == (
            without_meta(event), event[METADATA]["source_id"])

    def test_kafka_metadata_travels_for_enrichment(self) -> None:
        """Topic, partition, offset, key (text) and timestamp are under @metadata.kafka."""
        event = record_event(record(b"x", key=b"k1"), AT, 1 << 20)
        assert isinstance(event, dict)
        expected = {"topic": "logs-raw", "partition": 3, "offset": 7, "key": "k1",
                    "timestamp": 1757671200000}
        assert (expected, "kafka") == (event[METADATA]["kafka"], event[METADATA]["input"])

    def test_reprocess_key_keeps_the_file_identity(self) -> None:
        """A line published keyed by its file source id (reprocess --to-kafka) keeps that
        identity (the id the file input gives it), at whatever offset it lands."""
        key = file_source_id(b"head of the file\n", 4096, LINE)
        first = record_event(record(LINE.encode(), key=key), AT, 1 << 20)
        resent = record_event(record(LINE.encode(), key=key, offset=99), AT, 1 << 20)
        assert isinstance(first, dict)
        assert isinstance(resent, dict)
        assert (LINE, key, key) == (
            first["message"], first[METADATA]["source_id"], resent[METADATA]["source_id"])

    def test_foreign_key_does_not_replace_the_identity(self) -> None:
        """An application's own key (a user id) is not a source identity."""
        event = record_event(record(b"line", key=b"user-42"), AT, 1 << 20)
        assert isinstance(event, dict)
        assert kafka_source_id("logs-raw", 3, 7) == event[METADATA]["source_id"]

    def test_crlf_is_trimmed_and_inner_text_kept(self) -> None:
        """One trailing line ending goes; the rest of the value is the message."""
        event = record_event(record(b"a b\r\n"), AT, 1 << 20)
        assert isinstance(event, dict)
        assert "a b" == event["message"]

    def test_json_that_is_not_a_beat_event_is_a_line(self) -> None:
        """An application's JSON log line stays the message (the parse step reads it)."""
        text = '{"level":"info","message":"hi"}'
        event = record_event(record(text.encode()), AT, 1 << 20)
        assert isinstance(event, dict)
        assert {"message": text} == without_meta(event)


class TestFilebeatEvents:
    def test_filebeat_event_is_unwrapped_like_the_beats_input(self) -> None:
        """Filebeat's output.kafka JSON gives the event (and id) the Filebeat path gives."""
        raw = orjson.dumps(BEAT)
        event = record_event(record(raw), AT, 1 << 20)
        expected = filebeat_event("", ContentIdentity(b""), raw.decode(), 0, AT)
        assert isinstance(event, dict)
        assert (without_meta(expected), beats_source_id(BEAT, raw)) == (
            without_meta(event), event[METADATA]["source_id"])

    def test_redelivered_at_another_offset_keeps_its_id(self) -> None:
        """The same Filebeat event sent twice (a resend) has one identity."""
        raw = orjson.dumps(BEAT)
        first = record_event(record(raw, offset=1), AT, 1 << 20)
        second = record_event(record(raw, offset=99), AT, 1 << 20)
        assert isinstance(first, dict)
        assert isinstance(second, dict)
        assert first[METADATA]["source_id"] == second[METADATA]["source_id"]


class TestPoisonAndEmpty:
    def test_not_utf8_is_poison(self) -> None:
        """Bytes that are not UTF-8 cannot be a log line: poison, naming the byte."""
        made = record_event(record(b"ok \xff\xfe bad"), AT, 1 << 20)
        assert Poison("kafka_invalid_utf8",
                      "value is not UTF-8 (byte 3: invalid start byte)") == made

    def test_too_large_is_poison(self) -> None:
        """A value over max_value_bytes is poison, naming both sizes."""
        made = record_event(record(b"x" * 101), AT, 100)
        assert Poison("kafka_value_too_large",
                      "value of 101 bytes is over max_value_bytes (100)") == made

    def test_empty_and_tombstone_are_nothing(self) -> None:
        """No value, or only a newline: no event (the input counts it as dropped)."""
        assert [None, None, None] == [
            record_event(record(v), AT, 100) for v in (None, b"", b"\n")]
        assert "empty_record" == EMPTY

    def test_poison_letter_names_where_and_keeps_a_preview(self) -> None:
        """The dead letter says topic/partition@offset and keeps the value's start, escaped."""
        rec = record(b"\xff" * 2000, key=b"k")
        letter = poison_letter(rec, Poison("kafka_invalid_utf8", "value is not UTF-8"), "kafka")
        assert (
            "kafka_invalid_utf8",
            "Kafka record logs-raw/3@7: value is not UTF-8",
            "\\xff" * 1024,
            2000,
            {"topic": "logs-raw", "partition": 3, "offset": 7, "key": "k",
             "timestamp": 1757671200000},
        ) == (
            letter.error_type, letter.reason, letter.event["message"],
            letter.event["kafka_value_bytes"], letter.event["kafka"],
        )

    def test_lumberyard_key_wins_over_the_event_identity(self) -> None:
        """A Filebeat event published by the Beats -> Kafka mode is keyed by the identity the
        Beats input gave it (for an event without a file offset: of the bytes Filebeat sent,
        not of the JSON republished): the key is used."""
        doc = {k: v for k, v in BEAT.items() if k != "log"}
        key = beats_source_id(doc, b'{"as":"filebeat sent it"}')
        event = record_event(record(orjson.dumps(doc), key=key), AT, 1 << 20)
        assert isinstance(event, dict)
        assert key == event[METADATA]["source_id"]
