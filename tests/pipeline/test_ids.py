"""Deterministic document ids: stable, short, and distinct per source identity."""

from __future__ import annotations

import base64
import hashlib

from hypothesis import given
from hypothesis import strategies as st

from pipeline.ids import (
    FINGERPRINT_BYTES,
    Occurrences,
    anonymous_source_id,
    beats_source_id,
    document_id,
    file_source_id,
    kafka_record_source_id,
    kafka_source_id,
)


def test_document_id_is_blake2b_128_base64url_unpadded() -> None:
    """The id is the 16-byte blake2b digest of the source id, base64url, no '=' padding."""
    digest = hashlib.blake2b(b"abc", digest_size=16).digest()
    expected = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    assert expected == document_id(b"abc")
    assert 22 == len(document_id(b"abc"))


HEAD = b"".join(b"2025-09-12T10:00:%02d line %d\n" % (n % 60, n) for n in range(80))
"""Content longer than the fingerprint."""


def test_same_content_line_same_id_whatever_the_name() -> None:
    """A re-read of the same content gives the same id (no path in it); the next offset and
    other line bytes give others."""
    first = file_source_id(HEAD, 2000, "a line")
    assert first == file_source_id(HEAD, 2000, "a line")
    assert first != file_source_id(HEAD, 2001, "a line")
    assert first != file_source_id(HEAD, 2000, "another line")


def test_content_fingerprint_separates_files_and_ignores_what_follows_it() -> None:
    """Another head (a rotated file's) gives other ids; bytes past the fingerprint do not."""
    rotated = HEAD.replace(b"line 0\n", b"line X\n")
    longer = HEAD + b"appended\n" * 100
    assert file_source_id(HEAD, 5000, "x") != file_source_id(rotated, 5000, "x")
    assert file_source_id(HEAD, 5000, "x") == file_source_id(longer, 5000, "x")
    assert FINGERPRINT_BYTES < len(HEAD)


def test_kafka_ids_separate_topic_partition_offset() -> None:
    """Topic, partition and offset are delimited, so ("a1", 2) and ("a", 12) never collide."""
    assert kafka_source_id("a1", 2, 3) != kafka_source_id("a", 12, 3)
    assert kafka_source_id("logs", 0, 7) == kafka_source_id("logs", 0, 7)
    assert b"kafka\x00logs\x000\x007" == kafka_source_id("logs", 0, 7)


BEAT = {
    "host": {"name": "web-1"}, "message": "boom",
    "log": {"file": {"path": "/l/a.log"}, "offset": 42},
}


def test_beats_id_is_host_file_path_offset_and_message() -> None:
    """A Filebeat event is identified by where its line was and the line, not its JSON."""
    expected = b"beats\x00web-1\x00\x00\x00\x00/l/a.log\x0042\x00boom"
    assert expected == beats_source_id(BEAT, b'{"message":"boom"}')
    assert expected == beats_source_id(BEAT, b'{"message":"boom", "other": 1}')


def test_beats_rotated_file_and_file_identity_give_other_ids() -> None:
    """Same path and offset after rotation: another line, another id; inode/device/fingerprint
    (when Filebeat sends them) tell files apart even for the same line."""
    rotated = {**BEAT, "message": "started"}
    inode = {**BEAT, "log": {"file": {"path": "/l/a.log", "inode": "77", "device_id": "2049"},
                             "offset": 42}}
    ids = {beats_source_id(e, b"") for e in (BEAT, rotated, inode)}
    assert 3 == len(ids)


def test_anonymous_events_count_their_occurrences_per_stream() -> None:
    """Events that say nothing of where they were: the same bytes twice in a stream are two
    documents, and a replay of the stream gives the same ids again."""
    def stream() -> list[bytes]:
        seen = Occurrences()
        return [beats_source_id({"message": "x"}, raw, seen) for raw in (b"A", b"A", b"B")]

    first = stream()
    assert (3, first) == (len(set(first)), stream())
    assert anonymous_source_id(b"A", 2) == first[1]


def test_beats_without_a_valid_location_are_anonymous() -> None:
    """No path, no offset, a bool offset or odd shapes: the raw bytes' first occurrence."""
    no_offset = {"host": {"name": "h"}, "log": {"file": {"path": "/p"}}}
    bool_offset = {"host": {"name": "h"}, "log": {"file": {"path": "/p"}, "offset": True}}
    weird = {"host": "h", "log": "x"}
    for event in ({"message": "x"}, no_offset, bool_offset, weird):
        assert anonymous_source_id(b"RAW", 1) == beats_source_id(event, b"RAW")


def test_kafka_records_keep_a_carried_identity() -> None:
    """A key lumberyard published (a source id) or a Filebeat event in the value is kept,
    so a resend at a new offset is the same document; other records use their position."""
    key = file_source_id(HEAD, 9, "l")
    assert key == kafka_record_source_id("t", 0, 5, key, None)
    assert key == kafka_record_source_id("t", 3, 99, key, {"message": "l"})
    assert beats_source_id(BEAT, b"") == kafka_record_source_id("t", 0, 5, b"user-key", BEAT)
    assert kafka_source_id("t", 0, 5) == kafka_record_source_id("t", 0, 5, b"user", {"a": 1})
    assert kafka_source_id("t", 0, 5) == kafka_record_source_id("t", 0, 5, None, None)


@given(st.binary(max_size=4096))
def test_document_id_equals_the_reference_encoding(source_id: bytes) -> None:
    """The fast path (copied hash state, b2a_base64 + translate) gives the reference id."""
    digest = hashlib.blake2b(source_id, digest_size=16).digest()
    expected = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    assert expected == document_id(source_id)


@given(st.binary(), st.binary())
def test_distinct_sources_get_distinct_ids(a: bytes, b: bytes) -> None:
    """Different source ids give different document ids (no collision in practice)."""
    assert (a == b) == (document_id(a) == document_id(b))


@given(
    st.dictionaries(
        st.text(),
        st.recursive(
            st.none() | st.integers() | st.text(), lambda c: st.dictionaries(st.text(), c)
        ),
    ),
    st.binary(),
)
def test_beats_source_id_never_raises_on_odd_events(event: dict[str, object], raw: bytes) -> None:
    """Untrusted Beats events of any shape yield bytes (never an exception)."""
    assert isinstance(beats_source_id(event, raw), bytes)
