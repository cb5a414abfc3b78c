"""Raw-line records of one partition joined into multiline events (pure).

A raw line read from Kafka is a line lumberyard splits itself, like a line of a file, so it
goes through the same :class:`parsers.MultilineJoiner` with the same ``[parsers.multiline]``
rule; one joiner per partition, fed in offset order. A record that is a complete event (a
Filebeat ``output.kafka`` event, a record lumberyard published under a source-identity key) is
never joined and ends the event pending before it.

A joined event is the event of its first record with the joined text as ``message``; its
source identity is that record's topic/partition/offset + the joined text
(:func:`pipeline.ids.joined_source_id`), so a replay that joins the same records again gives the
same ``_id``, and one that joins them differently (after a flush timeout and a crash) a new
document rather than a 409 that would drop the lines added.

Offsets: a batch handed on while an event is still pending ends at that event's first record
(:meth:`PartitionLines.batch_end`), so a commit never passes a record whose event is not
delivered. The caller hands a pending event on when its partition has been quiet for the
flush timeout (:meth:`PartitionLines.due`) or at stop, and forgets it, uncommitted, when the
partition is revoked: the next owner reads those records again and joins them the same way.
"""

from __future__ import annotations

from typing import Protocol

from pipeline.ids import joined_source_id
from pipeline.runtime import METADATA, Event

GROK_TIMEOUT_TAG = "_groktimeout"
"""Tag of an event on whose first line a user's multiline pattern ran out of its budget (the
file input's tag)."""


class EventJoiner(Protocol):
    """What is used of :class:`parsers.MultilineJoiner` with events as tokens."""

    timed_out: list[Event]

    def feed(self, line: str, token: Event) -> list[tuple[str, Event]]: ...

    def flush(self) -> list[tuple[str, Event]]: ...

    @property
    def open_token(self) -> Event | None: ...


class PartitionLines:
    """One partition's joining: its joiner, where its pending event starts, what it holds.

    Counts in records: :attr:`pending_records` are held by the joiner (no batch has them yet);
    :meth:`take_joined` returns the records folded into an earlier record's event since the
    last call (an event of ``k`` records counts ``k - 1``), so the input's counters reconcile:
    records in = events + joined + dead-lettered + dropped (+ held).
    """

    def __init__(self, joiner: EventJoiner, start: int) -> None:
        self._joiner = joiner
        self.start = start
        """The first offset read since the partition was assigned (its commit book starts
        there)."""
        self.read_end = start
        """The offset after the last record read."""
        self.issued_end = start
        """Where the last batch issued for the partition ends (batches never go backwards)."""
        self.pending_records = 0
        self.last_fed = 0.0
        """When (monotonic seconds) the last raw line was fed."""
        self._joined = 0

    def line(self, event: Event, now: float) -> list[Event]:
        """A raw line's event: joined to the pending event or starting one; returns the
        events it completed, oldest first."""
        held = self.pending_records
        pairs = self._joiner.feed(event["message"], event)
        if self._joiner.timed_out:
            self._tag_timeouts()
        opened = self._joiner.open_token
        if opened is event:  # the line starts the pending event: what was held went out
            out, self.pending_records = held, 1
        elif opened is not None:  # appended to the pending event
            out, self.pending_records = 0, held + 1
        else:  # the event ended with this line (a JSON line, match = "before")
            out, self.pending_records = held + 1, 0
        self.last_fed = now
        return self._events(pairs, out)

    def whole(self, event: Event) -> list[Event]:
        """A complete event (never joined): the pending event, if any, then this one."""
        return [*self.flush(), event]

    def flush(self) -> list[Event]:
        """The pending event, if any (flush timeout, stop, or a complete event after it)."""
        held, self.pending_records = self.pending_records, 0
        return self._events(self._joiner.flush(), held)

    def due(self, now: float, flush_secs: float) -> bool:
        """True when an event is pending and no raw line came for ``flush_secs``."""
        return self.pending_records > 0 and now - self.last_fed >= flush_secs

    def hold(self, now: float) -> None:
        """The input is paused (backpressure): the next records may be in Kafka, just not
        fetched, so time paused does not count towards the flush timeout."""
        self.last_fed = now

    def batch_end(self) -> int:
        """Where a batch issued now ends: at the pending event's first record, else after
        the last record read."""
        token = self._joiner.open_token
        if token is None:
            return self.read_end
        offset: int = token[METADATA]["kafka"]["offset"]
        return offset

    def take_joined(self) -> int:
        """Records folded into an earlier record's event since the last call."""
        joined, self._joined = self._joined, 0
        return joined

    def _events(self, pairs: list[tuple[str, Event]], records: int) -> list[Event]:
        """The events of ``pairs`` (``records`` records in all), each with its joined text."""
        self._joined += records - len(pairs)
        for text, event in pairs:
            if text != event["message"]:  # lines were joined to it
                meta = event[METADATA]
                meta["source_id"] = joined_source_id(meta["source_id"], text)
            event["message"] = text
        return [event for _, event in pairs]

    def _tag_timeouts(self) -> None:
        for event in self._joiner.timed_out:
            tags = event.setdefault("tags", [])
            if GROK_TIMEOUT_TAG not in tags:
                tags.append(GROK_TIMEOUT_TAG)
        self._joiner.timed_out.clear()
