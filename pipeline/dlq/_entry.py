"""One dead letter: the event that could not be indexed, where it was going, and why.

Serialised as one JSON line. The serialiser never fails: a value JSON cannot hold (bytes, a
set, an object) is written as text so an event that broke the encoder is still kept whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from pipeline.errors import DeadLetterError
from pipeline.runtime import METADATA, Event

_OPTS = orjson.OPT_NON_STR_KEYS | orjson.OPT_UTC_Z


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """An event Elasticsearch refused (or that could not be encoded), with the refusal."""

    event: Event
    error_type: str
    reason: str
    index: str | None
    doc_id: str | None
    input_name: str = "unknown"
    status: int = 0
    time: datetime = field(default_factory=_now)

    def to_json(self) -> bytes:
        """One NDJSON line (with its newline)."""
        record = {
            "time": self.time,
            "error_type": self.error_type,
            "reason": self.reason,
            "status": self.status,
            "index": self.index,
            "id": self.doc_id,
            "input": self.input_name,
            "event": self.event,
        }
        return orjson.dumps(record, default=_as_text, option=_OPTS) + b"\n"

    @classmethod
    def from_json(cls, line: bytes, where: str) -> DeadLetter:
        """Parse a line written by :meth:`to_json`; ``where`` (file:offset) names it on error."""
        try:
            raw = orjson.loads(line)
            return cls(
                event=raw["event"], error_type=raw["error_type"], reason=raw["reason"],
                index=raw["index"], doc_id=raw["id"], input_name=raw.get("input", "unknown"),
                status=raw.get("status", 0), time=datetime.fromisoformat(raw["time"]),
            )
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise DeadLetterError(f"{where}: not a dead letter entry: {exc}") from exc

    def to_event(self, key: str) -> Event:
        """The event ready to be sent again to the same index under the same ``_id``."""
        event = dict(self.event)
        event[METADATA] = {
            "_index": self.index, "_id": self.doc_id, "input": self.input_name, "dlq_key": key,
        }
        return event

    def matches(self, since: datetime | None, reason: re.Pattern[str] | None) -> bool:
        """The replay filters: written at/after ``since``; ``reason`` found in type or reason."""
        if since is not None and self.time < since:
            return False
        return reason is None or reason.search(f"{self.error_type}: {self.reason}") is not None


def _as_text(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return repr(value)
