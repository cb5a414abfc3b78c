"""Source identity and deterministic document ids: the one rule every input follows.

An event's ``_id`` is a hash of its *source identity*: what identifies the bytes it was read
from. A re-run, a replay or a redelivery (written with ``create``) of the same bytes lands on
the document already there (409, counted as success); two different events never share one.

The rule, per kind of source (docs/fields.md says the same for users):

* **Lines with content offsets** (files, archives, stdin): the *content* of the stream, never
  its name. ``file`` + a hash of the first :data:`FINGERPRINT_BYTES` of content (all of it
  when shorter) + the line's offset (counted in decompressed bytes) + the line's own bytes.
  The same content renamed, moved or recompressed gives the same ids; a new file at the same
  path differs in its head or, past an identical head, in the line bytes at an offset. (A
  file shorter than the fingerprint that grows gets new ids for the lines it had: Filebeat's
  fingerprint identity does not read such files at all.)
* **Beats events**: what the shipper says about where the line was (``host.name``,
  ``log.file.path``, ``log.offset`` and, where sent, ``log.file.inode`` / ``device_id`` /
  ``fingerprint``) + the message bytes: a resend of a window gives the same ids, a rotated
  file (same path, offsets from 0 again) gives others because its lines differ.
* **Kafka records**: the source identity they carry (a key lumberyard published, a Filebeat
  event in the value) so an upstream resend at a new offset is still a 409; otherwise topic +
  partition + offset (a multiline event joined from raw lines: those of its first record).
* **Anonymous events** (no path, no offset: e.g. go-lumber's ``tst-send``): the hash of the
  event's bytes + where this occurrence of them is in the stream: the window it came in (its
  number on the connection) and how many times the same bytes came before in that window
  (:class:`Occurrences`). Every occurrence in a stream gets its own id, so duplicates in the
  data stay duplicates; a replay of the stream gives the same ids, so it is harmless; and only
  one window's payloads are ever counted (memory stays bounded on a long-lived connection).
"""

from __future__ import annotations

import binascii
import hashlib
from collections.abc import Mapping
from typing import Any

_SEP = b"\x00"
"""Separates the parts of a source identity; NUL never occurs in paths, topics or host names."""

FINGERPRINT_BYTES = 1024
"""Content bytes that identify a file (Filebeat's ``fingerprint`` file identity reads 1 KiB)."""

CARRIED_KINDS = (b"file\x00", b"beats\x00", b"kafka\x00", b"anon\x00")
"""How every identity built here starts: a Kafka key starting so is a carried identity."""

_BLAKE2B_128 = hashlib.blake2b(digest_size=16)
"""An empty blake2b-128 state: copying it is cheaper than building one from its parameters."""
_URLSAFE = bytes.maketrans(b"+/", b"-_")
_b2a_base64 = binascii.b2a_base64


def document_id(source_id: bytes) -> str:
    """The ``_id`` for a source identity: blake2b-128, base64url without padding (22 chars).

    Runs once per event: a copied hash state and ``b2a_base64`` + ``translate`` (16 bytes are
    always 22 characters, ``==`` and the newline, which the same ``translate`` deletes) cost
    about half of ``blake2b(...)`` + ``urlsafe_b64encode``.
    """
    state = _BLAKE2B_128.copy()
    state.update(source_id)
    return _b2a_base64(state.digest()).translate(_URLSAFE, b"=\n").decode()


def _digest(data: bytes) -> bytes:
    state = _BLAKE2B_128.copy()
    state.update(data)
    return state.hexdigest().encode()


class ContentIdentity:
    """Identities of the lines of one content stream (a file, an archive, stdin).

    ``head`` is the first :data:`FINGERPRINT_BYTES` of the content (all of it when shorter):
    readers take it from the file's inspection, or for stdin hold the first blocks until they
    make it (or the stream ends), so no timing of the producer's writes decides an id.
    """

    __slots__ = ("_fingerprint",)

    def __init__(self, head: bytes) -> None:
        self._fingerprint = _SEP.join((b"file", _digest(head[:FINGERPRINT_BYTES]), b""))

    def prefix(self, offset: int) -> bytes:
        """What precedes the line bytes in the identity of the line at ``offset``."""
        return self._fingerprint + b"%d\x00" % offset

    def source_id(self, offset: int, line: str) -> bytes:
        """Identity of the line (or joined multiline event) ``line`` starting at ``offset``."""
        return self.prefix(offset) + line.encode("utf-8", "surrogateescape")


def file_source_id(head: bytes, offset: int, line: str) -> bytes:
    """Identity of ``line`` at ``offset`` of the content that starts with ``head``."""
    return ContentIdentity(head).source_id(offset, line)


def kafka_source_id(topic: str, partition: int, offset: int) -> bytes:
    """Identity of the record at ``offset`` of ``topic``/``partition`` (no carried identity)."""
    return _SEP.join((b"kafka", topic.encode(), str(partition).encode(), str(offset).encode()))


def joined_source_id(first: bytes, text: str) -> bytes:
    """Identity of an event joined from several raw Kafka records: its first record's identity
    + the joined text, as a file's multiline event carries its whole bytes. A replay that joins
    the same records gives the same id (a 409); one that joins them differently (its first
    record handed on alone at the flush timeout, the rest read after a crash) gives a new
    document instead of a 409 that would drop the continuation lines."""
    return _SEP.join((first, b"joined", _digest(text.encode("utf-8", "surrogateescape"))))


def kafka_record_source_id(
    topic: str, partition: int, offset: int, key: bytes | None, event: Mapping[str, Any] | None
) -> bytes:
    """Identity of a Kafka record: the one it carries, else its topic/partition/offset.

    A record carries one when its ``key`` is an identity built here (lumberyard's
    ``--to-kafka`` and Beats-to-Kafka key records by it) or its decoded value ``event`` is a
    Beats event that names where its line was (Filebeat's ``output.kafka``).
    """
    if key is not None and key.startswith(CARRIED_KINDS):
        return key
    located = beats_located_source_id(event) if event is not None else None
    return located if located is not None else kafka_source_id(topic, partition, offset)


def beats_source_id(
    event: Mapping[str, Any], raw: bytes, seen: Occurrences | None = None
) -> bytes:
    """Identity of a Beats event: where its line was (host, file, offset) + its message.

    Filebeat resends a window after a lost ACK with the same host, path, offset and message,
    so those identify it; a rotated file restarts its offsets but not its lines. An event that
    says nothing of where it was is anonymous: its ``raw`` bytes + their occurrence count in
    the stream ``seen`` (one per connection, counted per window; without it, every such event
    counts as the first in the first window).
    """
    located = beats_located_source_id(event)
    if located is not None:
        return located
    if seen is None:
        return anonymous_source_id(raw, 1)
    return anonymous_source_id(raw, seen.count(raw), seen.window)


def beats_located_source_id(event: Mapping[str, Any]) -> bytes | None:
    """The Beats identity of an event that names where its line was, else ``None``."""
    located = _beats_location(event)
    return None if located is None else located + _message_bytes(event)


def anonymous_source_id(raw: bytes, occurrence: int, window: int = 1) -> bytes:
    """Identity of the ``occurrence``-th (from 1) appearance of ``raw`` in the ``window``-th
    window (from 1) of a stream. The first window's ids are those of a stream counted whole
    (what lumberyard gave before windows were counted apart)."""
    if window == 1:
        return _SEP.join((b"anon", _digest(raw), b"%d" % occurrence))
    return _SEP.join((b"anon", _digest(raw), b"%d" % occurrence, b"%d" % window))


class Occurrences:
    """Where each anonymous payload occurs in one stream (one Beats connection): the number
    of the current window and how often each payload came so far in it.

    The counts are per window and forgotten at :meth:`end_window`, so a long-lived connection
    of distinct anonymous events holds nothing between windows (a 16-byte digest per distinct
    payload of the window being read while it is read), where counting the whole stream kept
    ~100 bytes per distinct payload for the connection's lifetime.
    """

    __slots__ = ("_counts", "window")

    def __init__(self) -> None:
        self._counts: dict[bytes, int] = {}
        self.window = 1
        """The number of the window being counted (from 1)."""

    def count(self, raw: bytes) -> int:
        """Count one more ``raw`` in this window; its occurrence number (1 the first time)."""
        state = _BLAKE2B_128.copy()
        state.update(raw)
        digest = state.digest()
        n = self._counts.get(digest, 0) + 1
        self._counts[digest] = n
        return n

    def end_window(self) -> None:
        """The window is read: forget its counts; the next one gets the next number."""
        self._counts.clear()
        self.window += 1

    @property
    def tracked(self) -> int:
        """Distinct payloads held now (only the current window's)."""
        return len(self._counts)


def _beats_location(event: Mapping[str, Any]) -> bytes | None:
    """``beats`` + host + file identity + path + offset, or ``None`` without path and offset."""
    log = event.get("log")
    if not isinstance(log, Mapping):
        return None
    file = log.get("file")
    path = file.get("path") if isinstance(file, Mapping) else None
    offset = log.get("offset")
    if not isinstance(path, str) or not _is_offset(offset):
        return None
    assert isinstance(file, Mapping)  # path came from it
    host = _dig(event, "host", "name")
    parts = [b"beats", _text(host)]
    parts += [_text(file.get(key)) for key in ("device_id", "inode", "fingerprint")]
    parts += [path.encode("utf-8", "surrogateescape"), str(offset).encode(), b""]
    return _SEP.join(parts)


def _message_bytes(event: Mapping[str, Any]) -> bytes:
    message = event.get("message")
    return message.encode("utf-8", "surrogateescape") if isinstance(message, str) else b""


def _text(value: object) -> bytes:
    """A scalar as bytes for an identity part (absent = empty)."""
    if value is None or isinstance(value, Mapping | list):
        return b""
    return str(value).encode("utf-8", "surrogateescape")


def _dig(mapping: Mapping[str, Any], outer: str, inner: str) -> object:
    """``mapping[outer][inner]`` or ``None`` when either level is missing or not a mapping."""
    value = mapping.get(outer)
    return value.get(inner) if isinstance(value, Mapping) else None


def _is_offset(value: object) -> bool:
    """A byte offset as Filebeat sends it: a non-negative int (a bool is not one)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
