"""Deterministic document ids: the same source event always gets the same ``_id``.

An ``_id`` is a short hash of the event's *source identity* (where it was read from), so a
re-run, a replay or a redelivery written with the ``create`` op lands on the document that is
already there (409, counted as success) instead of adding a duplicate.
"""

from __future__ import annotations

import binascii
import hashlib
from collections.abc import Mapping
from typing import Any

_SEP = b"\x00"
"""Separates the parts of a source identity; NUL never occurs in paths, topics or host names."""


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


def file_source_id(path: str, offset: int) -> bytes:
    """Identity of the line starting at byte ``offset`` of the file ``path``."""
    return file_source_prefix(path) + b"%d" % offset


def file_source_prefix(path: str) -> bytes:
    """What :func:`file_source_id` puts before the offset: once per file, not per line."""
    return _SEP.join((b"file", path.encode("utf-8", "surrogateescape"), b""))


def kafka_source_id(topic: str, partition: int, offset: int) -> bytes:
    """Identity of the record at ``offset`` of ``topic``/``partition``."""
    return _SEP.join((b"kafka", topic.encode(), str(partition).encode(), str(offset).encode()))


def beats_source_id(event: Mapping[str, Any], raw: bytes) -> bytes:
    """Identity of a Beats event: host + ``log.file.path`` + ``log.offset``, else its raw bytes.

    Filebeat resends a window after a lost ACK with the same host, path and offset, so those
    identify the line; events without them (e.g. from other beats) fall back to their bytes.
    """
    host = _dig(event, "host", "name")
    log = event.get("log")
    path = _dig(log, "file", "path") if isinstance(log, Mapping) else None
    offset = log.get("offset") if isinstance(log, Mapping) else None
    if isinstance(host, str) and isinstance(path, str) and _is_offset(offset):
        parts = (b"beats", host.encode(), path.encode("utf-8", "surrogateescape"))
        return _SEP.join((*parts, str(offset).encode()))
    return b"beats-raw" + _SEP + raw


def _dig(mapping: Mapping[str, Any], outer: str, inner: str) -> object:
    """``mapping[outer][inner]`` or ``None`` when either level is missing or not a mapping."""
    value = mapping.get(outer)
    return value.get(inner) if isinstance(value, Mapping) else None


def _is_offset(value: object) -> bool:
    """A byte offset as Filebeat sends it: a non-negative int (a bool is not one)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
