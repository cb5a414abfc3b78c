"""Events -> bulk NDJSON bytes: the only serialiser on the way to Elasticsearch (pure).

Each event becomes one ``create`` action line naming ``@metadata._index`` / ``_id`` and one
source line without ``@metadata``. ``create`` with a deterministic ``_id`` makes replays harmless:
a second copy is answered 409 and counted as already indexed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from pipeline.errors import EncodeError
from pipeline.runtime import METADATA, Event


@dataclass(slots=True)
class BulkItem:
    """One event as it goes on the wire: action line + source line, both newline-terminated."""

    data: bytes
    index: str
    doc_id: str | None

    @property
    def source(self) -> bytes:
        """The source line (the document) without its trailing newline."""
        return self.data[self.data.index(b"\n") + 1 : -1]


_NO_META: dict[str, Any] = {}
_MAX_CACHED_INDICES = 1024
_to_json = orjson.dumps
_APPEND_NEWLINE = orjson.OPT_APPEND_NEWLINE


class BulkEncoder:
    """Turns events into :class:`BulkItem` s; configured once, no lookups per event.

    The action line is assembled from a cached per-index prefix plus the JSON-escaped ``_id``
    (daily indices are few), so only the document itself goes through a full serialisation.
    """

    def __init__(self, default_index: str | None = None) -> None:
        self.default_index = default_index
        self._heads: dict[str, bytes] = {}
        self._id_heads: dict[str, bytes] = {}

    def encode(self, event: Event) -> BulkItem:
        """One event as a bulk item; :class:`EncodeError` says why it cannot be one.

        The usual event (what the chain makes: a string ``_index`` and ``_id``) is written out
        here in one ``join``; anything else takes :meth:`_encode`, which says what is wrong.

        Measured (issue #12 §5): every event through :meth:`_encode` instead made encoding
        1.64 -> 1.88 CPU us/event (+14%; the ``BulkEncoder.encode`` row of ``python -m
        bench.bench_chain --lines 20000``, both versions alternated in one process, 15 runs),
        about 5% of the sink's own CPU per document (4.2-4.8 us, ``python -m bench.bench_sink
        --no-es --quick``): the copy stays.
        """
        meta = event.get(METADATA)
        if type(meta) is dict:
            index, doc_id = meta.get("_index"), meta.get("_id")
            if type(index) is str and type(doc_id) is str and index and doc_id:
                head = self._id_heads.get(index) or self._id_head(index)
                del event[METADATA]  # serialise without a copy, then put it back
                try:
                    source = _to_json(event, None, _APPEND_NEWLINE)  # the line, with its "\n"
                except TypeError as exc:  # orjson.JSONEncodeError subclasses TypeError
                    raise EncodeError(f"event is not JSON-serialisable: {exc}") from exc
                finally:
                    event[METADATA] = meta
                return BulkItem(b"".join((head, _to_json(doc_id), b"}}\n", source)), index, doc_id)
        return self._encode(event, meta)

    def _id_head(self, index: str) -> bytes:
        """``{"create":{"_index":"<index>","_id":`` (cached per index, like :meth:`_head`)."""
        if len(self._id_heads) >= _MAX_CACHED_INDICES:
            self._id_heads.clear()
        head = self._id_heads[index] = (self._heads.get(index) or self._head(index)) + b',"_id":'
        return head

    def _encode(self, event: Event, meta: object) -> BulkItem:
        """:meth:`encode` for any event: a default index, no ``_id``, or an error to raise."""
        index, doc_id = self._target(meta if isinstance(meta, dict) else _NO_META)
        head = self._heads.get(index) or self._head(index)
        tail = b"}}\n" if doc_id is None else b',"_id":' + _to_json(doc_id) + b"}}\n"
        return BulkItem(b"".join((head, tail, self._source(event), b"\n")), index, doc_id)

    def _head(self, index: str) -> bytes:
        if len(self._heads) >= _MAX_CACHED_INDICES:
            self._heads.clear()
        head = self._heads[index] = b'{"create":{"_index":' + orjson.dumps(index)
        return head

    def _target(self, meta: dict[str, Any]) -> tuple[str, str | None]:
        index = meta.get("_index") or self.default_index
        if not isinstance(index, str) or not index:
            raise EncodeError(f"event has no usable @metadata._index (got {index!r})")
        doc_id = meta.get("_id") or None
        if doc_id is not None and not isinstance(doc_id, str):
            raise EncodeError(f"@metadata._id must be a string, got {type(doc_id).__name__}")
        return index, doc_id

    @staticmethod
    def _source(event: Event) -> bytes:
        if METADATA not in event:
            return _dumps(event)
        meta = event.pop(METADATA)  # serialise without a copy, then put it back
        try:
            return _dumps(event)
        finally:
            event[METADATA] = meta


def _dumps(document: Event) -> bytes:
    try:
        return orjson.dumps(document)
    except TypeError as exc:  # orjson.JSONEncodeError subclasses TypeError
        raise EncodeError(f"event is not JSON-serialisable: {exc}") from exc


def join(items: list[BulkItem]) -> bytes:
    """The request body for these items."""
    return b"".join(item.data for item in items)
