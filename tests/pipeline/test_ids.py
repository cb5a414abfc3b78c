"""Deterministic document ids: stable, short, and distinct per source identity."""

from __future__ import annotations

import base64
import hashlib

from hypothesis import given
from hypothesis import strategies as st

from pipeline.ids import beats_source_id, document_id, file_source_id, kafka_source_id


def test_document_id_is_blake2b_128_base64url_unpadded() -> None:
    """The id is the 16-byte blake2b digest of the source id, base64url, no '=' padding."""
    digest = hashlib.blake2b(b"abc", digest_size=16).digest()
    expected = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    assert expected == document_id(b"abc")
    assert 22 == len(document_id(b"abc"))


def test_same_file_line_same_id_different_offset_different_id() -> None:
    """A re-read of the same file offset gives the same id; the next line another one."""
    first = document_id(file_source_id("/var/log/app.log", 120))
    assert first == document_id(file_source_id("/var/log/app.log", 120))
    assert first != document_id(file_source_id("/var/log/app.log", 121))
    assert first != document_id(file_source_id("/var/log/app2.log", 120))


def test_kafka_ids_separate_topic_partition_offset() -> None:
    """Topic, partition and offset are delimited, so ("a1", 2) and ("a", 12) never collide."""
    assert kafka_source_id("a1", 2, 3) != kafka_source_id("a", 12, 3)
    assert kafka_source_id("logs", 0, 7) == kafka_source_id("logs", 0, 7)
    assert b"kafka\x00logs\x000\x007" == kafka_source_id("logs", 0, 7)


def test_beats_id_uses_host_path_offset_when_present() -> None:
    """A Filebeat event is identified by host.name + log.file.path + log.offset, not bytes."""
    event = {"host": {"name": "web-1"}, "log": {"file": {"path": "/l/a.log"}, "offset": 42}}
    expected = b"beats\x00web-1\x00/l/a.log\x0042"
    assert expected == beats_source_id(event, b'{"message":"x"}')
    assert expected == beats_source_id(event, b'{"message":"x", "other": 1}')


def test_beats_id_falls_back_to_raw_bytes() -> None:
    """Without host, path or a valid offset the raw event bytes identify it."""
    assert b"beats-raw\x00RAW" == beats_source_id({"message": "x"}, b"RAW")
    no_offset = {"host": {"name": "h"}, "log": {"file": {"path": "/p"}}}
    assert b"beats-raw\x00RAW" == beats_source_id(no_offset, b"RAW")
    bool_offset = {"host": {"name": "h"}, "log": {"file": {"path": "/p"}, "offset": True}}
    assert b"beats-raw\x00RAW" == beats_source_id(bool_offset, b"RAW")
    weird = {"host": "h", "log": "x"}
    assert b"beats-raw\x00RAW" == beats_source_id(weird, b"RAW")


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
